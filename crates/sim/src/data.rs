//! Data sets.

use super::init::uniform;
use super::rng::{rng_from_seed, SimRng};
use rand::Rng;
use rand_distr::StandardNormal;

/// A regression data set with one target per sample, split into training and validation rows.
/// Inputs are row-major: sample `k`'s features are `x[k * n_features .. (k + 1) * n_features]`.
#[derive(Clone, Debug, PartialEq)]
pub struct Dataset {
    pub n_features: usize,
    pub train_x: Vec<f32>,
    pub train_y: Vec<f32>,
    pub val_x: Vec<f32>,
    pub val_y: Vec<f32>,
}

/// E[y²] for seed 002's data: the mean squared error of a net whose output is stuck at 0.
/// y is a sum of four U(−1, 0): mean −2, variance 4/12, so E[y²] = 4 + 1/3.
pub const SEED002_DEAD_LOSS: f64 = 13.0 / 3.0;

impl Dataset {
    /// Seed 002's data: `n` samples of four inputs uniform in [−1, 0), target their sum;
    /// the first 70 % are the training set, the rest validation.
    pub fn seed002(n: usize, seed: u64) -> Dataset {
        let mut rng = rng_from_seed(seed);
        Self::from_fn(n, 4, 0.7, &mut rng, |rng, x| {
            let mut y = 0.0f64;
            for v in x.iter_mut() {
                let f = uniform(rng, -1.0, 0.0) as f32;
                *v = f;
                y += f as f64;
            }
            y as f32
        })
    }

    /// Splits generated samples into the train part (the first `train_fraction`, at least one
    /// of each when there are 2 or more) and the validation part.
    fn split(
        mut xs: Vec<f32>,
        mut ys: Vec<f32>,
        n_features: usize,
        train_fraction: f64,
    ) -> Dataset {
        let n = ys.len();
        let mut n_train = ((n as f64) * train_fraction.clamp(0.0, 1.0)).round() as usize;
        if n >= 2 {
            n_train = n_train.clamp(1, n - 1);
        } else {
            n_train = n;
        }
        let val_x = xs.split_off(n_train * n_features);
        let val_y = ys.split_off(n_train);
        Dataset {
            n_features,
            train_x: xs,
            train_y: ys,
            val_x,
            val_y,
        }
    }

    /// Builds `n` rows with `sample(rng, features) -> target`, the first `train_fraction` for
    /// training (at least one of each when n ≥ 2).
    pub fn from_fn(
        n: usize,
        n_features: usize,
        train_fraction: f64,
        rng: &mut SimRng,
        mut sample: impl FnMut(&mut SimRng, &mut [f32]) -> f32,
    ) -> Dataset {
        let mut xs = vec![0.0f32; n * n_features];
        let mut ys = vec![0.0f32; n];
        for k in 0..n {
            ys[k] = sample(rng, &mut xs[k * n_features..(k + 1) * n_features]);
        }
        Dataset::split(xs, ys, n_features, train_fraction)
    }

    pub fn n_train(&self) -> usize {
        self.train_y.len()
    }

    pub fn n_val(&self) -> usize {
        self.val_y.len()
    }
}

/// `n` draws from N(mean, sd²), for the single neuron's inputs.
pub fn gaussian_inputs(n: usize, mean: f64, sd: f64, seed: u64) -> Vec<f64> {
    let mut rng = rng_from_seed(seed);
    (0..n)
        .map(|_| {
            let z: f64 = rng.sample(StandardNormal);
            mean + sd * z
        })
        .collect()
}

/// Seed 002's data made a piece at a time, so the page can spread 200,000 samples over
/// several frames; the result is bit-identical to [`Dataset::seed002`] (same generator, same
/// order of draws).
pub struct Seed002Builder {
    rng: SimRng,
    xs: Vec<f32>,
    ys: Vec<f32>,
    n: usize,
}

impl Seed002Builder {
    pub fn new(n: usize, seed: u64) -> Self {
        Seed002Builder {
            rng: rng_from_seed(seed),
            xs: Vec::with_capacity(n * 4),
            ys: Vec::with_capacity(n),
            n,
        }
    }

    /// Samples made so far.
    pub fn done(&self) -> usize {
        self.ys.len()
    }

    /// Makes up to `samples` more; true when all are made.
    pub fn make(&mut self, samples: usize) -> bool {
        let end = (self.ys.len() + samples).min(self.n);
        while self.ys.len() < end {
            let mut y = 0.0f64;
            for _ in 0..4 {
                let f = uniform(&mut self.rng, -1.0, 0.0) as f32;
                self.xs.push(f);
                y += f as f64;
            }
            self.ys.push(y as f32);
        }
        self.ys.len() == self.n
    }

    /// The data set, once every sample is made (70 % for training).
    pub fn finish(self) -> Dataset {
        Dataset::split(self.xs, self.ys, 4, 0.7)
    }
}
