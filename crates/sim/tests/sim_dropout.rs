#![cfg(not(target_arch = "wasm32"))]
//! Dropout (Keras `Dropout`, inverted) and `AlphaDropout` (Klambauer et al. 2017) on the hidden
//! layers, during training only.
//!
//! The panel's presets with dropout, and the output activation chosen apart from the hidden
//! one, are tested beside the page's crate (`tests/sim_dropout.rs` at the workspace's root).

use std::rc::Rc;

use dying_relu_sim::activation::{Activation, ActivationKind, SELU_ALPHA, SELU_LAMBDA};
use dying_relu_sim::data::Dataset;
use dying_relu_sim::dropout::{self, Dropout, DropoutKind};
use dying_relu_sim::init::{uniform, Initializer};
use dying_relu_sim::mlp::{Mlp, Workspace};
use dying_relu_sim::rng::rng_from_seed;
use dying_relu_sim::train::{NetConfig, Trainer};
use rand::Rng;
use rand_distr::StandardNormal;

fn val_losses(cfg: &NetConfig, data: &Rc<Dataset>, epochs: usize) -> Vec<u64> {
    let mut t = Trainer::new(cfg.clone(), data.clone()).unwrap();
    (0..epochs)
        .map(|_| t.train_epoch().unwrap().val_loss.to_bits())
        .collect()
}

#[test]
fn rate_zero_is_bit_identical_to_no_dropout() {
    let data = Rc::new(Dataset::seed002(3_000, 5));
    let selu = Activation::new(ActivationKind::Selu, 0.0);
    for (act, init) in [
        (Activation::RELU, Initializer::GlorotUniform),
        (selu, Initializer::LecunNormal),
    ] {
        let plain = NetConfig {
            hidden_activation: act,
            output_activation: Activation::new(ActivationKind::Linear, 0.0),
            init,
            seed: 3,
            ..NetConfig::default()
        };
        let reference = val_losses(&plain, &data, 2);
        for kind in [DropoutKind::Inverted, DropoutKind::Alpha] {
            let zero = NetConfig {
                dropout: Dropout { rate: 0.0, kind },
                ..plain.clone()
            };
            assert_eq!(val_losses(&zero, &data, 2), reference, "{kind:?} at rate 0");
            // A non-zero rate does change the run (so the comparison above can fail).
            let some = NetConfig {
                dropout: Dropout { rate: 0.2, kind },
                ..plain.clone()
            };
            assert_ne!(
                val_losses(&some, &data, 2),
                reference,
                "{kind:?} at rate 0.2"
            );
        }
    }
}

#[test]
fn the_two_maps_are_the_papers() {
    // Inverted: kept outputs scaled by 1/q, dropped ones 0.
    let m = Dropout::for_activation(0.25, ActivationKind::Relu).map();
    assert_eq!(m.keep_mul, 1.0 / 0.75);
    assert_eq!((m.keep_add, m.drop_add), (0.0, 0.0));
    // Alpha: a = (q + α'² q (1 − q))^(−1/2), b = −a α' (1 − q), α' = −λα ≈ −1.7581.
    let d = Dropout::for_activation(0.1, ActivationKind::Selu);
    assert_eq!(d.kind, DropoutKind::Alpha);
    let m = d.map();
    let ap = -SELU_LAMBDA * SELU_ALPHA;
    assert!((ap + 1.758_099_34).abs() < 1e-7);
    let q = 0.9;
    let a = (q + ap * ap * q * (1.0 - q)).powf(-0.5);
    assert!((m.keep_mul - a).abs() < 1e-15);
    assert!((m.keep_add + a * ap * (1.0 - q)).abs() < 1e-15);
    assert!((m.drop_add - (a * ap + m.keep_add)).abs() < 1e-15);
    // A mean-0, variance-1 input keeps mean 0 and variance 1, exactly, in expectation:
    // E[out] = q·b + (1 − q)(aα' + b) = 0 and E[out²] − E[out]² = 1.
    let mean = q * m.keep_add + (1.0 - q) * m.drop_add;
    let second = q * (a * a + m.keep_add * m.keep_add) + (1.0 - q) * m.drop_add * m.drop_add;
    assert!(mean.abs() < 1e-12, "mean {mean}");
    assert!(
        (second - mean * mean - 1.0).abs() < 1e-12,
        "second {second}"
    );
}

/// Mean and variance of `v`.
fn moments(v: &[f64]) -> (f64, f64) {
    let n = v.len() as f64;
    let m = v.iter().sum::<f64>() / n;
    (m, v.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / n)
}

/// `x` through a freshly drawn mask of `d`.
fn through(d: &Dropout, x: &[f64], seed: u64) -> Vec<f64> {
    let (mut mul, mut add) = (vec![0.0; x.len()], vec![0.0; x.len()]);
    d.draw(&mut rng_from_seed(seed), &mut mul, &mut add);
    let mut out = vec![0.0; x.len()];
    dropout::apply(x, &mul, &add, &mut out);
    out
}

#[test]
fn inverted_dropout_keeps_the_mean_within_sampling_error() {
    // ReLU outputs of N(0.3, 1) pre-activations: non-negative, mean ≈ 0.56.
    let mut rng = rng_from_seed(8);
    let n = 200_000;
    let x: Vec<f64> = (0..n)
        .map(|_| (0.3 + rng.sample::<f64, _>(StandardNormal)).max(0.0))
        .collect();
    let (m0, _) = moments(&x);
    for rate in [0.2, 0.5, 0.8] {
        let d = Dropout::for_activation(rate, ActivationKind::Relu);
        let y = through(&d, &x, 1);
        let (m, v) = moments(&y);
        let se = (v / n as f64).sqrt();
        assert!(
            (m - m0).abs() < 4.0 * se,
            "rate {rate}: mean {m} vs {m0} (standard error {se})"
        );
        // Without the 1/q scaling the mean would be q·m0, many standard errors away.
        assert!((m0 * (1.0 - rate) - m0).abs() > 20.0 * se);
        let dropped = y.iter().filter(|&&v| v == 0.0).count() as f64;
        let zeros = x.iter().filter(|&&v| v == 0.0).count() as f64;
        let expected = zeros + (n as f64 - zeros) * rate;
        assert!((dropped - expected).abs() < 5.0 * (n as f64 * rate * (1.0 - rate)).sqrt());
    }
}

#[test]
fn alpha_dropout_keeps_selu_activations_near_zero_mean_unit_variance() {
    // SELU of N(0, 1) has mean 0 and variance 1 (the fixed point of the paper).
    let mut rng = rng_from_seed(9);
    let selu = Activation::new(ActivationKind::Selu, 0.0);
    let n = 400_000;
    let x: Vec<f64> = (0..n)
        .map(|_| selu.value(rng.sample(StandardNormal)))
        .collect();
    let (m0, v0) = moments(&x);
    assert!(
        m0.abs() < 0.01 && (v0 - 1.0).abs() < 0.01,
        "SELU ({m0}, {v0})"
    );
    for rate in [0.05, 0.1, 0.2, 0.5] {
        let alpha = Dropout::for_activation(rate, ActivationKind::Selu);
        let (m, v) = moments(&through(&alpha, &x, 2));
        assert!(m.abs() < 0.015, "rate {rate}: mean {m}");
        assert!((v - 1.0).abs() < 0.02, "rate {rate}: variance {v}");
        // Plain inverted dropout does not: the variance grows towards 1/q.
        let plain = Dropout {
            rate,
            kind: DropoutKind::Inverted,
        };
        let (_, vp) = moments(&through(&plain, &x, 2));
        assert!(vp > 1.0 + 0.5 * rate, "rate {rate}: inverted variance {vp}");
    }
}

#[test]
fn gradients_with_a_fixed_mask_match_finite_differences() {
    let mut rng = rng_from_seed(21);
    let n = 9;
    let widths = [3usize, 6, 5, 1];
    let x: Vec<f64> = (0..n * 3).map(|_| uniform(&mut rng, -1.5, 1.5)).collect();
    let y: Vec<f64> = (0..n).map(|_| uniform(&mut rng, -1.0, 1.0)).collect();
    let linear = Activation::new(ActivationKind::Linear, 0.0);
    for (kind, rate) in [
        (ActivationKind::Tanh, 0.3),
        (ActivationKind::LeakyRelu, 0.4),
        (ActivationKind::Selu, 0.3),
    ] {
        let hidden = Activation::new(kind, 0.1);
        let net: Mlp<f64> = Mlp::new(
            &widths,
            &[hidden, hidden, linear],
            Initializer::HeUniform,
            0.1,
            &mut rng_from_seed(4),
        );
        let d = Dropout::for_activation(rate, kind);
        let mut ws = Workspace::new(&net, n);
        ws.load_inputs(&x, 3, 0..n);
        ws.load_targets(&y, 1, 0..n);
        ws.draw_dropout(&net, &d, &mut rng_from_seed(6), n);
        assert!(ws.dropout_on());
        let dropped = ws.drop_mul[0].iter().filter(|&&m| m == 0.0).count();
        assert!(dropped > 0 && dropped < ws.drop_mul[0].len());
        ws.forward(&net, n);
        ws.backward(&net, n);
        let mut grad = Vec::new();
        for l in 0..net.layers.len() {
            grad.extend_from_slice(&ws.gw[l]);
            grad.extend_from_slice(&ws.gb[l]);
        }
        // The same mask without dropout would give another gradient.
        let (_, plain) = net.loss_and_gradient(&x, &y);
        assert!(grad.iter().zip(&plain).any(|(a, b)| (a - b).abs() > 1e-6));
        let p0 = net.params();
        let h = 1e-6;
        let mut probe = net.clone();
        let mut loss_at = |p: &[f64]| {
            probe.set_params(p);
            ws.forward(&probe, n);
            ws.loss(&probe, n)
        };
        for k in 0..p0.len() {
            let mut p = p0.clone();
            p[k] = p0[k] + h;
            let lp = loss_at(&p);
            p[k] = p0[k] - h;
            let lm = loss_at(&p);
            let num = (lp - lm) / (2.0 * h);
            let e = (grad[k] - num).abs() / grad[k].abs().max(num.abs()).max(1e-4);
            assert!(e <= 1e-6, "{kind:?} param {k}: {} vs {num}", grad[k]);
        }
    }
}
