//! One backend type for everything the page draws: a canvas on screen, or the SVG of Save
//! SVG. Every chart's drawing code is generic over plotters' `DrawingBackend`, and Rust
//! compiles it once per backend type; with the canvas and the SVG export as two types the
//! page carried each chart twice (the intro part's wasm: 21 KB of `svg_of` alone, and every
//! mesh, legend and chart builder in two copies). One enum that dispatches each call costs a
//! branch per primitive and keeps one copy.

use crate::chart::raster::RectBlit;
use plotters::prelude::{DrawingBackend, SVGBackend};
use plotters_backend::{BackendColor, BackendCoord, BackendStyle, BackendTextStyle};
use plotters_canvas::CanvasBackend;

type DrawingErrorKind = plotters_backend::DrawingErrorKind<SurfaceError>;

/// Where a chart is drawn.
pub enum Surface<'a> {
    /// A canvas on the page.
    Canvas(CanvasBackend),
    /// An SVG document written into a string (bitmaps as rectangles).
    Svg(RectBlit<SVGBackend<'a>>),
}

/// What went wrong drawing, in words (the two backends' own errors differ in type).
#[derive(Debug)]
pub struct SurfaceError(String);

impl std::fmt::Display for SurfaceError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for SurfaceError {}

/// A backend's result with its error in words: `words` makes them from the backend's own
/// error. (The SVG backend's is an `io::Error`, which can only come from a file and whose
/// `Display` brought every I/O error's name into the page.)
fn lift<T, E: std::error::Error + Send + Sync>(
    r: Result<T, plotters_backend::DrawingErrorKind<E>>,
    words: impl FnOnce(E) -> String,
) -> Result<T, DrawingErrorKind> {
    use plotters_backend::DrawingErrorKind as K;
    r.map_err(|e| match e {
        K::DrawingError(e) => K::DrawingError(SurfaceError(words(e))),
        K::FontError(e) => K::FontError(e),
    })
}

/// Calls the same method on whichever backend this is.
macro_rules! each {
    ($self:expr, $b:ident => $call:expr) => {
        match $self {
            Surface::Canvas($b) => lift($call, |e| e.to_string()),
            Surface::Svg($b) => lift($call, |_| "the SVG could not be written".to_string()),
        }
    };
}

impl DrawingBackend for Surface<'_> {
    type ErrorType = SurfaceError;

    fn get_size(&self) -> (u32, u32) {
        match self {
            Surface::Canvas(b) => b.get_size(),
            Surface::Svg(b) => b.get_size(),
        }
    }

    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind> {
        each!(self, b => b.ensure_prepared())
    }

    fn present(&mut self) -> Result<(), DrawingErrorKind> {
        each!(self, b => b.present())
    }

    fn draw_pixel(
        &mut self,
        point: BackendCoord,
        color: BackendColor,
    ) -> Result<(), DrawingErrorKind> {
        each!(self, b => b.draw_pixel(point, color))
    }

    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Result<(), DrawingErrorKind> {
        each!(self, b => b.draw_line(from, to, style))
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind> {
        each!(self, b => b.draw_rect(upper_left, bottom_right, style, fill))
    }

    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind> {
        each!(self, b => b.draw_path(path, style))
    }

    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind> {
        each!(self, b => b.draw_circle(center, radius, style, fill))
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vert: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind> {
        each!(self, b => b.fill_polygon(vert, style))
    }

    fn draw_text<S: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &S,
        pos: BackendCoord,
    ) -> Result<(), DrawingErrorKind> {
        each!(self, b => b.draw_text(text, style, pos))
    }

    fn estimate_text_size<S: BackendTextStyle>(
        &self,
        text: &str,
        style: &S,
    ) -> Result<(u32, u32), DrawingErrorKind> {
        each!(self, b => b.estimate_text_size(text, style))
    }

    fn blit_bitmap(
        &mut self,
        pos: BackendCoord,
        size: (u32, u32),
        src: &[u8],
    ) -> Result<(), DrawingErrorKind> {
        each!(self, b => b.blit_bitmap(pos, size, src))
    }
}
