//! The panel's charts, each generic over plotters' `DrawingBackend`.

pub mod flow;
pub mod gate;
pub mod timeline;
