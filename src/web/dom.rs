//! Small, safe DOM builders. Text always goes in through `set_text_content`, never as HTML,
//! so nothing from a URL can become markup.

use crate::spec::{NumberSpec, ParamWarning};
use gloo_events::EventListener;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Document, Element, HtmlInputElement, HtmlSelectElement};

pub fn document() -> Result<Document, JsValue> {
    web_sys::window()
        .and_then(|w| w.document())
        .ok_or_else(|| JsValue::from_str("no document: the explorer must run in a browser page"))
}

/// An element with a class and optional text.
pub fn el(doc: &Document, tag: &str, class: &str, text: &str) -> Result<Element, JsValue> {
    let e = doc.create_element(tag)?;
    if !class.is_empty() {
        e.set_class_name(class);
    }
    if !text.is_empty() {
        e.set_text_content(Some(text));
    }
    Ok(e)
}

thread_local! {
    static NEXT_ID: Cell<u32> = const { Cell::new(0) };
}

/// A page-unique id prefix, so two mounted copies of a panel never share control ids.
pub fn unique_prefix(panel: &str) -> String {
    let n = NEXT_ID.with(|c| {
        let v = c.get() + 1;
        c.set(v);
        v
    });
    format!("{panel}{n}")
}

/// A labelled range input with its value shown beside it.
pub struct Slider {
    pub row: Element,
    pub input: HtmlInputElement,
    pub output: Element,
    pub spec: NumberSpec,
}

impl Slider {
    pub fn new(
        doc: &Document,
        prefix: &str,
        spec: NumberSpec,
        value: f64,
    ) -> Result<Self, JsValue> {
        let id = format!("{prefix}-{}", spec.key);
        let row = el(doc, "div", "control", "")?;
        let label = el(doc, "label", "", spec.label)?;
        label.set_attribute("for", &id)?;
        let input: HtmlInputElement = doc.create_element("input")?.dyn_into()?;
        input.set_type("range");
        input.set_id(&id);
        let (min, max, step) = spec.slider_range();
        input.set_min(&min.to_string());
        input.set_max(&max.to_string());
        input.set_step(&step.to_string());
        input.set_value(&spec.to_slider(value).to_string());
        let output = el(doc, "output", "value", "")?;
        output.set_attribute("for", &id)?;
        row.append_child(&label)?;
        row.append_child(&input)?;
        row.append_child(&output)?;
        let slider = Slider {
            row,
            input,
            output,
            spec,
        };
        slider.show(value)?;
        Ok(slider)
    }

    /// The slider's current value, in value units.
    pub fn value(&self) -> f64 {
        let pos = self.input.value().parse::<f64>().unwrap_or(f64::NAN);
        if pos.is_finite() {
            self.spec.from_slider(pos)
        } else {
            self.spec.default
        }
    }

    /// Shows a value beside the slider and tells assistive technology what it means.
    pub fn show(&self, value: f64) -> Result<(), JsValue> {
        let text = self.spec.format(value);
        self.output.set_text_content(Some(&text));
        self.input.set_attribute("aria-valuetext", &text)
    }
}

/// A labelled `<select>` of (value, text) options.
pub struct Select {
    pub row: Element,
    pub select: HtmlSelectElement,
}

impl Select {
    pub fn new(
        doc: &Document,
        id: &str,
        label: &str,
        options: &[(&str, &str)],
        selected: &str,
    ) -> Result<Self, JsValue> {
        let row = el(doc, "div", "control", "")?;
        let l = el(doc, "label", "", label)?;
        l.set_attribute("for", id)?;
        let select: HtmlSelectElement = doc.create_element("select")?.dyn_into()?;
        select.set_id(id);
        for (value, text) in options {
            let o = el(doc, "option", "", text)?;
            o.set_attribute("value", value)?;
            select.append_child(&o)?;
        }
        select.set_value(selected);
        row.append_child(&l)?;
        row.append_child(&select)?;
        Ok(Select { row, select })
    }

    pub fn value(&self) -> String {
        self.select.value()
    }
}

/// A `<button type=button>` with visible text (its accessible name).
pub fn button(doc: &Document, text: &str) -> Result<Element, JsValue> {
    let b = el(doc, "button", "", text)?;
    b.set_attribute("type", "button")?;
    Ok(b)
}

/// Sets an element's text only when it differs: a live region rewritten with the same words
/// every animation frame would make a screen reader repeat itself.
pub fn set_text(el: &Element, text: &str) {
    if el.text_content().as_deref() != Some(text) {
        el.set_text_content(Some(text));
    }
}

/// The one-line live summary every panel has.
pub fn live_status(doc: &Document) -> Result<Element, JsValue> {
    let p = el(doc, "p", "status", "")?;
    p.set_attribute("aria-live", "polite")?;
    p.set_attribute("role", "status")?;
    Ok(p)
}

/// Fills `host` with a panel: the note of repaired link values (if any), then the controls
/// column beside the figure column (stacked on a phone, by CSS).
pub fn lay_out(
    doc: &Document,
    host: &Element,
    controls: &Element,
    figure: &Element,
    warnings: &[ParamWarning],
) -> Result<(), JsValue> {
    let layout = el(doc, "div", "panel-body", "")?;
    layout.append_child(controls)?;
    layout.append_child(figure)?;
    host.set_text_content(None);
    if !warnings.is_empty() {
        let texts: Vec<String> = warnings.iter().map(ParamWarning::to_string).collect();
        let note = el(doc, "p", "notice", "")?;
        note.set_text_content(Some(&format!(
            "Some values in the link were repaired: {}",
            texts.join(" ")
        )));
        host.append_child(&note)?;
    }
    host.append_child(&layout)?;
    Ok(())
}

/// A link that reopens this panel alone with its current settings, and a "Copy embed code"
/// button that copies the `<iframe>` a teacher pastes into their notes (announced in a live
/// region). Its address is built by our own serializer, never from page text.
pub struct Permalink {
    /// The row holding the link, the button and the announcement: what a panel places.
    pub link: Element,
    anchor: Element,
    panel: crate::panels::PanelInfo,
    query: Rc<RefCell<String>>,
    _copy: EventListener,
}

impl Permalink {
    pub fn new(doc: &Document, panel: crate::panels::PanelInfo) -> Result<Self, JsValue> {
        let row = el(doc, "div", "share", "")?;
        let anchor = el(
            doc,
            "a",
            "permalink",
            "Link to this panel with these settings",
        )?;
        let copy = button(doc, "Copy embed code")?;
        copy.set_class_name("copy-embed");
        let said = el(doc, "p", "share-status", "")?;
        said.set_attribute("role", "status")?;
        said.set_attribute("aria-live", "polite")?;
        for e in [&anchor, &copy, &said] {
            row.append_child(e)?;
        }
        let query = Rc::new(RefCell::new(String::new()));
        let on_copy = {
            let query = query.clone();
            EventListener::new(&copy, "click", move |_| {
                let page = web_sys::window()
                    .and_then(|w| w.location().href().ok())
                    .unwrap_or_default();
                let snippet = crate::embed::iframe(&page, panel, &query.borrow());
                said.set_text_content(None);
                let said = said.clone();
                let shown = snippet.clone();
                super::export::copy_text(snippet, move |path| {
                    let words = super::export::copied_words(path, "embed code", &shown);
                    said.set_text_content(Some(&words));
                });
            })
        };
        super::count_listeners(1);
        Ok(Permalink {
            link: row,
            anchor,
            panel,
            query,
            _copy: on_copy,
        })
    }

    /// Points the link at `?panel=NAME&query`, and the embed code at the same settings.
    pub fn update(&self, query: &str) -> Result<(), JsValue> {
        if *self.query.borrow() != query {
            *self.query.borrow_mut() = query.to_string();
        }
        let sep = if query.is_empty() { "" } else { "&" };
        self.anchor
            .set_attribute("href", &format!("?panel={}{sep}{query}", self.panel.name))
    }
}

impl Drop for Permalink {
    fn drop(&mut self) {
        super::count_listeners(-1);
    }
}
