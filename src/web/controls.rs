//! A panel's controls built from its field table: a labelled slider or menu per field, read
//! and written by looping over the same table that parses links.
//!
//! A teacher's lesson link (see [`crate::lesson`]) leaves some rows out (`hide=`) and locks
//! others (`lock=`): a locked control shows its value, stays disabled whatever the panel
//! does, and says it is fixed for this lesson. The page passes the lesson with
//! [`with_lesson`] around a panel's mount, so the panels' own files need not know of it.

use super::dom::{self, Select, Slider};
use crate::lesson::Lesson;
use crate::spec::{Control, Field, Value};
use gloo_events::EventListener;
use std::cell::RefCell;
use wasm_bindgen::JsValue;
use web_sys::{Document, Element, HtmlElement};

thread_local! {
    /// The lesson for the panel being mounted; the first `FieldControls` built takes it.
    static LESSON: RefCell<Option<Lesson>> = const { RefCell::new(None) };
}

/// Runs `mount` with `lesson` applying to the controls it builds.
pub fn with_lesson<T>(lesson: Lesson, mount: impl FnOnce() -> T) -> T {
    LESSON.with(|l| *l.borrow_mut() = Some(lesson));
    let out = mount();
    LESSON.with(|l| l.borrow_mut().take());
    out
}

/// What a locked control says beside it.
pub const FIXED_NOTE: &str = "Fixed for this lesson";

enum Widget {
    Slider(Slider),
    Menu(Select),
}

/// One control per field, in table order.
pub struct FieldControls {
    widgets: Vec<(&'static str, Widget)>,
    lesson: Lesson,
}

impl FieldControls {
    /// Builds the controls; `prefix` keeps ids unique when a panel is mounted twice.
    pub fn new<S>(
        doc: &Document,
        prefix: &str,
        fields: &[Field<S>],
        s: &S,
    ) -> Result<Self, JsValue> {
        let mut widgets = Vec::new();
        for f in fields {
            let w = match &f.control {
                Control::Slider(spec) => {
                    let v = (f.get)(s).number().unwrap_or(spec.default);
                    Widget::Slider(Slider::new(doc, prefix, *spec, v)?)
                }
                Control::Menu(c) => {
                    let options = (c.options)();
                    let refs: Vec<(&str, &str)> = options
                        .iter()
                        .map(|(a, b)| (a.as_str(), b.as_str()))
                        .collect();
                    let id = format!("{prefix}-{}", c.key);
                    let selected = (f.get)(s).to_query_text();
                    Widget::Menu(Select::new(doc, &id, c.label, &refs, &selected)?)
                }
            };
            widgets.push((f.key(), w));
        }
        let lesson = LESSON.with(|l| l.borrow_mut().take()).unwrap_or_default();
        let controls = FieldControls { widgets, lesson };
        controls.lock(doc, prefix)?;
        Ok(controls)
    }

    /// Disables every locked control and says beside it that it is fixed for this lesson.
    fn lock(&self, doc: &Document, prefix: &str) -> Result<(), JsValue> {
        for key in &self.lesson.locked {
            let (Some(row), Some(input)) = (self.row(key), self.input(key)) else {
                continue;
            };
            let note_id = format!("{prefix}-{key}-fixed");
            let note = dom::el(doc, "span", "fixed", FIXED_NOTE)?;
            note.set_id(&note_id);
            row.append_child(&note)?;
            row.class_list().add_1("locked")?;
            input.set_attribute("aria-describedby", &note_id)?;
            self.set_disabled(key, true);
        }
        Ok(())
    }

    /// The row (label, control, value) of a field, to place it in the panel; none for a
    /// field the lesson hides.
    pub fn row(&self, key: &str) -> Option<&Element> {
        if self.lesson.is_hidden(key) {
            return None;
        }
        self.widget(key).map(|w| match w {
            Widget::Slider(s) => &s.row,
            Widget::Menu(m) => &m.row,
        })
    }

    /// The input or select element of a field.
    pub fn input(&self, key: &str) -> Option<HtmlElement> {
        self.widget(key).map(|w| match w {
            Widget::Slider(s) => s.input.clone().into(),
            Widget::Menu(m) => m.select.clone().into(),
        })
    }

    /// Appends every row, in table order, except those in `skip`.
    pub fn append_rows(&self, parent: &Element, skip: &[&str]) -> Result<(), JsValue> {
        for (key, _) in self.widgets.iter().filter(|(k, _)| !skip.contains(k)) {
            if let Some(row) = self.row(key) {
                parent.append_child(row)?;
            }
        }
        Ok(())
    }

    fn widget(&self, key: &str) -> Option<&Widget> {
        self.widgets.iter().find(|(k, _)| *k == key).map(|(_, w)| w)
    }

    /// What a field's control holds now.
    pub fn read(&self, key: &str) -> Option<Value> {
        self.widget(key).map(|w| match w {
            Widget::Slider(s) => Value::Number(s.value()),
            Widget::Menu(m) => Value::Choice(m.value()),
        })
    }

    /// Shows `s` in every control; a field that does not apply now is disabled.
    pub fn write<S>(&self, fields: &[Field<S>], s: &S) -> Result<(), JsValue> {
        for f in fields {
            let Some(w) = self.widget(f.key()) else {
                continue;
            };
            let value = (f.get)(s);
            match w {
                Widget::Slider(sl) => {
                    let v = value.number().unwrap_or(sl.spec.default);
                    sl.input.set_value(&sl.spec.to_slider(v).to_string());
                    sl.show(v)?;
                }
                Widget::Menu(m) => m.select.set_value(&value.to_query_text()),
            }
        }
        Ok(())
    }

    /// Disables a field's control (a setting that does not matter now), or enables it; a
    /// locked control stays disabled.
    pub fn set_disabled(&self, key: &str, disabled: bool) {
        let disabled = disabled || self.lesson.is_locked(key);
        match self.widget(key) {
            Some(Widget::Slider(s)) => s.input.set_disabled(disabled),
            Some(Widget::Menu(m)) => m.select.set_disabled(disabled),
            None => {}
        }
    }

    /// Shows a number beside a slider without moving it (a value that changes as a run goes).
    pub fn show_number(&self, key: &str, v: f64) -> Result<(), JsValue> {
        if let Some(Widget::Slider(s)) = self.widget(key) {
            let clamped = s.spec.clamp(v).unwrap_or(s.spec.default);
            s.input.set_value(&s.spec.to_slider(clamped).to_string());
            s.show(v)?;
        }
        Ok(())
    }

    /// Calls `send(key, value)` when a control changes: sliders on `slider_event` ("input"
    /// while dragging, or "change" when let go), menus on "change".
    pub fn listen(
        &self,
        slider_event: &'static str,
        send: impl Fn(&'static str, Value) + Clone + 'static,
    ) -> Vec<EventListener> {
        self.widgets
            .iter()
            .map(|(key, w)| {
                let (target, event): (&web_sys::EventTarget, _) = match w {
                    Widget::Slider(s) => (&s.input, slider_event),
                    Widget::Menu(m) => (&m.select, "change"),
                };
                let (key, send) = (*key, send.clone());
                let read: Box<dyn Fn() -> Value> = match w {
                    Widget::Slider(s) => {
                        let (input, spec) = (s.input.clone(), s.spec);
                        Box::new(move || Value::Number(slider_value(&input, spec)))
                    }
                    Widget::Menu(m) => {
                        let select = m.select.clone();
                        Box::new(move || Value::Choice(select.value()))
                    }
                };
                EventListener::new(target, event, move |_| send(key, read()))
            })
            .collect()
    }

    /// While a slider is dragged, shows its value beside it (for sliders whose change only
    /// takes effect when let go).
    pub fn show_while_dragging(&self) -> Vec<EventListener> {
        self.widgets
            .iter()
            .filter_map(|(_, w)| match w {
                Widget::Slider(s) => {
                    let (input, output, spec) = (s.input.clone(), s.output.clone(), s.spec);
                    Some(EventListener::new(&s.input, "input", move |_| {
                        let v = slider_value(&input, spec);
                        output.set_text_content(Some(&spec.format(v)));
                    }))
                }
                Widget::Menu(_) => None,
            })
            .collect()
    }
}

fn slider_value(input: &web_sys::HtmlInputElement, spec: crate::spec::NumberSpec) -> f64 {
    let pos = input.value().parse::<f64>().unwrap_or(f64::NAN);
    if pos.is_finite() {
        spec.from_slider(pos)
    } else {
        spec.default
    }
}
