//! The page's copy of a run that trains in the engine (a worker, or this thread's
//! [`Local`](super::engine::Local)): what its replies said, read by the words and the charts
//! as they once read the run itself. It holds no trainer, so the page needs none of seed
//! 002's 200,000 samples; a 2-D task's few points and a learner's own data it keeps, because
//! the words read them (the labels' entropy, the file's size).

use super::engine::{place, place_trace};
use super::settings::Settings;
use crate::sim::data::Dataset;
use crate::sim::stats::EpochStats;
use std::rc::Rc;

/// One run as the page knows it.
pub struct Mirror {
    pub settings: Settings,
    target: usize,
    data: Option<Rc<Dataset>>,
    /// Statistics per epoch; `history[0]` is the network before training.
    pub history: Vec<EpochStats>,
    /// (fractional epoch, mean training loss so far in that epoch).
    pub trace: Vec<(f64, f64)>,
    failure: Option<String>,
    steps: u64,
    progress: Option<(usize, usize)>,
}

impl Mirror {
    /// A fresh run of `settings`; `data` is what the words read of it (None: seed 002's).
    pub fn new(settings: Settings, data: Option<Rc<Dataset>>) -> Mirror {
        Mirror {
            target: settings.epochs,
            settings,
            data,
            history: Vec::new(),
            trace: Vec::new(),
            failure: None,
            steps: 0,
            progress: None,
        }
    }

    /// The data the page holds of the run: a 2-D task's points or the learner's own; None
    /// on seed 002's data, which only the engine makes.
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

    /// The engine said training failed: the run does no more.
    pub fn record_failure(&mut self, message: String) {
        self.failure = Some(message);
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
        self.progress
    }

    /// Training steps taken.
    pub fn steps(&self) -> u64 {
        self.steps
    }

    /// A piece of work's report: its steps, progress and loss trace points.
    pub fn record_progress(
        &mut self,
        steps: u64,
        progress: Option<(usize, usize)>,
        trace_from: usize,
        trace: &[(f64, f64)],
    ) {
        self.steps = steps;
        self.progress = progress;
        place_trace(&mut self.trace, trace_from, trace);
    }

    /// An epoch's statistics, at their place (a replayed epoch replaces itself).
    pub fn record_epoch(&mut self, stats: EpochStats) {
        place(&mut self.history, stats);
    }
}
