//! `cargo xtask serve`: build the explorer in release mode and serve it on 127.0.0.1 with Trunk
//! (it rebuilds when a source changes). Extra arguments go to `trunk serve`, e.g. `--port 9000`.

use crate::cmd;
use crate::ensure::{self, Needs};
use std::path::Path;
use std::process::Command;

pub fn run(root: &Path, args: &[String]) -> Result<(), String> {
    ensure::ensure(root, Needs::SITE)?;
    let port = args
        .iter()
        .position(|a| a == "--port")
        .and_then(|i| args.get(i + 1))
        .map(String::as_str)
        .unwrap_or("8080");
    println!(
        "building (release), then serving the explorer at http://127.0.0.1:{port}/  (Ctrl-C stops)"
    );
    cmd::run(
        Command::new("trunk")
            .args(["serve", "--release", "--offline"])
            .args(args)
            .current_dir(root)
            .env("PATH", cmd::path_with_node_bin(root)),
    )
}
