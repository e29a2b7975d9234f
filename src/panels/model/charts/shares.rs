//! Each layer's dead share as a horizontal bar (layers top to bottom in forward order), the
//! count written beside it, and keras-contrib's 10 % line.

use super::{anchored, message, short_name};
use crate::chart::{Area, ChartResult, Theme};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

/// One bar.
#[derive(Clone, Debug, PartialEq)]
pub struct Bar {
    pub name: String,
    /// In [0, 1].
    pub share: f64,
    /// "3 of 16", or "38 %" for a share of outputs.
    pub caption: String,
}

/// What the chart shows.
#[derive(Clone, Debug, PartialEq)]
pub struct Shares {
    pub bars: Vec<Bar>,
    /// The axis' words: "share of units exactly dead (%)".
    pub axis: String,
    /// Draw keras-contrib's 10 % line (for unit verdicts).
    pub warn_line: bool,
}

pub fn draw<DB: DrawingBackend>(area: &Area<'_, DB>, s: &Shares, theme: &Theme) -> ChartResult<DB> {
    if s.bars.is_empty() {
        return message(area, "No layers to show: load a report", theme);
    }
    area.fill(&theme.background)?;
    let n = s.bars.len();
    let chars = s
        .bars
        .iter()
        .map(|b| b.name.chars().count())
        .max()
        .unwrap_or(4)
        .min(18);
    let name_w = theme.px(16.0 + 7.5 * chars as f64);
    let mut chart = ChartBuilder::on(area)
        .margin(theme.px(12.0))
        .margin_right(theme.px(24.0))
        // Room above the bars for the 10 % line's words.
        .margin_top(theme.px(28.0))
        .x_label_area_size(theme.px(44.0))
        .y_label_area_size(name_w)
        .build_cartesian_2d(0f64..100f64, -0.5..(n as f64 - 0.5))?;
    crate::chart::themed_mesh(&mut chart.configure_mesh(), theme, 13.0)
        .disable_y_mesh()
        .y_labels(1)
        .y_label_formatter(&|_| String::new())
        .x_labels(6)
        .x_label_formatter(&|x| format!("{}", x.round()))
        .x_desc(s.axis.as_str())
        .draw()?;
    // The first layer at the top, as a forward pass is read.
    let row = |i: usize| (n - 1 - i) as f64;
    let track = theme.tint(theme.neutral, 0.15);
    for (i, b) in s.bars.iter().enumerate() {
        let y = row(i);
        let value = (b.share * 100.0).clamp(0.0, 100.0);
        chart.draw_series([
            Rectangle::new([(0.0, y - 0.3), (100.0, y + 0.3)], track.filled()),
            Rectangle::new([(0.0, y - 0.3), (value, y + 0.3)], theme.dead.filled()),
        ])?;
        let inside = value > 80.0;
        let (x, h, colour) = if inside {
            (value - 1.0, HPos::Right, theme.background)
        } else {
            (value + 1.0, HPos::Left, theme.foreground)
        };
        chart.draw_series(std::iter::once(Text::new(
            b.caption.clone(),
            (x, y),
            anchored(theme.font_colored(12.0, colour), h, VPos::Center),
        )))?;
        let (px, py) = chart.backend_coord(&(0.0, y));
        area.draw(&Text::new(
            short_name(&b.name, 18),
            (px - theme.px(8.0) as i32, py),
            anchored(theme.font(12.0), HPos::Right, VPos::Center),
        ))?;
    }
    if s.warn_line {
        let style = ShapeStyle::from(theme.foreground).stroke_width(theme.px(1.5));
        let dash = theme.px(6.0);
        chart.draw_series(DashedLineSeries::new(
            vec![(10.0, -0.5), (10.0, n as f64 - 0.5)],
            dash,
            dash / 2 + 1,
            style,
        ))?;
        let (x, y) = chart.backend_coord(&(10.0, n as f64 - 0.5));
        area.draw(&Text::new(
            "10 %: keras-contrib warns",
            (x, y - theme.px(4.0) as i32),
            anchored(theme.font(12.0), HPos::Center, VPos::Bottom),
        ))?;
    }
    Ok(())
}
