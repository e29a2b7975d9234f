//! What every chart shares. Each chart lives in its panel's `charts/` folder and is a
//! function of a `DrawingArea` over any `DrawingBackend`, so the page draws onto a canvas and
//! the native tests draw the very same chart into an SVG string and read its labels.

// A learner's numbers must never stop the page: no unwrap, no expect (tests/code_rules.rs).
#![deny(clippy::unwrap_used, clippy::expect_used)]

pub mod figure;
pub mod geometry;
pub mod legend;
pub mod raster;
pub mod scale;
pub mod theme;

pub use legend::{Legend, Mark};
pub use theme::Theme;

use plotters::chart::MeshStyle;
use plotters::coord::ranged1d::Ranged;
use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::prelude::*;

/// What every chart function returns.
pub type ChartResult<DB> = Result<(), DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

/// Shorthand for the area a chart draws into.
pub type Area<'a, DB> = DrawingArea<DB, Shift>;

/// The plotting grid every chart here builds: f64 along both axes.
pub type XyCoord = Cartesian2d<RangedCoordf64, RangedCoordf64>;

/// A chart built on [`XyCoord`], as the drawing steps of each chart take it.
pub type XyChart<'a, DB> = ChartContext<'a, DB, XyCoord>;

/// Styles a chart's axes and grid the same way everywhere: 12 px tick labels, axis names at
/// `desc_px` (smaller in small multiples), the theme's foreground axes and a quiet grid.
pub fn themed_mesh<'m, 'a, 'b, X, Y, DB>(
    mesh: &'m mut MeshStyle<'a, 'b, X, Y, DB>,
    theme: &Theme,
    desc_px: f64,
) -> &'m mut MeshStyle<'a, 'b, X, Y, DB>
where
    X: Ranged,
    Y: Ranged,
    DB: DrawingBackend,
{
    mesh.label_style(theme.font(12.0))
        .axis_desc_style(theme.font(desc_px))
        .axis_style(theme.foreground)
        .bold_line_style(theme.grid)
        // No minor grid: plotters draws ten light lines per major tick by default, each a
        // path of its own, which in the background's colour showed nothing yet were most of
        // a chart's first drawing in the page.
        .max_light_lines(0)
}

/// Renders a chart into an SVG string: used by native tests and by SVG export.
pub fn render_svg<F>(width: u32, height: u32, draw: F) -> Result<String, String>
where
    F: FnOnce(&Area<'_, raster::RectBlit<SVGBackend<'_>>>) -> ChartResult<SVGBackend<'static>>,
{
    let mut out = String::new();
    {
        // Bitmaps (heatmaps) as rectangles: plotters' SVG has no bitmap of its own.
        let svg = SVGBackend::with_string(&mut out, (width, height));
        let root = raster::RectBlit(svg).into_drawing_area();
        draw(&root).map_err(|e| e.to_string())?;
        root.present().map_err(|e| e.to_string())?;
    }
    Ok(out)
}
