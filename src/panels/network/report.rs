//! The page's own run as a dead-unit report, in the format the PyTorch and Keras probes write
//! (`probes/`, "format": "dying-relu-report", version 1, `docs/report-schema.json`): the latest
//! epoch's per-unit numbers as its layers, and every epoch (0 is the untrained network) as a
//! snapshot, so a run of the page and a probe of a learner's model read the same way.
//!
//! Written by hand, as `export.rs` writes its JSON: the page's wasm carries no serde. The
//! statistics do not keep the validation count beside the per-unit shares, so units carry
//! `fire_fraction` (1 − the share with f′ = 0), not a count of samples, and `samples` is null.

use super::export::{json_string, layer_key};
use super::settings::{Output, Settings};
use crate::sim::dead::{self, NEAR_ZERO};
use crate::sim::stats::{EpochStats, LayerStats};

/// The format's name and version, as the probes write them.
pub const FORMAT: &str = "dying-relu-report";
pub const VERSION: u32 = 1;

/// A number as JSON reads it: shortest round-trip form, null when not finite.
fn number(v: f64) -> String {
    if v.is_finite() {
        format!("{v}")
    } else {
        "null".into()
    }
}

fn numbers(values: impl IntoIterator<Item = f64>) -> String {
    let parts: Vec<String> = values.into_iter().map(number).collect();
    format!("[{}]", parts.join(","))
}

fn flags(values: impl IntoIterator<Item = bool>) -> String {
    let parts: Vec<&str> = values
        .into_iter()
        .map(|b| if b { "true" } else { "false" })
        .collect();
    format!("[{}]", parts.join(","))
}

fn strings(values: &[String]) -> String {
    let parts: Vec<String> = values.iter().map(|s| json_string(s)).collect();
    format!("[{}]", parts.join(","))
}

/// The activation of layer `i` of `n` (the last is the output).
fn activation_id(settings: &Settings, i: usize, n: usize) -> &'static str {
    if i + 1 == n && settings.output == Output::Linear {
        "linear"
    } else {
        settings.activation.id()
    }
}

/// One layer in the report's shape: per-unit arrays of length `units`.
fn layer_json(settings: &Settings, l: &LayerStats, i: usize, n: usize) -> String {
    let fire_fraction = l.off_fraction.iter().map(|&off| 1.0 - off);
    let fields = [
        format!("\"name\":{}", json_string(&layer_key(i, n))),
        "\"kind\":\"dense\"".into(),
        format!(
            "\"activation\":{}",
            json_string(activation_id(settings, i, n))
        ),
        format!("\"units\":{}", l.units),
        "\"unit_axis\":-1".into(),
        "\"samples\":null".into(),
        "\"values\":null".into(),
        "\"fire_test\":\"f' != 0\"".into(),
        format!("\"fire_fraction\":{}", numbers(fire_fraction)),
        format!(
            "\"max_pre_activation\":{}",
            numbers(l.max_pre_activation.iter().copied())
        ),
        format!(
            "\"mean_abs_output\":{}",
            numbers(l.mean_abs_output.iter().copied())
        ),
        format!(
            "\"tau_score\":{}",
            numbers(dead::dormant_scores(&l.mean_abs_output))
        ),
        format!(
            "\"zero_fraction\":{}",
            numbers(l.zero_fraction.iter().copied())
        ),
        format!(
            "\"near_zero_fraction\":{}",
            numbers(l.near_zero_fraction.iter().copied())
        ),
        format!("\"dead\":{}", flags(l.alive.iter().map(|a| !a))),
        format!(
            "\"fired_in_training\":{}",
            flags(l.fired_in_training.iter().copied())
        ),
        format!(
            "\"provably_dead\":{}",
            flags(l.provably_dead.iter().copied())
        ),
    ];
    format!("{{{}}}", fields.join(","))
}

fn layers_json(settings: &Settings, s: &EpochStats) -> String {
    let n = s.layers.len();
    let parts: Vec<String> = s
        .layers
        .iter()
        .enumerate()
        .map(|(i, l)| layer_json(settings, l, i, n))
        .collect();
    format!("[{}]", parts.join(","))
}

fn snapshot_json(settings: &Settings, s: &EpochStats) -> String {
    format!(
        "{{\"step\":{},\"epoch\":{},\"samples\":null,\"layers\":{}}}",
        s.step,
        s.epoch,
        layers_json(settings, s)
    )
}

fn model_json(settings: &Settings) -> String {
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
    format!(
        "{{\"name\":{},\"framework\":\"dying-relu-explorer\",\"versions\":{{\"dying-relu\":{}}},\"query\":{}}}",
        json_string(&name),
        json_string(env!("CARGO_PKG_VERSION")),
        json_string(&settings.to_query())
    )
}

fn mode_json(settings: &Settings, n_layers: usize) -> String {
    let dropout: Vec<String> = if settings.dropout > 0.0 {
        (0..n_layers.saturating_sub(1))
            .map(|i| layer_key(i, n_layers))
            .collect()
    } else {
        Vec::new()
    };
    let notes = [
        "the page measures at each epoch's end, on its validation samples (the 30% of the data it does not train on), with dropout off".to_string(),
        "fired_in_training is over the epoch's training batches, as the weights moved (keras-contrib's never fires)".to_string(),
    ];
    format!(
        "{{\"probed_in\":\"eval\",\"was_training\":null,\"restored\":true,\"batch_norm\":[],\"dropout\":{},\"notes\":{}}}",
        strings(&dropout),
        strings(&notes)
    )
}

/// The run as a dead-unit report: the latest epoch of `history` as the layers, every epoch as
/// a snapshot. Ends with "\n".
pub fn report_json(settings: &Settings, history: &[EpochStats]) -> String {
    let n_layers = history
        .last()
        .map_or(settings.layers + 1, |s| s.layers.len());
    let layers = history
        .last()
        .map_or_else(|| "[]".to_string(), |s| layers_json(settings, s));
    let snapshots: Vec<String> = history.iter().map(|s| snapshot_json(settings, s)).collect();
    let notes = [
        "samples is null: the page keeps per-unit shares (fire_fraction, zero_fraction, near_zero_fraction), not the validation count beside them".to_string(),
        "fire_fraction is 1 - the share of validation samples with f'(z) = 0; dead is f'(z) = 0 on every one; provably_dead is dead for every input in the data's range, by interval bounds".to_string(),
    ];
    format!(
        "{{\"format\":{},\"version\":{VERSION},\"model\":{},\"samples\":null,\"batches\":null,\"mode\":{},\
         \"thresholds\":{{\"near_zero\":{},\"tau\":{}}},\"notes\":{},\"layers\":{layers},\"snapshots\":[{}],\"not_hooked\":[]}}\n",
        json_string(FORMAT),
        model_json(settings),
        mode_json(settings, n_layers),
        number(NEAR_ZERO),
        number(settings.tau),
        strings(&notes),
        snapshots.join(",")
    )
}

/// "network-run_….dead.json": the report's file name follows the other downloads'.
pub fn file_name(tag: &str) -> String {
    super::export::file_name(tag, "dead.json")
}
