//! What the panel says of a report: its live summary, a line per layer, and a diagnosis that
//! names only what the report's numbers support, each finding with links to the panels that
//! show its remedy.

// A learner's numbers must never stop the page: no unwrap, no expect (tests/code_rules.rs).
#![deny(clippy::unwrap_used, clippy::expect_used)]

use super::judge::{self, Judge};
use super::reader::{MAX_BYTES, MAX_LAYER_UNITS, MAX_UNITS};
use super::state::State;
use crate::dead_report::{Layer, Report};
use crate::panels::PanelId;
use crate::sim::dead::Definition;
use crate::spec::{echo, format_sig};

/// Said beside the file controls.
pub const PRIVACY: &str = "Your report is read here, in your browser, and sent nowhere: the page \
     has no server to send it to, and a link to this panel never carries it.";

/// keras-contrib's DeadReluDetector warns (without `verbose`) from this share of dead units.
pub const KERAS_CONTRIB_SHARE: f64 = 0.1;

/// What the reader takes, in one sentence.
pub fn limits() -> String {
    format!(
        "A report as probes/torch_probe.py or probes/keras_probe.py write it (dying-relu-report, \
         version 1): up to {} MB, {} units a layer and {} in all.",
        format_sig(MAX_BYTES as f64 / (1024.0 * 1024.0), 3),
        thousands(MAX_LAYER_UNITS),
        thousands(MAX_UNITS)
    )
}

/// "65,536".
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A share as a whole percentage, halves rounded up ("13 %" for 0.125).
pub fn percent(share: f64) -> String {
    let p = (share * 100.0).round();
    if p == 0.0 && share > 0.0 {
        "under 1 %".into()
    } else {
        format!("{p} %")
    }
}

/// "2, 5 and 11", at most eight named.
pub fn unit_list(units: &[usize]) -> String {
    const SHOWN: usize = 8;
    let names: Vec<String> = units.iter().take(SHOWN).map(|u| u.to_string()).collect();
    let rest = units.len().saturating_sub(SHOWN);
    match (names.split_last(), rest) {
        (None, _) => String::new(),
        (Some((last, [])), 0) => last.clone(),
        (Some((last, init)), 0) => format!("{} and {last}", init.join(", ")),
        (Some(_), rest) => format!("{} and {rest} more", names.join(", ")),
    }
}

fn dead_indices(l: &Layer, judge: &Judge) -> Vec<usize> {
    judge
        .dead(l)
        .iter()
        .enumerate()
        .filter(|(_, d)| **d)
        .map(|(i, _)| i)
        .collect()
}

/// "exactly dead", "τ-dormant at τ = 0.025".
fn what(judge: &Judge) -> String {
    match judge.definition {
        Definition::Dormant => format!("τ-dormant at τ = {}", format_sig(judge.tau, 3)),
        d => d.short().to_string(),
    }
}

/// The one-line live summary.
pub fn summary(state: &State) -> String {
    let Some(loaded) = &state.loaded else {
        return "No report loaded: drop a report file here, pick one, paste it, or load an example."
            .into();
    };
    let r = &loaded.report;
    let judge = state.judge();
    let head = format!("{} ({})", echo(&r.model.name), echo(&r.model.framework));
    if r.layers.is_empty() {
        return format!("{head}: the report has no measured layers.");
    }
    if judge.definition == Definition::NearZero {
        let parts: Vec<String> = r
            .layers
            .iter()
            .map(|l| format!("{} {}", echo(&l.name), percent(judge.share(l))))
            .collect();
        return format!("{head}: outputs near zero, {}.", parts.join(", "));
    }
    let total: usize = r.layers.iter().map(|l| l.units).sum();
    let dead: usize = r.layers.iter().map(|l| judge.count(l)).sum();
    let parts: Vec<String> = r
        .layers
        .iter()
        .take(4)
        .map(|l| format!("{} {} of {}", echo(&l.name), judge.count(l), l.units))
        .collect();
    let more = if r.layers.len() > 4 { ", …" } else { "" };
    format!(
        "{head}: {dead} of {total} units {} ({}{more}).",
        what(&judge),
        parts.join(", ")
    )
}

/// A line per layer: its kind and activation, its share under the definition, and which units.
pub fn layer_lines(r: &Report, judge: &Judge) -> Vec<String> {
    r.layers
        .iter()
        .map(|l| {
            let unit = if l.kind == crate::dead_report::Kind::Conv {
                "channels"
            } else {
                "units"
            };
            let act = l
                .activation
                .as_deref()
                .map_or("activation unknown".into(), echo);
            let head = format!("{} ({}, {} {unit}, {act})", echo(&l.name), kind(l), l.units);
            if judge.definition == Definition::NearZero {
                return format!(
                    "{head}: {} of its outputs near zero (|h| ≤ 0.05).",
                    percent(judge.share(l))
                );
            }
            let dead = dead_indices(l, judge);
            if dead.is_empty() {
                format!("{head}: none {}.", what(judge))
            } else {
                format!(
                    "{head}: {} {} ({}): {} {}.",
                    dead.len(),
                    what(judge),
                    percent(judge.share(l)),
                    unit_word(dead.len(), l),
                    unit_list(&dead)
                )
            }
        })
        .collect()
}

fn kind(l: &Layer) -> &'static str {
    match l.kind {
        crate::dead_report::Kind::Dense => "dense",
        crate::dead_report::Kind::Conv => "conv",
    }
}

/// A finding of the diagnosis, and the panels that show its remedy as (words, address).
#[derive(Clone, Debug, PartialEq)]
pub struct Finding {
    pub text: String,
    pub links: Vec<(&'static str, String)>,
}

/// `?panel=NAME&query`: a link that opens another panel with these settings.
fn link(panel: PanelId, query: &str) -> String {
    format!("?panel={}&{query}", panel.name())
}

/// Links to the remedies for units dead before training.
fn born_dead_links() -> Vec<(&'static str, String)> {
    vec![
        (
            "A small network with centred inputs",
            link(PanelId::Network, "inputs=centred"),
        ),
        (
            "A small network with a positive starting bias",
            link(PanelId::Network, "bias=0.1"),
        ),
        (
            "Nets born dead, by depth and width",
            link(PanelId::Dying, "res=9"),
        ),
    ]
}

/// Links to the remedies for units killed by training.
fn dying_links() -> Vec<(&'static str, String)> {
    vec![
        (
            "One neuron killed by one large step, and clipping",
            link(PanelId::Neuron, "clip=1"),
        ),
        (
            "A small network with warmup at a high rate",
            link(
                PanelId::Network,
                "out=linear&lr=0.3&warmup=1000&n=20000&epochs=3",
            ),
        ),
        (
            "Where neurons die: learning rate against bias",
            link(PanelId::Dying, "res=9"),
        ),
    ]
}

/// Links to the remedies for a layer with many dead units.
fn many_dead_links() -> Vec<(&'static str, String)> {
    vec![
        (
            "A small network with Leaky ReLU",
            link(PanelId::Network, "act=leaky_relu"),
        ),
        (
            "A small network recycling dead units (ReDo)",
            link(
                PanelId::Network,
                "out=linear&lr=0.3&redo=reset&n=20000&epochs=3",
            ),
        ),
    ]
}

/// Every link the diagnosis can give, for tests that check each opens its panel cleanly.
pub fn all_links() -> Vec<(&'static str, String)> {
    let mut out = born_dead_links();
    out.extend(dying_links());
    out.extend(many_dead_links());
    out
}

/// The diagnosis: what the report supports and nothing more.
pub fn diagnosis(state: &State) -> Vec<Finding> {
    let Some(loaded) = &state.loaded else {
        return Vec::new();
    };
    let (r, judge) = (&loaded.report, state.judge());
    let mut out = Vec::new();
    if judge.definition.judges_units() {
        out.extend(over_time(r, &judge));
        out.extend(many_dead(r, &judge));
        if r.layers.iter().all(|l| judge.count(l) == 0) && !r.layers.is_empty() {
            out.push(plain(format!(
                "No unit of this report is {}: nothing here needs a remedy.",
                what(&judge)
            )));
        }
    } else {
        out.push(plain(
            "Near zero is a share of outputs, not a verdict on units: a healthy ReLU layer is \
             often half zeros. Pick a definition that judges units to see a diagnosis."
                .into(),
        ));
    }
    out.extend(leaky(r));
    out.extend(unmeasured(r));
    out
}

fn plain(text: String) -> Finding {
    Finding {
        text,
        links: Vec::new(),
    }
}

/// Born dead or killed by training: only snapshots can tell.
fn over_time(r: &Report, judge: &Judge) -> Vec<Finding> {
    let dead_somewhere = r.layers.iter().any(|l| judge.count(l) > 0);
    if r.snapshots.is_empty() {
        return if dead_somewhere {
            vec![plain(
                "This report is one measurement, so it cannot say when its units died. Probe \
                 during training with watch(model, batches, every=K) to tell units born dead \
                 from units killed by training."
                    .into(),
            )]
        } else {
            Vec::new()
        };
    }
    let courses: Vec<(&Layer, judge::Course)> = r
        .layers
        .iter()
        .filter_map(|l| judge::course(r, &l.name, judge).map(|c| (l, c)))
        .collect();
    let named = |pick: fn(&judge::Course) -> &Vec<usize>| named_units(&courses, pick);
    let (first, last) = courses
        .first()
        .map_or((0, 0), |(_, c)| (c.first_step, c.last_step));
    let mut out = Vec::new();
    let (born, n) = named(|c| &c.dead_at_first);
    if !born.is_empty() {
        let when = if first == 0 {
            "at step 0, before any training step: the cause came before training, in the \
             initialization (a negative bias, too narrow a spread) or the inputs' mean"
                .to_string()
        } else {
            format!(
                "at the first snapshot, step {first}: the report cannot tell whether they were \
                 born dead or died in those first steps"
            )
        };
        out.push(Finding {
            text: format!(
                "Dead from the start: {} {} {when}.",
                and_list(&born),
                was(n)
            ),
            links: born_dead_links(),
        });
    }
    let (died, _) = named(|c| &c.died);
    if !died.is_empty() {
        let (verb, how) = if judge.definition == Definition::Dormant {
            (
                "fell quiet",
                "Units that go quiet while training point at the learning rate: large steps \
                 can push a unit's pre-activation below 0 on nearly all its inputs.",
            )
        } else {
            (
                "died",
                "Units that die while training point at the learning rate: one large step can \
                 carry a unit's pre-activation below 0 for every input.",
            )
        };
        out.push(Finding {
            text: format!(
                "Killed by training: {} {verb} while training, between step {first} and step \
                 {last} (alive at the first snapshot, {} at the last). {how}",
                and_list(&died),
                what(judge)
            ),
            links: dying_links(),
        });
    }
    let (revived, n) = named(|c| &c.revived);
    if !revived.is_empty() {
        out.push(plain(format!(
            "Not dead for good: {}, counted dead at the first snapshot, fired again by the last \
             ({} off on the samples, not dead).",
            and_list(&revived),
            if n == 1 { "it was" } else { "they were" }
        )));
    }
    out
}

/// Per layer with some of the units `pick` selects: "conv1's channels 1 and 4"; and how many
/// units in all.
fn named_units(
    courses: &[(&Layer, judge::Course)],
    pick: fn(&judge::Course) -> &Vec<usize>,
) -> (Vec<String>, usize) {
    let parts = courses
        .iter()
        .filter(|(_, c)| !pick(c).is_empty())
        .map(|(l, c)| {
            let units = pick(c);
            format!(
                "{}'s {} {}",
                echo(&l.name),
                unit_word(units.len(), l),
                unit_list(units)
            )
        })
        .collect();
    (parts, courses.iter().map(|(_, c)| pick(c).len()).sum())
}

/// "a, b and c".
fn and_list(parts: &[String]) -> String {
    match parts.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, init)) => format!("{} and {last}", init.join(", ")),
    }
}

/// "unit", "units 2, 5", "channel".
fn unit_word(n: usize, l: &Layer) -> &'static str {
    match (l.kind, n) {
        (crate::dead_report::Kind::Conv, 1) => "channel",
        (crate::dead_report::Kind::Conv, _) => "channels",
        (_, 1) => "unit",
        _ => "units",
    }
}

fn was(n: usize) -> &'static str {
    if n == 1 {
        "was dead"
    } else {
        "were dead"
    }
}

/// Layers at or past keras-contrib's 10 %.
fn many_dead(r: &Report, judge: &Judge) -> Vec<Finding> {
    let parts: Vec<String> = r
        .layers
        .iter()
        .filter(|l| l.units > 0 && judge.share(l) >= KERAS_CONTRIB_SHARE)
        .map(|l| {
            format!(
                "{} ({} of {}, {})",
                echo(&l.name),
                judge.count(l),
                l.units,
                percent(judge.share(l))
            )
        })
        .collect();
    if parts.is_empty() {
        return Vec::new();
    }
    let cost = if judge.definition == Definition::Dormant {
        "Those units add next to nothing to what their layer passes on."
    } else {
        "Those units cost compute, pass no gradient and add nothing."
    };
    vec![Finding {
        text: format!(
            "{} {}: keras-contrib's DeadReluDetector warns that a layer has dead neurons from \
             10 % of its units. {cost}",
            and_list(&parts),
            what(judge)
        ),
        links: many_dead_links(),
    }]
}

/// A unit of a leaky activation that never fires still passes a gradient.
fn leaky(r: &Report) -> Vec<Finding> {
    r.layers
        .iter()
        .filter_map(|l| {
            let act = l.activation.as_deref()?;
            matches!(
                act,
                "leaky_relu" | "elu" | "selu" | "gelu" | "silu" | "swish" | "prelu"
            )
            .then(|| {
                plain(format!(
                    "{}: its activation is {}, whose slope below 0 is not 0, so a unit that \
                         never fires still learns and can come back: not dead in ReLU's sense.",
                    echo(&l.name),
                    echo(act)
                ))
            })
        })
        .collect()
}

/// What the probe saw but could not measure.
fn unmeasured(r: &Report) -> Vec<Finding> {
    if r.not_hooked.is_empty() {
        return Vec::new();
    }
    let parts: Vec<String> = r
        .not_hooked
        .iter()
        .take(4)
        .map(|n| format!("{}: {}", echo(&n.layer), n.reason))
        .collect();
    let more = r.not_hooked.len().saturating_sub(4);
    let more = if more > 0 {
        format!(" (and {more} more)")
    } else {
        String::new()
    };
    vec![plain(format!("Not measured: {}{more}.", parts.join("; ")))]
}

/// Where the report came from, in one line.
pub fn source(state: &State) -> String {
    match &state.loaded {
        None => "No report on show.".into(),
        Some(l) => {
            let r = &l.report;
            let samples = r
                .samples
                .map_or("an unknown number of".to_string(), |n| n.to_string());
            let snaps = match r.snapshots.len() {
                0 => "no snapshots".to_string(),
                1 => "1 snapshot".to_string(),
                n => format!("{n} snapshots"),
            };
            format!(
                "Showing {}: {}, measured on {samples} samples in evaluation mode, {snaps}.",
                l.name,
                echo(&r.model.name)
            )
        }
    }
}

/// The share chart's accessible description.
pub fn shares_label(state: &State) -> String {
    match state.report() {
        None => "Chart of each layer's dead share: no report loaded.".into(),
        Some(r) => {
            let judge = state.judge();
            let parts: Vec<String> = r
                .layers
                .iter()
                .map(|l| format!("{} {}", echo(&l.name), percent(judge.share(l))))
                .collect();
            format!(
                "Bar chart of each layer's share {}: {}.",
                what(&judge),
                parts.join(", ")
            )
        }
    }
}

/// The unit map's accessible description.
pub fn map_label(state: &State) -> String {
    match state.report() {
        None => "Map of every unit: no report loaded.".into(),
        Some(r) => {
            let judge = state.judge();
            let parts: Vec<String> = r
                .layers
                .iter()
                .map(|l| {
                    let dead = dead_indices(l, &judge);
                    if dead.is_empty() {
                        format!("{}: none", echo(&l.name))
                    } else {
                        format!("{}: {}", echo(&l.name), unit_list(&dead))
                    }
                })
                .collect();
            format!(
                "Map of every unit, a row of cells per layer; {} units marked with a cross: {}.",
                what(&judge),
                parts.join("; ")
            )
        }
    }
}

/// The timeline's accessible description.
pub fn timeline_label(state: &State) -> String {
    match state.report() {
        None => "Timeline of dead units: no report loaded.".into(),
        Some(r) if r.snapshots.is_empty() => {
            "Timeline of dead units: this report has no snapshots.".into()
        }
        Some(r) => {
            let judge = state.judge();
            let parts: Vec<String> = r
                .layers
                .iter()
                .map(|l| {
                    let h = judge::history(r, &l.name, &judge);
                    let counts: Vec<String> = h.iter().map(|(_, d, _)| d.to_string()).collect();
                    format!("{}: {}", echo(&l.name), counts.join(", "))
                })
                .collect();
            format!(
                "Timeline of {} units per layer over {} snapshots (step {} to {}): {}.",
                what(&judge),
                r.snapshots.len(),
                r.snapshots.first().map_or(0, |s| s.step),
                r.snapshots.last().map_or(0, |s| s.step),
                parts.join("; ")
            )
        }
    }
}

/// The pre-activation chart's accessible description.
pub fn max_pre_label(state: &State) -> String {
    match state.report() {
        None => "Chart of the largest pre-activation of each dead unit: no report loaded.".into(),
        Some(r) => {
            let judge = state.judge();
            let n: usize = r.layers.iter().map(|l| judge.count(l)).sum();
            format!(
                "Chart of the largest pre-activation of each of the {n} {} units: how far \
                 below 0 each stayed on every sample.",
                what(&judge)
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_and_numbers_read_as_words() {
        assert_eq!(unit_list(&[2, 5, 11]), "2, 5 and 11");
        assert_eq!(unit_list(&[4]), "4");
        assert_eq!(
            unit_list(&(0..10).collect::<Vec<_>>()),
            "0, 1, 2, 3, 4, 5, 6, 7 and 2 more"
        );
        assert_eq!(percent(0.125), "13 %");
        assert_eq!(percent(0.001), "under 1 %");
        assert_eq!(thousands(100_000), "100,000");
        assert_eq!(thousands(65_536), "65,536");
    }
}
