#![cfg(target_arch = "wasm32")]
//! The "One neuron" panel, driven through its real controls in a browser.

use dying_relu::web::mount;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement, HtmlInputElement, HtmlSelectElement};

wasm_bindgen_test_configure!(run_in_browser);

mod support;

/// Lets the browser breathe between bursts of clicks, so the test runner can poll the page.
async fn breathe() {
    support::sleep(16).await;
}

struct Panel {
    host: Element,
}

impl Panel {
    fn mount(query: &str) -> Panel {
        let host = support::host(1000);
        mount(&host, "neuron", query).unwrap();
        Panel { host }
    }

    fn find<T: JsCast>(&self, selector: &str) -> T {
        support::find(&self.host, selector)
    }

    fn button(&self, text: &str) -> HtmlElement {
        support::button(&self.host, text)
    }

    fn click(&self, text: &str) {
        self.button(text).click();
    }

    fn slider(&self, key: &str) -> HtmlInputElement {
        self.find(&format!("input[id$='-{key}']"))
    }

    fn set_slider(&self, key: &str, position: &str) {
        let s = self.slider(key);
        s.set_value(position);
        support::fire(&s, "input");
    }

    fn choose(&self, f: &str) {
        let s: HtmlSelectElement = self.find("select");
        s.set_value(f);
        support::fire(&s, "change");
    }

    fn status(&self) -> String {
        self.find::<Element>(".status")
            .text_content()
            .unwrap_or_default()
    }

    fn data(&self, key: &str) -> f64 {
        self.host
            .get_attribute(&format!("data-{key}"))
            .unwrap()
            .parse()
            .unwrap()
    }

    fn params_bits(&self) -> [u64; 3] {
        [
            self.data("w1").to_bits(),
            self.data("w2").to_bits(),
            self.data("b").to_bits(),
        ]
    }

    fn canvases(&self) -> Vec<Vec<u8>> {
        let all = self.host.query_selector_all("canvas").unwrap();
        (0..all.length())
            .map(|i| support::pixels(&all.item(i).unwrap().dyn_into().unwrap()))
            .collect()
    }
}

#[wasm_bindgen_test]
async fn relu_dies_after_the_large_step_and_500_steps_change_nothing() {
    let p = Panel::mount("");
    assert!(p.data("open") > 0.95, "alive at the start");
    assert!(p.status().contains("alive"), "{}", p.status());
    p.click("Large gradient step");
    assert!(
        p.data("open") < 0.05,
        "open fraction after the step: {}",
        p.data("open")
    );
    let before = p.params_bits();
    for i in 0..500 {
        p.click("Step");
        if i % 25 == 0 {
            breathe().await;
        }
    }
    assert_eq!(p.data("steps"), 501.0);
    assert_eq!(
        p.params_bits(),
        before,
        "w1, w2 and b must not move by a single bit"
    );
    assert!(p.status().contains("R is dead"), "{}", p.status());
}

#[wasm_bindgen_test]
async fn leaky_relu_reopens_the_gate_within_200_steps() {
    let p = Panel::mount("");
    p.click("Large gradient step");
    assert!(p.status().contains("dead"));
    p.choose("leaky_relu");
    p.set_slider("alpha", "0.1");
    assert!(p.status().contains("leaks"), "{}", p.status());
    let mut steps = 0;
    while p.data("open") <= 0.5 && steps < 200 {
        p.click("Step");
        steps += 1;
        if steps % 25 == 0 {
            breathe().await;
        }
    }
    assert!(p.data("open") > 0.5, "still shut after {steps} steps");
    assert!(p.status().contains("recovered"), "{}", p.status());
}

#[wasm_bindgen_test]
fn a_positive_bias_keeps_r_alive_through_the_step() {
    let p = Panel::mount("");
    p.set_slider("b", "0.5");
    assert_eq!(p.data("b"), 0.5);
    p.click("Large gradient step");
    assert!(p.data("open") > 0.95, "open: {}", p.data("open"));
    assert!(p.status().contains("alive"), "{}", p.status());
}

#[wasm_bindgen_test]
fn a_learning_rate_100_times_smaller_keeps_r_alive() {
    let p = Panel::mount("");
    p.set_slider("lr", "-4"); // the slider is log10: 1e-4 = 0.01 / 100
    assert_eq!(
        p.find::<Element>("output[for$='-lr']")
            .text_content()
            .unwrap(),
        "1.00e-4"
    );
    p.click("Large gradient step");
    assert!(p.data("open") > 0.95, "open: {}", p.data("open"));
}

#[wasm_bindgen_test]
async fn every_control_change_redraws_the_canvases() {
    let p = Panel::mount("");
    let mut last = p.canvases();
    // The histogram, R's line in the plane, the flow diagram, the timelines.
    assert_eq!(last.len(), 4);
    type Change = (&'static str, Box<dyn Fn(&Panel)>);
    let changes: [Change; 6] = [
        ("activation", Box::new(|p: &Panel| p.choose("elu"))),
        ("alpha", Box::new(|p: &Panel| p.set_slider("alpha", "0.8"))),
        (
            "learning rate",
            Box::new(|p: &Panel| p.set_slider("lr", "-1")),
        ),
        ("bias", Box::new(|p: &Panel| p.set_slider("b", "-0.05"))),
        (
            "large step",
            Box::new(|p: &Panel| p.click("Large gradient step")),
        ),
        ("reset", Box::new(|p: &Panel| p.click("Reset"))),
    ];
    for (name, change) in changes {
        change(&p);
        // The main chart is drawn at once, the other two in the tasks right after.
        for _ in 0..6 {
            breathe().await;
        }
        let now = p.canvases();
        assert!(
            now.iter().zip(&last).any(|(a, b)| a != b),
            "{name} did not redraw any canvas"
        );
        last = now;
    }
}

#[wasm_bindgen_test]
fn a_function_the_panel_does_not_offer_is_repaired_with_a_notice() {
    let p = Panel::mount("f=linear");
    let note = p.find::<Element>(".notice").text_content().unwrap();
    assert!(note.contains("linear"), "{note}");
    assert_eq!(p.find::<HtmlSelectElement>("select").value(), "relu");
}

#[wasm_bindgen_test]
async fn a_diverging_learning_rate_stops_with_a_message_not_a_panic() {
    // Leaky ReLU with α = 1 is linear, and SGD on it at lr 10 blows up within a few hundred steps.
    let p = Panel::mount("f=leaky_relu&alpha=1&lr=10");
    let mut steps = 0;
    let alert = || {
        p.find::<Element>("p.notice[role=alert]")
            .text_content()
            .unwrap_or_default()
    };
    while alert().is_empty() && steps < 400 {
        p.click("Step");
        steps += 1;
        if steps % 25 == 0 {
            breathe().await;
        }
    }
    assert!(
        alert().contains("Training stopped"),
        "no message after {steps} steps"
    );
    assert!(
        p.data("w1").is_finite() && p.data("b").is_finite(),
        "R keeps its last finite values"
    );
    assert!(
        web_sys::window()
            .unwrap()
            .document()
            .unwrap()
            .body()
            .unwrap()
            .get_attribute("data-error")
            .is_none(),
        "divergence is expected behaviour, not a crash"
    );
}

#[wasm_bindgen_test]
fn the_permalink_reproduces_the_settings() {
    let p = Panel::mount("");
    p.choose("elu");
    p.set_slider("alpha", "0.4");
    p.set_slider("b", "0.25");
    let href = p
        .find::<Element>("a.permalink")
        .get_attribute("href")
        .unwrap();
    assert!(href.starts_with("?panel=neuron&"), "{href}");
    let again = Panel::mount(href.trim_start_matches("?panel=neuron&"));
    assert_eq!(again.find::<HtmlSelectElement>("select").value(), "elu");
    assert_eq!(again.data("b"), 0.25);
    assert_eq!(again.slider("alpha").value(), "0.4");
}

#[wasm_bindgen_test]
async fn train_runs_in_animation_frames_until_paused() {
    let p = Panel::mount("");
    p.click("Train");
    assert_eq!(
        p.button("Pause").get_attribute("aria-pressed").as_deref(),
        Some("true")
    );
    let mut waited = 0;
    while p.data("steps") < 20.0 && waited < 200 {
        breathe().await;
        waited += 1;
    }
    p.click("Pause");
    let steps = p.data("steps");
    assert!(steps >= 20.0, "training advanced only {steps} steps");
    for _ in 0..10 {
        breathe().await;
    }
    assert_eq!(p.data("steps"), steps, "paused means no more steps");
    assert_eq!(
        p.button("Train").get_attribute("aria-pressed").as_deref(),
        Some("false")
    );
    // The panel learned its ramp while alive: the loss went down.
    assert!(p.status().contains("alive"), "{}", p.status());
}

/// Clipping at c = 1 tames the large step: b moves by at most lr·c, R stays open, the status
/// says what clipping did, and the plane's description counts every input on the open side.
#[wasm_bindgen_test]
async fn clipping_tames_the_large_step_and_the_plane_says_where_the_inputs_are() {
    let p = Panel::mount("clip=1");
    let plane = p.find::<web_sys::Element>("canvas[aria-label^=\"R's line a = 0\"]");
    let label = plane.get_attribute("aria-label").unwrap_or_default();
    assert!(
        label.contains("500 on the open side, 0 on the shut side"),
        "{label}"
    );
    let b0 = p.data("b");
    p.click("Large gradient step");
    let moved = (p.data("b") - b0).abs();
    assert!(
        moved <= 0.01 * 1.0 + 1e-12,
        "b moved by {moved}, more than lr·c"
    );
    assert!(p.data("open") > 0.99, "open: {}", p.data("open"));
    let said = p.status();
    assert!(said.contains("Clipping acted on the large step"), "{said}");
    let unclipped = Panel::mount("");
    unclipped.click("Large gradient step");
    let label = unclipped
        .find::<web_sys::Element>("canvas[aria-label^=\"R's line a = 0\"]")
        .get_attribute("aria-label")
        .unwrap_or_default();
    assert!(
        label.contains("every input is on the shut side, so R is dead"),
        "{label}"
    );
}
