//! "Your model" in the page: a report dropped, picked, pasted or loaded as an example, the
//! definition of dead, the summary, the layers and the diagnosis in words, and four charts.
//! Nothing here judges a unit: the state, the words and the figures do.

mod input;

use super::figures::{self, FIGURES};
use super::state::{self, Msg, Settings, State, FIELDS};
use super::words;
use crate::chart::figure::Figures;
use crate::sim::dead::Definition;
use crate::web::address::Address;
use crate::web::canvas::ChartCanvas;
use crate::web::controls::FieldControls;
use crate::web::{dom, export, on_resize, report, Panel};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsValue;
use web_sys::{Document, Element};

pub(super) type Shared = Rc<RefCell<View>>;

pub(super) struct View {
    state: State,
    controls: FieldControls,
    charts: Vec<ChartCanvas>,
    status: Element,
    source: Element,
    notice: Element,
    layers: Element,
    diagnosis: Element,
    link: dom::Permalink,
    address: Option<Address>,
    input: input::InputView,
    /// Each canvas's (wide, phone) shape, as it was made.
    shapes: Vec<(f64, f64)>,
}

/// Applies a message and shows the result.
pub(super) fn send(shared: &Shared, msg: Msg) {
    let mut v = shared.borrow_mut();
    v.state.update(msg);
    let shown = v.fit_canvases().and_then(|_| v.render());
    report("Showing the report", shown);
}

/// The (wide, phone) shape of each chart for the report on show.
fn shapes(state: &State) -> Vec<(f64, f64)> {
    let wide = figures::aspects(state, 900.0);
    let narrow = figures::aspects(state, 360.0);
    wide.into_iter().zip(narrow).collect()
}

fn new_canvas(
    doc: &Document,
    i: usize,
    (wide, narrow): (f64, f64),
) -> Result<ChartCanvas, JsValue> {
    Ok(ChartCanvas::new(doc, FIGURES[i].1, wide)?.with_narrow_aspect(narrow))
}

impl View {
    /// A canvas whose shape no longer fits its report is replaced by one that does (a
    /// ChartCanvas keeps the shape it was made with).
    fn fit_canvases(&mut self) -> Result<(), JsValue> {
        let doc = dom::document()?;
        for (i, want) in shapes(&self.state).into_iter().enumerate() {
            let (a, b) = self.shapes[i];
            if (a - want.0).abs() < 0.01 && (b - want.1).abs() < 0.01 {
                continue;
            }
            let fresh = new_canvas(&doc, i, want)?;
            self.charts[i]
                .canvas
                .replace_with_with_node_1(&fresh.canvas)?;
            self.charts[i] = fresh;
            self.shapes[i] = want;
        }
        Ok(())
    }

    fn render(&self) -> Result<(), JsValue> {
        // The charts first: they read the layout before anything below changes it.
        let labels = [
            words::map_label(&self.state),
            words::shares_label(&self.state),
            words::timeline_label(&self.state),
            words::max_pre_label(&self.state),
        ];
        for (i, (chart, label)) in self.charts.iter().zip(&labels).enumerate() {
            let state = &self.state;
            chart.draw(|area, theme| state.draw(i, area, theme))?;
            chart.canvas.set_attribute("aria-label", label)?;
        }
        let s = &self.state.settings;
        self.controls.write(&FIELDS, s)?;
        self.controls
            .set_disabled(state::TAU.key, s.definition != Definition::Dormant);
        dom::set_text(&self.status, &words::summary(&self.state));
        dom::set_text(&self.source, &words::source(&self.state));
        dom::set_text(&self.notice, self.state.notice.as_deref().unwrap_or(""));
        self.notice
            .toggle_attribute_with_force("hidden", self.state.notice.is_none())?;
        self.render_lists()?;
        self.input.render(&self.state)?;
        if let Some(a) = &self.address {
            a.publish(&FIELDS, s, &Settings::default());
        }
        self.link.update(&crate::spec::write_query(&FIELDS, s))
    }

    /// The layer lines and the findings, each finding with its links.
    fn render_lists(&self) -> Result<(), JsValue> {
        let doc = dom::document()?;
        let lines = self
            .state
            .report()
            .map(|r| words::layer_lines(r, &self.state.judge()))
            .unwrap_or_default();
        let findings = words::diagnosis(&self.state);
        // Rebuilt only when the words change, so a screen reader is not sent them again.
        let key = format!("{lines:?}{findings:?}");
        if self.layers.get_attribute("data-key").as_deref() == Some(key.as_str()) {
            return Ok(());
        }
        self.layers.set_attribute("data-key", &key)?;
        self.layers.set_text_content(None);
        for line in &lines {
            let child = dom::el(&doc, "li", "", line)?;
            self.layers.append_child(&child)?;
        }
        self.diagnosis.set_text_content(None);
        for f in &findings {
            let item = dom::el(&doc, "li", "finding", &f.text)?;
            if !f.links.is_empty() {
                let see = dom::el(&doc, "span", "remedies", " See: ")?;
                for (k, (text, href)) in f.links.iter().enumerate() {
                    if k > 0 {
                        let sep = dom::el(&doc, "span", "", "; ")?;
                        see.append_child(&sep)?;
                    }
                    let a = dom::el(&doc, "a", "", text)?;
                    a.set_attribute("href", href)?;
                    see.append_child(&a)?;
                }
                item.append_child(&see)?;
            }
            self.diagnosis.append_child(&item)?;
        }
        Ok(())
    }
}

/// The figure column: summary, source, layers, diagnosis, the charts with their buttons.
struct Column {
    el: Element,
    status: Element,
    source: Element,
    layers: Element,
    diagnosis: Element,
    charts: Vec<ChartCanvas>,
}

fn figure_column(doc: &Document, shapes: &[(f64, f64)]) -> Result<Column, JsValue> {
    let el = dom::el(doc, "div", "figure", "")?;
    let status = dom::live_status(doc)?;
    let source = dom::el(doc, "p", "hint model-source", "")?;
    let layers = dom::el(doc, "ul", "model-layers", "")?;
    layers.set_attribute("aria-label", "Dead units per layer")?;
    let diagnosis = dom::el(doc, "ul", "model-diagnosis", "")?;
    diagnosis.set_attribute("aria-label", "Diagnosis")?;
    el.append_child(&status)?;
    el.append_child(&source)?;
    let child = dom::el(doc, "h3", "", "Per layer")?;
    el.append_child(&child)?;
    el.append_child(&layers)?;
    let child = dom::el(doc, "h3", "", "Diagnosis")?;
    el.append_child(&child)?;
    el.append_child(&diagnosis)?;
    let mut charts = Vec::new();
    for (i, shape) in shapes.iter().enumerate() {
        let c = new_canvas(doc, i, *shape)?;
        el.append_child(&c.canvas)?;
        charts.push(c);
    }
    Ok(Column {
        el,
        status,
        source,
        layers,
        diagnosis,
        charts,
    })
}

/// Builds the panel inside `host` from query pairs (the page URL or an embed's attributes).
pub fn mount(
    host: &Element,
    pairs: &[(String, String)],
    address: Option<Address>,
) -> Result<Panel, JsValue> {
    let doc = dom::document()?;
    let (settings, warnings) = state::from_pairs(pairs);
    let prefix = dom::unique_prefix("model");
    let controls = FieldControls::new(&doc, &prefix, &FIELDS, &settings)?;
    let input = input::InputView::new(&doc, &prefix)?;
    let notice = dom::el(&doc, "p", "notice model-notice", "")?;
    notice.set_attribute("role", "alert")?;
    let controls_el = dom::el(&doc, "div", "controls", "")?;
    controls_el.append_child(&input.el)?;
    controls_el.append_child(&notice)?;
    // The example menu stays out of sight: the example buttons set it.
    controls.append_rows(&controls_el, &[state::EXAMPLE.key])?;
    let state = State::new(settings);
    let shapes = shapes(&state);
    let column = figure_column(&doc, &shapes)?;
    let link = dom::Permalink::new(&doc, super::PANEL)?;
    column.el.append_child(&link.link)?;
    dom::lay_out(&doc, host, &controls_el, &column.el, &warnings)?;
    let view = Rc::new(RefCell::new(View {
        state,
        controls,
        charts: column.charts,
        status: column.status,
        source: column.source,
        notice,
        layers: column.layers,
        diagnosis: column.diagnosis,
        link,
        address,
        input,
        shapes,
    }));
    crate::web::boot::first_draw(&view, |view| {
        report("Showing the report", view.borrow().render())
    });
    let mut listeners = listen(&view, host)?;
    listeners.extend(figure_buttons(&doc, &view)?);
    Ok(Panel::new(listeners, Box::new(view)))
}

fn listen(view: &Shared, host: &Element) -> Result<Vec<gloo_events::EventListener>, JsValue> {
    let send_set = {
        let view = view.clone();
        move |key, value| send(&view, Msg::Set(key, value))
    };
    let mut listeners = view.borrow().controls.listen("input", send_set);
    listeners.extend(input::listen(view, host));
    listeners.push(on_resize({
        let view = view.clone();
        move || report("Showing the report", view.borrow().render())
    })?);
    Ok(listeners)
}

/// Save PNG and Save SVG under each chart.
fn figure_buttons(
    doc: &Document,
    view: &Shared,
) -> Result<Vec<gloo_events::EventListener>, JsValue> {
    let mut out = Vec::new();
    for (i, (_, title)) in FIGURES.iter().enumerate() {
        let pick: fn(&View) -> (&State, &web_sys::HtmlCanvasElement) = match i {
            0 => |v| (&v.state, &v.charts[0].canvas),
            1 => |v| (&v.state, &v.charts[1].canvas),
            2 => |v| (&v.state, &v.charts[2].canvas),
            _ => |v| (&v.state, &v.charts[3].canvas),
        };
        let (tools, saves) = export::figure_buttons(doc, view, pick, i, title)?;
        view.borrow().charts[i].canvas.after_with_node_1(&tools)?;
        out.extend(saves);
    }
    Ok(out)
}
