//! The panel's charts, each a function of one input value over any `DrawingBackend`: each
//! layer's dead share, the map of every unit, the dead count over the snapshots, and how far
//! below 0 each dead unit's largest pre-activation stayed.

// A learner's numbers must never stop the page: no unwrap, no expect (tests/code_rules.rs).
#![deny(clippy::unwrap_used, clippy::expect_used)]

pub mod max_pre;
pub mod shares;
pub mod timeline;
pub mod unit_map;

use crate::chart::{Area, ChartResult, Theme};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// One line per layer: Okabe–Ito colours other than the vermillion that means dead.
pub const LINE_COLOURS: [RGBColor; 5] = [
    RGBColor(0, 114, 178),
    RGBColor(0, 158, 115),
    RGBColor(230, 159, 0),
    RGBColor(204, 121, 167),
    RGBColor(86, 180, 233),
];

/// `style` anchored at `h`, `v`.
pub fn anchored(style: TextStyle<'static>, h: HPos, v: VPos) -> TextStyle<'static> {
    style.pos(Pos::new(h, v))
}

/// A chart with nothing to draw says why, in the middle of its area.
pub fn message<DB: DrawingBackend>(
    area: &Area<'_, DB>,
    text: &str,
    theme: &Theme,
) -> ChartResult<DB> {
    area.fill(&theme.background)?;
    let (w, h) = area.dim_in_pixel();
    area.draw(&Text::new(
        text.to_string(),
        ((w / 2) as i32, (h / 2) as i32),
        anchored(theme.font(14.0), HPos::Center, VPos::Center),
    ))
}

/// A layer name short enough for an axis: at most `max` characters, an ellipsis after.
pub fn short_name(name: &str, max: usize) -> String {
    if name.chars().count() > max {
        let mut s: String = name.chars().take(max.saturating_sub(1)).collect();
        s.push('…');
        s
    } else {
        name.to_string()
    }
}
