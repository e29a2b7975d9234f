//! Canvases follow devicePixelRatio changes that come without a resize (browser zoom, a window
//! moved to another screen): a media query for the current ratio fires `change` when the ratio
//! leaves it, and the page then gets a `resize` event, which every panel already redraws on.

use gloo_events::EventListener;
use std::cell::RefCell;

thread_local! {
    static WATCH: RefCell<Option<EventListener>> = const { RefCell::new(None) };
}

/// Starts watching (once per page); each change re-arms the watch for the new ratio.
pub fn watch() {
    if WATCH.with(|w| w.borrow().is_none()) {
        arm();
    }
}

fn arm() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let query = format!("(resolution: {}dppx)", window.device_pixel_ratio());
    let Ok(Some(list)) = window.match_media(&query) else {
        return;
    };
    let listener = EventListener::new(&list, "change", move |_| {
        if let Some(w) = web_sys::window() {
            if let Ok(e) = web_sys::Event::new("resize") {
                let _ = w.dispatch_event(&e);
            }
        }
        // The old query no longer describes the screen: watch the new ratio, once this
        // listener (which the new one replaces) has returned.
        gloo_timers::callback::Timeout::new(0, arm).forget();
    });
    WATCH.with(|w| *w.borrow_mut() = Some(listener));
}
