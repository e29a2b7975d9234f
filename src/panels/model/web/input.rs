//! Where a report comes in: a file dropped on the panel or picked, JSON pasted, or an example
//! loaded with one click. Files are read here, in the browser, and sent nowhere; a file over
//! the size limit is refused before it is read.

use super::{send, Shared};
use crate::panels::model::examples::EXAMPLES;
use crate::panels::model::reader;
use crate::panels::model::state::{Msg, State, EXAMPLE, PASTED};
use crate::panels::model::words;
use crate::spec::Value;
use crate::web::dom;
use gloo_events::EventListener;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Document, Element, HtmlInputElement, HtmlTextAreaElement};

/// The input section's elements.
pub(super) struct InputView {
    pub el: Element,
    file: HtmlInputElement,
    text: HtmlTextAreaElement,
    read_text: Element,
    examples: Vec<(Element, &'static str)>,
}

impl InputView {
    pub(super) fn new(doc: &Document, prefix: &str) -> Result<InputView, JsValue> {
        let el = dom::el(doc, "div", "model-input", "")?;
        let child = dom::el(doc, "p", "hint privacy", words::PRIVACY)?;
        el.append_child(&child)?;
        let zone = dom::el(
            doc,
            "div",
            "drop-zone",
            "Drop a report (.dead.json) anywhere on this panel, or pick one:",
        )?;
        let file: HtmlInputElement = doc.create_element("input")?.dyn_into()?;
        file.set_type("file");
        file.set_accept(".json,application/json");
        file.set_id(&format!("{prefix}-file"));
        let label = dom::el(doc, "label", "", "Report file")?;
        label.set_attribute("for", &file.id())?;
        let row = dom::el(doc, "div", "control", "")?;
        row.append_child(&label)?;
        row.append_child(&file)?;
        zone.append_child(&row)?;
        el.append_child(&zone)?;
        let text: HtmlTextAreaElement = doc.create_element("textarea")?.dyn_into()?;
        text.set_id(&format!("{prefix}-json"));
        text.set_attribute("rows", "4")?;
        text.set_attribute(
            "placeholder",
            "{\"format\": \"dying-relu-report\", \"version\": 1, …}",
        )?;
        text.set_class_name("model-text");
        let tlabel = dom::el(doc, "label", "", "Or paste a report's JSON")?;
        tlabel.set_attribute("for", &text.id())?;
        el.append_child(&tlabel)?;
        el.append_child(&text)?;
        let read_text = dom::button(doc, "Read the pasted report")?;
        let buttons = dom::el(doc, "div", "buttons", "")?;
        buttons.append_child(&read_text)?;
        el.append_child(&buttons)?;
        let child = dom::el(doc, "p", "hint", &words::limits())?;
        el.append_child(&child)?;
        let group = dom::el(doc, "div", "buttons model-examples", "")?;
        group.set_attribute("role", "group")?;
        group.set_attribute("aria-label", "Load an example report")?;
        let child = dom::el(doc, "span", "", "Load an example: ")?;
        group.append_child(&child)?;
        let mut examples = Vec::new();
        for e in EXAMPLES {
            let b = dom::button(doc, e.label)?;
            b.set_attribute("data-example", e.id)?;
            group.append_child(&b)?;
            examples.push((b, e.id));
        }
        el.append_child(&group)?;
        Ok(InputView {
            el,
            file,
            text,
            read_text,
            examples,
        })
    }

    /// Marks the example on show as pressed.
    pub(super) fn render(&self, state: &State) -> Result<(), JsValue> {
        for (b, id) in &self.examples {
            let on = state.settings.example == Some(*id);
            b.set_attribute("aria-pressed", if on { "true" } else { "false" })?;
        }
        Ok(())
    }
}

/// Reads a picked or dropped file: refused by its size before it is read.
fn read_file(shared: &Shared, file: web_sys::File) {
    let name = file.name();
    if let Err(e) = reader::check_size(file.size() as u64) {
        send(
            shared,
            Msg::Refuse(format!("{} was not read: {e}.", crate::spec::echo(&name))),
        );
        return;
    }
    let shared = shared.clone();
    wasm_bindgen_futures::spawn_local(async move {
        let msg = match wasm_bindgen_futures::JsFuture::from(file.array_buffer()).await {
            Ok(buf) => Msg::Load {
                name,
                bytes: js_sys::Uint8Array::new(&buf).to_vec(),
            },
            Err(_) => Msg::Refuse(format!(
                "{} could not be read by the browser.",
                crate::spec::echo(&name)
            )),
        };
        send(&shared, msg);
    });
}

/// The section's listeners, and the drop target (the whole panel).
pub(super) fn listen(shared: &Shared, host: &Element) -> Vec<EventListener> {
    let v = shared.borrow();
    let i = &v.input;
    let mut out = Vec::new();
    let (s, text) = (shared.clone(), i.text.clone());
    out.push(EventListener::new(&i.read_text, "click", move |_| {
        // The text leaves the text area before the panel redraws: megabytes of JSON there
        // made every layout of the page take seconds (2.9 s to redraw the map for a 5.7 MB
        // report). A refused text comes back, to be mended.
        let pasted = text.value();
        text.set_value("");
        send(
            &s,
            Msg::Load {
                name: PASTED.into(),
                bytes: pasted.as_bytes().to_vec(),
            },
        );
        if s.borrow().state.notice.is_some() {
            text.set_value(&pasted);
        }
    }));
    for (b, id) in &i.examples {
        let (s, id) = (shared.clone(), *id);
        out.push(EventListener::new(b, "click", move |_| {
            send(&s, Msg::Set(EXAMPLE.key, Value::Choice(id.into())))
        }));
    }
    let (s, input) = (shared.clone(), i.file.clone());
    out.push(EventListener::new(&i.file, "change", move |_| {
        if let Some(f) = input.files().and_then(|l| l.get(0)) {
            read_file(&s, f);
        }
        input.set_value("");
    }));
    out.extend(drop_target(shared, host));
    out
}

/// Dropping a file on the panel reads it (the browser would otherwise open it).
fn drop_target(shared: &Shared, el: &Element) -> Vec<EventListener> {
    let s = shared.clone();
    crate::web::file_drop::on_file_drop(el, move |f| read_file(&s, f))
}
