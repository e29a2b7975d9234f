#![cfg(target_arch = "wasm32")]
//! Sturdy and truthful in a real browser: text from an address cannot reorder the page's own
//! sentences, a huge address is cut and said, `mount` names a wrong argument, and a reset
//! run leaves none of the last run's numbers behind.

use dying_relu::web::api::mount_js;
use dying_relu::web::{mount, mounted_count};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;
use web_sys::Element;

wasm_bindgen_test_configure!(run_in_browser);

mod support;
use support::{button, sleep, text};

fn message(e: JsValue) -> String {
    js_sys::Reflect::get(&e, &"message".into())
        .ok()
        .and_then(|m| m.as_string())
        .unwrap_or_default()
}

#[wasm_bindgen_test]
fn a_right_to_left_override_in_the_address_is_shown_not_obeyed() {
    let host = support::host(900);
    mount(&host, "neuron", "f=%E2%80%AEdetaerc&b=0.1").unwrap();
    let note = text(&host, ".notice");
    assert!(
        !note.contains('\u{202E}'),
        "the override is not in the text: {note:?}"
    );
    assert!(
        note.contains("[U+202E]detaerc"),
        "it is shown as its code: {note}"
    );
    // The value sits between an isolate and its end, and the page's sentence goes on in order.
    let isolated = "\u{2068}[U+202E]detaerc\u{2069}";
    let at = note.find(isolated).expect("isolated");
    assert!(
        note[at + isolated.len()..].starts_with("” is not one of the choices; using ReLU."),
        "{note}"
    );
    host.remove();
}

#[wasm_bindgen_test]
fn a_megabyte_of_address_is_cut_to_8_kb_said_and_ready_within_a_second() {
    let window = web_sys::window().unwrap();
    let doc = window.document().unwrap();
    let section = doc.create_element("section").unwrap();
    let host = doc.create_element("div").unwrap();
    host.set_attribute("data-panel", "neuron").unwrap();
    section.append_child(&host).unwrap();
    doc.body().unwrap().append_child(&section).unwrap();
    let history = window.history().unwrap();
    let before = window.location().href().unwrap();
    let junk = format!("?b=0.5&junk={}", "%3Cx%3E".repeat(150_000));
    assert!(junk.len() > 1_000_000);
    history
        .replace_state_with_url(&JsValue::NULL, "", Some(&junk))
        .unwrap();
    let perf = window.performance().unwrap();
    let t0 = perf.now();
    dying_relu::web::start_now();
    let took = perf.now() - t0;
    history
        .replace_state_with_url(&JsValue::NULL, "", Some(&before))
        .unwrap();
    assert!(took < 1000.0, "start took {took} ms");
    let notices = doc.query_selector_all("body > p.notice").unwrap();
    let said: Vec<String> = (0..notices.length())
        .filter_map(|i| notices.item(i).and_then(|n| n.text_content()))
        .collect();
    assert!(
        said.iter()
            .any(|t| t.contains("only its first 8 KB were read")),
        "{said:?}"
    );
    assert_eq!(
        host.get_attribute("data-b").as_deref(),
        Some("0.5"),
        "the start of the address is read"
    );
    for i in 0..notices.length() {
        if let Some(n) = notices.item(i).and_then(|n| n.dyn_into::<Element>().ok()) {
            n.remove();
        }
    }
    section.remove();
}

#[wasm_bindgen_test]
fn mount_names_the_argument_that_is_wrong() {
    let no_host = mount_js(JsValue::NULL, "neuron".into(), "".into())
        .err()
        .unwrap();
    let m = message(no_host.into());
    assert!(
        m.contains("first argument (element)") && m.contains("null"),
        "{m}"
    );
    let host = support::host(600);
    let no_panel = mount_js(host.clone().into(), "nope".into(), "".into())
        .err()
        .unwrap();
    let m = message(no_panel.into());
    assert!(
        m.contains("second argument (panel)") && m.contains("nope"),
        "{m}"
    );
    let bad_query = mount_js(host.clone().into(), "neuron".into(), 42.into())
        .err()
        .unwrap();
    let m = message(bad_query.into());
    assert!(
        m.contains("third argument (query)") && m.contains("a number"),
        "{m}"
    );
    // Good arguments give a handle whose destroy() removes the panel.
    let before = mounted_count();
    let handle = mount_js(host.clone().into(), "activation".into(), JsValue::UNDEFINED).unwrap();
    assert_eq!(mounted_count(), before + 1);
    assert!(host.query_selector("canvas").unwrap().is_some());
    handle.destroy();
    assert_eq!(mounted_count(), before);
    assert!(host.query_selector("canvas").unwrap().is_none());
    host.remove();
}

fn data_attributes(host: &Element) -> Vec<(String, String)> {
    let names = host.get_attribute_names();
    let mut out: Vec<(String, String)> = (0..names.length())
        .filter_map(|i| names.get(i).as_string())
        // Where training runs belongs to the panel, not to a run: the worker started by the
        // first Train stays for the next (or the page trains on after a fall back).
        .filter(|n| n.starts_with("data-") && n != "data-engine")
        .map(|n| {
            let v = host.get_attribute(&n).unwrap_or_default();
            (n, v)
        })
        .collect();
    out.sort();
    out
}

#[wasm_bindgen_test]
async fn after_reset_every_data_attribute_of_the_network_is_its_ready_value() {
    let host = support::host(900);
    mount(&host, "network", "n=1000&epochs=1").unwrap();
    let perf = web_sys::window().unwrap().performance().unwrap();
    let t0 = perf.now();
    // The ready state is the mounted panel with its charts drawn (one per frame after mount).
    while host.get_attribute("data-charts-pending").as_deref() != Some("0") {
        assert!(
            perf.now() - t0 < 20_000.0,
            "the mounted charts were not drawn"
        );
        sleep(20).await;
    }
    let ready = data_attributes(&host);
    button(&host, "Train").click();
    while host.get_attribute("data-run").as_deref() != Some("finished")
        || host.get_attribute("data-charts-pending").as_deref() != Some("0")
    {
        assert!(perf.now() - t0 < 20_000.0, "the run did not finish");
        sleep(20).await;
    }
    let trained = data_attributes(&host);
    assert_ne!(trained, ready);
    assert!(trained.iter().any(|(k, _)| k == "data-val-loss"));
    button(&host, "Reset").click();
    // Its charts are redrawn one per frame; then every attribute is as at the start.
    while host.get_attribute("data-charts-pending").as_deref() != Some("0") {
        assert!(perf.now() - t0 < 30_000.0, "the charts were not redrawn");
        sleep(20).await;
    }
    assert_eq!(
        data_attributes(&host),
        ready,
        "nothing of the last run lingers"
    );
    host.remove();
}
