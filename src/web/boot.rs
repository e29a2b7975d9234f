//! Starting the page: the panels in the first screen are mounted first, one per task, and the
//! page is marked ready as soon as they have drawn; the rest follow, one per task, so that no
//! task of the load holds the main thread for the whole page (a page whose four panels mounted
//! in one task blocked it for over 300 ms). Each mount is two tasks: the panel's elements,
//! then, after the browser has laid them out in a frame, its first drawing ([`first_draw`]).
//! Tests mount everything at once with [`Pace::AtOnce`].
//!
//! The body's attributes say how far it got: `data-ready` (with `data-ready-ms`, from
//! navigation start) once what the first screen shows works, `data-complete` (with
//! `data-complete-ms`) once every panel and the guide are in place.
//!
//! Where the page loads in two parts (`panels::PanelId::held`), each part boots the panels
//! it holds: the intro part marks the page ready when the first screen is its own, then asks
//! for the rest (`parts::ask_for_rest`); the lab part marks it ready if the intro could not,
//! starts the guide, and marks it complete.

use super::{address, dom, embed_choice, parts, start_panel, HOLDS_STORY};
use crate::lesson;
use crate::panels::PanelId;
use crate::spec::MAX_QUERY_BYTES;
use gloo_render::{request_animation_frame, AnimationFrame};
use gloo_timers::callback::Timeout;
use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::{Document, Element};

/// How the page's panels are mounted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pace {
    /// Every panel in the one call (tests, which check the page right after).
    AtOnce,
    /// One panel per task, the first screen's first.
    OnePerTask,
}

/// What is left to mount.
struct Plan {
    hosts: VecDeque<Element>,
    /// How many of the first hosts are in the first screen (the page is ready after them).
    in_view: usize,
    /// Hosts of panels another part of the page holds: whether there are any, and those
    /// the page still waits for that were in the first screen at the start (the part that
    /// runs first waits for the other's; the other finds the first's drawn already). While
    /// one of these is in the window, the other part marks the page ready.
    others: bool,
    others_in_view: Vec<Element>,
    mounted: usize,
    only: Option<PanelId>,
    pairs: Vec<(String, String)>,
    story: bool,
    /// The first drawings of the panel mounted last, for the next step (see [`first_draw`]).
    draws: Vec<Draw>,
    /// How many of the mounted panels have drawn (the page is ready when the first screen's
    /// have).
    drawn: usize,
    /// The next step's frame and timer; replaced each step, so nothing is leaked.
    frame: Option<AnimationFrame>,
    next: Option<Timeout>,
}

/// A panel's first drawing, held by the boot (see [`first_draw`]).
type Draw = Box<dyn FnOnce()>;

thread_local! {
    static PLAN: RefCell<Option<Plan>> = const { RefCell::new(None) };
    /// While the boot mounts a panel: the panel's first drawing, held for the next task.
    static HELD: RefCell<Option<Vec<Draw>>> = const { RefCell::new(None) };
    /// [`begin_soon`]'s timer, until it fires.
    static START: RefCell<Option<Timeout>> = const { RefCell::new(None) };
}

/// A panel's first drawing (its charts, and anything that reads the layout). Run at once,
/// except while the boot mounts a panel: then it waits for the next step, after the browser
/// has laid out and painted the panel's new elements in a frame of its own. A mount that
/// built its elements and drew its charts in one task held the page 50-70 ms; apart, each
/// piece stays well under the 50 ms of a long task, and the chart's first read of a width
/// no longer forces that layout inside the task.
/// The panel's state is held weakly: a panel removed before its turn draws nothing.
pub fn first_draw<T: 'static>(panel: &Rc<T>, draw: impl FnOnce(&Rc<T>) + 'static) {
    let panel = Rc::downgrade(panel);
    let draw: Draw = Box::new(move || {
        if let Some(panel) = panel.upgrade() {
            draw(&panel);
        }
    });
    let run_now = HELD.with(|h| match h.borrow_mut().as_mut() {
        Some(held) => {
            held.push(draw);
            None
        }
        None => Some(draw),
    });
    if let Some(draw) = run_now {
        draw();
    }
}

/// Mounts a panel with its first drawing held back; returns what was held.
fn mount_holding_draws(mount: impl FnOnce()) -> Vec<Draw> {
    HELD.with(|h| *h.borrow_mut() = Some(Vec::new()));
    mount();
    HELD.with(|h| h.borrow_mut().take()).unwrap_or_default()
}

/// [`begin`] at [`Pace::OnePerTask`], in a task of its own: the task that finishes the wasm's
/// compilation and calls the module's start function ends sooner.
pub fn begin_soon() {
    let timer = Timeout::new(0, || {
        START.with(|s| s.borrow_mut().take());
        begin(Pace::OnePerTask);
    });
    START.with(|s| *s.borrow_mut() = Some(timer));
}

/// Reads the page's address, sets up what every panel shares, and mounts the panels at `pace`.
pub fn begin(pace: Pace) {
    let Ok(doc) = dom::document() else { return };
    let pairs = page_pairs();
    // Watching for a new pixel ratio starts once the page is complete (its media query costs
    // 5-9 ms on the way to the first screen); a change in between is still seen.
    super::pixel_ratio::note();
    // `?panel=neuron` shows that panel alone: what a teacher puts in an iframe.
    let only = embed_choice(&pairs);
    if let (Some(_), Some(body)) = (&only, doc.body()) {
        let _ = body.class_list().add_1("embed");
    }
    let mut fixed: Vec<(String, String)> = only
        .map(|o| vec![("panel".to_string(), o.name().to_string())])
        .unwrap_or_default();
    // A lesson link stays a lesson link while the controls rewrite the address.
    fixed.extend(lesson::keep_in_address(&pairs, only.is_some()));
    address::begin(fixed);
    let found = ordered_hosts(&doc, only);
    let plan = Plan {
        hosts: found.hosts,
        in_view: found.in_view,
        others: found.others,
        others_in_view: found.others_in_view,
        mounted: 0,
        only,
        pairs,
        story: only.is_none(),
        draws: Vec::new(),
        drawn: 0,
        frame: None,
        next: None,
    };
    match pace {
        Pace::AtOnce => {
            let mut plan = plan;
            while let Some(host) = plan.hosts.pop_front() {
                start_panel(&host, plan.only, &plan.pairs);
            }
            finish(&doc, &plan);
        }
        Pace::OnePerTask => {
            if plan.in_view == 0 && plan.others_in_view.is_empty() {
                mark(&doc, "ready");
            }
            PLAN.with(|p| *p.borrow_mut() = Some(plan));
            // Nothing of ours is on screen yet: the first panel's elements go up in this task.
            mount_next();
        }
    }
}

/// The page's query string, read up to [`MAX_QUERY_BYTES`] (with a notice when cut, from the
/// part that leads: once a page).
fn page_pairs() -> Vec<(String, String)> {
    let (pairs, cut) = super::address_pairs();
    if let (Some(len), true) = (cut, super::LEADS) {
        super::show_notice(&format!(
            "The address is {} KB long; only its first {} KB were read.",
            len / 1024,
            MAX_QUERY_BYTES / 1024
        ));
    }
    pairs
}

/// The page's hosts as this part sees them.
struct Hosts {
    /// To mount, those in the first screen first (in page order).
    hosts: VecDeque<Element>,
    /// How many of `hosts` are in the first screen.
    in_view: usize,
    /// Whether any shown host is another part's, and those in the first screen that the
    /// page waits for.
    others: bool,
    others_in_view: Vec<Element>,
}

/// The page's panel hosts this part mounts, those in the first screen first (in page order),
/// and how many those are. In an embed, the other panels' sections are hidden here, before
/// any mounting, so the embed's layout is final from the start. A host of a panel another
/// part holds is left to that part; one naming no panel is mounted (to say so) by the part
/// that leads.
fn ordered_hosts(doc: &Document, only: Option<PanelId>) -> Hosts {
    let mut found = Hosts {
        hosts: VecDeque::new(),
        in_view: 0,
        others: false,
        others_in_view: Vec::new(),
    };
    let Ok(list) = doc.query_selector_all("[data-panel]") else {
        return found;
    };
    let all =
        (0..list.length()).filter_map(|i| list.item(i).and_then(|n| n.dyn_into::<Element>().ok()));
    let mut wanted = Vec::new();
    let mut elsewhere = Vec::new();
    for host in all {
        let id = PanelId::from_name(&host.get_attribute("data-panel").unwrap_or_default());
        if id.is_some_and(|id| only.is_some_and(|o| o != id)) {
            let section = host.closest("section").ok().flatten();
            let _ = section.unwrap_or(host).set_attribute("hidden", "");
        } else if id.is_some_and(|id| !id.held()) {
            elsewhere.push(host);
        } else if id.is_some() || super::LEADS {
            wanted.push(host);
        }
    }
    // One layout for all: every host is measured before anything is written.
    let (first, rest): (Vec<Element>, Vec<Element>) = wanted.into_iter().partition(in_window);
    found.others = !elsewhere.is_empty();
    if !HOLDS_STORY {
        found.others_in_view = elsewhere.into_iter().filter(in_window).collect();
    }
    found.in_view = first.len();
    found.hosts = first.into_iter().chain(rest).collect();
    found
}

/// Runs [`step`] after the browser has rendered a frame: the panel just mounted is laid out
/// and painted in that frame, not inside its first drawing (whose first read of a canvas's
/// width would otherwise force that layout).
fn schedule_step() {
    let frame = request_animation_frame(|_| {
        let timer = Timeout::new(0, step);
        with_plan(|plan| plan.next = Some(timer));
    });
    with_plan(|plan| plan.frame = Some(frame));
}

/// Mounts the next panel in a task of its own.
fn mount_next_task() {
    let timer = Timeout::new(0, mount_next);
    with_plan(|plan| plan.next = Some(timer));
}

fn with_plan(f: impl FnOnce(&mut Plan)) {
    PLAN.with(|p| {
        if let Some(plan) = p.borrow_mut().as_mut() {
            f(plan);
        }
    });
}

/// Draws the panel mounted last (its elements are laid out by now), marks the page ready
/// when the first screen has drawn, and mounts the next panel in the following task.
fn step() {
    let mut draws = Vec::new();
    with_plan(|plan| draws = std::mem::take(&mut plan.draws));
    for draw in draws {
        draw();
    }
    with_plan(|plan| plan.drawn = plan.mounted);
    mark_ready_when_drawn(true);
    mount_next_task();
}

/// Mounts the next panel with its first drawing held for [`step`] (or, when none is left,
/// starts the guide and marks the page complete).
fn mount_next() {
    let Ok(doc) = dom::document() else { return };
    let next = PLAN.with(|p| {
        let mut p = p.borrow_mut();
        let plan = p.as_mut()?;
        Some((plan.hosts.pop_front(), plan.only, plan.pairs.clone()))
    });
    let Some((host, only, pairs)) = next else {
        return;
    };
    let Some(host) = host else {
        if let Some(plan) = PLAN.with(|p| p.borrow_mut().take()) {
            finish(&doc, &plan);
        }
        return;
    };
    // A panel may already be there: another panel can hand it a run before its turn.
    let draws = if super::is_mounted(&host) {
        Vec::new()
    } else {
        mount_holding_draws(|| start_panel(&host, only, &pairs))
    };
    with_plan(|plan| {
        plan.mounted += 1;
        if draws.is_empty() {
            plan.drawn = plan.mounted;
        }
        plan.draws = draws;
    });
    mark_ready_when_drawn(false);
    schedule_step();
}

/// Marks the page ready (once) when every panel of the first screen has drawn. The first
/// screen is what the empty page showed at the start, or less: once the panels mounted so far
/// are laid out, the next host, or another part's host, may have been pushed below the
/// window (`look`, after a frame, when reading the layout costs nothing), and the page need
/// not wait for it.
fn mark_ready_when_drawn(look: bool) {
    let mut due = false;
    let mut next = None;
    let mut others = Vec::new();
    with_plan(|plan| {
        if plan.in_view > 0 && plan.drawn >= plan.mounted {
            due = plan.drawn >= plan.in_view;
            if !due && look {
                next = plan.hosts.front().cloned();
            }
            others = plan.others_in_view.clone();
        }
    });
    if let Some(host) = next {
        due = !in_window(&host);
    }
    if due && !others.is_empty() {
        due = look && !others.iter().any(in_window);
    }
    let Ok(doc) = dom::document() else { return };
    if due {
        mark(&doc, "ready");
    }
}

/// Whether any of `el` is inside the window's height.
fn in_window(el: &Element) -> bool {
    let height = web_sys::window()
        .and_then(|w| w.inner_height().ok())
        .and_then(|h| h.as_f64())
        .unwrap_or(0.0);
    let r = el.get_bounding_client_rect();
    r.top() < height && r.bottom() > 0.0
}

/// Starts the guide (it may mount a panel again for a step named in the address) and marks
/// the page ready and complete; or, in a part of the page that lacks panels or the guide the
/// page shows, asks for the part that has them (which then does this).
fn finish(doc: &Document, plan: &Plan) {
    super::pixel_ratio::watch();
    if !HOLDS_STORY && (plan.others || plan.story) {
        parts::ask_for_rest();
        return;
    }
    #[cfg(feature = "lab")]
    if plan.story {
        super::story::start(doc, &plan.pairs);
    }
    mark(doc, "ready");
    mark(doc, "complete");
}

/// Sets `data-NAME="true"` and `data-NAME-ms` (from navigation start, for the benchmark),
/// once: a second part of the page finding it set leaves it.
fn mark(doc: &Document, name: &str) {
    let Some(body) = doc.body() else { return };
    if body.has_attribute(&format!("data-{name}")) {
        return;
    }
    let now = super::now();
    let _ = body.set_attribute(&format!("data-{name}-ms"), &format!("{now:.0}"));
    let _ = body.set_attribute(&format!("data-{name}"), "true");
}
