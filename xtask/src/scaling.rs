//! The wide-net part of `cargo xtask bench`: ms per epoch and GFLOP/s for 4 hidden SELU layers
//! of widths 8 to 64, natively (bench_native's "scaling"), in the page (bench.mjs's
//! "wasm_scaling") and, when a Python with JAX is at hand, in JAX (`tools/jax/bench_jax.py`,
//! the whole epoch one jitted `lax.scan`, run by bench.mjs right after the page's run of each
//! width: "jax_scaling"), side by side with the ratios.

/// One width's figures from one of the three.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Row {
    pub width: f64,
    pub ms: f64,
    pub gflop: f64,
}

/// The objects of the array under `"key"` in a one-line JSON text, as rows; `ms_key` names
/// the time to read.
pub fn rows(line: &str, key: &str, ms_key: &str) -> Vec<Row> {
    let Some(start) = line.find(&format!("\"{key}\"")) else {
        return Vec::new();
    };
    let rest = &line[start..];
    let Some(open) = rest.find('[') else {
        return Vec::new();
    };
    // The array's own closing bracket: objects may hold arrays of their own.
    let mut depth = 0;
    let close = rest[open..].char_indices().find_map(|(i, c)| {
        match c {
            '[' => depth += 1,
            ']' => depth -= 1,
            _ => {}
        }
        (depth == 0).then_some(open + i)
    });
    let Some(close) = close else {
        return Vec::new();
    };
    rest[open + 1..close]
        .split('}')
        .filter_map(|obj| {
            Some(Row {
                width: number(obj, "width")?,
                ms: number(obj, ms_key)?,
                gflop: number(obj, "gflop_per_epoch")?,
            })
        })
        .collect()
}

/// The number after `"key":` (first occurrence).
pub fn number(text: &str, key: &str) -> Option<f64> {
    let start = text.find(&format!("\"{key}\""))? + key.len() + 2;
    let rest = text[start..].trim_start().strip_prefix(':')?.trim_start();
    let end = rest
        .find(|c: char| !(c.is_ascii_digit() || "+-.eE".contains(c)))
        .unwrap_or(rest.len());
    rest[..end].parse().ok()
}

/// `"scaling":[{width, native_ms, native_gflops, wasm_ms, ..., wasm_over_jax}, ...]`.
pub fn table(native: &[Row], wasm: &[Row], jax: &[Row]) -> String {
    let find = |rows: &[Row], w: f64| rows.iter().copied().find(|r| r.width == w);
    let fmt = |v: Option<f64>| {
        v.map(|v| format!("{}", round(v)))
            .unwrap_or_else(|| "null".into())
    };
    let items: Vec<String> = native
        .iter()
        .map(|n| {
            let (w, j) = (find(wasm, n.width), find(jax, n.width));
            let gflops = |r: Option<Row>| r.map(|r| r.gflop / (r.ms * 1e-3));
            let ratio = match (w, j) {
                (Some(w), Some(j)) if j.ms > 0.0 => Some(w.ms / j.ms),
                _ => None,
            };
            format!(
                "{{\"width\":{},\"native_ms\":{},\"native_gflops\":{},\"wasm_ms\":{},\"wasm_gflops\":{},\"jax_ms\":{},\"jax_gflops\":{},\"wasm_over_jax\":{}}}",
                n.width,
                fmt(Some(n.ms)),
                fmt(gflops(Some(*n))),
                fmt(w.map(|r| r.ms)),
                fmt(gflops(w)),
                fmt(j.map(|r| r.ms)),
                fmt(gflops(j)),
                fmt(ratio)
            )
        })
        .collect();
    format!("[{}]", items.join(","))
}

fn round(x: f64) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    let scale = 10f64.powi(3 - x.abs().log10().floor() as i32);
    (x * scale).round() / scale
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_rows_and_lines_them_up_by_width() {
        let native = r#"{"native_ms_per_epoch": 20, "scaling": [{"width":8,"later_ms_per_epoch":75,"gflop_per_epoch":0.186},{"width":64,"later_ms_per_epoch":1000,"gflop_per_epoch":10.5}]}"#;
        let jax = r#"{"seed002": {"width": 8, "ms_per_epoch": 200}, "jax_version": "0.10", "jax": [{"width": 32, "ms_per_epoch": 250.0, "later_ms": [240.0, 260.0], "gflop_per_epoch": 2.7}, {"width": 64, "ms_per_epoch": 500.0, "later_ms": [490.0, 510.0], "gflop_per_epoch": 10.5}]}"#;
        let n = rows(native, "scaling", "later_ms_per_epoch");
        assert_eq!(n.len(), 2);
        assert_eq!(
            n[1],
            Row {
                width: 64.0,
                ms: 1000.0,
                gflop: 10.5
            }
        );
        let j = rows(jax, "jax", "ms_per_epoch");
        assert_eq!(j.len(), 2, "nested arrays do not end the list: {j:?}");
        assert_eq!(
            j[1],
            Row {
                width: 64.0,
                ms: 500.0,
                gflop: 10.5
            }
        );
        let t = table(&n, &n, &j);
        assert!(
            t.contains("\"width\":64,\"native_ms\":1000,\"native_gflops\":10.5,"),
            "{t}"
        );
        assert!(t.contains("\"wasm_over_jax\":2}"), "{t}");
        assert!(
            t.contains("\"jax_ms\":null"),
            "width 8 has no JAX figure: {t}"
        );
    }
}
