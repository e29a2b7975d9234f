//! "Activation functions": f(x) and f′(x) of the functions the seeds compare, with the region
//! where f′ = 0 shaded, the side where a unit can die.

pub mod charts;
pub mod figures;
pub mod state;
#[cfg(all(target_arch = "wasm32", feature = "page"))]
pub mod web;
pub mod words;
