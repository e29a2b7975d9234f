//! The web layer: builds panels into the page, wires DOM events to the core and the charts,
//! and reports every error on the page. It holds no science.

pub mod address;
pub mod animation;
pub mod canvas;
pub mod controls;
pub mod dom;
mod errors;

use crate::panels::{self, PanelInfo};
use crate::spec::{lookup, pairs_for_prefix, query_pairs};
use address::Address;
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
        Panel {
            _listeners: listeners,
            _state: state,
        }
    }
}

thread_local! {
    /// Panels mounted by `start` or `mount`, kept alive for the page's life, with their place
    /// in the page's address (so that `remount` keeps it).
    static MOUNTED: RefCell<Vec<(Element, Panel, Option<Address>)>> = const { RefCell::new(Vec::new()) };
}

/// Shows an error from a handler on the page.
pub fn report(result: Result<(), JsValue>) {
    if let Err(e) = result {
        show_error(&format!(
            "A chart could not be drawn: {}",
            errors::describe(&e)
        ));
    }
}

/// Whether a CSS media query matches (false where there is no window).
pub fn media_matches(query: &str) -> bool {
    web_sys::window()
        .and_then(|w| w.match_media(query).ok().flatten())
        .map(|m| m.matches())
        .unwrap_or(false)
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

/// Mounts one panel into `host`, configured by a query string such as `f=leaky_relu&alpha=0.1`.
/// A panel mounted again into the same element replaces the old one. Panels mounted this way
/// never touch the page's address.
#[wasm_bindgen(js_name = mount)]
pub fn mount(host: &Element, panel: &str, query: &str) -> Result<(), JsValue> {
    let info = panels::find(panel).ok_or_else(|| {
        JsValue::from_str(&format!(
            "there is no panel called “{}”; the panels are: {}",
            panel.chars().take(40).collect::<String>(),
            panels::names()
        ))
    })?;
    mount_info(host, info, &query_pairs(query), None)
}

fn mount_info(
    host: &Element,
    info: PanelInfo,
    pairs: &[(String, String)],
    address: Option<Address>,
) -> Result<(), JsValue> {
    let mounted = match info.name {
        "activation" => panels::activation::web::mount(host, pairs, address.clone())?,
        "neuron" => panels::neuron::web::mount(host, pairs, address.clone())?,
        "dying" => panels::dying::web::mount(host, pairs, address.clone())?,
        _ => panels::network::web::mount(host, pairs, address.clone())?,
    };
    MOUNTED.with(|m| {
        let mut m = m.borrow_mut();
        m.retain(|(el, _, _)| el != host);
        m.push((host.clone(), mounted, address));
    });
    Ok(())
}

/// Mounts the page's own panel `panel` again, in place, with the settings in `query` (that
/// panel's own keys), keeping its place in the page's address: how one panel hands a
/// configuration to another without importing it. Returns the panel's host, or None when the
/// page shows no such panel.
pub fn remount(panel: &str, query: &str) -> Result<Option<Element>, JsValue> {
    let info = panels::find(panel)
        .ok_or_else(|| JsValue::from_str(&format!("there is no panel called “{panel}”")))?;
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
    mount_info(&host, info, &query_pairs(query), address)?;
    Ok(Some(host))
}

/// The panel named by `panel=` in the query, if it is one we have. An unknown name is
/// reported and the whole page shown.
fn embed_choice(pairs: &[(String, String)]) -> Option<PanelInfo> {
    let name = lookup(pairs, "panel")?;
    let found = panels::find(name);
    if found.is_none() {
        show_notice(&format!(
            "There is no panel called “{}”, so the whole page is shown. The panels are: {}.",
            name.chars().take(40).collect::<String>(),
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

/// Entry point: mounts every `[data-panel]` element with the page's query string, then marks
/// the page ready. A panel that fails shows its error in place; the others still work.
#[wasm_bindgen(start)]
pub fn start() {
    errors::install_panic_hook();
    let Ok(doc) = dom::document() else { return };
    let query = web_sys::window()
        .and_then(|w| w.location().search().ok())
        .unwrap_or_default();
    let pairs = query_pairs(&query);
    // `?panel=neuron` shows that panel alone: what a teacher puts in an iframe.
    let only = embed_choice(&pairs);
    if let (Some(_), Some(body)) = (&only, doc.body()) {
        let _ = body.class_list().add_1("embed");
    }
    let fixed = only.map(|o| vec![("panel".to_string(), o.name.to_string())]);
    address::begin(fixed.unwrap_or_default());
    if let Ok(hosts) = doc.query_selector_all("[data-panel]") {
        for i in 0..hosts.length() {
            if let Some(host) = hosts.item(i).and_then(|n| n.dyn_into::<Element>().ok()) {
                start_panel(&host, only, &pairs);
            }
        }
    }
    if let Some(body) = doc.body() {
        let _ = body.set_attribute("data-ready", "true");
    }
}

/// Mounts one of the page's own panels: in an embed with plain keys, on the full page with
/// its own prefixed keys winning over plain ones; either way its controls drive the address.
fn start_panel(host: &Element, only: Option<PanelInfo>, page: &[(String, String)]) {
    let name = host.get_attribute("data-panel").unwrap_or_default();
    let Some(info) = panels::find(&name) else {
        let msg = format!(
            "There is no panel called “{}”; the panels are: {}.",
            name.chars().take(40).collect::<String>(),
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
    let mut pairs = query_pairs(&host.get_attribute("data-query").unwrap_or_default());
    let prefix = if only.is_some() { "" } else { info.prefix };
    pairs.extend(pairs_for_prefix(page, prefix));
    if let Err(e) = mount_info(host, info, &pairs, Some(Address::new(prefix))) {
        let msg = format!(
            "The “{}” panel could not start: {}",
            info.name,
            errors::describe(&e)
        );
        host.set_text_content(Some(&msg));
        show_error(&msg);
    }
}

/// Times seed 002's training in this browser (see `sim::bench`) and returns one JSON object:
/// what `cargo xtask bench` reads. Runs on the main thread: call it from a script, not a panel.
#[wasm_bindgen]
pub fn bench_seed002(epochs: u32) -> String {
    let performance = web_sys::window().and_then(|w| w.performance());
    let clock = move || performance.as_ref().map(|p| p.now()).unwrap_or(0.0);
    use crate::sim::bench::json_number;
    let r = crate::sim::bench::bench_seed002(epochs.clamp(1, 1000) as usize, clock);
    format!(
        "{{\"ms_per_epoch\":{},\"first_epoch_ms\":{},\"later_ms_per_epoch\":{},\"epochs\":{},\"samples_per_epoch\":{},\"final_loss\":{},\"simd128\":{}}}",
        json_number(r.ms_per_epoch),
        json_number(r.first_epoch_ms),
        json_number(r.later_ms_per_epoch),
        r.epochs,
        r.samples,
        json_number(r.final_loss),
        cfg!(target_feature = "simd128")
    )
}
