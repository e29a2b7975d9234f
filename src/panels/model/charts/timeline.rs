//! Each layer's dead share over the report's snapshots (the probes' `watch(..., every=K)`, or
//! the page's every epoch): a line that starts high was born dead, one that climbs died while
//! training.

use super::{anchored, message, short_name, LINE_COLOURS};
use crate::chart::{scale, Area, ChartResult, Legend, Mark, Theme};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

/// One layer's line: its name and (step, dead share in [0, 1]) at each snapshot.
#[derive(Clone, Debug, PartialEq)]
pub struct Line {
    pub name: String,
    pub points: Vec<(f64, f64)>,
}

/// What the timeline shows.
#[derive(Clone, Debug, PartialEq)]
pub struct Timeline {
    pub lines: Vec<Line>,
    /// The y axis' words: "units exactly dead (% of the layer)".
    pub axis: String,
}

pub fn draw<DB: DrawingBackend>(
    area: &Area<'_, DB>,
    t: &Timeline,
    theme: &Theme,
) -> ChartResult<DB> {
    let steps: Vec<f64> = t
        .lines
        .iter()
        .flat_map(|l| l.points.iter().map(|p| p.0))
        .collect();
    if steps.is_empty() {
        let text = if theme.compact {
            "No snapshots in this report"
        } else {
            "No snapshots: probe with watch(model, batches, every=K) to see this"
        };
        return message(area, text, theme);
    }
    area.fill(&theme.background)?;
    let lo = steps.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = steps.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let (lo, hi) = scale::span(lo, hi);
    let mut chart = ChartBuilder::on(area)
        .margin(theme.px(12.0))
        .margin_right(theme.px(20.0))
        .x_label_area_size(theme.px(44.0))
        .y_label_area_size(theme.px(56.0))
        .build_cartesian_2d(lo..hi, 0f64..105f64)?;
    crate::chart::themed_mesh(&mut chart.configure_mesh(), theme, 13.0)
        .x_desc("training step")
        .y_desc(if theme.compact {
            "dead (% of the layer)"
        } else {
            t.axis.as_str()
        })
        .x_labels(6)
        .x_label_formatter(&|x| scale::tick(*x, hi - lo))
        .y_labels(6)
        .y_label_formatter(&|y| format!("{}", y.round()))
        .draw()?;
    let mut legend = Legend::new(SeriesLabelPosition::UpperLeft);
    let sw = theme.px(18.0) as i32;
    let r = theme.px(3.5);
    for (k, line) in t.lines.iter().enumerate() {
        let colour = LINE_COLOURS[k % LINE_COLOURS.len()];
        let style = ShapeStyle::from(colour).stroke_width(theme.px(2.0));
        let points: Vec<(f64, f64)> = line.points.iter().map(|&(x, s)| (x, s * 100.0)).collect();
        chart.draw_series(LineSeries::new(points.iter().copied(), style))?;
        // Markers differ by layer as well as colours do.
        if k % 2 == 0 {
            chart.draw_series(points.iter().map(|&p| Circle::new(p, r, colour.filled())))?;
        } else {
            chart.draw_series(
                points
                    .iter()
                    .map(|&p| TriangleMarker::new(p, r + 1, colour.filled())),
            )?;
        }
        legend.push(short_name(&line.name, 18), Mark::Line { style, len: sw });
    }
    if t.lines.iter().all(|l| l.points.iter().all(|p| p.1 == 0.0)) {
        chart.draw_series(std::iter::once(Text::new(
            "No unit dead at any snapshot",
            ((lo + hi) / 2.0, 52.0),
            anchored(theme.font(13.0), HPos::Center, VPos::Center),
        )))?;
    }
    legend.set_position(SeriesLabelPosition::UpperLeft);
    legend.draw(&chart.plotting_area().strip_coord_spec(), theme)
}
