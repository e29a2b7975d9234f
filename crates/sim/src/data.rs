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
    pub(crate) fn split(
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

/// Each input's mean and standard deviation (population: divided by n) over a set of
/// row-major rows, in f64.
#[derive(Clone, Debug, PartialEq)]
pub struct InputStats {
    pub mean: Vec<f64>,
    pub std: Vec<f64>,
}

impl InputStats {
    /// Over the rows of `x` (`nf` inputs per row); zeros for no rows.
    pub fn of(x: &[f32], nf: usize) -> InputStats {
        let rows = x.chunks_exact(nf.max(1));
        let n = rows.len().max(1) as f64;
        let mut mean = vec![0.0f64; nf];
        for row in rows.clone() {
            for (m, &v) in mean.iter_mut().zip(row) {
                *m += v as f64;
            }
        }
        mean.iter_mut().for_each(|m| *m /= n);
        let mut var = vec![0.0f64; nf];
        for row in rows {
            for ((s, &v), m) in var.iter_mut().zip(row).zip(&mean) {
                *s += (v as f64 - m) * (v as f64 - m);
            }
        }
        let std = var.iter().map(|s| (s / n).sqrt()).collect();
        InputStats { mean, std }
    }

    /// Simon, Adams & Zou's γ = ‖μ‖ / ‖σ‖: the norm of the inputs' mean vector over the norm
    /// of their standard deviations. Large γ (inputs far from 0 compared with their spread)
    /// is what makes a ReLU net's pre-activations share one sign. Seed 002's U(−1, 0) inputs
    /// have μ = −1/2 and σ = 1/√12 each, so γ = √3 ≈ 1.73 for any number of them; centred
    /// inputs have γ = 0. Infinite when the means are not 0 but every σ is, NaN for 0/0.
    pub fn gamma(&self) -> f64 {
        let norm = |v: &[f64]| v.iter().map(|x| x * x).sum::<f64>().sqrt();
        norm(&self.mean) / norm(&self.std)
    }
}

/// How a data set's inputs are transformed before training (its targets never are).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum InputScaling {
    /// As generated.
    #[default]
    Raw,
    /// Each input minus its training mean: x − μ.
    Centre,
    /// Each input centred and divided by its training standard deviation: (x − μ)/σ (a
    /// constant input is only centred).
    Standardise,
}

impl Dataset {
    /// The training inputs' statistics.
    pub fn train_input_stats(&self) -> InputStats {
        InputStats::of(&self.train_x, self.n_features)
    }

    /// γ = ‖μ‖/‖σ‖ of the training inputs (see [`InputStats::gamma`]).
    pub fn input_gamma(&self) -> f64 {
        self.train_input_stats().gamma()
    }

    /// The data set with inputs centred on their training means ([`InputScaling::Centre`]);
    /// validation rows are shifted by the same, training, means.
    pub fn centred(&self) -> Dataset {
        self.scaled(InputScaling::Centre)
    }

    /// The data set with standardised inputs ([`InputScaling::Standardise`]), validation rows
    /// shifted and scaled by the training statistics.
    pub fn standardised(&self) -> Dataset {
        self.scaled(InputScaling::Standardise)
    }

    /// The data set with its inputs transformed by `how`, with the training rows' statistics
    /// applied to training and validation rows alike (computed in f64, stored as f32).
    pub fn scaled(&self, how: InputScaling) -> Dataset {
        let nf = self.n_features;
        let st = self.train_input_stats();
        let (shift, scale): (Vec<f64>, Vec<f64>) = match how {
            InputScaling::Raw => (vec![0.0; nf], vec![1.0; nf]),
            InputScaling::Centre => (st.mean, vec![1.0; nf]),
            InputScaling::Standardise => {
                let scale = st
                    .std
                    .iter()
                    .map(|&s| if s > 0.0 { 1.0 / s } else { 1.0 })
                    .collect();
                (st.mean, scale)
            }
        };
        let apply = |x: &[f32]| -> Vec<f32> {
            x.chunks_exact(nf.max(1))
                .flat_map(|row| {
                    row.iter()
                        .zip(shift.iter().zip(&scale))
                        .map(|(&v, (m, s))| ((v as f64 - m) * s) as f32)
                })
                .collect()
        };
        if how == InputScaling::Raw {
            return self.clone();
        }
        Dataset {
            n_features: nf,
            train_x: apply(&self.train_x),
            train_y: self.train_y.clone(),
            val_x: apply(&self.val_x),
            val_y: self.val_y.clone(),
        }
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
