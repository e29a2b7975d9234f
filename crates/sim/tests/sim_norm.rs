#![cfg(not(target_arch = "wasm32"))]
//! Batch normalization before the activation (issue #27's stretch goal): gradients against
//! finite differences through the whole net in training mode, the running statistics, the
//! evaluation mode, the interval proof of death, and training with it.

use std::rc::Rc;

use dying_relu_sim::activation::{Activation, ActivationKind};
use dying_relu_sim::data::Dataset;
use dying_relu_sim::init::{uniform, Initializer};
use dying_relu_sim::mlp::{Mlp, Workspace};
use dying_relu_sim::norm::BatchNorm;
use dying_relu_sim::optim::OptimizerConfig;
use dying_relu_sim::rng::rng_from_seed;
use dying_relu_sim::train::{NetConfig, Trainer};

fn rel_err(a: f64, b: f64, floor: f64) -> f64 {
    (a - b).abs() / a.abs().max(b.abs()).max(floor)
}

fn all_activations() -> Vec<Activation> {
    ActivationKind::ALL
        .iter()
        .map(|&k| {
            let alpha = match k {
                ActivationKind::LeakyRelu => 0.1,
                ActivationKind::Elu => 1.0,
                _ => 0.0,
            };
            Activation::new(k, alpha)
        })
        .collect()
}

/// A 3-5-4-3-2 net with batch normalization on its three hidden layers, γ and β moved off
/// their initial 1 and 0 so that their gradients are exercised.
fn bn_net(hidden: Activation, out: Activation) -> Mlp<f64> {
    let acts = [hidden, hidden, hidden, out];
    let mut net: Mlp<f64> = Mlp::new(
        &[3, 5, 4, 3, 2],
        &acts,
        Initializer::HeUniform,
        0.1,
        &mut rng_from_seed(5),
    )
    .with_batch_norm(BatchNorm::default());
    let mut rng = rng_from_seed(8);
    for l in &mut net.layers[..3] {
        let n = l.norm.as_mut().unwrap();
        for g in &mut n.gamma {
            *g = uniform(&mut rng, 0.5, 1.5);
        }
        for b in &mut n.beta {
            *b = uniform(&mut rng, -0.3, 0.5);
        }
    }
    for b in &mut net.layers[3].b {
        *b = 0.5;
    }
    net
}

/// Every parameter (kernels, biases, γ, β) of a normalized net against central differences
/// of the training-mode loss (batch statistics: every sample's output depends on the whole
/// batch), for every hidden activation and a linear and a ReLU output.
#[test]
fn batch_norm_gradients_match_finite_differences_in_training_mode() {
    let mut rng = rng_from_seed(11);
    let n = 9;
    let x: Vec<f64> = (0..n * 3).map(|_| uniform(&mut rng, -1.5, 1.5)).collect();
    let y: Vec<f64> = (0..n * 2).map(|_| uniform(&mut rng, -1.0, 1.0)).collect();
    let outputs = [
        Activation::new(ActivationKind::Linear, 0.0),
        Activation::RELU,
    ];
    for hidden in all_activations() {
        for &out in &outputs {
            let mut net = bn_net(hidden, out);
            let (loss, grad) = net.loss_and_gradient(&x, &y);
            assert!((loss - net.batch_loss(&x, &y)).abs() < 1e-15);
            let p0 = net.params();
            assert_eq!(grad.len(), p0.len());
            assert_eq!(p0.len(), 15 + 5 + 20 + 4 + 12 + 3 + 6 + 2 + 2 * (5 + 4 + 3));
            let h = 1e-6;
            let mut nonzero = 0;
            for k in 0..p0.len() {
                let mut p = p0.clone();
                p[k] = p0[k] + h;
                net.set_params(&p);
                let lp = net.batch_loss(&x, &y);
                p[k] = p0[k] - h;
                net.set_params(&p);
                let lm = net.batch_loss(&x, &y);
                let num = (lp - lm) / (2.0 * h);
                // Floor 1e-3: one ulp of the loss over 2h is 1e-10, the size of the numeric
                // "gradient" of the biases, whose true gradient is 0.
                let e = rel_err(grad[k], num, 1e-3);
                assert!(
                    e <= 1e-6,
                    "hidden {hidden:?}, output {out:?}, param {k}: analytic {}, numeric {num}, rel {e:e}",
                    grad[k]
                );
                nonzero += (grad[k] != 0.0) as usize;
            }
            net.set_params(&p0);
            assert!(
                nonzero > p0.len() / 3,
                "{hidden:?}: too few non-zero gradients"
            );
        }
    }
}

/// The dense bias of a normalized layer has no effect: its gradient is exactly 0 and moving
/// it changes the training-mode loss by rounding only.
#[test]
fn a_normalized_layers_bias_has_no_effect() {
    let net = bn_net(
        Activation::RELU,
        Activation::new(ActivationKind::Linear, 0.0),
    );
    let mut rng = rng_from_seed(2);
    let x: Vec<f64> = (0..8 * 3).map(|_| uniform(&mut rng, -1.0, 1.0)).collect();
    let y: Vec<f64> = (0..8 * 2).map(|_| uniform(&mut rng, -1.0, 1.0)).collect();
    let (loss, g) = net.loss_and_gradient(&x, &y);
    let mut k = 0;
    for l in &net.layers[..3] {
        k += l.w.len();
        assert!(g[k..k + l.b.len()].iter().all(|v| *v == 0.0));
        k += l.b.len() + 2 * l.n_out;
    }
    let mut moved = net.clone();
    moved.layers[1].b.iter_mut().for_each(|b| *b += 3.0);
    assert!((moved.batch_loss(&x, &y) - loss).abs() < 1e-12);
}

/// Batch statistics in training, running ones in evaluation: with momentum 0 one training
/// forward pass makes the running statistics the batch's, and evaluation then gives the
/// training outputs. With Keras' momentum 0.99 they move 1 % of the way per step.
#[test]
fn running_statistics_follow_the_batches_and_serve_evaluation() {
    let mut rng = rng_from_seed(4);
    let n = 16;
    let x: Vec<f64> = (0..n * 3).map(|_| uniform(&mut rng, -2.0, 1.0)).collect();
    let mut net = bn_net(
        Activation::RELU,
        Activation::new(ActivationKind::Linear, 0.0),
    );
    for l in &mut net.layers[..3] {
        l.norm.as_mut().unwrap().momentum = 0.0;
    }
    let mut ws = Workspace::new(&net, n);
    ws.load_inputs(&x, 3, 0..n);
    ws.forward(&net, n);
    let train_out: Vec<f64> = ws.a[3][..n].to_vec();
    let w = ws.norm[0].as_ref().unwrap();
    // The first layer's batch mean, by hand.
    let l0 = &net.layers[0];
    let z0: Vec<f64> = (0..n)
        .map(|b| l0.b[0] + (0..3).map(|i| l0.w[i] * x[b * 3 + i]).sum::<f64>())
        .collect();
    let mean = z0.iter().sum::<f64>() / n as f64;
    let var = z0.iter().map(|z| (z - mean) * (z - mean)).sum::<f64>() / n as f64;
    assert!((w.mean[0] - mean).abs() < 1e-14 && (w.var[0] - var).abs() < 1e-14);
    ws.update_running_stats(&mut net);
    let nm = net.layers[0].norm.as_ref().unwrap();
    assert_eq!((nm.running_mean[0], nm.running_var[0]), (mean, var));
    let eval: Vec<f64> = net.predict(&x).iter().step_by(2).copied().collect();
    for (a, b) in eval.iter().zip(&train_out) {
        assert!((a - b).abs() < 1e-12, "{a} vs {b}");
    }

    // Keras' momentum: r ← 0.99·r + 0.01·batch, from mean 0 and variance 1.
    let mut net = bn_net(
        Activation::RELU,
        Activation::new(ActivationKind::Linear, 0.0),
    );
    ws.forward(&net, n);
    ws.update_running_stats(&mut net);
    let nm = net.layers[0].norm.as_ref().unwrap();
    assert!((nm.running_mean[0] - 0.01 * mean).abs() < 1e-15);
    assert!((nm.running_var[0] - (0.99 + 0.01 * var)).abs() < 1e-15);
}

/// The interval proof of death reads a normalized layer as evaluation does:
/// y = γ(z − μ)/√(σ² + ε) + β with the running statistics. A unit whose β is far below is proven dead on the
/// box, and the sampled evaluation agrees; the bounds contain every sampled y.
#[test]
fn interval_bounds_see_through_batch_norm() {
    let mut net = bn_net(
        Activation::RELU,
        Activation::new(ActivationKind::Linear, 0.0),
    );
    net.layers[0].norm.as_mut().unwrap().beta[2] = -50.0;
    net.layers[1].norm.as_mut().unwrap().gamma[1] = -0.7;
    let (lo, hi) = (vec![-1.0; 3], vec![1.0; 3]);
    let dead = dying_relu_sim::dead::provably_dead(&net, &lo, &hi);
    assert!(dead[0][2]);
    let bounds = dying_relu_sim::dead::interval_bounds(&net, &lo, &hi);
    let mut rng = rng_from_seed(9);
    let x: Vec<f64> = (0..200 * 3).map(|_| uniform(&mut rng, -1.0, 1.0)).collect();
    let mut ws = Workspace::new(&net, 200);
    ws.norm_training = false;
    ws.load_inputs(&x, 3, 0..200);
    ws.forward(&net, 200);
    for (l, b) in bounds.iter().enumerate() {
        for (j, &(lo, hi)) in b.iter().enumerate() {
            for &z in &ws.z[l][j * 200..(j + 1) * 200] {
                assert!(z >= lo - 1e-9 && z <= hi + 1e-9, "layer {l} unit {j}: {z}");
            }
        }
    }
    assert!(ws.z[0][2 * 200..3 * 200].iter().all(|&z| z <= 0.0));
}

/// Through the trainer: off by default (and then nothing changes); on, seed 002's deep ReLU
/// net with a linear output learns, its statistics are taken in evaluation mode, and its
/// hidden units are normalized.
#[test]
fn training_with_batch_norm() {
    assert_eq!(NetConfig::default().batch_norm, None);
    let data = Rc::new(Dataset::seed002(6_000, 3));
    let cfg = NetConfig {
        output_activation: Activation::new(ActivationKind::Linear, 0.0),
        optimizer: OptimizerConfig::adam(0.01),
        batch_norm: Some(BatchNorm::default()),
        ..NetConfig::default()
    };
    let mut t = Trainer::new(cfg, data).unwrap();
    assert!(t.net().layers[..3].iter().all(|l| l.norm.is_some()));
    assert!(t.net().layers[3].norm.is_none());
    let mut s = t.train_epoch().unwrap();
    for _ in 0..4 {
        s = t.train_epoch().unwrap();
    }
    assert!(s.val_loss < 0.05, "loss {}", s.val_loss);
    // The running statistics moved from their start (mean 0, variance 1).
    let nm = t.net().layers[0].norm.as_ref().unwrap();
    assert!(nm.running_mean.iter().all(|m| *m != 0.0));
    // The dense biases never moved (no gradient), γ and β did.
    assert!(t.net().layers[..3]
        .iter()
        .all(|l| l.b.iter().all(|b| *b == 0.0)));
    assert!(nm.gamma.iter().any(|g| *g != 1.0) && nm.beta.iter().any(|b| *b != 0.0));
}

/// Clipping and the statistics count γ and β with the other parameters: with SGD, no step
/// moves the whole parameter vector (kernels, biases, γ, β) by more than lr·c.
#[test]
fn clipping_covers_gamma_and_beta() {
    let data = Rc::new(Dataset::seed002(1_000, 6));
    let (lr, c) = (0.3, 0.05);
    let cfg = NetConfig {
        output_activation: Activation::new(ActivationKind::Linear, 0.0),
        optimizer: OptimizerConfig::sgd(lr),
        batch_norm: Some(BatchNorm::default()),
        clip_norm: Some(c),
        ..NetConfig::default()
    };
    let mut t = Trainer::new(cfg, data).unwrap();
    let mut clipped = 0;
    for _ in 0..60 {
        if t.epoch_finished() {
            clipped += t.finish_epoch().unwrap().clipped_steps;
        }
        let before = t.net().params();
        assert_eq!(t.train_steps(1).unwrap(), 1);
        let d: f64 = t
            .net()
            .params()
            .iter()
            .zip(&before)
            .map(|(a, b)| (*a as f64 - *b as f64).powi(2))
            .sum();
        assert!(d.sqrt() <= lr * c * (1.0 + 1e-4), "moved {}", d.sqrt());
    }
    assert!(clipped > 0);
}
