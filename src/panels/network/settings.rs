//! The panel's settings: every control's spec, the seed's runs as presets, and the field table
//! that parses links, writes them and reads and writes the controls.

use super::charts::dead_map::Judge;
use crate::sim::activation::{Activation, ActivationKind};
use crate::sim::data::InputScaling;
use crate::sim::dead::{Definition, DEFAULT_TAU};
use crate::sim::dropout::Dropout;
use crate::sim::init::Initializer;
use crate::sim::loss::Loss;
use crate::sim::norm::BatchNorm;
use crate::sim::playground::Task2d;
use crate::sim::train::NetConfig;
use crate::spec::{
    self, activation_of, always, whole, ChoiceSpec, Control, Field, NumberSpec, ParamWarning,
    Scale, Value, ALPHA,
};

/// Samples generated (70 % train, 30 % validation), as in seed 002.
pub const SAMPLES: NumberSpec = NumberSpec {
    key: "n",
    label: "Data size (samples)",
    min: 1_000.0,
    max: 200_000.0,
    default: 200_000.0,
    step: 1_000.0,
    scale: Scale::Linear,
    digits: 6,
};

pub const LAYERS: NumberSpec = NumberSpec {
    key: "layers",
    label: "Hidden layers",
    min: 0.0,
    max: 4.0,
    default: 3.0,
    step: 1.0,
    scale: Scale::Linear,
    digits: 1,
};

pub const WIDTH: NumberSpec = NumberSpec {
    key: "width",
    label: "Units per hidden layer",
    min: 1.0,
    max: 64.0,
    default: 8.0,
    step: 1.0,
    scale: Scale::Linear,
    digits: 2,
};

pub const BIAS: NumberSpec = NumberSpec {
    key: "bias",
    label: "Initial bias",
    min: -1.0,
    max: 1.0,
    default: 0.0,
    step: 0.05,
    scale: Scale::Linear,
    digits: 2,
};

pub const LEARNING_RATE: NumberSpec = NumberSpec {
    key: "lr",
    label: "Learning rate",
    min: 1e-5,
    max: 1.0,
    default: 1e-3,
    step: 0.1,
    scale: Scale::Log,
    digits: 2,
};

/// Batch size on a log slider whose steps are powers of two (rounded to whole samples).
pub const BATCH: NumberSpec = NumberSpec {
    key: "batch",
    label: "Batch size",
    min: 1.0,
    max: 1024.0,
    default: 32.0,
    step: std::f64::consts::LOG10_2,
    scale: Scale::Log,
    digits: 4,
};

pub const EPOCHS: NumberSpec = NumberSpec {
    key: "epochs",
    label: "Epochs",
    min: 1.0,
    max: 50.0,
    default: 5.0,
    step: 1.0,
    scale: Scale::Linear,
    digits: 2,
};

/// Dropout rate on the hidden layers during training (Keras `Dropout`; `AlphaDropout` with SELU).
pub const DROPOUT: NumberSpec = NumberSpec {
    key: "dropout",
    label: "Dropout (hidden layers, training only)",
    min: 0.0,
    max: 0.8,
    default: 0.0,
    step: 0.05,
    scale: Scale::Linear,
    digits: 2,
};

/// The default seed starts the 3-hidden ReLU net alive (loss 4.77, above the dead line) so
/// the learner watches it die in epoch 1; with some seeds (2, 9, 10) the output unit is
/// already dead at initialization, which is true to the seed but teaches less.
pub const SEED: NumberSpec = NumberSpec {
    key: "seed",
    label: "Seed",
    min: 0.0,
    max: 9_999.0,
    default: 4.0,
    step: 1.0,
    scale: Scale::Linear,
    digits: 4,
};

/// Linear learning-rate warmup over this many steps (0 = none).
pub const WARMUP: NumberSpec = NumberSpec {
    key: "warmup",
    label: "Warmup (steps; 0 = none)",
    min: 0.0,
    max: 2_000.0,
    default: 0.0,
    step: 50.0,
    scale: Scale::Linear,
    digits: 4,
};

/// Global-norm gradient clipping threshold c (0 = none).
pub const CLIP: NumberSpec = NumberSpec {
    key: "clip",
    label: "Clip gradient norm at (0 = off)",
    min: 0.0,
    max: 10.0,
    default: 0.0,
    step: 0.1,
    scale: Scale::Linear,
    digits: 2,
};

/// AdamW's decoupled weight decay λ (0 = none).
pub const WEIGHT_DECAY: NumberSpec = NumberSpec {
    key: "wd",
    label: "Weight decay λ (AdamW; 0 = off)",
    min: 0.0,
    max: 0.1,
    default: 0.0,
    step: 0.001,
    scale: Scale::Linear,
    digits: 3,
};

/// ReDo's schedule and menu, the batch-norm and input menus: shared with the phase map
/// (`spec`), so a map cell's link carries them as they are.
pub use crate::spec::{RedoMode, BATCH_NORM, INPUTS, INPUT_SCALINGS, REDO, REDO_EVERY};
/// ReDo's τ (Sokar et al.'s code uses 0.025 in its default configuration).
pub const REDO_TAU: f64 = DEFAULT_TAU;

/// τ of Sokar et al.'s dormant units (shared with "Your model", so `tau=` means the same).
pub use crate::spec::TAU;

/// Which definition of dead the map, the counts and the words follow.
pub const DEFINITION: ChoiceSpec = ChoiceSpec {
    key: "dead",
    label: "Count as dead",
    options: || {
        Definition::ALL
            .iter()
            .map(|d| (d.id().into(), d.label().into()))
            .collect()
    },
};

/// Settings that change how a run is read, not the run: changing one keeps the trained run.
pub const VIEW_KEYS: [&str; 4] = [DEFINITION.key, TAU.key, PLANE_X.key, PLANE_Y.key];

/// The two inputs the input plane spans on data with more than two (seed 002's four, a
/// learner's file): the others are held at their mean. 1-based, as the words name inputs;
/// an input the data does not have falls back to the nearest it has.
pub const PLANE_X: NumberSpec = NumberSpec {
    key: "px",
    label: "Input plane: across (input number)",
    min: 1.0,
    max: 64.0,
    default: 1.0,
    step: 1.0,
    scale: Scale::Linear,
    digits: 2,
};
pub const PLANE_Y: NumberSpec = NumberSpec {
    key: "py",
    label: "Input plane: up (input number)",
    min: 1.0,
    max: 64.0,
    default: 2.0,
    step: 1.0,
    scale: Scale::Linear,
    digits: 2,
};

/// The seed's experiments, one click each.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Preset {
    SingleRelu,
    DeepRelu,
    HeNormal,
    UniformNeg,
    LeakyRelu,
    SeluLecun,
    /// The deep ReLU net with dropout 0.2: the seed's remedy 2, which it says does little.
    Dropout,
    /// Today's remedies on the deep ReLU net: ReDo (Sokar et al.), batch normalization,
    /// 500 steps of warmup, gradient clipping at norm 1, centred inputs.
    Redo,
    BatchNorm,
    Warmup,
    Clipping,
    Centred,
    /// Playground's spiral (1,000 points) with a sigmoid output, at a safe learning rate
    /// (0.01) and at a high one (0.05): where dead hidden units cost accuracy (issue #30;
    /// checked against PyTorch in tests/spiral_regime.rs).
    SpiralSafe,
    SpiralHigh,
}

/// The spiral presets' net and training (tests/spiral_regime.rs, tests/fixtures/spiral_torch.json).
pub const SPIRAL_SAMPLES: usize = 1_000;
pub const SPIRAL_BATCH: usize = 10;
pub const SPIRAL_EPOCHS: usize = 50;
pub const SPIRAL_SAFE_LR: f64 = 0.01;
pub const SPIRAL_HIGH_LR: f64 = 0.05;

impl Preset {
    /// Seed 002's runs and today's remedies on its data: what Compare presets trains.
    pub const ALL: [Preset; 12] = [
        Preset::SingleRelu,
        Preset::DeepRelu,
        Preset::HeNormal,
        Preset::UniformNeg,
        Preset::LeakyRelu,
        Preset::SeluLecun,
        Preset::Dropout,
        Preset::Redo,
        Preset::BatchNorm,
        Preset::Warmup,
        Preset::Clipping,
        Preset::Centred,
    ];

    /// The 2-D tasks' runs.
    pub const TASKS: [Preset; 2] = [Preset::SpiralSafe, Preset::SpiralHigh];

    /// Every preset, in the menu's order.
    pub fn menu() -> impl Iterator<Item = Preset> {
        Preset::ALL.into_iter().chain(Preset::TASKS)
    }

    pub fn id(self) -> &'static str {
        match self {
            Preset::SingleRelu => "relu1",
            Preset::DeepRelu => "relu3",
            Preset::HeNormal => "he_normal",
            Preset::UniformNeg => "uniform_neg",
            Preset::LeakyRelu => "leaky",
            Preset::SeluLecun => "selu",
            Preset::Dropout => "dropout",
            Preset::Redo => "redo",
            Preset::BatchNorm => "batch_norm",
            Preset::Warmup => "warmup",
            Preset::Clipping => "clipping",
            Preset::Centred => "centred",
            Preset::SpiralSafe => "spiral_safe",
            Preset::SpiralHigh => "spiral_high",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Preset::SingleRelu => "1 layer ReLU",
            Preset::DeepRelu => "3 hidden ReLU",
            Preset::HeNormal => "he_normal",
            Preset::UniformNeg => "uniform(-1, 0) init",
            Preset::LeakyRelu => "Leaky ReLU",
            Preset::SeluLecun => "SELU + lecun_normal",
            Preset::Dropout => "+ dropout 0.2",
            Preset::Redo => "+ ReDo",
            Preset::BatchNorm => "+ batch norm",
            Preset::Warmup => "+ warmup",
            Preset::Clipping => "+ clipping",
            Preset::Centred => "centred inputs",
            Preset::SpiralSafe => "spiral, lr 0.01",
            Preset::SpiralHigh => "spiral, lr 0.05",
        }
    }

    pub fn from_id(id: &str) -> Option<Preset> {
        Preset::menu().find(|p| p.id() == id)
    }

    /// The task the preset runs on.
    pub fn task(self) -> Task {
        match self {
            Preset::SpiralSafe | Preset::SpiralHigh => Task::Playground(Task2d::Spiral),
            _ => Task::Seed002,
        }
    }

    /// The preset's settings; the seed is left as in `base`, and so are the data size and
    /// epochs when `base` is on the preset's task (a data size of seed 002's is no size for
    /// the spiral).
    pub fn apply(self, base: &Settings) -> Settings {
        let same_task = base.task == self.task();
        let keep = |mine: usize, default: usize| if same_task { mine } else { default };
        // Every seed-002 preset is the seed's deep ReLU net (the defaults) with one thing changed.
        let deep = Settings {
            preset: Some(self),
            samples: keep(base.samples, SAMPLES.default as usize),
            epochs: keep(base.epochs, EPOCHS.default as usize),
            seed: base.seed,
            // How the run is read is not part of a preset.
            definition: base.definition,
            tau: base.tau,
            plane_x: base.plane_x,
            plane_y: base.plane_y,
            ..Settings::default()
        };
        match self {
            Preset::SingleRelu => Settings { layers: 0, ..deep },
            Preset::DeepRelu => deep,
            Preset::HeNormal => Settings {
                init: Initializer::HeNormal,
                ..deep
            },
            Preset::UniformNeg => Settings {
                init: Initializer::UNIFORM_NEG1_0,
                ..deep
            },
            Preset::LeakyRelu => Settings {
                activation: ActivationKind::LeakyRelu,
                ..deep
            },
            Preset::SeluLecun => Settings {
                activation: ActivationKind::Selu,
                init: Initializer::LecunNormal,
                ..deep
            },
            Preset::Dropout => Settings {
                dropout: 0.2,
                ..deep
            },
            // Today's remedies, each on the same net, data and seed.
            Preset::Redo => Settings {
                redo: RedoMode::Reset,
                ..deep
            },
            Preset::BatchNorm => Settings {
                batch_norm: true,
                ..deep
            },
            Preset::Warmup => Settings {
                warmup: 500,
                ..deep
            },
            Preset::Clipping => Settings { clip: 1.0, ..deep },
            Preset::Centred => Settings {
                inputs: InputScaling::Centre,
                ..deep
            },
            Preset::SpiralSafe | Preset::SpiralHigh => Settings {
                task: self.task(),
                samples: keep(base.samples, SPIRAL_SAMPLES),
                epochs: keep(base.epochs, SPIRAL_EPOCHS),
                noise: if same_task { base.noise } else { 0.0 },
                output: Output::Sigmoid,
                batch: SPIRAL_BATCH,
                lr: if self == Preset::SpiralSafe {
                    SPIRAL_SAFE_LR
                } else {
                    SPIRAL_HIGH_LR
                },
                ..deep
            },
        }
    }
}

/// What the network learns: seed 002's regression (or the learner's own data, which replaces
/// either), or one of TensorFlow Playground's 2-D sets.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Task {
    Seed002,
    Playground(Task2d),
}

impl Task {
    pub fn all() -> impl Iterator<Item = Task> {
        std::iter::once(Task::Seed002).chain(Task2d::ALL.into_iter().map(Task::Playground))
    }

    pub fn id(self) -> &'static str {
        match self {
            Task::Seed002 => "seed002",
            Task::Playground(t) => t.id(),
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Task::Seed002 => "Seed 002 (4 inputs in (−1, 0))",
            Task::Playground(t) => match t {
                Task2d::Circle => "Circle (Playground)",
                Task2d::Xor => "Exclusive or (Playground)",
                Task2d::TwoGaussians => "Two Gaussians (Playground)",
                Task2d::Spiral => "Spiral (Playground)",
                Task2d::Plane => "Plane, regression (Playground)",
                Task2d::MultiGaussian => "Multi Gaussian, regression (Playground)",
            },
        }
    }

    pub fn from_id(id: &str) -> Option<Task> {
        Task::all().find(|t| t.id() == id)
    }

    /// One of Playground's 2-D sets.
    pub fn plane(self) -> Option<Task2d> {
        match self {
            Task::Seed002 => None,
            Task::Playground(t) => Some(t),
        }
    }

    /// Its targets are 0/1 labels.
    pub fn is_classification(self) -> bool {
        self.plane().is_some_and(Task2d::is_classification)
    }

    /// The data size a fresh choice of this task starts at.
    pub fn default_samples(self) -> usize {
        match self {
            Task::Seed002 => SAMPLES.default as usize,
            Task::Playground(_) => SPIRAL_SAMPLES,
        }
    }
}

pub const TASK: ChoiceSpec = ChoiceSpec {
    key: "task",
    label: "Task (data)",
    options: || {
        Task::all()
            .map(|t| (t.id().into(), t.label().into()))
            .collect()
    },
};

/// Playground's "Noise" slider, in its own units (0 to 50; its generators take a hundredth).
pub const NOISE: NumberSpec = NumberSpec {
    key: "noise",
    label: "Noise (Playground's 0–50)",
    min: 0.0,
    max: 50.0,
    default: 0.0,
    step: 5.0,
    scale: Scale::Linear,
    digits: 2,
};

/// The output layer's activation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Output {
    /// The hidden layers' activation, as in seed 002.
    Same,
    /// Linear (identity), as regression nets use.
    Linear,
    /// The logistic sigmoid, trained on binary cross-entropy from its logit when the task
    /// classifies (on a regression task, on squared error).
    Sigmoid,
}

impl Output {
    pub const ALL: [Output; 3] = [Output::Same, Output::Linear, Output::Sigmoid];
    pub fn id(self) -> &'static str {
        match self {
            Output::Same => "same",
            Output::Linear => "linear",
            Output::Sigmoid => "sigmoid",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Output::Same => "Same as hidden (seed 002)",
            Output::Linear => "Linear",
            Output::Sigmoid => "Sigmoid (cross-entropy on 0/1 labels)",
        }
    }
    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|o| o.id() == id)
    }
}

/// The optimizer menu's choices (one definition, shared with "Where neurons die").
pub use crate::sim::optim::OptimizerKind as Optimizer;

/// Everything the panel's controls set.
#[derive(Clone, Debug, PartialEq)]
pub struct Settings {
    /// The preset these settings came from, None once a control has changed them.
    pub preset: Option<Preset>,
    pub task: Task,
    /// Playground's noise level (0 to 50) for a 2-D task.
    pub noise: f64,
    pub samples: usize,
    pub layers: usize,
    pub width: usize,
    /// One activation for every layer, the output included (as in the seed).
    pub activation: ActivationKind,
    pub alpha: f64,
    pub init: Initializer,
    pub bias: f64,
    pub optimizer: Optimizer,
    pub lr: f64,
    pub batch: usize,
    pub epochs: usize,
    pub seed: u64,
    /// Dropout rate on the hidden layers, training only.
    pub dropout: f64,
    /// The output layer's activation.
    pub output: Output,
    /// How a unit is judged dead (a way of reading the run: changing it keeps the run).
    pub definition: Definition,
    pub tau: f64,
    /// The inputs the input plane spans (1-based) on data with more than two inputs.
    pub plane_x: usize,
    pub plane_y: usize,
    /// The remedies of today (all off by default): warmup steps, the clipping norm (0 off),
    /// AdamW's λ, ReDo, batch normalization, the inputs' scaling.
    pub warmup: usize,
    pub clip: f64,
    pub weight_decay: f64,
    pub redo: RedoMode,
    pub batch_norm: bool,
    pub inputs: InputScaling,
}

impl Default for Settings {
    /// Seed 002's 4-8-8-8-1 ReLU net, Adam 0.001, batch 32, 5 epochs, 200 000 samples.
    fn default() -> Self {
        Settings {
            preset: Some(Preset::DeepRelu),
            task: Task::Seed002,
            noise: NOISE.default,
            samples: SAMPLES.default as usize,
            layers: 3,
            width: 8,
            activation: ActivationKind::Relu,
            alpha: ALPHA.default,
            init: Initializer::GlorotUniform,
            bias: 0.0,
            optimizer: Optimizer::Adam,
            lr: LEARNING_RATE.default,
            batch: BATCH.default as usize,
            epochs: EPOCHS.default as usize,
            seed: SEED.default as u64,
            dropout: DROPOUT.default,
            output: Output::Same,
            definition: Definition::Exact,
            tau: TAU.default,
            plane_x: PLANE_X.default as usize,
            plane_y: PLANE_Y.default as usize,
            warmup: 0,
            clip: 0.0,
            weight_decay: 0.0,
            redo: RedoMode::Off,
            batch_norm: false,
            inputs: InputScaling::Raw,
        }
    }
}

pub const PRESET: ChoiceSpec = ChoiceSpec {
    key: "preset",
    label: "Preset (seed's runs)",
    options: preset_options,
};

/// A fresh choice of task starts at its data size, epochs and batch; a classification gets the sigmoid output
/// its cross-entropy needs (the learner can change both after).
fn set_task(s: &mut Settings, t: Task) {
    if t == s.task {
        return;
    }
    s.task = t;
    s.samples = t.default_samples();
    // Playground's own pace: small batches over many epochs of a small set.
    (s.epochs, s.batch) = match t {
        Task::Seed002 => (EPOCHS.default as usize, BATCH.default as usize),
        Task::Playground(_) => (SPIRAL_EPOCHS, SPIRAL_BATCH),
    };
    s.output = if t.is_classification() {
        Output::Sigmoid
    } else {
        Output::Same
    };
}

/// The id a link holds when the settings are no preset's.
pub const CUSTOM: &str = "custom";

fn preset_options() -> Vec<(String, String)> {
    let mut o: Vec<(String, String)> = Preset::menu()
        .map(|p| (p.id().into(), p.label().into()))
        .collect();
    o.push((CUSTOM.into(), "Custom (your settings)".into()));
    o
}

pub const OUTPUT: ChoiceSpec = ChoiceSpec {
    key: "out",
    label: "Output activation",
    options: || {
        Output::ALL
            .iter()
            .map(|o| (o.id().into(), o.label().into()))
            .collect()
    },
};

pub const ACTIVATION: ChoiceSpec = ChoiceSpec {
    key: "act",
    label: "Activation (hidden layers)",
    options: spec::activation_options,
};

pub const INIT: ChoiceSpec = ChoiceSpec {
    key: "init",
    label: "Kernel initializer",
    options: || {
        offered_initializers()
            .iter()
            .map(|i| (i.id(), i.label()))
            .collect()
    },
};

pub use crate::spec::OPTIMIZER;

fn number(v: f64) -> Value {
    Value::Number(v)
}

/// Every setting, in the order the panel shows them. The preset comes first: parsing a link
/// applies it, then any single value on top of it.
pub const FIELDS: [Field<Settings>; 27] = [
    Field {
        control: Control::Menu(PRESET),
        get: |s| Value::Choice(s.preset.map_or(CUSTOM, Preset::id).into()),
        set: |s, v| match v.choice().and_then(Preset::from_id) {
            Some(p) => *s = p.apply(s),
            None => s.preset = None,
        },
        applies: always,
    },
    // Before the data size: a link's `n` applies on top of the task's own.
    Field {
        control: Control::Menu(TASK),
        get: |s| Value::Choice(s.task.id().into()),
        set: |s, v| {
            if let Some(t) = v.choice().and_then(Task::from_id) {
                set_task(s, t);
            }
        },
        applies: always,
    },
    Field {
        control: Control::Slider(NOISE),
        get: |s| number(s.noise),
        set: |s, v| s.noise = v.number().unwrap_or(s.noise),
        applies: |s| s.task.plane().is_some(),
    },
    Field {
        control: Control::Slider(SAMPLES),
        get: |s| number(s.samples as f64),
        set: |s, v| s.samples = whole(v),
        applies: always,
    },
    Field {
        control: Control::Slider(LAYERS),
        get: |s| number(s.layers as f64),
        set: |s, v| s.layers = whole(v),
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
        control: Control::Menu(OUTPUT),
        get: |s| Value::Choice(s.output.id().into()),
        set: |s, v| s.output = v.choice().and_then(Output::from_id).unwrap_or(s.output),
        applies: always,
    },
    Field {
        control: Control::Slider(DROPOUT),
        get: |s| number(s.dropout),
        set: |s, v| {
            s.dropout = v
                .number()
                .filter(|r| r.is_finite())
                .map_or(s.dropout, |r| r.clamp(DROPOUT.min, DROPOUT.max))
        },
        applies: always,
    },
    Field {
        control: Control::Menu(INIT),
        get: |s| Value::Choice(s.init.id()),
        set: |s, v| s.init = v.choice().and_then(Initializer::from_id).unwrap_or(s.init),
        applies: always,
    },
    Field {
        control: Control::Slider(BIAS),
        get: |s| number(s.bias),
        set: |s, v| s.bias = v.number().unwrap_or(s.bias),
        applies: always,
    },
    Field {
        control: Control::Menu(OPTIMIZER),
        get: |s| Value::Choice(s.optimizer.id().into()),
        set: |s, v| {
            s.optimizer = v
                .choice()
                .and_then(Optimizer::from_id)
                .unwrap_or(s.optimizer)
        },
        applies: always,
    },
    Field {
        control: Control::Slider(LEARNING_RATE),
        get: |s| number(s.lr),
        set: |s, v| s.lr = v.number().unwrap_or(s.lr),
        applies: always,
    },
    Field {
        control: Control::Slider(BATCH),
        get: |s| number(s.batch as f64),
        set: |s, v| s.batch = whole(v).max(1),
        applies: always,
    },
    Field {
        control: Control::Slider(EPOCHS),
        get: |s| number(s.epochs as f64),
        set: |s, v| s.epochs = whole(v).max(1),
        applies: always,
    },
    Field {
        control: Control::Slider(SEED),
        get: |s| number(s.seed as f64),
        set: |s, v| s.seed = whole(v) as u64,
        applies: always,
    },
    Field {
        control: Control::Menu(INPUTS),
        get: |s| {
            let id = INPUT_SCALINGS
                .iter()
                .find(|(i, _, _)| *i == s.inputs)
                .map_or("raw", |(_, id, _)| id);
            Value::Choice(id.into())
        },
        set: |s, v| {
            if let Some((i, _, _)) = INPUT_SCALINGS
                .iter()
                .find(|(_, id, _)| Some(*id) == v.choice())
            {
                s.inputs = *i;
            }
        },
        applies: always,
    },
    Field {
        control: Control::Slider(WARMUP),
        get: |s| number(s.warmup as f64),
        set: |s, v| s.warmup = whole(v),
        applies: always,
    },
    Field {
        control: Control::Slider(CLIP),
        get: |s| number(s.clip),
        set: |s, v| s.clip = v.number().unwrap_or(s.clip),
        applies: always,
    },
    Field {
        control: Control::Slider(WEIGHT_DECAY),
        get: |s| number(s.weight_decay),
        set: |s, v| s.weight_decay = v.number().unwrap_or(s.weight_decay),
        applies: always,
    },
    Field {
        control: Control::Menu(REDO),
        get: |s| Value::Choice(s.redo.id().into()),
        set: |s, v| {
            if let Some(r) = RedoMode::ALL
                .into_iter()
                .find(|r| Some(r.id()) == v.choice())
            {
                s.redo = r;
            }
        },
        applies: always,
    },
    Field {
        control: Control::Menu(BATCH_NORM),
        get: |s| Value::Choice(if s.batch_norm { "on" } else { "off" }.into()),
        set: |s, v| s.batch_norm = v.choice() == Some("on"),
        applies: always,
    },
    Field {
        control: Control::Menu(DEFINITION),
        get: |s| Value::Choice(s.definition.id().into()),
        set: |s, v| {
            if let Some(d) = v.choice().and_then(Definition::from_id) {
                s.definition = d;
            }
        },
        applies: always,
    },
    Field {
        control: Control::Slider(TAU),
        get: |s| number(s.tau),
        set: |s, v| s.tau = v.number().unwrap_or(s.tau),
        applies: |s| s.definition == Definition::Dormant,
    },
    Field {
        control: Control::Slider(PLANE_X),
        get: |s| number(s.plane_x as f64),
        set: |s, v| s.plane_x = whole(v).max(1),
        applies: |s| s.task.plane().is_none(),
    },
    Field {
        control: Control::Slider(PLANE_Y),
        get: |s| number(s.plane_y as f64),
        set: |s, v| s.plane_y = whole(v).max(1),
        applies: |s| s.task.plane().is_none(),
    },
];

impl Settings {
    /// Reads the settings from query pairs: a `preset` first, then any single value on top of
    /// it. Never fails; every repair is reported.
    pub fn from_pairs(pairs: &[(String, String)]) -> (Self, Vec<ParamWarning>) {
        let mut s = Settings::default();
        let w = spec::read_query(&FIELDS, pairs, &mut s);
        s.settle_preset();
        (s, w)
    }

    /// The query string that reproduces these settings.
    pub fn to_query(&self) -> String {
        spec::write_query(&FIELDS, self)
    }

    /// Sets one field by key, as a control does; durable settings that differ from the preset
    /// make this a custom run.
    pub fn set(&mut self, key: &str, value: &Value) {
        if let Some(f) = FIELDS.iter().find(|f| f.key() == key) {
            (f.set)(self, value);
            self.settle_preset();
        }
    }

    /// Keeps the preset only while the settings are still that preset's.
    fn settle_preset(&mut self) {
        self.preset = self.preset.filter(|p| p.apply(self) == *self);
    }

    pub fn activation_fn(&self) -> Activation {
        self.activation.with_alpha(self.alpha)
    }

    /// The network and training settings for the simulation core.
    pub fn net_config(&self) -> NetConfig {
        let act = self.activation_fn();
        NetConfig {
            inputs: 4,
            hidden: vec![self.width.max(1); self.layers],
            hidden_activation: act,
            output_activation: match self.output {
                Output::Same => act,
                Output::Linear => Activation::new(ActivationKind::Linear, 0.0),
                Output::Sigmoid => Activation::new(ActivationKind::Sigmoid, 0.0),
            },
            loss: self.loss(),
            dropout: Dropout::for_activation(self.dropout, self.activation),
            init: self.init,
            bias_init: self.bias as f32,
            optimizer: self.optimizer.config(self.lr),
            batch_size: self.batch.max(1),
            seed: self.seed,
            warmup_steps: self.warmup,
            clip_norm: (self.clip > 0.0).then_some(self.clip),
            weight_decay: self.weight_decay,
            redo: self.redo.config(),
            batch_norm: self.batch_norm.then(BatchNorm::default),
        }
    }

    /// Binary cross-entropy for a sigmoid output on 0/1 labels, squared error otherwise.
    pub fn loss(&self) -> Loss {
        if self.output == Output::Sigmoid && self.task.is_classification() {
            Loss::BinaryCrossEntropy
        } else {
            Loss::Mse
        }
    }

    /// The inputs the task has (4 for seed 002, 2 for Playground's sets).
    pub fn task_inputs(&self) -> usize {
        if self.task.plane().is_some() {
            2
        } else {
            4
        }
    }

    /// The input plane's two inputs (0-based) on data of `inputs` inputs: the chosen ones when
    /// the data has them and they differ, else the nearest that do.
    pub fn plane_axes(&self, inputs: usize) -> (usize, usize) {
        if inputs < 2 || self.task.plane().is_some() {
            return (0, 1);
        }
        let last = inputs - 1;
        let a = (self.plane_x.max(1) - 1).min(last);
        let b = (self.plane_y.max(1) - 1).min(last);
        if a != b {
            (a, b)
        } else if a == 0 {
            (0, 1)
        } else {
            (a, if b == last { last - 1 } else { b + 1 }.min(last))
        }
    }

    /// Whether one of today's remedies is on (warmup, clipping, weight decay, ReDo, batch
    /// normalization, scaled inputs).
    pub fn has_remedy(&self) -> bool {
        self.warmup > 0
            || self.clip > 0.0
            || self.weight_decay > 0.0
            || self.redo != RedoMode::Off
            || self.batch_norm
            || self.inputs != InputScaling::Raw
    }

    /// The definition of dead the map and the words apply.
    pub fn judge(&self) -> Judge {
        Judge {
            definition: self.definition,
            tau: self.tau,
        }
    }

    /// "4-8-8-8-1" (2-8-8-8-1 on a 2-D task).
    pub fn shape(&self) -> String {
        self.shape_for(self.task_inputs())
    }

    /// The shape on `inputs` inputs: "3-8-8-8-1".
    pub fn shape_for(&self, inputs: usize) -> String {
        let mut parts = vec![inputs.to_string()];
        parts.extend((0..self.layers).map(|_| self.width.to_string()));
        parts.push("1".into());
        parts.join("-")
    }

    /// Hidden units plus the output unit.
    pub fn units(&self) -> usize {
        self.layers * self.width + 1
    }
}

/// Initializers the panel's menu offers.
pub fn offered_initializers() -> [Initializer; 8] {
    [
        Initializer::GlorotUniform,
        Initializer::GlorotNormal,
        Initializer::HeNormal,
        Initializer::HeUniform,
        Initializer::LecunNormal,
        Initializer::LecunUniform,
        Initializer::RANDOM_UNIFORM,
        Initializer::UNIFORM_NEG1_0,
    ]
}
