//! The page's address follows the controls: each panel the page mounted publishes what it
//! changed from its defaults, and at most every `THROTTLE_MS` the address is rewritten with
//! `history.replaceState` (no new history entry per slider step). Reloading or sending that
//! address restores every panel. Panels mounted from script (`mount`) have no address slot:
//! they never touch the host page's address. Each part of the page (see
//! `panels::PanelId::held`) keeps its own book and, writing, keeps the other part's pairs
//! (`crate::page_address`).

use crate::page_address::{self, Slot};
use crate::panels::PanelId;
use crate::spec::{write_changes, Field};
use gloo_timers::callback::Timeout;
use std::cell::RefCell;

/// Slider drags fire an event per pixel; the address needs far fewer writes than that.
const THROTTLE_MS: u32 = 250;

#[derive(Default)]
struct Book {
    /// Pairs every address keeps (`panel=neuron` in an embed), and what each panel published
    /// last: a panel mounted again (a story step) takes over its old slot.
    pages: page_address::Book,
    pending: Option<Timeout>,
}

thread_local! {
    static BOOK: RefCell<Book> = RefCell::new(Book::default());
}

/// Starts a fresh address book with the pairs every address keeps.
pub fn begin(fixed: Vec<(String, String)>) {
    BOOK.with(|b| {
        let mut b = b.borrow_mut();
        b.pages.fixed = fixed;
        b.pages.parts.clear();
        b.pending = None;
    });
}

/// A panel's place in the address; its keys carry `prefix` ("" in an embed).
#[derive(Clone, Debug)]
pub struct Address {
    slot: usize,
    prefix: &'static str,
}

/// The pairs of the address that another part of the page owns (`crate::page_address`).
fn foreign(key: &str) -> Option<Slot> {
    page_address::foreign(key, PanelId::held, super::HOLDS_STORY)
}

/// Sets (or with `None` removes) a pair every address keeps, such as the story's `step=4`.
pub fn set_fixed(key: &str, value: Option<&str>) {
    BOOK.with(|b| {
        let mut b = b.borrow_mut();
        let fixed = &mut b.pages.fixed;
        let at = fixed.iter().position(|(k, _)| k == key);
        match (at, value) {
            (Some(i), Some(v)) if fixed[i].1 == v => return,
            (Some(i), Some(v)) => fixed[i].1 = v.to_string(),
            (None, Some(v)) => fixed.push((key.to_string(), v.to_string())),
            (Some(i), None) => {
                fixed.remove(i);
            }
            (None, None) => return,
        }
        if b.pending.is_none() {
            b.pending = Some(Timeout::new(THROTTLE_MS, flush));
        }
    });
}

impl Address {
    /// The address slot of panel `id`, whose keys carry `prefix` (its own, or "" in an
    /// embed): its old slot, emptied, when that panel is mounted again.
    pub fn new(id: PanelId, prefix: &'static str) -> Address {
        let slot = BOOK.with(|b| {
            let parts = &mut b.borrow_mut().pages.parts;
            if let Some(i) = parts.iter().position(|(p, _)| *p == id) {
                parts[i].1.clear();
                return i;
            }
            parts.push((id, Vec::new()));
            parts.len() - 1
        });
        Address { slot, prefix }
    }

    /// Publishes the settings' differences from `base` (the panel's defaults).
    pub fn publish<S>(&self, fields: &[Field<S>], s: &S, base: &S) {
        let pairs = write_changes(fields, s, base, self.prefix);
        BOOK.with(|b| {
            let mut b = b.borrow_mut();
            let Some((_, part)) = b.pages.parts.get_mut(self.slot) else {
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

fn flush() {
    // The address as it is now (the other part may have written it since this one did).
    let current = super::address_pairs().0;
    let query = BOOK.with(|b| {
        let mut b = b.borrow_mut();
        b.pending = None;
        page_address::compose(&b.pages, &current, foreign)
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
