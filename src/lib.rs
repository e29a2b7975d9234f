//! The Dying ReLU Explorer.
//!
//! - [`sim`]: the science (activations, initializers, data, the single neuron, the MLP,
//!   optimizers, statistics). Pure Rust, tested natively, timed by the benchmark.
//! - [`params`]: every tunable value with its default, range and validation.
//! - [`chart`]: plotters drawings, generic over `DrawingBackend` (canvas in the page, SVG in tests).
//! - `web` (wasm32 only): DOM wiring, nothing else.

pub mod chart;
pub mod network_params;
pub mod network_run;
pub mod network_summary;
pub mod params;
pub mod sim;
pub mod summary;

#[cfg(target_arch = "wasm32")]
pub mod web;
