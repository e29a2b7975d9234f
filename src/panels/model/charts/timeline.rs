//! Each layer's dead share over the report's snapshots (the probes' `watch(..., every=K)`, or
//! the page's every epoch): a line that starts high was born dead, one that climbs died while
//! training.

use super::{anchored, message, short_name, LINE_COLOURS};
use crate::chart::{scale, Area, ChartResult, Theme};
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
        // Room above the plot for the key: inside it, a key would hide a line at 100 %.
        .margin_top(theme.px(30.0))
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
    let mut key = Vec::new();
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
        key.push((short_name(&line.name, 18), style));
    }
    if t.lines.iter().all(|l| l.points.iter().all(|p| p.1 == 0.0)) {
        chart.draw_series(std::iter::once(Text::new(
            "No unit dead at any snapshot",
            ((lo + hi) / 2.0, 52.0),
            anchored(theme.font(13.0), HPos::Center, VPos::Center),
        )))?;
    }
    let (x0, top) = chart.backend_coord(&(lo, 105.0));
    draw_key(area, &key, (x0, top - theme.px(14.0) as i32), sw, theme)
}

/// The layers' lines in a row above the plot, as far as the width allows ("…" after).
fn draw_key<DB: DrawingBackend>(
    area: &Area<'_, DB>,
    key: &[(String, ShapeStyle)],
    (mut x, y): (i32, i32),
    sw: i32,
    theme: &Theme,
) -> ChartResult<DB> {
    let font = theme.font(12.0);
    let width = area.dim_in_pixel().0 as i32;
    for (name, style) in key {
        let (tw, _) = area.estimate_text_size(name, &font)?;
        if x + sw + tw as i32 + theme.px(8.0) as i32 > width {
            return area.draw(&Text::new(
                "…",
                (x, y),
                anchored(font.clone(), HPos::Left, VPos::Center),
            ));
        }
        area.draw(&PathElement::new(vec![(x, y), (x + sw, y)], *style))?;
        let tx = x + sw + theme.px(4.0) as i32;
        area.draw(&Text::new(
            name.clone(),
            (tx, y),
            anchored(font.clone(), HPos::Left, VPos::Center),
        ))?;
        x = tx + tw as i32 + theme.px(14.0) as i32;
    }
    Ok(())
}
