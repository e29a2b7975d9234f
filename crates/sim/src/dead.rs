//! What "dead" means: the definitions papers and libraries use, applied to the same numbers,
//! and a proof of death on a whole input box.
//!
//! - **Exact** (this page's, and Dohare et al., Nature 2024, whose Σ|h| over 2,000 inputs is
//!   exactly 0): f′(z) = 0 on every validation sample.
//! - **Never fires** (keras-contrib's `DeadReluDetector`): f′(z) = 0 on every sample of the
//!   training batches; here, of the epoch's training batches (the weights move during them).
//! - **τ-dormant** (Sokar et al., ICML 2023, arXiv 2302.12902; google/dopamine `labs/redo`):
//!   sᵢ = E|hᵢ| / ((1/H) Σₖ E|hₖ|) ≤ τ, the unit's mean |output| against its layer's mean.
//! - **Near zero** (fastai's `ActivationStats`): the share of outputs with |h| ≤ 0.05.
//! - **Zero fraction** (TensorBoard's `zero_fraction`, Plasticine's ReLU "dormant ratio"): the
//!   share of outputs exactly 0. That is sparsity, not death: a healthy ReLU layer is about
//!   half zeros.
//!
//! The first three say of each unit whether it is dead; the last two are shares of a layer's
//! outputs. "Dead on these samples" is not "dead for every input": [`interval_bounds`] bounds
//! each unit's pre-activation over a box of inputs, and a ReLU unit whose upper bound is ≤ 0 is
//! dead for every input in the box ([`provably_dead`]).

use super::activation::{Activation, ActivationKind};
use super::mlp::Mlp;
use super::stats::LayerStats;

/// fastai's threshold for "near zero".
pub const NEAR_ZERO: f64 = 0.05;
/// The τ Sokar et al.'s code uses by default.
pub const DEFAULT_TAU: f64 = 0.025;

/// Which definition of dead.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Definition {
    Exact,
    NeverFires,
    Dormant,
    NearZero,
    ZeroFraction,
}

impl Definition {
    pub const ALL: [Definition; 5] = [
        Definition::Exact,
        Definition::NeverFires,
        Definition::Dormant,
        Definition::NearZero,
        Definition::ZeroFraction,
    ];

    /// As in a link.
    pub fn id(self) -> &'static str {
        match self {
            Definition::Exact => "exact",
            Definition::NeverFires => "never",
            Definition::Dormant => "dormant",
            Definition::NearZero => "near",
            Definition::ZeroFraction => "zeros",
        }
    }

    /// What the menu says (short: a phone's menu is narrow).
    pub fn label(self) -> &'static str {
        match self {
            Definition::Exact => "Exact: f′ = 0 on all samples",
            Definition::NeverFires => "Never fires (keras-contrib)",
            Definition::Dormant => "τ-dormant (Sokar et al.)",
            Definition::NearZero => "Near zero, a share (fastai)",
            Definition::ZeroFraction => "Zero fraction: sparsity",
        }
    }

    /// A short name for sentences: "exactly dead", "τ-dormant".
    pub fn short(self) -> &'static str {
        match self {
            Definition::Exact => "exactly dead",
            Definition::NeverFires => "never firing",
            Definition::Dormant => "τ-dormant",
            Definition::NearZero => "near zero",
            Definition::ZeroFraction => "zero",
        }
    }

    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|d| d.id() == id)
    }

    /// Whether it says of each unit that it is dead (the others are shares of outputs).
    pub fn judges_units(self) -> bool {
        matches!(
            self,
            Definition::Exact | Definition::NeverFires | Definition::Dormant
        )
    }
}

/// Sokar et al.'s normalised scores: each unit's mean |output| over its layer's mean, so the
/// score does not depend on the layer's width or on the outputs' scale. A layer whose outputs
/// are all 0 scores 0 everywhere (every unit dormant), as their code's `+ 1e-9` does.
pub fn dormant_scores(mean_abs: &[f64]) -> Vec<f64> {
    let h = mean_abs.len().max(1) as f64;
    let layer_mean = mean_abs.iter().sum::<f64>() / h;
    mean_abs
        .iter()
        .map(|&m| {
            if layer_mean > 0.0 && layer_mean.is_finite() {
                m / layer_mean
            } else {
                0.0
            }
        })
        .collect()
}

/// The unit verdicts of `def` for a layer (`tau` for τ-dormant): true where the unit counts
/// as dead. For the share definitions, a unit whose every output is near zero (or exactly 0).
pub fn dead_units(layer: &LayerStats, def: Definition, tau: f64) -> Vec<bool> {
    match def {
        Definition::Exact => layer.alive.iter().map(|a| !a).collect(),
        Definition::NeverFires => layer.fired_in_training.iter().map(|f| !f).collect(),
        Definition::Dormant => dormant_scores(&layer.mean_abs_output)
            .into_iter()
            .map(|s| s <= tau)
            .collect(),
        Definition::NearZero => layer.near_zero_fraction.iter().map(|&f| f >= 1.0).collect(),
        Definition::ZeroFraction => layer.zero_fraction.iter().map(|&f| f >= 1.0).collect(),
    }
}

/// The layer's share under `def`: of units dead (the unit verdicts), or of outputs near zero
/// or exactly 0 (the share definitions: the mean over units of their shares).
pub fn layer_share(layer: &LayerStats, def: Definition, tau: f64) -> f64 {
    let units = layer.units.max(1) as f64;
    match def {
        Definition::NearZero => layer.near_zero_fraction.iter().sum::<f64>() / units,
        Definition::ZeroFraction => layer.zero_fraction.iter().sum::<f64>() / units,
        _ => dead_units(layer, def, tau).iter().filter(|d| **d).count() as f64 / units,
    }
}

/// From one check to the next: (still dead, revived, newly dead).
pub fn comebacks(before: &[bool], now: &[bool]) -> (usize, usize, usize) {
    before
        .iter()
        .zip(now)
        .fold((0, 0, 0), |(s, r, n), (&b, &a)| match (b, a) {
            (true, true) => (s + 1, r, n),
            (true, false) => (s, r + 1, n),
            (false, true) => (s, r, n + 1),
            (false, false) => (s, r, n),
        })
}

/// The interval `f([lo, hi])` for an activation: exact for the monotone kinds; for GELU and
/// Swish (which dip below 0 once) the interval is widened to their minimum when it is inside.
fn activate_interval(f: Activation, lo: f64, hi: f64) -> (f64, f64) {
    let (a, b) = (f.value(lo), f.value(hi));
    match f.kind {
        ActivationKind::Gelu | ActivationKind::Swish => {
            // Their minimum: GELU at z ≈ −0.7518 (−0.17), Swish at z ≈ −1.2785 (−0.2785).
            let z_min = if f.kind == ActivationKind::Gelu {
                -0.751_791_524_693_564_5
            } else {
                -1.278_464_542_761_074
            };
            let low = if lo <= z_min && z_min <= hi {
                f.value(z_min)
            } else {
                a.min(b)
            };
            (low, a.max(b))
        }
        _ => (a.min(b), a.max(b)),
    }
}

/// Bounds on every unit's pre-activation over the box `lo[i] ≤ xᵢ ≤ hi[i]`, layer by layer:
/// `bounds[l][j] = (lower, upper)`. Interval arithmetic: exact for the first layer (the bound
/// is reached at a corner of the box), sound but possibly loose deeper. A batch-normalized
/// layer's bounds are those of `y`, normalized with the running statistics (evaluation).
pub fn interval_bounds<R: Into<f64> + Copy>(
    net: &Mlp<R>,
    lo: &[f64],
    hi: &[f64],
) -> Vec<Vec<(f64, f64)>> {
    let mut input: Vec<(f64, f64)> = lo.iter().zip(hi).map(|(&a, &b)| (a, b)).collect();
    let mut out = Vec::with_capacity(net.layers.len());
    for layer in &net.layers {
        let mut z = Vec::with_capacity(layer.n_out);
        for j in 0..layer.n_out {
            let row = &layer.w[j * layer.n_in..(j + 1) * layer.n_in];
            let b: f64 = layer.b[j].into();
            let (mut l, mut u) = (b, b);
            for (&w, &(a, c)) in row.iter().zip(&input) {
                let w: f64 = w.into();
                let (p, q) = (w * a, w * c);
                l += p.min(q);
                u += p.max(q);
            }
            if let Some(n) = &layer.norm {
                // Batch normalization as evaluation applies it: y = scale·z + shift.
                let (scale, shift) = n.eval_affine(j);
                let (a, c) = (scale * l + shift, scale * u + shift);
                (l, u) = (a.min(c), a.max(c));
            }
            z.push((l, u));
        }
        input = z
            .iter()
            .map(|&(l, u)| activate_interval(layer.act, l, u))
            .collect();
        out.push(z);
    }
    out
}

/// Per layer and unit: dead for every input of the box, proven. A unit whose activation has a
/// dead side (ReLU) is dead on the box when its pre-activation's upper bound is ≤ 0 there.
pub fn provably_dead<R: Into<f64> + Copy>(net: &Mlp<R>, lo: &[f64], hi: &[f64]) -> Vec<Vec<bool>> {
    interval_bounds(net, lo, hi)
        .iter()
        .zip(&net.layers)
        .map(|(z, layer)| match layer.act.zero_gradient_region() {
            Some((_, top)) => z.iter().map(|&(_, u)| u <= top).collect(),
            None => vec![false; z.len()],
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_are_relative_to_the_layer_mean() {
        assert_eq!(dormant_scores(&[1.0, 3.0]), vec![0.5, 1.5]);
        assert_eq!(dormant_scores(&[0.0, 0.0]), vec![0.0, 0.0]);
        assert!(dormant_scores(&[]).is_empty());
    }

    #[test]
    fn comebacks_count_each_way() {
        let before = [true, true, false, false];
        let now = [true, false, true, false];
        assert_eq!(comebacks(&before, &now), (1, 1, 1));
    }

    #[test]
    fn ids_round_trip() {
        for d in Definition::ALL {
            assert_eq!(Definition::from_id(d.id()), Some(d));
        }
    }
}
