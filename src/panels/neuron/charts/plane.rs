//! R's line in the plane of its inputs (issue #30): the 500 inputs (x1, x2) as a cloud and the
//! line w1·x1 + w2·x2 + b = 0 where a changes sign, with the open side (a > 0) shaded and the
//! shut side labelled. R is dead (ReLU) exactly when the whole cloud lies on the shut side: the
//! large step moves the line past the cloud. The line before the last large step is dashed.
//!
//! Both axes have the same unit length, so the line's angle is true. The view holds the cloud
//! and, when they are near enough, the lines; a line too far away is an arrow at the edge of
//! the view pointing at it, with its distance.

use crate::chart::{Area, ChartResult, Legend, Mark, Theme, XyChart};
use crate::sim::activation::Activation;
use crate::sim::neuron::preactivation;
use crate::spec::format_sig;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// Which side of R's line an input is on: open when a > 0 (the gate chart's "open" too).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    Open,
    Shut,
}

/// The side of `line` = (w1, w2, b) that `x` is on, from the neuron's own formula for a.
pub fn side(line: [f64; 3], x: [f64; 2]) -> Side {
    if preactivation(line, x) > 0.0 {
        Side::Open
    } else {
        Side::Shut
    }
}

pub use crate::chart::geometry::{segment, View};

/// A line further from the cloud's centre than this many cloud half-widths is left out of the
/// view (an arrow points at it): further, and the cloud would shrink to a dot.
pub const REACH: f64 = 5.0;

/// The nearest point of a line to a point, its distance, and the unit direction to it.
type Foot = ((f64, f64), f64, (f64, f64));

/// Where a line lies relative to the cloud.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Whereabouts {
    /// w1 = w2 = 0 (or not finite): a = b everywhere, no line.
    NoLine,
    /// In the view, as the segment between these points.
    Seen((f64, f64), (f64, f64)),
    /// Outside the view: `distance` from the cloud's centre, in direction `toward` (unit).
    Away { distance: f64, toward: (f64, f64) },
}

/// What the plane shows: the inputs, R's line now and before the last large step, and f.
pub struct Plane<'a> {
    pub points: &'a [[f64; 2]],
    pub line: [f64; 3],
    pub before: Option<[f64; 3]>,
    pub f: Activation,
}

impl Plane<'_> {
    /// How many inputs are on the open and on the shut side of the line drawn.
    pub fn sides(&self) -> (usize, usize) {
        let open = self
            .points
            .iter()
            .filter(|&&x| side(self.line, x) == Side::Open)
            .count();
        (open, self.points.len() - open)
    }

    /// Whether every input is on the shut side: for ReLU, R is dead on its inputs.
    pub fn all_shut(&self) -> bool {
        self.sides().0 == 0
    }

    /// The cloud's centre and half-width (the larger of its two, with a margin).
    fn cloud(&self) -> ((f64, f64), f64) {
        let finite = self
            .points
            .iter()
            .filter(|p| p.iter().all(|v| v.is_finite()));
        let (lo, hi) = finite.fold(
            ([f64::INFINITY; 2], [f64::NEG_INFINITY; 2]),
            |(lo, hi), p| {
                (
                    [lo[0].min(p[0]), lo[1].min(p[1])],
                    [hi[0].max(p[0]), hi[1].max(p[1])],
                )
            },
        );
        if lo[0] > hi[0] {
            return ((0.5, 0.5), 0.5);
        }
        let c = (0.5 * (lo[0] + hi[0]), 0.5 * (lo[1] + hi[1]));
        let h = 0.5 * (hi[0] - lo[0]).max(hi[1] - lo[1]);
        (c, (1.08 * h).max(0.05))
    }

    /// The nearest point of `line` to `c`, with its distance and direction from `c`; None
    /// when there is no line.
    fn foot(line: [f64; 3], c: (f64, f64)) -> Option<Foot> {
        let norm = line[0].hypot(line[1]);
        if !(norm > 0.0 && norm.is_finite() && line[2].is_finite()) {
            return None;
        }
        let a = preactivation(line, [c.0, c.1]);
        let distance = a.abs() / norm;
        let s = -a.signum();
        let toward = (s * line[0] / norm, s * line[1] / norm);
        let p = (c.0 + distance * toward.0, c.1 + distance * toward.1);
        Some((p, distance, toward))
    }

    /// The view for a plotting area `aspect` = height / width (in pixels): the cloud, the
    /// nearest point of each line within [`REACH`], a margin, and equal units on both axes.
    pub fn view(&self, aspect: f64) -> View {
        let (c, h) = self.cloud();
        let (mut x, mut y) = ((c.0 - h, c.0 + h), (c.1 - h, c.1 + h));
        let lines = std::iter::once(self.line).chain(self.before);
        for (p, d, _) in lines.filter_map(|l| Self::foot(l, c)) {
            if d <= REACH * h {
                // Room on both sides of the line, so each side has space for its label.
                let m = 0.6 * h;
                x = (x.0.min(p.0 - m), x.1.max(p.0 + m));
                y = (y.0.min(p.1 - m), y.1.max(p.1 + m));
            }
        }
        let aspect = if aspect.is_finite() && aspect > 0.0 {
            aspect
        } else {
            1.0
        };
        let (w, ht) = (x.1 - x.0, y.1 - y.0);
        let grow = |r: (f64, f64), to: f64| {
            let m = 0.5 * (r.0 + r.1);
            (m - 0.5 * to, m + 0.5 * to)
        };
        if ht / w < aspect {
            y = grow(y, w * aspect);
        } else {
            x = grow(x, ht / aspect);
        }
        View { x, y }
    }

    /// Where `line` is in `view`.
    pub fn whereabouts(&self, line: [f64; 3], view: &View) -> Whereabouts {
        let (c, _) = self.cloud();
        let Some((_, distance, toward)) = Self::foot(line, c) else {
            return Whereabouts::NoLine;
        };
        match segment(line, view) {
            Some((p, q)) => Whereabouts::Seen(p, q),
            None => Whereabouts::Away { distance, toward },
        }
    }
}

/// The part of `view` on one side of `line`: open (a > 0) or shut. A convex polygon (the
/// view's corners and the line's crossings, Sutherland–Hodgman with one edge); empty when
/// the whole view is on the other side.
pub fn half_plane(line: [f64; 3], view: &View, open: bool) -> Vec<(f64, f64)> {
    let a = |p: (f64, f64)| preactivation(line, [p.0, p.1]);
    let inside = |p: (f64, f64)| (a(p) > 0.0) == open;
    let corners = view.corners();
    let mut out = Vec::with_capacity(6);
    for i in 0..4 {
        let (p, q) = (corners[i], corners[(i + 1) % 4]);
        if inside(p) {
            out.push(p);
        }
        if inside(p) != inside(q) {
            let t = a(p) / (a(p) - a(q));
            if t.is_finite() {
                out.push((p.0 + t * (q.0 - p.0), p.1 + t * (q.1 - p.1)));
            }
        }
    }
    // A line through a corner gives that corner twice (once kept, once as a crossing).
    out.dedup();
    if out.len() > 1 && out.first() == out.last() {
        out.pop();
    }
    out
}

/// The shut side's label: what the gate does there for this f.
pub fn shut_label(f: Activation, compact: bool) -> &'static str {
    match (f.zero_gradient_region().is_some(), compact) {
        (true, false) => "shut side: a ≤ 0, f′ = 0",
        (true, true) => "shut: a ≤ 0",
        (false, false) => "shut side: a ≤ 0 (f′ ≠ 0: leaks)",
        (false, true) => "shut: a ≤ 0 (leaks)",
    }
}

/// The caption: how many inputs are on each side, and the verdict when none is open.
pub fn caption(plane: &Plane<'_>, compact: bool) -> String {
    let (open, shut) = plane.sides();
    let n = plane.points.len();
    let verdict = if open == 0 && plane.f.zero_gradient_region().is_some() {
        ": R is dead"
    } else {
        ""
    };
    if compact {
        format!("R's line: {open} of {n} inputs open{verdict}")
    } else {
        format!(
            "R's line a = w1·x1 + w2·x2 + b = 0 and its {n} inputs: {open} open, {shut} shut{verdict}"
        )
    }
}

/// What the drawing steps share.
struct Draw<'p, 't> {
    plane: &'p Plane<'p>,
    view: View,
    theme: &'t Theme,
}

/// Draws the plane. On a wide canvas the legend stands to the right of a square plot; on a
/// phone below it.
pub fn draw<DB: DrawingBackend>(
    area: &Area<'_, DB>,
    plane: &Plane<'_>,
    theme: &Theme,
) -> ChartResult<DB> {
    area.fill(&theme.background)?;
    let body = area.titled(&caption(plane, theme.compact), theme.font(13.0))?;
    let (bw, bh) = body.dim_in_pixel();
    let (plot_area, legend_area) = if theme.compact {
        let legend_h = (bh as f64 * 0.3).min(theme.px(110.0) as f64) as u32;
        body.split_vertically(bh.saturating_sub(legend_h))
    } else {
        body.split_horizontally(bh.min(bw * 62 / 100))
    };
    let (margin, x_lab, y_lab) = (theme.px(8.0), theme.px(40.0), theme.px(48.0));
    let (pw, ph) = plot_area.dim_in_pixel();
    let inner_w = pw.saturating_sub(2 * margin + y_lab).max(1) as f64;
    let inner_h = ph.saturating_sub(2 * margin + x_lab).max(1) as f64;
    let d = Draw {
        plane,
        view: plane.view(inner_h / inner_w),
        theme,
    };
    let mut chart = ChartBuilder::on(&plot_area)
        .margin(margin)
        .x_label_area_size(x_lab)
        .y_label_area_size(y_lab)
        .build_cartesian_2d(d.view.x.0..d.view.x.1, d.view.y.0..d.view.y.1)?;
    let span = (d.view.x.1 - d.view.x.0).max(d.view.y.1 - d.view.y.0);
    crate::chart::themed_mesh(&mut chart.configure_mesh(), theme, 13.0)
        .x_desc("x1 (no unit)")
        .y_desc("x2 (no unit)")
        .x_labels(6)
        .y_labels(6)
        .x_label_formatter(&|v| crate::chart::scale::tick(*v, span))
        .y_label_formatter(&|v| crate::chart::scale::tick(*v, span))
        .draw()?;
    let mut legend = Legend::new(SeriesLabelPosition::UpperLeft);
    draw_sides(&mut chart, &d, &mut legend)?;
    draw_points(&mut chart, &d, &mut legend)?;
    draw_lines(&mut chart, &d, &mut legend)?;
    draw_side_labels(&mut chart, &d)?;
    legend.draw(&legend_area, theme)
}

/// The open side shaded (the shut side is left plain and labelled).
fn draw_sides<DB: DrawingBackend>(
    chart: &mut XyChart<'_, DB>,
    d: &Draw<'_, '_>,
    legend: &mut Legend,
) -> ChartResult<DB> {
    let theme = d.theme;
    let open = half_plane(d.plane.line, &d.view, true);
    // Translucent, so the grid shows through.
    let fill = theme.primary.mix(0.14).filled();
    if open.len() >= 3 {
        chart.draw_series(std::iter::once(Polygon::new(open, fill)))?;
    }
    let label = if theme.compact {
        "open side: a > 0"
    } else {
        "open side: a > 0, the gate lets gradients through"
    };
    legend.push(
        label,
        Mark::Bar {
            style: fill,
            len: theme.px(18.0) as i32,
        },
    );
    Ok(())
}

/// The inputs, blue on the open side and vermillion on the shut side.
fn draw_points<DB: DrawingBackend>(
    chart: &mut XyChart<'_, DB>,
    d: &Draw<'_, '_>,
    legend: &mut Legend,
) -> ChartResult<DB> {
    let theme = d.theme;
    let r = theme.px(2.2);
    let (open, shut) = d.plane.sides();
    for (which, color, count, name) in [
        (Side::Open, theme.primary, open, "open"),
        (Side::Shut, theme.dead, shut, "shut"),
    ] {
        let style = color.mix(0.75).filled();
        let pts = d
            .plane
            .points
            .iter()
            .filter(|&&x| side(d.plane.line, x) == which);
        chart.draw_series(pts.map(|x| Circle::new((x[0], x[1]), r, style)))?;
        if count > 0 {
            let label = if theme.compact {
                format!("{count} inputs, {name}")
            } else {
                format!("{count} inputs (x1, x2) on the {name} side")
            };
            let dot = Mark::Bar {
                style,
                len: theme.px(7.0) as i32,
            };
            legend.push(label, dot);
        }
    }
    Ok(())
}

/// R's line now (solid) and before the last large step (dashed); a line out of view is an
/// arrow at the edge pointing at it.
fn draw_lines<DB: DrawingBackend>(
    chart: &mut XyChart<'_, DB>,
    d: &Draw<'_, '_>,
    legend: &mut Legend,
) -> ChartResult<DB> {
    let theme = d.theme;
    let sw = theme.px(18.0) as i32;
    if let Some(before) = d.plane.before {
        let style = ShapeStyle::from(theme.neutral).stroke_width(theme.px(2.0));
        let dash = theme.px(6.0);
        if let Whereabouts::Seen(p, q) = d.plane.whereabouts(before, &d.view) {
            chart.draw_series(DashedLineSeries::new([p, q], dash, dash, style))?;
        }
        let label = if theme.compact {
            "line before the step"
        } else {
            "R's line before the large step (dashed)"
        };
        legend.push(label, Mark::half_dash(style, sw));
    }
    let style = ShapeStyle::from(theme.foreground).stroke_width(theme.px(2.5));
    let label = match d.plane.whereabouts(d.plane.line, &d.view) {
        Whereabouts::Seen(p, q) => {
            chart.draw_series(std::iter::once(PathElement::new(vec![p, q], style)))?;
            "R's line now: a = 0".to_string()
        }
        Whereabouts::NoLine => "no line: w1 = w2 = 0, so a = b for every input".to_string(),
        Whereabouts::Away { distance, toward } => {
            draw_arrow(chart, d, toward, style)?;
            format!(
                "R's line now: off the view, {} from the cloud (arrow)",
                format_sig(distance, 2)
            )
        }
    };
    legend.push(label, Mark::Line { style, len: sw });
    Ok(())
}

/// An arrow from inside the view to its edge, in direction `toward`, labelled.
fn draw_arrow<DB: DrawingBackend>(
    chart: &mut XyChart<'_, DB>,
    d: &Draw<'_, '_>,
    toward: (f64, f64),
    style: ShapeStyle,
) -> ChartResult<DB> {
    let (c, h) = d.plane.cloud();
    let v = &d.view;
    // How far from c the ray toward the line leaves the view.
    let exit = |lo: f64, hi: f64, c: f64, u: f64| {
        if u > 0.0 {
            (hi - c) / u
        } else if u < 0.0 {
            (lo - c) / u
        } else {
            f64::INFINITY
        }
    };
    let t = exit(v.x.0, v.x.1, c.0, toward.0).min(exit(v.y.0, v.y.1, c.1, toward.1));
    if !t.is_finite() {
        return Ok(());
    }
    let at = |s: f64| (c.0 + s * toward.0, c.1 + s * toward.1);
    let (tail, tip) = (at((t - 0.9 * h).max(0.6 * t)), at(0.97 * t));
    let (px, py) = chart.backend_coord(&tip);
    let (tx, ty) = chart.backend_coord(&tail);
    let plot = chart.plotting_area().strip_coord_spec();
    let (ox, oy) = (plot.get_base_pixel().0, plot.get_base_pixel().1);
    let len = ((px - tx) as f64).hypot((py - ty) as f64).max(1.0);
    let (ux, uy) = ((px - tx) as f64 / len, (py - ty) as f64 / len);
    let head = d.theme.px(9.0) as f64;
    let wing = |s: f64| {
        (
            px - ox - (head * (ux + s * uy)) as i32,
            py - oy - (head * (uy - s * ux)) as i32,
        )
    };
    let (tip_px, tail_px) = ((px - ox, py - oy), (tx - ox, ty - oy));
    plot.draw(&PathElement::new(vec![tail_px, tip_px], style))?;
    plot.draw(&PathElement::new(
        vec![wing(0.6), tip_px, wing(-0.6)],
        style,
    ))?;
    let anchor = Pos::new(
        if ux > 0.0 { HPos::Right } else { HPos::Left },
        if uy < 0.0 { VPos::Top } else { VPos::Bottom },
    );
    let text = if d.theme.compact {
        "line this way"
    } else {
        "R's line is this way"
    };
    let gap = d.theme.px(6.0) as i32;
    let at_px = (tail_px.0, tail_px.1 + if uy < 0.0 { gap } else { -gap });
    plot.draw(&Text::new(text, at_px, d.theme.font(12.0).pos(anchor)))
}

/// "open side" and "shut side" written in a corner of each side: of the corners on that side,
/// the one where the label's box crosses no line and covers the fewest inputs.
fn draw_side_labels<DB: DrawingBackend>(
    chart: &mut XyChart<'_, DB>,
    d: &Draw<'_, '_>,
) -> ChartResult<DB> {
    let theme = d.theme;
    let line = d.plane.line;
    let a = |p: &(f64, f64)| preactivation(line, [p.0, p.1]);
    let plot = chart.plotting_area().strip_coord_spec();
    let (w, h) = plot.dim_in_pixel();
    let inset = theme.px(6.0) as i32;
    // Data units per device pixel (the same on both axes, near enough).
    let unit = (d.view.x.1 - d.view.x.0) / w.max(1) as f64;
    let labels = [
        (true, "open side", theme.primary),
        (false, shut_label(d.plane.f, theme.compact), theme.dead),
    ];
    for (open, text, color) in labels {
        let font = theme.font_colored(13.0, color);
        let (tw, th) = plot.estimate_text_size(text, &font)?;
        let size = (
            (tw as i32 + inset) as f64 * unit,
            (th as i32 + inset) as f64 * unit,
        );
        let on_side = d
            .view
            .corners()
            .into_iter()
            .filter(|p| (a(p) > 0.0) == open);
        let best = on_side.min_by_key(|&corner| label_cost(d, corner, size));
        let Some(corner) = best else {
            continue;
        };
        let right = corner.0 > 0.5 * (d.view.x.0 + d.view.x.1);
        let top = corner.1 > 0.5 * (d.view.y.0 + d.view.y.1);
        let pos = Pos::new(
            if right { HPos::Right } else { HPos::Left },
            if top { VPos::Top } else { VPos::Bottom },
        );
        let x = if right { w as i32 - inset } else { inset };
        let y = if top { inset } else { h as i32 - inset };
        plot.draw(&Text::new(text.to_string(), (x, y), font.pos(pos)))?;
    }
    Ok(())
}

/// How bad a label of `size` (data units) in `corner` of the view would be: each line it
/// crosses counts as much as every input, then the inputs it covers.
fn label_cost(d: &Draw<'_, '_>, corner: (f64, f64), size: (f64, f64)) -> usize {
    let v = &d.view;
    let x = if corner.0 > 0.5 * (v.x.0 + v.x.1) {
        (corner.0 - size.0, corner.0)
    } else {
        (corner.0, corner.0 + size.0)
    };
    let y = if corner.1 > 0.5 * (v.y.0 + v.y.1) {
        (corner.1 - size.1, corner.1)
    } else {
        (corner.1, corner.1 + size.1)
    };
    let bx = View { x, y };
    let crosses = |l: &[f64; 3]| {
        let sides = bx.corners().map(|p| preactivation(*l, [p.0, p.1]) > 0.0);
        sides.iter().any(|&s| s != sides[0])
    };
    let lines = std::iter::once(d.plane.line).chain(d.plane.before);
    let crossed = lines.filter(|l| crosses(l)).count();
    let covered = d
        .plane
        .points
        .iter()
        .filter(|p| bx.contains((p[0], p[1])))
        .count();
    crossed * (d.plane.points.len() + 1) + covered
}

#[cfg(test)]
mod tests {
    use super::*;

    const LINE: [f64; 3] = [0.1, 0.1, 0.0];

    #[test]
    fn the_half_planes_split_the_view_along_the_line() {
        let view = View {
            x: (-1.0, 1.0),
            y: (-1.0, 1.0),
        };
        let open = half_plane(LINE, &view, true);
        let shut = half_plane(LINE, &view, false);
        // x1 + x2 = 0 halves the square through two corners: two triangles.
        assert_eq!(open.len(), 3, "{open:?}");
        assert_eq!(shut.len(), 3, "{shut:?}");
        assert!(open.contains(&(1.0, 1.0)) && shut.contains(&(-1.0, -1.0)));
        let seg = segment(LINE, &view).unwrap_or_else(|| panic!("a segment"));
        let ends = [seg.0, seg.1];
        assert!(
            ends.contains(&(1.0, -1.0)) && ends.contains(&(-1.0, 1.0)),
            "{seg:?}"
        );
        // A line outside the view: no segment, one side whole.
        let far = [1.0, 1.0, -10.0];
        assert_eq!(segment(far, &view), None);
        assert_eq!(half_plane(far, &view, true), vec![]);
        assert_eq!(half_plane(far, &view, false).len(), 4);
    }

    #[test]
    fn the_view_has_equal_units_and_holds_the_cloud_and_a_near_line() {
        let points = [[0.2, 0.3], [0.8, 0.7], [0.5, 0.5]];
        let plane = Plane {
            points: &points,
            line: LINE,
            before: None,
            f: Activation::RELU,
        };
        for aspect in [0.5, 1.0, 1.7] {
            let v = plane.view(aspect);
            let (w, h) = (v.x.1 - v.x.0, v.y.1 - v.y.0);
            assert!((h / w - aspect).abs() < 1e-12, "{v:?}");
            assert!(points.iter().all(|p| v.contains((p[0], p[1]))));
            assert!(v.contains((0.0, 0.0)), "the line's nearest point: {v:?}");
            assert!(matches!(plane.whereabouts(LINE, &v), Whereabouts::Seen(..)));
        }
        let far = [1.0, 1.0, -100.0];
        let away = Plane { line: far, ..plane };
        let v = away.view(1.0);
        assert!(v.x.1 < 5.0, "a far line does not shrink the cloud: {v:?}");
        match away.whereabouts(far, &v) {
            Whereabouts::Away { distance, toward } => {
                assert!((distance - 99.0 / 2f64.sqrt()).abs() < 1e-9, "{distance}");
                assert!((toward.0 - 0.5f64.sqrt()).abs() < 1e-12, "{toward:?}");
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(away.whereabouts([0.0, 0.0, 1.0], &v), Whereabouts::NoLine);
    }
}
