//! Training a network on a data set, in slices an animation frame can afford.

use std::fmt;
use std::rc::Rc;

use super::activation::Activation;
use super::data::Dataset;
use super::dropout::Dropout;
use super::init::Initializer;
use super::loss::Loss;
use super::mlp::{Mlp, Workspace};
use super::norm::BatchNorm;
use super::optim::{warmup_lr, Optimizer, OptimizerConfig};
use super::real::dot;
use super::redo::{self, Redo};
use super::rng::{rng_from_seed, shuffle_u32, SimRng};
use super::stats::{
    DeathRecord, Distribution, EpochStats, LayerStats, Recycled, StatsConfig, UpdateRatio,
};
use super::unit_scan;

/// A network and how to train it. The output layer has one unit (the data's one target).
#[derive(Clone, Debug, PartialEq)]
pub struct NetConfig {
    pub inputs: usize,
    pub hidden: Vec<usize>,
    pub hidden_activation: Activation,
    pub output_activation: Activation,
    pub init: Initializer,
    pub bias_init: f32,
    pub optimizer: OptimizerConfig,
    pub batch_size: usize,
    pub seed: u64,
    /// Dropout on the hidden layers' outputs during training (never in evaluation).
    pub dropout: Dropout,
    /// Linear learning-rate warmup over this many steps (0 = none): global step t (0-based)
    /// trains at `lr · min(1, (t + 1)/K)`, see [`warmup_lr`].
    pub warmup_steps: usize,
    /// Global-norm gradient clipping (None = none): when the L2 norm of the whole gradient,
    /// every kernel and bias of every layer (and batch normalization's γ and β), exceeds c,
    /// every gradient is scaled by c/‖g‖
    /// before the optimizer sees it (`torch.nn.utils.clip_grad_norm_`, Keras'
    /// `global_clipnorm`, `tf.clip_by_global_norm`, which scales by c/max(‖g‖, c)). The
    /// statistics' gradient norms are those before clipping (what `clip_grad_norm_`
    /// returns); [`EpochStats::clipped_steps`] counts the steps it scaled.
    pub clip_norm: Option<f64>,
    /// Decoupled weight decay λ (AdamW with Adam; 0 = none): every weight and bias (and
    /// batch normalization's γ and β) is multiplied by 1 − lr·λ before each update, lr the
    /// step's (warmed-up) rate; see [`Optimizer::step_with`].
    pub weight_decay: f64,
    /// Recycling of dormant units (ReDo; None = none): see [`redo`].
    pub redo: Option<Redo>,
    /// Batch normalization before the activation of every hidden layer (None = none): batch
    /// statistics in training, running ones in evaluation; see [`norm`](super::norm).
    pub batch_norm: Option<BatchNorm>,
    /// The loss trained on and evaluated with (training and validation losses both):
    /// mean squared error by default, or binary cross-entropy of a sigmoid output's logit
    /// for 0/1 targets (see [`loss`](super::loss)); the trainer refuses binary
    /// cross-entropy on any other output activation.
    pub loss: Loss,
}

impl Default for NetConfig {
    /// Seed 002's deeper net: 4-8-8-8-1, ReLU everywhere, Keras defaults (glorot_uniform
    /// kernels, zero biases, Adam 0.001, batch 32).
    fn default() -> Self {
        NetConfig {
            inputs: 4,
            hidden: vec![8, 8, 8],
            hidden_activation: Activation::RELU,
            output_activation: Activation::RELU,
            init: Initializer::GlorotUniform,
            bias_init: 0.0,
            optimizer: OptimizerConfig::adam(0.001),
            batch_size: 32,
            seed: 2,
            dropout: Dropout::NONE,
            warmup_steps: 0,
            clip_norm: None,
            weight_decay: 0.0,
            redo: None,
            batch_norm: None,
            loss: Loss::Mse,
        }
    }
}

impl NetConfig {
    /// Seed 002's one-layer net: Dense(1, relu) on four inputs.
    pub fn seed002_single() -> Self {
        NetConfig {
            hidden: vec![],
            ..Self::default()
        }
    }

    /// `[inputs, hidden…, 1]`.
    pub fn widths(&self) -> Vec<usize> {
        let mut w = vec![self.inputs];
        w.extend_from_slice(&self.hidden);
        w.push(1);
        w
    }

    /// One activation per layer.
    pub fn activations(&self) -> Vec<Activation> {
        let mut a = vec![self.hidden_activation; self.hidden.len()];
        a.push(self.output_activation);
        a
    }

    /// Builds the initial network (kernels drawn from a generator seeded with `seed`).
    pub fn build<R: super::real::Real>(&self) -> Mlp<R> {
        let mut rng = rng_from_seed(self.seed);
        let net = Mlp::new(
            &self.widths(),
            &self.activations(),
            self.init,
            self.bias_init as f64,
            &mut rng,
        );
        match self.batch_norm {
            Some(bn) => net.with_batch_norm(bn),
            None => net,
        }
    }
}

/// Why training stopped.
#[derive(Clone, Debug, PartialEq)]
pub enum TrainError {
    /// Loss, a gradient or a parameter became NaN or infinite. `epoch` is the 0-based epoch in
    /// progress and `step` the 0-based global index of the step (or the last step, for the
    /// validation loss).
    Diverged {
        epoch: usize,
        step: u64,
        what: String,
    },
    /// The configuration or data cannot be trained.
    InvalidConfig(String),
}

impl fmt::Display for TrainError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TrainError::Diverged { epoch, step, what } => write!(
                f,
                "training diverged: {what} became NaN or infinite at step {step} (epoch {})",
                epoch + 1
            ),
            TrainError::InvalidConfig(why) => write!(f, "cannot train: {why}"),
        }
    }
}

impl std::error::Error for TrainError {}

/// One unit's outputs over the validation samples so far: Σ|h|, exact zeros, |h| ≤ 0.05.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct OutputSums {
    pub abs: f64,
    pub zeros: u64,
    pub near: u64,
}

impl OutputSums {
    fn add(&mut self, a: &[f32]) {
        let s = unit_scan::scan_outputs(a, crate::dead::NEAR_ZERO as f32);
        self.abs += s.abs_sum as f64;
        self.zeros += s.zeros;
        self.near += s.near;
    }
}

/// The learning-rate meter samples about this many steps per epoch.
const METER_POINTS: usize = 64;

#[derive(Clone, Copy, Debug, Default)]
struct UnitTrack {
    /// f′ ≠ 0 for some sample of a training batch since the epoch began.
    fired_this_epoch: bool,
    last_active_step: Option<u64>,
    last_active_update: f64,
}

/// Owns a network, its optimizer state, the data and the training position.
pub struct Trainer {
    config: NetConfig,
    stats_config: StatsConfig,
    net: Mlp<f32>,
    opt: Optimizer<f32>,
    data: Rc<Dataset>,
    order: Vec<u32>,
    pos: usize,
    epoch: usize,
    step: u64,
    ws: Workspace<f32>,
    eval_ws: Workspace<f32>,
    rng: SimRng,
    /// Dropout masks come from a stream of their own, so rate 0 changes no other draw.
    drop_rng: SimRng,
    epoch_loss_sum: f64,
    epoch_samples: usize,
    epoch_steps: u64,
    grad_norm_sum: Vec<f64>,
    grad_norm_last: Vec<f64>,
    update_sq: Vec<Vec<f32>>,
    tracks: Vec<Vec<UnitTrack>>,
    /// Per layer and unit: the autopsy of a unit dead since, updated as each epoch's
    /// statistics are made (in epoch order, wherever the evaluation ran).
    deaths: Vec<Vec<Option<DeathRecord>>>,
    failed: Option<TrainError>,
    /// Each input's smallest and largest training value: the box `provably_dead` reasons on.
    input_box: (Vec<f64>, Vec<f64>),
    /// The epoch's learning-rate meter so far, and the kernels before a metered step.
    update_ratios: Vec<UpdateRatio>,
    meter_before: Vec<Vec<f32>>,
    /// ReDo's fresh weights come from a stream of their own, so recycling changes no other
    /// draw; the epoch's recycled units so far.
    redo_rng: SimRng,
    recycled: Vec<Recycled>,
    clipped_steps: u64,
    /// Whether every evaluation target is 0 or 1: a classification task, whose statistics
    /// report an accuracy.
    classifies: bool,
}

const SHUFFLE_STREAM: u64 = 0x9E37_79B9_7F4A_7C15;
const DROPOUT_STREAM: u64 = 0xD1B5_4A32_D192_ED03;
const REDO_STREAM: u64 = 0x2545_F491_4F6C_DD1D;

impl Trainer {
    pub fn new(config: NetConfig, data: Rc<Dataset>) -> Result<Trainer, TrainError> {
        if let Some(why) = config_problem(&config, &data) {
            return Err(TrainError::InvalidConfig(why.to_string()));
        }
        let net: Mlp<f32> = config.build();
        let opt = Optimizer::new(config.optimizer, &net);
        let input_box = input_box(&data);
        let cap = config.batch_size.min(data.n_train());
        let mut ws = Workspace::new(&net, cap);
        ws.loss_kind = config.loss;
        let mut eval_ws = Workspace::new(&net, 256);
        eval_ws.norm_training = false;
        eval_ws.loss_kind = config.loss;
        let classifies = evaluation_set(&data)
            .1
            .iter()
            .all(|&y| y == 0.0 || y == 1.0);
        let mut rng = rng_from_seed(config.seed ^ SHUFFLE_STREAM);
        let drop_rng = rng_from_seed(config.seed ^ DROPOUT_STREAM);
        let redo_rng = rng_from_seed(config.seed ^ REDO_STREAM);
        let mut order: Vec<u32> = (0..data.n_train() as u32).collect();
        shuffle_u32(&mut rng, &mut order);
        let n_layers = net.layers.len();
        let update_sq = net.layers.iter().map(|l| vec![0.0; l.n_out]).collect();
        let tracks = net
            .layers
            .iter()
            .map(|l| vec![UnitTrack::default(); l.n_out])
            .collect();
        let deaths = net.layers.iter().map(|l| vec![None; l.n_out]).collect();
        Ok(Trainer {
            config,
            stats_config: StatsConfig::default(),
            net,
            opt,
            data,
            order,
            pos: 0,
            epoch: 0,
            step: 0,
            ws,
            eval_ws,
            rng,
            drop_rng,
            epoch_loss_sum: 0.0,
            epoch_samples: 0,
            epoch_steps: 0,
            grad_norm_sum: vec![0.0; n_layers],
            grad_norm_last: vec![0.0; n_layers],
            update_sq,
            tracks,
            deaths,
            failed: None,
            input_box,
            update_ratios: Vec::new(),
            meter_before: Vec::new(),
            redo_rng,
            recycled: Vec::new(),
            clipped_steps: 0,
            classifies,
        })
    }

    pub fn config(&self) -> &NetConfig {
        &self.config
    }
    pub fn stats_config(&self) -> &StatsConfig {
        &self.stats_config
    }
    pub fn set_stats_config(&mut self, c: StatsConfig) {
        self.stats_config = c;
    }
    pub fn net(&self) -> &Mlp<f32> {
        &self.net
    }

    /// The network, to set its weights by hand: for tests that need units of a known
    /// behaviour, and for remedies that rewrite units. The optimizer's moments are left as
    /// they are.
    pub fn net_mut(&mut self) -> &mut Mlp<f32> {
        &mut self.net
    }
    pub fn data(&self) -> &Rc<Dataset> {
        &self.data
    }
    /// Finished epochs.
    pub fn epoch(&self) -> usize {
        self.epoch
    }
    /// Steps taken so far (all epochs).
    pub fn step(&self) -> u64 {
        self.step
    }
    /// Training samples seen in the current epoch, of how many.
    pub fn epoch_progress(&self) -> (usize, usize) {
        (self.pos, self.data.n_train())
    }
    /// Steps per full epoch.
    pub fn steps_per_epoch(&self) -> usize {
        self.data.n_train().div_ceil(self.ws.cap)
    }
    /// Mean training loss over the steps taken so far in this epoch (NaN before the first):
    /// a cheap, fine-grained trace for a live loss curve.
    pub fn epoch_train_loss(&self) -> f64 {
        if self.epoch_samples > 0 {
            self.epoch_loss_sum / self.epoch_samples as f64
        } else {
            f64::NAN
        }
    }
    /// The error that stopped training, if any.
    pub fn failure(&self) -> Option<&TrainError> {
        self.failed.as_ref()
    }

    /// Every training sample of this epoch has been used.
    pub fn epoch_finished(&self) -> bool {
        self.pos >= self.data.n_train()
    }

    /// Runs at most `max_steps` optimizer steps, stopping early at the end of the epoch.
    /// Returns the number of steps run.
    pub fn train_steps(&mut self, max_steps: usize) -> Result<usize, TrainError> {
        if let Some(e) = &self.failed {
            return Err(e.clone());
        }
        let data = Rc::clone(&self.data);
        let n = data.n_train();
        let mut done = 0;
        while done < max_steps && self.pos < n {
            let bsz = self.ws.cap.min(n - self.pos);
            self.one_step(&data, bsz)?;
            done += 1;
        }
        Ok(done)
    }

    /// One optimizer step on the next `bsz` samples. Out of line on purpose: V8 runs wasm in
    /// its baseline tier until a function is hot and switches to optimised code only at the
    /// function's next call, so the step must be a call of its own, not inlined into a loop
    /// that runs for a whole slice (or, inlined further, a whole epoch).
    #[inline(never)]
    fn one_step(&mut self, data: &Dataset, bsz: usize) -> Result<(), TrainError> {
        let nf = data.n_features;
        let rows = &self.order[self.pos..self.pos + bsz];
        self.ws
            .load_inputs(&data.train_x, nf, rows.iter().map(|&r| r as usize));
        self.ws
            .load_targets(&data.train_y, 1, rows.iter().map(|&r| r as usize));
        if self.config.dropout.is_active() {
            let d = self.config.dropout;
            self.ws.draw_dropout(&self.net, &d, &mut self.drop_rng, bsz);
        }
        let metered = self.step.is_multiple_of(self.meter_every());
        if metered {
            self.meter_before = self.net.layers.iter().map(|l| l.w.clone()).collect();
        }
        self.ws.forward(&self.net, bsz);
        if self.config.batch_norm.is_some() {
            self.ws.update_running_stats(&mut self.net);
        }
        let loss = self.ws.backward(&self.net, bsz);
        if !loss.is_finite() {
            return Err(self.fail("the training loss".into()));
        }
        let sq = self.gradient_norms()?;
        if let Some(c) = self.config.clip_norm {
            self.clip_gradients(sq, c);
        }
        let lr = warmup_lr(
            self.config.optimizer.lr(),
            self.step,
            self.config.warmup_steps,
        );
        let ok = self.opt.step_with(
            &mut self.net,
            &self.ws.gw,
            &self.ws.gb,
            &mut self.update_sq,
            lr,
            self.config.weight_decay,
        );
        let ok = ok
            && (self.config.batch_norm.is_none()
                || self
                    .opt
                    .step_norm(&mut self.net, &self.ws.norm, lr, self.config.weight_decay));
        if !ok {
            return Err(self.fail("a weight or bias".into()));
        }
        if metered {
            self.record_update_ratio();
        }
        self.track_units();
        if let Some(r) = self.config.redo {
            if (self.step + 1).is_multiple_of(r.every as u64) {
                self.recycle_dormant(r, bsz);
            }
        }
        self.epoch_loss_sum += loss as f64 * bsz as f64;
        self.epoch_samples += bsz;
        self.epoch_steps += 1;
        self.pos += bsz;
        self.step += 1;
        Ok(())
    }

    /// Each layer's gradient norm into the statistics; returns the squared norm of the whole
    /// gradient (all layers).
    fn gradient_norms(&mut self) -> Result<f64, TrainError> {
        let mut total = 0.0;
        for l in 0..self.net.layers.len() {
            let mut sq = dot(&self.ws.gw[l], &self.ws.gw[l]) as f64
                + dot(&self.ws.gb[l], &self.ws.gb[l]) as f64;
            if let Some(n) = &self.ws.norm[l] {
                sq += dot(&n.g_gamma, &n.g_gamma) as f64 + dot(&n.g_beta, &n.g_beta) as f64;
            }
            if !sq.is_finite() {
                return Err(self.fail(format!("the gradient of layer {}", l + 1)));
            }
            let norm = sq.sqrt();
            self.grad_norm_last[l] = norm;
            self.grad_norm_sum[l] += norm;
            total += sq;
        }
        Ok(total)
    }

    /// Global-norm clipping: scales every gradient by c/‖g‖ when ‖g‖ = √`sq` exceeds `c`.
    fn clip_gradients(&mut self, sq: f64, c: f64) {
        let norm = sq.sqrt();
        if norm <= c {
            return;
        }
        let s = (c / norm) as f32;
        let norms = self.ws.norm.iter_mut().flatten();
        let bn = norms.flat_map(|n| [&mut n.g_gamma, &mut n.g_beta]);
        for g in self.ws.gw.iter_mut().chain(self.ws.gb.iter_mut()).chain(bn) {
            g.iter_mut().for_each(|v| *v *= s);
        }
        self.clipped_steps += 1;
    }

    /// Notes which units fired in the step just taken, and their update.
    fn track_units(&mut self) {
        for (l, tracks) in self.tracks.iter_mut().enumerate() {
            for (j, t) in tracks.iter_mut().enumerate() {
                if self.ws.active[l][j] {
                    t.fired_this_epoch = true;
                    t.last_active_step = Some(self.step);
                    t.last_active_update = (self.update_sq[l][j] as f64).sqrt();
                }
            }
        }
    }

    /// ReDo after the step just taken: every hidden unit τ-dormant on its batch gets fresh
    /// incoming weights, its initial bias and zero outgoing weights (and, with
    /// `reset_moments`, zero optimizer moments for all of them; with `restart_step_counts`,
    /// fresh Adam step counts for the tensors holding them).
    fn recycle_dormant(&mut self, r: Redo, bsz: usize) {
        let dormant = redo::dormant_on_batch(&self.ws, &self.net, bsz, r.tau);
        let (init, bias) = (self.config.init, self.config.bias_init as f64);
        let units = redo::recycle(&mut self.net, &dormant, init, bias, &mut self.redo_rng);
        if r.restart_step_counts {
            let last = self.net.layers.len() - 1;
            for l in (0..last).filter(|&l| units.iter().any(|u| u.0 == l)) {
                self.opt.restart_step_count(l, true, true);
                self.opt.restart_step_count(l + 1, true, false);
            }
        }
        for (l, j) in units {
            if r.reset_moments {
                self.opt.reset_unit(&self.net, l, j);
            }
            self.recycled.push(Recycled {
                step: self.step,
                layer: l,
                unit: j,
            });
        }
    }

    /// Every unit ReDo recycled since the epoch began (the record [`EpochStats::recycled`]
    /// takes at the epoch's end).
    pub fn recycled_this_epoch(&self) -> &[Recycled] {
        &self.recycled
    }

    /// Steps between two readings of the learning-rate meter.
    fn meter_every(&self) -> u64 {
        (self.steps_per_epoch() / METER_POINTS).max(1) as u64
    }

    /// The update-to-data ratio of the step just taken, from the kernels before it.
    fn record_update_ratio(&mut self) {
        let log10 = self
            .net
            .layers
            .iter()
            .zip(&self.meter_before)
            .map(|(l, before)| {
                let delta: Vec<f64> =
                    l.w.iter()
                        .zip(before)
                        .map(|(&a, &b)| a as f64 - b as f64)
                        .collect();
                let w: Vec<f64> = l.w.iter().map(|&v| v as f64).collect();
                (std_dev(&delta) / std_dev(&w)).log10()
            })
            .collect();
        self.update_ratios.push(UpdateRatio {
            step: self.step,
            log10,
        });
    }

    /// Per layer and unit: dead on every input of the training data's box, proven.
    pub fn provably_dead(&self) -> Vec<Vec<bool>> {
        let (lo, hi) = &self.input_box;
        crate::dead::provably_dead(&self.net, lo, hi)
    }

    /// Each input's smallest and largest training value.
    pub fn input_box(&self) -> &(Vec<f64>, Vec<f64>) {
        &self.input_box
    }

    fn fail(&mut self, what: String) -> TrainError {
        let e = TrainError::Diverged {
            epoch: self.epoch,
            step: self.step,
            what,
        };
        self.failed = Some(e.clone());
        e
    }

    /// Finishes the epoch (running its remaining steps, if any), computes its statistics on
    /// the validation set, updates death records and reshuffles for the next epoch.
    pub fn finish_epoch(&mut self) -> Result<EpochStats, TrainError> {
        self.train_steps(usize::MAX)?;
        let mut ev = self.start_evaluation();
        self.continue_evaluation(&mut ev, usize::MAX);
        self.end_epoch(ev)
    }

    /// Ends the epoch with an evaluation of the network as the epoch left it (started once
    /// [`Trainer::epoch_finished`]): the last part of [`Trainer::finish_epoch`], for callers
    /// that evaluate a piece at a time.
    pub fn end_epoch(&mut self, ev: Evaluation) -> Result<EpochStats, TrainError> {
        let close = self.close_epoch();
        self.stats_of(close, ev)
    }

    /// The trainer's side of the statistics of the network as it is now, without ending the
    /// epoch (its death records are left as they are).
    pub fn close(&self) -> EpochClose {
        let steps = self.epoch_steps.max(1) as f64;
        EpochClose {
            epoch: self.epoch,
            ends_epoch: false,
            step: self.step,
            failed_epoch: self.epoch,
            net: self.net.clone(),
            gw: self.ws.gw.clone(),
            gb: self.ws.gb.clone(),
            grad_norm_last: self.grad_norm_last.clone(),
            grad_norm_mean: self.grad_norm_sum.iter().map(|g| g / steps).collect(),
            epoch_steps: self.epoch_steps,
            train_loss: if self.epoch_samples > 0 {
                self.epoch_loss_sum / self.epoch_samples as f64
            } else {
                f64::NAN
            },
            tracks: self.tracks.clone(),
            update_ratios: self.update_ratios.clone(),
            recycled: self.recycled.clone(),
            clipped_steps: self.clipped_steps,
        }
    }

    /// Ends the epoch (once [`Trainer::epoch_finished`]) without evaluating it: returns the
    /// trainer's side of its statistics, to be completed by [`Trainer::stats_of`] with an
    /// evaluation of [`EpochClose::net`] made here or anywhere else, while training goes on.
    /// Training does not depend on the statistics, so the run is the same either way.
    pub fn close_epoch(&mut self) -> EpochClose {
        let mut close = self.close();
        close.ends_epoch = true;
        close.epoch = self.epoch + 1;
        self.epoch += 1;
        for t in self.tracks.iter_mut().flatten() {
            t.fired_this_epoch = false;
        }
        self.update_ratios.clear();
        self.recycled.clear();
        self.clipped_steps = 0;
        self.pos = 0;
        self.epoch_loss_sum = 0.0;
        self.epoch_samples = 0;
        self.epoch_steps = 0;
        self.grad_norm_sum.iter_mut().for_each(|g| *g = 0.0);
        shuffle_u32(&mut self.rng, &mut self.order);
        close
    }

    /// Runs a whole epoch and returns its statistics.
    pub fn train_epoch(&mut self) -> Result<EpochStats, TrainError> {
        self.finish_epoch()
    }

    /// Validation loss alone (forward passes only; cheaper than statistics).
    pub fn validation_loss(&mut self) -> f64 {
        self.val_pass(|_, _, _| {}).0
    }

    /// Runs the network over the validation set (the training set if there is none) in
    /// chunks, calling `visit(ws, start, bsz)` after each forward pass. Returns (mean loss,
    /// samples).
    fn val_pass(&mut self, mut visit: impl FnMut(&Workspace<f32>, usize, usize)) -> (f64, usize) {
        let data = Rc::clone(&self.data);
        let (x, y) = evaluation_set(&data);
        let n = y.len();
        let nf = data.n_features;
        let mut loss = 0.0f64;
        let mut start = 0;
        while start < n {
            let bsz = self.eval_ws.cap.min(n - start);
            let batch = Batch {
                x,
                y,
                nf,
                start,
                bsz,
            };
            loss += val_batch(&mut self.eval_ws, &self.net, batch, &mut visit);
            start += bsz;
        }
        (loss / n.max(1) as f64, n)
    }

    /// Statistics of the network as it is now, without ending the epoch or touching death
    /// records (`epoch` is the number of finished epochs; `train_loss` is the mean so far in
    /// this epoch, NaN before its first step).
    pub fn evaluate(&mut self) -> Result<EpochStats, TrainError> {
        let mut ev = self.start_evaluation();
        self.continue_evaluation(&mut ev, usize::MAX);
        self.evaluation_stats(ev)
    }

    /// Begins an evaluation of the network as it is now, to be run a piece at a time with
    /// [`Trainer::continue_evaluation`] so that a big network never blocks a page for long.
    pub fn start_evaluation(&self) -> Evaluation {
        let layers: Vec<(usize, Activation)> =
            self.net.layers.iter().map(|l| (l.n_out, l.act)).collect();
        Evaluation {
            off: layers.iter().map(|&(u, _)| vec![0; u]).collect(),
            maxz: layers
                .iter()
                .map(|&(u, _)| vec![f64::NEG_INFINITY; u])
                .collect(),
            zs: layers.iter().map(|_| Vec::new()).collect(),
            outs: layers.iter().map(|_| Vec::new()).collect(),
            out_sums: layers
                .iter()
                .map(|&(u, _)| vec![OutputSums::default(); u])
                .collect(),
            layers,
            loss_sum: 0.0,
            correct: 0,
            next: 0,
        }
    }

    /// Runs about `max_samples` more validation samples (whole batches, so the result is the
    /// same however the work is divided) and returns whether every sample is done. The
    /// network must not be trained in between.
    pub fn continue_evaluation(&mut self, ev: &mut Evaluation, max_samples: usize) -> bool {
        let (sc, classifies) = (self.stats_config, self.classifies);
        evaluate_piece(
            &mut self.eval_ws,
            &self.data,
            sc,
            classifies,
            &self.net,
            ev,
            max_samples,
        )
    }

    /// [`Trainer::continue_evaluation`] of `net` (an [`EpochClose::net`], of this trainer's
    /// shape) instead of the network as it is now.
    pub fn continue_evaluation_of(
        &mut self,
        net: &Mlp<f32>,
        ev: &mut Evaluation,
        max_samples: usize,
    ) -> bool {
        let (sc, classifies) = (self.stats_config, self.classifies);
        evaluate_piece(
            &mut self.eval_ws,
            &self.data,
            sc,
            classifies,
            net,
            ev,
            max_samples,
        )
    }

    /// Training fails on a non-finite validation loss, named after the last step before the
    /// evaluated network (`epoch` finished epochs, `step` steps).
    fn validation_diverged(&mut self, epoch: usize, step: u64) -> TrainError {
        let step = step.saturating_sub(1);
        let e = TrainError::Diverged {
            epoch,
            step,
            what: "the validation loss".into(),
        };
        self.failed = Some(e.clone());
        e
    }

    /// The statistics of a finished evaluation of the network as it is now.
    pub fn evaluation_stats(&mut self, ev: Evaluation) -> Result<EpochStats, TrainError> {
        let close = self.close();
        self.stats_of(close, ev)
    }

    /// The statistics `close` describes, from an evaluation of its network (completed here if
    /// unfinished). Closes of ended epochs must come in epoch order: each updates the death
    /// records the next one reports.
    pub fn stats_of(
        &mut self,
        mut close: EpochClose,
        mut ev: Evaluation,
    ) -> Result<EpochStats, TrainError> {
        if let Some(e) = &self.failed {
            return Err(e.clone());
        }
        if ev.next < self.validation_samples() {
            self.continue_evaluation_of(&close.net, &mut ev, usize::MAX);
        }
        let n = ev.next;
        let val_loss = ev.loss_sum / n.max(1) as f64;
        let val_accuracy = self.classifies.then(|| ev.correct as f64 / n.max(1) as f64);
        let sc = self.stats_config;
        let Evaluation {
            layers,
            off,
            maxz,
            mut zs,
            mut outs,
            out_sums,
            ..
        } = ev;
        let (lo, hi) = &self.input_box;
        let provable = crate::dead::provably_dead(&close.net, lo, hi);
        if !val_loss.is_finite() {
            return Err(self.validation_diverged(close.failed_epoch, close.step));
        }
        let (mut gw, mut gb) = (std::mem::take(&mut close.gw), std::mem::take(&mut close.gb));
        let mut out_layers = Vec::with_capacity(layers.len());
        for (l, &(units, _)) in layers.iter().enumerate() {
            let nn = n.max(1) as f64;
            let off_fraction: Vec<f64> = off[l].iter().map(|&o| o as f64 / nn).collect();
            let alive: Vec<bool> = off[l].iter().map(|&o| (o as usize) < n).collect();
            let mostly_off = off_fraction
                .iter()
                .map(|&f| f > sc.mostly_off_threshold)
                .collect();
            let dead = alive.iter().filter(|a| !**a).count();
            if close.ends_epoch {
                self.record_deaths(&close, l, &alive, &maxz[l]);
            }
            out_layers.push(LayerStats {
                units,
                pre_activation: Distribution::from_values(&mut zs[l], sc.bins),
                output: Distribution::from_values(&mut outs[l], sc.bins),
                weight_grad: Distribution::from_values(&mut gw[l], sc.bins),
                bias_grad: Distribution::from_values(&mut gb[l], sc.bins),
                grad_norm_last: close.grad_norm_last[l],
                grad_norm_mean: close.grad_norm_mean[l],
                mostly_off,
                off_fraction,
                max_pre_activation: maxz[l].clone(),
                dead_fraction: dead as f64 / units.max(1) as f64,
                deaths: self.deaths[l].clone(),
                mean_abs_output: out_sums[l].iter().map(|o| o.abs / nn).collect(),
                zero_fraction: out_sums[l].iter().map(|o| o.zeros as f64 / nn).collect(),
                near_zero_fraction: out_sums[l].iter().map(|o| o.near as f64 / nn).collect(),
                fired_in_training: if close.epoch_steps > 0 {
                    close.tracks[l].iter().map(|t| t.fired_this_epoch).collect()
                } else {
                    alive.clone()
                },
                provably_dead: provable[l].clone(),
                alive,
            });
        }
        Ok(EpochStats {
            epoch: close.epoch,
            step: close.step,
            train_loss: close.train_loss,
            val_loss,
            layers: out_layers,
            update_ratios: close.update_ratios,
            recycled: close.recycled,
            clipped_steps: close.clipped_steps,
            val_accuracy,
        })
    }

    /// Layer `l`'s death records after the epoch `close` ended: a unit alive again has none,
    /// a unit found dead for the first time gets its autopsy.
    fn record_deaths(&mut self, close: &EpochClose, l: usize, alive: &[bool], maxz: &[f64]) {
        for (j, &a) in alive.iter().enumerate() {
            let t = &close.tracks[l][j];
            let death = &mut self.deaths[l][j];
            if a {
                *death = None;
            } else if death.is_none() {
                *death = Some(DeathRecord {
                    found_dead_epoch: close.epoch,
                    last_active_step: t.last_active_step,
                    max_pre_activation: maxz[j],
                    last_update_norm: if t.last_active_step.is_some() {
                        t.last_active_update
                    } else {
                        0.0
                    },
                });
            }
        }
    }

    /// Samples an evaluation runs over: the validation set, or the training set without one.
    pub fn validation_samples(&self) -> usize {
        evaluation_set(&self.data).1.len()
    }
}

/// What is wrong with training `config` on `data`, if anything.
fn config_problem(config: &NetConfig, data: &Dataset) -> Option<&'static str> {
    if config.inputs == 0 || config.inputs != data.n_features {
        return Some("the network's inputs do not match the data's features");
    }
    if config.hidden.contains(&0) {
        return Some("every hidden layer needs at least one unit");
    }
    if config.batch_size == 0 {
        return Some("the batch size must be at least 1");
    }
    if data.n_train() == 0 {
        return Some("the training set is empty");
    }
    if data.n_train() > u32::MAX as usize {
        return Some("the training set is too large");
    }
    if !config.optimizer.lr().is_finite() || config.optimizer.lr() < 0.0 {
        return Some("the learning rate must be a finite, non-negative number");
    }
    if !(0.0..1.0).contains(&config.dropout.rate) {
        return Some("the dropout rate must be at least 0 and below 1");
    }
    if let Some(why) = remedy_problem(config) {
        return Some(why);
    }
    let outside = |y: &[f32]| y.iter().any(|t| !(0.0..=1.0).contains(t));
    if config.loss == Loss::BinaryCrossEntropy && (outside(&data.train_y) || outside(&data.val_y)) {
        return Some("binary cross-entropy needs targets between 0 and 1");
    }
    config.loss.problem(config.output_activation)
}

/// What is wrong with the configuration's remedies (warmup, clipping, weight decay, batch
/// normalization, ReDo), if anything.
fn remedy_problem(config: &NetConfig) -> Option<&'static str> {
    if let Some(c) = config.clip_norm {
        if c.is_nan() || c <= 0.0 {
            return Some("the gradient clipping threshold must be a positive number");
        }
    }
    if !config.weight_decay.is_finite() || config.weight_decay < 0.0 {
        return Some("the weight decay must be a finite, non-negative number");
    }
    if let Some(bn) = config.batch_norm {
        if !(0.0..=1.0).contains(&bn.momentum) {
            return Some("the batch normalization's momentum must be between 0 and 1");
        }
        if !bn.epsilon.is_finite() || bn.epsilon <= 0.0 {
            return Some("the batch normalization's epsilon must be a positive number");
        }
    }
    if let Some(r) = config.redo {
        if r.every == 0 {
            return Some("ReDo must recycle every 1 step or more");
        }
        if r.tau.is_nan() || r.tau < 0.0 {
            return Some("ReDo's threshold τ must be a non-negative number");
        }
    }
    None
}

/// Each input's smallest and largest training value (0 and 0 for an empty set).
fn input_box(data: &Dataset) -> (Vec<f64>, Vec<f64>) {
    let nf = data.n_features;
    let mut lo = vec![f64::INFINITY; nf];
    let mut hi = vec![f64::NEG_INFINITY; nf];
    for row in data.train_x.chunks_exact(nf.max(1)) {
        for (k, &v) in row.iter().enumerate() {
            lo[k] = lo[k].min(v as f64);
            hi[k] = hi[k].max(v as f64);
        }
    }
    for k in 0..nf {
        if lo[k] > hi[k] {
            (lo[k], hi[k]) = (0.0, 0.0);
        }
    }
    (lo, hi)
}

/// The standard deviation of `v` (0 for fewer than two values).
fn std_dev(v: &[f64]) -> f64 {
    if v.len() < 2 {
        return 0.0;
    }
    let n = v.len() as f64;
    let mean = v.iter().sum::<f64>() / n;
    (v.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / n).sqrt()
}

/// The samples statistics are taken on: the validation set, or the training set without one.
fn evaluation_set(data: &Dataset) -> (&[f32], &[f32]) {
    if data.n_val() > 0 {
        (&data.val_x, &data.val_y)
    } else {
        (&data.train_x, &data.train_y)
    }
}

/// An evaluation under way: what [`Trainer::continue_evaluation`] has gathered so far. Its
/// fields are public so that an evaluation made in another thread can travel as bytes.
#[derive(Clone, Debug, PartialEq)]
pub struct Evaluation {
    pub layers: Vec<(usize, Activation)>,
    /// Per layer and unit: samples on which f'(z) = 0.
    pub off: Vec<Vec<u64>>,
    pub maxz: Vec<Vec<f64>>,
    /// The first samples' pre-activations and outputs, for the histograms.
    pub zs: Vec<Vec<f32>>,
    pub outs: Vec<Vec<f32>>,
    /// Per layer and unit: what the definitions of dead read off the outputs.
    pub out_sums: Vec<Vec<OutputSums>>,
    pub loss_sum: f64,
    /// Samples classified right so far (counted for classification tasks only).
    pub correct: u64,
    /// Samples done.
    pub next: usize,
}

/// The trainer's side of one set of statistics ([`Trainer::close`], [`Trainer::close_epoch`]):
/// the network they describe and what training recorded up to that moment. With an
/// [`Evaluation`] of its network, [`Trainer::stats_of`] makes the [`EpochStats`].
#[derive(Clone, Debug)]
pub struct EpochClose {
    /// Finished epochs at the statistics (the epoch just ended, for an ended one).
    epoch: usize,
    ends_epoch: bool,
    step: u64,
    /// The epoch a validation divergence is reported in (before the count moved on).
    failed_epoch: usize,
    net: Mlp<f32>,
    gw: Vec<Vec<f32>>,
    gb: Vec<Vec<f32>>,
    grad_norm_last: Vec<f64>,
    grad_norm_mean: Vec<f64>,
    epoch_steps: u64,
    train_loss: f64,
    tracks: Vec<Vec<UnitTrack>>,
    update_ratios: Vec<UpdateRatio>,
    recycled: Vec<Recycled>,
    clipped_steps: u64,
}

impl EpochClose {
    /// The network to evaluate.
    pub fn net(&self) -> &Mlp<f32> {
        &self.net
    }

    /// The statistics' epoch (finished epochs).
    pub fn epoch(&self) -> usize {
        self.epoch
    }
}

impl Evaluation {
    /// Samples done so far.
    pub fn done(&self) -> usize {
        self.next
    }
}

/// [`Trainer::continue_evaluation_of`]'s work on the trainer's evaluation workspace `ws` and
/// `data`: about `max_samples` more validation samples of `net` (whole batches).
fn evaluate_piece(
    ws: &mut Workspace<f32>,
    data: &Dataset,
    sc: StatsConfig,
    classifies: bool,
    net: &Mlp<f32>,
    ev: &mut Evaluation,
    max_samples: usize,
) -> bool {
    let (x, y) = evaluation_set(data);
    let n = y.len();
    let nf = data.n_features;
    let cap = ws.cap;
    let end = ev
        .next
        .saturating_add(max_samples.div_ceil(cap).saturating_mul(cap))
        .min(n);
    let Evaluation {
        layers,
        off,
        maxz,
        zs,
        outs,
        out_sums,
        ..
    } = ev;
    let mut visit = |w: &Workspace<f32>, start: usize, bsz: usize| {
        for (l, &(units, act)) in layers.iter().enumerate() {
            let samples = sc
                .hist_samples
                .min(sc.hist_values_per_layer / units.max(1))
                .max(1);
            let keep = samples.saturating_sub(start).min(bsz);
            // f' in f64 for every value was most of a wide SELU net's statistics pass;
            // inside ±ALIVE_WITHIN it is known to be non-zero.
            let alive = act.gradient_alive_within(ALIVE_WITHIN as f64);
            for j in 0..units {
                let z = &w.z[l][j * cap..j * cap + bsz];
                let scan = unit_scan::scan_pre_activations(z, maxz[l][j] as f32);
                let o = if act.zero_gradient_region().is_some() {
                    scan.non_positive
                } else if alive && scan.max_abs < ALIVE_WITHIN {
                    // No value is far enough out for f' to vanish (the usual case).
                    0
                } else {
                    z.iter()
                        .filter(|&&v| !(alive && v.abs() < ALIVE_WITHIN))
                        .filter(|&&v| act.derivative(v as f64) as f32 == 0.0)
                        .count() as u64
                };
                maxz[l][j] = scan.max as f64;
                off[l][j] += o;
                out_sums[l][j].add(&w.a[l][j * cap..j * cap + bsz]);
                if keep > 0 {
                    zs[l].extend_from_slice(&z[..keep]);
                    outs[l].extend_from_slice(&w.a[l][j * cap..j * cap + keep]);
                }
            }
        }
    };
    while ev.next < end {
        let bsz = cap.min(end - ev.next);
        let batch = Batch {
            x,
            y,
            nf,
            start: ev.next,
            bsz,
        };
        ev.loss_sum += val_batch(ws, net, batch, &mut visit);
        if classifies {
            ev.correct += ws.correct(net, bsz);
        }
        ev.next += bsz;
    }
    ev.next >= n
}

/// Rows `start..start + bsz` of a data set.
#[derive(Clone, Copy)]
struct Batch<'a> {
    x: &'a [f32],
    y: &'a [f32],
    nf: usize,
    start: usize,
    bsz: usize,
}

/// Pre-activations inside ±this skip the exact zero-gradient test of the statistics when
/// [`Activation::gradient_alive_within`] says so (f' of tanh, the steepest to vanish, is 4.5e-7
/// at 8).
const ALIVE_WITHIN: f32 = 8.0;

/// One validation batch: forward, loss, and the caller's statistics. Kept out of line on
/// purpose: V8 runs a wasm function's first call on its baseline compiler and only switches
/// to optimised code at a later call, so a validation pass written as one long call would
/// run entirely on the slow tier the first time (40+ ms for seed 002's 60,000 samples).
#[inline(never)]
fn val_batch(
    ws: &mut Workspace<f32>,
    net: &Mlp<f32>,
    b: Batch<'_>,
    visit: &mut impl FnMut(&Workspace<f32>, usize, usize),
) -> f64 {
    ws.load_inputs(b.x, b.nf, b.start..b.start + b.bsz);
    ws.load_targets(b.y, 1, b.start..b.start + b.bsz);
    ws.forward(net, b.bsz);
    let loss = ws.loss(net, b.bsz) as f64 * b.bsz as f64;
    visit(ws, b.start, b.bsz);
    loss
}
