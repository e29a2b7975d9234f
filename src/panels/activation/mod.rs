//! "Activation functions": f(x) and f′(x) of the functions the seeds compare, with the region
//! where f′ = 0 shaded, the side where a unit can die.

pub mod charts;
pub mod figures;
pub mod state;
#[cfg(all(target_arch = "wasm32", feature = "page"))]
pub mod web;
pub mod words;

/// This panel's row in the registry (`panels::PANELS`).
pub const PANEL: super::PanelInfo = super::PanelInfo {
    id: super::PanelId::Activation,
    name: super::PanelId::Activation.name(),
    prefix: super::PanelId::Activation.prefix(),
    title: super::PanelId::Activation.title(),
    embed_height: 720,
    controls: || state::FIELDS.iter().map(|f| f.control).collect(),
    relink: |pairs| {
        let (s, warnings) = state::from_pairs(pairs);
        let write: fn(&_) -> String = |s| crate::spec::write_query(&state::FIELDS, s);
        (write(&s), warnings)
    },
    #[cfg(not(target_arch = "wasm32"))]
    figures: |pairs| super::svgs_of(&state::from_pairs(pairs).0),
    #[cfg(all(target_arch = "wasm32", feature = "page"))]
    mount: web::mount,
};
