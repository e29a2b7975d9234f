//! The panel's pure state: the current run, the comparison of presets, what is selected, and
//! every rule of what a message or an animation frame does. The web layer sends messages,
//! gives frames a clock, and redraws what [`Redraw`] names.
//!
//! The runs train in an engine ([`TrainingEngine`]: a Web Worker in the page, this thread
//! elsewhere): the state sends it a [`Request`] for each message that changes the run and
//! keeps [`Mirror`]s of what the replies report. Both engines run the same handler, so a
//! seeded run gives the same numbers in either.

use super::engine::{DataSource, Lane, Local, Reply, Request, TrainingEngine};
use super::mirror::Mirror;
use super::plane::PlaneField;
use super::run::{Run, Work};
use super::settings::{Preset, Settings, Task, PLANE_X, PLANE_Y, PRESET, VIEW_KEYS};
use super::words::DataInfo;
use crate::sim::csv::{self, Table};
use crate::sim::data::{Dataset, SEED002_DEAD_LOSS};
use crate::sim::stats::EpochStats;
use crate::spec::Value;
use std::rc::Rc;

/// What the panel is doing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Activity {
    Ready,
    Training,
    Paused,
    Finished,
}

/// What the learner can do.
#[derive(Clone, Debug, PartialEq)]
pub enum Msg {
    /// A control changed: a fresh run with the new settings (a preset sets several).
    Set(&'static str, Value),
    /// Train: run to the epochs set (or as many more once there); pressed while training,
    /// pause.
    Train,
    /// Train exactly one more epoch.
    OneEpoch,
    /// A fresh run of the current settings.
    Reset,
    /// Train every preset on the same data and seed, one after another; again to stop.
    Compare,
    /// Show the autopsy of (layer, unit).
    SelectUnit(usize, usize),
    /// Show the distributions of this layer.
    SelectLayer(usize),
    /// Use this file's (or pasted text's) bytes as the data: refused with a notice, and
    /// nothing else changed, when they are not a valid table.
    LoadData { name: String, bytes: Vec<u8> },
    /// A file refused before it was read (by its size), with the reason.
    RefuseData(String),
    /// Predict this column of the own data.
    DataTarget(usize),
    /// Standardise the own data's inputs, or not.
    Standardise(bool),
    /// Back to seed 002's data.
    BuiltInData,
    /// The learner points at (or focuses) hidden unit (layer, unit) in the atlas; None when
    /// the pointer leaves it. A first-layer unit's line is drawn on the plane.
    Point(Option<(usize, usize)>),
}

/// The name [`OwnData`] gives text pasted into the page.
pub const PASTED: &str = "the pasted text";

/// The learner's own data, used instead of seed 002's.
#[derive(Clone, Debug)]
pub struct OwnData {
    /// The file's name, or [`PASTED`].
    pub name: String,
    pub table: Rc<Table>,
    pub target: usize,
    pub standardise: bool,
    pub data: Rc<Dataset>,
    /// E[y²] of the target column: the loss of an output stuck at 0.
    pub dead_loss: f64,
    /// The largest magnitude of an input (as trained on) and of the target.
    pub largest: (f64, f64),
}

impl OwnData {
    pub fn new(name: String, table: Rc<Table>, target: usize, standardise: bool) -> OwnData {
        let target = target.min(table.columns() - 1);
        let data = table.dataset(target, standardise);
        let largest = |v: &[f32], w: &[f32]| {
            v.iter()
                .chain(w)
                .fold(0.0f64, |m, x| m.max(f64::from(x.abs())))
        };
        OwnData {
            largest: (
                largest(&data.train_x, &data.val_x),
                largest(&data.train_y, &data.val_y),
            ),
            data: Rc::new(data),
            dead_loss: table.dead_loss(target),
            name,
            table,
            target,
            standardise,
        }
    }

    /// Whether the data came from pasted text (which has no file name).
    pub fn pasted(&self) -> bool {
        self.name == PASTED
    }

    /// "500 rows of sample.csv (target y)".
    pub fn describe(&self) -> String {
        format!(
            "{} rows of {} (target {})",
            self.table.rows(),
            self.name,
            self.table.names[self.target]
        )
    }
}

/// What the view must draw after a message or a frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Redraw {
    Nothing,
    /// The status line, buttons and data attributes.
    Status,
    /// The status and the loss curve (training steps went by).
    Loss,
    /// The status and the comparison.
    Compare,
    /// The map and the autopsy (a new unit picked).
    Unit,
    /// The distributions (a new layer picked).
    Layer,
    /// Everything.
    All,
    /// The same run read another way (the definition of dead): the controls, the scripts
    /// and everything drawn, the run kept.
    Reading,
    /// The network's shape changed: the unit and layer menus, then everything.
    Rebuild,
    /// The input plane and the atlas (a unit pointed at).
    Plane,
}

/// The runs trained one after another on the same data, each with its label: the presets on
/// seed 002's data or the learner's, the learning rates of [`COST_RATES`] on a 2-D task.
pub struct Comparison {
    pub runs: Vec<(String, Mirror)>,
    pub current: usize,
    pub active: bool,
}

/// On a 2-D task Compare trains the settings at these learning rates: what dead units cost
/// is the accuracy lost between the safe and the high ones.
pub const COST_RATES: [f64; 6] = [0.001, 0.003, 0.01, 0.03, 0.05, 0.1];

/// What a task's data is made from: the same key, the same data.
#[derive(Clone, Copy, Debug, PartialEq)]
struct DataKey {
    task: Task,
    noise: f64,
    samples: usize,
    seed: u64,
}

impl DataKey {
    fn of(s: &Settings) -> DataKey {
        DataKey {
            task: s.task,
            noise: s.noise,
            samples: s.samples,
            seed: s.seed,
        }
    }
}

pub struct State {
    pub settings: Settings,
    pub run: Mirror,
    /// Where the runs train.
    engine: Box<dyn TrainingEngine>,
    /// The current run's generation: replies of earlier runs are dropped.
    gen: u32,
    /// Comparisons asked of the engine (in this run) whose end it has not reported yet: a
    /// comparison's replies are the latest one's only while one is open.
    compares_open: u32,
    /// What the engine could not do (a request it could not read), for the status.
    pub engine_notice: Option<String>,
    /// The task's data for its key, shared by every run that uses it.
    data: Option<(DataKey, Rc<Dataset>)>,
    pub activity: Activity,
    pub comparison: Option<Comparison>,
    /// The unit whose autopsy is shown, (layer, unit).
    pub selected: (usize, usize),
    /// The layer whose distributions are shown.
    pub layer_shown: usize,
    /// Statistics arrived last frame: draw everything this frame, work next frame.
    full_render_due: bool,
    /// Frames of training so far, to space the loss chart's redraws under reduced motion.
    frames_trained: u32,
    /// What the last frame's work was, in words (for the slowest-frame report).
    pub last_work: &'static str,
    /// The learner's own data, when in use.
    pub own: Option<OwnData>,
    /// Why the last file was refused (cleared when one is accepted).
    pub data_notice: Option<String>,
    /// The network over the input plane at the latest statistics (None before them).
    pub field: Option<PlaneField>,
    /// The hidden unit pointed at in the atlas.
    pub pointed: Option<(usize, usize)>,
    /// When (the frame clock's ms) the statistics last called for every chart.
    last_full_ms: f64,
}

/// Between two full redraws while training, at least this long (ms): an epoch that ends
/// sooner after the last one updates the loss and the status only; the last epoch always
/// draws everything.
pub const FULL_REDRAW_GAP_MS: f64 = 250.0;

impl State {
    /// A state whose runs train in this thread ([`Local`]).
    pub fn new(settings: Settings) -> State {
        State::with_engine(settings, Box::<Local>::default())
    }

    /// A state whose runs train in `engine`.
    pub fn with_engine(settings: Settings, engine: Box<dyn TrainingEngine>) -> State {
        let n = settings.layers + 1;
        let mut state = State {
            run: Mirror::new(settings.clone(), None),
            engine,
            gen: 0,
            compares_open: 0,
            engine_notice: None,
            settings,
            data: None,
            activity: Activity::Ready,
            comparison: None,
            selected: (n - 1, 0),
            layer_shown: usize::MAX,
            full_render_due: false,
            frames_trained: 0,
            last_work: "",
            own: None,
            data_notice: None,
            field: None,
            pointed: None,
            last_full_ms: f64::NEG_INFINITY,
        };
        state.reset();
        state
    }

    /// The learner came near the controls: the engine gets ready to train.
    pub fn warm_engine(&mut self) {
        self.engine.warm();
    }

    /// Whether the runs train in this thread (then frames do the work and the drawing).
    pub fn trains_here(&self) -> bool {
        self.engine.describe().in_thread
    }

    /// Where the runs train, for the status and a data attribute.
    pub fn engine_info(&self) -> super::engine::EngineInfo {
        self.engine.describe()
    }

    /// The loss of an output stuck at 0 on the data in use: 13/3 for seed 002's, E[y²] of the
    /// target for the learner's.
    pub fn dead_loss(&self) -> f64 {
        match &self.own {
            Some(o) => o.dead_loss,
            None if self.settings.task.plane().is_some() => self.data_info().dead_loss,
            None => SEED002_DEAD_LOSS,
        }
    }

    /// Optimizer steps per epoch on the data in use (the autopsy names steps by epoch).
    pub fn steps_per_epoch(&self) -> usize {
        match &self.own {
            Some(o) => o.data.n_train().div_ceil(self.settings.batch.max(1)),
            None => super::words::steps_per_epoch(&self.settings),
        }
    }

    /// What the words say about the data in use.
    pub fn data_info(&self) -> DataInfo {
        match &self.own {
            Some(o) => DataInfo {
                dead_loss: o.dead_loss,
                inputs: o.data.n_features,
                what: o.describe(),
                largest: o.largest,
                own: true,
                playground: false,
                classifies: false,
            },
            None => match (self.settings.task.plane(), self.run.data()) {
                (Some(_), Some(d)) => DataInfo::playground(&self.settings, d),
                (Some(_), None) => {
                    DataInfo::playground(&self.settings, &Run::generate_data(&self.settings))
                }
                (None, _) => DataInfo::seed002(&self.settings),
            },
        }
    }

    /// Whether the run is a classification (0/1 labels, an accuracy).
    pub fn classifies(&self) -> bool {
        self.own.is_none() && self.settings.task.is_classification()
    }

    /// Units per hidden layer.
    pub fn hidden_widths(&self) -> Vec<usize> {
        vec![self.settings.width; self.settings.layers]
    }

    /// Which hidden units the atlas marks dead: on a 2-D task, those whose output is 0 on
    /// every training point (the plane's own count, exact); on other data, the definition in
    /// use on the latest statistics (a forward pass over a large data set at every epoch
    /// would cost more than the epoch's statistics).
    pub fn atlas_dead(&self) -> Vec<Vec<bool>> {
        let hidden = self.settings.layers;
        if self.settings.task.plane().is_some() && self.own.is_none() {
            if let Some(f) = &self.field {
                return f.dead_on_data.clone();
            }
        }
        match self.run.latest() {
            Some(last) => {
                let judge = self.settings.judge();
                (0..hidden.min(last.layers.len()))
                    .map(|l| judge.dead(last, l))
                    .collect()
            }
            None => vec![vec![false; self.settings.width]; hidden],
        }
    }

    /// A new run of `settings` on the data in use, as the page holds it: the learner's data,
    /// a 2-D task's points (made here, a millisecond), nothing of seed 002's.
    fn new_run(&mut self, settings: Settings) -> Mirror {
        let data = match &self.own {
            Some(o) => Some(o.data.clone()),
            None if settings.task.plane().is_some() => {
                let d = self
                    .cached_data(&settings)
                    .unwrap_or_else(|| Run::generate_data(&settings));
                self.remember_data(&settings, Some(d.clone()));
                Some(d)
            }
            None => None,
        };
        Mirror::new(settings, data)
    }

    /// What the engine trains on: the learner's numbers, or the data the settings make.
    fn data_source(&self) -> DataSource {
        match &self.own {
            Some(o) => DataSource::Numbers((*o.data).clone()),
            None => DataSource::Seed002,
        }
    }

    /// The data messages: every refusal leaves the run and the data in use as they were.
    fn update_data(&mut self, msg: Msg) -> Redraw {
        match msg {
            Msg::LoadData { name, bytes } => match csv::parse_bytes(&bytes) {
                Ok(table) => {
                    let target = table.columns() - 1;
                    let standardise = self.own.as_ref().is_some_and(|o| o.standardise);
                    self.own = Some(OwnData::new(name, Rc::new(table), target, standardise));
                    self.data_notice = None;
                }
                Err(e) => {
                    self.data_notice = Some(format!("{name} was not used: {e}"));
                    return Redraw::Status;
                }
            },
            Msg::RefuseData(why) => {
                self.data_notice = Some(why);
                return Redraw::Status;
            }
            Msg::DataTarget(t) => match self.own.take() {
                Some(o) => self.own = Some(OwnData::new(o.name, o.table, t, o.standardise)),
                None => return Redraw::Nothing,
            },
            Msg::Standardise(on) => match self.own.take() {
                Some(o) => self.own = Some(OwnData::new(o.name, o.table, o.target, on)),
                None => return Redraw::Nothing,
            },
            Msg::BuiltInData => {
                self.own = None;
                self.data_notice = None;
            }
            _ => return Redraw::Nothing,
        }
        self.reset();
        Redraw::Rebuild
    }

    /// Applies one message and says what to redraw.
    pub fn update(&mut self, msg: Msg) -> Redraw {
        match msg {
            Msg::Set(key, value) => {
                if key == PRESET.key && value.choice().and_then(Preset::from_id).is_none() {
                    // "Custom" is where the settings go, not a setting to pick.
                    return Redraw::Status;
                }
                self.settings.set(key, &value);
                if VIEW_KEYS.contains(&key) {
                    // A way of reading the run, not a new run: the trained run stays (the
                    // engine draws the plane again over the inputs chosen).
                    if [PLANE_X.key, PLANE_Y.key].contains(&key) {
                        let plane = (self.settings.plane_x, self.settings.plane_y);
                        self.engine.send(Request::View {
                            gen: self.gen,
                            plane,
                        });
                    }
                    return Redraw::Reading;
                }
                self.reset();
                Redraw::Rebuild
            }
            Msg::Train => self.train(),
            Msg::OneEpoch => {
                if self.run.failure().is_none() {
                    self.stop_comparison();
                    let target = self.run.epochs_done() + 1;
                    self.train_to(target);
                }
                Redraw::Status
            }
            Msg::Reset => {
                self.reset();
                Redraw::Rebuild
            }
            Msg::Compare => self.compare(),
            Msg::SelectUnit(l, j) => {
                self.selected = (l, j);
                Redraw::Unit
            }
            Msg::SelectLayer(l) => {
                self.layer_shown = l;
                Redraw::Layer
            }
            Msg::Point(unit) => {
                let valid =
                    unit.filter(|(l, j)| *l < self.settings.layers && *j < self.settings.width);
                if valid == self.pointed {
                    return Redraw::Nothing;
                }
                self.pointed = valid;
                Redraw::Plane
            }
            data => self.update_data(data),
        }
    }

    /// Train: the first press trains to the epochs set; after a finished run, as many more.
    fn train(&mut self) -> Redraw {
        if self.activity == Activity::Training {
            self.activity = Activity::Paused;
            // The engine answers with the run as it is now (its Paused and its plane), which
            // is then drawn whole: epochs may have come since the last full redraw.
            self.engine.send(Request::Pause { gen: self.gen });
        } else if self.run.failure().is_none() {
            self.stop_comparison();
            let done = self.run.epochs_done();
            let target = if done >= self.settings.epochs && !self.run.history.is_empty() {
                done + self.settings.epochs
            } else {
                self.settings.epochs
            };
            self.train_to(target);
        }
        Redraw::Status
    }

    /// Trains the run to `target` epochs.
    fn train_to(&mut self, target: usize) {
        self.run.set_target(target);
        self.activity = Activity::Training;
        self.engine.send(Request::Train {
            gen: self.gen,
            until_epoch: target,
        });
    }

    fn compare(&mut self) -> Redraw {
        if self.comparing() {
            self.stop_comparison();
            // Any request stops the engine's comparison; Pause leaves the paused run paused.
            self.engine.send(Request::Pause { gen: self.gen });
            return Redraw::Compare;
        }
        // Pause the main run and train every preset on the same data and seed.
        if self.activity == Activity::Training {
            self.activity = Activity::Paused;
        }
        let labelled: Vec<(String, Settings)> = if self.compares_rates() {
            COST_RATES
                .iter()
                .map(|lr| {
                    let settings = Settings {
                        lr: *lr,
                        preset: None,
                        ..self.settings.clone()
                    };
                    (format!("lr {}", crate::spec::format_sig(*lr, 2)), settings)
                })
                .collect()
        } else {
            Preset::ALL
                .iter()
                .map(|p| (p.label().to_string(), p.apply(&self.settings)))
                .collect()
        };
        let links = labelled.iter().map(|(_, s)| s.to_query()).collect();
        let runs = labelled
            .into_iter()
            .map(|(label, s)| (label, self.new_run(s)))
            .collect();
        self.comparison = Some(Comparison {
            runs,
            current: 0,
            active: true,
        });
        self.compares_open += 1;
        self.engine.send(Request::Compare {
            gen: self.gen,
            links,
        });
        Redraw::Compare
    }

    fn stop_comparison(&mut self) {
        if let Some(c) = self.comparison.as_mut() {
            c.active = false;
        }
    }

    /// Whether Compare trains a ladder of learning rates (on a 2-D task) rather than the
    /// seed's presets.
    pub fn compares_rates(&self) -> bool {
        self.own.is_none() && self.settings.task.plane().is_some()
    }

    /// Whether the comparison is running.
    pub fn comparing(&self) -> bool {
        self.comparison.as_ref().is_some_and(|c| c.active)
    }

    /// Whether frames are wanted: training, comparing, or replies of the engine wait.
    pub fn wants_frames(&self) -> bool {
        self.comparing() || self.activity == Activity::Training || self.engine.needs_frames()
    }

    /// A fresh run of the current settings (the data reused when it is the same).
    pub fn reset(&mut self) {
        self.stop_comparison();
        self.comparison = None;
        self.compares_open = 0;
        self.run = self.new_run(self.settings.clone());
        self.gen = self.gen.wrapping_add(1);
        self.engine.send(Request::Start {
            gen: self.gen,
            link: self.settings.to_query(),
            data: self.data_source(),
        });
        self.activity = Activity::Ready;
        self.full_render_due = false;
        self.field = None;
        self.pointed = None;
        let n = self.n_layers();
        self.selected = (n - 1, 0);
        self.layer_shown = self.layer_shown.min(n - 1);
    }

    fn cached_data(&self, p: &Settings) -> Option<Rc<Dataset>> {
        self.data
            .as_ref()
            .filter(|(k, _)| *k == DataKey::of(p))
            .map(|(_, d)| d.clone())
    }

    /// Keeps seed 002's data for (samples, seed); never the learner's.
    fn remember_data(&mut self, p: &Settings, d: Option<Rc<Dataset>>) {
        if self.own.is_some() {
            return;
        }
        if let Some(d) = d {
            self.data = Some((DataKey::of(p), d));
        }
    }

    /// The epochs the charts' x axes span.
    pub fn epochs_axis(&self) -> usize {
        self.settings.epochs.max(self.run.target())
    }

    /// Units per layer, the output included.
    pub fn units(&self) -> Vec<usize> {
        let mut u = vec![self.settings.width; self.settings.layers];
        u.push(1);
        u
    }

    pub fn n_layers(&self) -> usize {
        self.settings.layers + 1
    }

    /// One animation frame: the engine's replies since the last (after a slice of its work
    /// of at most about `budget_ms` where it runs in this thread), or the full redraw that
    /// statistics call for. `redraw_every` spaces the loss chart's redraws (reduced motion).
    /// Says what to draw; [`State::wants_frames`] says whether to go on.
    pub fn frame(
        &mut self,
        budget_ms: f64,
        clock: &mut dyn FnMut() -> f64,
        redraw_every: u32,
    ) -> Redraw {
        if self.full_render_due {
            // This frame draws; the engine's next slice waits for the next one.
            self.full_render_due = false;
            if self.activity == Activity::Training && self.run.is_finished() {
                self.activity = Activity::Finished;
            }
            return Redraw::All;
        }
        let replies = self.engine.frame(budget_ms, clock);
        let mut trained = false;
        let mut redraw = Redraw::Nothing;
        for r in replies {
            redraw = redraw.and(self.apply(r, clock, &mut trained));
        }
        if trained {
            self.frames_trained = self.frames_trained.wrapping_add(1);
            if self.frames_trained.is_multiple_of(redraw_every.max(1)) {
                redraw = redraw.and(Redraw::Loss);
            }
        }
        redraw
    }

    /// Applies one reply of the engine; `trained` is set when training steps went by.
    fn apply(&mut self, r: Reply, clock: &mut dyn FnMut() -> f64, trained: &mut bool) -> Redraw {
        if let Reply::Error { message } = r {
            self.engine_notice = Some(message);
            return Redraw::Status;
        }
        if r.gen() != Some(self.gen) {
            return Redraw::Nothing;
        }
        match r {
            Reply::Progress {
                lane: Lane::Main,
                work,
                steps,
                progress,
                trace_from,
                trace,
                ..
            } => {
                self.last_work = describe(work);
                self.run
                    .record_progress(steps, progress, trace_from, &trace);
                *trained |= matches!(work, Work::Trained(_));
                Redraw::Nothing
            }
            Reply::Epoch {
                lane: Lane::Main,
                stats,
                ..
            } => self.main_epoch(*stats, clock),
            Reply::Field { field, .. } => self.new_field(*field),
            Reply::Finished {
                lane: Lane::Main, ..
            } => {
                let done = self.activity == Activity::Training && self.run.is_finished();
                if done && !self.full_render_due {
                    self.activity = Activity::Finished;
                    return Redraw::All;
                }
                Redraw::Nothing
            }
            Reply::Paused { .. } if !self.run.history.is_empty() => Redraw::All,
            Reply::Failed {
                lane: Lane::Main,
                message,
                ..
            } => {
                self.run.record_failure(message);
                self.activity = Activity::Finished;
                Redraw::All
            }
            Reply::CompareDone { .. } => {
                self.compares_open = self.compares_open.saturating_sub(1);
                if self.compares_open == 0 {
                    self.stop_comparison();
                }
                Redraw::Compare
            }
            r => self.apply_compare(r),
        }
    }

    /// The main run's statistics of an epoch: drawn whole in the next frame, or (an epoch
    /// that ends soon after the last full redraw) only the loss and the status.
    fn main_epoch(&mut self, stats: EpochStats, clock: &mut dyn FnMut() -> f64) -> Redraw {
        let initial = stats.epoch == 0;
        self.run.record_epoch(stats);
        if !initial && !self.run.is_finished() && clock() - self.last_full_ms < FULL_REDRAW_GAP_MS {
            // Epochs of a small set come faster than six charts can be drawn (a spiral's
            // 70 steps take a millisecond, its full redraw six frames): the loss and the
            // status follow every epoch, everything else at most every gap.
            return Redraw::Loss;
        }
        self.last_full_ms = clock();
        self.full_render_due = true;
        Redraw::Status
    }

    /// The network over the input plane: drawn with the next full redraw while training,
    /// at once otherwise (a pause, other inputs chosen).
    fn new_field(&mut self, field: PlaneField) -> Redraw {
        self.field = Some(field);
        if self.activity == Activity::Training || self.full_render_due {
            Redraw::Nothing
        } else {
            Redraw::Plane
        }
    }

    /// A reply about a run of the comparison (only the latest comparison's count).
    fn apply_compare(&mut self, r: Reply) -> Redraw {
        let Some(c) = self.comparison.as_mut().filter(|_| self.compares_open == 1) else {
            return Redraw::Nothing;
        };
        match r {
            Reply::Progress {
                lane: Lane::Compare(k),
                steps,
                progress,
                trace_from,
                trace,
                ..
            } => {
                if let Some((_, run)) = c.runs.get_mut(k) {
                    c.current = k;
                    run.record_progress(steps, progress, trace_from, &trace);
                }
                Redraw::Nothing
            }
            Reply::Epoch {
                lane: Lane::Compare(k),
                stats,
                ..
            } => match c.runs.get_mut(k) {
                Some((_, run)) => {
                    run.record_epoch(*stats);
                    Redraw::Compare
                }
                None => Redraw::Nothing,
            },
            Reply::Failed {
                lane: Lane::Compare(k),
                message,
                ..
            } => match c.runs.get_mut(k) {
                Some((_, run)) => {
                    run.record_failure(message);
                    Redraw::Compare
                }
                None => Redraw::Nothing,
            },
            _ => Redraw::Nothing,
        }
    }
}

impl Redraw {
    /// What to draw for two reasons in one frame: one covers the other, or everything.
    pub fn and(self, other: Redraw) -> Redraw {
        use Redraw::*;
        match (self, other) {
            (a, b) if a == b => a,
            (Nothing, x) | (x, Nothing) => x,
            (Status, x) | (x, Status) if x != Unit && x != Layer && x != Plane => x,
            (Rebuild, _) | (_, Rebuild) => Rebuild,
            (Reading, _) | (_, Reading) => Reading,
            _ => All,
        }
    }
}

/// A frame's work in words, for the slowest-frame report.
fn describe(w: Work) -> &'static str {
    match w {
        Work::GeneratedData => "generating data",
        Work::BuiltNetwork => "building the network",
        Work::Initial => "statistics at initialization",
        Work::Evaluating(_) => "part of the statistics",
        Work::Trained(_) => "training steps and the loss chart",
        Work::Epoch(_) => "epoch statistics",
        Work::Closed(_) => "handing the epoch's statistics to the second thread",
        Work::Waiting => "waiting for the second thread's statistics",
        Work::Done | Work::Failed => "finishing",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn small(preset: Preset) -> State {
        let mut s = State::new(Settings::default());
        s.update(Msg::Set("preset", Value::Choice(preset.id().into())));
        s.update(Msg::Set("n", Value::Number(2_000.0)));
        s.update(Msg::Set("epochs", Value::Number(2.0)));
        s
    }

    /// Runs frames until none is wanted; returns how many.
    fn run_frames(s: &mut State) -> usize {
        let mut t = 0.0;
        let mut clock = move || {
            t += 0.01;
            t
        };
        let mut n = 0;
        while s.wants_frames() && n < 1_000_000 {
            s.frame(crate::pacing::START_MS, &mut clock, 1);
            n += 1;
        }
        n
    }

    #[test]
    fn train_runs_to_the_epochs_set_then_as_many_more() {
        let mut s = small(Preset::SeluLecun);
        assert_eq!(s.update(Msg::Train), Redraw::Status);
        assert_eq!(s.activity, Activity::Training);
        run_frames(&mut s);
        assert_eq!(s.activity, Activity::Finished);
        assert_eq!(s.run.epochs_done(), 2);
        s.update(Msg::Train);
        assert_eq!(
            s.run.target(),
            4,
            "a finished run trains as many epochs again"
        );
        run_frames(&mut s);
        assert_eq!(s.run.epochs_done(), 4);
    }

    #[test]
    fn train_pressed_while_training_pauses_and_one_epoch_adds_one() {
        let mut s = small(Preset::DeepRelu);
        s.update(Msg::Train);
        s.update(Msg::Train);
        assert_eq!(s.activity, Activity::Paused);
        // The frames that take the engine's answer, then none: nothing trains while paused.
        run_frames(&mut s);
        assert!(!s.wants_frames());
        assert_eq!((s.activity, s.run.history.len()), (Activity::Paused, 0));
        s.update(Msg::OneEpoch);
        assert_eq!(s.run.target(), 1);
        run_frames(&mut s);
        assert_eq!(s.run.epochs_done(), 1);
    }

    #[test]
    fn a_setting_restarts_and_leaves_the_preset_and_a_preset_sets_several() {
        let mut s = small(Preset::SeluLecun);
        assert_eq!(s.settings.preset, Some(Preset::SeluLecun));
        s.update(Msg::Train);
        run_frames(&mut s);
        assert_eq!(
            s.update(Msg::Set("width", Value::Number(3.0))),
            Redraw::Rebuild
        );
        assert_eq!(
            s.settings.preset, None,
            "a changed setting makes a custom run"
        );
        assert_eq!(s.activity, Activity::Ready);
        assert!(s.run.history.is_empty(), "a fresh run");
        s.update(Msg::Set("preset", Value::Choice("relu1".into())));
        assert_eq!(
            (s.settings.layers, s.settings.preset),
            (0, Some(Preset::SingleRelu))
        );
        assert_eq!(s.settings.samples, 2_000, "data size stays as set");
        assert_eq!(
            s.update(Msg::Set("preset", Value::Choice("custom".into()))),
            Redraw::Status
        );
        assert_eq!(s.settings.preset, Some(Preset::SingleRelu));
    }

    #[test]
    fn compare_trains_every_preset_on_the_same_data_and_pauses_the_run() {
        let mut s = small(Preset::DeepRelu);
        s.update(Msg::Set("epochs", Value::Number(1.0)));
        s.update(Msg::Train);
        s.update(Msg::Compare);
        assert_eq!(s.activity, Activity::Paused);
        run_frames(&mut s);
        let c = s.comparison.as_ref().expect("a comparison");
        assert!(!c.active);
        assert_eq!(c.runs.len(), Preset::ALL.len());
        assert!(c.runs.iter().all(|(_, r)| r.is_finished()));
        // Each preset's statistics, as a run of its own on the same data and seed gives.
        for (_, r) in &c.runs {
            let mut alone = Run::new(r.settings.clone(), None);
            alone.run_to_end(&mut || 0.0);
            // Debug text: epoch 0's training loss is NaN, which == refuses.
            let text = |h: &[EpochStats]| format!("{h:?}");
            assert_eq!(text(&r.history), text(&alone.history));
        }
    }

    #[test]
    fn statistics_call_for_a_full_redraw_in_the_next_frame() {
        let mut s = small(Preset::DeepRelu);
        s.update(Msg::Train);
        let mut clock = || 0.0;
        let mut seen = Vec::new();
        for _ in 0..6 {
            seen.push(s.frame(f64::INFINITY, &mut clock, 1));
        }
        // data, network, initial statistics (status now, everything in the next frame).
        assert_eq!(
            &seen[..4],
            &[
                Redraw::Nothing,
                Redraw::Nothing,
                Redraw::Nothing,
                Redraw::Status
            ]
        );
        assert_eq!(seen[4], Redraw::All);
    }

    #[test]
    fn selecting_a_unit_or_layer_redraws_only_its_part() {
        let mut s = State::new(Settings::default());
        assert_eq!(s.selected, (3, 0), "the output unit is selected first");
        assert_eq!(s.update(Msg::SelectUnit(1, 4)), Redraw::Unit);
        assert_eq!(s.selected, (1, 4));
        assert_eq!(s.update(Msg::SelectLayer(2)), Redraw::Layer);
    }
}
