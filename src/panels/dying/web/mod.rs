//! The panel in the page: builds its controls and two charts, hands jobs to Web Workers (or
//! runs them on the main thread in frame-sized slices when no worker can start), redraws as
//! results stream in, and loads a clicked cell into the page's "Small network" panel through
//! [`crate::web::remount`], never by importing that panel.

mod pool;
mod view;

use super::charts::phase_map::MapLayout;
use super::state::{Msg, Redraw, Settings, State, FIELDS};
use crate::web::address::Address;
use crate::web::animation::FrameLoop;
use crate::web::canvas::ChartCanvas;
use crate::web::controls::FieldControls;
use crate::web::{dom, now, on_resize, report, Panel};
use gloo_events::{EventListener, EventListenerOptions};
use gloo_render::AnimationFrame;
use pool::Pool;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Document, Element, KeyboardEvent, MouseEvent};

/// Every element the panel draws into or listens to.
struct View {
    host: Element,
    controls: FieldControls,
    toggle: Element,
    progress: Element,
    progress_text: Element,
    status: Element,
    map: ChartCanvas,
    cell_text: Element,
    load: Element,
    open_link: Element,
    born_status: Element,
    born: ChartCanvas,
    link: dom::Permalink,
}

/// The mounted panel.
struct Mounted {
    view: View,
    state: State,
    address: Option<Address>,
    pool: Option<Pool>,
    /// The main-thread fallback's frames, and whether the workers failed (then every job runs
    /// on the main thread).
    frames: Option<FrameLoop>,
    fallback: bool,
    /// A redraw waiting for the next animation frame (results arrive faster than frames).
    draw_due: Option<AnimationFrame>,
    /// The charts to redraw: (map, born dead).
    dirty: (bool, bool),
    /// The settings the controls, the link and the address last showed: rewriting them for
    /// every batch of results would only make the browser lay the page out again.
    shown: Option<Settings>,
    /// The chart drawn last was the map (the next of a pair is the other one), and the other
    /// is due in the next frame.
    drew_map: bool,
    second_due: bool,
    /// When the charts were last drawn: while results stream in, at most every
    /// `REDRAW_EVERY_MS`, so the main thread stays free for the page (and the cores for work).
    last_draw: f64,
    layout: MapLayout,
    /// When the current map's first job went out, and how long the map took.
    map_started: Option<f64>,
    map_ms: Option<f64>,
    max_frame_ms: f64,
    /// The longest redraw (one chart and the words) since the map started, for the benchmark.
    max_draw_ms: f64,
    /// Waits for the panel to come near the viewport before the first computation starts.
    waiting: Option<gloo_events::EventListener>,
}

type Shared = Rc<RefCell<Mounted>>;

/// Builds the panel inside `host` from query pairs.
pub fn mount(
    host: &Element,
    pairs: &[(String, String)],
    address: Option<Address>,
) -> Result<Panel, JsValue> {
    let doc = dom::document()?;
    let (settings, warnings) = Settings::from_pairs(pairs);
    let prefix = dom::unique_prefix("dying");
    let controls = FieldControls::new(&doc, &prefix, &FIELDS, &settings)?;
    let view = build_view(&doc, host, controls)?;
    let controls_el = controls_column(&doc, &view)?;
    let figure = view::figure_column(&doc, &view)?;
    dom::lay_out(&doc, host, &controls_el, &figure, &warnings)?;
    let page_panel = address.is_some();
    let shared = Rc::new(RefCell::new(Mounted {
        view,
        state: State::new(settings),
        address,
        pool: None,
        frames: None,
        fallback: false,
        draw_due: None,
        dirty: (false, false),
        shown: None,
        drew_map: false,
        second_due: false,
        last_draw: 0.0,
        layout: MapLayout::default(),
        map_started: None,
        map_ms: None,
        max_frame_ms: 0.0,
        max_draw_ms: 0.0,
        waiting: None,
    }));
    // The words and the canvases' sizes now; the charts from the next frame on, one a frame,
    // so the page's first task stays short.
    crate::web::boot::first_draw(&shared, |shared| {
        report(
            "Drawing “Where neurons die”",
            shared.borrow_mut().render_first(),
        );
        schedule_draw(shared, true, true);
    });
    let mut listeners = listen(&shared)?;
    listeners.extend(figure_buttons(&doc, &shared)?);
    if page_panel {
        start_when_near(&shared, host);
    } else {
        // Mounted by a script (an embed, a test): its host wants it now.
        start_work(&shared);
    }
    Ok(Panel::new(listeners, Box::new(shared)))
}

/// "Save PNG" and "Save SVG" under each chart, drawn through the panel's figures.
fn figure_buttons(doc: &Document, shared: &Shared) -> Result<Vec<EventListener>, JsValue> {
    type Pick = fn(&Mounted) -> (&State, &web_sys::HtmlCanvasElement);
    let charts: [(Pick, &str); 2] = [
        (|m| (&m.state, &m.view.map.canvas), "phase map"),
        (|m| (&m.state, &m.view.born.canvas), "born-dead curves"),
    ];
    let mut listeners = Vec::new();
    for (index, (pick, title)) in charts.into_iter().enumerate() {
        let (tools, saves) = crate::web::export::figure_buttons(doc, shared, pick, index, title)?;
        pick(&shared.borrow()).1.after_with_node_1(&tools)?;
        listeners.extend(saves);
    }
    Ok(listeners)
}

fn build_view(doc: &Document, host: &Element, controls: FieldControls) -> Result<View, JsValue> {
    let chart = |label: &str, aspect: f64, name: &str| -> Result<ChartCanvas, JsValue> {
        let c = ChartCanvas::new(doc, label, aspect)?;
        c.canvas.set_attribute("data-chart", name)?;
        Ok(c)
    };
    let map = chart("Phase map of dead hidden units", 0.62, "phase-map")?.with_narrow_aspect(1.05);
    // The map is a control too: arrow keys move a cell cursor, Enter loads the cell.
    map.canvas.set_attribute("tabindex", "0")?;
    let cell_text = dom::el(
        doc,
        "p",
        "hint cell-info",
        "Point at a cell, or focus the map and use the arrow keys.",
    )?;
    cell_text.set_attribute("aria-live", "polite")?;
    let progress = doc.create_element("progress")?;
    progress.set_attribute("aria-label", "Progress of the map and the born-dead curves")?;
    let load = dom::button(doc, "Load this cell into “A small network”")?;
    let open_link = dom::el(
        doc,
        "a",
        "permalink",
        "Open this cell in “A small network” alone",
    )?;
    Ok(View {
        host: host.clone(),
        controls,
        toggle: dom::button(doc, "Stop")?,
        progress,
        progress_text: dom::el(doc, "span", "hint", "")?,
        status: dom::live_status(doc)?,
        map,
        cell_text,
        load,
        open_link,
        born_status: dom::el(doc, "p", "status", "")?,
        born: chart("Share of nets born dead against depth", 0.6, "born-dead")?
            .with_narrow_aspect(1.25),
        link: dom::Permalink::new(doc, crate::panels::dying::PANEL)?,
    })
}

/// The map's settings, Stop and progress, then the born-dead settings.
fn controls_column(doc: &Document, v: &View) -> Result<Element, JsValue> {
    let column = dom::el(doc, "div", "controls", "")?;
    let buttons = dom::el(doc, "div", "buttons", "")?;
    buttons.append_child(&v.toggle)?;
    column.append_child(&buttons)?;
    column.append_child(&v.progress)?;
    column.append_child(&v.progress_text)?;
    let born_keys = ["bwidth", "trials", "engine"];
    v.controls.append_rows(&column, &born_keys)?;
    let hint = "Changing a map setting starts a new map; what is done stays when you press Stop.";
    column.append_child(&dom::el(doc, "p", "hint", hint)?.into())?;
    column.append_child(&dom::el(doc, "h3", "", "Born dead")?.into())?;
    for key in born_keys {
        if let Some(row) = v.controls.row(key) {
            column.append_child(row)?;
        }
    }
    column.append_child(&v.link.link)?;
    Ok(column)
}

/// Sends a message and does what it calls for.
fn send(shared: &Shared, msg: Msg) {
    send_quietly(shared, msg);
    // The exact state for scripts at once; the drawing waits for the next frame.
    report("Marking the map’s numbers", shared.borrow().mark_host());
}

fn send_quietly(shared: &Shared, msg: Msg) {
    if matches!(&msg, Msg::Set(k, _) if *k == super::state::ENGINE.key) {
        // A new choice of engine tries the workers again.
        shared.borrow_mut().fallback = false;
    }
    let redraw = shared.borrow_mut().state.update(msg);
    match redraw {
        Redraw::Nothing => {}
        Redraw::Work => {
            {
                let mut m = shared.borrow_mut();
                m.map_started = None;
                m.map_ms = None;
                m.max_draw_ms = 0.0;
            }
            start_work(shared);
            schedule_draw(shared, true, true);
        }
        Redraw::Map => schedule_draw(shared, true, false),
        Redraw::Born => schedule_draw(shared, false, true),
        Redraw::Status => schedule_draw(shared, false, false),
        Redraw::All => schedule_draw(shared, true, true),
    }
    pool::pump(shared);
}

/// Starts (or restarts) the engine the settings ask for: the worker pool, or frames on the
/// main thread when the settings say so or the workers failed.
/// Starts the first computation now if the panel is on screen or close to it, else when a
/// scroll brings it there: hundreds of trainings on the cores must not slow a page the
/// learner is reading higher up (nor its first seconds).
fn start_when_near(shared: &Shared, host: &Element) {
    if near_viewport(host) {
        start_work(shared);
        return;
    }
    let Some(window) = web_sys::window() else {
        return start_work(shared);
    };
    let weak = Rc::downgrade(shared);
    let host = host.clone();
    let listener = gloo_events::EventListener::new(&window, "scroll", move |_| {
        let Some(shared) = weak.upgrade() else { return };
        let waiting = shared.try_borrow().is_ok_and(|m| m.waiting.is_some());
        if waiting && near_viewport(&host) {
            if let Ok(mut m) = shared.try_borrow_mut() {
                // Dropped after this callback returns (wasm-bindgen defers it).
                m.waiting = None;
            }
            start_work(&shared);
        }
    });
    shared.borrow_mut().waiting = Some(listener);
}

/// Whether the element's top is within one and a half screens below the viewport's top (and
/// it has not scrolled far above it).
fn near_viewport(el: &Element) -> bool {
    let Some(h) = web_sys::window().and_then(|w| w.inner_height().ok()?.as_f64()) else {
        return true;
    };
    let r = el.get_bounding_client_rect();
    r.top() < 1.5 * h && r.bottom() > -0.5 * h
}

fn start_work(shared: &Shared) {
    let workers = pool::worker_count(shared.borrow().state.settings.engine);
    let local = {
        let mut m = shared.borrow_mut();
        let keep = m
            .pool
            .as_ref()
            .is_some_and(|p| p.size() == workers && !p.failed());
        if workers == 0 || m.fallback {
            m.pool = None;
            true
        } else {
            if !keep {
                m.pool = Some(Pool::start(shared, workers));
            }
            false
        }
    };
    if local {
        let idle = shared.borrow().frames.is_none();
        if idle {
            pool::run_frames(shared);
        }
    }
    pool::pump(shared);
}

/// Redraws at the next animation frame, once however many results arrive before it, one
/// chart a frame (the map first): each is 10 to 40 ms on a busy core, and both in one frame
/// made the longest task while the map fills.
fn schedule_draw(shared: &Shared, map: bool, born: bool) {
    let mut m = shared.borrow_mut();
    m.dirty.0 |= map;
    m.dirty.1 |= born;
    if m.draw_due.is_some() {
        return;
    }
    let weak = Rc::downgrade(shared);
    m.draw_due = Some(gloo_render::request_animation_frame(move |_| {
        let Some(rc) = weak.upgrade() else { return };
        let t = now();
        let (wait, second) = {
            let mut m = rc.borrow_mut();
            m.draw_due = None;
            // The second chart of a pair follows in the next frame, not after the pause.
            let second = std::mem::take(&mut m.second_due);
            let wait = !second && m.state.busy() && t - m.last_draw < REDRAW_EVERY_MS;
            (wait, second)
        };
        if wait {
            schedule_draw(&rc, false, false);
            return;
        }
        let more = {
            let mut m = rc.borrow_mut();
            let r = m.render_next();
            note_draw_time(&mut m, t);
            let more = matches!(r, Ok(true));
            if !second {
                m.last_draw = t;
                m.second_due = more;
            }
            report("Drawing the phase map", r.map(|_| ()));
            more
        };
        if more {
            schedule_draw(&rc, false, false);
        }
    }));
}

/// Keeps the longest redraw while a map is under way in `data-max-draw-ms`.
fn note_draw_time(m: &mut Mounted, t0: f64) {
    if m.map_started.is_none() || m.map_ms.is_some() {
        return;
    }
    m.max_draw_ms = m.max_draw_ms.max(now() - t0);
    let ms = format!("{:.1}", m.max_draw_ms);
    let _ = m.view.host.set_attribute("data-max-draw-ms", &ms);
}

/// Milliseconds between redraws of the charts while results stream in.
const REDRAW_EVERY_MS: f64 = 150.0;

fn listen(shared: &Shared) -> Result<Vec<EventListener>, JsValue> {
    let m = shared.borrow();
    let v = &m.view;
    let mut listeners = v.controls.listen("change", {
        let shared = shared.clone();
        move |key, value| send(&shared, Msg::Set(key, value))
    });
    listeners.extend(v.controls.show_while_dragging());
    listeners.push(EventListener::new(&v.toggle, "click", {
        let shared = shared.clone();
        move |_| {
            let msg = if shared.borrow().state.busy() {
                Msg::Stop
            } else {
                Msg::Start
            };
            send(&shared, msg);
        }
    }));
    listeners.push(EventListener::new(&v.load, "click", {
        let shared = shared.clone();
        move |_| load_focused(&shared)
    }));
    for event in ["mousemove", "click"] {
        let shared = shared.clone();
        listeners.push(EventListener::new(&v.map.canvas, event, move |e| {
            pointer(&shared, e, event == "click")
        }));
    }
    listeners.push(EventListener::new(&v.map.canvas, "mouseleave", {
        let shared = shared.clone();
        move |_| send(&shared, Msg::Focus(None))
    }));
    let opts = EventListenerOptions::enable_prevent_default();
    listeners.push(EventListener::new_with_options(
        &v.map.canvas,
        "keydown",
        opts,
        {
            let shared = shared.clone();
            move |e| key(&shared, e)
        },
    ));
    listeners.push(on_resize({
        let shared = shared.clone();
        move || {
            report(
                "Drawing “Where neurons die”",
                shared.borrow_mut().render_all(),
            )
        }
    })?);
    Ok(listeners)
}

/// Hover shows a cell's numbers; a click loads it.
fn pointer(shared: &Shared, e: &web_sys::Event, click: bool) {
    let Some(mouse) = e.dyn_ref::<MouseEvent>() else {
        return;
    };
    let hit = {
        let m = shared.borrow();
        let canvas = &m.view.map.canvas;
        let ratio = canvas.width() as f64 / canvas.client_width().max(1) as f64;
        m.layout.hit(
            mouse.offset_x() as f64 * ratio,
            mouse.offset_y() as f64 * ratio,
        )
    };
    if hit.is_some() || !click {
        send(shared, Msg::Focus(hit));
    }
    if click && hit.is_some() {
        load_focused(shared);
    }
}

/// Arrow keys move the cell cursor; Enter or Space loads the cell.
fn key(shared: &Shared, e: &web_sys::Event) {
    let Some(k) = e.dyn_ref::<KeyboardEvent>() else {
        return;
    };
    let step = match k.key().as_str() {
        "ArrowLeft" => Some((-1, 0)),
        "ArrowRight" => Some((1, 0)),
        "ArrowUp" => Some((0, 1)),
        "ArrowDown" => Some((0, -1)),
        _ => None,
    };
    if let Some((dx, dy)) = step {
        e.prevent_default();
        send(shared, Msg::Move(dx, dy));
    } else if matches!(k.key().as_str(), "Enter" | " ") {
        e.prevent_default();
        load_focused(shared);
    }
}

/// Loads the focused cell into the page's "Small network" panel (re-mounted in place with
/// that panel's own keys), or says where to open it when this page has none.
fn load_focused(shared: &Shared) {
    let (query, words) = {
        let m = shared.borrow();
        let Some(f) = m.state.focus else { return };
        let Some(q) = m.state.load_query(f) else {
            return;
        };
        let map = m.state.settings.map();
        let (i, j) = map.position(f);
        let what = format!(
            "learning rate {}, {}",
            crate::spec::format_sig(map.lr(i), 3),
            super::words::row_value(&map, j)
        );
        (q, what)
    };
    let text = match crate::web::remount(crate::panels::PanelId::Network, &query) {
        Ok(Some(host)) => {
            host.scroll_into_view();
            format!("Loaded {words} into “A small network”: press Train there to watch this cell's run.")
        }
        Ok(None) => {
            format!("This page has no “A small network” panel: open {words} with the link below.")
        }
        Err(e) => {
            report("Loading the cell into “A small network”", Err(e));
            return;
        }
    };
    let m = shared.borrow();
    dom::set_text(&m.view.cell_text, &text);
    let _ = m.view.host.set_attribute("data-loaded", &query);
}
