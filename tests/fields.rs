//! Every field of every panel's table round-trips: value → link → value, and a value out of
//! range (or not among the choices) is repaired with a warning that names its key.

use dying_relu::panels::{activation, network, neuron};
use dying_relu::spec::{query_pairs, write_query, Control, Field, ParamWarning, Value};
use std::fmt::Debug;

/// A valid value for the field that differs from what `s` holds.
fn another_value<S>(f: &Field<S>, s: &S) -> Value {
    let now = (f.get)(s);
    match &f.control {
        Control::Slider(spec) => {
            // Inside the range and away from its ends; on a log slider, in log space.
            let t = 0.37;
            let v = match spec.scale {
                dying_relu::spec::Scale::Linear => spec.min + t * (spec.max - spec.min),
                dying_relu::spec::Scale::Log => {
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
    assert_eq!(n + 1, FIELDS.len());
    repairs("network", &FIELDS, Settings::from_pairs);
}

#[test]
fn every_preset_round_trips_with_the_values_on_top() {
    use network::settings::{Preset, Settings};
    for p in Preset::ALL {
        let mut s = p.apply(&Settings::default());
        s.set("epochs", &Value::Number(9.0));
        assert_eq!(s.preset, Some(p), "epochs are not a preset's setting");
        let (back, w) = Settings::from_pairs(&query_pairs(&s.to_query()));
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(back, s);
    }
}
