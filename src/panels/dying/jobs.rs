//! Jobs as they travel to a worker and back: a job is a short text (which job, of which
//! generation, and the panel's settings as a query), a result a list of numbers. A worker
//! runs [`run`] on the text; the page turns the numbers back into a [`Msg`] with
//! [`decode`]. Pure, so the round trip is tested natively.

use super::born_dead::{self, Tally, MAX_DEPTH};
use super::state::{born_inputs, DataCache, Job, Msg, Settings, BORN_SEED};
use super::sweep::{CellResult, CellRun, Task};
use crate::sim::data::InputScaling;
use crate::spec::{lookup, query_pairs};

const CELL: f64 = 0.0;
const BORN: f64 = 1.0;
const BASE: f64 = 2.0;

/// The text a worker receives for `job` under `settings`.
pub fn encode(job: Job, settings: &Settings) -> String {
    let head = match job {
        Job::Cell { gen, index } => format!("job=cell&gen={gen}&index={index}"),
        Job::Base { gen, index } => format!("job=base&gen={gen}&index={index}"),
        Job::Born { gen, chunk } => format!("job=born&gen={gen}&index={chunk}"),
    };
    format!("{head}&{}", settings.to_query())
}

/// What a worker keeps between jobs: the data sets, each made once.
#[derive(Default)]
pub struct Cache {
    data: DataCache,
}

/// A cell's numbers, after the job's kind, generation and index.
fn cell_numbers(kind: f64, gen: u64, index: usize, r: &CellResult) -> Vec<f64> {
    vec![
        kind,
        gen as f64,
        index as f64,
        r.dead,
        r.dead_at_start,
        r.output_dead as u8 as f64,
        r.loss,
        r.diverged as u8 as f64,
        r.dormant,
        r.proven,
        r.accuracy,
    ]
}

/// Runs the job a text describes, at once; the numbers [`decode`] reads. An unreadable job
/// gives an empty list.
pub fn run(text: &str, cache: &mut Cache) -> Vec<f64> {
    let pairs = query_pairs(text);
    let num = |k: &str| lookup(&pairs, k).and_then(|v| v.parse::<u64>().ok());
    let (Some(kind), Some(gen), Some(index)) = (lookup(&pairs, "job"), num("gen"), num("index"))
    else {
        return Vec::new();
    };
    let (settings, _) = Settings::from_pairs(&pairs);
    let index = index as usize;
    match kind {
        "cell" => {
            let map = settings.map();
            if index >= map.cells() {
                return Vec::new();
            }
            let (i, j) = map.position(index);
            let data = cache.data.get(map.task, map.remedies.inputs);
            let r = CellRun::new(map.config(i, j), data, map.epochs).run();
            cell_numbers(CELL, gen, index, &r)
        }
        "base" => {
            let map = settings.map();
            if !map.needs_baseline() || index >= map.res {
                return Vec::new();
            }
            let config = map.without_remedies().config(index, map.baseline_row());
            let data = cache.data.get(map.task, InputScaling::Raw);
            let r = CellRun::new(config, data, map.epochs).run();
            cell_numbers(BASE, gen, index, &r)
        }
        "born" => {
            if index >= settings.born_chunks() {
                return Vec::new();
            }
            let (method, first, count) = settings.born_chunk(index);
            let inputs = born_inputs(&cache.data.get(Task::Seed002, InputScaling::Raw));
            let t = born_dead::run_trials(
                method,
                settings.born_width,
                &inputs,
                4,
                BORN_SEED,
                first,
                count,
            );
            let mut out = vec![BORN, gen as f64, index as f64, t.trials as f64];
            out.extend(t.dead.iter().map(|&v| v as f64));
            out.extend(t.dead_at_point.iter().map(|&v| v as f64));
            out
        }
        _ => Vec::new(),
    }
}

/// The message a worker's numbers stand for (None when they are not a result).
pub fn decode(v: &[f64]) -> Option<Msg> {
    let (&kind, rest) = v.split_first()?;
    let gen = *rest.first()? as u32;
    let index = *rest.get(1)? as usize;
    if (kind == CELL || kind == BASE) && rest.len() == 10 {
        let result = CellResult {
            dead: rest[2],
            dead_at_start: rest[3],
            output_dead: rest[4] != 0.0,
            loss: rest[5],
            diverged: rest[6] != 0.0,
            dormant: rest[7],
            proven: rest[8],
            accuracy: rest[9],
        };
        return Some(if kind == CELL {
            Msg::CellDone { gen, index, result }
        } else {
            Msg::BaseDone { gen, index, result }
        });
    }
    if kind == BORN && rest.len() == 3 + 2 * MAX_DEPTH {
        let counts = |s: &[f64]| s.iter().map(|&c| c as u64).collect::<Vec<u64>>();
        let tally = Tally {
            trials: rest[2] as u64,
            dead: counts(&rest[3..3 + MAX_DEPTH]),
            dead_at_point: counts(&rest[3 + MAX_DEPTH..]),
        };
        return Some(Msg::BornDone {
            gen,
            chunk: index,
            tally,
        });
    }
    None
}
