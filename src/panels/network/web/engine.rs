//! Where "A small network" trains: an [`Engine`] with one interface and two homes, a Web Worker
//! of this crate's wasm (the `worker` bin, as the dying map's pool starts it) or, where no
//! worker starts, the page itself in frame-sized slices. Both run the same
//! [`Handler`](crate::panels::network::worker::Handler) on the same requests, so a seeded run
//! gives the same numbers in either (tests/network_engine.rs, tests/web_network_engine.rs).
//!
//! # In the panel
//!
//! The panel's [`State`](crate::panels::network::state::State) holds the engine as a
//! [`TrainingEngine`]: it sends a request for each message that changes the run and applies
//! the replies in each animation frame ([`Engine::frame`]) to its mirrors of the runs. The
//! engine's `wake` (called from its own event handlers and timeouts, never from inside `send`
//! or `frame`) restarts the panel's frames when replies arrive while it is idle. The panel
//! shows [`EngineKind::words`] and puts [`EngineKind::id`] in `data-engine`.

use crate::panels::network::engine::{EngineInfo, Reply, Request, TrainingEngine};
use crate::panels::network::run::Work;
use crate::panels::network::wire;
use crate::panels::network::worker::Handler;
use crate::web::now;
use gloo_events::EventListener;
use gloo_timers::callback::Timeout;
use std::cell::RefCell;
use std::rc::{Rc, Weak};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{MessageEvent, Worker, WorkerOptions, WorkerType};

/// Where Trunk puts the worker's loader (see index.html), relative to the page.
pub const WORKER_URL: &str = "./worker_loader.js";
/// How long to wait for the worker's "ready" before training on the page instead.
pub const READY_TIMEOUT_MS: u32 = 5_000;

/// Where the training runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EngineKind {
    /// No worker yet: it starts with the first request that trains (or [`Engine::warm`]).
    Idle,
    /// A worker is loading; requests wait for it.
    Starting,
    Worker,
    /// The page's own thread, in slices of its animation frames.
    Page,
}

impl EngineKind {
    /// For the panel's status.
    pub fn words(self) -> &'static str {
        match self {
            EngineKind::Idle => "will train in a background thread",
            EngineKind::Starting => "starting a background thread",
            EngineKind::Worker => "training in a background thread",
            EngineKind::Page => "training on the page (no worker)",
        }
    }

    /// For a data attribute the tests read.
    pub fn id(self) -> &'static str {
        match self {
            EngineKind::Idle => "idle",
            EngineKind::Starting => "starting",
            EngineKind::Worker => "worker",
            EngineKind::Page => "page",
        }
    }
}

/// A worker and its two listeners; terminated when dropped.
struct Thread {
    worker: Worker,
    _listeners: [EventListener; 2],
}

impl Drop for Thread {
    fn drop(&mut self) {
        self.worker.terminate();
    }
}

enum Mode {
    /// No worker yet (a page that never trains loads no worker wasm): requests wait.
    Idle {
        url: String,
        queue: Vec<Vec<u8>>,
    },
    /// Requests wait (a message posted before the worker's wasm has started would be lost).
    Starting {
        thread: Thread,
        queue: Vec<Vec<u8>>,
    },
    Worker(Thread),
    Page(Box<Handler>),
}

struct Core {
    mode: Mode,
    /// Replies not yet taken by [`Engine::frame`].
    inbox: Vec<Reply>,
    /// Requests since the last Start: replayed on the page if the worker fails.
    log: Vec<Request>,
    wake: Rc<dyn Fn()>,
    /// Why the page trains instead of a worker.
    why: Option<&'static str>,
    /// The worker handed an epoch of the current run to its helper (`Work::Closed`).
    helper: bool,
    /// The ready timeout, or a fall back waiting for its own task (held, so dropping the
    /// engine cancels it).
    timer: Option<Timeout>,
}

/// The panel's training engine (see the module's doc).
pub struct Engine {
    core: Rc<RefCell<Core>>,
}

impl Engine {
    /// A worker from `url` (normally [`WORKER_URL`]), started by the first request that
    /// trains (the page's first screen loads no worker: the dying map too starts its pool only
    /// near the viewport); on the page if it cannot start.
    pub fn start(url: &str, wake: impl Fn() + 'static) -> Engine {
        let engine = Engine::on_page(wake);
        engine.core.borrow_mut().mode = Mode::Idle {
            url: url.to_string(),
            queue: Vec::new(),
        };
        engine
    }

    /// Starts the worker now if it has not started (say, when the panel nears the viewport),
    /// so the first Train does not wait for it to load.
    pub fn warm(&self) {
        let weak = Rc::downgrade(&self.core);
        let mut core = self.core.borrow_mut();
        let Mode::Idle { url, queue } = &mut core.mode else {
            return;
        };
        let (url, queue) = (std::mem::take(url), std::mem::take(queue));
        match spawn(&url, &weak) {
            Ok(thread) => {
                core.mode = Mode::Starting { thread, queue };
                core.timer = Some(Timeout::new(READY_TIMEOUT_MS, move || {
                    fall_back(&weak, "no worker answered");
                }));
            }
            // Not from inside the caller's call: the fall back wakes the panel.
            Err(_) => {
                core.timer = Some(Timeout::new(0, move || {
                    fall_back(&weak, "the worker could not start");
                }))
            }
        }
    }

    /// Training on the page from the start.
    pub fn on_page(wake: impl Fn() + 'static) -> Engine {
        Engine {
            core: Rc::new(RefCell::new(Core {
                mode: Mode::Page(Box::default()),
                inbox: Vec::new(),
                log: Vec::new(),
                wake: Rc::new(wake),
                why: None,
                helper: false,
                timer: None,
            })),
        }
    }

    pub fn kind(&self) -> EngineKind {
        match self.core.borrow().mode {
            Mode::Idle { .. } => EngineKind::Idle,
            Mode::Starting { .. } => EngineKind::Starting,
            Mode::Worker(_) => EngineKind::Worker,
            Mode::Page(_) => EngineKind::Page,
        }
    }

    /// "training in a background thread", "training on the page (no worker)", ...
    pub fn words(&self) -> &'static str {
        self.kind().words()
    }

    /// Why the page trains instead of a worker, when it does after trying one.
    pub fn fallback_reason(&self) -> Option<&'static str> {
        self.core.borrow().why
    }

    /// Sends a request; its replies come from [`Engine::frame`]. Train and Compare start the
    /// worker if it has not started.
    pub fn send(&self, r: Request) {
        let trains = matches!(r, Request::Train { .. } | Request::Compare { .. });
        self.post(r);
        if trains {
            self.warm();
        }
    }

    fn post(&self, r: Request) {
        let mut core = self.core.borrow_mut();
        let core = &mut *core;
        let fresh = matches!(r, Request::Start { .. });
        if fresh {
            core.log.clear();
            core.helper = false;
        }
        let bytes = wire::encode_request(&r);
        match &mut core.mode {
            Mode::Idle { queue, .. } | Mode::Starting { queue, .. } => {
                // A fresh run makes the waiting requests moot.
                if fresh {
                    queue.clear();
                }
                queue.push(bytes);
            }
            Mode::Worker(t) => {
                let posted = t
                    .worker
                    .post_message(&js_sys::Uint8Array::from(bytes.as_slice()));
                if posted.is_err() {
                    core.inbox.push(Reply::Error {
                        message: "the background thread refused a message".into(),
                    });
                }
            }
            Mode::Page(h) => core.inbox.extend(h.handle(r.clone())),
        }
        core.log.push(r);
    }

    /// The replies since the last call; on the page, after one slice of training of at most
    /// about `budget_ms`.
    pub fn frame(&self, budget_ms: f64) -> Vec<Reply> {
        let mut core = self.core.borrow_mut();
        let core = &mut *core;
        if let Mode::Page(h) = &mut core.mode {
            if h.busy() {
                let mut clock = now;
                let replies = h.slice(budget_ms, &mut clock);
                core.inbox.extend(replies);
            }
        }
        std::mem::take(&mut core.inbox)
    }

    /// Whether frames must come for the engine: replies wait, or the page has training to do.
    pub fn needs_frames(&self) -> bool {
        let core = self.core.borrow();
        !core.inbox.is_empty() || matches!(&core.mode, Mode::Page(h) if h.busy())
    }
}

/// The panel's state drives the engine through this (its clock is the page's own).
impl TrainingEngine for Engine {
    fn send(&mut self, r: Request) {
        Engine::send(self, r);
    }

    fn frame(&mut self, budget_ms: f64, _clock: &mut dyn FnMut() -> f64) -> Vec<Reply> {
        Engine::frame(self, budget_ms)
    }

    fn needs_frames(&self) -> bool {
        Engine::needs_frames(self)
    }

    fn warm(&mut self) {
        Engine::warm(self);
    }

    fn describe(&self) -> EngineInfo {
        let kind = self.kind();
        EngineInfo {
            id: kind.id(),
            in_thread: kind == EngineKind::Page,
            fallback: self.fallback_reason(),
            helper: self.core.borrow().helper,
        }
    }
}

fn spawn(url: &str, weak: &Weak<RefCell<Core>>) -> Result<Thread, JsValue> {
    let opts = WorkerOptions::new();
    opts.set_type(WorkerType::Module);
    let worker = Worker::new_with_options(url, &opts)?;
    let on_message = EventListener::new(&worker, "message", {
        let weak = weak.clone();
        move |e| {
            if let Some(e) = e.dyn_ref::<MessageEvent>() {
                received(&weak, e.data());
            }
        }
    });
    let on_error = EventListener::new(&worker, "error", {
        let weak = weak.clone();
        move |_| {
            // Falling back drops this listener: do it in a task of its own.
            let Some(rc) = weak.upgrade() else { return };
            let weak = weak.clone();
            let mut core = rc.borrow_mut();
            let why = match core.mode {
                Mode::Starting { .. } => "the worker could not start",
                _ => "the worker failed during the run",
            };
            core.timer = Some(Timeout::new(0, move || fall_back(&weak, why)));
        }
    });
    Ok(Thread {
        worker,
        _listeners: [on_message, on_error],
    })
}

/// A worker's message: "ready" (then the queued requests go), or a reply's bytes.
fn received(weak: &Weak<RefCell<Core>>, data: JsValue) {
    let Some(rc) = weak.upgrade() else { return };
    let wake = {
        let mut core = rc.borrow_mut();
        let core = &mut *core;
        if data.as_string().as_deref() == Some("ready") {
            if let Mode::Starting { .. } = core.mode {
                let Mode::Starting { thread, queue } =
                    std::mem::replace(&mut core.mode, Mode::Page(Box::default()))
                else {
                    return;
                };
                for bytes in queue {
                    let _ = thread
                        .worker
                        .post_message(&js_sys::Uint8Array::from(bytes.as_slice()));
                }
                core.mode = Mode::Worker(thread);
                core.timer = None;
            }
        } else if data.is_instance_of::<js_sys::Uint8Array>() {
            let bytes = js_sys::Uint8Array::new(&data).to_vec();
            let reply = wire::decode_reply(&bytes).unwrap_or_else(|e| Reply::Error {
                message: e.to_string(),
            });
            if let Reply::Progress {
                work: Work::Closed(_),
                ..
            } = reply
            {
                core.helper = true;
            }
            core.inbox.push(reply);
        }
        core.wake.clone()
    };
    wake();
}

/// Trains on the page from now on: the run so far is replayed there from its Start.
fn fall_back(weak: &Weak<RefCell<Core>>, why: &'static str) {
    let Some(rc) = weak.upgrade() else { return };
    let (wake, _old) = {
        let mut core = rc.borrow_mut();
        let core = &mut *core;
        if matches!(core.mode, Mode::Page(_)) {
            return;
        }
        let mut h = Box::new(Handler::new());
        for r in core.log.iter().cloned() {
            core.inbox.extend(h.handle(r));
        }
        core.why = Some(why);
        core.helper = false;
        // The old thread (terminated) and timer drop after the borrow ends.
        let old = (
            std::mem::replace(&mut core.mode, Mode::Page(h)),
            core.timer.take(),
        );
        (core.wake.clone(), old)
    };
    wake();
}
