//! The panels, one folder each. Every panel has the same shape:
//!
//! - `state.rs`: its settings and their `FIELDS` table (parsing a link, writing one, reading
//!   and writing the controls all loop over it), what the learner can do as one `Msg` enum,
//!   and a pure `update` that holds every rule; tested natively.
//! - `words.rs`: the live summaries and explanations, derived from numbers; tested natively.
//! - `charts/` (or `chart.rs`): its drawings, generic over plotters' `DrawingBackend`.
//! - `web.rs` (wasm only): builds the controls, turns events into messages, renders.
//!
//! A panel never imports another panel; what two share lives in `spec`, `chart` or `sim`.

pub mod activation;
pub mod dying;
pub mod model;
pub mod network;
pub mod neuron;

use crate::spec::{Control, ParamWarning};

/// Which panel: how the page, the guided path, embeds and tests name a panel (never by a
/// string, so a panel missing from a `match` is a compile error, not a silent fall-through).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PanelId {
    Activation,
    Neuron,
    Network,
    Dying,
    Model,
}

/// How a panel builds itself into a host element (the page's web layer only).
#[cfg(all(target_arch = "wasm32", feature = "page"))]
pub type MountFn = fn(
    &web_sys::Element,
    &[(String, String)],
    Option<crate::web::address::Address>,
) -> Result<crate::web::Panel, wasm_bindgen::JsValue>;

/// Reads a panel's settings from a link's pairs and writes its link back, with the repairs.
pub type RelinkFn = fn(&[(String, String)]) -> (String, Vec<ParamWarning>);

/// Draws every figure of a panel set up from a link's pairs as Save SVG does: (file name,
/// the SVG or why it failed), for tests and for anyone rendering figures outside the page.
pub type FiguresFn = fn(&[(String, String)]) -> Vec<(String, Result<String, String>)>;

/// A panel's row in the registry: everything the page, embeds and tests need to know of it.
/// Each panel's `mod.rs` writes its own row (`PANEL`); [`PANELS`] lists them.
#[derive(Clone, Copy, Debug)]
pub struct PanelInfo {
    pub id: PanelId,
    /// The name in `data-panel` and `?panel=`.
    pub name: &'static str,
    /// What its keys are prefixed with in the full page's address (`neuron.b=0.3`), so two
    /// panels with a key of the same name (`f`, `alpha`, `lr`) keep their own values.
    pub prefix: &'static str,
    pub title: &'static str,
    /// An iframe's height in CSS pixels that shows the whole panel on a laptop.
    pub embed_height: u32,
    /// Its settings' controls, in its FIELDS table's order (their keys are the names a link
    /// and a lesson use).
    pub controls: fn() -> Vec<Control>,
    /// Reads settings from a link's pairs and writes the link those settings make, with what
    /// was repaired on the way: the round trip every link, embed and address takes.
    pub relink: RelinkFn,
    /// Its figures, from a link, as Save SVG draws them.
    pub figures: FiguresFn,
    /// Builds the panel into a host element.
    #[cfg(all(target_arch = "wasm32", feature = "page"))]
    pub mount: MountFn,
}

impl PartialEq for PanelInfo {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
    }
}

impl Eq for PanelInfo {}

impl PanelInfo {
    /// The keys of its field table: the names a lesson link may hide or lock.
    pub fn keys(&self) -> Vec<&'static str> {
        (self.controls)().iter().map(|c| c.key()).collect()
    }
}

/// The figures of `panel`, each as (file name, SVG): what [`PanelInfo::figures`] returns.
pub fn svgs_of<F: crate::chart::figure::Figures>(
    panel: &F,
) -> Vec<(String, Result<String, String>)> {
    (0..panel.figures().len())
        .map(|i| {
            (
                panel.file_name(i, "svg"),
                crate::chart::figure::slide_svg(panel, i),
            )
        })
        .collect()
}

/// Every panel, in the page's order: the registry.
pub const PANELS: [PanelInfo; 5] = [
    activation::PANEL,
    neuron::PANEL,
    network::PANEL,
    dying::PANEL,
    model::PANEL,
];

/// The panel called `name`, if there is one.
pub fn find(name: &str) -> Option<PanelInfo> {
    PANELS.iter().copied().find(|p| p.name == name)
}

/// The row of panel `id`.
pub fn info(id: PanelId) -> PanelInfo {
    match id {
        PanelId::Activation => activation::PANEL,
        PanelId::Neuron => neuron::PANEL,
        PanelId::Network => network::PANEL,
        PanelId::Dying => dying::PANEL,
        PanelId::Model => model::PANEL,
    }
}

/// The panels' names, for messages.
pub fn names() -> String {
    PANELS.map(|p| p.name).join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_are_distinct_and_end_with_a_dot() {
        for (i, a) in PANELS.iter().enumerate() {
            assert!(a.prefix.ends_with('.'));
            for b in &PANELS[i + 1..] {
                assert!(!a.prefix.starts_with(b.prefix) && !b.prefix.starts_with(a.prefix));
            }
        }
        assert_eq!(find("neuron").map(|p| p.prefix), Some("neuron."));
        assert!(find("nope").is_none());
    }

    #[test]
    fn every_row_is_found_by_its_name_and_its_id() {
        for (k, p) in PANELS.iter().enumerate() {
            assert_eq!(find(p.name), Some(*p));
            assert_eq!(info(p.id), *p);
            assert!(PANELS[k + 1..]
                .iter()
                .all(|q| q.id != p.id && q.name != p.name));
            assert!(!p.keys().is_empty() && p.embed_height >= 600, "{}", p.name);
        }
    }
}
