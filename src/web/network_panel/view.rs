//! The panel's drawing and the sync between its controls and its settings.

use super::State;
use crate::chart::{comparison, dead_map, distribution, loss_curve};
use crate::network_params::{self as np, NetworkParams, Optimizer, Preset};
use crate::network_run::Run;
use crate::network_summary::{self as summary, Activity};
use crate::sim::activation::ActivationKind;
use crate::sim::data::{Dataset, SEED002_DEAD_LOSS};
use crate::sim::init::Initializer;
use crate::web::dom::{self, Select, Slider};
use std::rc::Rc;
use wasm_bindgen::JsValue;
use web_sys::Document;

impl State {
    pub(super) fn cached_data(&self, p: &NetworkParams) -> Option<Rc<Dataset>> {
        self.data
            .as_ref()
            .filter(|(k, _)| *k == (p.samples, p.seed))
            .map(|(_, d)| d.clone())
    }

    pub(super) fn remember_data(&mut self, p: &NetworkParams, d: Option<&Rc<Dataset>>) {
        if let Some(d) = d {
            self.data = Some(((p.samples, p.seed), d.clone()));
        }
    }

    pub(super) fn epochs_axis(&self) -> usize {
        self.params.epochs.max(self.run.target())
    }

    pub(super) fn units(&self) -> Vec<usize> {
        let mut u = vec![self.params.width; self.params.layers];
        u.push(1);
        u
    }

    pub(super) fn n_layers(&self) -> usize {
        self.params.layers + 1
    }

    pub(super) fn status_text(&self) -> String {
        summary::status(
            &self.params,
            &self.run.history,
            self.run.target(),
            self.activity,
            self.run.failure(),
        )
    }

    pub(super) fn mark_host(&self) -> Result<(), JsValue> {
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

    pub(super) fn render_status(&self) -> Result<(), JsValue> {
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

    pub(super) fn render_loss(&self) -> Result<(), JsValue> {
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

    pub(super) fn render_map(&self) -> Result<(), JsValue> {
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

    pub(super) fn render_autopsy(&self) {
        let (l, u) = self.selected;
        let text = summary::autopsy(
            &self.run.history,
            l,
            u,
            summary::steps_per_epoch(&self.params),
        );
        dom::set_text(&self.view.autopsy, &text);
    }

    pub(super) fn render_dist(&self) -> Result<(), JsValue> {
        let n_layers = self.n_layers();
        let layer = self.layer_shown.min(n_layers - 1);
        let history = &self.run.history;
        let epochs = self.epochs_axis();
        self.view
            .dist
            .draw(|area, theme| distribution::draw(area, history, epochs, layer, n_layers, theme))
    }

    pub(super) fn render_compare(&self) -> Result<(), JsValue> {
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

    pub(super) fn render_all(&self) -> Result<(), JsValue> {
        self.render_status()?;
        self.render_loss()?;
        self.render_map()?;
        self.render_autopsy();
        self.render_dist()?;
        self.render_compare()
    }

    /// Replaces the unit and layer menus to fit the network's shape.
    pub(super) fn rebuild_menus(&mut self) -> Result<(), JsValue> {
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

    pub(super) fn stop(&mut self) {
        self.running = None;
    }

    /// A fresh run of the current params (data reused when it is the same).
    pub(super) fn reset(&mut self) -> Result<(), JsValue> {
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
    pub(super) fn read_controls(&mut self) {
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
    pub(super) fn write_controls(&self) -> Result<(), JsValue> {
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

pub(super) fn set_slider(s: &Slider, v: f64) -> Result<(), JsValue> {
    s.input.set_value(&s.spec.to_slider(v).to_string());
    s.show(v)
}

pub(super) fn fill_select(
    doc: &Document,
    s: &Select,
    options: &[(String, String)],
) -> Result<(), JsValue> {
    s.select.set_text_content(None);
    for (value, text) in options {
        let o = dom::el(doc, "option", "", text)?;
        o.set_attribute("value", value)?;
        s.select.append_child(&o)?;
    }
    Ok(())
}
