//! The training engine itself: [`Handler`] applies requests to the panel's [`Run`]s and
//! does their work a time-boxed slice at a time, answering with [`Reply`]s. Pure (the clock is
//! passed in), so the tests drive it natively; the Web Worker (`listen`, wasm only) and the
//! page's fallback (`web::engine`) run this same code, and so give the same numbers.

use super::engine::{DataSource, Lane, Reply, Request};
use super::helper::{HelperReply, HelperRequest};
use super::plane::PlaneField;
use super::run::{Accepted, Run, Work};
use super::settings::Settings;
use super::wire;
use crate::sim::data::Dataset;
use crate::sim::mlp::Mlp;
use crate::spec::query_pairs;
use std::rc::Rc;

/// The comparison: runs trained one after another on the main run's data.
struct Comparison {
    runs: Vec<Run>,
    current: usize,
}

/// The helper that makes the main run's statistics ([`super::helper`]), as far as the engine
/// knows it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum HelperLink {
    /// None: the statistics are made here.
    #[default]
    Absent,
    /// Started, not answering yet: it gets the run's Start; the statistics are made here.
    Starting,
    /// The main run's statistics go to it.
    Ready,
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
    helper: HelperLink,
    /// The current run's Start, for a helper attached after it.
    last_start: Option<Request>,
    /// Messages for the helper, oldest first.
    to_helper: Vec<Vec<u8>>,
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
        self.comparison.is_some()
            || (self.training && self.main.as_ref().is_some_and(Run::has_work))
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
        if let Request::Start { gen, link, data } = &r {
            let out = self.start(*gen, link, data.clone());
            if self.helper != HelperLink::Absent {
                self.to_helper.push(wire::encode_request(&r));
            }
            self.last_start = Some(r);
            return out;
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
        let mut run = self.new_run(settings);
        run.set_helper(self.helper == HelperLink::Ready);
        self.main = Some(run);
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
        field_of(self.gen, run, run.net()?)
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
        let gen = self.gen;
        let asks = run.take_for_helper().into_iter().map(|(epoch, params)| {
            wire::encode_helper_request(&HelperRequest::Evaluate { gen, epoch, params })
        });
        self.to_helper.extend(asks);
        out
    }

    /// A helper was started: it gets the current run's Start (and every later one); the
    /// statistics are made here until [`Handler::helper_ready`].
    pub fn attach_helper(&mut self) {
        self.helper = HelperLink::Starting;
        self.to_helper.clear();
        if let Some(start) = &self.last_start {
            self.to_helper.push(wire::encode_request(start));
        }
    }

    /// The helper answers: the main run's statistics go to it from now on.
    pub fn helper_ready(&mut self) {
        if self.helper == HelperLink::Starting {
            self.helper = HelperLink::Ready;
            if let Some(run) = self.main.as_mut() {
                run.set_helper(true);
            }
        }
    }

    /// The helper failed or refused: every statistic it was making is made here.
    pub fn helper_lost(&mut self) {
        self.helper = HelperLink::Absent;
        self.to_helper.clear();
        if let Some(run) = self.main.as_mut() {
            run.set_helper(false);
        }
    }

    pub fn helper(&self) -> HelperLink {
        self.helper
    }

    /// The messages for the helper since the last call, in order.
    pub fn take_for_helper(&mut self) -> Vec<Vec<u8>> {
        std::mem::take(&mut self.to_helper)
    }

    /// Applies the helper's answer (bytes); returns the replies for the page.
    pub fn helper_answered(&mut self, bytes: &[u8]) -> Vec<Vec<u8>> {
        let replies = match wire::decode_helper_reply(bytes) {
            Ok(HelperReply::Evaluated { gen, epoch, ev }) if gen == self.gen => {
                self.accept(epoch, *ev)
            }
            Ok(HelperReply::Refused { gen, .. }) if gen == self.gen => {
                self.helper_lost();
                Vec::new()
            }
            // An answer about a run since replaced.
            Ok(_) => Vec::new(),
            Err(_) => {
                self.helper_lost();
                Vec::new()
            }
        };
        replies.iter().map(wire::encode_reply).collect()
    }

    fn accept(&mut self, epoch: usize, ev: crate::sim::train::Evaluation) -> Vec<Reply> {
        let Some(run) = self.main.as_mut() else {
            return Vec::new();
        };
        let work = match run.accept(epoch, ev) {
            Accepted::Made(work) => work,
            Accepted::Stale => return Vec::new(),
            Accepted::Misfit => {
                self.helper_lost();
                return Vec::new();
            }
        };
        let out = report(self.gen, Lane::Main, run, work, &mut self.sent[0]);
        if run.is_finished() {
            self.training = false;
        }
        out
    }

    /// The helper's side: evaluates the network a trainer sent (bytes of a
    /// [`HelperRequest`]) on this engine's run, which must be the trainer's (it forwards its
    /// Start); returns the answer's bytes.
    pub fn evaluate_for_trainer(&mut self, bytes: &[u8]) -> Vec<u8> {
        let answer = match wire::decode_helper_request(bytes) {
            Ok(HelperRequest::Evaluate { gen, epoch, params }) => {
                match self.main.as_mut().filter(|_| gen == self.gen) {
                    Some(run) => match run.evaluate_params(&params) {
                        Ok(ev) => HelperReply::Evaluated {
                            gen,
                            epoch,
                            ev: Box::new(ev),
                        },
                        Err(message) => HelperReply::Refused { gen, message },
                    },
                    None => HelperReply::Refused {
                        gen,
                        message: "the helper has no such run".into(),
                    },
                }
            }
            Err(e) => HelperReply::Refused {
                gen: self.gen,
                message: e.to_string(),
            },
        };
        wire::encode_helper_reply(&answer)
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
        // The comparison draws no plane: only the main run's field travels, of the network
        // these statistics describe.
        if let (Lane::Main, Some(net)) = (lane, run.stats_net()) {
            out.extend(field_of(gen, run, net));
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

/// `net` (one of `run`'s) over `run`'s input plane (None before the network exists, or with
/// fewer than two inputs).
fn field_of(gen: u32, run: &Run, net: &Mlp<f32>) -> Option<Reply> {
    let data = run.trained_data()?;
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
    use crate::panels::network::wire;
    use std::cell::RefCell;
    use std::rc::Rc;
    use wasm_bindgen::prelude::*;
    use web_sys::{
        DedicatedWorkerGlobalScope, MessageChannel, MessageEvent, WorkerOptions, WorkerType,
    };

    /// A slice of training between two looks at the page's messages: Pause waits at most this.
    const SLICE_MS: f64 = 20.0;

    /// The name the training worker gives its helper: a worker of that name never starts one.
    const HELPER_NAME: &str = "statistics";

    /// The second worker that makes the statistics ([`super::super::helper`]), and its two
    /// listeners (kept so that they live as long as it does).
    struct HelperThread {
        worker: web_sys::Worker,
        ready: bool,
        /// Messages posted before it is ready would be lost: they wait here.
        queue: Vec<Vec<u8>>,
        _listeners: [Closure<dyn FnMut(JsValue)>; 2],
    }

    impl Drop for HelperThread {
        fn drop(&mut self) {
            self.worker.terminate();
        }
    }

    struct Worker {
        handler: Handler,
        scope: DedicatedWorkerGlobalScope,
        /// Posting to it schedules the next slice after the messages already queued (a
        /// timeout would be clamped to 4 ms after a few nested ones).
        tick: MessageChannel,
        scheduled: bool,
        helper: Option<HelperThread>,
        /// A helper was tried (one per training worker: if it fails, the statistics are
        /// made here for good).
        tried_helper: bool,
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

        /// Passes the handler's messages for the helper on.
        fn feed_helper(&mut self) {
            let messages = self.handler.take_for_helper();
            self.send_to_helper(messages);
        }

        /// Posts `messages` to the helper in order, or keeps them until it is ready.
        fn send_to_helper(&mut self, messages: Vec<Vec<u8>>) {
            let Some(h) = self.helper.as_mut() else {
                return;
            };
            if !h.ready {
                h.queue.extend(messages);
                return;
            }
            for m in messages {
                if h.worker
                    .post_message(&js_sys::Uint8Array::from(m.as_slice()))
                    .is_err()
                {
                    self.lose_helper();
                    return;
                }
            }
        }

        fn lose_helper(&mut self) {
            self.helper = None;
            self.handler.helper_lost();
        }
    }

    fn now(scope: &DedicatedWorkerGlobalScope) -> f64 {
        scope
            .performance()
            .map_or_else(js_sys::Date::now, |p| p.now())
    }

    /// Starts the helper: this worker's own script again, under [`HELPER_NAME`].
    fn start_helper(w: &Rc<RefCell<Worker>>) {
        let mut me = w.borrow_mut();
        if me.tried_helper || me.scope.name() == HELPER_NAME {
            return;
        }
        me.tried_helper = true;
        let url = me.scope.location().href();
        let opts = WorkerOptions::new();
        opts.set_type(WorkerType::Module);
        opts.set_name(HELPER_NAME);
        // Where a worker cannot start another (an old browser), the statistics stay here.
        let Ok(worker) = web_sys::Worker::new_with_options(&url, &opts) else {
            return;
        };
        let weak = Rc::downgrade(w);
        let on_message = Closure::<dyn FnMut(JsValue)>::new(move |e: JsValue| {
            let Some(w) = weak.upgrade() else { return };
            let data = e.unchecked_into::<MessageEvent>().data();
            let mut w = w.borrow_mut();
            if data.as_string().as_deref() == Some("ready") {
                let Some(h) = w.helper.as_mut() else { return };
                h.ready = true;
                // What waited goes first, in order; then the statistics go to it.
                let queued = std::mem::take(&mut h.queue);
                w.send_to_helper(queued);
                w.handler.helper_ready();
                w.feed_helper();
            } else if data.is_instance_of::<js_sys::Uint8Array>() {
                let bytes = js_sys::Uint8Array::new(&data).to_vec();
                let replies = w.handler.helper_answered(&bytes);
                w.post(replies);
                w.feed_helper();
            }
            w.schedule();
        });
        let weak = Rc::downgrade(w);
        let on_error = Closure::<dyn FnMut(JsValue)>::new(move |_: JsValue| {
            let Some(w) = weak.upgrade() else { return };
            let mut w = w.borrow_mut();
            w.lose_helper();
            w.schedule();
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        me.handler.attach_helper();
        me.helper = Some(HelperThread {
            worker,
            ready: false,
            queue: Vec::new(),
            _listeners: [on_message, on_error],
        });
        me.feed_helper();
    }

    /// Answers the engine's requests (bytes: `Uint8Array` or `ArrayBuffer`) in this worker;
    /// text messages are left to the other listeners (the dying map's jobs). The caller posts
    /// "ready" once every listener is in place. A training worker starts a helper for its
    /// statistics with its first request; the helper answers the trainer's evaluations.
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
            helper: None,
            tried_helper: false,
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
                if wire::is_helper_request(&bytes) {
                    let answer = w.borrow_mut().handler.evaluate_for_trainer(&bytes);
                    w.borrow().post(vec![answer]);
                    return;
                }
                start_helper(&w);
                let mut w = w.borrow_mut();
                let replies = w.handler.handle_bytes(&bytes);
                w.post(replies);
                w.feed_helper();
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
                w.feed_helper();
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
