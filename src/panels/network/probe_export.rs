//! The page's own run as a dead-unit report of the shared types (`crate::dead_report`), the
//! format the PyTorch and Keras probes write, so "Your model" reads a run of this panel as it
//! reads a learner's model: the latest epoch's per-unit numbers as the layers, every epoch (0
//! is the untrained network) as a snapshot.
//!
//! The numbers are those `report.rs` writes by hand; a test reads both back and compares them.
//! The statistics keep per-unit shares, not the validation count beside them, so units carry
//! `fire_fraction` (1 − the share with f′ = 0) and the page's `dead` flags, and `samples` is
//! null.

use super::export::layer_key;
use super::settings::{Output, Settings};
use crate::dead_report::{Kind, Layer, Mode, Model, Report, Snapshot, Thresholds};
use crate::dead_report::{FORMAT, VERSION};
use crate::sim::dead::{self, NEAR_ZERO};
use crate::sim::stats::{EpochStats, LayerStats};

/// A number the report can hold: non-finite ones (a diverged run) become null.
fn finite(v: f64) -> Option<f64> {
    v.is_finite().then_some(v)
}

/// The activation of layer `i` of `n` (the last is the output).
fn activation_id(settings: &Settings, i: usize, n: usize) -> String {
    if i + 1 == n && settings.output == Output::Linear {
        "linear".into()
    } else {
        settings.activation.id().into()
    }
}

fn layer(settings: &Settings, l: &LayerStats, i: usize, n: usize) -> Layer {
    Layer {
        name: layer_key(i, n),
        kind: Kind::Dense,
        layer_type: None,
        activation: Some(activation_id(settings, i, n)),
        activation_module: None,
        through: Vec::new(),
        units: l.units,
        unit_axis: Some(-1),
        samples: None,
        values: None,
        fire_test: Some("f' != 0".into()),
        fires: None,
        fire_fraction: Some(l.off_fraction.iter().map(|&off| 1.0 - off).collect()),
        max_pre_activation: l.max_pre_activation.iter().map(|&v| finite(v)).collect(),
        mean_abs_output: l.mean_abs_output.iter().map(|&v| finite(v)).collect(),
        tau_score: dead::dormant_scores(&l.mean_abs_output)
            .into_iter()
            .map(finite)
            .collect(),
        zero_fraction: l.zero_fraction.clone(),
        near_zero_fraction: l.near_zero_fraction.clone(),
        dead: Some(l.alive.iter().map(|a| !a).collect()),
        fired_in_training: Some(l.fired_in_training.clone()),
        provably_dead: Some(l.provably_dead.clone()),
    }
}

fn layers(settings: &Settings, s: &EpochStats) -> Vec<Layer> {
    let n = s.layers.len();
    s.layers
        .iter()
        .enumerate()
        .map(|(i, l)| layer(settings, l, i, n))
        .collect()
}

fn model(settings: &Settings) -> Model {
    let name = format!(
        "A small network: {} hidden layer{} of {} {} units, {} output",
        settings.layers,
        if settings.layers == 1 { "" } else { "s" },
        settings.width,
        settings.activation.label(),
        if settings.output == Output::Linear {
            "linear"
        } else {
            "same"
        }
    );
    Model {
        name,
        framework: "dying-relu-explorer".into(),
        versions: [(
            "dying-relu".to_string(),
            env!("CARGO_PKG_VERSION").to_string(),
        )]
        .into(),
        backend: None,
        query: Some(settings.to_query()),
    }
}

fn mode(settings: &Settings, n_layers: usize) -> Mode {
    let dropout = if settings.dropout > 0.0 {
        (0..n_layers.saturating_sub(1))
            .map(|i| layer_key(i, n_layers))
            .collect()
    } else {
        Vec::new()
    };
    Mode {
        probed_in: "eval".into(),
        was_training: None,
        restored: Some(true),
        batch_norm: Vec::new(),
        dropout,
        notes: vec![
            "the page measures at each epoch's end, on its validation samples (the 30% of the data it does not train on), with dropout off".into(),
            "fired_in_training is over the epoch's training batches, as the weights moved (keras-contrib's never fires)".into(),
        ],
    }
}

/// The run as a report: the latest epoch of `history` as the layers, every epoch as a
/// snapshot (its step and epoch).
pub fn report(settings: &Settings, history: &[EpochStats]) -> Report {
    let n_layers = history
        .last()
        .map_or(settings.layers + 1, |s| s.layers.len());
    Report {
        format: FORMAT.into(),
        version: VERSION,
        created: None,
        model: model(settings),
        samples: None,
        batches: None,
        mode: mode(settings, n_layers),
        thresholds: Some(Thresholds {
            near_zero: Some(NEAR_ZERO),
            tau: Some(settings.tau),
        }),
        notes: vec![
            "samples is null: the page keeps per-unit shares (fire_fraction, zero_fraction, near_zero_fraction), not the validation count beside them".into(),
            "fire_fraction is 1 - the share of validation samples with f'(z) = 0; dead is f'(z) = 0 on every one; provably_dead is dead for every input in the data's range, by interval bounds".into(),
        ],
        layers: history
            .last()
            .map(|s| layers(settings, s))
            .unwrap_or_default(),
        snapshots: history
            .iter()
            .map(|s| Snapshot {
                step: s.step,
                epoch: Some(s.epoch as u64),
                samples: None,
                layers: layers(settings, s),
            })
            .collect(),
        not_hooked: Vec::new(),
    }
}

/// The report as JSON text (ends with "\n"): what an export button offers as a file named
/// by `report::file_name`.
pub fn report_json(settings: &Settings, history: &[EpochStats]) -> String {
    // Serialising plain structs of strings, numbers and flags cannot fail; were it ever to,
    // the file says so rather than the page stopping.
    let mut text = serde_json::to_string_pretty(&report(settings, history))
        .unwrap_or_else(|e| format!("{{\"error\": \"the report could not be written: {e}\"}}"));
    text.push('\n');
    text
}
