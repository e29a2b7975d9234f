//! `cargo xtask test`: every check and suite, run to the end, then one line of totals.

use crate::cmd::{self, Captured};
use crate::ensure::{self, Needs};
use crate::site;
use crate::smoke;
use crate::tally::{self, Outcome};
use std::path::Path;
use std::process::Command;
use std::time::Instant;

pub fn run(root: &Path) -> Result<(), String> {
    let start = Instant::now();
    let mut outcomes = Vec::new();

    heading("ensure tools");
    let t = Instant::now();
    if let Err(e) = ensure::ensure(root, Needs::ALL) {
        eprintln!("{e}");
        outcomes.push(Outcome::check(
            "ensure tools",
            false,
            t.elapsed(),
            "see above",
        ));
    }

    let checks: [(&str, &[&str]); 3] = [
        ("cargo fmt --check", &["fmt", "--all", "--check"]),
        (
            "clippy (native, all targets)",
            &[
                "clippy",
                "--workspace",
                "--all-targets",
                "--",
                "-D",
                "warnings",
            ],
        ),
        (
            "clippy (wasm32 lib, tests)",
            &[
                "clippy",
                "--package",
                "dying-relu",
                "--package",
                "dying-relu-sim",
                "--lib",
                "--tests",
                "--target",
                "wasm32-unknown-unknown",
                "--",
                "-D",
                "warnings",
            ],
        ),
    ];
    for (name, args) in checks {
        let mut c = Command::new("cargo");
        c.args(args).current_dir(root);
        outcomes.push(check(name, &mut c));
    }

    let mut native = Command::new("cargo");
    native
        .args(["test", "--workspace", "--no-fail-fast"])
        .current_dir(root);
    outcomes.push(counted("cargo test (native)", &mut native));

    // One wasm-pack run per browser test file: wasm-pack cannot pass --no-fail-fast, so in a
    // single run a failing file would hide every file after it.
    let files = browser_test_files(root);
    if files.is_empty() {
        outcomes.push(Outcome::check(
            "wasm-pack test",
            false,
            std::time::Duration::ZERO,
            "no browser test files found in tests/",
        ));
    }
    for file in files {
        let mut browser = Command::new("wasm-pack");
        browser
            .args(["test", "--headless", "--chrome", "--", "--test", &file])
            .env("CHROMEDRIVER", ensure::CHROMEDRIVER)
            .current_dir(root);
        outcomes.push(counted(
            &format!("wasm-pack test --test {file}"),
            &mut browser,
        ));
        let ended = crate::strays::end_orphaned_test_browsers();
        if ended > 0 {
            eprintln!("ended {ended} Chromium process(es) the test runner left behind");
        }
    }

    let build = check("trunk build --release", &mut site::trunk_build(root));
    let built = build.failed == 0;
    outcomes.push(build);
    heading("smoke test of dist/ in headless Chromium");
    let t = Instant::now();
    let smoke_run = if built && root.join("dist").join("index.html").is_file() {
        // Besides the page itself: a teacher's one-panel embed with presets, and a link full
        // of hostile values, which must load with notices and no error.
        let extras = [
            "?panel=neuron&f=leaky_relu&alpha=0.3&b=0.5".to_string(),
            "?f=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E&lr=1e999&b=abc&n=-5&layers=99&alpha=NaN&panel=%3Cb%3Ex".to_string(),
        ];
        smoke::run_smoke(root, &extras)
    } else {
        // Never load a stale dist/ from an earlier build.
        Captured {
            status: Err("skipped: no fresh release build to load".into()),
            lines: Vec::new(),
        }
    };
    let mut smoke_outcome = Outcome::from_counts("smoke (page loads)", &smoke_run, t.elapsed());
    if smoke_outcome.failed == 0 {
        smoke_outcome.note = format!("screenshots in {}", smoke::SCREENSHOTS);
    }
    outcomes.push(smoke_outcome);

    // The npm package: built by wasm-pack, packed, installed into a scratch project and
    // mounted from there in Chromium (README, "As an npm package").
    let mut npm = Command::new("node");
    npm.arg(root.join("tools").join("npm").join("check.mjs"))
        .env("CHROMIUM", ensure::CHROMIUM)
        .current_dir(root);
    outcomes.push(check("npm package (tools/npm/check.mjs)", &mut npm));

    let (passed, failed) = tally::report(&outcomes);
    println!("time: {:.0} s", start.elapsed().as_secs_f64());
    println!("total: {passed} passed, {failed} failed");
    if failed == 0 {
        Ok(())
    } else {
        // The totals line must stay last: exit without another message.
        std::process::exit(1);
    }
}

fn heading(what: &str) {
    println!("\n==> {what}");
}

/// A command that passes or fails as one check.
fn check(name: &str, c: &mut Command) -> Outcome {
    heading(&cmd::display(c));
    let t = Instant::now();
    let run = cmd::run_tee(c, false);
    let note = match &run.status {
        Err(e) => e.clone(),
        Ok(_) => String::new(),
    };
    Outcome::check(name, run.success(), t.elapsed(), &note)
}

/// A command whose `test result:` lines are counted.
fn counted(name: &str, c: &mut Command) -> Outcome {
    heading(&cmd::display(c));
    let t = Instant::now();
    let run = cmd::run_tee(c, false);
    Outcome::from_counts(name, &run, t.elapsed())
}

/// The test files that run in the browser: those whose first line gates them to wasm32.
fn browser_test_files(root: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(root.join("tests")) else {
        return Vec::new();
    };
    let mut files: Vec<String> = entries
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let path = e.path();
            let stem = path.file_stem()?.to_str()?.to_string();
            let text = std::fs::read_to_string(&path).ok()?;
            let first = text.lines().next()?.replace(' ', "");
            (path.extension()? == "rs" && first == "#![cfg(target_arch=\"wasm32\")]")
                .then_some(stem)
        })
        .collect();
    files.sort();
    files
}
