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

/// Today's numbers, recorded before clipping existed (seed 1: 50 SGD steps, the large step,
/// 50 more): with clipping off, or at a norm no step reaches, they are bit for bit the same.
#[test]
fn clipping_off_leaves_todays_numbers_unchanged() {
    type Case = (Activation, f64, [u64; 4]);
    let cases: [Case; 2] = [
        (
            Activation::RELU,
            DEFAULT_LR,
            [
                0x3fc0160cf1482fb0,
                0x3fc006ff21828b75,
                0x3f91b768447a1488,
                0x3f8274edea8c92a4,
            ],
        ),
        (
            ActivationKind::LeakyRelu.with_alpha(0.1),
            0.3,
            [
                0xbfe86cfae462ec6f,
                0xbfe85f0c8da96004,
                0xc001759b9b3f11ad,
                0x3fd075085277d465,
            ],
        ),
    ];
    for (f, lr, today) in cases {
        for clip in [None, Some(1e9)] {
            let mut n = Neuron::new(f, 0.0, 1);
            n.set_clip(clip);
            for _ in 0..50 {
                n.sgd_step(lr).unwrap();
            }
            n.large_gradient_step(lr).unwrap();
            for _ in 0..50 {
                n.sgd_step(lr).unwrap();
            }
            let now = [n.w[0], n.w[1], n.b, n.loss()].map(f64::to_bits);
            assert_eq!(now, today, "{f:?} lr {lr} clip {clip:?}");
        }
    }
}

mod clipping {
    use super::*;
    use dying_relu::sim::neuron::StepKind;
    use proptest::prelude::*;

    fn activation() -> impl Strategy<Value = Activation> {
        prop_oneof![
            Just(Activation::RELU),
            Just(ActivationKind::LeakyRelu.with_alpha(0.1)),
            Just(ActivationKind::Elu.with_alpha(1.0)),
            Just(ActivationKind::Selu.with_alpha(0.0)),
            Just(ActivationKind::Tanh.with_alpha(0.0)),
            Just(ActivationKind::Sigmoid.with_alpha(0.0)),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

        /// For SGD, a clipped step moves θ = (w1, w2, b) by at most lr·c, whatever the state:
        /// by exactly lr·c when it clipped, by lr·‖g‖ ≤ lr·c when it did not.
        #[test]
        fn a_clipped_step_moves_theta_by_at_most_lr_times_c(
            f in activation(),
            w1 in -5.0f64..5.0, w2 in -5.0f64..5.0, b in -5.0f64..5.0,
            lr in 1e-4f64..3.0,
            c in 1e-3f64..20.0,
            large in any::<bool>(),
            seed in 0u64..1000,
        ) {
            let mut n = Neuron::new(f, b, seed);
            n.w = [w1, w2];
            n.set_clip(Some(c));
            let before = [n.w[0], n.w[1], n.b];
            let r = if large { n.large_gradient_step(lr) } else { n.sgd_step(lr) };
            prop_assume!(r.is_ok());
            let after = [n.w[0], n.w[1], n.b];
            let moved = before.iter().zip(after).map(|(x, y)| (y - x).powi(2)).sum::<f64>().sqrt();
            prop_assert!(moved <= lr * c * (1.0 + 1e-12), "moved {} > lr·c = {}", moved, lr * c);
            let t = n.last_step().unwrap();
            prop_assert_eq!(t.kind, if large { StepKind::Large } else { StepKind::Sgd });
            prop_assert!((t.moved() - moved).abs() <= 1e-12 * (1.0 + moved));
            if t.clipped() {
                prop_assert!((moved - lr * c).abs() <= 1e-9 * lr * c, "{} vs {}", moved, lr * c);
            } else {
                prop_assert!((moved - lr * t.norm).abs() <= 1e-9 * (1.0 + lr * t.norm));
            }
        }
    }

    /// The seeds' large step at the default rate: unclipped it kills R; clipped at any c with
    /// lr·c·‖(x̄, 1)‖ well below R's margin of 0.1 it cannot.
    #[test]
    fn the_large_step_cannot_kill_r_when_lr_times_c_is_small() {
        for c in [0.5, 1.0, 2.0] {
            let mut n = Neuron::new(Activation::RELU, 0.0, 1);
            n.set_clip(Some(c));
            n.large_gradient_step(DEFAULT_LR).unwrap();
            let t = n.last_step().unwrap();
            assert!(t.clipped() && t.moved() <= DEFAULT_LR * c * (1.0 + 1e-12));
            assert!(t.delta[2].abs() < 0.2 && t.unclipped[2].abs() > t.delta[2].abs());
            assert_eq!(n.stats().open_fraction, 1.0, "c = {c}");
            assert!(!n.is_dead());
        }
        // Clipping does not change the verdict when lr·c is large: at c = 20 > ‖g‖ ≈ 16 it
        // does not act and R dies as without it.
        let mut n = Neuron::new(Activation::RELU, 0.0, 1);
        n.set_clip(Some(20.0));
        n.large_gradient_step(DEFAULT_LR).unwrap();
        assert!(!n.last_step().unwrap().clipped());
        assert!(n.is_dead());
    }
}

mod fields {
    use dying_relu::panels::neuron::state::{from_pairs, Settings, CLIP, FIELDS};
    use dying_relu::spec::{query_pairs, write_query};
    use proptest::prelude::*;

    #[test]
    fn hostile_clipping_norms_are_repaired_with_a_warning() {
        for (text, expected) in [
            ("clip=-3", 0.0),
            ("clip=1e400", CLIP.default),
            ("clip=NaN", CLIP.default),
            ("clip=inf", CLIP.default),
            ("clip=%3Cscript%3Ealert(1)%3C%2Fscript%3E", CLIP.default),
            ("clip=1e9", CLIP.max),
            ("clip=", CLIP.default),
            ("clip=2%00", CLIP.default),
        ] {
            let (s, w) = from_pairs(&query_pairs(text));
            assert_eq!(s.clip, expected, "{text}");
            assert_eq!(w.len(), 1, "{text}: {w:?}");
        }
        let (s, w) = from_pairs(&query_pairs("clip=1.5"));
        assert!(w.is_empty() && s.clip == 1.5 && s.clip_norm() == Some(1.5));
        assert_eq!(Settings::default().clip_norm(), None, "off by default");
    }

    proptest! {
        /// Any clipping norm in range survives a link: written, read back, the same settings.
        #[test]
        fn the_clipping_norm_round_trips_through_a_link(
            clip in prop_oneof![Just(0.0), Just(CLIP.max), 0.0f64..20.0],
            lr in 1e-4f64..10.0,
            b in -2.0f64..2.0,
        ) {
            let s = Settings { clip, lr, bias: b, ..Settings::default() };
            let q = write_query(&FIELDS, &s);
            let (back, w) = from_pairs(&query_pairs(&q));
            prop_assert!(w.is_empty(), "{:?}", w);
            prop_assert_eq!(back, s);
        }
    }
}

mod plane {
    use super::*;
    use dying_relu::chart::{render_svg, Theme};
    use dying_relu::panels::neuron::charts::plane::{side, Side};
    use dying_relu::panels::neuron::state::{Msg, Settings, State};
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

        /// A ReLU R is dead on its inputs exactly when the plane the chart draws puts every
        /// input on the shut side of its line (the chart's numbers, not a second formula).
        #[test]
        fn r_is_dead_exactly_when_every_input_is_on_the_shut_side(
            w1 in -1.0f64..1.0, w2 in -1.0f64..1.0, b in -1.5f64..0.5, seed in 0u64..50,
        ) {
            let mut s = State::new(Settings::default());
            s.neuron = Neuron::new(Activation::RELU, b, seed);
            s.neuron.w = [w1, w2];
            let plane = s.plane();
            prop_assert_eq!(s.neuron.is_dead(), plane.all_shut());
            let (open, _) = plane.sides();
            prop_assert_eq!(open as f64 / 500.0, s.neuron.stats().open_fraction);
        }
    }

    #[test]
    fn the_large_step_puts_the_whole_cloud_on_the_shut_side() {
        let mut s = State::new(Settings::default());
        assert_eq!(s.plane().sides(), (500, 0));
        s.update(Msg::LargeStep);
        let p = s.plane();
        assert_eq!(p.sides(), (0, 500));
        assert!(p.points.iter().all(|&x| side(p.line, x) == Side::Shut));
        assert_eq!(p.before, Some([0.1, 0.1, 0.0]));
        assert!(s.neuron.is_dead());
        // Clipped at 1, the same press leaves every input open.
        let mut c = State::new(Settings {
            clip: 1.0,
            ..Settings::default()
        });
        c.update(Msg::LargeStep);
        assert_eq!(c.plane().sides(), (500, 0));
    }

    fn svg(s: &State, theme: &Theme) -> String {
        let plane = s.plane();
        render_svg(800, 480, |a| {
            dying_relu::panels::neuron::charts::plane::draw(a, &plane, theme)
        })
        .unwrap()
        // SVG writes the apostrophe of "R's" as an entity.
        .replace("&apos;", "'")
    }

    #[test]
    fn the_plane_svg_names_its_axes_sides_and_lines() {
        let mut s = State::new(Settings::default());
        let theme = Theme::light(1.0);
        let before = svg(&s, &theme);
        for label in [
            "x1 (no unit)",
            "x2 (no unit)",
            "open side",
            "shut side: a ≤ 0, f′ = 0",
            "500 open, 0 shut",
            "R's line now: a = 0",
        ] {
            assert!(before.contains(label), "before: {label}");
        }
        assert!(!before.contains("before the large step"));
        s.update(Msg::LargeStep);
        let after = svg(&s, &theme);
        for label in [
            "0 open, 500 shut: R is dead",
            "R's line before the large step (dashed)",
            "500 inputs (x1, x2) on the shut side",
            "R's line now: a = 0",
        ] {
            assert!(after.contains(label), "after: {label}");
        }
        // A large step never takes the line far (as lr grows it tends to x̄·x = −1), but a
        // bias of −1 with R's small weights puts it out of view: an arrow says where it went.
        let far = State::new(Settings {
            bias: -1.0,
            ..Settings::default()
        });
        let away = svg(&far, &theme);
        assert!(
            away.contains("off the view") && away.contains("R's line is this way"),
            "{away}"
        );
        let phone = svg(&far, &Theme::light(2.0).compact(true));
        assert!(phone.contains("line this way") && phone.contains("shut: a ≤ 0"));
    }
}
