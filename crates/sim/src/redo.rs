//! ReDo, "Recycling Dormant neurons" (Sokar, Agarwal, Castro & Evci, "The Dormant Neuron
//! Phenomenon in Deep Reinforcement Learning", ICML 2023, arXiv 2302.12902; their code is
//! google/dopamine's `labs/redo/weight_recyclers.py`, ported to PyTorch in timoklein/redo).
//!
//! Every `every` optimizer steps, each hidden unit that is τ-dormant on the step's training
//! batch (its mean |output| over the batch, over its layer's mean, at most τ: see
//! [`dead::dormant_scores`](crate::dead::dormant_scores)) is recycled:
//!
//! - its incoming weights are drawn afresh from the layer's initializer (the fans of its
//!   layer, as at initialization) and its bias is set back to the initial bias;
//! - its outgoing weights (its column of the next layer's kernel) are set to 0, so the
//!   network's output does not change at the reset beyond what the dormant unit itself
//!   contributed (nothing for a dead ReLU unit);
//! - optionally, the optimizer's moments of all those weights and of the bias are zeroed
//!   (dopamine always zeroes Adam's m and v of the recycled kernel weights; timoklein/redo
//!   also the bias's, and reports that without the reset "the Adam updates will immediately
//!   create dead neurons again");
//! - optionally, Adam's step count is restarted for the tensors holding recycled weights
//!   (the unit's layer's kernel and bias, the next layer's kernel), so that the zeroed
//!   moments are bias-corrected as new ones: timoklein/redo zeroes torch's per-tensor `step`
//!   and calls it "crucial"; dopamine (optax) keeps its one count. Here Adam has one count for
//!   the whole net (as Keras) unless a tensor's is restarted. Zeroed moments under an old
//!   count (past a few thousand steps, where the bias correction is about 1) are not
//!   bias-corrected: for a steady gradient the updates are 3.2·lr in its sign at once, up to
//!   6.5·lr around the tenth step and still about 2·lr after 300 (m/√v is
//!   (1 − β1ⁿ)/√(1 − β2ⁿ) after n steps), where a fresh count gives lr.
//!
//! As in dopamine, the scores come from the forward pass of the training step itself (the
//! weights before that step's update), the reset follows the update, the output layer is never
//! recycled, and a reset happens after updates `every`, `2·every`, … (`step > 0 and
//! step % reset_period == 0`, step counting updates done).

use super::init::Initializer;
use super::mlp::{Mlp, Workspace};
use super::real::Real;
use super::rng::SimRng;

/// ReDo's settings.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Redo {
    /// Steps between two recycles (at least 1): after the `every`-th update, the `2·every`-th, …
    pub every: usize,
    /// A unit is recycled when its dormancy score is ≤ τ (Sokar et al.'s τ; 0 recycles only
    /// units whose outputs were all exactly 0 on the batch).
    pub tau: f64,
    /// Also zero the optimizer's moments (Adam's m and v; SGD's velocity) of the recycled
    /// unit's incoming weights, bias and outgoing weights.
    pub reset_moments: bool,
    /// Also restart Adam's step count of the tensors holding recycled weights (the layer's
    /// kernel and bias, the next layer's kernel), as timoklein/redo does; only at checks
    /// that recycle something in that layer (timoklein/redo restarts them at every check).
    pub restart_step_counts: bool,
}

impl Default for Redo {
    /// τ = 0.025 (the τ of [`dead::DEFAULT_TAU`](crate::dead::DEFAULT_TAU)), every 1,000
    /// steps, moments zeroed and step counts restarted (timoklein/redo's choice).
    fn default() -> Self {
        Redo {
            every: 1000,
            tau: crate::dead::DEFAULT_TAU,
            reset_moments: true,
            restart_step_counts: true,
        }
    }
}

/// Per hidden layer (every layer but the last) and unit: τ-dormant on the first `bsz`
/// samples of the batch whose forward pass `ws` holds (its outputs `a`, before dropout).
pub fn dormant_on_batch<R: Real>(
    ws: &Workspace<R>,
    net: &Mlp<R>,
    bsz: usize,
    tau: f64,
) -> Vec<Vec<bool>> {
    let cap = ws.cap;
    let bsz = bsz.min(cap).max(1);
    let hidden = net.layers.len().saturating_sub(1);
    (0..hidden)
        .map(|l| {
            let mean_abs: Vec<f64> = (0..net.layers[l].n_out)
                .map(|j| {
                    let a = &ws.a[l][j * cap..j * cap + bsz];
                    a.iter().map(|v| v.to_f64().abs()).sum::<f64>() / bsz as f64
                })
                .collect();
            crate::dead::dormant_scores(&mean_abs)
                .into_iter()
                .map(|s| s <= tau)
                .collect()
        })
        .collect()
}

/// Recycles every unit marked in `dormant` (per hidden layer and unit) in dopamine's order:
/// first every marked unit's incoming weights and bias ([`reinit_incoming`]), then every
/// marked unit's outgoing weights ([`zero_outgoing`]), so that a recycled unit of the next
/// layer also ends with a zero weight from a recycled unit below it. Returns the recycled
/// (layer, unit) pairs in order. The optimizer's state is the caller's (see
/// [`Optimizer::reset_unit`](crate::optim::Optimizer::reset_unit)).
pub fn recycle<R: Real>(
    net: &mut Mlp<R>,
    dormant: &[Vec<bool>],
    init: Initializer,
    bias_init: f64,
    rng: &mut SimRng,
) -> Vec<(usize, usize)> {
    let units: Vec<(usize, usize)> = dormant
        .iter()
        .enumerate()
        .flat_map(|(l, d)| (0..d.len()).filter(|&j| d[j]).map(move |j| (l, j)))
        .collect();
    for &(l, j) in &units {
        reinit_incoming(net, l, j, init, bias_init, rng);
    }
    for &(l, j) in &units {
        zero_outgoing(net, l, j);
    }
    units
}

/// Unit `j` of layer `l` gets fresh incoming weights from `init` (drawn from `rng` in input
/// order, with the layer's fans) and the bias `bias_init` (and, in a batch-normalized layer,
/// γ 1, β 0 and the initial running statistics).
pub fn reinit_incoming<R: Real>(
    net: &mut Mlp<R>,
    l: usize,
    j: usize,
    init: Initializer,
    bias_init: f64,
    rng: &mut SimRng,
) {
    let layer = &mut net.layers[l];
    let (n_in, n_out) = (layer.n_in, layer.n_out);
    for w in &mut layer.w[j * n_in..(j + 1) * n_in] {
        *w = R::from_f64(init.sample(rng, n_in, n_out));
    }
    layer.b[j] = R::from_f64(bias_init);
    if let Some(n) = &mut layer.norm {
        n.reset_unit(j);
    }
}

/// Unit `j` of layer `l`'s outgoing weights (its column of layer `l + 1`'s kernel) set to 0;
/// nothing for the output layer.
pub fn zero_outgoing<R: Real>(net: &mut Mlp<R>, l: usize, j: usize) {
    if let Some(next) = net.layers.get_mut(l + 1) {
        for k in 0..next.n_out {
            next.w[k * next.n_in + j] = R::ZERO;
        }
    }
}
