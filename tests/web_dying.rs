#![cfg(target_arch = "wasm32")]
//! "Where neurons die" in a real browser. Under `wasm-pack test` there is no worker bin
//! (Trunk builds it for the site), so these runs exercise the main-thread fallback; the map
//! filling through real workers is checked on the built site by `cargo xtask bench`
//! (tools/browser/bench.mjs). Here: the fallback takes over and fills the map; a cell the map
//! shows dead, clicked, loads settings the network panel trains to a dead net (and an alive
//! cell, chosen with the keyboard, to a live one), with the very loss the cell reported;
//! Stop stops.

use dying_relu::web::mount;
use wasm_bindgen_test::*;
use web_sys::{
    Element, HtmlCanvasElement, KeyboardEvent, KeyboardEventInit, MouseEvent, MouseEventInit,
};

wasm_bindgen_test_configure!(run_in_browser);

mod support;
use support::{button, sleep};

fn attr(host: &Element, name: &str) -> String {
    host.get_attribute(name).unwrap_or_default()
}

fn num(host: &Element, name: &str) -> f64 {
    attr(host, name).parse().unwrap_or(f64::NAN)
}

/// Waits until `done(host)` holds, or fails after `ms` with what the panel says.
async fn wait_until(host: &Element, ms: f64, what: &str, done: impl Fn(&Element) -> bool) {
    let perf = web_sys::window().unwrap().performance().unwrap();
    let t0 = perf.now();
    while !done(host) {
        assert!(
            perf.now() - t0 < ms,
            "timed out waiting for {what}; status: {}",
            support::text(host, ".status")
        );
        sleep(25).await;
    }
}

fn complete(h: &Element) -> bool {
    attr(h, "data-running") == "false"
        && attr(h, "data-cells-done") == attr(h, "data-cells")
        && attr(h, "data-born-done") == attr(h, "data-born")
}

fn map_canvas(host: &Element) -> HtmlCanvasElement {
    support::find(host, "canvas[data-chart=phase-map]")
}

#[wasm_bindgen_test]
async fn without_workers_the_page_fills_the_map_itself_in_short_slices() {
    let host = support::host(900);
    mount(&host, "dying", "res=7&trials=100").unwrap();
    wait_until(&host, 60_000.0, "the map", complete).await;
    // The charts and the status are redrawn at most every 150 ms: wait for the last redraw.
    wait_until(&host, 5_000.0, "the final status", |h| {
        !support::text(h, ".status").starts_with("Computing")
    })
    .await;
    assert!(
        attr(&host, "data-engine").starts_with("main"),
        "{}",
        attr(&host, "data-engine")
    );
    assert_eq!(attr(&host, "data-cells-done"), "49");
    let verdicts = attr(&host, "data-verdicts");
    assert!(
        verdicts.contains('d') && verdicts.contains('a'),
        "{verdicts}"
    );
    assert!(
        num(&host, "data-max-frame-ms") < 50.0,
        "frames stay short: {}",
        attr(&host, "data-max-frame-ms")
    );
    let px = support::pixels(&map_canvas(&host));
    assert!(
        support::count_color(&px, (213, 94, 0), 10) > 200,
        "dead cells in vermillion"
    );
    assert!(
        support::count_color(&px, (0, 114, 178), 10) > 200,
        "alive cells in blue"
    );
    let status = support::text(&host, ".status");
    assert!(
        status.starts_with("4-8-8-8-1 ReLU, Adam, 3 epochs per cell: At bias 0"),
        "{status}"
    );
    host.remove();
}

/// Trains the page's network panel to the end, returning (validation loss, output dead).
async fn train_network(net: &Element) -> (f64, String) {
    button(net, "Train").click();
    let perf = web_sys::window().unwrap().performance().unwrap();
    let t0 = perf.now();
    while attr(net, "data-run") != "finished" && attr(net, "data-run") != "failed" {
        assert!(perf.now() - t0 < 60_000.0, "network never finished");
        sleep(25).await;
    }
    (num(net, "data-val-loss"), attr(net, "data-output-dead"))
}

fn key(el: &Element, k: &str) {
    let init = KeyboardEventInit::new();
    init.set_key(k);
    init.set_bubbles(true);
    init.set_cancelable(true);
    let e = KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    el.dispatch_event(&e).unwrap();
}

/// Clicks the centre of cell (i, j) where the map drew it.
fn click_cell(canvas: &HtmlCanvasElement, res: usize, i: usize, j: usize) {
    let b: Vec<f64> = canvas
        .get_attribute("data-cells-box")
        .unwrap()
        .split(' ')
        .map(|v| v.parse().unwrap())
        .collect();
    let ratio = canvas.width() as f64 / canvas.client_width() as f64;
    let (cw, ch) = ((b[2] - b[0]) / res as f64, (b[3] - b[1]) / res as f64);
    let x = (b[0] + (i as f64 + 0.5) * cw) / ratio;
    let y = (b[3] - (j as f64 + 0.5) * ch) / ratio;
    let rect = canvas.get_bounding_client_rect();
    let init = MouseEventInit::new();
    init.set_client_x((rect.left() + x) as i32);
    init.set_client_y((rect.top() + y) as i32);
    init.set_bubbles(true);
    let e = MouseEvent::new_with_mouse_event_init_dict("click", &init).unwrap();
    canvas.dispatch_event(&e).unwrap();
}

#[wasm_bindgen_test]
async fn a_clicked_cell_loads_a_run_the_network_panel_trains_to_the_same_verdict() {
    let net = support::host(900);
    net.set_attribute("data-panel", "network").unwrap();
    mount(&net, "network", "").unwrap();
    let host = support::host(900);
    mount(&host, "dying", "res=5&trials=100&engine=main").unwrap();
    wait_until(&host, 60_000.0, "the map", complete).await;
    let verdicts: Vec<char> = attr(&host, "data-verdicts").chars().collect();
    // Bias 0 is row 2 of 5; learning rate 1 is column 4, 1e-4 column 0.
    assert_eq!(
        (verdicts[2 * 5 + 4], verdicts[2 * 5]),
        ('d', 'a'),
        "{verdicts:?}"
    );

    click_cell(&map_canvas(&host), 5, 4, 2);
    assert!(
        attr(&host, "data-loaded").contains("lr=1&"),
        "{}",
        attr(&host, "data-loaded")
    );
    assert!(
        support::text(&net, ".status").contains("4-8-8-8-1"),
        "the network panel shows the cell's net"
    );
    let cell_loss = num(&host, "data-focus-loss");
    assert_eq!(attr(&host, "data-focus-output-dead"), "true");
    let (loss, dead) = train_network(&net).await;
    assert_eq!(dead, "true", "the dead cell trains to a dead net");
    assert!(
        (loss - cell_loss).abs() < 1e-5 * cell_loss.max(1.0),
        "network {loss} vs cell {cell_loss}"
    );

    // The alive cell, with the keyboard: from the clicked cell, left along the row of bias 0
    // (a fifth press stays at the edge), then Enter.
    let canvas: Element = map_canvas(&host).into();
    for _ in 0..5 {
        key(&canvas, "ArrowLeft");
    }
    key(&canvas, "Enter");
    assert!(
        attr(&host, "data-loaded").contains("lr=0.0001&"),
        "{}",
        attr(&host, "data-loaded")
    );
    let cell_loss = num(&host, "data-focus-loss");
    let (loss, dead) = train_network(&net).await;
    assert_eq!(dead, "false", "the alive cell trains to a live net");
    assert!(
        (loss - cell_loss).abs() < 1e-5 * cell_loss.max(1.0),
        "network {loss} vs cell {cell_loss}"
    );
    host.remove();
    net.remove();
}

#[wasm_bindgen_test]
async fn stop_stops_and_compute_goes_on() {
    let host = support::host(900);
    mount(&host, "dying", "res=24&trials=100&engine=main").unwrap();
    wait_until(&host, 60_000.0, "a few cells", |h| {
        num(h, "data-cells-done") >= 5.0
    })
    .await;
    button(&host, "Stop").click();
    let stopped = num(&host, "data-cells-done");
    sleep(600).await;
    assert_eq!(num(&host, "data-cells-done"), stopped, "no cell after Stop");
    assert_eq!(attr(&host, "data-running"), "false");
    assert!(support::text(&host, ".status").starts_with("Stopped:"));
    button(&host, "Compute").click();
    wait_until(&host, 60_000.0, "more cells", |h| {
        num(h, "data-cells-done") > stopped
    })
    .await;
    button(&host, "Stop").click();
    host.remove();
}

#[wasm_bindgen_test]
async fn the_warmup_axis_fills_the_map_and_says_whether_warmup_moves_the_border() {
    let host = support::host(900);
    mount(
        &host,
        "dying",
        "res=5&trials=100&engine=main&axis=warmup&task=seed002-linear",
    )
    .unwrap();
    wait_until(&host, 60_000.0, "the warmup map", complete).await;
    wait_until(&host, 5_000.0, "the final status", |h| {
        !support::text(h, ".status").starts_with("Computing")
    })
    .await;
    assert_eq!(attr(&host, "data-cells-done"), "25");
    let status = support::text(&host, ".status");
    assert!(
        status.starts_with("4-8-8-8-1 ReLU with a linear output, Adam, 3 epochs per cell: "),
        "{status}"
    );
    assert!(
        status.contains("keep most hidden units alive; without warmup, ")
            || status.contains("No warmup length on the map lets a larger learning rate"),
        "the border sentence: {status}"
    );
    assert!(!status.contains("every target is negative"), "{status}");
    let label = map_canvas(&host)
        .get_attribute("aria-label")
        .unwrap_or_default();
    assert!(label.contains("warmup (steps)"), "{label}");
    host.remove();
}
