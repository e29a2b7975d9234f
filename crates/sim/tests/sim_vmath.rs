#![cfg(not(target_arch = "wasm32"))]
//! The branch-free f32 math of the activations against f64 references.
//!
//! Measured here (x86-64, 20 million points spread over the bit patterns of [−87.3, 88.7]):
//! exp ≤ 1 ulp (relative error ≤ 1.2e-7), expm1 ≤ 3 ulp; erf ≤ 4.5e-7 absolute (near ±3.9,
//! where erf rounds to ±1 ∓ 1e-8); tanh and σ ≤ 2 ulp, σ' ≤ 4 ulp. The tests assert 2, 4,
//! 5e-7, 6 and 8: a little margin, and no more, so a worse polynomial fails. The code uses no
//! fused multiply-add, so wasm computes the same bits.

use dying_relu_sim::activation::erf;
use dying_relu_sim::vmath::{
    erf_f32, exp_f32, exp_m1_f32, sigmoid_parts, tanh_f32, EXP_HI, EXP_LO,
};

/// Distance in units in the last place between two finite f32 (signs may differ).
fn ulps(a: f32, b: f32) -> u64 {
    let key = |x: f32| {
        let i = x.to_bits() as i32;
        // Map the float line onto the integers monotonically (−0 and +0 both to 0).
        if i < 0 {
            -((i & 0x7fff_ffff) as i64)
        } else {
            i as i64
        }
    };
    (key(a) - key(b)).unsigned_abs()
}

/// About `count` f32 spread evenly over the bit patterns of [lo, hi] (lo < 0 < hi), so every
/// binade gets its share, from the subnormals to the ends, plus both ends and ±0.
fn sweep(lo: f32, hi: f32, count: u32) -> impl Iterator<Item = f32> {
    let (nb, pb) = (lo.to_bits() & 0x7fff_ffff, hi.to_bits());
    let step = ((nb as u64 + pb as u64) / count as u64).max(1) as usize;
    let neg = (0..=nb).step_by(step).map(|b| -f32::from_bits(b));
    let pos = (0..=pb).step_by(step).map(f32::from_bits);
    neg.chain(pos).chain([lo, hi])
}

fn max_ulps(f: impl Fn(f32) -> f32, reference: impl Fn(f64) -> f64) -> (u64, f32) {
    let mut worst = (0, 0.0);
    for x in sweep(-87.3, 88.7, 20_000_000) {
        let want = reference(x as f64) as f32;
        let e = ulps(f(x), want);
        if e > worst.0 {
            worst = (e, x);
        }
    }
    worst
}

#[test]
fn exp_is_within_2_ulp_of_the_rounded_f64_exp() {
    let (e, at) = max_ulps(exp_f32, f64::exp);
    eprintln!("exp_f32: max {e} ulp at {at}");
    assert!(e <= 2, "exp_f32 is {e} ulp off at {at}");
}

#[test]
fn expm1_is_within_4_ulp_also_near_zero() {
    let (e, at) = max_ulps(exp_m1_f32, f64::exp_m1);
    eprintln!("exp_m1_f32: max {e} ulp at {at}");
    assert!(e <= 4, "exp_m1_f32 is {e} ulp off at {at}");
    // Where exp(x) − 1 would cancel to nothing, expm1 keeps the value.
    assert_eq!(exp_m1_f32(1e-10), 1e-10);
    assert_eq!(exp_m1_f32(-3e-9), -3e-9);
}

#[test]
fn exp_edges_overflow_underflow_and_nan() {
    assert_eq!(exp_f32(0.0), 1.0);
    assert_eq!(exp_f32(EXP_HI + 0.01), f32::INFINITY);
    assert_eq!(exp_f32(f32::INFINITY), f32::INFINITY);
    assert!(exp_f32(EXP_HI).is_finite());
    assert_eq!(exp_f32(EXP_LO - 0.01), 0.0);
    assert_eq!(exp_f32(f32::NEG_INFINITY), 0.0);
    assert!(exp_f32(EXP_LO) >= f32::MIN_POSITIVE * 0.99);
    assert_eq!(exp_m1_f32(-200.0), -1.0);
    assert_eq!(exp_m1_f32(f32::NEG_INFINITY), -1.0);
    assert_eq!(exp_m1_f32(100.0), f32::INFINITY);
    // NaN must stay NaN: training detects divergence by it.
    for f in [exp_f32, exp_m1_f32, tanh_f32, erf_f32] {
        assert!(f(f32::NAN).is_nan());
    }
    assert!(sigmoid_parts(f32::NAN).0.is_nan());
}

#[test]
fn erf_is_within_5e_7_absolute() {
    let mut worst = (0.0f64, 0.0f32);
    for x in sweep(-6.0, 6.0, 2_000_000) {
        let e = (erf_f32(x) as f64 - erf(x as f64)).abs();
        if e > worst.0 {
            worst = (e, x);
        }
    }
    eprintln!("erf_f32: max abs error {:e} at {}", worst.0, worst.1);
    assert!(
        worst.0 <= 5e-7,
        "erf_f32 off by {:e} at {}",
        worst.0,
        worst.1
    );
}

#[test]
fn tanh_and_sigmoid_are_within_a_few_ulp() {
    let mut worst = [0u64; 3];
    for x in sweep(-40.0, 40.0, 4_000_000) {
        let xd = x as f64;
        worst[0] = worst[0].max(ulps(tanh_f32(x), xd.tanh() as f32));
        let s = 1.0 / (1.0 + (-xd).exp());
        let (s32, ds32) = sigmoid_parts(x);
        worst[1] = worst[1].max(ulps(s32, s as f32));
        // σ' = σ(1 − σ) computed as e^{−|x|}/(1 + e^{−|x|})², exact in the tails too.
        let t = (-xd.abs()).exp();
        worst[2] = worst[2].max(ulps(ds32, (t / ((1.0 + t) * (1.0 + t))) as f32));
    }
    eprintln!("tanh, sigmoid, sigmoid': max {worst:?} ulp");
    assert!(worst[0] <= 6, "tanh {} ulp", worst[0]);
    assert!(worst[1] <= 6, "sigmoid {} ulp", worst[1]);
    assert!(worst[2] <= 8, "sigmoid' {} ulp", worst[2]);
}
