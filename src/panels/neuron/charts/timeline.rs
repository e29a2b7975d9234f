//! R's history, step by step: its parameters, its loss and its open-gate fraction, with the
//! large steps marked, so "nothing moves after the step" is visible as flat lines.

use crate::chart::{Area, ChartResult, Legend, Mark, Theme, XyChart};
use crate::sim::neuron::{Snapshot, StepKind};
use plotters::prelude::*;

/// One timeline: its title, its y-axis description and its lines (colour, name, points).
type Row<'a> = (&'a str, &'a str, Vec<Line<'a>>);
type Line<'a> = (RGBColor, &'a str, Vec<(f64, f64)>);

/// At most this many points per line: more cannot be seen, and drawing them costs frames.
const MAX_POINTS: usize = 600;

/// The rows, top to bottom. The open-gate row is at the bottom: it alone names the x axis.
const PARAMETERS_ROW: usize = 0;
const LOSS_ROW: usize = 1;
const OPEN_ROW: usize = 2;

/// What every row shares: the x axis and the large steps marked across it.
struct Timeline<'t> {
    /// The last step shown (at least 10, so a fresh run has an axis).
    last: f64,
    /// Steps at which a large step was taken.
    large: Vec<f64>,
    theme: &'t Theme,
}

pub fn draw<DB: DrawingBackend>(
    area: &Area<'_, DB>,
    history: &[Snapshot],
    theme: &Theme,
) -> ChartResult<DB> {
    area.fill(&theme.background)?;
    let thinned = thin(history);
    let history = thinned.as_slice();
    let timeline = Timeline {
        last: history.last().map(|s| s.step).unwrap_or(0).max(10) as f64,
        large: history
            .iter()
            .filter(|s| s.kind == StepKind::Large)
            .map(|s| s.step as f64)
            .collect(),
        theme,
    };
    let areas = area.split_evenly((3, 1));
    for (i, (row, row_area)) in rows(history, theme).iter().zip(areas.iter()).enumerate() {
        draw_row(row_area, &timeline, i, row)?;
    }
    Ok(())
}

/// The three timelines: parameters, loss and the open share of inputs.
fn rows<'a>(history: &[Snapshot], theme: &Theme) -> [Row<'a>; 3] {
    let line = |color, name, value: fn(&Snapshot) -> f64| -> Line<'a> {
        (
            color,
            name,
            history.iter().map(|s| (s.step as f64, value(s))).collect(),
        )
    };
    [
        (
            "Parameters",
            "value (no unit)",
            vec![
                line(theme.primary, "w1", |s| s.w1),
                line(theme.secondary, "w2", |s| s.w2),
                line(theme.dead, "b", |s| s.b),
            ],
        ),
        (
            "Loss",
            "MSE (no unit)",
            vec![line(theme.foreground, "loss", |s| s.loss)],
        ),
        (
            "Open gate",
            "inputs open (%)",
            vec![line(theme.primary, "open", |s| 100.0 * s.open_fraction)],
        ),
    ]
}

/// Row `i`'s y window (lo, hi, pad): its finite values, from 0 for the loss, 0–100 for the
/// open share.
fn y_window(i: usize, lines: &[Line<'_>]) -> (f64, f64, f64) {
    let finite = lines
        .iter()
        .flat_map(|l| l.2.iter().map(|p| p.1))
        .filter(|v| v.is_finite());
    let (mut lo, mut hi) = finite.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
        (a.min(v), b.max(v))
    });
    if i == OPEN_ROW {
        (lo, hi) = (0.0, 100.0);
    } else if i == LOSS_ROW {
        lo = 0.0;
    }
    if !lo.is_finite() || !hi.is_finite() {
        (lo, hi) = (0.0, 1.0);
    }
    if hi - lo < 1e-9 {
        hi = lo + 1.0;
    }
    let pad = if i == OPEN_ROW { 0.0 } else { 0.08 * (hi - lo) };
    (lo, hi, pad)
}

/// Row `i`: its axes, the large steps across it, and its lines.
fn draw_row<DB: DrawingBackend>(
    area: &Area<'_, DB>,
    t: &Timeline<'_>,
    i: usize,
    (title, ydesc, lines): &Row<'_>,
) -> ChartResult<DB> {
    let theme = t.theme;
    let (lo, hi, pad) = y_window(i, lines);
    let mut chart = ChartBuilder::on(area)
        .margin(theme.px(6.0))
        .x_label_area_size(theme.px(if i == OPEN_ROW { 40.0 } else { 20.0 }))
        .y_label_area_size(theme.px(56.0))
        .caption(*title, theme.font(13.0))
        .build_cartesian_2d(0.0..t.last * 1.02, (lo - pad)..(hi + pad))?;
    let mut mesh = chart.configure_mesh();
    crate::chart::themed_mesh(&mut mesh, theme, 12.0)
        .y_desc(*ydesc)
        .y_labels(4)
        .x_labels(6)
        .x_label_formatter(&|v| format!("{v:.0}"))
        .y_label_formatter(&|v| crate::spec::format_sig(*v, 3));
    if i == OPEN_ROW {
        mesh.x_desc("SGD step (count)");
    }
    mesh.draw()?;
    let mark = ShapeStyle::from(theme.dead.mix(0.8)).stroke_width(theme.px(1.5));
    for &s in &t.large {
        chart.draw_series(std::iter::once(PathElement::new(
            vec![(s, lo - pad), (s, hi + pad)],
            mark,
        )))?;
    }
    // Named once, in the top row.
    if i == PARAMETERS_ROW && !t.large.is_empty() {
        chart.draw_series(std::iter::once(Text::new(
            "large step",
            (t.large[0] + t.last * 0.01, hi + pad * 0.2),
            theme.font_colored(12.0, theme.dead),
        )))?;
    }
    draw_lines(&mut chart, lines, theme)
}

/// A row's lines, each with a dot on its newest value, and a legend if there are several.
fn draw_lines<'a, DB: DrawingBackend + 'a>(
    chart: &mut XyChart<'a, DB>,
    lines: &[Line<'_>],
    theme: &Theme,
) -> ChartResult<DB> {
    let mut legend = Legend::new(SeriesLabelPosition::UpperRight);
    for (k, (color, name, pts)) in lines.iter().enumerate() {
        // The first line is drawn wider: w1 and w2 often coincide (the inputs are
        // symmetric), and w1 then shows as a border around w2 instead of vanishing.
        let width = if k == 0 && lines.len() > 1 { 5.0 } else { 2.0 };
        let style = ShapeStyle::from(*color).stroke_width(theme.px(width));
        let finite: Vec<(f64, f64)> = pts.iter().copied().filter(|p| p.1.is_finite()).collect();
        // A dot on the newest value, so a lone first point is visible too.
        let newest = finite.last().copied();
        chart.draw_series(LineSeries::new(finite, style))?;
        if lines.len() > 1 {
            legend.push(*name, Mark::Line { style, len: 16 });
        }
        if let Some(p) = newest {
            chart.draw_series(std::iter::once(Circle::new(
                p,
                theme.px(3.5),
                style.filled(),
            )))?;
        }
    }
    legend.draw(&chart.plotting_area().strip_coord_spec(), theme)
}

/// Every k-th snapshot, plus every large step and the last one.
fn thin(history: &[Snapshot]) -> Vec<Snapshot> {
    let k = history.len().div_ceil(MAX_POINTS).max(1);
    history
        .iter()
        .enumerate()
        .filter(|(i, s)| i % k == 0 || s.kind == StepKind::Large || *i + 1 == history.len())
        .map(|(_, s)| *s)
        .collect()
}
