//! Small matrix products for dense layers, register-blocked.
//!
//! One routine serves the three products of a layer (see [`Gemm`]): the forward pass
//! `Z = W·A + b`, the backward deltas `Δprev = Wᵀ·Δ` and the weight gradient `∇W = Δ·Aᵀ`.
//! The output is cut into tiles of 4 rows × 8 columns; a tile's 32 running sums stay in
//! registers (eight f32x4) while the inner dimension streams past, so each loaded value feeds
//! 4 or 8 multiply-adds instead of one. Columns are the contiguous dimension (the batch, in
//! the feature-major workspace), rows may have any stride, which is how `W` and `Wᵀ` share
//! one kernel. Every sum starts from its row's initial value and adds the terms in order of
//! `k`, with no fused multiply-add: the portable and the SIMD128 kernels give the same bits.

use super::real::Real;

/// `out[r·ors + c] = init_r + Σ_k lhs[r·lrs + k·lks] · rhs[k·rrs + c]` for `r < m`, `c < n`,
/// summed in order of `k`; `init_r` is `bias[r]`, or 0 without a bias.
#[derive(Clone, Copy, Debug)]
pub struct Gemm<'a, R> {
    pub m: usize,
    pub n: usize,
    pub k: usize,
    pub lhs: &'a [R],
    /// Stride between rows of the left operand.
    pub lrs: usize,
    /// Stride along its inner dimension.
    pub lks: usize,
    pub rhs: &'a [R],
    /// Stride between rows (inner dimension) of the right operand; its columns are contiguous.
    pub rrs: usize,
    pub bias: Option<&'a [R]>,
}

/// Rows per tile.
pub const MR: usize = 4;
/// Columns per tile (two f32x4).
pub const NR: usize = 8;

/// Runs the product into `out` (row stride `ors`). Panics unless every index the product
/// touches is inside its slice, so the kernels may read without bounds checks.
#[inline]
pub fn gemm<R: Real>(g: &Gemm<'_, R>, out: &mut [R], ors: usize) {
    if g.m == 0 || g.n == 0 {
        return;
    }
    assert!(out.len() >= (g.m - 1) * ors + g.n, "gemm: output too short");
    assert!(ors >= g.n || g.m == 1, "gemm: output rows overlap");
    if let Some(b) = g.bias {
        assert!(b.len() >= g.m, "gemm: bias too short");
    }
    if g.k > 0 {
        assert!(
            g.lhs.len() > (g.m - 1) * g.lrs + (g.k - 1) * g.lks,
            "gemm: left operand too short"
        );
        assert!(
            g.rhs.len() >= (g.k - 1) * g.rrs + g.n,
            "gemm: right operand too short"
        );
    }
    R::gemm_kernel(g, out, ors)
}

/// The naive triple loop, in the same summation order: the reference the tests compare with.
pub fn gemm_naive<R: Real>(g: &Gemm<'_, R>, out: &mut [R], ors: usize) {
    for r in 0..g.m {
        for c in 0..g.n {
            let mut s = g.bias.map_or(R::ZERO, |b| b[r]);
            for k in 0..g.k {
                s += g.lhs[r * g.lrs + k * g.lks] * g.rhs[k * g.rrs + c];
            }
            out[r * ors + c] = s;
        }
    }
}

/// The portable kernel: fixed-size accumulator arrays that LLVM keeps in vector registers
/// (SSE natively, SIMD128 in wasm). Bounds were checked by [`gemm`].
#[inline(never)]
pub(crate) fn gemm_portable<R: Real>(g: &Gemm<'_, R>, out: &mut [R], ors: usize) {
    let mut r0 = 0;
    while r0 + MR <= g.m {
        row_block::<R, MR, NR>(g, out, ors, r0);
        r0 += MR;
    }
    // Leftover rows one at a time, 16 columns wide so that four independent sums hide
    // the latency of the additions (the output layer of one unit lands here).
    while r0 < g.m {
        row_block::<R, 1, 16>(g, out, ors, r0);
        r0 += 1;
    }
}

#[inline(always)]
fn row_block<R: Real, const M: usize, const N: usize>(
    g: &Gemm<'_, R>,
    out: &mut [R],
    ors: usize,
    r0: usize,
) {
    let mut c0 = 0;
    while c0 + N <= g.n {
        tile::<R, M, N>(g, out, ors, r0, c0);
        c0 += N;
    }
    if N > 8 && c0 + 8 <= g.n {
        tile::<R, M, 8>(g, out, ors, r0, c0);
        c0 += 8;
    }
    if c0 + 4 <= g.n {
        tile::<R, M, 4>(g, out, ors, r0, c0);
        c0 += 4;
    }
    while c0 < g.n {
        tile::<R, M, 1>(g, out, ors, r0, c0);
        c0 += 1;
    }
}

#[inline(always)]
fn tile<R: Real, const M: usize, const N: usize>(
    g: &Gemm<'_, R>,
    out: &mut [R],
    ors: usize,
    r0: usize,
    c0: usize,
) {
    let mut acc = [[R::ZERO; N]; M];
    if let Some(b) = g.bias {
        for (r, row) in acc.iter_mut().enumerate() {
            *row = [b[r0 + r]; N];
        }
    }
    // Unchecked reads: bounds checks in the inner loop cost a third of its instructions.
    // SAFETY: `gemm` checked that every row r < m, column c < n and inner index k < g.k lies
    // inside `lhs` and `rhs`, and the callers keep r0 + M <= m and c0 + N <= n, so every read
    // below (rows r0..r0 + M, columns c0..c0 + N, k < g.k) is in bounds.
    unsafe {
        let pl = g.lhs.as_ptr().add(r0 * g.lrs);
        let pr = g.rhs.as_ptr().add(c0);
        for k in 0..g.k {
            let x = &*(pr.add(k * g.rrs) as *const [R; N]);
            let lk = pl.add(k * g.lks);
            for (r, row) in acc.iter_mut().enumerate() {
                let l = *lk.add(r * g.lrs);
                for (a, &xv) in row.iter_mut().zip(x) {
                    *a += l * xv;
                }
            }
        }
    }
    for (r, row) in acc.iter().enumerate() {
        out[(r0 + r) * ors + c0..][..N].copy_from_slice(row);
    }
}

/// The explicit SIMD128 kernel for f32 in wasm: the same tiles and the same order of
/// operations as [`gemm_portable`], so the same bits.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
pub(crate) mod simd {
    use super::Gemm;
    use core::arch::wasm32::*;

    #[inline(never)]
    pub fn gemm(g: &Gemm<'_, f32>, out: &mut [f32], ors: usize) {
        let mut r0 = 0;
        // SAFETY: `super::gemm` checked that all rows r < m, columns c < n and inner indices
        // k < g.k of the three operands lie inside their slices, and that `out` holds
        // (m - 1)·ors + n values with ors >= n; both loops keep r0 + M <= m, which is what
        // `row_block` asks for.
        unsafe {
            while r0 + 4 <= g.m {
                row_block::<4, 2>(g, out.as_mut_ptr(), ors, r0);
                r0 += 4;
            }
            while r0 < g.m {
                row_block::<1, 4>(g, out.as_mut_ptr(), ors, r0);
                r0 += 1;
            }
        }
    }

    /// Rows `r0..r0 + M` of the product, every column: whole tiles of `4·NV` columns, then
    /// narrower ones, then the portable kernel for a ragged edge of 1 to 3 columns.
    ///
    /// # Safety
    ///
    /// `g` must have passed `super::gemm`'s checks (every row r < g.m, column c < g.n and
    /// inner index k < g.k of `lhs`, `rhs` and `bias` inside its slice), `r0 + M <= g.m`, and
    /// `po` must point to the start of an output buffer, valid for reads and writes, of at
    /// least `(g.m - 1)·ors + g.n` f32 with `ors >= g.n` (or `g.m == 1`), that nothing else
    /// reads or writes during the call.
    #[inline(always)]
    unsafe fn row_block<const M: usize, const NV: usize>(
        g: &Gemm<'_, f32>,
        po: *mut f32,
        ors: usize,
        r0: usize,
    ) {
        let mut c0 = 0;
        while c0 + 4 * NV <= g.n {
            tile::<M, NV>(g, po, ors, r0, c0);
            c0 += 4 * NV;
        }
        if NV > 2 && c0 + 8 <= g.n {
            tile::<M, 2>(g, po, ors, r0, c0);
            c0 += 8;
        }
        if NV > 1 && c0 + 4 <= g.n {
            tile::<M, 1>(g, po, ors, r0, c0);
            c0 += 4;
        }
        if c0 < g.n {
            // A ragged edge of 1 to 3 columns: the portable tile, same order of operations.
            let n = g.n - c0;
            let out = core::slice::from_raw_parts_mut(po, (r0 + M - 1) * ors + g.n);
            for c in c0..c0 + n {
                super::tile::<f32, M, 1>(g, out, ors, r0, c);
            }
        }
    }

    /// One tile: rows `r0..r0 + M` × columns `c0..c0 + 4·NV` of the product, with unaligned
    /// SIMD128 loads and stores and no bounds checks.
    ///
    /// # Safety
    ///
    /// What [`row_block`] asks for, and besides `c0 + 4·NV <= g.n`, so that every read of
    /// `rhs` (at k·rrs + c0 .. k·rrs + c0 + 4·NV), of `lhs` (rows r0..r0 + M), of `bias`
    /// (r0..r0 + M) and every write through `po` (rows r0..r0 + M, the same columns) is inside
    /// its buffer.
    #[inline(always)]
    unsafe fn tile<const M: usize, const NV: usize>(
        g: &Gemm<'_, f32>,
        po: *mut f32,
        ors: usize,
        r0: usize,
        c0: usize,
    ) {
        let mut acc = [[f32x4_splat(0.0); NV]; M];
        if let Some(b) = g.bias {
            for (r, row) in acc.iter_mut().enumerate() {
                *row = [f32x4_splat(*b.get_unchecked(r0 + r)); NV];
            }
        }
        let (pl, pr) = (g.lhs.as_ptr(), g.rhs.as_ptr());
        for k in 0..g.k {
            let p = pr.add(k * g.rrs + c0);
            let mut x = [f32x4_splat(0.0); NV];
            for (v, xv) in x.iter_mut().enumerate() {
                *xv = v128_load(p.add(4 * v) as *const v128);
            }
            for (r, row) in acc.iter_mut().enumerate() {
                let l = v128_load32_splat(pl.add((r0 + r) * g.lrs + k * g.lks) as *const u32);
                for (a, &xv) in row.iter_mut().zip(&x) {
                    *a = f32x4_add(*a, f32x4_mul(l, xv));
                }
            }
        }
        for (r, row) in acc.iter().enumerate() {
            for (v, &a) in row.iter().enumerate() {
                v128_store(po.add((r0 + r) * ors + c0 + 4 * v) as *mut v128, a);
            }
        }
    }
}
