//! What JavaScript calls: `mount` with its arguments checked (a clear error naming the
//! argument, never a bare TypeError) and a handle to remove the panel, and the benchmark.

use super::{mount as mount_panel, unmount};
use crate::panels;
use crate::spec::echo;
use wasm_bindgen::prelude::*;
use web_sys::Element;

/// A mounted panel, as JavaScript holds it.
#[wasm_bindgen]
pub struct PanelHandle {
    host: Element,
}

#[wasm_bindgen]
impl PanelHandle {
    /// Removes the panel: its elements, its listeners and its frame loop.
    pub fn destroy(&self) {
        unmount(&self.host);
    }
}

/// `mount(element, panel, query)`: mounts a panel into `element`, preset by `query` (a
/// string such as "f=elu&alpha=0.5", or nothing). Throws an Error naming the argument that
/// is wrong.
#[wasm_bindgen(js_name = mount)]
pub fn mount_js(host: JsValue, panel: JsValue, query: JsValue) -> Result<PanelHandle, JsError> {
    let host: Element = host.dyn_into().map_err(|v: JsValue| {
        JsError::new(&format!(
            "mount: the first argument (element) must be a DOM element to mount the panel in, not {}",
            describe(&v)
        ))
    })?;
    let panel = panel.as_string().ok_or_else(|| {
        JsError::new(&format!(
            "mount: the second argument (panel) must be a panel's name ({}), not {}",
            panels::names(),
            describe(&panel)
        ))
    })?;
    let query = if query.is_undefined() || query.is_null() {
        String::new()
    } else {
        query.as_string().ok_or_else(|| {
            JsError::new(&format!(
                "mount: the third argument (query) must be a string such as \"f=elu&alpha=0.5\", not {}",
                describe(&query)
            ))
        })?
    };
    if panels::find(&panel).is_none() {
        return Err(JsError::new(&format!(
            "mount: the second argument (panel) names no panel: “{}”; the panels are: {}",
            echo(&panel),
            panels::names()
        )));
    }
    mount_panel(&host, &panel, &query)
        .map_err(|e| JsError::new(&format!("mount: {}", super::errors::describe(&e))))?;
    Ok(PanelHandle { host })
}

/// "null", "undefined", "a number", ...: what was given instead, without echoing it whole.
fn describe(v: &JsValue) -> String {
    if v.is_null() {
        "null".into()
    } else if v.is_undefined() {
        "undefined (missing)".into()
    } else if v.as_f64().is_some() {
        "a number".into()
    } else if v.as_string().is_some() {
        "a string".into()
    } else if v.is_function() {
        "a function".into()
    } else {
        "an object of another kind".into()
    }
}

/// Times seed 002's training in this browser (see `sim::bench`) and returns one JSON object:
/// what `cargo xtask bench` reads. Runs on the main thread: call it from a script, not a panel.
#[cfg(feature = "lab")]
#[wasm_bindgen]
pub fn bench_seed002(epochs: u32) -> String {
    let performance = web_sys::window().and_then(|w| w.performance());
    let clock = move || performance.as_ref().map(|p| p.now()).unwrap_or(0.0);
    use crate::sim::bench::json_number;
    let r = crate::sim::bench::bench_seed002(epochs.clamp(1, 1000) as usize, clock);
    format!(
        "{{\"ms_per_epoch\":{},\"first_epoch_ms\":{},\"later_ms_per_epoch\":{},\"epochs\":{},\"samples_per_epoch\":{},\"final_loss\":{},\"simd128\":{}}}",
        json_number(r.ms_per_epoch),
        json_number(r.first_epoch_ms),
        json_number(r.later_ms_per_epoch),
        r.epochs,
        r.samples,
        json_number(r.final_loss),
        cfg!(target_feature = "simd128")
    )
}

/// Times 4 hidden SELU layers of widths 8, 16, 32 and 64 (or only `width`, 1 to 256) on seed
/// 002's data in this browser (see `sim::bench::bench_scaling_json`): a JSON array of ms per
/// epoch and GFLOP/s. Blocks the main thread for seconds: call it from a script, not a panel.
#[cfg(feature = "lab")]
#[wasm_bindgen]
pub fn bench_scaling(epochs: u32, width: Option<u32>) -> String {
    let performance = web_sys::window().and_then(|w| w.performance());
    let clock = move || performance.as_ref().map(|p| p.now()).unwrap_or(0.0);
    let widths = match width {
        Some(w) => vec![w.clamp(1, 256) as usize],
        None => crate::sim::bench::SCALING_WIDTHS.to_vec(),
    };
    crate::sim::bench::bench_scaling_json(&widths, epochs.clamp(1, 100) as usize, clock)
}

/// `panels()`: the registry, as `[{name, prefix, title, keys: [...]}, …]` in the page's order,
/// for scripts that look at every panel (the browser checks loop over it, as the native tests
/// loop over `panels::PANELS`).
#[wasm_bindgen(js_name = panels)]
pub fn panels_js() -> js_sys::Array {
    let out = js_sys::Array::new();
    for p in panels::PANELS {
        let row = js_sys::Object::new();
        let keys: js_sys::Array = p.keys().into_iter().map(JsValue::from_str).collect();
        for (k, v) in [
            ("name", JsValue::from_str(p.name)),
            ("prefix", JsValue::from_str(p.prefix)),
            ("title", JsValue::from_str(p.title)),
            ("keys", keys.into()),
        ] {
            // Setting a property on a fresh plain object cannot fail.
            let _ = js_sys::Reflect::set(&row, &JsValue::from_str(k), &v);
        }
        out.push(&row);
    }
    out
}
