//! The dead-unit report ("format": "dying-relu-report", version 1, `docs/report-schema.json`)
//! as Rust types: what the PyTorch and Keras probes (`probes/`) write, what the network panel
//! exports of its own runs, and what "Your model" reads. Shared here because panels never
//! import each other.
//!
//! The types follow the schema field for field; optional fields are `Option` or default to
//! empty, and unknown keys are skipped (a newer probe may add some).

use serde::{Deserialize, Serialize};

/// The format's name and version, as every producer writes them.
pub const FORMAT: &str = "dying-relu-report";
pub const VERSION: u64 = 1;

/// A whole report.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub format: String,
    pub version: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created: Option<String>,
    pub model: Model,
    /// Samples the numbers are over; null when not known (the page's runs).
    pub samples: Option<u64>,
    #[serde(default)]
    pub batches: Option<u64>,
    pub mode: Mode,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thresholds: Option<Thresholds>,
    #[serde(default)]
    pub notes: Vec<String>,
    pub layers: Vec<Layer>,
    /// Oldest first; empty for a one-off report.
    pub snapshots: Vec<Snapshot>,
    pub not_hooked: Vec<NotHooked>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Model {
    pub name: String,
    pub framework: String,
    pub versions: std::collections::BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backend: Option<String>,
    /// The page's link query that reopens the run (page only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub query: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Mode {
    pub probed_in: String,
    pub was_training: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restored: Option<bool>,
    #[serde(default)]
    pub batch_norm: Vec<String>,
    #[serde(default)]
    pub dropout: Vec<String>,
    pub notes: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Thresholds {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub near_zero: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tau: Option<f64>,
}

/// The same per-unit numbers during training.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    pub step: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub epoch: Option<u64>,
    #[serde(default)]
    pub samples: Option<u64>,
    pub layers: Vec<Layer>,
}

/// What a probe saw but could not measure, with the reason.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NotHooked {
    pub layer: String,
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub layer_type: Option<String>,
    pub reason: String,
}

/// A dense layer's unit is a neuron, a conv layer's a channel.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Dense,
    Conv,
}

/// One layer: per-unit arrays of length `units` (entry i is unit i).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Layer {
    pub name: String,
    pub kind: Kind,
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub layer_type: Option<String>,
    pub activation: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub activation_module: Option<String>,
    #[serde(default)]
    pub through: Vec<String>,
    pub units: usize,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit_axis: Option<i64>,
    #[serde(default)]
    pub samples: Option<u64>,
    #[serde(default)]
    pub values: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fire_test: Option<String>,
    /// Per unit: samples on which it fired (the probes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fires: Option<Vec<u64>>,
    /// Per unit: the share of its values on which it fired (the page).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fire_fraction: Option<Vec<f64>>,
    /// Null where no pre-activation was seen.
    pub max_pre_activation: Vec<Option<f64>>,
    pub mean_abs_output: Vec<Option<f64>>,
    pub tau_score: Vec<Option<f64>>,
    pub zero_fraction: Vec<f64>,
    pub near_zero_fraction: Vec<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dead: Option<Vec<bool>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fired_in_training: Option<Vec<bool>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provably_dead: Option<Vec<bool>>,
}

impl Layer {
    /// Per unit: it fired on no sample. The page's `dead` flags when present, else fires = 0,
    /// else a fire fraction of 0 (the reader makes sure one of them is there).
    pub fn never_fired(&self) -> Vec<bool> {
        if let Some(d) = &self.dead {
            return d.clone();
        }
        if let Some(f) = &self.fires {
            return f.iter().map(|&n| n == 0).collect();
        }
        match &self.fire_fraction {
            Some(f) => f.iter().map(|&x| x <= 0.0).collect(),
            None => vec![false; self.units],
        }
    }
}
