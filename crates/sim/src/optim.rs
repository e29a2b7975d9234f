//! Optimizers with Keras' update rules.

use super::mlp::Mlp;
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
        }
    }

    /// Applies one update from gradients `gw`, `gb` (per layer, in the layout of the layers).
    /// Writes into `unit_update_sq[l][j]` the squared L2 norm of the change to unit `j`'s
    /// incoming weights and bias. Returns false when any parameter is no longer finite.
    // Out of line: V8 compiles wasm with its baseline tier first and optimises hot functions
    // one by one in the background, so small separate functions get optimised code soon.
    #[inline(never)]
    pub fn step(
        &mut self,
        net: &mut Mlp<R>,
        gw: &[Vec<R>],
        gb: &[Vec<R>],
        unit_update_sq: &mut [Vec<R>],
    ) -> bool {
        self.t += 1;
        let mut check = R::ZERO; // w·0 is NaN exactly when w is NaN or infinite
        match self.config {
            OptimizerConfig::Sgd { lr, momentum } => {
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
            }
            OptimizerConfig::Adam {
                lr,
                beta1,
                beta2,
                epsilon,
            } => {
                let t = self.t.min(i32::MAX as u64) as i32;
                let lr_t = lr * (1.0 - beta2.powi(t)).sqrt() / (1.0 - beta1.powi(t));
                let k = AdamConsts {
                    lr_t: R::from_f64(lr_t),
                    c1: R::from_f64(1.0 - beta1),
                    c2: R::from_f64(1.0 - beta2),
                    eps: R::from_f64(epsilon),
                };
                for (l, layer) in net.layers.iter_mut().enumerate() {
                    let n_in = layer.n_in;
                    let (uw, ub) = (&mut self.u_w[l], &mut self.u_b[l]);
                    adam_update(
                        &mut layer.w,
                        &gw[l],
                        &mut self.m_w[l],
                        &mut self.v_w[l],
                        uw,
                        k,
                    );
                    adam_update(
                        &mut layer.b,
                        &gb[l],
                        &mut self.m_b[l],
                        &mut self.v_b[l],
                        ub,
                        k,
                    );
                    // In SIMD lanes (a running sum per unit was a serial chain): a tenth of
                    // a wide net's step.
                    for j in 0..layer.n_out {
                        let r = j * n_in..(j + 1) * n_in;
                        unit_update_sq[l][j] = dot(&uw[r.clone()], &uw[r]) + ub[j] * ub[j];
                    }
                    check += finite_probe(&layer.w) + finite_probe(&layer.b);
                }
            }
        }
        check == R::ZERO
    }
}
