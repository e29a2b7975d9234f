//! The panel's settings, their field table, and its one message.

use crate::sim::activation::{Activation, ActivationKind};
use crate::spec::{self, activation_of, always, ChoiceSpec, Control, Field, Value, ALPHA};

/// What the controls set.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Settings {
    pub kind: ActivationKind,
    pub alpha: f64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            kind: ActivationKind::Relu,
            alpha: ALPHA.default,
        }
    }
}

impl Settings {
    pub fn activation(&self) -> Activation {
        self.kind.with_alpha(self.alpha)
    }
}

/// The α slider's key, to disable it where α does not apply.
pub const ALPHA_KEY: &str = ALPHA.key;

pub const FUNCTION: ChoiceSpec = ChoiceSpec {
    key: "f",
    label: "Function",
    options: spec::activation_options,
};

/// Every setting, in the order the panel shows them.
pub const FIELDS: [Field<Settings>; 2] = [
    Field {
        control: Control::Menu(FUNCTION),
        get: |s| Value::Choice(s.kind.id().into()),
        set: |s, v| s.kind = activation_of(v).unwrap_or(s.kind),
        applies: always,
    },
    Field {
        control: Control::Slider(ALPHA),
        get: |s| Value::Number(s.alpha),
        set: |s, v| s.alpha = v.number().unwrap_or(s.alpha),
        // α is shown for every function (disabled where it does not apply), and kept in links.
        applies: always,
    },
];

/// What the learner can do here.
#[derive(Clone, Debug, PartialEq)]
pub enum Msg {
    /// A control changed.
    Set(&'static str, Value),
}

/// Applies a message.
pub fn update(s: &mut Settings, msg: Msg) {
    match msg {
        Msg::Set(key, value) => {
            if let Some(f) = FIELDS.iter().find(|f| f.key() == key) {
                (f.set)(s, &value);
            }
        }
    }
}

/// Reads the settings from query pairs; never fails.
pub fn from_pairs(pairs: &[(String, String)]) -> (Settings, Vec<spec::ParamWarning>) {
    let mut s = Settings::default();
    let w = spec::read_query(&FIELDS, pairs, &mut s);
    (s, w)
}

/// Whether α applies to the function on show (the slider is disabled otherwise).
pub fn alpha_applies(s: &Settings) -> bool {
    s.kind.uses_alpha()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::query_pairs;

    #[test]
    fn a_message_sets_one_field() {
        let mut s = Settings::default();
        update(&mut s, Msg::Set("f", Value::Choice("elu".into())));
        update(&mut s, Msg::Set("alpha", Value::Number(0.6)));
        assert_eq!((s.kind, s.alpha), (ActivationKind::Elu, 0.6));
        assert!(alpha_applies(&s));
    }

    #[test]
    fn hostile_values_are_repaired() {
        let (s, w) = from_pairs(&query_pairs("f=%3Cscript%3E&alpha=7"));
        assert_eq!(
            s,
            Settings {
                alpha: 1.0,
                ..Settings::default()
            }
        );
        assert_eq!(w.len(), 2, "{w:?}");
    }
}
