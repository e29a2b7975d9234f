//! `cargo xtask package [--out DIR]`: the npm package `dying-relu`, built by wasm-pack into
//! `pkg/` at the repository root (or DIR), ready for `npm pack`, `npm publish` or
//! `npm install DIR`.
//!
//! Offline, a plain `wasm-pack build` fails: it tries to download binaryen 130 for its
//! wasm-opt. Here wasm-pack runs with `--mode no-install` and npm's `wasm-opt` 132 (from
//! `tools/browser`) first on `PATH`, so it downloads nothing and still optimises the wasm.
//! `cargo xtask test` checks exactly this build (`tools/npm/check.mjs`).

use crate::cmd;
use crate::ensure::{self, Needs};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Where the package goes without `--out`, under the repository root (git-ignored).
pub const DEFAULT_OUT: &str = "pkg";

const USAGE: &str = "usage: cargo xtask package [--out DIR]";

pub fn run(root: &Path, args: &[String]) -> Result<(), String> {
    let out = match args {
        [] => root.join(DEFAULT_OUT),
        [flag, dir] if flag == "--out" => std::env::current_dir()
            .map_err(|e| format!("cannot read the current directory: {e}"))?
            .join(dir),
        _ => return Err(USAGE.into()),
    };
    // wasm-pack writes its own `.gitignore` (`*`), `README.md` and `package.json` there.
    if out.join("Cargo.toml").exists() {
        return Err(format!(
            "{} holds a Cargo.toml: wasm-pack would overwrite its .gitignore and README.md; \
             give the package a directory of its own",
            out.display()
        ));
    }
    ensure::ensure(root, Needs::PACKAGE)?;
    let files = build(root, &out)?;
    print_written(&out, &files);
    Ok(())
}

/// The wasm-pack command line: a release build for `<script type="module">` and bundlers
/// (`--target web`), no tool downloads (`--mode no-install`), npm's wasm-opt on `PATH`.
pub fn wasm_pack_build(root: &Path, out: &Path) -> Command {
    let mut c = Command::new("wasm-pack");
    c.args([
        "build",
        "--target",
        "web",
        "--release",
        "--mode",
        "no-install",
    ])
    .arg("--out-dir")
    // wasm-pack reads a relative --out-dir from the crate's directory, not the caller's.
    .arg(out)
    .current_dir(root)
    .env("PATH", cmd::path_with_node_bin(root));
    c
}

/// Builds the package into `out` (an absolute path) and lists the licence texts in its
/// `package.json`; returns the files written, with their sizes in bytes.
pub fn build(root: &Path, out: &Path) -> Result<Vec<(String, u64)>, String> {
    cmd::run(&mut wasm_pack_build(root, out))?;
    ship_sample(root, out)?;
    ship_licenses(out)?;
    written(out)
}

/// The network panel's "Try the sample" fetches `sample.csv` beside the page (it is a file of
/// the site, not part of the wasm): the package carries it for the host page to serve.
fn ship_sample(root: &Path, out: &Path) -> Result<(), String> {
    let from = root.join("www").join(SAMPLE);
    std::fs::copy(&from, out.join(SAMPLE))
        .map_err(|e| format!("cannot copy {} into the package: {e}", from.display()))?;
    Ok(())
}

/// The sample CSV's file name, in `www/` and in the package.
const SAMPLE: &str = "sample.csv";

/// wasm-pack copies `LICENSE-MIT` and `LICENSE-APACHE` into the package but lists only its
/// own files under `"files"`, and npm packs a licence file by itself only when it is named
/// LICENSE or LICENCE: without this the tarball would carry neither text (nor the sample,
/// which is listed here too).
fn ship_licenses(out: &Path) -> Result<(), String> {
    let file = out.join("package.json");
    let text = std::fs::read_to_string(&file)
        .map_err(|e| format!("cannot read {}: {e}", file.display()))?;
    let mut licenses: Vec<String> = std::fs::read_dir(out)
        .map_err(|e| format!("cannot list {}: {e}", out.display()))?
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|name| name.starts_with("LICENSE") || name.starts_with("LICENCE"))
        .chain(std::iter::once(SAMPLE.to_string()))
        .collect();
    licenses.sort();
    let updated = with_files(&text, &licenses)
        .ok_or_else(|| format!("{} has no \"files\" list", file.display()))?;
    if updated != text {
        std::fs::write(&file, updated)
            .map_err(|e| format!("cannot write {}: {e}", file.display()))?;
    }
    Ok(())
}

/// `package_json` with `extra` appended to its `"files": [...]` list (those not yet in it),
/// one entry a line as wasm-pack writes it; `None` without such a list.
fn with_files(package_json: &str, extra: &[String]) -> Option<String> {
    let key = package_json.find("\"files\"")?;
    let open = key + package_json[key..].find('[')?;
    let close = open + package_json[open..].find(']')?;
    let mut files: Vec<String> = package_json[open + 1..close]
        .split(',')
        .map(|f| f.trim().trim_matches('"').to_string())
        .filter(|f| !f.is_empty())
        .collect();
    let before = files.len();
    for name in extra {
        if !files.contains(name) {
            files.push(name.clone());
        }
    }
    if files.len() == before {
        return Some(package_json.to_string());
    }
    let line_start = package_json[..key].rfind('\n').map_or(0, |i| i + 1);
    let indent = &package_json[line_start..key];
    let items: Vec<String> = files
        .iter()
        .map(|f| format!("\n{indent}  \"{f}\""))
        .collect();
    Some(format!(
        "{}[{}\n{indent}]{}",
        &package_json[..open],
        items.join(","),
        &package_json[close + 1..]
    ))
}

/// The files in `out` (recursively, relative to it, sorted) with their sizes.
fn written(out: &Path) -> Result<Vec<(String, u64)>, String> {
    let mut files = Vec::new();
    let mut dirs = vec![PathBuf::new()];
    while let Some(rel) = dirs.pop() {
        let dir = out.join(&rel);
        let entries =
            std::fs::read_dir(&dir).map_err(|e| format!("cannot list {}: {e}", dir.display()))?;
        for entry in entries.filter_map(Result::ok) {
            let path = rel.join(entry.file_name());
            match entry.metadata() {
                Ok(m) if m.is_dir() => dirs.push(path),
                Ok(m) => files.push((path.to_string_lossy().into_owned(), m.len())),
                Err(_) => {}
            }
        }
    }
    files.sort();
    Ok(files)
}

/// What was written where, one file a line, and what to do with it.
pub fn print_written(out: &Path, files: &[(String, u64)]) {
    let meta = std::fs::read_to_string(out.join("package.json")).unwrap_or_default();
    let field = |key: &str| ensure::json_string(&meta, key).unwrap_or_else(|| "?".into());
    println!(
        "wrote the npm package {} {} to {}:",
        field("name"),
        field("version"),
        out.display()
    );
    let width = files.iter().map(|(f, _)| f.len()).max().unwrap_or(0);
    for (file, bytes) in files {
        println!("  {file:<width$}  {bytes:>8} bytes");
    }
    println!(
        "use it with `npm install {0}`, or `npm pack` / `npm publish` in {0}",
        out.display()
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    const WASM_PACK: &str = r#"{
  "name": "dying-relu",
  "files": [
    "dying_relu_bg.wasm",
    "dying_relu.js"
  ],
  "main": "dying_relu.js"
}"#;

    #[test]
    fn adds_licence_files_to_the_files_list() {
        let extra = ["LICENSE-APACHE".to_string(), "LICENSE-MIT".to_string()];
        let updated = with_files(WASM_PACK, &extra).unwrap();
        assert_eq!(
            updated,
            r#"{
  "name": "dying-relu",
  "files": [
    "dying_relu_bg.wasm",
    "dying_relu.js",
    "LICENSE-APACHE",
    "LICENSE-MIT"
  ],
  "main": "dying_relu.js"
}"#
        );
        // Twice is once.
        assert_eq!(with_files(&updated, &extra).unwrap(), updated);
        assert_eq!(with_files("{}", &extra), None);
    }
}
