//! The network panel's training engine as messages: what the page asks ([`Request`]) and what
//! the engine answers ([`Reply`]). The engine ([`super::worker::Handler`]) runs in a Web
//! Worker, or on the page when no worker starts; either way the page sends the same requests
//! and gets the same replies, so a seeded run gives the same numbers (`tests/network_engine.rs`).
//! [`super::wire`] turns both into bytes for `postMessage`.
//!
//! A run is named by a generation the page chooses (`gen`): every reply carries it, so replies
//! of a run the page has since replaced can be dropped. Settings travel as the panel's link
//! (`Settings::to_query`), which `from_pairs` reads back exactly.

use super::plane::PlaneField;
use super::run::Work;
use super::settings::{Preset, Settings};
use crate::sim::data::Dataset;
use crate::sim::stats::EpochStats;

/// The data a run trains on.
#[derive(Clone, Debug, PartialEq)]
pub enum DataSource {
    /// Seed 002's data, made from the settings' samples and seed.
    Seed002,
    /// The learner's file or pasted text as the page read it (its own-data `Dataset`, the
    /// target and scaling chosen), as its numbers. Not as text: the page parses it anyway,
    /// and the CSV reader would add 16 KB (7 KB gzipped) to the worker's wasm.
    Numbers(Dataset),
}

/// What the page asks of the engine.
#[derive(Clone, Debug, PartialEq)]
pub enum Request {
    /// A fresh run of these settings (Reset, a changed setting, new data): nothing trains
    /// until [`Request::Train`]. Any comparison stops.
    Start {
        gen: u32,
        link: String,
        data: DataSource,
    },
    /// Train until this many epochs are done (Train: the epochs set, or as many more; One
    /// epoch: one more). Stops a comparison, as the panel's Train does.
    Train { gen: u32, until_epoch: usize },
    /// Stop training (the run is kept: a later Train goes on) and stop any comparison.
    Pause { gen: u32 },
    /// Train each of these settings (links) one after another on the run's data, the main run
    /// paused.
    Compare { gen: u32, links: Vec<String> },
    /// Show the input plane over inputs (across, up), 1-based as the panel's `px`/`py`: the
    /// engine answers with the current network's [`Reply::Field`] over them. Training goes on.
    View { gen: u32, plane: (usize, usize) },
}

impl Request {
    /// The panel's comparison: every preset applied to `settings`.
    pub fn compare_presets(gen: u32, settings: &Settings) -> Request {
        Request::Compare {
            gen,
            links: Preset::ALL
                .iter()
                .map(|p| p.apply(settings).to_query())
                .collect(),
        }
    }

    pub fn gen(&self) -> u32 {
        match self {
            Request::Start { gen, .. }
            | Request::Train { gen, .. }
            | Request::Pause { gen }
            | Request::Compare { gen, .. }
            | Request::View { gen, .. } => *gen,
        }
    }
}

/// Which run a reply is about: the panel's run, or the comparison's run of `links[k]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lane {
    Main,
    Compare(usize),
}

/// What the engine answers.
#[derive(Clone, Debug, PartialEq)]
pub enum Reply {
    /// One piece of work on a run: what it was ([`Work`]), the steps taken so far, (samples
    /// seen in this epoch, training samples) once the network exists, and the loss trace's
    /// points added by this piece ((fractional epoch, mean training loss so far)), the first
    /// being point `trace_from` of the run's trace.
    Progress {
        gen: u32,
        lane: Lane,
        work: Work,
        steps: u64,
        progress: Option<(usize, usize)>,
        trace_from: usize,
        trace: Vec<(f64, f64)>,
    },
    /// Statistics of an epoch (`stats.epoch`; 0 is the untrained network).
    Epoch {
        gen: u32,
        lane: Lane,
        stats: Box<EpochStats>,
    },
    /// The main run's network over the input plane (after its `Epoch` reply, on a pause, or
    /// asked for by [`Request::View`]): computed where the run trains, so the page only draws.
    Field { gen: u32, field: Box<PlaneField> },
    /// The run reached the epochs asked for.
    Finished { gen: u32, lane: Lane, epochs: usize },
    /// Training of the main run stopped on request after `epochs` epochs.
    Paused { gen: u32, epochs: usize },
    /// Training failed; the run does no more.
    Failed {
        gen: u32,
        lane: Lane,
        message: String,
    },
    /// The comparison's last run finished, or the comparison was stopped.
    CompareDone { gen: u32 },
    /// A request that could not be read or applied (the engine goes on).
    Error { message: String },
}

impl Reply {
    /// The run the reply is about (None: an error of no run).
    pub fn gen(&self) -> Option<u32> {
        match self {
            Reply::Progress { gen, .. }
            | Reply::Epoch { gen, .. }
            | Reply::Field { gen, .. }
            | Reply::Finished { gen, .. }
            | Reply::Paused { gen, .. }
            | Reply::Failed { gen, .. }
            | Reply::CompareDone { gen } => Some(*gen),
            Reply::Error { .. } => None,
        }
    }
}

/// Puts a Progress reply's trace points at their place in a run's trace (as [`place`] does
/// for statistics: replayed points replace themselves).
pub fn place_trace(trace: &mut Vec<(f64, f64)>, from: usize, points: &[(f64, f64)]) {
    trace.truncate(from.min(trace.len()));
    trace.extend_from_slice(points);
}

/// Puts an epoch's statistics at its place in a run's history (`history[e]` is epoch `e`),
/// dropping any later epochs: applying the same reply twice (as after a fall back to the page,
/// which replays the run) leaves the history as once.
pub fn place(history: &mut Vec<EpochStats>, stats: EpochStats) {
    let e = stats.epoch.min(history.len());
    history.truncate(e);
    history.push(stats);
}

/// Where a run trains, as the panel's state sees it: it sends requests and, once a frame,
/// takes the replies. [`Local`] runs the engine in the caller's thread (native tests, and
/// the page when no worker starts); the page's `web::engine::Engine` runs it in a worker.
pub trait TrainingEngine {
    /// Sends a request; its replies come from [`TrainingEngine::frame`].
    fn send(&mut self, r: Request);
    /// The replies since the last call, after one slice of at most about `budget_ms` of
    /// `clock` time where the engine runs in this thread.
    fn frame(&mut self, budget_ms: f64, clock: &mut dyn FnMut() -> f64) -> Vec<Reply>;
    /// Whether frames must come: replies wait, or work in this thread waits.
    fn needs_frames(&self) -> bool;
    /// ("worker" | "page" | ..., whether it works in this thread, why not a worker if it
    /// tried).
    fn describe(&self) -> EngineInfo;
    /// Gets ready to train (a worker starts loading), so the first Train need not wait.
    fn warm(&mut self) {}
}

/// Where the training runs, for the panel's words and a data attribute the tests read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EngineInfo {
    pub id: &'static str,
    /// The work runs in this thread's frames (then frames train as well as draw).
    pub in_thread: bool,
    pub fallback: Option<&'static str>,
    /// The worker's helper made statistics of the current run (a second thread: see
    /// [`super::helper`]).
    pub helper: bool,
}

/// The engine in this thread: the handler's replies wait in an inbox until the next frame.
#[derive(Default)]
pub struct Local {
    handler: super::worker::Handler,
    inbox: Vec<Reply>,
}

impl TrainingEngine for Local {
    fn send(&mut self, r: Request) {
        let replies = self.handler.handle(r);
        self.inbox.extend(replies);
    }

    fn frame(&mut self, budget_ms: f64, clock: &mut dyn FnMut() -> f64) -> Vec<Reply> {
        if self.handler.busy() {
            let replies = self.handler.slice(budget_ms, clock);
            self.inbox.extend(replies);
        }
        std::mem::take(&mut self.inbox)
    }

    fn needs_frames(&self) -> bool {
        !self.inbox.is_empty() || self.handler.busy()
    }

    fn describe(&self) -> EngineInfo {
        EngineInfo {
            id: "local",
            in_thread: true,
            fallback: None,
            helper: false,
        }
    }
}
