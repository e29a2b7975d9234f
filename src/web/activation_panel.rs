//! "Activation functions": f(x) and f'(x), the dead side shaded, a select and an α slider.

use super::canvas::ChartCanvas;
use super::dom::{self, Select, Slider};
use super::Panel;
use crate::chart::activation_curve;
use crate::params::{ActivationParams, ALPHA};
use crate::sim::activation::ActivationKind;
use crate::summary;
use gloo_events::EventListener;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsValue;
use web_sys::Element;

struct View {
    params: ActivationParams,
    select: Select,
    alpha: Slider,
    chart: ChartCanvas,
    status: Element,
    link: dom::Permalink,
}

impl View {
    fn render(&self) -> Result<(), JsValue> {
        let f = self.params.activation();
        self.alpha.show(self.params.alpha)?;
        // α only matters to Leaky ReLU and ELU: say so rather than hide the control.
        self.alpha
            .input
            .set_disabled(!self.params.kind.uses_alpha());
        self.chart.canvas.set_attribute(
            "aria-label",
            &format!(
                "Chart of {} and its derivative; the shaded band is where the derivative is zero.",
                f.describe()
            ),
        )?;
        self.chart
            .draw(|area, theme| activation_curve::draw(area, f, theme))?;
        dom::set_text(&self.status, &summary::activation(f));
        self.link.update(&self.params.to_query())
    }

    fn read_controls(&mut self) {
        self.params.kind =
            ActivationKind::from_id(&self.select.value()).unwrap_or(self.params.kind);
        self.params.alpha = self.alpha.value();
    }
}

/// Builds the panel inside `host` from query pairs (the page URL or an embed's attributes).
pub fn mount(host: &Element, pairs: &[(String, String)]) -> Result<Panel, JsValue> {
    let doc = dom::document()?;
    let (params, warnings) = ActivationParams::from_pairs(pairs);
    let prefix = dom::unique_prefix("act");

    let select = dom::activation_select(&doc, &format!("{prefix}-f"), "Function", params.kind)?;
    let alpha = Slider::new(&doc, &prefix, ALPHA, params.alpha)?;
    let hint = dom::el(&doc, "p", "hint", "α is used by Leaky ReLU and ELU.")?;
    let chart = ChartCanvas::new(&doc, "Activation function chart", 0.62)?;
    let status = dom::live_status(&doc)?;
    let link = dom::Permalink::new(&doc, "activation")?;

    let controls = dom::el(&doc, "div", "controls", "")?;
    controls.append_child(&select.row)?;
    controls.append_child(&alpha.row)?;
    controls.append_child(&hint)?;
    let figure = dom::el(&doc, "div", "figure", "")?;
    figure.append_child(&chart.canvas)?;
    figure.append_child(&status)?;
    figure.append_child(&link.link)?;
    dom::lay_out(&doc, host, &controls, &figure, &warnings)?;

    let view = Rc::new(RefCell::new(View {
        params,
        select,
        alpha,
        chart,
        status,
        link,
    }));
    view.borrow().render()?;

    let on_change = {
        let view = view.clone();
        move |_: &web_sys::Event| {
            let mut v = view.borrow_mut();
            v.read_controls();
            super::report(v.render());
        }
    };
    let v = view.borrow();
    let listeners = vec![
        EventListener::new(&v.select.select, "change", on_change.clone()),
        EventListener::new(&v.alpha.input, "input", on_change.clone()),
        super::on_resize({
            let view = view.clone();
            move || super::report(view.borrow().render())
        })?,
    ];
    drop(v);
    Ok(Panel::new(listeners, Box::new(view)))
}
