//! plotters' canvas and SVG backends, measuring text with a canvas.
//!
//! plotters 0.3.7 sizes every label by adding a styled `<span>` to the page and reading its
//! box: a forced layout of the whole page per label (tens of milliseconds for one chart on a
//! long page), and an inline `style` that a strict Content-Security-Policy refuses.
//! `measureText` on the canvas's own context measures exactly what `fillText` draws, with the
//! same font string, and touches no layout. Everything else is passed through. The SVG export
//! draws through the same wrapper over plotters' `SVGBackend` (measuring with a detached
//! canvas), so exporting a figure adds no element and no style to the page either.

use super::surface::Surface;
use crate::chart::raster::RectBlit;
use plotters::prelude::{DrawingBackend, SVGBackend};
use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingErrorKind,
};
use plotters_canvas::CanvasBackend;
use wasm_bindgen::{Clamped, JsCast};
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

type Error<B> = DrawingErrorKind<<B as DrawingBackend>::ErrorType>;

/// A backend `B` whose text is measured with a canvas context's `measureText`.
pub struct Measuring<B> {
    inner: B,
    context: CanvasRenderingContext2d,
    /// `context` is the canvas `inner` draws on, so bitmaps go straight to its pixels.
    puts_pixels: bool,
    /// Circles or lines of one style drawn one after another, waiting to be filled (or
    /// stroked) as one path: the input plane's thousand training points were two thousand
    /// separate fills, 20-50 ms of the page's main thread at 2x, and a mesh's grid lines and
    /// a dashed line's dashes a stroke each (1,300 for the comparison's six small multiples,
    /// 38 ms).
    batch: Option<Batch>,
}

/// What a batch draws.
#[derive(Clone, Copy, PartialEq)]
enum Shape {
    FilledCircles,
    CircleOutlines,
    Lines,
}

/// The style of a batch: (r, g, b), alpha × 1000, its shapes, stroke width.
#[derive(Clone, Copy, PartialEq)]
struct Batch((u8, u8, u8), u32, Shape, u32);

/// What the page's charts draw on: a canvas, or Save SVG's document (one type, so every
/// chart's drawing code is compiled once, see `surface`).
pub type PageBackend<'a> = Measuring<Surface<'a>>;

impl PageBackend<'static> {
    /// Draws on `canvas`, measuring text with its own context.
    pub fn new(canvas: HtmlCanvasElement) -> Option<Self> {
        let context = canvas.get_context("2d").ok()??.dyn_into().ok()?;
        let inner = Surface::Canvas(CanvasBackend::with_canvas_object(canvas)?);
        Some(Measuring {
            inner,
            context,
            puts_pixels: true,
            batch: None,
        })
    }
}

impl<'a> PageBackend<'a> {
    /// Writes an SVG document of `size` into `out`, measuring its text with a canvas of its
    /// own (never added to the page); bitmaps become rectangles.
    pub fn svg(out: &'a mut String, size: (u32, u32)) -> Option<Self> {
        let doc = web_sys::window()?.document()?;
        let canvas: HtmlCanvasElement = doc.create_element("canvas").ok()?.dyn_into().ok()?;
        let context = canvas.get_context("2d").ok()??.dyn_into().ok()?;
        Some(Measuring {
            inner: Surface::Svg(RectBlit(SVGBackend::with_string(out, size))),
            context,
            puts_pixels: false,
            batch: None,
        })
    }
}

impl<B: DrawingBackend> DrawingBackend for Measuring<B> {
    type ErrorType = B::ErrorType;

    fn get_size(&self) -> (u32, u32) {
        self.inner.get_size()
    }

    fn ensure_prepared(&mut self) -> Result<(), Error<B>> {
        self.inner.ensure_prepared()
    }

    fn present(&mut self) -> Result<(), Error<B>> {
        self.flush_batch();
        self.inner.present()
    }

    fn draw_pixel(&mut self, point: BackendCoord, color: BackendColor) -> Result<(), Error<B>> {
        self.flush_batch();
        self.inner.draw_pixel(point, color)
    }

    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Result<(), Error<B>> {
        if !self.puts_pixels {
            return self.inner.draw_line(from, to, style);
        }
        if !self.join(style, Shape::Lines) {
            return Ok(());
        }
        // Half a pixel off a horizontal or vertical line's axis, as plotters' canvas does, so
        // a one-pixel line covers one row of pixels rather than two half-lit ones.
        let (mut a, mut b) = (
            (f64::from(from.0), f64::from(from.1)),
            (f64::from(to.0), f64::from(to.1)),
        );
        if from.0 == to.0 {
            a.0 -= 0.5;
            b.0 -= 0.5;
        }
        if from.1 == to.1 {
            a.1 -= 0.5;
            b.1 -= 0.5;
        }
        self.context.move_to(a.0, a.1);
        self.context.line_to(b.0, b.1);
        Ok(())
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), Error<B>> {
        self.flush_batch();
        self.inner.draw_rect(upper_left, bottom_right, style, fill)
    }

    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result<(), Error<B>> {
        self.flush_batch();
        self.inner.draw_path(path, style)
    }

    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Result<(), Error<B>> {
        if !self.puts_pixels {
            return self.inner.draw_circle(center, radius, style, fill);
        }
        let shape = if fill {
            Shape::FilledCircles
        } else {
            Shape::CircleOutlines
        };
        if !self.join(style, shape) {
            return Ok(());
        }
        let (x, y, r) = (f64::from(center.0), f64::from(center.1), f64::from(radius));
        // A subpath of its own: no line joins this circle to the one before.
        self.context.move_to(x + r, y);
        let _ = self.context.arc(x, y, r, 0.0, std::f64::consts::TAU);
        Ok(())
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vert: I,
        style: &S,
    ) -> Result<(), Error<B>> {
        self.flush_batch();
        self.inner.fill_polygon(vert, style)
    }

    fn draw_text<S: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &S,
        pos: BackendCoord,
    ) -> Result<(), Error<B>> {
        self.flush_batch();
        self.inner.draw_text(text, style, pos)
    }

    fn estimate_text_size<S: BackendTextStyle>(
        &self,
        text: &str,
        style: &S,
    ) -> Result<(u32, u32), Error<B>> {
        // The same font string as CanvasBackend::draw_text sets before filling.
        self.context.set_font(&format!(
            "{} {}px {}",
            style.style().as_str(),
            style.size(),
            style.family().as_str(),
        ));
        let m = self
            .context
            .measure_text(text)
            .map_err(|e| DrawingErrorKind::FontError(Box::new(JsError(format!("{e:?}")))))?;
        // The font's ascent plus descent is the height a line of it takes (what the span
        // measured as its box).
        let height = m.font_bounding_box_ascent() + m.font_bounding_box_descent();
        Ok((m.width().round() as u32, height.round() as u32))
    }

    fn blit_bitmap(
        &mut self,
        pos: BackendCoord,
        size: (u32, u32),
        src: &[u8],
    ) -> Result<(), Error<B>> {
        self.flush_batch();
        if !self.puts_pixels {
            return self.inner.blit_bitmap(pos, size, src);
        }
        // One putImageData for the whole image (plotters' canvas backend would fill a
        // rectangle per pixel). The backend's coordinates are the canvas's pixels.
        let (w, h) = size;
        let mut rgba = vec![255u8; 4 * w as usize * h as usize];
        for (to, from) in rgba.chunks_exact_mut(4).zip(src.chunks_exact(3)) {
            to[..3].copy_from_slice(from);
        }
        let fail = |e: wasm_bindgen::JsValue| {
            DrawingErrorKind::FontError(Box::new(JsError(format!("{e:?}"))))
        };
        let image = web_sys::ImageData::new_with_u8_clamped_array_and_sh(Clamped(&rgba), w, h)
            .map_err(fail)?;
        self.context
            .put_image_data(&image, f64::from(pos.0), f64::from(pos.1))
            .map_err(fail)
    }
}

/// Shapes still waiting are drawn when the backend goes (plotters need not `present`).
impl<B> Drop for Measuring<B> {
    fn drop(&mut self) {
        self.flush_batch();
    }
}

impl<B> Measuring<B> {
    /// Adds the next shape to the batch of its style, or starts a new batch (drawing the one
    /// before). False for an invisible style, which draws nothing.
    fn join<S: BackendStyle>(&mut self, style: &S, shape: Shape) -> bool {
        let c = style.color();
        if c.alpha == 0.0 {
            return false;
        }
        let key = Batch(
            c.rgb,
            (c.alpha * 1000.0).round() as u32,
            shape,
            style.stroke_width(),
        );
        if self.batch != Some(key) {
            self.flush_batch();
            self.batch = Some(key);
            self.context.begin_path();
        }
        true
    }

    /// Fills (or strokes) the shapes waiting as one path, in their style.
    fn flush_batch(&mut self) {
        let Some(Batch((r, g, b), alpha, shape, width)) = self.batch.take() else {
            return;
        };
        let color = format!("rgba({r},{g},{b},{})", f64::from(alpha) / 1000.0);
        if shape == Shape::FilledCircles {
            self.context.set_fill_style_str(&color);
            self.context.fill();
        } else {
            self.context.set_stroke_style_str(&color);
            self.context.set_line_width(f64::from(width));
            self.context.stroke();
        }
    }
}

/// A measuring failure, as plotters' font error.
#[derive(Debug)]
struct JsError(String);

impl std::fmt::Display for JsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for JsError {}
