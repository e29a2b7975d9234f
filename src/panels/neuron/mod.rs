//! "One neuron": the unit R of seeds 000 and 001. The learner kills it with one large gradient
//! step and cures it with a positive bias, a smaller learning rate or a leaky activation.

pub mod charts;
pub mod figures;
pub mod state;
#[cfg(all(target_arch = "wasm32", feature = "page"))]
pub mod web;
pub mod words;

/// This panel's row in the registry (`panels::PANELS`).
pub const PANEL: super::PanelInfo = super::PanelInfo {
    id: super::PanelId::Neuron,
    name: super::PanelId::Neuron.name(),
    prefix: super::PanelId::Neuron.prefix(),
    title: super::PanelId::Neuron.title(),
    embed_height: 1250,
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
