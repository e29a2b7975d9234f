//! The page's own run as a dead-unit report, in the format the PyTorch and Keras probes write
//! (`probes/`, "format": "dying-relu-report", version 1, `docs/report-schema.json`), so a run
//! of the page and a probe of a learner's model read the same way ("Your model" reads both).
//!
//! The report is written by [`probe_export`](super::probe_export) from the typed report of
//! `crate::dead_report` (serde), the types the model panel reads; a hand-written writer that
//! stood here while the page carried no serde was a second copy of the format and is gone.

pub use super::probe_export::report_json;
pub use crate::dead_report::{FORMAT, VERSION};

/// "network-run_….dead.json": the report's file name follows the other downloads'.
pub fn file_name(tag: &str) -> String {
    super::export::file_name(tag, "dead.json")
}
