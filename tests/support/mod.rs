//! Helpers shared by the browser tests (tests/web*.rs): a host element to mount a panel in,
//! element lookups, events, canvas pixels and waiting without blocking the page.
#![allow(dead_code)] // each test file uses its own subset

use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, Element, Event, HtmlCanvasElement, HtmlElement};

/// A fresh `<div>` of the given CSS width at the end of the page.
pub fn host(width_px: u32) -> Element {
    let doc = web_sys::window().unwrap().document().unwrap();
    let host = doc.create_element("div").unwrap();
    host.set_attribute("style", &format!("width: {width_px}px"))
        .unwrap();
    doc.body().unwrap().append_child(&host).unwrap();
    host
}

/// The first element under `host` matching `selector`, as `T`; panics naming the selector.
pub fn find<T: JsCast>(host: &Element, selector: &str) -> T {
    host.query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("no element matches {selector}"))
        .dyn_into::<T>()
        .unwrap()
}

/// The text of the first element matching `selector`.
pub fn text(host: &Element, selector: &str) -> String {
    find::<Element>(host, selector)
        .text_content()
        .unwrap_or_default()
}

/// The button whose visible text is `label`.
pub fn button(host: &Element, label: &str) -> HtmlElement {
    let all = host.query_selector_all("button").unwrap();
    (0..all.length())
        .filter_map(|i| all.item(i).and_then(|n| n.dyn_into::<HtmlElement>().ok()))
        .find(|b| b.text_content().as_deref() == Some(label))
        .unwrap_or_else(|| panic!("no button {label}"))
}

/// Dispatches `event` (e.g. "input", "change") on `el`, as a browser does after user input.
pub fn fire(el: &Element, event: &str) {
    el.dispatch_event(&Event::new(event).unwrap()).unwrap();
}

/// The canvas's RGBA bytes.
pub fn pixels(canvas: &HtmlCanvasElement) -> Vec<u8> {
    let ctx: CanvasRenderingContext2d = canvas
        .get_context("2d")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    ctx.get_image_data(0.0, 0.0, canvas.width() as f64, canvas.height() as f64)
        .unwrap()
        .data()
        .0
}

/// How many pixels are within `tol` of a colour: how much of a curve or a band is drawn.
pub fn count_color(px: &[u8], rgb: (u8, u8, u8), tol: i32) -> usize {
    px.chunks_exact(4)
        .filter(|p| {
            (p[0] as i32 - rgb.0 as i32).abs() <= tol
                && (p[1] as i32 - rgb.1 as i32).abs() <= tol
                && (p[2] as i32 - rgb.2 as i32).abs() <= tol
        })
        .count()
}

/// Waits `ms` milliseconds, letting the page run its animation frames meanwhile.
pub async fn sleep(ms: i32) {
    let p = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
            .unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(p).await.unwrap();
}
