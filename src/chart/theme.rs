//! Colours, fonts and sizes shared by every chart, so a colour means one thing everywhere.
//!
//! The palette is Okabe–Ito (safe for colour-blind readers): blue and bluish green for an
//! open gate and a flowing gradient, vermillion for a dead side or a zero gradient, grey for
//! neutral data. Every size is in CSS pixels times `scale` (the device pixel ratio), because
//! the canvas backing store is in device pixels.

use plotters::style::{Color, FontFamily, RGBColor, TextStyle};

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Theme {
    pub background: RGBColor,
    pub foreground: RGBColor,
    pub grid: RGBColor,
    /// f(x), alive units, open gates.
    pub primary: RGBColor,
    /// f'(x), gradients that flow.
    pub secondary: RGBColor,
    /// Dead side, zero gradient, dead units.
    pub dead: RGBColor,
    /// Neutral data such as histograms of inputs.
    pub neutral: RGBColor,
    /// Device pixels per CSS pixel.
    pub scale: f64,
    /// A narrow canvas (a phone): charts shorten captions and legends.
    pub compact: bool,
}

impl Theme {
    pub fn light(scale: f64) -> Self {
        Theme {
            background: RGBColor(255, 255, 255),
            foreground: RGBColor(34, 34, 34),
            grid: RGBColor(225, 225, 225),
            primary: RGBColor(0, 114, 178),
            secondary: RGBColor(0, 158, 115),
            dead: RGBColor(213, 94, 0),
            neutral: RGBColor(120, 120, 120),
            scale: sane_scale(scale),
            compact: false,
        }
    }

    pub fn dark(scale: f64) -> Self {
        Theme {
            background: RGBColor(24, 26, 30),
            foreground: RGBColor(232, 232, 232),
            grid: RGBColor(60, 63, 70),
            primary: RGBColor(86, 180, 233),
            secondary: RGBColor(0, 190, 140),
            dead: RGBColor(240, 120, 40),
            neutral: RGBColor(160, 160, 160),
            scale: sane_scale(scale),
            compact: false,
        }
    }

    /// The same theme for a narrow canvas.
    pub fn compact(self, compact: bool) -> Self {
        Theme { compact, ..self }
    }

    /// `color` laid over the background at `alpha`, as an opaque colour: lines drawn under it
    /// stay hidden, unlike with a translucent fill.
    pub fn tint(&self, color: RGBColor, alpha: f64) -> RGBColor {
        let mix = |c: u8, b: u8| (alpha * c as f64 + (1.0 - alpha) * b as f64).round() as u8;
        let bg = self.background;
        RGBColor(mix(color.0, bg.0), mix(color.1, bg.1), mix(color.2, bg.2))
    }

    /// A length in CSS pixels, in device pixels.
    pub fn px(&self, css: f64) -> u32 {
        (css * self.scale).round().max(1.0) as u32
    }

    /// Text at `css` pixels (never below 12 CSS px, the legibility floor).
    pub fn font(&self, css: f64) -> TextStyle<'static> {
        self.font_colored(css, self.foreground)
    }

    pub fn font_colored(&self, css: f64, color: RGBColor) -> TextStyle<'static> {
        let size = css.max(12.0) * self.scale;
        let mut style = TextStyle::from((FontFamily::SansSerif, size));
        style.color = color.to_backend_color();
        style
    }
}

fn sane_scale(scale: f64) -> f64 {
    if scale.is_finite() {
        scale.clamp(0.5, 4.0)
    } else {
        1.0
    }
}
