//! "Where neurons die": a phase map of learning rate × initial bias (each cell a short
//! training of the chosen network on seed 002's data, coloured by its share of dead hidden
//! units), and the odds that a deep, narrow ReLU net is dead before training starts.
//!
//! - `sweep`: one cell's training, in pieces; the grid and the network panel's query.
//! - `born_dead`: the Monte Carlo of nets born dead (He, RAI, Leaky ReLU) and the formula.
//! - `state`: settings, field table, messages, jobs, generations, the main-thread fallback.
//! - `jobs`: a job's text for a worker and the numbers it sends back.
//! - `words`: the status lines, from the numbers.
//! - `charts`: the phase map and the born-dead curves, generic over plotters' backends.
//! - `web` (wasm only): controls, the worker pool, drawing, hover and click.

pub mod born_dead;

pub mod charts;
pub mod figures;
pub mod jobs;
pub mod state;
pub mod sweep;
#[cfg(all(target_arch = "wasm32", feature = "page"))]
pub mod web;
pub mod words;
#[cfg(target_arch = "wasm32")]
pub mod worker;

/// This panel's row in the registry (`panels::PANELS`).
pub const PANEL: super::PanelInfo = super::PanelInfo {
    id: super::PanelId::Dying,
    name: super::PanelId::Dying.name(),
    prefix: super::PanelId::Dying.prefix(),
    title: super::PanelId::Dying.title(),
    embed_height: 1900,
    controls: || state::FIELDS.iter().map(|f| f.control).collect(),
    relink: |pairs| {
        let (s, warnings) = state::Settings::from_pairs(pairs);
        let write: fn(&_) -> String = state::Settings::to_query;
        (write(&s), warnings)
    },
    #[cfg(not(target_arch = "wasm32"))]
    figures: |pairs| super::svgs_of(&state::State::new(state::Settings::from_pairs(pairs).0)),
    #[cfg(all(target_arch = "wasm32", feature = "page"))]
    mount: web::mount,
};
