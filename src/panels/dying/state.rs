//! The panel's settings and their field table, what the learner can do (`Msg`), and the pure
//! state: the list of jobs (map cells and chunks of born-dead trials), their results, which
//! work is current (a generation number per chart: a result of an older generation is stale
//! and dropped), and the main-thread fallback that runs jobs in frame-sized slices.

use super::born_dead::{self, Method, Tally, MAX_WIDTH};
use super::sweep::{self, Axis, CellResult, CellRun, MapSpec, Opt, Remedies, Task};
use crate::sim::activation::ActivationKind;
use crate::sim::data::{Dataset, InputScaling};
use crate::spec::{
    self, activation_of, always, whole, ChoiceSpec, Control, Field, NumberSpec, ParamWarning,
    RedoMode, Scale, Value, ALPHA, BATCH_NORM, INPUTS, INPUT_SCALINGS, REDO,
};
use std::collections::VecDeque;
use std::rc::Rc;

/// Milliseconds of main-thread work per animation frame when no worker can run.
pub const BUDGET_MS: f64 = 8.0;
/// Born-dead trials per job.
pub const TRIALS_PER_CHUNK: usize = 50;

const fn slider(
    key: &'static str,
    label: &'static str,
    range: (f64, f64),
    default: f64,
) -> NumberSpec {
    NumberSpec {
        key,
        label,
        min: range.0,
        max: range.1,
        default,
        step: 1.0,
        scale: Scale::Linear,
        digits: 4,
    }
}

pub const LAYERS: NumberSpec = slider("layers", "Hidden layers", (1.0, 4.0), 3.0);
pub const WIDTH: NumberSpec = slider("width", "Units per hidden layer", (1.0, 16.0), 8.0);
pub const EPOCHS: NumberSpec = slider(
    "epochs",
    "Training budget (epochs of 1,400 samples)",
    (1.0, 10.0),
    3.0,
);
/// Odd by default, so that bias 0 (seed 002's) is a row of the map.
pub const RES: NumberSpec = slider("res", "Map resolution (cells per side)", (4.0, 32.0), 21.0);
pub const BORN_WIDTH: NumberSpec = slider(
    "bwidth",
    "Width N of the born-dead nets",
    (1.0, MAX_WIDTH as f64),
    3.0,
);
pub const TRIALS: NumberSpec = NumberSpec {
    step: 100.0,
    ..slider("trials", "Nets drawn per curve", (100.0, 5_000.0), 600.0)
};

// The remedies, with the "Small network" panel's keys, labels and ranges (a native test holds
// them equal), so a cell's link there carries them as they are.

/// Every unit's initial bias, when the map's second axis is another.
pub const BIAS: NumberSpec = NumberSpec {
    step: 0.05,
    digits: 2,
    ..slider("bias", "Initial bias", (-1.0, 1.0), 0.0)
};
/// Linear learning-rate warmup over this many steps (0 = none), when not the axis.
pub const WARMUP: NumberSpec = NumberSpec {
    step: 50.0,
    ..slider("warmup", "Warmup (steps; 0 = none)", (0.0, 2_000.0), 0.0)
};
/// Global-norm gradient clipping threshold (0 = none), when not the axis.
pub const CLIP: NumberSpec = NumberSpec {
    step: 0.1,
    digits: 2,
    ..slider("clip", "Clip gradient norm at (0 = off)", (0.0, 10.0), 0.0)
};
/// AdamW's decoupled weight decay λ (0 = none).
pub const WEIGHT_DECAY: NumberSpec = NumberSpec {
    step: 0.001,
    digits: 3,
    ..slider("wd", "Weight decay λ (AdamW; 0 = off)", (0.0, 0.1), 0.0)
};
pub const TASK: ChoiceSpec = ChoiceSpec {
    key: "task",
    label: "Task",
    options: || {
        Task::ALL
            .iter()
            .map(|t| (t.id().into(), t.label().into()))
            .collect()
    },
};
pub const AXIS: ChoiceSpec = ChoiceSpec {
    key: "axis",
    label: "The map's second axis",
    options: || {
        Axis::ALL
            .iter()
            .map(|a| (a.id().into(), a.label().into()))
            .collect()
    },
};

/// What the map's colour shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum View {
    Dead,
    Loss,
    /// The share of hidden units τ-dormant (τ = 0.025) at the end.
    Dormant,
    /// The share of hidden units proven dead for every input of the data's box.
    Proven,
    /// The share of validation samples classified right (classification tasks).
    Accuracy,
}

impl View {
    pub const ALL: [View; 5] = [
        View::Dead,
        View::Dormant,
        View::Proven,
        View::Loss,
        View::Accuracy,
    ];

    pub fn id(self) -> &'static str {
        match self {
            View::Dead => "dead",
            View::Loss => "loss",
            View::Dormant => "dormant",
            View::Proven => "proven",
            View::Accuracy => "accuracy",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            View::Dead => "Dead hidden units (%)",
            View::Loss => "Final loss",
            View::Dormant => "τ-dormant hidden units (%)",
            View::Proven => "Proven dead everywhere (%)",
            View::Accuracy => "Final accuracy (%; classification tasks)",
        }
    }

    /// The share a cell is coloured by (None for the loss and accuracy views).
    pub fn share(self, c: &super::sweep::CellResult) -> Option<f64> {
        match self {
            View::Dead => Some(c.dead),
            View::Dormant => Some(c.dormant),
            View::Proven => Some(c.proven),
            View::Loss | View::Accuracy => None,
        }
    }
}

/// Where the work runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    /// One worker per core but one (capped), the main thread if none can start.
    Auto,
    Workers(usize),
    /// The main thread, in slices of a frame.
    Main,
}

impl Engine {
    fn id(self) -> String {
        match self {
            Engine::Auto => "auto".into(),
            Engine::Workers(n) => n.to_string(),
            Engine::Main => "main".into(),
        }
    }
    fn from_id(id: &str) -> Option<Engine> {
        match id {
            "auto" => Some(Engine::Auto),
            "main" => Some(Engine::Main),
            _ => id
                .parse::<usize>()
                .ok()
                .filter(|n| [1, 2, 4, 8].contains(n))
                .map(Engine::Workers),
        }
    }
}

/// Everything the panel's controls set.
#[derive(Clone, Debug, PartialEq)]
pub struct Settings {
    pub task: Task,
    pub layers: usize,
    pub width: usize,
    pub activation: ActivationKind,
    pub alpha: f64,
    pub opt: Opt,
    pub epochs: usize,
    pub res: usize,
    pub axis: Axis,
    /// The remedies (and the bias) every cell shares.
    pub remedies: Remedies,
    pub view: View,
    pub born_width: usize,
    pub trials: usize,
    pub engine: Engine,
}

impl Default for Settings {
    /// Seed 002's 4-8-8-8-1 ReLU net with Adam, 3 epochs per cell, a 21 × 21 map of
    /// learning rate × initial bias, no remedy; born-dead nets of width 3.
    fn default() -> Self {
        Settings {
            task: Task::Seed002,
            layers: 3,
            width: 8,
            activation: ActivationKind::Relu,
            alpha: ALPHA.default,
            opt: Opt::Adam,
            epochs: EPOCHS.default as usize,
            res: RES.default as usize,
            axis: Axis::Bias,
            remedies: Remedies::default(),
            view: View::Dead,
            born_width: BORN_WIDTH.default as usize,
            trials: TRIALS.default as usize,
            engine: Engine::Auto,
        }
    }
}

pub const ACTIVATION: ChoiceSpec = ChoiceSpec {
    key: "act",
    label: "Activation (every layer)",
    options: spec::activation_options,
};
pub use crate::spec::OPTIMIZER;
pub const VIEW: ChoiceSpec = ChoiceSpec {
    key: "view",
    label: "Colour the map by",
    options: || {
        View::ALL
            .iter()
            .map(|v| (v.id().into(), v.label().into()))
            .collect()
    },
};
pub const ENGINE: ChoiceSpec = ChoiceSpec {
    key: "engine",
    label: "Compute on",
    options: || {
        vec![
            ("auto".into(), "Every core (one worker each)".into()),
            ("1".into(), "1 worker".into()),
            ("2".into(), "2 workers".into()),
            ("4".into(), "4 workers".into()),
            ("8".into(), "8 workers".into()),
            ("main".into(), "The page itself (no workers)".into()),
        ]
    },
};

fn number(v: f64) -> Value {
    Value::Number(v)
}

/// A menu row whose value is one of `all`, found by `id`; an unknown id keeps the current.
macro_rules! menu {
    ($spec:expr, $ty:ty, $field:ident $(. $sub:ident)*) => {
        Field {
            control: Control::Menu($spec),
            get: |s| Value::Choice(s.$field$(.$sub)*.id().into()),
            set: |s, v| {
                if let Some(x) = v.choice().and_then(<$ty>::from_id) {
                    s.$field$(.$sub)* = x;
                }
            },
            applies: always,
        }
    };
}

/// Every setting, in the order the panel shows them.
pub const FIELDS: [Field<Settings>; 20] = [
    menu!(TASK, Task, task),
    Field {
        control: Control::Slider(LAYERS),
        get: |s| number(s.layers as f64),
        set: |s, v| s.layers = whole(v).max(1),
        applies: always,
    },
    Field {
        control: Control::Slider(WIDTH),
        get: |s| number(s.width as f64),
        set: |s, v| s.width = whole(v).max(1),
        applies: always,
    },
    Field {
        control: Control::Menu(ACTIVATION),
        get: |s| Value::Choice(s.activation.id().into()),
        set: |s, v| s.activation = activation_of(v).unwrap_or(s.activation),
        applies: always,
    },
    Field {
        control: Control::Slider(ALPHA),
        get: |s| number(s.alpha),
        set: |s, v| s.alpha = v.number().unwrap_or(s.alpha),
        applies: |s| s.activation.uses_alpha(),
    },
    Field {
        control: Control::Menu(OPTIMIZER),
        get: |s| Value::Choice(s.opt.id().into()),
        set: |s, v| s.opt = v.choice().and_then(Opt::from_id).unwrap_or(s.opt),
        applies: always,
    },
    Field {
        control: Control::Slider(EPOCHS),
        get: |s| number(s.epochs as f64),
        set: |s, v| s.epochs = whole(v).max(1),
        applies: always,
    },
    Field {
        control: Control::Slider(RES),
        get: |s| number(s.res as f64),
        set: |s, v| s.res = whole(v).max(2),
        applies: always,
    },
    menu!(AXIS, Axis, axis),
    Field {
        control: Control::Slider(BIAS),
        get: |s| number(s.remedies.bias),
        set: |s, v| s.remedies.bias = v.number().unwrap_or(s.remedies.bias),
        applies: |s| s.axis != Axis::Bias,
    },
    Field {
        control: Control::Slider(WARMUP),
        get: |s| number(s.remedies.warmup as f64),
        set: |s, v| s.remedies.warmup = whole(v),
        applies: |s| s.axis != Axis::Warmup,
    },
    Field {
        control: Control::Slider(CLIP),
        get: |s| number(s.remedies.clip),
        set: |s, v| s.remedies.clip = v.number().unwrap_or(s.remedies.clip).max(0.0),
        applies: |s| s.axis != Axis::Clip,
    },
    Field {
        control: Control::Slider(WEIGHT_DECAY),
        get: |s| number(s.remedies.weight_decay),
        set: |s, v| {
            s.remedies.weight_decay = v.number().unwrap_or(s.remedies.weight_decay).max(0.0)
        },
        applies: always,
    },
    menu!(REDO, RedoMode, remedies.redo),
    Field {
        control: Control::Menu(BATCH_NORM),
        get: |s| Value::Choice(if s.remedies.batch_norm { "on" } else { "off" }.into()),
        set: |s, v| s.remedies.batch_norm = v.choice() == Some("on"),
        applies: always,
    },
    Field {
        control: Control::Menu(INPUTS),
        get: |s| Value::Choice(s.remedies.inputs_id().into()),
        set: |s, v| {
            if let Some((i, _, _)) = INPUT_SCALINGS
                .iter()
                .find(|(_, id, _)| Some(*id) == v.choice())
            {
                s.remedies.inputs = *i;
            }
        },
        applies: always,
    },
    Field {
        control: Control::Menu(VIEW),
        get: |s| Value::Choice(s.view.id().into()),
        set: |s, v| {
            s.view = View::ALL
                .into_iter()
                .find(|w| Some(w.id()) == v.choice())
                .unwrap_or(View::Dead)
        },
        applies: always,
    },
    Field {
        control: Control::Slider(BORN_WIDTH),
        get: |s| number(s.born_width as f64),
        set: |s, v| s.born_width = whole(v).max(1),
        applies: always,
    },
    Field {
        control: Control::Slider(TRIALS),
        get: |s| number(s.trials as f64),
        set: |s, v| s.trials = whole(v).max(1),
        applies: always,
    },
    Field {
        control: Control::Menu(ENGINE),
        get: |s| Value::Choice(s.engine.id()),
        set: |s, v| s.engine = v.choice().and_then(Engine::from_id).unwrap_or(s.engine),
        applies: always,
    },
];

/// Keys whose change means a new map; the born-dead curves' keys.
const MAP_KEYS: [&str; 16] = [
    "task", "layers", "width", "act", "alpha", "opt", "epochs", "res", "axis", "bias", "warmup",
    "clip", "wd", "redo", "bn", "inputs",
];
const BORN_KEYS: [&str; 2] = ["bwidth", "trials"];

impl Settings {
    pub fn from_pairs(pairs: &[(String, String)]) -> (Self, Vec<ParamWarning>) {
        let mut s = Settings::default();
        let w = spec::read_query(&FIELDS, pairs, &mut s);
        (s, w)
    }

    pub fn to_query(&self) -> String {
        spec::write_query(&FIELDS, self)
    }

    pub fn set(&mut self, key: &str, value: &Value) {
        if let Some(f) = FIELDS.iter().find(|f| f.key() == key) {
            (f.set)(self, value);
        }
    }

    /// The map every cell of these settings belongs to.
    pub fn map(&self) -> MapSpec {
        let r = self.remedies;
        MapSpec {
            layers: self.layers,
            width: self.width,
            activation: self.activation.with_alpha(self.alpha),
            opt: self.opt,
            epochs: self.epochs,
            res: self.res,
            task: self.task,
            axis: self.axis,
            // The value the axis replaces plays no part (0, so maps that differ only there
            // are the same map).
            remedies: Remedies {
                bias: if self.axis == Axis::Bias { 0.0 } else { r.bias },
                warmup: if self.axis == Axis::Warmup {
                    0
                } else {
                    r.warmup
                },
                clip: if self.axis == Axis::Clip { 0.0 } else { r.clip },
                ..r
            },
        }
    }

    /// The view the map shows: the accuracy view falls back to the loss off classification.
    pub fn shown_view(&self) -> View {
        match self.view {
            View::Accuracy if !self.task.classifies() => View::Loss,
            v => v,
        }
    }

    /// Born-dead jobs: `TRIALS_PER_CHUNK` trials of one method each, methods interleaved.
    pub fn born_chunks(&self) -> usize {
        self.trials.div_ceil(TRIALS_PER_CHUNK) * Method::ALL.len()
    }

    /// Chunk `c`: (method, first trial, trials).
    pub fn born_chunk(&self, c: usize) -> (Method, u64, u64) {
        let m = Method::ALL[c % Method::ALL.len()];
        let first = (c / Method::ALL.len()) * TRIALS_PER_CHUNK;
        let count = TRIALS_PER_CHUNK.min(self.trials.saturating_sub(first));
        (m, first as u64, count as u64)
    }
}

/// The seed of every born-dead draw.
pub const BORN_SEED: u64 = 1903_06733;
/// Input points of the born-dead nets: the first 64 validation inputs of the map's data.
pub const BORN_POINTS: usize = 64;

/// The born-dead input set, row-major, four features per point.
pub fn born_inputs(data: &Dataset) -> Vec<f64> {
    let n = BORN_POINTS.min(data.n_val()) * data.n_features;
    data.val_x[..n].iter().map(|&v| v as f64).collect()
}

/// One piece of work, for a worker or the main thread.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Job {
    Cell {
        gen: u32,
        index: usize,
    },
    /// Column `index` of the comparison row: the map's baseline row without its remedies.
    Base {
        gen: u32,
        index: usize,
    },
    Born {
        gen: u32,
        chunk: usize,
    },
}

/// What the learner (and the workers) can do.
#[derive(Clone, Debug, PartialEq)]
pub enum Msg {
    /// A control changed.
    Set(&'static str, Value),
    /// Compute what is missing (again after Stop).
    Start,
    /// Stop computing; what is done stays.
    Stop,
    /// A cell's result arrived.
    CellDone {
        gen: u32,
        index: usize,
        result: CellResult,
    },
    /// A cell of the comparison row (without the remedies) arrived.
    BaseDone {
        gen: u32,
        index: usize,
        result: CellResult,
    },
    /// A chunk of born-dead trials arrived.
    BornDone {
        gen: u32,
        chunk: usize,
        tally: Tally,
    },
    /// The pointer or the keyboard is on this cell (None: off the map).
    Focus(Option<usize>),
    /// An arrow key: move the focused cell by (columns, rows); rows go up the bias axis.
    Move(i32, i32),
}

/// What the view must draw after a message or a frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Redraw {
    Nothing,
    Status,
    Map,
    Born,
    /// A new engine or new jobs: the page must (re)start its workers or frames.
    Work,
    All,
}

/// A main-thread job under way.
enum Local {
    Cell(usize, Box<CellRun>),
    Base(usize, Box<CellRun>),
    Born(usize, u64, Tally),
}

pub struct State {
    pub settings: Settings,
    pub map_gen: u32,
    pub born_gen: u32,
    pub cells: Vec<Option<CellResult>>,
    /// The comparison row (see [`MapSpec::needs_baseline`]): the baseline row's learning
    /// rates without the map's remedies; empty when the map needs none.
    pub baseline: Vec<Option<CellResult>>,
    /// Per method (He, RAI, Leaky).
    pub tallies: [Tally; 3],
    born_done: Vec<bool>,
    pending: VecDeque<Job>,
    pub running: bool,
    pub focus: Option<usize>,
    local: Option<(u32, Local)>,
    data: DataCache,
    inputs: Vec<f64>,
}

/// The data sets the cells train on, made once each: by task and input scaling (the map's,
/// its comparison row's without scaling, seed 002's for the born-dead nets).
#[derive(Default)]
pub struct DataCache(Vec<((Task, InputScaling), Rc<Dataset>)>);

impl DataCache {
    pub fn get(&mut self, task: Task, how: InputScaling) -> Rc<Dataset> {
        if let Some((_, d)) = self.0.iter().find(|(k, _)| *k == (task, how)) {
            return d.clone();
        }
        let d = Rc::new(task.dataset(how));
        // A few at most: the current map's, its comparison's and seed 002's.
        if self.0.len() >= 3 {
            self.0.remove(0);
        }
        self.0.push(((task, how), d.clone()));
        d
    }
}

impl State {
    pub fn new(settings: Settings) -> State {
        let mut s = State {
            settings,
            map_gen: 0,
            born_gen: 0,
            cells: Vec::new(),
            baseline: Vec::new(),
            tallies: Default::default(),
            born_done: Vec::new(),
            pending: VecDeque::new(),
            running: true,
            focus: None,
            local: None,
            data: DataCache::default(),
            inputs: Vec::new(),
        };
        s.new_born();
        s.new_map();
        s
    }

    fn new_map(&mut self) {
        self.map_gen = self.map_gen.wrapping_add(1);
        let map = self.settings.map();
        self.cells = vec![None; map.cells()];
        let base = if map.needs_baseline() { map.res } else { 0 };
        self.baseline = vec![None; base];
        self.focus = self.focus.filter(|&i| i < self.cells.len());
        self.requeue();
    }

    fn new_born(&mut self) {
        self.born_gen = self.born_gen.wrapping_add(1);
        self.tallies = Default::default();
        self.born_done = vec![false; self.settings.born_chunks()];
        self.requeue();
    }

    /// Every unfinished job of the current generations: born-dead chunks first (quick), then
    /// the map's cells.
    fn requeue(&mut self) {
        self.local = None;
        let born = (0..self.born_done.len())
            .filter(|&c| !self.born_done[c])
            .map(|chunk| Job::Born {
                gen: self.born_gen,
                chunk,
            });
        let gen = self.map_gen;
        let base = (0..self.baseline.len())
            .filter(|&i| self.baseline[i].is_none())
            .map(|index| Job::Base { gen, index });
        let cells = (0..self.cells.len())
            .filter(|&i| self.cells[i].is_none())
            .map(|index| Job::Cell { gen, index });
        self.pending = born.chain(base).chain(cells).collect();
    }

    pub fn update(&mut self, msg: Msg) -> Redraw {
        match msg {
            Msg::Set(key, value) => {
                let before = self.settings.clone();
                self.settings.set(key, &value);
                if before.map() != self.settings.map() && MAP_KEYS.contains(&key) {
                    self.new_map();
                }
                if before.trials != self.settings.trials
                    || before.born_width != self.settings.born_width
                {
                    self.new_born();
                }
                let work = MAP_KEYS.contains(&key) || BORN_KEYS.contains(&key) || key == ENGINE.key;
                if work {
                    self.running = true;
                    Redraw::Work
                } else {
                    Redraw::All
                }
            }
            Msg::Start => {
                self.running = true;
                self.requeue();
                Redraw::Work
            }
            Msg::Stop => {
                self.running = false;
                self.requeue();
                Redraw::Status
            }
            Msg::CellDone { gen, index, result } => self.cell_done(gen, index, result, false),
            Msg::BaseDone { gen, index, result } => self.cell_done(gen, index, result, true),
            Msg::BornDone { gen, chunk, tally } => self.born_result(gen, chunk, &tally),
            Msg::Focus(f) => {
                let f = f.filter(|&i| i < self.cells.len());
                if f == self.focus {
                    return Redraw::Nothing;
                }
                self.focus = f;
                Redraw::Map
            }
            Msg::Move(dx, dy) => {
                let res = self.settings.res as i32;
                let (i, j) = match self.focus {
                    Some(f) => self.settings.map().position(f),
                    None => (0, self.settings.map().baseline_row()),
                };
                // `res` is at least RES.min (4) from any link; `max(0)` keeps the clamp's
                // bounds ordered even for a map built by hand with no cells.
                let last = (res - 1).max(0);
                let i = (i as i32 + dx).clamp(0, last) as usize;
                let j = (j as i32 + dy).clamp(0, last) as usize;
                self.focus = Some(j * res as usize + i);
                Redraw::Map
            }
        }
    }

    fn cell_done(&mut self, gen: u32, index: usize, result: CellResult, base: bool) -> Redraw {
        if gen != self.map_gen || !self.running {
            return Redraw::Nothing;
        }
        let slots = if base {
            &mut self.baseline
        } else {
            &mut self.cells
        };
        match slots.get_mut(index) {
            Some(slot @ None) => {
                *slot = Some(result);
                Redraw::Map
            }
            _ => Redraw::Nothing,
        }
    }

    fn born_result(&mut self, gen: u32, chunk: usize, tally: &Tally) -> Redraw {
        if gen != self.born_gen || !self.running {
            return Redraw::Nothing;
        }
        let (method, _, _) = self.settings.born_chunk(chunk);
        match self.born_done.get_mut(chunk) {
            Some(done @ false) => {
                *done = true;
                self.tallies[method.index()].add(tally);
                Redraw::Born
            }
            _ => Redraw::Nothing,
        }
    }

    /// The next job to hand out, if computing.
    pub fn next_job(&mut self) -> Option<Job> {
        if !self.running {
            return None;
        }
        self.pending.pop_front()
    }

    /// Cells done, of how many (the comparison row's included).
    pub fn map_progress(&self) -> (usize, usize) {
        let all = self.cells.iter().chain(&self.baseline);
        (
            all.flatten().count(),
            self.cells.len() + self.baseline.len(),
        )
    }

    /// Born-dead chunks done, of how many.
    pub fn born_progress(&self) -> (usize, usize) {
        (
            self.born_done.iter().filter(|d| **d).count(),
            self.born_done.len(),
        )
    }

    /// Everything is computed.
    pub fn complete(&self) -> bool {
        let (a, b) = self.map_progress();
        let (c, d) = self.born_progress();
        a == b && c == d
    }

    /// Whether work remains to be done and may be handed out.
    pub fn busy(&self) -> bool {
        self.running && !self.complete()
    }

    /// The data the map's cells train on (made once).
    pub fn data(&mut self) -> Rc<Dataset> {
        let s = &self.settings;
        self.data.get(s.task, s.remedies.inputs)
    }

    /// The data of the comparison row (the inputs as generated).
    pub fn base_data(&mut self) -> Rc<Dataset> {
        self.data.get(self.settings.task, InputScaling::Raw)
    }

    fn born_input_set(&mut self) -> Vec<f64> {
        if self.inputs.is_empty() {
            self.inputs = born_inputs(&sweep::map_data());
        }
        self.inputs.clone()
    }

    /// The "Small network" panel's query for cell `index` (the learner clicked it).
    pub fn load_query(&self, index: usize) -> Option<String> {
        if index >= self.cells.len() {
            return None;
        }
        let (i, j) = self.settings.map().position(index);
        self.settings.map().network_query(i, j)
    }

    /// One frame of main-thread work, for when no worker runs: jobs in slices of about
    /// `budget_ms` of `clock` time. Says what to redraw.
    pub fn frame(&mut self, budget_ms: f64, clock: &mut dyn FnMut() -> f64) -> Redraw {
        let t0 = clock();
        let mut redraw = Redraw::Nothing;
        while self.running && clock() - t0 < budget_ms {
            if self.local.is_none() {
                let Some(job) = self.next_job() else { break };
                self.local = Some(self.begin(job));
            }
            if let Some(msg) = self.step_local() {
                self.local = None;
                redraw = merge(redraw, self.update(msg));
            }
        }
        redraw
    }

    fn begin(&mut self, job: Job) -> (u32, Local) {
        match job {
            Job::Cell { gen, index } => {
                let map = self.settings.map();
                let (i, j) = map.position(index);
                let run = CellRun::new(map.config(i, j), self.data(), map.epochs);
                (gen, Local::Cell(index, Box::new(run)))
            }
            Job::Base { gen, index } => {
                let map = self.settings.map();
                let config = map.without_remedies().config(index, map.baseline_row());
                let run = CellRun::new(config, self.base_data(), map.epochs);
                (gen, Local::Base(index, Box::new(run)))
            }
            Job::Born { gen, chunk } => {
                let (_, first, _) = self.settings.born_chunk(chunk);
                (gen, Local::Born(chunk, first, Tally::default()))
            }
        }
    }

    /// A small piece of the local job (about a millisecond); the message once it is done.
    fn step_local(&mut self) -> Option<Msg> {
        let inputs = self.born_input_set();
        let settings = self.settings.clone();
        let (gen, local) = self.local.as_mut()?;
        let gen = *gen;
        match local {
            Local::Cell(index, run) => run.work(4).map(|result| Msg::CellDone {
                gen,
                index: *index,
                result,
            }),
            Local::Base(index, run) => run.work(4).map(|result| Msg::BaseDone {
                gen,
                index: *index,
                result,
            }),
            Local::Born(chunk, next, tally) => {
                let (method, first, count) = settings.born_chunk(*chunk);
                let end = first + count;
                let n = 2.min(end - *next);
                let part = born_dead::run_trials(
                    method,
                    settings.born_width,
                    &inputs,
                    4,
                    BORN_SEED,
                    *next,
                    n,
                );
                tally.add(&part);
                *next += n;
                (*next >= end).then(|| Msg::BornDone {
                    gen,
                    chunk: *chunk,
                    tally: tally.clone(),
                })
            }
        }
    }
}

fn merge(a: Redraw, b: Redraw) -> Redraw {
    use Redraw::*;
    match (a, b) {
        (Nothing, x) | (x, Nothing) => x,
        (x, y) if x == y => x,
        _ => All,
    }
}
