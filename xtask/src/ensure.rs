//! Makes sure every tool is present at the right version, installing only what is missing.
//! One short line per tool: `ok trunk 0.21.14` or `installing ...`.

use crate::cmd::{self, probe};
use crate::lock;
use std::path::Path;
use std::process::{Command, Stdio};

pub const TRUNK_VERSION: &str = "0.21.14";
/// npm's `binaryen` package; Trunk.toml asks for `wasm_opt = "version_132"`.
pub const WASM_OPT_VERSION: &str = "132";
pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const TARGET: &str = "wasm32-unknown-unknown";

/// One tool's check-then-install step.
type Step = fn(&Path) -> Result<(), String>;

/// Which groups of tools a command needs.
#[derive(Clone, Copy)]
pub struct Needs {
    /// Chromium and chromedriver (headless tests, smoke test, bench).
    pub browser: bool,
    /// wasm-pack (the in-browser unit tests, the npm package).
    pub wasm_pack: bool,
    /// Trunk (the site).
    pub trunk: bool,
    /// A Python with numpy for the native tests that run the exported scripts' numpy code
    /// (`target/pyvenv`; never PyTorch, TensorFlow or JAX).
    pub python: bool,
}

impl Needs {
    pub const ALL: Needs = Needs {
        browser: true,
        wasm_pack: true,
        trunk: true,
        python: true,
    };
    /// `serve` only builds the site: no browser, no wasm-pack.
    pub const SITE: Needs = Needs {
        browser: false,
        wasm_pack: false,
        trunk: true,
        python: false,
    };
    /// `package` builds the npm package: wasm-pack and npm's wasm-opt, no Trunk, no browser.
    pub const PACKAGE: Needs = Needs {
        browser: false,
        wasm_pack: true,
        trunk: false,
        python: false,
    };
}

/// Ensures every tool in `needs`; reports all problems at the end rather than the first.
pub fn ensure(root: &Path, needs: Needs) -> Result<(), String> {
    let mut steps: Vec<Step> = vec![rust_components, wasm_target, wasm_bindgen_cli];
    if needs.trunk {
        steps.push(trunk);
    }
    steps.push(npm_tools);
    if needs.wasm_pack {
        steps.push(wasm_pack);
    }
    if needs.browser {
        steps.push(chromium);
    }
    if needs.python {
        steps.push(python_numpy);
    }
    let errors: Vec<String> = steps.iter().filter_map(|step| step(root).err()).collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(format!("tools missing:\n  {}", errors.join("\n  ")))
    }
}

/// Runs an installer with its stdout sent to stderr: `cargo xtask bench` keeps stdout for its JSON.
fn install(command: &mut Command) -> Result<(), String> {
    cmd::run(command.stdout(Stdio::from(std::io::stderr())))
}

fn ok(what: &str) {
    eprintln!("ok {what}");
}

fn installing(what: &str) {
    eprintln!("installing {what}");
}

/// numpy for the tests' Python, pinned: the scripts' definitions of dead are numpy code.
pub const NUMPY: &str = "2.4.6";
/// jsonschema, pinned: the page's and the probes' reports are validated against the schema.
pub const JSONSCHEMA: &str = "4.26.0";

/// The test's Python: `target/pyvenv`, whose `bin` the native tests put first on PATH.
pub fn python_venv(root: &Path) -> std::path::PathBuf {
    root.join("target").join("pyvenv")
}

/// A venv with numpy NUMPY in target/pyvenv, made with the machine's python3 when missing.
fn python_numpy(root: &Path) -> Result<(), String> {
    let venv = python_venv(root);
    let python = venv.join("bin").join("python");
    let versions =
        "import numpy, importlib.metadata as m; print(numpy.__version__, m.version('jsonschema'))";
    let have = python.to_str().and_then(|py| probe(py, &["-c", versions]));
    let want = format!("{NUMPY} {JSONSCHEMA}");
    if have.as_deref().map(str::trim) == Some(want.as_str()) {
        ok(&format!(
            "numpy {NUMPY}, jsonschema {JSONSCHEMA} (target/pyvenv)"
        ));
        return Ok(());
    }
    installing(&format!(
        "numpy {NUMPY}, jsonschema {JSONSCHEMA} into target/pyvenv"
    ));
    let venv_arg = venv.to_string_lossy().to_string();
    install(Command::new("python3").args(["-m", "venv", &venv_arg]))?;
    install(Command::new(&python).args([
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
        &format!("numpy=={NUMPY}"),
        &format!("jsonschema=={JSONSCHEMA}"),
    ]))
}

fn rust_components(_root: &Path) -> Result<(), String> {
    for (component, args) in [
        ("rustfmt", ["fmt", "--version"]),
        ("clippy", ["clippy", "--version"]),
    ] {
        if probe("cargo", &args).is_some() {
            continue;
        }
        installing(&format!("rustup component {component}"));
        install(Command::new("rustup").args(["component", "add", component]))?;
    }
    ok("rustfmt, clippy");
    Ok(())
}

fn wasm_target(_root: &Path) -> Result<(), String> {
    let installed = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output()
        .map_err(|e| format!("rustup not found ({e}); install it from https://rustup.rs"))?;
    if String::from_utf8_lossy(&installed.stdout)
        .lines()
        .any(|l| l.trim() == TARGET)
    {
        ok(&format!("rustup target {TARGET}"));
        return Ok(());
    }
    installing(&format!("rustup target {TARGET}"));
    install(Command::new("rustup").args(["target", "add", TARGET]))
}

/// `wasm-bindgen` and `wasm-bindgen-test-runner` at exactly Cargo.lock's version.
/// Without `--locked`: the CLI's own lock file names a crate the registry no longer serves.
fn wasm_bindgen_cli(root: &Path) -> Result<(), String> {
    let version = lock::wasm_bindgen_version(root)?;
    let want = format!("wasm-bindgen {version}");
    let runner = format!("wasm-bindgen-test-runner {version}");
    let current = || {
        probe("wasm-bindgen", &["--version"]).as_deref() == Some(want.as_str())
            && probe("wasm-bindgen-test-runner", &["--version"]).as_deref() == Some(runner.as_str())
    };
    if !current() {
        installing(&format!(
            "wasm-bindgen-cli {version} (cargo install, a few minutes)"
        ));
        install(Command::new("cargo").args([
            "install",
            "wasm-bindgen-cli",
            "--version",
            &version,
        ]))?;
        if !current() {
            return Err(format!(
                "wasm-bindgen-cli {version} installed but `wasm-bindgen --version` differs: \
                 is ~/.cargo/bin first on PATH?"
            ));
        }
    }
    ok(&format!("wasm-bindgen-cli {version}"));
    match lock::trunk_toml_value(root, "tools", "wasm_bindgen") {
        Some(v) if v == version => Ok(()),
        other => Err(format!(
            "Trunk.toml [tools] wasm_bindgen is {other:?} but Cargo.lock has wasm-bindgen \
             {version}: set wasm_bindgen = \"{version}\" in Trunk.toml"
        )),
    }
}

fn wasm_pack(_root: &Path) -> Result<(), String> {
    if let Some(v) = probe("wasm-pack", &["--version"]) {
        ok(&v);
        return Ok(());
    }
    installing("wasm-pack (cargo install wasm-pack --locked, ~3 min)");
    install(Command::new("cargo").args(["install", "wasm-pack", "--locked"]))?;
    let v = probe("wasm-pack", &["--version"])
        .ok_or("wasm-pack installed but not found: is ~/.cargo/bin on PATH?")?;
    ok(&v);
    Ok(())
}

/// Trunk 0.21.14: 0.22 needs a newer rustc than 1.95.
fn trunk(_root: &Path) -> Result<(), String> {
    let want = format!("trunk {TRUNK_VERSION}");
    if probe("trunk", &["--version"]).as_deref() != Some(want.as_str()) {
        installing(&format!(
            "trunk {TRUNK_VERSION} (cargo install, ~12 min on 2 cores)"
        ));
        install(Command::new("cargo").args([
            "install",
            "trunk",
            "--version",
            TRUNK_VERSION,
            "--locked",
        ]))?;
        if probe("trunk", &["--version"]).as_deref() != Some(want.as_str()) {
            return Err(format!(
                "trunk {TRUNK_VERSION} installed but `trunk --version` differs: \
                 is ~/.cargo/bin first on PATH?"
            ));
        }
    }
    ok(&want);
    Ok(())
}

/// Debian's chromium and chromium-driver, from apt (sudo only when not root).
fn chromium(_root: &Path) -> Result<(), String> {
    let present = || Path::new(CHROMIUM).exists() && Path::new(CHROMEDRIVER).exists();
    if !present() {
        installing("chromium chromium-driver (apt-get)");
        let root_user = probe("id", &["-u"]).as_deref() == Some("0");
        let apt = |args: &[&str]| {
            let mut c = if root_user {
                Command::new("apt-get")
            } else {
                let mut c = Command::new("sudo");
                c.arg("apt-get");
                c
            };
            c.args(args).env("DEBIAN_FRONTEND", "noninteractive");
            install(&mut c)
        };
        apt(&["update"])?;
        apt(&["install", "-y", "chromium", "chromium-driver"])?;
        if !present() {
            return Err(format!(
                "apt installed chromium but {CHROMIUM} or {CHROMEDRIVER} is missing"
            ));
        }
    }
    let version = probe(CHROMIUM, &["--version"]).unwrap_or_else(|| "chromium".into());
    ok(&format!("{version} + chromedriver"));
    Ok(())
}

/// `npm ci` in tools/browser when node_modules is missing or older than the lock file:
/// playwright-core (drives /usr/bin/chromium) and binaryen (the wasm-opt of Trunk and of
/// wasm-pack, which would otherwise download its own).
fn npm_tools(root: &Path) -> Result<(), String> {
    let dir = cmd::browser_dir(root);
    let modules = dir.join("node_modules");
    let installed_lock = modules.join(".package-lock.json");
    let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    let stale = match modified(&installed_lock) {
        None => true,
        Some(installed) => ["package.json", "package-lock.json"]
            .iter()
            .any(|f| modified(&dir.join(f)).is_some_and(|m| m > installed)),
    };
    let wasm_opt = modules.join(".bin").join("wasm-opt");
    let wasm_opt_ok = || {
        probe(&wasm_opt.to_string_lossy(), &["--version"])
            .is_some_and(|v| v.contains(&format!("version {WASM_OPT_VERSION}")))
    };
    if stale || !wasm_opt_ok() || !modules.join("playwright-core").exists() {
        installing("npm packages in tools/browser (npm ci)");
        install(
            Command::new("npm")
                .args(["ci", "--no-audit", "--no-fund"])
                .current_dir(&dir),
        )?;
        if !wasm_opt_ok() {
            return Err(format!(
                "{} is not wasm-opt version {WASM_OPT_VERSION}",
                wasm_opt.display()
            ));
        }
    }
    let playwright = std::fs::read_to_string(modules.join("playwright-core").join("package.json"))
        .ok()
        .and_then(|text| json_string(&text, "version"))
        .unwrap_or_else(|| "?".into());
    ok(&format!(
        "wasm-opt {WASM_OPT_VERSION} (npm binaryen), playwright-core {playwright}"
    ));
    Ok(())
}

/// The first `"key": "value"` string in a JSON text (enough for a package.json version).
pub fn json_string(text: &str, key: &str) -> Option<String> {
    let start = text.find(&format!("\"{key}\""))? + key.len() + 2;
    let rest = text[start..].trim_start().strip_prefix(':')?.trim_start();
    let rest = rest.strip_prefix('"')?;
    Some(rest[..rest.find('"')?].to_string())
}
