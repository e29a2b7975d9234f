#![cfg(not(target_arch = "wasm32"))]
//! "Your model"'s reader on every probe fixture (the constructed model's hand-killed units
//! are the dead ones, unit for unit) and on hostile files: each refused with a message that
//! names what is wrong, none panicking.

use dying_relu::dead_report::Report;
use dying_relu::panels::model::judge::Judge;
use dying_relu::panels::model::reader::{self, ReadError, MAX_BYTES, MAX_LAYER_UNITS};
use dying_relu::sim::dead::Definition;
use serde_json::{json, Value};
use std::path::Path;

fn fixture_text(name: &str) -> String {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("probes/fixtures")
        .join(name);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn fixture(name: &str) -> Report {
    reader::read(fixture_text(name).as_bytes()).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn dead_units(r: &Report, layer: &str, judge: &Judge) -> Vec<usize> {
    let l = r.layers.iter().find(|l| l.name == layer).expect("layer");
    judge
        .dead(l)
        .iter()
        .enumerate()
        .filter(|(_, d)| **d)
        .map(|(i, _)| i)
        .collect()
}

/// The constructed fixture as JSON, to break one thing at a time.
fn constructed() -> Value {
    serde_json::from_str(&fixture_text("torch_constructed.dead.json")).expect("json")
}

fn read_value(v: &Value) -> Result<Report, ReadError> {
    reader::read(v.to_string().as_bytes())
}

fn refusal(v: &Value) -> String {
    match read_value(v) {
        Ok(_) => panic!("read a bad report"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn every_fixture_is_read_with_the_counts_it_holds() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("probes/fixtures");
    let mut read = 0;
    for entry in std::fs::read_dir(&dir).expect("fixtures") {
        let path = entry.expect("entry").path();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("")
            .to_string();
        if !name.ends_with(".dead.json") {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("text");
        let r = reader::read(text.as_bytes()).unwrap_or_else(|e| panic!("{name}: {e}"));
        let v: Value = serde_json::from_str(&text).expect("json");
        assert_eq!(
            r.layers.len(),
            v["layers"].as_array().expect("layers").len(),
            "{name}"
        );
        assert_eq!(
            r.snapshots.len(),
            v["snapshots"].as_array().expect("snaps").len(),
            "{name}"
        );
        for (l, lv) in r.layers.iter().zip(v["layers"].as_array().expect("layers")) {
            let fires: Vec<u64> = lv["fires"]
                .as_array()
                .expect("fires")
                .iter()
                .map(|f| f.as_u64().expect("count"))
                .collect();
            assert_eq!(l.fires.as_ref(), Some(&fires), "{name} {}", l.name);
            let zero: Vec<bool> = fires.iter().map(|&f| f == 0).collect();
            assert_eq!(Judge::default().dead(l), zero, "{name} {}", l.name);
        }
        read += 1;
    }
    assert_eq!(read, 8, "four fixtures of each framework");
}

#[test]
fn the_constructed_model_shows_exactly_the_units_killed_by_hand() {
    for name in ["torch_constructed.dead.json", "keras_constructed.dead.json"] {
        let r = fixture(name);
        let exact = Judge::default();
        assert_eq!(dead_units(&r, "fc1", &exact), [2, 5, 11], "{name}");
        assert_eq!(dead_units(&r, "fc2", &exact), [0, 7, 13], "{name}");
        // Never fires reads the same numbers in a probe's report (no fired_in_training).
        let never = Judge {
            definition: Definition::NeverFires,
            ..exact
        };
        assert_eq!(dead_units(&r, "fc1", &never), [2, 5, 11], "{name}");
        // τ-dormant also takes units that fire a little: fc1's unit 7 (mean |h| 0.0034, a
        // τ-score of 0.011) and 13 (0.057) at τ = 0.1, but only 7 at the default 0.025.
        let dormant = |tau| Judge {
            definition: Definition::Dormant,
            tau,
        };
        let d = dead_units(&r, "fc1", &dormant(0.025));
        assert!(
            d.starts_with(&[2, 5]) && d.contains(&7) && !d.contains(&13),
            "{name} {d:?}"
        );
        let wide = dead_units(&r, "fc1", &dormant(0.1));
        assert!(
            wide.contains(&13) && wide.len() > d.len(),
            "{name} {wide:?}"
        );
    }
}

#[test]
fn the_cnn_channels_killed_by_construction_are_dead_at_every_snapshot() {
    for name in ["torch_cnn.dead.json", "keras_cnn.dead.json"] {
        let r = fixture(name);
        let exact = Judge::default();
        assert_eq!(dead_units(&r, "conv1", &exact), [1, 4], "{name}");
        assert_eq!(dead_units(&r, "conv2", &exact), [5], "{name}");
        assert!(!r.snapshots.is_empty());
        for s in &r.snapshots {
            let conv1 = s.layers.iter().find(|l| l.name == "conv1").expect("conv1");
            let dead = exact.dead(conv1);
            assert!(dead[1] && dead[4], "{name} step {}", s.step);
        }
    }
}

#[test]
fn text_that_is_not_json_is_named_so() {
    let e = reader::read(b"{\"format\": \"dying-relu-report\", ").expect_err("bad");
    assert!(matches!(e, ReadError::NotJson(_)), "{e:?}");
    assert!(
        e.to_string().contains("not JSON") && e.to_string().contains("line 1"),
        "{e}"
    );
    for bad in ["NaN", "{\"format\": NaN}", "hello", "\u{feff}{}"] {
        let e = reader::read(bad.as_bytes()).expect_err(bad);
        assert!(!e.to_string().is_empty(), "{bad}");
    }
    assert_eq!(reader::read(b"  \n ").expect_err("empty"), ReadError::Empty);
    assert_eq!(
        reader::read(b"[1, 2]").expect_err("array"),
        ReadError::NotAnObject
    );
    assert_eq!(
        reader::read(b"42").expect_err("number"),
        ReadError::NotAnObject
    );
    let bytes = [b'{', b'"', 0xff, 0xfe, b'"', b':', b'1', b'}'];
    assert!(matches!(reader::read(&bytes), Err(ReadError::NotJson(_))));
}

#[test]
fn another_format_or_version_is_named() {
    let mut v = constructed();
    v["format"] = json!("tensorboard-events");
    let e = refusal(&v);
    assert!(
        e.contains("tensorboard-events") && e.contains("dying-relu-report"),
        "{e}"
    );
    v.as_object_mut().expect("object").remove("format");
    assert!(refusal(&v).contains("no \"format\""));
    let mut v = constructed();
    v["version"] = json!(2);
    let e = refusal(&v);
    assert!(e.contains("version 2") && e.contains("version 1"), "{e}");
    assert!(refusal(&json!({"format": "dying-relu-report"})).contains("version"));
}

#[test]
fn a_missing_or_mistyped_field_is_named_by_its_path() {
    let mut v = constructed();
    v["layers"][1]
        .as_object_mut()
        .expect("layer")
        .remove("tau_score");
    let e = refusal(&v);
    assert!(e.contains("layers[1]") && e.contains("tau_score"), "{e}");
    let mut v = constructed();
    v["layers"][0]["fires"][3] = json!(-1);
    let e = refusal(&v);
    assert!(e.contains("layers[0].fires[3]"), "{e}");
    let mut v = constructed();
    v["snapshots"] = json!([{"step": "ten", "layers": []}]);
    let e = refusal(&v);
    assert!(e.contains("snapshots[0].step"), "{e}");
    let mut v = constructed();
    v["layers"][0]["kind"] = json!("recurrent");
    assert!(refusal(&v).contains("layers[0].kind"));
}

#[test]
fn numbers_out_of_range_are_named() {
    let mut v = constructed();
    v["layers"][0]["zero_fraction"][2] = json!(1.5);
    let e = refusal(&v);
    assert!(
        e.contains("layers[0].zero_fraction[2]") && e.contains("between 0 and 1"),
        "{e}"
    );
    let mut v = constructed();
    v["layers"][1]["tau_score"][4] = json!(-0.5);
    assert!(refusal(&v).contains("layers[1].tau_score[4]"));
    let mut v = constructed();
    v["layers"][0]["fires"][0] = json!(1001);
    let e = refusal(&v);
    assert!(e.contains("fires[0]") && e.contains("1000 samples"), "{e}");
    // Past f64: serde_json says the number is out of range.
    let text = constructed().to_string().replacen(
        "\"max_pre_activation\":[",
        "\"max_pre_activation\":[1e999,",
        1,
    );
    let e = reader::read(text.as_bytes()).expect_err("1e999");
    assert!(e.to_string().contains("out of range"), "{e}");
}

#[test]
fn arrays_of_the_wrong_length_are_named() {
    let mut v = constructed();
    v["layers"][0]["mean_abs_output"]
        .as_array_mut()
        .expect("array")
        .pop();
    let e = refusal(&v);
    assert!(
        e.contains("layers[0].mean_abs_output") && e.contains("15 entries for 16 units"),
        "{e}"
    );
    let mut v = constructed();
    let l = v["layers"][0].as_object_mut().expect("layer");
    l.remove("fires");
    l.remove("fire_fraction");
    l.remove("dead");
    assert!(refusal(&v).contains("neither `fires` nor `fire_fraction`"));
}

#[test]
fn too_large_a_file_or_too_many_units_is_refused_with_the_limit() {
    let big = vec![b' '; MAX_BYTES as usize + 1];
    let e = reader::read(&big).expect_err("big");
    assert!(matches!(e, ReadError::TooLarge(_)));
    assert!(e.to_string().contains("up to 8 MB"), "{e}");
    assert!(reader::check_size(MAX_BYTES).is_ok() && reader::check_size(MAX_BYTES + 1).is_err());
    // 10^6 units are refused by their count, before any array is checked.
    let mut v = constructed();
    v["layers"][0]["units"] = json!(1_000_000);
    let e = refusal(&v);
    assert!(
        e.contains("1000000 units") && e.contains(&MAX_LAYER_UNITS.to_string()),
        "{e}"
    );
    // Two layers within the per-layer limit but past the total.
    let mut v = constructed();
    let layer = |units: usize| {
        json!({"name": "wide", "kind": "dense", "activation": "relu", "units": units,
               "fires": vec![1; units], "max_pre_activation": vec![1.0; units],
               "mean_abs_output": vec![1.0; units], "tau_score": vec![1.0; units],
               "zero_fraction": vec![0.0; units], "near_zero_fraction": vec![0.0; units]})
    };
    v["layers"] = json!([layer(60_000), layer(60_000)]);
    assert!(refusal(&v).contains("together"));
}

#[test]
fn deep_nesting_is_refused_where_it_is_read_and_skipped_where_it_is_not() {
    let deep = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
    // Where any JSON value is read (the format key): serde_json's recursion limit (128),
    // not a stack overflow.
    let text = format!("{{\"format\":{},\"version\":1}}", deep(10_000));
    let e = reader::read(text.as_bytes()).expect_err("deep");
    assert!(e.to_string().contains("recursion limit"), "{e}");
    // Where a typed field is read, the first wrong type stops it, at its path.
    let text = constructed().to_string().replacen(
        "\"not_hooked\":[",
        &format!("\"not_hooked\":[{},", deep(10_000)),
        1,
    );
    let e = reader::read(text.as_bytes()).expect_err("deep");
    assert!(e.to_string().contains("not_hooked[0]"), "{e}");
    // Inside a key it does not know, serde_json skips the value without recursing.
    let text =
        constructed()
            .to_string()
            .replacen("{", &format!("{{\"extra\":{},", deep(100_000)), 1);
    let r = reader::read(text.as_bytes()).expect("an unknown deep key is skipped");
    assert_eq!(r.layers.len(), 2);
    // At the top level it is no report.
    assert_eq!(
        reader::read(deep(100_000).as_bytes()).expect_err("top"),
        ReadError::NotAnObject
    );
}

#[test]
fn hostile_names_are_echoed_safely() {
    let mut v = constructed();
    v["format"] = json!("x\u{202e}gnp.exe");
    let e = refusal(&v);
    assert!(e.contains("[U+202E]") && !e.contains('\u{202e}'), "{e}");
}
