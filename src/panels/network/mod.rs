//! "A small network": seed 002's experiment live. Trains in time-boxed slices inside animation
//! frames, and draws the loss, the dead-unit map, a layer's distributions and a comparison of
//! the seed's remedies.
//!
//! - `settings`: the controls' specs, the seed's runs as presets, the field table;
//! - `run`: one training run in pieces of work, with an injected clock;
//! - `state`: messages, frames and every rule of the panel;
//! - `words`: its status line, autopsies and comparison lines.

pub mod charts;
pub mod engine;
pub mod export;
pub mod figures;
pub mod helper;
pub mod mirror;
pub mod plane;
pub mod probe_export;
pub mod report;
pub mod reproduce;
pub mod run;
pub mod settings;
pub mod state;
#[cfg(all(target_arch = "wasm32", feature = "page"))]
pub mod web;
pub mod wire;
pub mod words;
pub mod worker;

/// This panel's row in the registry (`panels::PANELS`).
pub const PANEL: super::PanelInfo = super::PanelInfo {
    id: super::PanelId::Network,
    name: super::PanelId::Network.name(),
    prefix: super::PanelId::Network.prefix(),
    title: super::PanelId::Network.title(),
    embed_height: 1900,
    controls: || settings::FIELDS.iter().map(|f| f.control).collect(),
    relink: |pairs| {
        let (s, warnings) = settings::Settings::from_pairs(pairs);
        let write: fn(&_) -> String = settings::Settings::to_query;
        (write(&s), warnings)
    },
    #[cfg(not(target_arch = "wasm32"))]
    figures: |pairs| super::svgs_of(&state::State::new(settings::Settings::from_pairs(pairs).0)),
    #[cfg(all(target_arch = "wasm32", feature = "page"))]
    mount: web::mount,
};
