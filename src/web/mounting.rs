//! Panels in the page: mounting one from its registry row, removing it, mounting it again
//! in place (a story step, a hand-over from another panel), and the count of listeners the
//! mounted panels hold.

use super::address::Address;
use super::{controls, dom, errors, page, show_error};
use crate::lesson::Lesson;
use crate::panels::{self, PanelId, PanelInfo};
use crate::spec::{echo, limit_query, lookup, pairs_for_prefix, query_pairs};
use gloo_events::EventListener;
use std::any::Any;
use std::cell::RefCell;
use wasm_bindgen::prelude::*;
use web_sys::Element;

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
    super::pixel_ratio::watch();
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
pub(crate) fn mount_info(
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
/// A panel that another part of the page holds is mounted by that part (`parts`).
pub fn remount(panel: PanelId, query: &str) -> Result<Option<Element>, JsValue> {
    let doc = dom::document()?;
    let hosts = doc.query_selector_all(&format!("[data-panel='{}']", panel.name()))?;
    let host = (0..hosts.length())
        .filter_map(|i| hosts.item(i).and_then(|n| n.dyn_into::<Element>().ok()))
        .find(|h| h.closest("[hidden]").ok().flatten().is_none());
    let Some(host) = host else { return Ok(None) };
    let Some(info) = panels::info(panel) else {
        return Ok(super::parts::remount(panel, query)?.then_some(host));
    };
    let address = MOUNTED.with(|m| {
        m.borrow()
            .iter()
            .find(|(el, _, _)| *el == host)
            .and_then(|(_, _, a)| a.clone())
    });
    let pairs = query_pairs(limit_query(query).0);
    // The lesson is read from the address, where it stays (`lesson::keep_in_address`): plain
    // keys in an embed of this panel, its prefixed ones on the full page.
    let page = page::address_pairs().0;
    let embedded = lookup(&page, "panel").and_then(PanelId::from_name) == Some(info.id);
    let prefix = if embedded { "" } else { info.prefix };
    let lesson = lesson_pairs_for(&page, prefix);
    mount_info(&host, info, &pairs, address, &lesson)?;
    Ok(Some(host))
}

/// Whether a panel is mounted in `host`.
pub(crate) fn is_mounted(host: &Element) -> bool {
    MOUNTED.with(|m| m.borrow().iter().any(|(el, _, _)| el == host))
}

/// Mounts one of the page's own panels: in an embed with plain keys, on the full page with
/// its own prefixed keys winning over plain ones; either way its controls drive the address.
pub(crate) fn start_panel(host: &Element, only: Option<PanelId>, page: &[(String, String)]) {
    let name = host.get_attribute("data-panel").unwrap_or_default();
    let Some(info) = panels::find(&name) else {
        if PanelId::from_name(&name).is_some() {
            // Another part of the page holds it, and mounts it.
            return;
        }
        let msg = format!(
            "There is no panel called “{}”; the panels are: {}.",
            echo(&name),
            panels::names()
        );
        host.set_text_content(Some(&msg));
        show_error(&msg);
        return;
    };
    if only.is_some_and(|o| o != info.id) {
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
    let address = Some(Address::new(info.id, prefix));
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
pub(crate) fn lesson_pairs_for(page: &[(String, String)], prefix: &str) -> Vec<(String, String)> {
    if prefix.is_empty() {
        return page.to_vec();
    }
    page.iter()
        .filter_map(|(k, v)| k.strip_prefix(prefix).map(|k| (k.to_string(), v.clone())))
        .collect()
}

/// Mounts a page panel again with a story step's `pairs` (its plain keys) on top of nothing
/// but its defaults, keeping the page's lesson for it and its place in the address.
#[cfg(feature = "lab")]
pub(crate) fn remount_page_panel(
    host: &Element,
    info: PanelInfo,
    pairs: &[(String, String)],
    page: &[(String, String)],
) -> Result<(), JsValue> {
    let lesson_pairs = lesson_pairs_for(page, info.prefix);
    let address = Some(Address::new(info.id, info.prefix));
    mount_info(host, info, pairs, address, &lesson_pairs)
}
