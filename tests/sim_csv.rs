#![cfg(not(target_arch = "wasm32"))]
//! Training on a CSV file of "Use your own data" with the panel's presets and settings: seed
//! 002 written as a file ends in the same regime, and the sample file is learnt by a linear
//! output. (The reader itself, its messages and limits, is tested in the science's crate:
//! `crates/sim/tests/sim_csv.rs`.)

use std::rc::Rc;

use dying_relu::panels::network::settings::{Output, Preset, Settings};
use dying_relu::sim::csv::{self, parse};
use dying_relu::sim::data::{Dataset, SEED002_DEAD_LOSS};
use dying_relu::sim::train::{NetConfig, Trainer};

#[test]
fn seed002_written_as_csv_trains_to_the_same_regime() {
    let built = Rc::new(Dataset::seed002(20_000, 2002));
    let text = csv::to_csv(&built);
    let table = parse(&text).unwrap();
    assert_eq!(table.names, ["x1", "x2", "x3", "x4", "y"]);
    assert_eq!(table.rows(), 20_000);
    // The dead line from the file is E[y²] = 13/3, within sampling error.
    assert!((table.dead_loss(4) - SEED002_DEAD_LOSS).abs() < 0.05);
    let own = Rc::new(table.dataset(4, false));
    for seed in [0, 1, 2] {
        let dead = |data: &Rc<Dataset>| {
            let cfg = NetConfig {
                seed,
                ..NetConfig::default()
            };
            let mut t = Trainer::new(cfg, data.clone()).unwrap();
            let mut s = t.train_epoch().unwrap();
            for _ in 0..30 {
                if s.gradients_all_zero() {
                    break;
                }
                s = t.train_epoch().unwrap();
            }
            (s.gradients_all_zero(), s.val_loss)
        };
        let (dead_built, _) = dead(&built);
        let (dead_own, loss_own) = dead(&own);
        assert!(
            dead_built && dead_own,
            "seed {seed}: {dead_built} {dead_own}"
        );
        // Dead on the file's data means the loss of always 0 on its validation rows.
        let val_dead: f64 =
            own.val_y.iter().map(|&y| (y as f64).powi(2)).sum::<f64>() / own.n_val() as f64;
        assert!(
            (loss_own - val_dead).abs() < 1e-3,
            "{loss_own} vs {val_dead}"
        );
        // And the SELU preset learns on it as on the built-in data.
        let cfg = NetConfig {
            seed,
            ..Preset::SeluLecun.apply(&Settings::default()).net_config()
        };
        let mut t = Trainer::new(cfg, own.clone()).unwrap();
        let mut s = t.train_epoch().unwrap();
        for _ in 0..2 {
            s = t.train_epoch().unwrap();
        }
        assert!(
            s.val_loss < 1.0,
            "seed {seed}: SELU on the CSV {}",
            s.val_loss
        );
    }
}

#[test]
fn the_sample_reads_and_a_linear_output_learns_it() {
    let t = parse(csv::SAMPLE).unwrap();
    assert_eq!((t.rows(), t.columns(), t.has_header), (500, 4, true));
    assert_eq!(t.names, ["a", "b", "c", "y"]);
    let y = t.column(3);
    assert!(y.iter().any(|&v| v > 0.5) && y.iter().any(|&v| v < -0.5));
    let dead = t.dead_loss(3);
    let data = Rc::new(t.dataset(3, true));
    let s = Settings {
        output: Output::Linear,
        lr: 0.01,
        ..Settings::default()
    };
    let cfg = NetConfig {
        inputs: 3,
        ..s.net_config()
    };
    let mut tr = Trainer::new(cfg, data).unwrap();
    let mut last = f64::NAN;
    for _ in 0..40 {
        last = tr.train_epoch().unwrap().val_loss;
    }
    assert!(last < 0.5 * dead, "loss {last}, dead line {dead}");
}
