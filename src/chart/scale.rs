//! Axis ranges and tick labels that hold for numbers of any size.
//!
//! A learner's own data brings targets in degrees, dollars or nanometres, so a chart's range
//! comes from the numbers it is given, never from bounds written for seed 002 (a `clamp`
//! between a computed floor and a fixed ceiling panics once the floor passes the ceiling).
//! Every function here returns finite ends with a width plotters can divide by.

use crate::spec::format_sig;

/// The largest magnitude an axis end may have: beyond it, plotters' mapping from value to
/// pixel (a difference times a pixel count) could overflow.
pub const LIMIT: f64 = 1e300;

/// A range that holds `lo..hi` and has a positive width: a degenerate one (a constant, or
/// a single value) is widened by a tenth of its size around it (±1 around 0); non-finite
/// ends are replaced by the finite one, or by 0.
pub fn span(lo: f64, hi: f64) -> (f64, f64) {
    let (lo, hi) = match (lo.is_finite(), hi.is_finite()) {
        (true, true) => (lo.min(hi), lo.max(hi)),
        (true, false) => (lo, lo),
        (false, true) => (hi, hi),
        (false, false) => (0.0, 0.0),
    };
    let (lo, hi) = (lo.clamp(-LIMIT, LIMIT), hi.clamp(-LIMIT, LIMIT));
    let size = lo.abs().max(hi.abs());
    // Wide enough when the ends differ in more than their last few digits.
    if hi - lo > size * 1e-9 {
        return (lo, hi);
    }
    let centre = lo / 2.0 + hi / 2.0;
    let half = if size == 0.0 { 1.0 } else { size * 0.1 };
    (centre - half, centre + half)
}

/// The top of a loss axis that starts at 0: above the dead line `dead_line` by `headroom`
/// (so its label stays clear of a curve flat on it), above the losses, but no higher than
/// `ceiling` times the larger of the dead line and the losses' median, so one exploding
/// epoch does not flatten the rest. Always finite and positive.
pub fn loss_top(dead_line: f64, losses: &[f64], headroom: f64, ceiling: f64) -> f64 {
    let mut finite: Vec<f64> = losses
        .iter()
        .copied()
        .filter(|v| v.is_finite() && *v >= 0.0)
        .map(|v| v.min(LIMIT))
        .collect();
    finite.sort_unstable_by(f64::total_cmp);
    let dead = if dead_line.is_finite() && dead_line > 0.0 {
        dead_line.min(LIMIT)
    } else {
        0.0
    };
    let median = finite.get(finite.len() / 2).copied().unwrap_or(0.0);
    let largest = finite.last().copied().unwrap_or(0.0);
    let floor = dead * headroom;
    let cap = (dead.max(median) * ceiling).max(floor);
    let top = (largest * 1.08).max(floor).min(cap);
    if top.is_finite() && top > f64::MIN_POSITIVE * 1e10 {
        top.min(LIMIT)
    } else if largest > 0.0 {
        largest.min(LIMIT) * 1.08
    } else {
        1.0
    }
}

/// A tick label for `v` on an axis `span` wide: as many significant digits as tell the
/// ticks apart (at least 2), and "0" for a value that is 0 but for rounding.
pub fn tick(v: f64, span: f64) -> String {
    if !v.is_finite() {
        return format_sig(v, 3);
    }
    let span = span.abs();
    if span > 0.0 && v.abs() < span * 1e-6 {
        return "0".into();
    }
    let digits = if span > 0.0 && span.is_finite() && v != 0.0 {
        let d = (v.abs() / span).log10().ceil() + 2.0;
        if d.is_finite() {
            d.clamp(2.0, 12.0) as usize
        } else {
            3
        }
    } else {
        3
    };
    format_sig(v, digits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_constant_gets_a_range_of_its_own_size() {
        assert_eq!(span(0.0, 0.0), (-1.0, 1.0));
        let (lo, hi) = span(2e5, 2e5);
        assert!(lo < 2e5 && hi > 2e5 && (hi - lo - 4e4).abs() < 1e-6);
        let (lo, hi) = span(1e-12, 1e-12);
        assert!(lo < 1e-12 && hi > 1e-12 && hi - lo < 1e-12);
        assert_eq!(span(3.0, 1.0), (1.0, 3.0));
        assert_eq!(span(f64::NAN, 5.0), (4.5, 5.5));
        assert_eq!(span(f64::NEG_INFINITY, f64::INFINITY), (-1.0, 1.0));
    }

    #[test]
    fn the_loss_top_follows_the_dead_line_at_every_scale() {
        // Seed 002: dead line 13/3, losses near it: the old 7.8 floor.
        let top = loss_top(13.0 / 3.0, &[4.4, 4.35, 4.34], 1.8, 14.0);
        assert!((top - 7.8).abs() < 1e-9, "{top}");
        // A target in dollars: E[y²] about 5e10 (the old code panicked here).
        let top = loss_top(5e10, &[6e10, 5.1e10], 1.8, 14.0);
        assert!((top - 9e10).abs() < 1.0, "{top}");
        // One exploding epoch does not flatten the others.
        let top = loss_top(1.0, &[1.0, 1.0, 1e30], 1.8, 14.0);
        assert_eq!(top, 14.0);
        // No dead line (a target of zeros) and no losses.
        assert_eq!(loss_top(0.0, &[], 1.8, 14.0), 1.0);
        assert!(loss_top(0.0, &[1e-20], 1.8, 14.0) > 1e-20);
        assert!(loss_top(f64::NAN, &[f64::INFINITY, 2.0], 1.8, 14.0) > 2.0);
    }

    #[test]
    fn ticks_say_as_much_as_tells_them_apart() {
        assert_eq!(tick(0.5, 1.0), "0.5");
        assert_eq!(tick(1e-17, 1.0), "0");
        assert_eq!(tick(250000.0, 100000.0), "250000");
        assert_eq!(tick(2e-12, 1e-12), "2.00e-12");
        assert_eq!(tick(200000.5, 1.0), "200000.5");
    }
}
