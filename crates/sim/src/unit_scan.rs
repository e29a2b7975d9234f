//! One unit's values over one evaluation batch, summarised in a single pass: the statistics
//! pass reads every hidden unit's pre-activations and outputs once per validation sample, and
//! written as one scalar loop each of its sums was a chain the compiler could not vectorise
//! (a float sum must keep its order), which cost as much as the forward pass's own products on
//! a 4 × 64 net. Here every sum runs in [`LANES`] independent lanes that SIMD128 (and SSE)
//! executes side by side.
//!
//! The maximum and the counts are exact in any order; only Σ|h| is summed lane by lane, so it
//! may differ from a sequential sum in the last bits of an f32 (it is reported as a mean).

/// Independent accumulators per sum: two 128-bit vectors of f32.
pub const LANES: usize = 8;

/// What [`scan_pre_activations`] found in one unit's pre-activations.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PreActivations {
    /// The largest value (or the `start` given, if larger).
    pub max: f32,
    /// Values ≤ 0.
    pub non_positive: u64,
    /// The largest |value|: when it is below a bound the activation's f' is known to be
    /// non-zero within, no value needs its f' evaluated.
    pub max_abs: f32,
}

/// The maximum (from `start`), the count of values ≤ 0 and the largest magnitude of `z`.
pub fn scan_pre_activations(z: &[f32], start: f32) -> PreActivations {
    let mut max = [start; LANES];
    let mut max_abs = [0.0f32; LANES];
    let mut non_positive = [0u32; LANES];
    let chunks = z.chunks_exact(LANES);
    let tail = chunks.remainder();
    for c in chunks {
        for k in 0..LANES {
            // A comparison and a select, not `f32::max`: wasm's own max propagates NaN, so
            // `f32::max` (which ignores it) becomes a longer sequence there; this is one
            // `f32x4.gt` and a `bitselect`, and ignores NaN just the same.
            let v = c[k];
            max[k] = if v > max[k] { v } else { max[k] };
            let a = v.abs();
            max_abs[k] = if a > max_abs[k] { a } else { max_abs[k] };
            non_positive[k] += (v <= 0.0) as u32;
        }
    }
    let mut out = PreActivations {
        max: max.iter().copied().fold(start, f32::max),
        non_positive: non_positive.iter().map(|&n| n as u64).sum(),
        max_abs: max_abs.iter().copied().fold(0.0, f32::max),
    };
    for &v in tail {
        out.max = out.max.max(v);
        out.max_abs = out.max_abs.max(v.abs());
        out.non_positive += (v <= 0.0) as u64;
    }
    out
}

/// One unit's outputs over one batch: Σ|h|, how many are exactly 0, how many have |h| ≤ `near`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Outputs {
    pub abs_sum: f32,
    pub zeros: u64,
    pub near: u64,
}

/// Σ|h| (in [`LANES`] lanes), exact zeros and |h| ≤ `near` of `a`.
pub fn scan_outputs(a: &[f32], near: f32) -> Outputs {
    let mut abs = [0.0f32; LANES];
    let mut zeros = [0u32; LANES];
    let mut close = [0u32; LANES];
    let chunks = a.chunks_exact(LANES);
    let tail = chunks.remainder();
    for c in chunks {
        for k in 0..LANES {
            let v = c[k].abs();
            abs[k] += v;
            zeros[k] += (c[k] == 0.0) as u32;
            close[k] += (v <= near) as u32;
        }
    }
    let mut out = Outputs {
        abs_sum: abs.iter().sum(),
        zeros: zeros.iter().map(|&n| n as u64).sum(),
        near: close.iter().map(|&n| n as u64).sum(),
    };
    for &v in tail {
        out.abs_sum += v.abs();
        out.zeros += (v == 0.0) as u64;
        out.near += (v.abs() <= near) as u64;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Values of every kind the pass meets: both signs, exact zeros of both signs, values at
    /// and around the near-zero bound, large magnitudes; lengths that are and are not a
    /// multiple of the lanes.
    fn samples(n: usize, seed: u32) -> Vec<f32> {
        let mut s = seed.wrapping_mul(2_654_435_761).max(1);
        (0..n)
            .map(|i| {
                let r = crate::rng::xorshift32(&mut s);
                match i % 7 {
                    0 => 0.0,
                    1 => -0.0,
                    2 => 0.05,
                    _ => (r as f32 / u32::MAX as f32 - 0.5) * 40.0,
                }
            })
            .collect()
    }

    #[test]
    fn the_pre_activation_scan_equals_the_sequential_one() {
        for n in [0, 1, 7, 8, 9, 63, 256, 1001] {
            let z = samples(n, n as u32 + 1);
            for start in [f32::NEG_INFINITY, 3.0, 100.0] {
                let got = scan_pre_activations(&z, start);
                let max = z.iter().copied().fold(start, f32::max);
                let max_abs = z.iter().map(|v| v.abs()).fold(0.0, f32::max);
                let non_positive = z.iter().filter(|&&v| v <= 0.0).count() as u64;
                assert_eq!(got.max, max, "n {n}");
                assert_eq!(got.max_abs, max_abs, "n {n}");
                assert_eq!(got.non_positive, non_positive, "n {n}");
            }
        }
    }

    #[test]
    fn the_output_scan_counts_exactly_and_sums_within_rounding() {
        for n in [0, 1, 7, 8, 9, 63, 256, 1001] {
            let a = samples(n, 2 * n as u32 + 3);
            let got = scan_outputs(&a, 0.05);
            let zeros = a.iter().filter(|&&v| v == 0.0).count() as u64;
            let near = a.iter().filter(|&&v| v.abs() <= 0.05).count() as u64;
            let sum: f64 = a.iter().map(|v| v.abs() as f64).sum();
            assert_eq!(got.zeros, zeros, "n {n}");
            assert_eq!(got.near, near, "n {n}");
            assert!(
                (got.abs_sum as f64 - sum).abs() <= 1e-5 * sum.max(1.0),
                "n {n}: {} vs {sum}",
                got.abs_sum
            );
        }
    }
}
