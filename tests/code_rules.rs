#![cfg(not(target_arch = "wasm32"))]
//! Rules that keep the charts and the words from panicking on a learner's numbers, checked in
//! the source because no compiler lint says them:
//!
//! - `clamp` with a computed bound panics the moment the bounds cross (the loss chart's
//!   `clamp(dead_loss * 1.8, 60.0)` stopped the page for any target above about 6): in chart
//!   and words code its bounds are literals or named constants; a range that follows the data
//!   comes from `chart::scale`.
//! - `unwrap` and `expect` stay out of that code too: clippy's `unwrap_used` and `expect_used`
//!   say so, and this test checks that every chart and words module turns them on.

use std::fs;
use std::path::{Path, PathBuf};

/// Every chart and words source file: `src/chart/`, each panel's `charts/` and `words.rs`.
fn chart_and_words_files() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut out = Vec::new();
    collect(&root.join("chart"), &mut out);
    for panel in fs::read_dir(root.join("panels")).expect("src/panels") {
        let dir = panel.expect("entry").path();
        if !dir.is_dir() {
            continue;
        }
        collect(&dir.join("charts"), &mut out);
        let words = dir.join("words.rs");
        if words.exists() {
            out.push(words);
        }
    }
    out.sort();
    out
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for e in entries {
        let p = e.expect("entry").path();
        if p.is_dir() {
            collect(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The file's code without its `#[cfg(test)]` module (tests may unwrap) and comments.
fn code(path: &Path) -> String {
    let text = fs::read_to_string(path).expect("source");
    let text = text.split("#[cfg(test)]").next().unwrap_or_default();
    text.lines()
        .map(|l| match l.find("//") {
            Some(k) => &l[..k],
            None => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// A bound that cannot move: a number (`0.0`, `-1`, `12`, `1e-9`) or a named constant
/// (`LIMIT`, `-LIMIT`, `Self::MAX`).
fn fixed_bound(arg: &str) -> bool {
    let a = arg.trim().trim_start_matches('-').trim();
    let number = !a.is_empty()
        && a.starts_with(|c: char| c.is_ascii_digit())
        && a.chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c));
    let constant = a.rsplit("::").next().is_some_and(|last| {
        !last.is_empty()
            && last.starts_with(|c: char| c.is_ascii_uppercase())
            && last
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
    });
    number || constant
}

/// The arguments of each `.clamp(` call in `code`, split at their top-level comma.
fn clamp_calls(code: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = code;
    while let Some(k) = rest.find(".clamp(") {
        let args = &rest[k + ".clamp(".len()..];
        let (mut depth, mut comma, mut end) = (0i32, None, args.len());
        for (i, c) in args.char_indices() {
            match c {
                '(' | '[' | '{' => depth += 1,
                ')' | ']' | '}' if depth == 0 => {
                    end = i;
                    break;
                }
                ')' | ']' | '}' => depth -= 1,
                ',' if depth == 0 && comma.is_none() => comma = Some(i),
                _ => {}
            }
        }
        let split = comma.unwrap_or(end);
        out.push((
            args[..split].to_string(),
            args[(split + 1).min(end)..end].to_string(),
        ));
        rest = &args[end.min(args.len())..];
    }
    out
}

#[test]
fn the_rule_recognises_what_it_forbids() {
    let calls = clamp_calls("x.clamp(0.0, 1.0) + y.clamp(d.dead_loss * 1.8, 60.0).min(f(a, b))");
    assert_eq!(calls.len(), 2);
    assert!(fixed_bound(&calls[0].0) && fixed_bound(&calls[0].1));
    assert!(!fixed_bound(&calls[1].0) && fixed_bound(&calls[1].1));
    assert!(fixed_bound("-LIMIT") && fixed_bound("Self::MAX_MS") && fixed_bound("1e-9"));
    assert!(!fixed_bound("lo") && !fixed_bound("n - 1") && !fixed_bound("self.max"));
}

#[test]
fn chart_and_words_code_clamps_only_between_fixed_bounds() {
    let files = chart_and_words_files();
    assert!(files.len() > 15, "found only {files:?}");
    let mut bad = Vec::new();
    for path in &files {
        for (lo, hi) in clamp_calls(&code(path)) {
            if !fixed_bound(&lo) || !fixed_bound(&hi) {
                bad.push(format!("{}: clamp({lo}, {hi})", path.display()));
            }
        }
    }
    assert!(
        bad.is_empty(),
        "clamp with computed bounds (use chart::scale): {bad:#?}"
    );
}

#[test]
fn chart_and_words_modules_forbid_unwrap_and_expect() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut roots = vec![root.join("chart/mod.rs")];
    for path in chart_and_words_files() {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name == "words.rs" || path.ends_with("charts/mod.rs") {
            roots.push(path);
        }
    }
    for path in roots {
        let text = fs::read_to_string(&path).expect("source");
        assert!(
            text.contains("#![deny(clippy::unwrap_used, clippy::expect_used)]"),
            "{} does not deny unwrap and expect",
            path.display()
        );
    }
    // And none slipped in (clippy is the real check; this one needs no clippy).
    for path in chart_and_words_files() {
        let code = code(&path);
        assert!(
            !code.contains(".unwrap()") && !code.contains(".expect("),
            "{} unwraps",
            path.display()
        );
    }
}
