//! One layer, TensorBoard-style: percentile bands over epochs of its outputs and of its weight
//! gradients, and the current histograms with the exact zeros in a bar of their own.

use crate::chart::{scale, Area, ChartResult, Theme, XyChart};
use crate::sim::stats::{Distribution, EpochStats, Histogram};
use plotters::prelude::*;
use plotters::style::text_anchor;

/// Which distribution of a layer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Quantity {
    Output,
    WeightGradient,
}

impl Quantity {
    pub fn title(self) -> &'static str {
        match self {
            Quantity::Output => "outputs",
            Quantity::WeightGradient => "weight gradients",
        }
    }

    fn axis(self) -> &'static str {
        match self {
            Quantity::Output => "output (no unit)",
            Quantity::WeightGradient => "∂loss/∂w (no unit)",
        }
    }

    fn of(self, s: &EpochStats, layer: usize) -> Option<&Distribution> {
        s.layers.get(layer).map(|l| match self {
            Quantity::Output => &l.output,
            Quantity::WeightGradient => &l.weight_grad,
        })
    }
}

/// "hidden layer 2" or "output layer".
pub fn layer_name(layer: usize, n_layers: usize) -> String {
    if layer + 1 == n_layers {
        "output layer".into()
    } else {
        format!("hidden layer {}", layer + 1)
    }
}

/// What the two panels of one quantity share.
struct Panel<'a> {
    /// The layer's name, as in [`layer_name`].
    name: &'a str,
    q: Quantity,
    color: RGBColor,
    /// The x axis of the bands runs from 0 to this many epochs.
    epochs: usize,
    theme: &'a Theme,
}

/// Draws the four panels for `layer`: bands of outputs and gradients (top), histograms now
/// (bottom).
pub fn draw<DB: DrawingBackend>(
    area: &Area<'_, DB>,
    history: &[EpochStats],
    epochs: usize,
    layer: usize,
    n_layers: usize,
    theme: &Theme,
) -> ChartResult<DB> {
    area.fill(&theme.background)?;
    // From the caller, not the history: before the first epoch there is none.
    let name = layer_name(layer, n_layers);
    let panels = area.split_evenly((2, 2));
    for (k, q) in [Quantity::Output, Quantity::WeightGradient]
        .into_iter()
        .enumerate()
    {
        let color = if q == Quantity::Output {
            theme.primary
        } else {
            theme.secondary
        };
        let panel = Panel {
            name: &name,
            q,
            color,
            epochs,
            theme,
        };
        let points: Vec<(f64, [f64; 9])> = history
            .iter()
            .filter_map(|s| q.of(s, layer).map(|d| (s.epoch as f64, d.percentiles)))
            .filter(|(_, p)| p.iter().all(|v| v.is_finite()))
            .collect();
        bands(&panels[k], &panel, &points)?;
        let latest = history
            .last()
            .and_then(|s| q.of(s, layer).map(|d| (s.epoch, d)));
        histogram(&panels[2 + k], &panel, latest)?;
    }
    Ok(())
}

/// The percentiles of a quantity over epochs, `points` being (epoch, percentiles).
fn bands<DB: DrawingBackend>(
    area: &Area<'_, DB>,
    panel: &Panel<'_>,
    points: &[(f64, [f64; 9])],
) -> ChartResult<DB> {
    let (theme, epochs) = (panel.theme, panel.epochs);
    let (lo, hi) = points.iter().fold((0.0f64, 0.0f64), |(lo, hi), (_, p)| {
        (lo.min(p[0]), hi.max(p[8]))
    });
    let all_zero = lo == 0.0 && hi == 0.0 && !points.is_empty();
    // A layer whose values are all alike (or all 0) still gets an axis of their own size.
    let (lo, hi) = scale::span(lo, hi);
    let pad = (hi - lo) * 0.06;
    let mut chart = ChartBuilder::on(area)
        .margin(theme.px(8.0))
        .caption(
            // On a phone the four panels are narrow: the layer is named in the menu above.
            if theme.compact {
                format!("{} over epochs", panel.q.title())
            } else {
                format!("{}: {} over epochs", panel.name, panel.q.title())
            },
            theme.font(13.0),
        )
        .x_label_area_size(theme.px(36.0))
        .y_label_area_size(theme.px(64.0))
        .build_cartesian_2d(0.0..epochs.max(1) as f64, (lo - pad)..(hi + pad))?;
    crate::chart::themed_mesh(&mut chart.configure_mesh(), theme, 12.0)
        .x_desc("epoch")
        .y_desc(panel.q.axis())
        .x_labels(epochs.clamp(2, 6) + 1)
        .x_label_formatter(&|x| format!("{x:.0}"))
        .y_labels(5)
        .y_label_formatter(&|y| scale::tick(*y, hi - lo))
        .draw()?;
    draw_band_series(&mut chart, panel, points)?;
    if all_zero {
        chart.draw_series(std::iter::once(Text::new(
            "all exactly 0",
            (
                epochs.max(1) as f64 * 0.5,
                (hi + lo) / 2.0 + (hi - lo) * 0.12,
            ),
            theme
                .font_colored(13.0, theme.dead)
                .pos(text_anchor::Pos::new(
                    text_anchor::HPos::Center,
                    text_anchor::VPos::Bottom,
                )),
        )))?;
    }
    Ok(())
}

/// The bands between percentiles and the median line.
fn draw_band_series<DB: DrawingBackend>(
    chart: &mut XyChart<'_, DB>,
    panel: &Panel<'_>,
    points: &[(f64, [f64; 9])],
) -> ChartResult<DB> {
    let color = panel.color;
    // Bands between symmetric percentiles, darker towards the median, as TensorBoard draws.
    for (k, alpha) in [(0usize, 0.15), (1, 0.25), (2, 0.35), (3, 0.5)] {
        if points.len() >= 2 {
            let mut poly: Vec<(f64, f64)> = points.iter().map(|(x, p)| (*x, p[8 - k])).collect();
            poly.extend(points.iter().rev().map(|(x, p)| (*x, p[k])));
            chart.draw_series(std::iter::once(Polygon::new(
                poly,
                color.mix(alpha).filled(),
            )))?;
        } else if let Some((x, p)) = points.first() {
            // A single epoch: a narrow bar instead of a band.
            let w = panel.epochs.max(1) as f64 * 0.02;
            chart.draw_series(std::iter::once(Rectangle::new(
                [(x - w, p[k]), (x + w, p[8 - k])],
                color.mix(alpha).filled(),
            )))?;
        }
    }
    let median = ShapeStyle::from(color).stroke_width(panel.theme.px(2.0));
    chart.draw_series(LineSeries::new(
        points.iter().map(|(x, p)| (*x, p[4])),
        median,
    ))?;
    Ok(())
}

/// The latest distribution as a histogram, with the exact zeros in a bar of their own.
fn histogram<DB: DrawingBackend>(
    area: &Area<'_, DB>,
    panel: &Panel<'_>,
    latest: Option<(usize, &Distribution)>,
) -> ChartResult<DB> {
    let (q, name, color, theme) = (panel.q, panel.name, panel.color, panel.theme);
    let caption = match latest {
        Some((e, _)) if theme.compact => format!("{} at epoch {e}", q.title()),
        Some((e, _)) => format!("{name}: {} at epoch {e}", q.title()),
        None => format!("{name}: {}", q.title()),
    };
    let empty = Histogram::from_values(&[], 1);
    let h = latest.map(|(_, d)| &d.histogram).unwrap_or(&empty);
    let total = h.total().max(1) as f64;
    let share = |c: u64| c as f64 / total * 100.0;
    let top = h
        .counts
        .iter()
        .map(|&c| share(c))
        .fold(share(h.zeros), f64::max)
        .max(1.0)
        * 1.15;
    let (lo, hi) = scale::span(h.lo, h.hi);
    // The exact zeros get a category of their own, left of the bins: [zero | bins].
    let span = hi - lo;
    let gap = span * 0.12;
    let zx0 = lo - gap - span * 0.18;
    let zx1 = lo - gap;
    let mut chart = ChartBuilder::on(area)
        .margin(theme.px(8.0))
        .caption(caption, theme.font(13.0))
        .x_label_area_size(theme.px(36.0))
        .y_label_area_size(theme.px(64.0))
        .build_cartesian_2d((zx0 - span * 0.02)..(hi + span * 0.02), 0.0..top)?;
    crate::chart::themed_mesh(&mut chart.configure_mesh(), theme, 12.0)
        .x_desc(if theme.compact {
            q.axis().to_string()
        } else {
            format!("{} (bins); exact 0 apart", q.axis())
        })
        .y_desc("share of values (%)")
        .x_labels(4)
        .x_label_formatter(&|x| {
            if *x < lo - gap * 0.5 {
                String::new()
            } else {
                scale::tick(*x, span)
            }
        })
        .y_labels(5)
        .y_label_formatter(&|y| format!("{y:.0}"))
        .draw()?;
    chart.draw_series(h.bins().filter(|b| b.2 > 0).map(|(a, b, c)| {
        let (a, b) = if h.hi > h.lo { (a, b) } else { (lo, hi) };
        Rectangle::new([(a, 0.0), (b, share(c))], color.mix(0.75).filled())
    }))?;
    draw_zero_bar(&mut chart, (zx0, zx1), share(h.zeros), top, theme)
}

/// The share `z` (%) of exact zeros as a bar over (zx0, zx1), in a full-height outline so an
/// empty bar still shows where zeros would be, and labelled.
fn draw_zero_bar<DB: DrawingBackend>(
    chart: &mut XyChart<'_, DB>,
    (zx0, zx1): (f64, f64),
    z: f64,
    top: f64,
    theme: &Theme,
) -> ChartResult<DB> {
    chart.draw_series(std::iter::once(Rectangle::new(
        [(zx0, 0.0), (zx1, z)],
        theme.dead.filled(),
    )))?;
    chart.draw_series(std::iter::once(Rectangle::new(
        [(zx0, 0.0), (zx1, top * 0.999)],
        ShapeStyle::from(theme.dead).stroke_width(theme.px(1.0)),
    )))?;
    let label = format!("exact 0: {:.0}%", z);
    chart.draw_series(std::iter::once(Text::new(
        label,
        (zx0, top * 0.97),
        theme
            .font_colored(12.0, theme.dead)
            .pos(text_anchor::Pos::new(
                text_anchor::HPos::Left,
                text_anchor::VPos::Top,
            )),
    )))?;
    Ok(())
}
