//! "Your model": a dead-unit report of the learner's own network (written by the PyTorch or
//! Keras probe in `probes/`, or exported by "A small network"), read in the browser and shown
//! under a chosen definition of dead, with a diagnosis in words.
//!
//! - `reader`: the report from bytes, and what is wrong with a bad one;
//! - `examples`: the probe fixtures a learner can load with one click;
//! - `judge`: each unit's verdict and each layer's share under the definition;
//! - `state`: the settings, messages and rules; `words`: the summary and the diagnosis;
//! - `charts`, `figures`: the four charts; `web` (wasm only): the page part.

pub mod charts;
pub mod examples;
pub mod figures;
pub mod judge;
pub mod reader;
pub mod state;
#[cfg(all(target_arch = "wasm32", feature = "page"))]
pub mod web;
pub mod words;

/// This panel's row in the registry (`panels::PANELS`).
pub const PANEL: super::PanelInfo = super::PanelInfo {
    id: super::PanelId::Model,
    name: super::PanelId::Model.name(),
    prefix: super::PanelId::Model.prefix(),
    title: super::PanelId::Model.title(),
    embed_height: 1900,
    controls: || state::FIELDS.iter().map(|f| f.control).collect(),
    relink: |pairs| {
        let (s, warnings) = state::from_pairs(pairs);
        let write: fn(&_) -> String = |s| crate::spec::write_query(&state::FIELDS, s);
        (write(&s), warnings)
    },
    #[cfg(not(target_arch = "wasm32"))]
    figures: |pairs| super::svgs_of(&state::State::new(state::from_pairs(pairs).0)),
    #[cfg(all(target_arch = "wasm32", feature = "page"))]
    mount: web::mount,
};
