#![cfg(not(target_arch = "wasm32"))]
//! The definitions of dead (`dead`), checked on units whose answer is known, against each
//! other, and the interval proof of death against sampled inputs.

use std::rc::Rc;

use dying_relu_sim::activation::{Activation, ActivationKind};
use dying_relu_sim::data::Dataset;
use dying_relu_sim::dead::{self, Definition};
use dying_relu_sim::init::Initializer;
use dying_relu_sim::mlp::Mlp;
use dying_relu_sim::optim::OptimizerConfig;
use dying_relu_sim::rng::rng_from_seed;
use dying_relu_sim::stats::EpochStats;
use dying_relu_sim::train::{NetConfig, Trainer};
use proptest::prelude::*;
use rand::Rng;

fn relu() -> Activation {
    Activation::new(ActivationKind::Relu, 0.0)
}

/// One input x = 0.1, 0.2, …, 1.0 (for training and validation alike), target 2x + 1.
fn ten_points() -> Rc<Dataset> {
    let x: Vec<f32> = (1..=10).map(|k| k as f32 / 10.0).collect();
    let y: Vec<f32> = x.iter().map(|v| 2.0 * v + 1.0).collect();
    Rc::new(Dataset {
        n_features: 1,
        train_x: x.clone(),
        train_y: y.clone(),
        val_x: x,
        val_y: y,
    })
}

/// A 1-4-1 net whose four hidden units are, by hand: A never positive (w −1, b −0.5), B
/// positive on one sample only (w 1, b −0.9: only x = 1.0), C tiny but never 0 (w 1e-4, b
/// 1e-6), D healthy (w 1, b 0).
fn known_units() -> EpochStats {
    let config = NetConfig {
        inputs: 1,
        hidden: vec![4],
        hidden_activation: relu(),
        output_activation: Activation::new(ActivationKind::Linear, 0.0),
        optimizer: OptimizerConfig::sgd(0.0),
        batch_size: 10,
        ..NetConfig::default()
    };
    let mut t = Trainer::new(config, ten_points()).unwrap();
    let l = &mut t.net_mut().layers[0];
    l.w = vec![-1.0, 1.0, 1e-4, 1.0];
    l.b = vec![-0.5, -0.9, 1e-6, 0.0];
    // One epoch at learning rate 0: the training batches see these exact weights.
    t.train_epoch().unwrap()
}

#[test]
fn each_definition_on_units_with_a_known_answer() {
    let s = known_units();
    let l = &s.layers[0];
    let verdict = |d, tau| dead::dead_units(l, d, tau);
    assert_eq!(verdict(Definition::Exact, 0.0), [true, false, false, false]);
    assert_eq!(
        verdict(Definition::NeverFires, 0.0),
        [true, false, false, false]
    );
    // Mean |h|: A 0, B 0.01, C ≈ 5.5e-5, D 0.55; the layer's mean ≈ 0.14, so the scores are
    // 0, ≈ 0.071, ≈ 0.0004, ≈ 3.9.
    let scores = dead::dormant_scores(&l.mean_abs_output);
    assert_eq!(scores[0], 0.0);
    assert!((scores[1] - 0.01 / 0.140_013_75).abs() < 1e-4, "{scores:?}");
    assert!(scores[2] > 0.0 && scores[2] < 0.001, "{scores:?}");
    assert!((scores[3] - 0.55 / 0.140_013_75).abs() < 1e-3, "{scores:?}");
    assert_eq!(
        verdict(Definition::Dormant, 0.025),
        [true, false, true, false]
    );
    assert_eq!(verdict(Definition::Dormant, 0.1), [true, true, true, false]);
    // Shares of outputs: near zero (|h| ≤ 0.05) and exactly 0.
    assert_eq!(l.near_zero_fraction, [1.0, 0.9, 1.0, 0.0]);
    assert_eq!(l.zero_fraction, [1.0, 0.9, 0.0, 0.0]);
    assert_eq!(
        verdict(Definition::NearZero, 0.0),
        [true, false, true, false]
    );
    assert_eq!(
        verdict(Definition::ZeroFraction, 0.0),
        [true, false, false, false]
    );
    assert!((dead::layer_share(l, Definition::ZeroFraction, 0.0) - 0.475).abs() < 1e-12);
    // A is dead for every x in [0.1, 1] (its pre-activation is at most −0.6 there); B is
    // dead on nine samples but fires at x = 1: nothing to prove.
    assert_eq!(l.provably_dead, [true, false, false, false]);
}

#[test]
fn the_normalised_score_is_independent_of_scale_and_width() {
    let m = [0.0, 0.01, 5.5e-5, 0.55];
    let s = dead::dormant_scores(&m);
    for c in [1e-9, 0.5, 3.0, 1e9] {
        let scaled: Vec<f64> = m.iter().map(|v| v * c).collect();
        for (a, b) in dead::dormant_scores(&scaled).iter().zip(&s) {
            assert!((a - b).abs() <= 1e-12 * b.abs().max(1.0), "c = {c}");
        }
    }
    // The same units twice over (a layer twice as wide, alike): the same scores.
    let wide: Vec<f64> = m.iter().chain(&m).copied().collect();
    assert_eq!(&dead::dormant_scores(&wide)[..4], &s[..]);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// For ReLU, τ-dormant at τ = 0 is exact death: a mean |output| of 0 is an output of 0
    /// on every sample, which is f′ = 0 on every sample.
    #[test]
    fn dormant_at_tau_zero_is_exact_death_for_relu(seed in any::<u64>(), bias in -1.5f32..0.5) {
        let config = NetConfig {
            inputs: 1,
            hidden: vec![6, 6],
            bias_init: bias,
            optimizer: OptimizerConfig::sgd(0.0),
            batch_size: 10,
            seed,
            ..NetConfig::default()
        };
        let mut t = Trainer::new(config, ten_points()).unwrap();
        let s = t.train_epoch().unwrap();
        for l in &s.layers {
            prop_assert_eq!(
                dead::dead_units(l, Definition::Dormant, 0.0),
                dead::dead_units(l, Definition::Exact, 0.0)
            );
        }
    }

    /// Interval bounds are sound: no input drawn from the box ever fires a unit they call
    /// dead everywhere; and the first layer's bound is exact, reached at a corner.
    #[test]
    fn the_interval_proof_is_sound_and_exact_in_the_first_layer(
        seed in any::<u64>(),
        inputs in 1usize..5,
        bias in -1.0f64..0.3,
    ) {
        let acts = [relu(), relu(), relu()];
        let mut rng = rng_from_seed(seed);
        let net: Mlp<f64> = Mlp::new(&[inputs, 5, 5, 1], &acts, Initializer::HeNormal, bias, &mut rng);
        let lo: Vec<f64> = (0..inputs).map(|_| rng.random_range(-2.0..0.0)).collect();
        let hi: Vec<f64> = lo.iter().map(|l| l + rng.random_range(0.01..2.0)).collect();
        let proven = dead::provably_dead(&net, &lo, &hi);
        let bounds = dead::interval_bounds(&net, &lo, &hi);
        for _ in 0..300 {
            let x: Vec<f64> = lo.iter().zip(&hi).map(|(a, b)| rng.random_range(*a..=*b)).collect();
            let mut input = x;
            for (l, layer) in net.layers.iter().enumerate() {
                let z: Vec<f64> = (0..layer.n_out)
                    .map(|j| {
                        layer.b[j]
                            + (0..layer.n_in).map(|i| layer.w[j * layer.n_in + i] * input[i]).sum::<f64>()
                    })
                    .collect();
                for (j, &zj) in z.iter().enumerate() {
                    let (lb, ub) = bounds[l][j];
                    prop_assert!(zj >= lb - 1e-9 && zj <= ub + 1e-9);
                    if proven[l][j] {
                        prop_assert!(zj <= 0.0, "layer {} unit {} fired: {}", l, j, zj);
                    }
                }
                input = z.iter().map(|&v| layer.act.value(v)).collect();
            }
        }
        // The first layer: the upper bound is the largest pre-activation over the corners.
        let first = &net.layers[0];
        for (j, bound) in bounds[0].iter().enumerate() {
            let best = (0..1u32 << inputs)
                .map(|corner| {
                    first.b[j]
                        + (0..inputs)
                            .map(|i| {
                                let x = if corner >> i & 1 == 1 { hi[i] } else { lo[i] };
                                first.w[j * inputs + i] * x
                            })
                            .sum::<f64>()
                })
                .fold(f64::NEG_INFINITY, f64::max);
            prop_assert!((best - bound.1).abs() < 1e-12);
        }
    }
}

/// Units come back: a Leaky ReLU unit τ-dormant at initialization (its leak still passes a
/// gradient) is no longer dormant after an epoch of Adam on seed 002's data, and the counts
/// from one check to the next add up.
#[test]
fn a_dormant_leaky_unit_comes_back_and_the_counts_add_up() {
    let data = Rc::new(Dataset::seed002(2000, 4));
    let leaky = Activation::new(ActivationKind::LeakyRelu, 0.01);
    let config = NetConfig {
        hidden_activation: leaky,
        output_activation: leaky,
        optimizer: OptimizerConfig::adam(0.01),
        seed: 0,
        ..NetConfig::default()
    };
    let mut t = Trainer::new(config, data).unwrap();
    let before = t.evaluate().unwrap();
    let after = t.train_epoch().unwrap();
    let mut revived = 0;
    for (b, a) in before.layers.iter().zip(&after.layers) {
        let was = dead::dead_units(b, Definition::Dormant, 0.025);
        let is = dead::dead_units(a, Definition::Dormant, 0.025);
        let (still, back, new) = dead::comebacks(&was, &is);
        assert_eq!(still + back, was.iter().filter(|d| **d).count());
        assert_eq!(still + new, is.iter().filter(|d| **d).count());
        // Leaky units are never exactly dead: f′ = 0.01 on the shut side.
        assert!(dead::dead_units(a, Definition::Exact, 0.0)
            .iter()
            .all(|d| !d));
        revived += back;
    }
    assert!(revived >= 1, "no dormant Leaky unit came back");
}

/// The learning-rate meter is Karpathy's ratio: with SGD on one full batch, its first reading
/// is log10(std(lr·∇w) / std(w)) per layer, ∇w from the network's own full-batch gradient.
#[test]
fn the_meter_reads_karpathys_update_to_data_ratio() {
    let data = Rc::new(Dataset::seed002(200, 3));
    let lr = 0.05;
    let config = NetConfig {
        hidden_activation: Activation::new(ActivationKind::Tanh, 0.0),
        output_activation: Activation::new(ActivationKind::Linear, 0.0),
        optimizer: OptimizerConfig::sgd(lr),
        batch_size: data.n_train(),
        ..NetConfig::default()
    };
    let mut t = Trainer::new(config, Rc::clone(&data)).unwrap();
    let (_, g) = t.net().loss_and_gradient(&data.train_x, &data.train_y);
    let s = t.train_epoch().unwrap();
    let first = &s.update_ratios[0];
    assert_eq!(first.step, 0);
    let std = |v: &[f64]| {
        let m = v.iter().sum::<f64>() / v.len() as f64;
        (v.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / v.len() as f64).sqrt()
    };
    let mut k = 0;
    for (l, layer) in t.net().layers.iter().enumerate() {
        let nw = layer.w.len();
        let step: Vec<f64> = g[k..k + nw].iter().map(|&v| lr * v as f64).collect();
        let w: Vec<f64> = layer.w.iter().map(|&v| v as f64).collect();
        k += nw + layer.b.len();
        let expected = (std(&step) / std(&w)).log10();
        assert!(
            expected.is_finite() && expected < 0.0,
            "layer {l}: {expected}"
        );
        assert!(
            (first.log10[l] - expected).abs() < 1e-3,
            "layer {l}: {} vs {expected}",
            first.log10[l]
        );
    }
}
