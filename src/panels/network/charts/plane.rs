//! The input plane (issue #30): the network's output over the plane of two inputs as a
//! heatmap, the training points on it, and, when the learner points at or focuses a
//! first-layer unit in the atlas, that unit's line w·x + b = 0 with its open side marked.
//!
//! TensorFlow Playground's main view is this map; here a unit's line shows where its gate
//! sits relative to the data, which is what makes a death readable: the unit is dead when
//! every point lies on its shut side.

use super::super::plane::PlaneField;
use crate::chart::geometry::{segment, View};
use crate::chart::raster::Raster;
use crate::chart::{Area, ChartResult, Legend, Mark, Theme, XyChart};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// Class 0 (Okabe–Ito orange, apart from the vermillion of dead) and class 1 (blue).
pub const CLASS0: RGBColor = RGBColor(230, 159, 0);

/// What the plane chart draws.
pub struct PlaneData<'a> {
    pub field: Option<&'a PlaneField>,
    /// The first-layer unit whose line is drawn.
    pub line_of: Option<usize>,
    /// Targets are 0/1 labels (else a regression's values, coloured by their range).
    pub classifies: bool,
}

/// The colour of a value `t` in [0, 1]: class 0's orange below ½, white at ½, class 1's
/// blue above (a diverging scale, so "undecided" reads as blank rather than as a muddy mix),
/// at most `strength` of the full colour.
pub fn heat(theme: &Theme, t: f64, strength: f64) -> RGBColor {
    let t = if t.is_finite() {
        t.clamp(0.0, 1.0)
    } else {
        0.5
    };
    if t < 0.5 {
        theme.tint(CLASS0, (0.5 - t) * 2.0 * strength)
    } else {
        theme.tint(theme.primary, (t - 0.5) * 2.0 * strength)
    }
}

/// `v` on the field's colour scale: the output's own range, or [0, 1] for a probability.
fn scaled(v: f32, range: (f32, f32), classifies: bool) -> f64 {
    if classifies {
        return f64::from(v);
    }
    let (lo, hi) = range;
    if hi > lo {
        f64::from((v - lo) / (hi - lo))
    } else {
        0.5
    }
}

/// The chart's caption: what the colours are.
pub fn caption(d: &PlaneData<'_>, compact: bool) -> String {
    let slice = d.field.is_some_and(|f| f.slice);
    match (d.classifies, compact, slice) {
        (true, true, _) => "Network output over the plane".into(),
        (true, false, false) => {
            "The network's output over the plane: P(class 1), orange 0 to blue 1".into()
        }
        (false, true, _) => "Output over the plane".into(),
        (false, false, false) => {
            "The network's output over the plane (orange low, blue high)".into()
        }
        (_, false, true) => {
            "The network's output over a slice through the data's mean (other inputs held)".into()
        }
    }
}

pub fn draw<DB: DrawingBackend>(
    area: &Area<'_, DB>,
    d: &PlaneData<'_>,
    theme: &Theme,
) -> ChartResult<DB> {
    area.fill(&theme.background)?;
    let body = area.titled(&caption(d, theme.compact), theme.font(13.0))?;
    let Some(f) = d.field else {
        let (w, h) = body.dim_in_pixel();
        body.draw(&Text::new(
            "Train to see the network's output over the plane",
            (w as i32 / 2, h as i32 / 2),
            theme
                .font(14.0)
                .pos(Pos::new(HPos::Center, VPos::Center))
                .color(&theme.neutral),
        ))?;
        return Ok(());
    };
    let (bw, bh) = body.dim_in_pixel();
    let (plot_area, legend_area) = if theme.compact {
        let legend_h = (bh as f64 * 0.24).min(theme.px(80.0) as f64) as u32;
        body.split_vertically(bh.saturating_sub(legend_h))
    } else {
        body.split_horizontally(bh.min(bw * 62 / 100))
    };
    let (margin, x_lab, y_lab) = (theme.px(8.0), theme.px(40.0), theme.px(48.0));
    let mut chart = ChartBuilder::on(&plot_area)
        .margin(margin)
        .x_label_area_size(x_lab)
        .y_label_area_size(y_lab)
        .build_cartesian_2d(f.x.0..f.x.1, f.y.0..f.y.1)?;
    let name = |i: usize| {
        if f.slice {
            format!("x{} (others at their mean)", i + 1)
        } else {
            format!("x{} (no unit)", i + 1)
        }
    };
    let span = (f.x.1 - f.x.0).max(f.y.1 - f.y.0);
    crate::chart::themed_mesh(&mut chart.configure_mesh(), theme, 13.0)
        .x_desc(name(f.axes.0))
        .y_desc(name(f.axes.1))
        .x_labels(6)
        .y_labels(6)
        .x_label_formatter(&|v| crate::chart::scale::tick(*v, span))
        .y_label_formatter(&|v| crate::chart::scale::tick(*v, span))
        .draw()?;
    draw_heat(&chart, f, d.classifies, theme)?;
    let mut legend = Legend::new(SeriesLabelPosition::UpperLeft);
    draw_points(&mut chart, f, d.classifies, theme, &mut legend)?;
    if let Some(j) = d.line_of {
        draw_line(&mut chart, f, j, theme, &mut legend)?;
    } else if !theme.compact {
        legend.push(
            "point at a first-layer tile for its line",
            Mark::Line {
                style: ShapeStyle::from(theme.neutral).stroke_width(theme.px(1.0)),
                len: theme.px(18.0) as i32,
            },
        );
    }
    legend.draw(&legend_area, theme)
}

/// The output at every grid point, as one bitmap under the plot's frame.
fn draw_heat<DB: DrawingBackend>(
    chart: &XyChart<'_, DB>,
    f: &PlaneField,
    classifies: bool,
    theme: &Theme,
) -> ChartResult<DB> {
    let cells: Vec<RGBColor> = f
        .output
        .iter()
        .map(|v| heat(theme, scaled(*v, f.output_range, classifies), 0.5))
        .collect();
    let plot = chart.plotting_area().strip_coord_spec();
    let (w, h) = plot.dim_in_pixel();
    plot.draw(&Raster::of_cells((0, 0), (w, h), &cells, (f.res, f.res)))?;
    Ok(())
}

fn draw_points<DB: DrawingBackend>(
    chart: &mut XyChart<'_, DB>,
    f: &PlaneField,
    classifies: bool,
    theme: &Theme,
    legend: &mut Legend,
) -> ChartResult<DB> {
    let r = theme.px(2.4);
    let edge = ShapeStyle::from(theme.foreground.mix(0.55)).stroke_width(1);
    let (lo, hi) = f
        .points
        .iter()
        .fold((f32::INFINITY, f32::NEG_INFINITY), |(lo, hi), p| {
            (lo.min(p.2), hi.max(p.2))
        });
    let color_at = |t: f64| {
        // A point's own colour at full strength even near ½ (a regression's middle values).
        let (c, k) = if t < 0.5 {
            (CLASS0, 1.0 - t)
        } else {
            (theme.primary, t)
        };
        theme.tint(c, 0.35 + 0.65 * k)
    };
    // In 32 shades, a shade's points one after another: the page fills each shade's
    // circles as one path (web::text_canvas), not a thousand fills.
    let shade = |y: f32| (scaled(y, (lo, hi), classifies) * 32.0).round() / 32.0;
    let mut order: Vec<(f64, f64, f64)> = f
        .points
        .iter()
        .map(|(x, y, t)| (*x, *y, shade(*t)))
        .collect();
    order.sort_by(|a, b| a.2.total_cmp(&b.2));
    chart.draw_series(
        order
            .iter()
            .map(|(x, y, t)| Circle::new((*x, *y), r, color_at(*t).filled())),
    )?;
    chart.draw_series(
        f.points
            .iter()
            .map(|(x, y, _)| Circle::new((*x, *y), r, edge)),
    )?;
    let len = theme.px(7.0) as i32;
    if classifies {
        legend.push(
            "class 1",
            Mark::Bar {
                style: theme.primary.filled(),
                len,
            },
        );
        legend.push(
            "class 0",
            Mark::Bar {
                style: CLASS0.filled(),
                len,
            },
        );
    } else {
        legend.push(
            "training point (colour: target)",
            Mark::Bar {
                style: theme.primary.filled(),
                len,
            },
        );
    }
    Ok(())
}

/// First-layer unit `j`'s line, solid, with "open" written on its open side.
fn draw_line<DB: DrawingBackend>(
    chart: &mut XyChart<'_, DB>,
    f: &PlaneField,
    j: usize,
    theme: &Theme,
    legend: &mut Legend,
) -> ChartResult<DB> {
    let Some(line) = f.lines.get(j).copied() else {
        return Ok(());
    };
    let view = View { x: f.x, y: f.y };
    let style = ShapeStyle::from(theme.foreground).stroke_width(theme.px(2.5));
    let sw = theme.px(18.0) as i32;
    let (open, all) = f.open_points(j).unwrap_or((0, 0));
    let label = match segment(line, &view) {
        Some((p, q)) => {
            chart.draw_series(std::iter::once(PathElement::new(vec![p, q], style)))?;
            // "open" a little way from the middle of the segment, on the side where
            // w·x + b > 0 (along the normal (w1, w2)).
            let norm = line[0].hypot(line[1]);
            let m = (0.5 * (p.0 + q.0), 0.5 * (p.1 + q.1));
            let step = 0.08 * (f.x.1 - f.x.0).max(f.y.1 - f.y.0);
            let at = (m.0 + step * line[0] / norm, m.1 + step * line[1] / norm);
            if view.contains(at) {
                let text = theme.font(13.0).pos(Pos::new(HPos::Center, VPos::Center));
                chart.draw_series(std::iter::once(Text::new("open", at, text)))?;
            }
            format!("layer-1 unit {}'s line: {open} of {all} points open", j + 1)
        }
        None => format!(
            "layer-1 unit {}'s line is off the view: {open} of {all} points open",
            j + 1
        ),
    };
    legend.push(label, Mark::Line { style, len: sw });
    Ok(())
}
