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

/// What the "One neuron" panel says about R: how open its gate is, what gradient reaches its
/// parameters, and what that means. `was_shut` is whether the gate was shut at some point.
pub fn neuron(
    f: Activation,
    stats: &crate::sim::neuron::PreactivationStats,
    grad_now: &crate::sim::neuron::Gradients,
    was_shut: bool,
) -> String {
    // Announced live: only the open share may change from step to step, so a screen reader
    // is not read a new gradient value sixty times a second.
    let open = (stats.open_fraction * 100.0).round();
    let zero = grad_now.w1 == 0.0 && grad_now.w2 == 0.0 && grad_now.b == 0.0;
    if stats.flowing_fraction == 0.0 || zero {
        format!(
            "Gate open for {open}% of inputs. Gradient to w1, w2 and b: 0. R is dead: SGD cannot move it."
        )
    } else if stats.open_fraction < 0.05 {
        format!(
            "Gate open for {open}% of inputs, but {} leaks: a small gradient still reaches w1, w2 and b, so SGD can pull R back.",
            f.kind.label()
        )
    } else if was_shut && stats.open_fraction > 0.5 {
        format!("R recovered: gate open for {open}% of inputs again, and gradients flow.")
    } else {
        format!("Gate open for {open}% of inputs; gradients flow to w1, w2 and b: R is alive and learning.")
    }
}

#[cfg(test)]
mod neuron_tests {
    use super::*;
    use crate::sim::neuron::{Neuron, DEFAULT_LR};

    fn all(n: &Neuron) -> Vec<usize> {
        (0..n.inputs().len()).collect()
    }

    #[test]
    fn says_dead_after_the_large_step_and_alive_before() {
        let mut n = Neuron::new(Activation::RELU, 0.0, 1);
        let alive = neuron(n.f, &n.stats(), &n.gradients_on(&all(&n)), false);
        assert!(alive.contains("alive"), "{alive}");
        n.large_gradient_step(DEFAULT_LR).unwrap();
        let dead = neuron(n.f, &n.stats(), &n.gradients_on(&all(&n)), true);
        assert_eq!(dead, "Gate open for 0% of inputs. Gradient to w1, w2 and b: 0. R is dead: SGD cannot move it.");
        n.set_activation(ActivationKind::LeakyRelu.with_alpha(0.1));
        let leaking = neuron(n.f, &n.stats(), &n.gradients_on(&all(&n)), true);
        assert!(leaking.contains("leaks"), "{leaking}");
    }
}
