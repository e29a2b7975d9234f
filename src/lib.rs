//! The Dying ReLU Explorer.
//!
//! - [`sim`]: the science (activations, initializers, data, the single neuron, the MLP,
//!   optimizers, statistics). Pure Rust, tested natively, timed by the benchmark.
//! - [`spec`]: what every panel's settings share: number and choice specs, the field table
//!   that parses links and drives the controls, the warnings a repaired value gives.
//! - [`story`]: the seeds' argument as guided steps that set the panels' state, and
//!   [`lesson`]: teachers' links that hide or lock chosen controls.
//! - [`chart`]: shared plotters helpers, the theme, and the figures a panel exports.
//! - [`dead_report`]: the dead-unit report's types (the probes' format), shared by the panel
//!   that exports a run in it and the panel that reads a learner's.
//! - [`embed`]: the `<iframe>` snippet a panel's "Copy embed code" button copies.
//! - [`pacing`]: how much work an animation frame may do, from how frames arrive.
//! - [`page_address`]: the page's address written by two parts of the page, each keeping
//!   the other's pairs.
//! - [`panels`]: one folder per panel: its settings and rules (`state`), its words, its
//!   charts, and its wasm-only `web` file.
//! - `web` (wasm32 only): what every panel shares in the page: mounting, DOM helpers,
//!   canvases, the frame loop, the page address, errors.

pub mod chart;
pub mod dead_report;
pub mod embed;
pub mod lesson;
pub mod pacing;
pub mod page_address;
pub mod panels;
/// The science: its own crate (`crates/sim`), optimised for speed in the release build.
pub use dying_relu_sim as sim;
pub mod spec;
pub mod story;

#[cfg(all(target_arch = "wasm32", feature = "page"))]
pub mod web;
