//! `cargo run --release --example bench_native`: one JSON line with the native epoch time.

use dying_relu::sim::bench::json_number;
use std::time::Instant;

fn main() {
    // `--epochs N` (as `cargo xtask bench` passes it) or a bare N.
    let args: Vec<String> = std::env::args().skip(1).collect();
    let epochs = args
        .iter()
        .position(|a| a == "--epochs")
        .and_then(|i| args.get(i + 1))
        .or(args.first())
        .and_then(|a| a.parse().ok())
        .unwrap_or(3);
    let t0 = Instant::now();
    let r = dying_relu::sim::bench::bench_seed002(epochs, || t0.elapsed().as_secs_f64() * 1e3);
    println!(
        "{{\"native_ms_per_epoch\": {}, \"native_later_ms_per_epoch\": {}, \"epochs\": {}, \"samples\": {}, \"steps\": {}, \"final_loss\": {}}}",
        json_number(r.ms_per_epoch),
        json_number(r.later_ms_per_epoch),
        r.epochs,
        r.samples,
        r.steps,
        json_number(r.final_loss)
    );
}
