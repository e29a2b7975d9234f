//! The series legend every chart draws: a themed box with a translucent background, one line
//! per entry (a mark, then its label).
//!
//! plotters' own series labels (`configure_series_labels().draw()`) measure their text through
//! the font code, which on wasm adds a styled `<span>` to the page for every label: a forced
//! layout each time, and an inline style a strict Content-Security-Policy refuses. This legend
//! measures with the drawing area's backend (`estimate_text_size`: `measureText` on the page's
//! canvases) and draws with it, with the layout plotters used, so charts look the same.

use super::{Area, ChartResult, Theme};
use plotters::prelude::*;

/// What stands before a label: a sample of how its series is drawn. Lengths are in device
/// pixels.
#[derive(Clone, Copy, Debug)]
pub enum Mark {
    /// A line `len` long.
    Line { style: ShapeStyle, len: i32 },
    /// A dashed line `len` long: dashes of `dash` with `gap` between them.
    Dashed {
        style: ShapeStyle,
        len: i32,
        dash: i32,
        gap: i32,
    },
    /// A bar `len` wide and ⅔ `len` tall, filled or outlined as `style` says.
    Bar { style: ShapeStyle, len: i32 },
    /// A cross of arm `len` / 3, in the middle of a swatch `len` wide.
    Cross { style: ShapeStyle, len: i32 },
}

impl Mark {
    /// A dashed line `len` long showing one dash and one gap, half its length each: a whole
    /// swatch of the series' short dashes reads as a solid line at legend size.
    pub fn half_dash(style: ShapeStyle, len: i32) -> Mark {
        Mark::Dashed {
            style,
            len,
            dash: len / 2,
            gap: len - len / 2,
        }
    }

    /// Draws the mark with its left end at `(x, y)`, `y` being the middle of its line.
    fn draw<DB: DrawingBackend>(&self, area: &Area<'_, DB>, (x, y): (i32, i32)) -> ChartResult<DB> {
        match *self {
            Mark::Line { style, len } => {
                area.draw(&PathElement::new(vec![(x, y), (x + len, y)], style))
            }
            Mark::Dashed {
                style,
                len,
                dash,
                gap,
            } => {
                let (dash, step) = (dash.max(1), (dash + gap).max(1));
                for x0 in (0..len).step_by(step as usize) {
                    let x1 = (x0 + dash).min(len);
                    area.draw(&PathElement::new(vec![(x + x0, y), (x + x1, y)], style))?;
                }
                Ok(())
            }
            Mark::Bar { style, len } => area.draw(&Rectangle::new(
                [(x, y - len / 3), (x + len, y + len / 3)],
                style,
            )),
            Mark::Cross { style, len } => area.draw(&Cross::new((x + len / 2, y), len / 3, style)),
        }
    }
}

/// A chart's legend: its entries, in the order they are listed, and where it sits.
#[derive(Clone, Debug)]
pub struct Legend {
    entries: Vec<(String, Mark)>,
    position: SeriesLabelPosition,
}

impl Legend {
    pub fn new(position: SeriesLabelPosition) -> Self {
        Legend {
            entries: Vec::new(),
            position,
        }
    }

    /// Adds a line: `mark`, then `label`.
    pub fn push(&mut self, label: impl Into<String>, mark: Mark) {
        self.entries.push((label.into(), mark));
    }

    /// Moves the legend.
    pub fn set_position(&mut self, position: SeriesLabelPosition) {
        self.position = position;
    }

    pub fn labels(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().map(|(label, _)| label.as_str())
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Draws the legend in `area` (a chart's plotting area: `plotting_area().strip_coord_spec()`);
    /// nothing if it has no entries.
    pub fn draw<DB: DrawingBackend>(&self, area: &Area<'_, DB>, theme: &Theme) -> ChartResult<DB> {
        if self.entries.is_empty() {
            return Ok(());
        }
        let font = theme.font(12.0);
        let margin = theme.px(6.0) as i32;
        let mark_area = theme.px(26.0) as i32;
        // Line i's top, as plotters lays out lines: 1.25 font sizes apart, from the top.
        let line_height = 1.25 * font.font.get_size();
        let mut lines = Vec::with_capacity(self.entries.len());
        let (mut text_w, mut text_h) = (0, 0);
        for (i, (label, _)) in self.entries.iter().enumerate() {
            let top = (i as f64 * line_height).round() as i32;
            let (w, h) = area.estimate_text_size(label, &font)?;
            text_w = text_w.max(w as i32);
            text_h = text_h.max(top + h as i32);
            lines.push((top, h as i32));
        }
        let (w, h) = (text_w + mark_area + 2 * margin, text_h + 2 * margin);
        let (x0, y0) = self.corner((w, h), area.dim_in_pixel());
        let frame = [(x0, y0), (x0 + w, y0 + h)];
        area.draw(&Rectangle::new(frame, theme.background.mix(0.85).filled()))?;
        area.draw(&Rectangle::new(frame, ShapeStyle::from(theme.grid)))?;
        let text_x = x0 + mark_area + margin;
        for ((label, _), (top, _)) in self.entries.iter().zip(&lines) {
            area.draw_text(label, &font, (text_x, y0 + margin + top))?;
        }
        for ((_, mark), (top, h)) in self.entries.iter().zip(&lines) {
            let top = y0 + margin + top;
            mark.draw(area, (x0 + margin, (2 * top + h) / 2))?;
        }
        Ok(())
    }

    /// The legend's upper-left corner for a box of `size` in an area of `area` (5 px in from
    /// the sides, as plotters places it).
    fn corner(&self, (w, h): (i32, i32), (aw, ah): (u32, u32)) -> (i32, i32) {
        use SeriesLabelPosition::*;
        let (aw, ah) = (aw as i32, ah as i32);
        let x = match self.position {
            UpperLeft | MiddleLeft | LowerLeft => 5,
            UpperMiddle | MiddleMiddle | LowerMiddle => (aw - w) / 2,
            UpperRight | MiddleRight | LowerRight => aw - w - 5,
            Coordinate(x, _) => x,
        };
        let y = match self.position {
            UpperLeft | UpperMiddle | UpperRight => 5,
            MiddleLeft | MiddleMiddle | MiddleRight => (ah - h) / 2,
            LowerLeft | LowerMiddle | LowerRight => ah - h - 5,
            Coordinate(_, y) => y,
        };
        (x, y)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chart::render_svg;

    #[test]
    fn draws_every_label_as_text_and_nothing_when_empty() {
        let theme = Theme::light(1.0);
        let style = ShapeStyle::from(theme.primary);
        let mut legend = Legend::new(SeriesLabelPosition::UpperRight);
        legend.push("a line", Mark::Line { style, len: 18 });
        legend.push(
            "a dashed line",
            Mark::Dashed {
                style,
                len: 18,
                dash: 7,
                gap: 4,
            },
        );
        legend.push("a bar", Mark::Bar { style, len: 18 });
        legend.push("a cross", Mark::Cross { style, len: 18 });
        let svg = render_svg(300, 200, |a| legend.draw(a, &theme)).unwrap();
        for label in legend.labels() {
            assert!(
                svg.contains(&format!(">{label}<")) || svg.contains(label),
                "{label}"
            );
        }
        // The box, its border and a bar; a line and two dashes; a cross's two strokes.
        assert_eq!(svg.matches("<rect").count(), 3, "{svg}");
        assert_eq!(svg.matches("<polyline").count(), 3, "{svg}");
        assert_eq!(svg.matches("<line").count(), 2, "{svg}");
        let empty = Legend::new(SeriesLabelPosition::UpperLeft);
        let svg = render_svg(300, 200, |a| empty.draw(a, &theme)).unwrap();
        assert!(!svg.contains("<rect") && !svg.contains("<text"), "{svg}");
    }
}
