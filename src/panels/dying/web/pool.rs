//! Web Workers, one per core but one (capped), each running this crate's wasm (the `worker` bin that
//! Trunk builds beside the page, see index.html). Each gets one job at a time as text and
//! sends back numbers; a worker says "ready" before its first job, since a message posted
//! before its wasm has started would be lost. Where no worker starts (an error, or no "ready"
//! within a few seconds), the same jobs run on the main thread, a slice per animation frame.

use super::{schedule_draw, send, Shared};
use crate::panels::dying::jobs;
use crate::panels::dying::state::{Engine, BUDGET_MS};
use crate::web::animation::FrameLoop;
use crate::web::now;
use gloo_events::EventListener;
use gloo_timers::callback::Timeout;
use std::rc::{Rc, Weak};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{MessageEvent, Worker, WorkerOptions, WorkerType};

/// Where Trunk puts the worker's loader (see index.html), relative to the page.
const WORKER_URL: &str = "./worker_loader.js";
/// More workers than this rarely pays for a map of a few hundred cells.
const MAX_WORKERS: usize = 8;
/// How long to wait for the first "ready" before working on the main thread instead.
const READY_TIMEOUT_MS: u32 = 5_000;
/// Jobs queued at each worker at once.
const IN_FLIGHT: usize = 3;

struct Slot {
    worker: Worker,
    ready: bool,
    /// Jobs sent and not answered yet.
    busy: usize,
    _listeners: [EventListener; 2],
}

pub(super) struct Pool {
    slots: Vec<Slot>,
    failed: bool,
    _timeout: Option<Timeout>,
    /// The pending fall back to the main thread after a worker failed (held, not leaked).
    give_up: Option<Timeout>,
}

/// Workers for an engine: a worker for every core but one (`navigator.hardwareConcurrency`
/// − 1, at least 1, capped), a fixed number, or none (the main thread). One core stays with
/// the page: on a 2-core machine two workers made the map only 6 % faster than one, and
/// stretched the page's own tasks past 90 ms while they ran.
pub(super) fn worker_count(e: Engine) -> usize {
    match e {
        Engine::Main => 0,
        Engine::Workers(n) => n,
        Engine::Auto => web_sys::window()
            .map(|w| w.navigator().hardware_concurrency() as usize)
            .unwrap_or(2)
            .saturating_sub(1)
            .clamp(1, MAX_WORKERS),
    }
}

impl Pool {
    pub(super) fn start(shared: &Shared, n: usize) -> Pool {
        let weak = Rc::downgrade(shared);
        let slots: Vec<Slot> = (0..n).filter_map(|k| spawn(&weak, k).ok()).collect();
        let failed = slots.len() < n;
        let give_up = failed.then(|| give_up_soon(&weak));
        let timeout = Timeout::new(READY_TIMEOUT_MS, {
            let weak = weak.clone();
            move || {
                let Some(rc) = weak.upgrade() else { return };
                let none_ready = rc
                    .borrow()
                    .pool
                    .as_ref()
                    .is_some_and(|p| !p.slots.iter().any(|s| s.ready));
                if none_ready {
                    fall_back(&rc, "main (no worker answered)");
                }
            }
        });
        Pool {
            slots,
            failed,
            _timeout: Some(timeout),
            give_up,
        }
    }

    pub(super) fn size(&self) -> usize {
        self.slots.len()
    }

    pub(super) fn failed(&self) -> bool {
        self.failed
    }
}

fn spawn(weak: &Weak<std::cell::RefCell<super::Mounted>>, k: usize) -> Result<Slot, JsValue> {
    let opts = WorkerOptions::new();
    opts.set_type(WorkerType::Module);
    let worker = Worker::new_with_options(WORKER_URL, &opts)?;
    let on_message = EventListener::new(&worker, "message", {
        let weak = weak.clone();
        move |e| {
            let Some(rc) = weak.upgrade() else { return };
            let Some(e) = e.dyn_ref::<MessageEvent>() else {
                return;
            };
            received(&rc, k, e.data());
        }
    });
    let on_error = EventListener::new(&worker, "error", {
        let weak = weak.clone();
        move |_| {
            let Some(rc) = weak.upgrade() else { return };
            let Ok(mut m) = rc.try_borrow_mut() else {
                return;
            };
            if let Some(pool) = m.pool.as_mut() {
                pool.give_up = Some(give_up_soon(&weak));
            }
        }
    });
    Ok(Slot {
        worker,
        ready: false,
        busy: 0,
        _listeners: [on_message, on_error],
    })
}

/// Falls back to the main thread in a task of its own, outside the event handler that found
/// the failure (falling back drops the pool and its listeners).
fn give_up_soon(weak: &Weak<std::cell::RefCell<super::Mounted>>) -> Timeout {
    let weak = weak.clone();
    Timeout::new(0, move || {
        if let Some(rc) = weak.upgrade() {
            fall_back(&rc, "main (the workers could not start)");
        }
    })
}

/// A worker's message: "ready", or a job's numbers.
fn received(shared: &Shared, k: usize, data: JsValue) {
    if data.as_string().as_deref() == Some("ready") {
        if let Some(slot) = shared
            .borrow_mut()
            .pool
            .as_mut()
            .and_then(|p| p.slots.get_mut(k))
        {
            slot.ready = true;
        }
        pump(shared);
        return;
    }
    if let Some(slot) = shared
        .borrow_mut()
        .pool
        .as_mut()
        .and_then(|p| p.slots.get_mut(k))
    {
        slot.busy = slot.busy.saturating_sub(1);
    }
    let numbers = js_sys::Float64Array::new(&data).to_vec();
    match jobs::decode(&numbers) {
        Some(msg) => send(shared, msg),
        None => pump(shared),
    }
}

/// Hands a job to every idle, ready worker, and notes when the map is complete.
pub(super) fn pump(shared: &Shared) {
    let mut m = shared.borrow_mut();
    let m = &mut *m;
    let engine = if m.pool.is_some() {
        format!("workers:{}", m.pool.as_ref().map_or(0, |p| p.size()))
    } else {
        "main".into()
    };
    let _ = m.view.host.set_attribute("data-engine", &engine);
    if let Some(pool) = m.pool.as_mut() {
        // A few jobs queued at each worker: a cell takes about a millisecond, and a worker
        // waiting for the page to answer its last result would idle.
        for slot in pool.slots.iter_mut().filter(|s| s.ready) {
            while slot.busy < IN_FLIGHT {
                let Some(job) = m.state.next_job() else { break };
                let text = jobs::encode(job, &m.state.settings);
                if slot.worker.post_message(&JsValue::from_str(&text)).is_err() {
                    break;
                }
                slot.busy += 1;
                if !matches!(job, crate::panels::dying::state::Job::Born { .. })
                    && m.map_started.is_none()
                {
                    let t = now();
                    m.map_started = Some(t);
                    let _ = m
                        .view
                        .host
                        .set_attribute("data-map-start", &format!("{t:.0}"));
                }
            }
        }
    }
    note_map_time(m);
}

fn note_map_time(m: &mut super::Mounted) {
    let (done, total) = m.state.map_progress();
    if done == total && m.map_ms.is_none() {
        if let Some(t0) = m.map_started {
            let ms = now() - t0;
            m.map_ms = Some(ms);
            let _ = m
                .view
                .host
                .set_attribute("data-map-ms", &format!("{ms:.0}"));
        }
    }
}

/// Runs the jobs on the main thread from now on (the workers could not start).
pub(super) fn fall_back(shared: &Shared, why: &str) {
    {
        let mut m = shared.borrow_mut();
        m.pool = None;
        m.fallback = true;
        let _ = m.view.host.set_attribute("data-engine", why);
        // Jobs handed to workers that never answered go back in the queue.
        if m.state.running {
            m.state.update(crate::panels::dying::state::Msg::Start);
        }
    }
    run_frames(shared);
}

/// Runs the jobs on the main thread, a slice of about `BUDGET_MS` per animation frame, until
/// none is left.
pub(super) fn run_frames(shared: &Shared) {
    let weak = Rc::downgrade(shared);
    let frames = FrameLoop::start(move |_| weak.upgrade().is_some_and(|rc| frame(&rc)));
    shared.borrow_mut().frames = Some(frames);
}

/// One frame of main-thread work; whether another frame is wanted.
fn frame(shared: &Shared) -> bool {
    use crate::panels::dying::state::Redraw;
    let t0 = now();
    let (redraw, busy) = {
        let mut m = shared.borrow_mut();
        if m.state.busy() && m.map_started.is_none() {
            m.map_started = Some(t0);
            let _ = m
                .view
                .host
                .set_attribute("data-map-start", &format!("{t0:.0}"));
        }
        let mut clock = now;
        let r = m.state.frame(BUDGET_MS, &mut clock);
        let dt = now() - t0;
        m.max_frame_ms = m.max_frame_ms.max(dt);
        let _ = m
            .view
            .host
            .set_attribute("data-max-frame-ms", &format!("{:.1}", m.max_frame_ms));
        note_map_time(&mut m);
        let _ = m.mark_host();
        (r, m.state.busy())
    };
    let (map, born) = match redraw {
        Redraw::Map => (true, false),
        Redraw::Born => (false, true),
        Redraw::Nothing | Redraw::Status => (false, false),
        _ => (true, true),
    };
    schedule_draw(shared, map, born);
    if !busy {
        shared.borrow_mut().frames = None;
    }
    busy
}
