//! `cargo xtask bench`: milliseconds per training epoch on seed 002, natively
//! (`examples/bench_native.rs`) and as wasm in headless Chromium (`bench_seed002` exported by
//! the app), printed as one JSON line on stdout. Everything else goes to stderr.

use crate::cmd::{self, Captured};
use crate::ensure::{self, Needs};
use crate::{scaling, site, static_server};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Seed 002's timed epochs (after an untimed one), natively and in the page.
const DEFAULT_EPOCHS: u32 = 3;

pub fn run(root: &Path, args: &[String]) -> Result<(), String> {
    let epochs_arg = parse_epochs(args)?;
    if !root.join("examples").join("bench_native.rs").is_file() {
        return Err(
            "examples/bench_native.rs does not exist yet: the native benchmark \
                    (printing one JSON line with \"native_ms_per_epoch\") is not written"
                .into(),
        );
    }
    ensure::ensure(
        root,
        Needs {
            browser: true,
            wasm_pack: false,
            trunk: true,
            python: false,
        },
    )?;
    let native_bench = build_native(root)?;
    let epochs = epochs_arg.unwrap_or(DEFAULT_EPOCHS);
    let wasm = run_page(root, epochs, &native_bench)?;
    println!("{}", results_line(&wasm.lines, epochs)?);
    Ok(())
}

/// `[]` or `["--epochs", N]`.
fn parse_epochs(args: &[String]) -> Result<Option<u32>, String> {
    match args {
        [] => Ok(None),
        [flag, n] if flag == "--epochs" => n
            .parse::<u32>()
            .map(Some)
            .map_err(|_| format!("--epochs wants a whole number, not `{n}`")),
        _ => Err("usage: cargo xtask bench [--epochs N]".into()),
    }
}

/// The native build of the same core; bench.mjs runs it right after the page's run of
/// each net (as it runs JAX), so every ratio compares two runs of the same minute.
fn build_native(root: &Path) -> Result<PathBuf, String> {
    eprintln!("==> native: cargo build --release --example bench_native");
    let mut build = Command::new("cargo");
    build
        .args(["build", "--release", "--quiet", "--example", "bench_native"])
        .current_dir(root);
    if !cmd::run_tee(&mut build, true).success() {
        return Err("building the native benchmark failed (see above)".into());
    }
    Ok(root
        .join("target")
        .join("release")
        .join("examples")
        .join("bench_native"))
}

/// The release site served on 127.0.0.1 and timed in headless Chromium by bench.mjs (which
/// also runs `native_bench` and JAX); its output lines.
fn run_page(root: &Path, epochs: u32, native_bench: &Path) -> Result<Captured, String> {
    eprintln!("==> wasm: release site in headless Chromium, bench_seed002({epochs})");
    let dist = site::build(root)?;
    let port = static_server::start(&dist).map_err(|e| format!("cannot serve dist/: {e}"))?;
    let mut node = Command::new("node");
    node.arg(cmd::browser_dir(root).join("bench.mjs"))
        .arg(format!("http://127.0.0.1:{port}/"))
        .arg(epochs.to_string())
        .env("CHROMIUM", ensure::CHROMIUM)
        .env("NATIVE_BENCH", native_bench)
        .current_dir(root);
    let wasm = cmd::run_tee(&mut node, true);
    if !wasm.success() {
        return Err("the wasm benchmark failed (see above)".into());
    }
    Ok(wasm)
}

/// The one JSON line of results, from what bench.mjs printed.
fn results_line(lines: &[String], epochs: u32) -> Result<String, String> {
    let number = |key: &str| lines.iter().find_map(|l| json_number(l, key));
    let wasm_ms =
        number("wasm_ms_per_epoch").ok_or("bench.mjs printed no \"wasm_ms_per_epoch\"")?;
    let native_ms =
        number("native_ms_per_epoch").ok_or("bench.mjs printed no \"native_ms_per_epoch\"")?;

    // The page-side figures bench.mjs reports besides the epoch time (null when missing).
    let page_figure = |key: &str| {
        number(key)
            // Sizes are exact; timings keep four significant digits.
            .map(|v| if key.ends_with("_bytes") { v } else { round(v) }.to_string())
            .unwrap_or_else(|| "null".into())
    };
    // The steady speed, once the browser's optimising compiler has caught up (epochs 2..).
    let native_later = number("native_later_ms_per_epoch");
    let wasm_later = number("wasm_later_ms_per_epoch");
    let ratio_later = match (wasm_later, native_later) {
        (Some(w), Some(n)) if n > 0.0 => Some(w / n),
        _ => None,
    };
    let ratio = if native_ms > 0.0 {
        wasm_ms / native_ms
    } else {
        f64::NAN
    };
    let opt = |v: Option<f64>| {
        v.map(|v| round(v).to_string())
            .unwrap_or_else(|| "null".into())
    };
    let mut fields = vec![
        ("native_ms_per_epoch", round(native_ms).to_string()),
        ("wasm_ms_per_epoch", round(wasm_ms).to_string()),
        ("ratio_wasm_over_native", round(ratio).to_string()),
        ("wasm_first_epoch_ms", page_figure("wasm_first_epoch_ms")),
        ("native_later_ms_per_epoch", opt(native_later)),
        (
            "wasm_later_ms_per_epoch",
            page_figure("wasm_later_ms_per_epoch"),
        ),
        ("ratio_later", opt(ratio_later)),
        ("epochs", epochs.to_string()),
    ];
    // Everything else bench.mjs measured in the page, under its own name.
    for key in PAGE_FIGURES.iter().chain(&DYING_FIGURES) {
        fields.push((key, page_figure(key)));
    }
    let (scaling, seed_jax) = wide_nets(lines);
    fields.push(("scaling", scaling));
    // Issue #29: the page's 4 x 64 epoch (data, statistics, drawing, the worker's start)
    // against the same net's training alone in this browser, measured in the same run.
    for (name, page_key, ms_key) in [
        // A running epoch (epochs 1 to 3 of a 3-epoch run: statistics, drawing and all).
        (
            "page_4x64_steady_over_training",
            "page_4x64_steady_epoch_ms",
            "later_ms_per_epoch",
        ),
        // A 1-epoch run from Train (the worker's start, the data, two statistics passes).
        (
            "page_4x64_over_training_first",
            "page_4x64_epoch_ms",
            "first_epoch_ms",
        ),
    ] {
        let alone = widest_training_ms(lines, ms_key);
        let ratio = match (number(page_key), alone) {
            (Some(p), Some(a)) if a > 0.0 => Some(p / a),
            _ => None,
        };
        fields.push((name, opt(ratio)));
    }
    let wasm_later_ms = wasm_later.unwrap_or(wasm_ms);
    fields.push(("jax_seed002_ms_per_epoch", opt(seed_jax)));
    fields.push((
        "wasm_seed002_over_jax",
        opt(seed_jax.map(|j| wasm_later_ms / j)),
    ));
    let body: Vec<String> = fields.iter().map(|(k, v)| format!("\"{k}\":{v}")).collect();
    Ok(format!("{{{}}}", body.join(",")))
}

/// The wasm training-only time (`ms_key`) of the 4 × 64 net in the scaling rows.
fn widest_training_ms(wasm_lines: &[String], ms_key: &str) -> Option<f64> {
    let line = wasm_lines.iter().find(|l| l.contains("\"wasm_scaling\""))?;
    scaling::rows(line, "wasm_scaling", ms_key)
        .iter()
        .find(|r| r.width == 64.0)
        .map(|r| r.ms)
}

/// The wide-net table (native, page, JAX) and JAX's seed-002 epoch, when JAX is at hand.
/// bench.mjs runs the native build and JAX itself, right after the page's run of the same
/// net, so that a ratio compares runs of the same minute.
fn wide_nets(wasm_lines: &[String]) -> (String, Option<f64>) {
    let line = wasm_lines
        .iter()
        .find(|l| l.contains("\"wasm_scaling\""))
        .map(String::as_str)
        .unwrap_or_default();
    let native = scaling::rows(line, "native_scaling", "later_ms_per_epoch");
    let wasm = scaling::rows(line, "wasm_scaling", "later_ms_per_epoch");
    let jax = scaling::rows(line, "jax_scaling", "ms_per_epoch");
    let seed = json_number(line, "jax_seed002_ms");
    (scaling::table(&native, &wasm, &jax), seed)
}

/// "Where neurons die" (tools/browser/dying_bench.mjs): the 20 x 20 phase map's time with one
/// worker, with a worker per core, with the page's default (every core but one) and on the
/// main thread, measured in the same run, and the main thread's longest task and longest
/// redraw while the workers filled it; the same map with the warmup axis (issue 27) through
/// the page's default workers: its time, longest main-thread task and tasks over 50 ms.
const DYING_FIGURES: [&str; 17] = [
    "dying_warmup_map_20x20_ms",
    "dying_warmup_max_long_task_ms",
    "dying_warmup_long_tasks",
    "dying_map_20x20_1_worker_ms",
    "dying_map_20x20_all_cores_ms",
    "dying_all_cores_workers",
    "dying_all_cores_max_long_task_ms",
    "dying_map_20x20_all_workers_ms",
    "dying_workers",
    "dying_ratio_1_over_all",
    "dying_ratio_1_over_all_cores",
    "dying_max_long_task_ms",
    "dying_long_tasks",
    "dying_max_draw_ms",
    "dying_map_20x20_main_thread_ms",
    "dying_main_thread_max_frame_ms",
    "dying_main_thread_long_tasks",
];

/// The page's own figures that bench.mjs prints, copied into the one line of results.
const PAGE_FIGURES: [&str; 29] = [
    "slider_redraw_median_ms",
    "slider_redraw_p95_ms",
    "page_5_epochs_ms",
    "page_max_frame_work_ms",
    "page_long_tasks",
    "page_max_long_task_ms",
    "page_4x64_epoch_ms",
    "page_4x64_max_frame_work_ms",
    "page_4x64_long_tasks",
    "page_4x64_steady_epoch_ms",
    "page_4x64_steady_long_tasks",
    "page_4x64_statistics_by_helper",
    "page_spiral_ms_per_epoch",
    "page_spiral_long_tasks",
    "page_spiral_max_frame_work_ms",
    "atlas_4x8_redraw_2x_median_ms",
    "atlas_4x8_redraw_2x_p95_ms",
    "plane_redraw_2x_median_ms",
    "ready_ms_median_of_5",
    "complete_ms_median_of_5",
    "first_paint_ms_median_of_5",
    "load_longest_task_ms",
    "load_longest_task_start_ms",
    "load_longest_task_script_ms",
    "load_longest_script_ms",
    "wasm_bytes",
    "wasm_gzip_bytes",
    "first_screen_wasm_bytes",
    "first_screen_wasm_gzip_bytes",
];

/// Four significant digits are plenty for a timing.
fn round(x: f64) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    let scale = 10f64.powi(3 - x.abs().log10().floor() as i32);
    (x * scale).round() / scale
}

/// The number after `"key":` in a one-line JSON object.
fn json_number(line: &str, key: &str) -> Option<f64> {
    let start = line.find(&format!("\"{key}\""))? + key.len() + 2;
    let rest = line[start..].trim_start().strip_prefix(':')?.trim_start();
    let end = rest
        .find(|c: char| !(c.is_ascii_digit() || "+-.eE".contains(c)))
        .unwrap_or(rest.len());
    rest[..end].parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_numbers_from_json_lines() {
        let line = r#"{"native_ms_per_epoch": 1.25e-1, "epochs":300}"#;
        assert_eq!(json_number(line, "native_ms_per_epoch"), Some(0.125));
        assert_eq!(json_number(line, "epochs"), Some(300.0));
        assert_eq!(json_number(line, "wasm_ms_per_epoch"), None);
        assert_eq!(round(0.123456), 0.1235);
        assert_eq!(round(1234.56), 1235.0);
    }
}
