//! Every unit of every layer as a cell: alive in blue, dead (under the definition) in
//! vermillion with a cross, so colour is never the only cue. A layer wider than a row is
//! folded into several rows, each labelled with its first unit.

use super::{anchored, message, short_name};
use crate::chart::raster::Raster;
use crate::chart::{Area, ChartResult, Theme};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

/// What the map shows: per layer its name and, per unit, whether it is dead.
#[derive(Clone, Debug, PartialEq)]
pub struct UnitMap {
    pub layers: Vec<(String, Vec<bool>)>,
    /// The key's word for dead: "exactly dead".
    pub what: String,
}

/// Where the cells sit, in device pixels.
#[derive(Clone, Debug, PartialEq)]
pub struct Layout {
    pub left: f64,
    pub top: f64,
    pub cell: f64,
    pub gap: f64,
    /// Cells per row.
    pub columns: usize,
    /// Per layer, its number of rows.
    pub rows: Vec<usize>,
}

impl Layout {
    /// Cells at least 12 CSS px where they fit, at most 44, folded to fill the width.
    pub fn new(size: (u32, u32), units: &[usize], theme: &Theme, name_chars: usize) -> Layout {
        let (w, h) = (size.0 as f64, size.1 as f64);
        let left = theme.px(16.0 + 7.5 * name_chars.min(18) as f64) as f64;
        let top = theme.px(34.0) as f64;
        let pad = theme.px(10.0) as f64;
        let avail_w = (w - left - pad).max(1.0);
        let avail_h = (h - top - pad).max(1.0);
        let widest = units.iter().copied().max().unwrap_or(1).max(1);
        let min_cell = theme.px(12.0) as f64;
        let columns = widest.min(((avail_w / min_cell).floor() as usize).max(1));
        let rows: Vec<usize> = units.iter().map(|&u| u.div_ceil(columns).max(1)).collect();
        let gap = theme.px(8.0) as f64;
        let total_rows: usize = rows.iter().sum();
        let gaps = gap * rows.len().saturating_sub(1) as f64;
        let by_height = ((avail_h - gaps).max(1.0)) / total_rows.max(1) as f64;
        let cell = (avail_w / columns as f64)
            .min(by_height)
            .min(theme.px(44.0) as f64)
            // Whole device pixels, so the bitmap of a large map lines up with its labels.
            .floor()
            .max(1.0);
        Layout {
            left,
            top,
            cell,
            gap,
            columns,
            rows,
        }
    }

    /// Top of a layer's first row.
    pub fn layer_top(&self, layer: usize) -> f64 {
        let rows: usize = self.rows[..layer.min(self.rows.len())].iter().sum();
        self.top + rows as f64 * self.cell + layer as f64 * self.gap
    }

    /// Top-left corner of unit `u` of `layer`.
    pub fn cell_at(&self, layer: usize, u: usize) -> (f64, f64) {
        let (r, c) = (u / self.columns, u % self.columns);
        (
            self.left + c as f64 * self.cell,
            self.layer_top(layer) + r as f64 * self.cell,
        )
    }
}

fn px(v: f64) -> i32 {
    v.round() as i32
}

pub fn draw<DB: DrawingBackend>(
    area: &Area<'_, DB>,
    m: &UnitMap,
    theme: &Theme,
) -> ChartResult<DB> {
    if m.layers.is_empty() {
        return message(area, "No units to show: load a report", theme);
    }
    area.fill(&theme.background)?;
    let units: Vec<usize> = m.layers.iter().map(|(_, d)| d.len()).collect();
    let chars = m
        .layers
        .iter()
        .map(|(n, _)| n.chars().count())
        .max()
        .unwrap_or(4);
    let layout = Layout::new(area.dim_in_pixel(), &units, theme, chars);
    draw_key(area, m, &layout, theme)?;
    let many = units.iter().sum::<usize>() > RASTER_UNITS;
    let font = theme.font(12.0);
    for (l, (name, dead)) in m.layers.iter().enumerate() {
        let top = layout.layer_top(l);
        let label_x = px(layout.left) - theme.px(8.0) as i32;
        area.draw(&Text::new(
            short_name(name, 18),
            (label_x, px(top + layout.cell / 2.0)),
            anchored(font.clone(), HPos::Right, VPos::Center),
        ))?;
        // A folded row says which unit it starts with, every few rows where rows are thin.
        let every = (theme.px(16.0) as f64 / layout.cell).ceil().max(1.0) as usize;
        for r in (every..layout.rows[l]).step_by(every) {
            let y = top + r as f64 * layout.cell + layout.cell / 2.0;
            area.draw(&Text::new(
                format!("{}…", r * layout.columns),
                (label_x, px(y)),
                anchored(
                    theme.font_colored(12.0, theme.neutral),
                    HPos::Right,
                    VPos::Center,
                ),
            ))?;
        }
        if !many {
            for (u, &d) in dead.iter().enumerate() {
                draw_cell(area, layout.cell_at(l, u), layout.cell, d, theme)?;
            }
        }
    }
    if many {
        area.draw(&raster(m, &layout, theme))?;
    }
    Ok(())
}

/// Past this many units the cells are one bitmap: a rectangle each through the canvas took
/// 4 s for 65,536 units in Chromium.
pub const RASTER_UNITS: usize = 2_000;

/// Every cell as pixels of one image, crosses included (as single-pixel diagonals).
fn raster(m: &UnitMap, layout: &Layout, theme: &Theme) -> Raster {
    let s = layout.cell.floor().max(1.0) as usize;
    let w = layout.columns * s;
    let rows: usize = layout.rows.iter().sum();
    let gap = layout.gap.round() as usize;
    let h = rows * s + gap * layout.rows.len().saturating_sub(1);
    let bg = theme.background;
    let mut rgb: Vec<u8> = std::iter::repeat_n([bg.0, bg.1, bg.2], w * h)
        .flatten()
        .collect();
    let mut put = |x: usize, y: usize, c: RGBColor| {
        if x < w && y < h {
            let i = 3 * (y * w + x);
            rgb[i..i + 3].copy_from_slice(&[c.0, c.1, c.2]);
        }
    };
    let mut top = 0;
    for (l, (_, dead)) in m.layers.iter().enumerate() {
        for (u, &d) in dead.iter().enumerate() {
            let (x0, y0) = ((u % layout.columns) * s, top + (u / layout.columns) * s);
            let inset = usize::from(s >= 6);
            let colour = if d { theme.dead } else { theme.primary };
            for y in inset..s - inset {
                for x in inset..s - inset {
                    put(x0 + x, y0 + y, colour);
                }
            }
            if d && s >= 6 {
                for k in s / 4..s - s / 4 {
                    put(x0 + k, y0 + k, bg);
                    put(x0 + s - 1 - k, y0 + k, bg);
                }
            }
        }
        top += layout.rows[l] * s + gap;
    }
    Raster {
        at: (px(layout.left), px(layout.top)),
        size: (w as u32, h as u32),
        rgb,
    }
}

fn draw_cell<DB: DrawingBackend>(
    area: &Area<'_, DB>,
    (x, y): (f64, f64),
    size: f64,
    dead: bool,
    theme: &Theme,
) -> ChartResult<DB> {
    // A hairline between cells when they are large enough to spare it.
    let inset = if size >= 6.0 {
        (size * 0.08).max(1.0)
    } else {
        0.0
    };
    let (x0, y0, x1, y1) = (x + inset, y + inset, x + size - inset, y + size - inset);
    let colour = if dead { theme.dead } else { theme.primary };
    area.draw(&Rectangle::new(
        [(px(x0), px(y0)), (px(x1), px(y1))],
        colour.filled(),
    ))?;
    if dead && size >= 6.0 {
        let k = (size * 0.25).round();
        let style = ShapeStyle::from(theme.background).stroke_width(theme.px(1.5));
        area.draw(&PathElement::new(
            vec![(px(x0 + k), px(y0 + k)), (px(x1 - k), px(y1 - k))],
            style,
        ))?;
        area.draw(&PathElement::new(
            vec![(px(x0 + k), px(y1 - k)), (px(x1 - k), px(y0 + k))],
            style,
        ))?;
    }
    Ok(())
}

/// "■ alive  ⊠ exactly dead" above the cells.
fn draw_key<DB: DrawingBackend>(
    area: &Area<'_, DB>,
    m: &UnitMap,
    layout: &Layout,
    theme: &Theme,
) -> ChartResult<DB> {
    let s = theme.px(14.0) as f64;
    let y = theme.px(8.0) as f64;
    let font = theme.font(12.0);
    let mut x = layout.left;
    for (dead, text) in [(false, "alive"), (true, m.what.as_str())] {
        draw_cell(area, (x, y), s, dead, theme)?;
        area.draw(&Text::new(
            text.to_string(),
            (px(x + s + theme.px(4.0) as f64), px(y + s / 2.0)),
            anchored(font.clone(), HPos::Left, VPos::Center),
        ))?;
        let (tw, _) = area.estimate_text_size(text, &font)?;
        x += s + theme.px(16.0) as f64 + tw as f64;
    }
    Ok(())
}
