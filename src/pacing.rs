//! How much work an animation frame may do: a budget that follows the display.
//!
//! A fixed 8 ms a frame kept a 60 Hz page smooth but left half of every frame idle, and on a
//! 120 Hz display (8.3 ms a frame) it was already too much. [`FrameBudget`] reads the time
//! between frames instead: while frames arrive on time the budget grows, a step at a time, up
//! to three quarters of the display's period (the rest is the page's drawing and the
//! browser's rendering); a late frame (a frame dropped) cuts it by a quarter at once.

/// The budget of a run's first frame, and of any frame after an unusable timestamp.
pub const START_MS: f64 = 8.0;
/// Never less: below this a frame's fixed costs would dominate its work.
pub const MIN_MS: f64 = 4.0;
/// Never more, whatever the display: a task stays far from the 50 ms of a long task.
pub const MAX_MS: f64 = 12.0;
/// The share of a display period the work may take.
pub const SHARE: f64 = 0.75;
/// Growth per on-time frame (about a quarter of a second from 8 to 12 ms at 60 Hz).
const STEP_MS: f64 = 0.25;
/// A frame this many display periods after the one before was late.
const LATE: f64 = 1.5;
/// The display period assumed until frames show it (60 Hz).
const PERIOD_MS: f64 = 1000.0 / 60.0;

/// Adapts the work per animation frame to how frames actually arrive.
#[derive(Clone, Debug)]
pub struct FrameBudget {
    budget: f64,
    last: Option<f64>,
    /// The display's period: the shortest time seen between two frames.
    period: f64,
}

impl Default for FrameBudget {
    fn default() -> Self {
        FrameBudget {
            budget: START_MS,
            last: None,
            period: PERIOD_MS,
        }
    }
}

impl FrameBudget {
    /// The budget for the frame whose `requestAnimationFrame` timestamp is `frame_ms`.
    pub fn next(&mut self, frame_ms: f64) -> f64 {
        let gap = self.last.map(|last| frame_ms - last);
        self.last = frame_ms.is_finite().then_some(frame_ms);
        match gap {
            // A frame every 4 ms or more (a 250 Hz display at most) is a plausible period.
            Some(gap) if gap.is_finite() && gap >= 4.0 => {
                self.period = self.period.min(gap);
                let cap = (SHARE * self.period).clamp(MIN_MS, MAX_MS);
                self.budget = if gap > LATE * self.period {
                    self.budget * 0.75
                } else {
                    self.budget + STEP_MS
                }
                .clamp(MIN_MS, cap);
            }
            // The first frame, two callbacks in one frame, or a clock gone wrong: no news.
            _ => {}
        }
        self.budget
    }

    /// The budget the next frame would get if it came on time (for reports).
    pub fn current(&self) -> f64 {
        self.budget
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The budgets for frames at these times.
    fn budgets(times: impl IntoIterator<Item = f64>) -> Vec<f64> {
        let mut b = FrameBudget::default();
        times.into_iter().map(|t| b.next(t)).collect()
    }

    #[test]
    fn on_time_frames_at_60_hz_grow_the_budget_to_its_cap() {
        let got = budgets((0..100).map(|i| i as f64 * PERIOD_MS));
        assert_eq!(got[0], START_MS);
        assert!(got.windows(2).all(|w| w[1] >= w[0]), "never shrinks");
        assert_eq!(got[1], START_MS + STEP_MS);
        assert_eq!(
            *got.last().unwrap(),
            MAX_MS,
            "0.75 × 16.7 = 12.5, capped at 12"
        );
    }

    #[test]
    fn a_dropped_frame_cuts_the_budget_by_a_quarter() {
        let mut b = FrameBudget::default();
        let mut t = 0.0;
        for _ in 0..40 {
            b.next(t);
            t += PERIOD_MS;
        }
        let before = b.current();
        t += PERIOD_MS; // one frame skipped: this one comes two periods after the last
        assert_eq!(b.next(t), before * 0.75);
        // Steady late frames bring it down to the floor, never below.
        for _ in 0..40 {
            t += 3.0 * PERIOD_MS;
            assert!(b.next(t) >= MIN_MS);
        }
        assert_eq!(b.current(), MIN_MS);
    }

    #[test]
    fn a_120_hz_display_gets_three_quarters_of_its_shorter_frames() {
        let period = 1000.0 / 120.0;
        let got = budgets((0..100).map(|i| i as f64 * period));
        let cap = SHARE * period;
        assert!(got.iter().skip(1).all(|&b| b <= cap + 1e-12), "{got:?}");
        assert!((got.last().unwrap() - cap).abs() < 1e-12);
    }

    #[test]
    fn unusable_timestamps_leave_the_budget_as_it_was() {
        let mut b = FrameBudget::default();
        for t in [0.0, 16.7, 33.4] {
            b.next(t);
        }
        let kept = b.current();
        for t in [f64::NAN, f64::INFINITY, 10.0, 10.0, 11.0, f64::NEG_INFINITY] {
            let got = b.next(t);
            assert!((MIN_MS..=MAX_MS).contains(&got), "{t}: {got}");
        }
        // Time running backwards or stalling is no news; NaN and ∞ reset the reference.
        assert_eq!(b.current(), kept);
    }
}
