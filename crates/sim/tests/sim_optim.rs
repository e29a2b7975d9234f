#![cfg(not(target_arch = "wasm32"))]
//! The optimizers against their textbook (Keras) formulas, written out here independently
//! and run in f64 over a sequence of varied gradients.

use dying_relu_sim::activation::Activation;
use dying_relu_sim::init::Initializer;
use dying_relu_sim::mlp::Mlp;
use dying_relu_sim::optim::{Optimizer, OptimizerConfig};
use dying_relu_sim::rng::rng_from_seed;

/// A 2-3 layer: 6 weights and 3 biases, all starting at known values.
fn net() -> Mlp<f64> {
    let mut n = Mlp::<f64>::new(
        &[2, 3],
        &[Activation::RELU],
        Initializer::Constant(0.0),
        0.0,
        &mut rng_from_seed(1),
    );
    n.layers[0].w = vec![0.5, -0.25, 1.0, 0.0, 2.0, -1.5];
    n.layers[0].b = vec![0.1, -0.2, 0.3];
    n
}

/// Gradient number `t` for parameter `i`: varied in sign and size, zero now and then.
fn grad(t: usize, i: usize) -> f64 {
    if (t + i).is_multiple_of(5) {
        0.0
    } else {
        ((t * 7 + i * 3) as f64).sin() * (1.0 + i as f64)
    }
}

fn run(config: OptimizerConfig, steps: usize) -> Vec<f64> {
    let mut n = net();
    let mut opt = Optimizer::new(config, &n);
    let mut sq = vec![vec![0.0; 3]];
    for t in 0..steps {
        let gw = vec![(0..6).map(|i| grad(t, i)).collect::<Vec<f64>>()];
        let gb = vec![(6..9).map(|i| grad(t, i)).collect::<Vec<f64>>()];
        assert!(opt.step(&mut n, &gw, &gb, &mut sq));
    }
    n.params()
}

fn start() -> Vec<f64> {
    net().params()
}

fn assert_close(got: &[f64], want: &[f64]) {
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        assert!(
            (g - w).abs() <= 1e-12 * w.abs().max(1.0),
            "param {i}: got {g}, want {w}"
        );
    }
}

/// `params()` lists every layer's kernel then its biases; `grad` numbers them the same way.
#[test]
fn adam_matches_the_keras_formula() {
    let (lr, b1, b2, eps): (f64, f64, f64, f64) = (0.01, 0.9, 0.999, 1e-7);
    let mut p = start();
    let (mut m, mut v) = ([0.0; 9], [0.0; 9]);
    for t in 0..25 {
        let k = (t + 1) as i32;
        let lr_t = lr * (1.0 - b2.powi(k)).sqrt() / (1.0 - b1.powi(k));
        for i in 0..9 {
            let g = grad(t, i);
            m[i] = b1 * m[i] + (1.0 - b1) * g;
            v[i] = b2 * v[i] + (1.0 - b2) * g * g;
            p[i] -= lr_t * m[i] / (v[i].sqrt() + eps);
        }
    }
    assert_close(&run(OptimizerConfig::adam(lr), 25), &p);
}

#[test]
fn sgd_with_momentum_matches_the_keras_formula() {
    let (lr, mu) = (0.05, 0.9);
    let mut p = start();
    let mut vel = [0.0; 9];
    for t in 0..25 {
        for i in 0..9 {
            vel[i] = mu * vel[i] - lr * grad(t, i);
            p[i] += vel[i];
        }
    }
    assert_close(&run(OptimizerConfig::Sgd { lr, momentum: mu }, 25), &p);
}

#[test]
fn plain_sgd_is_w_minus_lr_g_and_a_zero_gradient_moves_nothing() {
    let lr = 0.3;
    let mut p = start();
    for t in 0..5 {
        for (i, pi) in p.iter_mut().enumerate() {
            *pi -= lr * grad(t, i);
        }
    }
    assert_close(&run(OptimizerConfig::sgd(lr), 5), &p);

    // All-zero gradients: SGD and Adam leave every parameter bit-identical (a dead unit stays put).
    for config in [OptimizerConfig::sgd(lr), OptimizerConfig::adam(lr)] {
        let mut n = net();
        let before = n.params();
        let mut opt = Optimizer::new(config, &n);
        let mut sq = vec![vec![0.0; 3]];
        for _ in 0..10 {
            assert!(opt.step(&mut n, &[vec![0.0; 6]], &[vec![0.0; 3]], &mut sq));
        }
        let after = n.params();
        assert!(
            before
                .iter()
                .zip(&after)
                .all(|(a, b)| a.to_bits() == b.to_bits()),
            "{config:?} moved"
        );
    }
}

#[test]
fn adam_reports_each_units_squared_update_and_stops_at_a_non_finite_weight() {
    let config = OptimizerConfig::adam(0.01);
    let mut n = net();
    let mut opt = Optimizer::new(config, &n);
    let mut sq = vec![vec![0.0; 3]];
    for t in 0..4 {
        let before = n.clone();
        let gw = vec![(0..6).map(|i| grad(t, i)).collect::<Vec<f64>>()];
        let gb = vec![(6..9).map(|i| grad(t, i)).collect::<Vec<f64>>()];
        assert!(opt.step(&mut n, &gw, &gb, &mut sq));
        // Unit j's incoming weights are row j of the kernel (2 inputs), then its bias.
        for j in 0..3 {
            let d = |a: f64, b: f64| (a - b) * (a - b);
            let (w, w0) = (&n.layers[0].w, &before.layers[0].w);
            let want = d(w[2 * j], w0[2 * j])
                + d(w[2 * j + 1], w0[2 * j + 1])
                + d(n.layers[0].b[j], before.layers[0].b[j]);
            assert!(
                (sq[0][j] - want).abs() <= 1e-12 * want.max(1e-30),
                "step {t} unit {j}"
            );
        }
    }
    // A weight made infinite is caught, wherever it sits.
    for at in 0..6 {
        let mut m = n.clone();
        m.layers[0].w[at] = f64::INFINITY;
        let gw = vec![vec![0.1; 6]];
        let gb = vec![vec![0.1; 3]];
        let mut o = Optimizer::new(config, &m);
        assert!(!o.step(&mut m, &gw, &gb, &mut sq), "weight {at}");
    }
}

#[test]
fn finite_probe_is_zero_only_when_every_value_is_finite() {
    use dying_relu_sim::real::finite_probe;
    for len in [0usize, 1, 7, 8, 9, 17, 64] {
        let big: Vec<f32> = (0..len)
            .map(|i| if i % 2 == 0 { f32::MAX } else { -1e-30 })
            .collect();
        assert_eq!(finite_probe(&big), 0.0, "len {len}");
        for at in 0..len {
            for bad in [f32::NAN, f32::INFINITY, f32::NEG_INFINITY] {
                let mut x = big.clone();
                x[at] = bad;
                assert!(finite_probe(&x).is_nan(), "len {len}, {bad} at {at}");
            }
        }
    }
}
