//! Dropout on the hidden layers, during training only.
//!
//! - [`DropoutKind::Inverted`] is Keras' `Dropout`: each unit's output is kept with
//!   probability `q = 1 − rate` and scaled by `1/q`, or set to 0, so its expectation is unchanged
//!   and evaluation needs no rescaling.
//! - [`DropoutKind::Alpha`] is `AlphaDropout` (Klambauer et al. 2017, "Self-Normalizing Neural
//!   Networks", section "New Dropout Technique"): a dropped unit is set to SELU's negative
//!   saturation `α' = −λα` instead of 0, and then every output gets the affine map
//!   `a·x + b` with `a = (q + α'² q (1 − q))^(−1/2)` and `b = −a α' (1 − q)`, so inputs of mean 0
//!   and variance 1 keep mean 0 and variance 1.
//!
//! Both are written as one elementwise map `out = x·m + c` with a per-element multiplier `m`
//! and offset `c` drawn once per training batch: Inverted keeps `(1/q, 0)` or drops `(0, 0)`;
//! Alpha keeps `(a, b)` or drops `(0, a α' + b)`. The backward pass multiplies ∂loss/∂out by `m`.

use super::activation::{ActivationKind, SELU_ALPHA, SELU_LAMBDA};
use super::real::Real;
use super::rng::SimRng;
use rand::RngCore;

/// Which dropout.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DropoutKind {
    Inverted,
    Alpha,
}

/// Dropout of `rate` (the probability of dropping a unit, in [0, 1)) on every hidden layer.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Dropout {
    pub rate: f64,
    pub kind: DropoutKind,
}

impl Default for Dropout {
    fn default() -> Self {
        Dropout::NONE
    }
}

/// Keep and drop as multiplier and offset: `out = x·m + c`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DropoutMap {
    pub keep_mul: f64,
    pub keep_add: f64,
    pub drop_add: f64,
}

impl Dropout {
    pub const NONE: Dropout = Dropout {
        rate: 0.0,
        kind: DropoutKind::Inverted,
    };

    /// The dropout Keras pairs with `act`: `AlphaDropout` for SELU, `Dropout` otherwise.
    pub fn for_activation(rate: f64, act: ActivationKind) -> Dropout {
        let kind = if act == ActivationKind::Selu {
            DropoutKind::Alpha
        } else {
            DropoutKind::Inverted
        };
        Dropout { rate, kind }
    }

    /// Whether any unit is ever dropped (rate 0 changes nothing and draws nothing).
    pub fn is_active(&self) -> bool {
        self.rate > 0.0
    }

    /// The map of kept and dropped outputs.
    pub fn map(&self) -> DropoutMap {
        let q = 1.0 - self.rate;
        match self.kind {
            DropoutKind::Inverted => DropoutMap {
                keep_mul: 1.0 / q,
                keep_add: 0.0,
                drop_add: 0.0,
            },
            DropoutKind::Alpha => {
                let ap = -SELU_LAMBDA * SELU_ALPHA;
                let a = 1.0 / (q + ap * ap * q * (1.0 - q)).sqrt();
                let b = -a * ap * (1.0 - q);
                DropoutMap {
                    keep_mul: a,
                    keep_add: b,
                    drop_add: a * ap + b,
                }
            }
        }
    }

    /// Draws one element's keep (true) or drop: a uniform `u32` against the rate, the same on
    /// every platform.
    #[inline]
    pub fn keep(&self, rng: &mut SimRng) -> bool {
        (rng.next_u32() as f64) * (1.0 / 4_294_967_296.0) >= self.rate
    }

    /// Fills `mul` and `add` (same length) with a fresh mask.
    pub fn draw<R: Real>(&self, rng: &mut SimRng, mul: &mut [R], add: &mut [R]) {
        let m = self.map();
        let (km, ka, da) = (
            R::from_f64(m.keep_mul),
            R::from_f64(m.keep_add),
            R::from_f64(m.drop_add),
        );
        for (mm, cc) in mul.iter_mut().zip(add.iter_mut()) {
            if self.keep(rng) {
                *mm = km;
                *cc = ka;
            } else {
                *mm = R::ZERO;
                *cc = da;
            }
        }
    }
}

/// `out = x·mul + add` elementwise.
#[inline]
pub fn apply<R: Real>(x: &[R], mul: &[R], add: &[R], out: &mut [R]) {
    for (((o, &x), &m), &c) in out.iter_mut().zip(x).zip(mul).zip(add) {
        *o = x * m + c;
    }
}
