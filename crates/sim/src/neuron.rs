//! The single unit R of seeds 000 and 001: a = w1·x1 + w2·x2 + b, y = f(a).
//!
//! The set-up makes the story exact. Inputs are x1, x2 ~ N(0.5, 0.15²); R starts at
//! w1 = w2 = 0.1, b = 0, so a is a narrow Gaussian centred at +0.1 (σ ≈ 0.02): the gate is open
//! for every input. R learns the ramp t = ½(x1 + x2) − 0.3, which is positive for almost every
//! input, so a healthy R stays open while it learns.
//!
//! The "large gradient step" is one SGD step driven by a large upstream gradient ∂L/∂y = G at the
//! mean input x̄ (think of an outlier with a wildly wrong label). It moves every a by about
//! −lr·G·f′(ā)·(‖x̄‖² + 1); G is chosen so that at the default learning rate the centre moves from
//! +0.1 to −0.1. After it, ReLU's gate is shut for every input, every gradient is exactly 0, and
//! SGD never moves R again.
//!
//! Global-norm gradient clipping (off by default) is a rule of every step, the large one too:
//! when ‖g‖ over (w1, w2, b) exceeds c, g is scaled by c/‖g‖ before the step (what
//! `torch.nn.utils.clip_grad_norm_` and `tf.clip_by_global_norm` do), so a plain SGD step then
//! moves the parameters by at most lr·c. The large step moves a's centre by
//! lr·‖g‖·‖(x̄, 1)‖ = 0.2; clipped, by lr·c·‖(x̄, 1)‖ ≈ 1.22·lr·c.

use super::activation::Activation;
use super::rng::rng_from_seed;
use rand::seq::index::sample;
use rand_distr::{Distribution, Normal};

/// Mean and spread of each input.
pub const INPUT_MEAN: f64 = 0.5;
pub const INPUT_SD: f64 = 0.15;
/// Starting weights and the centre of a they give (w·x̄ = 0.1 when b = 0).
pub const START_W: f64 = 0.1;
/// The learning rate the panel starts with.
pub const DEFAULT_LR: f64 = 0.01;
/// How far the large step moves the centre of a at the default learning rate: +0.1 → −0.1.
pub const LARGE_STEP_SHIFT: f64 = 0.2;
/// Examples R sees, and how many go into one SGD step.
pub const N_INPUTS: usize = 500;
pub const BATCH: usize = 16;

/// The ramp R is asked to learn.
pub fn target(x: [f64; 2]) -> f64 {
    0.5 * (x[0] + x[1]) - 0.3
}

/// The upstream gradient ∂L/∂y of the large step: chosen so that lr = [`DEFAULT_LR`] shifts the
/// centre of a by exactly [`LARGE_STEP_SHIFT`] while the gate is open (f′ = 1).
pub fn large_gradient() -> f64 {
    let x_norm2 = 2.0 * INPUT_MEAN * INPUT_MEAN;
    LARGE_STEP_SHIFT / (DEFAULT_LR * (x_norm2 + 1.0))
}

/// The gradients of the last step, for the flow diagram.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Gradients {
    /// ∂L/∂y reaching R from above.
    pub upstream: f64,
    /// ∂L/∂a: what passes through the gate (upstream × f′(a)).
    pub through_gate: f64,
    pub w1: f64,
    pub w2: f64,
    pub b: f64,
}

impl Gradients {
    /// The global L2 norm over the parameters' gradients (w1, w2, b): what clipping measures.
    pub fn norm(&self) -> f64 {
        (self.w1 * self.w1 + self.w2 * self.w2 + self.b * self.b).sqrt()
    }
}

/// The factor global-norm clipping at `c` multiplies a gradient of norm `norm` by:
/// c/‖g‖ when ‖g‖ > c, else 1 (`tf.clip_by_global_norm`'s c / max(‖g‖, c)). A NaN norm is
/// left alone (the step is refused as diverging anyway).
pub fn clip_scale(norm: f64, c: f64) -> f64 {
    if norm > c {
        c / norm
    } else {
        1.0
    }
}

/// The pre-activation of R with parameters `line` = (w1, w2, b) at input `x`: the one formula
/// the neuron and the plane chart share, so both say the same side of the line.
pub fn preactivation(line: [f64; 3], x: [f64; 2]) -> f64 {
    line[0] * x[0] + line[1] * x[1] + line[2]
}

/// What the last step did, with clipping: the numbers the words tell.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StepTaken {
    pub kind: StepKind,
    pub lr: f64,
    /// ‖g‖ over (w1, w2, b), before clipping.
    pub norm: f64,
    /// The clipping norm in force (None: clipping off).
    pub clip: Option<f64>,
    /// What the gradient was multiplied by: [`clip_scale`], 1 when clipping did not act.
    pub scale: f64,
    /// The change the step made to (w1, w2, b).
    pub delta: [f64; 3],
    /// The change it would have made unclipped: −lr·g.
    pub unclipped: [f64; 3],
}

impl StepTaken {
    /// Whether clipping scaled this step's gradient down.
    pub fn clipped(&self) -> bool {
        self.scale < 1.0
    }

    /// ‖Δθ‖: how far the step moved (w1, w2, b).
    pub fn moved(&self) -> f64 {
        self.delta.iter().map(|d| d * d).sum::<f64>().sqrt()
    }
}

/// What the last step was.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StepKind {
    Sgd,
    Large,
}

/// One row of the timelines, taken after each step.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Snapshot {
    pub step: usize,
    pub w1: f64,
    pub w2: f64,
    pub b: f64,
    pub loss: f64,
    pub open_fraction: f64,
    pub kind: StepKind,
}

/// A step that would make a parameter NaN or infinite is refused: R keeps its last finite state.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Diverged {
    pub step: usize,
}

impl std::fmt::Display for Diverged {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "step {} would make R's parameters infinite (learning rate too high)",
            self.step
        )
    }
}

/// Summary statistics of a over all inputs.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PreactivationStats {
    pub mean: f64,
    pub sd: f64,
    pub min: f64,
    pub max: f64,
    /// Share of inputs with a > 0: the ReLU gate is open.
    pub open_fraction: f64,
    /// Share of inputs with f′(a) ≠ 0: some gradient flows (leaky units leak when shut).
    pub flowing_fraction: f64,
}

pub struct Neuron {
    pub w: [f64; 2],
    pub b: f64,
    pub f: Activation,
    inputs: Vec<[f64; 2]>,
    targets: Vec<f64>,
    rng: super::rng::SimRng,
    step: usize,
    last: Gradients,
    history: Vec<Snapshot>,
    /// Global-norm clipping at this norm (None: off).
    clip: Option<f64>,
    last_step: Option<StepTaken>,
}

/// History longer than this is thinned (every other point dropped), so a long run stays cheap.
const HISTORY_CAP: usize = 4000;

impl Neuron {
    /// R at the start of the story, with starting bias `b` (0 in the story).
    pub fn new(f: Activation, b: f64, seed: u64) -> Self {
        let mut rng = rng_from_seed(seed);
        let normal = Normal::new(INPUT_MEAN, INPUT_SD).expect("constant, valid parameters");
        let inputs: Vec<[f64; 2]> = (0..N_INPUTS)
            .map(|_| [normal.sample(&mut rng), normal.sample(&mut rng)])
            .collect();
        let targets = inputs.iter().map(|&x| target(x)).collect();
        let mut n = Neuron {
            w: [START_W, START_W],
            b,
            f,
            inputs,
            targets,
            rng,
            step: 0,
            last: Gradients::default(),
            history: Vec::new(),
            clip: None,
            last_step: None,
        };
        n.record(StepKind::Sgd);
        n
    }

    pub fn inputs(&self) -> &[[f64; 2]] {
        &self.inputs
    }

    pub fn steps(&self) -> usize {
        self.step
    }

    pub fn last_gradients(&self) -> Gradients {
        self.last
    }

    pub fn history(&self) -> &[Snapshot] {
        &self.history
    }

    /// (w1, w2, b): R's line w1·x1 + w2·x2 + b = 0 in the plane of its inputs.
    pub fn line(&self) -> [f64; 3] {
        [self.w[0], self.w[1], self.b]
    }

    pub fn preactivation(&self, x: [f64; 2]) -> f64 {
        preactivation(self.line(), x)
    }

    /// Turns global-norm clipping on at norm `c`, or off with `None`; a norm that is not a
    /// positive finite number turns it off.
    pub fn set_clip(&mut self, c: Option<f64>) {
        self.clip = c.filter(|c| c.is_finite() && *c > 0.0);
    }

    pub fn clip(&self) -> Option<f64> {
        self.clip
    }

    /// What the last step did (None before the first).
    pub fn last_step(&self) -> Option<StepTaken> {
        self.last_step
    }

    pub fn preactivations(&self) -> Vec<f64> {
        self.inputs.iter().map(|&x| self.preactivation(x)).collect()
    }

    pub fn stats(&self) -> PreactivationStats {
        let a = self.preactivations();
        let n = a.len() as f64;
        let mean = a.iter().sum::<f64>() / n;
        let var = a.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / n;
        PreactivationStats {
            mean,
            sd: var.sqrt(),
            min: a.iter().copied().fold(f64::INFINITY, f64::min),
            max: a.iter().copied().fold(f64::NEG_INFINITY, f64::max),
            open_fraction: a.iter().filter(|&&v| v > 0.0).count() as f64 / n,
            flowing_fraction: a.iter().filter(|&&v| self.f.derivative(v) != 0.0).count() as f64 / n,
        }
    }

    /// Mean squared error over every input.
    pub fn loss(&self) -> f64 {
        let all: Vec<usize> = (0..self.inputs.len()).collect();
        self.loss_on(&all)
    }

    /// One SGD step on a random mini-batch of [`BATCH`] inputs, loss = mean squared error.
    pub fn sgd_step(&mut self, lr: f64) -> Result<Gradients, Diverged> {
        let picks = sample(&mut self.rng, self.inputs.len(), BATCH).into_vec();
        let g = self.gradients_on(&picks);
        self.apply(lr, g, StepKind::Sgd)
    }

    /// Mean squared error over the inputs at `indices`.
    pub fn loss_on(&self, indices: &[usize]) -> f64 {
        let sum: f64 = indices
            .iter()
            .map(|&i| {
                let e = self.f.value(self.preactivation(self.inputs[i])) - self.targets[i];
                e * e
            })
            .sum();
        sum / indices.len().max(1) as f64
    }

    /// The gradient of [`Neuron::loss_on`] by backpropagation through the gate.
    pub fn gradients_on(&self, indices: &[usize]) -> Gradients {
        let mut g = Gradients::default();
        for &i in indices {
            let x = self.inputs[i];
            let a = self.preactivation(x);
            let upstream = 2.0 * (self.f.value(a) - self.targets[i]);
            let through = upstream * self.f.derivative(a);
            g.upstream += upstream;
            g.through_gate += through;
            g.w1 += through * x[0];
            g.w2 += through * x[1];
            g.b += through;
        }
        let k = indices.len().max(1) as f64;
        Gradients {
            upstream: g.upstream / k,
            through_gate: g.through_gate / k,
            w1: g.w1 / k,
            w2: g.w2 / k,
            b: g.b / k,
        }
    }

    /// The story's accident: one step with the large upstream gradient of [`large_gradient`] at
    /// the mean input. Like any gradient it only gets through an open gate.
    pub fn large_gradient_step(&mut self, lr: f64) -> Result<Gradients, Diverged> {
        let x = [INPUT_MEAN, INPUT_MEAN];
        let upstream = large_gradient();
        let through = upstream * self.f.derivative(self.preactivation(x));
        let g = Gradients {
            upstream,
            through_gate: through,
            w1: through * x[0],
            w2: through * x[1],
            b: through,
        };
        self.apply(lr, g, StepKind::Large)
    }

    /// One SGD step with gradient `g`, clipped if clipping is on. `g` is kept as computed
    /// (the flow diagram shows what backpropagation gave); the step uses the clipped one.
    fn apply(&mut self, lr: f64, g: Gradients, kind: StepKind) -> Result<Gradients, Diverged> {
        let norm = g.norm();
        let scale = self.clip.map_or(1.0, |c| clip_scale(norm, c));
        // Unclipped, the arithmetic is exactly the plain step's (no multiplication by 1).
        let used = if scale < 1.0 {
            [g.w1 * scale, g.w2 * scale, g.b * scale]
        } else {
            [g.w1, g.w2, g.b]
        };
        let w = [self.w[0] - lr * used[0], self.w[1] - lr * used[1]];
        let b = self.b - lr * used[2];
        let (old_w, old_b) = (self.w, self.b);
        self.w = w;
        self.b = b;
        // Finite parameters can still overflow a or the loss; either way the step is refused.
        if !(w[0].is_finite() && w[1].is_finite() && b.is_finite() && self.loss().is_finite()) {
            self.w = old_w;
            self.b = old_b;
            return Err(Diverged {
                step: self.step + 1,
            });
        }
        self.step += 1;
        self.last = g;
        self.last_step = Some(StepTaken {
            kind,
            lr,
            norm,
            clip: self.clip,
            scale,
            delta: [w[0] - old_w[0], w[1] - old_w[1], b - old_b],
            unclipped: [-lr * g.w1, -lr * g.w2, -lr * g.b],
        });
        self.record(kind);
        Ok(g)
    }

    fn record(&mut self, kind: StepKind) {
        if self.history.len() >= HISTORY_CAP {
            // Thin the past, keep the large steps: they are the events a reader looks for.
            let mut i = 0;
            self.history.retain(|s| {
                i += 1;
                i % 2 == 0 || s.kind == StepKind::Large
            });
        }
        let s = self.stats();
        self.history.push(Snapshot {
            step: self.step,
            w1: self.w[0],
            w2: self.w[1],
            b: self.b,
            loss: self.loss(),
            open_fraction: s.open_fraction,
            kind,
        });
    }

    /// Sets b (the bias slider) without counting a step.
    pub fn set_bias(&mut self, b: f64) {
        if b.is_finite() {
            self.b = b;
            if let Some(last) = self.history.last_mut() {
                last.b = b;
            }
            let s = self.stats();
            let loss = self.loss();
            if let Some(last) = self.history.last_mut() {
                last.open_fraction = s.open_fraction;
                last.loss = loss;
            }
        }
    }

    /// Changes f, keeping the parameters: the cure applied to a dead unit.
    pub fn set_activation(&mut self, f: Activation) {
        self.f = f;
    }

    /// Whether R can learn at all right now: some input passes a non-zero gradient.
    pub fn is_dead(&self) -> bool {
        self.stats().flowing_fraction == 0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn starts_centred_at_plus_point_one_with_low_variance() {
        let n = Neuron::new(Activation::RELU, 0.0, 1);
        let s = n.stats();
        assert!((s.mean - 0.1).abs() < 0.005, "{s:?}");
        assert!(s.sd < 0.03, "{s:?}");
        assert_eq!(s.open_fraction, 1.0);
    }

    #[test]
    fn large_step_moves_the_centre_to_minus_point_one() {
        let mut n = Neuron::new(Activation::RELU, 0.0, 1);
        n.large_gradient_step(DEFAULT_LR).unwrap();
        let s = n.stats();
        assert!((s.mean + 0.1).abs() < 0.005, "{s:?}");
        assert_eq!(s.open_fraction, 0.0);
        assert!(n.is_dead());
    }

    /// The large step's gradient has norm G·‖(x̄, 1)‖ ≈ 16.3; clipped at 1 the step moves
    /// (w1, w2, b) by lr·1 along the same direction, a's centre by lr·‖(x̄, 1)‖ ≈ 0.012, and
    /// R stays open for every input.
    #[test]
    fn clipping_tames_the_large_step() {
        let mut n = Neuron::new(Activation::RELU, 0.0, 1);
        n.set_clip(Some(1.0));
        n.large_gradient_step(DEFAULT_LR).unwrap();
        let t = n.last_step().unwrap();
        let x_norm = (2.0 * INPUT_MEAN * INPUT_MEAN + 1.0).sqrt();
        assert!((t.norm - large_gradient() * x_norm).abs() < 1e-12, "{t:?}");
        assert!(t.clipped() && (t.scale - 1.0 / t.norm).abs() < 1e-15);
        assert!((t.moved() - DEFAULT_LR).abs() < 1e-15, "{t:?}");
        // Same direction, shorter: each component scaled by c/‖g‖.
        for (d, u) in t.delta.iter().zip(t.unclipped) {
            assert!((d - u * t.scale).abs() < 1e-15, "{t:?}");
        }
        let s = n.stats();
        assert!(
            (s.mean - (0.1 - DEFAULT_LR * x_norm)).abs() < 0.005,
            "{s:?}"
        );
        assert_eq!(s.open_fraction, 1.0);
    }

    #[test]
    fn clipping_above_the_norm_changes_nothing_and_bad_norms_turn_it_off() {
        let mut plain = Neuron::new(Activation::RELU, 0.0, 3);
        let mut loose = Neuron::new(Activation::RELU, 0.0, 3);
        loose.set_clip(Some(1e6));
        for _ in 0..20 {
            plain.sgd_step(DEFAULT_LR).unwrap();
            loose.sgd_step(DEFAULT_LR).unwrap();
        }
        assert_eq!((plain.w, plain.b), (loose.w, loose.b));
        assert!(!loose.last_step().unwrap().clipped());
        for bad in [0.0, -1.0, f64::NAN, f64::INFINITY] {
            loose.set_clip(Some(bad));
            assert_eq!(loose.clip(), None, "{bad}");
        }
        assert_eq!(clip_scale(2.0, 1.0), 0.5);
        assert_eq!(clip_scale(0.5, 1.0), 1.0);
    }
}
