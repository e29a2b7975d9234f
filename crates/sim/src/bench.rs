//! The benchmark: seed 002's deeper net on its full data set.

use std::rc::Rc;

use super::activation::{Activation, ActivationKind};
use super::data::Dataset;
use super::init::Initializer;
use super::loss::Loss;
use super::optim::OptimizerConfig;
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
    /// The statistics pass at each epoch's end (validation forward pass, per-unit counts,
    /// histograms; not in the times above), mean over the later epochs (or the only one).
    pub stats_ms: f64,
}

/// Steps per call of `train_steps`, the same order as the page's slices.
pub const CHUNK: usize = 256;

/// Trains seed 002's 4-8-8-8-1 ReLU net (200 000 samples → 140 000 for training, Adam 0.001,
/// batch 32, glorot_uniform kernels, zero biases) for `epochs` epochs. `clock` returns
/// milliseconds (`performance.now()` in the page, `Instant` natively); only the training
/// steps are timed.
pub fn bench_seed002(epochs: usize, clock: impl FnMut() -> f64) -> BenchReport {
    bench_config(NetConfig::default(), epochs, clock)
}

/// [`bench_seed002`]'s measurement for any network on seed 002's data.
pub fn bench_config(
    config: NetConfig,
    epochs: usize,
    mut clock: impl FnMut() -> f64,
) -> BenchReport {
    let data = Rc::new(Dataset::seed002(200_000, 2));
    let mut trainer = Trainer::new(config, data).expect("the benchmark's config is valid");
    let samples = trainer.epoch_progress().1;
    let steps = trainer.steps_per_epoch();
    let mut times = Vec::with_capacity(epochs);
    let mut stats_times = Vec::with_capacity(epochs);
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
        let t1 = clock();
        final_loss = match trainer.finish_epoch() {
            Ok(s) => s.val_loss,
            Err(_) => f64::NAN,
        };
        stats_times.push(clock() - t1);
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
        stats_ms: match stats_times.get(1..) {
            Some(later) if !later.is_empty() => mean(later),
            _ => mean(&stats_times),
        },
    }
}

/// A short seeded run whose train and validation losses after epochs 1 and 2 the native
/// build (`crates/sim/tests/sim_train.rs`) and the browser (`tests/sim_wasm.rs`) both compare with
/// [`AGREEMENT_LOSSES`]: the f32 math is branch-free polynomials and IEEE operations without
/// fused multiply-adds, so the two builds should agree to the last bits (the browser test
/// allows 1e-6 relative, in case the initializer's f64 `ln`/`exp` differs in a last bit).
pub fn agreement_run() -> Vec<f64> {
    let data = Rc::new(Dataset::seed002(3_000, 9));
    let cfg = NetConfig {
        hidden: vec![16, 16],
        hidden_activation: Activation::new(ActivationKind::Selu, 0.0),
        output_activation: Activation::new(ActivationKind::Linear, 0.0),
        init: Initializer::LecunNormal,
        seed: 21,
        ..NetConfig::default()
    };
    let mut t = Trainer::new(cfg, data).expect("the agreement run's config is valid");
    (0..2)
        .flat_map(|_| {
            let s = t.train_epoch().expect("the agreement run trains");
            [s.train_loss, s.val_loss]
        })
        .collect()
}

/// [`agreement_run`]'s losses, natively (recorded again when SELU's derivative came to be
/// taken from its output, which moved the last bits).
pub const AGREEMENT_LOSSES: [f64; 4] = [
    2.681117807569958,
    0.20429806258943345,
    0.12769339394001733,
    0.11723526891734865,
];

/// [`agreement_run`] for issue #30's path: Playground's circle (500 points, noise 0.1, seed
/// 5), a 2-8-8-1 ReLU net with a sigmoid output on binary cross-entropy, Adam 0.01, batch
/// 10; the train and validation losses and the validation accuracy after epochs 1 and 2, for
/// [`PLAYGROUND_AGREEMENT`]. When they were recorded a wasm build (simd128, run in Node)
/// gave the same bits; but the data's angles go through `f64::sin`/`cos`, whose last bit may
/// differ between platforms' libm before the cast to f32, so a browser test should compare
/// at 1e-6 relative, as for the initializer.
pub fn playground_agreement_run() -> Vec<f64> {
    let data = Rc::new(Dataset::circle(500, 0.1, 5));
    let cfg = NetConfig {
        inputs: 2,
        hidden: vec![8, 8],
        output_activation: Activation::new(ActivationKind::Sigmoid, 0.0),
        loss: Loss::BinaryCrossEntropy,
        optimizer: OptimizerConfig::adam(0.01),
        batch_size: 10,
        seed: 30,
        ..NetConfig::default()
    };
    let mut t = Trainer::new(cfg, data).expect("the agreement run's config is valid");
    (0..2)
        .flat_map(|_| {
            let s = t.train_epoch().expect("the agreement run trains");
            [s.train_loss, s.val_loss, s.val_accuracy.unwrap_or(f64::NAN)]
        })
        .collect()
}

/// [`playground_agreement_run`]'s numbers, natively.
pub const PLAYGROUND_AGREEMENT: [f64; 6] = [
    0.5636301670755659,
    0.5186202526092529,
    0.7533333333333333,
    0.4343091232436044,
    0.38177254796028137,
    0.88,
];

/// The hidden widths the scaling benchmark times.
pub const SCALING_WIDTHS: [usize; 4] = [8, 16, 32, 64];

/// The scaling benchmark's network: 4 hidden layers of `width` SELU units and a SELU output
/// on seed 002's four inputs, lecun_normal kernels, Adam 0.001, batch 32: what the page's
/// `?layers=4&width=W&act=selu&init=lecun_normal` trains.
pub fn scaling_config(width: usize) -> NetConfig {
    let selu = Activation::new(ActivationKind::Selu, 0.0);
    NetConfig {
        hidden: vec![width; 4],
        hidden_activation: selu,
        output_activation: selu,
        init: Initializer::LecunNormal,
        ..NetConfig::default()
    }
}

/// Floating-point operations of the matrix products of one training sample through a net of
/// `widths = [inputs, h1, …, outputs]`: per layer 2·in·out for the forward product, as many
/// for the weight gradient, and as many again for the deltas passed down, which the first
/// layer skips (nobody needs ∂loss/∂inputs; XLA prunes it from JAX's gradient too).
/// Activations, the loss and the optimizer are not counted.
pub fn matmul_flops_per_sample(widths: &[usize]) -> f64 {
    widths
        .windows(2)
        .enumerate()
        .map(|(l, w)| {
            let products = if l == 0 { 2.0 } else { 3.0 };
            products * 2.0 * (w[0] * w[1]) as f64
        })
        .sum()
}

/// What [`bench_width`] measured.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ScalingReport {
    pub width: usize,
    pub run: BenchReport,
    /// Matrix-product GFLOP of one epoch ([`matmul_flops_per_sample`] × samples).
    pub gflop_per_epoch: f64,
    /// `gflop_per_epoch` over the steady epoch time (the later epochs, or the only one).
    pub gflops: f64,
}

/// Times [`scaling_config`]`(width)` for `epochs` epochs (see [`bench_seed002`] for `clock`).
pub fn bench_width(width: usize, epochs: usize, clock: impl FnMut() -> f64) -> ScalingReport {
    let config = scaling_config(width);
    let flops = matmul_flops_per_sample(&config.widths());
    let run = bench_config(config, epochs, clock);
    let gflop_per_epoch = flops * run.samples as f64 * 1e-9;
    ScalingReport {
        width,
        run,
        gflop_per_epoch,
        gflops: gflop_per_epoch / (steady_ms(&run) * 1e-3),
    }
}

/// The later epochs' mean, or the mean over all when there was only one.
pub fn steady_ms(r: &BenchReport) -> f64 {
    if r.later_ms_per_epoch.is_finite() {
        r.later_ms_per_epoch
    } else {
        r.ms_per_epoch
    }
}

/// Times every width in `widths` and returns a JSON array, one object per width:
/// `{"width":W,"ms_per_epoch":…,"first_epoch_ms":…,"later_ms_per_epoch":…,"gflop_per_epoch":…,
/// "gflops":…,"final_loss":…,"stats_ms":…}`. The page exports this one (with `performance.now()` as the
/// clock); the native example prints the same.
pub fn bench_scaling_json(
    widths: &[usize],
    epochs: usize,
    mut clock: impl FnMut() -> f64,
) -> String {
    let items: Vec<String> = widths
        .iter()
        .map(|&w| {
            let r = bench_width(w, epochs, &mut clock);
            format!(
                "{{\"width\":{},\"ms_per_epoch\":{},\"first_epoch_ms\":{},\"later_ms_per_epoch\":{},\"gflop_per_epoch\":{},\"gflops\":{},\"final_loss\":{},\"stats_ms\":{}}}",
                w,
                json_number(r.run.ms_per_epoch),
                json_number(r.run.first_epoch_ms),
                json_number(r.run.later_ms_per_epoch),
                json_number(r.gflop_per_epoch),
                json_number(r.gflops),
                json_number(r.run.final_loss),
                json_number(r.run.stats_ms)
            )
        })
        .collect();
    format!("[{}]", items.join(","))
}

/// A number for a JSON line: three decimals, or `null` when it is not finite (JSON has no NaN).
pub fn json_number(v: f64) -> String {
    if v.is_finite() {
        format!("{v:.3}")
    } else {
        "null".into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flops_count_the_three_products_but_the_inputs_delta() {
        // 4-8-1: forward 2·(32 + 8), weight gradient the same, deltas only into layer 1: 2·8.
        assert_eq!(matmul_flops_per_sample(&[4, 8, 1]), 80.0 + 80.0 + 16.0);
        // 4 × 64 SELU: 75 136 flops per sample, 10.5 GFLOP per epoch of 140 000 samples.
        let w = scaling_config(64).widths();
        assert_eq!(w, vec![4, 64, 64, 64, 64, 1]);
        assert_eq!(matmul_flops_per_sample(&w), 75_136.0);
    }

    #[test]
    fn scaling_json_has_one_object_per_width() {
        let mut t = 0.0;
        let clock = || {
            t += 1.0;
            t
        };
        // One epoch of the narrowest net: a real run, cheap enough for a test.
        let json = bench_scaling_json(&[2], 1, clock);
        assert!(json.starts_with("[{\"width\":2,"), "{json}");
        assert!(json.contains("\"later_ms_per_epoch\":null"), "{json}");
        assert!(json.contains("\"gflops\":"), "{json}");
        assert!(!json.contains("NaN"), "{json}");
    }
}
