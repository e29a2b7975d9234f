//! The probes on the constructed model (issue #28): where a Python imports PyTorch (or
//! Keras), `probes/checks/constructed.py` runs that framework's probe on the model whose
//! chosen units are dead by construction, and checks its counts against numpy's hand count
//! and against the committed fixture (`probes/fixtures/*_constructed.dead.json`). Where none
//! does, the step says it skipped, and the summary shows it. The frameworks are never
//! installed by the test command: point `DYING_RELU_PYTHON` at a scratch venv's python.

use crate::cmd;
use crate::ensure;
use crate::tally::Outcome;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The variable naming the Python (or several, separated as in PATH) to try first.
pub const VARIABLE: &str = "DYING_RELU_PYTHON";

/// A framework the probes cover: the module a Python must import, the argument of
/// constructed.py, the fixture its counts are compared with, the name in the summary.
struct Framework {
    module: &'static str,
    arg: &'static str,
    fixture: &'static str,
    name: &'static str,
}

const FRAMEWORKS: [Framework; 2] = [
    Framework {
        module: "torch",
        arg: "torch",
        fixture: "probes/fixtures/torch_constructed.dead.json",
        name: "probes (PyTorch, constructed model)",
    },
    Framework {
        module: "keras",
        arg: "keras",
        fixture: "probes/fixtures/keras_constructed.dead.json",
        name: "probes (Keras, constructed model)",
    },
];

/// The Pythons to try, in order: each entry of `$DYING_RELU_PYTHON` (when set), `python3`,
/// then the test venv's (`target/pyvenv/bin/python`).
pub fn candidates(root: &Path, variable: Option<OsString>) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = variable
        .map(|v| std::env::split_paths(&v).collect())
        .unwrap_or_default();
    out.retain(|p| !p.as_os_str().is_empty());
    out.push(PathBuf::from("python3"));
    out.push(ensure::python_venv(root).join("bin").join("python"));
    out
}

/// Whether `python` runs `import MODULE` (TensorFlow's start-up chatter is silenced).
fn imports(python: &Path, module: &str) -> bool {
    Command::new(python)
        .args(["-c", &format!("import {module}")])
        .env("TF_CPP_MIN_LOG_LEVEL", "3")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// The first of `candidates` that imports `module`.
fn find_python(candidates: &[PathBuf], module: &str) -> Option<PathBuf> {
    candidates.iter().find(|p| imports(p, module)).cloned()
}

/// What the step prints, and the summary notes, when no Python imports `module`.
pub fn skipped_message(module: &str) -> String {
    format!("probes: skipped, no python here imports {module} (set {VARIABLE})")
}

/// A skipped framework: neither passed nor failed, and said so in the summary.
fn skipped(name: &str, module: &str, time: Duration) -> Outcome {
    Outcome {
        name: name.into(),
        passed: 0,
        failed: 0,
        time,
        note: format!("skipped: no python here imports {module}; set {VARIABLE}"),
    }
}

/// One outcome per framework: constructed.py's checks counted, or a skip.
pub fn run(root: &Path) -> Vec<Outcome> {
    println!("\n==> probes on the constructed model (issue #28)");
    let tried = candidates(root, std::env::var_os(VARIABLE));
    let shown: Vec<String> = tried.iter().map(|p| p.display().to_string()).collect();
    println!("pythons tried, in order: {}", shown.join(", "));
    let script = root.join("probes").join("checks").join("constructed.py");
    FRAMEWORKS
        .iter()
        .map(|f| {
            let t = Instant::now();
            let Some(python) = find_python(&tried, f.module) else {
                println!("{}", skipped_message(f.module));
                return skipped(f.name, f.module, t.elapsed());
            };
            let mut c = Command::new(&python);
            c.arg(&script)
                .args([f.arg, "--compare"])
                .arg(root.join(f.fixture))
                .env("TF_CPP_MIN_LOG_LEVEL", "3")
                .current_dir(root);
            println!("{}", cmd::display(&c));
            let run = cmd::run_tee(&mut c, false);
            Outcome::from_counts(f.name, &run, t.elapsed())
        })
        .collect()
}

/// `cargo xtask probes`: the step alone, with its summary; fails when a check failed.
pub fn run_command(root: &Path) -> Result<(), String> {
    let outcomes = run(root);
    let (passed, failed) = crate::tally::report(&outcomes);
    println!("total: {passed} passed, {failed} failed");
    if failed == 0 {
        Ok(())
    } else {
        Err(format!("{failed} probe check(s) failed"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_variable_comes_first_then_python3_then_the_test_venv() {
        let root = Path::new("/repo");
        let venv = root
            .join("target")
            .join("pyvenv")
            .join("bin")
            .join("python");
        assert_eq!(
            candidates(root, None),
            vec![PathBuf::from("python3"), venv.clone()]
        );
        let both = std::env::join_paths(["/a/bin/python", "/b/bin/python"]).unwrap();
        assert_eq!(
            candidates(root, Some(both)),
            vec![
                PathBuf::from("/a/bin/python"),
                PathBuf::from("/b/bin/python"),
                PathBuf::from("python3"),
                venv,
            ]
        );
        assert_eq!(candidates(root, Some(OsString::new())).len(), 2);
    }

    #[test]
    fn a_python_that_is_not_there_imports_nothing_and_the_skip_says_what_to_set() {
        let none = [PathBuf::from("/nonexistent/python")];
        assert_eq!(find_python(&none, "json"), None);
        assert_eq!(
            skipped_message("torch"),
            "probes: skipped, no python here imports torch (set DYING_RELU_PYTHON)"
        );
        let s = skipped("x", "torch", Duration::ZERO);
        assert_eq!((s.passed, s.failed), (0, 0));
        assert!(s.note.starts_with("skipped"));
    }
}
