//! The Web Worker's side (wasm only): the `worker` bin calls [`run`], which answers each job's
//! text with its numbers (see [`super::jobs`]). It posts "ready" first: the page holds its
//! jobs until then, since a message sent before the wasm has started would be lost.

use super::jobs::{self, Cache};
use std::cell::RefCell;
use wasm_bindgen::prelude::*;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

pub fn run() {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let cache = RefCell::new(Cache::default());
    let reply = scope.clone();
    let handler = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
        let Some(text) = e.data().as_string() else {
            return;
        };
        let numbers = jobs::run(&text, &mut cache.borrow_mut());
        let _ = reply.post_message(&js_sys::Float64Array::from(numbers.as_slice()));
    });
    scope.set_onmessage(Some(handler.as_ref().unchecked_ref()));
    // The handler lives as long as the worker itself: the page ends both with terminate().
    handler.forget();
    let _ = scope.post_message(&JsValue::from_str("ready"));
}
