//! Running child processes: the repo's paths, version probes, and a runner that both
//! shows a command's output and keeps it for counting.

use std::ffi::OsString;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

/// The repository root (the directory holding the workspace `Cargo.toml`).
pub fn root() -> PathBuf {
    // `cargo run` sets CARGO_MANIFEST_DIR for the program too; fall back to the build-time value.
    let manifest = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    manifest.parent().map(Path::to_path_buf).unwrap_or(manifest)
}

/// `tools/browser`: the node scripts and their npm dependencies.
pub fn browser_dir(root: &Path) -> PathBuf {
    root.join("tools").join("browser")
}

/// `PATH` with `tools/browser/node_modules/.bin` in front, so Trunk finds npm's `wasm-opt`.
pub fn path_with_node_bin(root: &Path) -> OsString {
    let bin = browser_dir(root).join("node_modules").join(".bin");
    let mut dirs = vec![bin];
    if let Some(path) = std::env::var_os("PATH") {
        dirs.extend(std::env::split_paths(&path));
    }
    std::env::join_paths(dirs).unwrap_or_default()
}

/// Shows a command line the way a person would type it.
pub fn display(cmd: &Command) -> String {
    let mut parts = vec![cmd.get_program().to_string_lossy().into_owned()];
    parts.extend(cmd.get_args().map(|a| a.to_string_lossy().into_owned()));
    parts.join(" ")
}

/// First line of a successful command's stdout (e.g. `trunk --version`), or `None`.
pub fn probe(program: &str, args: &[&str]) -> Option<String> {
    let output = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    if !output.status.success() {
        return None;
    }
    let text = String::from_utf8_lossy(&output.stdout);
    Some(text.lines().next().unwrap_or("").trim().to_string())
}

/// Runs a command with inherited stdio; an error names the command.
pub fn run(cmd: &mut Command) -> Result<(), String> {
    let shown = display(cmd);
    let status = cmd
        .status()
        .map_err(|e| format!("could not start `{shown}`: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{shown}` failed ({status})"))
    }
}

/// What a command printed (stdout and stderr lines) and how it ended.
pub struct Captured {
    pub status: Result<ExitStatus, String>,
    pub lines: Vec<String>,
}

impl Captured {
    pub fn success(&self) -> bool {
        matches!(&self.status, Ok(s) if s.success())
    }
}

/// Runs a command, echoing its stdout and stderr as they come (stdout to `echo_stdout_to`)
/// and keeping every line.
pub fn run_tee(cmd: &mut Command, stdout_to_stderr: bool) -> Captured {
    let shown = display(cmd);
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = match cmd.spawn() {
        Ok(child) => child,
        Err(e) => {
            return Captured {
                status: Err(format!("could not start `{shown}`: {e}")),
                lines: Vec::new(),
            }
        }
    };
    let lines = Arc::new(Mutex::new(Vec::new()));
    let (done_tx, done_rx) = mpsc::channel();
    let streams: [(Option<Box<dyn Read + Send>>, bool); 2] = [
        (
            child
                .stdout
                .take()
                .map(|s| Box::new(s) as Box<dyn Read + Send>),
            stdout_to_stderr,
        ),
        (
            child
                .stderr
                .take()
                .map(|s| Box::new(s) as Box<dyn Read + Send>),
            true,
        ),
    ];
    for (stream, to_stderr) in streams {
        let Some(stream) = stream else { continue };
        let lines = Arc::clone(&lines);
        let done = done_tx.clone();
        thread::spawn(move || {
            tee(stream, to_stderr, &lines);
            let _ = done.send(());
        });
    }
    drop(done_tx);
    let status = child.wait().map_err(|e| format!("`{shown}`: {e}"));
    // A grandchild (a browser driver, say) may keep a pipe open after the command ended:
    // wait a little for the rest of the output, not forever.
    for _ in 0..2 {
        if done_rx.recv_timeout(Duration::from_secs(10)).is_err() {
            break;
        }
    }
    let lines = lines.lock().map(|l| l.clone()).unwrap_or_default();
    Captured { status, lines }
}

fn tee(stream: impl Read, to_stderr: bool, lines: &Mutex<Vec<String>>) {
    let mut reader = BufReader::new(stream);
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match reader.read_until(b'\n', &mut buf) {
            Ok(0) | Err(_) => break,
            Ok(_) => {}
        }
        if to_stderr {
            let mut err = std::io::stderr().lock();
            let _ = err.write_all(&buf);
            let _ = err.flush();
        } else {
            let mut out = std::io::stdout().lock();
            let _ = out.write_all(&buf);
            let _ = out.flush();
        }
        if let Ok(mut lines) = lines.lock() {
            lines.push(String::from_utf8_lossy(&buf).trim_end().to_string());
        }
    }
}
