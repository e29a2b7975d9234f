//! The input plane (issue #30): the network's output and every hidden unit's output over a
//! grid of the plane of two inputs, and which units are dead on the training points.
//!
//! A 2-D task's plane is its own input space. With more inputs (seed 002's four, a learner's
//! file) it is a slice through the training data's mean: the two inputs vary, the others are
//! held at their mean, so a first-layer unit's line there is w_a·x_a + w_b·x_b + b' = 0 with
//! b' = b + Σ w_i·mean_i over the inputs held.
//!
//! Pure: computed from the trained network and its data, drawn by `charts::plane` and
//! `charts::atlas`, tested natively.

use crate::sim::data::Dataset;
use crate::sim::mlp::{Mlp, Workspace};

/// Grid points per side: 64 × 64 = 4,096 forward passes for a net of up to
/// [`FINE_PARAMS`] parameters (a 2-8-8-8-1 net: a millisecond), 40 × 40 for larger ones
/// (4 × 64: a few milliseconds).
pub const RESOLUTION: usize = 64;
pub const COARSE_RESOLUTION: usize = 40;
pub const FINE_PARAMS: usize = 2_000;

/// Training points drawn on the plane (the first ones: the data is already shuffled).
pub const MAX_POINTS: usize = 1_000;

/// Where the grid lies and what was computed on it.
#[derive(Clone, Debug, PartialEq)]
pub struct PlaneField {
    /// Points per side; `values[k]` is grid point (k % res, k / res), x to the right and y
    /// upwards (row 0 is the bottom).
    pub res: usize,
    /// The inputs on the horizontal and vertical axes (0-based).
    pub axes: (usize, usize),
    /// The ranges shown: the training data's over each axis, padded by a tenth.
    pub x: (f64, f64),
    pub y: (f64, f64),
    /// The network's output at each grid point.
    pub output: Vec<f32>,
    /// Per hidden layer and unit: its output at each grid point.
    pub units: Vec<Vec<Vec<f32>>>,
    /// Per first-layer unit: its line in the plane (w_a, w_b, b') with the other inputs at
    /// their mean.
    pub lines: Vec<[f64; 3]>,
    /// Per hidden layer and unit: its output is 0 on every training point (it never opens
    /// on the data it learns from). For the first layer that is exactly "every training
    /// point on the shut side of its line". Empty on a slice (more than two inputs).
    pub dead_on_data: Vec<Vec<bool>>,
    /// Training points drawn: (x_a, x_b, target).
    pub points: Vec<(f64, f64, f32)>,
    /// The range of the output over the grid (its colour scale).
    pub output_range: (f32, f32),
    /// Whether the plane is a slice through the mean of more than two inputs.
    pub slice: bool,
}

impl PlaneField {
    /// The field of `net` over the plane of inputs `axes` of `data` (its training part, as
    /// the network sees it). None when the data has fewer than two inputs or no rows.
    pub fn compute(net: &Mlp<f32>, data: &Dataset, axes: (usize, usize)) -> Option<PlaneField> {
        let nf = data.n_features;
        let rows = data.train_x.len() / nf.max(1);
        let usable = nf >= 2 && rows > 0 && axes.0 < nf && axes.1 < nf && axes.0 != axes.1;
        if !usable || net.n_inputs() != nf {
            return None;
        }
        let column = |i: usize| (0..rows).map(move |r| f64::from(data.train_x[r * nf + i]));
        let mean: Vec<f64> = (0..nf)
            .map(|i| column(i).sum::<f64>() / rows as f64)
            .collect();
        let range = |i: usize| {
            let (lo, hi) = column(i).fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
                (lo.min(v), hi.max(v))
            });
            let pad = ((hi - lo) * 0.1).max(1e-3);
            (lo - pad, hi + pad)
        };
        let (x, y) = (range(axes.0), range(axes.1));
        let res = if net.n_params() <= FINE_PARAMS {
            RESOLUTION
        } else {
            COARSE_RESOLUTION
        };
        let (output, units) = grid_outputs(net, &mean, axes, (x, y), res);
        let points = (0..rows.min(MAX_POINTS))
            .map(|r| {
                (
                    f64::from(data.train_x[r * nf + axes.0]),
                    f64::from(data.train_x[r * nf + axes.1]),
                    data.train_y.get(r).copied().unwrap_or(0.0),
                )
            })
            .collect();
        let output_range = output
            .iter()
            .filter(|v| v.is_finite())
            .fold((f32::INFINITY, f32::NEG_INFINITY), |(lo, hi), v| {
                (lo.min(*v), hi.max(*v))
            });
        Some(PlaneField {
            res,
            axes,
            x,
            y,
            output,
            units,
            lines: first_layer_lines(net, &mean, axes),
            // Only where the plane is the data's own space (a 2-D task): on a slice the atlas
            // reads the statistics' definition instead, and a pass over seed 002's 140,000
            // rows at every epoch would cost a third of the epoch's training on 4 × 64.
            dead_on_data: if nf == 2 {
                dead_on_training_points(net, data)
            } else {
                Vec::new()
            },
            points,
            output_range,
            slice: nf > 2,
        })
    }

    /// Hidden layers.
    pub fn hidden_layers(&self) -> usize {
        self.units.len()
    }

    /// Dead hidden units (on the training points), in all.
    pub fn dead_count(&self) -> usize {
        self.dead_on_data.iter().flatten().filter(|d| **d).count()
    }

    /// Hidden units in all.
    pub fn unit_count(&self) -> usize {
        self.dead_on_data.iter().map(Vec::len).sum()
    }

    /// How many of the drawn training points lie on the open side (w·x + b > 0) of first-layer
    /// unit `j`'s line, and how many in all.
    pub fn open_points(&self, j: usize) -> Option<(usize, usize)> {
        let [wa, wb, b] = *self.lines.get(j)?;
        let open = self
            .points
            .iter()
            .filter(|(x, y, _)| wa * x + wb * y + b > 0.0)
            .count();
        Some((open, self.points.len()))
    }
}

/// The network's output and each hidden unit's over the grid: the inputs `axes` vary over
/// `(x, y)`, the others are held at `mean`.
type GridOutputs = (Vec<f32>, Vec<Vec<Vec<f32>>>);

fn grid_outputs(
    net: &Mlp<f32>,
    mean: &[f64],
    axes: (usize, usize),
    (x, y): ((f64, f64), (f64, f64)),
    res: usize,
) -> GridOutputs {
    let nf = mean.len();
    let grid: Vec<f64> = (0..res * res)
        .flat_map(|k| {
            let (i, j) = (k % res, k / res);
            let mut row = mean.to_vec();
            row[axes.0] = x.0 + (i as f64 + 0.5) / res as f64 * (x.1 - x.0);
            row[axes.1] = y.0 + (j as f64 + 0.5) / res as f64 * (y.1 - y.0);
            row
        })
        .collect();
    let hidden = net.layers.len() - 1;
    let mut ws = Workspace::new(net, res * res);
    // Batch normalization as at prediction: its running statistics.
    ws.norm_training = false;
    ws.load_inputs(&grid, nf, 0..res * res);
    ws.forward(net, res * res);
    let cap = ws.cap;
    let output = ws.a[hidden][..res * res].to_vec();
    let units = (0..hidden)
        .map(|l| {
            (0..net.layers[l].n_out)
                .map(|j| ws.a[l][j * cap..j * cap + res * res].to_vec())
                .collect()
        })
        .collect();
    (output, units)
}

/// Each first-layer unit's line in the plane of `axes`: (w_a, w_b, b + Σ w_i·mean_i over the
/// inputs held).
fn first_layer_lines(net: &Mlp<f32>, mean: &[f64], axes: (usize, usize)) -> Vec<[f64; 3]> {
    let first = &net.layers[0];
    (0..first.n_out)
        .map(|j| {
            let w = |i: usize| f64::from(first.w[j * first.n_in + i]);
            let held: f64 = (0..mean.len())
                .filter(|i| *i != axes.0 && *i != axes.1)
                .map(|i| w(i) * mean[i])
                .sum();
            [w(axes.0), w(axes.1), f64::from(first.b[j]) + held]
        })
        .collect()
}

/// Training points at a time through the network (the workspace's batch).
const CHUNK: usize = 1_024;

/// Per hidden layer and unit: output exactly 0 (pre-activation ≤ 0 for ReLU) on every training
/// point, from a forward pass over the whole training set in chunks.
pub fn dead_on_training_points(net: &Mlp<f32>, data: &Dataset) -> Vec<Vec<bool>> {
    let nf = data.n_features;
    let rows = data.train_x.len() / nf.max(1);
    let hidden = net.layers.len() - 1;
    let mut dead: Vec<Vec<bool>> = net.layers[..hidden]
        .iter()
        .map(|l| vec![true; l.n_out])
        .collect();
    let mut ws = Workspace::new(net, CHUNK);
    ws.norm_training = false;
    let cap = ws.cap;
    let mut start = 0;
    while start < rows {
        let n = CHUNK.min(rows - start);
        ws.load_inputs(&data.train_x, nf, start..start + n);
        ws.forward(net, n);
        for (l, units) in dead.iter_mut().enumerate() {
            for (j, d) in units.iter_mut().enumerate() {
                if *d && ws.a[l][j * cap..j * cap + n].iter().any(|a| *a != 0.0) {
                    *d = false;
                }
            }
        }
        start += n;
    }
    dead
}
