//! The network panel in the page: builds its controls and charts, turns events into
//! messages for [`State`], runs its frames, and redraws what each message calls for.

pub mod engine;
mod frames;
mod owndata;
mod takeaway;
mod view;

use super::charts::{atlas, dead_map};
use super::settings::{Settings, FIELDS, PRESET};
use super::state::{Msg, Redraw, State};
use super::words;
use crate::chart::Theme;
use crate::pacing::FrameBudget;
use crate::web::address::Address;
use crate::web::animation::FrameLoop;
use crate::web::canvas::ChartCanvas;
use crate::web::controls::FieldControls;
use crate::web::dom::{self, Select};
use crate::web::{on_resize, report, Panel};
use engine::{Engine, WORKER_URL};
use gloo_events::EventListener;
use gloo_timers::callback::Timeout;
use std::cell::RefCell;
use std::rc::{Rc, Weak};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Document, Element, HtmlElement, KeyboardEvent, MouseEvent};

/// Every element the panel draws into or listens to.
struct View {
    host: Element,
    controls: FieldControls,
    train: Element,
    one_epoch: Element,
    reset: Element,
    compare: Element,
    status: Element,
    loss: ChartCanvas,
    map: ChartCanvas,
    unit: Select,
    autopsy: Element,
    layer: Select,
    dist: ChartCanvas,
    meter: ChartCanvas,
    plane: ChartCanvas,
    atlas: ChartCanvas,
    compare_chart: ChartCanvas,
    compare_status: Element,
    /// Where the training runs (a background thread, or the page), in words.
    engine_note: Element,
    link: dom::Permalink,
    takeaway: takeaway::Takeaway,
    own: owndata::OwnDataView,
}

/// The mounted panel: its elements, its pure state, and its frame loop.
struct Mounted {
    view: View,
    state: State,
    address: Option<Address>,
    running: Option<FrameLoop>,
    /// The work each frame of the run may do (see `crate::pacing`).
    pace: FrameBudget,
    max_frame_ms: f64,
    started_ms: Option<f64>,
    /// Charts still to draw, one per frame (last first).
    pending: Vec<view::Part>,
    /// The task that draws the next of them while the panel is idle (see `frames`).
    drawing: Option<Timeout>,
    /// When (ms) the words (and with them, perhaps, the loss chart) were last rewritten.
    text_drawn_ms: f64,
    /// What a frame skipped for [`frames::TEXT_GAP_MS`], drawn by a later one.
    owed: Redraw,
    /// The comparison chart as last drawn (a running comparison redraws only what changed).
    compare_drawn: RefCell<Option<view::CompareDrawn>>,
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
    let prefix = dom::unique_prefix("net");
    // The engine wakes the panel when the worker answers; the panel exists only below, so
    // the engine holds a slot that points to it once it does.
    let slot: Rc<RefCell<Weak<RefCell<Mounted>>>> = Rc::default();
    let engine = Engine::start(WORKER_URL, {
        let slot = slot.clone();
        move || wake(&slot.borrow())
    });
    let controls = FieldControls::new(&doc, &prefix, &FIELDS, &settings)?;
    let view = build_view(&doc, host, controls, &prefix)?;
    let controls_el = controls_column(&doc, &view)?;
    let figure = figure_column(&doc, &view)?;
    dom::lay_out(&doc, host, &controls_el, &figure, &warnings)?;
    let shared = Rc::new(RefCell::new(Mounted {
        view,
        state: State::with_engine(settings, Box::new(engine)),
        address,
        running: None,
        pace: FrameBudget::default(),
        max_frame_ms: 0.0,
        started_ms: None,
        pending: Vec::new(),
        drawing: None,
        text_drawn_ms: f64::NEG_INFINITY,
        owed: Redraw::Nothing,
        compare_drawn: RefCell::new(None),
    }));
    *slot.borrow_mut() = Rc::downgrade(&shared);
    {
        // The loss chart and the words first, each other chart in a frame of its own: drawing
        // all four in the mounting task held the main thread for 50-110 ms while the page
        // loaded (see web::boot, which also holds this first drawing for a task of its own).
        crate::web::boot::first_draw(&shared, |shared| {
            let mut m = shared.borrow_mut();
            report(
                "Redrawing “A small network”",
                m.redraw(super::state::Redraw::Rebuild),
            );
            keep_frames(shared, &mut m);
        });
    }
    let mut listeners = listen(&shared)?;
    listeners.extend(takeaway::figure_buttons(&doc, &shared)?);
    listeners.extend(takeaway::listen(&shared));
    listeners.extend(owndata::listen(&shared));
    Ok(Panel::new(listeners, Box::new(shared)))
}

fn build_view(
    doc: &Document,
    host: &Element,
    controls: FieldControls,
    prefix: &str,
) -> Result<View, JsValue> {
    let train = dom::button(doc, "Train")?;
    train.set_class_name("primary");
    let chart = |label: &str, aspect: f64, name: &str| -> Result<ChartCanvas, JsValue> {
        let c = ChartCanvas::new(doc, label, aspect)?;
        c.canvas.set_attribute("data-chart", name)?;
        Ok(c)
    };
    let autopsy = dom::el(doc, "p", "autopsy", "")?;
    autopsy.set_attribute("aria-live", "polite")?;
    let compare_status = dom::el(doc, "p", "hint", "")?;
    compare_status.set_attribute("aria-live", "polite")?;
    // Twelve presets: four rows of three small multiples, each tall enough to read.
    // On a phone, six rows of two.
    let compare_chart =
        chart("Comparison of the presets", 0.8, "comparison")?.with_narrow_aspect(2.0);
    compare_chart.canvas.set_hidden(true);
    let unit_label = "Autopsy of (or click a row of the map)";
    Ok(View {
        host: host.clone(),
        controls,
        train,
        one_epoch: dom::button(doc, "One epoch")?,
        reset: dom::button(doc, "Reset")?,
        compare: dom::button(doc, "Compare presets")?,
        status: dom::live_status(doc)?,
        loss: chart("Loss per epoch", 0.5, "loss")?,
        map: chart("Dead-unit map", 0.5, "dead-map")?,
        unit: Select::new(doc, &format!("{prefix}-unit"), unit_label, &[], "")?,
        autopsy,
        layer: Select::new(doc, &format!("{prefix}-layer"), "Distributions of", &[], "")?,
        dist: chart(
            "Distributions of one layer's outputs and gradients",
            0.62,
            "distribution",
        )?,
        meter: chart(
            "Learning-rate meter: the update-to-data ratio per layer",
            0.45,
            "meter",
        )?,
        plane: chart("The network's output over the input plane", 0.62, "plane")?
            .with_narrow_aspect(1.15),
        atlas: focusable(
            chart("Each hidden unit over the plane", 0.36, "atlas")?.with_narrow_aspect(0.6),
        )?,
        compare_chart,
        compare_status,
        engine_note: dom::el(doc, "p", "hint", "")?,
        link: dom::Permalink::new(doc, crate::panels::network::PANEL)?,
        takeaway: takeaway::Takeaway::new(doc)?,
        own: owndata::OwnDataView::new(doc, prefix)?,
    })
}

/// The preset, the buttons, then every other setting in table order.
fn controls_column(doc: &Document, v: &View) -> Result<Element, JsValue> {
    let column = dom::el(doc, "div", "controls", "")?;
    if let Some(row) = v.controls.row(PRESET.key) {
        column.append_child(row)?;
    }
    let buttons = dom::el(doc, "div", "buttons", "")?;
    for b in [&v.train, &v.one_epoch, &v.reset] {
        buttons.append_child(b)?;
    }
    column.append_child(&buttons)?;
    v.controls.append_rows(&column, &[PRESET.key])?;
    let hint = "Changing a setting starts a fresh run, except “Count as dead” and τ, which read the same run another way. α applies to Leaky ReLU and ELU.";
    let hint = dom::el(doc, "p", "hint", hint)?;
    column.append_child(&hint)?;
    column.append_child(&v.engine_note)?;
    column.append_child(&v.link.link)?;
    column.append_child(&v.own.link_note)?;
    column.append_child(&v.own.details)?;
    Ok(column)
}

fn figure_column(doc: &Document, v: &View) -> Result<Element, JsValue> {
    let figure = dom::el(doc, "div", "figure", "")?;
    figure.append_child(&v.status)?;
    figure.append_child(&v.loss.canvas)?;
    figure.append_child(&v.map.canvas)?;
    let definitions = dom::el(doc, "p", "hint", &words::definitions())?;
    figure.append_child(&definitions)?;
    figure.append_child(&v.unit.row)?;
    figure.append_child(&v.autopsy)?;
    figure.append_child(&dom::el(doc, "h3", "", "The input plane")?.into())?;
    figure.append_child(&dom::el(doc, "p", "hint", words::PLANE_HINT)?.into())?;
    figure.append_child(&v.plane.canvas)?;
    figure.append_child(&v.atlas.canvas)?;
    figure.append_child(&v.layer.row)?;
    figure.append_child(&v.dist.canvas)?;
    let meter = dom::el(doc, "h3", "", "Learning-rate meter")?;
    figure.append_child(&meter)?;
    figure.append_child(&dom::el(doc, "p", "hint", words::METER)?.into())?;
    figure.append_child(&v.meter.canvas)?;
    let buttons = dom::el(doc, "div", "buttons", "")?;
    buttons.append_child(&v.compare)?;
    figure.append_child(&buttons)?;
    figure.append_child(&v.compare_status)?;
    figure.append_child(&v.compare_chart.canvas)?;
    let takeaway = v.takeaway.build(doc)?;
    figure.append_child(&takeaway)?;
    if let Some(el) = v.map.canvas.dyn_ref::<HtmlElement>() {
        el.set_title("Point at a unit's row to read its autopsy");
    }
    if let Some(el) = v.atlas.canvas.dyn_ref::<HtmlElement>() {
        el.set_title("Point at (or tap) a tile; with the keyboard, the arrow keys move and Enter opens its autopsy");
    }
    Ok(figure)
}

/// The atlas takes keyboard focus: the arrow keys move between its tiles.
fn focusable(c: ChartCanvas) -> Result<ChartCanvas, JsValue> {
    c.canvas.set_attribute("tabindex", "0")?;
    Ok(c)
}

/// Sends a message, starts or stops the frame loop as the state wants, and redraws.
fn send(shared: &Shared, msg: Msg) {
    let mut m = shared.borrow_mut();
    let starts_work = matches!(msg, Msg::Train | Msg::OneEpoch | Msg::Compare);
    let redraw = m.state.update(msg);
    if starts_work && m.state.wants_frames() {
        m.started_ms = Some(crate::web::now());
        m.max_frame_ms = 0.0;
    }
    report("Redrawing “A small network”", m.redraw(redraw));
    keep_frames(shared, &mut m);
}

/// The engine has replies (or changed where it runs): frames take them, and the status says
/// where training runs. Never called from inside the engine's own calls; if the panel is
/// busy all the same, its running frames take the replies.
fn wake(weak: &Weak<RefCell<Mounted>>) {
    let Some(shared) = weak.upgrade() else { return };
    let Ok(mut m) = shared.try_borrow_mut() else {
        return;
    };
    // The status only when the engine moved (started, fell back): a worker's replies come
    // many a second, and frames draw what they say.
    let shown = m.view.host.get_attribute("data-engine");
    if shown.as_deref() != Some(m.state.engine_info().id) {
        report("Showing the training status", m.render_status());
    }
    keep_frames(&shared, &mut m);
}

/// Runs the frame loop while the state wants frames or charts are still due.
fn keep_frames(shared: &Shared, m: &mut Mounted) {
    if !m.state.wants_frames() && m.pending.is_empty() {
        m.running = None;
    } else if m.running.is_none() {
        // Each loop learns the display's pace afresh.
        m.pace = FrameBudget::default();
        m.running = Some(frames::schedule(shared));
    }
}

fn listen(shared: &Shared) -> Result<Vec<EventListener>, JsValue> {
    let m = shared.borrow();
    let v = &m.view;
    // Sliders restart the run when let go; while dragged they only show their value.
    let mut listeners = v.controls.listen("change", {
        let shared = shared.clone();
        move |key, value| send(&shared, Msg::Set(key, value))
    });
    listeners.extend(v.controls.show_while_dragging());
    for (el, msg) in [
        (&v.train, Msg::Train),
        (&v.one_epoch, Msg::OneEpoch),
        (&v.reset, Msg::Reset),
        (&v.compare, Msg::Compare),
    ] {
        let shared = shared.clone();
        listeners.push(EventListener::new(el, "click", move |_| {
            send(&shared, msg.clone())
        }));
    }
    listeners.push(EventListener::new(&v.unit.select, "change", {
        let shared = shared.clone();
        move |_| {
            let value = shared.borrow().view.unit.value();
            let mut parts = value.split(':').map(|t| t.parse::<usize>().ok());
            if let (Some(Some(l)), Some(Some(j))) = (parts.next(), parts.next()) {
                send(&shared, Msg::SelectUnit(l, j));
            }
        }
    }));
    listeners.push(EventListener::new(&v.layer.select, "change", {
        let shared = shared.clone();
        move |_| {
            let value = shared.borrow().view.layer.value();
            if let Ok(l) = value.parse::<usize>() {
                send(&shared, Msg::SelectLayer(l));
            }
        }
    }));
    for event in ["click", "mousemove"] {
        let shared = shared.clone();
        listeners.push(EventListener::new(&v.map.canvas, event, move |e| {
            pick_unit(&shared, e)
        }));
    }
    listeners.extend(listen_atlas(shared, &v.atlas.canvas));
    // A pointer or the keyboard in the panel: the worker starts loading before Train.
    for event in ["pointerover", "focusin"] {
        let shared = shared.clone();
        listeners.push(EventListener::new(&v.host, event, move |_| {
            if let Ok(mut m) = shared.try_borrow_mut() {
                m.state.warm_engine();
            }
        }));
    }
    listeners.push(on_resize({
        let shared = shared.clone();
        move || {
            let mut m = shared.borrow_mut();
            report("Drawing “A small network”", m.render_spread());
            keep_frames(&shared, &mut m);
        }
    })?);
    Ok(listeners)
}

/// Pointing at a row of the map selects that unit, hit-tested with the layout the map drew.
fn pick_unit(shared: &Shared, e: &web_sys::Event) {
    let Some(mouse) = e.dyn_ref::<MouseEvent>() else {
        return;
    };
    let hit = {
        let m = shared.borrow();
        let canvas = &m.view.map.canvas;
        let ratio = canvas.width() as f64 / canvas.client_width().max(1) as f64;
        let layout = dead_map::MapLayout::new(
            (canvas.width(), canvas.height()),
            &m.state.units(),
            m.state.epochs_axis(),
            &Theme::light(ratio),
        );
        let hit = layout.hit(
            mouse.offset_x() as f64 * ratio,
            mouse.offset_y() as f64 * ratio,
        );
        hit.filter(|(l, j, _)| m.state.selected != (*l, *j))
    };
    if let Some((l, j, _)) = hit {
        send(shared, Msg::SelectUnit(l, j));
    }
}

/// The atlas's pointer, tap and keyboard: pointing at a tile (or focusing it) draws a
/// first-layer unit's line on the plane; a click, a tap or Enter also opens its autopsy.
fn listen_atlas(shared: &Shared, canvas: &web_sys::HtmlCanvasElement) -> Vec<EventListener> {
    let mut out = Vec::new();
    for event in ["mousemove", "click"] {
        let shared = shared.clone();
        out.push(EventListener::new(canvas, event, move |e| {
            let Some(hit) = atlas_hit(&shared, e) else {
                return;
            };
            send(&shared, Msg::Point(Some(hit)));
            if e.type_() == "click" {
                send(&shared, Msg::SelectUnit(hit.0, hit.1));
            }
        }));
    }
    out.push(EventListener::new(canvas, "mouseleave", {
        let shared = shared.clone();
        move |_| send(&shared, Msg::Point(None))
    }));
    out.push(EventListener::new(canvas, "focus", {
        let shared = shared.clone();
        move |_| {
            let current = shared.borrow().state.pointed;
            send(&shared, Msg::Point(Some(current.unwrap_or((0, 0)))));
        }
    }));
    // Not passive: the arrow keys would scroll the page.
    let active = gloo_events::EventListenerOptions::enable_prevent_default();
    out.push(EventListener::new_with_options(
        canvas,
        "keydown",
        active,
        {
            let shared = shared.clone();
            move |e| {
                let Some(k) = e.dyn_ref::<KeyboardEvent>() else {
                    return;
                };
                let (layers, width, at) = {
                    let m = shared.borrow();
                    let s = &m.state;
                    (
                        s.settings.layers,
                        s.settings.width,
                        s.pointed.unwrap_or((0, 0)),
                    )
                };
                let Some(next) =
                    crate::panels::network::words::atlas_step(at, &k.key(), layers, width)
                else {
                    return;
                };
                e.prevent_default();
                if k.key() == "Enter" || k.key() == " " {
                    send(&shared, Msg::SelectUnit(next.0, next.1));
                } else {
                    send(&shared, Msg::Point(Some(next)));
                }
            }
        },
    ));
    out
}

/// The (layer, unit) of the atlas tile under the pointer.
fn atlas_hit(shared: &Shared, e: &web_sys::Event) -> Option<(usize, usize)> {
    let mouse = e.dyn_ref::<MouseEvent>()?;
    let m = shared.borrow();
    let canvas = &m.view.atlas.canvas;
    let ratio = canvas.width() as f64 / canvas.client_width().max(1) as f64;
    let narrow = f64::from(canvas.client_width()) < crate::web::canvas::NARROW_CSS_PX;
    let layout = atlas::AtlasLayout::new(
        (canvas.width(), canvas.height()),
        &m.state.hidden_widths(),
        &Theme::light(ratio).compact(narrow),
    );
    layout.hit(
        mouse.offset_x() as f64 * ratio,
        mouse.offset_y() as f64 * ratio,
    )
}
