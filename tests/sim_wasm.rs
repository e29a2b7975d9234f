#![cfg(target_arch = "wasm32")]
//! The simulation's wasm kernels, run in the browser: the explicit SIMD128 matrix kernel
//! against the naive loop, the f32 math against known values, and a seeded run against the
//! losses the native build gives (`sim::bench::agreement_run`, checked natively in
//! `crates/sim/tests/sim_train.rs`).

use dying_relu::sim::bench::{
    agreement_run, playground_agreement_run, AGREEMENT_LOSSES, PLAYGROUND_AGREEMENT,
};
use dying_relu::sim::gemm::{gemm, gemm_naive, Gemm};
use dying_relu::sim::vmath::exp_f32;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

// Without simd128 the portable kernel would run and these tests would not test the f32x4 one.
const _: () = assert!(
    cfg!(target_feature = "simd128"),
    "build with -C target-feature=+simd128 (.cargo/config.toml)"
);

/// A small deterministic generator: this test must not depend on the sim's RNG.
fn lcg(state: &mut u64) -> f32 {
    *state = state
        .wrapping_mul(6_364_136_223_846_793_005)
        .wrapping_add(1);
    ((*state >> 40) as f32 / (1u64 << 24) as f32) * 4.0 - 2.0
}

#[wasm_bindgen_test]
fn simd_gemm_equals_naive_bit_for_bit() {
    let mut s = 7u64;
    for m in [1usize, 3, 4, 5, 8, 13, 64, 70] {
        for n in [1usize, 2, 4, 7, 8, 9, 16, 31, 32, 40] {
            for (k, transposed) in [(0usize, false), (1, true), (5, false), (64, true)] {
                let (lrs, lks) = if transposed { (1, m + 1) } else { (k + 2, 1) };
                let lhs: Vec<f32> = (0..m * lrs + k * lks + 1).map(|_| lcg(&mut s)).collect();
                let rrs = n + 3;
                let rhs: Vec<f32> = (0..k.max(1) * rrs + n).map(|_| lcg(&mut s)).collect();
                let bias: Vec<f32> = (0..m).map(|_| lcg(&mut s)).collect();
                let g = Gemm {
                    m,
                    n,
                    k,
                    lhs: &lhs,
                    lrs,
                    lks,
                    rhs: &rhs,
                    rrs,
                    bias: Some(&bias),
                };
                let ors = n + 1;
                let mut a = vec![9.0f32; m * ors];
                let mut b = vec![9.0f32; m * ors];
                gemm(&g, &mut a, ors);
                gemm_naive(&g, &mut b, ors);
                let same = a.iter().zip(&b).all(|(x, y)| x.to_bits() == y.to_bits());
                assert!(same, "m {m} n {n} k {k} transposed {transposed}");
            }
        }
    }
}

#[wasm_bindgen_test]
fn exp_matches_f64_in_the_browser() {
    for &x in &[-87.0f32, -10.5, -1.0, -1e-3, 0.0, 0.3, 1.0, 20.0, 88.0] {
        let want = (x as f64).exp();
        let rel = ((exp_f32(x) as f64 - want) / want).abs();
        assert!(rel < 2.5e-7, "exp({x}): rel {rel:e}");
    }
}

#[wasm_bindgen_test]
fn seeded_run_matches_the_native_losses() {
    // The same run the native test checks against the same losses.
    let got = agreement_run();
    let want = AGREEMENT_LOSSES;
    for (g, w) in got.iter().zip(want) {
        assert!((g - w).abs() <= 1e-6 * w, "wasm {got:?} vs native {want:?}");
    }
}

#[wasm_bindgen_test]
fn seeded_cross_entropy_run_on_the_circle_matches_the_native_numbers() {
    // Playground's circle, a sigmoid output and binary cross-entropy: the losses and
    // accuracies the native build gives (crates/sim checks them natively).
    let got = playground_agreement_run();
    assert_eq!(got.len(), PLAYGROUND_AGREEMENT.len());
    for (g, w) in got.iter().zip(PLAYGROUND_AGREEMENT) {
        assert!(
            (g - w).abs() <= 1e-6 * w.abs(),
            "wasm {got:?} vs native {PLAYGROUND_AGREEMENT:?}"
        );
    }
}
