//! The activation panel in the page: a menu, an α slider, one chart and its summary.

use super::state::{self, Msg, Settings, FIELDS};
use super::words;
use crate::chart::figure::Figures;
use crate::web::address::Address;
use crate::web::canvas::ChartCanvas;
use crate::web::controls::FieldControls;
use crate::web::{dom, export, on_resize, report, Panel};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsValue;
use web_sys::Element;

struct View {
    settings: Settings,
    controls: FieldControls,
    chart: ChartCanvas,
    status: Element,
    link: dom::Permalink,
    address: Option<Address>,
}

impl View {
    fn render(&self) -> Result<(), JsValue> {
        let f = self.settings.activation();
        // The chart first: it reads the layout before anything below changes it.
        let settings = &self.settings;
        self.chart
            .draw(|area, theme| settings.draw(0, area, theme))?;
        self.controls.write(&FIELDS, &self.settings)?;
        // α only matters to Leaky ReLU and ELU: say so rather than hide the control.
        self.controls
            .set_disabled(state::ALPHA_KEY, !state::alpha_applies(&self.settings));
        self.chart
            .canvas
            .set_attribute("aria-label", &words::chart_label(f))?;
        dom::set_text(&self.status, &words::summary(f));
        if let Some(a) = &self.address {
            a.publish(&FIELDS, &self.settings, &Settings::default());
        }
        self.link
            .update(&crate::spec::write_query(&FIELDS, &self.settings))
    }
}

/// Builds the panel inside `host` from query pairs (the page URL or an embed's attributes).
pub fn mount(
    host: &Element,
    pairs: &[(String, String)],
    address: Option<Address>,
) -> Result<Panel, JsValue> {
    let doc = dom::document()?;
    let (settings, warnings) = state::from_pairs(pairs);
    let prefix = dom::unique_prefix("act");
    let controls = FieldControls::new(&doc, &prefix, &FIELDS, &settings)?;
    let hint = dom::el(&doc, "p", "hint", "α is used by Leaky ReLU and ELU.")?;
    let chart = ChartCanvas::new(&doc, "Activation function chart", 0.62)?;
    let status = dom::live_status(&doc)?;
    let link = dom::Permalink::new(&doc, super::PANEL)?;

    let controls_el = dom::el(&doc, "div", "controls", "")?;
    controls.append_rows(&controls_el, &[])?;
    controls_el.append_child(&hint)?;
    let figure = dom::el(&doc, "div", "figure", "")?;
    figure.append_child(&chart.canvas)?;
    figure.append_child(&status)?;
    figure.append_child(&link.link)?;
    dom::lay_out(&doc, host, &controls_el, &figure, &warnings)?;

    let view = Rc::new(RefCell::new(View {
        settings,
        controls,
        chart,
        status,
        link,
        address,
    }));
    crate::web::boot::first_draw(&view, |view| {
        report("Drawing the activation chart", view.borrow().render())
    });

    let send = {
        let view = view.clone();
        move |key, value| {
            let mut v = view.borrow_mut();
            state::update(&mut v.settings, Msg::Set(key, value));
            report("Drawing the activation chart", v.render());
        }
    };
    let mut listeners = view.borrow().controls.listen("input", send);
    let (tools, saves) = export::figure_buttons(
        &doc,
        &view,
        |v: &View| (&v.settings, &v.chart.canvas),
        0,
        "activation chart",
    )?;
    view.borrow().chart.canvas.after_with_node_1(&tools)?;
    listeners.extend(saves);
    listeners.push(on_resize({
        let view = view.clone();
        move || report("Drawing the activation chart", view.borrow().render())
    })?);
    Ok(Panel::new(listeners, Box::new(view)))
}
