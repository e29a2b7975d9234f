//! "Small network": seed 002's experiment live. Trains in time-boxed slices inside animation
//! frames (a few milliseconds each, statistics in a frame of their own), and draws the loss,
//! the dead-unit map, a layer's distributions and a comparison of the seed's remedies.

mod frames;
mod view;

use super::animation::FrameLoop;
use super::canvas::ChartCanvas;
use super::dom::{self, Select, Slider};
use super::Panel;
use crate::chart::{dead_map, Theme};
use crate::network_params::{
    self as np, NetworkParams, Optimizer, Preset, ACTIVATIONS, NUMBER_SPECS,
};
use crate::network_run::Run;
use crate::network_summary::{self as summary, Activity};
use crate::params::ALPHA;
use crate::sim::data::Dataset;
use frames::{schedule, start};
use gloo_events::EventListener;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Element, HtmlElement, MouseEvent};

/// Milliseconds of training per animation frame.
const BUDGET_MS: f64 = 8.0;

fn now() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map(|p| p.now())
        .unwrap_or(0.0)
}

struct Controls {
    preset: Select,
    numbers: Vec<Slider>,
    alpha: Slider,
    activation: Select,
    init: Select,
    optimizer: Select,
}

struct View {
    host: Element,
    controls: Controls,
    train: Element,
    one_epoch: Element,
    reset: Element,
    compare: Element,
    status: Element,
    loss: ChartCanvas,
    map: ChartCanvas,
    unit: Select,
    autopsy: Element,
    layer: Select,
    dist: ChartCanvas,
    compare_chart: ChartCanvas,
    compare_status: Element,
    link: dom::Permalink,
}

struct Comparison {
    runs: Vec<(Preset, Run)>,
    current: usize,
    active: bool,
}

struct State {
    view: View,
    params: NetworkParams,
    run: Run,
    /// Seed 002's data for (samples, seed), shared by every run that uses them.
    data: Option<((usize, u64), Rc<Dataset>)>,
    activity: Activity,
    comparison: Option<Comparison>,
    selected: (usize, usize),
    layer_shown: usize,
    /// Statistics arrived last frame: draw everything this frame, train next frame.
    full_render_due: bool,
    /// The animation-frame loop while training or comparing.
    running: Option<FrameLoop>,
    max_frame_ms: f64,
    started_ms: Option<f64>,
    /// What the last frame's work was (for the slowest-frame report).
    last_work: &'static str,
    /// Frames of training so far, to space the loss chart's redraws under reduced motion.
    frames_trained: u32,
}

/// Builds the panel inside `host` from query pairs.
pub fn mount(host: &Element, pairs: &[(String, String)]) -> Result<Panel, JsValue> {
    let doc = dom::document()?;
    let (params, warnings) = NetworkParams::from_pairs(pairs);
    let prefix = dom::unique_prefix("net");

    let mut presets: Vec<(&str, &str)> = Preset::ALL.iter().map(|p| (p.id(), p.label())).collect();
    presets.push(("custom", "Custom (your settings)"));
    let preset = Select::new(
        &doc,
        &format!("{prefix}-preset"),
        "Preset (seed's runs)",
        &presets,
        params.preset.map(|p| p.id()).unwrap_or("custom"),
    )?;
    let acts: Vec<(&str, &str)> = ACTIVATIONS.iter().map(|k| (k.id(), k.label())).collect();
    let activation = Select::new(
        &doc,
        &format!("{prefix}-act"),
        "Activation (every layer)",
        &acts,
        params.activation.id(),
    )?;
    let inits: Vec<(String, String)> = np::offered_initializers()
        .iter()
        .map(|i| (i.id(), i.label()))
        .collect();
    let init_refs: Vec<(&str, &str)> = inits
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let init = Select::new(
        &doc,
        &format!("{prefix}-init"),
        "Kernel initializer",
        &init_refs,
        &params.init.id(),
    )?;
    let opts: Vec<(&str, &str)> = Optimizer::ALL.iter().map(|o| (o.id(), o.label())).collect();
    let optimizer = Select::new(
        &doc,
        &format!("{prefix}-opt"),
        "Optimizer",
        &opts,
        params.optimizer.id(),
    )?;
    let mut numbers = Vec::new();
    for spec in NUMBER_SPECS {
        numbers.push(Slider::new(&doc, &prefix, spec, 0.0)?);
    }
    let alpha = Slider::new(&doc, &prefix, ALPHA, params.alpha)?;

    let train = dom::button(&doc, "Train")?;
    train.set_class_name("primary");
    let one_epoch = dom::button(&doc, "One epoch")?;
    let reset = dom::button(&doc, "Reset")?;
    let compare = dom::button(&doc, "Compare presets")?;

    let controls_el = dom::el(&doc, "div", "controls", "")?;
    let buttons = dom::el(&doc, "div", "buttons", "")?;
    for b in [&train, &one_epoch, &reset] {
        buttons.append_child(b)?;
    }
    controls_el.append_child(&preset.row)?;
    controls_el.append_child(&buttons)?;
    let arch = [np::SAMPLES.key, np::LAYERS.key, np::WIDTH.key];
    for s in numbers.iter().filter(|s| arch.contains(&s.spec.key)) {
        controls_el.append_child(&s.row)?;
    }
    controls_el.append_child(&activation.row)?;
    controls_el.append_child(&alpha.row)?;
    controls_el.append_child(&init.row)?;
    for s in numbers.iter().filter(|s| s.spec.key == np::BIAS.key) {
        controls_el.append_child(&s.row)?;
    }
    controls_el.append_child(&optimizer.row)?;
    for s in numbers
        .iter()
        .filter(|s| !arch.contains(&s.spec.key) && s.spec.key != np::BIAS.key)
    {
        controls_el.append_child(&s.row)?;
    }
    let hint = dom::el(
        &doc,
        "p",
        "hint",
        "Changing a setting starts a fresh run. α applies to Leaky ReLU and ELU.",
    )?;
    controls_el.append_child(&hint)?;
    let link = dom::Permalink::new(&doc, "network")?;
    controls_el.append_child(&link.link)?;

    let status = dom::live_status(&doc)?;
    let loss = ChartCanvas::new(&doc, "Loss per epoch", 0.5)?;
    let map = ChartCanvas::new(&doc, "Dead-unit map", 0.5)?;
    map.canvas.set_attribute("data-chart", "dead-map")?;
    loss.canvas.set_attribute("data-chart", "loss")?;
    let defs = dom::el(&doc, "p", "hint", &summary::definitions())?;
    let unit = Select::new(
        &doc,
        &format!("{prefix}-unit"),
        "Autopsy of (or click a row of the map)",
        &[],
        "",
    )?;
    let autopsy = dom::el(&doc, "p", "autopsy", "")?;
    autopsy.set_attribute("aria-live", "polite")?;
    let layer = Select::new(
        &doc,
        &format!("{prefix}-layer"),
        "Distributions of",
        &[],
        "",
    )?;
    let dist = ChartCanvas::new(
        &doc,
        "Distributions of one layer's outputs and gradients",
        0.62,
    )?;
    dist.canvas.set_attribute("data-chart", "distribution")?;
    let compare_chart = ChartCanvas::new(&doc, "Comparison of the presets", 0.55)?;
    compare_chart
        .canvas
        .set_attribute("data-chart", "comparison")?;
    compare_chart.canvas.set_hidden(true);
    let compare_status = dom::el(&doc, "p", "hint", "")?;
    compare_status.set_attribute("aria-live", "polite")?;

    let figure = dom::el(&doc, "div", "figure", "")?;
    figure.append_child(&status)?;
    figure.append_child(&loss.canvas)?;
    figure.append_child(&map.canvas)?;
    figure.append_child(&defs)?;
    figure.append_child(&unit.row)?;
    figure.append_child(&autopsy)?;
    figure.append_child(&layer.row)?;
    figure.append_child(&dist.canvas)?;
    let cbuttons = dom::el(&doc, "div", "buttons", "")?;
    cbuttons.append_child(&compare)?;
    figure.append_child(&cbuttons)?;
    figure.append_child(&compare_status)?;
    figure.append_child(&compare_chart.canvas)?;

    dom::lay_out(&doc, host, &controls_el, &figure, &warnings)?;

    let view = View {
        host: host.clone(),
        controls: Controls {
            preset,
            numbers,
            alpha,
            activation,
            init,
            optimizer,
        },
        train,
        one_epoch,
        reset,
        compare,
        status,
        loss,
        map,
        unit,
        autopsy,
        layer,
        dist,
        compare_chart,
        compare_status,
        link,
    };
    let run = Run::new(params.clone(), None);
    let state = Rc::new(RefCell::new(State {
        view,
        params,
        run,
        data: None,
        activity: Activity::Ready,
        comparison: None,
        selected: (0, 0),
        layer_shown: usize::MAX,
        full_render_due: false,
        running: None,
        max_frame_ms: 0.0,
        started_ms: None,
        last_work: "",
        frames_trained: 0,
    }));
    {
        let mut s = state.borrow_mut();
        s.write_controls()?;
        s.reset()?;
    }

    let mut listeners = Vec::new();
    let s = state.borrow();
    let v = &s.view;

    // Any setting: read the controls and start afresh.
    let on_setting = {
        let state = state.clone();
        move |_: &web_sys::Event| {
            let mut s = state.borrow_mut();
            s.read_controls();
            let r = s.write_controls().and_then(|_| s.reset());
            super::report(r);
        }
    };
    for sl in v
        .controls
        .numbers
        .iter()
        .chain(std::iter::once(&v.controls.alpha))
    {
        // Show the value while dragging; restart when it is let go.
        let show = {
            let input = sl.input.clone();
            let out = sl.output.clone();
            let spec = sl.spec;
            move |_: &web_sys::Event| {
                let pos = input.value().parse::<f64>().unwrap_or(f64::NAN);
                let v = if pos.is_finite() {
                    spec.from_slider(pos)
                } else {
                    spec.default
                };
                out.set_text_content(Some(&spec.format(v)));
            }
        };
        listeners.push(EventListener::new(&sl.input, "input", show));
        listeners.push(EventListener::new(&sl.input, "change", on_setting.clone()));
    }
    for sel in [
        &v.controls.activation,
        &v.controls.init,
        &v.controls.optimizer,
    ] {
        listeners.push(EventListener::new(
            &sel.select,
            "change",
            on_setting.clone(),
        ));
    }
    listeners.push(EventListener::new(&v.controls.preset.select, "change", {
        let state = state.clone();
        move |_| {
            let mut s = state.borrow_mut();
            if let Some(p) = Preset::from_id(&s.view.controls.preset.value()) {
                s.params = p.apply(&s.params);
            }
            let r = s.write_controls().and_then(|_| s.reset());
            super::report(r);
        }
    }));
    listeners.push(EventListener::new(&v.train, "click", {
        let state = state.clone();
        move |_| {
            let mut s = state.borrow_mut();
            if s.activity == Activity::Training {
                s.stop();
                s.activity = Activity::Paused;
            } else if s.run.failure().is_none() {
                if let Some(c) = s.comparison.as_mut() {
                    c.active = false;
                }
                let done = s.run.epochs_done();
                let target = if done >= s.params.epochs && !s.run.history.is_empty() {
                    done + s.params.epochs
                } else {
                    s.params.epochs
                };
                s.run.set_target(target);
                start(&state, &mut s);
            }
            super::report(s.render_status());
        }
    }));
    listeners.push(EventListener::new(&v.one_epoch, "click", {
        let state = state.clone();
        move |_| {
            let mut s = state.borrow_mut();
            if s.run.failure().is_none() {
                if let Some(c) = s.comparison.as_mut() {
                    c.active = false;
                }
                let target = s.run.epochs_done() + 1;
                s.run.set_target(target);
                start(&state, &mut s);
            }
            super::report(s.render_status());
        }
    }));
    listeners.push(EventListener::new(&v.reset, "click", {
        let state = state.clone();
        move |_| {
            let r = state.borrow_mut().reset();
            super::report(r);
        }
    }));
    listeners.push(EventListener::new(&v.compare, "click", {
        let state = state.clone();
        move |_| {
            let mut s = state.borrow_mut();
            if s.comparison.as_ref().map(|c| c.active).unwrap_or(false) {
                if let Some(c) = s.comparison.as_mut() {
                    c.active = false;
                }
                s.stop();
            } else {
                // Pause the main run and train every preset on the same data and seed.
                if s.activity == Activity::Training {
                    s.activity = Activity::Paused;
                }
                s.stop();
                let data = s.cached_data(&s.params);
                let runs = Preset::ALL
                    .iter()
                    .map(|p| (*p, Run::new(p.apply(&s.params), data.clone())))
                    .collect();
                s.comparison = Some(Comparison {
                    runs,
                    current: 0,
                    active: true,
                });
                s.started_ms = None;
                s.max_frame_ms = 0.0;
                s.running = Some(schedule(&state));
            }
            let r = s.render_compare().and_then(|_| s.render_status());
            super::report(r);
        }
    }));
    listeners.push(EventListener::new(&v.unit.select, "change", {
        let state = state.clone();
        move |_| {
            let mut s = state.borrow_mut();
            let value = s.view.unit.value();
            let mut parts = value.split(':').map(|t| t.parse::<usize>().ok());
            if let (Some(Some(l)), Some(Some(j))) = (parts.next(), parts.next()) {
                s.selected = (l, j);
            }
            s.render_autopsy();
            super::report(s.render_map());
        }
    }));
    listeners.push(EventListener::new(&v.layer.select, "change", {
        let state = state.clone();
        move |_| {
            let mut s = state.borrow_mut();
            if let Ok(l) = s.view.layer.value().parse::<usize>() {
                s.layer_shown = l;
            }
            super::report(s.render_dist());
        }
    }));
    let pick = {
        let state = state.clone();
        move |e: &web_sys::Event| {
            let Some(m) = e.dyn_ref::<MouseEvent>() else {
                return;
            };
            let mut s = state.borrow_mut();
            let canvas = s.view.map.canvas.clone();
            let css_w = canvas.client_width().max(1) as f64;
            let ratio = canvas.width() as f64 / css_w;
            let theme = Theme::light(ratio);
            let layout = dead_map::MapLayout::new(
                (canvas.width(), canvas.height()),
                &s.units(),
                s.epochs_axis(),
                &theme,
            );
            let hit = layout.hit(m.offset_x() as f64 * ratio, m.offset_y() as f64 * ratio);
            if let Some((l, j, _)) = hit {
                if s.selected != (l, j) {
                    s.selected = (l, j);
                    s.view.unit.select.set_value(&format!("{l}:{j}"));
                    s.render_autopsy();
                    super::report(s.render_map());
                }
            }
        }
    };
    listeners.push(EventListener::new(&v.map.canvas, "click", pick.clone()));
    listeners.push(EventListener::new(&v.map.canvas, "mousemove", pick));
    listeners.push(super::on_resize({
        let state = state.clone();
        move || super::report(state.borrow().render_all())
    })?);
    if let Some(el) = v.map.canvas.dyn_ref::<HtmlElement>() {
        el.set_title("Point at a unit's row to read its autopsy");
    }
    drop(s);
    Ok(Panel::new(listeners, Box::new(state)))
}
