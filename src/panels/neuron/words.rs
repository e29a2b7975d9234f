//! What the panel says about R: its live summary and its charts' descriptions.

// A learner's numbers must never stop the page: no unwrap, no expect (tests/code_rules.rs).
#![deny(clippy::unwrap_used, clippy::expect_used)]

use super::state::{
    can_recover, largest_gradient, OPEN_FROM, RECOVERY_STEPS, SHUT_BELOW, VISIBLE_CHANGE,
};
use crate::sim::activation::Activation;
use crate::sim::neuron::{Gradients, PreactivationStats, StepKind, StepTaken};
use crate::spec::format_sig;

/// The live summary: how open R's gate is, what gradient reaches its parameters, and what
/// that means at the learning rate `lr`. `was_shut` is whether the gate was shut at some point.
pub fn summary(
    f: Activation,
    stats: &PreactivationStats,
    grad_now: &Gradients,
    was_shut: bool,
    lr: f64,
) -> String {
    // Announced live: only the open share and the gradient's order of magnitude may change
    // from step to step, so a screen reader is not read a new number sixty times a second.
    let open = (stats.open_fraction * 100.0).round();
    let g = largest_gradient(grad_now);
    if stats.flowing_fraction == 0.0 || g == 0.0 {
        format!(
            "Gate open for {open}% of inputs. Gradient to w1, w2 and b: 0. R is dead: SGD cannot move it."
        )
    } else if stats.open_fraction < SHUT_BELOW && !can_recover(grad_now, lr) {
        format!(
            "Gate open for {open}% of inputs. {} still passes a gradient, but only about {}: at learning rate {}, SGD would need more than {} steps to move w1, w2 or b by {}. R is practically stuck.",
            f.kind.label(),
            order_of(g),
            format_sig(lr, 3),
            RECOVERY_STEPS,
            VISIBLE_CHANGE
        )
    } else if stats.open_fraction < SHUT_BELOW {
        format!(
            "Gate open for {open}% of inputs, but {} leaks: a gradient of about {} still reaches w1, w2 and b, enough to move them by {} within {} steps at this learning rate, so SGD can pull R back.",
            f.kind.label(),
            order_of(g),
            VISIBLE_CHANGE,
            RECOVERY_STEPS
        )
    } else if was_shut && stats.open_fraction > OPEN_FROM {
        format!("R recovered: gate open for {open}% of inputs again, and gradients flow.")
    } else {
        format!("Gate open for {open}% of inputs; gradients flow to w1, w2 and b: R is alive and learning.")
    }
}

/// A positive size as its power of ten, "1e-15": what matters when a gradient is tiny, and
/// it changes rarely enough to be announced.
pub fn order_of(g: f64) -> String {
    if !g.is_finite() || g == 0.0 {
        // 0 has no power of ten (its log is −∞), and NaN or ∞ none that means anything.
        return format_sig(g, 1);
    }
    if g < 0.0 {
        return format!("−{}", order_of(-g));
    }
    if g >= 0.01 {
        return format_sig(g, 1);
    }
    format!("1e{}", g.log10().floor() as i32)
}

/// The plane chart's description for screen readers: where R's inputs sit relative to its
/// line, from the counts the chart draws.
pub fn plane_chart_label(open: usize, shut: usize) -> String {
    let verdict = if open == 0 && shut > 0 {
        ": every input is on the shut side, so R is dead"
    } else if shut == 0 {
        ": every input is on the open side"
    } else {
        ""
    };
    format!(
        "R's line a = 0 in the plane of (x1, x2) and its {} inputs: {open} on the open side, \
         {shut} on the shut side{verdict}",
        open + shut
    )
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

/// The last step against Karpathy's guide: "The large step's update-to-data ratio,
/// log10(‖Δθ‖/‖θ‖), is −0.3: far above the guide of −3, so one step moved R by about half
/// its own size."
pub fn step_ratio(step: Option<(StepKind, f64)>) -> String {
    let Some((kind, r)) = step else {
        return "Take a step to read its update-to-data ratio, log10(‖Δθ‖/‖θ‖) over w1, w2 and b (Karpathy's guide: about −3).".into();
    };
    let what = match kind {
        StepKind::Large => "The large step's",
        _ => "The last step's",
    };
    if !r.is_finite() {
        return format!("{what} update-to-data ratio: no change at all (every gradient was 0).");
    }
    let verdict = if r > -1.0 {
        format!(
            "far above the guide of −3: one step moved R by about {} of its own size",
            share_words(10f64.powf(r))
        )
    } else if r > -2.5 {
        "above the guide of −3: large steps".to_string()
    } else {
        "near or below the guide of −3: small, steady steps".to_string()
    };
    format!(
        "{what} update-to-data ratio, log10(‖Δθ‖/‖θ‖) over w1, w2 and b, is {}: {verdict}.",
        format_sig(r, 2).replace('-', "−")
    )
}

/// A number for the words, with a true minus sign.
fn num(v: f64) -> String {
    format_sig(v, 2).replace('-', "−")
}

/// What global-norm clipping did on the last step: "Clipping acted on the large step: its
/// gradient's norm was 16; clipped to 1, it moved b by −0.0082 instead of −0.13 (‖Δθ‖ =
/// lr·c = 0.01)." None when there is nothing to say: no step yet, or an ordinary step with
/// clipping off (the panel then reads as it did before clipping existed).
pub fn clipping(step: Option<StepTaken>) -> Option<String> {
    let t = step?;
    let large = t.kind == StepKind::Large;
    let Some(c) = t.clip else {
        return large.then(|| {
            format!(
                "No clipping: the large step's gradient had norm {} and moved b by {}. With clipping at c, no step moves (w1, w2, b) by more than lr·c.",
                num(t.norm),
                num(t.delta[2])
            )
        });
    };
    let c_text = num(c);
    if t.norm == 0.0 {
        return Some(format!(
            "Clipping at {c_text} had nothing to scale: the gradient was 0."
        ));
    }
    if !t.clipped() {
        let what = if large {
            "the large step's"
        } else {
            "the last step's"
        };
        return Some(format!(
            "Clipping at {c_text} did not act: {what} gradient norm was {}, not above {c_text}.",
            num(t.norm)
        ));
    }
    let (what, it) = if large {
        ("Clipping acted on the large step: its", "it")
    } else {
        ("Clipping acted on the last step: its", "the step")
    };
    Some(format!(
        "{what} gradient's norm was {}; clipped to {c_text}, {it} moved b by {} instead of {} (‖Δθ‖ = lr·c = {}).",
        num(t.norm),
        num(t.delta[2]),
        num(t.unclipped[2]),
        num(t.lr * c)
    ))
}

/// The live status: the summary, and after a large step what clipping did to it (an event,
/// so announcing it once is right; ordinary steps' clipping is told under the flow diagram).
pub fn status(summary: String, step: Option<StepTaken>) -> String {
    match step
        .filter(|t| t.kind == StepKind::Large)
        .and_then(|t| clipping(Some(t)))
    {
        Some(note) => format!("{summary} {note}"),
        None => summary,
    }
}

/// The sentence under the flow diagram: the step's update-to-data ratio, then what clipping
/// did to it.
pub fn step_note(ratio: Option<(StepKind, f64)>, step: Option<StepTaken>) -> String {
    let r = step_ratio(ratio);
    match clipping(step) {
        Some(note) => format!("{r} {note}"),
        None => r,
    }
}

/// A ratio in words: "a tenth", "half", "3 times".
fn share_words(x: f64) -> String {
    if x >= 1.5 {
        format!("{} times", format_sig(x, 2))
    } else if x >= 0.75 {
        "all".into()
    } else if x >= 0.35 {
        "half".into()
    } else if x >= 0.15 {
        "a quarter".into()
    } else {
        "a tenth".into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::panels::neuron::state::{Msg, Settings, State, STEPS_PER_TICK};
    use crate::sim::activation::ActivationKind;
    use crate::sim::neuron::{Neuron, DEFAULT_LR};

    fn all(n: &Neuron) -> Vec<usize> {
        (0..n.inputs().len()).collect()
    }

    fn said(s: &State) -> String {
        summary(
            s.neuron.f,
            &s.neuron.stats(),
            &s.gradient_now(),
            s.was_shut,
            s.settings.lr,
        )
    }

    #[test]
    fn says_dead_after_the_large_step_and_alive_before() {
        let mut n = Neuron::new(Activation::RELU, 0.0, 1);
        let g = n.gradients_on(&all(&n));
        let alive = summary(n.f, &n.stats(), &g, false, DEFAULT_LR);
        assert!(alive.contains("alive"), "{alive}");
        n.large_gradient_step(DEFAULT_LR).unwrap();
        let g = n.gradients_on(&all(&n));
        let dead = summary(n.f, &n.stats(), &g, true, DEFAULT_LR);
        assert_eq!(dead, "Gate open for 0% of inputs. Gradient to w1, w2 and b: 0. R is dead: SGD cannot move it.");
    }

    /// ELU at learning rate 10: the large step throws b far below 0, where ELU's slope is
    /// about e⁻²⁰⁰. It leaks in principle; the words must not promise a recovery.
    #[test]
    fn elu_far_below_zero_is_practically_stuck_and_says_so() {
        for kind in [ActivationKind::Elu, ActivationKind::Selu] {
            let mut s = State::new(Settings {
                kind,
                lr: 10.0,
                ..Settings::default()
            });
            s.update(Msg::LargeStep);
            s.update(Msg::ToggleTrain);
            for _ in 0..180 {
                s.update(Msg::Tick); // 3 s of Train at 60 frames a second
            }
            let text = said(&s);
            assert!(text.contains("practically stuck"), "{text}");
            assert!(!text.contains("can pull R back"), "{text}");
            // The claim, against the numbers: 1000 more steps move nothing visibly.
            let before = (s.neuron.w, s.neuron.b);
            for _ in 0..(RECOVERY_STEPS as usize / STEPS_PER_TICK) {
                s.update(Msg::Tick);
            }
            let moved = (s.neuron.w[0] - before.0[0])
                .abs()
                .max((s.neuron.w[1] - before.0[1]).abs())
                .max((s.neuron.b - before.1).abs());
            assert!(moved < VISIBLE_CHANGE, "{kind:?} moved {moved}");
        }
    }

    /// Leaky ReLU after the large step at the default rate: the words promise a recovery,
    /// and 1000 steps deliver a visible change.
    #[test]
    fn a_recovering_leaky_unit_says_it_can_recover_and_does() {
        let mut s = State::new(Settings::default());
        s.update(Msg::LargeStep);
        s.update(Msg::Set(
            "f",
            crate::spec::Value::Choice("leaky_relu".into()),
        ));
        let text = said(&s);
        assert!(text.contains("can pull R back"), "{text}");
        let b0 = s.neuron.b;
        s.update(Msg::ToggleTrain);
        for _ in 0..(RECOVERY_STEPS as usize / STEPS_PER_TICK) {
            s.update(Msg::Tick);
        }
        assert!(
            (s.neuron.b - b0).abs() >= VISIBLE_CHANGE,
            "b moved {}",
            s.neuron.b - b0
        );
        assert!(said(&s).contains("recovered"), "{}", said(&s));
    }

    fn large_step_with_clip(lr: f64, clip: f64) -> State {
        let mut s = State::new(Settings {
            lr,
            clip,
            ..Settings::default()
        });
        s.update(Msg::LargeStep);
        s
    }

    /// The brief's sentence, from the numbers: the large step's norm, the clipping norm, b's
    /// change clipped and not, and ‖Δθ‖ = lr·c; R stays alive and the status says both.
    #[test]
    fn clipping_says_what_it_did_to_the_large_step() {
        let s = large_step_with_clip(DEFAULT_LR, 1.0);
        let t = s.neuron.last_step().unwrap_or_else(|| panic!("a step"));
        let said = clipping(Some(t)).unwrap_or_default();
        let expected = format!(
            "Clipping acted on the large step: its gradient's norm was {}; clipped to 1, it moved b by {} instead of {} (‖Δθ‖ = lr·c = 0.01).",
            num(t.norm),
            num(t.delta[2]),
            num(t.unclipped[2])
        );
        assert_eq!(said, expected);
        assert!(said.contains("norm was 16;"), "{said}");
        assert!(said.contains("b by −0.0082 instead of −0.13"), "{said}");
        let status = status(said_of(&s), Some(t));
        assert!(
            status.contains("alive") && status.ends_with(&said),
            "{status}"
        );
        // Without clipping the same step says how large it was, and R is dead.
        let off = large_step_with_clip(DEFAULT_LR, 0.0);
        let note = clipping(off.neuron.last_step()).unwrap_or_default();
        assert!(
            note.starts_with(
                "No clipping: the large step's gradient had norm 16 and moved b by −0.13"
            ),
            "{note}"
        );
        assert!(status_of(&off).contains("R is dead"));
    }

    /// At learning rate 1, lr·c = 1 is ten times R's margin of 0.1: clipping acts and R
    /// dies anyway; the words must not pretend it was saved.
    #[test]
    fn clipping_at_a_high_rate_acts_and_r_still_dies() {
        let s = large_step_with_clip(1.0, 1.0);
        let note = clipping(s.neuron.last_step()).unwrap_or_default();
        assert!(
            note.contains("clipped to 1") && note.contains("lr·c = 1)"),
            "{note}"
        );
        assert!(status_of(&s).contains("R is dead"), "{}", status_of(&s));
    }

    #[test]
    fn clipping_that_did_not_act_says_so_and_off_says_nothing_on_ordinary_steps() {
        let mut s = State::new(Settings {
            clip: 1.0,
            ..Settings::default()
        });
        s.update(Msg::Step);
        let t = s.neuron.last_step();
        let note = clipping(t).unwrap_or_default();
        assert!(
            note.starts_with("Clipping at 1 did not act: the last step's gradient norm was 0."),
            "{note}"
        );
        assert_eq!(
            status(said_of(&s), t),
            said_of(&s),
            "ordinary steps are not announced"
        );
        let mut plain = State::new(Settings::default());
        plain.update(Msg::Step);
        assert_eq!(clipping(plain.neuron.last_step()), None);
        let ratio = plain.last_step_ratio();
        assert_eq!(
            step_note(ratio, plain.neuron.last_step()),
            step_ratio(ratio)
        );
        // Dead and clipped: nothing to scale.
        let mut dead = large_step_with_clip(DEFAULT_LR, 0.0);
        dead.update(Msg::Set("clip", crate::spec::Value::Number(1.0)));
        dead.update(Msg::Step);
        let note = clipping(dead.neuron.last_step()).unwrap_or_default();
        assert_eq!(
            note,
            "Clipping at 1 had nothing to scale: the gradient was 0."
        );
    }

    fn said_of(s: &State) -> String {
        said(s)
    }

    fn status_of(s: &State) -> String {
        status(said(s), s.neuron.last_step())
    }

    #[test]
    fn tiny_sizes_are_said_as_powers_of_ten() {
        assert_eq!(order_of(3.2e-15), "1e-15");
        assert_eq!(order_of(0.2), "0.2");
    }
}
