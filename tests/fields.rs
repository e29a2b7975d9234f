//! Every field of every panel's table round-trips: value → link → value, and a value out of
//! range (or not among the choices) is repaired with a warning that names its key. The first
//! two tests loop over the registry, so a new panel is covered the day it exists; the typed
//! ones after them check each table's values exactly.

use dying_relu::panels::{activation, network, neuron, PanelInfo, PANELS};
use dying_relu::spec::{query_pairs, write_query, Control, Field, ParamWarning, Scale, Value};
use std::fmt::Debug;

/// A valid value for `c` other than the one a default link gives, as link text.
fn another_link_value(c: &Control, now: Option<&str>) -> String {
    match c {
        Control::Slider(spec) => {
            let t = 0.37;
            let v = match spec.scale {
                Scale::Linear => spec.min + t * (spec.max - spec.min),
                Scale::Log => {
                    10f64.powf(spec.min.log10() + t * (spec.max.log10() - spec.min.log10()))
                }
            };
            let v = spec.clamp(v).unwrap_or(spec.default);
            // Whole-number settings (layers, width, batch) take whole numbers.
            let v = if spec.scale == Scale::Linear && spec.step >= 1.0 {
                v.round()
            } else {
                v
            };
            v.to_string()
        }
        Control::Menu(m) => (m.options)()
            .into_iter()
            .map(|(id, _)| id)
            .find(|id| Some(id.as_str()) != now)
            .unwrap_or_else(|| panic!("{} offers one option only", m.key)),
    }
}

/// The value `key` has in a link, if it is there.
fn value_in(link: &str, key: &str) -> Option<String> {
    query_pairs(link)
        .into_iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v)
}

/// Some settings (α for Leaky ReLU and ELU only) appear in a link only when another setting
/// makes them apply: every single choice of every menu is tried as that context.
fn contexts(p: &PanelInfo) -> Vec<Vec<(String, String)>> {
    let mut out = vec![vec![]];
    for c in (p.controls)() {
        if let Control::Menu(m) = c {
            for (id, _) in (m.options)() {
                out.push(vec![(m.key.to_string(), id)]);
            }
        }
    }
    out
}

#[test]
fn every_field_of_every_panel_round_trips_through_its_link() {
    for p in PANELS {
        let mut checked = 0;
        for c in (p.controls)() {
            let key = c.key();
            let (default_link, _) = (p.relink)(&[]);
            let v = another_link_value(&c, value_in(&default_link, key).as_deref());
            let found = contexts(p).into_iter().find_map(|mut pairs| {
                pairs.push((key.to_string(), v.clone()));
                let (link, warnings) = (p.relink)(&pairs);
                let shown = value_in(&link, key)?;
                Some((link, warnings, shown))
            });
            let (link, warnings, shown) =
                found.unwrap_or_else(|| panic!("{}.{key} never appears in a link", p.name));
            assert!(warnings.is_empty(), "{}.{key}={v}: {warnings:?}", p.name);
            // A whole-number setting rounds the value it is given; anything else keeps it.
            let same = shown == v
                || match (shown.parse::<f64>(), v.parse::<f64>()) {
                    (Ok(a), Ok(b)) => a.fract() == 0.0 && (a - b).abs() <= 0.5,
                    _ => false,
                };
            assert!(same, "{}.{key}={v} came back as {shown} in {link}", p.name);
            // The link read again writes itself: nothing drifts on a reload.
            let (again, w) = (p.relink)(&query_pairs(&link));
            assert!(
                w.is_empty() && again == link,
                "{}: {link} -> {again}",
                p.name
            );
            checked += 1;
        }
        assert_eq!(checked, (p.controls)().len(), "{}", p.name);
    }
}

#[test]
fn every_field_of_every_panel_repairs_bad_values_and_says_so() {
    for p in PANELS {
        for c in (p.controls)() {
            let key = c.key();
            let bad = match c {
                Control::Slider(s) => format!("{}", s.max * 10.0 + 1.0),
                Control::Menu(_) => "<b>nope".to_string(),
            };
            let (_, w) = (p.relink)(&[(key.to_string(), bad.clone())]);
            assert_eq!(w.len(), 1, "{}.{key}={bad}: {w:?}", p.name);
            assert_eq!(w[0].key(), key);
            match c {
                Control::Slider(_) => assert!(matches!(w[0], ParamWarning::OutOfRange { .. })),
                Control::Menu(_) => assert!(w[0].to_string().contains("nope"), "{}", w[0]),
            }
            let (_, w) = (p.relink)(&[(key.to_string(), "NaN".into())]);
            assert_eq!(w.len(), 1, "{}.{key}=NaN is reported", p.name);
        }
    }
}

/// A valid value for the field that differs from what `s` holds.
fn another_value<S>(f: &Field<S>, s: &S) -> Value {
    let now = (f.get)(s);
    match &f.control {
        Control::Slider(spec) => {
            // Inside the range and away from its ends; on a log slider, in log space.
            let t = 0.37;
            let v = match spec.scale {
                Scale::Linear => spec.min + t * (spec.max - spec.min),
                Scale::Log => {
                    10f64.powf(spec.min.log10() + t * (spec.max.log10() - spec.min.log10()))
                }
            };
            assert_ne!(Value::Number(v), now, "{}", spec.key);
            Value::Number(v)
        }
        Control::Menu(c) => {
            let options = (c.options)();
            let other = options
                .iter()
                .map(|(id, _)| Value::Choice(id.clone()))
                .find(|v| *v != now)
                .unwrap_or_else(|| panic!("{} offers one option only", c.key));
            other
        }
    }
}

/// How a panel reads its settings from a link.
type Parser<S> = fn(&[(String, String)]) -> (S, Vec<ParamWarning>);

/// How a panel sets one field as its controls do (the network also settles its preset).
type Setter<S> = fn(&mut S, &Field<S>, &Value);

fn plain_set<S>(s: &mut S, f: &Field<S>, v: &Value) {
    (f.set)(s, v)
}

fn network_set(
    s: &mut network::settings::Settings,
    f: &Field<network::settings::Settings>,
    v: &Value,
) {
    s.set(f.key(), v)
}

fn round_trips<S: Clone + PartialEq + Debug + Default>(
    panel: &str,
    fields: &[Field<S>],
    parse: Parser<S>,
    set: Setter<S>,
) -> usize {
    let mut checked = 0;
    for f in fields {
        let mut s = S::default();
        let v = another_value(f, &s);
        set(&mut s, f, &v);
        if !(f.applies)(&s) {
            continue; // checked below with a setting that makes it apply
        }
        let link = write_query(fields, &s);
        let (back, warnings) = parse(&query_pairs(&link));
        assert!(warnings.is_empty(), "{panel}.{}: {warnings:?}", f.key());
        assert_eq!(
            (f.get)(&back),
            (f.get)(&s),
            "{panel}.{} via {link}",
            f.key()
        );
        assert_eq!(back, s, "{panel}: every field survives {link}");
        checked += 1;
    }
    checked
}

/// Out of range is clamped (and said); garbage is refused (and said); never a panic.
fn repairs<S: Default>(panel: &str, fields: &[Field<S>], parse: Parser<S>) {
    for f in fields {
        let (query, expect) = match &f.control {
            Control::Slider(spec) => (
                format!("{}={}", f.key(), spec.max * 10.0 + 1.0),
                Some(spec.max),
            ),
            Control::Menu(_) => (format!("{}=%3Cb%3Enope", f.key()), None),
        };
        let (s, w) = parse(&query_pairs(&query));
        assert_eq!(w.len(), 1, "{panel}.{}: {w:?}", f.key());
        assert_eq!(w[0].key(), f.key());
        match expect {
            Some(max) => {
                assert!(matches!(w[0], ParamWarning::OutOfRange { .. }));
                let got = (f.get)(&s).number().unwrap();
                assert!(
                    (got - max).abs() <= 0.5,
                    "{panel}.{} clamped to {got}",
                    f.key()
                );
            }
            None => {
                assert!(matches!(w[0], ParamWarning::UnknownChoice { .. }));
                assert!(w[0].to_string().contains("nope"), "{}", w[0]);
            }
        }
        let (_, w) = parse(&query_pairs(&format!("{}=NaN", f.key())));
        assert_eq!(w.len(), 1, "{panel}.{} = NaN is reported", f.key());
    }
}

#[test]
fn every_activation_field_round_trips_and_is_repaired() {
    let n = round_trips(
        "activation",
        &activation::state::FIELDS,
        activation::state::from_pairs,
        plain_set,
    );
    assert_eq!(n, activation::state::FIELDS.len());
    repairs(
        "activation",
        &activation::state::FIELDS,
        activation::state::from_pairs,
    );
}

#[test]
fn every_neuron_field_round_trips_and_is_repaired() {
    let n = round_trips(
        "neuron",
        &neuron::state::FIELDS,
        neuron::state::from_pairs,
        plain_set,
    );
    assert_eq!(n, neuron::state::FIELDS.len());
    repairs("neuron", &neuron::state::FIELDS, neuron::state::from_pairs);
}

#[test]
fn every_network_field_round_trips_and_is_repaired() {
    use network::settings::{Settings, FIELDS};
    let n = round_trips("network", &FIELDS, Settings::from_pairs, network_set);
    // α applies only to Leaky ReLU and ELU: check it with one of them.
    let mut s = Settings::default();
    s.set("act", &Value::Choice("elu".into()));
    s.set("alpha", &Value::Number(0.42));
    let (back, w) = Settings::from_pairs(&query_pairs(&s.to_query()));
    assert!(w.is_empty(), "{w:?}");
    assert_eq!((back.alpha, back), (0.42, s));
    // τ applies only to the τ-dormant definition: the same.
    let mut s = Settings::default();
    s.set("dead", &Value::Choice("dormant".into()));
    s.set("tau", &Value::Number(0.1));
    let (back, w) = Settings::from_pairs(&query_pairs(&s.to_query()));
    assert!(w.is_empty(), "{w:?}");
    assert_eq!((back.tau, back), (0.1, s));
    // Noise applies only to Playground's 2-D tasks: the same.
    let mut s = Settings::default();
    s.set("task", &Value::Choice("xor".into()));
    s.set("noise", &Value::Number(25.0));
    let (back, w) = Settings::from_pairs(&query_pairs(&s.to_query()));
    assert!(w.is_empty(), "{w:?}");
    assert_eq!((back.noise, back), (25.0, s));
    assert_eq!(n + 3, FIELDS.len());
    repairs("network", &FIELDS, Settings::from_pairs);
}

#[test]
fn every_preset_round_trips_with_the_values_on_top() {
    use network::settings::{Preset, Settings};
    for p in Preset::menu() {
        let mut s = p.apply(&Settings::default());
        s.set("epochs", &Value::Number(9.0));
        assert_eq!(s.preset, Some(p), "epochs are not a preset's setting");
        let (back, w) = Settings::from_pairs(&query_pairs(&s.to_query()));
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(back, s);
    }
}
