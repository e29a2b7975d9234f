//! Optimizers with Keras' update rules.

use super::mlp::Mlp;
use super::norm::NormWork;
use super::real::{adam_update, dot, finite_probe, AdamConsts, Real};

/// Which optimizer, with its hyper-parameters.
/// The optimizers a learner can pick, with their ids and labels: one definition for every
/// panel's menu, link and script.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum OptimizerKind {
    Sgd,
    Adam,
}

impl OptimizerKind {
    pub const ALL: [OptimizerKind; 2] = [OptimizerKind::Sgd, OptimizerKind::Adam];

    /// As in a link: "sgd", "adam".
    pub fn id(self) -> &'static str {
        match self {
            OptimizerKind::Sgd => "sgd",
            OptimizerKind::Adam => "adam",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            OptimizerKind::Sgd => "SGD",
            OptimizerKind::Adam => "Adam",
        }
    }

    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|o| o.id() == id)
    }

    /// This optimizer at learning rate `lr`, with Keras' other defaults.
    pub fn config(self, lr: f64) -> OptimizerConfig {
        match self {
            OptimizerKind::Sgd => OptimizerConfig::sgd(lr),
            OptimizerKind::Adam => OptimizerConfig::adam(lr),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum OptimizerConfig {
    /// `v ← μ·v − lr·g; w ← w + v` (plain `w ← w − lr·g` when μ = 0).
    Sgd { lr: f64, momentum: f64 },
    /// Keras' Adam: `m ← m + (g − m)(1 − β1)`, `v ← v + (g² − v)(1 − β2)`,
    /// `w ← w − lr·√(1 − β2ᵗ)/(1 − β1ᵗ) · m / (√v + ε)`.
    Adam {
        lr: f64,
        beta1: f64,
        beta2: f64,
        epsilon: f64,
    },
}

impl Default for OptimizerConfig {
    fn default() -> Self {
        Self::adam(0.001)
    }
}

impl OptimizerConfig {
    /// Adam with Keras' defaults (β1 0.9, β2 0.999, ε 1e-7).
    pub fn adam(lr: f64) -> Self {
        OptimizerConfig::Adam {
            lr,
            beta1: 0.9,
            beta2: 0.999,
            epsilon: 1e-7,
        }
    }

    pub fn sgd(lr: f64) -> Self {
        OptimizerConfig::Sgd { lr, momentum: 0.0 }
    }

    pub fn lr(&self) -> f64 {
        match *self {
            OptimizerConfig::Sgd { lr, .. } | OptimizerConfig::Adam { lr, .. } => lr,
        }
    }

    pub fn with_lr(self, lr: f64) -> Self {
        match self {
            OptimizerConfig::Sgd { momentum, .. } => OptimizerConfig::Sgd { lr, momentum },
            OptimizerConfig::Adam {
                beta1,
                beta2,
                epsilon,
                ..
            } => OptimizerConfig::Adam {
                lr,
                beta1,
                beta2,
                epsilon,
            },
        }
    }

    /// "sgd" or "adam".
    pub fn id(&self) -> &'static str {
        match self {
            OptimizerConfig::Sgd { .. } => "sgd",
            OptimizerConfig::Adam { .. } => "adam",
        }
    }

    pub fn label(&self) -> &'static str {
        match self {
            OptimizerConfig::Sgd { momentum, .. } if *momentum != 0.0 => "SGD with momentum",
            OptimizerConfig::Sgd { .. } => "SGD",
            OptimizerConfig::Adam { .. } => "Adam",
        }
    }
}

/// An optimizer's state for one network.
#[derive(Clone, Debug)]
pub struct Optimizer<R> {
    pub config: OptimizerConfig,
    /// Updates applied so far.
    pub t: u64,
    m_w: Vec<Vec<R>>,
    m_b: Vec<Vec<R>>,
    v_w: Vec<Vec<R>>,
    v_b: Vec<Vec<R>>,
    /// Scratch: the last step's updates, per layer (kernel, bias).
    u_w: Vec<Vec<R>>,
    u_b: Vec<Vec<R>>,
    /// Per layer (kernel, bias): the update count `t` when that tensor's Adam step count was
    /// last restarted (0: never, its count is `t`), as torch keeps one count per tensor.
    restarted: Vec<(u64, u64)>,
    /// Per layer: a batch-normalized layer's state for γ and β, `[m_γ, v_γ, m_β, v_β, u]`
    /// (SGD's velocities in the m's), None for the others.
    norm: Vec<Option<[Vec<R>; 5]>>,
}

impl<R: Real> Optimizer<R> {
    pub fn new(config: OptimizerConfig, net: &Mlp<R>) -> Self {
        let zw = || -> Vec<Vec<R>> {
            net.layers
                .iter()
                .map(|l| vec![R::ZERO; l.w.len()])
                .collect()
        };
        let zb = || -> Vec<Vec<R>> {
            net.layers
                .iter()
                .map(|l| vec![R::ZERO; l.b.len()])
                .collect()
        };
        let adam = matches!(config, OptimizerConfig::Adam { .. });
        Optimizer {
            config,
            t: 0,
            m_w: zw(),
            m_b: zb(),
            v_w: if adam { zw() } else { Vec::new() },
            v_b: if adam { zb() } else { Vec::new() },
            u_w: if adam { zw() } else { Vec::new() },
            u_b: if adam { zb() } else { Vec::new() },
            restarted: vec![(0, 0); net.layers.len()],
            norm: net
                .layers
                .iter()
                .map(|l| {
                    l.norm
                        .as_ref()
                        .map(|_| std::array::from_fn(|_| vec![R::ZERO; l.n_out]))
                })
                .collect(),
        }
    }

    /// Applies one update from gradients `gw`, `gb` (per layer, in the layout of the layers)
    /// at the configured learning rate, without weight decay: [`step_with`](Self::step_with)
    /// at `config.lr()` and decay 0.
    pub fn step(
        &mut self,
        net: &mut Mlp<R>,
        gw: &[Vec<R>],
        gb: &[Vec<R>],
        unit_update_sq: &mut [Vec<R>],
    ) -> bool {
        let lr = self.config.lr();
        self.step_with(net, gw, gb, unit_update_sq, lr, 0.0)
    }

    /// Applies one update from gradients `gw`, `gb` (per layer, in the layout of the layers)
    /// at learning rate `lr` (this step's value of a schedule; the configuration's own `lr`
    /// is not used), after decoupled weight decay `weight_decay` (λ; 0 = none).
    ///
    /// Decoupled weight decay (Loshchilov & Hutter, "Decoupled Weight Decay Regularization",
    /// ICLR 2019) is torch.optim.AdamW's `p ← p·(1 − lr·λ)`, applied to every kernel weight
    /// AND every bias before the optimizer's own update, never added to the gradient (so
    /// Adam's moments never see it). Biases are decayed too because that is what both
    /// libraries do by default: torch's AdamW decays every parameter it is given, Keras'
    /// AdamW every variable not excluded with `exclude_from_weight_decay`. With SGD it is
    /// Keras 3's `SGD(weight_decay=λ)` (which also decays `w ← w − w·λ·lr` before the step).
    ///
    /// Writes into `unit_update_sq[l][j]` the squared L2 norm of the optimizer's change to
    /// unit `j`'s incoming weights and bias (the gradient step, not the decay). Returns false
    /// when any parameter is no longer finite.
    // Out of line: V8 compiles wasm with its baseline tier first and optimises hot functions
    // one by one in the background, so small separate functions get optimised code soon.
    #[inline(never)]
    pub fn step_with(
        &mut self,
        net: &mut Mlp<R>,
        gw: &[Vec<R>],
        gb: &[Vec<R>],
        unit_update_sq: &mut [Vec<R>],
        lr: f64,
        weight_decay: f64,
    ) -> bool {
        self.t += 1;
        if weight_decay != 0.0 {
            decay(net, R::from_f64(1.0 - lr * weight_decay));
        }
        let check = match self.config {
            OptimizerConfig::Sgd { momentum, .. } => {
                self.sgd(net, gw, gb, unit_update_sq, lr, momentum)
            }
            OptimizerConfig::Adam {
                beta1,
                beta2,
                epsilon,
                ..
            } => self.adam(net, gw, gb, unit_update_sq, [lr, beta1, beta2, epsilon]),
        };
        check == R::ZERO
    }

    /// SGD's update of every layer; returns the finiteness probe (0 when every parameter is
    /// finite, NaN otherwise).
    #[inline]
    fn sgd(
        &mut self,
        net: &mut Mlp<R>,
        gw: &[Vec<R>],
        gb: &[Vec<R>],
        unit_update_sq: &mut [Vec<R>],
        lr: f64,
        momentum: f64,
    ) -> R {
        let mut check = R::ZERO; // w·0 is NaN exactly when w is NaN or infinite
        let lr = R::from_f64(lr);
        let mu = R::from_f64(momentum);
        for (l, layer) in net.layers.iter_mut().enumerate() {
            let n_in = layer.n_in;
            for j in 0..layer.n_out {
                let mut sq = R::ZERO;
                let r = j * n_in..(j + 1) * n_in;
                let ws = layer.w[r.clone()].iter_mut();
                let gs = gw[l][r.clone()].iter();
                let ms = self.m_w[l][r].iter_mut();
                for ((w, &g), m) in ws.zip(gs).zip(ms) {
                    let u = mu * *m - lr * g;
                    *m = u;
                    *w += u;
                    sq += u * u;
                    check += *w * R::ZERO;
                }
                let u = mu * self.m_b[l][j] - lr * gb[l][j];
                self.m_b[l][j] = u;
                layer.b[j] += u;
                sq += u * u;
                check += layer.b[j] * R::ZERO;
                unit_update_sq[l][j] = sq;
            }
        }
        check
    }

    /// Adam's update of every layer (`h` = [lr, β1, β2, ε]); returns the finiteness probe.
    #[inline]
    fn adam(
        &mut self,
        net: &mut Mlp<R>,
        gw: &[Vec<R>],
        gb: &[Vec<R>],
        unit_update_sq: &mut [Vec<R>],
        h: [f64; 4],
    ) -> R {
        let [lr, beta1, beta2, epsilon] = h;
        let consts = |t: u64| {
            let t = t.min(i32::MAX as u64) as i32;
            let lr_t = lr * (1.0 - beta2.powi(t)).sqrt() / (1.0 - beta1.powi(t));
            AdamConsts {
                lr_t: R::from_f64(lr_t),
                c1: R::from_f64(1.0 - beta1),
                c2: R::from_f64(1.0 - beta2),
                eps: R::from_f64(epsilon),
            }
        };
        let k = consts(self.t);
        let own = |since: u64| {
            if since == 0 {
                k
            } else {
                consts(self.t - since)
            }
        };
        let mut check = R::ZERO;
        for (l, layer) in net.layers.iter_mut().enumerate() {
            let n_in = layer.n_in;
            let (kw, kb) = (own(self.restarted[l].0), own(self.restarted[l].1));
            let (uw, ub) = (&mut self.u_w[l], &mut self.u_b[l]);
            let (mw, vw) = (&mut self.m_w[l], &mut self.v_w[l]);
            adam_update(&mut layer.w, &gw[l], mw, vw, uw, kw);
            let (mb, vb) = (&mut self.m_b[l], &mut self.v_b[l]);
            adam_update(&mut layer.b, &gb[l], mb, vb, ub, kb);
            // In SIMD lanes (a running sum per unit was a serial chain): a tenth of a wide
            // net's step.
            for j in 0..layer.n_out {
                let r = j * n_in..(j + 1) * n_in;
                unit_update_sq[l][j] = dot(&uw[r.clone()], &uw[r]) + ub[j] * ub[j];
            }
            check += finite_probe(&layer.w) + finite_probe(&layer.b);
        }
        check
    }

    /// Updates every batch-normalized layer's γ and β from the gradients in `grads` (a
    /// workspace's [`norm`](crate::mlp::Workspace::norm) buffers after its backward pass),
    /// after [`step_with`](Self::step_with) has taken the step: the same count `t`, rate
    /// `lr` and decoupled decay. Returns false when any of them is no longer finite.
    pub fn step_norm(
        &mut self,
        net: &mut Mlp<R>,
        grads: &[Option<NormWork<R>>],
        lr: f64,
        weight_decay: f64,
    ) -> bool {
        let keep = R::from_f64(1.0 - lr * weight_decay);
        let mut check = R::ZERO;
        let config = self.config;
        let t = self.t.max(1);
        for ((layer, state), g) in net.layers.iter_mut().zip(&mut self.norm).zip(grads) {
            let (Some(n), Some(st), Some(g)) = (&mut layer.norm, state, g) else {
                continue;
            };
            let [mg, vg, mb, vb, u] = st;
            for (p, grad, m, v) in [
                (&mut n.gamma, &g.g_gamma, mg, vg),
                (&mut n.beta, &g.g_beta, mb, vb),
            ] {
                if weight_decay != 0.0 {
                    p.iter_mut().for_each(|w| *w *= keep);
                }
                update_vector(config, t, lr, [p, m, v, u], grad);
                check += finite_probe(p);
            }
        }
        check == R::ZERO
    }

    /// Restarts Adam's step count (its bias correction) for layer `l`'s kernel and/or bias:
    /// the next update of that tensor is corrected as a first step, as when timoklein/redo
    /// zeroes a torch tensor's `step`. Nothing changes for SGD.
    pub fn restart_step_count(&mut self, l: usize, kernel: bool, bias: bool) {
        // Before any update (t = 0) every count already starts afresh.
        let t = self.t;
        let r = &mut self.restarted[l];
        if kernel {
            r.0 = t;
        }
        if bias {
            r.1 = t;
        }
    }

    /// Layer `l`'s (kernel, bias) Adam step counts: `t`, or the updates since a restart.
    pub fn step_counts(&self, l: usize) -> (u64, u64) {
        let (a, b) = self.restarted[l];
        let count = |since: u64| if since == 0 { self.t } else { self.t - since };
        (count(a), count(b))
    }

    /// Zeroes the optimizer's state for unit `j` of layer `l` of `net`: Adam's first and
    /// second moments (SGD's velocity) of the unit's incoming weights, its bias and its
    /// outgoing weights (column `j` of layer `l + 1`'s kernel, if there is one), and of its
    /// γ and β in a batch-normalized layer. For
    /// recyclers (ReDo) that give the unit fresh weights. Adam's step count `t`, one for the
    /// whole net as in Keras, is left as it is.
    pub fn reset_unit(&mut self, net: &Mlp<R>, l: usize, j: usize) {
        let n_in = net.layers[l].n_in;
        let next = net.layers.get(l + 1).map(|n| (n.n_in, n.n_out));
        let bufs = [
            (&mut self.m_w, &mut self.m_b),
            (&mut self.v_w, &mut self.v_b),
        ];
        for (w, b) in bufs {
            if w.is_empty() {
                continue;
            }
            w[l][j * n_in..(j + 1) * n_in].fill(R::ZERO);
            b[l][j] = R::ZERO;
            if let Some((next_in, next_out)) = next {
                for k in 0..next_out {
                    w[l + 1][k * next_in + j] = R::ZERO;
                }
            }
        }
        if let Some(st) = &mut self.norm[l] {
            st.iter_mut().for_each(|v| v[j] = R::ZERO);
        }
    }

    /// Adam's moments (m, v) of layer `l`'s kernel, in its layout: for tests and inspection
    /// (SGD's velocity and an empty `v` with SGD).
    pub fn kernel_moments(&self, l: usize) -> (&[R], &[R]) {
        let v: &[R] = self.v_w.get(l).map_or(&[], |v| v);
        (&self.m_w[l], v)
    }

    /// Adam's moments (m, v) of layer `l`'s biases (as [`kernel_moments`](Self::kernel_moments)).
    pub fn bias_moments(&self, l: usize) -> (&[R], &[R]) {
        let v: &[R] = self.v_b.get(l).map_or(&[], |v| v);
        (&self.m_b[l], v)
    }
}

/// One optimizer update of a parameter vector `w` with gradient `g` (`s` = [w, m, v, u]: its
/// moments, SGD's velocity in `m`, and scratch), at count `t` and rate `lr`.
fn update_vector<R: Real>(config: OptimizerConfig, t: u64, lr: f64, s: [&mut Vec<R>; 4], g: &[R]) {
    let [w, m, v, u] = s;
    match config {
        OptimizerConfig::Sgd { momentum, .. } => {
            let (lr, mu) = (R::from_f64(lr), R::from_f64(momentum));
            for ((w, &g), m) in w.iter_mut().zip(g).zip(m.iter_mut()) {
                *m = mu * *m - lr * g;
                *w += *m;
            }
        }
        OptimizerConfig::Adam {
            beta1,
            beta2,
            epsilon,
            ..
        } => {
            let t = t.min(i32::MAX as u64) as i32;
            let lr_t = lr * (1.0 - beta2.powi(t)).sqrt() / (1.0 - beta1.powi(t));
            let k = AdamConsts {
                lr_t: R::from_f64(lr_t),
                c1: R::from_f64(1.0 - beta1),
                c2: R::from_f64(1.0 - beta2),
                eps: R::from_f64(epsilon),
            };
            adam_update(w, g, m, v, u, k);
        }
    }
}

/// Decoupled weight decay: every weight and bias times `keep` (1 − lr·λ).
#[inline(never)]
fn decay<R: Real>(net: &mut Mlp<R>, keep: R) {
    for layer in &mut net.layers {
        layer.w.iter_mut().for_each(|w| *w *= keep);
        layer.b.iter_mut().for_each(|b| *b *= keep);
    }
}

/// Linear learning-rate warmup: the rate of global step `step` (0-based) when the rate climbs
/// to `lr` over `warmup_steps` steps, `lr · min(1, (step + 1)/K)`. The first step already
/// trains at lr/K (as `torch.optim.lr_scheduler.LinearLR(start_factor=1/K, total_iters=K-1)`
/// and optax's `linear_schedule` from lr/K do; a schedule starting at exactly 0 would waste
/// its first step), step K − 1 and every later one at `lr`. `warmup_steps` 0 (or 1) is no
/// warmup: `lr` itself, bit for bit.
pub fn warmup_lr(lr: f64, step: u64, warmup_steps: usize) -> f64 {
    let k = warmup_steps as u64;
    if step.saturating_add(1) >= k {
        lr
    } else {
        lr * ((step + 1) as f64 / k as f64)
    }
}
