#![cfg(not(target_arch = "wasm32"))]
//! Each chart renders to SVG through the same function the page uses for its canvas, and the
//! SVG carries the labels a reader needs.

use dying_relu::chart::{render_svg, Theme};
use dying_relu::panels::activation::charts::curve as activation_curve;
use dying_relu::sim::activation::ActivationKind;

#[test]
fn activation_chart_has_axes_legend_and_dead_side() {
    let f = ActivationKind::Relu.with_alpha(0.0);
    let svg = render_svg(640, 400, |area| {
        activation_curve::draw(area, f, &Theme::light(1.0))
    })
    .unwrap();
    assert!(
        svg.contains("pre-activation x (no unit)"),
        "x axis label missing"
    );
    assert!(
        svg.contains("f(x) and f′(x) (no unit)"),
        "y axis label missing"
    );
    assert!(svg.contains("f(x): ReLU"));
    assert!(
        svg.contains("dead side"),
        "the zero-gradient region must be named in the legend"
    );
    // The shaded region is vermillion at 18% opacity.
    assert!(svg.contains("#D55E00"), "dead-side colour missing");
}

#[test]
fn leaky_relu_chart_has_no_dead_side_and_names_alpha() {
    let f = ActivationKind::LeakyRelu.with_alpha(0.25);
    let svg = render_svg(640, 400, |area| {
        activation_curve::draw(area, f, &Theme::dark(2.0))
    })
    .unwrap();
    assert!(svg.contains("Leaky ReLU (α = 0.25)"));
    assert!(!svg.contains("dead side"));
}

#[test]
fn every_offered_activation_renders() {
    for kind in dying_relu::spec::ACTIVATION_CHOICES {
        let f = kind.with_alpha(1.0);
        let svg = render_svg(320, 240, |area| {
            activation_curve::draw(area, f, &Theme::light(1.0))
        });
        assert!(svg.is_ok(), "{kind:?} failed: {svg:?}");
    }
}
