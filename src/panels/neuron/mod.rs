//! "One neuron": the unit R of seeds 000 and 001. The learner kills it with one large gradient
//! step and cures it with a positive bias, a smaller learning rate or a leaky activation.

pub mod charts;
pub mod figures;
pub mod state;
#[cfg(all(target_arch = "wasm32", feature = "page"))]
pub mod web;
pub mod words;
