//! The web layer: builds panels into the page, wires DOM events to the core and the charts,
//! and reports every error on the page. It holds no science.

pub mod address;
pub mod animation;
pub mod api;
pub mod boot;
pub mod canvas;
pub mod controls;
pub mod dom;
mod errors;
pub mod export;
mod pixel_ratio;
pub mod story;
mod text_canvas;

use crate::lesson::Lesson;
use crate::panels::{self, PanelInfo};
use crate::spec::{echo, limit_query, lookup, pairs_for_prefix, query_pairs};
use address::Address;
pub use boot::Pace;
use gloo_events::EventListener;
use std::any::Any;
use std::cell::RefCell;
use wasm_bindgen::prelude::*;
use web_sys::Element;

pub use errors::show_error;

/// A mounted panel: its listeners and state live as long as it does, and are removed when it
/// is dropped (no `Closure::forget`).
pub struct Panel {
    _listeners: Vec<EventListener>,
    _state: Box<dyn Any>,
}

impl Panel {
    pub fn new(listeners: Vec<EventListener>, state: Box<dyn Any>) -> Self {
        count_listeners(listeners.len() as isize);
        Panel {
            _listeners: listeners,
            _state: state,
        }
    }
}

impl Drop for Panel {
    fn drop(&mut self) {
        count_listeners(-(self._listeners.len() as isize));
    }
}

thread_local! {
    static LIVE_LISTENERS: std::cell::Cell<isize> = const { std::cell::Cell::new(0) };
}

/// Keeps the count of event listeners that panels hold (see [`live_listeners`]).
pub(crate) fn count_listeners(change: isize) {
    LIVE_LISTENERS.with(|n| n.set(n.get() + change));
}

/// How many event listeners the mounted panels hold now (their own and their controls'):
/// a removed panel must leave none behind.
pub fn live_listeners() -> isize {
    LIVE_LISTENERS.with(|n| n.get())
}

thread_local! {
    /// Panels mounted by `start` or `mount`, kept alive for the page's life, with their place
    /// in the page's address (so that `remount` keeps it).
    static MOUNTED: RefCell<Vec<(Element, Panel, Option<Address>)>> = const { RefCell::new(Vec::new()) };
}

/// Shows an error from a handler on the page, saying what failed ("Drawing the loss chart").
pub fn report(what: &str, result: Result<(), JsValue>) {
    if let Err(e) = result {
        show_error(&format!("{what} failed: {}", errors::describe(&e)));
    }
}

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

/// Mounts one panel into `host`, configured by a query string such as `f=leaky_relu&alpha=0.1`
/// (read up to [`crate::spec::MAX_QUERY_BYTES`]). A panel mounted again into the same element replaces the
/// old one. Panels mounted this way never touch the page's address. (JavaScript calls
/// `mount` in `api`, which checks its arguments first and returns a handle.)
pub fn mount(host: &Element, panel: &str, query: &str) -> Result<(), JsValue> {
    let info = panels::find(panel).ok_or_else(|| {
        JsValue::from_str(&format!(
            "there is no panel called “{}”; the panels are: {}",
            echo(panel),
            panels::names()
        ))
    })?;
    pixel_ratio::watch();
    let pairs = query_pairs(limit_query(query).0);
    mount_info(host, info, &pairs, None, &pairs)
}

/// Removes the panel mounted in `host`: its listeners and frame loop go with it.
pub fn unmount(host: &Element) -> bool {
    let removed = MOUNTED.with(|m| {
        let mut m = m.borrow_mut();
        let before = m.len();
        m.retain(|(el, _, _)| el != host);
        before != m.len()
    });
    if removed {
        host.set_text_content(None);
    }
    removed
}

/// How many panels are mounted (for the mount/destroy leak test).
pub fn mounted_count() -> usize {
    MOUNTED.with(|m| m.borrow().len())
}

/// Mounts a panel from its (unprefixed) `pairs`, its controls following the lesson read from
/// `lesson_pairs` (`hide=`, `lock=`); names the panel lacks get a notice above it.
fn mount_info(
    host: &Element,
    info: PanelInfo,
    pairs: &[(String, String)],
    address: Option<Address>,
    lesson_pairs: &[(String, String)],
) -> Result<(), JsValue> {
    let keys = info.keys();
    let lesson = Lesson::read(lesson_pairs, &keys);
    let notice = lesson.notice(info.title, &keys);
    let mounted = controls::with_lesson(lesson, || (info.mount)(host, pairs, address.clone()))?;
    if let Some(text) = notice {
        let note = dom::el(&dom::document()?, "p", "notice", &text)?;
        note.set_attribute("role", "status")?;
        host.prepend_with_node_1(&note)?;
    }
    MOUNTED.with(|m| {
        let mut m = m.borrow_mut();
        m.retain(|(el, _, _)| el != host);
        m.push((host.clone(), mounted, address));
    });
    Ok(())
}

/// Mounts the page's own panel `panel` again, in place, with the settings in `query` (that
/// panel's own keys), keeping its place in the page's address and the lesson the address
/// gives it (controls hidden or locked): how one panel hands a configuration to another
/// without importing it. Returns the panel's host, or None when the page shows no such panel.
pub fn remount(panel: panels::PanelId, query: &str) -> Result<Option<Element>, JsValue> {
    let info = panels::info(panel);
    let doc = dom::document()?;
    let hosts = doc.query_selector_all(&format!("[data-panel='{}']", info.name))?;
    let host = (0..hosts.length())
        .filter_map(|i| hosts.item(i).and_then(|n| n.dyn_into::<Element>().ok()))
        .find(|h| h.closest("[hidden]").ok().flatten().is_none());
    let Some(host) = host else { return Ok(None) };
    let address = MOUNTED.with(|m| {
        m.borrow()
            .iter()
            .find(|(el, _, _)| *el == host)
            .and_then(|(_, _, a)| a.clone())
    });
    let pairs = query_pairs(limit_query(query).0);
    // The lesson is read from the address, where it stays (`lesson::keep_in_address`): plain
    // keys in an embed of this panel, its prefixed ones on the full page.
    let page = address_pairs().0;
    let embedded = lookup(&page, "panel").and_then(panels::find) == Some(info);
    let prefix = if embedded { "" } else { info.prefix };
    let lesson = lesson_pairs_for(&page, prefix);
    mount_info(&host, info, &pairs, address, &lesson)?;
    Ok(Some(host))
}

/// The query pairs of the page's address, read up to [`crate::spec::MAX_QUERY_BYTES`], and
/// the query's whole length in bytes when it was cut there.
fn address_pairs() -> (Vec<(String, String)>, Option<usize>) {
    let search = web_sys::window()
        .and_then(|w| w.location().search().ok())
        .unwrap_or_default();
    let (read, cut) = limit_query(&search);
    (query_pairs(read), cut.then_some(search.len()))
}

/// The panel named by `panel=` in the query, if it is one we have. An unknown name is
/// reported and the whole page shown.
fn embed_choice(pairs: &[(String, String)]) -> Option<PanelInfo> {
    let name = lookup(pairs, "panel")?;
    let found = panels::find(name);
    if found.is_none() {
        show_notice(&format!(
            "There is no panel called “{}”, so the whole page is shown. The panels are: {}.",
            echo(name),
            panels::names()
        ));
    }
    found
}

/// A non-fatal message at the top of the page (not an error: the page works).
fn show_notice(message: &str) {
    let Ok(doc) = dom::document() else { return };
    let (Some(body), Ok(note)) = (doc.body(), dom::el(&doc, "p", "notice", message)) else {
        return;
    };
    let _ = note.set_attribute("role", "status");
    let _ = body.prepend_with_node_1(&note);
}

/// Entry point (run when the module loads): mounts every `[data-panel]` element with the
/// page's query string, the first screen's panels first and one panel per task, marking the
/// page ready and then complete (see [`boot`]). A panel that fails shows its error in place;
/// the others still work.
#[wasm_bindgen(start)]
pub fn start() {
    errors::install_panic_hook();
    boot::begin_soon();
}

/// [`start`], with every panel mounted before it returns (for tests that look at the page
/// right after).
pub fn start_now() {
    errors::install_panic_hook();
    boot::begin(Pace::AtOnce);
}

/// Whether a panel is mounted in `host`.
fn is_mounted(host: &Element) -> bool {
    MOUNTED.with(|m| m.borrow().iter().any(|(el, _, _)| el == host))
}

/// Mounts one of the page's own panels: in an embed with plain keys, on the full page with
/// its own prefixed keys winning over plain ones; either way its controls drive the address.
fn start_panel(host: &Element, only: Option<PanelInfo>, page: &[(String, String)]) {
    let name = host.get_attribute("data-panel").unwrap_or_default();
    let Some(info) = panels::find(&name) else {
        let msg = format!(
            "There is no panel called “{}”; the panels are: {}.",
            echo(&name),
            panels::names()
        );
        host.set_text_content(Some(&msg));
        show_error(&msg);
        return;
    };
    if only.is_some_and(|o| o != info) {
        // Hide the whole section, heading and text included; never mount it.
        let section = host.closest("section").ok().flatten();
        let _ = section
            .unwrap_or_else(|| host.clone())
            .set_attribute("hidden", "");
        return;
    }
    // An embed may preset values in data-query; the page's address overrides them.
    let preset = host.get_attribute("data-query").unwrap_or_default();
    let mut pairs = query_pairs(limit_query(&preset).0);
    let prefix = if only.is_some() { "" } else { info.prefix };
    let mut lesson_pairs = pairs.clone();
    lesson_pairs.extend(lesson_pairs_for(page, prefix));
    pairs.extend(pairs_for_prefix(page, prefix));
    let address = Some(Address::new(prefix));
    if let Err(e) = mount_info(host, info, &pairs, address, &lesson_pairs) {
        let msg = format!(
            "The “{}” panel could not start: {}",
            info.name,
            errors::describe(&e)
        );
        host.set_text_content(Some(&msg));
        show_error(&msg);
    }
}

/// The lesson keys a panel reads from the page's address: plain ones in an embed (`prefix`
/// ""), only its own prefixed ones on the full page, so `neuron.hide=alpha` leaves the
/// activation panel's α alone.
fn lesson_pairs_for(page: &[(String, String)], prefix: &str) -> Vec<(String, String)> {
    if prefix.is_empty() {
        return page.to_vec();
    }
    page.iter()
        .filter_map(|(k, v)| k.strip_prefix(prefix).map(|k| (k.to_string(), v.clone())))
        .collect()
}

/// Mounts a page panel again with a story step's `pairs` (its plain keys) on top of nothing
/// but its defaults, keeping the page's lesson for it and its place in the address.
pub(crate) fn remount_page_panel(
    host: &Element,
    info: PanelInfo,
    pairs: &[(String, String)],
    page: &[(String, String)],
) -> Result<(), JsValue> {
    let lesson_pairs = lesson_pairs_for(page, info.prefix);
    let address = Some(Address::new(info.prefix));
    mount_info(host, info, pairs, address, &lesson_pairs)
}
