#![cfg(target_arch = "wasm32")]
//! The page's start in a real browser: the panel in the first screen is mounted first and the
//! page is ready once it has drawn, before the panel far below is mounted; every panel is
//! mounted, one per task, by the time the page says it is complete; no task in between mounts
//! them all.

use dying_relu::web::{mounted_count, start};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement, MutationObserver, MutationObserverInit};

wasm_bindgen_test_configure!(run_in_browser);

mod support;
use support::sleep;

fn body() -> HtmlElement {
    web_sys::window()
        .unwrap()
        .document()
        .unwrap()
        .body()
        .unwrap()
}

fn section(name: &str) -> (Element, Element) {
    let doc = web_sys::window().unwrap().document().unwrap();
    let section = doc.create_element("section").unwrap();
    let host = doc.create_element("div").unwrap();
    host.set_attribute("data-panel", name).unwrap();
    host.set_attribute("style", "width: 800px").unwrap();
    section.append_child(&host).unwrap();
    (section, host)
}

fn has_panel(host: &Element) -> bool {
    host.query_selector("[aria-live]").unwrap().is_some()
}

/// Whether the panel's first chart has been drawn (an undrawn canvas is transparent; every
/// chart paints its background first).
fn has_drawn(host: &Element) -> bool {
    let Some(canvas) = host.query_selector("canvas").unwrap() else {
        return false;
    };
    let canvas: web_sys::HtmlCanvasElement = canvas.dyn_into().unwrap();
    let ctx: web_sys::CanvasRenderingContext2d = canvas
        .get_context("2d")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    let pixel = ctx.get_image_data(2.0, 2.0, 1.0, 1.0).unwrap().data();
    pixel[3] > 0
}

#[wasm_bindgen_test]
async fn the_first_screen_is_ready_first_and_every_panel_follows_one_task_at_a_time() {
    // Far below the first screen, whatever the window's height.
    boot_with_spacer("20000px").await;
}

#[wasm_bindgen_test]
async fn a_panel_pushed_below_the_window_by_the_first_is_not_waited_for() {
    // The second host starts 20 px above the window's bottom edge, inside the first screen of
    // the empty page; the first panel, once mounted, pushes it out of the window.
    boot_with_spacer("calc(100vh - 20px)").await;
}

/// Starts the page with an activation panel at the top, then a spacer of CSS height
/// `spacer_height`, then a neuron panel, and checks the order of mounting and readiness.
async fn boot_with_spacer(spacer_height: &str) {
    let doc = web_sys::window().unwrap().document().unwrap();
    let page = doc.create_element("div").unwrap();
    let (top, near) = section("activation");
    let spacer = doc.create_element("div").unwrap();
    spacer
        .set_attribute("style", &format!("height: {spacer_height}"))
        .unwrap();
    let (bottom, far) = section("neuron");
    page.append_child(&top).unwrap();
    page.append_child(&spacer).unwrap();
    page.append_child(&bottom).unwrap();
    // First in the page, so the top section is in the first screen.
    body()
        .insert_before(&page, body().first_child().as_ref())
        .unwrap();
    for name in [
        "data-ready",
        "data-ready-ms",
        "data-complete",
        "data-complete-ms",
    ] {
        body().remove_attribute(name).unwrap();
    }
    let before = mounted_count();

    // What the page holds at the end of the task that marks it ready (a mutation observer's
    // callback runs then, before any later task can mount more).
    let at_ready: Rc<RefCell<Option<(bool, bool, bool)>>> = Rc::default();
    let on_change = {
        let at_ready = at_ready.clone();
        let (near, far) = (near.clone(), far.clone());
        Closure::<dyn FnMut()>::new(move || {
            if body().has_attribute("data-ready") && at_ready.borrow().is_none() {
                *at_ready.borrow_mut() =
                    Some((has_panel(&near), has_drawn(&near), has_panel(&far)));
            }
        })
    };
    let observer = MutationObserver::new(on_change.as_ref().unchecked_ref()).unwrap();
    let options = MutationObserverInit::new();
    options.set_attributes(true);
    observer.observe_with_options(&body(), &options).unwrap();

    start();
    // Nothing is mounted inside the call: the module's start task stays short.
    assert_eq!(
        mounted_count(),
        before,
        "start() mounted a panel in its own task"
    );
    assert!(!body().has_attribute("data-ready"));
    for _ in 0..400 {
        if body().has_attribute("data-complete") {
            break;
        }
        sleep(5).await;
    }
    observer.disconnect();
    assert!(
        body().has_attribute("data-complete"),
        "the page never completed"
    );
    assert_eq!(
        *at_ready.borrow(),
        Some((true, true, false)),
        "when ready: (first screen's panel mounted, its chart drawn, panel below mounted)"
    );
    assert!(has_panel(&near) && has_panel(&far));
    assert_eq!(mounted_count(), before + 2);
    let ms = |name: &str| -> f64 { body().get_attribute(name).unwrap().parse().unwrap() };
    assert!(ms("data-ready-ms") <= ms("data-complete-ms"));
    page.remove();
}
