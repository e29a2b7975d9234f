//! One training run of the "Small network" panel, advanced in small pieces of work so the
//! page can spend a few milliseconds per animation frame on it. Pure: the web layer passes a
//! clock (`performance.now()`), the tests pass their own.
//!
//! Each call to [`Run::work`] does exactly one kind of work: generate the data, build the
//! trainer, gather statistics (at initialization or at an epoch's end) until the time budget
//! is spent, or train steps until the budget is spent or the epoch ends. So no single call does
//! two expensive things, and none runs much past its budget.

use super::helper::Params;
use super::settings::Settings;
use crate::sim::data::InputScaling;
use crate::sim::data::{Dataset, Seed002Builder};
use crate::sim::mlp::Mlp;
use crate::sim::stats::EpochStats;
use crate::sim::train::{EpochClose, Evaluation, NetConfig, Trainer};
use std::collections::VecDeque;
use std::rc::Rc;

/// What one call to [`Run::work`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Work {
    GeneratedData,
    BuiltNetwork,
    /// Statistics of the untrained network (epoch 0).
    Initial,
    /// Trained this many steps; the epoch is not over.
    Trained(usize),
    /// Evaluated part of the validation set (samples done so far); the statistics are not
    /// complete yet.
    Evaluating(usize),
    /// Finished this epoch (1-based) and computed its statistics.
    Epoch(usize),
    /// Nothing to do: the target epoch is reached.
    Done,
    /// Training failed (see [`Run::failure`]).
    Failed,
    /// Ended this epoch (0: the untrained network's statistics) and handed its network to
    /// the helper to evaluate ([`Run::take_for_helper`]); training goes on.
    Closed(usize),
    /// Nothing to do here until the helper's evaluations come back ([`Run::accept`]).
    Waiting,
}

/// What became of the helper's evaluation ([`Run::accept`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Accepted {
    /// The statistics were made: the work as [`Run::work`] would have reported it.
    Made(Work),
    /// Not awaited (an answer about statistics already made, or of another run).
    Stale,
    /// It does not fit the statistics (a helper of another build): the caller stops using
    /// the helper ([`Run::set_helper`]), and they are made here.
    Misfit,
}

/// Samples of seed 002's data made between two looks at the clock.
const DATA_PIECE: usize = 8_192;

/// Validation samples per call of `continue_evaluation`: small enough that even the widest
/// network (4 × 64) stays near a millisecond per call.
const EVALUATION_PIECE: usize = 512;

/// A run of one configuration on seed 002's data.
pub struct Run {
    pub settings: Settings,
    target: usize,
    data: Option<Rc<Dataset>>,
    /// Seed 002's data while it is being made, a piece per call (200,000 samples at once took
    /// a long task of their own).
    building: Option<Seed002Builder>,
    trainer: Option<Trainer>,
    /// Statistics per epoch; `history[0]` is the network before training.
    pub history: Vec<EpochStats>,
    /// (fractional epoch, mean training loss so far in that epoch), one point per slice.
    pub trace: Vec<(f64, f64)>,
    failure: Option<String>,
    chunk: usize,
    /// Statistics still to make, oldest first: the untrained network's, then each ended
    /// epoch's, each with whether the helper is evaluating it.
    pending: VecDeque<(EpochClose, bool)>,
    /// The untrained network's statistics are under way or made.
    initial_closed: bool,
    /// Whether the epochs closed from now on go to the helper.
    defer: bool,
    /// Networks for the helper to evaluate: (the statistics' epoch, the network's numbers).
    for_helper: Vec<(usize, Params)>,
    /// The evaluation of `pending`'s oldest, made here a piece at a time.
    evaluation: Option<Evaluation>,
    /// The network the latest statistics describe (the plane drawn with them shows it).
    stats_net: Option<Mlp<f32>>,
}

impl Run {
    /// A run of `params`; `data` is reused when it is the data these params describe.
    pub fn new(settings: Settings, data: Option<Rc<Dataset>>) -> Run {
        let data = data.filter(|d| d.n_train() + d.n_val() == settings.samples);
        // A Playground set at once: its dead line (the labels' entropy) is read off it
        // before training, and it takes a millisecond or two.
        let data = match data {
            None if settings.task.plane().is_some() => Some(Run::generate_data(&settings)),
            d => d,
        };
        Run::holding(settings, data)
    }

    /// A run of `settings` on given data (the learner's own): never regenerated.
    pub fn on_data(settings: Settings, data: Rc<Dataset>) -> Run {
        // Not through `new`: that would make a Playground set only to drop it.
        Run::holding(settings, Some(data))
    }

    /// A fresh run of `settings` holding `data` as it is.
    fn holding(settings: Settings, data: Option<Rc<Dataset>>) -> Run {
        Run {
            target: settings.epochs,
            settings,
            data,
            building: None,
            trainer: None,
            history: Vec::new(),
            trace: Vec::new(),
            failure: None,
            chunk: 16,
            pending: VecDeque::new(),
            initial_closed: false,
            defer: false,
            for_helper: Vec::new(),
            evaluation: None,
            stats_net: None,
        }
    }

    /// Makes seed 002's data for about `budget_ms`, in pieces; keeps it once complete. A
    /// Playground set is made at once (its sizes take a millisecond or two).
    fn generate_piece(&mut self, budget_ms: f64, clock: &mut dyn FnMut() -> f64) {
        if self.settings.task.plane().is_some() {
            self.data = Some(Run::generate_data(&self.settings));
            return;
        }
        let (n, seed) = (self.settings.samples, self.settings.seed);
        let b = self
            .building
            .get_or_insert_with(|| Seed002Builder::new(n, seed));
        let t0 = clock();
        while !b.make(DATA_PIECE) {
            if clock() - t0 >= budget_ms {
                return;
            }
        }
        if let Some(b) = self.building.take() {
            self.data = Some(Rc::new(b.finish()));
        }
    }

    /// The task's data for these params (task, noise, samples, seed): the same for every run
    /// that shares them.
    pub fn generate_data(params: &Settings) -> Rc<Dataset> {
        match params.task.plane() {
            Some(t) => Rc::new(t.dataset(params.samples, params.noise / 100.0, params.seed)),
            None => Rc::new(Dataset::seed002(params.samples, params.seed)),
        }
    }

    /// The network as trained so far (None before it is built).
    pub fn net(&self) -> Option<&Mlp<f32>> {
        self.trainer.as_ref().map(Trainer::net)
    }

    /// The data the network trains on, its inputs scaled as the settings say (None before
    /// the network is built).
    pub fn trained_data(&self) -> Option<&Rc<Dataset>> {
        self.trainer.as_ref().map(Trainer::data)
    }

    pub fn data(&self) -> Option<&Rc<Dataset>> {
        self.data.as_ref()
    }

    /// The epoch training stops at.
    pub fn target(&self) -> usize {
        self.target
    }

    pub fn set_target(&mut self, epochs: usize) {
        self.target = epochs;
    }

    /// Finished epochs.
    pub fn epochs_done(&self) -> usize {
        self.history.len().saturating_sub(1)
    }

    pub fn failure(&self) -> Option<&str> {
        self.failure.as_deref()
    }

    /// The target is reached, or training failed.
    pub fn is_finished(&self) -> bool {
        self.failure.is_some() || (!self.history.is_empty() && self.epochs_done() >= self.target)
    }

    /// The latest statistics, if any.
    pub fn latest(&self) -> Option<&EpochStats> {
        self.history.last()
    }

    /// (samples seen in this epoch, training samples), or None before the network exists.
    pub fn progress(&self) -> Option<(usize, usize)> {
        self.trainer.as_ref().map(|t| t.epoch_progress())
    }

    /// Training steps taken.
    pub fn steps(&self) -> u64 {
        self.trainer.as_ref().map(|t| t.step()).unwrap_or(0)
    }

    /// Does one piece of work, training for at most about `budget_ms` of `clock` time.
    pub fn work(&mut self, budget_ms: f64, clock: &mut dyn FnMut() -> f64) -> Work {
        if self.failure.is_some() {
            return Work::Failed;
        }
        if let Some(w) = self.prepare_piece(budget_ms, clock) {
            return w;
        }
        // The oldest statistics still to make here come before more training.
        if self.pending.front().is_some_and(|(_, sent)| !sent) {
            return self.evaluate_piece(budget_ms, clock);
        }
        let Some(trainer) = self.trainer.as_mut() else {
            return Work::Failed;
        };
        if !self.initial_closed {
            self.initial_closed = true;
            let close = trainer.close();
            return self.closed(close, budget_ms, clock);
        }
        if trainer.epoch_finished() {
            let close = trainer.close_epoch();
            return self.closed(close, budget_ms, clock);
        }
        if trainer.epoch() >= self.target {
            return if self.pending.is_empty() {
                Work::Done
            } else {
                Work::Waiting
            };
        }
        self.train_piece(budget_ms, clock)
    }

    /// Makes the data and builds the trainer, a piece at a time; None once both exist.
    fn prepare_piece(&mut self, budget_ms: f64, clock: &mut dyn FnMut() -> f64) -> Option<Work> {
        let Some(data) = self.data.clone() else {
            self.generate_piece(budget_ms, clock);
            return Some(Work::GeneratedData);
        };
        if self.trainer.is_some() {
            return None;
        }
        let data = scaled_inputs(data, self.settings.inputs);
        Some(match Trainer::new(self.config_for(&data), data) {
            Ok(t) => {
                self.trainer = Some(t);
                Work::BuiltNetwork
            }
            Err(e) => self.fail(e.to_string()),
        })
    }

    /// A close just made: handed to the helper, or its evaluation begun here.
    fn closed(
        &mut self,
        close: EpochClose,
        budget_ms: f64,
        clock: &mut dyn FnMut() -> f64,
    ) -> Work {
        let epoch = close.epoch();
        if self.defer {
            self.for_helper.push((epoch, Params::of(close.net())));
            self.pending.push_back((close, true));
            return Work::Closed(epoch);
        }
        self.pending.push_back((close, false));
        self.evaluate_piece(budget_ms, clock)
    }

    /// Evaluates the oldest pending statistics here for about `budget_ms` (whole validation
    /// set: a wide, deep network takes hundreds of milliseconds for it).
    fn evaluate_piece(&mut self, budget_ms: f64, clock: &mut dyn FnMut() -> f64) -> Work {
        let (Some(trainer), Some((close, _))) = (self.trainer.as_mut(), self.pending.front())
        else {
            return Work::Failed;
        };
        let mut ev = self
            .evaluation
            .take()
            .unwrap_or_else(|| trainer.start_evaluation());
        if ev.done() < trainer.validation_samples() {
            let t0 = clock();
            let mut done = false;
            while !done && clock() - t0 < budget_ms {
                done = trainer.continue_evaluation_of(close.net(), &mut ev, EVALUATION_PIECE);
            }
            // The summary (histograms, percentiles) gets a piece of its own.
            let samples = ev.done();
            self.evaluation = Some(ev);
            return Work::Evaluating(samples);
        }
        self.make_stats(ev)
    }

    /// The oldest pending statistics from their evaluation.
    fn make_stats(&mut self, ev: Evaluation) -> Work {
        let (Some(trainer), Some((close, _))) = (self.trainer.as_mut(), self.pending.pop_front())
        else {
            return Work::Failed;
        };
        let net = close.net().clone();
        match trainer.stats_of(close, ev) {
            Ok(s) => {
                let e = s.epoch;
                let initial = self.history.is_empty();
                self.history.push(s);
                self.stats_net = Some(net);
                if initial {
                    Work::Initial
                } else {
                    Work::Epoch(e)
                }
            }
            Err(e) => self.fail(e.to_string()),
        }
    }

    /// Trains steps until the budget is spent or the epoch ends.
    fn train_piece(&mut self, budget_ms: f64, clock: &mut dyn FnMut() -> f64) -> Work {
        let Some(trainer) = self.trainer.as_mut() else {
            return Work::Failed;
        };
        let t0 = clock();
        let mut steps = 0;
        loop {
            let c0 = clock();
            match trainer.train_steps(self.chunk) {
                Ok(n) => steps += n,
                Err(e) => return self.fail(e.to_string()),
            }
            // Keep each chunk near a millisecond, so the budget is never overshot by much.
            let took = clock() - c0;
            if took < 0.5 {
                self.chunk = (self.chunk * 2).min(256);
            } else if took > 2.0 {
                self.chunk = (self.chunk / 2).max(1);
            }
            if trainer.epoch_finished() || clock() - t0 >= budget_ms {
                break;
            }
        }
        let (pos, n) = trainer.epoch_progress();
        let x = trainer.epoch() as f64 + pos as f64 / n.max(1) as f64;
        let loss = trainer.epoch_train_loss();
        if loss.is_finite() {
            self.trace.push((x, loss));
        }
        Work::Trained(steps)
    }

    /// Whether a call to [`Run::work`] would do something (not only wait for the helper).
    pub fn has_work(&self) -> bool {
        if self.is_finished() {
            return false;
        }
        let Some(trainer) = self.trainer.as_ref() else {
            return true;
        };
        self.pending.front().is_some_and(|(_, sent)| !sent)
            || !self.initial_closed
            || trainer.epoch_finished()
            || trainer.epoch() < self.target
            || self.pending.is_empty()
    }

    /// Sends the statistics closed from now on to the helper (`true`), or makes them here
    /// (`false`: also those the helper was making, as when it is lost).
    pub fn set_helper(&mut self, on: bool) {
        self.defer = on;
        if !on {
            self.pending.iter_mut().for_each(|(_, sent)| *sent = false);
            self.for_helper.clear();
        }
    }

    /// The networks closed for the helper since the last call: (epoch, numbers).
    pub fn take_for_helper(&mut self) -> Vec<(usize, Params)> {
        std::mem::take(&mut self.for_helper)
    }

    /// The helper's evaluation of the statistics of `epoch`: makes them when they are the
    /// oldest pending.
    pub fn accept(&mut self, epoch: usize, ev: Evaluation) -> Accepted {
        let (Some(trainer), Some((close, sent))) = (self.trainer.as_ref(), self.pending.front())
        else {
            return Accepted::Stale;
        };
        if !*sent || close.epoch() != epoch {
            return Accepted::Stale;
        }
        let shape = trainer.start_evaluation();
        let fits = ev.layers == shape.layers
            && ev
                .off
                .iter()
                .map(Vec::len)
                .eq(shape.off.iter().map(Vec::len))
            && ev.next == trainer.validation_samples();
        if !fits {
            return Accepted::Misfit;
        }
        Accepted::Made(self.make_stats(ev))
    }

    /// The helper's side: this run's network with `params`' numbers evaluated over the
    /// validation set, once the data and the network are made (as the trainer made them).
    pub fn evaluate_params(&mut self, params: &Params) -> Result<Evaluation, String> {
        let mut clock = || 0.0;
        while self.prepare_piece(f64::INFINITY, &mut clock).is_some() {
            if let Some(f) = &self.failure {
                return Err(f.clone());
            }
        }
        let trainer = self.trainer.as_mut().ok_or("no network")?;
        let net = params
            .apply(trainer.net())
            .ok_or("the numbers do not fit this run's network")?;
        let mut ev = trainer.start_evaluation();
        trainer.continue_evaluation_of(&net, &mut ev, usize::MAX);
        Ok(ev)
    }

    /// The network the latest statistics describe.
    pub fn stats_net(&self) -> Option<&Mlp<f32>> {
        self.stats_net.as_ref()
    }

    /// The settings' network on `data`'s inputs.
    fn config_for(&self, data: &Dataset) -> NetConfig {
        NetConfig {
            inputs: data.n_features,
            ..self.settings.net_config()
        }
    }

    fn fail(&mut self, message: String) -> Work {
        self.failure = Some(message);
        Work::Failed
    }

    /// Works until finished (for tests and benchmarks); returns the number of calls.
    pub fn run_to_end(&mut self, clock: &mut dyn FnMut() -> f64) -> usize {
        let mut calls = 0;
        while !self.is_finished() {
            self.work(f64::INFINITY, clock);
            calls += 1;
        }
        calls
    }
}

/// The inputs as the settings scale them (training statistics, both splits).
fn scaled_inputs(data: Rc<Dataset>, how: InputScaling) -> Rc<Dataset> {
    match how {
        InputScaling::Raw => data,
        how => Rc::new(data.scaled(how)),
    }
}
