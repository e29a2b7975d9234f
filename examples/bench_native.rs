//! `cargo run --release --example bench_native`: one JSON line with the native epoch time of
//! seed 002's net and, under `"scaling"`, the epoch time and GFLOP/s of 4 hidden SELU layers
//! of widths 8, 16, 32 and 64 (see `sim::bench::bench_scaling_json`).
//!
//! Options: `--epochs N` (seed 002's net, default 3; a bare N works too, as before),
//! `--scaling-epochs M` (per width, default 3; 0 skips the scaling runs),
//! `--widths 8,16,32,64`.

use dying_relu::sim::bench::{bench_scaling_json, json_number, SCALING_WIDTHS};
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let value = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
    };
    let epochs = value("--epochs")
        .or(args.first().filter(|a| !a.starts_with("--")))
        .and_then(|a| a.parse().ok())
        .unwrap_or(3);
    let scaling_epochs: usize = value("--scaling-epochs")
        .and_then(|a| a.parse().ok())
        .unwrap_or(3);
    let widths: Vec<usize> = value("--widths")
        .map(|w| w.split(',').filter_map(|x| x.trim().parse().ok()).collect())
        .unwrap_or_else(|| SCALING_WIDTHS.to_vec());
    let t0 = Instant::now();
    let clock = || t0.elapsed().as_secs_f64() * 1e3;
    let r = dying_relu::sim::bench::bench_seed002(epochs, clock);
    let scaling = if scaling_epochs > 0 {
        bench_scaling_json(&widths, scaling_epochs, clock)
    } else {
        "[]".into()
    };
    println!(
        "{{\"native_ms_per_epoch\": {}, \"native_later_ms_per_epoch\": {}, \"epochs\": {}, \"samples\": {}, \"steps\": {}, \"final_loss\": {}, \"scaling_epochs\": {}, \"scaling\": {}}}",
        json_number(r.ms_per_epoch),
        json_number(r.later_ms_per_epoch),
        r.epochs,
        r.samples,
        r.steps,
        json_number(r.final_loss),
        scaling_epochs,
        scaling
    );
}
