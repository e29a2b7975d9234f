//! Dropping a file on an element: the panels that read a learner's file (own data, a
//! dead-unit report) share one drop target, so the browser never opens the file instead.

use gloo_events::{EventListener, EventListenerOptions};
use wasm_bindgen::JsCast;
use web_sys::{Element, File};

/// Listeners that hand the first file dropped on `el` to `on_file`. Not passive: the
/// browser's own handling of a drop (opening the file) must be prevented.
pub fn on_file_drop(el: &Element, on_file: impl Fn(File) + 'static) -> Vec<EventListener> {
    let opts = EventListenerOptions::enable_prevent_default();
    let over = EventListener::new_with_options(el, "dragover", opts, |e| e.prevent_default());
    let drop = EventListener::new_with_options(el, "drop", opts, move |e| {
        e.prevent_default();
        let file = e
            .dyn_ref::<web_sys::DragEvent>()
            .and_then(|d| d.data_transfer())
            .and_then(|t| t.files())
            .and_then(|l| l.get(0));
        if let Some(f) = file {
            on_file(f);
        }
    });
    vec![over, drop]
}
