//! "Born dead": the share of randomly initialised ReLU nets whose output is already constant
//! over the inputs before any training, after Lu, Shin, Su and Karniadakis, "Dying ReLU and
//! Initialization: Theory and Numerical Examples", Commun. Comput. Phys. 28(5), 2020
//! (arXiv 1903.06733).
//!
//! A net here has `depth` hidden layers of `width` units on seed 002's four inputs. It is
//! *born dead* on a set of inputs when its last hidden layer sends every input to the same
//! vector: whatever the output layer, the output is then constant, and no gradient can tell
//! the inputs apart. At a single input point x the paper's event is that some hidden layer
//! is all zero at x; with zero biases and weights from any symmetric continuous distribution
//! each unit is off with probability 1/2, independently given the layer below, so
//! P(dead at x) = 1 − (1 − 2^−N)^L exactly ([`single_point_formula`]).
//!
//! Each trial draws one net of the largest depth and reads off every shallower depth as its
//! first layers, so one trial gives a (correlated) sample at every depth and the curves rise
//! monotonically. Trial `t` draws from its own generator, seeded from (seed, method, width,
//! t): a range of trials gives the same counts however it is split into chunks.

use crate::sim::rng::{rng_from_seed, SimRng};
use rand::Rng;
use rand_distr::StandardNormal;

/// The deepest net drawn.
pub const MAX_DEPTH: usize = 50;
/// The widest net offered.
pub const MAX_WIDTH: usize = 10;
/// RAI's spread: the symmetric entries are N(0, σ²/fan_in) with σ = 0.6007, the value the
/// paper's second-moment analysis gives for P = Beta(2, 1) (Section 4).
pub const RAI_SIGMA: f64 = 0.6007;
/// Leaky ReLU's slope for x < 0.
pub const LEAKY_ALPHA: f64 = 0.01;

/// How a net's weights and biases are drawn, and its activation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// He normal: weights N(0, 2/fan_in), biases 0, ReLU.
    He,
    /// Randomized asymmetric initialization (Lu et al. 2020, Section 4), ReLU: for each unit,
    /// its weights and bias V = (w, b) are drawn from N(0, σ²/fan_in), then one entry of V
    /// chosen uniformly at random is redrawn from the asymmetric Beta(2, 1) on [0, 1].
    Rai,
    /// He normal weights, biases 0, Leaky ReLU (α = 0.01): a unit is never exactly 0.
    Leaky,
}

impl Method {
    pub const ALL: [Method; 3] = [Method::He, Method::Rai, Method::Leaky];

    pub fn label(self) -> &'static str {
        match self {
            Method::He => "ReLU, He init",
            Method::Rai => "ReLU, RAI",
            Method::Leaky => "Leaky ReLU, He init",
        }
    }

    pub fn index(self) -> usize {
        match self {
            Method::He => 0,
            Method::Rai => 1,
            Method::Leaky => 2,
        }
    }

    pub fn from_index(i: usize) -> Option<Method> {
        Method::ALL.get(i).copied()
    }
}

/// 1 − (1 − 2^−N)^L: the probability that a zero-bias ReLU net of depth L and width N with
/// symmetric weights is dead at one input point.
pub fn single_point_formula(width: usize, depth: usize) -> f64 {
    let p = 0.5f64.powi(width as i32);
    1.0 - (1.0 - p).powi(depth as i32)
}

/// Counts over a number of trials, per depth 1..=MAX_DEPTH (index depth − 1).
#[derive(Clone, Debug, PartialEq)]
pub struct Tally {
    pub trials: u64,
    /// Nets whose output is constant over the whole input set.
    pub dead: Vec<u64>,
    /// Nets with an all-zero hidden layer at the first input point alone.
    pub dead_at_point: Vec<u64>,
}

impl Default for Tally {
    fn default() -> Self {
        Tally {
            trials: 0,
            dead: vec![0; MAX_DEPTH],
            dead_at_point: vec![0; MAX_DEPTH],
        }
    }
}

impl Tally {
    pub fn add(&mut self, other: &Tally) {
        self.trials += other.trials;
        for (a, b) in self.dead.iter_mut().zip(&other.dead) {
            *a += b;
        }
        for (a, b) in self.dead_at_point.iter_mut().zip(&other.dead_at_point) {
            *a += b;
        }
    }

    /// Share born dead at `depth` (1-based) over the set; NaN before any trial.
    pub fn fraction(&self, depth: usize) -> f64 {
        share(self.dead.get(depth.wrapping_sub(1)).copied(), self.trials)
    }

    /// Share dead at the single point at `depth`.
    pub fn point_fraction(&self, depth: usize) -> f64 {
        share(
            self.dead_at_point.get(depth.wrapping_sub(1)).copied(),
            self.trials,
        )
    }

    /// The 95 % Wilson interval of the share at `depth` (a sound interval near 0 and 1 too).
    pub fn interval(&self, depth: usize) -> (f64, f64) {
        let k = self.dead.get(depth.wrapping_sub(1)).copied().unwrap_or(0);
        wilson(k, self.trials)
    }

    /// The first depth at which at least `share` of the nets are born dead.
    pub fn depth_reaching(&self, share: f64) -> Option<usize> {
        (1..=MAX_DEPTH).find(|&d| self.fraction(d) >= share)
    }
}

fn share(k: Option<u64>, n: u64) -> f64 {
    match k {
        Some(k) if n > 0 => k as f64 / n as f64,
        _ => f64::NAN,
    }
}

/// 95 % Wilson score interval for k successes in n trials.
pub fn wilson(k: u64, n: u64) -> (f64, f64) {
    if n == 0 {
        return (0.0, 1.0);
    }
    let (n, p, z) = (n as f64, k as f64 / n as f64, 1.959_963_984_540_054);
    let denom = 1.0 + z * z / n;
    let centre = (p + z * z / (2.0 * n)) / denom;
    let half = z * ((p * (1.0 - p) + z * z / (4.0 * n)) / n).sqrt() / denom;
    ((centre - half).max(0.0), (centre + half).min(1.0))
}

/// The generator of one trial.
fn trial_rng(seed: u64, method: Method, width: usize, trial: u64) -> SimRng {
    let mix = seed
        ^ (method.index() as u64 + 1).wrapping_mul(0xD1B5_4A32_D192_ED03)
        ^ (width as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)
        ^ trial.wrapping_mul(0xBF58_476D_1CE4_E5B9);
    rng_from_seed(mix)
}

fn normal(rng: &mut SimRng) -> f64 {
    rng.sample(StandardNormal)
}

/// Beta(2, 1) on [0, 1] (density 2x): the larger of two uniforms.
fn beta_2_1(rng: &mut SimRng) -> f64 {
    let a: f64 = rng.random();
    let b: f64 = rng.random();
    a.max(b)
}

/// Draws one layer: `w[j * fan_in + i]` and `b[j]`.
fn draw_layer(
    rng: &mut SimRng,
    method: Method,
    fan_in: usize,
    width: usize,
) -> (Vec<f64>, Vec<f64>) {
    let mut w = vec![0.0; width * fan_in];
    let mut b = vec![0.0; width];
    match method {
        Method::He | Method::Leaky => {
            let sd = (2.0 / fan_in as f64).sqrt();
            w.iter_mut().for_each(|v| *v = sd * normal(rng));
        }
        Method::Rai => {
            let sd = RAI_SIGMA / (fan_in as f64).sqrt();
            for j in 0..width {
                let row = &mut w[j * fan_in..(j + 1) * fan_in];
                row.iter_mut().for_each(|v| *v = sd * normal(rng));
                b[j] = sd * normal(rng);
                let k = rng.random_range(0..=fan_in as u32) as usize;
                let v = beta_2_1(rng);
                if k == fan_in {
                    b[j] = v;
                } else {
                    row[k] = v;
                }
            }
        }
    }
    (w, b)
}

/// Runs trials `first .. first + count` for one method and width over `inputs` (row-major,
/// `features` per point; the first point is the single point) and counts, per depth, the nets
/// born dead over the set and the nets dead at the first point.
pub fn run_trials(
    method: Method,
    width: usize,
    inputs: &[f64],
    features: usize,
    seed: u64,
    first: u64,
    count: u64,
) -> Tally {
    let mut tally = Tally::default();
    for t in first..first + count {
        let mut rng = trial_rng(seed, method, width.max(1), t);
        let (set, point) = one_trial(&mut rng, method, width.max(1), inputs, features.max(1));
        for d in 0..MAX_DEPTH {
            tally.dead[d] += (set.is_some_and(|s| s <= d + 1)) as u64;
            tally.dead_at_point[d] += (point.is_some_and(|s| s <= d + 1)) as u64;
        }
        tally.trials += 1;
    }
    tally
}

/// One net: the first depth at which every input maps to the same vector, and the first depth
/// at which the first input's layer is all zero (None when it never happens by MAX_DEPTH).
fn one_trial(
    rng: &mut SimRng,
    method: Method,
    width: usize,
    inputs: &[f64],
    features: usize,
) -> (Option<usize>, Option<usize>) {
    let mut points = inputs.len() / features;
    let mut h: Vec<f64> = inputs[..points * features].to_vec();
    let mut fan_in = features;
    let (mut set_dead, mut point_dead) = (None, None);
    for depth in 1..=MAX_DEPTH {
        let (w, b) = draw_layer(rng, method, fan_in, width);
        h = layer_forward(&h, points, fan_in, &w, &b, method);
        fan_in = width;
        if points == 0 {
            break;
        }
        let first = &h[..width];
        if point_dead.is_none() && first.iter().all(|&v| v == 0.0) {
            point_dead = Some(depth);
        }
        if set_dead.is_none() && (1..points).all(|p| &h[p * width..(p + 1) * width] == first) {
            // Every later layer sees the same vector for every input: constant from here on.
            set_dead = Some(depth);
        }
        if let (Some(_), Some(_)) = (set_dead, point_dead) {
            break;
        }
        if set_dead.is_some() {
            // Only the first point still matters (for the single-point count).
            points = 1;
            h.truncate(width);
        }
    }
    (set_dead, point_dead)
}

/// One layer over every point: `f(W·x + b)`.
fn layer_forward(
    h: &[f64],
    points: usize,
    fan_in: usize,
    w: &[f64],
    b: &[f64],
    method: Method,
) -> Vec<f64> {
    let width = b.len();
    let mut next = vec![0.0; points * width];
    for p in 0..points {
        let x = &h[p * fan_in..(p + 1) * fan_in];
        for j in 0..width {
            let row = &w[j * fan_in..(j + 1) * fan_in];
            let z: f64 = row.iter().zip(x).map(|(a, b)| a * b).sum::<f64>() + b[j];
            next[p * width + j] = if z > 0.0 {
                z
            } else if method == Method::Leaky {
                LEAKY_ALPHA * z
            } else {
                0.0
            };
        }
    }
    next
}
