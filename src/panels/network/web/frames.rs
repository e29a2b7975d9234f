//! Training in animation frames: one time-boxed piece of work per frame, then its drawing.

use super::{Mounted, Shared};
use crate::panels::network::state::{Activity, Redraw};
use crate::web::animation::{FrameLoop, WARM_UP_FRAMES};
use crate::web::{frames_per_redraw, now, report};
use gloo_timers::callback::Timeout;
use std::cell::RefCell;
use std::rc::{Rc, Weak};

/// Starts the frame loop; it holds the panel weakly, so removing the panel ends it.
pub(super) fn schedule(rc: &Shared) -> FrameLoop {
    let weak = Rc::downgrade(rc);
    let mut n = 0u32;
    FrameLoop::start(move |time| {
        n = n.saturating_add(1);
        weak.upgrade().is_some_and(|rc| {
            let mut m = rc.borrow_mut();
            let budget = m.pace.next(time);
            if m.state.wants_frames() || m.pending.is_empty() {
                frame(&mut m, n, budget)
            } else {
                draw_after_frame(&weak, &mut m);
                true
            }
        })
    })
}

/// While the panel is idle (after its mount or a run's statistics), a chart still due is drawn
/// in a task right after this frame rather than inside it: the frame then only presents the
/// canvas drawn after the frame before, and a chart's drawing and Chromium's copy of the
/// canvas it changed (15-30 ms each on these machines) no longer add up in one task.
fn draw_after_frame(weak: &Weak<RefCell<Mounted>>, m: &mut Mounted) {
    let weak = weak.clone();
    m.drawing = Some(Timeout::new(0, move || {
        let Some(rc) = weak.upgrade() else { return };
        let Ok(mut m) = rc.try_borrow_mut() else {
            return;
        };
        m.drawing = None;
        if !m.state.wants_frames() {
            report(
                "Drawing a chart of “A small network”",
                m.draw_next_pending().map(|_| ()),
            );
        }
    }));
}

/// One animation frame (the `n`th of its loop): one piece of work of about `budget_ms`, then
/// the drawing it calls for. Returns whether another frame is wanted.
fn frame(m: &mut Mounted, n: u32, budget_ms: f64) -> bool {
    let t0 = now();
    // A run's first frames work and write the status but draw no chart (see WARM_UP_FRAMES).
    let warming = n <= WARM_UP_FRAMES && m.state.wants_frames();
    // A chart still due takes this frame; the work waits for the next.
    let pending = if warming {
        Ok(false)
    } else {
        m.draw_next_pending()
    };
    let (drew, redraw) = match pending {
        Ok(true) => (true, Redraw::Nothing),
        other => {
            report("Training “A small network”", other.map(|_| ()));
            let mut clock = now;
            let r = m.state.frame(budget_ms, &mut clock, frames_per_redraw());
            let shown = match r {
                Redraw::Loss if warming => Redraw::Status,
                r => r,
            };
            report("Drawing “A small network”", m.redraw(shown));
            (false, r)
        }
    };
    // Statistics arrived: everything is drawn in the next frames, which must come.
    let go = m.state.wants_frames() || redraw == Redraw::Status || !m.pending.is_empty();
    let dt = now() - t0;
    // Frame timings belong to a run (Train, One epoch, Compare), not to late chart drawing.
    if m.started_ms.is_some() && dt > m.max_frame_ms {
        m.max_frame_ms = dt;
        let kind = if drew {
            "drawing a chart"
        } else if redraw == Redraw::All {
            "drawing the status and the loss"
        } else {
            m.state.last_work
        };
        let _ = m.view.host.set_attribute("data-slowest-frame", kind);
    }
    if !go {
        // The loop ends with this frame; a later Train starts a new one.
        m.running = None;
        if let Some(t) = m.started_ms.take() {
            let _ = m
                .view
                .host
                .set_attribute("data-run-ms", &format!("{:.0}", now() - t));
        }
    }
    if m.state.activity == Activity::Training || !go {
        report("Showing the training status", m.render_status());
    }
    go
}
