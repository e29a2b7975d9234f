//! The panel's sentences, written from the numbers: what the map shows at bias 0, at the
//! largest positive bias and at the most negative one; a cell's numbers; what the born-dead
//! curves say at the chosen width. Pure, so the wording is tested beside the numbers.

// A learner's numbers must never stop the page: no unwrap, no expect (tests/code_rules.rs).
#![deny(clippy::unwrap_used, clippy::expect_used)]

use super::born_dead::{single_point_formula, Method, Tally};
use super::state::State;
use super::sweep::{CellResult, MapSpec};
use crate::sim::data::SEED002_DEAD_LOSS;
use crate::spec::format_sig;

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

/// "4-8-8-8-1 ReLU, Adam, 3 epochs per cell".
pub fn describe_map(s: &MapSpec) -> String {
    let mut shape = vec!["4".to_string()];
    shape.extend((0..s.layers).map(|_| s.width.to_string()));
    shape.push("1".into());
    let epochs = if s.epochs == 1 {
        "1 epoch".to_string()
    } else {
        format!("{} epochs", s.epochs)
    };
    format!(
        "{} {}, {}, {epochs} per cell",
        shape.join("-"),
        s.activation.describe(),
        s.opt.label()
    )
}

/// One cell's numbers, for hover, keyboard focus and the live region.
pub fn cell(s: &MapSpec, index: usize, result: Option<&CellResult>) -> String {
    let (i, j) = s.position(index);
    let at = format!(
        "Learning rate {}, bias {}",
        format_sig(s.lr(i), 3),
        bias_text(s.bias(j))
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
    let line = if (r.loss - SEED002_DEAD_LOSS).abs() < 0.01 * SEED002_DEAD_LOSS {
        " (the loss of an output stuck at 0)"
    } else {
        ""
    };
    format!(
        "{at}: {} of hidden units dead after training ({} before; {} τ-dormant, {} proven dead for every input), {output}, loss {}{line}. Click or press Enter to load it into “A small network”.",
        pct(r.dead),
        pct(r.dead_at_start),
        pct(r.dormant),
        pct(r.proven),
        format_sig(r.loss, 3),
    )
}

/// What one row (bias) of a finished map says about the learning rates.
fn row_sentence(s: &MapSpec, cells: &[Option<CellResult>], j: usize) -> Option<String> {
    let row: Vec<CellResult> = (0..s.res)
        .map(|i| cells.get(j * s.res + i).copied().flatten())
        .collect::<Option<_>>()?;
    let b = bias_text(s.bias(j));
    // The smallest learning rate from which every larger one leaves most units dead.
    let from = (0..s.res)
        .rev()
        .take_while(|&i| row[i].mostly_dead())
        .last();
    let all_dead_before = row.iter().all(|c| !c.diverged && c.dead_at_start > 0.5);
    Some(match from {
        Some(0) if all_dead_before => format!(
            "At bias {b}, more than half of the hidden units are dead before training starts, whatever the learning rate"
        ),
        Some(0) => format!("At bias {b}, every learning rate on the map leaves more than half of the hidden units dead"),
        Some(i) => format!(
            "At bias {b}, every learning rate from {} up leaves more than half of the hidden units dead",
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
                    "At bias {b}, no learning rate on the map kills more than half (at most {}, at learning rate {})",
                    pct(c.dead),
                    format_sig(s.lr(i), 2)
                ),
                None => format!("At bias {b}, every run blew up"),
            }
        }
    })
}

/// The map's status line while the page waits for the panel to come into view before it
/// starts (nothing is computing yet, so "Computing" would not be true).
pub fn waiting_status(state: &State) -> String {
    let (_, total) = state.map_progress();
    let what = describe_map(&state.settings.map());
    format!("Not started: the map's {total} cells ({what}) are computed when you scroll here.")
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
    let mut parts: Vec<String> = [s.row_near(0.0), s.res - 1]
        .iter()
        .filter_map(|&j| row_sentence(&s, cells, j))
        .collect();
    parts.dedup();
    if let Some(last) = parts.get_mut(1) {
        // Honest about the cure: a positive bias helps only where the data says so.
        let top = row_sentence(&s, cells, s.res - 1).unwrap_or_default();
        if top.contains("leaves more than half") {
            last.push_str(
                ": a positive bias does not protect against a learning rate that is too large",
            );
        }
    }
    if let Some(low) = row_sentence(&s, cells, 0) {
        parts.push(low);
    }
    let out = cells.iter().flatten().filter(|c| c.output_dead).count();
    if out > 0 {
        parts.push(format!(
            "The output unit ends dead in {out} of {} cells: every target is negative, and a ReLU output stuck at 0 is where training leads",
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
