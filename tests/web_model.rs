#![cfg(target_arch = "wasm32")]
//! "Your model" in a real browser: every probe fixture loaded through the example buttons or
//! pasted into the text area (then "Read the pasted report") gives its counts in the summary,
//! its dead units on the unit map (drawn, and named in its description) and its diagnosis; a
//! bad file, picked or dropped, shows its message and leaves the report on show.

use dying_relu::web::mount;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlCanvasElement, HtmlInputElement, HtmlTextAreaElement};

wasm_bindgen_test_configure!(run_in_browser);

mod support;
use support::{button, find, fire, pixels, sleep, text};

const FIXTURES: [(&str, &str); 8] = [
    (
        "torch_small",
        include_str!("../probes/fixtures/torch_small.dead.json"),
    ),
    (
        "torch_constructed",
        include_str!("../probes/fixtures/torch_constructed.dead.json"),
    ),
    (
        "torch_cnn",
        include_str!("../probes/fixtures/torch_cnn.dead.json"),
    ),
    (
        "torch_high_lr",
        include_str!("../probes/fixtures/torch_high_lr.dead.json"),
    ),
    (
        "keras_small",
        include_str!("../probes/fixtures/keras_small.dead.json"),
    ),
    (
        "keras_constructed",
        include_str!("../probes/fixtures/keras_constructed.dead.json"),
    ),
    (
        "keras_cnn",
        include_str!("../probes/fixtures/keras_cnn.dead.json"),
    ),
    (
        "keras_high_lr",
        include_str!("../probes/fixtures/keras_high_lr.dead.json"),
    ),
];

fn status(host: &Element) -> String {
    text(host, ".status")
}

/// The canvases, in page order: unit map, shares, timeline, pre-activations.
fn canvas(host: &Element, i: u32) -> HtmlCanvasElement {
    use wasm_bindgen::JsCast;
    host.query_selector_all("canvas")
        .unwrap()
        .item(i)
        .unwrap()
        .dyn_into()
        .unwrap()
}

/// Pixels that are not blank: a drawn chart has many.
fn drawn(c: &HtmlCanvasElement) -> usize {
    pixels(c).chunks(4).filter(|p| p[3] > 0).count()
}

fn paste(host: &Element, json: &str) {
    let area: HtmlTextAreaElement = find(host, "textarea.model-text");
    area.set_value(json);
    button(host, "Read the pasted report").click();
}

/// The dead counts the fixture holds: per layer, the units with fires = 0.
fn dead_counts(json: &str) -> Vec<(String, usize, usize)> {
    let v: serde_json::Value = serde_json::from_str(json).unwrap();
    v["layers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            let fires = l["fires"].as_array().unwrap();
            (
                l["name"].as_str().unwrap().to_string(),
                fires.iter().filter(|f| f.as_u64() == Some(0)).count(),
                fires.len(),
            )
        })
        .collect()
}

#[wasm_bindgen_test]
fn every_fixture_pasted_shows_its_counts_map_and_diagnosis() {
    let host = support::host(1000);
    mount(&host, "model", "").unwrap();
    assert!(host.text_content().unwrap().contains("sent nowhere"));
    for (id, json) in FIXTURES {
        paste(&host, json);
        let s = status(&host);
        let counts = dead_counts(json);
        let dead: usize = counts.iter().map(|c| c.1).sum();
        let units: usize = counts.iter().map(|c| c.2).sum();
        assert!(
            s.contains(&format!("{dead} of {units} units exactly dead")),
            "{id}: {s}"
        );
        for (name, d, n) in &counts {
            assert!(
                s.contains(&format!("{name}\u{2069} {d} of {n}")),
                "{id}: {s}"
            );
        }
        let notice: Element = find(&host, ".model-notice");
        assert!(
            notice.has_attribute("hidden"),
            "{id}: {:?}",
            notice.text_content()
        );
        let map = canvas(&host, 0);
        assert!(drawn(&map) > 1000, "{id}: the map is drawn");
        let label = map.get_attribute("aria-label").unwrap();
        assert!(label.contains("marked with a cross"), "{id}: {label}");
        let diagnosis = text(&host, ".model-diagnosis");
        assert!(!diagnosis.is_empty(), "{id}");
        if dead > 0 {
            assert!(diagnosis.contains("keras-contrib"), "{id}: {diagnosis}");
        }
    }
    // The constructed model's hand-killed units are named on the map and in the layer lines.
    paste(&host, FIXTURES[1].1);
    let label = canvas(&host, 0).get_attribute("aria-label").unwrap();
    assert!(
        label.contains("2, 5 and 11") && label.contains("0, 7 and 13"),
        "{label}"
    );
    assert!(text(&host, ".model-layers").contains("units 2, 5 and 11"));
}

#[wasm_bindgen_test]
fn the_example_buttons_load_and_the_diagnosis_links_to_the_remedies() {
    let host = support::host(1000);
    mount(&host, "model", "ex=none").unwrap();
    assert!(
        status(&host).starts_with("No report loaded"),
        "{}",
        status(&host)
    );
    button(&host, "PyTorch MLP at a high learning rate").click();
    assert!(
        status(&host).contains("5 of 16 units exactly dead"),
        "{}",
        status(&host)
    );
    let diagnosis: Element = find(&host, ".model-diagnosis");
    let said = diagnosis.text_content().unwrap();
    assert!(
        said.contains("died while training") && said.contains("learning rate"),
        "{said}"
    );
    let link: Element = find(&diagnosis, "a[href^='?panel=neuron']");
    assert!(link.text_content().unwrap().contains("clipping"));
    // The timeline is drawn from the snapshots, and described.
    let timeline = canvas(&host, 2);
    assert!(drawn(&timeline) > 1000);
    assert!(timeline
        .get_attribute("aria-label")
        .unwrap()
        .contains("over 13 snapshots"));
    // The definition menu re-reads the same report.
    let menu: web_sys::HtmlSelectElement = find(&host, "select[id$='-dead']");
    menu.set_value("dormant");
    fire(&menu, "change");
    assert!(
        status(&host).contains("6 of 16 units τ-dormant"),
        "{}",
        status(&host)
    );
    let tau: HtmlInputElement = find(&host, "input[id$='-tau']");
    assert!(!tau.disabled(), "τ applies to τ-dormant");
    button(&host, "PyTorch CNN").click();
    assert!(status(&host).contains("cnn-1-6-8"));
    let pressed: Element = find(&host, "button[data-example=torch_cnn]");
    assert_eq!(
        pressed.get_attribute("aria-pressed").as_deref(),
        Some("true")
    );
}

/// A file of `bytes` named `name`, picked in the file input.
fn choose_file(host: &Element, name: &str, bytes: &[u8]) {
    let parts = js_sys::Array::new();
    parts.push(&js_sys::Uint8Array::from(bytes));
    let file = web_sys::File::new_with_u8_array_sequence(&parts, name).unwrap();
    let dt = web_sys::DataTransfer::new().unwrap();
    dt.items().add_with_file(&file).unwrap();
    let input: HtmlInputElement = find(host, ".model-input input[type=file]");
    input.set_files(dt.files().as_ref());
    fire(&input, "change");
}

async fn wait_for_notice(host: &Element) -> String {
    let notice: Element = find(host, ".model-notice");
    for _ in 0..250 {
        if !notice.has_attribute("hidden") {
            return notice.text_content().unwrap_or_default();
        }
        sleep(20).await;
    }
    panic!("no notice; status: {}", status(host));
}

#[wasm_bindgen_test]
async fn a_bad_file_shows_its_message_and_leaves_the_report() {
    let host = support::host(1000);
    mount(&host, "model", "ex=torch_constructed").unwrap();
    let before = status(&host);
    assert!(before.contains("6 of 32"), "{before}");
    let map_before = canvas(&host, 0).get_attribute("aria-label");
    choose_file(&host, "photo.png", &[0x89, b'P', b'N', b'G', 0, 0, 0, 13]);
    let said = wait_for_notice(&host).await;
    assert!(
        said.contains("photo.png") && said.contains("not JSON"),
        "{said}"
    );
    assert!(said.contains("Still showing"), "{said}");
    assert_eq!(status(&host), before, "the report on show stays");
    assert_eq!(canvas(&host, 0).get_attribute("aria-label"), map_before);
    // Pasted JSON of another version says so, and the report stays.
    paste(
        &host,
        &FIXTURES[1]
            .1
            .replacen("\"version\": 1", "\"version\": 2", 1),
    );
    let said = text(&host, ".model-notice");
    assert!(said.contains("version 2"), "{said}");
    assert_eq!(status(&host), before);
    // A dropped good file replaces it and clears the notice.
    let parts = js_sys::Array::new();
    parts.push(&js_sys::Uint8Array::from(FIXTURES[2].1.as_bytes()));
    let file = web_sys::File::new_with_u8_array_sequence(&parts, "cnn.dead.json").unwrap();
    let dt = web_sys::DataTransfer::new().unwrap();
    dt.items().add_with_file(&file).unwrap();
    // new DragEvent("drop", {dataTransfer, bubbles: true}), as a browser makes one.
    let init = js_sys::Object::new();
    js_sys::Reflect::set(&init, &"dataTransfer".into(), &dt).unwrap();
    js_sys::Reflect::set(&init, &"bubbles".into(), &true.into()).unwrap();
    js_sys::Reflect::set(&init, &"cancelable".into(), &true.into()).unwrap();
    let window = web_sys::window().unwrap();
    let ctor: js_sys::Function = js_sys::Reflect::get(&window, &"DragEvent".into())
        .unwrap()
        .into();
    let args = js_sys::Array::of2(&"drop".into(), &init);
    let drop: web_sys::Event = js_sys::Reflect::construct(&ctor, &args).unwrap().into();
    let zone: Element = find(&host, ".drop-zone");
    zone.dispatch_event(&drop).unwrap();
    for _ in 0..250 {
        if status(&host).contains("cnn-1-6-8") {
            break;
        }
        sleep(20).await;
    }
    assert!(status(&host).contains("cnn-1-6-8"), "{}", status(&host));
    assert!(find::<Element>(&host, ".model-notice").has_attribute("hidden"));
    assert!(text(&host, ".model-source").contains("cnn.dead.json"));
}

#[wasm_bindgen_test]
fn unmounting_leaves_no_listener_behind() {
    let host = support::host(800);
    let before = dying_relu::web::live_listeners();
    mount(&host, "model", "ex=torch_high_lr").unwrap();
    assert!(dying_relu::web::live_listeners() > before);
    assert!(dying_relu::web::unmount(&host));
    assert_eq!(dying_relu::web::live_listeners(), before);
    assert_eq!(host.child_element_count(), 0);
}
