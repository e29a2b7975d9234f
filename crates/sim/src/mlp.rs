//! A dense network of any widths, forward and backward over a batch, generic over [`Real`].
//!
//! Layout: within a batch every buffer is FEATURE-MAJOR, `buf[unit * cap + sample]`, so the
//! samples of one unit are contiguous. A layer's three products are then small matrix
//! products whose contiguous dimension is the batch (forward `Z = W·A + b`, backward
//! `Δprev = Wᵀ·Δ`) or, after transposing the layer's input once per step, its inputs
//! (`∇W = Δ·Aᵀ`); [`gemm`] runs them with register-blocked tiles. Buffers are allocated
//! once in a [`Workspace`]; a training step allocates nothing.

use super::activation::{Activation, ActivationKind, SELU_ALPHA, SELU_LAMBDA};
use super::dropout::{self, Dropout};
use super::gemm::{gemm, Gemm};
use super::init::Initializer;
use super::loss::{bce_with_logits, Loss};
use super::norm::{self, BatchNorm, Norm, NormWork};
use super::real::{dot, relu, relu_mask, sum, Real};
use super::rng::SimRng;
use super::vmath::sigmoid_parts;

/// One dense layer: `a = f(W·x + b)`, with `w[j * n_in + i]` the weight from input `i` to
/// unit `j`.
#[derive(Clone, Debug, PartialEq)]
pub struct Layer<R> {
    pub n_in: usize,
    pub n_out: usize,
    pub w: Vec<R>,
    pub b: Vec<R>,
    pub act: Activation,
    /// Batch normalization of `W·x + b` before the activation (None: none; see
    /// [`norm`]). With it the bias `b` has no effect and no gradient.
    pub norm: Option<Norm<R>>,
}

/// A multilayer perceptron.
#[derive(Clone, Debug, PartialEq)]
pub struct Mlp<R> {
    pub layers: Vec<Layer<R>>,
}

impl<R: Real> Mlp<R> {
    /// A network with `widths = [inputs, h1, …, outputs]` (at least two entries, all ≥ 1) and one
    /// activation per layer (`acts.len() == widths.len() - 1`). Kernels are drawn layer by
    /// layer, unit by unit, from `rng`; biases are `bias_init`.
    pub fn new(
        widths: &[usize],
        acts: &[Activation],
        init: Initializer,
        bias_init: f64,
        rng: &mut SimRng,
    ) -> Self {
        assert!(widths.len() >= 2 && acts.len() == widths.len() - 1);
        let mut layers = Vec::with_capacity(acts.len());
        let mut buf = Vec::new();
        for (l, &act) in acts.iter().enumerate() {
            let (n_in, n_out) = (widths[l], widths[l + 1]);
            buf.clear();
            buf.resize(n_in * n_out, 0.0);
            init.fill(rng, n_in, n_out, &mut buf);
            layers.push(Layer {
                n_in,
                n_out,
                w: buf.iter().map(|&v| R::from_f64(v)).collect(),
                b: vec![R::from_f64(bias_init); n_out],
                act,
                norm: None,
            });
        }
        Mlp { layers }
    }

    /// The network with batch normalization before the activation of every hidden layer
    /// (every layer but the last), at its initial values.
    pub fn with_batch_norm(mut self, bn: BatchNorm) -> Self {
        let hidden = self.layers.len().saturating_sub(1);
        for l in &mut self.layers[..hidden] {
            l.norm = Some(Norm::new(l.n_out, bn));
        }
        self
    }

    /// Whether any layer is batch-normalized.
    pub fn has_norm(&self) -> bool {
        self.layers.iter().any(|l| l.norm.is_some())
    }

    pub fn n_inputs(&self) -> usize {
        self.layers.first().map_or(0, |l| l.n_in)
    }

    pub fn n_outputs(&self) -> usize {
        self.layers.last().map_or(0, |l| l.n_out)
    }

    pub fn n_params(&self) -> usize {
        let norm = |l: &Layer<R>| l.norm.as_ref().map_or(0, |n| 2 * n.gamma.len());
        self.layers
            .iter()
            .map(|l| l.w.len() + l.b.len() + norm(l))
            .sum()
    }

    /// Every parameter in a fixed order (per layer: kernel, then bias, then a normalized
    /// layer's γ and β; the running statistics are not parameters).
    pub fn params(&self) -> Vec<R> {
        let mut out = Vec::with_capacity(self.n_params());
        for l in &self.layers {
            out.extend_from_slice(&l.w);
            out.extend_from_slice(&l.b);
            if let Some(n) = &l.norm {
                out.extend_from_slice(&n.gamma);
                out.extend_from_slice(&n.beta);
            }
        }
        out
    }

    /// Sets every parameter from the order of [`params`](Self::params).
    pub fn set_params(&mut self, p: &[R]) {
        let mut k = 0;
        for l in &mut self.layers {
            let nw = l.w.len();
            l.w.copy_from_slice(&p[k..k + nw]);
            k += nw;
            let nb = l.b.len();
            l.b.copy_from_slice(&p[k..k + nb]);
            k += nb;
            if let Some(n) = &mut l.norm {
                let u = n.gamma.len();
                n.gamma.copy_from_slice(&p[k..k + u]);
                n.beta.copy_from_slice(&p[k + u..k + 2 * u]);
                k += 2 * u;
            }
        }
    }

    /// Outputs for row-major inputs (`n × n_inputs`), row-major `n × n_outputs`, in
    /// evaluation mode (batch normalization with the running statistics). Allocates; for
    /// plots and tests, not for the training loop.
    pub fn predict<S: Copy + Into<f64>>(&self, x: &[S]) -> Vec<R> {
        let nf = self.n_inputs().max(1);
        let n = x.len() / nf;
        let mut ws = Workspace::new(self, n.clamp(1, 256));
        ws.norm_training = false;
        let mut out = Vec::with_capacity(n * self.n_outputs());
        let no = self.n_outputs();
        let last = self.layers.len() - 1;
        let mut start = 0;
        while start < n {
            let bsz = ws.cap.min(n - start);
            ws.load_inputs(x, nf, start..start + bsz);
            ws.forward(self, bsz);
            for b in 0..bsz {
                for k in 0..no {
                    out.push(ws.a[last][k * ws.cap + b]);
                }
            }
            start += bsz;
        }
        out
    }

    /// Mean squared error over all `n` rows and its gradient with respect to every parameter
    /// (in the order of [`params`](Self::params)), computed as one batch (in training mode:
    /// batch normalization uses the batch's statistics).
    pub fn loss_and_gradient<S: Copy + Into<f64>>(&self, x: &[S], y: &[S]) -> (R, Vec<R>) {
        self.loss_and_gradient_with(Loss::Mse, x, y)
    }

    /// [`loss_and_gradient`](Self::loss_and_gradient) for any [`Loss`]: with
    /// [`Loss::BinaryCrossEntropy`] the mean binary cross-entropy of σ(z) for the output
    /// layer's pre-activation z, and its gradient.
    pub fn loss_and_gradient_with<S: Copy + Into<f64>>(
        &self,
        loss: Loss,
        x: &[S],
        y: &[S],
    ) -> (R, Vec<R>) {
        let nf = self.n_inputs().max(1);
        let n = x.len() / nf;
        let mut ws = Workspace::new(self, n.max(1));
        ws.loss_kind = loss;
        ws.load_inputs(x, nf, 0..n);
        ws.load_targets(y, self.n_outputs(), 0..n);
        ws.forward(self, n);
        let loss = ws.backward(self, n);
        let mut g = Vec::with_capacity(self.n_params());
        for l in 0..self.layers.len() {
            g.extend_from_slice(&ws.gw[l]);
            g.extend_from_slice(&ws.gb[l]);
            if let Some(n) = &ws.norm[l] {
                g.extend_from_slice(&n.g_gamma);
                g.extend_from_slice(&n.g_beta);
            }
        }
        (loss, g)
    }

    /// Mean squared error over all rows computed as one batch in training mode (batch
    /// normalization with the batch's statistics): the loss that
    /// [`loss_and_gradient`](Self::loss_and_gradient) differentiates. Without batch
    /// normalization it is [`loss`](Self::loss) up to rounding.
    pub fn batch_loss<S: Copy + Into<f64>>(&self, x: &[S], y: &[S]) -> R {
        self.batch_loss_with(Loss::Mse, x, y)
    }

    /// [`batch_loss`](Self::batch_loss) for any [`Loss`].
    pub fn batch_loss_with<S: Copy + Into<f64>>(&self, loss: Loss, x: &[S], y: &[S]) -> R {
        let nf = self.n_inputs().max(1);
        let n = x.len() / nf;
        let mut ws = Workspace::new(self, n.max(1));
        ws.loss_kind = loss;
        ws.load_inputs(x, nf, 0..n);
        ws.load_targets(y, self.n_outputs(), 0..n);
        ws.forward(self, n);
        ws.loss(self, n)
    }

    /// Mean squared error over all rows (forward only, as [`predict`](Self::predict): batch
    /// normalization with the running statistics).
    pub fn loss<S: Copy + Into<f64>>(&self, x: &[S], y: &[S]) -> R {
        let p = self.predict(x);
        let mut s = 0.0f64;
        for (a, t) in p.iter().zip(y) {
            let e = a.to_f64() - (*t).into();
            s += e * e;
        }
        R::from_f64(s / p.len().max(1) as f64)
    }

    /// [`loss`](Self::loss) for any [`Loss`] (forward only, evaluation mode); for
    /// [`Loss::Mse`] it is [`loss`](Self::loss) itself. Binary cross-entropy is summed in
    /// f64 from the output layer's pre-activations.
    pub fn loss_with<S: Copy + Into<f64>>(&self, loss: Loss, x: &[S], y: &[S]) -> R {
        if loss == Loss::Mse {
            return self.loss(x, y);
        }
        let nf = self.n_inputs().max(1);
        let no = self.n_outputs();
        let n = x.len() / nf;
        let mut ws = Workspace::new(self, n.clamp(1, 256));
        ws.norm_training = false;
        ws.loss_kind = loss;
        let mut s = 0.0f64;
        let mut start = 0;
        while start < n {
            let bsz = ws.cap.min(n - start);
            ws.load_inputs(x, nf, start..start + bsz);
            ws.load_targets(y, no, start..start + bsz);
            ws.forward(self, bsz);
            s += ws.bce_sum(self, bsz);
            start += bsz;
        }
        R::from_f64(s / (n * no).max(1) as f64)
    }
}

/// Preallocated buffers for batches of up to `cap` samples.
#[derive(Clone, Debug)]
pub struct Workspace<R> {
    /// Largest batch the buffers hold; also the stride between units.
    pub cap: usize,
    /// Inputs, feature-major: `input[i * cap + b]`.
    pub input: Vec<R>,
    /// Targets, output-major: `target[k * cap + b]`.
    pub target: Vec<R>,
    /// Per layer: pre-activations `z[l][j * cap + b]`.
    pub z: Vec<Vec<R>>,
    /// Per layer: outputs `a[l][j * cap + b]`.
    pub a: Vec<Vec<R>>,
    /// Per layer: ∂loss/∂z.
    pub delta: Vec<Vec<R>>,
    /// Per layer: ∂loss/∂W (same layout as `Layer::w`) and ∂loss/∂b of the last backward pass.
    pub gw: Vec<Vec<R>>,
    pub gb: Vec<Vec<R>>,
    /// Per layer and unit: whether f'(z) ≠ 0 for at least one sample of the last backward pass.
    pub active: Vec<Vec<bool>>,
    /// Per layer: a batch-normalized layer's buffers (None for the others). Its `z` holds
    /// the normalized `y = γ·x̂ + β` the activation sees.
    pub norm: Vec<Option<NormWork<R>>>,
    /// Whether batch normalization uses the batch's statistics (training, the default) or
    /// the running ones (evaluation).
    pub norm_training: bool,
    /// The loss of [`loss`](Self::loss) and [`backward`](Self::backward) (mean squared
    /// error unless set). With [`Loss::BinaryCrossEntropy`] the output layer's δ is taken
    /// with respect to its pre-activation directly, δ = (σ(z) − y)/n, whatever its
    /// activation (which should be the sigmoid, so that `a = σ(z)`).
    pub loss_kind: Loss,
    /// Scratch for one layer's input, sample-major (`at[b * n_in + i]`), for `∇W = Δ·Aᵀ`.
    at: Vec<R>,
    /// Whether the hidden layers' outputs pass through the dropout mask below.
    drop_on: bool,
    /// Per hidden layer: the mask's multiplier and offset (`dropped = a·mul + add`, see
    /// [`dropout`](super::dropout)) and the outputs after it, which the next layer reads.
    /// Empty until the first [`draw_dropout`](Self::draw_dropout).
    pub drop_mul: Vec<Vec<R>>,
    pub drop_add: Vec<Vec<R>>,
    pub dropped: Vec<Vec<R>>,
}

impl<R: Real> Workspace<R> {
    pub fn new(net: &Mlp<R>, cap: usize) -> Self {
        let cap = cap.max(1);
        let per = |f: &dyn Fn(&Layer<R>) -> usize| -> Vec<Vec<R>> {
            net.layers.iter().map(|l| vec![R::ZERO; f(l)]).collect()
        };
        Workspace {
            cap,
            input: vec![R::ZERO; net.n_inputs() * cap],
            target: vec![R::ZERO; net.n_outputs() * cap],
            z: per(&|l| l.n_out * cap),
            a: per(&|l| l.n_out * cap),
            delta: per(&|l| l.n_out * cap),
            gw: per(&|l| l.w.len()),
            gb: per(&|l| l.b.len()),
            active: net.layers.iter().map(|l| vec![false; l.n_out]).collect(),
            norm: net
                .layers
                .iter()
                .map(|l| l.norm.as_ref().map(|_| NormWork::new(l.n_out, cap)))
                .collect(),
            norm_training: true,
            loss_kind: Loss::Mse,
            at: vec![R::ZERO; net.layers.iter().map(|l| l.n_in).max().unwrap_or(0) * cap],
            drop_on: false,
            drop_mul: Vec::new(),
            drop_add: Vec::new(),
            dropped: Vec::new(),
        }
    }

    /// Draws a dropout mask for the first `bsz` samples of every hidden layer from `rng`
    /// (unit by unit, sample by sample) and applies it in the following passes, until
    /// [`clear_dropout`](Self::clear_dropout). An inactive `d` (rate 0) clears it instead and
    /// draws nothing.
    pub fn draw_dropout(&mut self, net: &Mlp<R>, d: &Dropout, rng: &mut SimRng, bsz: usize) {
        if !d.is_active() {
            self.clear_dropout();
            return;
        }
        let cap = self.cap;
        let hidden = net.layers.len().saturating_sub(1);
        if self.drop_mul.len() != hidden {
            let per = || -> Vec<Vec<R>> {
                net.layers[..hidden]
                    .iter()
                    .map(|l| vec![R::ZERO; l.n_out * cap])
                    .collect()
            };
            self.drop_mul = per();
            self.drop_add = per();
            self.dropped = per();
        }
        let bsz = bsz.min(cap);
        for l in 0..hidden {
            for j in 0..net.layers[l].n_out {
                let r = j * cap..j * cap + bsz;
                d.draw(
                    rng,
                    &mut self.drop_mul[l][r.clone()],
                    &mut self.drop_add[l][r],
                );
            }
        }
        self.drop_on = hidden > 0;
    }

    /// Passes run without dropout again.
    pub fn clear_dropout(&mut self) {
        self.drop_on = false;
    }

    /// Whether a dropout mask is applied.
    pub fn dropout_on(&self) -> bool {
        self.drop_on
    }

    /// Gathers rows `rows` of a row-major `x` (`nf` features) into the batch's input buffer.
    #[inline]
    pub fn load_inputs<S: Copy + Into<f64>>(
        &mut self,
        x: &[S],
        nf: usize,
        rows: impl Iterator<Item = usize>,
    ) {
        let cap = self.cap;
        for (b, r) in rows.enumerate().take(cap) {
            let src = &x[r * nf..(r + 1) * nf];
            for (i, &v) in src.iter().enumerate() {
                self.input[i * cap + b] = R::from_f64(v.into());
            }
        }
    }

    /// Gathers rows of row-major targets (`no` outputs per row).
    #[inline]
    pub fn load_targets<S: Copy + Into<f64>>(
        &mut self,
        y: &[S],
        no: usize,
        rows: impl Iterator<Item = usize>,
    ) {
        let cap = self.cap;
        for (b, r) in rows.enumerate().take(cap) {
            for k in 0..no {
                self.target[k * cap + b] = R::from_f64(y[r * no + k].into());
            }
        }
    }

    /// Forward pass over the first `bsz` samples of the loaded batch.
    // Out of line: V8 compiles wasm with its baseline tier first and optimises hot functions
    // one by one in the background, so small separate functions get optimised code soon.
    #[inline(never)]
    pub fn forward(&mut self, net: &Mlp<R>, bsz: usize) {
        let cap = self.cap;
        let bsz = bsz.min(cap);
        let hidden = net.layers.len() - 1;
        for (l, layer) in net.layers.iter().enumerate() {
            let (done, rest) = self.a.split_at_mut(l);
            let prev: &[R] = if l == 0 {
                &self.input
            } else if self.drop_on {
                &self.dropped[l - 1]
            } else {
                &done[l - 1]
            };
            let z = &mut self.z[l];
            // z_j = b_j + Σ_i w_ji · a_i, summed in order of i.
            let product = Gemm {
                m: layer.n_out,
                n: bsz,
                k: layer.n_in,
                lhs: &layer.w,
                lrs: layer.n_in,
                lks: 1,
                rhs: prev,
                rrs: cap,
                bias: Some(&layer.b),
            };
            gemm(&product, z, cap);
            if let (Some(n), Some(w)) = (&layer.norm, &mut self.norm[l]) {
                norm::forward(n, w, z, bsz, cap, self.norm_training);
            }
            let a = &mut rest[0];
            if bsz == cap {
                activate(layer.act, z, a);
            } else {
                for j in 0..layer.n_out {
                    let r = j * cap..j * cap + bsz;
                    activate(layer.act, &z[r.clone()], &mut a[r]);
                }
            }
            if self.drop_on && l < hidden {
                for j in 0..layer.n_out {
                    let r = j * cap..j * cap + bsz;
                    dropout::apply(
                        &a[r.clone()],
                        &self.drop_mul[l][r.clone()],
                        &self.drop_add[l][r.clone()],
                        &mut self.dropped[l][r],
                    );
                }
            }
        }
    }

    /// After a training forward pass: every batch-normalized layer's running statistics move
    /// towards the batch's, `r ← momentum·r + (1 − momentum)·batch` (in f64, stored in `R`).
    pub fn update_running_stats(&self, net: &mut Mlp<R>) {
        for (layer, w) in net.layers.iter_mut().zip(&self.norm) {
            let (Some(n), Some(w)) = (&mut layer.norm, w) else {
                continue;
            };
            if !w.trained {
                continue;
            }
            let m = n.momentum;
            for j in 0..n.gamma.len() {
                let rm = n.running_mean[j].to_f64() * m + w.mean[j] * (1.0 - m);
                let rv = n.running_var[j].to_f64() * m + w.var[j] * (1.0 - m);
                n.running_mean[j] = R::from_f64(rm);
                n.running_var[j] = R::from_f64(rv);
            }
        }
    }

    /// The loss ([`Workspace::loss_kind`]'s, mean squared error by default) of the last forward
    /// pass against the loaded targets, averaged over the batch's samples and outputs.
    pub fn loss(&self, net: &Mlp<R>, bsz: usize) -> R {
        if self.loss_kind == Loss::BinaryCrossEntropy {
            let n = (bsz * net.n_outputs()).max(1) as f64;
            return R::from_f64(self.bce_sum(net, bsz) / n);
        }
        let cap = self.cap;
        let last = net.layers.len() - 1;
        let no = net.n_outputs();
        let mut s = R::ZERO;
        for k in 0..no {
            let a = &self.a[last][k * cap..k * cap + bsz];
            let t = &self.target[k * cap..k * cap + bsz];
            let mut acc = [R::ZERO; 8];
            for (c, (aa, tt)) in a.iter().zip(t).enumerate() {
                let e = *aa - *tt;
                acc[c & 7] += e * e;
            }
            s += acc.iter().fold(R::ZERO, |x, y| x + *y);
        }
        s / R::from_f64((bsz * no).max(1) as f64)
    }

    /// Σ over the first `bsz` samples and every output of the binary cross-entropy of σ(z)
    /// against the loaded target ([`bce_with_logits`]), z the output layer's
    /// pre-activation; in f64, in order.
    pub fn bce_sum(&self, net: &Mlp<R>, bsz: usize) -> f64 {
        let cap = self.cap;
        let last = net.layers.len() - 1;
        let mut s = 0.0f64;
        for k in 0..net.n_outputs() {
            let z = &self.z[last][k * cap..k * cap + bsz];
            let t = &self.target[k * cap..k * cap + bsz];
            for (&z, &t) in z.iter().zip(t) {
                s += bce_with_logits(z, t);
            }
        }
        s
    }

    /// Over the first `bsz` samples and every output: how many are classified right, the
    /// output above 1/2 exactly when the target is (a 0/1 target: 1 is the positive class).
    pub fn correct(&self, net: &Mlp<R>, bsz: usize) -> u64 {
        let cap = self.cap;
        let last = net.layers.len() - 1;
        let half = R::from_f64(0.5);
        let mut right = 0;
        for k in 0..net.n_outputs() {
            let a = &self.a[last][k * cap..k * cap + bsz];
            let t = &self.target[k * cap..k * cap + bsz];
            for (&a, &t) in a.iter().zip(t) {
                right += ((a > half) == (t > half)) as u64;
            }
        }
        right
    }

    /// Backward pass after [`forward`](Self::forward): fills `delta`, `gw`, `gb`, `active`
    /// and returns the batch's loss ([`Workspace::loss_kind`]'s: mean squared error by default).
    // Out of line: V8 compiles wasm with its baseline tier first and optimises hot functions
    // one by one in the background, so small separate functions get optimised code soon.
    #[inline(never)]
    pub fn backward(&mut self, net: &Mlp<R>, bsz: usize) -> R {
        let bsz = bsz.min(self.cap);
        let loss = self.output_delta(net, bsz);
        for l in (0..net.layers.len()).rev() {
            self.layer_backward(&net.layers[l], l, bsz);
        }
        loss
    }

    /// δ of the output layer, ∂(mean squared error)/∂a (for binary cross-entropy
    /// ∂loss/∂z, see [`Self::bce_delta`]), and the batch's loss.
    fn output_delta(&mut self, net: &Mlp<R>, bsz: usize) -> R {
        if self.loss_kind == Loss::BinaryCrossEntropy {
            return self.bce_delta(net, bsz);
        }
        let cap = self.cap;
        let last = net.layers.len() - 1;
        let no = net.n_outputs();
        let scale = R::from_f64(2.0 / (bsz * no).max(1) as f64);
        let mut loss = R::ZERO;
        for k in 0..no {
            let a = &self.a[last][k * cap..k * cap + bsz];
            let t = &self.target[k * cap..k * cap + bsz];
            let d = &mut self.delta[last][k * cap..k * cap + bsz];
            for ((dd, aa), tt) in d.iter_mut().zip(a).zip(t) {
                *dd = *aa - *tt;
            }
            loss += dot(d, d);
            for dd in d.iter_mut() {
                *dd *= scale;
            }
        }
        loss / R::from_f64((bsz * no).max(1) as f64)
    }

    /// Binary cross-entropy's output δ, ∂loss/∂z = (σ(z) − y)/(bsz·outputs) (σ from z, as
    /// the sigmoid's forward pass computes it), and the batch's mean loss.
    fn bce_delta(&mut self, net: &Mlp<R>, bsz: usize) -> R {
        let cap = self.cap;
        let last = net.layers.len() - 1;
        let count = (bsz * net.n_outputs()).max(1);
        let scale = R::from_f64(1.0 / count as f64);
        for k in 0..net.n_outputs() {
            let r = k * cap..k * cap + bsz;
            let d = &mut self.delta[last][r.clone()];
            for ((dd, &z), &t) in d
                .iter_mut()
                .zip(&self.z[last][r.clone()])
                .zip(&self.target[r])
            {
                *dd = (sigmoid_parts(z).0 - t) * scale;
            }
        }
        R::from_f64(self.bce_sum(net, bsz) / count as f64)
    }

    /// Layer `l`'s share of the backward pass, its δ holding ∂loss/∂a: δ ← δ ⊙ f'(z), then
    /// ∇b, ∇W = δ·Aᵀ and (below the first layer) δprev = Wᵀ·δ.
    fn layer_backward(&mut self, layer: &Layer<R>, l: usize, bsz: usize) {
        let cap = self.cap;
        let (n_in, n_out) = (layer.n_in, layer.n_out);
        // Binary cross-entropy's output δ is ∂loss/∂z already (see `bce_delta`).
        let logit_delta = self.loss_kind == Loss::BinaryCrossEntropy && l + 1 == self.delta.len();
        let (dlo, dhi) = self.delta.split_at_mut(l);
        let delta = &mut dhi[0];
        let masked = self.drop_on && l < self.drop_mul.len();
        for j in 0..n_out {
            let r = j * cap..j * cap + bsz;
            if masked {
                // δ holds ∂loss/∂(a·mul + add); ∂loss/∂a = δ·mul.
                for (d, &m) in delta[r.clone()]
                    .iter_mut()
                    .zip(&self.drop_mul[l][r.clone()])
                {
                    *d *= m;
                }
            }
            self.active[l][j] = if logit_delta {
                // δ already holds ∂loss/∂z; f' only says whether the unit is alive.
                self.z[l][r.clone()]
                    .iter()
                    .any(|&z| sigmoid_parts(z).1 != R::ZERO)
            } else {
                mul_derivative(
                    layer.act,
                    &self.z[l][r.clone()],
                    &self.a[l][r.clone()],
                    &mut delta[r.clone()],
                )
            };
            if let (Some(n), Some(w)) = (&layer.norm, &mut self.norm[l]) {
                // δ = ∂loss/∂y becomes ∂loss/∂z; b, whose effect the mean removes, has none.
                norm::backward_unit(n, w, j, &mut delta[r], cap);
                self.gb[l][j] = R::ZERO;
                continue;
            }
            self.gb[l][j] = sum(&delta[j * cap..j * cap + bsz]);
        }
        let prev: &[R] = if l == 0 {
            &self.input
        } else if self.drop_on {
            &self.dropped[l - 1]
        } else {
            &self.a[l - 1]
        };
        // Aᵀ, so that ∇W's rows (contiguous over inputs) are the product's contiguous columns.
        // Without bounds checks: with them this copy was a third of a narrow net's backward
        // pass (the product itself is tiny there).
        let at = &mut self.at[..bsz * n_in];
        for (i, col) in prev.chunks_exact(cap).take(n_in).enumerate() {
            let col = &col[..bsz];
            for (b, &v) in col.iter().enumerate() {
                // SAFETY: b < bsz and i < n_in, so b·n_in + i < bsz·n_in = at.len().
                unsafe { *at.get_unchecked_mut(b * n_in + i) = v };
            }
        }
        let grad = Gemm {
            m: n_out,
            n: n_in,
            k: bsz,
            lhs: delta,
            lrs: cap,
            lks: 1,
            rhs: &self.at,
            rrs: n_in,
            bias: None,
        };
        gemm(&grad, &mut self.gw[l], n_in);
        if l > 0 {
            // δprev_i = 0 + Σ_j w_ji · δ_j, summed in order of j.
            let back = Gemm {
                m: n_in,
                n: bsz,
                k: n_out,
                lhs: &layer.w,
                lrs: 1,
                lks: n_in,
                rhs: delta,
                rrs: cap,
                bias: None,
            };
            gemm(&back, &mut dlo[l - 1], cap);
        }
    }
}

/// `a = f(z)` elementwise, natively in `R` for every kind (f32 through the branch-free
/// math of [`vmath`](super::vmath), so each loop vectorises).
#[inline]
pub fn activate<R: Real>(act: Activation, z: &[R], a: &mut [R]) {
    if act.kind == ActivationKind::Relu {
        relu(z, a)
    } else {
        activate_other(act, z, a)
    }
}

/// Every activation but ReLU. Each kind's loop is a function of its own (`map` is out of
/// line per closure): small functions reach V8's optimising tier sooner in wasm.
fn activate_other<R: Real>(act: Activation, z: &[R], a: &mut [R]) {
    let alpha = R::from_f64(act.alpha);
    let (l, la) = (
        R::from_f64(SELU_LAMBDA),
        R::from_f64(SELU_LAMBDA * SELU_ALPHA),
    );
    let half = R::from_f64(0.5);
    let rsqrt2 = R::from_f64(std::f64::consts::FRAC_1_SQRT_2);
    match act.kind {
        ActivationKind::Relu => relu(z, a),
        ActivationKind::LeakyRelu => map(z, a, |z| if z > R::ZERO { z } else { alpha * z }),
        ActivationKind::Elu => map(z, a, |z| {
            let e = alpha * z.exp_m1();
            if z > R::ZERO {
                z
            } else {
                e
            }
        }),
        ActivationKind::Selu => map(z, a, |z| {
            let e = la * z.exp_m1();
            if z > R::ZERO {
                l * z
            } else {
                e
            }
        }),
        ActivationKind::Tanh => map(z, a, |z| z.tanh()),
        ActivationKind::Sigmoid => map(z, a, |z| sigmoid_parts(z).0),
        ActivationKind::Linear => a.copy_from_slice(z),
        ActivationKind::Gelu => map(z, a, |z| half * z * (R::ONE + (z * rsqrt2).erf())),
        ActivationKind::Swish => map(z, a, |z| z * sigmoid_parts(z).0),
    }
}

/// `a[k] = f(z[k])`. Callers compute both sides of a piecewise `f` before choosing, so the
/// loop has no branch and vectorises.
#[inline(never)]
fn map<R: Real>(z: &[R], a: &mut [R], f: impl Fn(R) -> R) {
    for (a, &z) in a.iter_mut().zip(z) {
        *a = f(z);
    }
}

/// `d *= f'(z)` elementwise (with `a = f(z)` available); returns whether f'(z) ≠ 0 anywhere.
#[inline]
pub fn mul_derivative<R: Real>(act: Activation, z: &[R], a: &[R], d: &mut [R]) -> bool {
    if act.kind == ActivationKind::Relu {
        relu_mask(z, d)
    } else {
        mul_derivative_other(act, z, a, d)
    }
}

/// Every derivative but ReLU's (see [`activate_other`]).
fn mul_derivative_other<R: Real>(act: Activation, z: &[R], a: &[R], d: &mut [R]) -> bool {
    let alpha = R::from_f64(act.alpha);
    let (l, la) = match act.kind {
        ActivationKind::Selu => (
            R::from_f64(SELU_LAMBDA),
            R::from_f64(SELU_LAMBDA * SELU_ALPHA),
        ),
        _ => (R::ONE, alpha),
    };
    let half = R::from_f64(0.5);
    let rsqrt2 = R::from_f64(std::f64::consts::FRAC_1_SQRT_2);
    let rsqrt2pi = R::from_f64(1.0 / (2.0 * std::f64::consts::PI).sqrt());
    match act.kind {
        ActivationKind::Relu => relu_mask(z, d),
        ActivationKind::LeakyRelu => {
            scale_by(z, a, d, |z, _| if z > R::ZERO { R::ONE } else { alpha })
        }
        // For z ≤ 0, f(z) = la·(e^z − 1), so f'(z) = la·e^z = f(z) + la: the derivative from
        // the output, with no exponential (TensorFlow's EluGrad and SeluGrad do the same).
        // It halves the cost of a wide SELU net's activations in the backward pass.
        ActivationKind::Elu | ActivationKind::Selu => scale_by(z, a, d, |z, a| {
            let e = a + la;
            if z > R::ZERO {
                l
            } else {
                e
            }
        }),
        ActivationKind::Tanh => scale_by(z, a, d, |_, a| R::ONE - a * a),
        ActivationKind::Sigmoid => scale_by(z, a, d, |z, _| sigmoid_parts(z).1),
        ActivationKind::Linear => !z.is_empty(),
        ActivationKind::Gelu => scale_by(z, a, d, |z, _| {
            let pdf = rsqrt2pi * (-half * z * z).exp();
            half * (R::ONE + (z * rsqrt2).erf()) + z * pdf
        }),
        ActivationKind::Swish => scale_by(z, a, d, |z, _| {
            let (s, ds) = sigmoid_parts(z);
            s + z * ds
        }),
    }
}

/// `d[k] *= g(z[k], a[k])`; returns whether any g ≠ 0. Out of line per closure, like [`map`].
#[inline(never)]
fn scale_by<R: Real>(z: &[R], a: &[R], d: &mut [R], g: impl Fn(R, R) -> R) -> bool {
    let mut any = false;
    for ((d, &z), &a) in d.iter_mut().zip(z).zip(a) {
        let g = g(z, a);
        *d *= g;
        any |= g != R::ZERO;
    }
    any
}
