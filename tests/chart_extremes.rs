#![cfg(not(target_arch = "wasm32"))]
//! Charts must draw (or fail with an error) for any numbers a diverging run can produce,
//! within a fraction of a second: a chart that loops on a huge axis range freezes the tab.

use dying_relu::chart::{render_svg, Theme};
use dying_relu::panels::neuron::charts::{
    flow as gradient_flow, gate as neuron_gate, timeline as neuron_timeline,
};
use dying_relu::sim::activation::ActivationKind;
use dying_relu::sim::neuron::{Gradients, Neuron, PreactivationStats, Snapshot, StepKind};
use std::time::{Duration, Instant};

fn quickly<T>(what: &str, f: impl FnOnce() -> T) -> T {
    let t = Instant::now();
    let r = f();
    assert!(
        t.elapsed() < Duration::from_secs(2),
        "{what} took {:?}",
        t.elapsed()
    );
    r
}

#[test]
fn neuron_charts_survive_huge_and_tiny_values() {
    let theme = Theme::light(2.0);
    for scale in [1e-300, 1e-12, 1.0, 1e12, 1e150, 1e300] {
        let history: Vec<Snapshot> = (0..50)
            .map(|i| Snapshot {
                step: i,
                w1: scale * i as f64,
                w2: -scale,
                b: if i == 49 { f64::INFINITY } else { scale },
                loss: scale * scale,
                open_fraction: 0.5,
                kind: if i == 10 {
                    StepKind::Large
                } else {
                    StepKind::Sgd
                },
            })
            .collect();
        let r = quickly("timeline", || {
            render_svg(600, 400, |a| neuron_timeline::draw(a, &history, &theme))
        });
        assert!(r.is_ok(), "timeline at {scale}: {r:?}");

        let mut a: Vec<f64> = (0..100).map(|i| -scale * i as f64).collect();
        a.push(f64::NEG_INFINITY);
        a.push(f64::NAN);
        let stats = PreactivationStats {
            mean: if scale > 1e200 {
                f64::NAN
            } else {
                -scale * 50.0
            },
            sd: if scale > 1e200 {
                f64::INFINITY
            } else {
                scale * 29.0
            },
            min: if scale > 1e200 {
                f64::NEG_INFINITY
            } else {
                -scale * 99.0
            },
            max: 0.0,
            open_fraction: 0.0,
            flowing_fraction: 0.0,
        };
        let f = ActivationKind::LeakyRelu.with_alpha(0.3);
        let r = quickly("gate", || {
            render_svg(600, 400, |ar| {
                neuron_gate::draw(ar, f, &a, &stats, Some(&a), &theme)
            })
        });
        assert!(r.is_ok(), "gate at {scale}: {r:?}");

        let g = Gradients {
            upstream: scale,
            through_gate: -scale,
            w1: scale,
            w2: f64::NAN,
            b: 0.0,
        };
        let r = quickly("flow", || {
            render_svg(600, 300, |ar| {
                gradient_flow::draw(
                    ar,
                    &g,
                    gradient_flow::GateState::Leaking,
                    "t",
                    scale,
                    &theme,
                )
            })
        });
        assert!(r.is_ok(), "flow at {scale}: {r:?}");
    }
}

#[test]
fn neuron_charts_label_their_axes() {
    let theme = Theme::light(1.0);
    let mut n = Neuron::new(dying_relu::sim::activation::Activation::RELU, 0.0, 1);
    let before = n.preactivations();
    n.large_gradient_step(0.01).unwrap();
    let a = n.preactivations();
    let svg = render_svg(800, 480, |ar| {
        neuron_gate::draw(ar, n.f, &a, &n.stats(), Some(&before), &theme)
    })
    .unwrap();
    for label in [
        "before the large step",
        "share of inputs per bin (%)",
        "f(a) (no unit)",
        "pre-activation a",
        "gate open for 0%",
        "zero gradient",
    ] {
        assert!(svg.contains(label), "gate chart lacks “{label}”");
    }
    let svg = render_svg(800, 600, |ar| {
        neuron_timeline::draw(ar, n.history(), &theme)
    })
    .unwrap();
    for label in [
        "SGD step (count)",
        "MSE (no unit)",
        "inputs open (%)",
        "large step",
        "w1",
    ] {
        assert!(svg.contains(label), "timeline lacks “{label}”");
    }
    let g = n.gradients_on(&[0, 1, 2]);
    let svg = render_svg(800, 340, |ar| {
        gradient_flow::draw(
            ar,
            &g,
            gradient_flow::GateState::Shut,
            "Gradients now",
            0.01,
            &theme,
        )
    })
    .unwrap();
    for label in ["gate shut", "∂L/∂w1 = 0", "∂L/∂b = 0", "edge width"] {
        assert!(svg.contains(label), "flow diagram lacks “{label}”");
    }
}
