//! The phase map's computation: one cell trains the chosen network on the chosen task (seed
//! 002's data by default) with one learning rate and one value of the second axis (the
//! initial bias, the warmup length or the clipping norm) for a fixed budget of epochs, exactly
//! as the "Small network" panel would train it with the same settings, and reports how many
//! hidden units are dead, its loss and (on a classification task) its accuracy.
//!
//! A cell is a [`CellRun`] that advances a piece at a time (a worker runs it at once, the
//! main-thread fallback a few milliseconds per frame); however it is divided, the result is
//! the same, because the trainer is deterministic and the pieces only decide where it pauses.

use crate::sim::activation::{Activation, ActivationKind};
use crate::sim::data::{Dataset, InputScaling};
use crate::sim::dead;
use crate::sim::init::Initializer;
use crate::sim::loss::Loss;
use crate::sim::norm::BatchNorm;
use crate::sim::playground::Task2d;
use crate::sim::stats::{EpochStats, LayerStats, StatsConfig};
use crate::sim::train::{NetConfig, Trainer};
use crate::spec::{RedoMode, INPUT_SCALINGS};
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

/// Training samples of every task (70 % of [`SAMPLES`]), and so the steps of one epoch.
pub const TRAIN_SAMPLES: usize = 1_400;
pub const STEPS_PER_EPOCH: usize = TRAIN_SAMPLES.div_ceil(BATCH);
/// Noise of the 2-D tasks: TensorFlow Playground's default (its slider at 0).
pub const NOISE_2D: f64 = 0.0;
/// The clipping axis: global-norm thresholds from `CLIP_MIN` to `CLIP_MAX` (log), then off.
pub const CLIP_MIN: f64 = 0.01;
pub const CLIP_MAX: f64 = 10.0;

/// What every cell trains on, and with which output and loss.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Task {
    /// Seed 002: four inputs U(−1, 0), a negative target, the output the hidden activation
    /// (a ReLU output must end at 0: every target is negative).
    Seed002,
    /// Seed 002's data with a linear output, which cannot die.
    Seed002Linear,
    /// A TensorFlow Playground data set: sigmoid output and binary cross-entropy for the
    /// classifications, a linear output and mean squared error for the regressions.
    Play(Task2d),
}

impl Task {
    pub const ALL: [Task; 8] = [
        Task::Seed002,
        Task::Seed002Linear,
        Task::Play(Task2d::Spiral),
        Task::Play(Task2d::Circle),
        Task::Play(Task2d::Xor),
        Task::Play(Task2d::TwoGaussians),
        Task::Play(Task2d::Plane),
        Task::Play(Task2d::MultiGaussian),
    ];

    pub fn id(self) -> &'static str {
        match self {
            Task::Seed002 => "seed002",
            Task::Seed002Linear => "seed002-linear",
            Task::Play(t) => t.id(),
        }
    }

    pub fn from_id(id: &str) -> Option<Task> {
        Self::ALL.into_iter().find(|t| t.id() == id)
    }

    /// The menu's words.
    pub fn label(self) -> &'static str {
        match self {
            Task::Seed002 => "Seed 002 (output = hidden activation)",
            Task::Seed002Linear => "Seed 002, linear output",
            Task::Play(Task2d::Spiral) => "Spiral (2-D, sigmoid output)",
            Task::Play(Task2d::Circle) => "Circle (2-D, sigmoid output)",
            Task::Play(Task2d::Xor) => "Exclusive or (2-D, sigmoid output)",
            Task::Play(Task2d::TwoGaussians) => "Two Gaussians (2-D, sigmoid output)",
            Task::Play(Task2d::Plane) => "Plane (2-D regression, linear output)",
            Task::Play(Task2d::MultiGaussian) => "Multi Gaussian (2-D regression, linear output)",
        }
    }

    /// "seed 002's data", "the spiral".
    pub fn name(self) -> String {
        match self {
            Task::Seed002 | Task::Seed002Linear => "seed 002's data".into(),
            Task::Play(t) => format!("the {}", t.label()),
        }
    }

    pub fn inputs(self) -> usize {
        match self {
            Task::Play(_) => 2,
            _ => 4,
        }
    }

    /// Whether the targets are 0/1 labels (the cells then report an accuracy).
    pub fn classifies(self) -> bool {
        matches!(self, Task::Play(t) if t.is_classification())
    }

    /// The output unit's activation for hidden units of `hidden`.
    pub fn output(self, hidden: Activation) -> Activation {
        match self {
            Task::Seed002 => hidden,
            _ if self.classifies() => Activation::new(ActivationKind::Sigmoid, 0.0),
            _ => Activation::new(ActivationKind::Linear, 0.0),
        }
    }

    pub fn loss(self) -> Loss {
        if self.classifies() {
            Loss::BinaryCrossEntropy
        } else {
            Loss::Mse
        }
    }

    /// The task's data as every cell uses it, inputs scaled by `how`.
    pub fn dataset(self, how: InputScaling) -> Dataset {
        let raw = match self {
            Task::Seed002 | Task::Seed002Linear => Dataset::seed002(SAMPLES, SEED),
            Task::Play(t) => t.dataset(SAMPLES, NOISE_2D, SEED),
        };
        raw.scaled(how)
    }
}

/// What the map's rows vary besides the learning rate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Axis {
    /// The initial bias of every unit, −1 to +1.
    Bias,
    /// Linear warmup, from none to the whole training budget (in steps).
    Warmup,
    /// Global-norm clipping from [`CLIP_MIN`] to [`CLIP_MAX`] (log), the top row off.
    Clip,
}

impl Axis {
    pub const ALL: [Axis; 3] = [Axis::Bias, Axis::Warmup, Axis::Clip];

    pub fn id(self) -> &'static str {
        match self {
            Axis::Bias => "bias",
            Axis::Warmup => "warmup",
            Axis::Clip => "clip",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Axis::Bias => "Initial bias",
            Axis::Warmup => "Warmup length (steps)",
            Axis::Clip => "Gradient clipping norm",
        }
    }

    pub fn from_id(id: &str) -> Option<Axis> {
        Self::ALL.into_iter().find(|a| a.id() == id)
    }
}

/// The remedies every cell of a map shares (those that are not its axis): the network
/// panel's settings of the same names.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Remedies {
    /// Every unit's initial bias (when the axis is not the bias).
    pub bias: f64,
    /// Warmup steps (when the axis is not the warmup).
    pub warmup: usize,
    /// Global-norm clipping threshold, 0 for none (when the axis is not the clipping).
    pub clip: f64,
    /// AdamW's decoupled weight decay λ.
    pub weight_decay: f64,
    pub redo: RedoMode,
    pub batch_norm: bool,
    pub inputs: InputScaling,
}

impl Default for Remedies {
    fn default() -> Self {
        Remedies {
            bias: 0.0,
            warmup: 0,
            clip: 0.0,
            weight_decay: 0.0,
            redo: RedoMode::Off,
            batch_norm: false,
            inputs: InputScaling::Raw,
        }
    }
}

impl Remedies {
    /// The same bias, every remedy off.
    pub fn none(&self) -> Remedies {
        Remedies {
            bias: self.bias,
            ..Remedies::default()
        }
    }

    /// Whether a remedy is on that the axis does not vary (the bias is no remedy here).
    pub fn any(&self, axis: Axis) -> bool {
        (self.warmup > 0 && axis != Axis::Warmup)
            || (self.clip > 0.0 && axis != Axis::Clip)
            || self.weight_decay > 0.0
            || self.redo != RedoMode::Off
            || self.batch_norm
            || self.inputs != InputScaling::Raw
    }

    /// The inputs' id in the network panel's menu.
    pub fn inputs_id(&self) -> &'static str {
        INPUT_SCALINGS
            .iter()
            .find(|(i, _, _)| *i == self.inputs)
            .map_or("raw", |(_, id, _)| id)
    }
}

/// What every cell of one map shares: the task, the network, the optimizer, the budget, the
/// remedies and the grid.
#[derive(Clone, Debug, PartialEq)]
pub struct MapSpec {
    pub layers: usize,
    pub width: usize,
    pub activation: Activation,
    pub opt: Opt,
    /// Training budget of every cell, in epochs of 1,400 training samples.
    pub epochs: usize,
    /// Cells per side: `res` learning rates × `res` rows of the axis.
    pub res: usize,
    pub task: Task,
    pub axis: Axis,
    pub remedies: Remedies,
}

impl MapSpec {
    pub fn cells(&self) -> usize {
        self.res * self.res
    }

    fn t(&self, k: usize) -> f64 {
        k as f64 / (self.res.max(2) - 1) as f64
    }

    /// The learning rate of column `i` (0 = smallest), evenly spaced in log10.
    pub fn lr(&self, i: usize) -> f64 {
        10f64.powf(LR_MIN.log10() + self.t(i) * (LR_MAX.log10() - LR_MIN.log10()))
    }

    /// The initial bias of row `j` (0 = most negative), evenly spaced; the fixed bias when the
    /// axis is another.
    pub fn bias(&self, j: usize) -> f64 {
        match self.axis {
            Axis::Bias => BIAS_MIN + self.t(j) * (BIAS_MAX - BIAS_MIN),
            _ => self.remedies.bias,
        }
    }

    /// Steps of one cell's training.
    pub fn budget_steps(&self) -> usize {
        self.epochs.max(1) * STEPS_PER_EPOCH
    }

    /// Warmup steps of row `j`: 0 to the whole budget, evenly spaced (whole steps); the fixed
    /// warmup when the axis is another.
    pub fn warmup(&self, j: usize) -> usize {
        match self.axis {
            Axis::Warmup => (self.t(j) * self.budget_steps() as f64).round() as usize,
            _ => self.remedies.warmup,
        }
    }

    /// Clipping norm of row `j` (None: off): [`CLIP_MIN`] to [`CLIP_MAX`] evenly in log10
    /// below the top row, which is off; the fixed clipping when the axis is another.
    pub fn clip(&self, j: usize) -> Option<f64> {
        match self.axis {
            Axis::Clip if j + 1 >= self.res => None,
            Axis::Clip => {
                let t = j as f64 / (self.res.max(3) - 2) as f64;
                Some(10f64.powf(CLIP_MIN.log10() + t * (CLIP_MAX.log10() - CLIP_MIN.log10())))
            }
            _ => (self.remedies.clip > 0.0).then_some(self.remedies.clip),
        }
    }

    /// Row `j`'s place on the chart's second axis: the bias, the warmup steps, or log10 of
    /// the clipping norm (the off row one row above [`CLIP_MAX`]).
    pub fn y(&self, j: usize) -> f64 {
        match self.axis {
            Axis::Bias => self.bias(j),
            Axis::Warmup => self.warmup(j) as f64,
            Axis::Clip => match self.clip(j) {
                Some(c) => c.log10(),
                None => {
                    CLIP_MAX.log10()
                        + (CLIP_MAX.log10() - CLIP_MIN.log10()) / (self.res.max(3) - 2) as f64
                }
            },
        }
    }

    /// The row without the axis's remedy (warmup 0, clipping off); for the bias axis the row
    /// nearest bias 0.
    pub fn baseline_row(&self) -> usize {
        match self.axis {
            Axis::Bias => self.row_near(0.0),
            Axis::Warmup => 0,
            Axis::Clip => self.res.saturating_sub(1),
        }
    }

    /// Whether the map needs a row of its own without the fixed remedies, to compare with:
    /// when the axis is the bias and a remedy is on.
    pub fn needs_baseline(&self) -> bool {
        self.axis == Axis::Bias && self.remedies.any(self.axis)
    }

    /// The same map without its fixed remedies.
    pub fn without_remedies(&self) -> MapSpec {
        MapSpec {
            remedies: self.remedies.none(),
            ..self.clone()
        }
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

    /// Where seed 002's own settings (learning rate 0.001 aside: bias 0, no warmup, no
    /// clipping, no remedy) sit on the second axis, on a seed-002 task, if the map has them.
    pub fn seed002_y(&self) -> Option<f64> {
        let seed = matches!(self.task, Task::Seed002 | Task::Seed002Linear);
        if !seed || self.remedies.any(self.axis) {
            return None;
        }
        match self.axis {
            Axis::Bias => Some(SEED002_BIAS),
            _ => (self.remedies.bias == SEED002_BIAS).then(|| self.y(self.baseline_row())),
        }
    }

    /// The network and training settings of cell (column `i`, row `j`).
    pub fn config(&self, i: usize, j: usize) -> NetConfig {
        let act = self.activation;
        let r = &self.remedies;
        NetConfig {
            inputs: self.task.inputs(),
            hidden: vec![self.width.max(1); self.layers],
            hidden_activation: act,
            output_activation: self.task.output(act),
            loss: self.task.loss(),
            init: INIT,
            bias_init: self.bias(j) as f32,
            optimizer: self.opt.config(self.lr(i)),
            batch_size: BATCH,
            seed: SEED,
            dropout: crate::sim::dropout::Dropout::NONE,
            warmup_steps: self.warmup(j),
            clip_norm: self.clip(j),
            weight_decay: r.weight_decay,
            redo: r.redo.config(),
            batch_norm: r.batch_norm.then(BatchNorm::default),
        }
    }

    /// The query that sets the "Small network" panel to cell (i, j), in that panel's own keys
    /// (its documented embed keys): Train there, and it trains exactly this cell's run.
    /// None for a 2-D task: "A small network" trains seed 002's data or the learner's, not
    /// Playground's sets yet, and a link that loaded another run than the cell's would mislead.
    pub fn network_query(&self, i: usize, j: usize) -> Option<String> {
        // (Always Some now that A small network trains Playground's sets too.)
        let mut q = form_urlencoded::Serializer::new(String::new());
        let act = self.activation;
        // A Playground set: the panel makes the same points from the same size, noise and seed.
        if let Task::Play(t) = self.task {
            q.append_pair("task", t.id());
            q.append_pair("noise", &(NOISE_2D * 100.0).to_string());
        }
        q.append_pair("n", &SAMPLES.to_string());
        q.append_pair("layers", &self.layers.to_string())
            .append_pair("width", &self.width.to_string())
            .append_pair("act", act.kind.id());
        if act.kind.uses_alpha() {
            q.append_pair("alpha", &act.alpha.to_string());
        }
        match self.task {
            Task::Seed002Linear => {
                q.append_pair("out", "linear");
            }
            Task::Play(t) if t.is_classification() => {
                q.append_pair("out", "sigmoid");
            }
            Task::Play(_) => {
                q.append_pair("out", "linear");
            }
            Task::Seed002 => {}
        }
        q.append_pair("init", &INIT.id())
            .append_pair("bias", &self.bias(j).to_string())
            .append_pair("opt", self.opt.id())
            .append_pair("lr", &self.lr(i).to_string())
            .append_pair("batch", &BATCH.to_string())
            .append_pair("epochs", &self.epochs.to_string())
            .append_pair("seed", &SEED.to_string());
        let r = &self.remedies;
        let remedies = [
            ("warmup", self.warmup(j).to_string(), self.warmup(j) > 0),
            (
                "clip",
                self.clip(j).unwrap_or(0.0).to_string(),
                self.clip(j).is_some(),
            ),
            ("wd", r.weight_decay.to_string(), r.weight_decay > 0.0),
            ("redo", r.redo.id().to_string(), r.redo != RedoMode::Off),
            ("bn", "on".to_string(), r.batch_norm),
            (
                "inputs",
                r.inputs_id().to_string(),
                r.inputs != InputScaling::Raw,
            ),
        ];
        for (key, value, on) in remedies {
            if on {
                q.append_pair(key, &value);
            }
        }
        Some(q.finish())
    }
}

/// Seed 002's data as the cells of the default map use it (and the born-dead nets).
pub fn map_data() -> Dataset {
    Task::Seed002.dataset(InputScaling::Raw)
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
    /// Validation loss (the task's: mean squared error or binary cross-entropy) at the end;
    /// NaN when training diverged.
    pub loss: f64,
    /// Share of validation samples classified right at the end (classification tasks; NaN
    /// for the others and when training diverged).
    pub accuracy: f64,
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
            accuracy: f64::NAN,
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
                    accuracy: s.val_accuracy.unwrap_or(f64::NAN),
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
