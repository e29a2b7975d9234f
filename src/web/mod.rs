//! The web layer: builds panels into the page, wires DOM events to the core and the charts,
//! and reports every error on the page. It holds no science, and names no panel: it reads
//! the registry's rows (`crate::panels::PANELS`).
//!
//! - `mounting`: a panel in a host element (mount, unmount, remount) and its listeners;
//! - `page`: the page's address, the embed choice, notices;
//! - `media`: the clock, media queries, reduced motion, resizes;
//! - `boot`: the order the page's panels start in; `story`: the guided path's card;
//! - `api`: what JavaScript calls; the rest are the pieces panels build from.

pub mod address;
pub mod animation;
pub mod api;
pub mod boot;
pub mod canvas;
pub mod controls;
pub mod dom;
mod errors;
pub mod export;
pub mod fetch;
pub mod file_drop;
mod media;
mod mounting;
mod page;
mod parts;
mod pixel_ratio;
#[cfg(feature = "lab")]
pub mod story;
mod surface;
mod text_canvas;

pub use boot::Pace;
pub use errors::show_error;
pub use media::{frames_per_redraw, media_matches, now, on_resize};
pub(crate) use mounting::count_listeners;
#[cfg(feature = "lab")]
pub(crate) use mounting::remount_page_panel;
pub(crate) use mounting::{is_mounted, start_panel};
pub use mounting::{live_listeners, mount, mounted_count, remount, unmount, Panel};
pub(crate) use page::{address_pairs, embed_choice, show_notice};
use wasm_bindgen::prelude::*;

/// Whether this module holds the guided path: the lab part of the page, or the whole
/// explorer (see `panels::PanelId::held`).
pub(crate) const HOLDS_STORY: bool = cfg!(feature = "lab");

/// Whether this module starts first and so says what is wrong with the page's address (the
/// intro part, or the whole explorer): the other part keeps quiet, so a notice shows once.
pub(crate) const LEADS: bool = cfg!(feature = "intro");

/// Shows an error from a handler on the page, saying what failed ("Drawing the loss chart").
pub fn report(what: &str, result: Result<(), JsValue>) {
    if let Err(e) = result {
        show_error(&format!("{what} failed: {}", errors::describe(&e)));
    }
}

/// Entry point (run when the module loads): mounts every `[data-panel]` element with the
/// page's query string, the first screen's panels first and one panel per task, marking the
/// page ready and then complete (see [`boot`]). A panel that fails shows its error in place;
/// the others still work. The page's second part (the bin `lab`, built without "intro")
/// calls it from a start function of its own: wasm-bindgen finds a bin's own start only.
#[cfg_attr(feature = "intro", wasm_bindgen(start))]
pub fn start() {
    errors::install_panic_hook();
    parts::offer();
    boot::begin_soon();
}

/// [`start`], with every panel mounted before it returns (for tests that look at the page
/// right after).
pub fn start_now() {
    errors::install_panic_hook();
    boot::begin(Pace::AtOnce);
}
