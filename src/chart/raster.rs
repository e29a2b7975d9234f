//! Heatmaps as pixels: a grid of colours drawn as one bitmap, not a rectangle per cell.
//!
//! The input plane and its atlas colour thousands of cells; a `fillRect` per cell through
//! plotters' canvas backend took tens of milliseconds. A [`Raster`] element hands the whole
//! image to the backend's `blit_bitmap`, which the page's canvas backend does with one
//! `putImageData` (`web::text_canvas`). plotters' SVG backend has no bitmap of its own, so
//! SVG drawing goes through [`RectBlit`], which writes the image as rectangles, a row's run
//! of one colour as one rectangle and equal rows merged: a cell grid stays a cell per
//! rectangle however large the picture.

use plotters::element::{Drawable, PointCollection};
use plotters::prelude::*;
use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingErrorKind,
};

/// An RGB image (`rgb.len() == 3·w·h`, rows top to bottom) placed with its top-left corner at
/// `at`, in the drawing area's pixels.
pub struct Raster {
    pub at: (i32, i32),
    pub size: (u32, u32),
    pub rgb: Vec<u8>,
}

impl Raster {
    /// A `res_x` × `res_y` grid of `cells` (row 0 at the bottom, as a plot's y axis goes)
    /// scaled to `w` × `h` pixels, each pixel the colour of the cell under it.
    pub fn of_cells(
        at: (i32, i32),
        (w, h): (u32, u32),
        cells: &[RGBColor],
        (res_x, res_y): (usize, usize),
    ) -> Raster {
        let (wu, hu) = (w as usize, h as usize);
        let row_bytes = 3 * wu;
        let mut rgb = vec![0u8; row_bytes * hu];
        let blank = RGBColor(255, 255, 255);
        // The cell column under each pixel column, worked out once for every row.
        let columns: Vec<usize> = (0..wu)
            .map(|px| (px * res_x / w.max(1) as usize).min(res_x.saturating_sub(1)))
            .collect();
        // A pixel row is the same as the one above it while both show the same cell row: it
        // is copied, so a 2x plane (two million pixels) is coloured once per cell row, not
        // once per pixel (the plane's redraw was 17 ms, most of it this loop).
        let mut last: Option<(usize, usize)> = None;
        for py in 0..hu {
            // Top pixel row shows the top cell row.
            let cy = res_y - 1 - (py * res_y / h.max(1) as usize).min(res_y.saturating_sub(1));
            let start = py * row_bytes;
            match last {
                Some((row, from)) if row == cy => {
                    rgb.copy_within(from..from + row_bytes, start);
                }
                _ => {
                    let out = &mut rgb[start..start + row_bytes];
                    for (px, &cx) in out.chunks_exact_mut(3).zip(&columns) {
                        let c = cells.get(cy * res_x + cx).copied().unwrap_or(blank);
                        px.copy_from_slice(&[c.0, c.1, c.2]);
                    }
                    last = Some((cy, start));
                }
            }
        }
        Raster {
            at,
            size: (w, h),
            rgb,
        }
    }
}

impl<'a> PointCollection<'a, (i32, i32)> for &'a Raster {
    type Point = &'a (i32, i32);
    type IntoIter = std::iter::Once<&'a (i32, i32)>;
    fn point_iter(self) -> Self::IntoIter {
        std::iter::once(&self.at)
    }
}

impl<DB: DrawingBackend> Drawable<DB> for Raster {
    fn draw<I: Iterator<Item = BackendCoord>>(
        &self,
        mut pos: I,
        backend: &mut DB,
        _: (u32, u32),
    ) -> Result<(), DrawingErrorKind<DB::ErrorType>> {
        let expected = 3 * self.size.0 as usize * self.size.1 as usize;
        match pos.next() {
            Some(p) if self.rgb.len() == expected && expected > 0 => {
                backend.blit_bitmap(p, self.size, &self.rgb)
            }
            _ => Ok(()),
        }
    }
}

/// Draws an RGB image onto `backend` as rectangles: each row's runs of one colour, and a run
/// of identical rows as one rectangle.
pub fn blit_as_rects<B: DrawingBackend>(
    backend: &mut B,
    pos: BackendCoord,
    (w, h): (u32, u32),
    src: &[u8],
) -> Result<(), DrawingErrorKind<B::ErrorType>> {
    let (w, h) = (w as usize, h as usize);
    if src.len() < 3 * w * h {
        return Ok(());
    }
    let row = |y: usize| &src[3 * w * y..3 * w * (y + 1)];
    let mut y = 0;
    while y < h {
        let mut y_end = y + 1;
        while y_end < h && row(y_end) == row(y) {
            y_end += 1;
        }
        let r = row(y);
        let mut x = 0;
        while x < w {
            let c = &r[3 * x..3 * x + 3];
            let mut x_end = x + 1;
            while x_end < w && &r[3 * x_end..3 * x_end + 3] == c {
                x_end += 1;
            }
            let color = RGBColor(c[0], c[1], c[2]);
            backend.draw_rect(
                (pos.0 + x as i32, pos.1 + y as i32),
                (pos.0 + x_end as i32, pos.1 + y_end as i32),
                &color,
                true,
            )?;
            x = x_end;
        }
        y = y_end;
    }
    Ok(())
}

/// A backend `B` whose bitmaps are drawn as rectangles ([`blit_as_rects`]); everything else
/// is passed through. For backends without a bitmap of their own (SVG).
pub struct RectBlit<B>(pub B);

type Error<B> = DrawingErrorKind<<B as DrawingBackend>::ErrorType>;

impl<B: DrawingBackend> DrawingBackend for RectBlit<B> {
    type ErrorType = B::ErrorType;

    fn get_size(&self) -> (u32, u32) {
        self.0.get_size()
    }
    fn ensure_prepared(&mut self) -> Result<(), Error<B>> {
        self.0.ensure_prepared()
    }
    fn present(&mut self) -> Result<(), Error<B>> {
        self.0.present()
    }
    fn draw_pixel(&mut self, point: BackendCoord, color: BackendColor) -> Result<(), Error<B>> {
        self.0.draw_pixel(point, color)
    }
    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Result<(), Error<B>> {
        self.0.draw_line(from, to, style)
    }
    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), Error<B>> {
        self.0.draw_rect(upper_left, bottom_right, style, fill)
    }
    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result<(), Error<B>> {
        self.0.draw_path(path, style)
    }
    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Result<(), Error<B>> {
        self.0.draw_circle(center, radius, style, fill)
    }
    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vert: I,
        style: &S,
    ) -> Result<(), Error<B>> {
        self.0.fill_polygon(vert, style)
    }
    fn draw_text<S: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &S,
        pos: BackendCoord,
    ) -> Result<(), Error<B>> {
        self.0.draw_text(text, style, pos)
    }
    fn estimate_text_size<S: BackendTextStyle>(
        &self,
        text: &str,
        style: &S,
    ) -> Result<(u32, u32), Error<B>> {
        self.0.estimate_text_size(text, style)
    }
    fn blit_bitmap(
        &mut self,
        pos: BackendCoord,
        size: (u32, u32),
        src: &[u8],
    ) -> Result<(), Error<B>> {
        blit_as_rects(&mut self.0, pos, size, src)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chart::render_svg;

    #[test]
    fn a_grid_of_cells_becomes_one_rectangle_per_cell_in_svg() {
        let (a, b) = (RGBColor(10, 20, 30), RGBColor(200, 100, 0));
        // 2 × 2 cells, row 0 at the bottom: bottom row a b, top row b b.
        let cells = [a, b, b, b];
        let svg = render_svg(100, 100, |area| {
            area.draw(&Raster::of_cells((0, 0), (40, 40), &cells, (2, 2)))?;
            Ok(())
        })
        .unwrap_or_default();
        let rects = svg.matches("<rect").count();
        // The top row is one run of b (one rectangle), the bottom row two runs.
        assert_eq!(rects, 3, "{svg}");
        assert!(svg.contains("#0A141E") || svg.contains("#0a141e"), "{svg}");
    }

    /// Every pixel is the colour of the cell under it, whatever the picture's size against the
    /// grid's (rows copied from the row above must be the rows a pixel-by-pixel pass makes).
    #[test]
    fn every_pixel_shows_the_cell_under_it() {
        let (res_x, res_y) = (7, 5);
        let cells: Vec<RGBColor> = (0..res_x * res_y)
            .map(|k| RGBColor(k as u8, (3 * k) as u8, (7 * k) as u8))
            .collect();
        for (w, h) in [(1, 1), (7, 5), (13, 11), (64, 3), (3, 64), (101, 97)] {
            let r = Raster::of_cells((0, 0), (w, h), &cells, (res_x, res_y));
            assert_eq!(r.rgb.len(), 3 * (w * h) as usize);
            for py in 0..h as usize {
                let cy = res_y - 1 - (py * res_y / h as usize).min(res_y - 1);
                for px in 0..w as usize {
                    let cx = (px * res_x / w as usize).min(res_x - 1);
                    let c = cells[cy * res_x + cx];
                    let at = 3 * (py * w as usize + px);
                    assert_eq!(
                        &r.rgb[at..at + 3],
                        &[c.0, c.1, c.2],
                        "{w}x{h} at ({px}, {py})"
                    );
                }
            }
        }
    }

    #[test]
    fn the_top_pixel_rows_show_the_top_cells() {
        let (a, b) = (RGBColor(1, 1, 1), RGBColor(9, 9, 9));
        let r = Raster::of_cells((0, 0), (2, 2), &[a, a, b, b], (2, 2));
        assert_eq!(
            &r.rgb[..3],
            &[9, 9, 9],
            "top-left pixel is the top row's cell"
        );
        assert_eq!(
            &r.rgb[9..],
            &[1, 1, 1],
            "bottom-right pixel is the bottom row's"
        );
    }
}
