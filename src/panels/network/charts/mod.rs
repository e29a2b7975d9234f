//! The panel's charts, each generic over plotters' `DrawingBackend`.

pub mod comparison;
pub mod dead_map;
pub mod distribution;
pub mod loss;
