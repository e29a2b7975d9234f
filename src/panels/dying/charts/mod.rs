//! The panel's two charts, generic over plotters' backends (a canvas in the page, SVG in the
//! native tests).

// A learner's numbers must never stop the page: no unwrap, no expect (tests/code_rules.rs).
#![deny(clippy::unwrap_used, clippy::expect_used)]

pub mod born_curves;
pub mod phase_map;

use crate::chart::Theme;
use plotters::style::RGBColor;

/// The loss view's colour for t in [0, 1] of its log scale: the same two-sided palette as
/// [`dead_share`] (the alive blue at 0, the dead vermillion at 1, Okabe–Ito, safe for
/// colour-blind readers), so a cell at the scale's midpoint is pale, never the background
/// and never a hole in the map.
pub fn diverging(theme: &Theme, t: f64) -> RGBColor {
    dead_share(theme, t)
}

/// The colour of a share of dead hidden units: the alive blue at 0, the dead vermillion at 1,
/// paler towards 50 %, but never the background. A cell at exactly 50 % must not look like a
/// hole in the map, and the step from pale blue to pale vermillion at 50 % (more than half
/// dead, where the contour runs) shows the border at a glance.
pub fn dead_share(theme: &Theme, share: f64) -> RGBColor {
    const PALEST: f64 = 0.2;
    let share = if share.is_finite() {
        share.clamp(0.0, 1.0)
    } else {
        0.5
    };
    if share <= 0.5 {
        theme.tint(theme.primary, PALEST + (1.0 - PALEST) * (1.0 - 2.0 * share))
    } else {
        theme.tint(theme.dead, PALEST + (1.0 - PALEST) * (2.0 * share - 1.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dead_share_is_never_the_background_and_changes_side_above_half() {
        for theme in [Theme::light(1.0), Theme::dark(1.0)] {
            for k in 0..=100 {
                assert_ne!(
                    dead_share(&theme, k as f64 / 100.0),
                    theme.background,
                    "{k} %"
                );
            }
            assert_eq!(dead_share(&theme, 0.0), theme.primary);
            assert_eq!(dead_share(&theme, 1.0), theme.dead);
            // Exactly half is not "mostly dead": it stays on the alive side.
            let half = dead_share(&theme, 0.5);
            assert_eq!(half, theme.tint(theme.primary, 0.2));
            assert_eq!(dead_share(&theme, 0.51), theme.tint(theme.dead, 0.216));
        }
    }

    #[test]
    fn the_loss_view_has_no_background_coloured_cell_either() {
        for theme in [Theme::light(1.0), Theme::dark(1.0)] {
            for k in 0..=100 {
                let c = diverging(&theme, k as f64 / 100.0);
                assert_ne!(c, theme.background, "{k} % of the loss scale");
            }
            assert_ne!(diverging(&theme, f64::NAN), theme.background);
        }
    }
}
