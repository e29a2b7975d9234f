//! The panel's drawing: the figure column, the charts, the status lines and the data
//! attributes scripts and tests read.

use super::{Mounted, View};
use crate::chart::figure::Figures;
use crate::panels::dying::charts::phase_map;
use crate::panels::dying::figures;
use crate::panels::dying::state::{self, Settings, FIELDS};
use crate::panels::dying::sweep::Axis;
use crate::panels::dying::words;
use crate::spec::ALPHA;
use crate::web::dom;
use std::cell::RefCell;
use wasm_bindgen::JsValue;
use web_sys::{Document, Element};

const CITATION: &str = "He: weights N(0, 2/fan-in), biases 0. RAI, the randomized asymmetric \
    initialization of Lu, Shin, Su and Karniadakis (Commun. Comput. Phys. 28(5), 2020; \
    arXiv 1903.06733, Section 4): each unit's weights and bias drawn from N(0, 0.6007²/fan-in), \
    then one of them, picked at random, redrawn from Beta(2, 1), which is never negative. A net \
    is born dead when its output is the same for all 64 inputs; bars are 95 % intervals.";

pub(super) fn figure_column(doc: &Document, v: &View) -> Result<Element, JsValue> {
    let figure = dom::el(doc, "div", "figure", "")?;
    figure.append_child(&v.status)?;
    figure.append_child(&v.map.canvas)?;
    figure.append_child(&v.cell_text)?;
    let buttons = dom::el(doc, "div", "buttons", "")?;
    buttons.append_child(&v.load)?;
    figure.append_child(&buttons)?;
    figure.append_child(&v.open_link)?;
    let h = dom::el(
        doc,
        "h3",
        "",
        "Born dead: nets that are dead before training",
    )?;
    figure.append_child(&h)?;
    figure.append_child(&v.born_status)?;
    figure.append_child(&v.born.canvas)?;
    figure.append_child(&dom::el(doc, "p", "hint", CITATION)?.into())?;
    Ok(figure)
}

impl Mounted {
    /// Both charts and the words at once (a resize).
    pub(super) fn render_all(&mut self) -> Result<(), JsValue> {
        self.dirty = (false, false);
        self.render_map()?;
        self.render_born()?;
        self.render_status()
    }

    /// What the panel shows as it mounts: its words, and canvases sized for the screen (the
    /// charts follow in the next frames).
    pub(super) fn render_first(&mut self) -> Result<(), JsValue> {
        self.view.map.fit_size();
        self.view.born.fit_size();
        self.render_status()
    }

    /// Draws one dirty chart and the words; whether a chart is still dirty. When both are,
    /// the one not drawn last goes first, so a streaming map cannot starve the other.
    pub(super) fn render_next(&mut self) -> Result<bool, JsValue> {
        let (map, born) = self.dirty;
        if map && !(born && self.drew_map) {
            self.dirty.0 = false;
            self.drew_map = true;
            self.render_map()?;
        } else if born {
            self.dirty.1 = false;
            self.drew_map = false;
            self.render_born()?;
        }
        self.render_status()?;
        Ok(self.dirty.0 || self.dirty.1)
    }

    fn render_map(&mut self) -> Result<(), JsValue> {
        let s = &self.state;
        let spec = s.settings.map();
        let data = s.map_data(&spec);
        let layout = RefCell::new(None);
        self.view.map.draw(|area, theme| {
            *layout.borrow_mut() = Some(phase_map::draw(area, &data, theme)?);
            Ok(())
        })?;
        if let Some(l) = layout.into_inner() {
            self.layout = l;
        }
        let label = format!(
            "Phase map: learning rate against {}. {}",
            phase_map::y_desc(spec.axis, false),
            words::map_status(s)
        );
        self.view.map.canvas.set_attribute("aria-label", &label)
    }

    fn render_born(&self) -> Result<(), JsValue> {
        let s = &self.state;
        self.view
            .born
            .draw(|area, theme| s.draw(figures::BORN, area, theme))?;
        let label = format!("Born-dead curves against depth. {}", words::born_status(s));
        self.view.born.canvas.set_attribute("aria-label", &label)
    }

    fn render_status(&mut self) -> Result<(), JsValue> {
        let v = &self.view;
        let s = &self.state;
        let map = if self.waiting.is_some() {
            words::waiting_status(s)
        } else {
            words::map_status(s)
        };
        dom::set_text(&v.status, &map);
        dom::set_text(&v.born_status, &words::born_status(s));
        let (cells, total) = s.map_progress();
        let (chunks, all) = s.born_progress();
        v.progress
            .set_attribute("max", &(total + all).to_string())?;
        v.progress
            .set_attribute("value", &(cells + chunks).to_string())?;
        let text = format!("{cells} of {total} cells, {chunks} of {all} batches of nets");
        dom::set_text(&v.progress_text, &text);
        let label = if s.busy() {
            "Stop"
        } else if s.complete() {
            "Done"
        } else {
            "Compute"
        };
        dom::set_text(&v.toggle, label);
        v.toggle
            .toggle_attribute_with_force("disabled", s.complete())?;
        if let Some(f) = s.focus {
            let spec = s.settings.map();
            dom::set_text(
                &v.cell_text,
                &words::cell(&spec, f, s.cells.get(f).and_then(|c| c.as_ref())),
            );
            if let Some(q) = s.load_query(f) {
                v.open_link
                    .set_attribute("href", &format!("?panel=network&{q}"))?;
            }
        }
        self.show_settings()?;
        self.mark_host()
    }

    /// The controls, the link and the address, when the settings changed since last shown.
    fn show_settings(&mut self) -> Result<(), JsValue> {
        let s = &self.state.settings;
        if self.shown.as_ref() == Some(s) {
            return Ok(());
        }
        let v = &self.view;
        v.controls.write(&FIELDS, s)?;
        v.controls
            .set_disabled(ALPHA.key, !s.activation.uses_alpha());
        // The axis's own value is the map's rows, not a setting.
        for (key, axis) in [
            (state::BIAS.key, Axis::Bias),
            (state::WARMUP.key, Axis::Warmup),
            (state::CLIP.key, Axis::Clip),
        ] {
            v.controls.set_disabled(key, s.axis == axis);
        }
        v.link.update(&s.to_query())?;
        if let Some(a) = &self.address {
            a.publish(&FIELDS, s, &Settings::default());
        }
        self.shown = Some(s.clone());
        Ok(())
    }

    /// Exact state for scripts and tests.
    pub(super) fn mark_host(&self) -> Result<(), JsValue> {
        let h = &self.view.host;
        let s = &self.state;
        let (cells, total) = s.map_progress();
        let (chunks, all) = s.born_progress();
        h.set_attribute("data-cells-done", &cells.to_string())?;
        h.set_attribute("data-cells", &total.to_string())?;
        h.set_attribute("data-born-done", &chunks.to_string())?;
        h.set_attribute("data-born", &all.to_string())?;
        h.set_attribute("data-running", &s.busy().to_string())?;
        let focused = s.focus.and_then(|f| s.cells.get(f).copied().flatten());
        if let Some(c) = focused {
            h.set_attribute("data-focus-loss", &c.loss.to_string())?;
            h.set_attribute("data-focus-output-dead", &c.output_dead.to_string())?;
            h.set_attribute("data-focus-dead", &c.dead.to_string())?;
        }
        let l = &self.layout;
        let bbox = format!("{} {} {} {}", l.x.start, l.y.start, l.x.end, l.y.end);
        self.view
            .map
            .canvas
            .set_attribute("data-cells-box", &bbox)?;
        // Every finished cell's verdict, for scripts: "d" mostly dead, "a" alive, "x" blown up.
        let verdicts: String = s
            .cells
            .iter()
            .map(|c| match c {
                None => '.',
                Some(c) if c.diverged => 'x',
                Some(c) if c.mostly_dead() => 'd',
                Some(_) => 'a',
            })
            .collect();
        h.set_attribute("data-verdicts", &verdicts)
    }
}
