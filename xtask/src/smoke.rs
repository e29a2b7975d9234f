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
    // The same site as a careful host serves it: from a sub-path, under a strict policy.
    let strict = static_server::Options {
        prefix: "/courses/ml/dying-relu/".into(),
        csp: Some(static_server::STRICT_CSP.into()),
    };
    let mut extras = extras.to_vec();
    extras.push("embed.html".into());
    match static_server::start_with(&root.join("dist"), strict.clone()) {
        Ok(p) => {
            let strict_url = format!("http://127.0.0.1:{p}{}", strict.prefix);
            eprintln!(
                "serving dist/ at {strict_url} with {}",
                static_server::STRICT_CSP
            );
            extras.push(format!("strict:{strict_url}"));
            extras.push(format!("strict:{strict_url}embed.html"));
            extras.push(format!("strict:{strict_url}?panel=network&preset=selu"));
        }
        Err(e) => eprintln!("cannot serve dist/ with a strict policy: {e}"),
    }
    let mut node = Command::new("node");
    node.arg(cmd::browser_dir(root).join("smoke.mjs"))
        .arg(&url)
        .arg(root.join(SCREENSHOTS))
        .args(&extras)
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
            trunk: true,
            python: false,
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
