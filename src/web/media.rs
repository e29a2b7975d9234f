//! What the page asks of the browser beyond the DOM: the clock, media queries (asked once
//! each, answered live), reduced motion and window resizes.

use gloo_events::EventListener;
use std::cell::RefCell;
use wasm_bindgen::JsValue;

/// Milliseconds since navigation start (`performance.now()`), or 0 where there is no window.
pub fn now() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map(|p| p.now())
        .unwrap_or(0.0)
}

thread_local! {
    /// The media queries asked so far. A `MediaQueryList` answers live, so one per query
    /// serves the page's life; `matchMedia` itself parses and evaluates the query anew on every
    /// call, and every chart drawing and every training frame asks.
    static MEDIA: RefCell<Vec<(String, web_sys::MediaQueryList)>> = const { RefCell::new(Vec::new()) };
}

/// Whether a CSS media query matches now (false where there is no window).
pub fn media_matches(query: &str) -> bool {
    MEDIA.with(|m| {
        let mut m = m.borrow_mut();
        if let Some((_, list)) = m.iter().find(|(q, _)| q == query) {
            return list.matches();
        }
        let Some(list) = web_sys::window().and_then(|w| w.match_media(query).ok().flatten()) else {
            return false;
        };
        let matches = list.matches();
        m.push((query.to_string(), list));
        matches
    })
}

/// Whether the reader asked for less motion: running charts then redraw a few times a second
/// instead of every frame (the training itself runs at full speed).
fn prefers_reduced_motion() -> bool {
    media_matches("(prefers-reduced-motion: reduce)")
}

/// Frames between redraws of a running chart: every frame, or about 4 a second with reduced
/// motion.
pub fn frames_per_redraw() -> u32 {
    if prefers_reduced_motion() {
        15
    } else {
        1
    }
}

/// Calls `redraw` when the window is resized, so canvases follow the layout's width.
pub fn on_resize(redraw: impl Fn() + 'static) -> Result<EventListener, JsValue> {
    let window = web_sys::window().ok_or_else(|| JsValue::from_str("no window"))?;
    Ok(EventListener::new(&window, "resize", move |_| redraw()))
}
