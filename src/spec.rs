//! What every panel's settings share: a number's spec (range, default, scale), a choice's
//! options, the warnings a repaired value gives, and the field table that drives parsing a
//! query, writing a link and reading and writing the controls from one list.
//!
//! Parsing never fails hard: a value that is out of range is clamped, a value that is not a
//! number falls back to the default, an unknown choice keeps the current one, and each repair
//! is reported as a [`ParamWarning`] in words the page can show.

use crate::sim::activation::ActivationKind;
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
                    given: trimmed.to_string(),
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

/// A menu: its key, its label, and its options as (id, text), the id being what a link holds.
#[derive(Clone, Copy, Debug)]
pub struct ChoiceSpec {
    pub key: &'static str,
    pub label: &'static str,
    pub options: fn() -> Vec<(String, String)>,
}

impl ChoiceSpec {
    /// The option whose id is `text` (trimmed), if there is one.
    pub fn find(&self, text: &str) -> Option<String> {
        let id = text.trim();
        (self.options)()
            .into_iter()
            .find(|(o, _)| o == id)
            .map(|(o, _)| o)
    }

    /// The text shown for an option id.
    pub fn text_of(&self, id: &str) -> String {
        (self.options)()
            .into_iter()
            .find(|(o, _)| o == id)
            .map(|(_, t)| t)
            .unwrap_or_else(|| id.to_string())
    }
}

/// What kind of control a field is.
#[derive(Clone, Copy, Debug)]
pub enum Control {
    Slider(NumberSpec),
    Menu(ChoiceSpec),
}

impl Control {
    pub fn key(&self) -> &'static str {
        match self {
            Control::Slider(s) => s.key,
            Control::Menu(c) => c.key,
        }
    }

    pub fn label(&self) -> &'static str {
        match self {
            Control::Slider(s) => s.label,
            Control::Menu(c) => c.label,
        }
    }
}

/// A field's value as the table moves it: a number, or a menu option's id.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Number(f64),
    Choice(String),
}

impl Value {
    pub fn number(&self) -> Option<f64> {
        match self {
            Value::Number(v) => Some(*v),
            Value::Choice(_) => None,
        }
    }

    pub fn choice(&self) -> Option<&str> {
        match self {
            Value::Choice(id) => Some(id),
            Value::Number(_) => None,
        }
    }

    /// The value as it goes into a link: Rust's shortest round-trip form of a number.
    pub fn to_query_text(&self) -> String {
        match self {
            Value::Number(v) => v.to_string(),
            Value::Choice(id) => id.clone(),
        }
    }
}

/// The settings that apply, as a file-name tag written from the panel's field table: a
/// menu's choice by its id, a slider's value after its key ("leaky_relu_alpha0.1_lr0.01_b0"),
/// so a setting added to FIELDS is in every exported file's name without another line.
pub fn fields_tag<S>(fields: &[Field<S>], s: &S) -> String {
    fields
        .iter()
        .filter(|f| (f.applies)(s))
        .map(|f| match (f.get)(s) {
            Value::Number(v) => format!("{}{}", f.key(), crate::chart::figure::number_tag(v)),
            Value::Choice(id) => id,
        })
        .collect::<Vec<_>>()
        .join("_")
}

/// The settings that differ from `base`, as a file-name tag from the field table: a slider
/// as its key and value ("lr0.01"), a menu as its key and choice ("redo-reset"), so a name stays
/// short for a run close to a preset and still says everything that was changed.
pub fn changed_fields_tag<S>(fields: &[Field<S>], s: &S, base: &S) -> String {
    fields
        .iter()
        .filter(|f| (f.applies)(s) && (f.get)(s) != (f.get)(base))
        .map(|f| match (f.get)(s) {
            Value::Number(v) => format!("{}{}", f.key(), crate::chart::figure::number_tag(v)),
            Value::Choice(id) => format!("{}-{id}", f.key()),
        })
        .collect::<Vec<_>>()
        .join("_")
}

/// One setting of a panel: its control, and how to get and set it on the panel's settings
/// `S`. A panel's `FIELDS` table lists them in the order the panel shows them; adding a
/// setting is adding a row.
pub struct Field<S> {
    pub control: Control,
    pub get: fn(&S) -> Value,
    /// Receives a value already parsed and clamped by the control's spec.
    pub set: fn(&mut S, &Value),
    /// Whether the setting matters now (α only for Leaky ReLU and ELU); a field that does not
    /// is shown disabled and left out of links.
    pub applies: fn(&S) -> bool,
}

/// For fields that always apply.
pub fn always<S>(_: &S) -> bool {
    true
}

impl<S> Field<S> {
    pub fn key(&self) -> &'static str {
        self.control.key()
    }

    /// Parses `text` and sets the field; a repaired or refused value adds a warning.
    pub fn parse_into(&self, text: &str, s: &mut S, warnings: &mut Vec<ParamWarning>) {
        match &self.control {
            Control::Slider(spec) => {
                let (v, w) = spec.parse(text);
                warnings.extend(w);
                (self.set)(s, &Value::Number(v));
            }
            Control::Menu(c) => match c.find(text) {
                Some(id) => (self.set)(s, &Value::Choice(id)),
                None => {
                    let current = (self.get)(s).to_query_text();
                    warnings.push(ParamWarning::UnknownChoice {
                        key: c.key,
                        given: text.trim().to_string(),
                        used: c.text_of(&current),
                    });
                }
            },
        }
    }
}

/// Reads every field found in `pairs` into `s`, in table order (so a preset row that comes
/// first is applied before the single values on top of it). Unknown keys are ignored.
pub fn read_query<S>(
    fields: &[Field<S>],
    pairs: &[(String, String)],
    s: &mut S,
) -> Vec<ParamWarning> {
    let mut warnings = Vec::new();
    for f in fields {
        if let Some(text) = lookup(pairs, f.key()) {
            f.parse_into(text, s, &mut warnings);
        }
    }
    warnings
}

/// The query that reproduces `s`: every field that applies, in table order.
pub fn write_query<S>(fields: &[Field<S>], s: &S) -> String {
    let mut out = form_urlencoded::Serializer::new(String::new());
    for f in fields.iter().filter(|f| (f.applies)(s)) {
        out.append_pair(f.key(), &(f.get)(s).to_query_text());
    }
    out.finish()
}

/// The query holding only what differs from `base` (the panel's defaults): what the page's
/// address shows, so it stays short. Keys are prefixed by `prefix` (e.g. "neuron.").
pub fn write_changes<S>(
    fields: &[Field<S>],
    s: &S,
    base: &S,
    prefix: &str,
) -> Vec<(String, String)> {
    fields
        .iter()
        .filter(|f| (f.applies)(s) && (f.get)(s) != (f.get)(base))
        .map(|f| (format!("{prefix}{}", f.key()), (f.get)(s).to_query_text()))
        .collect()
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

/// A warning quotes what was given, but a hostile URL must not fill the page.
pub fn shorten(text: &str) -> String {
    const MAX: usize = 24;
    if text.chars().count() > MAX {
        let mut s: String = text.chars().take(MAX).collect();
        s.push('…');
        s
    } else {
        text.to_string()
    }
}

/// Characters that reorder the text around them (embeddings, overrides, isolates, marks).
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

/// Text from an address, made safe to quote inside the page's own sentence: shortened, every
/// bidi control shown as its code ("U+202E") instead of obeyed, and the whole isolated
/// between U+2068 and U+2069 so it cannot reorder the words around it.
pub fn echo(text: &str) -> String {
    let mut out = String::from('\u{2068}');
    for c in shorten(text).chars() {
        if is_bidi_control(c) {
            out.push_str(&format!("[U+{:04X}]", c as u32));
        } else {
            out.push(c);
        }
    }
    out.push('\u{2069}');
    out
}

/// The most of an address (or a `data-query`, or `mount`'s query) that is read: a link
/// with more is not one a panel made, and parsing a megabyte would stall the page.
pub const MAX_QUERY_BYTES: usize = 8 * 1024;

/// The query cut to [`MAX_QUERY_BYTES`] (at a character boundary), and whether it was cut.
pub fn limit_query(query: &str) -> (&str, bool) {
    if query.len() <= MAX_QUERY_BYTES {
        return (query, false);
    }
    let mut end = MAX_QUERY_BYTES;
    while !query.is_char_boundary(end) {
        end -= 1;
    }
    (&query[..end], true)
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
        used: String,
    },
}

impl ParamWarning {
    pub fn key(&self) -> &'static str {
        match self {
            ParamWarning::OutOfRange { key, .. }
            | ParamWarning::NotANumber { key, .. }
            | ParamWarning::UnknownChoice { key, .. } => key,
        }
    }
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
                    "{key} = “{}” is not a number; using {}.",
                    echo(given),
                    format_sig(*used, 3)
                )
            }
            ParamWarning::UnknownChoice { key, given, used } => {
                write!(
                    f,
                    "{key} = “{}” is not one of the choices; using {used}.",
                    echo(given)
                )
            }
        }
    }
}

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

/// The pairs one panel reads on the full page: the unprefixed keys (links made before panels
/// had prefixes, and embeds), then the keys with this panel's `prefix` stripped, so a
/// prefixed key wins over an unprefixed one wherever it stands.
pub fn pairs_for_prefix(pairs: &[(String, String)], prefix: &str) -> Vec<(String, String)> {
    if prefix.is_empty() {
        return pairs.to_vec();
    }
    let plain = pairs.iter().filter(|(k, _)| !k.contains('.')).cloned();
    let own = pairs
        .iter()
        .filter_map(|(k, v)| k.strip_prefix(prefix).map(|k| (k.to_string(), v.clone())));
    plain.chain(own).collect()
}

/// Slope α of Leaky ReLU and ELU (every panel that offers them).
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

/// The activation functions the panels offer, in the order of the seeds' story.
pub const ACTIVATION_CHOICES: [ActivationKind; 6] = [
    ActivationKind::Relu,
    ActivationKind::LeakyRelu,
    ActivationKind::Elu,
    ActivationKind::Selu,
    ActivationKind::Tanh,
    ActivationKind::Sigmoid,
];

/// The optimizer menu every panel that trains shows.
pub const OPTIMIZER: ChoiceSpec = ChoiceSpec {
    key: "opt",
    label: "Optimizer",
    options: || {
        crate::sim::optim::OptimizerKind::ALL
            .iter()
            .map(|o| (o.id().into(), o.label().into()))
            .collect()
    },
};

/// The offered activations as menu options.
pub fn activation_options() -> Vec<(String, String)> {
    ACTIVATION_CHOICES
        .iter()
        .map(|k| (k.id().to_string(), k.label().to_string()))
        .collect()
}

/// The activation a menu value names (an offered one), if any.
pub fn activation_of(v: &Value) -> Option<ActivationKind> {
    let id = v.choice()?;
    ACTIVATION_CHOICES.iter().copied().find(|k| k.id() == id)
}

/// Rounds a slider value to a whole count (sizes, epochs, seeds).
pub fn whole(v: &Value) -> usize {
    v.number().unwrap_or(0.0).round().max(0.0) as usize
}

/// ReDo's schedule in the panels that offer it: every this many steps, units τ-dormant on the
/// batch are recycled.
pub const REDO_EVERY: usize = 100;

/// ReDo as a menu (the network panel and the phase map): off, or recycling dormant units with
/// or without resetting their Adam state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RedoMode {
    Off,
    /// Recycle, and reset the recycled weights' Adam moments and step counts (timoklein/redo).
    Reset,
    /// Recycle, keeping the optimizer's state as it was.
    Keep,
}

impl RedoMode {
    pub const ALL: [RedoMode; 3] = [RedoMode::Off, RedoMode::Reset, RedoMode::Keep];
    pub fn id(self) -> &'static str {
        match self {
            RedoMode::Off => "off",
            RedoMode::Reset => "reset",
            RedoMode::Keep => "keep",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            RedoMode::Off => "Off",
            RedoMode::Reset => "Every 100 steps, reset Adam's state",
            RedoMode::Keep => "Every 100 steps, keep Adam's state",
        }
    }
    pub fn from_id(id: &str) -> Option<RedoMode> {
        Self::ALL.into_iter().find(|r| r.id() == id)
    }
    /// The simulation's ReDo for this choice (τ = [`DEFAULT_TAU`](crate::sim::dead::DEFAULT_TAU)).
    pub fn config(self) -> Option<crate::sim::redo::Redo> {
        let reset = match self {
            RedoMode::Off => return None,
            RedoMode::Reset => true,
            RedoMode::Keep => false,
        };
        Some(crate::sim::redo::Redo {
            every: REDO_EVERY,
            tau: crate::sim::dead::DEFAULT_TAU,
            reset_moments: reset,
            restart_step_counts: reset,
        })
    }
}

/// The input scalings the panels offer: (scaling, id, label).
pub const INPUT_SCALINGS: [(crate::sim::data::InputScaling, &str, &str); 3] = [
    (
        crate::sim::data::InputScaling::Raw,
        "raw",
        "As generated (mean −0.5)",
    ),
    (
        crate::sim::data::InputScaling::Centre,
        "centred",
        "Centred (mean 0)",
    ),
    (
        crate::sim::data::InputScaling::Standardise,
        "standardised",
        "Standardised (mean 0, sd 1)",
    ),
];

/// ReDo's menu (the network panel and the phase map share it, so a map cell's link carries it).
pub const REDO: ChoiceSpec = ChoiceSpec {
    key: "redo",
    label: "ReDo: recycle dormant units",
    options: || {
        RedoMode::ALL
            .iter()
            .map(|r| (r.id().into(), r.label().into()))
            .collect()
    },
};

/// Batch normalization's menu, shared as [`REDO`] is.
pub const BATCH_NORM: ChoiceSpec = ChoiceSpec {
    key: "bn",
    label: "Batch normalization (hidden layers)",
    options: || {
        vec![
            ("off".into(), "Off".into()),
            ("on".into(), "Before each activation".into()),
        ]
    },
};

/// How seed 002's (or the learner's) inputs are scaled before training, shared as [`REDO`] is.
pub const INPUTS: ChoiceSpec = ChoiceSpec {
    key: "inputs",
    label: "Inputs",
    options: || {
        INPUT_SCALINGS
            .iter()
            .map(|(_, id, label)| (id.to_string(), label.to_string()))
            .collect()
    },
};

/// τ of Sokar et al.'s dormant units: a unit whose mean |output| is at most τ times its
/// layer's mean is dormant (their code uses 0.025 and 0.1).
pub const TAU: NumberSpec = NumberSpec {
    key: "tau",
    label: "τ (dormant threshold)",
    min: 0.0,
    max: 0.2,
    default: crate::sim::dead::DEFAULT_TAU,
    step: 0.005,
    scale: Scale::Linear,
    digits: 3,
};

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

    #[test]
    fn prefixed_keys_win_over_plain_ones_wherever_they_stand() {
        let pairs = query_pairs("neuron.b=0.3&b=0.9&act.f=elu&f=tanh");
        let mine = pairs_for_prefix(&pairs, "neuron.");
        assert_eq!(lookup(&mine, "b"), Some("0.3"));
        assert_eq!(
            lookup(&mine, "f"),
            Some("tanh"),
            "another panel's key is not read"
        );
        assert!(lookup(&mine, "act.f").is_none());
    }

    #[test]
    fn long_warnings_are_shortened() {
        let long = "x".repeat(100);
        assert_eq!(shorten(&long).chars().count(), 25);
        let w = ParamWarning::NotANumber {
            key: "b",
            given: long,
            used: 0.0,
        };
        assert!(w.to_string().chars().count() < 80, "{w}");
    }

    #[test]
    fn echoed_text_is_isolated_and_its_bidi_controls_shown_not_obeyed() {
        let e = echo("relu\u{202E}tnedicni");
        assert_eq!(e, "\u{2068}relu[U+202E]tnedicni\u{2069}");
        assert!(!e
            .chars()
            .any(|c| is_bidi_control(c) && c != '\u{2068}' && c != '\u{2069}'));
        let pairs = query_pairs("f=%E2%80%AEnope");
        let mut s = (0.0f64, String::from("relu"));
        let field: Field<(f64, String)> = Field {
            control: Control::Menu(ChoiceSpec {
                key: "f",
                label: "f",
                options: || vec![("relu".into(), "ReLU".into())],
            }),
            get: |s| Value::Choice(s.1.clone()),
            set: |s, v| s.1 = v.choice().unwrap_or("").into(),
            applies: always,
        };
        let w = read_query(&[field], &pairs, &mut s);
        let text = w[0].to_string();
        assert!(text.contains("[U+202E]nope"), "{text}");
        assert!(!text.contains('\u{202E}'), "{text}");
    }

    #[test]
    fn queries_are_read_up_to_a_limit_at_a_character_boundary() {
        let (q, cut) = limit_query("a=1");
        assert_eq!((q, cut), ("a=1", false));
        let long = format!("a={}", "é".repeat(MAX_QUERY_BYTES));
        let (q, cut) = limit_query(&long);
        assert!(cut && q.len() <= MAX_QUERY_BYTES && q.len() > MAX_QUERY_BYTES - 4);
    }
}
