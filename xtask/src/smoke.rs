//! The built site in a real browser: serve `dist/` and run `tools/browser/smoke.mjs`.

use crate::cmd::{self, Captured};
use crate::ensure::{self, Needs};
use crate::{site, static_server};
use std::path::Path;
use std::process::Command;

/// Where the smoke test keeps its screenshots.
pub const SCREENSHOTS: &str = "target/screenshots";

/// Serves `dist/` and loads it (and `root_url + extra` for each extra) at a desktop and a
/// phone viewport; the script prints `smoke result: N passed; M failed`.
pub fn run_smoke(root: &Path, extras: &[String]) -> Captured {
    let port = match static_server::start(&root.join("dist")) {
        Ok(port) => port,
        Err(e) => {
            return Captured {
                status: Err(format!("cannot serve dist/: {e}")),
                lines: Vec::new(),
            }
        }
    };
    let url = format!("http://127.0.0.1:{port}/");
    eprintln!("serving dist/ at {url}");
    let mut node = Command::new("node");
    node.arg(cmd::browser_dir(root).join("smoke.mjs"))
        .arg(&url)
        .arg(root.join(SCREENSHOTS))
        .args(extras)
        .env("CHROMIUM", ensure::CHROMIUM)
        .current_dir(root);
    cmd::run_tee(&mut node, false)
}

/// `cargo xtask smoke [QUERY...]`.
pub fn run_command(root: &Path, extras: &[String]) -> Result<(), String> {
    ensure::ensure(
        root,
        Needs {
            browser: true,
            wasm_pack: false,
        },
    )?;
    site::build(root)?;
    let run = run_smoke(root, extras);
    if run.success() {
        Ok(())
    } else {
        Err("smoke test failed".into())
    }
}
