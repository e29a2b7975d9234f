//! The training engine itself: [`Handler`] applies requests to the panel's [`Run`]s and
//! does their work a time-boxed slice at a time, answering with [`Reply`]s. Pure (the clock is
//! passed in), so the tests drive it natively; the Web Worker (`listen`, wasm only) and the
//! page's fallback (`web::engine`) run this same code, and so give the same numbers.

use super::engine::{DataSource, Lane, Reply, Request};
use super::plane::PlaneField;
use super::run::{Run, Work};
use super::settings::Settings;
use super::wire;
use crate::sim::data::Dataset;
use crate::spec::query_pairs;
use std::rc::Rc;

/// The comparison: runs trained one after another on the main run's data.
struct Comparison {
    runs: Vec<Run>,
    current: usize,
}

/// The engine's state: the current run and what it is asked to do.
#[derive(Default)]
pub struct Handler {
    gen: u32,
    main: Option<Run>,
    training: bool,
    comparison: Option<Comparison>,
    /// The learner's data of the current run (None: seed 002's).
    own: Option<Rc<Dataset>>,
    /// Trace points of each lane already sent (the main run, then the comparison's).
    sent: Vec<usize>,
}

fn settings_of(link: &str) -> Settings {
    Settings::from_pairs(&query_pairs(link)).0
}

impl Handler {
    pub fn new() -> Handler {
        Handler::default()
    }

    /// Whether there is work to do (then call [`Handler::slice`]).
    pub fn busy(&self) -> bool {
        self.comparison.is_some() || (self.training && self.main.is_some())
    }

    /// Applies a request's bytes; an unreadable request gets an [`Reply::Error`].
    pub fn handle_bytes(&mut self, bytes: &[u8]) -> Vec<Vec<u8>> {
        let replies = match wire::decode_request(bytes) {
            Ok(r) => self.handle(r),
            Err(e) => vec![Reply::Error {
                message: e.to_string(),
            }],
        };
        replies.iter().map(wire::encode_reply).collect()
    }

    /// Applies a request. Requests for a run other than the current one are ignored (they
    /// were sent before the page started another).
    pub fn handle(&mut self, r: Request) -> Vec<Reply> {
        if let Request::Start { gen, link, data } = r {
            return self.start(gen, &link, data);
        }
        if r.gen() != self.gen || self.main.is_none() {
            return Vec::new();
        }
        if let Request::View { plane, .. } = r {
            // Only a way of looking: the comparison and the training go on.
            if let Some(run) = self.main.as_mut() {
                (run.settings.plane_x, run.settings.plane_y) = plane;
            }
            return self.field().into_iter().collect();
        }
        let mut out = self.stop_comparison();
        match r {
            Request::Train { until_epoch, .. } => {
                if let Some(run) = self.main.as_mut() {
                    run.set_target(until_epoch);
                    self.training = true;
                }
            }
            Request::Pause { .. } => out.extend(self.pause()),
            Request::Compare { links, .. } => out.extend(self.compare(&links)),
            Request::Start { .. } | Request::View { .. } => {}
        }
        out
    }

    fn start(&mut self, gen: u32, link: &str, data: DataSource) -> Vec<Reply> {
        self.gen = gen;
        self.main = None;
        self.training = false;
        self.comparison = None;
        self.sent = vec![0];
        let settings = settings_of(link);
        self.own = match data {
            DataSource::Seed002 => None,
            DataSource::Numbers(d) => Some(Rc::new(d)),
        };
        self.main = Some(self.new_run(settings));
        Vec::new()
    }

    /// A run of `settings` on the data in use. The settings' own data is made afresh for
    /// each run (in the worker that costs the page nothing, and the same settings make the
    /// same data).
    fn new_run(&self, settings: Settings) -> Run {
        match &self.own {
            Some(d) => Run::on_data(settings, d.clone()),
            None => Run::new(settings, None),
        }
    }

    /// Stops training the main run; says after how many epochs (also when it was not
    /// training, so the page always gets an answer).
    fn pause(&mut self) -> Vec<Reply> {
        self.training = false;
        let epochs = self.main.as_ref().map_or(0, Run::epochs_done);
        let mut out = vec![Reply::Paused {
            gen: self.gen,
            epochs,
        }];
        // The paused run is drawn whole, as it is now (epochs may have ended mid-way).
        out.extend(self.field());
        out
    }

    /// The main run's network over its input plane, once it has one.
    fn field(&self) -> Option<Reply> {
        let run = self.main.as_ref()?;
        field_of(self.gen, run)
    }

    /// Pauses the main run (as the panel's Compare does) and starts the comparison.
    fn compare(&mut self, links: &[String]) -> Vec<Reply> {
        let mut out = Vec::new();
        if self.training {
            out.extend(self.pause());
        }
        if links.is_empty() {
            out.push(Reply::CompareDone { gen: self.gen });
            return out;
        }
        let runs = links.iter().map(|l| self.new_run(settings_of(l))).collect();
        self.sent.resize(links.len() + 1, 0);
        self.sent[1..].fill(0);
        self.comparison = Some(Comparison { runs, current: 0 });
        out
    }

    fn stop_comparison(&mut self) -> Vec<Reply> {
        match self.comparison.take() {
            Some(_) => vec![Reply::CompareDone { gen: self.gen }],
            None => Vec::new(),
        }
    }

    /// One piece of work of about `budget_ms` of `clock` time (see [`Run::work`]): on the
    /// comparison while it runs, else on the main run while it trains.
    pub fn slice(&mut self, budget_ms: f64, clock: &mut dyn FnMut() -> f64) -> Vec<Reply> {
        if let Some(c) = self.comparison.as_mut() {
            let k = c.current;
            let mut out = Vec::new();
            if let Some(run) = c.runs.get_mut(k) {
                let w = run.work(budget_ms, clock);
                out = report(self.gen, Lane::Compare(k), run, w, &mut self.sent[k + 1]);
            }
            out.extend(self.next_in_comparison());
            return out;
        }
        let Some(run) = self.main.as_mut().filter(|_| self.training) else {
            return Vec::new();
        };
        let w = run.work(budget_ms, clock);
        let out = report(self.gen, Lane::Main, run, w, &mut self.sent[0]);
        if run.is_finished() {
            self.training = false;
        }
        out
    }

    /// After a comparison run finished, the next starts on its data; after the last, done.
    fn next_in_comparison(&mut self) -> Vec<Reply> {
        let Some(c) = self.comparison.as_mut() else {
            return Vec::new();
        };
        let finished = c.runs.get(c.current).is_none_or(Run::is_finished);
        if !finished {
            return Vec::new();
        }
        let data = c.runs.get(c.current).and_then(|r| r.data().cloned());
        c.current += 1;
        match c.runs.get_mut(c.current) {
            Some(next) => {
                // Every preset trains on the same data.
                if next.data().is_none() {
                    *next = Run::new(next.settings.clone(), data);
                }
                Vec::new()
            }
            None => self.stop_comparison(),
        }
    }
}

/// The replies one piece of work on `run` calls for.
fn report(gen: u32, lane: Lane, run: &Run, work: Work, sent: &mut usize) -> Vec<Reply> {
    let trace_from = *sent;
    let trace = run.trace.get(trace_from..).unwrap_or_default().to_vec();
    *sent = run.trace.len();
    let mut out = vec![Reply::Progress {
        gen,
        lane,
        work,
        steps: run.steps(),
        progress: run.progress(),
        trace_from,
        trace,
    }];
    if matches!(work, Work::Initial | Work::Epoch(_)) {
        if let Some(s) = run.latest() {
            out.push(Reply::Epoch {
                gen,
                lane,
                stats: Box::new(s.clone()),
            });
        }
        // The comparison draws no plane: only the main run's field travels.
        if lane == Lane::Main {
            out.extend(field_of(gen, run));
        }
    }
    if let Some(message) = run.failure() {
        if work == Work::Failed {
            out.push(Reply::Failed {
                gen,
                lane,
                message: message.to_string(),
            });
        }
    } else if run.is_finished() {
        out.push(Reply::Finished {
            gen,
            lane,
            epochs: run.epochs_done(),
        });
    }
    out
}

/// `run`'s network over its input plane (None before the network exists, or with fewer than
/// two inputs).
fn field_of(gen: u32, run: &Run) -> Option<Reply> {
    let (net, data) = (run.net()?, run.trained_data()?);
    let axes = run.settings.plane_axes(data.n_features);
    let field = PlaneField::compute(net, data, axes)?;
    Some(Reply::Field {
        gen,
        field: Box::new(field),
    })
}

#[cfg(target_arch = "wasm32")]
pub use web::listen;

/// The Web Worker's loop (wasm only).
#[cfg(target_arch = "wasm32")]
mod web {
    use super::Handler;
    use std::cell::RefCell;
    use std::rc::Rc;
    use wasm_bindgen::prelude::*;
    use web_sys::{DedicatedWorkerGlobalScope, MessageChannel, MessageEvent};

    /// A slice of training between two looks at the page's messages: Pause waits at most this.
    const SLICE_MS: f64 = 20.0;

    struct Worker {
        handler: Handler,
        scope: DedicatedWorkerGlobalScope,
        /// Posting to it schedules the next slice after the messages already queued (a
        /// timeout would be clamped to 4 ms after a few nested ones).
        tick: MessageChannel,
        scheduled: bool,
    }

    impl Worker {
        fn post(&self, replies: Vec<Vec<u8>>) {
            for r in replies {
                let _ = self
                    .scope
                    .post_message(&js_sys::Uint8Array::from(r.as_slice()));
            }
        }

        fn schedule(&mut self) {
            if self.handler.busy() && !self.scheduled {
                self.scheduled = self.tick.port2().post_message(&JsValue::NULL).is_ok();
            }
        }
    }

    fn now(scope: &DedicatedWorkerGlobalScope) -> f64 {
        scope
            .performance()
            .map_or_else(js_sys::Date::now, |p| p.now())
    }

    /// Answers the engine's requests (bytes: `Uint8Array` or `ArrayBuffer`) in this worker;
    /// text messages are left to the other listeners (the dying map's jobs). The caller posts
    /// "ready" once every listener is in place.
    pub fn listen() {
        let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
        let Ok(tick) = MessageChannel::new() else {
            return;
        };
        let w = Rc::new(RefCell::new(Worker {
            handler: Handler::new(),
            scope: scope.clone(),
            tick,
            scheduled: false,
        }));
        let on_request = {
            let w = w.clone();
            Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
                let data = e.data();
                if data.is_string()
                    || !(data.is_instance_of::<js_sys::Uint8Array>()
                        || data.is_instance_of::<js_sys::ArrayBuffer>())
                {
                    return;
                }
                let bytes = js_sys::Uint8Array::new(&data).to_vec();
                let mut w = w.borrow_mut();
                let replies = w.handler.handle_bytes(&bytes);
                w.post(replies);
                w.schedule();
            })
        };
        let on_tick = {
            let w = w.clone();
            Closure::<dyn FnMut(MessageEvent)>::new(move |_: MessageEvent| {
                let mut w = w.borrow_mut();
                w.scheduled = false;
                let scope = w.scope.clone();
                let mut clock = || now(&scope);
                let replies = w.handler.slice(SLICE_MS, &mut clock);
                let bytes = replies.iter().map(super::wire::encode_reply).collect();
                w.post(bytes);
                w.schedule();
            })
        };
        let _ =
            scope.add_event_listener_with_callback("message", on_request.as_ref().unchecked_ref());
        w.borrow()
            .tick
            .port1()
            .set_onmessage(Some(on_tick.as_ref().unchecked_ref()));
        // Both live as long as the worker: the page ends it with terminate().
        on_request.forget();
        on_tick.forget();
    }
}
