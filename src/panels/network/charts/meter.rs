//! The learning-rate meter: Karpathy's update-to-data ratio (makemore, part 3) per layer over
//! the run's steps, log10(std(Δw) / std(w)), against the guide line at −3. Far above it, one
//! step moves a layer's weights by a large share of their spread: enough to push a unit
//! across 0 for every input, the seeds' second cause of death.

use crate::chart::{scale, Area, ChartResult, Legend, Mark, Theme};
use crate::sim::stats::EpochStats;
use plotters::prelude::*;
use plotters::style::text_anchor;

/// Where practitioners aim: about a thousandth of the weights' spread per step.
pub const GUIDE: f64 = -3.0;

/// What the meter shows.
pub struct MeterData<'a> {
    pub history: &'a [EpochStats],
    /// Optimizer steps per epoch, to place each reading on the epoch axis.
    pub steps_per_epoch: usize,
    /// The x axis runs from 0 to this many epochs.
    pub epochs: usize,
}

/// One line per layer: Okabe–Ito colours other than the vermillion that means dead.
const LINE_COLOURS: [RGBColor; 5] = [
    RGBColor(0, 114, 178),
    RGBColor(0, 158, 115),
    RGBColor(230, 159, 0),
    RGBColor(204, 121, 167),
    RGBColor(86, 180, 233),
];

/// "hidden 1" … "output".
fn layer_label(l: usize, n: usize) -> String {
    if l + 1 == n {
        "output".into()
    } else {
        format!("hidden {}", l + 1)
    }
}

/// Per layer, its finite readings as (epoch, log10 ratio); a step that changed nothing has
/// no point (its ratio is −∞).
pub fn series(d: &MeterData<'_>) -> Vec<Vec<(f64, f64)>> {
    let n = d
        .history
        .iter()
        .find_map(|s| s.update_ratios.first().map(|r| r.log10.len()))
        .unwrap_or(0);
    let per_epoch = d.steps_per_epoch.max(1) as f64;
    (0..n)
        .map(|l| {
            d.history
                .iter()
                .flat_map(|s| &s.update_ratios)
                .filter_map(|r| {
                    let v = *r.log10.get(l)?;
                    v.is_finite().then_some((r.step as f64 / per_epoch, v))
                })
                .collect()
        })
        .collect()
}

pub fn draw<DB: DrawingBackend>(
    area: &Area<'_, DB>,
    d: &MeterData<'_>,
    theme: &Theme,
) -> ChartResult<DB> {
    area.fill(&theme.background)?;
    let lines = series(d);
    let (lo, hi) = lines
        .iter()
        .flatten()
        .fold((GUIDE - 1.0, GUIDE + 1.0), |(a, b), p| {
            (a.min(p.1), b.max(p.1))
        });
    let (lo, hi) = scale::span(lo.floor(), hi.ceil());
    let x_max = d.epochs.max(1) as f64;
    let mut chart = ChartBuilder::on(area)
        .margin(theme.px(10.0))
        .x_label_area_size(theme.px(44.0))
        .y_label_area_size(theme.px(52.0))
        .build_cartesian_2d(0.0..x_max, lo..hi)?;
    crate::chart::themed_mesh(&mut chart.configure_mesh(), theme, 13.0)
        .x_desc("epoch (each point one optimizer step)")
        .y_desc("log10(std(Δw) / std(w)) (no unit)")
        .x_labels(d.epochs.clamp(2, 10) + 1)
        .x_label_formatter(&|x| format!("{x:.0}"))
        .y_labels(6)
        .y_label_formatter(&|y| scale::tick(*y, hi - lo))
        .draw()?;
    let mut legend = Legend::new(SeriesLabelPosition::UpperRight);
    let sw = theme.px(18.0) as i32;
    let guide = ShapeStyle::from(theme.foreground).stroke_width(theme.px(1.5));
    let dash = theme.px(6.0);
    chart.draw_series(DashedLineSeries::new(
        vec![(0.0, GUIDE), (x_max, GUIDE)],
        dash,
        dash / 2 + 1,
        guide,
    ))?;
    chart.draw_series(std::iter::once(Text::new(
        "−3: Karpathy's guide",
        (x_max * 0.01, GUIDE + (hi - lo) * 0.02),
        theme.font(12.0).pos(text_anchor::Pos::new(
            text_anchor::HPos::Left,
            text_anchor::VPos::Bottom,
        )),
    )))?;
    let n = lines.len();
    for (l, points) in lines.iter().enumerate() {
        let colour = LINE_COLOURS[l % LINE_COLOURS.len()];
        let style = ShapeStyle::from(colour).stroke_width(theme.px(2.0));
        chart.draw_series(LineSeries::new(points.iter().copied(), style))?;
        let label = if points.is_empty() {
            format!("{}: no change (no gradient)", layer_label(l, n))
        } else {
            layer_label(l, n)
        };
        legend.push(label, Mark::Line { style, len: sw });
    }
    if lines.iter().all(|p| p.is_empty()) {
        let read = d.history.iter().any(|s| !s.update_ratios.is_empty());
        let text = if read {
            "No step changed the weights: every gradient is 0"
        } else {
            "Train to read the meter: a point every few steps"
        };
        chart.draw_series(std::iter::once(Text::new(
            text,
            (x_max * 0.5, (lo + hi) / 2.0),
            theme.font(13.0).pos(text_anchor::Pos::new(
                text_anchor::HPos::Center,
                text_anchor::VPos::Center,
            )),
        )))?;
    }
    legend.draw(&chart.plotting_area().strip_coord_spec(), theme)
}
