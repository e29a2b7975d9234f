//! "Use your own data": paste CSV, pick or drop a file, or try the sample; choose the target
//! column and whether to standardise. Files are read here, in the browser, and sent nowhere.

use super::{send, Shared};
use crate::panels::network::state::{Msg, State, PASTED};
use crate::panels::network::words;
use crate::sim::csv;
use crate::web::dom::{self, Select};
use crate::web::fetch;
use gloo_events::EventListener;
use std::rc::Rc;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Document, Element, HtmlInputElement, HtmlTextAreaElement};

/// The sample CSV, beside the page.
const SAMPLE_FILE: &str = "sample.csv";

/// The section's elements.
pub(super) struct OwnDataView {
    pub details: Element,
    text: HtmlTextAreaElement,
    use_text: Element,
    file: HtmlInputElement,
    sample: Element,
    builtin: Element,
    target: Select,
    standardise: HtmlInputElement,
    notice: Element,
    info: Element,
    pub link_note: Element,
}

impl OwnDataView {
    pub(super) fn new(doc: &Document, prefix: &str) -> Result<OwnDataView, JsValue> {
        let details = dom::el(doc, "details", "own-data", "")?;
        let summary = dom::el(doc, "summary", "", "Use your own data")?;
        details.append_child(&summary)?;
        let privacy = dom::el(doc, "p", "hint privacy", words::PRIVACY)?;
        details.append_child(&privacy)?;
        let limits = words::data_limits();
        let limits = dom::el(doc, "p", "hint", &limits)?;
        details.append_child(&limits)?;
        let text: HtmlTextAreaElement = doc.create_element("textarea")?.dyn_into()?;
        text.set_attribute("aria-label", "CSV text")?;
        text.set_attribute("rows", "4")?;
        text.set_attribute("placeholder", "x1,x2,y\n0.5,-1.2,0.3\n…")?;
        text.set_class_name("own-data-text");
        details.append_child(&text)?;
        let file: HtmlInputElement = doc.create_element("input")?.dyn_into()?;
        file.set_type("file");
        file.set_accept(".csv,.tsv,.txt,text/csv,text/plain");
        file.set_attribute("aria-label", "CSV file")?;
        let buttons = dom::el(doc, "div", "buttons", "")?;
        let use_text = dom::button(doc, "Use pasted text")?;
        let sample = dom::button(doc, "Try the sample")?;
        let builtin = dom::button(doc, "Back to seed 002's data")?;
        for b in [&use_text, &sample, &builtin] {
            buttons.append_child(b)?;
        }
        details.append_child(&file)?;
        details.append_child(&buttons)?;
        // The same sample as a file, to open in a spreadsheet and change (Trunk copies it).
        let get = dom::el(doc, "a", "sample-file", "Download the sample (sample.csv)")?;
        get.set_attribute("href", "sample.csv")?;
        get.set_attribute("download", "sample.csv")?;
        details.append_child(&get)?;
        let notice = dom::el(doc, "p", "notice own-data-notice", "")?;
        notice.set_attribute("role", "alert")?;
        details.append_child(&notice)?;
        let target = Select::new(doc, &format!("{prefix}-target"), "Target column", &[], "")?;
        details.append_child(&target.row)?;
        let standardise: HtmlInputElement = doc.create_element("input")?.dyn_into()?;
        standardise.set_type("checkbox");
        standardise.set_id(&format!("{prefix}-standardise"));
        let label = dom::el(doc, "label", "control", "")?;
        label.append_child(&standardise)?;
        let words = dom::el(doc, "span", "", " Standardise the inputs (mean 0, sd 1)")?;
        label.append_child(&words)?;
        details.append_child(&label)?;
        let info = dom::el(doc, "p", "hint own-data-info", "")?;
        info.set_attribute("aria-live", "polite")?;
        details.append_child(&info)?;
        let link_note = dom::el(doc, "p", "hint own-data-link", words::NO_LINK)?;
        Ok(OwnDataView {
            details,
            text,
            use_text,
            file,
            sample,
            builtin,
            target,
            standardise,
            notice,
            info,
            link_note,
        })
    }

    /// Shows the state's data: the notice, what is in use, the target menu, the checkbox.
    pub(super) fn render(&self, state: &State) -> Result<(), JsValue> {
        dom::set_text(&self.notice, state.data_notice.as_deref().unwrap_or(""));
        self.notice
            .toggle_attribute_with_force("hidden", state.data_notice.is_none())?;
        let own = state.own.as_ref();
        let info = words::data_in_use(
            own.map(|o| (o.describe(), o.data.n_features, o.dead_loss))
                .as_ref()
                .map(|(w, n, d)| (w.as_str(), *n, *d)),
        );
        dom::set_text(&self.info, &info);
        for e in [&self.target.row, &self.builtin] {
            e.toggle_attribute_with_force("hidden", own.is_none())?;
        }
        self.link_note
            .toggle_attribute_with_force("hidden", own.is_none())?;
        self.standardise.set_disabled(own.is_none());
        if let Some(o) = own {
            self.standardise.set_checked(o.standardise);
            let key = o.table.names.join("\u{1f}");
            if self.target.select.get_attribute("data-columns").as_deref() != Some(&key) {
                let doc = dom::document()?;
                self.target.select.set_text_content(None);
                for (i, name) in o.table.names.iter().enumerate() {
                    let opt = dom::el(&doc, "option", "", name)?;
                    opt.set_attribute("value", &i.to_string())?;
                    self.target.select.append_child(&opt)?;
                }
                self.target.select.set_attribute("data-columns", &key)?;
            }
            self.target.select.set_value(&o.target.to_string());
        }
        Ok(())
    }
}

/// Reads a picked or dropped file in the browser: refused by its size before reading it.
fn read_file(shared: &Shared, file: web_sys::File) {
    let name = file.name();
    if let Err(e) = csv::check_size(file.size() as u64) {
        send(shared, Msg::RefuseData(format!("{name} was not used: {e}")));
        return;
    }
    let shared = shared.clone();
    wasm_bindgen_futures::spawn_local(async move {
        let msg = match wasm_bindgen_futures::JsFuture::from(file.array_buffer()).await {
            Ok(buf) => Msg::LoadData {
                name,
                bytes: js_sys::Uint8Array::new(&buf).to_vec(),
            },
            Err(_) => Msg::RefuseData(format!("{name} could not be read by the browser.")),
        };
        send(&shared, msg);
    });
}

/// The section's listeners.
pub(super) fn listen(shared: &Shared) -> Vec<EventListener> {
    let m = shared.borrow();
    let v = &m.view.own;
    let mut out = Vec::new();
    let on = |el: &web_sys::EventTarget, event: &'static str, f: Box<dyn Fn(&web_sys::Event)>| {
        EventListener::new(el, event, move |e| f(e))
    };
    let s = shared.clone();
    let text = v.text.clone();
    out.push(on(
        &v.use_text,
        "click",
        Box::new(move |_| {
            let bytes = text.value().into_bytes();
            send(
                &s,
                Msg::LoadData {
                    name: PASTED.into(),
                    bytes,
                },
            );
        }),
    ));
    // The sample is a file of the site (Trunk copies www/sample.csv), not part of the wasm.
    let weak = Rc::downgrade(shared);
    out.push(on(
        &v.sample,
        "click",
        Box::new(move |_| {
            let weak = weak.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let msg = match fetch::text(SAMPLE_FILE).await {
                    Ok(text) => Msg::LoadData {
                        name: SAMPLE_FILE.into(),
                        bytes: text.into_bytes(),
                    },
                    Err(why) => Msg::RefuseData(words::sample_unavailable(&why)),
                };
                if let Some(s) = weak.upgrade() {
                    send(&s, msg);
                }
            });
        }),
    ));
    let s = shared.clone();
    out.push(on(
        &v.builtin,
        "click",
        Box::new(move |_| send(&s, Msg::BuiltInData)),
    ));
    let (s, input) = (shared.clone(), v.file.clone());
    out.push(on(
        &v.file,
        "change",
        Box::new(move |_| {
            if let Some(f) = input.files().and_then(|l| l.get(0)) {
                read_file(&s, f);
            }
            input.set_value("");
        }),
    ));
    let (s, select) = (shared.clone(), v.target.select.clone());
    out.push(on(
        &select.clone(),
        "change",
        Box::new(move |_| {
            if let Ok(t) = select.value().parse::<usize>() {
                send(&s, Msg::DataTarget(t));
            }
        }),
    ));
    let (s, check) = (shared.clone(), v.standardise.clone());
    out.push(on(
        &check.clone(),
        "change",
        Box::new(move |_| send(&s, Msg::Standardise(check.checked()))),
    ));
    out.extend(drop_target(shared, &v.details));
    out
}

/// Dropping a file on the section reads it (the browser would otherwise open it).
fn drop_target(shared: &Shared, el: &Element) -> Vec<EventListener> {
    let s = shared.clone();
    crate::web::file_drop::on_file_drop(el, move |f| read_file(&s, f))
}
