//! Batch normalization (Ioffe & Szegedy, ICML 2015) of a hidden layer's pre-activations,
//! before its activation: `y = γ·(z − μ)/√(σ² + ε) + β`, then `a = f(y)`.
//!
//! In training, μ and σ² are the batch's mean and (biased, divided by N) variance of each
//! unit's `z`; in evaluation they are running averages updated after every training forward
//! pass, `r ← momentum·r + (1 − momentum)·batch`. The conventions are Keras'
//! `BatchNormalization()`: momentum 0.99, ε = 1e-3, the biased batch variance in both places
//! (torch's `BatchNorm1d` has momentum 0.1 in the other sense, i.e. 0.9 here, ε = 1e-5, and an
//! unbiased running variance). γ starts at 1, β at 0, the running mean at 0 and the running
//! variance at 1.
//!
//! The dense layer's own bias `b` is kept but has no effect (the mean is subtracted): its
//! gradient is exactly 0, and is set so, so it never moves (Keras users write
//! `Dense(use_bias=False)` before a `BatchNormalization`).
//!
//! The statistics of the trainer see `y`, what the activation sees: a "pre-activation" of a
//! normalized layer is `y`, and a ReLU unit is dead when `y ≤ 0` on every sample.

use super::real::Real;

/// Batch normalization's settings (see the module's documentation).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BatchNorm {
    /// Weight of the old running statistics in each update (Keras' `momentum`).
    pub momentum: f64,
    /// Added to the variance before its square root.
    pub epsilon: f64,
}

impl Default for BatchNorm {
    /// Keras' defaults: momentum 0.99, ε = 1e-3.
    fn default() -> Self {
        BatchNorm {
            momentum: 0.99,
            epsilon: 1e-3,
        }
    }
}

/// One layer's batch normalization: its learnable scale and shift and its running statistics.
#[derive(Clone, Debug, PartialEq)]
pub struct Norm<R> {
    pub gamma: Vec<R>,
    pub beta: Vec<R>,
    pub running_mean: Vec<R>,
    pub running_var: Vec<R>,
    pub momentum: f64,
    pub epsilon: f64,
}

impl<R: Real> Norm<R> {
    /// `units` units at their initial values (γ 1, β 0, mean 0, variance 1).
    pub fn new(units: usize, bn: BatchNorm) -> Self {
        Norm {
            gamma: vec![R::ONE; units],
            beta: vec![R::ZERO; units],
            running_mean: vec![R::ZERO; units],
            running_var: vec![R::ONE; units],
            momentum: bn.momentum,
            epsilon: bn.epsilon,
        }
    }

    /// Unit `j` back to its initial values (for recyclers).
    pub fn reset_unit(&mut self, j: usize) {
        self.gamma[j] = R::ONE;
        self.beta[j] = R::ZERO;
        self.running_mean[j] = R::ZERO;
        self.running_var[j] = R::ONE;
    }
}

impl<R: Into<f64> + Copy> Norm<R> {
    /// Unit `j`'s map `y = scale·z + shift` in evaluation (from the running statistics).
    pub fn eval_affine(&self, j: usize) -> (f64, f64) {
        let inv = 1.0 / (self.running_var[j].into() + self.epsilon).sqrt();
        let scale = self.gamma[j].into() * inv;
        (
            scale,
            self.beta[j].into() - scale * self.running_mean[j].into(),
        )
    }
}

/// A normalized layer's buffers in a workspace.
#[derive(Clone, Debug)]
pub struct NormWork<R> {
    /// x̂ = (z − μ)/√(σ² + ε) of the last training forward pass, feature-major like `z`.
    pub xhat: Vec<R>,
    /// Per unit: 1/√(σ² + ε) of the last forward pass (running σ² in evaluation).
    pub inv: Vec<R>,
    /// Per unit: the last training batch's mean and biased variance.
    pub mean: Vec<f64>,
    pub var: Vec<f64>,
    /// Per unit: ∂loss/∂γ and ∂loss/∂β of the last backward pass.
    pub g_gamma: Vec<R>,
    pub g_beta: Vec<R>,
    /// Whether the last forward pass used the batch's statistics.
    pub trained: bool,
}

impl<R: Real> NormWork<R> {
    pub fn new(units: usize, cap: usize) -> Self {
        NormWork {
            xhat: vec![R::ZERO; units * cap],
            inv: vec![R::ZERO; units],
            mean: vec![0.0; units],
            var: vec![0.0; units],
            g_gamma: vec![R::ZERO; units],
            g_beta: vec![R::ZERO; units],
            trained: false,
        }
    }
}

/// Normalizes the first `bsz` samples of every unit of `z` (stride `cap`) in place into `y`:
/// with the batch's statistics when `training` (keeping x̂ and the statistics in `w`), else
/// with the running ones.
pub fn forward<R: Real>(
    norm: &Norm<R>,
    w: &mut NormWork<R>,
    z: &mut [R],
    bsz: usize,
    cap: usize,
    training: bool,
) {
    w.trained = training;
    let n = bsz.max(1) as f64;
    for j in 0..norm.gamma.len() {
        let zj = &mut z[j * cap..j * cap + bsz];
        let (gamma, beta) = (norm.gamma[j], norm.beta[j]);
        if training {
            let mean = zj.iter().map(|v| v.to_f64()).sum::<f64>() / n;
            let var = zj
                .iter()
                .map(|v| (v.to_f64() - mean) * (v.to_f64() - mean))
                .sum::<f64>()
                / n;
            let inv = R::from_f64(1.0 / (var + norm.epsilon).sqrt());
            let m = R::from_f64(mean);
            let xh = &mut w.xhat[j * cap..j * cap + bsz];
            for (x, v) in xh.iter_mut().zip(zj.iter_mut()) {
                *x = (*v - m) * inv;
                *v = gamma * *x + beta;
            }
            (w.mean[j], w.var[j], w.inv[j]) = (mean, var, inv);
        } else {
            let inv = R::from_f64(1.0 / (norm.running_var[j].to_f64() + norm.epsilon).sqrt());
            let m = norm.running_mean[j];
            let xh = &mut w.xhat[j * cap..j * cap + bsz];
            for (x, v) in xh.iter_mut().zip(zj.iter_mut()) {
                *x = (*v - m) * inv;
                *v = gamma * *x + beta;
            }
            w.inv[j] = inv;
        }
    }
}

/// Unit `j`'s share of the backward pass: `d` holds ∂loss/∂y over the batch and becomes
/// ∂loss/∂z; ∂loss/∂γ and ∂loss/∂β go into `w`. In training mode (batch statistics):
/// ∂z_i = γ·inv/N · (N·∂y_i − Σ∂y − x̂_i·Σ∂y·x̂); after an evaluation forward pass the map
/// is affine and ∂z = γ·inv·∂y.
pub fn backward_unit<R: Real>(
    norm: &Norm<R>,
    w: &mut NormWork<R>,
    j: usize,
    d: &mut [R],
    cap: usize,
) {
    let bsz = d.len();
    let xh = &w.xhat[j * cap..j * cap + bsz];
    let (mut sd, mut sdx) = (0.0f64, 0.0f64);
    for (dd, x) in d.iter().zip(xh) {
        sd += dd.to_f64();
        sdx += dd.to_f64() * x.to_f64();
    }
    w.g_beta[j] = R::from_f64(sd);
    w.g_gamma[j] = R::from_f64(sdx);
    let k = norm.gamma[j] * w.inv[j];
    if !w.trained {
        d.iter_mut().for_each(|v| *v *= k);
        return;
    }
    let n = bsz.max(1) as f64;
    let (mean_d, mean_dx) = (R::from_f64(sd / n), R::from_f64(sdx / n));
    for (dd, &x) in d.iter_mut().zip(xh) {
        *dd = k * (*dd - mean_d - x * mean_dx);
    }
}
