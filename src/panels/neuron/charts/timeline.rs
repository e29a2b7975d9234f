//! R's history, step by step: its parameters, its loss and its open-gate fraction, with the
//! large steps marked, so "nothing moves after the step" is visible as flat lines.

use crate::chart::{Area, ChartResult, Theme};
use crate::sim::neuron::{Snapshot, StepKind};
use plotters::prelude::*;

/// One timeline: its title, its y-axis description and its lines (colour, name, points).
type Row<'a> = (&'a str, &'a str, Vec<Line<'a>>);
type Line<'a> = (RGBColor, &'a str, Vec<(f64, f64)>);

/// At most this many points per line: more cannot be seen, and drawing them costs frames.
const MAX_POINTS: usize = 600;

pub fn draw<DB: DrawingBackend>(
    area: &Area<'_, DB>,
    history: &[Snapshot],
    theme: &Theme,
) -> ChartResult<DB> {
    area.fill(&theme.background)?;
    let thinned = thin(history);
    let history = thinned.as_slice();
    let rows = area.split_evenly((3, 1));
    let last = history.last().map(|s| s.step).unwrap_or(0).max(10) as f64;
    let x = 0.0..last * 1.02;
    let large: Vec<f64> = history
        .iter()
        .filter(|s| s.kind == StepKind::Large)
        .map(|s| s.step as f64)
        .collect();

    let series: [Row; 3] = [
        (
            "Parameters",
            "value (no unit)",
            vec![
                (
                    theme.primary,
                    "w1",
                    history.iter().map(|s| (s.step as f64, s.w1)).collect(),
                ),
                (
                    theme.secondary,
                    "w2",
                    history.iter().map(|s| (s.step as f64, s.w2)).collect(),
                ),
                (
                    theme.dead,
                    "b",
                    history.iter().map(|s| (s.step as f64, s.b)).collect(),
                ),
            ],
        ),
        (
            "Loss",
            "MSE (no unit)",
            vec![(
                theme.foreground,
                "loss",
                history.iter().map(|s| (s.step as f64, s.loss)).collect(),
            )],
        ),
        (
            "Open gate",
            "inputs open (%)",
            vec![(
                theme.primary,
                "open",
                history
                    .iter()
                    .map(|s| (s.step as f64, 100.0 * s.open_fraction))
                    .collect(),
            )],
        ),
    ];

    for (i, ((title, ydesc, lines), row)) in series.iter().zip(rows.iter()).enumerate() {
        let finite = lines
            .iter()
            .flat_map(|l| l.2.iter().map(|p| p.1))
            .filter(|v| v.is_finite());
        let (mut lo, mut hi) = finite.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
            (a.min(v), b.max(v))
        });
        if i == 2 {
            (lo, hi) = (0.0, 100.0);
        } else if i == 1 {
            lo = 0.0;
        }
        if !lo.is_finite() || !hi.is_finite() {
            (lo, hi) = (0.0, 1.0);
        }
        if hi - lo < 1e-9 {
            hi = lo + 1.0;
        }
        let pad = if i == 2 { 0.0 } else { 0.08 * (hi - lo) };
        let mut chart = ChartBuilder::on(row)
            .margin(theme.px(6.0))
            .x_label_area_size(theme.px(if i == 2 { 40.0 } else { 20.0 }))
            .y_label_area_size(theme.px(56.0))
            .caption(*title, theme.font(13.0))
            .build_cartesian_2d(x.clone(), (lo - pad)..(hi + pad))?;
        let mut mesh = chart.configure_mesh();
        crate::chart::themed_mesh(&mut mesh, theme, 12.0)
            .y_desc(*ydesc)
            .y_labels(4)
            .x_labels(6)
            .x_label_formatter(&|v| format!("{v:.0}"))
            .y_label_formatter(&|v| crate::spec::format_sig(*v, 3));
        if i == 2 {
            mesh.x_desc("SGD step (count)");
        }
        mesh.draw()?;
        let mark = ShapeStyle::from(theme.dead.mix(0.8)).stroke_width(theme.px(1.5));
        for &s in &large {
            chart.draw_series(std::iter::once(PathElement::new(
                vec![(s, lo - pad), (s, hi + pad)],
                mark,
            )))?;
        }
        if i == 0 && !large.is_empty() {
            chart.draw_series(std::iter::once(Text::new(
                "large step",
                (large[0] + last * 0.01, hi + pad * 0.2),
                theme.font_colored(12.0, theme.dead),
            )))?;
        }
        for (k, (color, name, pts)) in lines.iter().enumerate() {
            // The first line is drawn wider: w1 and w2 often coincide (the inputs are
            // symmetric), and w1 then shows as a border around w2 instead of vanishing.
            let width = if k == 0 && lines.len() > 1 { 5.0 } else { 2.0 };
            let style = ShapeStyle::from(*color).stroke_width(theme.px(width));
            let finite: Vec<(f64, f64)> = pts.iter().copied().filter(|p| p.1.is_finite()).collect();
            // A dot on the newest value, so a lone first point is visible too.
            let newest = finite.last().copied();
            let s = chart.draw_series(LineSeries::new(finite, style))?;
            if lines.len() > 1 {
                s.label(*name)
                    .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], style));
            }
            if let Some(p) = newest {
                chart.draw_series(std::iter::once(Circle::new(
                    p,
                    theme.px(3.5),
                    style.filled(),
                )))?;
            }
        }
        if lines.len() > 1 {
            crate::chart::draw_legend(&mut chart, theme, SeriesLabelPosition::UpperRight)?;
        }
    }
    Ok(())
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
