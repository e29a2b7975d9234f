//! The page's parts. The page loads as two wasm modules (`panels::PanelId::held`): the
//! intro (the first screen's panels) and, once that has drawn, the lab (the rest and the
//! guided path). Each part offers the panels it holds to the other through one list on the
//! page's global object, `globalThis.__dyingReluParts` (entries `{ panels: [names],
//! remount(name, query) }`), so that a guided-path step in one can set a panel of the other
//! by the same path a link takes. The intro asks for the lab with the window event
//! [`REST_EVENT`], which the page's loader answers (www/boot.js).

use crate::panels::{self, PanelId};
use js_sys::{Array, Function, Object, Reflect};
use wasm_bindgen::prelude::*;

/// The global list the parts offer their panels in.
const LIST: &str = "__dyingReluParts";

/// The event the intro part sends when its panels are up and the page needs the rest.
pub const REST_EVENT: &str = "dying-relu:rest";

/// Whether this module is one part of the page rather than the whole explorer.
const IS_PART: bool = !(super::LEADS && super::HOLDS_STORY);

fn list() -> Array {
    let global = js_sys::global();
    let key = JsValue::from_str(LIST);
    match Reflect::get(&global, &key) {
        Ok(v) if Array::is_array(&v) => v.unchecked_into(),
        _ => {
            let list = Array::new();
            // Setting a property on the global object cannot fail.
            let _ = Reflect::set(&global, &key, &list);
            list
        }
    }
}

/// Offers this part's panels to the page's other part (nothing, for the whole explorer).
pub fn offer() {
    if !IS_PART {
        return;
    }
    let names: Array = panels::PANELS
        .iter()
        .map(|p| JsValue::from_str(p.name))
        .collect();
    let remount = Closure::<dyn Fn(String, String) -> bool>::new(|name: String, query: String| {
        let Some(id) = PanelId::from_name(&name).filter(|id| id.held()) else {
            return false;
        };
        match super::remount(id, &query) {
            Ok(host) => host.is_some(),
            Err(e) => {
                super::report(&format!("Setting “{}”", id.title()), Err(e));
                false
            }
        }
    });
    let entry = Object::new();
    let _ = Reflect::set(&entry, &"panels".into(), &names);
    // Kept for the page's life (into_js_value gives the closure to JavaScript): the other
    // part may ask for these panels at any time.
    let _ = Reflect::set(&entry, &"remount".into(), &remount.into_js_value());
    list().push(&entry);
}

/// Mounts panel `id`, which another part of the page holds, again with `query` (its own
/// keys), through that part. False when no part of the page offers it.
pub fn remount(id: PanelId, query: &str) -> Result<bool, JsValue> {
    let name = JsValue::from_str(id.name());
    for entry in list().iter() {
        let offered = Reflect::get(&entry, &"panels".into())?;
        if !Array::is_array(&offered) || !Array::from(&offered).includes(&name, 0) {
            continue;
        }
        let remount: Function = Reflect::get(&entry, &"remount".into())?.dyn_into()?;
        let done = remount.call2(&JsValue::NULL, &name, &JsValue::from_str(query))?;
        return Ok(done.as_bool() == Some(true));
    }
    Ok(false)
}

/// Asks the page's loader for the part that holds the rest (sent once this part's panels
/// are mounted, so the first screen never waits for those bytes).
pub fn ask_for_rest() {
    let Some(window) = web_sys::window() else {
        return;
    };
    if let Ok(event) = web_sys::Event::new(REST_EVENT) {
        let _ = window.dispatch_event(&event);
    }
    if let Some(body) = window.document().and_then(|d| d.body()) {
        let _ = body.set_attribute("data-asked-for-rest", "true");
    }
}
