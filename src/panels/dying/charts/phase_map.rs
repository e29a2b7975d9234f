//! The phase map: learning rate (log axis) × the second axis (initial bias, warmup steps or
//! the clipping norm), each cell coloured by the share of hidden units dead after its training
//! (or by its final loss or accuracy), with the 50 % contour, the seed 002 settings marked,
//! the focused cell outlined and a colour bar with words.

use super::{dead_share, diverging};
use crate::chart::{themed_mesh, Area, ChartResult, Theme};
use crate::panels::dying::state::View;
use crate::panels::dying::sweep::{Axis, CellResult, MapSpec, CLIP_MAX, SEED002_LR};
use crate::sim::data::SEED002_DEAD_LOSS;
use crate::sim::loss::Loss;
use crate::spec::format_sig;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::ops::Range;

/// What the map shows.
pub struct MapData<'a> {
    pub spec: &'a MapSpec,
    pub cells: &'a [Option<CellResult>],
    pub view: View,
    pub focus: Option<usize>,
}

/// Where the cells were drawn, in the drawing area's pixels: what hit-testing uses.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MapLayout {
    pub x: Range<i32>,
    pub y: Range<i32>,
    pub res: usize,
}

impl MapLayout {
    /// The cell index under a pixel, if any (row 0 at the bottom: the most negative bias).
    pub fn hit(&self, px: f64, py: f64) -> Option<usize> {
        let (w, h) = (
            (self.x.end - self.x.start) as f64,
            (self.y.end - self.y.start) as f64,
        );
        if self.res == 0 || w <= 0.0 || h <= 0.0 {
            return None;
        }
        let fx = (px - self.x.start as f64) / w;
        let fy = (self.y.end as f64 - py) / h;
        if !(0.0..1.0).contains(&fx) || !(0.0..1.0).contains(&fy) {
            return None;
        }
        let i = (fx * self.res as f64) as usize;
        let j = (fy * self.res as f64) as usize;
        Some(j * self.res + i)
    }
}

/// The finished cells' smallest and largest final loss (the loss view's scale: with a ReLU
/// output and targets that are all negative, no net can go below 13/3, so a fixed scale from
/// 0 would paint every cell the same).
pub fn loss_range(cells: &[Option<CellResult>]) -> (f64, f64) {
    let losses = cells
        .iter()
        .flatten()
        .map(|c| c.loss)
        .filter(|l| l.is_finite());
    let (lo, hi) = losses.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), l| {
        (a.min(l), b.max(l))
    });
    let lo = lo.max(1e-6);
    if lo.is_finite() && hi > lo * 1.01 {
        (lo, hi)
    } else if lo.is_finite() {
        (lo, lo * 2.0)
    } else {
        (0.0, SEED002_DEAD_LOSS)
    }
}

/// Where an accuracy sits on the colour scale: 100 % at 0 (the alive blue), chance (50 %) and
/// below at 1 (the dead vermillion).
pub fn accuracy_t(accuracy: f64) -> f64 {
    (2.0 * (1.0 - accuracy)).clamp(0.0, 1.0)
}

/// A cell's colour: its dead share, its accuracy, or its final loss on a log scale between the
/// finished cells' smallest and largest (one run that blew up to thousands must not flatten
/// the rest).
fn cell_color(view: View, theme: &Theme, c: &CellResult, (lo, hi): (f64, f64)) -> RGBColor {
    match (view, view.share(c)) {
        (_, Some(share)) => dead_share(theme, share),
        (View::Accuracy, None) => diverging(theme, accuracy_t(c.accuracy)),
        _ => diverging(theme, (c.loss.max(lo).ln() - lo.ln()) / (hi.ln() - lo.ln())),
    }
}

/// The colour bar's colour at `t` in [0, 1] of its height.
fn bar_color(view: View, theme: &Theme, t: f64) -> RGBColor {
    match view {
        View::Loss | View::Accuracy => diverging(theme, t),
        _ => dead_share(theme, t),
    }
}

/// Draws the map and its colour bar; returns where the cells are.
pub fn draw<DB: DrawingBackend>(
    area: &Area<'_, DB>,
    d: &MapData<'_>,
    theme: &Theme,
) -> Result<MapLayout, DrawingAreaErrorKind<DB::ErrorType>> {
    area.fill(&theme.background)?;
    let (w, _) = area.dim_in_pixel();
    let bar_w = theme.px(if theme.compact { 84.0 } else { 92.0 }).min(w / 3);
    let (left, right) = area.split_horizontally(w - bar_w);
    let range = loss_range(d.cells);
    let layout = draw_cells(&left, d, theme, range)?;
    draw_bar(&right, d, theme, &layout, range)?;
    Ok(layout)
}

fn draw_cells<DB: DrawingBackend>(
    area: &Area<'_, DB>,
    d: &MapData<'_>,
    theme: &Theme,
    range: (f64, f64),
) -> Result<MapLayout, DrawingAreaErrorKind<DB::ErrorType>> {
    let s = d.spec;
    let res = s.res.max(2);
    let (x0, x1) = (s.lr(0).log10(), s.lr(res - 1).log10());
    let (y0, y1) = (s.y(0), s.y(res - 1));
    let (hx, hy) = (
        (x1 - x0) / (res - 1) as f64 / 2.0,
        (y1 - y0) / (res - 1) as f64 / 2.0,
    );
    let mut chart = ChartBuilder::on(area)
        .margin(theme.px(8.0))
        .margin_top(theme.px(12.0))
        .x_label_area_size(theme.px(46.0))
        .y_label_area_size(theme.px(if theme.compact { 46.0 } else { 56.0 }))
        .build_cartesian_2d(x0 - hx..x1 + hx, y0 - hy..y1 + hy)?;
    let x_desc = if theme.compact {
        "learning rate (log, no unit)"
    } else {
        "learning rate (log scale, no unit)"
    };
    let axis = s.axis;
    let y_label = move |v: &f64| y_label(axis, *v);
    themed_mesh(&mut chart.configure_mesh(), theme, 13.0)
        .disable_mesh()
        .x_desc(x_desc)
        .y_desc(y_desc(axis, theme.compact))
        .x_labels(((x1 - x0).round() as usize + 1).max(2))
        .x_label_formatter(&|v| lr_label(*v))
        .y_labels(if axis == Axis::Clip { 9 } else { 5 })
        .y_label_formatter(&y_label)
        .draw()?;
    if axis == Axis::Clip {
        // The top row is no clipping at all: its tick, written where the mesh writes its own.
        let (px, py) = chart.backend_coord(&(x0 - hx, s.y(res - 1)));
        let (bx, by) = area.get_base_pixel();
        let font = theme.font(13.0).pos(Pos::new(HPos::Right, VPos::Center));
        let at = (px - bx - theme.px(6.0) as i32, py - by);
        area.draw(&Text::new("off", at, font))?;
    }
    for index in 0..s.cells().min(d.cells.len()) {
        let (i, j) = s.position(index);
        let (cx, cy) = (s.lr(i).log10(), s.y(j));
        let rect = [(cx - hx, cy - hy), (cx + hx, cy + hy)];
        match &d.cells[index] {
            Some(c) if c.diverged => {
                chart.draw_series([Rectangle::new(rect, theme.neutral.filled())])?;
                let cross = ShapeStyle::from(theme.background).stroke_width(theme.px(1.5));
                chart.draw_series([Cross::new((cx, cy), theme.px(3.0) as i32, cross)])?;
            }
            Some(c) => {
                let color = cell_color(d.view, theme, c, range);
                chart.draw_series([Rectangle::new(rect, color.filled())])?;
            }
            None => {
                chart.draw_series([Rectangle::new(rect, theme.grid.filled())])?;
            }
        }
    }
    draw_contour(&mut chart, d, theme)?;
    draw_marks(&mut chart, d, theme, (hx, hy))?;
    let (x, y) = chart.plotting_area().get_pixel_range();
    Ok(MapLayout { x, y, res })
}

/// The second axis's name, with its unit.
pub fn y_desc(axis: Axis, compact: bool) -> &'static str {
    match (axis, compact) {
        (Axis::Bias, _) => "initial bias (no unit)",
        (Axis::Warmup, _) => "warmup (steps)",
        (Axis::Clip, false) => "clipping norm (log scale; top: off)",
        (Axis::Clip, true) => "clipping norm (log)",
    }
}

/// A tick of the second axis: "+0.5", "100" (steps), "0.01" (a power of ten of the norm).
fn y_label(axis: Axis, v: f64) -> String {
    match axis {
        Axis::Bias => format!("{v:+.1}").replace("+0.0", "0").replace('-', "−"),
        Axis::Warmup if v >= -1e-9 => format!("{v:.0}"),
        Axis::Warmup => String::new(),
        Axis::Clip if v > CLIP_MAX.log10() + 1e-6 => String::new(),
        Axis::Clip => lr_label(v),
    }
}

/// "1e-4", "0.001", "0.01", "0.1", "1".
fn lr_label(v: f64) -> String {
    let p = v.round() as i32;
    if (v - p as f64).abs() > 1e-6 {
        return String::new();
    }
    if p < -3 {
        format!("1e{p}").replace('-', "−")
    } else {
        crate::spec::format_sig(10f64.powi(p), 1)
    }
}

type Chart<'a, 'b, DB> = ChartContext<
    'a,
    DB,
    Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>,
>;

/// The 50 % contour of the dead share (marching squares between cell centres).
fn draw_contour<DB: DrawingBackend>(
    chart: &mut Chart<'_, '_, DB>,
    d: &MapData<'_>,
    theme: &Theme,
) -> ChartResult<DB> {
    let s = d.spec;
    let style = ShapeStyle::from(theme.foreground).stroke_width(theme.px(2.5));
    for (a, b) in contour_segments(s, d.cells, 0.5, d.view) {
        chart.draw_series([PathElement::new(vec![a, b], style)])?;
    }
    Ok(())
}

/// Segments (in chart coordinates: log10 lr, bias) where the share the view shows (the dead
/// share in the loss view) crosses `level`.
pub fn contour_segments(
    s: &MapSpec,
    cells: &[Option<CellResult>],
    level: f64,
    view: View,
) -> Vec<((f64, f64), (f64, f64))> {
    let res = s.res;
    let at = |i: usize, j: usize| -> Option<f64> {
        cells
            .get(j * res + i)
            .copied()
            .flatten()
            .filter(|c| !c.diverged)
            .map(|c| view.share(&c).unwrap_or(c.dead))
    };
    let mut out = Vec::new();
    for j in 0..res.saturating_sub(1) {
        for i in 0..res.saturating_sub(1) {
            let corners = [(i, j), (i + 1, j), (i + 1, j + 1), (i, j + 1)];
            let vals: Option<Vec<f64>> = corners.iter().map(|&(a, b)| at(a, b)).collect();
            let Some(v) = vals else { continue };
            let pos = |k: usize| (s.lr(corners[k].0).log10(), s.y(corners[k].1));
            // Points where each edge crosses the level.
            let mut pts = Vec::new();
            for k in 0..4 {
                let (va, vb) = (v[k], v[(k + 1) % 4]);
                if (va > level) != (vb > level) {
                    let t = ((level - va) / (vb - va)).clamp(0.0, 1.0);
                    let (pa, pb) = (pos(k), pos((k + 1) % 4));
                    pts.push((pa.0 + t * (pb.0 - pa.0), pa.1 + t * (pb.1 - pa.1)));
                }
            }
            match pts.len() {
                2 => out.push((pts[0], pts[1])),
                4 => {
                    out.push((pts[0], pts[1]));
                    out.push((pts[2], pts[3]));
                }
                _ => {}
            }
        }
    }
    out
}

/// The seed 002 settings and the focused cell.
fn draw_marks<DB: DrawingBackend>(
    chart: &mut Chart<'_, '_, DB>,
    d: &MapData<'_>,
    theme: &Theme,
    (hx, hy): (f64, f64),
) -> ChartResult<DB> {
    if let Some(f) = d.focus.filter(|&f| f < d.spec.cells()) {
        let (i, j) = d.spec.position(f);
        let (cx, cy) = (d.spec.lr(i).log10(), d.spec.y(j));
        let style = ShapeStyle::from(theme.foreground).stroke_width(theme.px(3.0));
        chart.draw_series([Rectangle::new(
            [(cx - hx, cy - hy), (cx + hx, cy + hy)],
            style,
        )])?;
    }
    let Some(y) = d.spec.seed002_y() else {
        return Ok(());
    };
    let at = (SEED002_LR.log10(), y);
    let r = theme.px(7.0) as i32;
    chart.draw_series([Circle::new(at, r, theme.background.filled())])?;
    chart.draw_series([Circle::new(
        at,
        r,
        ShapeStyle::from(theme.foreground).stroke_width(theme.px(2.5)),
    )])?;
    // Above the marker, so the label never runs into the cells' border on a narrow map.
    let label = theme.font(12.0).pos(Pos::new(HPos::Center, VPos::Bottom));
    let gap = r + theme.px(3.0) as i32;
    // Below the marker on the bottom row (warmup 0), above it elsewhere: never off the map.
    let (label, gap) = if d.spec.axis == Axis::Warmup {
        (label.pos(Pos::new(HPos::Center, VPos::Top)), -gap)
    } else {
        (label, gap)
    };
    chart.draw_series([EmptyElement::at(at) + Text::new("seed 002", (0, -gap), label)])?;
    Ok(())
}

/// The colour bar: a vertical scale with its words, aligned with the map's cells.
fn draw_bar<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    d: &MapData<'_>,
    theme: &Theme,
    layout: &MapLayout,
    (lo, hi): (f64, f64),
) -> ChartResult<DB> {
    let view = d.view;
    let (top, bottom) = (layout.y.start, layout.y.end);
    let x = theme.px(6.0) as i32;
    let bw = theme.px(16.0) as i32;
    let steps = 64;
    for k in 0..steps {
        let t0 = k as f64 / steps as f64;
        let ya = bottom - ((bottom - top) as f64 * t0) as i32;
        let yb = bottom - ((bottom - top) as f64 * (t0 + 1.0 / steps as f64)) as i32;
        let c = bar_color(view, theme, t0 + 0.5 / steps as f64);
        area.draw(&Rectangle::new([(x, yb), (x + bw, ya)], c.filled()))?;
    }
    area.draw(&Rectangle::new(
        [(x, top), (x + bw, bottom)],
        theme.foreground,
    ))?;
    let ticks: [(f64, String); 3] = match view {
        View::Dead | View::Dormant | View::Proven => [
            (0.0, "0 %".into()),
            (0.5, "50 %".into()),
            (1.0, "100 %".into()),
        ],
        View::Loss => [
            (0.0, format_sig(lo, 3)),
            (0.5, format_sig((lo * hi).sqrt(), 3)),
            (1.0, format_sig(hi, 3)),
        ],
        View::Accuracy => [
            (0.0, "100 %".into()),
            (0.5, "75 %".into()),
            (1.0, "50 %".into()),
        ],
    };
    let font = theme.font(12.0).pos(Pos::new(HPos::Left, VPos::Center));
    for (t, text) in ticks {
        let y = bottom - ((bottom - top) as f64 * t) as i32;
        area.draw(&Text::new(
            text,
            (x + bw + theme.px(4.0) as i32, y),
            font.clone(),
        ))?;
    }
    let title = match (view, theme.compact) {
        (View::Dead, _) => "dead hidden units",
        (View::Dormant, _) => "τ-dormant hidden units",
        (View::Proven, false) => "hidden units dead everywhere",
        (View::Proven, true) => "dead everywhere",
        (View::Loss, compact) => match (d.spec.task.loss(), compact) {
            (Loss::Mse, false) => "final loss (mean squared error, log scale)",
            (Loss::Mse, true) => "final loss (MSE)",
            (Loss::BinaryCrossEntropy, false) => "final loss (cross-entropy, log scale)",
            (Loss::BinaryCrossEntropy, true) => "final loss (cross-entropy)",
        },
        (View::Accuracy, false) => "validation accuracy (50 %: chance)",
        (View::Accuracy, true) => "accuracy",
    };
    let vertical = theme
        .font(12.0)
        .transform(FontTransform::Rotate270)
        .pos(Pos::new(HPos::Center, VPos::Top));
    let mid = (top + bottom) / 2;
    let tx = x + bw + theme.px(if theme.compact { 48.0 } else { 50.0 }) as i32;
    area.draw(&Text::new(title, (tx, mid), vertical))?;
    Ok(())
}
