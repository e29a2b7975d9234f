//! The page's address follows the controls: each panel the page mounted publishes what it
//! changed from its defaults, and at most every `THROTTLE_MS` the address is rewritten with
//! `history.replaceState` (no new history entry per slider step). Reloading or sending that
//! address restores every panel. Panels mounted from script (`mount`) have no address slot:
//! they never touch the host page's address.

use crate::spec::{write_changes, Field};
use gloo_timers::callback::Timeout;
use std::cell::RefCell;

/// Slider drags fire an event per pixel; the address needs far fewer writes than that.
const THROTTLE_MS: u32 = 250;

#[derive(Default)]
struct Book {
    /// Pairs every address keeps (`panel=neuron` in an embed).
    fixed: Vec<(String, String)>,
    /// What each slot published last, by slot number.
    parts: Vec<Vec<(String, String)>>,
    pending: Option<Timeout>,
}

thread_local! {
    static BOOK: RefCell<Book> = RefCell::new(Book::default());
}

/// Starts a fresh address book with the pairs every address keeps.
pub fn begin(fixed: Vec<(String, String)>) {
    BOOK.with(|b| {
        let mut b = b.borrow_mut();
        b.fixed = fixed;
        b.parts.clear();
        b.pending = None;
    });
}

/// A panel's place in the address; its keys carry `prefix` ("" in an embed).
#[derive(Clone, Debug)]
pub struct Address {
    slot: usize,
    prefix: &'static str,
}

impl Address {
    pub fn new(prefix: &'static str) -> Address {
        let slot = BOOK.with(|b| {
            let mut b = b.borrow_mut();
            b.parts.push(Vec::new());
            b.parts.len() - 1
        });
        Address { slot, prefix }
    }

    /// Publishes the settings' differences from `base` (the panel's defaults).
    pub fn publish<S>(&self, fields: &[Field<S>], s: &S, base: &S) {
        let pairs = write_changes(fields, s, base, self.prefix);
        BOOK.with(|b| {
            let mut b = b.borrow_mut();
            let Some(part) = b.parts.get_mut(self.slot) else {
                return;
            };
            if *part == pairs {
                return;
            }
            *part = pairs;
            if b.pending.is_none() {
                b.pending = Some(Timeout::new(THROTTLE_MS, flush));
            }
        });
    }
}

/// The query the book describes, "" when every panel is at its defaults.
fn compose(b: &Book) -> String {
    let mut out = form_urlencoded::Serializer::new(String::new());
    for (k, v) in b.fixed.iter().chain(b.parts.iter().flatten()) {
        out.append_pair(k, v);
    }
    out.finish()
}

fn flush() {
    let query = BOOK.with(|b| {
        let mut b = b.borrow_mut();
        b.pending = None;
        compose(&b)
    });
    let Some(window) = web_sys::window() else {
        return;
    };
    let location = window.location();
    let now = location.search().unwrap_or_default();
    let wanted = if query.is_empty() {
        String::new()
    } else {
        format!("?{query}")
    };
    if now == wanted {
        return;
    }
    let path = location.pathname().unwrap_or_default();
    let hash = location.hash().unwrap_or_default();
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(
            &wasm_bindgen::JsValue::NULL,
            "",
            Some(&format!("{path}{wanted}{hash}")),
        );
    }
}
