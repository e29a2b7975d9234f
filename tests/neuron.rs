#![cfg(not(target_arch = "wasm32"))]
//! Seeds 000 and 001 as tests on the single unit R.

use dying_relu::sim::activation::{Activation, ActivationKind};
use dying_relu::sim::neuron::{Neuron, DEFAULT_LR};

const SEEDS: [u64; 5] = [1, 2, 3, 42, 2026];

#[test]
fn backprop_gradient_matches_finite_differences() {
    let fs = [
        Activation::RELU,
        ActivationKind::LeakyRelu.with_alpha(0.1),
        ActivationKind::Elu.with_alpha(0.7),
        ActivationKind::Selu.with_alpha(0.0),
        ActivationKind::Tanh.with_alpha(0.0),
        ActivationKind::Sigmoid.with_alpha(0.0),
    ];
    let idx: Vec<usize> = (0..64).collect();
    for f in fs {
        let mut n = Neuron::new(f, 0.05, 7);
        n.w = [0.4, -0.2];
        let g = n.gradients_on(&idx);
        let h = 1e-6;
        let check = |name: &str, analytic: f64, set: &dyn Fn(&mut Neuron, f64)| {
            let mut p = Neuron::new(f, 0.05, 7);
            p.w = [0.4, -0.2];
            set(&mut p, h);
            let up = p.loss_on(&idx);
            set(&mut p, -2.0 * h);
            let down = p.loss_on(&idx);
            let numeric = (up - down) / (2.0 * h);
            let err = (numeric - analytic).abs() / numeric.abs().max(analytic.abs()).max(1e-8);
            assert!(
                err < 1e-6,
                "{f:?} {name}: analytic {analytic}, numeric {numeric}, rel {err}"
            );
        };
        check("w1", g.w1, &|p, d| p.w[0] += d);
        check("w2", g.w2, &|p, d| p.w[1] += d);
        check("b", g.b, &|p, d| p.b += d);
    }
}

#[test]
fn relu_dies_after_the_large_step_and_sgd_never_moves_it() {
    for seed in SEEDS {
        let mut n = Neuron::new(Activation::RELU, 0.0, seed);
        assert_eq!(n.stats().open_fraction, 1.0, "alive at the start");
        n.large_gradient_step(DEFAULT_LR).unwrap();
        let s = n.stats();
        assert!(s.open_fraction < 0.05, "seed {seed}: {s:?}");
        assert!((s.mean + 0.1).abs() < 0.01, "centred at -0.1: {s:?}");
        let (w, b) = (n.w, n.b);
        for _ in 0..500 {
            let g = n.sgd_step(DEFAULT_LR).unwrap();
            assert_eq!((g.w1, g.w2, g.b), (0.0, 0.0, 0.0));
        }
        assert_eq!(n.w.map(f64::to_bits), w.map(f64::to_bits), "weights moved");
        assert_eq!(n.b.to_bits(), b.to_bits(), "bias moved");
        assert!(n.is_dead());
    }
}

#[test]
fn a_larger_learning_rate_pushes_further() {
    let mut a = Neuron::new(Activation::RELU, 0.0, 1);
    let mut b = Neuron::new(Activation::RELU, 0.0, 1);
    a.large_gradient_step(DEFAULT_LR).unwrap();
    b.large_gradient_step(10.0 * DEFAULT_LR).unwrap();
    assert!(b.stats().mean < a.stats().mean - 1.0);
}

/// Steps Leaky ReLU (α = 0.1) may take to reopen the gate for half the inputs (about 120–135 seen).
pub const LEAKY_RECOVERY_STEPS: usize = 200;

#[test]
fn leaky_relu_recovers_from_the_same_state() {
    for seed in SEEDS {
        let mut n = Neuron::new(Activation::RELU, 0.0, seed);
        n.large_gradient_step(DEFAULT_LR).unwrap();
        n.set_activation(ActivationKind::LeakyRelu.with_alpha(0.1));
        let steps = (1..=LEAKY_RECOVERY_STEPS)
            .find(|_| {
                n.sgd_step(DEFAULT_LR).unwrap();
                n.stats().open_fraction > 0.5
            })
            .unwrap_or_else(|| {
                panic!("seed {seed}: still shut after {LEAKY_RECOVERY_STEPS} steps")
            });
        eprintln!(
            "seed {seed}: Leaky ReLU reopened the gate for half the inputs after {steps} steps"
        );
        assert!(steps > 10, "recovery is gradual, took {steps}");
    }
}

#[test]
fn positive_bias_or_a_smaller_learning_rate_keeps_r_alive() {
    for seed in SEEDS {
        let mut biased = Neuron::new(Activation::RELU, 0.5, seed);
        biased.large_gradient_step(DEFAULT_LR).unwrap();
        assert!(
            biased.stats().open_fraction > 0.95,
            "bias 0.5: {:?}",
            biased.stats()
        );

        let mut gentle = Neuron::new(Activation::RELU, 0.0, seed);
        gentle.large_gradient_step(DEFAULT_LR / 100.0).unwrap();
        assert!(
            gentle.stats().open_fraction > 0.95,
            "lr/100: {:?}",
            gentle.stats()
        );
        // And it goes on learning: the loss falls.
        let before = gentle.loss();
        for _ in 0..300 {
            gentle.sgd_step(DEFAULT_LR).unwrap();
        }
        assert!(
            gentle.loss() < before * 0.5,
            "{} -> {}",
            before,
            gentle.loss()
        );
    }
}

#[test]
fn a_diverging_step_is_refused_not_applied() {
    let mut n = Neuron::new(ActivationKind::Linear.with_alpha(0.0), 0.0, 1);
    n.w = [1e300, 1e300];
    let before = (n.w, n.b);
    let r = n.sgd_step(1e10);
    assert!(r.is_err());
    assert_eq!((n.w, n.b), before);
}

#[test]
fn a_learning_rate_of_10_on_a_linear_unit_diverges_quickly() {
    let mut n = Neuron::new(ActivationKind::LeakyRelu.with_alpha(1.0), 0.0, 1);
    let steps = (1..=1000).find(|_| n.sgd_step(10.0).is_err());
    let steps = steps.expect("lr 10 must diverge");
    assert!(steps < 400, "took {steps} steps");
    assert!(n.w[0].is_finite() && n.b.is_finite());
}

/// The meter for R: the seeds' large step is far above Karpathy's guide of −3 (it moves R by
/// about its own size), a plain SGD step at learning rate 0.01 is not.
#[test]
fn the_large_steps_update_to_data_ratio_is_far_above_the_guide() {
    use dying_relu::panels::neuron::state::{Msg, State};
    use dying_relu::panels::neuron::words::step_ratio;
    use dying_relu::sim::neuron::StepKind;
    let mut s = State::new(Default::default());
    assert!(s.last_step_ratio().is_none());
    assert!(step_ratio(None).contains("Take a step"));
    s.update(Msg::Step);
    let (kind, small) = s.last_step_ratio().unwrap();
    assert_eq!(kind, StepKind::Sgd);
    assert!(small < -1.5, "{small}");
    s.update(Msg::LargeStep);
    let (kind, large) = s.last_step_ratio().unwrap();
    assert_eq!(kind, StepKind::Large);
    // Recomputed from the timeline: log10(‖Δθ‖ / ‖θ‖).
    let h = s.neuron.history();
    let (a, b) = (&h[h.len() - 2], &h[h.len() - 1]);
    let d = ((b.w1 - a.w1).powi(2) + (b.w2 - a.w2).powi(2) + (b.b - a.b).powi(2)).sqrt();
    let n = (b.w1.powi(2) + b.w2.powi(2) + b.b.powi(2)).sqrt();
    assert!((large - (d / n).log10()).abs() < 1e-12);
    assert!(large > -1.0 && large > small + 1.0, "{large} vs {small}");
    let said = step_ratio(Some((kind, large)));
    assert!(
        said.starts_with("The large step's") && said.contains("far above the guide of −3"),
        "{said}"
    );
}
