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
/// Every build knows every panel's name, prefix and title; only the panels it holds have a
/// row in [`PANELS`] (the page is built in two parts, see [`PanelId::held`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PanelId {
    Activation,
    Neuron,
    Network,
    Dying,
    Model,
}

impl PanelId {
    /// Every panel, in the page's order.
    pub const ALL: [PanelId; 5] = [
        PanelId::Activation,
        PanelId::Neuron,
        PanelId::Network,
        PanelId::Dying,
        PanelId::Model,
    ];

    /// The name in `data-panel` and `?panel=`.
    pub const fn name(self) -> &'static str {
        match self {
            PanelId::Activation => "activation",
            PanelId::Neuron => "neuron",
            PanelId::Network => "network",
            PanelId::Dying => "dying",
            PanelId::Model => "model",
        }
    }

    /// What its keys are prefixed with in the full page's address (`neuron.b=0.3`), so two
    /// panels with a key of the same name (`f`, `alpha`, `lr`) keep their own values.
    pub const fn prefix(self) -> &'static str {
        match self {
            PanelId::Activation => "act.",
            PanelId::Neuron => "neuron.",
            PanelId::Network => "net.",
            PanelId::Dying => "dying.",
            PanelId::Model => "model.",
        }
    }

    /// Its heading on the page.
    pub const fn title(self) -> &'static str {
        match self {
            PanelId::Activation => "Activation functions",
            PanelId::Neuron => "One neuron",
            PanelId::Network => "A small network",
            PanelId::Dying => "Where neurons die",
            PanelId::Model => "Your model",
        }
    }

    /// The panel called `name`, held by this build or not.
    pub fn from_name(name: &str) -> Option<PanelId> {
        PanelId::ALL.into_iter().find(|id| id.name() == name)
    }

    /// Whether this build holds the panel's code. The page loads in two parts (Cargo
    /// features `intro` and `lab`, index.html): the first screen's panels first, the rest
    /// once it has drawn; each part mounts the panels it holds and hands the others to the
    /// part that holds them (`web::parts`). A build with both features holds every panel.
    pub fn held(self) -> bool {
        info(self).is_some()
    }
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
    /// `id.name()`, `id.prefix()` and `id.title()`, kept in the row for its users' sake.
    pub name: &'static str,
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
    /// Its figures, from a link, as Save SVG draws them (natively only: the page's own
    /// Save SVG draws what is on screen, and a third copy of every chart's drawing code in
    /// the page's wasm, for this SVG backend, was 20 KB).
    #[cfg(not(target_arch = "wasm32"))]
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

/// The panels this build holds, in the page's order: the registry. Only these rows are
/// linked in, so a part of the page carries none of the other part's code.
pub const PANELS: &[PanelInfo] = &[
    #[cfg(feature = "intro")]
    activation::PANEL,
    #[cfg(feature = "lab")]
    neuron::PANEL,
    #[cfg(feature = "lab")]
    network::PANEL,
    #[cfg(feature = "lab")]
    dying::PANEL,
    #[cfg(feature = "lab")]
    model::PANEL,
];

/// The panel called `name`, if this build holds it.
pub fn find(name: &str) -> Option<PanelInfo> {
    PANELS.iter().copied().find(|p| p.name == name)
}

/// The row of panel `id`, if this build holds it.
pub fn info(id: PanelId) -> Option<PanelInfo> {
    PANELS.iter().copied().find(|p| p.id == id)
}

/// Every panel's name (held here or not), for messages.
pub fn names() -> String {
    PanelId::ALL.map(PanelId::name).join(", ")
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
    fn a_whole_build_holds_every_panel_in_page_order() {
        assert_eq!(
            PANELS.iter().map(|p| p.id).collect::<Vec<_>>(),
            PanelId::ALL
        );
        assert!(PanelId::ALL.iter().all(|id| id.held()));
    }

    #[test]
    fn every_row_is_found_by_its_name_and_its_id() {
        for (k, p) in PANELS.iter().enumerate() {
            assert_eq!(find(p.name), Some(*p));
            assert_eq!(info(p.id), Some(*p));
            assert_eq!(
                (p.name, p.prefix, p.title),
                (p.id.name(), p.id.prefix(), p.id.title())
            );
            assert_eq!(PanelId::from_name(p.name), Some(p.id));
            assert!(PANELS[k + 1..]
                .iter()
                .all(|q| q.id != p.id && q.name != p.name));
            assert!(!p.keys().is_empty() && p.embed_height >= 600, "{}", p.name);
        }
    }
}
