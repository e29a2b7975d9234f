//! The training objective: mean squared error, or binary cross-entropy on a sigmoid output's
//! logit.
//!
//! Binary cross-entropy of a probability p = σ(z) against a 0/1 target y is
//! ℓ = −[y ln σ(z) + (1 − y) ln(1 − σ(z))]. With ln σ(z) = −softplus(−z),
//! ln(1 − σ(z)) = −softplus(z) and softplus(−z) = softplus(z) − z, it is
//!
//! ```text
//! ℓ(z, y) = softplus(z) − y·z = max(z, 0) − y·z + ln(1 + e^(−|z|)),
//! ```
//!
//! the form of Keras' `binary_crossentropy(from_logits=True)`, TensorFlow's
//! `sigmoid_cross_entropy_with_logits` and PyTorch's `BCEWithLogitsLoss`: e^(−|z|) ∈ (0, 1]
//! never overflows, and neither ln σ(z) nor ln(1 − σ(z)) is taken of a probability that
//! rounded to 0 or 1. Its derivative, from softplus′ = σ, is
//!
//! ```text
//! ∂ℓ/∂z = σ(z) − y,
//! ```
//!
//! so the backward pass starts at the output layer's pre-activation with δ = (σ(z) − y)/n
//! for a batch mean over n values, and does not multiply by the sigmoid's σ′(z) again (that
//! factor is what cancelled). Mean squared error instead starts from ∂ℓ/∂a = 2(a − y)/n
//! and multiplies by f′(z).

use super::activation::{Activation, ActivationKind};
use super::real::Real;

/// Which loss a network trains on and is evaluated with.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Loss {
    /// Mean squared error of the output `a` against the target: the article's loss.
    #[default]
    Mse,
    /// Binary cross-entropy of σ(z) against a 0/1 target, computed from the output layer's
    /// pre-activation z (the logit) in the stable form of the [module](self) documentation.
    /// The output activation must be the sigmoid (the trainer refuses anything else), so that
    /// the output `a = σ(z)` is the predicted probability.
    BinaryCrossEntropy,
}

impl Loss {
    pub const ALL: [Loss; 2] = [Loss::Mse, Loss::BinaryCrossEntropy];

    /// The short, stable token used in URLs and `<select>` values.
    pub fn id(self) -> &'static str {
        match self {
            Loss::Mse => "mse",
            Loss::BinaryCrossEntropy => "bce",
        }
    }

    /// The name a person reads.
    pub fn label(self) -> &'static str {
        match self {
            Loss::Mse => "mean squared error",
            Loss::BinaryCrossEntropy => "binary cross-entropy",
        }
    }

    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.id() == id)
    }

    /// What is wrong with this loss on a network whose output activation is `output`, if
    /// anything: binary cross-entropy needs a sigmoid output.
    pub fn problem(self, output: Activation) -> Option<&'static str> {
        match self {
            Loss::BinaryCrossEntropy if output.kind != ActivationKind::Sigmoid => {
                Some("binary cross-entropy needs a sigmoid output")
            }
            _ => None,
        }
    }
}

/// ℓ(z, y) = max(z, 0) − y·z + ln(1 + e^(−|z|)): binary cross-entropy of σ(z) against `y`
/// (see the [module](self) documentation), in f64. e^(−|z|) is taken in `R` (for f32 the
/// portable [`vmath`](super::vmath) exponential) and the rest with IEEE operations only, so
/// an f32 run gives the same bits natively and in wasm.
#[inline]
pub fn bce_with_logits<R: Real>(z: R, y: R) -> f64 {
    let az = if z < R::ZERO { -z } else { z };
    let t = (-az).exp().to_f64();
    let (z, y) = (z.to_f64(), y.to_f64());
    z.max(0.0) - y * z + ln_1p_unit(t)
}

/// ln(1 + t) for t ∈ [0, 1], to a few f64 ulps, from additions, multiplications and
/// divisions only (no libm, whose last bits may differ between platforms): with
/// s = t/(2 + t), ln(1 + t) = 2·atanh(s) = 2s·(1 + s²/3 + s⁴/5 + …). Above t = 1/2 the
/// argument is first halved, ln(1 + t) = ln 2 + ln(1 + (t − 1)/2) (t − 1 is exact there),
/// so |s| ≤ 1/5 and 13 terms reach f64 precision. NaN stays NaN.
pub fn ln_1p_unit(t: f64) -> f64 {
    let (base, w) = if t > 0.5 {
        (std::f64::consts::LN_2, (t - 1.0) * 0.5)
    } else {
        (0.0, t)
    };
    let s = w / (2.0 + w);
    let s2 = s * s;
    let mut sum = 0.0;
    for k in (0..13).rev() {
        sum = sum * s2 + 1.0 / (2 * k + 1) as f64;
    }
    base + 2.0 * s * sum
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ln_1p_unit_matches_std() {
        for i in 0..=10_000 {
            let t = i as f64 / 10_000.0;
            let (got, want) = (ln_1p_unit(t), t.ln_1p());
            assert!(
                (got - want).abs() <= 4.0 * f64::EPSILON * want.max(f64::MIN_POSITIVE),
                "ln_1p({t}) = {got}, std {want}"
            );
        }
        for t in [1e-300, 1e-20, 1e-9] {
            assert!((ln_1p_unit(t) / t.ln_1p() - 1.0).abs() < 1e-15);
        }
        assert_eq!(ln_1p_unit(0.0), 0.0);
        assert!(ln_1p_unit(f64::NAN).is_nan());
    }

    #[test]
    fn binary_cross_entropy_is_the_naive_formula_where_that_is_accurate() {
        for &z in &[-8.0f64, -2.5, -0.3, 0.0, 0.4, 1.7, 6.0] {
            let p = 1.0 / (1.0 + (-z).exp());
            for y in [0.0, 1.0, 0.25] {
                let naive = -(y * p.ln() + (1.0 - y) * (1.0 - p).ln());
                let got = bce_with_logits(z, y);
                assert!(
                    (got - naive).abs() < 1e-12,
                    "z {z}, y {y}: {got} vs {naive}"
                );
            }
        }
    }

    #[test]
    fn binary_cross_entropy_is_finite_and_right_at_extreme_logits() {
        // Where σ(z) rounds to 0 or 1 the naive formula gives ∞ or NaN; this form gives
        // ≈ |z| for the wrong label and ≈ e^(−|z|) (0 in f32) for the right one.
        assert_eq!(bce_with_logits(-100.0f32, 0.0), 0.0);
        assert_eq!(bce_with_logits(100.0f32, 1.0), 0.0);
        assert!((bce_with_logits(-100.0f32, 1.0) - 100.0).abs() < 1e-12);
        assert!((bce_with_logits(100.0f32, 0.0) - 100.0).abs() < 1e-12);
        assert!((bce_with_logits(-40.0f64, 0.0) - (-40.0f64).exp()).abs() < 1e-30);
        assert!((bce_with_logits(0.0f64, 1.0) - std::f64::consts::LN_2).abs() < 1e-16);
    }

    #[test]
    fn ids_round_trip_and_bce_needs_a_sigmoid() {
        for l in Loss::ALL {
            assert_eq!(Loss::from_id(l.id()), Some(l));
        }
        assert_eq!(Loss::default(), Loss::Mse);
        let sigmoid = Activation::new(ActivationKind::Sigmoid, 0.0);
        assert_eq!(Loss::BinaryCrossEntropy.problem(sigmoid), None);
        assert!(Loss::BinaryCrossEntropy.problem(Activation::RELU).is_some());
        assert_eq!(Loss::Mse.problem(Activation::RELU), None);
    }
}
