//! The release site: `trunk build --release --offline` into `dist/`, with npm's wasm-opt on PATH.

use crate::cmd;
use std::path::{Path, PathBuf};
use std::process::Command;

/// `trunk build --release --offline` (offline: every tool is installed, nothing downloads).
pub fn trunk_build(root: &Path) -> Command {
    let mut c = Command::new("trunk");
    c.args(["build", "--release", "--offline"])
        .current_dir(root)
        .env("PATH", cmd::path_with_node_bin(root));
    c
}

/// Builds the site, sending all build output to stderr; returns `dist/`.
pub fn build(root: &Path) -> Result<PathBuf, String> {
    let run = cmd::run_tee(&mut trunk_build(root), true);
    if !run.success() {
        return Err(match run.status {
            Err(e) => e,
            Ok(status) => format!("`trunk build --release --offline` failed ({status})"),
        });
    }
    Ok(root.join("dist"))
}
