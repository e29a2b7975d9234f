#![cfg(not(target_arch = "wasm32"))]
//! The dead-unit report (`docs/report-schema.json`, "format": "dying-relu-report"): the page's
//! own run written by `report::report_json`, and a real report the PyTorch probe wrote
//! (`probes/fixtures/`), both parsed and checked against the schema's shape by hand (and by
//! Python's `jsonschema` when this machine has it; the test needs neither it nor PyTorch nor
//! TensorFlow); the probes themselves parse as Python.

mod native_support;
use dying_relu::panels::network::report;
use dying_relu::panels::network::settings::{Output, Settings};
use dying_relu::sim::dead;
use native_support::{fires, layer, trained};
use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

fn read_json(path: &str) -> Value {
    let text = std::fs::read_to_string(repo(path)).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path} is not JSON: {e}"))
}

/// Runs `python3 -c CODE ARGS…` with `input` on stdin: Some(Ok(stdout)), Some(Err(stderr)), or
/// None when there is no python3 on this machine.
fn python(code: &str, args: &[&str], input: &str) -> Option<Result<String, String>> {
    let Ok(mut child) = Command::new("python3")
        .arg("-c")
        .arg(code)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    else {
        println!("python3 is not on this machine: the Python check was skipped");
        return None;
    };
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .expect("write");
    let out = child.wait_with_output().expect("python3 ran");
    Some(if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    })
}

/// Validates the JSON on stdin against the schema (argv[1]) with jsonschema, draft 2020-12;
/// prints "skipped" without jsonschema.
const VALIDATE: &str = r#"
import json, sys
try:
    import jsonschema
except ImportError:
    print("skipped"); sys.exit(0)
schema = json.load(open(sys.argv[1], encoding="utf-8"))
jsonschema.Draft202012Validator.check_schema(schema)
jsonschema.Draft202012Validator(schema).validate(json.loads(sys.stdin.read()))
print("valid")
"#;

/// Checks `text` against docs/report-schema.json with jsonschema, when python3 has it.
fn validate_with_jsonschema(text: &str, what: &str) {
    let schema = repo("docs/report-schema.json");
    match python(VALIDATE, &[schema.to_str().expect("path")], text) {
        None => {}
        Some(Ok(out)) if out.trim() == "skipped" => {
            println!("python3 has no jsonschema: {what} was checked by hand only");
        }
        Some(Ok(out)) => assert_eq!(out.trim(), "valid", "{what}"),
        Some(Err(e)) => panic!("{what} does not validate against docs/report-schema.json:\n{e}"),
    }
}

fn keys<'a>(v: &'a Value, what: &str, required: &[&str]) -> &'a serde_json::Map<String, Value> {
    let obj = v
        .as_object()
        .unwrap_or_else(|| panic!("{what} is not an object"));
    for k in required {
        assert!(obj.contains_key(*k), "{what} has no {k:?}");
    }
    obj
}

fn is_int_or_null(v: &Value) -> bool {
    v.is_null() || v.as_u64().is_some()
}

/// The per-unit arrays a layer must (or may) carry, and what their items are.
const NUMBER_ARRAYS: [&str; 3] = ["max_pre_activation", "mean_abs_output", "tau_score"];
const SHARE_ARRAYS: [&str; 3] = ["zero_fraction", "near_zero_fraction", "fire_fraction"];
const FLAG_ARRAYS: [&str; 3] = ["dead", "fired_in_training", "provably_dead"];

/// A layer, as the schema's `$defs/layer` says: returns its unit count.
fn check_layer(l: &Value, what: &str) -> usize {
    let obj = keys(
        l,
        what,
        &[
            "name",
            "kind",
            "activation",
            "units",
            "max_pre_activation",
            "mean_abs_output",
            "tau_score",
            "zero_fraction",
            "near_zero_fraction",
        ],
    );
    assert!(obj["name"].is_string(), "{what}: name");
    let kind = obj["kind"].as_str().unwrap_or_default();
    assert!(kind == "dense" || kind == "conv", "{what}: kind {kind:?}");
    assert!(
        obj["activation"].is_string() || obj["activation"].is_null(),
        "{what}: activation"
    );
    let units = obj["units"].as_u64().expect("units is an integer") as usize;
    let array = |k: &str| -> Option<&Vec<Value>> {
        obj.get(k).map(|v| {
            let a = v
                .as_array()
                .unwrap_or_else(|| panic!("{what}: {k} is not an array"));
            assert_eq!(a.len(), units, "{what}: {k} has one entry per unit");
            a
        })
    };
    for k in NUMBER_ARRAYS {
        let a = array(k).expect("required");
        assert!(
            a.iter().all(|v| v.is_number() || v.is_null()),
            "{what}: {k}"
        );
    }
    for k in SHARE_ARRAYS {
        if let Some(a) = array(k) {
            assert!(
                a.iter()
                    .all(|v| v.as_f64().is_some_and(|x| (0.0..=1.0).contains(&x))),
                "{what}: {k} holds shares in [0, 1]"
            );
        }
    }
    for k in FLAG_ARRAYS {
        if let Some(a) = array(k) {
            assert!(a.iter().all(Value::is_boolean), "{what}: {k}");
        }
    }
    match (array("fires"), obj.get("samples")) {
        (Some(fires), Some(samples)) => {
            let n = samples.as_u64().expect("samples beside fires is a count");
            assert!(
                fires.iter().all(|f| f.as_u64().is_some_and(|f| f <= n)),
                "{what}: fires are counts of at most {n} samples"
            );
        }
        (Some(_), None) => panic!("{what}: fires without samples"),
        (None, _) => assert!(
            obj.contains_key("fire_fraction"),
            "{what}: neither fires (with samples) nor fire_fraction"
        ),
    }
    if let Some(s) = obj.get("samples") {
        assert!(is_int_or_null(s), "{what}: samples");
    }
    units
}

/// A whole report, as the schema says: required keys and types, per-unit arrays of the
/// layer's length, snapshots and not_hooked entries.
fn check_report(v: &Value, what: &str) {
    let obj = keys(
        v,
        what,
        &[
            "format",
            "version",
            "model",
            "samples",
            "mode",
            "layers",
            "snapshots",
            "not_hooked",
        ],
    );
    assert_eq!(obj["format"], report::FORMAT, "{what}");
    assert_eq!(obj["version"], report::VERSION, "{what}");
    let model = keys(&obj["model"], "model", &["name", "framework", "versions"]);
    assert!(model["name"].is_string() && model["framework"].is_string());
    let versions = model["versions"].as_object().expect("versions");
    assert!(versions.values().all(Value::is_string), "{what}: versions");
    assert!(is_int_or_null(&obj["samples"]), "{what}: samples");
    let mode = keys(
        &obj["mode"],
        "mode",
        &["probed_in", "was_training", "notes"],
    );
    assert_eq!(mode["probed_in"], "eval");
    assert!(mode["was_training"].is_boolean() || mode["was_training"].is_null());
    assert!(mode["notes"]
        .as_array()
        .is_some_and(|n| n.iter().all(Value::is_string)));
    for (i, l) in obj["layers"].as_array().expect("layers").iter().enumerate() {
        check_layer(l, &format!("{what}: layer {i}"));
    }
    for (k, s) in obj["snapshots"]
        .as_array()
        .expect("snapshots")
        .iter()
        .enumerate()
    {
        let snap = keys(s, "snapshot", &["step", "layers"]);
        assert!(
            snap["step"].as_u64().is_some(),
            "{what}: snapshot {k}'s step"
        );
        for (i, l) in snap["layers"]
            .as_array()
            .expect("layers")
            .iter()
            .enumerate()
        {
            check_layer(l, &format!("{what}: snapshot {k}, layer {i}"));
        }
    }
    for e in obj["not_hooked"].as_array().expect("not_hooked") {
        let e = keys(e, "not_hooked entry", &["layer", "reason"]);
        assert!(e["layer"].is_string() && e["reason"].is_string());
    }
}

#[test]
fn the_schema_is_draft_2020_12_and_requires_what_the_checks_check() {
    let schema = read_json("docs/report-schema.json");
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    assert_eq!(schema["properties"]["format"]["const"], report::FORMAT);
    assert_eq!(schema["properties"]["version"]["const"], report::VERSION);
    let required: Vec<&str> = schema["required"]
        .as_array()
        .expect("required")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    for k in [
        "format",
        "version",
        "model",
        "samples",
        "mode",
        "layers",
        "snapshots",
        "not_hooked",
    ] {
        assert!(required.contains(&k), "the schema does not require {k}");
    }
    let layer = &schema["$defs"]["layer"];
    for k in NUMBER_ARRAYS
        .iter()
        .chain(&SHARE_ARRAYS)
        .chain(&FLAG_ARRAYS)
    {
        assert!(layer["properties"][k].is_object(), "the schema has no {k}");
    }
    assert!(layer["properties"]["fires"].is_object());
    assert_eq!(layer["anyOf"].as_array().map(Vec::len), Some(2));
}

/// `v` is the number `x` (serde_json's default float parser may miss the last bit).
fn close(v: &Value, x: f64) {
    let got = v.as_f64().unwrap_or_else(|| panic!("{v} is not a number"));
    assert!(
        (got - x).abs() <= 1e-12 * x.abs().max(1.0),
        "{got} is not {x}"
    );
}

#[test]
fn a_trained_page_run_is_a_report_of_the_schemas_shape() {
    let run = trained(Settings::default());
    let history = &run.history;
    assert_eq!(history.len(), 3, "epoch 0 (the untrained net) and 2 epochs");
    let text = report::report_json(&run.settings, history);
    assert!(text.ends_with("}\n"));
    let v: Value = serde_json::from_str(&text).expect("the report parses");
    check_report(&v, "the page's report");
    assert_eq!(v["model"]["framework"], "dying-relu-explorer");
    assert_eq!(v["model"]["query"], run.settings.to_query().as_str());
    assert!(v["samples"].is_null(), "the page does not store its count");
    assert!(v["not_hooked"].as_array().is_some_and(Vec::is_empty));

    // The layers are the latest epoch's, in the page's own numbers.
    let last = history.last().expect("history");
    let layers = v["layers"].as_array().expect("layers");
    assert_eq!(layers.len(), last.layers.len());
    let names: Vec<&str> = layers.iter().filter_map(|l| l["name"].as_str()).collect();
    assert_eq!(names, ["hidden1", "hidden2", "hidden3", "output"]);
    for (l, stats) in layers.iter().zip(&last.layers) {
        assert_eq!(l["units"], stats.units);
        assert_eq!(l["activation"], "relu");
        assert_eq!(l["fire_test"], "f' != 0");
        assert!(l.get("fires").is_none(), "no count the page cannot derive");
        for (k, &off) in stats.off_fraction.iter().enumerate() {
            close(&l["fire_fraction"][k], 1.0 - off);
            assert_eq!(l["dead"][k].as_bool(), Some(!stats.alive[k]));
            close(&l["mean_abs_output"][k], stats.mean_abs_output[k]);
        }
        let tau = dead::dormant_scores(&stats.mean_abs_output);
        for (k, &s) in tau.iter().enumerate() {
            close(&l["tau_score"][k], s);
        }
    }

    // Every epoch is a snapshot; the last is the layers again.
    let snaps = v["snapshots"].as_array().expect("snapshots");
    assert_eq!(snaps.len(), history.len());
    for (s, stats) in snaps.iter().zip(history) {
        assert_eq!(s["step"], stats.step);
        assert_eq!(s["epoch"], stats.epoch);
    }
    assert_eq!(snaps[snaps.len() - 1]["layers"], v["layers"]);
    validate_with_jsonschema(&text, "the page's report");
}

#[test]
fn the_report_follows_the_output_setting_the_dropout_and_an_empty_run() {
    let run = trained(Settings {
        layers: 1,
        width: 3,
        output: Output::Linear,
        dropout: 0.2,
        ..Settings::default()
    });
    let v: Value =
        serde_json::from_str(&report::report_json(&run.settings, &run.history)).expect("parses");
    check_report(&v, "a one-layer run");
    let acts: Vec<&str> = v["layers"]
        .as_array()
        .expect("layers")
        .iter()
        .filter_map(|l| l["activation"].as_str())
        .collect();
    assert_eq!(acts, ["relu", "linear"]);
    assert_eq!(v["mode"]["dropout"], serde_json::json!(["hidden1"]));

    let empty = report::report_json(&Settings::default(), &[]);
    let v: Value = serde_json::from_str(&empty).expect("parses");
    check_report(&v, "a run with no epochs");
    assert!(v["layers"].as_array().is_some_and(Vec::is_empty));
    validate_with_jsonschema(&empty, "a run with no epochs");
    assert!(report::file_name("relu3").ends_with(".dead.json"));
}

/// Both fixtures are a 4-8-8-1 ReLU MLP on seed 002's inputs (2,000 samples uniform in
/// (−1, 0)) whose first layer's unit 3 has bias −10, trained a few hundred steps under watch.
#[test]
fn the_probes_fixtures_are_reports_with_the_hand_killed_unit_dead() {
    for (path, framework) in [
        ("probes/fixtures/torch_small.dead.json", "pytorch"),
        ("probes/fixtures/keras_small.dead.json", "keras"),
    ] {
        let v = read_json(path);
        check_report(&v, path);
        assert_eq!(v["model"]["framework"], framework, "{path}");
        assert_eq!(v["samples"], 2000, "{path}");
        let fc1 = layer(&v["layers"], "fc1");
        assert_eq!(fc1["samples"], 2000, "{path}");
        let f = fires(fc1);
        assert_eq!(f[3], 0, "{path}: the unit with bias -10 never fires");
        assert!(
            f.iter().enumerate().all(|(k, &n)| k == 3 || n > 0),
            "{path}: the others fire: {f:?}"
        );
        assert_eq!(fc1["dead"][3], true, "{path}");
        assert_eq!(
            fc1["zero_fraction"][3], 1.0,
            "{path}: a dead unit's outputs are all 0"
        );
        assert_eq!(fc1["tau_score"][3], 0.0, "{path}: and its tau score is 0");
        assert!(
            fc1["max_pre_activation"][3]
                .as_f64()
                .is_some_and(|z| z < -5.0),
            "{path}: its largest pre-activation is far below 0"
        );
        let snaps = v["snapshots"].as_array().expect("snapshots");
        assert!(snaps.len() >= 3, "{path}: watch took snapshots");
        assert_eq!(snaps[0]["step"], 0);
        for s in snaps {
            assert_eq!(
                fires(layer(&s["layers"], "fc1"))[3],
                0,
                "{path}: dead at every snapshot"
            );
        }
        let not_hooked = v["not_hooked"].as_array().expect("not_hooked");
        assert!(
            not_hooked.iter().any(|e| e["layer"] == "out"),
            "{path}: the linear output layer is listed as not hooked"
        );
        validate_with_jsonschema(&std::fs::read_to_string(repo(path)).expect("read"), path);
    }
}

/// Parses argv[1] with Python's ast; with "--blocks", each ```python block of a Markdown file.
const PARSE: &str = r#"
import ast, re, sys
text = open(sys.argv[1], encoding="utf-8").read()
blocks = re.findall(r"```python\n(.*?)```", text, re.S) if sys.argv[2:] == ["--blocks"] else [text]
for b in blocks:
    ast.parse(b)
print(len(blocks))
"#;

#[test]
fn the_probes_and_the_readmes_examples_parse_as_python() {
    // Every Python file of probes/ and probes/checks/ (the probes, the checks by hand, the
    // fixtures' writers and the constructed model `cargo xtask test` runs).
    let mut files: Vec<PathBuf> = ["probes", "probes/checks"]
        .iter()
        .flat_map(|dir| std::fs::read_dir(repo(dir)).expect("probes/ is there"))
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "py"))
        .collect();
    files.sort();
    assert!(files.len() >= 7, "{files:?}");
    for path in files {
        let file = path.display();
        match python(PARSE, &[path.to_str().expect("path")], "") {
            None => return,
            Some(Ok(_)) => {}
            Some(Err(e)) => panic!("{file} does not parse as Python:\n{e}"),
        }
    }
    let readme = repo("probes/README.md");
    match python(PARSE, &[readme.to_str().expect("path"), "--blocks"], "") {
        None => {}
        Some(Ok(n)) => assert!(n.trim().parse::<usize>().unwrap_or(0) >= 2, "{n}"),
        Some(Err(e)) => panic!("probes/README.md's examples do not parse:\n{e}"),
    }
}
