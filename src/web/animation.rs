//! A loop of animation frames that stops when its handle is dropped or its tick says so.

use gloo_render::{request_animation_frame, AnimationFrame};
use std::cell::{Cell, RefCell};
use std::rc::Rc;

thread_local! {
    static LIVE: Cell<usize> = const { Cell::new(0) };
}

/// How many frame loops exist now: a removed panel must leave none behind.
pub fn live_frame_loops() -> usize {
    LIVE.with(Cell::get)
}

/// How many frames a run's loop starts with that draw no chart. When the page commits in
/// frame after frame, Chromium (software compositing, as in headless tests) gives every
/// painted canvas a new buffer in each of the first two such frames (6-20 ms per canvas at
/// 2x), so a chart drawn there would push those frames past 50 ms.
pub const WARM_UP_FRAMES: u32 = 2;

/// Runs `tick` once per animation frame while it returns true. Dropping the handle cancels the
/// pending frame, so a panel that pauses or goes away leaves nothing running.
pub struct FrameLoop {
    /// Only held: dropping it cancels the pending frame.
    _slot: Rc<RefCell<Option<AnimationFrame>>>,
}

type Tick = Rc<RefCell<dyn FnMut(f64) -> bool>>;

impl FrameLoop {
    pub fn start(tick: impl FnMut(f64) -> bool + 'static) -> Self {
        let slot = Rc::new(RefCell::new(None));
        let tick: Tick = Rc::new(RefCell::new(tick));
        schedule(&slot, tick);
        LIVE.with(|n| n.set(n.get() + 1));
        FrameLoop { _slot: slot }
    }
}

impl Drop for FrameLoop {
    fn drop(&mut self) {
        LIVE.with(|n| n.set(n.get().saturating_sub(1)));
    }
}

fn schedule(slot: &Rc<RefCell<Option<AnimationFrame>>>, tick: Tick) {
    // The frame's callback holds only a weak link to the slot: dropping the FrameLoop frees
    // everything, with no cycle left behind.
    let weak = Rc::downgrade(slot);
    let frame = request_animation_frame(move |time| {
        let Some(slot) = weak.upgrade() else { return };
        let go = (tick.borrow_mut())(time);
        if go {
            schedule(&slot, tick);
        } else {
            // gloo has already taken this frame's callback, so dropping its handle is safe.
            slot.borrow_mut().take();
        }
    });
    *slot.borrow_mut() = Some(frame);
}
