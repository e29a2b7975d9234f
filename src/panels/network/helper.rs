//! The training worker's helper: a second worker that makes each ended epoch's statistics
//! while the first trains on. An epoch's statistics are a forward pass over the whole
//! validation set (a sixth of a 4 × 64 epoch's work); made in the training thread they held
//! training up, made here they overlap it. The helper is a [`Handler`](super::worker::Handler)
//! like the trainer: it gets the run's Start (so it has the same settings and data) and then,
//! per epoch, the network's numbers; it answers with the [`Evaluation`], from which the trainer
//! makes the statistics ([`Trainer::stats_of`](crate::sim::train::Trainer::stats_of)) exactly as
//! it would have made them itself.

use crate::sim::mlp::Mlp;
use crate::sim::train::Evaluation;

/// One layer's numbers: kernel, biases and, with batch norm, γ, β and the running mean and
/// variance.
#[derive(Clone, Debug, PartialEq)]
pub struct LayerParams {
    pub w: Vec<f32>,
    pub b: Vec<f32>,
    pub norm: Option<[Vec<f32>; 4]>,
}

/// A network's numbers: all the helper needs of it besides the shape, which it builds from the
/// run's settings.
#[derive(Clone, Debug, PartialEq)]
pub struct Params(pub Vec<LayerParams>);

impl Params {
    pub fn of(net: &Mlp<f32>) -> Params {
        Params(
            net.layers
                .iter()
                .map(|l| LayerParams {
                    w: l.w.clone(),
                    b: l.b.clone(),
                    norm: l.norm.as_ref().map(|n| {
                        [
                            n.gamma.clone(),
                            n.beta.clone(),
                            n.running_mean.clone(),
                            n.running_var.clone(),
                        ]
                    }),
                })
                .collect(),
        )
    }

    /// `shape` with these numbers, or None when they do not fit it (a helper of another run
    /// or build).
    pub fn apply(&self, shape: &Mlp<f32>) -> Option<Mlp<f32>> {
        if self.0.len() != shape.layers.len() {
            return None;
        }
        let mut net = shape.clone();
        for (l, p) in net.layers.iter_mut().zip(&self.0) {
            if l.w.len() != p.w.len() || l.b.len() != p.b.len() {
                return None;
            }
            l.w.clone_from(&p.w);
            l.b.clone_from(&p.b);
            match (l.norm.as_mut(), &p.norm) {
                (None, None) => {}
                (Some(n), Some([g, b, m, v])) => {
                    let units = n.gamma.len();
                    if [g, b, m, v].iter().any(|x| x.len() != units) {
                        return None;
                    }
                    n.gamma.clone_from(g);
                    n.beta.clone_from(b);
                    n.running_mean.clone_from(m);
                    n.running_var.clone_from(v);
                }
                _ => return None,
            }
        }
        Some(net)
    }
}

/// What the trainer asks of its helper (besides forwarding the run's Start).
#[derive(Clone, Debug, PartialEq)]
pub enum HelperRequest {
    /// Evaluate run `gen`'s network as it was at the statistics of `epoch` (0: untrained).
    Evaluate {
        gen: u32,
        epoch: usize,
        params: Params,
    },
}

/// The helper's answers.
#[derive(Clone, Debug, PartialEq)]
pub enum HelperReply {
    Evaluated {
        gen: u32,
        epoch: usize,
        ev: Box<Evaluation>,
    },
    /// It could not (no such run, numbers that do not fit): the trainer evaluates itself.
    Refused { gen: u32, message: String },
}
