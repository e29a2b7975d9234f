#![cfg(not(target_arch = "wasm32"))]
//! "Use your own data" in the network panel's pure state: a good file replaces seed 002's data
//! and moves the dead line to E[y²] of its target; a bad one leaves everything as it was.

use dying_relu::panels::network::settings::{Output, Preset, Settings};
use dying_relu::panels::network::state::{Activity, Msg, Redraw, State};
use dying_relu::panels::network::words;
use dying_relu::sim::csv::{parse, SAMPLE};
use dying_relu::sim::data::SEED002_DEAD_LOSS;

mod native_support;
use native_support::run_frames;

fn small() -> Settings {
    Settings {
        samples: 2_000,
        epochs: 2,
        ..Settings::default()
    }
}

fn load(state: &mut State, name: &str, text: &str) -> Redraw {
    state.update(Msg::LoadData {
        name: name.into(),
        bytes: text.as_bytes().to_vec(),
    })
}

#[test]
fn the_sample_replaces_seed002_and_sets_the_dead_line() {
    let mut state = State::new(small());
    assert_eq!(state.dead_loss(), SEED002_DEAD_LOSS);
    assert!(words::definitions().contains("without dropout"));
    assert!(words::PRIVACY.contains("never leaves this browser"));
    assert!(words::NO_LINK.contains("cannot be put in a link"));
    let limits = words::data_limits();
    assert!(
        limits.contains("200000 rows and 64 columns (50 MB)"),
        "{limits}"
    );
    assert!(words::data_in_use(None).contains("seed 002"));
    assert_eq!(
        words::data_in_use(Some(("500 rows of s.csv (target y)", 3, 2.28810))),
        "Using 500 rows of s.csv (target y): 3 inputs, dead line E[y²] = 2.288 (the loss of an output stuck at 0)."
    );
    assert_eq!(load(&mut state, "sample.csv", SAMPLE), Redraw::Rebuild);
    let table = parse(SAMPLE).unwrap();
    let e_y2 = table.column(3).iter().map(|y| y * y).sum::<f64>() / 500.0;
    assert_eq!(state.dead_loss(), e_y2);
    let info = state.data_info();
    assert_eq!(info.inputs, 3);
    assert_eq!(info.what, "500 rows of sample.csv (target y)");
    let ready = words::status_on(
        &state.settings,
        &state.run.history,
        (2, state.activity, None),
        &info,
    );
    assert!(
        ready.contains("a 3-8-8-8-1 ReLU network on 500 rows of sample.csv"),
        "{ready}"
    );
    state.update(Msg::Train);
    run_frames(&mut state);
    assert_eq!(state.activity, Activity::Finished);
    assert_eq!(state.run.epochs_done(), 2);
    assert_eq!(state.run.data().unwrap().n_features, 3);
    assert_eq!(state.run.data().unwrap().n_train(), 350);
    // 350 training rows in batches of 32: 11 steps an epoch, as the trainer took.
    assert_eq!(state.steps_per_epoch(), 11);
    assert_eq!(state.run.steps(), 22);
    // Another target: the first column, and its own E[y²].
    state.update(Msg::DataTarget(0));
    let a = table.column(0);
    assert_eq!(
        state.dead_loss(),
        a.iter().map(|v| v * v).sum::<f64>() / 500.0
    );
    assert_eq!(state.run.history.len(), 0, "a fresh run");
    // Back to the built-in data.
    state.update(Msg::BuiltInData);
    assert_eq!(state.dead_loss(), SEED002_DEAD_LOSS);
    assert!(state.own.is_none());
}

#[test]
fn a_bad_file_leaves_the_previous_run_intact() {
    let mut state = State::new(small());
    load(&mut state, "sample.csv", SAMPLE);
    state.update(Msg::Train);
    run_frames(&mut state);
    // (Debug text, since epoch 0's training loss is NaN and NaN ≠ NaN.)
    let before = format!("{:?}", state.run.history);
    let dead = state.dead_loss();
    assert_eq!(state.run.history.len(), 3);
    for (name, text, says) in [
        (
            "bad.csv",
            "a,b\n1,2\n3,x\n",
            "bad.csv was not used: Row 3, column 2 (b)",
        ),
        ("empty.csv", "", "empty.csv was not used: The file is empty"),
        ("ragged.csv", "1,2,3\n4,5\n", "Row 2 has 2 values"),
    ] {
        assert_eq!(load(&mut state, name, text), Redraw::Status);
        let notice = state.data_notice.clone().unwrap();
        assert!(notice.contains(says), "{notice}");
        assert!(format!("{:?}", state.run.history) == before);
        assert_eq!(state.dead_loss(), dead);
        assert_eq!(state.activity, Activity::Finished);
        assert_eq!(state.own.as_ref().unwrap().name, "sample.csv");
    }
    // A refusal by size, before reading.
    state.update(Msg::RefuseData("big.csv is 60 MB".into()));
    assert!(format!("{:?}", state.run.history) == before);
    // A good file clears the notice.
    load(&mut state, "again.csv", SAMPLE);
    assert!(state.data_notice.is_none());
}

#[test]
fn the_comparison_runs_every_preset_on_the_own_data() {
    let mut state = State::new(Settings {
        epochs: 1,
        ..small()
    });
    load(&mut state, "sample.csv", SAMPLE);
    state.update(Msg::Compare);
    run_frames(&mut state);
    let c = state.comparison.as_ref().unwrap();
    assert_eq!(c.runs.len(), Preset::ALL.len());
    for (p, r) in &c.runs {
        assert!(r.failure().is_none(), "{p:?}: {:?}", r.failure());
        assert_eq!(r.data().unwrap().n_features, 3, "{p:?}");
        assert_eq!(r.epochs_done(), 1, "{p:?}");
    }
}

#[test]
fn standardising_and_a_linear_output_learn_the_sample_below_its_dead_line() {
    let mut state = State::new(Settings {
        epochs: 30,
        lr: 0.01,
        output: Output::Linear,
        preset: None,
        ..small()
    });
    load(&mut state, "sample.csv", SAMPLE);
    state.update(Msg::Standardise(true));
    assert!(state.own.as_ref().unwrap().standardise);
    state.update(Msg::Train);
    run_frames(&mut state);
    let last = state.run.latest().unwrap();
    assert!(
        last.val_loss < 0.5 * state.dead_loss(),
        "{} vs {}",
        last.val_loss,
        state.dead_loss()
    );
}

/// What leaves the page after a run on own data says that data's dead line: Save SVG of the
/// loss chart and Download JSON drew and wrote 13/3 (seed 002's) before, whatever the data.
#[test]
fn exports_after_own_data_carry_its_dead_line() {
    use dying_relu::chart::figure::slide_svg;
    use dying_relu::panels::network::{export, figures};
    use dying_relu::spec::format_sig;
    let mut text = String::from("x1,x2,celsius\n");
    for i in 0..200 {
        let a = (i as f64 * 0.37).sin();
        let b = (i as f64 * 0.11).cos();
        text.push_str(&format!("{a},{b},{}\n", 15.0 + 10.0 * a));
    }
    let mut state = State::new(small());
    load(&mut state, "weather.csv", &text);
    let table = parse(&text).unwrap();
    let e_y2 = table.column(2).iter().map(|y| y * y).sum::<f64>() / 200.0;
    assert_eq!(state.dead_loss(), e_y2);
    state.update(Msg::Train);
    run_frames(&mut state);
    let svg = slide_svg(&state, figures::LOSS).expect("the loss chart draws");
    let line = format!("E[y²] = {}", format_sig(e_y2, 4));
    assert!(svg.contains(&line), "the SVG names {line}");
    assert!(!svg.contains("E[y²] = 4.333"), "not seed 002's line");
    let json = export::json(&state.settings, &state.run.history, &state.data_info());
    let v: serde_json::Value = serde_json::from_str(&json).expect("valid JSON");
    assert_eq!(v["dead_line"].as_f64(), Some(e_y2));
    let data = v["definitions"]["data"].as_str().unwrap();
    assert!(
        data.contains("own data") && data.contains("200 rows of weather.csv"),
        "{data}"
    );
    let said = v["definitions"]["dead_line"].as_str().unwrap();
    assert!(said.contains(&format_sig(e_y2, 6)), "{said}");
}
