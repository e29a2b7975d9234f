//! Canvases follow devicePixelRatio changes that come without a resize (browser zoom, a window
//! moved to another screen): the page then gets a `resize` event, which every panel already
//! redraws on.
//!
//! Two watchers: a media query for the current ratio fires `change` the moment the ratio
//! leaves it; and, because some environments never fire it (headless Chromium under device
//! emulation, seen here), the ratio is also compared twice a second, which costs one number
//! comparison.

use gloo_events::EventListener;
use gloo_timers::callback::{Interval, Timeout};
use std::cell::{Cell, RefCell};

/// How often the ratio is compared when no media-query event comes.
const POLL_MS: u32 = 500;

thread_local! {
    static WATCH: RefCell<Option<EventListener>> = const { RefCell::new(None) };
    static POLL: RefCell<Option<Interval>> = const { RefCell::new(None) };
    static LAST: Cell<f64> = const { Cell::new(0.0) };
    /// The pending re-arm after a change (kept, not leaked: a new change replaces it).
    static REARM: RefCell<Option<Timeout>> = const { RefCell::new(None) };
}

/// Notes the ratio the first charts are drawn at, before [`watch`] starts: a change in
/// between is then still seen.
pub fn note() {
    LAST.with(|l| l.set(ratio()));
}

/// Starts watching (once per page), against the ratio [`note`]d, or today's.
pub fn watch() {
    if POLL.with(|p| p.borrow().is_some()) {
        return;
    }
    if LAST.with(|l| l.get()) == 0.0 {
        note();
    }
    arm();
    POLL.with(|p| *p.borrow_mut() = Some(Interval::new(POLL_MS, check)));
}

fn ratio() -> f64 {
    web_sys::window().map_or(1.0, |w| w.device_pixel_ratio())
}

/// Sends `resize` when the ratio differs from the last one seen.
fn check() {
    let now = ratio();
    if LAST.with(|l| l.replace(now)) == now {
        return;
    }
    if let (Some(w), Ok(e)) = (web_sys::window(), web_sys::Event::new("resize")) {
        let _ = w.dispatch_event(&e);
    }
    // The old query no longer describes the screen: watch the new ratio, once the
    // listener that may have called us (which the new one replaces) has returned.
    let rearm = Timeout::new(0, arm);
    REARM.with(|r| *r.borrow_mut() = Some(rearm));
}

fn arm() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let query = format!("(resolution: {}dppx)", window.device_pixel_ratio());
    let Ok(Some(list)) = window.match_media(&query) else {
        return;
    };
    let listener = EventListener::new(&list, "change", |_| check());
    WATCH.with(|w| *w.borrow_mut() = Some(listener));
}
