//! The largest pre-activation of each dead unit, as a bar from 0: how far below 0 the unit
//! stayed on every sample, so how large a change of its bias (or weights) would make it fire
//! again. A unit of the share definitions may reach above 0: then it fires now and then.

use super::{anchored, message};
use crate::chart::{scale, Area, ChartResult, Theme};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

/// The most units drawn (the rest are counted in the title line).
pub const MAX_SHOWN: usize = 16;

/// What the chart shows.
#[derive(Clone, Debug, PartialEq)]
pub struct MaxPre {
    /// ("fc1 #2", its largest pre-activation), in layer order.
    pub units: Vec<(String, f64)>,
    /// Dead units left out (beyond [`MAX_SHOWN`], or with no pre-activation seen).
    pub more: usize,
    /// "exactly dead".
    pub what: String,
}

pub fn draw<DB: DrawingBackend>(area: &Area<'_, DB>, m: &MaxPre, theme: &Theme) -> ChartResult<DB> {
    if m.units.is_empty() {
        let text = if m.more > 0 {
            "No pre-activation was recorded for the dead units".to_string()
        } else {
            format!("No unit is {}", m.what)
        };
        return message(area, &text, theme);
    }
    area.fill(&theme.background)?;
    let n = m.units.len();
    let lo = m.units.iter().map(|u| u.1).fold(0.0, f64::min);
    let hi = m.units.iter().map(|u| u.1).fold(0.0, f64::max);
    let (lo, hi) = scale::span(lo, hi);
    // Room beyond the ends for the numbers written there.
    let pad = (hi - lo) * 0.18;
    let (lo, hi) = (
        if lo < 0.0 { lo - pad } else { lo },
        if hi > 0.0 { hi + pad } else { hi + pad * 0.3 },
    );
    let mut chart = ChartBuilder::on(area)
        .margin(theme.px(12.0))
        .margin_right(theme.px(20.0))
        .margin_top(theme.px(26.0))
        .x_label_area_size(theme.px(44.0))
        .y_label_area_size(theme.px(96.0))
        .build_cartesian_2d(lo..hi, -0.5..(n as f64 - 0.5))?;
    crate::chart::themed_mesh(&mut chart.configure_mesh(), theme, 13.0)
        .disable_y_mesh()
        .y_labels(1)
        .y_label_formatter(&|_| String::new())
        .x_labels(6)
        .x_label_formatter(&|x| scale::tick(*x, hi - lo))
        .x_desc(if theme.compact {
            "largest pre-activation (fires above 0)"
        } else {
            "largest pre-activation on any sample (fires above 0)"
        })
        .draw()?;
    let zero = ShapeStyle::from(theme.foreground).stroke_width(theme.px(1.5));
    chart.draw_series(LineSeries::new(
        vec![(0.0, -0.5), (0.0, n as f64 - 0.5)],
        zero,
    ))?;
    let thin = n > 10;
    for (i, (label, v)) in m.units.iter().enumerate() {
        let y = (n - 1 - i) as f64;
        draw_bar(area, &mut chart, (label, *v, y), (lo, hi, thin), theme)?;
    }
    let title = if m.more > 0 {
        format!("Each {} unit ({} more not shown)", m.what, m.more)
    } else {
        format!("Each {} unit", m.what)
    };
    let (tx, ty) = chart.backend_coord(&(lo, n as f64 - 0.5));
    area.draw(&Text::new(
        title,
        (tx, ty - theme.px(6.0) as i32),
        anchored(theme.font(12.0), HPos::Left, VPos::Bottom),
    ))
}

/// One unit's bar, its number and its name.
fn draw_bar<DB: DrawingBackend>(
    area: &Area<'_, DB>,
    chart: &mut crate::chart::XyChart<'_, DB>,
    (label, v, y): (&str, f64, f64),
    (lo, hi, thin): (f64, f64, bool),
    theme: &Theme,
) -> ChartResult<DB> {
    let half = if thin { 0.4 } else { 0.3 };
    chart.draw_series(std::iter::once(Rectangle::new(
        [(0.0, y - half), (v, y + half)],
        theme.dead.filled(),
    )))?;
    // The number at the bar's end: inside a long bar (in the background's colour), past
    // the end of a short one, so it never runs into the unit's name.
    let inside = v.abs() > 0.35 * (hi - lo);
    let outward = if v < 0.0 { -1 } else { 1 };
    let dir = if inside { -outward } else { outward };
    let h = if dir < 0 { HPos::Right } else { HPos::Left };
    let colour = if inside {
        theme.background
    } else {
        theme.foreground
    };
    let (bx, by) = chart.backend_coord(&(v, y));
    area.draw(&Text::new(
        crate::spec::format_sig(v, 3).replace('-', "−"),
        (bx + theme.px(5.0) as i32 * dir, by),
        anchored(theme.font_colored(12.0, colour), h, VPos::Center),
    ))?;
    let (px, py) = chart.backend_coord(&(lo, y));
    area.draw(&Text::new(
        label.to_string(),
        (px - theme.px(8.0) as i32, py),
        anchored(theme.font(12.0), HPos::Right, VPos::Center),
    ))
}
