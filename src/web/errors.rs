//! No silent failure: every error and panic shows on the page, not only in the console.

use wasm_bindgen::{JsCast, JsValue};

/// Shows a visible banner (role=alert) at the top of the page and marks the body, so the
/// smoke test and a person both notice.
pub fn show_error(message: &str) {
    web_sys::console::error_1(&JsValue::from_str(message));
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Some(body) = doc.body() else { return };
    let banner = match doc.get_element_by_id("error-banner") {
        Some(b) => b,
        None => {
            let Ok(b) = doc.create_element("div") else {
                return;
            };
            b.set_id("error-banner");
            let _ = b.set_attribute("role", "alert");
            let _ = body.prepend_with_node_1(&b);
            b
        }
    };
    banner.set_text_content(Some(message));
    let _ = body.set_attribute("data-error", "true");
}

/// Text for an error value from JS or from our own code.
pub fn describe(err: &JsValue) -> String {
    err.as_string()
        .or_else(|| {
            err.dyn_ref::<js_sys::Error>()
                .map(|e| String::from(e.message()))
        })
        .unwrap_or_else(|| format!("{err:?}"))
}

/// Panics go to the console with a stack (console_error_panic_hook) and to the banner.
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        show_error(&format!(
            "The explorer hit an internal error and stopped: {info}. Reloading the page starts it again; please report this."
        ));
    }));
}
