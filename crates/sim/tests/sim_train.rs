#![cfg(not(target_arch = "wasm32"))]
//! Trainer behaviour: determinism, slicing, divergence, robustness, statistics.

use std::rc::Rc;

use dying_relu_sim::activation::{Activation, ActivationKind};
use dying_relu_sim::bench::{agreement_run, AGREEMENT_LOSSES};
use dying_relu_sim::data::Dataset;
use dying_relu_sim::dropout::Dropout;
use dying_relu_sim::init::Initializer;
use dying_relu_sim::optim::OptimizerConfig;
use dying_relu_sim::stats::{Distribution, Histogram};
use dying_relu_sim::train::{NetConfig, TrainError, Trainer};
use proptest::prelude::*;

fn losses(cfg: &NetConfig, data: &Rc<Dataset>, epochs: usize) -> Vec<u64> {
    let mut t = Trainer::new(cfg.clone(), data.clone()).unwrap();
    let mut out = Vec::new();
    for _ in 0..epochs {
        let s = t.train_epoch().unwrap();
        out.push(s.train_loss.to_bits());
        out.push(s.val_loss.to_bits());
    }
    out
}

#[test]
fn same_seed_same_loss_bits() {
    let data = Rc::new(Dataset::seed002(5_000, 9));
    assert_eq!(*data, Dataset::seed002(5_000, 9));
    let selu = Activation::new(ActivationKind::Selu, 0.0);
    let cfg = NetConfig {
        hidden_activation: selu,
        output_activation: selu,
        init: Initializer::LecunNormal,
        seed: 17,
        ..NetConfig::default()
    };
    assert_eq!(losses(&cfg, &data, 3), losses(&cfg, &data, 3));
    let other = NetConfig {
        seed: 18,
        ..cfg.clone()
    };
    assert_ne!(losses(&cfg, &data, 1), losses(&other, &data, 1));
}

#[test]
fn slicing_an_epoch_changes_nothing() {
    let data = Rc::new(Dataset::seed002(3_000, 1));
    let cfg = NetConfig {
        hidden_activation: Activation::new(ActivationKind::LeakyRelu, 0.1),
        output_activation: Activation::new(ActivationKind::Linear, 0.0),
        ..NetConfig::default()
    };
    let mut whole = Trainer::new(cfg.clone(), data.clone()).unwrap();
    let mut sliced = Trainer::new(cfg, data).unwrap();
    for _ in 0..2 {
        let a = whole.train_epoch().unwrap();
        let mut steps = 0;
        while !sliced.epoch_finished() {
            steps += sliced.train_steps(7).unwrap();
        }
        assert_eq!(steps, sliced.steps_per_epoch());
        assert_eq!(
            sliced.train_steps(5).unwrap(),
            0,
            "stops at the epoch boundary"
        );
        let b = sliced.finish_epoch().unwrap();
        assert_eq!(a.train_loss.to_bits(), b.train_loss.to_bits());
        assert_eq!(a.val_loss.to_bits(), b.val_loss.to_bits());
        // A linear output learns the sum well below the dead line.
        assert!(a.val_loss < 4.0);
    }
    assert_eq!(whole.net(), sliced.net());
}

#[test]
fn huge_sgd_learning_rate_diverges_and_names_the_step() {
    let data = Rc::new(Dataset::seed002(2_000, 3));
    let cfg = NetConfig {
        output_activation: Activation::new(ActivationKind::Linear, 0.0),
        hidden_activation: Activation::new(ActivationKind::LeakyRelu, 0.3),
        optimizer: OptimizerConfig::sgd(1e3),
        ..NetConfig::default()
    };
    let mut t = Trainer::new(cfg, data).unwrap();
    let err = t.train_epoch().unwrap_err();
    match &err {
        TrainError::Diverged { epoch, step, what } => {
            assert_eq!(*epoch, 0);
            assert!(*step < 50, "diverged only at step {step}");
            assert!(!what.is_empty());
            assert!(err.to_string().contains(&format!("step {step}")));
        }
        e => panic!("expected divergence, got {e:?}"),
    }
    // It stays failed rather than training on NaN.
    assert_eq!(t.train_steps(10).unwrap_err(), err);
    assert!(t.failure().is_some());
}

#[test]
fn invalid_configs_are_errors_not_panics() {
    let data = Rc::new(Dataset::seed002(100, 3));
    let bad = [
        NetConfig {
            batch_size: 0,
            ..NetConfig::default()
        },
        NetConfig {
            inputs: 3,
            ..NetConfig::default()
        },
        NetConfig {
            hidden: vec![4, 0],
            ..NetConfig::default()
        },
        NetConfig {
            optimizer: OptimizerConfig::adam(f64::NAN),
            ..NetConfig::default()
        },
    ];
    for cfg in bad {
        assert!(matches!(
            Trainer::new(cfg, data.clone()),
            Err(TrainError::InvalidConfig(_))
        ));
    }
}

#[test]
fn histogram_counts_exact_zeros_apart() {
    let v = [0.0f32, 0.0, 0.0, 1.0, 2.0, -1.0, f32::NAN];
    let h = Histogram::from_values(&v, 4);
    assert_eq!(h.zeros, 3);
    assert_eq!(h.nonfinite, 1);
    assert_eq!(h.counts.iter().sum::<u64>(), 3);
    assert_eq!(h.total(), 7);
    assert_eq!((h.lo, h.hi), (-1.0, 2.0));
    let mut v: Vec<f32> = (0..=100).map(|k| k as f32).collect();
    let d = Distribution::from_values(&mut v, 10);
    assert_eq!(d.percentiles[0], 0.0);
    assert_eq!(d.percentiles[4], 50.0);
    assert_eq!(d.percentiles[8], 100.0);
    assert!((d.percentiles[1] - 6.68).abs() < 1e-4);
}

#[test]
fn stats_shapes_and_death_records() {
    let data = Rc::new(Dataset::seed002(4_000, 5));
    let mut t = Trainer::new(NetConfig::default(), data).unwrap();
    let s0 = t.evaluate().unwrap();
    assert_eq!(s0.epoch, 0);
    assert!(s0.train_loss.is_nan());
    let s = t.train_epoch().unwrap();
    assert_eq!(s.epoch, 1);
    assert_eq!(s.layers.len(), 4);
    for (l, ls) in s.layers.iter().enumerate() {
        let units = [8, 8, 8, 1][l];
        assert_eq!(ls.units, units);
        assert_eq!(ls.alive.len(), units);
        assert_eq!(ls.weight_grad.count as usize, units * [4, 8, 8, 8][l]);
        assert_eq!(ls.pre_activation.count as usize, units * 1200);
        for j in 0..units {
            assert_eq!(ls.alive[j], ls.deaths[j].is_none());
            if let Some(r) = ls.deaths[j] {
                assert_eq!(r.found_dead_epoch, 1);
                assert!(r.max_pre_activation <= 0.0);
                assert!(r.last_update_norm >= 0.0);
            }
        }
    }
}

fn activation_strategy() -> impl Strategy<Value = Activation> {
    (0..ActivationKind::ALL.len(), 0.0f64..1.0)
        .prop_map(|(k, a)| Activation::new(ActivationKind::ALL[k], a))
}

fn init_strategy() -> impl Strategy<Value = Initializer> {
    (0..Initializer::ALL.len()).prop_map(|k| Initializer::ALL[k])
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    #[test]
    fn random_configs_train_or_diverge(
        hidden in proptest::collection::vec(1usize..=16, 0..=4),
        hidden_activation in activation_strategy(),
        output_activation in activation_strategy(),
        init in init_strategy(),
        bias_init in -1.0f32..1.0,
        log_lr in -5.0f64..3.0,
        adam in any::<bool>(),
        momentum in 0.0f64..0.99,
        batch_size in 1usize..=64,
        n in 2usize..60,
        seed in any::<u64>(),
        drop_rate in prop_oneof![Just(0.0f64), 0.0f64..0.8],
    ) {
        let lr = 10f64.powf(log_lr);
        let optimizer = if adam {
            OptimizerConfig::adam(lr)
        } else {
            OptimizerConfig::Sgd { lr, momentum }
        };
        let cfg = NetConfig {
            inputs: 4, hidden, hidden_activation, output_activation, init, bias_init,
            optimizer, batch_size, seed,
            dropout: Dropout::for_activation(drop_rate, hidden_activation.kind),
            ..NetConfig::default()
        };
        let data = Rc::new(Dataset::seed002(n, seed));
        let mut t = Trainer::new(cfg, data).unwrap();
        for _ in 0..3 {
            match t.train_steps(3) {
                Ok(_) => {}
                Err(TrainError::Diverged { .. }) => return Ok(()),
                Err(e) => panic!("{e}"),
            }
            match t.finish_epoch() {
                Ok(s) => {
                    prop_assert!(s.val_loss.is_finite());
                    prop_assert!(s.train_loss.is_finite());
                }
                Err(TrainError::Diverged { .. }) => return Ok(()),
                Err(e) => panic!("{e}"),
            }
        }
    }
}

#[test]
fn evaluating_in_pieces_gives_the_same_statistics() {
    let data = Rc::new(Dataset::seed002(6_000, 5));
    let cfg = NetConfig::default();
    let mut whole = Trainer::new(cfg.clone(), data.clone()).unwrap();
    let mut pieces = Trainer::new(cfg, data).unwrap();
    for round in 0..2 {
        let a = whole.finish_epoch().unwrap();
        pieces.train_steps(usize::MAX).unwrap();
        assert!(pieces.epoch_finished());
        let mut ev = pieces.start_evaluation();
        let mut calls = 0;
        while !pieces.continue_evaluation(&mut ev, 100) {
            calls += 1;
        }
        assert!(calls > 3, "the work was divided");
        let b = pieces.end_epoch(ev).unwrap();
        assert_eq!(a.val_loss.to_bits(), b.val_loss.to_bits(), "round {round}");
        assert_eq!(a.epoch, b.epoch);
        for (la, lb) in a.layers.iter().zip(&b.layers) {
            assert_eq!(la.alive, lb.alive);
            assert_eq!(la.off_fraction, lb.off_fraction);
            assert_eq!(la.max_pre_activation, lb.max_pre_activation);
            assert_eq!(la.output.percentiles, lb.output.percentiles);
            assert_eq!(la.deaths, lb.deaths);
        }
    }
    let a = whole.evaluate().unwrap();
    let mut ev = pieces.start_evaluation();
    pieces.continue_evaluation(&mut ev, 1);
    // An unfinished evaluation is completed by evaluation_stats rather than cut short.
    let b = pieces.evaluation_stats(ev).unwrap();
    assert_eq!(a.val_loss.to_bits(), b.val_loss.to_bits());
}

#[test]
fn the_reference_run_for_the_browser_test() {
    let got = agreement_run();
    eprintln!("agreement run: {got:?}");
    let want = AGREEMENT_LOSSES;
    for (g, w) in got.iter().zip(want) {
        assert!((g - w).abs() <= 1e-9 * w.abs(), "{got:?} vs {want:?}");
    }
}

/// The page's training worker hands each ended epoch's network to a second worker to
/// evaluate while it trains on: statistics made from an `EpochClose` after more training
/// must equal those made at once, death records included.
#[test]
fn statistics_made_later_equal_statistics_made_at_once() {
    let data = Rc::new(Dataset::seed002(4_000, 3));
    // A learning rate that kills units, so the death records have something to say.
    let cfg = NetConfig {
        optimizer: OptimizerConfig::adam(0.05),
        seed: 4,
        ..NetConfig::default()
    };
    let mut at_once = Trainer::new(cfg.clone(), data.clone()).unwrap();
    let mut later = Trainer::new(cfg, data).unwrap();
    let mut want = vec![format!("{:?}", at_once.evaluate().unwrap())];
    let mut closes = vec![later.close()];
    for _ in 0..4 {
        want.push(format!("{:?}", at_once.train_epoch().unwrap()));
        later.train_steps(usize::MAX).unwrap();
        closes.push(later.close_epoch());
    }
    // Training went on past every close before any statistics were made.
    assert_eq!(later.net(), at_once.net());
    let mut got = Vec::new();
    let mut deaths = 0;
    for close in closes {
        let mut ev = later.start_evaluation();
        while !later.continue_evaluation_of(close.net(), &mut ev, 300) {}
        let s = later.stats_of(close, ev).unwrap();
        deaths += s.layers.iter().flat_map(|l| &l.deaths).flatten().count();
        got.push(format!("{s:?}"));
    }
    assert!(
        deaths > 0,
        "no unit died: the test would not see the death records"
    );
    assert_eq!(got, want);
}
