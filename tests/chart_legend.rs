#![cfg(not(target_arch = "wasm32"))]
//! The activation chart's legend stays on its canvas on a phone (a 330 CSS px column, at
//! 1× and 3×): every legend line, at an upper bound of its width (0.62 em per character),
//! ends inside the canvas.

use dying_relu::chart::{render_svg, Theme};
use dying_relu::panels::activation::charts::curve;
use dying_relu::spec::ACTIVATION_CHOICES;

/// (x, font size, text) of each `<text>` in an SVG.
fn texts(svg: &str) -> Vec<(f64, f64, String)> {
    let attr = |tag: &str, name: &str| -> Option<f64> {
        let at = tag.find(&format!(" {name}=\""))? + name.len() + 3;
        tag[at..].split('"').next()?.parse().ok()
    };
    svg.split("<text")
        .skip(1)
        .filter_map(|t| {
            let (tag, rest) = t.split_once('>')?;
            let body = rest.split("</text>").next()?;
            Some((
                attr(tag, "x")?,
                attr(tag, "font-size")?,
                body.trim().to_string(),
            ))
        })
        .collect()
}

#[test]
fn the_legend_fits_a_phone_canvas_for_every_function() {
    for scale in [1.0, 3.0] {
        let (w, h) = ((330.0 * scale) as u32, (327.0 * scale) as u32);
        let theme = Theme::light(scale).compact(true);
        for kind in ACTIVATION_CHOICES {
            let f = kind.with_alpha(0.1);
            let svg = render_svg(w, h, |a| curve::draw(a, f, &theme)).unwrap();
            let legend: Vec<_> = texts(&svg)
                .into_iter()
                .filter(|(_, _, t)| t.starts_with("f(x)") || t.starts_with("f′"))
                .collect();
            assert!(legend.len() >= 2, "{kind:?}: {legend:?}");
            for (x, size, t) in legend {
                // The SVG's font size, or the 12 CSS px the canvas draws, whichever is larger.
                let size = size.max(12.0 * scale);
                let right = x + 0.62 * size * t.chars().count() as f64;
                assert!(
                    right <= w as f64,
                    "{kind:?} at {scale}×: “{t}” ends at {right} of {w}"
                );
            }
        }
    }
}

#[test]
fn the_wide_legend_keeps_its_full_words() {
    let theme = Theme::light(1.0);
    let svg = render_svg(700, 434, |a| {
        curve::draw(a, dying_relu::sim::activation::Activation::RELU, &theme)
    })
    .unwrap();
    assert!(svg.contains("no gradient flows (dead side)"));
    assert!(svg.contains("the gradient it passes back"));
}
