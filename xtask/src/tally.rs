//! Counting results: `test result: ok. 5 passed; 0 failed; ...` lines, and one line per suite.

use crate::cmd::Captured;
use std::time::Duration;

/// One suite's outcome.
pub struct Outcome {
    pub name: String,
    pub passed: u32,
    pub failed: u32,
    pub time: Duration,
    pub note: String,
}

impl Outcome {
    /// A check that counts as one: fmt, clippy, a build.
    pub fn check(name: &str, ok: bool, time: Duration, note: &str) -> Outcome {
        Outcome {
            name: name.into(),
            passed: u32::from(ok),
            failed: u32::from(!ok),
            time,
            note: note.into(),
        }
    }

    /// A suite that prints `... result: ... N passed; M failed` lines (cargo test, the
    /// wasm-bindgen test runner, smoke.mjs). A failing command whose failures were not
    /// counted (a compile error, a crash) counts as one failure.
    pub fn from_counts(name: &str, run: &Captured, time: Duration) -> Outcome {
        let (passed, mut failed) = count(&run.lines);
        let mut note = String::new();
        if !run.success() && failed == 0 {
            failed = 1;
            note = match &run.status {
                Err(e) => e.clone(),
                Ok(status) => format!("exited with {status} before reporting a failed test"),
            };
        }
        Outcome {
            name: name.into(),
            passed,
            failed,
            time,
            note,
        }
    }
}

/// Sums the passed and failed counts over every result line.
pub fn count(lines: &[String]) -> (u32, u32) {
    lines
        .iter()
        .filter(|l| l.contains("result:"))
        .map(|l| parse_counts(l))
        .fold((0, 0), |(p, f), (lp, lf)| (p + lp, f + lf))
}

/// `test result: FAILED. 3 passed; 1 failed; 0 ignored` gives (3, 1).
fn parse_counts(line: &str) -> (u32, u32) {
    let words: Vec<&str> = line.split_whitespace().collect();
    let number_before = |label: &str| -> u32 {
        words
            .windows(2)
            .find(|w| w[1].trim_end_matches([';', ',', '.']) == label)
            .and_then(|w| w[0].parse().ok())
            .unwrap_or(0)
    };
    (number_before("passed"), number_before("failed"))
}

/// The summary table; the caller prints the totals line last.
pub fn report(outcomes: &[Outcome]) -> (u32, u32) {
    println!();
    println!("summary:");
    for o in outcomes {
        let mark = if o.failed == 0 { "ok  " } else { "FAIL" };
        let note = if o.note.is_empty() {
            String::new()
        } else {
            format!("  ({})", o.note)
        };
        println!(
            "  {mark} {:<34} {:>4} passed, {:>3} failed  {:>6.1} s{note}",
            o.name,
            o.passed,
            o.failed,
            o.time.as_secs_f64()
        );
    }
    let passed = outcomes.iter().map(|o| o.passed).sum();
    let failed = outcomes.iter().map(|o| o.failed).sum();
    (passed, failed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_cargo_and_smoke_lines() {
        let lines: Vec<String> = [
            "test result: ok. 12 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out",
            "running 3 tests",
            "test result: FAILED. 2 passed; 1 failed; 0 ignored",
            "smoke result: 2 passed; 0 failed",
            "test result: ok. 0 passed; 0 failed; 0 ignored",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        assert_eq!(count(&lines), (16, 1));
    }
}
