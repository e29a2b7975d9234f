//! The one-line summaries in words that each panel announces (aria-live). Pure, so the
//! wording is tested natively next to the numbers it reports.

use crate::params::format_sig;
use crate::sim::activation::{Activation, ActivationKind};

/// What the activation panel says about the function on show.
pub fn activation(f: Activation) -> String {
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
            format_sig(crate::sim::activation::SELU_LAMBDA, 3)
        ),
        ActivationKind::Tanh | ActivationKind::Sigmoid => format!(
            "{name}: f′ is never exactly 0, but it shrinks towards 0 far from the origin (shaded grey): gradients vanish there rather than die."
        ),
        _ => format!("{name}: f′ is never 0 on this range."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relu_summary_says_dead() {
        assert!(activation(Activation::RELU).contains("dead"));
    }

    #[test]
    fn leaky_summary_names_the_slope() {
        let s = activation(ActivationKind::LeakyRelu.with_alpha(0.6));
        assert!(s.contains("slope is 0.6"), "{s}");
        let flat = activation(ActivationKind::LeakyRelu.with_alpha(0.0));
        assert!(flat.contains("die"), "{flat}");
    }
}
