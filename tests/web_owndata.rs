#![cfg(target_arch = "wasm32")]
//! "Use your own data" in a real browser: pasted CSV trains with the dead line at E[y²] of its
//! target, and a bad file (or text) gets its message while the previous run stays intact.

use dying_relu::sim::csv;
use dying_relu::web::mount;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlInputElement, HtmlTextAreaElement};

wasm_bindgen_test_configure!(run_in_browser);

mod support;
use support::{button, find, fire, sleep, text};

fn attr_f64(el: &Element, name: &str) -> f64 {
    el.get_attribute(name)
        .and_then(|v| v.parse().ok())
        .unwrap_or(f64::NAN)
}

/// Waits until `ready(host)` (or fails after `timeout_ms`).
async fn wait_until(host: &Element, what: &str, timeout_ms: f64, ready: impl Fn(&Element) -> bool) {
    let perf = web_sys::window().unwrap().performance().unwrap();
    let t0 = perf.now();
    while !ready(host) {
        assert!(
            perf.now() - t0 < timeout_ms,
            "timed out waiting for {what}; status: {}",
            text(host, ".status")
        );
        sleep(20).await;
    }
}

async fn wait_finished(host: &Element) {
    wait_until(host, "the run to finish", 30_000.0, |h| {
        h.get_attribute("data-run").as_deref() == Some("finished")
            && h.get_attribute("data-charts-pending").as_deref() == Some("0")
    })
    .await;
}

fn paste(host: &Element, csv: &str) {
    let area: HtmlTextAreaElement = find(host, "textarea.own-data-text");
    area.set_value(csv);
    button(host, "Use pasted text").click();
}

/// 200 rows of x1, x2 and y = 2 + x1 − x2/2 (every target positive, a ReLU output can fit it).
fn table() -> (String, f64) {
    let mut csv = String::from("x1,x2,y\n");
    let mut sum_sq = 0.0;
    for i in 0..200 {
        let x1 = (i % 17) as f64 / 8.0 - 1.0;
        let x2 = (i % 11) as f64 / 5.0 - 1.0;
        let y = 2.0 + x1 - x2 / 2.0;
        csv.push_str(&format!("{x1},{x2},{y}\n"));
        sum_sq += y * y;
    }
    (csv, sum_sq / 200.0)
}

#[wasm_bindgen_test]
async fn pasted_csv_trains_with_the_dead_line_at_its_e_y2() {
    let host = support::host(1000);
    mount(&host, "network", "epochs=2").unwrap();
    assert_eq!(
        host.get_attribute("data-source").as_deref(),
        Some("seed002")
    );
    assert!((attr_f64(&host, "data-dead-line") - 13.0 / 3.0).abs() < 1e-6);
    let panel = host.text_content().unwrap();
    assert!(
        panel.contains("Your data never leaves this browser"),
        "the page says so"
    );
    let (csv, e_y2) = table();
    paste(&host, &csv);
    assert_eq!(host.get_attribute("data-source").as_deref(), Some("own"));
    let s = text(&host, ".status");
    assert!(
        s.contains("2-8-8-8-1") && s.contains("200 rows of the pasted text"),
        "{s}"
    );
    button(&host, "Train").click();
    wait_finished(&host).await;
    assert_eq!(host.get_attribute("data-epoch").as_deref(), Some("2"));
    // The loss chart's dead line is E[y²] of the pasted target, and so is the panel's.
    let loss: Element = find(&host, "canvas[data-chart=loss]");
    for (el, what) in [(&loss, "loss chart"), (&host, "panel")] {
        let line = attr_f64(el, "data-dead-line");
        assert!(
            (line - e_y2).abs() < 1e-5 * e_y2,
            "{what}: {line} vs E[y²] {e_y2}"
        );
    }
    assert!(attr_f64(&host, "data-val-loss").is_finite());
    // The link cannot carry the data, and says so.
    let note: Element = find(&host, ".own-data-link");
    assert!(!note.has_attribute("hidden"));
    assert!(note
        .text_content()
        .unwrap()
        .contains("cannot be put in a link"));
    // The target column can change: x1 as the target, its own E[y²].
    let select: web_sys::HtmlSelectElement = find(&host, "select[id$='-target']");
    assert_eq!(select.value(), "2");
    select.set_value("0");
    fire(&select, "change");
    let x1_sq: f64 = (0..200)
        .map(|i| ((i % 17) as f64 / 8.0 - 1.0).powi(2))
        .sum::<f64>()
        / 200.0;
    assert!((attr_f64(&host, "data-dead-line") - x1_sq).abs() < 1e-5);
    // The scripts read the pasted rows from a file, with the target chosen now.
    let script = || text(&host, "pre[aria-label='PyTorch script']");
    assert!(
        script().contains("DATA_FILE = \"your_data.csv\""),
        "{}",
        script()
    );
    assert!(script().contains("TARGET_COLUMN = 0"), "{}", script());
    let matches = || text(&host, "details.reproduce > p.hint");
    assert!(matches().contains("the dead line E[y²] ≈"), "{}", matches());
    button(&host, "Back to seed 002's data").click();
    assert_eq!(
        host.get_attribute("data-source").as_deref(),
        Some("seed002")
    );
    assert!(note.has_attribute("hidden"));
    assert!(script().contains("SAMPLES = "), "seed 002's data again");
    assert!(!script().contains("DATA_FILE"));
    assert!(matches().contains("the dead line 13/3"), "{}", matches());
}

/// A file of `bytes` named `name`, chosen in the file input.
fn choose_file(host: &Element, name: &str, bytes: &[u8]) {
    let parts = js_sys::Array::new();
    parts.push(&js_sys::Uint8Array::from(bytes));
    let file = web_sys::File::new_with_u8_array_sequence(&parts, name).unwrap();
    let dt = web_sys::DataTransfer::new().unwrap();
    dt.items().add_with_file(&file).unwrap();
    let input: HtmlInputElement = find(host, ".own-data input[type=file]");
    input.set_files(dt.files().as_ref());
    fire(&input, "change");
}

/// "Try the sample" fetches the site's sample.csv; the test runner serves no such file, so
/// the page's requests for it get `answer` (a body, or `None` for a 404) instead.
fn serve_sample(answer: Option<&str>) {
    let serve = js_sys::Function::new_with_args(
        "body",
        "window.__fetch = window.__fetch || window.fetch;\
         window.fetch = (url, ...rest) => String(url).endsWith('sample.csv')\
           ? Promise.resolve(body === null ? new Response('', { status: 404 }) : new Response(body))\
           : window.__fetch(url, ...rest);",
    );
    let body = answer.map_or(JsValue::NULL, JsValue::from_str);
    serve.call1(&JsValue::NULL, &body).unwrap();
}

/// The sample comes from the site: when it cannot be had, the panel says why and keeps the
/// data in use; when it arrives, it is the data.
#[wasm_bindgen_test]
async fn the_sample_is_fetched_and_a_missing_one_is_said() {
    let host = support::host(1000);
    mount(&host, "network", "epochs=2").unwrap();
    serve_sample(None);
    button(&host, "Try the sample").click();
    wait_until(&host, "the notice", 5_000.0, |h| {
        text(h, ".own-data-notice").contains("could not be loaded")
    })
    .await;
    let said = text(&host, ".own-data-notice");
    assert!(said.contains("HTTP 404"), "{said}");
    assert_eq!(
        host.get_attribute("data-source").as_deref(),
        Some("seed002")
    );
    serve_sample(Some(csv::SAMPLE));
    button(&host, "Try the sample").click();
    wait_until(&host, "the sample", 5_000.0, |h| {
        text(h, ".own-data-info").contains("500 rows of sample.csv")
    })
    .await;
    assert!(find::<Element>(&host, ".own-data-notice").has_attribute("hidden"));
}

#[wasm_bindgen_test]
async fn a_bad_file_gets_its_message_and_the_previous_run_stays() {
    let host = support::host(1000);
    mount(&host, "network", "epochs=2").unwrap();
    serve_sample(Some(csv::SAMPLE));
    button(&host, "Try the sample").click();
    wait_until(&host, "the sample", 5_000.0, |h| {
        text(h, ".own-data-info").contains("500 rows of sample.csv")
    })
    .await;
    button(&host, "Train").click();
    wait_finished(&host).await;
    let keep = |h: &Element| {
        [
            "data-run",
            "data-epoch",
            "data-val-loss",
            "data-dead-line",
            "data-source",
        ]
        .map(|a| h.get_attribute(a))
    };
    let before = keep(&host);
    let status = text(&host, ".status");
    let notice: Element = find(&host, ".own-data-notice");
    assert!(notice.has_attribute("hidden"));
    // A binary file, read asynchronously like any picked file.
    choose_file(
        &host,
        "photo.png",
        &[0x89, b'P', b'N', b'G', 0, 0, 0, 13, 1, 2],
    );
    wait_until(&host, "the notice", 5_000.0, |h| {
        text(h, ".own-data-notice").contains("photo.png")
    })
    .await;
    let said = notice.text_content().unwrap();
    assert!(
        said.contains("photo.png was not used: This is not a text file"),
        "{said}"
    );
    assert!(!notice.has_attribute("hidden"));
    assert_eq!(keep(&host), before);
    assert_eq!(text(&host, ".status"), status);
    // A file with a word among the numbers: the message names its row and column.
    choose_file(&host, "words.csv", b"a,b,y\n1,2,3\n4,five,6\n");
    wait_until(&host, "the second notice", 5_000.0, |h| {
        text(h, ".own-data-notice").contains("words.csv")
    })
    .await;
    let said = text(&host, ".own-data-notice");
    assert!(
        said.contains("Row 3, column 2 (b)") && said.contains("“five”"),
        "{said}"
    );
    assert_eq!(keep(&host), before);
    // Pasted text that is not CSV, too.
    paste(&host, "Once upon a time\nthere was a network\n");
    assert!(text(&host, ".own-data-notice").contains("does not look like CSV"));
    assert_eq!(keep(&host), before);
    assert_eq!(text(&host, ".status"), status);
    // A good file afterwards is used and clears the notice.
    choose_file(&host, "good.csv", table().0.as_bytes());
    wait_until(&host, "the good file", 5_000.0, |h| {
        text(h, ".own-data-info").contains("good.csv")
    })
    .await;
    assert!(notice.has_attribute("hidden"));
    assert_eq!(host.get_attribute("data-run").as_deref(), Some("ready"));
}

/// A table of 60 rows: x1, x2 and a target `f(x1)`, written with `{:e}` when `sci`.
fn scaled_table(f: impl Fn(f64) -> f64, sci: bool) -> (String, f64) {
    let mut csv = String::from("x1,x2,y\n");
    let mut sum_sq = 0.0;
    for i in 0..60 {
        let x1 = (i % 13) as f64 / 6.0 - 1.0;
        let x2 = (i % 7) as f64 / 3.0 - 1.0;
        let y = f(x1);
        if sci {
            csv.push_str(&format!("{x1:e},{x2:e},{y:e}\n"));
        } else {
            csv.push_str(&format!("{x1},{x2},{y}\n"));
        }
        sum_sq += y * y;
    }
    (csv, sum_sq / 60.0)
}

/// Own data at the scales real data comes in: each table is pasted, trains one epoch (or is
/// refused in words) and leaves every panel working. A target in °C or in dollars stopped the
/// whole page before (the loss chart's y range was clamped between bounds that crossed).
#[wasm_bindgen_test]
async fn targets_in_degrees_dollars_and_nanometres_train_and_every_panel_keeps_working() {
    let act = support::host(800);
    mount(&act, "activation", "").unwrap();
    let neuron = support::host(800);
    mount(&neuron, "neuron", "").unwrap();
    let host = support::host(1000);
    mount(&host, "network", "epochs=1").unwrap();
    let tables: Vec<(&str, (String, f64))> = vec![
        ("degrees", scaled_table(|a| 15.0 + 10.0 * a, false)),
        (
            "dollars",
            scaled_table(|a| 200_000.0 + 100_000.0 * a, false),
        ),
        ("nanometres", scaled_table(|a| 1e-9 * (2.0 + a), true)),
        ("a positive constant", scaled_table(|_| 5.0, false)),
        ("a negative constant", scaled_table(|_| -5.0, false)),
        ("zeros", scaled_table(|_| 0.0, false)),
        ("scientific notation", scaled_table(|a| 1.5e3 * a, true)),
        ("huge but allowed", scaled_table(|a| 3e17 * a, true)),
    ];
    for (what, (csv, e_y2)) in &tables {
        paste(&host, csv);
        assert_eq!(
            host.get_attribute("data-source").as_deref(),
            Some("own"),
            "{what}: {}",
            text(&host, ".own-data-notice")
        );
        button(&host, "One epoch").click();
        wait_until(&host, what, 30_000.0, |h| {
            matches!(
                h.get_attribute("data-run").as_deref(),
                Some("paused" | "finished" | "failed")
            ) && h.get_attribute("data-charts-pending").as_deref() == Some("0")
        })
        .await;
        let line = attr_f64(
            &find::<Element>(&host, "canvas[data-chart=loss]"),
            "data-dead-line",
        );
        let tol = 1e-5 * e_y2.max(1e-30);
        assert!(
            (line - e_y2).abs() <= tol,
            "{what}: dead line {line} vs E[y²] {e_y2}"
        );
        let status = text(&host, ".status");
        assert!(
            status.contains("epoch") || status.contains("blew up"),
            "{what}: {status}"
        );
    }
    // Two rows and a value beyond 32-bit floats: refused in words, the last run kept.
    let before = host.get_attribute("data-dead-line");
    paste(&host, "x,y\n1,2\n3,4\n");
    assert!(text(&host, ".own-data-notice").contains("Only 2 data rows"));
    let (big, _) = scaled_table(|a| 1e25 * a, true);
    paste(&host, &big);
    let said = text(&host, ".own-data-notice");
    assert!(said.contains("beyond ±1e18"), "{said}");
    assert_eq!(host.get_attribute("data-dead-line"), before);
    // The other panels still answer: the wasm instance did not stop.
    let was = text(&neuron, ".status");
    button(&neuron, "Large gradient step").click();
    assert_ne!(text(&neuron, ".status"), was, "the neuron panel answers");
    let f: web_sys::HtmlSelectElement = find(&act, "select");
    f.set_value("elu");
    fire(&f, "change");
    assert!(
        text(&act, ".status").contains("ELU"),
        "{}",
        text(&act, ".status")
    );
}
