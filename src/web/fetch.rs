//! Text fetched from the site: files Trunk copies next to the page (the sample CSV), which
//! the wasm then need not carry.

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// The text at `url` (relative to the page), or why it could not be had, in words.
pub async fn text(url: &str) -> Result<String, String> {
    let window = web_sys::window().ok_or("there is no window")?;
    let response = JsFuture::from(window.fetch_with_str(url))
        .await
        .map_err(|e| reason(&e))?;
    let response: web_sys::Response = response
        .dyn_into()
        .map_err(|_| "the answer was not a response".to_string())?;
    if !response.ok() {
        return Err(format!("HTTP {} for {url}", response.status()));
    }
    let text = JsFuture::from(response.text().map_err(|e| reason(&e))?)
        .await
        .map_err(|e| reason(&e))?;
    text.as_string()
        .ok_or_else(|| "the answer was not text".to_string())
}

/// A failed request's message (a network failure rejects with a TypeError).
fn reason(e: &JsValue) -> String {
    e.dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| e.as_string())
        .unwrap_or_else(|| "the request failed".to_string())
}
