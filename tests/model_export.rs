#![cfg(not(target_arch = "wasm32"))]
//! "The page's own runs can be exported in the same format": a run of A small network written
//! by `probe_export` and read back by "Your model"'s reader holds the run's per-unit numbers,
//! every epoch as a snapshot, and reads under each definition as the simulation judges it.
//! The typed export and the hand-written `report.rs` say the same.

use dying_relu::panels::model::judge::Judge;
use dying_relu::panels::model::reader;
use dying_relu::panels::network::probe_export;
use dying_relu::panels::network::settings::{Output, Settings};
use dying_relu::sim::dead::{self, Definition};

mod native_support;
use native_support::trained;

#[test]
fn a_run_exported_and_read_back_has_the_runs_per_unit_counts() {
    for settings in [
        Settings::default(),
        Settings {
            output: Output::Linear,
            lr: 0.3,
            ..Settings::default()
        },
    ] {
        let run = trained(settings);
        let text = probe_export::report_json(&run.settings, &run.history);
        let r = reader::read(text.as_bytes()).unwrap_or_else(|e| panic!("{e}"));
        let last = run.history.last().expect("epochs");
        assert_eq!(r.layers.len(), last.layers.len());
        assert_eq!(
            r.snapshots.len(),
            run.history.len(),
            "every epoch, 0 included"
        );
        let mut dead_total = 0;
        for (epoch, snap) in run.history.iter().zip(&r.snapshots) {
            assert_eq!(
                (snap.step, snap.epoch),
                (epoch.step, Some(epoch.epoch as u64))
            );
            for (l, got) in epoch.layers.iter().zip(&snap.layers) {
                let exact: Vec<bool> = l.alive.iter().map(|a| !a).collect();
                assert_eq!(Judge::default().dead(got), exact);
                assert_eq!(Judge::default().count(got), l.dead_count());
                for def in [
                    Definition::NeverFires,
                    Definition::Dormant,
                    Definition::NearZero,
                ] {
                    let judge = Judge {
                        definition: def,
                        tau: dead::DEFAULT_TAU,
                    };
                    assert_eq!(
                        judge.dead(got),
                        dead::dead_units(l, def, judge.tau),
                        "{def:?}"
                    );
                    assert_eq!(
                        judge.share(got),
                        dead::layer_share(l, def, judge.tau),
                        "{def:?}"
                    );
                }
                let fired: Vec<f64> = l.off_fraction.iter().map(|o| 1.0 - o).collect();
                assert_eq!(got.fire_fraction.as_ref(), Some(&fired));
            }
        }
        for (l, got) in last.layers.iter().zip(&r.layers) {
            assert_eq!(got.units, l.units);
            assert_eq!(
                got.never_fired().iter().filter(|d| **d).count(),
                l.dead_count()
            );
            dead_total += l.dead_count();
        }
        assert!(dead_total > 0, "each run has dead units to count");
    }
}

#[test]
fn an_untrained_panels_report_is_still_a_report() {
    let empty = reader::read(probe_export::report_json(&Settings::default(), &[]).as_bytes())
        .expect("an untrained panel's report is still a report");
    assert!(empty.layers.is_empty() && empty.snapshots.is_empty());
}
