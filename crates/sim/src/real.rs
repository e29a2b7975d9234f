//! A tiny float abstraction so that the network's math is written once and runs in `f32` for
//! training (fast) and in `f64` for gradient checks (accurate).

use std::fmt::Debug;
use std::ops::{Add, AddAssign, Div, Mul, MulAssign, Neg, Sub, SubAssign};

/// The float types the network runs in: `f32` and `f64`.
pub trait Real:
    Copy
    + Default
    + Debug
    + PartialOrd
    + Add<Output = Self>
    + Sub<Output = Self>
    + Mul<Output = Self>
    + Div<Output = Self>
    + Neg<Output = Self>
    + AddAssign
    + SubAssign
    + MulAssign
    + Send
    + Sync
    + 'static
{
    const ZERO: Self;
    const ONE: Self;
    fn from_f64(x: f64) -> Self;
    fn to_f64(self) -> f64;
    /// e^x. f32 uses the branch-free [`vmath`](super::vmath) version, so that loops over
    /// slices vectorise; f64 (the reference of the gradient checks) uses `std`.
    fn exp(self) -> Self;
    fn exp_m1(self) -> Self;
    fn tanh(self) -> Self;
    fn erf(self) -> Self;
    fn sqrt(self) -> Self;
    fn is_finite(self) -> bool;

    /// Kernel behind [`dot`]; f32 overrides it with explicit SIMD in wasm (same summation
    /// order, so the same bits).
    #[inline(always)]
    fn dot_kernel(a: &[Self], b: &[Self]) -> Self {
        generic_dot(a, b)
    }
    /// Kernel behind [`dot_rows`] (see [`Real::dot_kernel`]).
    #[inline(always)]
    fn dot_rows_kernel(d: &[Self], src: &[Self], stride: usize, out: &mut [Self]) {
        let n = d.len();
        for (i, o) in out.iter_mut().enumerate() {
            *o = generic_dot(d, &src[i * stride..i * stride + n]);
        }
    }
    /// Kernel behind [`gemm`](super::gemm::gemm) (see [`Real::dot_kernel`]).
    #[inline(always)]
    fn gemm_kernel(g: &super::gemm::Gemm<'_, Self>, out: &mut [Self], ors: usize) {
        super::gemm::gemm_portable(g, out, ors)
    }
    /// Kernel behind [`sum`] (see [`Real::dot_kernel`]).
    #[inline(always)]
    fn sum_kernel(a: &[Self]) -> Self {
        generic_sum(a)
    }
    /// Kernel behind [`axpy`] (see [`Real::dot_kernel`]).
    #[inline(always)]
    fn axpy_kernel(a: Self, x: &[Self], y: &mut [Self]) {
        generic_axpy(a, x, y)
    }
    /// Kernel behind [`lin_comb`] (see [`Real::dot_kernel`]).
    #[inline(always)]
    fn lin_comb_kernel(
        init: Self,
        w: &[Self],
        w_stride: usize,
        n_terms: usize,
        src: &[Self],
        stride: usize,
        out: &mut [Self],
    ) {
        generic_lin_comb(init, w, w_stride, n_terms, src, stride, out)
    }
    /// Kernel behind [`relu`] (see [`Real::dot_kernel`]).
    #[inline(always)]
    fn relu_kernel(z: &[Self], a: &mut [Self]) {
        for (a, &z) in a.iter_mut().zip(z) {
            *a = if z > Self::ZERO { z } else { Self::ZERO };
        }
    }
    /// Kernel behind [`relu_mask`] (see [`Real::dot_kernel`]).
    #[inline(always)]
    fn relu_mask_kernel(z: &[Self], d: &mut [Self]) -> bool {
        let mut any = false;
        for (d, &z) in d.iter_mut().zip(z) {
            let on = z > Self::ZERO;
            *d = if on { *d } else { Self::ZERO };
            any |= on;
        }
        any
    }
    /// Kernel behind [`adam_update`] (see [`Real::dot_kernel`]).
    #[inline(always)]
    fn adam_kernel(
        w: &mut [Self],
        g: &[Self],
        m: &mut [Self],
        v: &mut [Self],
        u: &mut [Self],
        k: AdamConsts<Self>,
    ) {
        for ((((w, &g), m), v), u) in w.iter_mut().zip(g).zip(m).zip(v).zip(u) {
            *u = adam_one(w, g, m, v, k);
        }
    }
}

/// Per-step constants of an Adam update.
#[derive(Clone, Copy, Debug)]
pub struct AdamConsts<R> {
    pub lr_t: R,
    pub c1: R,
    pub c2: R,
    pub eps: R,
}

/// One Adam update of one parameter; returns the step `u` (`w ← w − u`).
#[inline(always)]
pub fn adam_one<R: Real>(w: &mut R, g: R, m: &mut R, v: &mut R, k: AdamConsts<R>) -> R {
    *m += (g - *m) * k.c1;
    *v += (g * g - *v) * k.c2;
    let u = k.lr_t * *m / (v.sqrt() + k.eps);
    *w -= u;
    u
}

/// The scalar methods, the same for both float types but for the type's name.
macro_rules! impl_real {
    ($t:ident { $($kernels:item)* }) => {
        impl Real for $t {
            const ZERO: Self = 0.0;
            const ONE: Self = 1.0;
            #[inline(always)]
            fn from_f64(x: f64) -> Self {
                x as $t
            }
            #[inline(always)]
            fn to_f64(self) -> f64 {
                self as f64
            }
            #[inline(always)]
            fn sqrt(self) -> Self {
                $t::sqrt(self)
            }
            #[inline(always)]
            fn is_finite(self) -> bool {
                $t::is_finite(self)
            }
            $($kernels)*
        }
    };
}

// f32 trains the networks: branch-free math that vectorises, and in wasm with simd128
// explicit f32x4 kernels.
impl_real!(f32 {
    #[inline(always)]
    fn exp(self) -> Self {
        super::vmath::exp_f32(self)
    }
    #[inline(always)]
    fn exp_m1(self) -> Self {
        super::vmath::exp_m1_f32(self)
    }
    #[inline(always)]
    fn tanh(self) -> Self {
        super::vmath::tanh_f32(self)
    }
    #[inline(always)]
    fn erf(self) -> Self {
        super::vmath::erf_f32(self)
    }
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    #[inline(always)]
    fn dot_kernel(a: &[Self], b: &[Self]) -> Self {
        simd::dot(a, b)
    }
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    #[inline(always)]
    fn dot_rows_kernel(d: &[Self], src: &[Self], stride: usize, out: &mut [Self]) {
        simd::dot_rows(d, src, stride, out)
    }
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    #[inline(always)]
    fn gemm_kernel(g: &super::gemm::Gemm<'_, Self>, out: &mut [Self], ors: usize) {
        super::gemm::simd::gemm(g, out, ors)
    }
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    #[inline(always)]
    fn sum_kernel(a: &[Self]) -> Self {
        simd::sum(a)
    }
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    #[inline(always)]
    fn axpy_kernel(a: Self, x: &[Self], y: &mut [Self]) {
        simd::axpy(a, x, y)
    }
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    #[inline(always)]
    fn lin_comb_kernel(
        init: Self,
        w: &[Self],
        w_stride: usize,
        n_terms: usize,
        src: &[Self],
        stride: usize,
        out: &mut [Self],
    ) {
        simd::lin_comb(init, w, w_stride, n_terms, src, stride, out)
    }
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    #[inline(always)]
    fn relu_kernel(z: &[Self], a: &mut [Self]) {
        simd::relu(z, a)
    }
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    #[inline(always)]
    fn relu_mask_kernel(z: &[Self], d: &mut [Self]) -> bool {
        simd::relu_mask(z, d)
    }
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    #[inline(always)]
    fn adam_kernel(
        w: &mut [Self],
        g: &[Self],
        m: &mut [Self],
        v: &mut [Self],
        u: &mut [Self],
        k: AdamConsts<Self>,
    ) {
        simd::adam(w, g, m, v, u, k)
    }
});

// f64 is the reference for the gradient checks: `std`'s math and the generic kernels.
impl_real!(f64 {
    #[inline(always)]
    fn exp(self) -> Self {
        f64::exp(self)
    }
    #[inline(always)]
    fn exp_m1(self) -> Self {
        f64::exp_m1(self)
    }
    #[inline(always)]
    fn tanh(self) -> Self {
        f64::tanh(self)
    }
    #[inline(always)]
    fn erf(self) -> Self {
        super::activation::erf(self)
    }
});

/// Dot product with eight independent accumulators, so LLVM can keep them in SIMD lanes
/// (a single running sum is a serial dependency it may not reorder). The summation order is
/// fixed, so the result is deterministic.
#[inline]
pub fn dot<R: Real>(a: &[R], b: &[R]) -> R {
    R::dot_kernel(a, b)
}

#[inline(always)]
fn generic_dot<R: Real>(a: &[R], b: &[R]) -> R {
    let n = a.len().min(b.len());
    let (a, b) = (&a[..n], &b[..n]);
    let mut acc = [R::ZERO; 8];
    let ca = a.chunks_exact(8);
    let cb = b.chunks_exact(8);
    let (ra, rb) = (ca.remainder(), cb.remainder());
    for (x, y) in ca.zip(cb) {
        for k in 0..8 {
            acc[k] += x[k] * y[k];
        }
    }
    let mut tail = R::ZERO;
    for (x, y) in ra.iter().zip(rb) {
        tail += *x * *y;
    }
    ((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7])) + tail
}

/// 0 when every value of `x` is finite, NaN otherwise: Σ x·0 (x·0 is ±0 for a finite x and
/// NaN for ±∞ or NaN), in eight lanes so that it vectorises.
#[inline]
pub fn finite_probe<R: Real>(x: &[R]) -> R {
    let mut acc = [R::ZERO; 8];
    let chunks = x.chunks_exact(8);
    let mut tail = R::ZERO;
    for &v in chunks.remainder() {
        tail += v * R::ZERO;
    }
    for c in chunks {
        for k in 0..8 {
            acc[k] += c[k] * R::ZERO;
        }
    }
    acc.iter().fold(tail, |s, &a| s + a)
}

/// Sum with eight accumulators (see [`dot`]).
#[inline]
pub fn sum<R: Real>(a: &[R]) -> R {
    R::sum_kernel(a)
}

#[inline(always)]
fn generic_sum<R: Real>(a: &[R]) -> R {
    let mut acc = [R::ZERO; 8];
    let c = a.chunks_exact(8);
    let r = c.remainder();
    for x in c {
        for k in 0..8 {
            acc[k] += x[k];
        }
    }
    let mut tail = R::ZERO;
    for x in r {
        tail += *x;
    }
    ((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7])) + tail
}

/// `y[k] += a * x[k]`.
#[inline]
pub fn axpy<R: Real>(a: R, x: &[R], y: &mut [R]) {
    R::axpy_kernel(a, x, y)
}

#[inline(always)]
fn generic_axpy<R: Real>(a: R, x: &[R], y: &mut [R]) {
    let n = x.len().min(y.len());
    let (x, y) = (&x[..n], &mut y[..n]);
    // Fixed 8-wide blocks: no bounds checks and no length bookkeeping inside a block.
    let mut yc = y.chunks_exact_mut(8);
    let mut xc = x.chunks_exact(8);
    for (yb, xb) in (&mut yc).zip(&mut xc) {
        for k in 0..8 {
            yb[k] += a * xb[k];
        }
    }
    for (yy, xx) in yc.into_remainder().iter_mut().zip(xc.remainder()) {
        *yy += a * *xx;
    }
}

/// `out[b] = init + w[0]·src[b] + w[s]·src[stride + b] + … + w[(n−1)s]·src[(n−1)·stride + b]`
/// for every `b < out.len()`, summed left to right (`s = w_stride`). This is `out.fill(init)`
/// followed by `n_terms` [`axpy`]s, with the same result bit for bit, but the running sums can
/// stay in registers.
///
/// Panics unless `w` holds `n_terms` weights at stride `w_stride` and `src` holds `n_terms`
/// rows of `out.len()` at stride `stride`.
#[inline]
pub fn lin_comb<R: Real>(
    init: R,
    w: &[R],
    w_stride: usize,
    n_terms: usize,
    src: &[R],
    stride: usize,
    out: &mut [R],
) {
    if n_terms > 0 {
        assert!(w.len() > (n_terms - 1) * w_stride);
        assert!(src.len() >= (n_terms - 1) * stride + out.len());
    }
    R::lin_comb_kernel(init, w, w_stride, n_terms, src, stride, out)
}

#[inline(always)]
fn generic_lin_comb<R: Real>(
    init: R,
    w: &[R],
    w_stride: usize,
    n_terms: usize,
    src: &[R],
    stride: usize,
    out: &mut [R],
) {
    let n = out.len();
    out.fill(init);
    for k in 0..n_terms {
        generic_axpy(w[k * w_stride], &src[k * stride..k * stride + n], out);
    }
}

/// `out[i] = dot(d, src[i·stride .. i·stride + d.len()])` for every `i < out.len()`, each the
/// same bits as [`dot`]. Panics unless `src` holds every row.
#[inline]
pub fn dot_rows<R: Real>(d: &[R], src: &[R], stride: usize, out: &mut [R]) {
    if !out.is_empty() {
        assert!(src.len() >= (out.len() - 1) * stride + d.len());
    }
    R::dot_rows_kernel(d, src, stride, out)
}

/// `a = max(z, 0)` elementwise (NaN and −0 give +0).
#[inline]
pub fn relu<R: Real>(z: &[R], a: &mut [R]) {
    R::relu_kernel(z, a)
}

/// `d = d` where `z > 0`, else `+0`; returns whether `z > 0` anywhere.
#[inline]
pub fn relu_mask<R: Real>(z: &[R], d: &mut [R]) -> bool {
    R::relu_mask_kernel(z, d)
}

/// Adam over parallel slices: updates `w`, `m`, `v` from `g` and writes each step into `u`.
#[inline]
pub fn adam_update<R: Real>(
    w: &mut [R],
    g: &[R],
    m: &mut [R],
    v: &mut [R],
    u: &mut [R],
    k: AdamConsts<R>,
) {
    R::adam_kernel(w, g, m, v, u, k)
}

/// Explicit SIMD128 kernels for f32 in wasm. Every kernel sums in exactly the order of its
/// generic counterpart, and wasm has no fused multiply-add here, so results are the same bits.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod simd {
    use super::AdamConsts;
    use core::arch::wasm32::*;

    /// Four f32 from `p` as one vector (an unaligned load).
    ///
    /// # Safety
    ///
    /// `p` must be valid for reading 16 bytes: four consecutive f32 `p[0..4]`, all inside one
    /// allocation. No alignment is needed.
    #[inline(always)]
    unsafe fn ld(p: *const f32) -> v128 {
        v128_load(p as *const v128)
    }
    /// Stores the vector `v` as four f32 at `p` (an unaligned store).
    ///
    /// # Safety
    ///
    /// `p` must be valid for writing 16 bytes: four consecutive f32 `p[0..4]`, all inside one
    /// allocation, that no live reference aliases. No alignment is needed.
    #[inline(always)]
    unsafe fn st(p: *mut f32, v: v128) {
        v128_store(p as *mut v128, v)
    }

    #[inline(always)]
    fn dot_inline(a: &[f32], b: &[f32]) -> f32 {
        let n = a.len().min(b.len());
        let blocks = n / 8;
        let (pa, pb) = (a.as_ptr(), b.as_ptr());
        let mut lo = f32x4_splat(0.0);
        let mut hi = f32x4_splat(0.0);
        for c in 0..blocks {
            // SAFETY: 8 * c + 8 <= n <= a.len(), b.len().
            unsafe {
                let o = 8 * c;
                lo = f32x4_add(lo, f32x4_mul(ld(pa.add(o)), ld(pb.add(o))));
                hi = f32x4_add(hi, f32x4_mul(ld(pa.add(o + 4)), ld(pb.add(o + 4))));
            }
        }
        let mut tail = 0.0f32;
        for k in blocks * 8..n {
            tail += a[k] * b[k];
        }
        let s = f32x4_add(lo, hi);
        ((f32x4_extract_lane::<0>(s) + f32x4_extract_lane::<1>(s))
            + (f32x4_extract_lane::<2>(s) + f32x4_extract_lane::<3>(s)))
            + tail
    }

    #[inline(never)]
    pub fn dot_rows(d: &[f32], src: &[f32], stride: usize, out: &mut [f32]) {
        // The caller checked src.len() >= (out.len() - 1) * stride + d.len().
        let n = d.len();
        for (i, o) in out.iter_mut().enumerate() {
            // SAFETY: row i spans i * stride..i * stride + n within src.
            let row = unsafe { core::slice::from_raw_parts(src.as_ptr().add(i * stride), n) };
            *o = dot_inline(d, row);
        }
    }

    #[inline(never)]
    pub fn dot(a: &[f32], b: &[f32]) -> f32 {
        dot_inline(a, b)
    }

    #[inline(never)]
    pub fn sum(a: &[f32]) -> f32 {
        let n = a.len();
        let blocks = n / 8;
        let pa = a.as_ptr();
        let mut lo = f32x4_splat(0.0);
        let mut hi = f32x4_splat(0.0);
        for c in 0..blocks {
            // SAFETY: 8 * c + 8 <= n.
            unsafe {
                let o = 8 * c;
                lo = f32x4_add(lo, ld(pa.add(o)));
                hi = f32x4_add(hi, ld(pa.add(o + 4)));
            }
        }
        let mut tail = 0.0f32;
        for x in &a[blocks * 8..] {
            tail += *x;
        }
        let s = f32x4_add(lo, hi);
        ((f32x4_extract_lane::<0>(s) + f32x4_extract_lane::<1>(s))
            + (f32x4_extract_lane::<2>(s) + f32x4_extract_lane::<3>(s)))
            + tail
    }

    #[inline(never)]
    pub fn axpy(a: f32, x: &[f32], y: &mut [f32]) {
        let n = x.len().min(y.len());
        let blocks = n / 4;
        let va = f32x4_splat(a);
        let (px, py) = (x.as_ptr(), y.as_mut_ptr());
        for c in 0..blocks {
            // SAFETY: 4 * c + 4 <= n.
            unsafe {
                let o = 4 * c;
                st(
                    py.add(o),
                    f32x4_add(ld(py.add(o)), f32x4_mul(va, ld(px.add(o)))),
                );
            }
        }
        for k in blocks * 4..n {
            y[k] += a * x[k];
        }
    }

    #[inline(never)]
    pub fn lin_comb(
        init: f32,
        w: &[f32],
        w_stride: usize,
        n_terms: usize,
        src: &[f32],
        stride: usize,
        out: &mut [f32],
    ) {
        // The caller checked: w.len() > (n_terms - 1) * w_stride and
        // src.len() >= (n_terms - 1) * stride + out.len() (when n_terms > 0).
        let n = out.len();
        let (pw, ps, po) = (w.as_ptr(), src.as_ptr(), out.as_mut_ptr());
        let vi = f32x4_splat(init);
        let mut b = 0;
        // SAFETY: lanes b..b + width <= n, so every src read is at
        // k * stride + b + lane < (n_terms - 1) * stride + n <= src.len(), every weight read
        // at k * w_stride < w.len(), every write below n.
        unsafe {
            while b + 16 <= n {
                let (mut a0, mut a1, mut a2, mut a3) = (vi, vi, vi, vi);
                for k in 0..n_terms {
                    let wk = f32x4_splat(*pw.add(k * w_stride));
                    let p = ps.add(k * stride + b);
                    a0 = f32x4_add(a0, f32x4_mul(wk, ld(p)));
                    a1 = f32x4_add(a1, f32x4_mul(wk, ld(p.add(4))));
                    a2 = f32x4_add(a2, f32x4_mul(wk, ld(p.add(8))));
                    a3 = f32x4_add(a3, f32x4_mul(wk, ld(p.add(12))));
                }
                st(po.add(b), a0);
                st(po.add(b + 4), a1);
                st(po.add(b + 8), a2);
                st(po.add(b + 12), a3);
                b += 16;
            }
            while b + 4 <= n {
                let mut a0 = vi;
                for k in 0..n_terms {
                    let wk = f32x4_splat(*pw.add(k * w_stride));
                    a0 = f32x4_add(a0, f32x4_mul(wk, ld(ps.add(k * stride + b))));
                }
                st(po.add(b), a0);
                b += 4;
            }
            while b < n {
                let mut a0 = init;
                for k in 0..n_terms {
                    a0 += *pw.add(k * w_stride) * *ps.add(k * stride + b);
                }
                *po.add(b) = a0;
                b += 1;
            }
        }
    }

    #[inline(never)]
    pub fn relu(z: &[f32], a: &mut [f32]) {
        let n = z.len().min(a.len());
        let blocks = n / 4;
        let zero = f32x4_splat(0.0);
        let (pz, pa) = (z.as_ptr(), a.as_mut_ptr());
        for c in 0..blocks {
            // SAFETY: 4 * c + 4 <= n.
            unsafe {
                let v = ld(pz.add(4 * c));
                st(pa.add(4 * c), v128_and(v, f32x4_gt(v, zero)));
            }
        }
        for k in blocks * 4..n {
            a[k] = if z[k] > 0.0 { z[k] } else { 0.0 };
        }
    }

    #[inline(never)]
    pub fn relu_mask(z: &[f32], d: &mut [f32]) -> bool {
        let n = z.len().min(d.len());
        let blocks = n / 4;
        let zero = f32x4_splat(0.0);
        let (pz, pd) = (z.as_ptr(), d.as_mut_ptr());
        let mut any = zero;
        for c in 0..blocks {
            // SAFETY: 4 * c + 4 <= n.
            unsafe {
                let m = f32x4_gt(ld(pz.add(4 * c)), zero);
                st(pd.add(4 * c), v128_and(ld(pd.add(4 * c)), m));
                any = v128_or(any, m);
            }
        }
        let mut on_any = v128_any_true(any);
        for k in blocks * 4..n {
            let on = z[k] > 0.0;
            d[k] = if on { d[k] } else { 0.0 };
            on_any |= on;
        }
        on_any
    }

    #[inline(never)]
    pub fn adam(
        w: &mut [f32],
        g: &[f32],
        m: &mut [f32],
        v: &mut [f32],
        u: &mut [f32],
        k: AdamConsts<f32>,
    ) {
        let n = w.len().min(g.len()).min(m.len()).min(v.len()).min(u.len());
        let blocks = n / 4;
        let (c1, c2) = (f32x4_splat(k.c1), f32x4_splat(k.c2));
        let (lr, eps) = (f32x4_splat(k.lr_t), f32x4_splat(k.eps));
        let (pw, pg, pm, pv, pu) = (
            w.as_mut_ptr(),
            g.as_ptr(),
            m.as_mut_ptr(),
            v.as_mut_ptr(),
            u.as_mut_ptr(),
        );
        for c in 0..blocks {
            // SAFETY: 4 * c + 4 <= n, the shortest slice's length.
            unsafe {
                let o = 4 * c;
                let gg = ld(pg.add(o));
                let mut mm = ld(pm.add(o));
                let mut vv = ld(pv.add(o));
                mm = f32x4_add(mm, f32x4_mul(f32x4_sub(gg, mm), c1));
                vv = f32x4_add(vv, f32x4_mul(f32x4_sub(f32x4_mul(gg, gg), vv), c2));
                let uu = f32x4_div(f32x4_mul(lr, mm), f32x4_add(f32x4_sqrt(vv), eps));
                st(pm.add(o), mm);
                st(pv.add(o), vv);
                st(pu.add(o), uu);
                st(pw.add(o), f32x4_sub(ld(pw.add(o)), uu));
            }
        }
        for i in blocks * 4..n {
            u[i] = super::adam_one(&mut w[i], g[i], &mut m[i], &mut v[i], k);
        }
    }
}
