#![cfg(not(target_arch = "wasm32"))]
//! "Your model" natively: its rules (a bad file keeps the report on show, an example loads,
//! the definition changes the verdicts), its words (the summary, the layers, a diagnosis that
//! names only what the report supports, remedy links that open their panels cleanly) and its
//! four charts drawn to SVG with their labels.

use dying_relu::chart::figure::{slide_svg, Figures};
use dying_relu::chart::{render_svg, Theme};
use dying_relu::panels::model::charts::unit_map::{self, Layout, UnitMap};
use dying_relu::panels::model::state::{from_pairs, Msg, Settings, State};
use dying_relu::panels::model::{examples, words};
use dying_relu::panels::{self, PanelId};
use dying_relu::spec::{query_pairs, Value};
use serde_json::{json, Value as Json};
use std::path::Path;

fn fixture_text(name: &str) -> String {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("probes/fixtures")
        .join(name);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn with_example(id: &str) -> State {
    let mut s = State::new(Settings::default());
    s.update(Msg::Set("ex", Value::Choice(id.into())));
    assert!(s.notice.is_none(), "{id}: {:?}", s.notice);
    s
}

fn load(s: &mut State, name: &str, text: &str) {
    s.update(Msg::Load {
        name: name.into(),
        bytes: text.as_bytes().to_vec(),
    });
}

fn findings(s: &State) -> Vec<String> {
    words::diagnosis(s).into_iter().map(|f| f.text).collect()
}

fn constructed_json() -> Json {
    serde_json::from_str(&fixture_text("torch_constructed.dead.json")).expect("json")
}

#[test]
fn the_built_in_examples_are_the_fixtures() {
    for e in examples::EXAMPLES {
        let file: Json =
            serde_json::from_str(&fixture_text(&format!("{}.dead.json", e.id))).expect("fixture");
        let built_in: Json = serde_json::from_str(e.text).expect("example");
        assert_eq!(file, built_in, "{}", e.id);
    }
}

#[test]
fn a_bad_file_leaves_the_report_on_show_and_says_why() {
    let mut s = State::new(Settings::default());
    let before = s.loaded.clone().expect("an example on show from the start");
    load(&mut s, "notes.txt", "hello");
    assert_eq!(s.loaded.as_ref(), Some(&before));
    let notice = s.notice.clone().expect("a notice");
    assert!(
        notice.contains("notes.txt") && notice.contains("not JSON"),
        "{notice}"
    );
    assert!(notice.contains("Still showing"), "{notice}");
    // A good file replaces it and clears the notice; the link then names no example.
    load(
        &mut s,
        "mine.dead.json",
        &fixture_text("torch_constructed.dead.json"),
    );
    assert!(s.notice.is_none());
    assert_eq!(
        s.loaded.as_ref().map(|l| l.name.as_str()),
        Some("mine.dead.json")
    );
    assert_eq!(s.settings.example, None);
    let link =
        dying_relu::spec::write_query(&dying_relu::panels::model::state::FIELDS, &s.settings);
    assert!(link.contains("ex=none"), "{link}");
    // A refusal before reading (too large) keeps it too.
    s.update(Msg::Refuse("big.json was not read: it is 9 MB.".into()));
    assert_eq!(
        s.loaded.as_ref().map(|l| l.name.as_str()),
        Some("mine.dead.json")
    );
    // Choosing no example clears the panel.
    s.update(Msg::Set("ex", Value::Choice("none".into())));
    assert!(s.loaded.is_none());
    assert!(words::summary(&s).starts_with("No report loaded"));
    assert!(words::diagnosis(&s).is_empty());
}

#[test]
fn the_definition_changes_the_verdicts() {
    let mut s = with_example("torch_high_lr");
    let exact = words::summary(&s);
    assert!(exact.contains("5 of 16 units exactly dead"), "{exact}");
    s.update(Msg::Set("dead", Value::Choice("dormant".into())));
    let dormant = words::summary(&s);
    assert!(
        dormant.contains("6 of 16 units τ-dormant at τ = 0.025"),
        "{dormant}"
    );
    s.update(Msg::Set("tau", Value::Number(0.0)));
    // τ = 0 counts only units whose output is exactly 0 on every sample: the exact ones.
    assert!(words::summary(&s).contains("5 of 16 units τ-dormant at τ = 0"));
    s.update(Msg::Set("dead", Value::Choice("near".into())));
    assert!(words::summary(&s).contains("outputs near zero"));
}

#[test]
fn hostile_links_are_repaired_and_said() {
    let (s, w) = from_pairs(&query_pairs("ex=%3Cscript%3E&dead=zeros&tau=9"));
    assert_eq!(w.len(), 3, "{w:?}");
    assert_eq!(s.example, Settings::default().example);
    assert_eq!(s.tau, 0.2);
    let (s, w) = from_pairs(&query_pairs("ex=keras_cnn&dead=never"));
    assert!(w.is_empty());
    assert_eq!(s.example, Some("keras_cnn"));
}

#[test]
fn the_constructed_model_is_described_unit_for_unit() {
    let s = with_example("torch_constructed");
    assert!(words::summary(&s).contains("6 of 32 units exactly dead"));
    let lines = words::layer_lines(s.report().expect("report"), &s.judge());
    assert!(lines[0].contains("units 2, 5 and 11"), "{}", lines[0]);
    assert!(lines[1].contains("units 0, 7 and 13"), "{}", lines[1]);
    let f = findings(&s);
    // One measurement: it cannot say when they died, and says so instead of guessing.
    assert!(f.iter().any(|t| t.contains("one measurement")), "{f:?}");
    assert!(
        !f.iter()
            .any(|t| t.contains("learning rate") || t.contains("step 0")),
        "{f:?}"
    );
    let warned: Vec<&String> = f.iter().filter(|t| t.contains("keras-contrib")).collect();
    assert_eq!(warned.len(), 1, "one finding names both layers: {f:?}");
    assert!(warned[0].contains("fc1\u{2069} (3 of 16, 19 %)") && warned[0].contains("fc2"));
    assert!(
        f.iter()
            .any(|t| t.contains("Not measured") && t.contains("out")),
        "{f:?}"
    );
}

#[test]
fn units_dead_from_step_0_point_at_the_initialization() {
    let s = with_example("torch_cnn");
    let d = words::diagnosis(&s);
    let born = d
        .iter()
        .find(|f| f.text.contains("conv1") && f.text.contains("step 0"))
        .expect("conv1 born dead");
    assert!(born.text.contains("channels 1 and 4") && born.text.contains("initialization"));
    assert!(born
        .links
        .iter()
        .any(|(_, href)| href.contains("inputs=centred")));
    assert!(
        !d.iter().any(|f| f.text.contains("died while training")),
        "{d:?}"
    );
}

#[test]
fn units_dying_over_the_snapshots_point_at_the_learning_rate() {
    let s = with_example("torch_high_lr");
    let d = words::diagnosis(&s);
    let dying = d
        .iter()
        .find(|f| f.text.contains("died while training"))
        .expect("a dying finding");
    assert!(dying.text.contains("fc2") && dying.text.contains("2, 3, 5, 6 and 7"));
    assert!(dying.text.contains("between step 0 and step 72"));
    assert!(dying.text.contains("learning rate"));
    assert!(dying
        .links
        .iter()
        .any(|(_, h)| h.starts_with("?panel=neuron&")));
    // Nothing was dead at step 0: no word of initialization.
    assert!(
        !d.iter().any(|f| f.text.contains("initialization")),
        "{d:?}"
    );
    // fc2 is past keras-contrib's 10 %; fc1 (none dead) is not.
    let warned: Vec<&str> = d
        .iter()
        .filter(|f| f.text.contains("keras-contrib"))
        .map(|f| f.text.as_str())
        .collect();
    assert_eq!(warned.len(), 1, "{warned:?}");
    assert!(warned[0].contains("fc2") && warned[0].contains("63 %"));
    assert!(!warned[0].contains("fc1"), "{warned:?}");
}

#[test]
fn a_healthy_report_needs_no_remedy_and_a_leaky_one_is_not_called_dead() {
    let mut v = constructed_json();
    for l in v["layers"].as_array_mut().expect("layers") {
        let n = l["units"].as_u64().expect("units") as usize;
        l["fires"] = json!(vec![500; n]);
        l["fire_fraction"] = json!(vec![0.5; n]);
        l["dead"] = json!(vec![false; n]);
        l["tau_score"] = json!(vec![1.0; n]);
        l["mean_abs_output"] = json!(vec![0.3; n]);
        l["zero_fraction"] = json!(vec![0.5; n]);
        l["near_zero_fraction"] = json!(vec![0.5; n]);
    }
    let mut s = State::new(Settings::default());
    load(&mut s, "healthy.json", &v.to_string());
    let f = findings(&s);
    assert!(
        f.iter().any(|t| t.contains("nothing here needs a remedy")),
        "{f:?}"
    );
    assert!(!f.iter().any(|t| t.contains("keras-contrib")), "{f:?}");
    let mut v = constructed_json();
    v["layers"][0]["activation"] = json!("leaky_relu");
    load(&mut s, "leaky.json", &v.to_string());
    let f = findings(&s);
    assert!(
        f.iter()
            .any(|t| t.contains("leaky_relu") && t.contains("not dead")),
        "{f:?}"
    );
}

#[test]
fn every_remedy_link_opens_its_panel_without_a_repair() {
    let links = words::all_links();
    assert!(links.len() >= 6);
    for (text, href) in links {
        let pairs = query_pairs(&href);
        let name = dying_relu::spec::lookup(&pairs, "panel")
            .expect("panel=")
            .to_string();
        let panel = panels::find(&name).unwrap_or_else(|| panic!("{text}: no panel {name}"));
        assert_ne!(panel.id, PanelId::Model, "{text}");
        let own: Vec<(String, String)> = pairs.into_iter().filter(|(k, _)| k != "panel").collect();
        let (_, warnings) = (panel.relink)(&own);
        assert!(warnings.is_empty(), "{text}: {href}: {warnings:?}");
        for (k, _) in &own {
            assert!(
                panel.keys().contains(&k.as_str()),
                "{text}: {k} is not a key of {name}"
            );
        }
    }
}

#[test]
fn the_page_says_the_report_stays_in_the_browser_and_its_limits() {
    assert!(words::PRIVACY.contains("sent nowhere"));
    let l = words::limits();
    assert!(
        l.contains("8 MB") && l.contains("65,536") && l.contains("100,000"),
        "{l}"
    );
}

fn svgs(s: &State) -> Vec<String> {
    (0..s.figures().len())
        .map(|i| slide_svg(s, i).unwrap_or_else(|e| panic!("figure {i}: {e}")))
        .collect()
}

#[test]
fn the_charts_draw_every_example_with_their_labels() {
    let s = with_example("torch_cnn");
    let svg = svgs(&s);
    assert_eq!(svg.len(), 4);
    for g in &svg {
        assert!(g.starts_with("<svg") && !g.contains("NaN"), "{g:.200}");
    }
    assert!(svg[1].contains("conv1") && svg[1].contains("2 of 6") && svg[1].contains("1 of 8"));
    assert!(svg[1].contains("10 %: keras-contrib warns"));
    assert!(
        svg[0].contains("alive") && svg[0].contains("exactly dead") && svg[0].contains("conv2")
    );
    assert!(svg[2].contains("training step") && svg[2].contains("conv1"));
    assert!(svg[3].contains("conv1 #1") && svg[3].contains("conv2 #5"));
    assert!(svg[3].contains("fires above 0"));
    let one_off = svgs(&with_example("torch_constructed"));
    assert!(
        one_off[2].contains("No snapshots"),
        "the timeline says it has nothing"
    );
    assert!(
        one_off[3].contains("fc1 #2") && one_off[3].contains("−99.8"),
        "bias −100"
    );
    let mut none = State::new(Settings::default());
    none.update(Msg::Set("ex", Value::Choice("none".into())));
    for g in svgs(&none) {
        assert!(g.contains("load a report") || g.contains("No "), "{g:.300}");
    }
    let mut near = with_example("torch_cnn");
    near.update(Msg::Set("dead", Value::Choice("near".into())));
    let g = svgs(&near);
    assert!(g[1].contains("near zero") && !g[1].contains("keras-contrib"));
    assert_eq!(s.file_name(0, "svg"), "model-unit-map_torch_cnn_exact.svg");
}

#[test]
fn a_wide_layer_is_folded_into_rows_that_stay_inside_the_chart() {
    let theme = Theme::light(1.0);
    let size = (640, 400);
    let layout = Layout::new(size, &[16, 300, 3], &theme, 5);
    assert!(layout.rows[1] > 1 && layout.rows[0] == 1, "{layout:?}");
    let (x, y) = layout.cell_at(1, 299);
    assert!(x + layout.cell <= size.0 as f64 && y + layout.cell <= size.1 as f64);
    let (x, y) = layout.cell_at(2, 2);
    assert!(y + layout.cell <= size.1 as f64 + 0.5 && x >= layout.left);
    let map = UnitMap {
        layers: vec![
            ("a".into(), vec![false; 16]),
            ("wide".into(), (0..300).map(|i| i % 7 == 0).collect()),
        ],
        what: "exactly dead".into(),
    };
    let svg = render_svg(size.0, size.1, |a| unit_map::draw(a, &map, &theme)).expect("svg");
    // A folded row is labelled with its first unit, every few rows where rows are thin.
    let drawn = Layout::new(size, &[16, 300], &theme, 4);
    let every = (16.0 / drawn.cell).ceil() as usize;
    assert!(svg.contains("wide") && svg.contains(&format!("{}…", every * drawn.columns)));
    // 20,000 units draw too, as cells of a pixel or two.
    let huge = UnitMap {
        layers: vec![("big".into(), vec![true; 20_000])],
        what: "exactly dead".into(),
    };
    assert!(render_svg(size.0, size.1, |a| unit_map::draw(a, &huge, &theme)).is_ok());
}
