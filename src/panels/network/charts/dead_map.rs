//! The dead-unit map: a cell per unit (rows, grouped by layer) per epoch (columns), alive in
//! blue, mostly off in pale blue with a dot, dead in vermillion with a cross, so colour is
//! never the only cue; each layer's dead share on the right.

use crate::chart::{Area, ChartResult, Theme};
use crate::sim::dead::{self, Definition};
use crate::sim::stats::EpochStats;
use plotters::prelude::*;
use plotters::style::text_anchor;

/// A unit's state in one epoch's statistics, under the definition of dead in use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cell {
    Alive,
    MostlyOff,
    /// Dead on the validation samples (under the definition), but it may fire elsewhere.
    Dead,
    /// Dead for every input of the data's box: proven by interval bounds.
    DeadEverywhere,
}

/// Which definition of dead the map applies (see `sim::dead`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Judge {
    pub definition: Definition,
    pub tau: f64,
}

impl Default for Judge {
    fn default() -> Self {
        Judge {
            definition: Definition::Exact,
            tau: dead::DEFAULT_TAU,
        }
    }
}

impl Judge {
    /// Per unit of layer `l` of `s`: dead under this definition.
    pub fn dead(&self, s: &EpochStats, l: usize) -> Vec<bool> {
        s.layers
            .get(l)
            .map(|ls| dead::dead_units(ls, self.definition, self.tau))
            .unwrap_or_default()
    }
}

/// Unit `unit` of layer `layer` in `s`, under `judge`.
pub fn cell(s: &EpochStats, layer: usize, unit: usize, judge: &Judge) -> Option<Cell> {
    let l = s.layers.get(layer)?;
    if unit >= l.units {
        return None;
    }
    let dead = judge.dead(s, layer).get(unit).copied().unwrap_or(false);
    Some(
        if dead && l.provably_dead.get(unit).copied().unwrap_or(false) {
            Cell::DeadEverywhere
        } else if dead {
            Cell::Dead
        } else if l.mostly_off[unit] {
            Cell::MostlyOff
        } else {
            Cell::Alive
        },
    )
}

/// Whether the unit is alive in `now` but was dead in `before`, under `judge`: a come-back.
pub fn revived(
    before: &EpochStats,
    now: &EpochStats,
    layer: usize,
    unit: usize,
    judge: &Judge,
) -> bool {
    let was = judge
        .dead(before, layer)
        .get(unit)
        .copied()
        .unwrap_or(false);
    let is = judge.dead(now, layer).get(unit).copied().unwrap_or(false);
    was && !is
}

/// Where everything sits, in device pixels of the drawing area. Shared by drawing and by
/// the page's pointer hit-testing.
#[derive(Clone, Debug, PartialEq)]
pub struct MapLayout {
    pub left: f64,
    pub top: f64,
    pub cell_w: f64,
    pub cell_h: f64,
    /// Vertical gap between layers.
    pub gap: f64,
    pub columns: usize,
    /// Units per layer.
    pub units: Vec<usize>,
}

impl MapLayout {
    pub fn new(size: (u32, u32), units: &[usize], epochs: usize, theme: &Theme) -> MapLayout {
        let (w, h) = (size.0 as f64, size.1 as f64);
        let left = theme.px(104.0) as f64;
        let right = theme.px(150.0) as f64;
        let top = theme.px(48.0) as f64;
        let bottom = theme.px(44.0) as f64;
        let columns = epochs + 1;
        let rows: usize = units.iter().sum::<usize>().max(1);
        let gap = if rows > 60 {
            theme.px(3.0)
        } else {
            theme.px(6.0)
        } as f64;
        let avail_h = (h - top - bottom - gap * units.len().saturating_sub(1) as f64).max(1.0);
        let cell_h = (avail_h / rows as f64).min(theme.px(22.0) as f64);
        let cell_w = ((w - left - right).max(1.0) / columns as f64).min(theme.px(90.0) as f64);
        MapLayout {
            left,
            top,
            cell_w,
            cell_h,
            gap,
            columns,
            units: units.to_vec(),
        }
    }

    /// Top of a layer's first row.
    pub fn layer_top(&self, layer: usize) -> f64 {
        let rows: usize = self.units[..layer].iter().sum();
        self.top + rows as f64 * self.cell_h + layer as f64 * self.gap
    }

    pub fn bottom(&self) -> f64 {
        let n = self.units.len();
        if n == 0 {
            return self.top;
        }
        self.layer_top(n - 1) + self.units[n - 1] as f64 * self.cell_h
    }

    pub fn right(&self) -> f64 {
        self.left + self.columns as f64 * self.cell_w
    }

    /// Cell rectangle (x0, y0, x1, y1).
    pub fn rect(&self, layer: usize, unit: usize, column: usize) -> (f64, f64, f64, f64) {
        let x0 = self.left + column as f64 * self.cell_w;
        let y0 = self.layer_top(layer) + unit as f64 * self.cell_h;
        (x0, y0, x0 + self.cell_w, y0 + self.cell_h)
    }

    /// (layer, unit, epoch column) under a point, if any.
    pub fn hit(&self, x: f64, y: f64) -> Option<(usize, usize, usize)> {
        if x < self.left || x >= self.right() {
            return None;
        }
        let column = ((x - self.left) / self.cell_w) as usize;
        for (l, &n) in self.units.iter().enumerate() {
            let t = self.layer_top(l);
            if y >= t && y < t + n as f64 * self.cell_h {
                let unit = (((y - t) / self.cell_h) as usize).min(n.saturating_sub(1));
                return Some((l, unit, column.min(self.columns - 1)));
            }
        }
        None
    }
}

/// What the map shows.
pub struct MapData<'a> {
    pub history: &'a [EpochStats],
    /// Columns for epochs 0..=epochs (future ones are empty).
    pub epochs: usize,
    /// Units per layer (hidden layers, then the output layer).
    pub units: &'a [usize],
    /// The unit whose autopsy is shown, outlined.
    pub selected: Option<(usize, usize)>,
    /// The definition of dead the cells follow.
    pub judge: Judge,
}

fn layer_label(l: usize, n: usize) -> String {
    if l + 1 == n {
        "output".into()
    } else {
        format!("hidden {}", l + 1)
    }
}

/// A device-pixel coordinate, rounded to the nearest pixel.
fn pixel(v: f64) -> i32 {
    v.round() as i32
}

/// `t` anchored at its left end, centred vertically.
fn left_mid(t: TextStyle<'static>) -> TextStyle<'static> {
    t.pos(text_anchor::Pos::new(
        text_anchor::HPos::Left,
        text_anchor::VPos::Center,
    ))
}

pub fn draw<DB: DrawingBackend>(
    area: &Area<'_, DB>,
    d: &MapData<'_>,
    theme: &Theme,
) -> ChartResult<DB> {
    area.fill(&theme.background)?;
    let m = MapLayout::new(area.dim_in_pixel(), d.units, d.epochs, theme);
    let recycled = d.history.iter().any(|s| !s.recycled.is_empty());
    draw_key(area, theme, recycled)?;
    for l in 0..d.units.len() {
        draw_layer(area, theme, &m, d, l)?;
    }
    if let Some((l, j)) = d.selected {
        if l < d.units.len() && j < d.units[l] {
            draw_selection(area, theme, &m, l, j)?;
        }
    }
    draw_epoch_axis(area, theme, &m)
}

/// The key across the top: a cell of each state and its name.
fn draw_key<DB: DrawingBackend>(
    area: &Area<'_, DB>,
    theme: &Theme,
    recycled: bool,
) -> ChartResult<DB> {
    let font = theme.font(12.0);
    let sw = theme.px(14.0) as f64;
    let mut x = theme.px(8.0) as f64;
    let y = theme.px(16.0) as f64;
    // On a phone the key is short; the definitions are spelled out under the chart anyway.
    let key = if theme.compact {
        [
            (Cell::Alive, "alive"),
            (Cell::MostlyOff, "mostly off"),
            (Cell::Dead, "dead here"),
            (Cell::DeadEverywhere, "dead everywhere"),
        ]
    } else {
        [
            (Cell::Alive, "alive"),
            (Cell::MostlyOff, "mostly off (0 on > 99%)"),
            (Cell::Dead, "dead on the data"),
            (Cell::DeadEverywhere, "dead for every input (proven)"),
        ]
    };
    for (c, text) in key {
        draw_cell(
            area,
            theme,
            c,
            (x, y - sw / 2.0, x + sw, y + sw / 2.0),
            false,
        )?;
        area.draw(&Text::new(
            text,
            (pixel(x + sw + 6.0), pixel(y)),
            left_mid(font.clone()),
        ))?;
        let (tw, _) = area.estimate_text_size(text, &font)?;
        x += sw + 18.0 + tw as f64;
    }
    draw_marks_key(area, theme, recycled)
}

/// The key's second line: the marks drawn on cells (a come-back's wedge, ReDo's ring).
fn draw_marks_key<DB: DrawingBackend>(
    area: &Area<'_, DB>,
    theme: &Theme,
    recycled: bool,
) -> ChartResult<DB> {
    let font = theme.font(12.0);
    let y = theme.px(33.0) as i32;
    let s = theme.px(5.0) as i32;
    let mut x = theme.px(10.0) as i32;
    area.draw(&Polygon::new(
        vec![(x, y + s), (x + s, y - s), (x + 2 * s, y + s)],
        theme.foreground.filled(),
    ))?;
    let text = "came back since the epoch before";
    area.draw(&Text::new(text, (x + 3 * s, y), left_mid(font.clone())))?;
    if recycled {
        let (tw, _) = area.estimate_text_size(text, &font)?;
        x += 3 * s + tw as i32 + theme.px(18.0) as i32;
        let ring = ShapeStyle::from(theme.foreground).stroke_width(theme.px(1.5));
        area.draw(&Circle::new((x + s, y), s, ring))?;
        area.draw(&Text::new(
            "recycled by ReDo in that epoch",
            (x + 3 * s, y),
            left_mid(font),
        ))?;
    }
    Ok(())
}

/// One layer's band: its name, a cell per unit and epoch, and its dead share on the right.
fn draw_layer<DB: DrawingBackend>(
    area: &Area<'_, DB>,
    theme: &Theme,
    m: &MapLayout,
    d: &MapData<'_>,
    l: usize,
) -> ChartResult<DB> {
    let units = d.units[l];
    let mid = m.layer_top(l) + units as f64 * m.cell_h / 2.0;
    area.draw(&Text::new(
        layer_label(l, d.units.len()),
        (pixel(theme.px(8.0) as f64), pixel(mid)),
        left_mid(theme.font(12.0)),
    ))?;
    // Empty columns outlined, so the reader sees how many epochs are to come.
    for c in 0..m.columns {
        let (x0, y0, x1, y1) = m.rect(l, 0, c);
        area.draw(&Rectangle::new(
            [
                (pixel(x0), pixel(y0)),
                (pixel(x1), pixel(y1 + (units - 1) as f64 * m.cell_h)),
            ],
            ShapeStyle::from(theme.grid).stroke_width(1),
        ))?;
    }
    for (c, s) in d.history.iter().enumerate().take(m.columns) {
        for j in 0..units {
            if let Some(state) = cell(s, l, j, &d.judge) {
                let back = c > 0 && revived(&d.history[c - 1], s, l, j, &d.judge);
                draw_cell(area, theme, state, m.rect(l, j, c), back)?;
            }
        }
        // ReDo's recycles during this epoch: a ring at the cell's right end.
        for r in s.recycled.iter().filter(|r| r.layer == l && r.unit < units) {
            let (_, y0, x1, y1) = m.rect(l, r.unit, c);
            let radius = ((y1 - y0) * 0.3).max(2.0) as i32;
            area.draw(&Circle::new(
                (pixel(x1 - (y1 - y0) * 0.45), pixel((y0 + y1) / 2.0)),
                radius,
                ShapeStyle::from(theme.foreground).stroke_width(theme.px(1.5)),
            ))?;
        }
    }
    let Some(last) = d.history.last() else {
        return Ok(());
    };
    let Some(ls) = last.layers.get(l) else {
        return Ok(());
    };
    let def = d.judge.definition;
    let share = dead::layer_share(ls, def, d.judge.tau);
    let dead = d.judge.dead(last, l).iter().filter(|x| **x).count();
    let text = if def.judges_units() {
        format!(
            "{dead} of {} {} ({:.0}%)",
            ls.units,
            def.short(),
            share * 100.0
        )
    } else {
        format!("{:.0}% of outputs {}", share * 100.0, def.short())
    };
    let color = if dead > 0 {
        theme.dead
    } else {
        theme.foreground
    };
    area.draw(&Text::new(
        text,
        (pixel(m.right() + theme.px(8.0) as f64), pixel(mid)),
        left_mid(theme.font_colored(12.0, color)),
    ))
}

/// An outline around the row of the unit whose autopsy is shown.
fn draw_selection<DB: DrawingBackend>(
    area: &Area<'_, DB>,
    theme: &Theme,
    m: &MapLayout,
    l: usize,
    j: usize,
) -> ChartResult<DB> {
    let (x0, y0, _, y1) = m.rect(l, j, 0);
    let o = theme.px(2.0) as f64;
    area.draw(&Rectangle::new(
        [
            (pixel(x0 - o), pixel(y0 - o)),
            (pixel(m.right() + o), pixel(y1 + o)),
        ],
        ShapeStyle::from(theme.foreground).stroke_width(theme.px(2.0)),
    ))
}

/// Epoch labels under the columns (as many as fit), and the axis name.
fn draw_epoch_axis<DB: DrawingBackend>(
    area: &Area<'_, DB>,
    theme: &Theme,
    m: &MapLayout,
) -> ChartResult<DB> {
    let font = theme.font(12.0);
    let step = (m.columns as f64 / (m.right() - m.left).max(1.0) * theme.px(28.0) as f64)
        .ceil()
        .max(1.0) as usize;
    let below = m.bottom() + theme.px(6.0) as f64;
    let center_top = text_anchor::Pos::new(text_anchor::HPos::Center, text_anchor::VPos::Top);
    for c in (0..m.columns).step_by(step) {
        let (x0, _, x1, _) = m.rect(0, 0, c);
        let label = if c == 0 {
            "init".to_string()
        } else {
            c.to_string()
        };
        area.draw(&Text::new(
            label,
            (pixel((x0 + x1) / 2.0), pixel(below)),
            font.clone().pos(center_top),
        ))?;
    }
    area.draw(&Text::new(
        "epoch (column 'init' = before training)",
        (
            pixel((m.left + m.right()) / 2.0),
            pixel(below + theme.px(17.0) as f64),
        ),
        font.pos(center_top),
    ))
}

fn draw_cell<DB: DrawingBackend>(
    area: &Area<'_, DB>,
    theme: &Theme,
    state: Cell,
    (x0, y0, x1, y1): (f64, f64, f64, f64),
    revived: bool,
) -> ChartResult<DB> {
    let p = |v: f64| v.round() as i32;
    let inset = if x1 - x0 > 6.0 && y1 - y0 > 6.0 {
        1.0
    } else {
        0.0
    };
    let (a, b, c, e) = (p(x0 + inset), p(y0 + inset), p(x1 - inset), p(y1 - inset));
    let fill = match state {
        Cell::Alive => theme.primary.filled(),
        Cell::MostlyOff => theme.primary.mix(0.3).filled(),
        Cell::Dead => theme.dead.mix(0.55).filled(),
        Cell::DeadEverywhere => theme.dead.filled(),
    };
    area.draw(&Rectangle::new(
        [(a, b), (c.max(a + 1), e.max(b + 1))],
        fill,
    ))?;
    let big = x1 - x0 >= 8.0 && y1 - y0 >= 8.0;
    if !big {
        return Ok(());
    }
    let w = theme.px(1.5);
    if revived {
        // A come-back: an upward wedge at the cell's left edge, in the foreground colour.
        let h = ((e - b) as f64 * 0.5) as i32;
        let (lx, cy) = (a + 1, (b + e) / 2);
        area.draw(&Polygon::new(
            vec![
                (lx, cy + h / 2),
                (lx + h / 2, cy - h / 2),
                (lx + h, cy + h / 2),
            ],
            theme.foreground.filled(),
        ))?;
    }
    match state {
        Cell::DeadEverywhere => {
            // A frame around the cross: proven dead, not only dead on these samples.
            let s = ShapeStyle::from(theme.foreground).stroke_width(w);
            area.draw(&Rectangle::new([(a, b), (c, e)], s))?;
            draw_cross(area, theme, (a, b, c, e), w)?;
        }
        // A cross: dead is readable without colour.
        Cell::Dead => draw_cross(area, theme, (a, b, c, e), w)?,
        Cell::MostlyOff => {
            let (cx, cy) = ((a + c) / 2, (b + e) / 2);
            let r = ((c - a).min(e - b) as f64 * 0.18).max(1.0) as i32;
            area.draw(&Circle::new((cx, cy), r, theme.primary.filled()))?;
        }
        Cell::Alive => {}
    }
    Ok(())
}

/// A cross in the background's colour across a cell's box (a, b)–(c, e).
fn draw_cross<DB: DrawingBackend>(
    area: &Area<'_, DB>,
    theme: &Theme,
    (a, b, c, e): (i32, i32, i32, i32),
    w: u32,
) -> ChartResult<DB> {
    let s = ShapeStyle::from(theme.background).stroke_width(w);
    let (cx, cy) = ((a + c) / 2, (b + e) / 2);
    let r = ((c - a).min(e - b) as f64 * 0.3) as i32;
    area.draw(&PathElement::new(
        vec![(cx - r, cy - r), (cx + r, cy + r)],
        s,
    ))?;
    area.draw(&PathElement::new(
        vec![(cx - r, cy + r), (cx + r, cy - r)],
        s,
    ))
}
