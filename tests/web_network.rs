#![cfg(target_arch = "wasm32")]
//! The "Small network" panel in a real browser, driven through its controls: the seed's
//! 3-hidden-layer ReLU net dies (loss at 13/3, no gradient, output dead on the map), SELU with
//! lecun_normal does not, and the full 200k-sample run completes in slices (its timings are the benchmark's job).

use dying_relu::web::mount;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;
use web_sys::{Element, Event, HtmlCanvasElement, HtmlSelectElement};

wasm_bindgen_test_configure!(run_in_browser);

mod support;
use support::{button, sleep};

fn host() -> Element {
    support::host(1000)
}

/// Waits until the panel's `data-run` is `state` (or fails after `timeout_ms`).
async fn wait_for(host: &Element, state: &str, timeout_ms: f64) {
    let perf = web_sys::window().unwrap().performance().unwrap();
    let t0 = perf.now();
    // The run's state, and every chart it called for drawn (they come one per frame).
    while host.get_attribute("data-run").as_deref() != Some(state)
        || host.get_attribute("data-charts-pending").as_deref() != Some("0")
    {
        assert!(
            perf.now() - t0 < timeout_ms,
            "timed out waiting for {state}; status: {}",
            status(host)
        );
        sleep(20).await;
    }
}

fn select_preset(host: &Element, id: &str) {
    let s: HtmlSelectElement = host
        .query_selector("select[id$='-preset']")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    s.set_value(id);
    s.dispatch_event(&Event::new("change").unwrap()).unwrap();
}

fn status(host: &Element) -> String {
    host.query_selector(".status")
        .unwrap()
        .and_then(|e| e.text_content())
        .unwrap_or_default()
}

fn canvas(host: &Element, chart: &str) -> HtmlCanvasElement {
    host.query_selector(&format!("canvas[data-chart={chart}]"))
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap()
}

fn count_color(c: &HtmlCanvasElement, rgb: (u8, u8, u8), tol: i32) -> usize {
    support::count_color(&support::pixels(c), rgb, tol)
}

fn attr_f64(host: &Element, name: &str) -> f64 {
    host.get_attribute(name)
        .and_then(|v| v.parse().ok())
        .unwrap_or(f64::NAN)
}

const VERMILLION: (u8, u8, u8) = (213, 94, 0);
const BLUE: (u8, u8, u8) = (0, 114, 178);

#[wasm_bindgen_test]
async fn three_hidden_relu_dies_through_the_real_controls() {
    let host = host();
    mount(&host, "network", "n=20000&preset=selu").unwrap();
    select_preset(&host, "relu3");
    assert!(status(&host).contains("4-8-8-8-1"), "{}", status(&host));
    // One epoch first, then the rest with Train.
    button(&host, "One epoch").click();
    wait_for(&host, "finished", 20_000.0).await;
    assert_eq!(host.get_attribute("data-epoch").as_deref(), Some("1"));
    button(&host, "Train").click();
    wait_for(&host, "finished", 30_000.0).await;
    assert_eq!(host.get_attribute("data-epoch").as_deref(), Some("5"));
    let loss = attr_f64(&host, "data-val-loss");
    let dead = 13.0 / 3.0;
    assert!(
        (loss - dead).abs() / dead < 0.01,
        "loss {loss} should sit at 13/3"
    );
    assert_eq!(
        host.get_attribute("data-grads-zero").as_deref(),
        Some("true")
    );
    assert_eq!(
        host.get_attribute("data-output-dead").as_deref(),
        Some("true")
    );
    let s = status(&host);
    assert!(s.starts_with("Output unit dead"), "{s}");
    assert!(s.contains("gradients to every layer are 0"), "{s}");
    let map = canvas(&host, "dead-map");
    assert!(
        count_color(&map, VERMILLION, 12) > 500,
        "dead cells drawn in vermillion"
    );
    let autopsy = host.query_selector(".autopsy").unwrap().unwrap();
    assert!(
        autopsy
            .text_content()
            .unwrap()
            .starts_with("Output unit is dead"),
        "{:?}",
        autopsy.text_content()
    );
}

#[wasm_bindgen_test]
async fn selu_with_lecun_normal_keeps_learning() {
    let host = host();
    mount(&host, "network", "n=20000").unwrap();
    select_preset(&host, "selu");
    button(&host, "Train").click();
    wait_for(&host, "finished", 30_000.0).await;
    let loss = attr_f64(&host, "data-val-loss");
    assert!(loss < 1.0, "SELU learns: loss {loss}");
    assert_eq!(
        host.get_attribute("data-grads-zero").as_deref(),
        Some("false")
    );
    assert_eq!(
        host.get_attribute("data-output-dead").as_deref(),
        Some("false")
    );
    let s = status(&host);
    assert!(s.contains("0 of 25 units dead"), "{s}");
    let map = canvas(&host, "dead-map");
    assert!(
        count_color(&map, BLUE, 12) > 2000,
        "alive cells drawn in blue"
    );
    assert!(count_color(&map, VERMILLION, 12) < 200, "no dead cells");
}

#[wasm_bindgen_test]
async fn pause_stops_and_compare_runs_every_preset() {
    let host = host();
    mount(&host, "network", "n=5000&epochs=2").unwrap();
    button(&host, "Train").click();
    sleep(30).await;
    button(&host, "Pause").click();
    assert_eq!(host.get_attribute("data-run").as_deref(), Some("paused"));
    button(&host, "Compare presets").click();
    let perf = web_sys::window().unwrap().performance().unwrap();
    let t0 = perf.now();
    // The comparison ends, and its chart (drawn a frame later) is drawn.
    while host.get_attribute("data-compare").as_deref() != Some("idle")
        || host.get_attribute("data-charts-pending").as_deref() != Some("0")
    {
        assert!(perf.now() - t0 < 30_000.0, "comparison timed out");
        sleep(30).await;
    }
    let text = host
        .query_selector("canvas[data-chart=comparison]")
        .unwrap()
        .unwrap()
        .previous_element_sibling()
        .unwrap()
        .text_content()
        .unwrap();
    assert!(text.contains("SELU + lecun_normal: loss"), "{text}");
    assert!(text.contains("3 hidden ReLU: loss"), "{text}");
    assert!(count_color(&canvas(&host, "comparison"), VERMILLION, 12) > 100);
}

#[wasm_bindgen_test]
fn hostile_query_is_repaired_and_shown_as_text() {
    let host = host();
    mount(&host, "network", "n=abc&lr=%3Cb%3Ebold%3C%2Fb%3E&layers=99").unwrap();
    assert!(host.query_selector("b").unwrap().is_none());
    let note = host
        .query_selector(".notice")
        .unwrap()
        .unwrap()
        .text_content()
        .unwrap();
    assert!(note.contains("<b>bold"), "{note}");
    assert!(note.contains("layers = 99"), "{note}");
}

/// Seed 002's full run (200 000 samples, 4-8-8-8-1, 5 epochs) in the page, with a
/// PerformanceObserver for long tasks: no main-thread task may take 50 ms.
#[wasm_bindgen_test]
async fn full_200k_run_completes_in_slices_and_dies() {
    let host = host();
    let perf = web_sys::window().unwrap().performance().unwrap();
    let t0 = perf.now();
    mount(&host, "network", "").unwrap();
    let mount_ms = perf.now() - t0;
    // Let the page settle (first paint, the harness's own work), then watch the run alone.
    sleep(300).await;
    let install = js_sys::Function::new_no_args(
        "window.__longtasks = []; window.__longtask_supported = false;\
         try { const o = new PerformanceObserver(l => { for (const e of l.getEntries()) window.__longtasks.push([e.startTime, e.duration]); });\
         o.observe({type: 'longtask', buffered: false}); window.__longtask_supported = true; window.__lto = o; } catch (e) {}",
    );
    install.call0(&JsValue::NULL).unwrap();
    let t0 = perf.now();
    button(&host, "Train").click();
    wait_for(&host, "finished", 120_000.0).await;
    let total = perf.now() - t0;
    sleep(100).await;
    let read = js_sys::Function::new_no_args(
        "return [window.__longtask_supported, JSON.stringify(window.__longtasks)];",
    );
    let r: js_sys::Array = read.call0(&JsValue::NULL).unwrap().dyn_into().unwrap();
    let supported = r.get(0).as_bool().unwrap_or(false);
    let entries = r.get(1).as_string().unwrap_or_default();
    let window_start = t0;
    let window_end = t0 + total;
    web_sys::console::log_1(&JsValue::from_str(&format!(
        "long tasks [start, duration]: {entries}; run window {window_start:.0}..{window_end:.0}"
    )));
    let parsed: Vec<(f64, f64)> = entries
        .trim_matches(|c| c == '[' || c == ']')
        .split("],[")
        .filter_map(|pair| {
            let mut it = pair.split(',').map(|v| v.trim().parse::<f64>().ok());
            Some((it.next()??, it.next()??))
        })
        .collect();
    // Only tasks that overlap the panel's run count; the test harness's own work before it
    // does not.
    let ours: Vec<f64> = parsed
        .iter()
        .filter(|(s, d)| s + d > window_start && *s < window_end)
        .map(|(_, d)| *d)
        .collect();
    let n_long = ours.len() as f64;
    let max_long = ours.iter().copied().fold(0.0, f64::max);
    let max_frame = attr_f64(&host, "data-max-frame-ms");
    let run_ms = attr_f64(&host, "data-run-ms");
    let slowest = host.get_attribute("data-slowest-frame").unwrap_or_default();
    web_sys::console::log_1(&JsValue::from_str(&format!(
        "200k run: mount {mount_ms:.0} ms, 5 epochs {run_ms:.0} ms (total {total:.0} ms), max frame work {max_frame:.1} ms ({slowest}), longtask supported {supported}, {n_long} long tasks, max {max_long:.1} ms"
    )));
    assert_eq!(host.get_attribute("data-epoch").as_deref(), Some("5"));
    // Timings are logged, not asserted: speed is judged by `cargo xtask bench`, which runs
    // the same 200k run on the release build and reports its long tasks and slowest frame.
    // What this test asserts is that the full run completes in slices and ends the seed's way.
    assert!(
        max_frame.is_finite() && max_frame > 0.0,
        "the panel measures its frames"
    );
    let _ = (n_long, max_long);
    let loss = attr_f64(&host, "data-val-loss");
    assert!(
        (loss - 13.0 / 3.0).abs() < 0.05,
        "the full run dies too: {loss}"
    );
}

/// The pale vermillion of a cell dead on the data only (vermillion at 55 % over white).
const PALE_VERMILLION: (u8, u8, u8) = (232, 166, 115);

fn select(host: &Element, key: &str, id: &str) {
    let s: HtmlSelectElement = host
        .query_selector(&format!("select[id$='-{key}']"))
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    s.set_value(id);
    s.dispatch_event(&Event::new("change").unwrap()).unwrap();
}

/// "Count as dead" reads the trained run another way: the words and the counts change, the
/// run does not (no retraining), and the map shows the units proven dead for every input
/// apart from those dead on the data only.
#[wasm_bindgen_test]
async fn switching_the_definition_rereads_the_run_without_retraining() {
    let host = host();
    mount(&host, "network", "n=20000&preset=relu3&epochs=2").unwrap();
    button(&host, "Train").click();
    wait_for(&host, "finished", 30_000.0).await;
    let map = canvas(&host, "dead-map");
    let (epoch, loss) = (
        host.get_attribute("data-epoch"),
        host.get_attribute("data-val-loss"),
    );
    let exact = status(&host);
    assert!(exact.contains("units dead"), "{exact}");
    let proven: usize = map.get_attribute("data-proven").unwrap().parse().unwrap();
    assert!(proven >= 1, "a first-layer unit is proven dead everywhere");
    assert!(
        count_color(&map, VERMILLION, 10) > 50,
        "proven cells, full vermillion"
    );
    assert!(
        count_color(&map, PALE_VERMILLION, 10) > 50,
        "dead-on-the-data cells, pale"
    );
    select(&host, "dead", "dormant");
    wait_for(&host, "finished", 5_000.0).await;
    let dormant = status(&host);
    assert_ne!(dormant, exact);
    assert!(dormant.contains("τ-dormant (τ = 0.025)"), "{dormant}");
    assert_eq!(host.get_attribute("data-epoch"), epoch, "not retrained");
    assert_eq!(host.get_attribute("data-val-loss"), loss, "the same run");
    let tau: web_sys::HtmlInputElement = host
        .query_selector("input[id$='-tau']")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    assert!(!tau.disabled(), "τ applies to τ-dormant");
    select(&host, "dead", "zeros");
    wait_for(&host, "finished", 5_000.0).await;
    let zeros = status(&host);
    assert!(zeros.contains("exactly 0 (sparsity, not death)"), "{zeros}");
    assert!(tau.disabled(), "τ does not apply to the zero fraction");
    assert_eq!(
        host.get_attribute("data-epoch"),
        epoch,
        "still not retrained"
    );
    let csv_header = dying_relu::panels::network::export::csv_reading_header(
        4,
        &dying_relu::panels::network::charts::dead_map::Judge {
            definition: dying_relu::sim::dead::Definition::ZeroFraction,
            tau: 0.025,
        },
    );
    assert_eq!(csv_header[0], "hidden1_zeros_share");
}

/// While a run trains, the panel's elements change a few times a second, not at every frame:
/// each change to the page makes Chromium copy every canvas on screen again (issue 29's busy
/// machine). Counted: the frames in which some text or element of the panel changed (a
/// MutationObserver's callbacks). The run still ends with its final words.
#[wasm_bindgen_test]
async fn a_run_changes_the_page_a_few_times_a_second_not_every_frame() {
    let host = host();
    // The widest net: about two seconds of frames for one epoch.
    mount(
        &host,
        "network",
        "layers=4&width=64&epochs=1&act=selu&init=lecun_normal",
    )
    .unwrap();
    sleep(300).await;
    let watch = js_sys::Function::new_with_args(
        "el",
        "window.__changes = 0; window.__frames = 0; window.__counting = true;\
         (function f() { window.__frames += 1; if (window.__counting) requestAnimationFrame(f); })();\
         window.__mo = new MutationObserver(() => { window.__changes += 1; });\
         window.__mo.observe(el, { childList: true, characterData: true, subtree: true });",
    );
    watch.call1(&JsValue::NULL, &host).unwrap();
    let perf = web_sys::window().unwrap().performance().unwrap();
    let t0 = perf.now();
    button(&host, "Train").click();
    wait_for(&host, "finished", 120_000.0).await;
    let ms = perf.now() - t0;
    let read = js_sys::Function::new_no_args(
        "window.__counting = false; window.__mo.disconnect(); return [window.__changes, window.__frames];",
    );
    let r: js_sys::Array = read.call0(&JsValue::NULL).unwrap().dyn_into().unwrap();
    let changes = r.get(0).as_f64().unwrap();
    let frames = r.get(1).as_f64().unwrap();
    // One every 200 ms at most, plus the run's own moments (its start, two statistics, each
    // chart drawn after them, the end) and a little slack.
    let most = ms / 200.0 + 15.0;
    assert!(
        changes <= most,
        "the panel changed in {changes} callbacks during {ms:.0} ms ({frames} frames): at most {most:.0}"
    );
    assert!(
        frames > 60.0,
        "{frames} frames: the run was too short to tell"
    );
    assert!(
        status(&host).contains("Finished 1 epoch"),
        "the final words: {}",
        status(&host)
    );
}
