//! Training and validation loss per epoch, a finer running training-loss trace, the line a
//! dead network sits on (E[y²] = 13/3), and markers at the epochs units were found dead.

use crate::chart::{scale, Area, ChartResult, Legend, Mark, Theme, XyChart};
use crate::sim::stats::EpochStats;
use crate::spec::format_sig;
use plotters::prelude::*;
use plotters::style::text_anchor;

/// What the loss chart shows.
pub struct LossData<'a> {
    /// The x axis runs from 0 to this many epochs.
    pub epochs: usize,
    /// Per epoch; `history[0]` is the network at initialization.
    pub history: &'a [EpochStats],
    /// (fractional epoch, running mean training loss).
    pub trace: &'a [(f64, f64)],
    /// The loss of an output stuck at 0 (under cross-entropy, of a constant prediction).
    pub dead_loss: f64,
    /// The loss is binary cross-entropy on 0/1 labels (else mean squared error).
    pub cross_entropy: bool,
}

/// (epoch, number of units) found dead at the end of that epoch, from the latest records.
pub fn death_markers(history: &[EpochStats]) -> Vec<(usize, usize)> {
    let mut out: Vec<(usize, usize)> = Vec::new();
    let Some(last) = history.last() else {
        return out;
    };
    // Units already dead at initialization are marked at epoch 0.
    let mut at = |e: usize| match out.iter_mut().find(|(k, _)| *k == e) {
        Some(m) => m.1 += 1,
        None => out.push((e, 1)),
    };
    for (l, layer) in last.layers.iter().enumerate() {
        for j in 0..layer.units {
            if layer.alive[j] {
                continue;
            }
            let dead_at_init = history
                .first()
                .and_then(|h| h.layers.get(l))
                .map(|h0| !h0.alive[j])
                .unwrap_or(false);
            match layer.deaths[j] {
                _ if dead_at_init => at(0),
                Some(d) => at(d.found_dead_epoch),
                None => at(last.epoch),
            }
        }
    }
    out.sort_unstable();
    out
}

/// What the drawing steps of the loss chart share.
struct LossView<'t> {
    /// Length of the x axis, in epochs.
    epochs: f64,
    /// Top of the y axis: larger losses are drawn at it.
    y_max: f64,
    theme: &'t Theme,
    /// Legend swatch width, in device pixels.
    sw: i32,
    /// Marker radius, in device pixels.
    r: i32,
}

impl LossView<'_> {
    /// `v`, or the top of the chart if it is higher.
    fn capped(&self, v: f64) -> f64 {
        v.min(self.y_max)
    }

    /// A legend swatch: a line of `style` across the swatch width.
    fn swatch(&self, style: ShapeStyle) -> Mark {
        Mark::Line {
            style,
            len: self.sw,
        }
    }
}

pub fn draw<DB: DrawingBackend>(
    area: &Area<'_, DB>,
    d: &LossData<'_>,
    theme: &Theme,
) -> ChartResult<DB> {
    area.fill(&theme.background)?;
    let view = LossView {
        epochs: d.epochs.max(1) as f64,
        y_max: y_max(d),
        theme,
        sw: theme.px(18.0) as i32,
        r: theme.px(4.0) as i32,
    };
    let mut chart = ChartBuilder::on(area)
        .margin(theme.px(10.0))
        .x_label_area_size(theme.px(44.0))
        .y_label_area_size(theme.px(52.0))
        .build_cartesian_2d(0.0..view.epochs, 0.0..view.y_max)?;
    crate::chart::themed_mesh(&mut chart.configure_mesh(), theme, 13.0)
        .x_desc("epoch (passes over the training data)")
        .y_desc(if d.cross_entropy {
            "loss: binary cross-entropy (nats)"
        } else {
            "loss: mean squared error (no unit)"
        })
        .x_labels(d.epochs.clamp(2, 10) + 1)
        .x_label_formatter(&|x| format!("{x:.0}"))
        .y_labels(6)
        .y_label_formatter(&|y| scale::tick(*y, view.y_max))
        .draw()?;
    let mut legend = Legend::new(SeriesLabelPosition::UpperRight);
    draw_dead_line(
        &mut chart,
        &view,
        (d.dead_loss, d.cross_entropy),
        &mut legend,
    )?;
    if !d.trace.is_empty() {
        draw_trace(&mut chart, &view, d.trace, &mut legend)?;
    }
    draw_training(&mut chart, &view, d.history, &mut legend)?;
    draw_validation(&mut chart, &view, d.history, &mut legend)?;
    draw_deaths(&mut chart, &view, d, &mut legend)?;
    legend.draw(&chart.plotting_area().strip_coord_spec(), theme)
}

/// Top of the y axis: above every finite loss and well above the dead line (headroom keeps
/// the legend off a dead curve), but at most 14 times the dead line or the losses' median, so
/// an exploding epoch does not flatten the rest: seed 002's 13/3 gives the 7.8–60 it always
/// had, and a target in dollars its own scale.
fn y_max(d: &LossData<'_>) -> f64 {
    let losses: Vec<f64> = d
        .history
        .iter()
        .flat_map(|s| [s.train_loss, s.val_loss])
        .chain(d.trace.iter().map(|p| p.1))
        .collect();
    scale::loss_top(d.dead_loss, &losses, 1.8, 14.0)
}

/// The loss of an output stuck at 0, dashed across the chart and named at its right end.
fn draw_dead_line<DB: DrawingBackend>(
    chart: &mut XyChart<'_, DB>,
    view: &LossView<'_>,
    (dead_loss, cross_entropy): (f64, bool),
    legend: &mut Legend,
) -> ChartResult<DB> {
    let theme = view.theme;
    let dead_style = ShapeStyle::from(theme.dead).stroke_width(theme.px(2.0));
    let dash = theme.px(8.0);
    let (short, long, name) = if cross_entropy {
        (
            "constant",
            "a constant prediction: the labels' entropy",
            "constant prediction",
        )
    } else {
        (
            "stuck at 0",
            "output stuck at 0: loss E[y²]",
            "output stuck at 0",
        )
    };
    let label = if theme.compact {
        format!("{short}: {}", format_sig(dead_loss, 4))
    } else {
        format!("{long} = {}", format_sig(dead_loss, 4))
    };
    legend.push(label, view.swatch(dead_style));
    // A target too large to square has no line to draw; the legend still names it (∞).
    if !dead_loss.is_finite() {
        return Ok(());
    }
    chart.draw_series(DashedLineSeries::new(
        vec![(0.0, dead_loss), (view.epochs, dead_loss)],
        dash,
        dash / 2 + 1,
        dead_style,
    ))?;
    chart.draw_series(std::iter::once(Text::new(
        name,
        // At the right end, below the line: the death labels sit at the left, where units die.
        (view.epochs * 0.99, dead_loss - view.y_max * 0.02),
        theme
            .font_colored(12.0, theme.dead)
            .pos(text_anchor::Pos::new(
                text_anchor::HPos::Right,
                text_anchor::VPos::Top,
            )),
    )))?;
    Ok(())
}

/// The running training loss within each epoch: the fine, grey line.
fn draw_trace<DB: DrawingBackend>(
    chart: &mut XyChart<'_, DB>,
    view: &LossView<'_>,
    trace: &[(f64, f64)],
    legend: &mut Legend,
) -> ChartResult<DB> {
    let theme = view.theme;
    let trace_style = ShapeStyle::from(theme.neutral).stroke_width(theme.px(1.5));
    chart.draw_series(LineSeries::new(
        trace.iter().map(|&(x, y)| (x, view.capped(y))),
        trace_style,
    ))?;
    let label = if theme.compact {
        "training, running"
    } else {
        "training loss, running mean within the epoch"
    };
    legend.push(label, view.swatch(trace_style));
    Ok(())
}

/// The training loss of each epoch, as a line with a dot per epoch.
fn draw_training<DB: DrawingBackend>(
    chart: &mut XyChart<'_, DB>,
    view: &LossView<'_>,
    history: &[EpochStats],
    legend: &mut Legend,
) -> ChartResult<DB> {
    let theme = view.theme;
    let train: Vec<(f64, f64)> = history
        .iter()
        .filter(|s| s.epoch > 0 && s.train_loss.is_finite())
        .map(|s| (s.epoch as f64, view.capped(s.train_loss)))
        .collect();
    let train_style = ShapeStyle::from(theme.primary).stroke_width(theme.px(2.5));
    chart.draw_series(LineSeries::new(train.clone(), train_style).point_size(0))?;
    let label = if theme.compact {
        "training (epoch)"
    } else {
        "training loss (epoch mean)"
    };
    legend.push(label, view.swatch(train_style));
    chart.draw_series(
        train
            .iter()
            .map(|&p| Circle::new(p, view.r, theme.primary.filled())),
    )?;
    Ok(())
}

/// The validation loss of each epoch, dashed with a triangle per epoch.
fn draw_validation<DB: DrawingBackend>(
    chart: &mut XyChart<'_, DB>,
    view: &LossView<'_>,
    history: &[EpochStats],
    legend: &mut Legend,
) -> ChartResult<DB> {
    let theme = view.theme;
    let val: Vec<(f64, f64)> = history
        .iter()
        .filter(|s| s.val_loss.is_finite())
        .map(|s| (s.epoch as f64, view.capped(s.val_loss)))
        .collect();
    let val_style = ShapeStyle::from(theme.secondary).stroke_width(theme.px(2.5));
    let vd = theme.px(6.0);
    chart.draw_series(DashedLineSeries::new(
        val.clone(),
        vd,
        vd / 2 + 1,
        val_style,
    ))?;
    let label = if theme.compact {
        "validation"
    } else {
        "validation loss, dashed"
    };
    legend.push(label, Mark::half_dash(val_style, view.sw));
    chart.draw_series(
        val.iter()
            .map(|&p| TriangleMarker::new(p, view.r + 1, theme.secondary.filled())),
    )?;
    Ok(())
}

/// Death markers: a cross on the validation curve with how many units died there.
fn draw_deaths<DB: DrawingBackend>(
    chart: &mut XyChart<'_, DB>,
    view: &LossView<'_>,
    d: &LossData<'_>,
    legend: &mut Legend,
) -> ChartResult<DB> {
    let (theme, sw) = (view.theme, view.sw);
    let cross = ShapeStyle::from(theme.dead).stroke_width(theme.px(2.5));
    let size = theme.px(7.0) as i32;
    for (k, (e, count)) in death_markers(d.history).into_iter().enumerate() {
        let y = d
            .history
            .iter()
            .find(|s| s.epoch == e)
            .map(|s| view.capped(s.val_loss))
            .filter(|v| v.is_finite())
            .unwrap_or(d.dead_loss);
        chart.draw_series(std::iter::once(Cross::new((e as f64, y), size, cross)))?;
        // One legend entry for all the crosses.
        if k == 0 {
            let label = if theme.compact {
                "units died"
            } else {
                "units found dead at that epoch"
            };
            legend.push(
                label,
                Mark::Cross {
                    style: cross,
                    len: sw,
                },
            );
        }
        let label = if e == 0 {
            format!("{count} dead at init")
        } else {
            format!("{count} died")
        };
        chart.draw_series(std::iter::once(Text::new(
            label,
            // Above and to the right of the cross: after a death the curves run flat along
            // the dead line, so the space above them is free (its label sits below, right).
            (e as f64 + view.epochs * 0.015, y + view.y_max * 0.03),
            theme
                .font_colored(12.0, theme.dead)
                .pos(text_anchor::Pos::new(
                    text_anchor::HPos::Left,
                    text_anchor::VPos::Bottom,
                )),
        )))?;
    }
    Ok(())
}
