//! f(x) and f'(x) of one activation function, with its dead side shaded.

use crate::chart::{Area, ChartResult, Legend, Mark, Theme, XyChart};
use crate::sim::activation::Activation;
use plotters::prelude::*;

/// The x and y windows. Fixed, so that moving α moves the curve and not the axes.
pub const X_RANGE: (f64, f64) = (-4.0, 3.0);
pub const Y_RANGE: (f64, f64) = (-2.0, 3.0);

/// f' below this (but not zero) is shaded as "vanishing": the saturating side of tanh and
/// sigmoid, where a little gradient still flows.
pub const VANISHING: f64 = 0.05;

const SAMPLES: usize = 561;

/// Where along x the gradient is exactly zero, or merely tiny.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct GradientRegions {
    pub zero: Vec<(f64, f64)>,
    pub vanishing: Vec<(f64, f64)>,
}

/// Finds the intervals of `X_RANGE` where f' = 0 and where 0 < |f'| < [`VANISHING`], by sampling.
pub fn gradient_regions(f: Activation) -> GradientRegions {
    let xs = sample_xs();
    let mut regions = GradientRegions::default();
    let classify = |x: f64| {
        let d = f.derivative(x).abs();
        if d == 0.0 {
            1
        } else if d < VANISHING {
            2
        } else {
            0
        }
    };
    let mut start: Option<(i32, f64)> = None;
    for (i, &x) in xs.iter().enumerate() {
        let c = classify(x);
        match start {
            Some((kind, x0)) if kind != c => {
                push_region(&mut regions, kind, x0, x);
                start = (c != 0).then_some((c, x));
            }
            None if c != 0 => start = Some((c, x)),
            _ => {}
        }
        if i + 1 == xs.len() {
            if let Some((kind, x0)) = start {
                push_region(&mut regions, kind, x0, x);
            }
        }
    }
    regions
}

fn push_region(r: &mut GradientRegions, kind: i32, x0: f64, x1: f64) {
    match kind {
        1 => r.zero.push((x0, x1)),
        _ => r.vanishing.push((x0, x1)),
    }
}

fn sample_xs() -> Vec<f64> {
    let (lo, hi) = X_RANGE;
    (0..SAMPLES)
        .map(|i| lo + (hi - lo) * i as f64 / (SAMPLES - 1) as f64)
        .collect()
}

/// Splits a polyline into the runs that stay inside the y window, so that a steep curve
/// leaves the chart instead of being drawn over the axes.
pub fn clip_to_window(points: &[(f64, f64)], y: (f64, f64)) -> Vec<Vec<(f64, f64)>> {
    let mut runs = Vec::new();
    let mut run = Vec::new();
    for &(px, py) in points {
        if py.is_finite() && py >= y.0 && py <= y.1 {
            run.push((px, py));
        } else if !run.is_empty() {
            runs.push(std::mem::take(&mut run));
        }
    }
    if !run.is_empty() {
        runs.push(run);
    }
    runs
}

/// The legend's words: in full on a wide canvas, short on a narrow one (a phone), where the
/// full ones would run off the canvas.
pub struct Labels {
    pub dead: &'static str,
    pub vanishing: &'static str,
    pub slope: &'static str,
}

impl Labels {
    pub fn for_theme(theme: &Theme) -> Labels {
        if theme.compact {
            Labels {
                dead: "f′ = 0 (dead side)",
                vanishing: "f′ < 0.05 (vanishing)",
                slope: "f′(x), dashed",
            }
        } else {
            Labels {
                dead: "f′ = 0: no gradient flows (dead side)",
                vanishing: "0 < f′ < 0.05: gradient vanishing",
                slope: "f′(x), dashed: the gradient it passes back",
            }
        }
    }
}

/// Draws f and f' of `f` with the zero-gradient side shaded.
pub fn draw<DB: DrawingBackend>(
    area: &Area<'_, DB>,
    f: Activation,
    theme: &Theme,
) -> ChartResult<DB> {
    area.fill(&theme.background)?;
    let (x0, x1) = X_RANGE;
    let (y0, y1) = Y_RANGE;
    let mut chart = ChartBuilder::on(area)
        .margin(theme.px(10.0))
        .x_label_area_size(theme.px(44.0))
        .y_label_area_size(theme.px(48.0))
        .build_cartesian_2d(x0..x1, y0..y1)?;
    crate::chart::themed_mesh(&mut chart.configure_mesh(), theme, 13.0)
        .x_desc("pre-activation x (no unit)")
        .y_desc("f(x) and f′(x) (no unit)")
        .x_labels(8)
        .y_labels(6)
        .x_label_formatter(&|v| crate::spec::format_sig(*v, 2))
        .y_label_formatter(&|v| crate::spec::format_sig(*v, 2))
        .draw()?;
    let mut legend = Legend::new(SeriesLabelPosition::UpperLeft);
    draw_regions(&mut chart, &gradient_regions(f), theme, &mut legend)?;
    draw_origin_axes(&mut chart, theme)?;
    draw_curves(&mut chart, f, theme, &mut legend)?;
    legend.draw(&chart.plotting_area().strip_coord_spec(), theme)
}

/// A legend swatch: a bar of `style` across the swatch width.
fn swatch(theme: &Theme, style: ShapeStyle) -> Mark {
    let len = theme.px(18.0) as i32;
    Mark::Bar { style, len }
}

/// Bands over the x ranges where the gradient is zero or vanishing, each named in the legend
/// only if f has one.
fn draw_regions<DB: DrawingBackend>(
    chart: &mut XyChart<'_, DB>,
    regions: &GradientRegions,
    theme: &Theme,
    legend: &mut Legend,
) -> ChartResult<DB> {
    let (y0, y1) = Y_RANGE;
    let dead_fill = theme.dead.mix(0.18).filled();
    let vanishing_fill = theme.neutral.mix(0.16).filled();
    chart.draw_series(
        regions
            .zero
            .iter()
            .map(|&(a, b)| Rectangle::new([(a, y0), (b, y1)], dead_fill)),
    )?;
    let labels = Labels::for_theme(theme);
    if !regions.zero.is_empty() {
        legend.push(labels.dead, swatch(theme, dead_fill));
    }
    chart.draw_series(
        regions
            .vanishing
            .iter()
            .map(|&(a, b)| Rectangle::new([(a, y0), (b, y1)], vanishing_fill)),
    )?;
    if !regions.vanishing.is_empty() {
        legend.push(labels.vanishing, swatch(theme, vanishing_fill));
    }
    Ok(())
}

/// The axes through the origin, so the kink at 0 is easy to find.
fn draw_origin_axes<DB: DrawingBackend>(
    chart: &mut XyChart<'_, DB>,
    theme: &Theme,
) -> ChartResult<DB> {
    let (x0, x1) = X_RANGE;
    let (y0, y1) = Y_RANGE;
    let axis = ShapeStyle::from(theme.neutral.mix(0.7)).stroke_width(theme.px(1.0));
    chart.draw_series(std::iter::once(PathElement::new(
        vec![(x0, 0.0), (x1, 0.0)],
        axis,
    )))?;
    chart.draw_series(std::iter::once(PathElement::new(
        vec![(0.0, y0), (0.0, y1)],
        axis,
    )))?;
    Ok(())
}

/// f solid and f′ dashed, each cut where it leaves the window and named once in the legend.
fn draw_curves<DB: DrawingBackend>(
    chart: &mut XyChart<'_, DB>,
    f: Activation,
    theme: &Theme,
    legend: &mut Legend,
) -> ChartResult<DB> {
    // Legend swatch width, in device pixels.
    let sw = theme.px(18.0) as i32;
    let xs = sample_xs();
    let value: Vec<(f64, f64)> = xs.iter().map(|&x| (x, f.value(x))).collect();
    let slope: Vec<(f64, f64)> = xs.iter().map(|&x| (x, f.derivative(x))).collect();

    let f_style = ShapeStyle::from(theme.primary).stroke_width(theme.px(3.0));
    let d_style = ShapeStyle::from(theme.secondary).stroke_width(theme.px(2.5));
    for (i, run) in clip_to_window(&value, Y_RANGE).into_iter().enumerate() {
        chart.draw_series(LineSeries::new(run, f_style))?;
        if i == 0 {
            let name = if theme.compact {
                f.kind.label().to_string()
            } else {
                f.describe()
            };
            let mark = Mark::Line {
                style: f_style,
                len: sw,
            };
            legend.push(format!("f(x): {name}"), mark);
        }
    }
    let dash = theme.px(7.0);
    for (i, run) in clip_to_window(&slope, Y_RANGE).into_iter().enumerate() {
        chart.draw_series(DashedLineSeries::new(run, dash, dash / 2 + 1, d_style))?;
        if i == 0 {
            legend.push(Labels::for_theme(theme).slope, Mark::half_dash(d_style, sw));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::activation::ActivationKind;

    #[test]
    fn relu_zero_region_is_the_negative_half() {
        let r = gradient_regions(Activation::RELU);
        assert_eq!(r.zero.len(), 1);
        assert_eq!(r.zero[0].0, X_RANGE.0);
        assert!(r.zero[0].1.abs() < 0.02, "{:?}", r.zero);
        assert!(r.vanishing.is_empty());
    }

    #[test]
    fn leaky_relu_has_no_zero_region_unless_alpha_is_zero() {
        let leaky = ActivationKind::LeakyRelu.with_alpha(0.1);
        assert!(gradient_regions(leaky).zero.is_empty());
        let flat = ActivationKind::LeakyRelu.with_alpha(0.0);
        assert_eq!(gradient_regions(flat).zero.len(), 1);
    }

    #[test]
    fn sigmoid_vanishes_but_is_never_zero() {
        let r = gradient_regions(ActivationKind::Sigmoid.with_alpha(0.0));
        assert!(r.zero.is_empty());
        assert!(!r.vanishing.is_empty());
    }

    #[test]
    fn the_vanishing_label_names_the_threshold_in_use() {
        for compact in [false, true] {
            let l = Labels::for_theme(&Theme::light(1.0).compact(compact));
            assert!(
                l.vanishing.contains(&VANISHING.to_string()),
                "{}",
                l.vanishing
            );
        }
    }

    #[test]
    fn clipping_splits_runs_leaving_the_window() {
        let pts = [(0.0, 0.0), (1.0, 5.0), (2.0, 1.0), (3.0, 2.0)];
        let runs = clip_to_window(&pts, (-1.0, 3.0));
        assert_eq!(runs, vec![vec![(0.0, 0.0)], vec![(2.0, 1.0), (3.0, 2.0)]]);
    }
}
