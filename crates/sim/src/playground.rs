//! TensorFlow Playground's 2-D data sets, where a dead unit costs accuracy.
//!
//! The formulas are those of Playground's `src/dataset.ts` (repository
//! `tensorflow/playground`, commit 02469bd, read for this module), written again in Rust:
//! `classifyCircleData`, `classifyXORData`, `classifyTwoGaussData`, `classifySpiralData`,
//! `regressPlane` and `regressGaussian`. Playground calls a generator with
//! `(numSamples, noise)`, `noise` being its "Noise level" slider (0 to 50) divided by 100
//! (`generateData` in `src/playground.ts`), so `noise` here is that fraction, 0 to 0.5 on
//! Playground's page. It then shuffles the points (Fisher–Yates) and splits them; here the
//! shuffle draws from the same seeded generator after the points, and the first 70 % are the
//! training set as in [`Dataset::seed002`] (Playground's "Ratio of training to test data"
//! defaults to 50 %).
//!
//! Differences, all deliberate:
//! - Labels are 0/1 here (Playground's −1 becomes 0), for a sigmoid output and binary
//!   cross-entropy; regression targets are Playground's own.
//! - Uniform draws are this crate's ([`uniform`], from [`rng_from_seed`]) and normal ones
//!   `rand_distr`'s (Playground's `normalRandom` uses the Marsaglia polar method): the same
//!   distributions, not Playground's numbers.
//! - Playground's two-class generators loop `i < numSamples / 2` per class, which makes
//!   n + 1 points for an odd n; here the first class gets ⌈n/2⌉ and the second ⌊n/2⌋, so
//!   there are always `n` rows.
//!
//! Every generator draws its noise even when `noise` is 0 (as Playground does), so for the
//! circle, the exclusive or and the regressions, whose noise moves only the point the label
//! is read at, one seed gives the same points at every noise level, only some labels change.

use super::data::Dataset;
use super::init::uniform;
use super::rng::{rng_from_seed, shuffle_u32, SimRng};
use rand::Rng;
use rand_distr::StandardNormal;
use std::f64::consts::PI;

/// `classifyCircleData`'s `radius`: positives within radius·0.5, negatives between radius·0.7
/// and radius, and a label is 1 when its (noisy) point is closer than radius·0.5 to the origin.
pub const CIRCLE_RADIUS: f64 = 5.0;
/// `classifyXORData`'s half-width: coordinates uniform in [−5, 5) ...
pub const XOR_HALF_WIDTH: f64 = 5.0;
/// ... pushed 0.3 away from each axis (its `padding`).
pub const XOR_PADDING: f64 = 0.3;
/// `classifySpiralData`'s largest radius: r = i/(n/2)·5 ...
pub const SPIRAL_RADIUS: f64 = 5.0;
/// ... at angle t = 1.75·(i/(n/2))·2π (+π for the second arm): 1.75 turns.
pub const SPIRAL_TURNS: f64 = 1.75;
/// `regressPlane`'s and `regressGaussian`'s `radius`: inputs uniform in [−6, 6).
pub const REGRESS_RADIUS: f64 = 6.0;
/// `regressGaussian`'s bumps: centre (x, y) and sign.
pub const REGRESS_GAUSSIANS: [(f64, f64, f64); 6] = [
    (-4.0, 2.5, 1.0),
    (0.0, 2.5, -1.0),
    (4.0, 2.5, 1.0),
    (-4.0, -2.5, -1.0),
    (0.0, -2.5, 1.0),
    (4.0, -2.5, -1.0),
];
/// Playground's `NUM_SAMPLES_CLASSIFY` and `NUM_SAMPLES_REGRESS` (`src/playground.ts`).
pub const PLAYGROUND_CLASSIFY_SAMPLES: usize = 500;
pub const PLAYGROUND_REGRESS_SAMPLES: usize = 1200;

/// One of Playground's data sets.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Task2d {
    Circle,
    Xor,
    TwoGaussians,
    Spiral,
    /// Regression: `regressPlane`.
    Plane,
    /// Regression: `regressGaussian` ("multi gaussian" on Playground's page).
    MultiGaussian,
}

impl Task2d {
    pub const ALL: [Task2d; 6] = [
        Task2d::Circle,
        Task2d::Xor,
        Task2d::TwoGaussians,
        Task2d::Spiral,
        Task2d::Plane,
        Task2d::MultiGaussian,
    ];

    /// Playground's own key for it (its `datasets` and `regDatasets` in `src/state.ts`).
    pub fn id(self) -> &'static str {
        match self {
            Task2d::Circle => "circle",
            Task2d::Xor => "xor",
            Task2d::TwoGaussians => "gauss",
            Task2d::Spiral => "spiral",
            Task2d::Plane => "reg-plane",
            Task2d::MultiGaussian => "reg-gauss",
        }
    }

    /// The name a person reads.
    pub fn label(self) -> &'static str {
        match self {
            Task2d::Circle => "circle",
            Task2d::Xor => "exclusive or",
            Task2d::TwoGaussians => "two Gaussians",
            Task2d::Spiral => "spiral",
            Task2d::Plane => "plane (regression)",
            Task2d::MultiGaussian => "multi Gaussian (regression)",
        }
    }

    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.id() == id)
    }

    /// Whether its targets are 0/1 labels (else real-valued).
    pub fn is_classification(self) -> bool {
        !matches!(self, Task2d::Plane | Task2d::MultiGaussian)
    }

    /// How many points Playground makes for it.
    pub fn playground_samples(self) -> usize {
        if self.is_classification() {
            PLAYGROUND_CLASSIFY_SAMPLES
        } else {
            PLAYGROUND_REGRESS_SAMPLES
        }
    }

    /// Its data set: `n` points, Playground's `noise` (0 to 0.5 on its page), seeded.
    pub fn dataset(self, n: usize, noise: f64, seed: u64) -> Dataset {
        match self {
            Task2d::Circle => Dataset::circle(n, noise, seed),
            Task2d::Xor => Dataset::xor(n, noise, seed),
            Task2d::TwoGaussians => Dataset::two_gaussians(n, noise, seed),
            Task2d::Spiral => Dataset::spiral(n, noise, seed),
            Task2d::Plane => Dataset::plane(n, noise, seed),
            Task2d::MultiGaussian => Dataset::multi_gaussian(n, noise, seed),
        }
    }
}

/// `classifyCircleData`'s `getCircleLabel`, as 0/1: 1 when (x, y) is closer than
/// [`CIRCLE_RADIUS`]·0.5 to the origin.
pub fn circle_label(x: f64, y: f64) -> f32 {
    ((x * x + y * y).sqrt() < CIRCLE_RADIUS * 0.5) as u8 as f32
}

/// `classifyXORData`'s `getXORLabel`, as 0/1: 1 when x·y ≥ 0 (first and third quadrants).
pub fn xor_label(x: f64, y: f64) -> f32 {
    (x * y >= 0.0) as u8 as f32
}

/// `regressPlane`'s `getLabel`: its `labelScale` maps [−10, 10] linearly onto [−1, 1], so
/// the target is (x + y)/10.
pub fn plane_target(x: f64, y: f64) -> f32 {
    ((x + y) / 10.0) as f32
}

/// `regressGaussian`'s `getLabel`: per bump of [`REGRESS_GAUSSIANS`], sign·max(0, 1 − d/2)
/// with d the distance to its centre (its `labelScale`, [0, 2] onto [1, 0], clamped); the
/// target is the one largest in absolute value (the first of equals; 0 far from all).
pub fn multi_gaussian_target(x: f64, y: f64) -> f32 {
    let mut label = 0.0f64;
    for (cx, cy, sign) in REGRESS_GAUSSIANS {
        let d = ((x - cx) * (x - cx) + (y - cy) * (y - cy)).sqrt();
        let v = sign * (1.0 - d / 2.0).clamp(0.0, 1.0);
        if v.abs() > label.abs() {
            label = v;
        }
    }
    label as f32
}

/// A point at distance `r` and angle `angle`, as Playground places it: (r·sin, r·cos).
fn polar(r: f64, angle: f64) -> (f64, f64) {
    (r * angle.sin(), r * angle.cos())
}

/// Rows (x, y, target) made in order, shuffled with `rng` (Playground's `shuffle` in
/// `generateData`), the first 70 % for training.
fn shuffled_split(points: Vec<(f64, f64, f32)>, rng: &mut SimRng) -> Dataset {
    let mut order: Vec<u32> = (0..points.len() as u32).collect();
    shuffle_u32(rng, &mut order);
    let mut xs = Vec::with_capacity(points.len() * 2);
    let mut ys = Vec::with_capacity(points.len());
    for &k in &order {
        let (x, y, t) = points[k as usize];
        xs.extend_from_slice(&[x as f32, y as f32]);
        ys.push(t);
    }
    Dataset::split(xs, ys, 2, 0.7)
}

/// Each class's count: ⌈n/2⌉ and ⌊n/2⌋.
fn halves(n: usize) -> [usize; 2] {
    [n.div_ceil(2), n / 2]
}

impl Dataset {
    /// Playground's circle (`classifyCircleData`): label 1 inside, 0 around. Half the points
    /// at r ~ U(0, 2.5), half at r ~ U(3.5, 5) ([`CIRCLE_RADIUS`] 5 times 0.5 and 0.7), at an
    /// angle U(0, 2π); the label is [`circle_label`] of the point moved by
    /// (U(−5, 5)·noise, U(−5, 5)·noise), while the stored point is the unmoved one.
    pub fn circle(n: usize, noise: f64, seed: u64) -> Dataset {
        let mut rng = rng_from_seed(seed);
        let rad = CIRCLE_RADIUS;
        let mut points = Vec::with_capacity(n);
        for (count, (lo, hi)) in halves(n).into_iter().zip([(0.0, 0.5), (0.7, 1.0)]) {
            for _ in 0..count {
                let r = uniform(&mut rng, rad * lo, rad * hi);
                let angle = uniform(&mut rng, 0.0, 2.0 * PI);
                let (x, y) = polar(r, angle);
                let nx = uniform(&mut rng, -rad, rad) * noise;
                let ny = uniform(&mut rng, -rad, rad) * noise;
                points.push((x, y, circle_label(x + nx, y + ny)));
            }
        }
        shuffled_split(points, &mut rng)
    }

    /// Playground's exclusive or (`classifyXORData`): x and y uniform in [−5, 5), each moved
    /// [`XOR_PADDING`] 0.3 away from 0 (a coordinate > 0 up, any other down), labelled by
    /// [`xor_label`] of the point moved by (U(−5, 5)·noise, U(−5, 5)·noise).
    pub fn xor(n: usize, noise: f64, seed: u64) -> Dataset {
        let mut rng = rng_from_seed(seed);
        let (w, pad) = (XOR_HALF_WIDTH, XOR_PADDING);
        let mut points = Vec::with_capacity(n);
        for _ in 0..n {
            let x = uniform(&mut rng, -w, w);
            let x = if x > 0.0 { x + pad } else { x - pad };
            let y = uniform(&mut rng, -w, w);
            let y = if y > 0.0 { y + pad } else { y - pad };
            let nx = uniform(&mut rng, -w, w) * noise;
            let ny = uniform(&mut rng, -w, w) * noise;
            points.push((x, y, xor_label(x + nx, y + ny)));
        }
        shuffled_split(points, &mut rng)
    }

    /// Playground's two Gaussians (`classifyTwoGaussData`): label 1 around (2, 2), 0 around
    /// (−2, −2), each coordinate normal with variance 0.5 + 7·noise (its `varianceScale`
    /// maps noise [0, 0.5] linearly onto variance [0.5, 4]).
    pub fn two_gaussians(n: usize, noise: f64, seed: u64) -> Dataset {
        let mut rng = rng_from_seed(seed);
        let sd = two_gaussians_variance(noise).sqrt();
        let mut points = Vec::with_capacity(n);
        for (count, (c, label)) in halves(n).into_iter().zip([(2.0, 1.0), (-2.0, 0.0)]) {
            for _ in 0..count {
                let zx: f64 = rng.sample(StandardNormal);
                let zy: f64 = rng.sample(StandardNormal);
                points.push((c + sd * zx, c + sd * zy, label));
            }
        }
        shuffled_split(points, &mut rng)
    }

    /// Playground's spiral (`classifySpiralData`): two arms of m = n/2 points; point i of an
    /// arm at r = i/m·5 ([`SPIRAL_RADIUS`]) and t = 1.75·(i/m)·2π ([`SPIRAL_TURNS`]), plus π
    /// for the second arm, at (r·sin t, r·cos t) moved by (U(−1, 1)·noise, U(−1, 1)·noise).
    /// The first arm is label 1, the second 0.
    pub fn spiral(n: usize, noise: f64, seed: u64) -> Dataset {
        let mut rng = rng_from_seed(seed);
        let m = n as f64 / 2.0;
        let mut points = Vec::with_capacity(n);
        for (count, (dt, label)) in halves(n).into_iter().zip([(0.0, 1.0), (PI, 0.0)]) {
            for i in 0..count {
                let f = i as f64 / m;
                let (x, y) = polar(f * SPIRAL_RADIUS, SPIRAL_TURNS * f * 2.0 * PI + dt);
                let x = x + uniform(&mut rng, -1.0, 1.0) * noise;
                let y = y + uniform(&mut rng, -1.0, 1.0) * noise;
                points.push((x, y, label));
            }
        }
        shuffled_split(points, &mut rng)
    }

    /// Playground's plane regression (`regressPlane`): x and y uniform in [−6, 6)
    /// ([`REGRESS_RADIUS`]), target [`plane_target`] of the point moved by
    /// (U(−6, 6)·noise, U(−6, 6)·noise).
    pub fn plane(n: usize, noise: f64, seed: u64) -> Dataset {
        regression(n, noise, seed, plane_target)
    }

    /// Playground's multi-Gaussian regression (`regressGaussian`): as [`Dataset::plane`],
    /// with target [`multi_gaussian_target`].
    pub fn multi_gaussian(n: usize, noise: f64, seed: u64) -> Dataset {
        regression(n, noise, seed, multi_gaussian_target)
    }
}

/// `classifyTwoGaussData`'s variance of each coordinate: 0.5 + (4 − 0.5)·noise/0.5.
pub fn two_gaussians_variance(noise: f64) -> f64 {
    0.5 + 7.0 * noise
}

/// Playground's two regressions: per point x, y, noise x, noise y, all U(−6, 6) (the noise
/// times `noise`), the target `f` of the moved point.
fn regression(n: usize, noise: f64, seed: u64, f: fn(f64, f64) -> f32) -> Dataset {
    let mut rng = rng_from_seed(seed);
    let rad = REGRESS_RADIUS;
    let mut points = Vec::with_capacity(n);
    for _ in 0..n {
        let x = uniform(&mut rng, -rad, rad);
        let y = uniform(&mut rng, -rad, rad);
        let nx = uniform(&mut rng, -rad, rad) * noise;
        let ny = uniform(&mut rng, -rad, rad) * noise;
        points.push((x, y, f(x + nx, y + ny)));
    }
    shuffled_split(points, &mut rng)
}
