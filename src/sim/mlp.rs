//! A dense network of any widths, forward and backward over a batch, generic over [`Real`].
//!
//! Layout: within a batch every buffer is FEATURE-MAJOR, `buf[unit * cap + sample]`, so the
//! samples of one unit are contiguous. The forward pass is then a broadcast multiply-add over
//! the batch (`z_j += w_ji · a_i`), weight gradients are dot products over the batch and the
//! backward deltas are broadcast multiply-adds again: all loops LLVM vectorises (SIMD128 in
//! wasm). Buffers are allocated once in a [`Workspace`]; a training step allocates nothing.

use super::activation::{Activation, ActivationKind, SELU_ALPHA, SELU_LAMBDA};
use super::init::Initializer;
use super::real::{dot, dot_rows, lin_comb, relu, relu_mask, sum, Real};
use super::rng::SimRng;

/// One dense layer: `a = f(W·x + b)`, with `w[j * n_in + i]` the weight from input `i` to
/// unit `j`.
#[derive(Clone, Debug, PartialEq)]
pub struct Layer<R> {
    pub n_in: usize,
    pub n_out: usize,
    pub w: Vec<R>,
    pub b: Vec<R>,
    pub act: Activation,
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
            });
        }
        Mlp { layers }
    }

    pub fn n_inputs(&self) -> usize {
        self.layers.first().map_or(0, |l| l.n_in)
    }

    pub fn n_outputs(&self) -> usize {
        self.layers.last().map_or(0, |l| l.n_out)
    }

    pub fn n_params(&self) -> usize {
        self.layers.iter().map(|l| l.w.len() + l.b.len()).sum()
    }

    /// Every parameter in a fixed order (per layer: kernel, then bias).
    pub fn params(&self) -> Vec<R> {
        let mut out = Vec::with_capacity(self.n_params());
        for l in &self.layers {
            out.extend_from_slice(&l.w);
            out.extend_from_slice(&l.b);
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
        }
    }

    /// Outputs for row-major inputs (`n × n_inputs`), row-major `n × n_outputs`. Allocates;
    /// for plots and tests, not for the training loop.
    pub fn predict<S: Copy + Into<f64>>(&self, x: &[S]) -> Vec<R> {
        let nf = self.n_inputs().max(1);
        let n = x.len() / nf;
        let mut ws = Workspace::new(self, n.clamp(1, 256));
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
    /// (in the order of [`params`](Self::params)), computed as one batch.
    pub fn loss_and_gradient<S: Copy + Into<f64>>(&self, x: &[S], y: &[S]) -> (R, Vec<R>) {
        let nf = self.n_inputs().max(1);
        let n = x.len() / nf;
        let mut ws = Workspace::new(self, n.max(1));
        ws.load_inputs(x, nf, 0..n);
        ws.load_targets(y, self.n_outputs(), 0..n);
        ws.forward(self, n);
        let loss = ws.backward(self, n);
        let mut g = Vec::with_capacity(self.n_params());
        for l in 0..self.layers.len() {
            g.extend_from_slice(&ws.gw[l]);
            g.extend_from_slice(&ws.gb[l]);
        }
        (loss, g)
    }

    /// Mean squared error over all rows (forward only).
    pub fn loss<S: Copy + Into<f64>>(&self, x: &[S], y: &[S]) -> R {
        let p = self.predict(x);
        let mut s = 0.0f64;
        for (a, t) in p.iter().zip(y) {
            let e = a.to_f64() - (*t).into();
            s += e * e;
        }
        R::from_f64(s / p.len().max(1) as f64)
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
        }
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
        for (l, layer) in net.layers.iter().enumerate() {
            let (done, rest) = self.a.split_at_mut(l);
            let prev: &[R] = if l == 0 { &self.input } else { &done[l - 1] };
            let z = &mut self.z[l];
            let a = &mut rest[0];
            let n_in = layer.n_in;
            for j in 0..layer.n_out {
                // z_j = b_j + Σ_i w_ji · a_i, summed in order of i.
                lin_comb(
                    layer.b[j],
                    &layer.w[j * n_in..(j + 1) * n_in],
                    1,
                    n_in,
                    prev,
                    cap,
                    &mut z[j * cap..j * cap + bsz],
                );
                activate(
                    layer.act,
                    &z[j * cap..j * cap + bsz],
                    &mut a[j * cap..j * cap + bsz],
                );
            }
        }
    }

    /// Mean squared error of the last forward pass against the loaded targets.
    pub fn loss(&self, net: &Mlp<R>, bsz: usize) -> R {
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

    /// Backward pass after [`forward`](Self::forward): fills `delta`, `gw`, `gb`, `active`
    /// and returns the batch's mean squared error.
    // Out of line: V8 compiles wasm with its baseline tier first and optimises hot functions
    // one by one in the background, so small separate functions get optimised code soon.
    #[inline(never)]
    pub fn backward(&mut self, net: &Mlp<R>, bsz: usize) -> R {
        let cap = self.cap;
        let bsz = bsz.min(cap);
        let n_layers = net.layers.len();
        let last = n_layers - 1;
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
        loss = loss / R::from_f64((bsz * no).max(1) as f64);

        for l in (0..n_layers).rev() {
            let layer = &net.layers[l];
            let (dlo, dhi) = self.delta.split_at_mut(l);
            let delta = &mut dhi[0];
            // δ ← δ ⊙ f'(z)
            for j in 0..layer.n_out {
                let r = j * cap..j * cap + bsz;
                self.active[l][j] = mul_derivative(
                    layer.act,
                    &self.z[l][r.clone()],
                    &self.a[l][r.clone()],
                    &mut delta[r],
                );
            }
            let prev: &[R] = if l == 0 { &self.input } else { &self.a[l - 1] };
            let gw = &mut self.gw[l];
            let gb = &mut self.gb[l];
            for j in 0..layer.n_out {
                let dj = &delta[j * cap..j * cap + bsz];
                gb[j] = sum(dj);
                dot_rows(dj, prev, cap, &mut gw[j * layer.n_in..(j + 1) * layer.n_in]);
            }
            if l > 0 {
                let dprev = &mut dlo[l - 1];
                for i in 0..layer.n_in {
                    // δprev_i = 0 + Σ_j w_ji · δ_j, summed in order of j.
                    lin_comb(
                        R::ZERO,
                        &layer.w[i..],
                        layer.n_in,
                        layer.n_out,
                        delta,
                        cap,
                        &mut dprev[i * cap..i * cap + bsz],
                    );
                }
            }
        }
        loss
    }
}

/// `a = f(z)` elementwise. The ReLU family, SELU, tanh and linear run natively in `R`; the
/// rest go through the f64 reference in [`Activation`].
#[inline]
pub fn activate<R: Real>(act: Activation, z: &[R], a: &mut [R]) {
    if act.kind == ActivationKind::Relu {
        relu(z, a)
    } else {
        activate_other(act, z, a)
    }
}

/// Every activation but ReLU, out of line: the training loop stays small, which matters in
/// wasm, where V8's optimising compiler takes longer the larger a function is.
#[cold]
#[inline(never)]
fn activate_other<R: Real>(act: Activation, z: &[R], a: &mut [R]) {
    let alpha = R::from_f64(act.alpha);
    match act.kind {
        ActivationKind::Relu => relu(z, a),
        ActivationKind::LeakyRelu => {
            for (a, &z) in a.iter_mut().zip(z) {
                *a = if z > R::ZERO { z } else { alpha * z };
            }
        }
        ActivationKind::Elu => {
            for (a, &z) in a.iter_mut().zip(z) {
                *a = if z > R::ZERO { z } else { alpha * z.exp_m1() };
            }
        }
        ActivationKind::Selu => {
            let l = R::from_f64(SELU_LAMBDA);
            let la = R::from_f64(SELU_LAMBDA * SELU_ALPHA);
            for (a, &z) in a.iter_mut().zip(z) {
                *a = if z > R::ZERO { l * z } else { la * z.exp_m1() };
            }
        }
        ActivationKind::Tanh => {
            for (a, &z) in a.iter_mut().zip(z) {
                *a = z.tanh();
            }
        }
        ActivationKind::Linear => a.copy_from_slice(z),
        _ => {
            for (a, &z) in a.iter_mut().zip(z) {
                *a = R::from_f64(act.value(z.to_f64()));
            }
        }
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

/// Every derivative but ReLU's, out of line (see [`activate_other`]).
#[cold]
#[inline(never)]
fn mul_derivative_other<R: Real>(act: Activation, z: &[R], a: &[R], d: &mut [R]) -> bool {
    let alpha = R::from_f64(act.alpha);
    let mut any = false;
    match act.kind {
        ActivationKind::Relu => any = relu_mask(z, d),
        ActivationKind::LeakyRelu => {
            for (d, &z) in d.iter_mut().zip(z) {
                let on = z > R::ZERO;
                *d *= if on { R::ONE } else { alpha };
                any |= on;
            }
            any |= alpha != R::ZERO && !z.is_empty();
        }
        ActivationKind::Elu | ActivationKind::Selu => {
            let (l, la) = if act.kind == ActivationKind::Selu {
                (
                    R::from_f64(SELU_LAMBDA),
                    R::from_f64(SELU_LAMBDA * SELU_ALPHA),
                )
            } else {
                (R::ONE, alpha)
            };
            for (d, &z) in d.iter_mut().zip(z) {
                let g = if z > R::ZERO { l } else { la * z.exp() };
                *d *= g;
                any |= g != R::ZERO;
            }
        }
        ActivationKind::Tanh => {
            for (d, &a) in d.iter_mut().zip(a) {
                let g = R::ONE - a * a;
                *d *= g;
                any |= g != R::ZERO;
            }
        }
        ActivationKind::Linear => any = !z.is_empty(),
        _ => {
            for (d, &z) in d.iter_mut().zip(z) {
                let g = R::from_f64(act.derivative(z.to_f64()));
                *d *= g;
                any |= g != R::ZERO;
            }
        }
    }
    any
}
