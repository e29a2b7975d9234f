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
    /// What each panel published last, by its prefix: a panel mounted again (a story step)
    /// takes over its old slot.
    parts: Vec<(&'static str, Vec<(String, String)>)>,
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

/// Sets (or with `None` removes) a pair every address keeps, such as the story's `step=4`.
pub fn set_fixed(key: &str, value: Option<&str>) {
    BOOK.with(|b| {
        let mut b = b.borrow_mut();
        let at = b.fixed.iter().position(|(k, _)| k == key);
        match (at, value) {
            (Some(i), Some(v)) if b.fixed[i].1 == v => return,
            (Some(i), Some(v)) => b.fixed[i].1 = v.to_string(),
            (None, Some(v)) => b.fixed.push((key.to_string(), v.to_string())),
            (Some(i), None) => {
                b.fixed.remove(i);
            }
            (None, None) => return,
        }
        if b.pending.is_none() {
            b.pending = Some(Timeout::new(THROTTLE_MS, flush));
        }
    });
}

impl Address {
    /// The address slot of the panel whose keys carry `prefix`: its old slot, emptied, when
    /// that panel is mounted again.
    pub fn new(prefix: &'static str) -> Address {
        let slot = BOOK.with(|b| {
            let mut b = b.borrow_mut();
            if let Some(i) = b.parts.iter().position(|(p, _)| *p == prefix) {
                b.parts[i].1.clear();
                return i;
            }
            b.parts.push((prefix, Vec::new()));
            b.parts.len() - 1
        });
        Address { slot, prefix }
    }

    /// Publishes the settings' differences from `base` (the panel's defaults).
    pub fn publish<S>(&self, fields: &[Field<S>], s: &S, base: &S) {
        let pairs = write_changes(fields, s, base, self.prefix);
        BOOK.with(|b| {
            let mut b = b.borrow_mut();
            let Some((_, part)) = b.parts.get_mut(self.slot) else {
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
    let parts = b.parts.iter().flat_map(|(_, p)| p);
    for (k, v) in b.fixed.iter().chain(parts) {
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
