//! Where R's pre-activations fall: a histogram of a over all inputs, laid over f(a), with the
//! mass on the zero-gradient side in the warning colour.

use crate::chart::{Area, ChartResult, Legend, Mark, Theme, XyCoord};
use crate::sim::activation::Activation;
use crate::sim::neuron::PreactivationStats;
use crate::spec::format_sig;
use plotters::chart::DualCoordChartContext;
use plotters::prelude::*;

const BINS: usize = 40;

/// One histogram bar: from, to, share of inputs in %.
pub type Bar = (f64, f64, f64);

/// The x window: always shows the gate at 0 and the whole distribution with some margin.
/// Non-finite statistics are ignored and the window is bounded, so no input can hand plotters
/// an infinite axis.
pub fn x_window(s: &PreactivationStats) -> (f64, f64) {
    const LIMIT: f64 = 1e12;
    let finite = |v: f64, fallback: f64| {
        if v.is_finite() {
            v.clamp(-LIMIT, LIMIT)
        } else {
            fallback
        }
    };
    let spread = finite(4.0 * s.sd, 0.0);
    let lo = finite(s.min, -0.3)
        .min(finite(s.mean, 0.0) - spread)
        .min(-0.3);
    let hi = finite(s.max, 0.3)
        .max(finite(s.mean, 0.0) + spread)
        .max(0.3);
    let pad = 0.08 * (hi - lo);
    (lo - pad, hi + pad)
}

/// Share of inputs (in %) per bin of a over `window`.
pub fn histogram(a: &[f64], window: (f64, f64)) -> Vec<Bar> {
    let (lo, hi) = window;
    let width = (hi - lo) / BINS as f64;
    let mut counts = [0usize; BINS];
    for &v in a {
        let i = (((v - lo) / width).floor().max(0.0) as usize).min(BINS - 1);
        counts[i] += 1;
    }
    let n = a.len().max(1) as f64;
    counts
        .iter()
        .enumerate()
        .map(|(i, &c)| {
            (
                lo + i as f64 * width,
                lo + (i + 1) as f64 * width,
                100.0 * c as f64 / n,
            )
        })
        .collect()
}

/// What the drawing steps of the gate chart share.
struct Gate<'t> {
    f: Activation,
    /// The x window: [`x_window`], widened to the distribution before the large step.
    window: (f64, f64),
    /// Top of the histogram axis, in % of inputs.
    top: f64,
    theme: &'t Theme,
    /// Legend swatch width, in device pixels.
    sw: i32,
}

impl Gate<'_> {
    /// A legend swatch: a bar of `style` across the swatch width.
    fn swatch(&self, style: ShapeStyle) -> Mark {
        Mark::Bar {
            style,
            len: self.sw,
        }
    }
}

/// The histogram on the left axis, f(a) on the right one.
type GateChart<'a, DB> = DualCoordChartContext<'a, DB, XyCoord, XyCoord>;

/// Draws the histogram of `a` over f(a). `before`, if given, is the distribution before the
/// last large step, drawn as an outline so the jump it made is visible.
pub fn draw<DB: DrawingBackend>(
    area: &Area<'_, DB>,
    f: Activation,
    a: &[f64],
    stats: &PreactivationStats,
    before: Option<&[f64]>,
    theme: &Theme,
) -> ChartResult<DB> {
    area.fill(&theme.background)?;
    let window = window_with_before(x_window(stats), before);
    let bars = histogram(a, window);
    let ghost = before.map(|b| histogram(b, window));
    let gate = Gate {
        f,
        window,
        top: histogram_top(&bars, ghost.as_deref(), theme),
        theme,
        sw: theme.px(18.0) as i32,
    };
    let mut chart = build_chart(area, &gate, caption(a.len(), stats, theme))?;
    draw_axes(&mut chart, theme)?;
    // The legend goes on the side away from the data.
    let mut legend = Legend::new(if stats.mean > 0.5 * (window.0 + window.1) {
        SeriesLabelPosition::UpperLeft
    } else {
        SeriesLabelPosition::UpperRight
    });
    // The dead side behind everything, so the eye finds it first.
    draw_dead_side(&mut chart, &gate, &mut legend)?;
    draw_bars(&mut chart, &gate, &bars, &mut legend)?;
    if let Some(ghost) = &ghost {
        draw_ghost(&mut chart, &gate, ghost, &mut legend)?;
    }
    draw_gate_line(&mut chart, &gate)?;
    draw_curve(&mut chart, &gate, &mut legend)?;
    legend.draw(&chart.plotting_area().strip_coord_spec(), theme)
}

/// `window` widened to hold every finite value of `before`, so the outline fits too.
fn window_with_before(window: (f64, f64), before: Option<&[f64]>) -> (f64, f64) {
    let Some(b) = before else {
        return window;
    };
    let finite = b
        .iter()
        .copied()
        .filter(|v| v.is_finite() && v.abs() < 1e12);
    finite.fold(window, |(lo, hi), v| (lo.min(v), hi.max(v)))
}

/// Top of the histogram axis, from the highest bar of either distribution.
fn histogram_top(bars: &[Bar], ghost: Option<&[Bar]>, theme: &Theme) -> f64 {
    let highest = bars
        .iter()
        .chain(ghost.into_iter().flatten())
        .map(|b| b.2)
        .fold(5.0, f64::max);
    // Headroom for the legend (on a phone it spans most of the width, so it needs more), but
    // a share of inputs never needs an axis far past 100 %.
    let headroom = if theme.compact { 1.6 } else { 1.25 };
    (highest * headroom).min(105.0).max(highest * 1.1)
}

/// The caption: the statistics of a, shortened on a phone.
fn caption(inputs: usize, stats: &PreactivationStats, theme: &Theme) -> String {
    let open = (stats.open_fraction * 100.0).round();
    if theme.compact {
        format!(
            "a: mean {}, sd {}; open {}%",
            format_sig(stats.mean, 2),
            format_sig(stats.sd, 2),
            open
        )
    } else {
        format!(
            "Pre-activation a over {} inputs: mean {}, sd {}; gate open for {}%",
            inputs,
            format_sig(stats.mean, 3),
            format_sig(stats.sd, 3),
            open
        )
    }
}

/// The chart: shares of inputs on the left axis, f(a) on the right one over the same window.
fn build_chart<'a, DB: DrawingBackend>(
    area: &'a Area<'_, DB>,
    gate: &Gate<'_>,
    caption: String,
) -> Result<GateChart<'a, DB>, DrawingAreaErrorKind<DB::ErrorType>> {
    let (theme, window, f) = (gate.theme, gate.window, gate.f);
    let (f_lo, f_hi) = (f.value(window.0), f.value(window.1));
    let (y2_lo, y2_hi) = (f_lo.min(f_hi).min(0.0), f_lo.max(f_hi).max(0.1));
    let y2_pad = 0.1 * (y2_hi - y2_lo);
    Ok(ChartBuilder::on(area)
        .margin(theme.px(10.0))
        .x_label_area_size(theme.px(44.0))
        .y_label_area_size(theme.px(52.0))
        .right_y_label_area_size(theme.px(52.0))
        .caption(caption, theme.font(13.0))
        .build_cartesian_2d(window.0..window.1, 0.0..gate.top)?
        .set_secondary_coord(window.0..window.1, (y2_lo - y2_pad)..(y2_hi + y2_pad)))
}

/// Both y axes, the x axis and the grid.
fn draw_axes<DB: DrawingBackend>(chart: &mut GateChart<'_, DB>, theme: &Theme) -> ChartResult<DB> {
    // Rounding noise near the gate would read "1e-17" instead of 0.
    let near_zero_as_zero = |v: &f64| format_sig(if v.abs() < 1e-12 { 0.0 } else { *v }, 2);
    crate::chart::themed_mesh(&mut chart.configure_mesh(), theme, 13.0)
        .x_desc(if theme.compact {
            "a (no unit)"
        } else {
            "pre-activation a = w1·x1 + w2·x2 + b (no unit)"
        })
        .y_desc(if theme.compact {
            "inputs (%)"
        } else {
            "share of inputs per bin (%)"
        })
        .x_labels(7)
        .y_labels(5)
        .x_label_formatter(&near_zero_as_zero)
        .y_label_formatter(&|v| format_sig(*v, 2))
        .draw()?;
    chart
        .configure_secondary_axes()
        .y_desc("f(a) (no unit)")
        .y_label_formatter(&near_zero_as_zero)
        .label_style(theme.font(12.0))
        .axis_desc_style(theme.font(13.0))
        .axis_style(theme.foreground)
        .draw()
}

/// A band over the side of the gate where f′ = 0, if f has one.
fn draw_dead_side<DB: DrawingBackend>(
    chart: &mut GateChart<'_, DB>,
    gate: &Gate<'_>,
    legend: &mut Legend,
) -> ChartResult<DB> {
    let Some((_, zero_hi)) = gate.f.zero_gradient_region() else {
        return Ok(());
    };
    let theme = gate.theme;
    let band = theme.dead.mix(0.12).filled();
    chart.draw_series(std::iter::once(Rectangle::new(
        [(gate.window.0, 0.0), (zero_hi.min(gate.window.1), gate.top)],
        band,
    )))?;
    let label = if theme.compact {
        "gate shut: f′ = 0"
    } else {
        "f′(a) = 0 here: the gate is shut"
    };
    legend.push(label, gate.swatch(band));
    Ok(())
}

/// The histogram, its bars coloured by whether the gradient flows at their middle.
fn draw_bars<DB: DrawingBackend>(
    chart: &mut GateChart<'_, DB>,
    gate: &Gate<'_>,
    bars: &[Bar],
    legend: &mut Legend,
) -> ChartResult<DB> {
    let theme = gate.theme;
    let (open_bars, shut_bars): (Vec<Bar>, Vec<Bar>) = bars
        .iter()
        .copied()
        .filter(|b| b.2 > 0.0)
        .partition(|b| gate.f.derivative(0.5 * (b.0 + b.1)) != 0.0);
    // Only the kinds of bar on show get a legend entry: fewer, truer lines (and room on a phone).
    let kinds = [
        (
            &open_bars,
            theme.primary.filled(),
            "inputs whose gradient flows",
            "gradient flows",
        ),
        (
            &shut_bars,
            theme.dead.filled(),
            "inputs with zero gradient",
            "zero gradient",
        ),
    ];
    for (set, style, long, short) in kinds {
        chart.draw_series(
            set.iter()
                .map(move |b| Rectangle::new([(b.0, 0.0), (b.1, b.2)], style)),
        )?;
        if !set.is_empty() {
            legend.push(if theme.compact { short } else { long }, gate.swatch(style));
        }
    }
    Ok(())
}

/// The distribution before the large step, as outlines over the bars.
fn draw_ghost<DB: DrawingBackend>(
    chart: &mut GateChart<'_, DB>,
    gate: &Gate<'_>,
    ghost: &[Bar],
    legend: &mut Legend,
) -> ChartResult<DB> {
    let theme = gate.theme;
    let outline = ShapeStyle::from(theme.neutral).stroke_width(theme.px(1.5));
    chart.draw_series(
        ghost
            .iter()
            .filter(|b| b.2 > 0.0)
            .map(|b| Rectangle::new([(b.0, 0.0), (b.1, b.2)], outline)),
    )?;
    let label = if theme.compact {
        "before the step"
    } else {
        "before the large step (outline)"
    };
    legend.push(label, gate.swatch(outline));
    Ok(())
}

/// A vertical line at a = 0, where the gate is.
fn draw_gate_line<DB: DrawingBackend>(
    chart: &mut GateChart<'_, DB>,
    gate: &Gate<'_>,
) -> ChartResult<DB> {
    let theme = gate.theme;
    let style = ShapeStyle::from(theme.foreground.mix(0.6)).stroke_width(theme.px(1.0));
    chart.draw_series(std::iter::once(PathElement::new(
        vec![(0.0, 0.0), (0.0, gate.top)],
        style,
    )))?;
    Ok(())
}

/// f(a) across the window, on the right axis.
fn draw_curve<DB: DrawingBackend>(
    chart: &mut GateChart<'_, DB>,
    gate: &Gate<'_>,
    legend: &mut Legend,
) -> ChartResult<DB> {
    let (theme, window, f, sw) = (gate.theme, gate.window, gate.f, gate.sw);
    let curve = ShapeStyle::from(theme.foreground).stroke_width(theme.px(2.0));
    let n = 200;
    let pts = (0..=n).map(|i| {
        let x = window.0 + (window.1 - window.0) * i as f64 / n as f64;
        (x, f.value(x))
    });
    chart.draw_secondary_series(LineSeries::new(pts, curve))?;
    let label = if theme.compact {
        "f(a), right axis".to_string()
    } else {
        format!("f(a): {} (right axis)", f.describe())
    };
    legend.push(
        label,
        Mark::Line {
            style: curve,
            len: sw,
        },
    );
    Ok(())
}
