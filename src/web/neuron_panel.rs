//! "One neuron": the unit R of seeds 000 and 001. The learner kills it with one large gradient
//! step and cures it with a positive bias, a smaller learning rate or a leaky activation.

use super::animation::FrameLoop;
use super::canvas::ChartCanvas;
use super::dom::{self, Select, Slider};
use super::Panel;
use crate::chart::gradient_flow::{self, GateState};
use crate::chart::{neuron_gate, neuron_timeline};
use crate::params::{format_sig, NeuronParams, ALPHA, NEURON_BIAS, NEURON_LR};
use crate::sim::activation::ActivationKind;
use crate::sim::neuron::{Gradients, Neuron, StepKind};
use crate::summary;
use gloo_events::EventListener;
use std::cell::RefCell;
use std::rc::{Rc, Weak};
use wasm_bindgen::JsValue;
use web_sys::Element;

/// SGD steps per animation frame while training: about 120 a second, slow enough to watch a
/// leaky unit climb back, fast enough not to bore.
const STEPS_PER_FRAME: usize = 2;
/// The inputs are the same on every load, so a link reproduces what its sender saw.
const SEED: u64 = 1;

struct Controls {
    select: Select,
    lr: Slider,
    bias: Slider,
    alpha: Slider,
    large: Element,
    train: Element,
    step: Element,
    reset: Element,
}

struct View {
    host: Element,
    params: NeuronParams,
    neuron: Neuron,
    /// Whether the gate has been shut for almost every input at some point: "recovered" then
    /// means something.
    was_shut: bool,
    /// Pre-activations just before the last large step, drawn as an outline.
    before_large: Option<Vec<f64>>,
    controls: Controls,
    gate_chart: ChartCanvas,
    flow_chart: ChartCanvas,
    timeline_chart: ChartCanvas,
    status: Element,
    problem: Element,
    link: dom::Permalink,
    running: Option<FrameLoop>,
}

impl View {
    fn all_inputs(&self) -> Vec<usize> {
        (0..self.neuron.inputs().len()).collect()
    }

    fn gradient_now(&self) -> Gradients {
        self.neuron.gradients_on(&self.all_inputs())
    }

    fn render(&self) -> Result<(), JsValue> {
        let f = self.neuron.f;
        let stats = self.neuron.stats();
        let now = self.gradient_now();
        let c = &self.controls;
        c.lr.show(self.params.lr)?;
        c.alpha.show(self.params.alpha)?;
        c.alpha.input.set_disabled(!self.params.kind.uses_alpha());
        // b moves as R learns; the slider follows it (clamped to its range), its text is exact.
        c.bias.input.set_value(
            &NEURON_BIAS
                .to_slider(NEURON_BIAS.clamp(self.neuron.b).unwrap_or(0.0))
                .to_string(),
        );
        c.bias.show(self.neuron.b)?;
        c.train.set_text_content(Some(if self.running.is_some() {
            "Pause"
        } else {
            "Train"
        }));
        c.train.set_attribute(
            "aria-pressed",
            if self.running.is_some() {
                "true"
            } else {
                "false"
            },
        )?;

        let a = self.neuron.preactivations();
        self.gate_chart.draw(|area, theme| {
            neuron_gate::draw(area, f, &a, &stats, self.before_large.as_deref(), theme)
        })?;

        let last_sgd = self
            .neuron
            .history()
            .last()
            .map(|s| s.kind == StepKind::Sgd && s.step > 0)
            .unwrap_or(false);
        let (shown, headline) = if last_sgd {
            (
                self.neuron.last_gradients(),
                format!(
                    "Gradients in SGD step {} (batch of 16)",
                    self.neuron.steps()
                ),
            )
        } else {
            (now, "Gradients now, averaged over all inputs".to_string())
        };
        let gate = if stats.flowing_fraction == 0.0 {
            GateState::Shut
        } else if stats.open_fraction < 0.5 {
            GateState::Leaking
        } else {
            GateState::Open
        };
        self.flow_chart.draw(|area, theme| {
            gradient_flow::draw(area, &shown, gate, &headline, self.params.lr, theme)
        })?;
        self.timeline_chart
            .draw(|area, theme| neuron_timeline::draw(area, self.neuron.history(), theme))?;

        self.gate_chart.canvas.set_attribute(
            "aria-label",
            &format!(
                "Histogram of the pre-activation a: mean {}, standard deviation {}, gate open for {}% of inputs.",
                format_sig(stats.mean, 3),
                format_sig(stats.sd, 3),
                (stats.open_fraction * 100.0).round()
            ),
        )?;
        dom::set_text(
            &self.status,
            &summary::neuron(f, &stats, &now, self.was_shut),
        );
        // Exact state for scripts and tests (Rust's shortest round-trip form of each f64).
        let n = &self.neuron;
        for (k, v) in [
            ("w1", n.w[0]),
            ("w2", n.w[1]),
            ("b", n.b),
            ("open", stats.open_fraction),
        ] {
            self.host
                .set_attribute(&format!("data-{k}"), &v.to_string())?;
        }
        self.host
            .set_attribute("data-steps", &n.steps().to_string())?;
        self.link.update(&self.params.to_query())
    }

    fn note_gate(&mut self) {
        if self.neuron.stats().open_fraction < 0.05 {
            self.was_shut = true;
        }
    }

    fn show_problem(&self, text: &str) {
        self.problem.set_text_content(Some(text));
        let _ = self
            .problem
            .set_attribute("style", if text.is_empty() { "display:none" } else { "" });
    }

    /// Runs one kind of step and reports divergence in words instead of applying it.
    fn step(&mut self, large: bool) -> bool {
        let lr = self.params.lr;
        if large {
            self.before_large = Some(self.neuron.preactivations());
        }
        let r = if large {
            self.neuron.large_gradient_step(lr)
        } else {
            self.neuron.sgd_step(lr)
        };
        match r {
            Ok(_) => {
                self.note_gate();
                self.show_problem("");
                true
            }
            Err(e) => {
                self.running = None;
                self.show_problem(&format!(
                    "Training stopped: {e}. R keeps its last finite values; lower the learning rate or press Reset."
                ));
                false
            }
        }
    }

    fn reset(&mut self) {
        self.running = None;
        self.neuron = Neuron::new(self.params.activation(), self.params.bias, SEED);
        self.was_shut = false;
        self.before_large = None;
        self.show_problem("");
    }
}

/// Builds the panel inside `host` from query pairs.
pub fn mount(host: &Element, pairs: &[(String, String)]) -> Result<Panel, JsValue> {
    let doc = dom::document()?;
    let (params, warnings) = NeuronParams::from_pairs(pairs);
    let prefix = dom::unique_prefix("neuron");

    let select = dom::activation_select(&doc, &format!("{prefix}-f"), "Activation f", params.kind)?;
    let lr = Slider::new(&doc, &prefix, NEURON_LR, params.lr)?;
    let bias = Slider::new(&doc, &prefix, NEURON_BIAS, params.bias)?;
    let alpha = Slider::new(&doc, &prefix, ALPHA, params.alpha)?;
    let large = dom::button(&doc, "Large gradient step")?;
    large.set_class_name("primary");
    let train = dom::button(&doc, "Train")?;
    let step = dom::button(&doc, "Step")?;
    let reset = dom::button(&doc, "Reset")?;
    let buttons = dom::el(&doc, "div", "buttons", "")?;
    for b in [&large, &train, &step, &reset] {
        buttons.append_child(b)?;
    }
    let task = dom::el(
        &doc,
        "p",
        "hint",
        "R learns y = ½(x1 + x2) − 0.3 from 500 inputs with x1, x2 ~ N(0.5, 0.15²). The large step is one SGD step with an error signal ∂L/∂y ≈ 13 at the average input, scaled by the learning rate.",
    )?;
    let controls_el = dom::el(&doc, "div", "controls", "")?;
    controls_el.append_child(&select.row)?;
    controls_el.append_child(&lr.row)?;
    controls_el.append_child(&bias.row)?;
    controls_el.append_child(&alpha.row)?;
    controls_el.append_child(&buttons)?;
    controls_el.append_child(&task)?;
    let link = dom::Permalink::new(&doc, "neuron")?;
    controls_el.append_child(&link.link)?;

    let gate_chart =
        ChartCanvas::new(&doc, "Histogram of the pre-activation a", 0.6)?.with_narrow_aspect(1.3);
    let flow_chart = ChartCanvas::new(&doc, "Gradient flow through R", 0.42)?;
    flow_chart.canvas.set_attribute("aria-label", "Gradient flow diagram: x1, x2 and b feed a, which passes the gate to y; edge widths are gradient sizes")?;
    let timeline_chart = ChartCanvas::new(
        &doc,
        "Timelines of w1, w2, b, the loss and the open-gate fraction",
        0.75,
    )?;
    let status = dom::live_status(&doc)?;
    let problem = dom::el(&doc, "p", "notice", "")?;
    problem.set_attribute("role", "alert")?;
    problem.set_attribute("style", "display:none")?;
    let figure = dom::el(&doc, "div", "figure", "")?;
    figure.append_child(&status)?;
    figure.append_child(&problem)?;
    figure.append_child(&gate_chart.canvas)?;
    figure.append_child(&flow_chart.canvas)?;
    figure.append_child(&timeline_chart.canvas)?;
    dom::lay_out(&doc, host, &controls_el, &figure, &warnings)?;

    let neuron = Neuron::new(params.activation(), params.bias, SEED);
    let controls = Controls {
        select,
        lr,
        bias,
        alpha,
        large,
        train,
        step,
        reset,
    };
    let view = Rc::new(RefCell::new(View {
        host: host.clone(),
        params,
        neuron,
        was_shut: false,
        before_large: None,
        controls,
        gate_chart,
        flow_chart,
        timeline_chart,
        status,
        problem,
        link,
        running: None,
    }));
    view.borrow().render()?;

    // Every handler changes the view, then redraws it; errors go to the page.
    let on = |target: &Element, event: &'static str, act: fn(&Rc<RefCell<View>>)| {
        let view = view.clone();
        EventListener::new(target, event, move |_| {
            act(&view);
            super::report(view.borrow().render());
        })
    };
    let v = view.borrow();
    let c = &v.controls;
    let listeners = vec![
        on(&c.select.select, "change", |view| {
            let mut v = view.borrow_mut();
            v.params.kind =
                ActivationKind::from_id(&v.controls.select.value()).unwrap_or(v.params.kind);
            let f = v.params.activation();
            v.neuron.set_activation(f);
        }),
        on(&c.alpha.input, "input", |view| {
            let mut v = view.borrow_mut();
            v.params.alpha = v.controls.alpha.value();
            let f = v.params.activation();
            v.neuron.set_activation(f);
        }),
        on(&c.lr.input, "input", |view| {
            let mut v = view.borrow_mut();
            v.params.lr = v.controls.lr.value();
        }),
        on(&c.bias.input, "input", |view| {
            let mut v = view.borrow_mut();
            let b = v.controls.bias.value();
            v.params.bias = b;
            v.neuron.set_bias(b);
            v.note_gate();
        }),
        on(&c.large, "click", |view| {
            view.borrow_mut().step(true);
        }),
        on(&c.step, "click", |view| {
            let mut v = view.borrow_mut();
            v.running = None;
            v.step(false);
        }),
        on(&c.reset, "click", |view| view.borrow_mut().reset()),
        on(&c.train, "click", toggle_training),
        super::on_resize({
            let view = view.clone();
            move || super::report(view.borrow().render())
        })?,
    ];
    drop(v);
    Ok(Panel::new(listeners, Box::new(view)))
}

fn toggle_training(view: &Rc<RefCell<View>>) {
    let mut v = view.borrow_mut();
    if v.running.take().is_some() {
        return;
    }
    // The loop holds the view weakly: removing the panel ends the loop.
    let weak: Weak<RefCell<View>> = Rc::downgrade(view);
    let every = super::frames_per_redraw();
    let mut frame = 0u32;
    v.running = Some(FrameLoop::start(move |_| {
        let Some(view) = weak.upgrade() else {
            return false;
        };
        let Ok(mut v) = view.try_borrow_mut() else {
            return true;
        };
        let mut ok = true;
        for _ in 0..STEPS_PER_FRAME {
            ok = v.step(false);
            if !ok {
                break;
            }
        }
        drop(v);
        frame = frame.wrapping_add(1);
        if !ok || frame.is_multiple_of(every) {
            super::report(view.borrow().render());
        }
        ok
    }));
}
