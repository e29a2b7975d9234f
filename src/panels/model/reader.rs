//! Reads a dead-unit report from bytes (a dropped, picked or pasted file) and says what is
//! wrong with one that is not: not JSON, another format or version, a field missing or of the
//! wrong type at a named path (serde_path_to_error), a number out of range, an array of the
//! wrong length, too large a file or too many units.
//!
//! serde_json refuses nesting deeper than 128 in the fields it reads; inside keys it does not
//! know it skips the value without recursing, so deep nesting there costs no stack.

// A learner's file must never stop the page: no unwrap, no expect.
#![deny(clippy::unwrap_used, clippy::expect_used)]

use crate::dead_report::{Layer, Report, FORMAT, VERSION};
use crate::spec::{echo, format_sig};

use serde::Deserialize;
use std::fmt;

/// The largest file read (8 MB): a probe's report of a large CNN is well under 1 MB.
pub const MAX_BYTES: u64 = 8 * 1024 * 1024;
/// A megabyte as file managers count it (2^20 bytes).
const MB: f64 = 1024.0 * 1024.0;
/// The most units one layer may have (a channel is a unit: 65,536 is far past any conv).
pub const MAX_LAYER_UNITS: usize = 65_536;
/// The most units of all layers together, and of each snapshot's: what the map can show.
pub const MAX_UNITS: usize = 100_000;
/// The most snapshots (a probe's watch every K steps of a long run).
pub const MAX_SNAPSHOTS: usize = 10_000;

/// What is wrong with a file, in words the page shows.
#[derive(Clone, Debug, PartialEq)]
pub enum ReadError {
    TooLarge(u64),
    Empty,
    /// serde_json's message (with its line and column).
    NotJson(String),
    NotAnObject,
    /// Another format, or none (`None`).
    OtherFormat(Option<String>),
    OtherVersion(String),
    /// A field at a path: missing, of the wrong type, out of range.
    Field {
        path: String,
        problem: String,
    },
    TooMany(String),
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadError::TooLarge(bytes) => write!(
                f,
                "it is {} MB; this page reads reports of up to {} MB",
                format_sig(*bytes as f64 / MB, 3),
                format_sig(MAX_BYTES as f64 / MB, 3)
            ),
            ReadError::Empty => write!(f, "it is empty"),
            ReadError::NotJson(e) => write!(f, "it is not JSON ({e})"),
            ReadError::NotAnObject => {
                write!(f, "it is JSON but not a report: a report is one object {{…}}")
            }
            ReadError::OtherFormat(None) => write!(
                f,
                "it is JSON but has no \"format\": a report says \"format\": \"{FORMAT}\""
            ),
            ReadError::OtherFormat(Some(found)) => write!(
                f,
                "its format is “{}”, not \"{FORMAT}\" (write it with probes/torch_probe.py or keras_probe.py)",
                echo(found)
            ),
            ReadError::OtherVersion(found) => write!(
                f,
                "it is version {}; this page reads version {VERSION}",
                clean(found)
            ),
            ReadError::Field { path, problem } => {
                write!(f, "at {}: {}", clean(path), clean(problem))
            }
            ReadError::TooMany(what) => write!(f, "{what}"),
        }
    }
}

/// Text from a file made safe to quote: every control or bidi character shown as its code
/// ("[U+202E]"), at most 160 characters. (A path holds the file's own map keys.)
fn clean(text: &str) -> String {
    let mut out = String::new();
    for (i, c) in text.chars().enumerate() {
        if i == 160 {
            out.push('…');
            break;
        }
        let bidi = matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}');
        if bidi || c.is_control() {
            out.push_str(&format!("[U+{:04X}]", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

/// Refuses a file by its size before it is read.
pub fn check_size(bytes: u64) -> Result<(), ReadError> {
    if bytes > MAX_BYTES {
        Err(ReadError::TooLarge(bytes))
    } else {
        Ok(())
    }
}

/// The two keys read first, so another format is named as such and not as a missing field.
#[derive(Deserialize)]
struct Header {
    #[serde(default)]
    format: Option<serde_json::Value>,
    #[serde(default)]
    version: Option<serde_json::Value>,
}

/// Reads a report, or says what is wrong with it.
pub fn read(bytes: &[u8]) -> Result<Report, ReadError> {
    check_size(bytes.len() as u64)?;
    match bytes.iter().find(|b| !b.is_ascii_whitespace()) {
        None => return Err(ReadError::Empty),
        // serde would read a struct from an array too: a report is an object.
        Some(b) if *b != b'{' && (*b == b'[' || b.is_ascii_digit() || b"\"tfn-".contains(b)) => {
            return Err(ReadError::NotAnObject)
        }
        Some(_) => {}
    }
    check_header(bytes)?;
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let report: Report = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        ReadError::Field {
            path,
            problem: e.into_inner().to_string(),
        }
    })?;
    de.end().map_err(|e| ReadError::NotJson(e.to_string()))?;
    check(&report)?;
    Ok(report)
}

fn check_header(bytes: &[u8]) -> Result<(), ReadError> {
    let header: Header = serde_json::from_slice(bytes).map_err(|e| match e.classify() {
        serde_json::error::Category::Data => ReadError::NotAnObject,
        _ => ReadError::NotJson(e.to_string()),
    })?;
    match header.format {
        Some(serde_json::Value::String(s)) if s == FORMAT => {}
        Some(serde_json::Value::String(s)) => return Err(ReadError::OtherFormat(Some(s))),
        Some(other) => return Err(ReadError::OtherFormat(Some(other.to_string()))),
        None => return Err(ReadError::OtherFormat(None)),
    }
    match header.version {
        Some(v) if v.as_u64() == Some(VERSION) => Ok(()),
        Some(v) => Err(ReadError::OtherVersion(v.to_string())),
        None => Err(ReadError::Field {
            path: "version".into(),
            problem: "missing field `version`".into(),
        }),
    }
}

fn field(path: String, problem: String) -> ReadError {
    ReadError::Field { path, problem }
}

/// What serde cannot say: lengths, ranges, limits.
fn check(r: &Report) -> Result<(), ReadError> {
    if r.snapshots.len() > MAX_SNAPSHOTS {
        return Err(ReadError::TooMany(format!(
            "it has {} snapshots; this page reads at most {MAX_SNAPSHOTS}",
            r.snapshots.len()
        )));
    }
    check_layers(&r.layers, "layers")?;
    for (k, s) in r.snapshots.iter().enumerate() {
        check_layers(&s.layers, &format!("snapshots[{k}].layers"))?;
    }
    Ok(())
}

fn check_layers(layers: &[Layer], at: &str) -> Result<(), ReadError> {
    let mut total = 0usize;
    for (i, l) in layers.iter().enumerate() {
        let path = format!("{at}[{i}]");
        if l.units > MAX_LAYER_UNITS {
            return Err(ReadError::TooMany(format!(
                "{path} ({}) has {} units; this page reads at most {MAX_LAYER_UNITS} per layer",
                echo(&l.name),
                l.units
            )));
        }
        total += l.units;
        if total > MAX_UNITS {
            return Err(ReadError::TooMany(format!(
                "{at} have more than {MAX_UNITS} units together; this page reads at most that many"
            )));
        }
        check_layer(l, &path)?;
    }
    Ok(())
}

/// Every per-unit array has `units` entries, and its numbers are in their range.
fn check_layer(l: &Layer, path: &str) -> Result<(), ReadError> {
    let n = l.units;
    let length = |name: &str, len: usize| -> Result<(), ReadError> {
        if len == n {
            Ok(())
        } else {
            Err(field(
                format!("{path}.{name}"),
                format!("{len} entries for {n} units (one per unit)"),
            ))
        }
    };
    if l.fires.is_none() && l.fire_fraction.is_none() && l.dead.is_none() {
        return Err(field(
            path.into(),
            "neither `fires` nor `fire_fraction`: one says which units fired".into(),
        ));
    }
    let options = [
        ("fires", l.fires.as_ref().map(Vec::len)),
        ("fire_fraction", l.fire_fraction.as_ref().map(Vec::len)),
        ("dead", l.dead.as_ref().map(Vec::len)),
        (
            "fired_in_training",
            l.fired_in_training.as_ref().map(Vec::len),
        ),
        ("provably_dead", l.provably_dead.as_ref().map(Vec::len)),
    ];
    for (name, len) in options {
        if let Some(len) = len {
            length(name, len)?;
        }
    }
    length("max_pre_activation", l.max_pre_activation.len())?;
    length("mean_abs_output", l.mean_abs_output.len())?;
    length("tau_score", l.tau_score.len())?;
    length("zero_fraction", l.zero_fraction.len())?;
    length("near_zero_fraction", l.near_zero_fraction.len())?;
    let shares = [
        ("fire_fraction", l.fire_fraction.as_deref().unwrap_or(&[])),
        ("zero_fraction", &l.zero_fraction[..]),
        ("near_zero_fraction", &l.near_zero_fraction[..]),
    ];
    for (name, values) in shares {
        in_range(path, name, values.iter().map(|v| Some(*v)), 0.0, 1.0)?;
    }
    let nonnegative = [
        ("mean_abs_output", &l.mean_abs_output),
        ("tau_score", &l.tau_score),
    ];
    for (name, values) in nonnegative {
        in_range(path, name, values.iter().copied(), 0.0, f64::MAX)?;
    }
    if let (Some(fires), Some(samples)) = (&l.fires, l.samples) {
        if let Some(j) = fires.iter().position(|&f| f > samples) {
            return Err(field(
                format!("{path}.fires[{j}]"),
                format!(
                    "{} fires on {samples} samples: a unit fires on a sample at most once",
                    fires[j]
                ),
            ));
        }
    }
    Ok(())
}

fn in_range(
    path: &str,
    name: &str,
    values: impl Iterator<Item = Option<f64>>,
    lo: f64,
    hi: f64,
) -> Result<(), ReadError> {
    for (j, v) in values.enumerate() {
        if let Some(v) = v {
            if !(lo..=hi).contains(&v) {
                let range = if hi == f64::MAX {
                    format!("at least {}", format_sig(lo, 3))
                } else {
                    format!("between {} and {}", format_sig(lo, 3), format_sig(hi, 3))
                };
                return Err(field(
                    format!("{path}.{name}[{j}]"),
                    format!("{} is not {range}", format_sig(v, 3)),
                ));
            }
        }
    }
    Ok(())
}
