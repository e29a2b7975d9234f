//! The panel's drawing: each part of the view from the state, and the menus that follow the
//! network's shape.

use super::Mounted;
use crate::chart::figure::Figures;
use crate::panels::network::charts::{comparison, distribution};
use crate::panels::network::figures;
use crate::panels::network::settings::{Settings, FIELDS};
use crate::panels::network::state::{Activity, Redraw};
use crate::panels::network::words;
use crate::web::dom::{self, Select};
use wasm_bindgen::JsValue;
use web_sys::Document;

/// What the comparison chart showed when last drawn: its canvas size, its common loss scale
/// (the bits of its top) and each cell's epochs and failure.
pub(super) struct CompareDrawn {
    size: (u32, u32),
    top: u64,
    cells: Vec<(usize, bool)>,
}

/// A chart drawn in a later frame than the message that changed it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Part {
    Map,
    Plane,
    Atlas,
    Distributions,
    Meter,
    Compare,
}

/// The attributes that describe a run's numbers, absent until it has some.
const RUN_ATTRIBUTES: [&str; 6] = [
    "data-val-loss",
    "data-grads-zero",
    "data-output-dead",
    "data-accuracy",
    "data-hidden-dead",
    "data-hidden-units",
];

impl Mounted {
    /// Draws what a message or a frame called for.
    pub(super) fn redraw(&mut self, r: Redraw) -> Result<(), JsValue> {
        match r {
            Redraw::Nothing => Ok(()),
            Redraw::Status => self.render_status(),
            // Charts first: each reads the layout before the status text changes it.
            Redraw::Loss => self.render_loss().and_then(|_| self.render_status()),
            // The comparison chart is drawn in the next frame (showing it lays the page out).
            Redraw::Compare => {
                self.render_status()?;
                if !self.pending.contains(&Part::Compare) {
                    self.pending.insert(0, Part::Compare);
                }
                self.mark_pending()
            }
            Redraw::Unit => {
                self.render_autopsy();
                self.view.unit.select.set_value(&format!(
                    "{}:{}",
                    self.state.selected.0, self.state.selected.1
                ));
                self.render_map()
            }
            Redraw::Layer => self.render_dist(),
            Redraw::Plane => self.render_plane().and_then(|_| self.render_atlas()),
            Redraw::All => self.render_spread(),
            Redraw::Reading => {
                self.write_controls()?;
                self.view.takeaway.render(&self.state);
                self.render_spread()
            }
            Redraw::Rebuild => {
                // A fresh run: its frame timings start again too.
                self.max_frame_ms = 0.0;
                self.started_ms = None;
                for a in ["data-slowest-frame", "data-run-ms"] {
                    self.view.host.remove_attribute(a)?;
                }
                self.write_controls()?;
                self.rebuild_menus()?;
                self.view.takeaway.render(&self.state);
                self.render_spread()
            }
        }
    }

    fn status_text(&self) -> String {
        let s = &self.state;
        let status = words::status_on(
            &s.settings,
            &s.run.history,
            (s.run.target(), s.activity, s.run.failure()),
            &s.data_info(),
        );
        match &s.engine_notice {
            Some(n) => format!("{status} (The training engine refused a message: {n}.)"),
            None => status,
        }
    }

    /// Exact state for scripts and tests.
    fn mark_host(&self) -> Result<(), JsValue> {
        let h = &self.view.host;
        let s = &self.state;
        let run = match s.activity {
            _ if s.run.failure().is_some() => "failed",
            Activity::Ready => "ready",
            Activity::Training => "training",
            Activity::Paused => "paused",
            Activity::Finished => "finished",
        };
        h.set_attribute("data-run", run)?;
        h.set_attribute("data-epoch", &s.run.epochs_done().to_string())?;
        h.set_attribute("data-max-frame-ms", &format!("{:.2}", self.max_frame_ms))?;
        match s.run.latest() {
            Some(last) => {
                // Every digit (Rust prints the shortest text that reads back the same number): a
                // loss of 1e-18 must not read as 0.
                h.set_attribute("data-val-loss", &last.val_loss.to_string())?;
                h.set_attribute("data-grads-zero", &last.gradients_all_zero().to_string())?;
                h.set_attribute("data-output-dead", &words::output_dead(last).to_string())?;
                match last.val_accuracy {
                    Some(a) => h.set_attribute("data-accuracy", &a.to_string())?,
                    None => h.remove_attribute("data-accuracy")?,
                }
                let hidden = &last.layers[..last.layers.len().saturating_sub(1)];
                let dead: usize = hidden.iter().map(|l| l.dead_count()).sum();
                let units: usize = hidden.iter().map(|l| l.units).sum();
                h.set_attribute("data-hidden-dead", &dead.to_string())?;
                h.set_attribute("data-hidden-units", &units.to_string())?;
            }
            // A fresh run has no numbers yet: none of the last run's may linger.
            None => {
                for a in RUN_ATTRIBUTES {
                    h.remove_attribute(a)?;
                }
            }
        }
        h.set_attribute("data-dead-line", &s.dead_loss().to_string())?;
        let source = if s.own.is_some() {
            "own"
        } else {
            s.settings.task.id()
        };
        h.set_attribute("data-source", source)?;
        let comparing = if s.comparing() { "running" } else { "idle" };
        let engine = s.engine_info();
        h.set_attribute("data-engine", engine.id)?;
        h.set_attribute(
            "data-statistics",
            if engine.helper { "helper" } else { "trainer" },
        )?;
        h.set_attribute("data-compare", comparing)
    }

    pub(super) fn render_status(&self) -> Result<(), JsValue> {
        let v = &self.view;
        dom::set_text(&v.status, &self.status_text());
        let settings = &self.state.settings;
        v.link.update(&settings.to_query())?;
        if let Some(a) = &self.address {
            a.publish(&FIELDS, settings, &Settings::default());
        }
        let training = self.state.activity == Activity::Training;
        // Only when it changes, as every write below: a write changes the page (see frames).
        dom::set_text(&v.train, if training { "Pause" } else { "Train" });
        v.train
            .set_attribute("aria-pressed", if training { "true" } else { "false" })?;
        let label = match (self.state.comparing(), self.state.compares_rates()) {
            (true, _) => "Stop comparing",
            (false, true) => "Compare learning rates",
            (false, false) => "Compare presets",
        };
        dom::set_text(&v.compare, label);
        dom::set_text(
            &v.engine_note,
            &words::engine_line(&self.state.engine_info()),
        );
        v.own.render(&self.state)?;
        self.mark_host()
    }

    fn render_loss(&self) -> Result<(), JsValue> {
        let s = &self.state;
        self.view
            .loss
            .draw(|area, theme| s.draw(figures::LOSS, area, theme))?;
        // The dead line the chart draws, for scripts and tests.
        self.view
            .loss
            .canvas
            .set_attribute("data-dead-line", &s.dead_loss().to_string())?;
        self.view.loss.canvas.set_attribute(
            "aria-label",
            &format!("Loss per epoch. {}", self.status_text()),
        )
    }

    fn render_map(&self) -> Result<(), JsValue> {
        let s = &self.state;
        let canvas = &self.view.map.canvas;
        let judge = s.settings.judge();
        let dead = match s.run.latest() {
            Some(l) => {
                let counted = words::counted(l, &judge, s.settings.units());
                let proven: usize = l
                    .layers
                    .iter()
                    .map(|l| l.provably_dead.iter().filter(|p| **p).count())
                    .sum();
                // For scripts and tests: the count under the definition, and the proven.
                canvas.set_attribute("data-counted", &words::dead_count(l, &judge).to_string())?;
                canvas.set_attribute("data-proven", &proven.to_string())?;
                format!("{counted}; {proven} proven dead for every input")
            }
            None => "not trained yet".into(),
        };
        canvas.set_attribute(
            "aria-label",
            &format!("Dead-unit map, a cell per unit per epoch: {dead}."),
        )?;
        self.view
            .map
            .draw(|area, theme| s.draw(figures::DEAD_MAP, area, theme))
    }

    fn render_autopsy(&self) {
        let s = &self.state;
        let (l, u) = s.selected;
        let text = words::autopsy(&s.run.history, l, u, s.steps_per_epoch());
        dom::set_text(&self.view.autopsy, &text);
    }

    /// The input plane, with its description and, for scripts and tests, the unit whose line
    /// it draws.
    fn render_plane(&self) -> Result<(), JsValue> {
        let s = &self.state;
        let canvas = &self.view.plane.canvas;
        let line = s.pointed.filter(|(l, _)| *l == 0).map(|(_, j)| j);
        match line {
            Some(j) => canvas.set_attribute("data-line", &j.to_string())?,
            None => canvas.remove_attribute("data-line")?,
        }
        let label = words::plane_summary(s.field.as_ref(), line, s.classifies());
        canvas.set_attribute("aria-label", &label)?;
        let t0 = crate::web::now();
        self.view
            .plane
            .draw(|area, theme| s.draw(figures::PLANE, area, theme))?;
        // How long the drawing took, for the benchmark.
        let ms = format!("{:.2}", crate::web::now() - t0);
        canvas.set_attribute("data-draw-ms", &ms)
    }

    /// The atlas, with its description and the count of tiles drawn dead.
    fn render_atlas(&self) -> Result<(), JsValue> {
        let s = &self.state;
        let canvas = &self.view.atlas.canvas;
        let dead = s.atlas_dead();
        let n: usize = dead.iter().flatten().filter(|d| **d).count();
        canvas.set_attribute("data-dead-tiles", &n.to_string())?;
        let on_data = s.settings.task.plane().is_some() && s.own.is_none();
        let label = words::atlas_summary(&dead, s.pointed, on_data, s.field.is_some());
        canvas.set_attribute("aria-label", &label)?;
        let t0 = crate::web::now();
        self.view
            .atlas
            .draw(|area, theme| s.draw(figures::ATLAS, area, theme))?;
        let ms = format!("{:.2}", crate::web::now() - t0);
        canvas.set_attribute("data-draw-ms", &ms)
    }

    fn render_dist(&self) -> Result<(), JsValue> {
        let s = &self.state;
        self.view
            .dist
            .draw(|area, theme| s.draw(figures::DISTRIBUTION, area, theme))
    }

    fn render_meter(&self) -> Result<(), JsValue> {
        let s = &self.state;
        self.view
            .meter
            .draw(|area, theme| s.draw(figures::METER, area, theme))?;
        let label = format!(
            "Learning-rate meter, log10 of each layer's update-to-data ratio per step. {}",
            words::meter_summary(&s.run.history)
        );
        self.view.meter.canvas.set_attribute("aria-label", &label)
    }

    fn render_compare(&self) -> Result<(), JsValue> {
        // No empty canvas on the page: the comparison chart appears with its first run.
        let canvas = &self.view.compare_chart.canvas;
        let Some(c) = &self.state.comparison else {
            let what = if self.state.compares_rates() {
                words::COMPARE_RATES
            } else {
                "Compare presets runs every preset on the same data and seed, one after another."
            };
            self.view.compare_status.set_text_content(Some(what));
            canvas.set_hidden(true);
            self.show_compare_tools(false)?;
            return Ok(());
        };
        canvas.set_hidden(false);
        self.show_compare_tools(true)?;
        let lines: Vec<String> = c
            .runs
            .iter()
            .map(|(p, r)| {
                words::compare_line_on(p, &r.history, r.failure(), self.state.dead_loss())
            })
            .collect();
        let head = if c.active {
            let n = c.runs.len();
            format!("Comparing ({} of {n}): ", (c.current + 1).min(n))
        } else {
            "Comparison: ".into()
        };
        let mut text = format!("{head}{}", lines.join(" "));
        if self.state.compares_rates() && !c.active {
            let runs: Vec<(f64, &[_])> = c
                .runs
                .iter()
                .map(|(_, r)| (r.settings.lr, r.history.as_slice()))
                .collect();
            let task = self
                .state
                .settings
                .task
                .plane()
                .map_or("data", |t| t.label());
            if let Some(cost) = words::cost_line(task, &runs) {
                text = format!("{cost} {text}");
            }
        }
        dom::set_text(&self.view.compare_status, &text);
        let (active, current) = (c.active, c.current);
        let s = &self.state;
        let entries = s.comparison_entries();
        let (epochs, dead_loss) = (s.settings.epochs, s.dead_loss());
        self.view.compare_chart.draw(|area, theme| {
            let drawn = CompareDrawn {
                size: area.dim_in_pixel(),
                top: comparison::y_top(&entries, dead_loss).to_bits(),
                cells: entries
                    .iter()
                    .map(|e| (e.history.len(), e.failed))
                    .collect(),
            };
            // While it runs, only the running cell and the one before it (whose last epoch
            // may have come since) change; anything else changed means a whole drawing.
            let changing = [current.saturating_sub(1), current];
            let partial = active
                && self.compare_drawn.borrow().as_ref().is_some_and(|before| {
                    before.size == drawn.size
                        && before.top == drawn.top
                        && before.cells.len() == drawn.cells.len()
                        && (0..drawn.cells.len())
                            .all(|k| changing.contains(&k) || before.cells[k] == drawn.cells[k])
                });
            *self.compare_drawn.borrow_mut() = Some(drawn);
            if partial {
                comparison::draw_cells(area, &entries, epochs, dead_loss, theme, &changing)
            } else {
                comparison::draw(area, &entries, epochs, dead_loss, theme)
            }
        })
    }

    /// The comparison chart's save buttons show with the chart.
    fn show_compare_tools(&self, shown: bool) -> Result<(), JsValue> {
        if let Some(tools) = &self.view.takeaway.compare_tools {
            tools.toggle_attribute_with_force("hidden", !shown)?;
        }
        Ok(())
    }

    /// Shows the settings in the controls (only when they change: a slider being dragged
    /// must not jump back while a run redraws).
    pub(super) fn write_controls(&self) -> Result<(), JsValue> {
        self.view.controls.write(&FIELDS, &self.state.settings)?;
        let alpha_applies = self.state.settings.activation.uses_alpha();
        self.view
            .controls
            .set_disabled(crate::spec::ALPHA.key, !alpha_applies);
        let dormant = self.state.settings.definition == crate::sim::dead::Definition::Dormant;
        self.view
            .controls
            .set_disabled(crate::panels::network::settings::TAU.key, !dormant);
        // Noise is Playground's: it has no meaning on seed 002's data or the learner's.
        let playground = self.state.settings.task.plane().is_some() && self.state.own.is_none();
        self.view
            .controls
            .set_disabled(crate::panels::network::settings::NOISE.key, !playground);
        // The plane's inputs are chosen only where there are more than two.
        for key in [
            crate::panels::network::settings::PLANE_X.key,
            crate::panels::network::settings::PLANE_Y.key,
        ] {
            self.view.controls.set_disabled(key, playground);
        }
        // The data size is the file's when the learner's data is in use.
        self.view.controls.set_disabled(
            crate::panels::network::settings::SAMPLES.key,
            self.state.own.is_some(),
        );
        Ok(())
    }

    /// Everything, spread over frames: the status and the loss now, each other chart in a
    /// frame of its own (see `draw_next_pending`). Four charts drawn and rasterised at 2x in
    /// one frame took 60–100 ms in headless Chromium; one a frame stays inside the budget.
    pub(super) fn render_spread(&mut self) -> Result<(), JsValue> {
        self.render_loss()?;
        // The charts drawn in later frames get their size now (only a change of size clears
        // a canvas), so none is at the browser's default size meanwhile.
        for c in [
            &self.view.map,
            &self.view.plane,
            &self.view.atlas,
            &self.view.dist,
            &self.view.meter,
        ] {
            c.fit_size();
        }
        self.render_status()?;
        self.pending = vec![
            Part::Compare,
            Part::Meter,
            Part::Distributions,
            Part::Atlas,
            Part::Plane,
            Part::Map,
        ];
        self.mark_pending()
    }

    /// Draws one chart still due; returns whether one was.
    pub(super) fn draw_next_pending(&mut self) -> Result<bool, JsValue> {
        let Some(part) = self.pending.pop() else {
            return Ok(false);
        };
        match part {
            Part::Map => {
                self.render_map()?;
                self.render_autopsy();
            }
            Part::Plane => self.render_plane()?,
            Part::Atlas => self.render_atlas()?,
            Part::Distributions => self.render_dist()?,
            Part::Meter => self.render_meter()?,
            Part::Compare => self.render_compare()?,
        }
        self.mark_pending()?;
        Ok(true)
    }

    /// How many charts are still to be drawn (tests wait for 0 before reading pixels).
    pub(super) fn mark_pending(&self) -> Result<(), JsValue> {
        let n = self.pending.len().to_string();
        self.view.host.set_attribute("data-charts-pending", &n)
    }

    /// Replaces the unit and layer menus to fit the network's shape.
    pub(super) fn rebuild_menus(&mut self) -> Result<(), JsValue> {
        let doc = dom::document()?;
        let s = &self.state;
        let n = s.n_layers();
        let mut units = Vec::new();
        for l in 0..n {
            let count = if l + 1 == n { 1 } else { s.settings.width };
            for j in 0..count {
                units.push((format!("{l}:{j}"), words::unit_name(l, n, j)));
            }
        }
        fill_select(&doc, &self.view.unit, &units)?;
        let (l, j) = s.selected;
        self.view.unit.select.set_value(&format!("{l}:{j}"));
        let layers: Vec<(String, String)> = (0..n)
            .map(|l| (l.to_string(), distribution::layer_name(l, n)))
            .collect();
        fill_select(&doc, &self.view.layer, &layers)?;
        let shown = s.layer_shown.min(n - 1);
        self.view.layer.select.set_value(&shown.to_string());
        Ok(())
    }
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
