//! The panel's charts, for the export buttons: drawn from the state exactly as the page draws
//! them. The comparison is listed once it has been run.

use super::charts::{atlas, comparison, dead_map, distribution, loss, meter, plane};
use super::state::State;
use crate::chart::figure::{FigureInfo, Figures};
use crate::chart::{Area, ChartResult, Theme};
use plotters::prelude::DrawingBackend;

/// The charts' indices, in page order.
pub const LOSS: usize = 0;
pub const DEAD_MAP: usize = 1;
pub const DISTRIBUTION: usize = 2;
pub const METER: usize = 3;
pub const PLANE: usize = 4;
pub const ATLAS: usize = 5;
pub const COMPARISON: usize = 6;

impl State {
    /// The comparison's runs as its chart draws them.
    pub fn comparison_entries(&self) -> Vec<comparison::Entry<'_>> {
        self.comparison
            .iter()
            .flat_map(|c| c.runs.iter())
            .map(|(p, r)| comparison::Entry {
                label: p.as_str(),
                history: &r.history,
                failed: r.failure().is_some(),
            })
            .collect()
    }

    /// The layer whose distributions are shown.
    pub fn shown_layer(&self) -> usize {
        self.layer_shown.min(self.n_layers() - 1)
    }
}

impl Figures for State {
    const PANEL: &'static str = super::PANEL.name;

    fn figures(&self) -> Vec<FigureInfo> {
        let mut list = vec![
            FigureInfo {
                slug: "loss".into(),
                title: "loss chart",
            },
            FigureInfo {
                slug: "dead-map".into(),
                title: "dead-unit map",
            },
            FigureInfo {
                slug: format!("distribution-layer{}", self.shown_layer() + 1),
                title: "distributions chart",
            },
            FigureInfo {
                slug: "meter".into(),
                title: "learning-rate meter",
            },
            FigureInfo {
                slug: "plane".into(),
                title: "input plane",
            },
            FigureInfo {
                slug: "atlas".into(),
                title: "unit atlas",
            },
        ];
        if self.comparison.is_some() {
            list.push(FigureInfo {
                slug: "comparison".into(),
                title: "comparison chart",
            });
        }
        list
    }

    /// "relu3_epoch5" for a preset as it is; "relu3_lr0.01_redo-reset_epoch3" with what was
    /// changed from it (every field of the table that differs, by `spec::changed_fields_tag`).
    fn settings_tag(&self) -> String {
        let s = &self.settings;
        let base = match s.preset {
            Some(p) => p.apply(&super::settings::Settings::default()),
            None => super::settings::Settings::default(),
        };
        let name = s.preset.map_or("custom", |p| p.id());
        let changed = crate::spec::changed_fields_tag(&super::settings::FIELDS, s, &base);
        let changed = changed
            .split('_')
            .filter(|part| !part.starts_with("preset-"))
            .collect::<Vec<_>>()
            .join("_");
        let fields = if changed.is_empty() {
            name.to_string()
        } else {
            format!("{name}_{changed}")
        };
        // A run on the learner's data says so: the same settings on seed 002's data differ.
        let data = if self.own.is_some() { "_own-data" } else { "" };
        format!("{fields}{data}_epoch{}", self.run.epochs_done())
    }

    fn draw<DB: DrawingBackend>(
        &self,
        index: usize,
        area: &Area<'_, DB>,
        theme: &Theme,
    ) -> ChartResult<DB> {
        let (history, epochs) = (&self.run.history, self.epochs_axis());
        match index {
            LOSS => {
                let data = loss::LossData {
                    epochs,
                    history,
                    trace: &self.run.trace,
                    dead_loss: self.dead_loss(),
                    cross_entropy: self.own.is_none()
                        && self.settings.loss() == crate::sim::loss::Loss::BinaryCrossEntropy,
                };
                loss::draw(area, &data, theme)
            }
            DEAD_MAP => {
                let units = self.units();
                let data = dead_map::MapData {
                    history,
                    epochs,
                    units: &units,
                    selected: Some(self.selected),
                    judge: self.settings.judge(),
                };
                dead_map::draw(area, &data, theme)
            }
            METER => {
                let data = meter::MeterData {
                    history,
                    steps_per_epoch: self.steps_per_epoch(),
                    epochs,
                };
                meter::draw(area, &data, theme)
            }
            DISTRIBUTION => {
                let n = self.n_layers();
                distribution::draw(area, history, epochs, self.shown_layer(), n, theme)
            }
            PLANE => {
                let data = plane::PlaneData {
                    field: self.field.as_ref(),
                    line_of: self.pointed.filter(|(l, _)| *l == 0).map(|(_, j)| j),
                    classifies: self.classifies(),
                };
                plane::draw(area, &data, theme)
            }
            ATLAS => {
                let (dead, widths) = (self.atlas_dead(), self.hidden_widths());
                let data = atlas::AtlasData {
                    field: self.field.as_ref(),
                    dead: &dead,
                    pointed: self.pointed,
                    widths: &widths,
                };
                atlas::draw(area, &data, theme)
            }
            _ => {
                let entries = self.comparison_entries();
                let epochs = self.settings.epochs;
                comparison::draw(area, &entries, epochs, self.dead_loss(), theme)
            }
        }
    }
}
