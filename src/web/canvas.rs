//! Canvases that stay crisp: the backing store is the CSS size times devicePixelRatio, and
//! charts get a theme whose sizes are scaled by the same ratio.

use super::text_canvas::PageBackend;
use crate::chart::{Area, ChartResult, Theme};
use plotters::prelude::IntoDrawingArea;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Document, HtmlCanvasElement, HtmlElement};

/// Below this CSS width a canvas counts as narrow (phones, narrow embeds).
pub(crate) const NARROW_CSS_PX: f64 = 560.0;

/// A chart canvas with its height as a fraction of its width.
pub struct ChartCanvas {
    pub canvas: HtmlCanvasElement,
    aspect: f64,
    /// Height over width on a narrow screen; by default 1.6 × `aspect`, within 0.9 to 1.6.
    narrow_aspect: f64,
}

impl ChartCanvas {
    pub fn new(doc: &Document, label: &str, aspect: f64) -> Result<Self, JsValue> {
        let canvas: HtmlCanvasElement = doc.create_element("canvas")?.dyn_into()?;
        canvas.set_attribute("role", "img")?;
        canvas.set_attribute("aria-label", label)?;
        // Inline, so an embed without our stylesheet still gets a canvas that fills its column.
        canvas.style().set_property("width", "100%")?;
        canvas.style().set_property("display", "block")?;
        Ok(ChartCanvas {
            canvas,
            aspect,
            narrow_aspect: (aspect * 1.6).clamp(0.9, 1.6),
        })
    }

    /// A different shape on phones, for a chart whose legend needs the room.
    pub fn with_narrow_aspect(mut self, aspect: f64) -> Self {
        self.narrow_aspect = aspect;
        self
    }

    /// The canvas's laid-out CSS width, 0 if it has none. A panel off screen is not laid out
    /// (`content-visibility: auto`, www/style.css) and Chromium then sometimes reads 0: its
    /// panel is laid out for this one reading and left to be skipped again (nothing is
    /// painted in between).
    fn laid_out_width(&self) -> i32 {
        let w = self.canvas.client_width();
        if w > 0 {
            return w;
        }
        let Some(panel) = self
            .canvas
            .closest(".panel")
            .ok()
            .flatten()
            .and_then(|p| p.dyn_into::<HtmlElement>().ok())
        else {
            return w;
        };
        let style = panel.style();
        let _ = style.set_property("content-visibility", "visible");
        let w = self.canvas.client_width();
        let _ = style.remove_property("content-visibility");
        w
    }

    /// Sizes the backing store to the laid-out width, and returns the theme to draw with.
    fn fit(&self) -> Theme {
        let ratio = web_sys::window()
            .map(|w| w.device_pixel_ratio())
            .unwrap_or(1.0);
        let css_w = match self.laid_out_width() {
            w if w > 0 => w as f64,
            _ => 640.0, // not laid out (hidden or detached): draw at a sensible size
        };
        // A phone's column is narrow: charts grow taller so labels keep their room.
        let narrow = css_w < NARROW_CSS_PX;
        let aspect = if narrow {
            self.narrow_aspect
        } else {
            self.aspect
        };
        let css_h = (css_w * aspect).round();
        let (w, h) = (
            (css_w * ratio).round() as u32,
            (css_h * ratio).round() as u32,
        );
        if self.canvas.width() != w || self.canvas.height() != h {
            self.canvas.set_width(w);
            self.canvas.set_height(h);
        }
        // The CSS height keeps the aspect ratio even before the stylesheet loads.
        // Written only when it changes: a write makes the next chart's layout read force a
        // fresh layout of the whole page.
        let height = format!("{css_h}px");
        let style = self.canvas.style();
        if style.get_property_value("height").ok().as_deref() != Some(height.as_str()) {
            let _ = style.set_property("height", &height);
        }
        let dark = super::media_matches("(prefers-color-scheme: dark)");
        let theme = if dark {
            Theme::dark(ratio)
        } else {
            Theme::light(ratio)
        };
        theme.compact(narrow)
    }

    /// Sizes the backing store for the screen without drawing (a chart drawn a frame later
    /// is then already the right size).
    pub fn fit_size(&self) {
        self.fit();
    }

    /// Draws a chart. A failure is returned as a message, never a panic.
    pub fn draw<F>(&self, chart: F) -> Result<(), JsValue>
    where
        F: FnOnce(&Area<'_, PageBackend<'static>>, &Theme) -> ChartResult<PageBackend<'static>>,
    {
        let theme = self.fit();
        let backend = PageBackend::new(self.canvas.clone())
            .ok_or_else(|| JsValue::from_str("this browser gave no 2D canvas context"))?;
        let root = backend.into_drawing_area();
        chart(&root, &theme)
            .map_err(|e| JsValue::from_str(&format!("chart drawing failed: {e}")))?;
        root.present()
            .map_err(|e| JsValue::from_str(&format!("chart drawing failed: {e}")))
    }
}
