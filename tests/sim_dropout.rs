#![cfg(not(target_arch = "wasm32"))]
//! Dropout in the panel's presets and settings: the Dropout preset still ends on the dead
//! line, SELU with `AlphaDropout` still learns; and the output activation chosen apart from
//! the hidden one. (The dropout maps, their statistics and gradients are tested in the
//! science's crate: `crates/sim/tests/sim_dropout.rs`.)

use std::rc::Rc;

use dying_relu::panels::network::settings::{Output, Preset, Settings};
use dying_relu::sim::activation::ActivationKind;
use dying_relu::sim::data::{Dataset, SEED002_DEAD_LOSS};
use dying_relu::sim::dropout::{Dropout, DropoutKind};
use dying_relu::sim::train::{NetConfig, Trainer};

fn seed002(n: usize) -> Rc<Dataset> {
    Rc::new(Dataset::seed002(n, 2002))
}

/// The panel's preset on `samples`, seed `seed`, as the simulation's configuration.
fn preset_config(p: Preset, seed: u64) -> NetConfig {
    let s = Settings {
        seed,
        ..p.apply(&Settings::default())
    };
    s.net_config()
}

#[test]
fn dropout_preset_still_ends_on_the_dead_line() {
    let data = seed002(20_000);
    for seed in [0, 1, 2, 3, 4] {
        let cfg = preset_config(Preset::Dropout, seed);
        assert_eq!(cfg.dropout.rate, 0.2);
        assert_eq!(cfg.dropout.kind, DropoutKind::Inverted);
        assert_eq!(cfg.output_activation.kind, ActivationKind::Relu);
        let mut t = Trainer::new(cfg, data.clone()).unwrap();
        let mut s = t.train_epoch().unwrap();
        for _ in 0..30 {
            if s.gradients_all_zero() {
                break;
            }
            s = t.train_epoch().unwrap();
        }
        assert!(s.gradients_all_zero(), "seed {seed}: still learning");
        assert!(
            (s.val_loss - SEED002_DEAD_LOSS).abs() < 0.05,
            "seed {seed}: loss {} is not the dead line",
            s.val_loss
        );
    }
}

#[test]
fn selu_with_alpha_dropout_still_learns() {
    let data = seed002(20_000);
    for seed in [0, 1, 2] {
        let cfg = NetConfig {
            dropout: Dropout::for_activation(0.1, ActivationKind::Selu),
            ..preset_config(Preset::SeluLecun, seed)
        };
        assert_eq!(cfg.dropout.kind, DropoutKind::Alpha);
        let mut t = Trainer::new(cfg, data.clone()).unwrap();
        let mut s = t.train_epoch().unwrap();
        for _ in 0..3 {
            s = t.train_epoch().unwrap();
            assert!(s.layers.iter().all(|l| l.grad_norm_last > 0.0));
        }
        assert_eq!(s.dead_fraction(), 0.0);
        assert!(
            s.val_loss < 0.25 * SEED002_DEAD_LOSS,
            "seed {seed}: SELU + AlphaDropout loss {}",
            s.val_loss
        );
    }
}

#[test]
fn a_linear_output_fits_seed002_well_below_the_dead_line() {
    let data = seed002(20_000);
    for seed in [0, 1, 2, 3, 4] {
        let settings = Settings {
            output: Output::Linear,
            seed,
            ..Settings::default()
        };
        let cfg = settings.net_config();
        assert_eq!(cfg.hidden, vec![8, 8, 8]);
        assert_eq!(cfg.hidden_activation.kind, ActivationKind::Relu);
        assert_eq!(cfg.output_activation.kind, ActivationKind::Linear);
        let mut t = Trainer::new(cfg, data.clone()).unwrap();
        let mut s = t.train_epoch().unwrap();
        for _ in 0..4 {
            s = t.train_epoch().unwrap();
        }
        assert!(
            s.val_loss < 0.02 * SEED002_DEAD_LOSS,
            "seed {seed}: linear output loss {}",
            s.val_loss
        );
    }
}

#[test]
fn seed002_presets_keep_their_relu_output() {
    for p in Preset::ALL {
        let s = p.apply(&Settings::default());
        assert_eq!(s.output, Output::Same, "{p:?}");
        let cfg = s.net_config();
        assert_eq!(cfg.output_activation, cfg.hidden_activation, "{p:?}");
    }
}
