#![cfg(target_arch = "wasm32")]
//! The guided path and lesson links in a real browser, on a page built like index.html and
//! started by the page's own entry point: the whole path walked from the first step to the
//! last, each step's try done on the real control and its claims checked on the live panel;
//! a deep link to a middle step; lesson links that hide and lock controls, in an embed and on
//! the full page.

use dying_relu::panels::{self, PanelId};
use dying_relu::spec::Control;
use dying_relu::story::{Action, Claim, STEPS};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlInputElement, HtmlSelectElement};

wasm_bindgen_test_configure!(run_in_browser);

mod support;
use support::{button, fire, sleep, text};

/// A page like index.html: a header with the guide's slot, and a section per panel.
struct Page {
    root: Element,
    before: String,
}

impl Page {
    fn open(query: &str) -> Page {
        let window = web_sys::window().unwrap();
        let doc = window.document().unwrap();
        let root = doc.create_element("div").unwrap();
        root.set_attribute("style", "width: 1000px").unwrap();
        let header = doc.create_element("header").unwrap();
        let slot = doc.create_element("div").unwrap();
        slot.set_attribute("data-story", "").unwrap();
        header.append_child(&slot).unwrap();
        root.append_child(&header).unwrap();
        for name in panels::PANELS.iter().map(|p| p.name) {
            let section = doc.create_element("section").unwrap();
            let host = doc.create_element("div").unwrap();
            host.set_attribute("data-panel", name).unwrap();
            section.append_child(&host).unwrap();
            root.append_child(&section).unwrap();
        }
        doc.body().unwrap().append_child(&root).unwrap();
        let before = window.location().href().unwrap();
        let history = window.history().unwrap();
        history
            .replace_state_with_url(&JsValue::NULL, "", Some(query))
            .unwrap();
        dying_relu::web::start_now();
        Page { root, before }
    }

    fn host(&self, panel: PanelId) -> Element {
        let name = panel.name();
        support::find(&self.root, &format!("[data-panel='{name}']"))
    }

    fn card(&self) -> Element {
        support::find(&self.root, ".guide")
    }

    fn search(&self) -> String {
        web_sys::window().unwrap().location().search().unwrap()
    }

    fn close(self) {
        let window = web_sys::window().unwrap();
        let history = window.history().unwrap();
        history
            .replace_state_with_url(&JsValue::NULL, "", Some(&self.before))
            .unwrap();
        let body = window.document().unwrap().body().unwrap();
        let _ = body.class_list().remove_1("embed");
        let notices = body.query_selector_all("body > p.notice").unwrap();
        for i in 0..notices.length() {
            if let Some(n) = notices.item(i).and_then(|n| n.dyn_into::<Element>().ok()) {
                n.remove();
            }
        }
        self.root.remove();
    }
}

fn data(host: &Element, key: &str) -> f64 {
    host.get_attribute(&format!("data-{key}"))
        .and_then(|v| v.parse().ok())
        .unwrap_or(f64::NAN)
}

fn status(host: &Element) -> String {
    text(host, ".status")
}

fn params(host: &Element) -> [u64; 3] {
    ["w1", "w2", "b"].map(|k| data(host, k).to_bits())
}

/// Waits until `ok` holds (checked every 20 ms), or fails after `ms` saying `what`.
async fn until(ms: f64, what: &str, host: &Element, ok: impl Fn() -> bool) {
    let perf = web_sys::window().unwrap().performance().unwrap();
    let t0 = perf.now();
    while !ok() {
        assert!(
            perf.now() - t0 < ms,
            "timed out: {what}; status: {}",
            status(host)
        );
        sleep(20).await;
    }
}

fn slider_position(panel: PanelId, key: &str, v: f64) -> f64 {
    let control = (panels::info(panel)
        .expect("a whole build holds every panel")
        .controls)()
    .into_iter()
    .find(|c| c.key() == key);
    match control {
        Some(Control::Slider(spec)) => spec.to_slider(v),
        _ => panic!("{panel:?} has no slider {key}"),
    }
}

/// Does the step's try on the real control, as the learner would.
fn perform(host: &Element, panel: PanelId, action: Action) {
    match action {
        Action::Press("Step") => (0..3).for_each(|_| button(host, "Step").click()),
        Action::Press(label) => button(host, label).click(),
        Action::Choose(key, id) => {
            let s: HtmlSelectElement = support::find(host, &format!("select[id$='-{key}']"));
            s.set_value(id);
            fire(&s, "change");
        }
        Action::Slide(key, v) => {
            let s: HtmlInputElement = support::find(host, &format!("input[id$='-{key}']"));
            s.set_value(&slider_position(panel, key, v).to_string());
            fire(&s, "input");
            fire(&s, "change");
        }
    }
}

/// Checks a step's claim on the live panel; `start` is R's w1, w2, b before the try.
async fn check(claim: Claim, host: &Element, start: [u64; 3], title: &str) {
    let says = |t: &str| status(host).contains(t);
    match claim {
        Claim::ActivationSays(t) => assert!(says(t), "{title}: {}", status(host)),
        Claim::NeuronAlive => assert!(
            data(host, "open") > 0.5 && says("alive"),
            "{title}: {}",
            status(host)
        ),
        Claim::NeuronDead => assert!(
            data(host, "open") == 0.0 && says("R is dead"),
            "{title}: {}",
            status(host)
        ),
        Claim::NeuronLeaking => assert!(
            data(host, "open") == 0.0 && says("leaks"),
            "{title}: {}",
            status(host)
        ),
        Claim::NeuronMoved => assert_ne!(params(host), start, "{title}: SGD moved R"),
        Claim::NeuronFrozen => {
            until(20_000.0, "20 SGD steps", host, || {
                data(host, "steps") >= 20.0
            })
            .await;
            assert_eq!(params(host), start, "{title}: not a bit moved");
            assert!(says("R is dead"), "{title}: {}", status(host));
        }
        Claim::NeuronRecovered => {
            let recovered = || status(host).starts_with("R recovered");
            until(30_000.0, "R recovers", host, recovered).await;
            assert!(data(host, "open") > 0.5);
        }
        Claim::NetworkReady => {
            assert_eq!(host.get_attribute("data-run").as_deref(), Some("ready"))
        }
        Claim::NetworkDead
        | Claim::NetworkLearns(_)
        | Claim::NetworkDefinitionsDisagree
        | Claim::NetworkRecycles(_)
        | Claim::NetworkCostly(_) => network_claim(claim, host, title).await,
        Claim::MapBorder | Claim::MapAlive => map_claim(claim, host, title).await,
        Claim::ModelSays(t) => assert!(says(t), "{title}: {}", status(host)),
    }
}

/// The phase map's claims on `data-verdicts` (a character per cell, row by row from the most
/// negative bias: "d" mostly dead, "a" alive), as `tests/story.rs` checks them natively. Here
/// the map runs on the main thread: wasm-pack's server has no Trunk-built worker.
async fn map_claim(claim: Claim, host: &Element, title: &str) {
    // The words follow the data-* attributes at the next redraw (at most every 150 ms).
    let done = || {
        host.get_attribute("data-running").as_deref() == Some("false")
            && !status(host).starts_with("Computing")
    };
    until(60_000.0, "the map is complete", host, done).await;
    let v = host.get_attribute("data-verdicts").unwrap_or_default();
    let res = (v.len() as f64).sqrt() as usize;
    assert!(
        res >= 4 && res * res == v.len() && !v.contains('.'),
        "{title}: {v}"
    );
    let row = |j: usize| &v[j * res..(j + 1) * res];
    match claim {
        Claim::MapBorder => {
            let zero = row(res / 2);
            assert!(
                zero.starts_with('a') && zero.ends_with('d'),
                "{title}: bias 0: {zero}"
            );
            assert!(
                row(0).chars().all(|c| c == 'd'),
                "{title}: bias −1: {}",
                row(0)
            );
            assert!(
                !row(res - 1).contains('d'),
                "{title}: bias +1: {}",
                row(res - 1)
            );
            let said =
                "At bias −1, more than half of the hidden units are dead before training starts";
            assert!(status(host).contains(said), "{title}: {}", status(host));
        }
        Claim::MapAlive => assert!(!v.contains('d'), "{title}: {v}"),
        _ => unreachable!(),
    }
}

async fn network_claim(claim: Claim, host: &Element, title: &str) {
    let finished = || host.get_attribute("data-run").as_deref() == Some("finished");
    until(60_000.0, "the run finishes", host, finished).await;
    let loss = data(host, "val-loss");
    let attr = |k: &str| host.get_attribute(k).unwrap_or_default();
    match claim {
        Claim::NetworkDead | Claim::NetworkDefinitionsDisagree => {
            assert!((loss - 13.0 / 3.0).abs() < 0.05, "{title}: loss {loss}");
            assert_eq!(attr("data-output-dead"), "true", "{title}");
            assert_eq!(attr("data-grads-zero"), "true", "{title}");
            if claim == Claim::NetworkDefinitionsDisagree {
                let said = status(host);
                assert!(
                    said.contains("exactly dead but") || said.contains("τ-dormant but"),
                    "{title}: {said}"
                );
            }
        }
        Claim::NetworkLearns(max) => {
            assert!(loss < max, "{title}: loss {loss}");
            assert_eq!(attr("data-output-dead"), "false", "{title}");
            assert_eq!(attr("data-grads-zero"), "false", "{title}");
        }
        Claim::NetworkRecycles(max) => {
            assert!(loss < max, "{title}: loss {loss}");
            assert_eq!(attr("data-output-dead"), "false", "{title}");
            let said = status(host);
            assert!(said.contains("ReDo recycled"), "{title}: {said}");
        }
        Claim::NetworkCostly(max) => {
            let accuracy = data(host, "accuracy");
            assert!(accuracy < max, "{title}: accuracy {accuracy}");
            assert_eq!(attr("data-output-dead"), "false", "{title}");
            let (dead, units) = (data(host, "hidden-dead"), data(host, "hidden-units"));
            assert!(
                3.0 * dead >= units,
                "{title}: {dead} of {units} hidden units dead"
            );
            assert!(
                status(host).contains("accuracy"),
                "{title}: {}",
                status(host)
            );
        }
        _ => unreachable!(),
    }
}

#[wasm_bindgen_test]
async fn the_whole_path_from_first_to_last_step_bears_out_every_claim() {
    let page = Page::open("?step=1");
    let live = support::find::<Element>(&page.root, "[data-story] [aria-live]");
    for (i, step) in STEPS.iter().enumerate() {
        let card = page.card();
        assert_eq!(card.get_attribute("data-step"), Some((i + 1).to_string()));
        assert_eq!(text(&card, "h3"), step.title);
        let said = live.text_content().unwrap_or_default();
        assert!(said.starts_with(&format!("Step {} of", i + 1)), "{said}");
        let host = page.host(step.try_this.panel);
        assert_eq!(
            card.next_element_sibling().as_ref(),
            Some(&page.host(step.panel())),
            "{}: the card sits just above its panel",
            step.title
        );
        let start = params(&host);
        check(step.before, &host, start, step.title).await;
        perform(&host, step.try_this.panel, step.try_this.action);
        check(step.after, &host, start, step.title).await;
        if step.try_this.action == Action::Press("Train") && step.try_this.panel == PanelId::Neuron
        {
            button(&host, "Pause").click();
        }
        let next = button(&card, "Next");
        if i + 1 < STEPS.len() {
            next.click();
        } else {
            assert!(next.has_attribute("disabled"), "no step after the last");
        }
        sleep(16).await;
    }
    page.close();
}

#[wasm_bindgen_test]
async fn a_deep_link_opens_a_middle_step_with_its_state_and_the_address_follows() {
    let page = Page::open("?step=5");
    let card = page.card();
    assert_eq!(card.get_attribute("data-step").as_deref(), Some("5"));
    assert_eq!(text(&card, "h3"), "Dead for good");
    assert!(!card.has_attribute("hidden"));
    let neuron = page.host(PanelId::Neuron);
    assert_eq!(neuron.get_attribute("data-b").as_deref(), Some("-0.2"));
    assert_eq!(neuron.get_attribute("data-open").as_deref(), Some("0"));
    assert!(status(&neuron).contains("R is dead"), "{}", status(&neuron));
    sleep(400).await;
    let q = page.search();
    assert!(q.contains("step=5") && q.contains("neuron.b=-0.2"), "{q}");
    button(&card, "Next").click();
    assert_eq!(page.card().get_attribute("data-step").as_deref(), Some("6"));
    assert_eq!(neuron.get_attribute("data-b").as_deref(), Some("0"));
    sleep(400).await;
    let q = page.search();
    assert!(q.contains("step=6") && !q.contains("neuron.b"), "{q}");
    // Leaving the guide keeps the panels and takes the step out of the address.
    support::find::<web_sys::HtmlElement>(&card, "[data-guide=leave]").click();
    assert!(page.card().has_attribute("hidden"));
    sleep(400).await;
    assert!(!page.search().contains("step="), "{}", page.search());
    page.close();
}

#[wasm_bindgen_test]
async fn an_embed_lesson_hides_and_locks_controls_and_names_unknown_ones() {
    let page = Page::open("?panel=neuron&hide=lr,alpha,zzz&lock=f&f=leaky_relu");
    let host = page.host(PanelId::Neuron);
    for key in ["lr", "alpha"] {
        assert!(
            host.query_selector(&format!("input[id$='-{key}']"))
                .unwrap()
                .is_none(),
            "{key} is hidden"
        );
    }
    let f: HtmlSelectElement = support::find(&host, "select[id$='-f']");
    assert!(f.disabled(), "f is locked");
    assert_eq!(f.value(), "leaky_relu", "and shows its value");
    let row = f.parent_element().unwrap();
    assert!(
        row.text_content()
            .unwrap()
            .contains("Fixed for this lesson"),
        "it says so"
    );
    let b: HtmlInputElement = support::find(&host, "input[id$='-b']");
    assert!(!b.disabled());
    b.set_value("0.5");
    fire(&b, "input");
    assert!(f.disabled(), "a render does not unlock it");
    let note = text(&host, ".notice");
    assert!(note.contains("“\u{2068}zzz\u{2069}”"), "{note}");
    assert!(
        page.root.query_selector(".guide").unwrap().is_none(),
        "no guide in an embed"
    );
    sleep(400).await;
    let q = page.search();
    assert!(
        q.contains("hide=lr%2Calpha%2Czzz") && q.contains("lock=f"),
        "{q}"
    );
    page.close();
}

#[wasm_bindgen_test]
fn a_run_handed_to_a_panel_keeps_its_lesson() {
    // "Where neurons die" hands a cell's run to "A small network" by mounting it again
    // (`web::remount`): the lesson in the address must still hide and lock its controls.
    let page = Page::open("?net.lock=lr&net.hide=seed");
    let net = page.host(PanelId::Network);
    let lr =
        || -> HtmlInputElement { support::find(&page.host(PanelId::Network), "input[id$='-lr']") };
    assert!(lr().disabled(), "locked before the hand-over");
    let host = dying_relu::web::remount(PanelId::Network, "lr=0.1&bias=0.5")
        .unwrap()
        .expect("the page shows the network panel");
    assert!(host == net, "mounted again in its own host");
    assert!(lr().disabled(), "still locked after the hand-over");
    assert!(
        net.query_selector("input[id$='-seed']").unwrap().is_none(),
        "still hidden after the hand-over"
    );
    let bias: HtmlInputElement = support::find(&net, "input[id$='-bias']");
    assert_eq!(bias.value(), "0.5", "the handed settings arrived");
    page.close();
}

#[wasm_bindgen_test]
fn on_the_full_page_a_lesson_touches_only_its_own_panel() {
    let page = Page::open("?neuron.lock=alpha&neuron.f=leaky_relu&act.f=elu&net.hide=seed");
    let alpha = |panel: PanelId| -> HtmlInputElement {
        support::find(&page.host(panel), "input[id$='-alpha']")
    };
    assert!(
        alpha(PanelId::Neuron).disabled(),
        "locked though Leaky ReLU uses α"
    );
    assert!(
        !alpha(PanelId::Activation).disabled(),
        "the activation panel's α is free"
    );
    let net = page.host(PanelId::Network);
    assert!(net.query_selector("input[id$='-seed']").unwrap().is_none());
    assert!(page
        .host(PanelId::Neuron)
        .query_selector("input[id$='-seed']")
        .unwrap()
        .is_none());
    let card = page.root.query_selector(".guide").unwrap();
    assert!(card.is_none(), "no step named: no guide card yet");
    let opener = text(&page.root, "[data-story] button");
    assert!(opener.starts_with("Follow the guided path"), "{opener}");
    page.close();
}
