//! `cargo xtask test`: every check and suite, run to the end, then one line of totals.

use crate::cmd::{self, Captured};
use crate::ensure::{self, Needs};
use crate::package;
use crate::site;
use crate::smoke;
use crate::tally::{self, Outcome};
use std::path::Path;
use std::process::Command;
use std::time::Instant;

pub fn run(root: &Path) -> Result<(), String> {
    let start = Instant::now();
    let mut outcomes = Vec::new();
    outcomes.extend(ensure_tools(root));
    outcomes.extend(static_checks(root));
    outcomes.push(native_tests(root));
    outcomes.extend(crate::probes::run(root));
    outcomes.extend(browser_tests(root));
    outcomes.extend(site_and_smoke(root));
    outcomes.push(npm_package(root));

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

/// Every tool; a failure to install one is counted, and the steps that need it fail too.
fn ensure_tools(root: &Path) -> Option<Outcome> {
    heading("ensure tools");
    let t = Instant::now();
    let Err(e) = ensure::ensure(root, Needs::ALL) else {
        return None;
    };
    eprintln!("{e}");
    Some(Outcome::check(
        "ensure tools",
        false,
        t.elapsed(),
        "see above",
    ))
}

/// clippy on one part of the page (`--features page,PART`, as index.html builds it).
macro_rules! page_part_clippy {
    ($features:literal) => {
        [
            "clippy",
            "--package",
            "dying-relu",
            "--lib",
            "--bins",
            "--target",
            "wasm32-unknown-unknown",
            "--no-default-features",
            "--features",
            $features,
            "--",
            "-D",
            "warnings",
        ]
    };
}
const PAGE_PART_INTRO: [&str; 13] = page_part_clippy!("page,intro");
const PAGE_PART_LAB: [&str; 13] = page_part_clippy!("page,lab");

/// `cargo fmt --check` and clippy, natively and for wasm32, each passing or failing as one.
fn static_checks(root: &Path) -> Vec<Outcome> {
    let checks: [(&str, &[&str]); 5] = [
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
        // The page's two parts, each built with its own features (index.html).
        ("clippy (wasm32, the page's first part)", &PAGE_PART_INTRO),
        ("clippy (wasm32, the page's second part)", &PAGE_PART_LAB),
    ];
    checks
        .into_iter()
        .map(|(name, args)| {
            let mut c = Command::new("cargo");
            c.args(args).current_dir(root);
            check(name, &mut c)
        })
        .collect()
}

/// `cargo test` over the workspace, every test counted.
fn native_tests(root: &Path) -> Outcome {
    let mut native = Command::new("cargo");
    // The venv's python3 first: the scripts' numpy code is run by the native tests.
    let bin = ensure::python_venv(root).join("bin");
    let path = std::env::var_os("PATH").unwrap_or_default();
    let mut dirs = vec![bin];
    dirs.extend(std::env::split_paths(&path));
    native
        .args(["test", "--workspace", "--no-fail-fast"])
        .env(
            "PATH",
            std::env::join_paths(dirs)
                .map_err(|e| e.to_string())
                .unwrap_or(path),
        )
        .current_dir(root);
    counted("cargo test (native)", &mut native)
}

/// One wasm-pack run per browser test file: wasm-pack cannot pass --no-fail-fast, so in a
/// single run a failing file would hide every file after it.
fn browser_tests(root: &Path) -> Vec<Outcome> {
    let files = browser_test_files(root);
    if files.is_empty() {
        return vec![Outcome::check(
            "wasm-pack test",
            false,
            std::time::Duration::ZERO,
            "no browser test files found in tests/",
        )];
    }
    let mut outcomes = Vec::new();
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
    outcomes
}

/// `trunk build --release`, then the smoke test of the fresh `dist/` (skipped without one).
fn site_and_smoke(root: &Path) -> [Outcome; 2] {
    let build = check("trunk build --release", &mut site::trunk_build(root));
    let built = build.failed == 0;
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
    [build, smoke_outcome]
}

/// The npm package, built as `cargo xtask package` builds it (into `target/npm/pkg`), then
/// packed, installed into a scratch project and mounted from there in Chromium by
/// `tools/npm/check.mjs` (README, "As an npm package"). Passes or fails as one.
fn npm_package(root: &Path) -> Outcome {
    const NAME: &str = "npm package (tools/npm/check.mjs)";
    let out = root.join("target").join("npm").join("pkg");
    heading(&format!("cargo xtask package --out {}", out.display()));
    let t = Instant::now();
    // A fresh directory: wasm-pack leaves files from an earlier build in place.
    let _ = std::fs::remove_dir_all(&out);
    match package::build(root, &out) {
        Ok(files) => package::print_written(&out, &files),
        Err(e) => {
            eprintln!("{e}");
            return Outcome::check(NAME, false, t.elapsed(), "cargo xtask package failed");
        }
    }
    let mut npm = Command::new("node");
    npm.arg(root.join("tools").join("npm").join("check.mjs"))
        .arg("--pkg")
        .arg(&out)
        .env("CHROMIUM", ensure::CHROMIUM)
        .current_dir(root);
    let mut outcome = check(NAME, &mut npm);
    outcome.time = t.elapsed();
    outcome
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
