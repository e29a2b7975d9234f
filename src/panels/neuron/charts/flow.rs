//! The gradient-flow diagram: x1, x2 and b feed a, a passes the gate, y comes out; each edge
//! is drawn as thick as the gradient it carried back in the last step, and dashed in the
//! warning colour when that gradient was exactly zero.

use crate::chart::{Area, ChartResult, Theme};
pub use crate::panels::neuron::state::GateState;
use crate::sim::neuron::Gradients;
use crate::spec::format_sig;
use plotters::prelude::*;

/// Line width in CSS px for a gradient of size `g`: 0 is a hairline, and every factor of 10
/// above 1e-5 adds the same width, so 1e-3 and 10 are both visible and clearly different.
pub fn edge_width(g: f64) -> f64 {
    if g == 0.0 || !g.is_finite() {
        return 1.5;
    }
    let decades = (g.abs() / 1e-5).log10().clamp(0.0, 7.0);
    2.0 + 12.0 * decades / 7.0
}

pub fn draw<DB: DrawingBackend>(
    area: &Area<'_, DB>,
    g: &Gradients,
    gate: GateState,
    headline: &str,
    lr: f64,
    theme: &Theme,
) -> ChartResult<DB> {
    area.fill(&theme.background)?;
    let (w, h) = area.dim_in_pixel();
    let (w, h) = (w as f64, h as f64);
    let px = |css: f64| css * theme.scale;
    let at = |fx: f64, fy: f64| ((fx * w) as i32, (fy * h) as i32);

    area.draw(&Text::new(
        headline.to_string(),
        at(0.02, 0.04),
        theme.font(13.0),
    ))?;

    let inputs = [
        ("x1", 0.30, g.w1, "∂L/∂w1"),
        ("x2", 0.55, g.w2, "∂L/∂w2"),
        ("1", 0.80, g.b, "∂L/∂b"),
    ];
    let a_pos = (0.52, 0.55);
    let gate_pos = (0.70, 0.55);
    let y_pos = (0.90, 0.55);
    let node_r = px(18.0) as i32;

    let edge = |from: (f64, f64), to: (f64, f64), grad: f64| -> Vec<PathElement<(i32, i32)>> {
        let width = px(edge_width(grad)).round() as u32;
        let zero = grad == 0.0 || !grad.is_finite();
        let color = if zero { theme.dead } else { theme.secondary };
        let style = ShapeStyle::from(color).stroke_width(width.max(1));
        let (a, b) = (at(from.0, from.1), at(to.0, to.1));
        if zero {
            // Dashes, so "no gradient" does not rest on colour alone.
            let n = 14;
            (0..n)
                .filter(|i| i % 2 == 0)
                .map(|i| {
                    let t0 = i as f64 / n as f64;
                    let t1 = (i + 1) as f64 / n as f64;
                    let lerp = |t: f64| {
                        (
                            a.0 + ((b.0 - a.0) as f64 * t) as i32,
                            a.1 + ((b.1 - a.1) as f64 * t) as i32,
                        )
                    };
                    PathElement::new(vec![lerp(t0), lerp(t1)], style)
                })
                .collect()
        } else {
            vec![PathElement::new(vec![a, b], style)]
        }
    };

    for (name, fy, grad, label) in inputs {
        for p in edge((0.08, fy), a_pos, grad) {
            area.draw(&p)?;
        }
        let fill = theme.tint(theme.neutral, 0.25);
        draw_node(area, at(0.08, fy), node_r, fill, theme.neutral, name, theme)?;
        let lx = 0.14;
        // Above an edge that rises to a, below one that falls to it: never across the line.
        let ly = if fy > a_pos.1 { fy + 0.045 } else { fy - 0.1 };
        let color = if grad == 0.0 {
            theme.dead
        } else {
            theme.foreground
        };
        area.draw(&Text::new(
            format!("{label} = {}", format_sig(grad, 3)),
            at(lx, ly),
            theme.font_colored(12.0, color),
        ))?;
    }

    // a → gate → y, carrying ∂L/∂a back.
    for p in edge(a_pos, gate_pos, g.through_gate) {
        area.draw(&p)?;
    }
    for p in edge(gate_pos, y_pos, g.upstream) {
        area.draw(&p)?;
    }
    for (pos, name) in [(a_pos, "a"), (y_pos, "y")] {
        let center = at(pos.0, pos.1);
        draw_node(
            area,
            center,
            node_r,
            theme.background,
            theme.foreground,
            name,
            theme,
        )?;
    }

    // The gate: two posts; a bar across them when shut, a thin bar when leaking.
    let (gx, gy) = at(gate_pos.0, gate_pos.1);
    let half = px(26.0) as i32;
    let post = ShapeStyle::from(theme.foreground).stroke_width(px(3.0) as u32);
    area.draw(&PathElement::new(
        vec![(gx - half / 2, gy - half), (gx - half / 2, gy + half)],
        post,
    ))?;
    area.draw(&PathElement::new(
        vec![(gx + half / 2, gy - half), (gx + half / 2, gy + half)],
        post,
    ))?;
    let (gate_text, gate_color) = match gate {
        GateState::Open => ("gate open", theme.primary),
        GateState::Leaking => ("gate shut, leaking", theme.secondary),
        GateState::Shut => ("gate shut", theme.dead),
    };
    match gate {
        GateState::Open => {}
        GateState::Leaking => {
            area.draw(&Rectangle::new(
                [
                    (gx - half / 2, gy - px(2.0) as i32),
                    (gx + half / 2, gy + px(2.0) as i32),
                ],
                gate_color.filled(),
            ))?;
        }
        GateState::Shut => {
            area.draw(&Rectangle::new(
                [(gx - half / 2, gy - half), (gx + half / 2, gy + half)],
                gate_color.mix(0.85).filled(),
            ))?;
        }
    }
    let below = theme
        .font_colored(13.0, gate_color)
        .pos(plotters::style::text_anchor::Pos::new(
            plotters::style::text_anchor::HPos::Center,
            plotters::style::text_anchor::VPos::Top,
        ));
    area.draw(&Text::new(
        gate_text.to_string(),
        (gx, gy + half + px(6.0) as i32),
        below.clone(),
    ))?;
    area.draw(&Text::new(
        format!("∂L/∂a = {}", format_sig(g.through_gate, 3)),
        at(a_pos.0 - 0.04, 0.22),
        theme.font_colored(
            12.0,
            if g.through_gate == 0.0 {
                theme.dead
            } else {
                theme.foreground
            },
        ),
    ))?;
    area.draw(&Text::new(
        format!("∂L/∂y = {}", format_sig(g.upstream, 3)),
        at(0.98, 0.34),
        theme.font(12.0).pos(plotters::style::text_anchor::Pos::new(
            plotters::style::text_anchor::HPos::Right,
            plotters::style::text_anchor::VPos::Top,
        )),
    ))?;
    area.draw(&Text::new(
        if theme.compact {
            format!("width = gradient size · next step moves b by {}", format_sig(-lr * g.b, 3))
        } else {
            format!(
                "edge width = size of the gradient sent back · at learning rate {} a step moves b by {}",
                format_sig(lr, 3),
                format_sig(-lr * g.b, 3)
            )
        },
        at(0.02, 0.93),
        theme.font_colored(12.0, theme.neutral),
    ))?;
    Ok(())
}

/// A node of the diagram: a filled circle with an outline and its name in the middle.
fn draw_node<DB: DrawingBackend>(
    area: &Area<'_, DB>,
    center: (i32, i32),
    r: i32,
    fill: RGBColor,
    stroke: RGBColor,
    name: &str,
    theme: &Theme,
) -> ChartResult<DB> {
    use plotters::style::text_anchor::{HPos, Pos, VPos};
    let outline = ShapeStyle::from(stroke).stroke_width(theme.px(1.5));
    area.draw(&Circle::new(center, r, fill.filled()))?;
    area.draw(&Circle::new(center, r, outline))?;
    let text = theme.font(13.0).pos(Pos::new(HPos::Center, VPos::Center));
    area.draw(&Text::new(name.to_string(), center, text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edge_width_grows_with_the_gradient_and_zero_is_thinnest() {
        assert!(edge_width(0.0) < edge_width(1e-4));
        assert!(edge_width(1e-3) < edge_width(1.0));
        assert_eq!(edge_width(1e9), edge_width(1e3));
    }
}
