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
pub mod network;
pub mod neuron;

/// What the page needs to know of a panel before mounting it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PanelInfo {
    /// The name in `data-panel` and `?panel=`.
    pub name: &'static str,
    /// What its keys are prefixed with in the full page's address (`neuron.b=0.3`), so two
    /// panels with a key of the same name (`f`, `alpha`, `lr`) keep their own values.
    pub prefix: &'static str,
    pub title: &'static str,
}

/// Every panel, in the page's order.
pub const PANELS: [PanelInfo; 4] = [
    PanelInfo {
        name: "activation",
        prefix: "act.",
        title: "Activation functions",
    },
    PanelInfo {
        name: "neuron",
        prefix: "neuron.",
        title: "One neuron",
    },
    PanelInfo {
        name: "network",
        prefix: "net.",
        title: "A small network",
    },
    PanelInfo {
        name: "dying",
        prefix: "dying.",
        title: "Where neurons die",
    },
];

/// The panel called `name`, if there is one.
pub fn find(name: &str) -> Option<PanelInfo> {
    PANELS.iter().copied().find(|p| p.name == name)
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
}
