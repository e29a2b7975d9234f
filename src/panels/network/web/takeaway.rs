//! What leaves the panel: "Save PNG / Save SVG" under every chart, the run's numbers as CSV
//! and JSON, and the run as a PyTorch or Keras script (shown, copied, downloaded).

use super::{Mounted, Shared};
use crate::chart::figure::Figures;
use crate::panels::network::figures::{
    ATLAS, COMPARISON, DEAD_MAP, DISTRIBUTION, LOSS, METER, PLANE,
};
use crate::panels::network::settings::Settings;
use crate::panels::network::state::{OwnData, State};
use crate::panels::network::{export as data, report, reproduce};
use crate::web::dom;
use crate::web::export::{self, CopyPath};
use gloo_events::EventListener;
use wasm_bindgen::JsValue;
use web_sys::{Document, Element, HtmlCanvasElement};

/// Writes a script for the settings, on seed 002's data or the learner's own.
type WriteScript = fn(&Settings, Option<&OwnData>) -> String;

/// One script on show: its text, a copy button, a download button.
pub(super) struct Script {
    framework: &'static str,
    write: WriteScript,
    pre: Element,
    copy: Element,
    download: Element,
}

/// The data buttons and the "Reproduce it" section.
pub(super) struct Takeaway {
    csv: Element,
    json: Element,
    /// The run as a dead-unit report, the probes' format ("Your model" reads it).
    report: Element,
    said: Element,
    scripts: [Script; 2],
    /// What a script can and cannot repeat (its dead line follows the data).
    matches: Element,
    /// The comparison chart's buttons, shown with the chart.
    pub compare_tools: Option<Element>,
}

fn script(doc: &Document, framework: &'static str, write: WriteScript) -> Result<Script, JsValue> {
    let copy = dom::button(doc, &format!("Copy {framework} script"))?;
    let download = dom::button(doc, &format!("Download {framework} .py"))?;
    let pre = dom::el(doc, "pre", "script", "")?;
    // A scrollable region must be reachable from the keyboard.
    pre.set_attribute("tabindex", "0")?;
    pre.set_attribute("aria-label", &format!("{framework} script"))?;
    Ok(Script {
        framework,
        write,
        pre,
        copy,
        download,
    })
}

impl Takeaway {
    pub(super) fn new(doc: &Document) -> Result<Takeaway, JsValue> {
        Ok(Takeaway {
            csv: dom::button(doc, "Download CSV")?,
            json: dom::button(doc, "Download JSON")?,
            report: dom::button(doc, "Download dead-unit report")?,
            said: dom::live_status(doc)?,
            scripts: [
                script(doc, "PyTorch", reproduce::pytorch)?,
                script(doc, "Keras", reproduce::keras)?,
            ],
            matches: dom::el(doc, "p", "hint", &reproduce::what_matches(None))?,
            compare_tools: None,
        })
    }

    /// The data row and the reproduce section, to place under the charts.
    pub(super) fn build(&self, doc: &Document) -> Result<Element, JsValue> {
        let part = dom::el(doc, "div", "takeaway", "")?;
        let row = dom::el(doc, "div", "buttons", "")?;
        for b in [&self.csv, &self.json, &self.report] {
            row.append_child(b)?;
        }
        part.append_child(&row)?;
        let details = dom::el(doc, "details", "reproduce", "")?;
        let summary = dom::el(doc, "summary", "", "Reproduce this run in PyTorch or Keras")?;
        details.append_child(&summary)?;
        details.append_child(&self.matches)?;
        for s in &self.scripts {
            let buttons = dom::el(doc, "div", "buttons", "")?;
            buttons.append_child(&s.copy)?;
            buttons.append_child(&s.download)?;
            details.append_child(&buttons)?;
            details.append_child(&s.pre)?;
        }
        part.append_child(&details)?;
        part.append_child(&self.said)?;
        Ok(part)
    }

    /// Writes the scripts for the current settings (when the settings change).
    pub(super) fn render(&self, state: &State) {
        // The scripts generate seed 002's data: on a Playground set they would train another
        // task than the page, so they are not offered (and say why).
        let playground = state.own.is_none() && state.settings.task.plane().is_some();
        let matches = if playground {
            reproduce::PLAYGROUND_SCRIPTS.to_string()
        } else {
            reproduce::what_matches(state.own.as_ref())
        };
        dom::set_text(&self.matches, &matches);
        for s in &self.scripts {
            let text = if playground {
                String::new()
            } else {
                script_text(s, state)
            };
            dom::set_text(&s.pre, &text);
            s.pre.toggle_attribute_with_force("hidden", playground).ok();
            for b in [&s.copy, &s.download] {
                b.toggle_attribute_with_force("disabled", playground).ok();
            }
        }
    }
}

/// A script for the state's settings and data.
fn script_text(s: &Script, state: &State) -> String {
    (s.write)(&state.settings, state.own.as_ref())
}

type Pick = fn(&Mounted) -> (&State, &HtmlCanvasElement);

/// Save buttons under each chart; returns their listeners.
pub(super) fn figure_buttons(
    doc: &Document,
    shared: &Shared,
) -> Result<Vec<EventListener>, JsValue> {
    let charts: [(usize, Pick, &str); 7] = [
        (LOSS, |m| (&m.state, &m.view.loss.canvas), "loss chart"),
        (
            DEAD_MAP,
            |m| (&m.state, &m.view.map.canvas),
            "dead-unit map",
        ),
        (
            DISTRIBUTION,
            |m| (&m.state, &m.view.dist.canvas),
            "distributions chart",
        ),
        (
            METER,
            |m| (&m.state, &m.view.meter.canvas),
            "learning-rate meter",
        ),
        (PLANE, |m| (&m.state, &m.view.plane.canvas), "input plane"),
        (ATLAS, |m| (&m.state, &m.view.atlas.canvas), "unit atlas"),
        (
            COMPARISON,
            |m| (&m.state, &m.view.compare_chart.canvas),
            "comparison chart",
        ),
    ];
    let mut listeners = Vec::new();
    for (index, pick, title) in charts {
        let (tools, saves) = export::figure_buttons(doc, shared, pick, index, title)?;
        pick(&shared.borrow()).1.after_with_node_1(&tools)?;
        if index == COMPARISON {
            tools.set_attribute("hidden", "")?;
            shared.borrow_mut().view.takeaway.compare_tools = Some(tools);
        }
        listeners.extend(saves);
    }
    Ok(listeners)
}

/// Listeners of the data and script buttons.
pub(super) fn listen(shared: &Shared) -> Vec<EventListener> {
    let mut out = data_listeners(shared);
    out.extend(script_listeners(shared));
    out
}

/// The CSV, JSON and dead-unit report downloads.
fn data_listeners(shared: &Shared) -> Vec<EventListener> {
    let m = shared.borrow();
    let t = &m.view.takeaway;
    let mut out = Vec::new();
    let file = |m: &Mounted, ext: &str| data::file_name(&m.state.settings_tag(), ext);
    out.push(EventListener::new(&t.csv, "click", {
        let shared = shared.clone();
        move |_| {
            let m = shared.borrow();
            let text = data::csv(
                &m.state.run.history,
                m.state.n_layers(),
                &m.state.settings.judge(),
            );
            crate::web::report(
                "Downloading the CSV",
                export::download_text(&file(&m, "csv"), "text/csv", &text),
            );
        }
    }));
    out.push(EventListener::new(&t.json, "click", {
        let shared = shared.clone();
        move |_| {
            let m = shared.borrow();
            let text = data::json(
                &m.state.settings,
                &m.state.run.history,
                &m.state.data_info(),
            );
            let name = file(&m, "json");
            crate::web::report(
                "Downloading the JSON",
                export::download_text(&name, "application/json", &text),
            );
        }
    }));
    out.push(EventListener::new(&t.report, "click", {
        let shared = shared.clone();
        move |_| {
            let m = shared.borrow();
            let text = report::report_json(&m.state.settings, &m.state.run.history);
            let name = report::file_name(&m.state.settings_tag());
            crate::web::report(
                "Downloading the dead-unit report",
                export::download_text(&name, "application/json", &text),
            );
        }
    }));
    out
}

/// Each script's download and copy buttons.
fn script_listeners(shared: &Shared) -> Vec<EventListener> {
    let m = shared.borrow();
    let t = &m.view.takeaway;
    let mut out = Vec::new();
    for (i, s) in t.scripts.iter().enumerate() {
        out.push(EventListener::new(&s.download, "click", {
            let shared = shared.clone();
            move |_| {
                let m = shared.borrow();
                let s = &m.view.takeaway.scripts[i];
                let tag = m.state.settings_tag();
                let name = reproduce::file_name(&tag, &s.framework.to_lowercase());
                let text = script_text(s, &m.state);
                crate::web::report(
                    "Downloading the script",
                    export::download_text(&name, "text/x-python", &text),
                );
            }
        }));
        out.push(EventListener::new(&s.copy, "click", {
            let shared = shared.clone();
            move |_| {
                let m = shared.borrow();
                let t = &m.view.takeaway;
                let s = &t.scripts[i];
                let said = t.said.clone();
                said.set_text_content(None);
                let what = format!("{} script", s.framework);
                export::copy_text(script_text(s, &m.state), move |path| {
                    let words = match path {
                        CopyPath::Failed => format!("Could not reach the clipboard here; select the {what} below and copy it."),
                        _ => format!("Copied the {what}."),
                    };
                    said.set_text_content(Some(&words));
                });
            }
        }));
    }
    out
}
