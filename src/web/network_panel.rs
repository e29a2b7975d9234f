//! "Small network": seed 002's experiment live. Trains in time-boxed slices inside animation
//! frames (a few milliseconds each, statistics in a frame of their own), and draws the loss,
//! the dead-unit map, a layer's distributions and a comparison of the seed's remedies.

use super::canvas::ChartCanvas;
use super::dom::{self, Select, Slider};
use super::Panel;
use crate::chart::{comparison, dead_map, distribution, loss_curve, Theme};
use crate::network_params::{
    self as np, NetworkParams, Optimizer, Preset, ACTIVATIONS, NUMBER_SPECS,
};
use crate::network_run::{Run, Work};
use crate::network_summary::{self as summary, Activity};
use crate::params::ALPHA;
use crate::sim::activation::ActivationKind;
use crate::sim::data::{Dataset, SEED002_DEAD_LOSS};
use crate::sim::init::Initializer;
use gloo_events::EventListener;
use gloo_render::{request_animation_frame, AnimationFrame};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Document, Element, HtmlElement, MouseEvent};

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
    raf: Option<AnimationFrame>,
    /// The handle of the frame now running: kept until the next frame so a closure is never
    /// dropped while it executes.
    retired: Option<AnimationFrame>,
    max_frame_ms: f64,
    started_ms: Option<f64>,
    /// What the last frame's work was (for the slowest-frame report).
    last_work: &'static str,
}

impl State {
    fn cached_data(&self, p: &NetworkParams) -> Option<Rc<Dataset>> {
        self.data
            .as_ref()
            .filter(|(k, _)| *k == (p.samples, p.seed))
            .map(|(_, d)| d.clone())
    }

    fn remember_data(&mut self, p: &NetworkParams, d: Option<&Rc<Dataset>>) {
        if let Some(d) = d {
            self.data = Some(((p.samples, p.seed), d.clone()));
        }
    }

    fn epochs_axis(&self) -> usize {
        self.params.epochs.max(self.run.target())
    }

    fn units(&self) -> Vec<usize> {
        let mut u = vec![self.params.width; self.params.layers];
        u.push(1);
        u
    }

    fn n_layers(&self) -> usize {
        self.params.layers + 1
    }

    fn status_text(&self) -> String {
        summary::status(
            &self.params,
            &self.run.history,
            self.run.target(),
            self.activity,
            self.run.failure(),
        )
    }

    fn mark_host(&self) -> Result<(), JsValue> {
        let h = &self.view.host;
        let state = match self.activity {
            _ if self.run.failure().is_some() => "failed",
            Activity::Ready => "ready",
            Activity::Training => "training",
            Activity::Paused => "paused",
            Activity::Finished => "finished",
        };
        h.set_attribute("data-run", state)?;
        h.set_attribute("data-epoch", &self.run.epochs_done().to_string())?;
        h.set_attribute("data-max-frame-ms", &format!("{:.2}", self.max_frame_ms))?;
        if let Some(last) = self.run.latest() {
            h.set_attribute("data-val-loss", &format!("{:.6}", last.val_loss))?;
            h.set_attribute("data-grads-zero", &last.gradients_all_zero().to_string())?;
            h.set_attribute("data-output-dead", &summary::output_dead(last).to_string())?;
        }
        let comparing = self.comparison.as_ref().map(|c| c.active).unwrap_or(false);
        h.set_attribute("data-compare", if comparing { "running" } else { "idle" })?;
        Ok(())
    }

    fn render_status(&self) -> Result<(), JsValue> {
        let v = &self.view;
        dom::set_text(&v.status, &self.status_text());
        v.link.update(&self.params.to_query())?;
        let training = self.activity == Activity::Training;
        v.train
            .set_text_content(Some(if training { "Pause" } else { "Train" }));
        v.train
            .set_attribute("aria-pressed", if training { "true" } else { "false" })?;
        let comparing = self.comparison.as_ref().map(|c| c.active).unwrap_or(false);
        v.compare.set_text_content(Some(if comparing {
            "Stop comparing"
        } else {
            "Compare presets"
        }));
        self.mark_host()
    }

    fn render_loss(&self) -> Result<(), JsValue> {
        let data = loss_curve::LossData {
            epochs: self.epochs_axis(),
            history: &self.run.history,
            trace: &self.run.trace,
            dead_loss: SEED002_DEAD_LOSS,
        };
        self.view.loss.canvas.set_attribute(
            "aria-label",
            &format!("Loss per epoch. {}", self.status_text()),
        )?;
        self.view
            .loss
            .draw(|area, theme| loss_curve::draw(area, &data, theme))
    }

    fn render_map(&self) -> Result<(), JsValue> {
        let units = self.units();
        let data = dead_map::MapData {
            history: &self.run.history,
            epochs: self.epochs_axis(),
            units: &units,
            selected: Some(self.selected),
        };
        let dead = self
            .run
            .latest()
            .map(|s| {
                format!(
                    "{} of {} units dead",
                    s.layers.iter().map(|l| l.dead_count()).sum::<usize>(),
                    self.params.units()
                )
            })
            .unwrap_or_else(|| "not trained yet".into());
        self.view.map.canvas.set_attribute(
            "aria-label",
            &format!("Dead-unit map, a cell per unit per epoch: {dead}."),
        )?;
        self.view
            .map
            .draw(|area, theme| dead_map::draw(area, &data, theme))
    }

    fn render_autopsy(&self) {
        let (l, u) = self.selected;
        let text = summary::autopsy(
            &self.run.history,
            l,
            u,
            summary::steps_per_epoch(&self.params),
        );
        dom::set_text(&self.view.autopsy, &text);
    }

    fn render_dist(&self) -> Result<(), JsValue> {
        let n_layers = self.n_layers();
        let layer = self.layer_shown.min(n_layers - 1);
        let history = &self.run.history;
        let epochs = self.epochs_axis();
        self.view
            .dist
            .draw(|area, theme| distribution::draw(area, history, epochs, layer, n_layers, theme))
    }

    fn render_compare(&self) -> Result<(), JsValue> {
        // No empty canvas on the page: the comparison chart appears with its first run.
        let canvas = &self.view.compare_chart.canvas;
        let Some(c) = &self.comparison else {
            self.view.compare_status.set_text_content(Some(
                "Compare presets runs every preset on the same data and seed, one after another.",
            ));
            canvas.set_hidden(true);
            return Ok(());
        };
        canvas.set_hidden(false);
        let entries: Vec<comparison::Entry> = c
            .runs
            .iter()
            .map(|(p, r)| comparison::Entry {
                label: p.label(),
                history: &r.history,
                failed: r.failure().is_some(),
            })
            .collect();
        let lines: Vec<String> = c
            .runs
            .iter()
            .map(|(p, r)| summary::compare_line(p.label(), &r.history, r.failure()))
            .collect();
        let head = if c.active {
            format!(
                "Comparing ({} of {}): ",
                (c.current + 1).min(c.runs.len()),
                c.runs.len()
            )
        } else {
            "Comparison: ".into()
        };
        self.view
            .compare_status
            .set_text_content(Some(&format!("{head}{}", lines.join(" "))));
        let epochs = self.params.epochs;
        self.view
            .compare_chart
            .draw(|area, theme| comparison::draw(area, &entries, epochs, SEED002_DEAD_LOSS, theme))
    }

    fn render_all(&self) -> Result<(), JsValue> {
        self.render_status()?;
        self.render_loss()?;
        self.render_map()?;
        self.render_autopsy();
        self.render_dist()?;
        self.render_compare()
    }

    /// Replaces the unit and layer menus to fit the network's shape.
    fn rebuild_menus(&mut self) -> Result<(), JsValue> {
        let doc = dom::document()?;
        let n = self.n_layers();
        let mut units = Vec::new();
        for l in 0..n {
            let count = if l + 1 == n { 1 } else { self.params.width };
            for j in 0..count {
                units.push((format!("{l}:{j}"), summary::unit_name(l, n, j)));
            }
        }
        fill_select(&doc, &self.view.unit, &units)?;
        self.selected = (n - 1, 0);
        self.view.unit.select.set_value(&format!("{}:0", n - 1));
        let layers: Vec<(String, String)> = (0..n)
            .map(|l| (l.to_string(), distribution::layer_name(l, n)))
            .collect();
        fill_select(&doc, &self.view.layer, &layers)?;
        self.layer_shown = self.layer_shown.min(n - 1);
        self.view
            .layer
            .select
            .set_value(&self.layer_shown.to_string());
        Ok(())
    }

    fn stop(&mut self) {
        self.raf = None;
    }

    /// A fresh run of the current params (data reused when it is the same).
    fn reset(&mut self) -> Result<(), JsValue> {
        self.stop();
        if let Some(c) = self.comparison.as_mut() {
            c.active = false;
        }
        let data = self.cached_data(&self.params);
        self.run = Run::new(self.params.clone(), data);
        self.activity = Activity::Ready;
        self.max_frame_ms = 0.0;
        self.started_ms = None;
        self.rebuild_menus()?;
        self.render_all()
    }

    /// Reads every control into params (a control changed: this is now a custom run).
    fn read_controls(&mut self) {
        let c = &self.view.controls;
        let value = |key: &str| {
            c.numbers
                .iter()
                .find(|s| s.spec.key == key)
                .map(|s| s.value())
                .unwrap_or(0.0)
        };
        let whole = |v: f64| v.round().max(0.0) as usize;
        let p = &mut self.params;
        p.samples = whole(value(np::SAMPLES.key));
        p.layers = whole(value(np::LAYERS.key));
        p.width = whole(value(np::WIDTH.key)).max(1);
        p.bias = value(np::BIAS.key);
        p.lr = value(np::LEARNING_RATE.key);
        p.batch = whole(value(np::BATCH.key)).max(1);
        p.epochs = whole(value(np::EPOCHS.key)).max(1);
        p.seed = whole(value(np::SEED.key)) as u64;
        p.alpha = c.alpha.value();
        p.activation = ActivationKind::from_id(&c.activation.value()).unwrap_or(p.activation);
        p.init = Initializer::from_id(&c.init.value()).unwrap_or(p.init);
        p.optimizer = Optimizer::from_id(&c.optimizer.value()).unwrap_or(p.optimizer);
        let chosen = Preset::from_id(&c.preset.value());
        p.preset = chosen.filter(|pr| pr.apply(p) == *p);
    }

    /// Shows params in the controls.
    fn write_controls(&self) -> Result<(), JsValue> {
        let c = &self.view.controls;
        let p = &self.params;
        for s in &c.numbers {
            let v = match s.spec.key {
                k if k == np::SAMPLES.key => p.samples as f64,
                k if k == np::LAYERS.key => p.layers as f64,
                k if k == np::WIDTH.key => p.width as f64,
                k if k == np::BIAS.key => p.bias,
                k if k == np::LEARNING_RATE.key => p.lr,
                k if k == np::BATCH.key => p.batch as f64,
                k if k == np::EPOCHS.key => p.epochs as f64,
                _ => p.seed as f64,
            };
            set_slider(s, v)?;
        }
        set_slider(&c.alpha, p.alpha)?;
        c.alpha.input.set_disabled(!p.activation.uses_alpha());
        c.activation.select.set_value(p.activation.id());
        c.init.select.set_value(&p.init.id());
        c.optimizer.select.set_value(p.optimizer.id());
        c.preset
            .select
            .set_value(p.preset.map(|x| x.id()).unwrap_or("custom"));
        Ok(())
    }
}

fn set_slider(s: &Slider, v: f64) -> Result<(), JsValue> {
    s.input.set_value(&s.spec.to_slider(v).to_string());
    s.show(v)
}

fn fill_select(doc: &Document, s: &Select, options: &[(String, String)]) -> Result<(), JsValue> {
    s.select.set_text_content(None);
    for (value, text) in options {
        let o = dom::el(doc, "option", "", text)?;
        o.set_attribute("value", value)?;
        s.select.append_child(&o)?;
    }
    Ok(())
}

type Shared = Rc<RefCell<State>>;

fn schedule(rc: &Shared) -> AnimationFrame {
    let weak = Rc::downgrade(rc);
    request_animation_frame(move |_| {
        if let Some(rc) = weak.upgrade() {
            frame(&rc);
        }
    })
}

/// One animation frame: one piece of work, then the drawing it calls for.
fn frame(rc: &Shared) {
    let mut s = rc.borrow_mut();
    // This frame's handle: its closure is running now, so it is dropped next frame, not here.
    s.retired = s.raf.take();
    let t0 = now();
    if s.started_ms.is_none() {
        s.started_ms = Some(t0);
    }
    let rendering = s.full_render_due;
    let result = step(&mut s);
    let dt = now() - t0;
    if dt > s.max_frame_ms {
        s.max_frame_ms = dt;
        let kind = if rendering {
            "drawing every chart"
        } else {
            s.last_work
        };
        let _ = s.view.host.set_attribute("data-slowest-frame", kind);
    }
    let go = match result {
        Ok(go) => go,
        Err(e) => {
            super::report(Err(e));
            false
        }
    };
    let finished_compare = s.comparison.as_ref().map(|c| !c.active).unwrap_or(true);
    if go {
        s.raf = Some(schedule(rc));
    } else if s.activity == Activity::Training && finished_compare {
        s.activity = Activity::Finished;
    }
    if let Some(t) = s.started_ms {
        if !go {
            let _ = s
                .view
                .host
                .set_attribute("data-run-ms", &format!("{:.0}", now() - t));
        }
    }
    super::report(s.render_status());
}

/// Does this frame's work; returns whether another frame is needed.
fn step(s: &mut State) -> Result<bool, JsValue> {
    if s.full_render_due {
        s.full_render_due = false;
        s.render_all()?;
        let more = match &s.comparison {
            Some(c) if c.active => true,
            _ => s.activity == Activity::Training && !s.run.is_finished(),
        };
        return Ok(more);
    }
    let mut clock = now;
    if let Some(c) = s.comparison.as_mut().filter(|c| c.active) {
        let Some((_, run)) = c.runs.get_mut(c.current) else {
            c.active = false;
            s.full_render_due = false;
            s.render_compare()?;
            return Ok(false);
        };
        let w = run.work(BUDGET_MS, &mut clock);
        let data = run.data().cloned();
        let params = run.params.clone();
        if run.is_finished() {
            c.current += 1;
            if c.current >= c.runs.len() {
                c.active = false;
            } else if let Some((_, next)) = c.runs.get_mut(c.current) {
                // Every preset trains on the same data.
                if next.data().is_none() {
                    *next = Run::new(next.params.clone(), data.clone());
                }
            }
        }
        let active = c.active;
        s.remember_data(&params, data.as_ref());
        if matches!(w, Work::Epoch(_) | Work::Initial) || !active {
            s.render_compare()?;
        }
        return Ok(active);
    }
    if s.activity != Activity::Training {
        return Ok(false);
    }
    let w = s.run.work(BUDGET_MS, &mut clock);
    s.last_work = match w {
        Work::GeneratedData => "generating data",
        Work::BuiltNetwork => "building the network",
        Work::Initial => "statistics at initialization",
        Work::Trained(_) => "training steps and the loss chart",
        Work::Epoch(_) => "epoch statistics",
        Work::Done | Work::Failed => "finishing",
    };
    let params = s.params.clone();
    let data = s.run.data().cloned();
    s.remember_data(&params, data.as_ref());
    match w {
        Work::Trained(_) => {
            s.render_loss()?;
            Ok(true)
        }
        Work::GeneratedData | Work::BuiltNetwork => Ok(true),
        Work::Initial | Work::Epoch(_) => {
            s.full_render_due = true;
            Ok(true)
        }
        Work::Done => {
            s.activity = Activity::Finished;
            s.render_all()?;
            Ok(false)
        }
        Work::Failed => {
            s.activity = Activity::Finished;
            s.render_all()?;
            Ok(false)
        }
    }
}

fn start(rc: &Shared, s: &mut State) {
    s.activity = Activity::Training;
    if s.raf.is_none() {
        s.raf = Some(schedule(rc));
    }
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
        raf: None,
        retired: None,
        max_frame_ms: 0.0,
        started_ms: None,
        last_work: "",
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
                s.raf = Some(schedule(&state));
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
