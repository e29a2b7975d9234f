//! The panel's charts, each generic over plotters' `DrawingBackend`.

// A learner's numbers must never stop the page: no unwrap, no expect (tests/code_rules.rs).
#![deny(clippy::unwrap_used, clippy::expect_used)]

pub mod atlas;
pub mod comparison;
pub mod dead_map;
pub mod distribution;
pub mod loss;
pub mod meter;
pub mod plane;
