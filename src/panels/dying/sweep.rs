//! The phase map's computation: one cell trains the chosen network on seed 002's data with one
//! (learning rate, initial bias) for a fixed budget of epochs, exactly as the "Small network"
//! panel would train it with the same settings, and reports how many hidden units are dead.
//!
//! A cell is a [`CellRun`] that advances a piece at a time (a worker runs it at once, the
//! main-thread fallback a few milliseconds per frame); however it is divided, the result is
//! the same, because the trainer is deterministic and the pieces only decide where it pauses.

use crate::sim::activation::Activation;
use crate::sim::data::Dataset;
use crate::sim::dead;
use crate::sim::init::Initializer;
use crate::sim::stats::{EpochStats, LayerStats, StatsConfig};
use crate::sim::train::{NetConfig, Trainer};
use std::rc::Rc;

/// The learning rates the map spans (log axis). The top is the "Small network" panel's largest
/// learning rate, so every cell can be loaded there exactly.
pub const LR_MIN: f64 = 1e-4;
pub const LR_MAX: f64 = 1.0;
/// The initial biases the map spans (every hidden and output unit starts with this bias).
pub const BIAS_MIN: f64 = -1.0;
pub const BIAS_MAX: f64 = 1.0;
/// Samples of seed 002's data each cell trains on (70 % training, 30 % validation).
pub const SAMPLES: usize = 2_000;
/// Seed of the data, the initial weights and the shuffles: the "Small network" panel's default.
pub const SEED: u64 = 4;
pub const BATCH: usize = 32;
/// Kernels as Keras' Dense makes them by default (and the "Small network" panel does).
pub const INIT: Initializer = Initializer::GlorotUniform;
/// Seed 002's own settings, marked on the map.
pub const SEED002_LR: f64 = 1e-3;
pub const SEED002_BIAS: f64 = 0.0;

/// The optimizer menu's choices (one definition, shared with "A small network").
pub use crate::sim::optim::OptimizerKind as Opt;

/// What every cell of one map shares: the network, the optimizer, the budget and the grid.
#[derive(Clone, Debug, PartialEq)]
pub struct MapSpec {
    pub layers: usize,
    pub width: usize,
    pub activation: Activation,
    pub opt: Opt,
    /// Training budget of every cell, in epochs of seed 002's 1,400 training samples.
    pub epochs: usize,
    /// Cells per side: `res` learning rates × `res` biases.
    pub res: usize,
}

impl MapSpec {
    pub fn cells(&self) -> usize {
        self.res * self.res
    }

    /// The learning rate of column `i` (0 = smallest), evenly spaced in log10.
    pub fn lr(&self, i: usize) -> f64 {
        let t = i as f64 / (self.res.max(2) - 1) as f64;
        10f64.powf(LR_MIN.log10() + t * (LR_MAX.log10() - LR_MIN.log10()))
    }

    /// The initial bias of row `j` (0 = most negative), evenly spaced.
    pub fn bias(&self, j: usize) -> f64 {
        let t = j as f64 / (self.res.max(2) - 1) as f64;
        BIAS_MIN + t * (BIAS_MAX - BIAS_MIN)
    }

    /// Cell `index` as (column, row): index = row × res + column.
    pub fn position(&self, index: usize) -> (usize, usize) {
        (index % self.res.max(1), index / self.res.max(1))
    }

    /// The row whose bias is nearest `bias`.
    pub fn row_near(&self, bias: f64) -> usize {
        (0..self.res)
            .min_by(|&a, &b| {
                let da = (self.bias(a) - bias).abs();
                let db = (self.bias(b) - bias).abs();
                da.total_cmp(&db)
            })
            .unwrap_or(0)
    }

    /// The network and training settings of cell (column `i`, row `j`).
    pub fn config(&self, i: usize, j: usize) -> NetConfig {
        let lr = self.lr(i);
        NetConfig {
            inputs: 4,
            hidden: vec![self.width.max(1); self.layers],
            hidden_activation: self.activation,
            output_activation: self.activation,
            init: INIT,
            bias_init: self.bias(j) as f32,
            optimizer: self.opt.config(lr),
            batch_size: BATCH,
            seed: SEED,
            dropout: crate::sim::dropout::Dropout::NONE,
            ..NetConfig::default()
        }
    }

    /// The query that sets the "Small network" panel to cell (i, j), in that panel's own keys
    /// (its documented embed keys): Train there, and it trains exactly this cell's run.
    pub fn network_query(&self, i: usize, j: usize) -> String {
        let mut q = form_urlencoded::Serializer::new(String::new());
        let act = self.activation;
        q.append_pair("n", &SAMPLES.to_string())
            .append_pair("layers", &self.layers.to_string())
            .append_pair("width", &self.width.to_string())
            .append_pair("act", act.kind.id());
        if act.kind.uses_alpha() {
            q.append_pair("alpha", &act.alpha.to_string());
        }
        q.append_pair("init", &INIT.id())
            .append_pair("bias", &self.bias(j).to_string())
            .append_pair("opt", self.opt.id())
            .append_pair("lr", &self.lr(i).to_string())
            .append_pair("batch", &BATCH.to_string())
            .append_pair("epochs", &self.epochs.to_string())
            .append_pair("seed", &SEED.to_string());
        q.finish()
    }
}

/// Seed 002's data as every cell uses it.
pub fn map_data() -> Dataset {
    Dataset::seed002(SAMPLES, SEED)
}

/// What one cell found.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CellResult {
    /// Share of hidden units dead at the end (output 0 on every validation sample); for a net
    /// with no hidden layer, the output unit's state. NaN when training diverged.
    pub dead: f64,
    /// The same share before training.
    pub dead_at_start: f64,
    /// Share of hidden units τ-dormant at the end (Sokar et al., τ = 0.025); NaN when diverged.
    pub dormant: f64,
    /// Share of hidden units dead for every input of the data's box, proven by interval
    /// bounds; NaN when diverged.
    pub proven: f64,
    /// Whether the output unit is dead at the end (the net predicts a constant).
    pub output_dead: bool,
    /// Validation loss (mean squared error) at the end; NaN when training diverged.
    pub loss: f64,
    /// Training blew up (a loss, gradient or weight became NaN or infinite).
    pub diverged: bool,
}

impl CellResult {
    /// More than half of the hidden units dead (what the map's 50 % contour encloses).
    pub fn mostly_dead(&self) -> bool {
        !self.diverged && self.dead > 0.5
    }

    fn diverged(dead_at_start: f64) -> CellResult {
        CellResult {
            dead: f64::NAN,
            dead_at_start,
            dormant: f64::NAN,
            proven: f64::NAN,
            output_dead: false,
            loss: f64::NAN,
            diverged: true,
        }
    }
}

/// Share of hidden units (the output unit when there is no hidden layer) for which `which`
/// is true.
fn hidden_share(s: &EpochStats, which: impl Fn(&LayerStats) -> Vec<bool>) -> f64 {
    let n = s.layers.len();
    let hidden = if n > 1 {
        &s.layers[..n - 1]
    } else {
        &s.layers[..]
    };
    let (d, u) = hidden.iter().fold((0, 0), |(d, u), l| {
        (d + which(l).iter().filter(|x| **x).count(), u + l.units)
    });
    if u == 0 {
        0.0
    } else {
        d as f64 / u as f64
    }
}

/// Share of hidden units dead (the output unit's state when there is no hidden layer).
pub fn hidden_dead_fraction(s: &EpochStats) -> f64 {
    let n = s.layers.len();
    let hidden = if n > 1 {
        &s.layers[..n - 1]
    } else {
        &s.layers[..]
    };
    let (d, u) = hidden
        .iter()
        .fold((0, 0), |(d, u), l| (d + l.dead_count(), u + l.units));
    if u == 0 {
        0.0
    } else {
        d as f64 / u as f64
    }
}

fn output_dead(s: &EpochStats) -> bool {
    s.layers
        .last()
        .is_some_and(|l| l.units > 0 && l.dead_count() == l.units)
}

/// One cell's training, a piece at a time.
pub struct CellRun {
    config: NetConfig,
    epochs: usize,
    data: Rc<Dataset>,
    trainer: Option<Trainer>,
    dead_at_start: Option<f64>,
    result: Option<CellResult>,
}

impl CellRun {
    pub fn new(config: NetConfig, data: Rc<Dataset>, epochs: usize) -> CellRun {
        CellRun {
            config,
            epochs: epochs.max(1),
            data,
            trainer: None,
            dead_at_start: None,
            result: None,
        }
    }

    pub fn result(&self) -> Option<CellResult> {
        self.result
    }

    /// One piece of work: build the network, take the statistics before training, at most
    /// `max_steps` training steps, or the statistics that end an epoch. Returns the result once
    /// the budget is spent.
    pub fn work(&mut self, max_steps: usize) -> Option<CellResult> {
        if self.result.is_some() {
            return self.result;
        }
        let start = self.dead_at_start.unwrap_or(0.0);
        let Some(trainer) = self.trainer.as_mut() else {
            match Trainer::new(self.config.clone(), self.data.clone()) {
                Ok(mut t) => {
                    // Only the dead/alive verdicts are wanted, which always use every
                    // validation sample; no histograms.
                    t.set_stats_config(StatsConfig {
                        hist_samples: 1,
                        hist_values_per_layer: 1,
                        bins: 1,
                        ..StatsConfig::default()
                    });
                    self.trainer = Some(t);
                }
                Err(_) => self.result = Some(CellResult::diverged(f64::NAN)),
            }
            return self.result;
        };
        if self.dead_at_start.is_none() {
            // The same statistics the "Small network" panel takes before training (no
            // training state changes).
            match trainer.evaluate() {
                Ok(s) => self.dead_at_start = Some(hidden_dead_fraction(&s)),
                Err(_) => self.result = Some(CellResult::diverged(f64::NAN)),
            }
            return self.result;
        }
        if !trainer.epoch_finished() {
            if trainer.train_steps(max_steps.max(1)).is_err() {
                self.result = Some(CellResult::diverged(start));
            }
            return self.result;
        }
        // The epoch's end: statistics, then the reshuffle for the next epoch, as in the panel.
        match trainer.finish_epoch() {
            Err(_) => self.result = Some(CellResult::diverged(start)),
            Ok(s) if s.epoch >= self.epochs => {
                self.result = Some(CellResult {
                    dead: hidden_dead_fraction(&s),
                    dead_at_start: start,
                    dormant: hidden_share(&s, |l| {
                        dead::dead_units(l, dead::Definition::Dormant, dead::DEFAULT_TAU)
                    }),
                    proven: hidden_share(&s, |l| l.provably_dead.clone()),
                    output_dead: output_dead(&s),
                    loss: s.val_loss,
                    diverged: false,
                })
            }
            Ok(_) => {}
        }
        self.result
    }

    /// Runs the whole cell at once.
    pub fn run(&mut self) -> CellResult {
        loop {
            if let Some(r) = self.work(usize::MAX) {
                return r;
            }
        }
    }
}
