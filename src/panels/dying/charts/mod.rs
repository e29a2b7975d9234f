//! The panel's two charts, generic over plotters' backends (a canvas in the page, SVG in the
//! native tests).

pub mod born_curves;
pub mod phase_map;

use crate::chart::Theme;
use plotters::style::RGBColor;

/// The map's colour for t in [0, 1]: the alive blue at 0, the background at ½, the dead
/// vermillion at 1 (Okabe–Ito, safe for colour-blind readers; the 50 % contour and the
/// legend's words carry the border too).
pub fn diverging(theme: &Theme, t: f64) -> RGBColor {
    let t = if t.is_finite() {
        t.clamp(0.0, 1.0)
    } else {
        0.5
    };
    if t < 0.5 {
        theme.tint(theme.primary, 1.0 - 2.0 * t)
    } else {
        theme.tint(theme.dead, 2.0 * t - 1.0)
    }
}
