//! What the panel says about R: its live summary and its charts' descriptions.

use crate::sim::activation::Activation;
use crate::sim::neuron::{Gradients, PreactivationStats};
use crate::spec::format_sig;

/// The live summary: how open R's gate is, what gradient reaches its parameters, and what
/// that means. `was_shut` is whether the gate was shut at some point.
pub fn summary(
    f: Activation,
    stats: &PreactivationStats,
    grad_now: &Gradients,
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
    } else if stats.open_fraction < super::state::SHUT_BELOW {
        format!(
            "Gate open for {open}% of inputs, but {} leaks: a small gradient still reaches w1, w2 and b, so SGD can pull R back.",
            f.kind.label()
        )
    } else if was_shut && stats.open_fraction > super::state::OPEN_FROM {
        format!("R recovered: gate open for {open}% of inputs again, and gradients flow.")
    } else {
        format!("Gate open for {open}% of inputs; gradients flow to w1, w2 and b: R is alive and learning.")
    }
}

/// The histogram's accessible description.
pub fn gate_chart_label(stats: &PreactivationStats) -> String {
    format!(
        "Histogram of the pre-activation a: mean {}, standard deviation {}, gate open for {}% of inputs.",
        format_sig(stats.mean, 3),
        format_sig(stats.sd, 3),
        (stats.open_fraction * 100.0).round()
    )
}

/// What R learns and what the large step is, under the controls.
pub const TASK: &str = "R learns y = ½(x1 + x2) − 0.3 from 500 inputs with x1, x2 ~ N(0.5, 0.15²). The large step is one SGD step with an error signal ∂L/∂y ≈ 13 at the average input, scaled by the learning rate.";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::activation::ActivationKind;
    use crate::sim::neuron::{Neuron, DEFAULT_LR};

    fn all(n: &Neuron) -> Vec<usize> {
        (0..n.inputs().len()).collect()
    }

    #[test]
    fn says_dead_after_the_large_step_and_alive_before() {
        let mut n = Neuron::new(Activation::RELU, 0.0, 1);
        let alive = summary(n.f, &n.stats(), &n.gradients_on(&all(&n)), false);
        assert!(alive.contains("alive"), "{alive}");
        n.large_gradient_step(DEFAULT_LR).unwrap();
        let dead = summary(n.f, &n.stats(), &n.gradients_on(&all(&n)), true);
        assert_eq!(dead, "Gate open for 0% of inputs. Gradient to w1, w2 and b: 0. R is dead: SGD cannot move it.");
        n.set_activation(ActivationKind::LeakyRelu.with_alpha(0.1));
        let leaking = summary(n.f, &n.stats(), &n.gradients_on(&all(&n)), true);
        assert!(leaking.contains("leaks"), "{leaking}");
    }
}
