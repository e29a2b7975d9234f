//! `cargo run --release --example bench_native`: one JSON line with the native epoch time.

use std::time::Instant;

fn main() {
    let epochs = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(3);
    let t0 = Instant::now();
    let r = dying_relu::sim::bench::bench_seed002(epochs, || t0.elapsed().as_secs_f64() * 1e3);
    println!(
        "{{\"native_ms_per_epoch\": {:.2}, \"epochs\": {}, \"samples\": {}, \"steps\": {}, \"final_loss\": {:.4}}}",
        r.ms_per_epoch, r.epochs, r.samples, r.steps, r.final_loss
    );
}
