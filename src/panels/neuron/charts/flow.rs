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

/// Where the nodes sit, as fractions of the width and height of the area.
const INPUT_X: f64 = 0.08;
const A_POS: (f64, f64) = (0.52, 0.55);
const GATE_POS: (f64, f64) = (0.70, 0.55);
const Y_POS: (f64, f64) = (0.90, 0.55);

/// The area and its size, shared by the drawing steps: positions are given as fractions of it.
struct Diagram<'d, DB: DrawingBackend> {
    area: &'d Area<'d, DB>,
    theme: &'d Theme,
    w: f64,
    h: f64,
}

impl<DB: DrawingBackend> Diagram<'_, DB> {
    /// A length in CSS pixels, in device pixels (unrounded: callers round as they need).
    fn px(&self, css: f64) -> f64 {
        css * self.theme.scale
    }

    /// The device pixel at fractions (`fx`, `fy`) of the area.
    fn at(&self, fx: f64, fy: f64) -> (i32, i32) {
        ((fx * self.w) as i32, (fy * self.h) as i32)
    }

    /// An edge from `from` to `to`, as thick as `grad` is large; dashed and in the warning
    /// colour when no gradient came back.
    fn draw_edge(&self, from: (f64, f64), to: (f64, f64), grad: f64) -> ChartResult<DB> {
        let theme = self.theme;
        let width = self.px(edge_width(grad)).round() as u32;
        let zero = grad == 0.0 || !grad.is_finite();
        let color = if zero { theme.dead } else { theme.secondary };
        let style = ShapeStyle::from(color).stroke_width(width.max(1));
        let (a, b) = (self.at(from.0, from.1), self.at(to.0, to.1));
        if !zero {
            return self.area.draw(&PathElement::new(vec![a, b], style));
        }
        // Dashes, so "no gradient" does not rest on colour alone.
        let n = 14;
        let lerp = |t: f64| {
            (
                a.0 + ((b.0 - a.0) as f64 * t) as i32,
                a.1 + ((b.1 - a.1) as f64 * t) as i32,
            )
        };
        for i in (0..n).filter(|i| i % 2 == 0) {
            let t0 = i as f64 / n as f64;
            let t1 = (i + 1) as f64 / n as f64;
            self.area
                .draw(&PathElement::new(vec![lerp(t0), lerp(t1)], style))?;
        }
        Ok(())
    }

    /// Radius of every node, in device pixels.
    fn node_r(&self) -> i32 {
        self.px(18.0) as i32
    }
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
    let d = Diagram {
        area,
        theme,
        w: w as f64,
        h: h as f64,
    };
    area.draw(&Text::new(
        headline.to_string(),
        d.at(0.02, 0.04),
        theme.font(13.0),
    ))?;
    draw_inputs(&d, g)?;
    // a → gate → y, carrying ∂L/∂a back.
    d.draw_edge(A_POS, GATE_POS, g.through_gate)?;
    d.draw_edge(GATE_POS, Y_POS, g.upstream)?;
    for (pos, name) in [(A_POS, "a"), (Y_POS, "y")] {
        let center = d.at(pos.0, pos.1);
        let (fill, stroke) = (theme.background, theme.foreground);
        draw_node(area, center, d.node_r(), fill, stroke, name, theme)?;
    }
    draw_gate(&d, gate)?;
    draw_notes(&d, g, lr)
}

/// x1, x2 and the bias input 1, each with its edge to a and the gradient of its weight.
fn draw_inputs<DB: DrawingBackend>(d: &Diagram<'_, DB>, g: &Gradients) -> ChartResult<DB> {
    let theme = d.theme;
    let inputs = [
        ("x1", 0.30, g.w1, "∂L/∂w1"),
        ("x2", 0.55, g.w2, "∂L/∂w2"),
        ("1", 0.80, g.b, "∂L/∂b"),
    ];
    for (name, fy, grad, label) in inputs {
        d.draw_edge((INPUT_X, fy), A_POS, grad)?;
        let fill = theme.tint(theme.neutral, 0.25);
        let center = d.at(INPUT_X, fy);
        draw_node(d.area, center, d.node_r(), fill, theme.neutral, name, theme)?;
        // Above an edge that rises to a, below one that falls to it: never across the line.
        let ly = if fy > A_POS.1 { fy + 0.045 } else { fy - 0.1 };
        let color = if grad == 0.0 {
            theme.dead
        } else {
            theme.foreground
        };
        d.area.draw(&Text::new(
            format!("{label} = {}", format_sig(grad, 3)),
            d.at(0.14, ly),
            theme.font_colored(12.0, color),
        ))?;
    }
    Ok(())
}

/// The gate: two posts; a bar across them when shut, a thin bar when leaking; its state below.
fn draw_gate<DB: DrawingBackend>(d: &Diagram<'_, DB>, gate: GateState) -> ChartResult<DB> {
    use plotters::style::text_anchor::{HPos, Pos, VPos};
    let theme = d.theme;
    let (gx, gy) = d.at(GATE_POS.0, GATE_POS.1);
    let half = d.px(26.0) as i32;
    let post = ShapeStyle::from(theme.foreground).stroke_width(d.px(3.0) as u32);
    for x in [gx - half / 2, gx + half / 2] {
        d.area.draw(&PathElement::new(
            vec![(x, gy - half), (x, gy + half)],
            post,
        ))?;
    }
    let (gate_text, gate_color) = match gate {
        GateState::Open => ("gate open", theme.primary),
        GateState::Leaking => ("gate shut, leaking", theme.secondary),
        GateState::Shut => ("gate shut", theme.dead),
    };
    let bar = match gate {
        GateState::Open => None,
        GateState::Leaking => {
            let thin = d.px(2.0) as i32;
            Some((thin, gate_color.filled()))
        }
        GateState::Shut => Some((half, gate_color.mix(0.85).filled())),
    };
    if let Some((bar_half, style)) = bar {
        d.area.draw(&Rectangle::new(
            [
                (gx - half / 2, gy - bar_half),
                (gx + half / 2, gy + bar_half),
            ],
            style,
        ))?;
    }
    let below = theme
        .font_colored(13.0, gate_color)
        .pos(Pos::new(HPos::Center, VPos::Top));
    d.area.draw(&Text::new(
        gate_text.to_string(),
        (gx, gy + half + d.px(6.0) as i32),
        below,
    ))
}

/// ∂L/∂a above the gate, ∂L/∂y at the output, and what the edge widths and the rate mean.
fn draw_notes<DB: DrawingBackend>(d: &Diagram<'_, DB>, g: &Gradients, lr: f64) -> ChartResult<DB> {
    use plotters::style::text_anchor::{HPos, Pos, VPos};
    let theme = d.theme;
    let through_color = if g.through_gate == 0.0 {
        theme.dead
    } else {
        theme.foreground
    };
    d.area.draw(&Text::new(
        format!("∂L/∂a = {}", format_sig(g.through_gate, 3)),
        d.at(A_POS.0 - 0.04, 0.22),
        theme.font_colored(12.0, through_color),
    ))?;
    d.area.draw(&Text::new(
        format!("∂L/∂y = {}", format_sig(g.upstream, 3)),
        d.at(0.98, 0.34),
        theme.font(12.0).pos(Pos::new(HPos::Right, VPos::Top)),
    ))?;
    let step = format_sig(-lr * g.b, 3);
    d.area.draw(&Text::new(
        if theme.compact {
            format!("width = gradient size · next step moves b by {step}")
        } else {
            format!(
                "edge width = size of the gradient sent back · at learning rate {} a step moves b by {step}",
                format_sig(lr, 3),
            )
        },
        d.at(0.02, 0.93),
        theme.font_colored(12.0, theme.neutral),
    ))
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
