//! Training in animation frames: one time-boxed piece of work per frame, then its drawing.

use super::{now, State, BUDGET_MS};
use crate::network_run::{Run, Work};
use crate::network_summary::Activity;
use crate::web::animation::FrameLoop;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsValue;

pub(super) type Shared = Rc<RefCell<State>>;

/// Starts the frame loop; it holds the panel weakly, so removing the panel ends it.
pub(super) fn schedule(rc: &Shared) -> FrameLoop {
    let weak = Rc::downgrade(rc);
    FrameLoop::start(move |_| weak.upgrade().map(|rc| frame(&rc)).unwrap_or(false))
}

/// One animation frame: one piece of work, then the drawing it calls for. Returns whether
/// another frame is wanted.
fn frame(rc: &Shared) -> bool {
    let mut s = rc.borrow_mut();
    let t0 = now();
    if s.started_ms.is_none() {
        s.started_ms = Some(t0);
    }
    let rendering = s.full_render_due;
    let result = step(&mut s);
    let dt = now() - t0;
    if dt > s.max_frame_ms {
        s.max_frame_ms = dt;
        let kind = if rendering {
            "drawing every chart"
        } else {
            s.last_work
        };
        let _ = s.view.host.set_attribute("data-slowest-frame", kind);
    }
    let go = match result {
        Ok(go) => go,
        Err(e) => {
            crate::web::report(Err(e));
            false
        }
    };
    let finished_compare = s.comparison.as_ref().map(|c| !c.active).unwrap_or(true);
    if !go {
        // The loop ends with this frame; a later Train starts a new one.
        s.running = None;
        if s.activity == Activity::Training && finished_compare {
            s.activity = Activity::Finished;
        }
    }
    if let Some(t) = s.started_ms {
        if !go {
            let _ = s
                .view
                .host
                .set_attribute("data-run-ms", &format!("{:.0}", now() - t));
        }
    }
    crate::web::report(s.render_status());
    go
}

/// Does this frame's work; returns whether another frame is needed.
pub(super) fn step(s: &mut State) -> Result<bool, JsValue> {
    if s.full_render_due {
        s.full_render_due = false;
        s.render_all()?;
        let more = match &s.comparison {
            Some(c) if c.active => true,
            _ => s.activity == Activity::Training && !s.run.is_finished(),
        };
        return Ok(more);
    }
    let mut clock = now;
    if let Some(c) = s.comparison.as_mut().filter(|c| c.active) {
        let Some((_, run)) = c.runs.get_mut(c.current) else {
            c.active = false;
            s.full_render_due = false;
            s.render_compare()?;
            return Ok(false);
        };
        let w = run.work(BUDGET_MS, &mut clock);
        let data = run.data().cloned();
        let params = run.params.clone();
        if run.is_finished() {
            c.current += 1;
            if c.current >= c.runs.len() {
                c.active = false;
            } else if let Some((_, next)) = c.runs.get_mut(c.current) {
                // Every preset trains on the same data.
                if next.data().is_none() {
                    *next = Run::new(next.params.clone(), data.clone());
                }
            }
        }
        let active = c.active;
        s.remember_data(&params, data.as_ref());
        if matches!(w, Work::Epoch(_) | Work::Initial) || !active {
            s.render_compare()?;
        }
        return Ok(active);
    }
    if s.activity != Activity::Training {
        return Ok(false);
    }
    let w = s.run.work(BUDGET_MS, &mut clock);
    s.last_work = match w {
        Work::GeneratedData => "generating data",
        Work::BuiltNetwork => "building the network",
        Work::Initial => "statistics at initialization",
        Work::Evaluating(_) => "part of the statistics",
        Work::Trained(_) => "training steps and the loss chart",
        Work::Epoch(_) => "epoch statistics",
        Work::Done | Work::Failed => "finishing",
    };
    let params = s.params.clone();
    let data = s.run.data().cloned();
    s.remember_data(&params, data.as_ref());
    match w {
        Work::Trained(_) => {
            s.frames_trained = s.frames_trained.wrapping_add(1);
            if s.frames_trained
                .is_multiple_of(crate::web::frames_per_redraw())
            {
                s.render_loss()?;
            }
            Ok(true)
        }
        Work::GeneratedData | Work::BuiltNetwork | Work::Evaluating(_) => Ok(true),
        Work::Initial | Work::Epoch(_) => {
            s.full_render_due = true;
            Ok(true)
        }
        Work::Done => {
            s.activity = Activity::Finished;
            s.render_all()?;
            Ok(false)
        }
        Work::Failed => {
            s.activity = Activity::Finished;
            s.render_all()?;
            Ok(false)
        }
    }
}

pub(super) fn start(rc: &Shared, s: &mut State) {
    s.activity = Activity::Training;
    if s.running.is_none() {
        s.running = Some(schedule(rc));
    }
}
