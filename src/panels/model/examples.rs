//! The example reports a learner can load with one click: real probe runs from
//! `probes/fixtures` (see probes/README.md), built into the page so an example loads at once
//! and a link can name one.

/// An example report: its id (in links), its button's words, and its text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Example {
    pub id: &'static str,
    pub label: &'static str,
    pub text: &'static str,
}

/// The examples, in the order of their buttons.
pub const EXAMPLES: [Example; 4] = [
    Example {
        id: "torch_cnn",
        label: "PyTorch CNN",
        text: include_str!("../../../probes/fixtures/torch_cnn.dead.json"),
    },
    Example {
        id: "torch_constructed",
        label: "PyTorch MLP with 6 units killed by hand",
        text: include_str!("../../../probes/fixtures/torch_constructed.dead.json"),
    },
    Example {
        id: "torch_high_lr",
        label: "PyTorch MLP at a high learning rate",
        text: include_str!("../../../probes/fixtures/torch_high_lr.dead.json"),
    },
    Example {
        id: "keras_cnn",
        label: "Keras CNN",
        text: include_str!("../../../probes/fixtures/keras_cnn.dead.json"),
    },
];

/// The id a link gives when no example is loaded (the learner's own report, or none).
pub const NONE: &str = "none";

/// The example with this id.
pub fn find(id: &str) -> Option<Example> {
    EXAMPLES.into_iter().find(|e| e.id == id)
}
