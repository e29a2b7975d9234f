//! The panel's sentences, written from the numbers: what the map shows at bias 0, at the
//! largest positive bias and at the most negative one; a cell's numbers; what the born-dead
//! curves say at the chosen width. Pure, so the wording is tested beside the numbers.

// A learner's numbers must never stop the page: no unwrap, no expect (tests/code_rules.rs).
#![deny(clippy::unwrap_used, clippy::expect_used)]

use super::born_dead::{single_point_formula, Method, Tally};
use super::state::State;
use super::sweep::{Axis, CellResult, MapSpec, Task};
use crate::sim::data::{InputScaling, SEED002_DEAD_LOSS};
use crate::spec::{format_sig, RedoMode};

fn pct(f: f64) -> String {
    format!("{:.0} %", f * 100.0)
}

/// A bias as a person reads it: "0", "+1", "−0.47".
pub fn bias_text(b: f64) -> String {
    if b.abs() < 1e-9 {
        return "0".into();
    }
    let t = format_sig(b, 2);
    if b > 0.0 {
        format!("+{t}")
    } else {
        t.replace('-', "−")
    }
}

/// The fixed remedies in words: "batch norm, centred inputs and 500 warmup steps" (empty
/// when none is on); the bias too when it is not the axis and not 0.
pub fn remedies_text(s: &MapSpec) -> String {
    let r = &s.remedies;
    let mut parts: Vec<String> = Vec::new();
    if s.axis != Axis::Bias && r.bias != 0.0 {
        parts.push(format!("initial bias {}", bias_text(r.bias)));
    }
    if r.batch_norm {
        parts.push("batch norm".into());
    }
    match r.redo {
        RedoMode::Off => {}
        RedoMode::Reset => parts.push("ReDo (Adam's state reset)".into()),
        RedoMode::Keep => parts.push("ReDo (Adam's state kept)".into()),
    }
    match r.inputs {
        InputScaling::Raw => {}
        InputScaling::Centre => parts.push("centred inputs".into()),
        InputScaling::Standardise => parts.push("standardised inputs".into()),
    }
    if r.weight_decay > 0.0 {
        parts.push(format!("weight decay {}", format_sig(r.weight_decay, 2)));
    }
    if s.axis != Axis::Warmup && r.warmup > 0 {
        parts.push(format!("{} warmup steps", r.warmup));
    }
    if s.axis != Axis::Clip && r.clip > 0.0 {
        parts.push(format!("clipping at {}", format_sig(r.clip, 2)));
    }
    match parts.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
    }
}

/// "4-8-8-8-1 ReLU, Adam, 3 epochs per cell"; "2-8-8-8-1 ReLU with a sigmoid output on the
/// spiral, Adam, 3 epochs per cell, with batch norm".
pub fn describe_map(s: &MapSpec) -> String {
    let mut shape = vec![s.task.inputs().to_string()];
    shape.extend((0..s.layers).map(|_| s.width.to_string()));
    shape.push("1".into());
    let epochs = if s.epochs == 1 {
        "1 epoch".to_string()
    } else {
        format!("{} epochs", s.epochs)
    };
    let output = match s.task {
        Task::Seed002 => String::new(),
        Task::Seed002Linear => " with a linear output".into(),
        Task::Play(_) => format!(
            " with a {} output on {}",
            s.task.output(s.activation).kind.id(),
            s.task.name()
        ),
    };
    let remedies = remedies_text(s);
    let with = if remedies.is_empty() {
        String::new()
    } else {
        format!(", with {remedies}")
    };
    format!(
        "{} {}{output}, {}, {epochs} per cell{with}",
        shape.join("-"),
        s.activation.describe(),
        s.opt.label()
    )
}

/// Row `j`'s value of the second axis: "bias −0.5", "66 warmup steps", "no clipping".
pub fn row_value(s: &MapSpec, j: usize) -> String {
    match s.axis {
        Axis::Bias => format!("bias {}", bias_text(s.bias(j))),
        Axis::Warmup => match s.warmup(j) {
            0 => "no warmup".into(),
            1 => "1 warmup step".into(),
            k => format!("{k} warmup steps"),
        },
        Axis::Clip => match s.clip(j) {
            None => "no clipping".into(),
            Some(c) => format!("clipping at {}", format_sig(c, 2)),
        },
    }
}

/// A row as a sentence opens: "At bias 0", "Without warmup", "With 66 warmup steps",
/// "Without clipping", "Clipping at 0.1".
fn row_name(s: &MapSpec, j: usize) -> String {
    match (s.axis, s.warmup(j), s.clip(j)) {
        (Axis::Bias, _, _) => format!("At {}", row_value(s, j)),
        (Axis::Warmup, 0, _) => "Without warmup".into(),
        (Axis::Warmup, _, _) => format!("With {}", row_value(s, j)),
        (Axis::Clip, _, None) => "Without clipping".into(),
        (Axis::Clip, _, _) => capitalised(&row_value(s, j)),
    }
}

fn capitalised(t: &str) -> String {
    let mut c = t.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// One cell's numbers, for hover, keyboard focus and the live region.
pub fn cell(s: &MapSpec, index: usize, result: Option<&CellResult>) -> String {
    let (i, j) = s.position(index);
    let at = format!(
        "Learning rate {}, {}",
        format_sig(s.lr(i), 3),
        row_value(s, j)
    );
    let Some(r) = result else {
        return format!("{at}: not computed yet.");
    };
    if r.diverged {
        return format!("{at}: training blew up (a number became infinite); no verdict.");
    }
    let output = if r.output_dead {
        "output unit dead"
    } else {
        "output unit alive"
    };
    let stuck =
        s.task == Task::Seed002 && (r.loss - SEED002_DEAD_LOSS).abs() < 0.01 * SEED002_DEAD_LOSS;
    let line = if stuck {
        " (the loss of an output stuck at 0)"
    } else {
        ""
    };
    let accuracy = if r.accuracy.is_finite() {
        format!(", accuracy {}", pct(r.accuracy))
    } else {
        String::new()
    };
    let load = if s.network_query(i, j).is_some() {
        " Click or press Enter to load it into “A small network”."
    } else {
        ""
    };
    format!(
        "{at}: {} of hidden units dead after training ({} before; {} τ-dormant, {} proven dead for every input), {output}, loss {}{line}{accuracy}.{load}",
        pct(r.dead),
        pct(r.dead_at_start),
        pct(r.dormant),
        pct(r.proven),
        format_sig(r.loss, 3),
    )
}

/// Row `j` of a map's cells, if every cell of it is done.
fn row_of(s: &MapSpec, cells: &[Option<CellResult>], j: usize) -> Option<Vec<CellResult>> {
    (0..s.res)
        .map(|i| cells.get(j * s.res + i).copied().flatten())
        .collect()
}

/// The largest column up to which every learning rate (this one and all smaller) keeps most
/// hidden units alive (None: not even the smallest does).
pub fn safe_up_to(row: &[CellResult]) -> Option<usize> {
    row.iter()
        .take_while(|c| !c.diverged && !c.mostly_dead())
        .count()
        .checked_sub(1)
}

/// "rates up to 0.25", "every rate on the map", "not even the smallest rate".
fn safe_text(s: &MapSpec, k: Option<usize>, short: bool) -> String {
    match k {
        Some(k) if k + 1 >= s.res => "every rate on the map".into(),
        Some(k) if short => format_sig(s.lr(k), 2),
        Some(k) => format!("rates up to {}", format_sig(s.lr(k), 2)),
        None => "not even the smallest rate".into(),
    }
}

/// What one row says about the learning rates.
fn row_sentence(s: &MapSpec, cells: &[Option<CellResult>], j: usize) -> Option<String> {
    let row = row_of(s, cells, j)?;
    let b = row_name(s, j);
    // The smallest learning rate from which every larger one leaves most units dead.
    let from = (0..s.res)
        .rev()
        .take_while(|&i| row[i].mostly_dead())
        .last();
    let all_dead_before = row.iter().all(|c| !c.diverged && c.dead_at_start > 0.5);
    Some(match from {
        Some(0) if all_dead_before => format!(
            "{b}, more than half of the hidden units are dead before training starts, whatever the learning rate"
        ),
        Some(0) => format!("{b}, every learning rate on the map leaves more than half of the hidden units dead"),
        Some(i) => format!(
            "{b}, every learning rate from {} up leaves more than half of the hidden units dead",
            format_sig(s.lr(i), 2)
        ),
        None => {
            let worst = row
                .iter()
                .enumerate()
                .filter(|(_, c)| !c.diverged)
                .max_by(|a, b| a.1.dead.total_cmp(&b.1.dead));
            match worst {
                Some((i, c)) => format!(
                    "{b}, no learning rate on the map kills more than half (at most {}, at learning rate {})",
                    pct(c.dead),
                    format_sig(s.lr(i), 2)
                ),
                None => format!("{b}, every run blew up"),
            }
        }
    })
}

/// Whether the axis's remedy moves the border: the baseline row (no warmup, no clipping)
/// against the row that keeps most units alive up to the largest rate (the gentlest such).
fn axis_border(s: &MapSpec, cells: &[Option<CellResult>]) -> Option<String> {
    let base = s.baseline_row();
    let without = safe_up_to(&row_of(s, cells, base)?);
    let rows: Vec<usize> = match s.axis {
        Axis::Bias => return None,
        Axis::Warmup => (1..s.res).collect(),
        Axis::Clip => (0..s.res.saturating_sub(1)).rev().collect(),
    };
    let mut best: Option<(usize, Option<usize>)> = None;
    for j in rows {
        let k = safe_up_to(&row_of(s, cells, j)?);
        if best.is_none_or(|(_, b)| k > b) {
            best = Some((j, k));
        }
    }
    let (j, with) = best?;
    let what = if s.axis == Axis::Warmup {
        "warmup length"
    } else {
        "clipping norm"
    };
    let base_name = if s.axis == Axis::Warmup {
        "without warmup"
    } else {
        "without clipping"
    };
    Some(if with > without {
        format!(
            "{}, {} keep most hidden units alive; {base_name}, {}",
            row_name(s, j),
            safe_text(s, with, false),
            safe_text(s, without, true)
        )
    } else {
        format!(
            "No {what} on the map lets a larger learning rate keep most hidden units alive ({base_name}: {})",
            safe_text(s, without, false)
        )
    })
}

/// The map's fixed remedies against the comparison row without them, at the baseline row.
fn remedy_border(state: &State, s: &MapSpec) -> Option<String> {
    if !s.needs_baseline() {
        return None;
    }
    let j = s.baseline_row();
    let with = safe_up_to(&row_of(s, &state.cells, j)?);
    let without_row: Vec<CellResult> = state.baseline.iter().copied().collect::<Option<_>>()?;
    let without = safe_up_to(&without_row);
    let remedies = remedies_text(s);
    let at = row_value(s, j);
    Some(if with == without {
        format!(
            "With {remedies} as without, at {at} {} keep most hidden units alive: the border does not move",
            safe_text(s, with, false)
        )
    } else {
        let moved = if with > without {
            "up"
        } else {
            "down, to smaller rates"
        };
        format!(
            "With {remedies}, at {at} {} keep most hidden units alive; without, {}: the border moves {moved}",
            safe_text(s, with, false),
            safe_text(s, without, true)
        )
    })
}

/// What dead units cost on a task whose output can live: the best cell of the baseline row
/// against its worst mostly-dead one, in accuracy (classification) or final loss.
fn cost_sentence(s: &MapSpec, cells: &[Option<CellResult>]) -> Option<String> {
    if s.task == Task::Seed002 {
        return None;
    }
    let j = s.baseline_row();
    let row = row_of(s, cells, j)?;
    let live = row.iter().enumerate().filter(|(_, c)| !c.diverged);
    let acc = s.task.classifies();
    // Larger is better: the accuracy, or minus the loss.
    let score = |c: &CellResult| if acc { c.accuracy } else { -c.loss };
    let (bi, best) = live
        .clone()
        .max_by(|a, b| score(a.1).total_cmp(&score(b.1)))?;
    let (wi, worst) = live
        .filter(|(_, c)| c.mostly_dead())
        .min_by(|a, b| score(a.1).total_cmp(&score(b.1)))?;
    let value = |c: &CellResult| {
        if acc {
            pct(c.accuracy)
        } else {
            format_sig(c.loss, 2)
        }
    };
    let measure = if acc {
        "the best accuracy"
    } else {
        "the lowest final loss"
    };
    Some(format!(
        "{}, {measure} is {} (learning rate {}, {} of hidden units dead); at learning rate {}, with {} dead, {}",
        row_name(s, j),
        value(best),
        format_sig(s.lr(bi), 2),
        pct(best.dead),
        format_sig(s.lr(wi), 2),
        pct(worst.dead),
        value(worst)
    ))
}

/// The map's status line while the page waits for the panel to come into view before it
/// starts (nothing is computing yet, so "Computing" would not be true).
pub fn waiting_status(state: &State) -> String {
    let (_, total) = state.map_progress();
    let what = describe_map(&state.settings.map());
    format!("Not started: the map's {total} cells ({what}) are computed when you scroll here.")
}

/// The bias axis's row sentences: at bias 0, at the largest bias (honest about the cure), at
/// the most negative one.
fn bias_rows(s: &MapSpec, cells: &[Option<CellResult>]) -> Vec<String> {
    let mut parts: Vec<String> = [s.row_near(0.0), s.res - 1]
        .iter()
        .filter_map(|&j| row_sentence(s, cells, j))
        .collect();
    parts.dedup();
    if let Some(last) = parts.get_mut(1) {
        // Honest about the cure: a positive bias helps only where the data says so.
        let top = row_sentence(s, cells, s.res - 1).unwrap_or_default();
        if top.contains("leaves more than half") {
            last.push_str(
                ": a positive bias does not protect against a learning rate that is too large",
            );
        }
    }
    if let Some(low) = row_sentence(s, cells, 0) {
        parts.push(low);
    }
    parts
}

/// The map's status line.
pub fn map_status(state: &State) -> String {
    let s = state.settings.map();
    let (done, total) = state.map_progress();
    let what = describe_map(&s);
    if done < total {
        let verb = if state.running {
            "Computing"
        } else {
            "Stopped"
        };
        return format!("{verb}: {done} of {total} cells of the map ({what}).");
    }
    let cells = &state.cells;
    let mut parts = match s.axis {
        Axis::Bias => bias_rows(&s, cells),
        _ => {
            let rows = [s.baseline_row()].into_iter();
            axis_border(&s, cells)
                .into_iter()
                .chain(rows.filter_map(|j| row_sentence(&s, cells, j)))
                .collect()
        }
    };
    if let Some(b) = remedy_border(state, &s) {
        parts.insert(1.min(parts.len()), b);
    }
    parts.extend(cost_sentence(&s, cells));
    let out = cells.iter().flatten().filter(|c| c.output_dead).count();
    if out > 0 && s.task == Task::Seed002 {
        parts.push(format!(
            "The output unit ends dead in {out} of {} cells: every target is negative, and a ReLU output stuck at 0 is where training leads",
            cells.len()
        ));
    } else if out > 0 {
        parts.push(format!(
            "The output unit ends dead in {out} of {} cells",
            cells.len()
        ));
    }
    let diverged = cells.iter().flatten().filter(|c| c.diverged).count();
    if diverged > 0 {
        parts.push(format!("{diverged} runs blew up (grey crosses)"));
    }
    format!("{what}: {}.", parts.join(". "))
}

/// The born-dead chart's status line.
pub fn born_status(state: &State) -> String {
    let n = state.settings.born_width;
    let (done, total) = state.born_progress();
    let t: &[Tally; 3] = &state.tallies;
    if done < total {
        let verb = if state.running { "Drawing" } else { "Stopped" };
        return format!("{verb} random nets of width {n}: {done} of {total} batches of 50.");
    }
    let he = &t[Method::He.index()];
    let formula_half =
        (1..=super::born_dead::MAX_DEPTH).find(|&l| single_point_formula(n, l) >= 0.5);
    let he_part = match (he.depth_reaching(0.5), formula_half) {
        (Some(d), Some(f)) => format!(
            "At width {n}, half of the He-initialised ReLU nets are born dead by depth {d} (at one input point, by depth {f})"
        ),
        (None, _) => format!(
            "At width {n}, fewer than half of the He-initialised ReLU nets are born dead even at depth 50 ({})",
            pct(he.fraction(50))
        ),
        (Some(d), None) => format!("At width {n}, half of the He-initialised ReLU nets are born dead by depth {d}"),
    };
    let rai = &t[Method::Rai.index()];
    let rai_part = match rai.depth_reaching(0.5) {
        Some(d) => format!("with RAI, by depth {d}"),
        None => format!("with RAI, {} at depth 50", pct(rai.fraction(50))),
    };
    let leaky = &t[Method::Leaky.index()];
    let leaky_part = if leaky.fraction(50) == 0.0 {
        "with Leaky ReLU, none: its units are never exactly 0".to_string()
    } else {
        format!("with Leaky ReLU, {} at depth 50", pct(leaky.fraction(50)))
    };
    format!(
        "{he_part}; {rai_part}; {leaky_part}. Each curve: {} nets.",
        he.trials
    )
}
