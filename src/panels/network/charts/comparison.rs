//! Small multiples: one run per preset on the same data and seed, each with its validation
//! loss per epoch against the dead line and its share of dead units, so the remedies compare
//! at a glance.

use crate::chart::{scale, Area, ChartResult, Theme, XyChart};
use crate::panels::network::words::{ends_dead, stuck_at_dead_line};
use crate::sim::stats::EpochStats;
use plotters::prelude::*;

/// One run in the comparison.
pub struct Entry<'a> {
    pub label: &'a str,
    pub history: &'a [EpochStats],
    pub failed: bool,
}

pub fn draw<DB: DrawingBackend>(
    area: &Area<'_, DB>,
    entries: &[Entry<'_>],
    epochs: usize,
    dead_loss: f64,
    theme: &Theme,
) -> ChartResult<DB> {
    area.fill(&theme.background)?;
    let all: Vec<usize> = (0..entries.len()).collect();
    draw_cells(area, entries, epochs, dead_loss, theme, &all)
}

/// Draws only the small multiples `only` (by entry), each over its own cleared cell, the rest
/// of the canvas left as it was: while a comparison runs, one run changes at a time, and the
/// whole chart (twelve cells) was the longest task of a busy machine's frame budget. The
/// caller draws everything when the common scale ([`y_top`]) or the canvas changed.
pub fn draw_cells<DB: DrawingBackend>(
    area: &Area<'_, DB>,
    entries: &[Entry<'_>],
    epochs: usize,
    dead_loss: f64,
    theme: &Theme,
    only: &[usize],
) -> ChartResult<DB> {
    // A phone's column holds two small multiples side by side, a wide canvas three.
    let cols = if entries.len() > 4 && !theme.compact {
        3
    } else {
        2
    };
    let rows = entries.len().div_ceil(cols).max(1);
    let cells = area.split_evenly((rows, cols));
    let top = y_top(entries, dead_loss);
    for &k in only {
        if let (Some(cell), Some(e)) = (cells.get(k), entries.get(k)) {
            cell.fill(&theme.background)?;
            draw_entry(cell, e, epochs, (dead_loss, top), theme)?;
        }
    }
    Ok(())
}

/// The top of every cell's loss axis: a quarter above the dead line, which is what the cells
/// compare against; on a target of zeros (no dead line), the losses' own scale.
pub fn y_top(entries: &[Entry<'_>], dead_loss: f64) -> f64 {
    let losses: Vec<f64> = entries
        .iter()
        .flat_map(|e| e.history.iter().map(|s| s.val_loss))
        .collect();
    scale::loss_top(dead_loss, &losses, 1.25, 1.25)
}

/// The caption's verdict on a run, and its colour: vermillion for a failed or stuck run.
fn verdict(e: &Entry<'_>, theme: &Theme) -> (String, RGBColor) {
    let last = e.history.last();
    let dead = last
        .map(|s| ends_dead(s) || stuck_at_dead_line(s))
        .unwrap_or(false);
    let color = if e.failed || dead {
        theme.dead
    } else {
        theme.primary
    };
    let text = match last {
        _ if e.failed => "diverged".to_string(),
        None => "waiting".to_string(),
        Some(s) => {
            let (d, n) = s
                .layers
                .iter()
                .fold((0, 0), |(d, n), l| (d + l.dead_count(), n + l.units));
            let tail = if dead { "stuck" } else { "learning" };
            format!("{d}/{n} dead, {tail}")
        }
    };
    (text, color)
}

/// One run's small multiple: validation loss per epoch against the dead line, over a bar of
/// its dead share.
fn draw_entry<DB: DrawingBackend>(
    cell: &Area<'_, DB>,
    e: &Entry<'_>,
    epochs: usize,
    (dead_loss, y_top): (f64, f64),
    theme: &Theme,
) -> ChartResult<DB> {
    // Every cell on the same scale, so the runs compare at a glance.
    let y_max = y_top;
    let x_max = epochs.max(1) as f64;
    let (verdict, color) = verdict(e, theme);
    let mut chart = ChartBuilder::on(cell)
        .margin(theme.px(8.0))
        // On a phone the verdict goes inside the plot: label and verdict overran the cell.
        .caption(
            if theme.compact {
                e.label.to_string()
            } else {
                format!("{}: {verdict}", e.label)
            },
            theme.font_colored(12.0, color),
        )
        .x_label_area_size(theme.px(40.0))
        .y_label_area_size(theme.px(40.0))
        .build_cartesian_2d(0.0..x_max, 0.0..y_max)?;
    crate::chart::themed_mesh(&mut chart.configure_mesh(), theme, 12.0)
        .x_desc("epoch")
        .y_desc(if theme.compact {
            "loss"
        } else {
            "val. loss (no unit)"
        })
        .x_labels(epochs.clamp(2, 5) + 1)
        .x_label_formatter(&|x| format!("{x:.0}"))
        .y_labels(3)
        .y_label_formatter(&|y| scale::tick(*y, y_max))
        .draw()?;
    let dash = theme.px(6.0);
    // A target too large to square has no dead line to draw.
    let dead_loss = if dead_loss.is_finite() {
        dead_loss
    } else {
        y_max
    };
    chart.draw_series(DashedLineSeries::new(
        vec![(0.0, dead_loss), (x_max, dead_loss)],
        dash,
        dash / 2 + 1,
        ShapeStyle::from(theme.dead.mix(0.8)).stroke_width(theme.px(1.5)),
    ))?;
    if let Some(s) = e.history.last() {
        draw_dead_share(&mut chart, s.dead_fraction(), x_max, y_max * 0.06, theme)?;
    }
    let pts: Vec<(f64, f64)> = e
        .history
        .iter()
        .filter(|s| s.val_loss.is_finite())
        .map(|s| (s.epoch as f64, s.val_loss.min(y_max)))
        .collect();
    chart.draw_series(LineSeries::new(
        pts.clone(),
        ShapeStyle::from(color).stroke_width(theme.px(2.5)),
    ))?;
    chart.draw_series(
        pts.iter()
            .map(|&p| Circle::new(p, theme.px(3.0) as i32, color.filled())),
    )?;
    if theme.compact {
        chart.draw_series(std::iter::once(Text::new(
            verdict,
            (x_max * 0.04, y_max * 0.7),
            theme.font_colored(12.0, color),
        )))?;
    }
    Ok(())
}

/// Dead share as a bar `h` high along the bottom: vermillion for the dead part.
fn draw_dead_share<DB: DrawingBackend>(
    chart: &mut XyChart<'_, DB>,
    dead_fraction: f64,
    x1: f64,
    h: f64,
    theme: &Theme,
) -> ChartResult<DB> {
    chart.draw_series(std::iter::once(Rectangle::new(
        [(0.0, 0.0), (x1, h)],
        theme.primary.mix(0.35).filled(),
    )))?;
    chart.draw_series(std::iter::once(Rectangle::new(
        [(0.0, 0.0), (x1 * dead_fraction, h)],
        theme.dead.filled(),
    )))?;
    Ok(())
}
