#![cfg(target_arch = "wasm32")]
//! Issue #30 in a real browser: choosing the spiral draws the input plane and the atlas; a
//! dead unit's tile says dead; pointing at (or moving the keyboard cursor to) a first-layer
//! tile draws its line on the plane; the frames stay short with the atlas on.

use dying_relu::web::mount;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{
    Element, Event, HtmlCanvasElement, HtmlSelectElement, KeyboardEvent, KeyboardEventInit,
    MouseEvent, MouseEventInit,
};

wasm_bindgen_test_configure!(run_in_browser);

mod support;
use support::{button, sleep};

async fn wait_for(host: &Element, state: &str, timeout_ms: f64) {
    let perf = web_sys::window().unwrap().performance().unwrap();
    let t0 = perf.now();
    while host.get_attribute("data-run").as_deref() != Some(state)
        || host.get_attribute("data-charts-pending").as_deref() != Some("0")
    {
        assert!(
            perf.now() - t0 < timeout_ms,
            "timed out waiting for {state}; status: {}",
            support::text(host, ".status")
        );
        sleep(20).await;
    }
}

fn canvas(host: &Element, chart: &str) -> HtmlCanvasElement {
    support::find(host, &format!("canvas[data-chart={chart}]"))
}

fn choose(host: &Element, key: &str, value: &str) {
    let s: HtmlSelectElement = support::find(host, &format!("select[id$='-{key}']"));
    s.set_value(value);
    s.dispatch_event(&Event::new("change").unwrap()).unwrap();
}

/// Pixels that are neither white nor the grid's grey: what a chart has drawn.
fn inked(c: &HtmlCanvasElement) -> usize {
    support::pixels(c)
        .chunks_exact(4)
        .filter(|p| p[0] < 200 || p[1] < 200 || p[2] < 200)
        .count()
}

#[wasm_bindgen_test]
async fn choosing_the_spiral_draws_the_plane_and_the_atlas_and_dead_tiles_say_dead() {
    let host = support::host(1000);
    mount(&host, "network", "").unwrap();
    choose(&host, "task", "spiral");
    assert_eq!(host.get_attribute("data-source").as_deref(), Some("spiral"));
    choose(&host, "preset", "spiral_high");
    button(&host, "Train").click();
    wait_for(&host, "finished", 60_000.0).await;
    let status = support::text(&host, ".status");
    assert!(status.contains("accuracy"), "{status}");
    assert!(
        status.contains("2-8-8-8-1") || status.contains("Finished 50 epochs"),
        "{status}"
    );
    let plane = canvas(&host, "plane");
    let atlas = canvas(&host, "atlas");
    assert!(inked(&plane) > 10_000, "the plane is drawn");
    assert!(inked(&atlas) > 5_000, "the atlas is drawn");
    let dead: usize = atlas
        .get_attribute("data-dead-tiles")
        .and_then(|v| v.parse().ok())
        .expect("a count of dead tiles");
    assert!(dead > 0, "lr 0.05 kills units on the spiral");
    let label = atlas.get_attribute("aria-label").unwrap_or_default();
    assert!(
        label.contains("dead (0 on every training point)"),
        "{label}"
    );
    // The vermillion of a dead tile's word and hatching is on the canvas.
    let px = support::pixels(&atlas);
    assert!(
        support::count_color(&px, (213, 94, 0), 40) > 20,
        "dead tiles are marked"
    );
    let plane_label = plane.get_attribute("aria-label").unwrap_or_default();
    assert!(
        plane_label.contains("probability of class 1"),
        "{plane_label}"
    );
}

#[wasm_bindgen_test]
async fn pointing_at_a_first_layer_tile_or_moving_to_it_by_keyboard_draws_its_line() {
    let host = support::host(1000);
    mount(&host, "network", "preset=spiral_safe&epochs=5").unwrap();
    button(&host, "Train").click();
    wait_for(&host, "finished", 60_000.0).await;
    let plane = canvas(&host, "plane");
    let atlas = canvas(&host, "atlas");
    assert_eq!(
        plane.get_attribute("data-line"),
        None,
        "no line before pointing"
    );
    let before = support::pixels(&plane);
    // The first tile of layer 1: the layout's left column (64 CSS px) and caption (26 px),
    // then a tile of at least 30 px.
    let rect = atlas.get_bounding_client_rect();
    let init = MouseEventInit::new();
    init.set_client_x((rect.left() + 64.0 + 12.0) as i32);
    init.set_client_y((rect.top() + 26.0 + 12.0) as i32);
    init.set_bubbles(true);
    let moved = MouseEvent::new_with_mouse_event_init_dict("mousemove", &init).unwrap();
    atlas.dispatch_event(&moved).unwrap();
    sleep(50).await;
    assert_eq!(plane.get_attribute("data-line").as_deref(), Some("0"));
    let label = plane.get_attribute("aria-label").unwrap_or_default();
    assert!(label.contains("Layer 1, unit 1's line is drawn"), "{label}");
    assert_ne!(
        support::pixels(&plane),
        before,
        "the line is drawn on the plane"
    );
    // Leaving the atlas takes the line away.
    atlas
        .dispatch_event(&MouseEvent::new("mouseleave").unwrap())
        .unwrap();
    sleep(20).await;
    assert_eq!(plane.get_attribute("data-line"), None);
    // The keyboard: focus, then the arrow keys move between tiles.
    atlas
        .dyn_ref::<web_sys::HtmlElement>()
        .unwrap()
        .focus()
        .unwrap();
    sleep(20).await;
    assert_eq!(
        plane.get_attribute("data-line").as_deref(),
        Some("0"),
        "focus points at the first tile"
    );
    let key = |k: &str| {
        let init = KeyboardEventInit::new();
        init.set_key(k);
        init.set_bubbles(true);
        KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap()
    };
    atlas.dispatch_event(&key("ArrowRight")).unwrap();
    atlas.dispatch_event(&key("ArrowRight")).unwrap();
    sleep(20).await;
    assert_eq!(plane.get_attribute("data-line").as_deref(), Some("2"));
    let atlas_label = atlas.get_attribute("aria-label").unwrap_or_default();
    assert!(
        atlas_label.contains("Pointed at: layer 1, unit 3"),
        "{atlas_label}"
    );
    // Down to layer 2: deeper units have no line of their own.
    atlas.dispatch_event(&key("ArrowDown")).unwrap();
    sleep(20).await;
    assert_eq!(plane.get_attribute("data-line"), None);
    // Enter opens that unit's autopsy.
    atlas.dispatch_event(&key("Enter")).unwrap();
    sleep(20).await;
    let autopsy = support::text(&host, ".autopsy");
    assert!(autopsy.contains("layer 2, unit 3"), "{autopsy}");
}

#[wasm_bindgen_test]
async fn training_the_spiral_with_the_atlas_keeps_every_frame_short() {
    let host = support::host(1000);
    mount(&host, "network", "preset=spiral_safe&epochs=10").unwrap();
    button(&host, "Train").click();
    wait_for(&host, "finished", 60_000.0).await;
    let slowest: f64 = host
        .get_attribute("data-max-frame-ms")
        .and_then(|v| v.parse().ok())
        .unwrap_or(f64::NAN);
    // The frame-budget checks (tools/browser) time this under load; here a generous bound
    // that still catches a chart drawn cell by cell.
    assert!(
        slowest < 120.0,
        "slowest frame {slowest} ms ({:?})",
        host.get_attribute("data-slowest-frame")
    );
}
