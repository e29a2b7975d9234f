//! The born-dead curves: per depth, the share of nets whose output is constant over the
//! inputs before training (Monte Carlo, with 95 % intervals), for He, RAI and Leaky ReLU,
//! beside the exact single-point curve 1 − (1 − 2^−N)^L.

use crate::chart::{themed_mesh, Area, ChartResult, Theme};
use crate::panels::dying::born_dead::{single_point_formula, Method, Tally, MAX_DEPTH};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

pub struct BornData<'a> {
    pub width: usize,
    /// Per method, in `Method::ALL` order.
    pub tallies: &'a [Tally; 3],
}

fn color(theme: &Theme, m: Method) -> RGBColor {
    match m {
        Method::He => theme.dead,
        Method::Rai => theme.primary,
        Method::Leaky => theme.secondary,
    }
}

/// The legend's rows, below the plot so that no curve hides under it: the formula (dashed,
/// no method), then each method with its marker.
fn legend_rows(d: &BornData<'_>, theme: &Theme) -> Vec<(String, RGBColor, Option<Method>)> {
    let formula = if theme.compact {
        "exact at one input: 1 − (1 − 2^−N)^L".to_string()
    } else {
        format!("exact, one input point: 1 − (1 − 2^−N)^L, N = {}", d.width)
    };
    let mut rows = vec![(formula, theme.foreground, None)];
    for m in Method::ALL {
        let t = &d.tallies[m.index()];
        let text = if theme.compact {
            m.label().to_string()
        } else {
            format!("{} (Monte Carlo, {} nets, 95 % bars)", m.label(), t.trials)
        };
        rows.push((text, color(theme, m), Some(m)));
    }
    rows
}

/// A method's marker at a point, the same in the plot and in the legend (the shapes tell the
/// curves apart without their colours).
fn marker<DB: DrawingBackend>(
    area: &Area<'_, DB>,
    m: Method,
    at: (i32, i32),
    r: i32,
    c: RGBColor,
) -> ChartResult<DB> {
    let filled = c.filled();
    match m {
        Method::He => area.draw(&Circle::new(at, r, filled)),
        Method::Rai => area.draw(&TriangleMarker::new(at, r + 1, filled)),
        Method::Leaky => area.draw(&Rectangle::new(
            [(at.0 - r, at.1 - r), (at.0 + r, at.1 + r)],
            filled,
        )),
    }
}

fn draw_legend_below<DB: DrawingBackend>(
    area: &Area<'_, DB>,
    d: &BornData<'_>,
    theme: &Theme,
) -> ChartResult<DB> {
    let row_h = theme.px(18.0) as i32;
    let x = theme.px(64.0) as i32;
    let sw = theme.px(26.0) as i32;
    let font = theme.font(12.0).pos(Pos::new(HPos::Left, VPos::Center));
    for (k, (text, c, method)) in legend_rows(d, theme).into_iter().enumerate() {
        let y = row_h / 2 + k as i32 * row_h;
        let style = ShapeStyle::from(c).stroke_width(theme.px(2.5));
        match method {
            None => {
                for s in 0..3 {
                    let x0 = x + s * sw / 3;
                    area.draw(&PathElement::new(vec![(x0, y), (x0 + sw / 5, y)], style))?;
                }
            }
            Some(m) => {
                area.draw(&PathElement::new(vec![(x, y), (x + sw, y)], style))?;
                marker(area, m, (x + sw / 2, y), theme.px(3.0) as i32, c)?;
            }
        }
        area.draw(&Text::new(
            text,
            (x + sw + theme.px(8.0) as i32, y),
            font.clone(),
        ))?;
    }
    Ok(())
}

pub fn draw<DB: DrawingBackend>(
    area: &Area<'_, DB>,
    d: &BornData<'_>,
    theme: &Theme,
) -> ChartResult<DB> {
    area.fill(&theme.background)?;
    let (_, h) = area.dim_in_pixel();
    let legend_h = theme.px(18.0) * 4 + theme.px(8.0);
    let (plot, legend) = area.split_vertically(h.saturating_sub(legend_h));
    draw_legend_below(&legend, d, theme)?;
    let mut chart = ChartBuilder::on(&plot)
        .margin(theme.px(10.0))
        .x_label_area_size(theme.px(44.0))
        .y_label_area_size(theme.px(52.0))
        .build_cartesian_2d(0.0..MAX_DEPTH as f64 + 1.0, 0.0..100.0)?;
    themed_mesh(&mut chart.configure_mesh(), theme, 13.0)
        .x_desc("depth L (hidden layers)")
        .y_desc("nets born dead (%)")
        .x_labels(11)
        .y_labels(6)
        .x_label_formatter(&|v| format!("{v:.0}"))
        .y_label_formatter(&|v| format!("{v:.0}"))
        .draw()?;
    let formula: Vec<(f64, f64)> = (1..=MAX_DEPTH)
        .map(|l| (l as f64, 100.0 * single_point_formula(d.width, l)))
        .collect();
    let fstyle = ShapeStyle::from(theme.foreground).stroke_width(theme.px(2.0));
    let dash = theme.px(6.0);
    chart.draw_series(DashedLineSeries::new(formula, dash, dash / 2 + 1, fstyle))?;
    for m in Method::ALL {
        draw_method(&mut chart, d, theme, m)?;
    }
    Ok(())
}

type Chart<'a, DB> = ChartContext<
    'a,
    DB,
    Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>,
>;

/// One method's estimates: a line, a marker per depth (circle, triangle or square) and its
/// 95 % interval as a vertical bar.
fn draw_method<DB: DrawingBackend>(
    chart: &mut Chart<'_, DB>,
    d: &BornData<'_>,
    theme: &Theme,
    m: Method,
) -> ChartResult<DB> {
    let t = &d.tallies[m.index()];
    if t.trials == 0 {
        return Ok(());
    }
    let c = color(theme, m);
    let style = ShapeStyle::from(c).stroke_width(theme.px(2.0));
    let thin = ShapeStyle::from(c).stroke_width(theme.px(1.0));
    let pts: Vec<(f64, f64)> = (1..=MAX_DEPTH)
        .map(|l| (l as f64, 100.0 * t.fraction(l)))
        .collect();
    let r = theme.px(3.0) as i32;
    let sw = theme.px(22.0) as i32;
    let label = format!("{} (Monte Carlo, {} nets)", m.label(), t.trials);
    chart
        .draw_series(LineSeries::new(pts.clone(), style))?
        .label(if theme.compact {
            m.label().to_string()
        } else {
            label
        })
        .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + sw / 2, y)], style));
    for l in 1..=MAX_DEPTH {
        let (lo, hi) = t.interval(l);
        if hi - lo > 1e-9 {
            let x = l as f64;
            chart.draw_series([PathElement::new(
                vec![(x, 100.0 * lo), (x, 100.0 * hi)],
                thin,
            )])?;
        }
    }
    let filled = c.filled();
    match m {
        Method::He => chart.draw_series(
            pts.iter()
                .map(|&p| Circle::new(p, r, filled))
                .collect::<Vec<_>>(),
        )?,
        Method::Rai => chart.draw_series(
            pts.iter()
                .map(|&p| TriangleMarker::new(p, r + 1, filled))
                .collect::<Vec<_>>(),
        )?,
        Method::Leaky => chart.draw_series(
            pts.iter()
                .map(|&p| EmptyElement::at(p) + Rectangle::new([(-r, -r), (r, r)], filled))
                .collect::<Vec<_>>(),
        )?,
    };
    Ok(())
}
