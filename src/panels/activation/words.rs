//! What the panel says about the function on show (its live summary).

// A learner's numbers must never stop the page: no unwrap, no expect (tests/code_rules.rs).
#![deny(clippy::unwrap_used, clippy::expect_used)]

use crate::sim::activation::{Activation, ActivationKind, SELU_LAMBDA};
use crate::spec::format_sig;

/// The one-line summary announced when the function or α changes.
pub fn summary(f: Activation) -> String {
    let name = f.describe();
    match f.kind {
        ActivationKind::Relu => format!(
            "{name}: for every x below 0 the output is 0 and f′ = 0, so no gradient flows back; a unit stuck there is dead."
        ),
        ActivationKind::LeakyRelu | ActivationKind::Elu if f.alpha == 0.0 => format!(
            "{name}: with α = 0 the negative side is flat, f′ = 0 there, and a unit can die exactly as with ReLU."
        ),
        ActivationKind::LeakyRelu => format!(
            "{name}: for x below 0 the slope is {}, so a small gradient still flows and a unit pushed there can recover.",
            format_sig(f.alpha, 2)
        ),
        ActivationKind::Elu => format!(
            "{name}: below 0 the slope decays from {} towards 0 but never reaches it, so a gradient always flows.",
            format_sig(f.alpha, 2)
        ),
        ActivationKind::Selu => format!(
            "{name}: slope {} above 0 and λα·eˣ below it, never 0, and outputs can be negative: no dead side.",
            format_sig(SELU_LAMBDA, 3)
        ),
        ActivationKind::Tanh | ActivationKind::Sigmoid => format!(
            "{name}: f′ is never exactly 0, but it shrinks towards 0 far from the origin (shaded grey): gradients vanish there rather than die."
        ),
        _ => format!("{name}: f′ is never 0 on this range."),
    }
}

/// The chart's accessible description.
pub fn chart_label(f: Activation) -> String {
    format!(
        "Chart of {} and its derivative; the shaded band is where the derivative is zero.",
        f.describe()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relu_summary_says_dead() {
        assert!(summary(Activation::RELU).contains("dead"));
    }

    #[test]
    fn leaky_summary_names_the_slope() {
        let s = summary(ActivationKind::LeakyRelu.with_alpha(0.6));
        assert!(s.contains("slope is 0.6"), "{s}");
        let flat = summary(ActivationKind::LeakyRelu.with_alpha(0.0));
        assert!(flat.contains("die"), "{flat}");
    }
}
