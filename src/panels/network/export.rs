//! The run's numbers, to take away: one CSV row per epoch, and a JSON document with the
//! settings, the seed and the same series. Pure, so the header and the rows are tested
//! natively against the run that made them.

use super::charts::dead_map::Judge;
use super::settings::Settings;
use super::settings::FIELDS;
use super::words::DataInfo;
use crate::sim::dead;
use crate::sim::stats::{EpochStats, LayerStats, TB_PERCENTILES};
use crate::spec::Value;

/// "hidden1", "hidden2", …, "output": a layer's name in column headers and JSON.
pub fn layer_key(layer: usize, n_layers: usize) -> String {
    if layer + 1 == n_layers {
        "output".into()
    } else {
        format!("hidden{}", layer + 1)
    }
}

/// "p6.68": a percentile's name in column headers.
fn percentile_key(p: f64) -> String {
    format!("p{p}")
}

/// Share of the layer's units that are alive but off on more than 99 % of validation
/// samples ("mostly off" as the page counts it: the dead are counted apart).
pub fn mostly_off_fraction(l: &LayerStats) -> f64 {
    let n = l
        .mostly_off
        .iter()
        .zip(&l.alive)
        .filter(|(m, a)| **m && **a)
        .count();
    if l.units == 0 {
        0.0
    } else {
        n as f64 / l.units as f64
    }
}

/// The CSV's columns: the epoch, the global step, both losses, then per layer its dead and
/// mostly-off fractions and TensorBoard's nine percentiles of its outputs and of its weight
/// gradients.
pub fn csv_header(n_layers: usize) -> Vec<String> {
    let mut h: Vec<String> = ["epoch", "step", "train_loss", "val_loss"]
        .map(String::from)
        .to_vec();
    for l in 0..n_layers {
        let name = layer_key(l, n_layers);
        h.push(format!("{name}_dead_fraction"));
        h.push(format!("{name}_mostly_off_fraction"));
        for what in ["output", "weight_grad"] {
            for p in TB_PERCENTILES {
                h.push(format!("{name}_{what}_{}", percentile_key(p)));
            }
        }
    }
    h
}

/// The columns that follow the definition of dead in use, after the others: per layer its
/// share under `judge` (of units, or of outputs for the share definitions), the share of its
/// units proven dead for every input, and the epoch's last learning-rate meter reading.
pub fn csv_reading_header(n_layers: usize, judge: &Judge) -> Vec<String> {
    let mut h = Vec::new();
    for l in 0..n_layers {
        let name = layer_key(l, n_layers);
        h.push(format!("{name}_{}_share", judge.definition.id()));
        h.push(format!("{name}_provably_dead_fraction"));
        h.push(format!("{name}_update_ratio_log10"));
    }
    h
}

/// Per layer: the share under `judge`, the share proven dead everywhere, the last meter
/// reading (empty when there is none or it is −∞).
fn reading(s: &EpochStats, judge: &Judge) -> Vec<(f64, f64, f64)> {
    s.layers
        .iter()
        .enumerate()
        .map(|(k, l)| {
            let proven =
                l.provably_dead.iter().filter(|p| **p).count() as f64 / l.units.max(1) as f64;
            let meter = s
                .update_ratios
                .last()
                .and_then(|r| r.log10.get(k).copied())
                .unwrap_or(f64::NAN);
            (
                dead::layer_share(l, judge.definition, judge.tau),
                proven,
                meter,
            )
        })
        .collect()
}

/// A number as CSV and JSON both read it: shortest round-trip form, empty (CSV) or null
/// (JSON) when not finite.
fn number(v: f64, missing: &str) -> String {
    if v.is_finite() {
        format!("{v}")
    } else {
        missing.into()
    }
}

fn csv_row(s: &EpochStats, judge: &Judge) -> Vec<String> {
    let mut row = vec![
        s.epoch.to_string(),
        s.step.to_string(),
        number(s.train_loss, ""),
        number(s.val_loss, ""),
    ];
    for l in &s.layers {
        row.push(number(l.dead_fraction, ""));
        row.push(number(mostly_off_fraction(l), ""));
        for d in [&l.output, &l.weight_grad] {
            row.extend(d.percentiles.iter().map(|&p| number(p, "")));
        }
    }
    for (share, proven, meter) in reading(s, judge) {
        row.extend([number(share, ""), number(proven, ""), number(meter, "")]);
    }
    row
}

/// The run as CSV: a header line, then one line per epoch of `history` (epoch 0 is the
/// network before training). Lines end with "\n".
pub fn csv(history: &[EpochStats], n_layers: usize, judge: &Judge) -> String {
    let mut header = csv_header(n_layers);
    header.extend(csv_reading_header(n_layers, judge));
    let mut out = header.join(",");
    out.push('\n');
    for s in history {
        out.push_str(&csv_row(s, judge).join(","));
        out.push('\n');
    }
    out
}

/// A JSON string literal.
pub fn json_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn json_numbers(values: &[f64]) -> String {
    let parts: Vec<String> = values.iter().map(|&v| number(v, "null")).collect();
    format!("[{}]", parts.join(","))
}

/// The settings as a JSON object written from the field table, keyed as the link is (`lr`,
/// `act`, …) so a setting added to FIELDS is exported without another line, and its shape.
fn json_settings(s: &Settings) -> String {
    let mut parts: Vec<String> = FIELDS
        .iter()
        .map(|f| {
            let value = match (f.get)(s) {
                Value::Number(v) => number(v, "null"),
                Value::Choice(id) => json_string(&id),
            };
            format!("{}:{value}", json_string(f.key()))
        })
        .collect();
    parts.push(format!("\"shape\":{}", json_string(&s.shape())));
    format!("{{{}}}", parts.join(","))
}

fn json_epoch(s: &EpochStats, n_layers: usize, judge: &Judge) -> String {
    let read = reading(s, judge);
    let layers: Vec<String> = s
        .layers
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let (share, proven, meter) = read[i];
            format!(
                "{{\"layer\":{},\"units\":{},\"dead_fraction\":{},\"mostly_off_fraction\":{},\
                 \"counted_share\":{},\"provably_dead_fraction\":{},\"update_ratio_log10\":{},\
                 \"output_percentiles\":{},\"weight_grad_percentiles\":{}}}",
                json_string(&layer_key(i, n_layers)),
                l.units,
                number(l.dead_fraction, "null"),
                number(mostly_off_fraction(l), "null"),
                number(share, "null"),
                number(proven, "null"),
                number(meter, "null"),
                json_numbers(&l.output.percentiles),
                json_numbers(&l.weight_grad.percentiles)
            )
        })
        .collect();
    format!(
        "{{\"epoch\":{},\"step\":{},\"train_loss\":{},\"val_loss\":{},\"layers\":[{}]}}",
        s.epoch,
        s.step,
        number(s.train_loss, "null"),
        number(s.val_loss, "null"),
        layers.join(",")
    )
}

/// The run as JSON: the settings (with the query that reopens them), the seed, what the
/// numbers mean, and one entry per epoch.
pub fn json(settings: &Settings, history: &[EpochStats], data: &DataInfo) -> String {
    let n_layers = settings.layers + 1;
    let judge = settings.judge();
    let epochs: Vec<String> = history
        .iter()
        .map(|s| json_epoch(s, n_layers, &judge))
        .collect();
    let definitions = format!(
        "{{\"data\":{},\"dead\":{},\"mostly_off\":{},\"counted_share\":{},\"provably_dead\":{},\"update_ratio\":{},\"percentiles\":{},\"dead_line\":{}}}",
        json_string(&data_words(data)),
        json_string("a unit is dead when f'(z) = 0 on every validation sample"),
        json_string("alive, but f'(z) = 0 on more than 99% of validation samples"),
        json_string(&format!(
            "the layer's share under the definition chosen ({}{}): of its units, or of its outputs for the share definitions",
            judge.definition.label(),
            if judge.definition == dead::Definition::Dormant { format!(", tau = {}", judge.tau) } else { String::new() }
        )),
        json_string("the share of the layer's units dead for every input in the training data's range (each input between its smallest and largest value), proven by interval bounds"),
        json_string("Karpathy's update-to-data ratio at the epoch's last reading: log10(std(dw) / std(w)) over the layer's kernel, dw the step's change"),
        json_string("TensorBoard's distribution bands, over the layer's outputs (validation samples) and its weight gradients (the epoch's last step)"),
        json_string(&format!(
            "E[y^2] = {} of the target, the loss of an output stuck at 0",
            crate::spec::format_sig(data.dead_loss, 6)
        )),
    );
    format!(
        "{{\"explorer\":\"Dying ReLU Explorer\",\"panel\":\"network\",\"settings\":{},\"query\":{},\
         \"seed\":{},\"dead_line\":{},\"percentiles\":{},\"definitions\":{definitions},\"epochs\":[{}]}}\n",
        json_settings(settings),
        json_string(&settings.to_query()),
        settings.seed,
        number(data.dead_loss, "null"),
        json_numbers(&TB_PERCENTILES),
        epochs.join(",")
    )
}

/// What the data was, for a reader of the file.
fn data_words(data: &DataInfo) -> String {
    if data.own {
        format!(
            "the learner's own data: {}, {} inputs; rows in a fixed shuffled order, the first 70% train, the rest validate (the data itself is not in this file)",
            data.what, data.inputs
        )
    } else {
        format!(
            "seed 002: {}, inputs x1..x4 uniform in (-1, 0), target their sum; the first 70% of samples train, the rest validate",
            data.what
        )
    }
}

/// "network-run_relu3_….csv": the data files' names follow the figures'.
pub fn file_name(tag: &str, extension: &str) -> String {
    crate::chart::figure::file_name(&["network", "run"], tag, extension)
}
