//! The one random number generator of the simulation.
//!
//! Xoshiro256++ is portable: its output depends only on the seed, never on the platform, so the
//! same `u64` seed gives bit-identical data, initial weights and shuffles natively and in wasm.
//! Every draw that must be reproducible goes through `u32`/`u64`/`f64` (never `usize`, whose
//! width differs between wasm32 and x86_64).

use rand::SeedableRng;

/// The generator every part of the simulation draws from.
pub type SimRng = rand_xoshiro::Xoshiro256PlusPlus;

/// A generator from a 64-bit seed (SplitMix64 expansion, as `seed_from_u64` defines it).
pub fn rng_from_seed(seed: u64) -> SimRng {
    SimRng::seed_from_u64(seed)
}

/// Fisher–Yates shuffle drawing `u32` indices, identical on every platform.
pub fn shuffle_u32(rng: &mut SimRng, items: &mut [u32]) {
    use rand::Rng;
    for i in (1..items.len()).rev() {
        let j = rng.random_range(0..=i as u32) as usize;
        items.swap(i, j);
    }
}

/// A tiny deterministic generator for test data (xorshift32): the next value of `state`.
#[cfg(test)]
pub(crate) fn xorshift32(state: &mut u32) -> u32 {
    *state ^= *state << 13;
    *state ^= *state >> 17;
    *state ^= *state << 5;
    *state
}
