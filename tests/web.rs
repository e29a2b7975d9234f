#![cfg(target_arch = "wasm32")]
//! Browser tests: mount the real panels into the DOM, drive their controls as a person would
//! (set a value, dispatch the event), and assert on what is shown: text and canvas pixels.

use dying_relu::web::mount;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlCanvasElement, HtmlInputElement, HtmlSelectElement};

wasm_bindgen_test_configure!(run_in_browser);

mod support;
use support::{count_color, find, pixels, text};

fn host() -> Element {
    support::host(900)
}

fn set_and_fire(el: &web_sys::HtmlElement, event: &str) {
    support::fire(el, event);
}

#[wasm_bindgen_test]
fn moving_alpha_redraws_the_leaky_relu_curve_and_shows_the_value() {
    let host = host();
    mount(&host, "activation", "f=leaky_relu&alpha=0.1").unwrap();
    let canvas: HtmlCanvasElement = find(&host, "canvas");
    assert!(
        canvas.width() >= 600,
        "canvas follows the layout width, got {}",
        canvas.width()
    );
    let before = pixels(&canvas);
    assert!(
        count_color(&before, (0, 114, 178), 10) > 200,
        "the f(x) curve is drawn in blue"
    );

    let alpha: HtmlInputElement = find(&host, "input[type=range]");
    assert!(!alpha.disabled(), "α applies to Leaky ReLU");
    alpha.set_value("0.6");
    set_and_fire(&alpha, "input");

    let after = pixels(&canvas);
    assert_ne!(before, after, "moving α must redraw the curve");
    assert_eq!(text(&host, "output"), "0.6");
    assert_eq!(
        alpha.get_attribute("aria-valuetext").as_deref(),
        Some("0.6")
    );
    assert!(
        text(&host, ".status").contains("slope is 0.6"),
        "status: {}",
        text(&host, ".status")
    );
}

#[wasm_bindgen_test]
fn relu_shades_the_dead_side_and_says_so() {
    let host = host();
    mount(&host, "activation", "f=leaky_relu&alpha=0.2").unwrap();
    let canvas: HtmlCanvasElement = find(&host, "canvas");
    let select: HtmlSelectElement = find(&host, "select");
    let leaky = pixels(&canvas);
    select.set_value("relu");
    set_and_fire(&select, "change");
    let relu = pixels(&canvas);
    // The shaded band is vermillion at 18% over white: (246, 228, 214) or near it.
    let band = count_color(&relu, (246, 228, 214), 8);
    assert!(
        band > 10_000,
        "dead side should be shaded, found {band} band pixels"
    );
    assert!(
        count_color(&leaky, (246, 228, 214), 8) < band / 10,
        "Leaky ReLU has no dead side"
    );
    assert!(text(&host, ".status").contains("dead"));
    let alpha: HtmlInputElement = find(&host, "input[type=range]");
    assert!(alpha.disabled(), "α does not apply to ReLU");
}

#[wasm_bindgen_test]
fn hostile_query_values_are_repaired_and_reported_as_text() {
    let host = host();
    mount(
        &host,
        "activation",
        "f=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E&alpha=1e308",
    )
    .unwrap();
    assert!(
        host.query_selector("img").unwrap().is_none(),
        "URL text must never become markup"
    );
    let note = text(&host, ".notice");
    assert!(
        note.contains("<img"),
        "the bad value is quoted as text: {note}"
    );
    assert!(note.contains("alpha"), "{note}");
    assert_eq!(text(&host, "output"), "1");
}

#[wasm_bindgen_test]
fn unknown_panel_is_an_error_not_a_panic() {
    let host = host();
    let err = mount(&host, "nope", "").unwrap_err();
    assert!(err.as_string().unwrap().contains("no panel called"));
}

#[wasm_bindgen_test]
fn embed_mode_shows_one_panel_with_its_presets() {
    let window = web_sys::window().unwrap();
    let doc = window.document().unwrap();
    let page = doc.create_element("div").unwrap();
    for (id, name) in [("h-a", "activation"), ("h-n", "neuron")] {
        let section = doc.create_element("section").unwrap();
        section.set_id(id);
        let host = doc.create_element("div").unwrap();
        host.set_attribute("data-panel", name).unwrap();
        host.set_attribute("style", "width: 800px").unwrap();
        section.append_child(&host).unwrap();
        page.append_child(&section).unwrap();
    }
    doc.body().unwrap().append_child(&page).unwrap();
    let history = window.history().unwrap();
    let before = window.location().href().unwrap();
    history
        .replace_state_with_url(
            &wasm_bindgen::JsValue::NULL,
            "",
            Some("?panel=neuron&b=0.5&f=leaky_relu"),
        )
        .unwrap();
    dying_relu::web::start_now();
    history
        .replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&before))
        .unwrap();

    let activation = doc.get_element_by_id("h-a").unwrap();
    let neuron = doc.get_element_by_id("h-n").unwrap();
    assert!(
        activation.has_attribute("hidden"),
        "other panels are hidden"
    );
    assert!(!neuron.has_attribute("hidden"));
    assert!(doc.body().unwrap().class_list().contains("embed"));
    let host = neuron.query_selector("[data-panel]").unwrap().unwrap();
    assert_eq!(
        host.get_attribute("data-b").as_deref(),
        Some("0.5"),
        "the preset bias is applied"
    );
    let select: HtmlSelectElement = find(&host, "select");
    assert_eq!(select.value(), "leaky_relu");
    assert!(
        activation.query_selector("canvas").unwrap().is_none(),
        "hidden panels are not mounted"
    );
    doc.body().unwrap().class_list().remove_1("embed").unwrap();
    page.remove();
}
