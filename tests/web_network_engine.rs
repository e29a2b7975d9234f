#![cfg(target_arch = "wasm32")]
//! The network panel's training engine in Chromium (issue 29). Under `wasm-pack test` there is
//! no worker bin, so the worker here is this test's own wasm, loaded by a module worker from a
//! blob and started by [`network_engine_test_worker`] (the same `listen` the worker bin
//! calls). A seeded run gives bit-identical statistics in the worker, on the page and in a
//! direct run; Pause, Compare and a fresh Start work through the worker; a worker that cannot
//! start, or never answers, falls back to the page, says so, and replays the run there.

use dying_relu::panels::network::engine::{
    place, DataSource, Lane, Reply, Request, TrainingEngine,
};
use dying_relu::panels::network::run::{Run, Work};
use dying_relu::panels::network::settings::{Preset, Settings};
use dying_relu::panels::network::web::engine::{Engine, EngineKind, READY_TIMEOUT_MS};
use dying_relu::panels::network::wire::encode_reply;
use dying_relu::panels::network::words;
use dying_relu::sim::stats::EpochStats;
use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

mod support;
use support::sleep;

/// The entry of this wasm when it is a worker: the engine's listener, then "ready".
#[wasm_bindgen]
pub fn network_engine_test_worker() {
    dying_relu::panels::network::worker::listen();
    let scope: web_sys::DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let _ = scope.post_message(&JsValue::from_str("ready"));
}

/// A module worker's URL from its source.
fn blob_url(source: &str) -> String {
    let parts = js_sys::Array::of1(&JsValue::from_str(source));
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type("text/javascript");
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &opts).unwrap();
    web_sys::Url::create_object_url_with_blob(&blob).unwrap()
}

#[wasm_bindgen(inline_js = "export function restore_native_worker() {
    const W = self.Worker;
    if (W && W.prototype && W.prototype.constructor !== W) self.Worker = W.prototype.constructor;
}")]
extern "C" {
    /// The test runner replaces `Worker` with a wrapper (for its console) that loads a
    /// worker's script from a blob of its own and revokes that blob once the worker has
    /// started, so the worker could not start its helper from its own address as it does on
    /// the site: the browser's `Worker` (its prototype's constructor) is put back.
    fn restore_native_worker();
}

/// A worker running this test's wasm (the runner serves it at the root), started with the
/// browser's own `Worker` both here and inside it (see [`restore_native_worker`]).
fn test_worker_url() -> String {
    restore_native_worker();
    let origin = web_sys::window().unwrap().location().origin().unwrap();
    blob_url(&format!(
        "import init, {{ network_engine_test_worker }} from '{origin}/wasm-bindgen-test.js';\n\
         await init({{ module_or_path: '{origin}/wasm-bindgen-test_bg.wasm' }});\n\
         if (self.Worker && self.Worker.prototype.constructor !== self.Worker) {{\n\
           self.Worker = self.Worker.prototype.constructor;\n\
         }}\n\
         network_engine_test_worker();\n"
    ))
}

fn small(preset: Preset, epochs: usize) -> Settings {
    preset.apply(&Settings {
        samples: 2_000,
        epochs,
        ..Settings::default()
    })
}

fn start(gen: u32, s: &Settings) -> Request {
    Request::Start {
        gen,
        link: s.to_query(),
        data: DataSource::Seed002,
    }
}

fn train(gen: u32, until_epoch: usize) -> Request {
    Request::Train { gen, until_epoch }
}

/// Frames (about 60 a second, a slice of 8 ms on the page) until `done` holds for a reply;
/// every reply so far.
async fn until(engine: &Engine, what: &str, done: impl Fn(&Reply) -> bool) -> Vec<Reply> {
    let perf = web_sys::window().unwrap().performance().unwrap();
    let t0 = perf.now();
    let mut out = Vec::new();
    loop {
        let replies = engine.frame(8.0);
        let found = replies.iter().any(&done);
        out.extend(replies);
        if found {
            return out;
        }
        assert!(
            perf.now() - t0 < 60_000.0,
            "timed out waiting for {what} ({}): {:?}",
            engine.words(),
            out.last()
        );
        sleep(16).await;
    }
}

fn finished(r: &Reply) -> bool {
    matches!(
        r,
        Reply::Finished {
            lane: Lane::Main,
            ..
        }
    )
}

fn history(replies: &[Reply], lane: Lane) -> Vec<EpochStats> {
    let mut h = Vec::new();
    for r in replies {
        match r {
            Reply::Epoch { lane: l, stats, .. } if *l == lane => place(&mut h, (**stats).clone()),
            Reply::Failed { message, .. } | Reply::Error { message } => panic!("{message}"),
            _ => {}
        }
    }
    h
}

/// Statistics by their exact bits (NaN percentiles are not equal to themselves).
fn bits(h: &[EpochStats]) -> Vec<Vec<u8>> {
    h.iter()
        .map(|s| {
            encode_reply(&Reply::Epoch {
                gen: 0,
                lane: Lane::Main,
                stats: Box::new(s.clone()),
            })
        })
        .collect()
}

fn direct(s: &Settings) -> Vec<EpochStats> {
    let mut run = Run::new(s.clone(), None);
    let perf = web_sys::window().unwrap().performance().unwrap();
    run.run_to_end(&mut || perf.now());
    run.history
}

#[wasm_bindgen_test]
async fn the_worker_and_the_page_give_the_same_statistics_to_the_bit() {
    let s = small(Preset::Redo, 2);
    let worker = Engine::start(&test_worker_url(), || {});
    let page = Engine::on_page(|| {});
    assert_eq!(page.words(), "training on the page (no worker)");
    for e in [&worker, &page] {
        e.send(start(1, &s));
        e.send(train(1, 2));
    }
    let from_worker = until(&worker, "the worker's run", finished).await;
    assert_eq!(
        worker.kind(),
        EngineKind::Worker,
        "{:?}",
        worker.fallback_reason()
    );
    assert_eq!(worker.words(), "training in a background thread");
    let from_page = until(&page, "the page's run", finished).await;
    let want = bits(&direct(&s));
    assert_eq!(want.len(), 3);
    assert_eq!(bits(&history(&from_worker, Lane::Main)), want, "worker");
    assert_eq!(bits(&history(&from_page, Lane::Main)), want, "page");
}

/// The worker starts a helper (a second worker of the same script) that makes each epoch's
/// statistics while it trains on: once the helper is up, epochs are handed over
/// (`Work::Closed`), and the numbers are those of a run in one thread.
#[wasm_bindgen_test]
async fn the_worker_hands_its_statistics_to_a_second_thread_with_the_same_numbers() {
    let s = Settings {
        samples: 20_000,
        ..small(Preset::DeepRelu, 4)
    };
    let worker = Engine::start(&test_worker_url(), || {});
    // A first run starts the worker and its helper, which compiles this test's whole wasm
    // (seconds); it is up for the second.
    worker.send(start(1, &s));
    worker.send(train(1, 1));
    until(&worker, "the first run", finished).await;
    sleep(4_000).await;
    worker.send(start(2, &s));
    worker.send(train(2, 4));
    let replies = until(&worker, "the worker's run", finished).await;
    let handed: Vec<usize> = replies
        .iter()
        .filter_map(|r| match r {
            Reply::Progress {
                work: Work::Closed(e),
                ..
            } => Some(*e),
            _ => None,
        })
        .collect();
    assert_eq!(
        handed,
        vec![0, 1, 2, 3, 4],
        "every statistic went to the helper"
    );
    // The panel says so.
    let info = TrainingEngine::describe(&worker);
    assert!(info.helper);
    assert!(
        words::engine_line(&info).contains("statistics in a second"),
        "{}",
        words::engine_line(&info)
    );
    let got = history(&replies, Lane::Main);
    assert_eq!(got.len(), 5);
    assert_eq!(bits(&got), bits(&direct(&s)));
    // The run finished only once the last epoch's statistics were in.
    let last_epoch = replies
        .iter()
        .rposition(|r| matches!(r, Reply::Epoch { stats, .. } if stats.epoch == 4));
    let finish = replies.iter().position(finished);
    assert!(last_epoch < finish, "{last_epoch:?} {finish:?}");
    worker.send(start(3, &s));
    assert!(
        !TrainingEngine::describe(&worker).helper,
        "a fresh run has handed nothing yet"
    );
}

#[wasm_bindgen_test]
async fn the_worker_starts_with_the_first_training_not_before() {
    let s = small(Preset::DeepRelu, 1);
    let engine = Engine::start(&test_worker_url(), || {});
    assert_eq!(engine.kind(), EngineKind::Idle);
    engine.send(start(1, &s));
    engine.send(start(2, &s));
    sleep(200).await;
    assert_eq!(
        engine.kind(),
        EngineKind::Idle,
        "no worker for a page that only reads"
    );
    assert!(engine.frame(8.0).is_empty());
    engine.send(train(2, 1));
    assert_eq!(engine.kind(), EngineKind::Starting);
    let replies = until(&engine, "the run", finished).await;
    assert_eq!(engine.kind(), EngineKind::Worker);
    assert!(replies.iter().all(|r| match r {
        Reply::Progress { gen, .. } | Reply::Epoch { gen, .. } => *gen == 2,
        _ => true,
    }));
    assert_eq!(bits(&history(&replies, Lane::Main)), bits(&direct(&s)));
}

#[wasm_bindgen_test]
async fn pause_compare_and_a_fresh_start_work_through_the_worker() {
    // 20,000 samples: a few hundred milliseconds an epoch, so the pause comes mid-run.
    let s = Settings {
        samples: 20_000,
        ..small(Preset::DeepRelu, 20)
    };
    let worker = Engine::start(&test_worker_url(), || {});
    worker.send(start(1, &s));
    worker.send(train(1, 20));
    until(
        &worker,
        "epoch 1",
        |r| matches!(r, Reply::Epoch { stats, .. } if stats.epoch == 1),
    )
    .await;
    worker.send(Request::Pause { gen: 1 });
    let paused = until(&worker, "the pause", |r| matches!(r, Reply::Paused { .. })).await;
    let Some(Reply::Paused { epochs, .. }) =
        paused.iter().find(|r| matches!(r, Reply::Paused { .. }))
    else {
        panic!("{paused:?}");
    };
    assert!(*epochs >= 1 && *epochs < 20, "paused after {epochs} epochs");
    assert!(!paused.iter().any(finished));
    sleep(300).await;
    // The paused network over the plane follows the pause (the page draws the run whole);
    // then nothing.
    let late = worker.frame(8.0);
    let fields = paused.iter().chain(&late);
    let fields = fields.filter(|r| matches!(r, Reply::Field { .. })).count();
    assert!(
        late.iter().all(|r| matches!(r, Reply::Field { .. })),
        "nothing but the plane comes after the pause"
    );
    assert!(fields >= 1, "the paused network's plane");
    worker.send(Request::compare_presets(1, &small(Preset::DeepRelu, 1)));
    let compared = until(&worker, "the comparison", |r| {
        matches!(r, Reply::CompareDone { .. })
    })
    .await;
    let relu1 = history(&compared, Lane::Compare(0));
    assert_eq!(bits(&relu1), bits(&direct(&small(Preset::SingleRelu, 1))));
    assert_eq!(
        history(&compared, Lane::Compare(11)).len(),
        2,
        "the last preset"
    );
    // Reset: a fresh run; nothing of the old one comes after it.
    let other = small(Preset::SeluLecun, 1);
    worker.send(start(2, &other));
    worker.send(train(2, 1));
    let replies = until(&worker, "the fresh run", finished).await;
    assert!(replies.iter().all(|r| match r {
        Reply::Progress { gen, .. } | Reply::Epoch { gen, .. } | Reply::Finished { gen, .. } =>
            *gen == 2,
        _ => true,
    }));
    assert_eq!(bits(&history(&replies, Lane::Main)), bits(&direct(&other)));
}

/// Waits until the engine trains on the page; how many times it woke the panel.
async fn fall_back(url: &str, s: &Settings) -> (Engine, Vec<Reply>, usize) {
    let woken = Rc::new(Cell::new(0));
    let engine = Engine::start(url, {
        let woken = woken.clone();
        move || woken.set(woken.get() + 1)
    });
    // Sent before the fall back: replayed on the page.
    engine.send(start(1, s));
    engine.send(train(1, s.epochs));
    let perf = web_sys::window().unwrap().performance().unwrap();
    let t0 = perf.now();
    while engine.kind() != EngineKind::Page {
        assert!(
            perf.now() - t0 < f64::from(READY_TIMEOUT_MS) + 5_000.0,
            "no fall back"
        );
        assert!(
            engine.frame(8.0).is_empty(),
            "no reply before the fall back"
        );
        sleep(50).await;
    }
    let replies = until(&engine, "the run on the page", finished).await;
    (engine, replies, woken.get())
}

#[wasm_bindgen_test]
async fn a_worker_that_cannot_start_falls_back_to_the_page_and_says_so() {
    let s = small(Preset::DeepRelu, 1);
    let (engine, replies, woken) = fall_back("./no-such-worker.js", &s).await;
    assert_eq!(engine.words(), "training on the page (no worker)");
    assert_eq!(engine.fallback_reason(), Some("the worker could not start"));
    assert!(woken >= 1, "the panel is woken to show it");
    assert_eq!(bits(&history(&replies, Lane::Main)), bits(&direct(&s)));
}

#[wasm_bindgen_test]
async fn a_worker_that_never_answers_falls_back_after_the_timeout() {
    let s = small(Preset::HeNormal, 1);
    let silent = blob_url("// loads, and never says ready\n");
    let (engine, replies, _) = fall_back(&silent, &s).await;
    assert_eq!(engine.fallback_reason(), Some("no worker answered"));
    assert_eq!(bits(&history(&replies, Lane::Main)), bits(&direct(&s)));
}

#[wasm_bindgen_test]
async fn a_worker_that_fails_mid_run_hands_the_run_to_the_page() {
    let s = small(Preset::DeepRelu, 1);
    // Says ready, then throws on the first request (an error event on the page's side).
    let fails = blob_url(
        "self.postMessage('ready');\n\
         self.onmessage = () => { throw new Error('the worker broke'); };\n",
    );
    let (engine, replies, woken) = fall_back(&fails, &s).await;
    assert_eq!(
        engine.fallback_reason(),
        Some("the worker failed during the run")
    );
    assert!(woken >= 2, "woken by ready, then by the fall back: {woken}");
    assert_eq!(bits(&history(&replies, Lane::Main)), bits(&direct(&s)));
}

/// The panel itself where no worker starts (under `wasm-pack test` the page's worker loader
/// is not served): it trains on the page, says so and why, and ends with the direct run's
/// numbers to the last digit.
#[wasm_bindgen_test]
async fn the_panel_without_a_worker_trains_on_the_page_and_says_so() {
    let host = support::host(1000);
    dying_relu::web::mount(&host, "network", "n=2000&epochs=2").unwrap();
    assert_eq!(host.get_attribute("data-engine").as_deref(), Some("idle"));
    support::button(&host, "Train").click();
    let perf = web_sys::window().unwrap().performance().unwrap();
    let t0 = perf.now();
    while host.get_attribute("data-run").as_deref() != Some("finished") {
        assert!(
            perf.now() - t0 < 60_000.0,
            "{}",
            support::text(&host, ".status")
        );
        sleep(20).await;
    }
    assert_eq!(host.get_attribute("data-engine").as_deref(), Some("page"));
    let note = host.text_content().unwrap_or_default();
    assert!(
        note.contains("Training runs on the page itself") && note.contains("because the worker"),
        "the panel says where it trains and why"
    );
    let mut run = Run::new(
        Settings {
            samples: 2_000,
            epochs: 2,
            ..Settings::default()
        },
        None,
    );
    run.run_to_end(&mut || perf.now());
    let want = run.latest().unwrap().val_loss.to_string();
    assert_eq!(host.get_attribute("data-val-loss"), Some(want));
    dying_relu::web::unmount(&host);
}
