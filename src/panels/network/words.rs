//! The "Small network" panel's sentences: its live status, a unit's autopsy, a comparison
//! line. Pure, so the wording is tested natively next to the numbers it reports.

// A learner's numbers must never stop the page: no unwrap, no expect (tests/code_rules.rs).
#![deny(clippy::unwrap_used, clippy::expect_used)]

use super::charts::dead_map::Judge;
use super::settings::Settings;
pub use super::state::Activity;
use crate::sim::data::SEED002_DEAD_LOSS;
use crate::sim::dead::{self, Definition};
use crate::sim::stats::{EpochStats, LayerStats, StatsConfig};
use crate::spec::format_sig;

/// What the words need to know of the data in use.
#[derive(Clone, Debug, PartialEq)]
pub struct DataInfo {
    /// The loss of an output stuck at 0: E[y²] of the target.
    pub dead_loss: f64,
    /// Input columns.
    pub inputs: usize,
    /// "200000 samples", "500 rows of sample.csv (target y)".
    pub what: String,
    /// The largest magnitude of an input (as trained on, after any standardising) and of
    /// the target: what a run that blows up at once is blamed on when they are large.
    pub largest: (f64, f64),
    /// The learner's own data (not seed 002's).
    pub own: bool,
    /// One of TensorFlow Playground's 2-D sets (not seed 002's).
    pub playground: bool,
    /// The targets are 0/1 labels and the loss is binary cross-entropy: the dead line is then
    /// the loss of a constant prediction, the labels' entropy.
    pub classifies: bool,
}

/// Inputs or targets above this make a run that blows up the data's fault, not the rate's.
const LARGE_DATA: f64 = 1e6;

impl DataInfo {
    /// Seed 002's data for these settings.
    pub fn seed002(params: &Settings) -> DataInfo {
        DataInfo {
            dead_loss: SEED002_DEAD_LOSS,
            inputs: 4,
            what: format!("{} samples", params.samples),
            largest: (1.0, 4.0),
            own: false,
            playground: false,
            classifies: false,
        }
    }

    /// One of Playground's sets (`data`, made for `params`): "1000 points of the spiral
    /// (noise 0)"; the dead line is the loss of a constant prediction on its validation part.
    pub fn playground(params: &Settings, data: &crate::sim::data::Dataset) -> DataInfo {
        let label = params.task.plane().map_or("data", |t| t.label());
        let classifies = params.loss() == crate::sim::loss::Loss::BinaryCrossEntropy;
        let largest = |v: &[f32], w: &[f32]| {
            v.iter()
                .chain(w)
                .fold(0.0f64, |m, x| m.max(f64::from(x.abs())))
        };
        DataInfo {
            dead_loss: constant_loss(&data.val_y, classifies),
            inputs: data.n_features,
            what: format!(
                "{} points of Playground's {label} (noise {})",
                params.samples,
                format_sig(params.noise, 2)
            ),
            largest: (
                largest(&data.train_x, &data.val_x),
                largest(&data.train_y, &data.val_y),
            ),
            own: false,
            playground: true,
            classifies,
        }
    }
}

/// The loss of a network whose hidden units are all dead, so its output is one constant: for
/// 0/1 labels under cross-entropy the best constant is their mean p and scores the entropy
/// −p·ln p − (1 − p)·ln(1 − p) (ln 2 when balanced); under squared error, an output stuck at
/// 0 scores E[y²] (the dead line of seed 002 and of own data).
pub fn constant_loss(y: &[f32], cross_entropy: bool) -> f64 {
    let n = y.len().max(1) as f64;
    if cross_entropy {
        let p = y.iter().map(|v| f64::from(*v)).sum::<f64>() / n;
        let h = |q: f64| if q > 0.0 { -q * q.ln() } else { 0.0 };
        h(p) + h(1.0 - p)
    } else {
        y.iter().map(|v| f64::from(*v).powi(2)).sum::<f64>() / n
    }
}

/// "loss 0.0512" and, for a classification, ", accuracy 99.7%".
fn loss_words(last: &EpochStats) -> String {
    let loss = format_sig(last.val_loss, 3);
    match last.val_accuracy {
        Some(a) => format!("loss {loss}, accuracy {}", percent(a)),
        None => format!("loss {loss}"),
    }
}

/// "99.7%", "100%", "49%": a share as a person reads it (one decimal only near the ends).
pub fn percent(share: f64) -> String {
    let p = share * 100.0;
    if (99.0..100.0).contains(&p) || (0.0..1.0).contains(&p) && p > 0.0 {
        format!("{p:.1}%")
    } else {
        format!("{}%", p.round())
    }
}

/// The two definitions the dead-unit map uses, side by side.
pub fn definitions() -> String {
    let pct = (StatsConfig::default().mostly_off_threshold * 100.0).round();
    format!(
        "Dead (exact): output 0 (so f′ = 0 and no gradient) on every validation sample. \
         Mostly off: output 0 on more than {pct}% of them, alive on a few. \
         Pale: dead on these samples; framed: dead for every input in the data's range, proven by interval bounds. \
         A wedge: the unit came back since the epoch before. \
         “Count as dead” applies the definitions papers and libraries use instead (they disagree on the same run). \
         All come from the validation pass, which runs without dropout."
    )
}

/// What the learning-rate meter shows, under its heading.
pub const METER: &str = "Karpathy's update-to-data ratio: each layer's step, log10(std(Δw) / std(w)), a point every few steps. Around −3 (the dashed line) a step moves the weights by a thousandth of their spread; far above it, one step can push a unit below 0 for every input, the seeds' second cause of death. A layer with no gradient has no point.";

/// The meter's latest readings in words: "Latest step 4,374: hidden 1 −2.9, …, output −3.4;
/// 1 layer above −2 (a large step)."
pub fn meter_summary(history: &[EpochStats]) -> String {
    let Some(last) = history.iter().rev().find_map(|s| s.update_ratios.last()) else {
        return "No reading yet: train to see it.".into();
    };
    let n = last.log10.len();
    let parts: Vec<String> = last
        .log10
        .iter()
        .enumerate()
        .map(|(l, v)| {
            let name = if l + 1 == n {
                "output".to_string()
            } else {
                format!("hidden {}", l + 1)
            };
            let v = if v.is_finite() {
                format_sig(*v, 2).replace('-', "−")
            } else {
                "no change".into()
            };
            format!("{name} {v}")
        })
        .collect();
    let high = last.log10.iter().filter(|v| **v > -2.0).count();
    let tail = match high {
        0 => String::new(),
        1 => "; 1 layer above −2: large steps".into(),
        k => format!("; {k} layers above −2: large steps"),
    };
    format!(
        "Latest reading, step {}: {}{tail}.",
        last.step + 1,
        parts.join(", ")
    )
}

/// Every output unit is dead: the network's prediction is a constant.
pub fn output_dead(stats: &EpochStats) -> bool {
    stats
        .layers
        .last()
        .map(|l| l.units > 0 && l.dead_count() == l.units)
        .unwrap_or(false)
}

/// The run has ended the seed's way: output dead and no gradient anywhere.
pub fn ends_dead(stats: &EpochStats) -> bool {
    output_dead(stats) && stats.gradients_all_zero()
}

/// The net predicts (almost) a constant 0: every output unit is dead or off on more than 99 %
/// of the validation samples, and the loss sits within 2 % of the dead line E[y²]. The seed's
/// one-unit net often ends this way: a few samples still open its gate, so it is not dead by
/// the strict definition, yet it has stopped learning anything useful.
pub fn stuck_at_dead_line(stats: &EpochStats) -> bool {
    stuck_at(stats, SEED002_DEAD_LOSS)
}

/// [`stuck_at_dead_line`] for a dead line of `dead_loss`.
pub fn stuck_at(stats: &EpochStats, dead_loss: f64) -> bool {
    let off = stats
        .layers
        .last()
        .map(|l| l.units > 0 && l.alive.iter().zip(&l.mostly_off).all(|(a, m)| !a || *m))
        .unwrap_or(false);
    off && (stats.val_loss - dead_loss).abs() <= 0.02 * dead_loss
}

/// The first epoch (0 = at initialization) from which the output stayed dead to the end.
pub fn output_dead_since(history: &[EpochStats]) -> Option<usize> {
    let mut since = None;
    for s in history.iter().rev() {
        if output_dead(s) {
            since = Some(s.epoch);
        } else {
            break;
        }
    }
    since
}

fn units(stats: &EpochStats) -> (usize, usize, usize) {
    stats.layers.iter().fold((0, 0, 0), |(d, m, n), l| {
        let mostly = l
            .mostly_off
            .iter()
            .zip(&l.alive)
            .filter(|(m, a)| **m && **a)
            .count();
        (d + l.dead_count(), m + mostly, n + l.units)
    })
}

/// The constant a dead output unit gives on every sample (its median output): 0 for ReLU,
/// about −1.76 for a saturated SELU.
pub fn stuck_output(stats: &EpochStats) -> Option<f64> {
    let out = stats.layers.last()?.output.percentiles[4];
    out.is_finite()
        .then_some(if out.abs() < 1e-6 { 0.0 } else { out })
}

/// "Output unit dead since epoch 2: it outputs 0 on every sample, so …".
fn dead_output(last: &EpochStats, since: usize) -> String {
    let when = if since == 0 {
        "from initialization".to_string()
    } else {
        format!("since epoch {since}")
    };
    let grads = if last.gradients_all_zero() {
        "gradients to every layer are 0: the network has stopped learning"
    } else {
        "almost no gradient reaches the layers below it"
    };
    let value = stuck_output(last).map_or("a constant".into(), |c| format_sig(c, 3));
    format!("Output unit dead {when}: it outputs {value} on every sample, so {grads}.")
}

/// The dead line in a sentence of its own, so the current loss and the stuck loss can never
/// be read as one number.
fn dead_line_clause(last: &EpochStats, data: &DataInfo) -> String {
    let line = format_sig(data.dead_loss, 3);
    if data.classifies {
        return format!(
            "A constant prediction scores {line} (the dead line: the labels' entropy)."
        );
    }
    match stuck_output(last) {
        Some(c) if c != 0.0 => format!(
            "An output stuck at 0 would score {line} (the dead line); this one is stuck at {} instead.",
            format_sig(c, 3)
        ),
        _ => format!("The dead line, what an output stuck at 0 scores, is {line}."),
    }
}

/// Why a run stopped, and what to do: with large numbers in the data a lower learning rate
/// does not help, so the words say what does.
fn failure_words(f: &str, data: &DataInfo) -> String {
    let (x, y) = data.largest;
    let cure = if x > LARGE_DATA {
        format!(
            "Your inputs reach {}: standardise them (or divide them by a power of ten) and press Reset; a lower learning rate will not help with numbers this large.",
            format_sig(x, 2)
        )
    } else if y > LARGE_DATA {
        format!(
            "Your target reaches {}: divide it by a power of ten (or lower the learning rate) and press Reset.",
            format_sig(y, 2)
        )
    } else {
        "Lower the learning rate and press Reset.".to_string()
    };
    format!("Training stopped: {f}. The numbers blew up. {cure}")
}

/// The panel's one-line status in words, on seed 002's data.
pub fn status(
    params: &Settings,
    history: &[EpochStats],
    target: usize,
    activity: Activity,
    failure: Option<&str>,
) -> String {
    status_on(
        params,
        history,
        (target, activity, failure),
        &DataInfo::seed002(params),
    )
}

/// The panel's one-line status in words, on the data `data` describes; `run` is (target
/// epochs, activity, failure).
pub fn status_on(
    params: &Settings,
    history: &[EpochStats],
    run: (usize, Activity, Option<&str>),
    data: &DataInfo,
) -> String {
    let (target, activity, failure) = run;
    if let Some(f) = failure {
        return failure_words(f, data);
    }
    let Some(last) = history.last() else {
        return match activity {
            Activity::Training => format!(
                "Preparing {} and a {} network…",
                data.what,
                params.shape_for(data.inputs)
            ),
            _ => format!(
                "Ready: a {} {} network on {}{}. Press Train.",
                params.shape_for(data.inputs),
                params.activation_fn().describe(),
                data.what,
                gamma_clause(params, data)
            ),
        };
    };
    let (_, mostly, n) = units(last);
    let judge = params.judge();
    let loss = loss_words(last);
    let mut doing = match activity {
        Activity::Training | Activity::Ready if last.epoch == 0 => {
            format!("Training: epoch 1 of {target} under way, initial {loss}")
        }
        Activity::Training | Activity::Ready => {
            format!("Training: epoch {} of {target}, {loss}", last.epoch)
        }
        Activity::Paused => format!("Paused after epoch {} of {target}, {loss}", last.epoch),
        Activity::Finished if last.epoch == 1 => format!("Finished 1 epoch, {loss}"),
        Activity::Finished => format!("Finished {} epochs, {loss}", last.epoch),
    };
    if let Some(since) = output_dead_since(history) {
        let mut text = format!(
            "{} {doing}. {} In all, {}.",
            dead_output(last, since),
            dead_line_clause(last, data),
            counted(last, &judge, n)
        );
        if let Some(d) = disagreement(last, &judge) {
            text.push(' ');
            text.push_str(&d);
        }
        if let Some(r) = remedies_clause(params, history) {
            text.push(' ');
            text.push_str(&r);
        }
        if remedy_cannot_save_the_output(params, data) {
            text.push_str(" No remedy saves a ReLU output on seed 002's data: every target is negative, which a ReLU cannot output. Pick Output activation: Linear to see what the remedy does for the hidden units.");
        }
        return text;
    }
    doing.push_str(&format!(", {}", counted(last, &judge, n)));
    if mostly > 0 && judge.definition == Definition::Exact {
        doing.push_str(&format!(", {mostly} more mostly off"));
    }
    if let Some(back) = comeback_clause(history, &judge) {
        doing.push_str(&format!(", {back}"));
    }
    if last.epoch > 0 && stuck_at(last, data.dead_loss) {
        doing.push_str(&format!(
            ". The output is 0 on over 99% of samples and the loss sits at the dead line ({}): the network has all but stopped learning",
            format_sig(data.dead_loss, 3)
        ));
    }
    doing.push('.');
    if let Some(d) = disagreement(last, &judge) {
        doing.push(' ');
        doing.push_str(&d);
    }
    if let Some(r) = remedies_clause(params, history) {
        doing.push(' ');
        doing.push_str(&r);
    }
    doing
}

/// A remedy is on, on seed 002's data, with the hidden activation at the output too: no remedy
/// can make a ReLU output negative targets.
fn remedy_cannot_save_the_output(params: &Settings, data: &DataInfo) -> bool {
    params.has_remedy()
        && !data.own
        && !data.playground
        && params.output == super::settings::Output::Same
}

/// `text` with its first letter upper case (clauses written lower case start a sentence).
fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Seed 002's inputs as scaled: γ = ‖μ‖/‖σ‖ (Simon, Adams & Zou find the larger it is, the
/// more ReLU units die at the start). For uniform(−1, 0) inputs it is √3 in expectation
/// (mean 0.5 over sd 1/√12; a sample's is within about 1 % at 2,000 rows), centred ones 0.
fn gamma_clause(params: &Settings, data: &DataInfo) -> String {
    if data.own || data.playground {
        return String::new();
    }
    let gamma = match params.inputs {
        crate::sim::data::InputScaling::Raw => 3f64.sqrt(),
        _ => 0.0,
    };
    format!(
        " (inputs' γ = ‖μ‖/‖σ‖ ≈ {}: the larger, the more units die at the start)",
        format_sig(gamma, 3)
    )
}

/// What today's remedies did on this run, from its numbers: ReDo's recycles and how many of
/// those units are dead again, the steps clipping scaled down; honest when one did not help.
pub fn remedies_clause(params: &Settings, history: &[EpochStats]) -> Option<String> {
    let last = history.last()?;
    let mut said = Vec::new();
    if params.redo != super::settings::RedoMode::Off {
        let events: Vec<_> = history.iter().flat_map(|s| &s.recycled).collect();
        let mut units: Vec<(usize, usize)> = events.iter().map(|r| (r.layer, r.unit)).collect();
        units.sort_unstable();
        units.dedup();
        let dead_again = units
            .iter()
            .filter(|&&(l, j)| last.layers.get(l).is_some_and(|ls| !ls.alive[j]))
            .count();
        said.push(if events.is_empty() {
            "ReDo found no dormant unit to recycle".to_string()
        } else {
            format!(
                "ReDo recycled {} units {} times; {dead_again} of them are dead again now",
                units.len(),
                events.len()
            )
        });
        if output_dead(last) {
            said.push("ReDo never recycles the output unit, so with it dead the units ReDo revives cannot help".into());
        }
    }
    if params.clip > 0.0 && last.epoch > 0 {
        let c = format_sig(params.clip, 3);
        said.push(match last.clipped_steps {
            0 => format!("clipping at norm {c} never acted in the last epoch: no step's gradient was above it"),
            k => format!("clipping at norm {c} scaled down {k} of the last epoch's steps"),
        });
    }
    (!said.is_empty()).then(|| {
        let text = said.join("; ");
        format!("{}.", capitalised(&text))
    })
}

/// "3 of 25 units dead", "2 of 25 units τ-dormant (τ = 0.025)", "48% of outputs exactly 0
/// (sparsity, not death)": the run's count under the definition in use.
pub fn counted(last: &EpochStats, judge: &Judge, n: usize) -> String {
    let def = judge.definition;
    match def {
        Definition::Exact => format!("{} of {n} units dead", dead_count(last, judge)),
        Definition::NeverFires => format!(
            "{} of {n} units never fired in the epoch's training batches",
            dead_count(last, judge)
        ),
        Definition::Dormant => format!(
            "{} of {n} units τ-dormant (τ = {})",
            dead_count(last, judge),
            format_sig(judge.tau, 3)
        ),
        Definition::NearZero | Definition::ZeroFraction => {
            let (sum, units) = last.layers.iter().fold((0.0, 0usize), |(s, u), l| {
                (
                    s + dead::layer_share(l, def, judge.tau) * l.units as f64,
                    u + l.units,
                )
            });
            let pct = (sum / units.max(1) as f64 * 100.0).round();
            if def == Definition::NearZero {
                format!("{pct}% of outputs near zero (|h| ≤ 0.05)")
            } else {
                format!("{pct}% of outputs exactly 0 (sparsity, not death)")
            }
        }
    }
}

/// Units dead under `judge` in every layer.
pub fn dead_count(last: &EpochStats, judge: &Judge) -> usize {
    (0..last.layers.len())
        .map(|l| judge.dead(last, l).iter().filter(|d| **d).count())
        .sum()
}

/// Since the check before: "2 came back since epoch 3" (units dead then, alive now).
fn comeback_clause(history: &[EpochStats], judge: &Judge) -> Option<String> {
    let [.., before, now] = history else {
        return None;
    };
    let revived: usize = (0..now.layers.len())
        .map(|l| dead::comebacks(&judge.dead(before, l), &judge.dead(now, l)).1)
        .sum();
    (revived > 0).then(|| {
        let who = if revived == 1 { "1 unit" } else { "units" };
        let n = if revived == 1 {
            String::new()
        } else {
            format!("{revived} ")
        };
        format!("{n}{who} came back since epoch {}", before.epoch)
    })
}

/// Where two definitions disagree on this run, in one sentence: the one in use against the
/// exact one (or, when the exact one is in use, against τ-dormant at τ = 0.025).
pub fn disagreement(last: &EpochStats, judge: &Judge) -> Option<String> {
    let other = if judge.definition == Definition::Exact {
        Judge {
            definition: Definition::Dormant,
            tau: dead::DEFAULT_TAU,
        }
    } else {
        Judge::default()
    };
    let (a, b) = (judge, &other);
    if !a.definition.judges_units() {
        let exact = dead_count(last, b);
        return Some(format!(
            "By the exact definition {} dead.",
            match exact {
                0 => "no unit is".to_string(),
                1 => "1 unit is".to_string(),
                k => format!("{k} units are"),
            }
        ));
    }
    let (na, nb) = (dead_count(last, a), dead_count(last, b));
    if na == nb {
        return None;
    }
    let say = |n: usize, j: &Judge| match n {
        0 => format!("none is {}", j.definition.short()),
        1 => format!("1 unit is {}", j.definition.short()),
        k => format!("{k} units are {}", j.definition.short()),
    };
    Some(format!("{} but {}.", capitalised(&say(na, a)), say(nb, b)))
}

/// "hidden layer 2, unit 5" or "the output unit".
pub fn unit_name(layer: usize, n_layers: usize, unit: usize) -> String {
    if layer + 1 == n_layers {
        "Output unit".into()
    } else {
        format!("Hidden layer {}, unit {}", layer + 1, unit + 1)
    }
}

/// The autopsy of one unit at the latest epoch: when it died, how far below 0 it sits, and
/// the size of the update that pushed it over. `steps_per_epoch` turns a step into an epoch.
pub fn autopsy(
    history: &[EpochStats],
    layer: usize,
    unit: usize,
    steps_per_epoch: usize,
) -> String {
    let story = autopsy_story(history, layer, unit, steps_per_epoch);
    match history.last().and_then(|s| s.layers.get(layer)) {
        Some(l) if unit < l.units => format!("{story} {}", verdicts(l, unit)),
        _ => story,
    }
}

/// The unit under every definition at once, and whether its death is proven for every input.
pub fn verdicts(l: &LayerStats, unit: usize) -> String {
    let yes_no = |b: bool| if b { "yes" } else { "no" };
    let score = dead::dormant_scores(&l.mean_abs_output)
        .get(unit)
        .copied()
        .unwrap_or(0.0);
    let pct = |v: Option<&f64>| format!("{:.0}%", v.copied().unwrap_or(0.0) * 100.0);
    let proven = if l.provably_dead.get(unit).copied().unwrap_or(false) {
        "dead for every input of the data's box, proven (its pre-activation's upper bound there is at most 0)"
    } else if !l.alive.get(unit).copied().unwrap_or(true) {
        "dead on these samples, but not proven dead everywhere: inputs elsewhere in the data's box may open it"
    } else {
        "not dead everywhere"
    };
    format!(
        "By each definition: exactly dead {}; never fired in the epoch's training batches {}; dormant score {} (τ-dormant at τ = 0.025: {}); outputs near zero {}, exactly 0 {}; {proven}.",
        yes_no(!l.alive.get(unit).copied().unwrap_or(true)),
        yes_no(!l.fired_in_training.get(unit).copied().unwrap_or(true)),
        format_sig(score, 2),
        yes_no(score <= dead::DEFAULT_TAU),
        pct(l.near_zero_fraction.get(unit)),
        pct(l.zero_fraction.get(unit)),
    )
}

/// When the unit died, how far below 0 it sits, and the blow that pushed it over.
fn autopsy_story(
    history: &[EpochStats],
    layer: usize,
    unit: usize,
    steps_per_epoch: usize,
) -> String {
    let Some(last) = history.last() else {
        return "Train the network, then pick a unit on the map to see its story.".into();
    };
    let Some(l) = last.layers.get(layer).filter(|l| unit < l.units) else {
        return "No such unit in this network.".into();
    };
    let name = unit_name(layer, last.layers.len(), unit);
    let max = format_sig(l.max_pre_activation[unit], 3);
    let off = format!("{:.0}%", l.off_fraction[unit] * 100.0);
    if l.alive[unit] {
        let state = if l.mostly_off[unit] {
            "mostly off"
        } else {
            "alive"
        };
        return format!(
            "{name} is {state} after epoch {}: output 0 on {off} of validation samples; largest pre-activation {max}.",
            last.epoch
        );
    }
    let dead_at_init = history
        .first()
        .and_then(|h| h.layers.get(layer))
        .map(|h0| !h0.alive[unit])
        .unwrap_or(false);
    match l.deaths.get(unit).copied().flatten() {
        Some(d) if dead_at_init && d.last_active_step.is_none() => format!(
            "{name} is dead from initialization: output 0 on every validation sample before training, and it never fired on a single training batch (largest pre-activation now {max})."
        ),
        Some(d) => {
            let blow = match d.last_active_step {
                Some(step) => {
                    let update = if d.last_update_norm == 0.0 {
                        "the update there was 0, since no gradient came down from the layer above".to_string()
                    } else {
                        format!("the update there changed its weights by {}", format_sig(d.last_update_norm, 3))
                    };
                    format!(
                        "Its last active step was step {} (epoch {}); {update}; since then its largest pre-activation on the validation set is {}: never above 0 again.",
                        step + 1,
                        step as usize / steps_per_epoch.max(1) + 1,
                        format_sig(d.max_pre_activation, 3)
                    )
                }
                None => format!(
                    "It never fired on a single training batch: the first updates pushed it below 0 before any batch switched it on (largest pre-activation {}).",
                    format_sig(d.max_pre_activation, 3)
                ),
            };
            format!(
                "{name} is dead: found dead at the end of epoch {}. {blow}",
                d.found_dead_epoch
            )
        }
        None => format!(
            "{name} is dead at initialization: output 0 on every validation sample (largest pre-activation {max})."
        ),
    }
}

/// One line of the comparison: "3 hidden ReLU: loss 4.33, 7 of 25 units dead, output dead."
pub fn compare_line(label: &str, history: &[EpochStats], failure: Option<&str>) -> String {
    compare_line_on(label, history, failure, SEED002_DEAD_LOSS)
}

/// [`compare_line`] for a dead line of `dead_loss`.
pub fn compare_line_on(
    label: &str,
    history: &[EpochStats],
    failure: Option<&str>,
    dead_loss: f64,
) -> String {
    if failure.is_some() {
        return format!("{label}: diverged.");
    }
    let Some(last) = history.last() else {
        return format!("{label}: waiting.");
    };
    let (dead, _, n) = units(last);
    let verdict = if ends_dead(last) {
        ", output dead: stopped learning"
    } else if stuck_at(last, dead_loss) {
        ", output off on over 99% of samples: stuck at the dead line"
    } else {
        ", still learning"
    };
    format!(
        "{label}: {} after epoch {}, {dead} of {n} units dead{verdict}.",
        loss_words(last),
        last.epoch
    )
}

/// What dead units cost, from two finished runs of one task at different learning rates:
/// "At learning rate 0.05, 15 of 24 hidden units died and accuracy on the spiral fell from
/// 99.7% to 49% (at learning rate 0.01, 3 dead)." `runs` are (learning rate, history); the
/// reference is the run with the best accuracy, the other the one with the most dead hidden
/// units. None until two runs have finished with accuracies, or when no run lost accuracy.
pub fn cost_line(task: &str, runs: &[(f64, &[EpochStats])]) -> Option<String> {
    let done: Vec<(f64, usize, usize, f64)> = runs
        .iter()
        .filter_map(|(lr, h)| {
            let last = h.last()?;
            let acc = last.val_accuracy?;
            let hidden = &last.layers[..last.layers.len().saturating_sub(1)];
            let dead = hidden.iter().map(LayerStats::dead_count).sum();
            let n = hidden.iter().map(|l| l.units).sum();
            Some((*lr, dead, n, acc))
        })
        .collect();
    let best = done.iter().copied().max_by(|a, b| a.3.total_cmp(&b.3))?;
    let worst = done
        .iter()
        .copied()
        .filter(|r| r.0 != best.0)
        .max_by(|a, b| a.1.cmp(&b.1).then(b.3.total_cmp(&a.3)))?;
    if worst.1 <= best.1 {
        return None;
    }
    let lr = |v: f64| format_sig(v, 2);
    let fell = if worst.3 < best.3 {
        format!(
            "accuracy on the {task} fell from {} to {}",
            percent(best.3),
            percent(worst.3)
        )
    } else {
        format!("accuracy on the {task} held at {}", percent(worst.3))
    };
    Some(format!(
        "At learning rate {}, {} of {} hidden units died and {fell} (at learning rate {}, {} dead).",
        lr(worst.0),
        worst.1,
        worst.2,
        lr(best.0),
        best.1
    ))
}

/// Steps per epoch for these params (70 % of the samples are for training).
pub fn steps_per_epoch(params: &Settings) -> usize {
    let n_train = ((params.samples as f64) * 0.7).round().max(1.0) as usize;
    n_train.div_ceil(params.batch.max(1))
}

/// Where the learner's data goes: nowhere.
pub const PRIVACY: &str =
    "Your data never leaves this browser: it is read and trained on in this page and sent nowhere.";

/// What the link says when the run is on the learner's data.
pub const NO_LINK: &str = "A run on your own data cannot be put in a link or embed code: the data stays in this browser. The link and embed code above open these settings on seed 002's data.";

/// Why "Try the sample" loaded nothing (the file missing beside the page, or offline).
pub fn sample_unavailable(why: &str) -> String {
    format!(
        "The sample could not be loaded ({why}); paste CSV or pick a file instead. The data in use stays"
    )
}

/// The limits of "Use your own data", stated before a file is chosen.
pub fn data_limits() -> String {
    use crate::sim::csv::{MAX_BYTES, MAX_COLUMNS, MAX_ROWS};
    format!(
        "CSV of numbers, a header row optional, up to {MAX_ROWS} rows and {MAX_COLUMNS} columns ({} MB). \
         Drop a file here, pick one, or paste the text. 70% of the rows train, 30% validate.",
        MAX_BYTES / 1_048_576
    )
}

/// Which data is in use: `own` is (what, inputs, E[y²]) of the learner's, None for seed 002's.
pub fn data_in_use(own: Option<(&str, usize, f64)>) -> String {
    match own {
        Some((what, inputs, dead)) => format!(
            "Using {what}: {inputs} inputs, dead line E[y²] = {} (the loss of an output stuck at 0).",
            format_sig(dead, 4)
        ),
        None => "Using seed 002's data (four inputs uniform in (−1, 0), target their sum).".into(),
    }
}

/// What Compare does on a 2-D task.
pub const COMPARE_RATES: &str = "Compare learning rates trains these settings at learning rates 0.001 to 0.1 on the same points and seed, one after another: the dead units and the accuracy of each say what dying costs.";

/// Under "The input plane".
pub const PLANE_HINT: &str = "Each hidden unit of the first layer is a line w·x + b = 0 across the plane of the inputs: it outputs more than 0 on one side (open) and 0 on the other (shut). It is dead when every training point lies on its shut side. Point at a tile of the atlas (or tab to it and use the arrow keys) to draw a first-layer unit's line; deeper units bend the plane, so their tiles show where they open. On seed 002's data and your own, the plane is a slice through the data's mean.";

/// The plane's description: what it shows and, for a unit's line, which side the points are on.
pub fn plane_summary(
    field: Option<&super::plane::PlaneField>,
    line_of: Option<usize>,
    classifies: bool,
) -> String {
    let Some(f) = field else {
        return "The network's output over the input plane: not trained yet.".into();
    };
    let what = if classifies {
        "the probability of class 1"
    } else {
        "the network's output"
    };
    let slice = if f.slice {
        ", a slice through the data's mean"
    } else {
        ""
    };
    let mut text = format!(
        "The input plane{slice}: {what} over x{} and x{}, with {} training points.",
        f.axes.0 + 1,
        f.axes.1 + 1,
        f.points.len()
    );
    if let Some((open, all)) = line_of
        .and_then(|j| f.open_points(j).map(|c| (j, c)))
        .map(|(_, c)| c)
    {
        let j = line_of.unwrap_or(0);
        let verdict = if open == 0 {
            "every point is on its shut side: the unit is dead on these points".to_string()
        } else {
            format!("{open} of {all} points are on its open side")
        };
        text.push_str(&format!(
            " Layer 1, unit {}'s line is drawn: {verdict}.",
            j + 1
        ));
    }
    text
}

/// The atlas's description: dead tiles per layer and the unit pointed at.
pub fn atlas_summary(
    dead: &[Vec<bool>],
    pointed: Option<(usize, usize)>,
    on_data: bool,
    drawn: bool,
) -> String {
    if !drawn {
        return "Each hidden unit's output over the plane, one tile per unit: not trained yet."
            .into();
    }
    let per: Vec<String> = dead
        .iter()
        .enumerate()
        .map(|(l, d)| {
            format!(
                "layer {} {} of {}",
                l + 1,
                d.iter().filter(|x| **x).count(),
                d.len()
            )
        })
        .collect();
    let how = if on_data {
        "dead (0 on every training point)"
    } else {
        "dead by the definition in use"
    };
    let mut text = format!(
        "Each hidden unit's output over the plane, one tile per unit; {how}: {}.",
        per.join(", ")
    );
    if let Some((l, j)) = pointed {
        let state =
            dead.get(l)
                .and_then(|d| d.get(j))
                .map_or("", |d| if *d { " (dead)" } else { " (alive)" });
        text.push_str(&format!(
            " Pointed at: layer {}, unit {}{state}.",
            l + 1,
            j + 1
        ));
    }
    text
}

/// Where the atlas's keyboard cursor goes from `at` on `key`: the arrow keys move within a
/// layer (left, right) and between layers (up, down), Home and End to a layer's ends; Enter
/// and space keep it (they open the unit's autopsy). None for other keys or no hidden layer.
pub fn atlas_step(
    at: (usize, usize),
    key: &str,
    layers: usize,
    width: usize,
) -> Option<(usize, usize)> {
    if layers == 0 || width == 0 {
        return None;
    }
    let (l, j) = (at.0.min(layers - 1), at.1.min(width - 1));
    Some(match key {
        "ArrowLeft" => (l, j.saturating_sub(1)),
        "ArrowRight" => (l, (j + 1).min(width - 1)),
        "ArrowUp" => (l.saturating_sub(1), j),
        "ArrowDown" => ((l + 1).min(layers - 1), j),
        "Home" => (l, 0),
        "End" => (l, width - 1),
        "Enter" | " " => (l, j),
        _ => return None,
    })
}

/// Where the training runs, for the line under the controls: "Training runs in a background
/// thread, so the page stays smooth while it trains." or, when the page trains because no
/// worker started, why.
pub fn engine_line(info: &crate::panels::network::engine::EngineInfo) -> String {
    match (info.id, info.fallback) {
        ("page", Some(why)) => format!(
            "Training runs on the page itself, in short slices between frames, because {why}: \
             the numbers are the same, the page may stutter on a busy machine."
        ),
        ("page", None) => {
            "Training runs on the page itself, in short slices between frames.".to_string()
        }
        ("starting", _) => "Starting a background thread for the training…".to_string(),
        ("worker", _) if info.helper => "Training runs in a background thread and each \
            epoch's statistics in a second one, so the page stays smooth and training does not \
            wait for them."
            .to_string(),
        _ => "Training runs in a background thread, so the page stays smooth while it trains."
            .to_string(),
    }
}
