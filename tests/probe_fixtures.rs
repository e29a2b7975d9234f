#![cfg(not(target_arch = "wasm32"))]
//! Issue #28's probe fixtures (`probes/fixtures/`, written by `probes/checks/*_fixtures.py`
//! with torch 2.15.0 and Keras 3.15.1 / TF 2.21.0; see probes/README.md, "Fixtures"): the
//! constructed MLP's units dead exactly where they were made dead, the same counts in both
//! frameworks, the CNNs' channels, and the high-learning-rate runs' units dying over the
//! snapshots. The test needs neither framework.

mod native_support;
use native_support::{fires, layer};
use serde_json::Value;
use std::path::Path;

fn read(name: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("probes/fixtures")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert!(text.len() < 60_000, "{name}: {} bytes", text.len());
    let v: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(v["format"], "dying-relu-report", "{name}");
    assert_eq!(v["version"], 1, "{name}");
    v
}

fn never_fire(l: &Value) -> Vec<usize> {
    fires(l)
        .iter()
        .enumerate()
        .filter(|(_, &f)| f == 0)
        .map(|(i, _)| i)
        .collect()
}

/// probes/checks/constructed.py's DEAD: bias −100 on these units, +0.5 on the others.
const CONSTRUCTED_DEAD: [(&str, [usize; 3]); 2] = [("fc1", [2, 5, 11]), ("fc2", [0, 7, 13])];

#[test]
fn the_constructed_mlp_is_dead_exactly_where_it_was_made_dead_in_both_frameworks() {
    let torch = read("torch_constructed.dead.json");
    let keras = read("keras_constructed.dead.json");
    assert_eq!(torch["model"]["framework"], "pytorch");
    assert_eq!(keras["model"]["framework"], "keras");
    for (name, dead) in CONSTRUCTED_DEAD {
        let (t, k) = (layer(&torch["layers"], name), layer(&keras["layers"], name));
        assert_eq!(t["units"], 16, "{name}");
        assert_eq!(t["samples"], 1000, "{name}");
        assert_eq!(
            never_fire(t),
            dead,
            "{name}: the units with bias -100, and only they"
        );
        // The same numpy weights and inputs in both frameworks: the same counts, unit for unit.
        assert_eq!(fires(t), fires(k), "{name}");
        for &u in &dead {
            for l in [t, k] {
                assert_eq!(l["dead"][u], true, "{name}[{u}]");
                assert_eq!(l["zero_fraction"][u], 1.0, "{name}[{u}]");
                assert_eq!(l["tau_score"][u], 0.0, "{name}[{u}]");
                let z = l["max_pre_activation"][u].as_f64().expect("a number");
                assert!((-100.0..-95.0).contains(&z), "{name}[{u}]: {z}");
            }
        }
    }
    // fc2's unit 5 fires on one sample of 1,000: alive by the exact test, τ-dormant.
    let fc2 = layer(&torch["layers"], "fc2");
    assert_eq!(fires(fc2)[5], 1);
    assert!(fc2["tau_score"][5].as_f64().expect("a score") < 0.025);
}

#[test]
fn the_cnns_channels_made_dead_never_fire_at_any_snapshot() {
    for (file, framework) in [
        ("torch_cnn.dead.json", "pytorch"),
        ("keras_cnn.dead.json", "keras"),
    ] {
        let v = read(file);
        assert_eq!(v["model"]["framework"], framework, "{file}");
        assert_eq!(v["samples"], 64, "{file}");
        let snaps = v["snapshots"].as_array().expect("snapshots");
        assert_eq!(snaps.len(), 5, "{file}: steps 0, 10, 20, 30, 40");
        for (name, units, dead) in [("conv1", 6, vec![1, 4]), ("conv2", 8, vec![5])] {
            let l = layer(&v["layers"], name);
            assert_eq!(l["kind"], "conv", "{file} {name}");
            assert_eq!(l["units"], units, "{file} {name}");
            assert_eq!(never_fire(l), dead, "{file} {name}");
            // Every position of every image: values = samples x positions.
            let positions = if name == "conv1" { 100 } else { 64 };
            assert_eq!(l["values"], 64 * positions, "{file} {name}");
            for s in snaps {
                assert_eq!(never_fire(layer(&s["layers"], name)), dead, "{file} {name}");
            }
        }
    }
}

/// Units that never fire in `layer`, per snapshot.
fn dying(v: &Value, name: &str) -> Vec<usize> {
    v["snapshots"]
        .as_array()
        .expect("snapshots")
        .iter()
        .map(|s| never_fire(layer(&s["layers"], name)).len())
        .collect()
}

#[test]
fn at_a_high_learning_rate_units_die_over_the_snapshots() {
    // Measured (probes/README.md): fc2's never-firing units per snapshot, every 6 steps.
    for (file, want) in [
        (
            "torch_high_lr.dead.json",
            vec![0, 1, 1, 3, 3, 3, 4, 4, 5, 5, 5, 5, 5],
        ),
        (
            "keras_high_lr.dead.json",
            vec![0, 3, 4, 5, 5, 6, 6, 6, 6, 6, 6],
        ),
    ] {
        let v = read(file);
        let steps: Vec<u64> = v["snapshots"]
            .as_array()
            .expect("snapshots")
            .iter()
            .map(|s| s["step"].as_u64().expect("a step"))
            .collect();
        assert_eq!(
            steps,
            (0..want.len() as u64).map(|k| 6 * k).collect::<Vec<_>>()
        );
        assert_eq!(dying(&v, "fc2"), want, "{file}");
        assert!(
            dying(&v, "fc1").iter().all(|&d| d == 0),
            "{file}: fc1 lives"
        );
        // The report's own layers are the last snapshot's.
        assert_eq!(
            never_fire(layer(&v["layers"], "fc2")).len(),
            *want.last().expect("snapshots"),
            "{file}"
        );
    }
}
