#![cfg(not(target_arch = "wasm32"))]
//! The blocked matrix kernel against the naive triple loop, on random shapes and strides.

use dying_relu_sim::gemm::{gemm, gemm_naive, Gemm};
use dying_relu_sim::real::Real;
use dying_relu_sim::rng::rng_from_seed;
use rand::Rng;

/// One random product: m, n, k in 1..=70 (k also 0 sometimes), padded strides, the left
/// operand either row-major (like W) or transposed (like Wᵀ), with or without a bias.
struct Case {
    m: usize,
    n: usize,
    k: usize,
    lrs: usize,
    lks: usize,
    rrs: usize,
    ors: usize,
    lhs: Vec<f64>,
    rhs: Vec<f64>,
    bias: Option<Vec<f64>>,
}

fn case(rng: &mut impl Rng, batch_like: bool) -> Case {
    let m = rng.random_range(1..=70);
    // The batch dimension of the layer products runs 1 to 40; other sides 1 to 70.
    let n = if batch_like {
        rng.random_range(1..=40)
    } else {
        rng.random_range(1..=70)
    };
    let k = if rng.random_range(0..20) == 0 {
        0
    } else {
        rng.random_range(1..=70)
    };
    let (lrs, lks) = if rng.random() {
        (k + rng.random_range(0..3), 1)
    } else {
        (1, m + rng.random_range(0..3))
    };
    let rrs = n + rng.random_range(0..5);
    let ors = n + rng.random_range(0..5);
    let len_l = (m - 1) * lrs + k.max(1) * lks + 1;
    let len_r = k.max(1) * rrs + n;
    let lhs = random_vec(rng, len_l);
    let rhs = random_vec(rng, len_r);
    let bias = if rng.random() {
        Some(random_vec(rng, m))
    } else {
        None
    };
    Case {
        m,
        n,
        k,
        lrs,
        lks,
        rrs,
        ors,
        lhs,
        rhs,
        bias,
    }
}

fn random_vec(rng: &mut impl Rng, len: usize) -> Vec<f64> {
    (0..len).map(|_| rng.random_range(-2.0..2.0)).collect()
}

fn run<R: Real>(c: &Case, blocked: bool) -> Vec<R> {
    let conv = |v: &[f64]| v.iter().map(|&x| R::from_f64(x)).collect::<Vec<R>>();
    let (lhs, rhs) = (conv(&c.lhs), conv(&c.rhs));
    let bias = c.bias.as_deref().map(conv);
    let g = Gemm {
        m: c.m,
        n: c.n,
        k: c.k,
        lhs: &lhs,
        lrs: c.lrs,
        lks: c.lks,
        rhs: &rhs,
        rrs: c.rrs,
        bias: bias.as_deref(),
    };
    // Sentinels between the rows must survive: the kernel writes only its m × n cells.
    let mut out = vec![R::from_f64(7.5); (c.m - 1) * c.ors + c.n + 3];
    if blocked {
        gemm(&g, &mut out, c.ors);
    } else {
        gemm_naive(&g, &mut out, c.ors);
    }
    out
}

#[test]
fn blocked_equals_naive_bit_for_bit_in_f64_and_f32() {
    // Both sum each cell from its bias in order of k without fused multiply-adds, so they
    // agree exactly; this also pins the padding cells, which neither may touch.
    let mut rng = rng_from_seed(170);
    for t in 0..400 {
        let c = case(&mut rng, t % 2 == 0);
        let (b64, n64) = (run::<f64>(&c, true), run::<f64>(&c, false));
        let (b32, n32) = (run::<f32>(&c, true), run::<f32>(&c, false));
        let same64 = b64
            .iter()
            .zip(&n64)
            .all(|(a, b)| a.to_bits() == b.to_bits());
        let same32 = b32
            .iter()
            .zip(&n32)
            .all(|(a, b)| a.to_bits() == b.to_bits());
        assert!(same64, "f64 m {} n {} k {}", c.m, c.n, c.k);
        assert!(same32, "f32 m {} n {} k {}", c.m, c.n, c.k);
    }
}

#[test]
fn blocked_f32_is_within_rounding_of_the_exact_product() {
    // Against the f64 product of the same (f32-representable) inputs: each of the k
    // additions rounds once, so |error| ≤ k · 2⁻²⁴ · Σ|terms| (a loose a-priori bound).
    let mut rng = rng_from_seed(171);
    for t in 0..200 {
        let mut c = case(&mut rng, t % 2 == 0);
        let round = |v: &mut Vec<f64>| v.iter_mut().for_each(|x| *x = *x as f32 as f64);
        round(&mut c.lhs);
        round(&mut c.rhs);
        if let Some(b) = c.bias.as_mut() {
            round(b);
        }
        let exact = run::<f64>(&c, false);
        let got = run::<f32>(&c, true);
        for r in 0..c.m {
            for col in 0..c.n {
                let mut mag = c.bias.as_ref().map_or(0.0, |b| b[r].abs());
                for k in 0..c.k {
                    mag += (c.lhs[r * c.lrs + k * c.lks] * c.rhs[k * c.rrs + col]).abs();
                }
                let i = r * c.ors + col;
                let tol = (c.k + 1) as f64 * f32::EPSILON as f64 * 0.5 * mag;
                let err = (got[i] as f64 - exact[i]).abs();
                assert!(
                    err <= tol,
                    "cell ({r}, {col}) of m {} n {} k {}: {err} > {tol}",
                    c.m,
                    c.n,
                    c.k
                );
            }
        }
    }
}

#[test]
fn short_operands_panic_instead_of_reading_out_of_bounds() {
    let lhs = vec![1.0f32; 11];
    let rhs = vec![1.0f32; 12];
    let g = Gemm {
        m: 3,
        n: 4,
        k: 3,
        lhs: &lhs,
        lrs: 4,
        lks: 1,
        rhs: &rhs,
        rrs: 4,
        bias: None,
    };
    let mut out = vec![0.0f32; 12];
    // The last row's last weight is at (3 − 1)·4 + 2 = 10: 11 weights are just enough.
    gemm(&g, &mut out, 4);
    assert_eq!(out, vec![3.0; 12]);
    let short = &lhs[..10];
    let g = Gemm { lhs: short, ..g };
    let r = std::panic::catch_unwind(move || {
        let mut out = vec![0.0f32; 12];
        gemm(&g, &mut out, 4);
    });
    assert!(r.is_err());
}
