#![cfg(not(target_arch = "wasm32"))]
//! Issue #30's independent check: the same spiral classification in PyTorch reaches the same
//! regime as the simulation.
//!
//! Settings (the network panel's spiral presets, `SPIRAL_*` in settings.rs): TensorFlow
//! Playground's spiral, 1,000 points, noise 0 (`Task2d::Spiral.dataset(1000, 0.0, seed)`: 700
//! training, 300 validation); a 2-8-8-8-1 net, ReLU hidden units, a sigmoid output trained on
//! binary cross-entropy from its logit, glorot_uniform kernels, zero biases; Adam (0.9, 0.999,
//! 1e-7), batch 10, 50 epochs; learning rate 0.01 (safe) and 0.05 (high); seeds 1, 2, 4 (the
//! same seed for the points and the weights).
//!
//! `tests/fixtures/spiral_torch.json` is PyTorch 2.15.0 on the simulation's own points
//! (`tests/fixtures/spiral_torch.py`), so only the trainer differs. Measured (accuracy, dead
//! hidden units of 24; seeds 1, 2, 4):
//! - torch, lr 0.01: 0.983, 0.990, 0.997; 3, 4, 2 dead. lr 0.05: 0.630, 0.647, 0.820; 17, 11, 12.
//! - the simulation, lr 0.01: 0.997, 0.993, 1.000; 2, 3, 3 dead. lr 0.05: 0.767, 0.490, 0.440;
//!   10, 15, 20 dead (mean accuracy 0.566 against torch's 0.699: both far below the safe
//!   rate's, the simulation's lower by 13 points; printed by the test with `--nocapture`).
//!
//! Asserted: at the safe rate the simulation's mean accuracy is within 3 points of torch's;
//! at the high rate its mean accuracy is lower and its mean dead count higher than at the safe
//! rate (by 10 points and 4 units at least), as in torch; and at each rate its mean dead share
//! is of the same order as torch's (within a factor of 2, or 3 units of 24).

use dying_relu::sim::activation::{Activation, ActivationKind};
use dying_relu::sim::loss::Loss;
use dying_relu::sim::optim::OptimizerConfig;
use dying_relu::sim::playground::Task2d;
use dying_relu::sim::train::{NetConfig, Trainer};
use serde_json::Value;
use std::path::Path;
use std::rc::Rc;

const SEEDS: [u64; 3] = [1, 2, 4];

/// (accuracy, dead hidden units) after 50 epochs at `lr`, seed `seed`.
fn sim_run(lr: f64, seed: u64) -> (f64, usize) {
    let config = NetConfig {
        inputs: 2,
        hidden: vec![8, 8, 8],
        hidden_activation: Activation::RELU,
        output_activation: Activation::new(ActivationKind::Sigmoid, 0.0),
        loss: Loss::BinaryCrossEntropy,
        optimizer: OptimizerConfig::adam(lr),
        batch_size: 10,
        seed,
        ..NetConfig::default()
    };
    let data = Rc::new(Task2d::Spiral.dataset(1000, 0.0, seed));
    let mut t = Trainer::new(config, data).expect("a valid net");
    for _ in 0..50 {
        t.train_epoch().expect("trains");
    }
    let s = t.evaluate().expect("evaluates");
    let dead = s.layers[..3].iter().map(|l| l.dead_count()).sum();
    (s.val_accuracy.expect("classification"), dead)
}

/// (mean accuracy, mean dead hidden units) of torch's runs at `rate`.
fn torch_means(table: &Value, rate: &str) -> (f64, f64) {
    let rows = table["runs"][rate]["runs"].as_array().expect("runs");
    assert_eq!(rows.len(), SEEDS.len());
    let n = rows.len() as f64;
    let acc = rows
        .iter()
        .map(|r| r["accuracy"].as_f64().expect("accuracy"))
        .sum::<f64>()
        / n;
    let dead = rows
        .iter()
        .map(|r| {
            r["dead_hidden"]
                .as_array()
                .expect("per layer")
                .iter()
                .map(|d| d.as_u64().expect("a count") as f64)
                .sum::<f64>()
        })
        .sum::<f64>()
        / n;
    (acc, dead)
}

#[test]
fn the_simulation_reaches_pytorchs_regime_on_the_spiral() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/spiral_torch.json");
    let table: Value =
        serde_json::from_str(&std::fs::read_to_string(path).expect("fixture")).expect("JSON");
    let mut means = Vec::new();
    for rate in ["safe", "high"] {
        let lr = table["runs"][rate]["lr"].as_f64().expect("lr");
        let runs: Vec<(f64, usize)> = SEEDS.iter().map(|&s| sim_run(lr, s)).collect();
        let acc = runs.iter().map(|r| r.0).sum::<f64>() / 3.0;
        let dead = runs.iter().map(|r| r.1 as f64).sum::<f64>() / 3.0;
        let (t_acc, t_dead) = torch_means(&table, rate);
        eprintln!(
            "{rate} (lr {lr}): sim {runs:?}, mean accuracy {acc:.3}, dead {dead:.2}; torch {t_acc:.3}, {t_dead:.2}"
        );
        let same_order = dead <= 2.0 * t_dead + 3.0 && t_dead <= 2.0 * dead + 3.0;
        assert!(same_order, "{rate}: dead {dead} vs torch {t_dead}");
        means.push((acc, dead, t_acc, t_dead));
    }
    let (safe, high) = (means[0], means[1]);
    assert!((safe.0 - safe.2).abs() <= 0.03, "safe accuracy {safe:?}");
    for (acc_s, dead_s, acc_h, dead_h) in [
        (safe.0, safe.1, high.0, high.1),
        (safe.2, safe.3, high.2, high.3),
    ] {
        assert!(acc_h < acc_s - 0.10, "{acc_h} vs {acc_s}");
        assert!(dead_h > dead_s + 4.0, "{dead_h} vs {dead_s}");
    }
}
