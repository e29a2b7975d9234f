//! The panel's settings and their field table, what the learner can do (`Msg`) and the pure
//! `update` that holds every rule: a bad file leaves the report on show as it was.

use super::examples::{self, EXAMPLES, NONE};
use super::judge::Judge;
use super::reader;
use crate::dead_report::Report;
use crate::sim::dead::Definition;
use crate::spec::{self, always, ChoiceSpec, Control, Field, Value};

/// The definitions a report can be read under: the unit verdicts and fastai's near zero
/// (zero fraction is sparsity, not death, and is left out).
pub const DEFINITIONS: [Definition; 4] = [
    Definition::Exact,
    Definition::NeverFires,
    Definition::Dormant,
    Definition::NearZero,
];

/// Which definition of dead: the key, label and ids of the network panel's menu, so a
/// `dead=` in a link means the same in both.
pub const DEFINITION: ChoiceSpec = ChoiceSpec {
    key: "dead",
    label: "Count as dead",
    options: || {
        DEFINITIONS
            .iter()
            .map(|d| (d.id().into(), d.label().into()))
            .collect()
    },
};

/// τ of Sokar et al.'s dormant units, the network panel's τ (`spec::TAU`).
pub use crate::spec::TAU;

/// The example a link loads ("none": the learner's own report, which no link carries).
pub const EXAMPLE: ChoiceSpec = ChoiceSpec {
    key: "ex",
    label: "Example report",
    options: || {
        let mut out = vec![(NONE.to_string(), "None (your own report)".to_string())];
        out.extend(EXAMPLES.iter().map(|e| (e.id.into(), e.label.into())));
        out
    },
};

/// What the controls set.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Settings {
    /// The example's id, or `None` for the learner's own report.
    pub example: Option<&'static str>,
    pub definition: Definition,
    pub tau: f64,
}

impl Default for Settings {
    /// An example on show from the start, so the panel explains itself before any file.
    fn default() -> Self {
        Settings {
            example: Some(EXAMPLES[0].id),
            definition: Definition::Exact,
            tau: TAU.default,
        }
    }
}

/// Every setting, in the order the panel shows them.
pub const FIELDS: [Field<Settings>; 3] = [
    Field {
        control: Control::Menu(EXAMPLE),
        get: |s| Value::Choice(s.example.unwrap_or(NONE).into()),
        set: |s, v| {
            if let Some(id) = v.choice() {
                s.example = examples::find(id).map(|e| e.id);
            }
        },
        applies: always,
    },
    Field {
        control: Control::Menu(DEFINITION),
        get: |s| Value::Choice(s.definition.id().into()),
        set: |s, v| {
            if let Some(d) = v.choice().and_then(Definition::from_id) {
                if DEFINITIONS.contains(&d) {
                    s.definition = d;
                }
            }
        },
        applies: always,
    },
    Field {
        control: Control::Slider(TAU),
        get: |s| Value::Number(s.tau),
        set: |s, v| s.tau = v.number().unwrap_or(s.tau),
        applies: |s| s.definition == Definition::Dormant,
    },
];

/// Reads the settings from query pairs; never fails.
pub fn from_pairs(pairs: &[(String, String)]) -> (Settings, Vec<spec::ParamWarning>) {
    let mut s = Settings::default();
    let w = spec::read_query(&FIELDS, pairs, &mut s);
    (s, w)
}

/// A report on show and where it came from.
#[derive(Clone, Debug, PartialEq)]
pub struct Loaded {
    /// The file's name, "pasted text", or the example's label.
    pub name: String,
    pub report: Report,
}

/// The name a pasted report goes by.
pub const PASTED: &str = "The pasted text";

/// What the learner can do here.
#[derive(Clone, Debug, PartialEq)]
pub enum Msg {
    /// A control changed (choosing an example loads it).
    Set(&'static str, Value),
    /// A file was dropped, picked or pasted: its name and bytes.
    Load { name: String, bytes: Vec<u8> },
    /// A file was refused before it was read (too large, unreadable): why.
    Refuse(String),
}

/// The panel's whole state.
#[derive(Clone, Debug, PartialEq)]
pub struct State {
    pub settings: Settings,
    pub loaded: Option<Loaded>,
    /// Why the last file was not used; cleared by the next one that is.
    pub notice: Option<String>,
}

impl State {
    pub fn new(settings: Settings) -> State {
        let mut s = State {
            settings,
            loaded: None,
            notice: None,
        };
        s.load_example();
        s
    }

    pub fn judge(&self) -> Judge {
        Judge {
            definition: self.settings.definition,
            tau: self.settings.tau,
        }
    }

    pub fn report(&self) -> Option<&Report> {
        self.loaded.as_ref().map(|l| &l.report)
    }

    /// Applies a message.
    pub fn update(&mut self, msg: Msg) {
        match msg {
            Msg::Set(key, value) => {
                if let Some(f) = FIELDS.iter().find(|f| f.key() == key) {
                    (f.set)(&mut self.settings, &value);
                }
                if key == EXAMPLE.key {
                    self.load_example();
                }
            }
            Msg::Load { name, bytes } => match reader::read(&bytes) {
                Ok(report) => {
                    self.loaded = Some(Loaded { name, report });
                    self.settings.example = None;
                    self.notice = None;
                }
                Err(e) => self.refuse(format!("{} was not read: {e}.", spec::echo(&name))),
            },
            Msg::Refuse(why) => self.refuse(why),
        }
    }

    /// Keeps the report on show and says why the new one was not used.
    fn refuse(&mut self, why: String) {
        self.notice = Some(match &self.loaded {
            Some(l) => format!("{why} Still showing {}.", spec::echo(&l.name)),
            None => why,
        });
    }

    /// Loads the settings' example (none: nothing on show).
    fn load_example(&mut self) {
        let Some(e) = self.settings.example.and_then(examples::find) else {
            self.loaded = None;
            self.notice = None;
            return;
        };
        match reader::read(e.text.as_bytes()) {
            Ok(report) => {
                self.loaded = Some(Loaded {
                    name: format!("the example “{}”", e.label),
                    report,
                });
                self.notice = None;
            }
            // A fixture the reader refuses is a bug the tests catch; the page still says so.
            Err(err) => self.refuse(format!("The example {} was not read: {err}.", e.id)),
        }
    }
}
