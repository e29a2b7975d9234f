//! The atlas (issue #30): every hidden unit's output over the input plane, one small tile
//! each, a row of tiles per layer (long layers folded over several rows). A dead unit's tile
//! is not a blank square: it is hatched and says "dead". One canvas for all tiles.
//!
//! [`AtlasLayout`] places the tiles; the web layer hit-tests the pointer with the same layout,
//! so pointing at (or focusing, with the arrow keys) a tile picks that unit.

use super::super::plane::PlaneField;
use crate::chart::raster::Raster;
use crate::chart::{Area, ChartResult, Theme};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// What the atlas draws.
pub struct AtlasData<'a> {
    pub field: Option<&'a PlaneField>,
    /// Per hidden layer and unit: dead (drawn hatched, "dead").
    pub dead: &'a [Vec<bool>],
    /// The unit pointed at or focused, (layer, unit).
    pub pointed: Option<(usize, usize)>,
    /// Units per hidden layer (the layout when there is no field yet).
    pub widths: &'a [usize],
}

/// Where each tile is, in the canvas's pixels.
#[derive(Clone, Debug, PartialEq)]
pub struct AtlasLayout {
    /// Per hidden layer: its label's baseline y and, per unit, its tile's top-left corner.
    pub rows: Vec<(i32, Vec<(i32, i32)>)>,
    /// A tile's side.
    pub tile: i32,
    /// The caption's height.
    pub top: i32,
    /// The layer labels' column width.
    pub left: i32,
}

/// The caption's height and the gap between tiles, in CSS pixels.
const CAPTION_CSS: f64 = 26.0;
const GAP_CSS: f64 = 4.0;

impl AtlasLayout {
    /// Tiles as large as fit `size` (up to 96 CSS pixels), at least 30; a layer's units fold
    /// into as many rows of equal length as its width needs.
    pub fn new(size: (u32, u32), widths: &[usize], theme: &Theme) -> AtlasLayout {
        let px = |css: f64| (css * theme.scale).round() as i32;
        let (w, h) = (size.0 as i32, size.1 as i32);
        let left = px(if theme.compact { 28.0 } else { 64.0 });
        let top = px(CAPTION_CSS);
        let gap = px(GAP_CSS);
        let avail_w = (w - left - gap).max(1);
        let avail_h = (h - top - gap).max(1);
        let widest = widths.iter().copied().max().unwrap_or(1).max(1) as i32;
        let (min_tile, max_tile) = (px(30.0), px(96.0));
        // Columns: every unit of the widest layer in one row if tiles stay ≥ min_tile.
        let cols = widest.min(((avail_w + gap) / (min_tile + gap)).max(1));
        let row_count: i32 = widths
            .iter()
            .map(|u| (*u as i32 + cols - 1) / cols.max(1))
            .sum::<i32>()
            .max(1);
        // The gap between layers is twice the gap between tiles.
        let layer_gaps = gap * (widths.len() as i32).max(1);
        let by_w = (avail_w + gap) / cols.max(1) - gap;
        let by_h = (avail_h - layer_gaps + gap) / row_count - gap;
        // min then max: never a panic, whatever the canvas's size.
        let tile = by_w.min(by_h).min(max_tile).max(px(8.0));
        let mut y = top;
        let rows = widths
            .iter()
            .map(|units| {
                let label_y = y + tile / 2;
                let tiles = (0..*units as i32)
                    .map(|k| {
                        let (c, r) = (k % cols, k / cols);
                        (left + c * (tile + gap), y + r * (tile + gap))
                    })
                    .collect::<Vec<_>>();
                let rows_here = (*units as i32 + cols - 1) / cols.max(1);
                y += rows_here * (tile + gap) + gap;
                (label_y, tiles)
            })
            .collect();
        AtlasLayout {
            rows,
            tile,
            top,
            left,
        }
    }

    /// The (layer, unit) whose tile holds pixel (x, y).
    pub fn hit(&self, x: f64, y: f64) -> Option<(usize, usize)> {
        let t = f64::from(self.tile);
        self.rows.iter().enumerate().find_map(|(l, (_, tiles))| {
            tiles
                .iter()
                .position(|(tx, ty)| {
                    let (tx, ty) = (f64::from(*tx), f64::from(*ty));
                    (tx..tx + t).contains(&x) && (ty..ty + t).contains(&y)
                })
                .map(|j| (l, j))
        })
    }
}

/// The caption: what a tile shows and what dead means here.
pub fn caption(compact: bool) -> &'static str {
    if compact {
        "Each hidden unit over the plane"
    } else {
        "Each hidden unit's output over the plane (dark: large; hatched: dead, 0 on every training point)"
    }
}

pub fn draw<DB: DrawingBackend>(
    area: &Area<'_, DB>,
    d: &AtlasData<'_>,
    theme: &Theme,
) -> ChartResult<DB> {
    area.fill(&theme.background)?;
    let layout = AtlasLayout::new(area.dim_in_pixel(), d.widths, theme);
    area.draw(&Text::new(
        caption(theme.compact),
        (layout.left.min(theme.px(8.0) as i32), theme.px(6.0) as i32),
        theme.font(13.0),
    ))?;
    if d.widths.is_empty() {
        area.draw(&Text::new(
            "No hidden layer: the output unit is the whole network",
            (theme.px(8.0) as i32, layout.top + theme.px(20.0) as i32),
            theme.font(13.0).color(&theme.neutral),
        ))?;
        return Ok(());
    }
    for (l, (label_y, tiles)) in layout.rows.iter().enumerate() {
        let name = if theme.compact {
            format!("L{}", l + 1)
        } else {
            format!("layer {}", l + 1)
        };
        area.draw(&Text::new(
            name,
            (theme.px(4.0) as i32, *label_y),
            theme.font(12.0).pos(Pos::new(HPos::Left, VPos::Center)),
        ))?;
        for (j, at) in tiles.iter().enumerate() {
            let dead = d
                .dead
                .get(l)
                .and_then(|v| v.get(j))
                .copied()
                .unwrap_or(false);
            let values = d.field.and_then(|f| f.units.get(l)?.get(j).map(|v| (f, v)));
            draw_tile(area, *at, layout.tile, (l, j), values, dead, theme)?;
            if d.pointed == Some((l, j)) {
                let t = layout.tile;
                let style = ShapeStyle::from(theme.foreground).stroke_width(theme.px(2.0));
                area.draw(&Rectangle::new(
                    [(at.0 - 2, at.1 - 2), (at.0 + t + 2, at.1 + t + 2)],
                    style,
                ))?;
            }
        }
    }
    Ok(())
}

/// One tile: the unit's output scaled to its own largest value, or hatched and "dead". Out
/// of line on purpose: V8 runs a wasm function on its baseline compiler until it is hot and
/// swaps in optimised code only at its next call, so tiles drawn inside one long call (256 of
/// a 4 × 64 net's) all ran on the slow tier at the first drawing, 40-50 ms.
#[inline(never)]
fn draw_tile<DB: DrawingBackend>(
    area: &Area<'_, DB>,
    at: (i32, i32),
    t: i32,
    (_, j): (usize, usize),
    values: Option<(&PlaneField, &Vec<f32>)>,
    dead: bool,
    theme: &Theme,
) -> ChartResult<DB> {
    let frame = ShapeStyle::from(theme.grid).stroke_width(1);
    if dead {
        area.draw(&Rectangle::new(
            [at, (at.0 + t, at.1 + t)],
            theme.tint(theme.dead, 0.12).filled(),
        ))?;
        // Hatching: diagonal strokes every 6 CSS pixels.
        let step = theme.px(6.0) as i32;
        let hatch = ShapeStyle::from(theme.tint(theme.dead, 0.45)).stroke_width(1);
        let mut k = step;
        while k < 2 * t {
            let (a, b) = if k <= t {
                ((at.0, at.1 + k), (at.0 + k, at.1))
            } else {
                ((at.0 + k - t, at.1 + t), (at.0 + t, at.1 + k - t))
            };
            area.draw(&PathElement::new(vec![a, b], hatch))?;
            k += step;
        }
        // Below the unit's number on a small tile, in the middle of a large one.
        let y = if t < theme.px(56.0) as i32 {
            at.1 + t * 2 / 3
        } else {
            at.1 + t / 2
        };
        area.draw(&Text::new(
            "dead",
            (at.0 + t / 2, y),
            theme
                .font_colored(12.0, theme.dead)
                .pos(Pos::new(HPos::Center, VPos::Center)),
        ))?;
    } else if let Some((f, v)) = values {
        let top = v
            .iter()
            .copied()
            .filter(|x| x.is_finite())
            .fold(0.0f32, f32::max);
        let low = v
            .iter()
            .copied()
            .filter(|x| x.is_finite())
            .fold(0.0f32, f32::min);
        let span = (top - low).max(f32::MIN_POSITIVE);
        let cells: Vec<RGBColor> = v
            .iter()
            .map(|x| {
                let s = if x.is_finite() {
                    f64::from((x - low) / span)
                } else {
                    0.0
                };
                theme.tint(theme.primary, 0.08 + 0.82 * s)
            })
            .collect();
        area.draw(&Raster::of_cells(
            at,
            (t as u32, t as u32),
            &cells,
            (f.res, f.res),
        ))?;
    }
    area.draw(&Rectangle::new([at, (at.0 + t, at.1 + t)], frame))?;
    if t >= theme.px(26.0) as i32 {
        area.draw(&Text::new(
            format!("{}", j + 1),
            (at.0 + theme.px(3.0) as i32, at.1 + theme.px(2.0) as i32),
            theme.font(12.0),
        ))?;
    }
    Ok(())
}
