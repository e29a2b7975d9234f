//! Every tunable value, in one place: its default, range, scale and parsing.
//!
//! The sliders, the URL parser and the tests all read these specs, so "what is a valid learning
//! rate" is decided once. Parsing never fails hard: a value that is out of range is clamped and a
//! value that is not a number falls back to the default, and either way a [`ParamWarning`] says
//! what happened, in words the page can show.

use crate::sim::activation::{Activation, ActivationKind};
use std::fmt;

/// How a slider maps its position to the value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scale {
    Linear,
    /// The slider moves through log10 of the value, for learning rates.
    Log,
}

/// A number a person can tune, with everything a control or a parser needs to know.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct NumberSpec {
    /// Key in the URL query and suffix of the control's id.
    pub key: &'static str,
    /// What the control's label says.
    pub label: &'static str,
    pub min: f64,
    pub max: f64,
    pub default: f64,
    /// Slider step in value units (in log10 units for [`Scale::Log`]).
    pub step: f64,
    pub scale: Scale,
    /// Significant digits shown next to the slider.
    pub digits: usize,
}

impl NumberSpec {
    /// Clamps a finite value into range; `None` for NaN or infinity.
    pub fn clamp(&self, value: f64) -> Option<f64> {
        value.is_finite().then(|| value.clamp(self.min, self.max))
    }

    /// Parses text from a URL or an input. Always returns a usable value; a warning explains
    /// any repair.
    pub fn parse(&self, text: &str) -> (f64, Option<ParamWarning>) {
        let trimmed = text.trim();
        match trimmed.parse::<f64>() {
            Ok(v) if v.is_finite() => {
                let c = v.clamp(self.min, self.max);
                if c != v {
                    let warning = ParamWarning::OutOfRange {
                        key: self.key,
                        given: v,
                        used: c,
                        min: self.min,
                        max: self.max,
                    };
                    (c, Some(warning))
                } else {
                    (v, None)
                }
            }
            _ => (
                self.default,
                Some(ParamWarning::NotANumber {
                    key: self.key,
                    given: shorten(trimmed),
                    used: self.default,
                }),
            ),
        }
    }

    /// Slider position (what `<input type=range>` holds) for a value.
    pub fn to_slider(&self, value: f64) -> f64 {
        match self.scale {
            Scale::Linear => value,
            Scale::Log => value.max(f64::MIN_POSITIVE).log10(),
        }
    }

    /// Value for a slider position, clamped into range.
    pub fn from_slider(&self, position: f64) -> f64 {
        let v = match self.scale {
            Scale::Linear => position,
            Scale::Log => 10f64.powf(position),
        };
        self.clamp(v).unwrap_or(self.default)
    }

    /// Slider bounds and step, in slider units.
    pub fn slider_range(&self) -> (f64, f64, f64) {
        (
            self.to_slider(self.min),
            self.to_slider(self.max),
            self.step,
        )
    }

    /// The value as a person reads it: `digits` significant digits, no trailing noise.
    pub fn format(&self, value: f64) -> String {
        format_sig(value, self.digits)
    }
}

/// Formats with `digits` significant digits; small or large magnitudes in scientific form.
pub fn format_sig(value: f64, digits: usize) -> String {
    if !value.is_finite() {
        return if value.is_nan() {
            "NaN".into()
        } else if value > 0.0 {
            "∞".into()
        } else {
            "−∞".into()
        };
    }
    if value == 0.0 {
        return "0".into();
    }
    let digits = digits.max(1);
    let magnitude = value.abs().log10().floor() as i32;
    if !(-3..6).contains(&magnitude) {
        return format!("{:.*e}", digits - 1, value);
    }
    let decimals = (digits as i32 - 1 - magnitude).max(0) as usize;
    let text = format!("{value:.decimals$}");
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    }
}

fn shorten(text: &str) -> String {
    // A warning quotes what was given, but a hostile URL must not fill the page.
    const MAX: usize = 24;
    if text.chars().count() > MAX {
        let mut s: String = text.chars().take(MAX).collect();
        s.push('…');
        s
    } else {
        text.to_string()
    }
}

/// What went wrong with one value, and what was used instead.
#[derive(Clone, Debug, PartialEq)]
pub enum ParamWarning {
    OutOfRange {
        key: &'static str,
        given: f64,
        used: f64,
        min: f64,
        max: f64,
    },
    NotANumber {
        key: &'static str,
        given: String,
        used: f64,
    },
    UnknownChoice {
        key: &'static str,
        given: String,
        used: &'static str,
    },
}

impl fmt::Display for ParamWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParamWarning::OutOfRange {
                key,
                given,
                used,
                min,
                max,
            } => write!(
                f,
                "{key} = {} is outside {} to {}; using {}.",
                format_sig(*given, 3),
                format_sig(*min, 3),
                format_sig(*max, 3),
                format_sig(*used, 3)
            ),
            ParamWarning::NotANumber { key, given, used } => {
                write!(
                    f,
                    "{key} = “{given}” is not a number; using {}.",
                    format_sig(*used, 3)
                )
            }
            ParamWarning::UnknownChoice { key, given, used } => {
                write!(
                    f,
                    "{key} = “{given}” is not one of the choices; using {used}."
                )
            }
        }
    }
}

/// Slope α of Leaky ReLU and ELU.
pub const ALPHA: NumberSpec = NumberSpec {
    key: "alpha",
    label: "Slope α",
    min: 0.0,
    max: 1.0,
    default: 0.1,
    step: 0.01,
    scale: Scale::Linear,
    digits: 2,
};

/// Splits a query string ("?a=1&b=2" or "a=1&b=2") into decoded pairs.
pub fn query_pairs(query: &str) -> Vec<(String, String)> {
    let q = query.strip_prefix('?').unwrap_or(query);
    form_urlencoded::parse(q.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// Finds a key's value among parsed pairs; the last occurrence wins, as in most URL readers.
pub fn lookup<'a>(pairs: &'a [(String, String)], key: &str) -> Option<&'a str> {
    pairs
        .iter()
        .rev()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

/// Reads a number from pairs, or its default when absent.
pub fn read_number(
    pairs: &[(String, String)],
    spec: &NumberSpec,
    warnings: &mut Vec<ParamWarning>,
) -> f64 {
    match lookup(pairs, spec.key) {
        None => spec.default,
        Some(text) => {
            let (v, w) = spec.parse(text);
            warnings.extend(w);
            v
        }
    }
}

/// Reads an activation choice by id, falling back to `default`.
pub fn read_activation(
    pairs: &[(String, String)],
    key: &'static str,
    choices: &[ActivationKind],
    default: ActivationKind,
    warnings: &mut Vec<ParamWarning>,
) -> ActivationKind {
    match lookup(pairs, key) {
        None => default,
        Some(text) => choices
            .iter()
            .copied()
            .find(|k| k.id() == text.trim())
            .unwrap_or_else(|| {
                warnings.push(ParamWarning::UnknownChoice {
                    key,
                    given: shorten(text),
                    used: default.id(),
                });
                default
            }),
    }
}

/// The "Activation functions" panel's state.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ActivationParams {
    pub kind: ActivationKind,
    pub alpha: f64,
}

impl Default for ActivationParams {
    fn default() -> Self {
        ActivationParams {
            kind: ActivationKind::Relu,
            alpha: ALPHA.default,
        }
    }
}

impl ActivationParams {
    pub const KIND_KEY: &'static str = "f";

    /// The activation functions the panel offers, in the order of the seeds' story.
    pub const CHOICES: [ActivationKind; 6] = [
        ActivationKind::Relu,
        ActivationKind::LeakyRelu,
        ActivationKind::Elu,
        ActivationKind::Selu,
        ActivationKind::Tanh,
        ActivationKind::Sigmoid,
    ];

    pub fn activation(&self) -> Activation {
        self.kind.with_alpha(self.alpha)
    }

    /// The query string that reproduces this state.
    pub fn to_query(&self) -> String {
        let mut s = form_urlencoded::Serializer::new(String::new());
        s.append_pair(Self::KIND_KEY, self.kind.id());
        s.append_pair(ALPHA.key, &self.alpha.to_string());
        s.finish()
    }

    /// Reads the panel's state from query pairs; never fails.
    pub fn from_pairs(pairs: &[(String, String)]) -> (Self, Vec<ParamWarning>) {
        let mut warnings = Vec::new();
        let d = Self::default();
        let kind = read_activation(pairs, Self::KIND_KEY, &Self::CHOICES, d.kind, &mut warnings);
        let alpha = read_number(pairs, &ALPHA, &mut warnings);
        (ActivationParams { kind, alpha }, warnings)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_sig_uses_three_significant_digits() {
        assert_eq!(format_sig(0.123456, 3), "0.123");
        assert_eq!(format_sig(4.3333, 3), "4.33");
        assert_eq!(format_sig(1234.6, 3), "1235");
        assert_eq!(format_sig(0.0001, 3), "1.00e-4");
        assert_eq!(format_sig(0.5, 2), "0.5");
        assert_eq!(format_sig(f64::NAN, 3), "NaN");
    }

    #[test]
    fn log_slider_round_trips() {
        let spec = NumberSpec {
            scale: Scale::Log,
            min: 1e-4,
            max: 10.0,
            default: 0.01,
            ..ALPHA
        };
        let v = spec.from_slider(spec.to_slider(0.03));
        assert!((v - 0.03).abs() < 1e-12);
        assert_eq!(spec.from_slider(5.0), 10.0);
    }
}

/// Learning rate of the single neuron's SGD.
pub const NEURON_LR: NumberSpec = NumberSpec {
    key: "lr",
    label: "Learning rate",
    min: 1e-4,
    max: 10.0,
    default: crate::sim::neuron::DEFAULT_LR,
    step: 0.05,
    scale: Scale::Log,
    digits: 3,
};

/// The neuron's bias b; moving the slider sets b.
pub const NEURON_BIAS: NumberSpec = NumberSpec {
    key: "b",
    label: "Bias b",
    min: -2.0,
    max: 2.0,
    default: 0.0,
    step: 0.01,
    scale: Scale::Linear,
    digits: 3,
};

/// The "One neuron" panel's state.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct NeuronParams {
    pub kind: ActivationKind,
    pub alpha: f64,
    pub lr: f64,
    pub bias: f64,
}

impl Default for NeuronParams {
    fn default() -> Self {
        NeuronParams {
            kind: ActivationKind::Relu,
            alpha: ALPHA.default,
            lr: NEURON_LR.default,
            bias: NEURON_BIAS.default,
        }
    }
}

impl NeuronParams {
    pub fn activation(&self) -> Activation {
        self.kind.with_alpha(self.alpha)
    }

    /// The query string that reproduces this state (b is the starting bias).
    pub fn to_query(&self) -> String {
        let mut s = form_urlencoded::Serializer::new(String::new());
        s.append_pair(ActivationParams::KIND_KEY, self.kind.id());
        s.append_pair(ALPHA.key, &self.alpha.to_string());
        s.append_pair(NEURON_LR.key, &self.lr.to_string());
        s.append_pair(NEURON_BIAS.key, &self.bias.to_string());
        s.finish()
    }

    /// Reads the panel's state from query pairs; never fails.
    pub fn from_pairs(pairs: &[(String, String)]) -> (Self, Vec<ParamWarning>) {
        let mut warnings = Vec::new();
        let d = Self::default();
        let kind = read_activation(
            pairs,
            ActivationParams::KIND_KEY,
            &ActivationParams::CHOICES,
            d.kind,
            &mut warnings,
        );
        let alpha = read_number(pairs, &ALPHA, &mut warnings);
        let lr = read_number(pairs, &NEURON_LR, &mut warnings);
        let bias = read_number(pairs, &NEURON_BIAS, &mut warnings);
        (
            NeuronParams {
                kind,
                alpha,
                lr,
                bias,
            },
            warnings,
        )
    }
}

#[cfg(test)]
mod neuron_param_tests {
    use super::*;

    #[test]
    fn hostile_values_are_repaired() {
        let pairs = query_pairs("?lr=NaN&b=-1e9&alpha=abc&f=relu%00");
        let (p, w) = NeuronParams::from_pairs(&pairs);
        assert_eq!(p.lr, NEURON_LR.default);
        assert_eq!(p.bias, -2.0);
        assert_eq!(p.alpha, ALPHA.default);
        assert_eq!(p.kind, ActivationKind::Relu);
        assert_eq!(w.len(), 4, "{w:?}");
    }

    #[test]
    fn links_round_trip() {
        let p = NeuronParams {
            kind: ActivationKind::Elu,
            alpha: 0.37,
            lr: 0.0123,
            bias: -1.5,
        };
        assert_eq!(
            NeuronParams::from_pairs(&query_pairs(&p.to_query())),
            (p, vec![])
        );
        let a = ActivationParams {
            kind: ActivationKind::Selu,
            alpha: 0.9,
        };
        assert_eq!(
            ActivationParams::from_pairs(&query_pairs(&a.to_query())),
            (a, vec![])
        );
    }

    #[test]
    fn good_values_pass_through() {
        let (p, w) =
            NeuronParams::from_pairs(&query_pairs("f=leaky_relu&alpha=0.1&lr=0.0001&b=0.5"));
        assert!(w.is_empty());
        assert_eq!(
            (p.kind, p.alpha, p.lr, p.bias),
            (ActivationKind::LeakyRelu, 0.1, 0.0001, 0.5)
        );
    }
}
