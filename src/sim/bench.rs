//! The benchmark: seed 002's deeper net on its full data set.

use std::rc::Rc;

use super::data::Dataset;
use super::train::{NetConfig, Trainer};

/// What [`bench_seed002`] measured.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BenchReport {
    /// Milliseconds per epoch of training alone (statistics excluded), over all epochs.
    pub ms_per_epoch: f64,
    /// The first epoch alone: in a browser it includes the engine's warm-up (V8 runs new
    /// wasm on a baseline compiler until its optimising compiler has caught up).
    pub first_epoch_ms: f64,
    /// Mean of the epochs after the first: the steady speed (NaN with one epoch).
    pub later_ms_per_epoch: f64,
    pub epochs: usize,
    /// Training samples per epoch.
    pub samples: usize,
    /// Optimizer steps per epoch.
    pub steps: usize,
    /// Validation loss after the last epoch.
    pub final_loss: f64,
}

/// Steps per call of `train_steps`, the same order as the page's slices.
pub const CHUNK: usize = 256;

/// Trains seed 002's 4-8-8-8-1 ReLU net (200 000 samples → 140 000 for training, Adam 0.001,
/// batch 32, glorot_uniform kernels, zero biases) for `epochs` epochs. `clock` returns
/// milliseconds (`performance.now()` in the page, `Instant` natively); only the training
/// steps are timed.
pub fn bench_seed002(epochs: usize, mut clock: impl FnMut() -> f64) -> BenchReport {
    let data = Rc::new(Dataset::seed002(200_000, 2));
    let mut trainer = Trainer::new(NetConfig::default(), data).expect("seed 002's config is valid");
    let samples = trainer.epoch_progress().1;
    let steps = trainer.steps_per_epoch();
    let mut times = Vec::with_capacity(epochs);
    let mut final_loss = f64::NAN;
    for _ in 0..epochs {
        // Slices of CHUNK steps, as the page trains. In the browser this also matters for
        // speed: V8 first runs wasm with its baseline compiler and swaps in optimised code
        // only at the next call, so one call per epoch would time the baseline code.
        let t0 = clock();
        let mut failed = false;
        while !trainer.epoch_finished() && !failed {
            failed = trainer.train_steps(CHUNK).is_err();
        }
        times.push(clock() - t0);
        if failed {
            break;
        }
        final_loss = match trainer.finish_epoch() {
            Ok(s) => s.val_loss,
            Err(_) => f64::NAN,
        };
    }
    let mean = |t: &[f64]| {
        if t.is_empty() {
            f64::NAN
        } else {
            t.iter().sum::<f64>() / t.len() as f64
        }
    };
    BenchReport {
        ms_per_epoch: mean(&times),
        first_epoch_ms: times.first().copied().unwrap_or(f64::NAN),
        later_ms_per_epoch: mean(times.get(1..).unwrap_or(&[])),
        epochs,
        samples,
        steps,
        final_loss,
    }
}

/// A number for a JSON line: three decimals, or `null` when it is not finite (JSON has no NaN).
pub fn json_number(v: f64) -> String {
    if v.is_finite() {
        format!("{v:.3}")
    } else {
        "null".into()
    }
}
