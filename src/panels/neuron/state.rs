//! The panel's settings and field table, what the learner can do (`Msg`), and the rules
//! (`State::update`): when the gate counts as shut, what Train does, what a step that would
//! diverge does.

use crate::sim::activation::{Activation, ActivationKind};
use crate::sim::neuron::{Gradients, Neuron, PreactivationStats, StepKind, DEFAULT_LR};
use crate::spec::{
    self, activation_of, always, ChoiceSpec, Control, Field, NumberSpec, Scale, Value, ALPHA,
};

/// Learning rate of R's SGD.
pub const LR: NumberSpec = NumberSpec {
    key: "lr",
    label: "Learning rate",
    min: 1e-4,
    max: 10.0,
    default: DEFAULT_LR,
    step: 0.05,
    scale: Scale::Log,
    digits: 3,
};

/// R's bias b; moving the slider sets b.
pub const BIAS: NumberSpec = NumberSpec {
    key: "b",
    label: "Bias b",
    min: -2.0,
    max: 2.0,
    default: 0.0,
    step: 0.01,
    scale: Scale::Linear,
    digits: 3,
};

/// Global-norm gradient clipping at norm c (0 = off): every step, the large one too, then
/// moves (w1, w2, b) by at most lr·c. The large step's gradient has norm about 16, R's ordinary
/// steps' about 0.3, so a c between them tames the one and leaves the others alone.
pub const CLIP: NumberSpec = NumberSpec {
    key: "clip",
    label: "Clip gradient norm at (0 = off)",
    min: 0.0,
    max: 20.0,
    default: 0.0,
    step: 0.1,
    scale: Scale::Linear,
    digits: 3,
};

pub const FUNCTION: ChoiceSpec = ChoiceSpec {
    key: "f",
    label: "Activation f",
    options: spec::activation_options,
};

/// SGD steps per animation frame while training: about 120 a second, slow enough to watch a
/// leaky unit climb back, fast enough not to bore.
pub const STEPS_PER_TICK: usize = 2;
/// The inputs are the same on every load, so a link reproduces what its sender saw.
pub const SEED: u64 = 1;
/// Below this open share the gate counts as shut, so a later reopening is a "recovery".
pub const SHUT_BELOW: f64 = 0.05;
/// From this open share up the gate is drawn open; below it (with some gradient) leaking.
pub const OPEN_FROM: f64 = 0.5;

/// A change of w1, w2 or b that a learner sees on the sliders and the timelines.
pub const VISIBLE_CHANGE: f64 = 0.01;
/// How soon that change must come for R to count as able to recover: 1000 SGD steps, about
/// 8 seconds of Train.
pub const RECOVERY_STEPS: f64 = 1000.0;

/// Whether SGD at learning rate `lr` moves w1, w2 or b by [`VISIBLE_CHANGE`] within
/// [`RECOVERY_STEPS`] steps, with the gradient `g` (averaged over every input). A leaky unit
/// far below 0 has a gradient, but one of 1e-30 recovers nothing in a lifetime.
pub fn can_recover(g: &Gradients, lr: f64) -> bool {
    largest_gradient(g) * lr * RECOVERY_STEPS >= VISIBLE_CHANGE
}

/// The largest of the gradients to w1, w2 and b, in size.
pub fn largest_gradient(g: &Gradients) -> f64 {
    g.w1.abs().max(g.w2.abs()).max(g.b.abs())
}

/// What the gate looks like now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GateState {
    /// Gradient flows for most inputs.
    Open,
    /// Closed for most inputs, but some gradient leaks through (Leaky ReLU, ELU, ...).
    Leaking,
    /// f′ = 0 for every input: nothing passes.
    Shut,
}

/// What the controls set (b is the starting bias).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Settings {
    pub kind: ActivationKind,
    pub alpha: f64,
    pub lr: f64,
    pub bias: f64,
    /// The clipping norm c; 0 is off.
    pub clip: f64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            kind: ActivationKind::Relu,
            alpha: ALPHA.default,
            lr: LR.default,
            bias: BIAS.default,
            clip: CLIP.default,
        }
    }
}

impl Settings {
    pub fn activation(&self) -> Activation {
        self.kind.with_alpha(self.alpha)
    }

    /// The clipping norm, None when off.
    pub fn clip_norm(&self) -> Option<f64> {
        (self.clip > 0.0).then_some(self.clip)
    }
}

/// Every setting, in the order the panel shows them.
pub const FIELDS: [Field<Settings>; 5] = [
    Field {
        control: Control::Menu(FUNCTION),
        get: |s| Value::Choice(s.kind.id().into()),
        set: |s, v| s.kind = activation_of(v).unwrap_or(s.kind),
        applies: always,
    },
    Field {
        control: Control::Slider(LR),
        get: |s| Value::Number(s.lr),
        set: |s, v| s.lr = v.number().unwrap_or(s.lr),
        applies: always,
    },
    Field {
        control: Control::Slider(CLIP),
        get: |s| Value::Number(s.clip),
        set: |s, v| s.clip = v.number().unwrap_or(s.clip),
        applies: always,
    },
    Field {
        control: Control::Slider(BIAS),
        get: |s| Value::Number(s.bias),
        set: |s, v| s.bias = v.number().unwrap_or(s.bias),
        applies: always,
    },
    Field {
        control: Control::Slider(ALPHA),
        get: |s| Value::Number(s.alpha),
        set: |s, v| s.alpha = v.number().unwrap_or(s.alpha),
        applies: always,
    },
];

/// Reads the settings from query pairs; never fails.
pub fn from_pairs(pairs: &[(String, String)]) -> (Settings, Vec<spec::ParamWarning>) {
    let mut s = Settings::default();
    let w = spec::read_query(&FIELDS, pairs, &mut s);
    (s, w)
}

/// What the learner can do.
#[derive(Clone, Debug, PartialEq)]
pub enum Msg {
    /// A control changed: f and α change R's activation, b moves R's bias now, lr the next
    /// steps' size.
    Set(&'static str, Value),
    /// The seeds' accident: one step with a large upstream gradient. Clipping, when on,
    /// applies to it as to every step: that is what clipping is for.
    LargeStep,
    /// One SGD step (and pause training).
    Step,
    /// Train starts a run of steps in animation frames; pressed again it pauses.
    ToggleTrain,
    /// One animation frame of training.
    Tick,
    /// R as it was at the start, with the current settings.
    Reset,
}

/// R, what happened to it, and whether it is training.
pub struct State {
    pub settings: Settings,
    pub neuron: Neuron,
    /// Whether the gate was shut for almost every input at some point: "recovered" then
    /// means something.
    pub was_shut: bool,
    /// Pre-activations just before the last large step, drawn as an outline.
    pub before_large: Option<Vec<f64>>,
    /// R's line (w1, w2, b) just before the last large step, drawn dashed on the plane.
    pub line_before_large: Option<[f64; 3]>,
    pub training: bool,
    /// Why training stopped, in words, when a step would have diverged.
    pub problem: Option<String>,
}

impl State {
    /// R at the start; a bias that starts it with its gate shut counts as shut, so a later
    /// reopening is a recovery.
    pub fn new(settings: Settings) -> State {
        let mut neuron = Neuron::new(settings.activation(), settings.bias, SEED);
        neuron.set_clip(settings.clip_norm());
        let mut s = State {
            neuron,
            settings,
            was_shut: false,
            before_large: None,
            line_before_large: None,
            training: false,
            problem: None,
        };
        s.note_gate();
        s
    }

    /// Applies one message: every rule of the panel is here.
    pub fn update(&mut self, msg: Msg) {
        match msg {
            Msg::Set(key, value) => self.set(key, &value),
            Msg::LargeStep => {
                self.before_large = Some(self.neuron.preactivations());
                self.line_before_large = Some(self.neuron.line());
                self.step(true);
            }
            Msg::Step => {
                self.training = false;
                self.step(false);
            }
            Msg::ToggleTrain => self.training = !self.training,
            Msg::Tick => {
                for _ in 0..STEPS_PER_TICK {
                    if !self.training || !self.step(false) {
                        break;
                    }
                }
            }
            Msg::Reset => *self = State::new(self.settings),
        }
    }

    fn set(&mut self, key: &str, value: &Value) {
        let Some(field) = FIELDS.iter().find(|f| f.key() == key) else {
            return;
        };
        (field.set)(&mut self.settings, value);
        match key {
            "b" => {
                self.neuron.set_bias(self.settings.bias);
                self.note_gate();
            }
            "f" | "alpha" => self.neuron.set_activation(self.settings.activation()),
            "clip" => self.neuron.set_clip(self.settings.clip_norm()),
            _ => {}
        }
    }

    fn note_gate(&mut self) {
        if self.neuron.stats().open_fraction < SHUT_BELOW {
            self.was_shut = true;
        }
    }

    /// Runs one kind of step; a step that would diverge is refused, training stops and the
    /// problem is said in words. Returns whether the step was taken.
    fn step(&mut self, large: bool) -> bool {
        let lr = self.settings.lr;
        let r = if large {
            self.neuron.large_gradient_step(lr)
        } else {
            self.neuron.sgd_step(lr)
        };
        match r {
            Ok(_) => {
                self.note_gate();
                self.problem = None;
                true
            }
            Err(e) => {
                self.training = false;
                self.problem = Some(format!(
                    "Training stopped: {e}. R keeps its last finite values; lower the learning rate or press Reset."
                ));
                false
            }
        }
    }

    /// The gradients averaged over every input, at R's current parameters.
    pub fn gradient_now(&self) -> Gradients {
        let all: Vec<usize> = (0..self.neuron.inputs().len()).collect();
        self.neuron.gradients_on(&all)
    }

    /// What the flow diagram shows: the last SGD step's gradients after one, else the
    /// gradients now; with its headline.
    /// The last step's update-to-data ratio, log10(‖Δθ‖ / ‖θ‖) over θ = (w1, w2, b) (R's
    /// version of the network panel's meter), and what kind of step it was.
    pub fn last_step_ratio(&self) -> Option<(StepKind, f64)> {
        let [.., before, now] = self.neuron.history() else {
            return None;
        };
        let d = [now.w1 - before.w1, now.w2 - before.w2, now.b - before.b];
        let norm = |v: [f64; 3]| v.iter().map(|x| x * x).sum::<f64>().sqrt();
        let r = norm(d) / norm([now.w1, now.w2, now.b]);
        (now.step > 0).then_some((now.kind, r.log10()))
    }

    pub fn shown_gradients(&self) -> (Gradients, String) {
        let last_sgd = self
            .neuron
            .history()
            .last()
            .is_some_and(|s| s.kind == StepKind::Sgd && s.step > 0);
        if last_sgd {
            (
                self.neuron.last_gradients(),
                format!(
                    "Gradients in SGD step {} (batch of 16)",
                    self.neuron.steps()
                ),
            )
        } else {
            (
                self.gradient_now(),
                "Gradients now, averaged over all inputs".to_string(),
            )
        }
    }
}

/// How the gate is drawn: shut when no input passes any gradient, open when most inputs
/// open it, leaking in between.
pub fn gate_state(stats: &PreactivationStats) -> GateState {
    if stats.flowing_fraction == 0.0 {
        GateState::Shut
    } else if stats.open_fraction < OPEN_FROM {
        GateState::Leaking
    } else {
        GateState::Open
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::query_pairs;

    fn dead() -> State {
        let mut s = State::new(Settings::default());
        s.update(Msg::LargeStep);
        s
    }

    #[test]
    fn the_large_step_shuts_the_gate_and_train_then_moves_nothing() {
        let mut s = dead();
        assert_eq!(gate_state(&s.neuron.stats()), GateState::Shut);
        assert!(s.was_shut);
        assert!(s.before_large.is_some(), "the outline of before is kept");
        let (w, b) = (s.neuron.w, s.neuron.b);
        s.update(Msg::ToggleTrain);
        assert!(s.training);
        for _ in 0..50 {
            s.update(Msg::Tick);
        }
        assert_eq!(
            (s.neuron.w, s.neuron.b),
            (w, b),
            "a dead unit does not move"
        );
        assert_eq!(s.neuron.steps(), 1 + 50 * STEPS_PER_TICK);
        s.update(Msg::ToggleTrain);
        assert!(!s.training, "Train pressed again pauses");
        s.update(Msg::Tick);
        assert_eq!(
            s.neuron.steps(),
            1 + 50 * STEPS_PER_TICK,
            "no steps while paused"
        );
    }

    #[test]
    fn leaky_relu_leaks_then_reopens() {
        let mut s = dead();
        s.update(Msg::Set("f", Value::Choice("leaky_relu".into())));
        assert_eq!(gate_state(&s.neuron.stats()), GateState::Leaking);
        s.update(Msg::ToggleTrain);
        for _ in 0..150 {
            s.update(Msg::Tick);
        }
        assert_eq!(gate_state(&s.neuron.stats()), GateState::Open);
    }

    #[test]
    fn step_pauses_training_and_reset_restores_the_start() {
        let mut s = dead();
        s.update(Msg::ToggleTrain);
        s.update(Msg::Step);
        assert!(!s.training);
        s.update(Msg::Reset);
        assert_eq!(s.neuron.steps(), 0);
        assert!(!s.was_shut && s.before_large.is_none());
        assert_eq!(gate_state(&s.neuron.stats()), GateState::Open);
    }

    #[test]
    fn moving_b_shuts_the_gate_and_counts_as_shut() {
        let mut s = State::new(Settings::default());
        s.update(Msg::Set("b", Value::Number(-1.0)));
        assert_eq!(s.neuron.b, -1.0);
        assert!(s.was_shut);
        assert_eq!(s.neuron.stats().open_fraction, 0.0);
    }

    #[test]
    fn a_diverging_step_stops_training_with_words() {
        // Leaky ReLU with α = 1 is linear, and SGD on it at lr 10 blows up within a few
        // hundred steps.
        let mut s = State::new(Settings {
            lr: 10.0,
            kind: ActivationKind::LeakyRelu,
            alpha: 1.0,
            ..Settings::default()
        });
        s.update(Msg::ToggleTrain);
        for _ in 0..2000 {
            s.update(Msg::Tick);
            if !s.training {
                break;
            }
        }
        assert!(!s.training, "a diverging run stops");
        let p = s.problem.clone().unwrap_or_default();
        assert!(p.contains("Training stopped") && p.contains("step"), "{p}");
        // Lowered, the learning rate lets Train go on from R's last finite state.
        s.update(Msg::Set("lr", Value::Number(1e-3)));
        s.update(Msg::ToggleTrain);
        s.update(Msg::Tick);
        assert!(s.training && s.problem.is_none(), "{:?}", s.problem);
    }

    #[test]
    fn gate_thresholds_are_the_named_ones() {
        let stats = |open: f64, flowing: f64| PreactivationStats {
            mean: 0.0,
            sd: 0.0,
            min: 0.0,
            max: 0.0,
            open_fraction: open,
            flowing_fraction: flowing,
        };
        assert_eq!(gate_state(&stats(0.0, 0.0)), GateState::Shut);
        assert_eq!(gate_state(&stats(0.0, 1.0)), GateState::Leaking);
        assert_eq!(
            gate_state(&stats(OPEN_FROM - 0.01, 1.0)),
            GateState::Leaking
        );
        assert_eq!(gate_state(&stats(OPEN_FROM, 1.0)), GateState::Open);
    }

    #[test]
    fn hostile_values_are_repaired() {
        let (p, w) = from_pairs(&query_pairs("?lr=NaN&b=-1e9&alpha=abc&f=relu%00"));
        assert_eq!(p.lr, LR.default);
        assert_eq!(p.bias, -2.0);
        assert_eq!(p.alpha, ALPHA.default);
        assert_eq!(p.kind, ActivationKind::Relu);
        assert_eq!(w.len(), 4, "{w:?}");
    }

    #[test]
    fn good_values_pass_through() {
        let (p, w) = from_pairs(&query_pairs("f=leaky_relu&alpha=0.1&lr=0.0001&b=0.5"));
        assert!(w.is_empty());
        assert_eq!(
            (p.kind, p.alpha, p.lr, p.bias),
            (ActivationKind::LeakyRelu, 0.1, 0.0001, 0.5)
        );
    }
}
