//! The panel's charts, each generic over plotters' `DrawingBackend`.

pub mod curve;
