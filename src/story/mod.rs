//! The story: the seeds' argument as guided steps that drive the live panels.
//!
//! Each [`Step`] has a title, a few plain sentences, the panel state it sets (a query of each
//! panel's own keys, read by that panel's field table exactly as a link is), one thing for the
//! learner to try, a question with its answer, and the claims the live panel must bear out
//! before and after the try. The claims are data, so the browser test walks every step,
//! drives its try on the real controls and checks them; the neuron's claims are also checked
//! natively through the panel's pure `update`.
//!
//! Pure and tested natively; the page part is `web::story`.

mod steps;

pub use steps::STEPS;

use crate::panels::PanelId;
use crate::spec::{echo, lookup};

/// The address key of the step (1-based, as a person counts).
pub const STEP_KEY: &str = "step";

/// One step of the guided path.
#[derive(Clone, Copy, Debug)]
pub struct Step {
    pub title: &'static str,
    /// Two to five plain sentences.
    pub words: &'static str,
    /// Where the seeds and the live runs part: what a seed says, beside what the runs show.
    pub seed_differs: Option<&'static str>,
    /// The panels it sets, as (panel, query of that panel's keys), and the first is the one
    /// brought into view.
    pub set: &'static [(PanelId, &'static str)],
    pub try_this: Try,
    pub question: &'static str,
    pub answer: &'static str,
    /// What the live panel shows once the step's state is set.
    pub before: Claim,
    /// What it shows after the learner did the try.
    pub after: Claim,
}

impl Step {
    /// The panel brought into view.
    pub fn panel(&self) -> PanelId {
        self.set.first().map_or(PanelId::Activation, |(p, _)| *p)
    }
}

/// The one thing to try: a sentence for the learner and the action it names, on the real
/// control of `panel`.
#[derive(Clone, Copy, Debug)]
pub struct Try {
    pub text: &'static str,
    pub panel: PanelId,
    pub action: Action,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Action {
    /// Press the button with this text (Train is pressed again to pause once the claim holds).
    Press(&'static str),
    /// Pick an option (by id) in the menu of this key.
    Choose(&'static str, &'static str),
    /// Move the slider of this key to a value.
    Slide(&'static str, f64),
}

/// A fact about a live panel that a step states, checkable on its status text and data-*.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Claim {
    /// The activation panel's status says this.
    ActivationSays(&'static str),
    /// R's gate is open for most inputs and R is alive.
    NeuronAlive,
    /// R's gate is shut for every input; the status says R is dead.
    NeuronDead,
    /// R's gate is shut for every input, but its activation still passes a gradient.
    NeuronLeaking,
    /// SGD steps were taken and w1, w2 and b did not move at all; R is still dead.
    NeuronFrozen,
    /// SGD moved w1, w2 or b.
    NeuronMoved,
    /// R's gate reopened after being shut: the status says R recovered.
    NeuronRecovered,
    /// The network has not been trained yet.
    NetworkReady,
    /// The output unit is dead, every gradient is 0, the loss sits at the dead line.
    NetworkDead,
    /// As `NetworkDead`, and the definitions disagree on the run: the exact count of dead
    /// units differs from the τ-dormant one (τ = 0.025), and the status says so.
    NetworkDefinitionsDisagree,
    /// No dead output, gradients flow, and the validation loss is below this.
    NetworkLearns(f64),
    /// ReDo recycled units in the last epoch, the output is alive, the validation loss is
    /// below this, and the status says what ReDo did.
    NetworkRecycles(f64),
    /// A classification whose output is alive ends with at least a third of its hidden units
    /// dead and its validation accuracy below this: dead units cost accuracy.
    NetworkCostly(f64),
    /// The finished phase map has a border: along bias 0 the smallest learning rate leaves
    /// most hidden units alive and the largest leaves most dead; at the most negative bias
    /// every cell is mostly dead (dead before training, the status says); at the most positive
    /// bias no cell is.
    MapBorder,
    /// The finished phase map has no mostly-dead cell.
    MapAlive,
    /// "Your model"'s status says this of the report on show.
    ModelSays(&'static str),
}

/// The step an address names (0-based), with a notice when `step=` was not a step.
pub fn step_from_pairs(pairs: &[(String, String)]) -> (Option<usize>, Option<String>) {
    let Some(text) = lookup(pairs, STEP_KEY) else {
        return (None, None);
    };
    match text.trim().parse::<usize>() {
        Ok(n) if (1..=STEPS.len()).contains(&n) => (Some(n - 1), None),
        Ok(n) if n > STEPS.len() => (
            Some(STEPS.len() - 1),
            Some(format!(
                "step = {n} is past the last step; showing step {} of {}.",
                STEPS.len(),
                STEPS.len()
            )),
        ),
        _ => (
            Some(0),
            Some(format!(
                "step = “{}” is not a step number (1 to {}); showing step 1.",
                echo(text),
                STEPS.len()
            )),
        ),
    }
}

/// What the live region says when a step opens.
pub fn announcement(index: usize) -> String {
    let step = &STEPS[index.min(STEPS.len() - 1)];
    format!(
        "Step {} of {}: {}. {}",
        index + 1,
        STEPS.len(),
        step.title,
        step.try_this.text
    )
}

/// "Step 3 of 12".
pub fn counter(index: usize) -> String {
    format!("Step {} of {}", index + 1, STEPS.len())
}

/// Where the learner is on the path: the step, and whether the guide is open (they can leave
/// it to play and come back).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tour {
    pub at: usize,
    pub open: bool,
}

/// What the learner can do with the guide.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Msg {
    Go(usize),
    Next,
    Previous,
    /// Close the guide and play; the panels stay as they are.
    Leave,
    /// Open the guide again at the step left.
    Resume,
}

impl Tour {
    /// Applies a message; true when a step opens, so its panel state is to be set.
    pub fn update(&mut self, msg: Msg) -> bool {
        let last = STEPS.len() - 1;
        let to = match msg {
            Msg::Go(i) => i.min(last),
            Msg::Next if self.at < last => self.at + 1,
            Msg::Previous if self.at > 0 => self.at - 1,
            Msg::Next | Msg::Previous => return false,
            Msg::Leave => {
                self.open = false;
                return false;
            }
            Msg::Resume => self.at,
        };
        self.at = to;
        self.open = true;
        true
    }

    /// The address's `step=N` while the guide is open.
    pub fn address_value(&self) -> Option<String> {
        self.open.then(|| (self.at + 1).to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_and_previous_stop_at_the_ends_and_leaving_keeps_the_place() {
        let mut t = Tour::default();
        assert!(!t.update(Msg::Previous));
        assert!(t.update(Msg::Next));
        assert_eq!((t.at, t.open), (1, true));
        assert_eq!(t.address_value().as_deref(), Some("2"));
        assert!(!t.update(Msg::Leave));
        assert_eq!((t.at, t.open, t.address_value()), (1, false, None));
        assert!(t.update(Msg::Resume));
        assert_eq!((t.at, t.open), (1, true));
        assert!(t.update(Msg::Go(99)));
        assert_eq!(t.at, STEPS.len() - 1);
        assert!(!t.update(Msg::Next));
    }
}
