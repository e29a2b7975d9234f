#![cfg(target_arch = "wasm32")]
//! What leaves the page, in a real browser: every save button makes a download (PNG at the
//! canvas's pixel size, SVG, CSV, JSON, .py), the embed button copies the iframe snippet, two
//! panels on one page keep their own state, and 200 mounts and destroys leave no listener,
//! frame loop or memory behind.

use dying_relu::web::api::mount_js;
use dying_relu::web::export::{self, CopyPath};
use dying_relu::web::{animation, live_listeners, mount, mounted_count};
use gloo_events::{EventListener, EventListenerOptions};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlAnchorElement, HtmlCanvasElement, HtmlElement, HtmlInputElement};

wasm_bindgen_test_configure!(run_in_browser);

mod support;
use support::{button, find, sleep};

/// Every `<a download>` clicked on the page, as (file name, href); the clicks are stopped so
/// that the test browser saves nothing.
struct Saves {
    seen: Rc<RefCell<Vec<(String, String)>>>,
    _listener: EventListener,
}

impl Saves {
    fn watch() -> Saves {
        let doc = web_sys::window().unwrap().document().unwrap();
        let seen = Rc::new(RefCell::new(Vec::new()));
        let options = EventListenerOptions {
            phase: gloo_events::EventListenerPhase::Capture,
            passive: false,
        };
        let listener = EventListener::new_with_options(&doc, "click", options, {
            let seen = seen.clone();
            move |e| {
                let Some(a) = e
                    .target()
                    .and_then(|t| t.dyn_into::<HtmlAnchorElement>().ok())
                else {
                    return;
                };
                if a.has_attribute("download") {
                    e.prevent_default();
                    seen.borrow_mut().push((a.download(), a.href()));
                }
            }
        });
        Saves {
            seen,
            _listener: listener,
        }
    }

    fn last(&self) -> (String, String) {
        self.seen
            .borrow()
            .last()
            .cloned()
            .expect("a download link was clicked")
    }
}

fn by_label(host: &Element, label: &str) -> HtmlElement {
    find(host, &format!("button[aria-label='{label}']"))
}

/// The width and height a PNG's IHDR chunk declares, from a `data:image/png;base64,` URL.
fn png_size(data_url: &str) -> (u32, u32) {
    let b64 = data_url
        .strip_prefix("data:image/png;base64,")
        .expect("a PNG data URL");
    let head = web_sys::window().unwrap().atob(&b64[..64]).unwrap();
    let bytes: Vec<u8> = head.chars().map(|c| c as u32 as u8).collect();
    assert_eq!(&bytes[1..4], b"PNG");
    let be = |i: usize| u32::from_be_bytes([bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3]]);
    (be(16), be(20))
}

#[wasm_bindgen_test]
fn every_neuron_chart_saves_as_png_at_pixel_size_and_as_svg() {
    let saves = Saves::watch();
    let host = support::host(900);
    mount(&host, "neuron", "f=leaky_relu&alpha=0.1&lr=0.01").unwrap();
    let doc = web_sys::window().unwrap().document().unwrap();
    let spans = doc.query_selector_all("span").unwrap().length();
    let canvases = host.query_selector_all("canvas").unwrap();
    let titles = [
        ("gate", "histogram of the pre-activation"),
        ("flow", "gradient-flow diagram"),
        ("timeline", "timelines"),
    ];
    for (i, (slug, title)) in titles.iter().enumerate() {
        let canvas: HtmlCanvasElement = canvases.item(i as u32).unwrap().dyn_into().unwrap();
        by_label(&host, &format!("Save PNG of the {title}")).click();
        let (name, href) = saves.last();
        assert_eq!(
            name,
            format!("neuron-{slug}_leaky_relu_lr0.01_b0_alpha0.1_step0.png")
        );
        assert_eq!(png_size(&href), (canvas.width(), canvas.height()), "{slug}");
        by_label(&host, &format!("Save SVG of the {title}")).click();
        let (name, href) = saves.last();
        assert!(
            name.ends_with(".svg") && href.starts_with("blob:"),
            "{name} {href}"
        );
        let last = export::downloads().pop().unwrap();
        assert_eq!(
            (last.name.as_str(), last.mime.as_str()),
            (name.as_str(), "image/svg+xml")
        );
        let svg = last.text.unwrap();
        assert!(
            svg.starts_with("<svg") && svg.contains("width=\"960\""),
            "{slug}"
        );
        let parsed = web_sys::DomParser::new()
            .unwrap()
            .parse_from_string(&svg, web_sys::SupportedType::ImageSvgXml)
            .unwrap();
        assert!(
            parsed.query_selector("parsererror").unwrap().is_none(),
            "{slug}: the SVG parses"
        );
    }
    assert_eq!(
        doc.query_selector_all("span").unwrap().length(),
        spans,
        "measuring the SVG's text adds no element to the page"
    );
    unmount(&host);
}

async fn wait_for_run(host: &Element, state: &str) {
    for _ in 0..1500 {
        if host.get_attribute("data-run").as_deref() == Some(state) {
            return;
        }
        sleep(20).await;
    }
    panic!("data-run never became {state}");
}

#[wasm_bindgen_test]
async fn the_network_run_downloads_as_csv_json_and_python() {
    let saves = Saves::watch();
    let host = support::host(900);
    mount(&host, "network", "n=2000&epochs=2").unwrap();
    button(&host, "Train").click();
    wait_for_run(&host, "finished").await;
    button(&host, "Download CSV").click();
    let csv = export::downloads().pop().unwrap();
    assert_eq!(csv.name, saves.last().0);
    assert!(csv.name.starts_with("network-run_relu3_") && csv.name.ends_with("_epoch2.csv"));
    let text = csv.text.unwrap();
    assert_eq!(
        text.lines().count(),
        1 + 3,
        "a header, epoch 0 and two epochs"
    );
    assert!(text.starts_with("epoch,step,train_loss,val_loss,hidden1_dead_fraction"));
    button(&host, "Download JSON").click();
    let json = export::downloads().pop().unwrap();
    assert_eq!(json.mime, "application/json");
    let v = js_sys::JSON::parse(&json.text.unwrap()).expect("valid JSON");
    let epochs = js_sys::Reflect::get(&v, &"epochs".into()).unwrap();
    assert_eq!(js_sys::Array::from(&epochs).length(), 3);
    // The run as a dead-unit report, in the probes' format: the layers and a snapshot per
    // epoch, which "Your model" reads back (tests/model_export.rs compares the counts).
    button(&host, "Download dead-unit report").click();
    let report = export::downloads().pop().unwrap();
    assert!(
        report.name.ends_with("_epoch2.dead.json"),
        "{}",
        report.name
    );
    assert_eq!(report.mime, "application/json");
    let r = js_sys::JSON::parse(&report.text.unwrap()).expect("valid JSON");
    let get = |k: &str| js_sys::Reflect::get(&r, &k.into()).unwrap();
    assert_eq!(
        get("format").as_string().as_deref(),
        Some("dying-relu-report")
    );
    assert_eq!(get("version").as_f64(), Some(1.0));
    assert_eq!(js_sys::Array::from(&get("layers")).length(), 4);
    assert_eq!(js_sys::Array::from(&get("snapshots")).length(), 3);
    for (framework, file) in [("PyTorch", "pytorch"), ("Keras", "keras")] {
        button(&host, &format!("Download {framework} .py")).click();
        let py = export::downloads().pop().unwrap();
        assert!(py.name.ends_with(&format!("_{file}.py")), "{}", py.name);
        let script = py.text.unwrap();
        assert!(script.contains("LEARNING_RATE = 0.001") && script.contains("SAMPLES = 2000"));
        let shown = find::<Element>(&host, &format!("pre[aria-label='{framework} script']"));
        assert_eq!(
            shown.text_content().unwrap(),
            script,
            "the page shows the same script"
        );
    }
    by_label(&host, "Save PNG of the loss chart").click();
    assert!(saves.last().0.starts_with("network-loss_relu3_"));
    unmount(&host);
}

async fn wait_for_copy(before: usize) -> (String, CopyPath) {
    for _ in 0..250 {
        let copies = export::copies();
        if copies.len() > before {
            return copies.last().cloned().unwrap();
        }
        sleep(20).await;
    }
    panic!("nothing was copied");
}

#[wasm_bindgen_test]
async fn copy_embed_code_puts_the_iframe_with_the_settings_on_the_clipboard() {
    let host = support::host(900);
    mount(&host, "neuron", "f=elu&b=0.5").unwrap();
    let before = export::copies().len();
    button(&host, "Copy embed code").click();
    let (text, path) = wait_for_copy(before).await;
    assert!(text.starts_with("<iframe src=\"http"), "{text}");
    assert!(text.contains("?panel=neuron&amp;f=elu"), "{text}");
    assert!(text.contains("b=0.5") && text.contains("title=\"Dying ReLU Explorer: One neuron\""));
    let said = support::text(&host, ".share-status");
    match path {
        CopyPath::Clipboard | CopyPath::Fallback => assert_eq!(said, "Copied the embed code."),
        // Headless Chromium may refuse both ways: the code is then shown to copy by hand.
        CopyPath::Failed => assert!(said.contains(&text), "{said}"),
    }
    web_sys::console::log_1(&format!("copy path in this browser: {path:?}").into());
    unmount(&host);
}

#[wasm_bindgen_test]
fn two_panels_on_one_page_change_independently() {
    let (a, b) = (support::host(700), support::host(700));
    mount(&a, "neuron", "b=0.1").unwrap();
    mount(&b, "neuron", "b=0.1").unwrap();
    let slider: HtmlInputElement = find(&a, "input[id$='-b']");
    slider.set_value("1.5");
    support::fire(&slider, "input");
    assert_eq!(a.get_attribute("data-b").as_deref(), Some("1.5"));
    assert_eq!(
        b.get_attribute("data-b").as_deref(),
        Some("0.1"),
        "the other panel kept its b"
    );
    button(&b, "Large gradient step").click();
    assert_eq!(b.get_attribute("data-steps").as_deref(), Some("1"));
    assert_eq!(a.get_attribute("data-steps").as_deref(), Some("0"));
    let other: HtmlInputElement = find(&b, "input[id$='-b']");
    assert_ne!(slider.id(), other.id(), "control ids stay unique");
    unmount(&a);
    unmount(&b);
}

fn unmount(host: &Element) {
    dying_relu::web::unmount(host);
    host.remove();
}

fn memory_bytes() -> u32 {
    let memory: js_sys::WebAssembly::Memory = wasm_bindgen::memory().dyn_into().unwrap();
    js_sys::ArrayBuffer::from(memory.buffer()).byte_length()
}

/// Mounts and destroys each panel once through JavaScript's `mount`, the neuron training
/// (so that a frame loop runs) when it is destroyed.
fn cycle(host: &Element) {
    for panel in ["activation", "neuron", "network"] {
        let handle = mount_js(host.clone().into(), panel.into(), "".into()).unwrap();
        if panel == "neuron" {
            button(host, "Train").click();
            assert!(
                animation::live_frame_loops() > 0,
                "training runs a frame loop"
            );
        }
        handle.destroy();
    }
}

#[wasm_bindgen_test]
async fn two_hundred_mounts_and_destroys_leave_nothing_behind() {
    let host = support::host(800);
    let (panels, loops, listeners) = (
        mounted_count(),
        animation::live_frame_loops(),
        live_listeners(),
    );
    // Warm up: the allocator and the caches reach their working size.
    for _ in 0..10 {
        cycle(&host);
    }
    sleep(50).await;
    let memory = memory_bytes();
    let mut n = 0;
    while n < 200 {
        cycle(&host);
        n += 3;
        if n % 30 == 0 {
            sleep(0).await;
        }
    }
    sleep(50).await;
    assert_eq!(mounted_count(), panels);
    assert_eq!(
        animation::live_frame_loops(),
        loops,
        "no frame loop left running"
    );
    assert_eq!(live_listeners(), listeners, "no listener left behind");
    assert_eq!(host.child_element_count(), 0, "the host is empty");
    let grown = memory_bytes() - memory;
    web_sys::console::log_1(
        &format!("wasm memory before {memory} B, growth over 200 cycles {grown} B").into(),
    );
    assert_eq!(grown, 0, "the wasm memory stays flat");
    host.remove();
}
