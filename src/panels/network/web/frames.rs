//! Training in animation frames: one time-boxed piece of work per frame, then its drawing.

use super::{Mounted, Shared};
use crate::panels::network::state::{Activity, Redraw};
use crate::web::animation::{FrameLoop, WARM_UP_FRAMES};
use crate::web::{frames_per_redraw, now, report};
use gloo_timers::callback::Timeout;
use std::cell::RefCell;
use std::rc::{Rc, Weak};

/// While a run trains, its loss chart and its words are rewritten at most this often (ms). Each
/// rewrite changes the page, and Chromium's software compositor then copies every canvas of
/// every panel on screen again in that frame (0.5-1 ms each, the unchanged ones too): a status
/// rewritten every frame held the main thread 10-20 ms of each frame, 50-80 ms beside a busy
/// process. Epochs, pauses and the run's end are drawn when they happen.
pub(super) const TEXT_GAP_MS: f64 = 200.0;

/// Starts the frame loop; it holds the panel weakly, so removing the panel ends it.
pub(super) fn schedule(rc: &Shared) -> FrameLoop {
    let weak = Rc::downgrade(rc);
    let mut n = 0u32;
    FrameLoop::start(move |time| {
        n = n.saturating_add(1);
        weak.upgrade().is_some_and(|rc| {
            let mut m = rc.borrow_mut();
            let budget = m.pace.next(time);
            // With the training in a worker, a chart is always drawn in a task after the
            // frame: the frame's own task then holds only Chromium's copy of the canvas drawn
            // before (15-30 ms at 2x), never that and a drawing together.
            let elsewhere = !m.state.trains_here();
            if !m.pending.is_empty() && (elsewhere || !m.state.wants_frames()) {
                if m.drawing.is_none() {
                    draw_after_frame(&weak, &mut m);
                }
                if !elsewhere {
                    return true;
                }
            }
            frame(&mut m, n, budget)
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
        if !m.state.wants_frames() || !m.state.trains_here() {
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
    // A chart still due takes this frame; the work waits for the next (with the work in a
    // worker, charts are drawn after the frame instead: see `schedule`).
    let pending = if warming || !m.state.trains_here() {
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
            let recent = t0 - m.text_drawn_ms < TEXT_GAP_MS;
            let wanted = std::mem::replace(&mut m.owed, Redraw::Nothing).and(r);
            let shown = match wanted {
                Redraw::Loss if warming => Redraw::Status,
                // Progress comes every frame, a comparison's epochs every few: shown a few
                // times a second (see TEXT_GAP_MS), the rest owed to a later frame.
                w @ (Redraw::Loss | Redraw::Status | Redraw::Compare)
                    if recent && m.state.wants_frames() =>
                {
                    m.owed = w;
                    Redraw::Nothing
                }
                w => w,
            };
            if shown != Redraw::Nothing {
                m.text_drawn_ms = t0;
            }
            report("Drawing “A small network”", m.redraw(shown));
            (false, r)
        }
    };
    // Statistics arrived: everything is drawn in the next frames, which must come.
    let go = m.state.wants_frames()
        || redraw == Redraw::Status
        || !m.pending.is_empty()
        || m.owed != Redraw::Nothing;
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
    let due = t0 - m.text_drawn_ms >= TEXT_GAP_MS;
    if (m.state.activity == Activity::Training && due) || !go {
        m.text_drawn_ms = t0;
        report("Showing the training status", m.render_status());
    }
    go
}
