//! The panel's two charts, for the page and the export buttons alike: each drawn from one
//! input value built here, so what Save SVG writes is what the canvas shows.

use super::charts::{born_curves, phase_map};
use super::state::State;
use crate::chart::figure::{FigureInfo, Figures};
use crate::chart::{Area, ChartResult, Theme};
use plotters::prelude::DrawingBackend;

/// The charts' indices, in page order.
pub const MAP: usize = 0;
pub const BORN: usize = 1;

impl State {
    /// What the phase map draws; `spec` is `self.settings.map()`, which the caller keeps.
    pub fn map_data<'a>(&'a self, spec: &'a super::sweep::MapSpec) -> phase_map::MapData<'a> {
        phase_map::MapData {
            spec,
            cells: &self.cells,
            view: self.settings.shown_view(),
            focus: self.focus,
        }
    }

    /// What the born-dead curves draw.
    pub fn born_data(&self) -> born_curves::BornData<'_> {
        born_curves::BornData {
            width: self.settings.born_width,
            tallies: &self.tallies,
        }
    }
}

impl Figures for State {
    const PANEL: &'static str = super::PANEL.name;

    fn figures(&self) -> Vec<FigureInfo> {
        vec![
            FigureInfo {
                slug: "phase-map".into(),
                title: "phase map",
            },
            FigureInfo {
                slug: "born-dead".into(),
                title: "born-dead curves",
            },
        ]
    }

    /// The settings the map had before tasks, axes and remedies, as before (so an old file
    /// name still names the same map), then only those of the newer settings that differ
    /// from the default, each with its key (`task-spiral`, `axis-warmup`, `wd0.01`).
    fn settings_tag(&self) -> String {
        use crate::chart::figure::number_tag;
        use crate::spec::Value;
        const NEWER: [&str; 9] = [
            "task", "axis", "bias", "warmup", "clip", "wd", "redo", "bn", "inputs",
        ];
        let s = &self.settings;
        let default = super::state::Settings::default();
        super::state::FIELDS
            .iter()
            .filter(|f| (f.applies)(s))
            .filter_map(|f| {
                let (key, v) = (f.key(), (f.get)(s));
                let newer = NEWER.contains(&key);
                if newer && v == (f.get)(&default) {
                    return None;
                }
                Some(match v {
                    Value::Number(x) => format!("{key}{}", number_tag(x)),
                    Value::Choice(id) if newer => format!("{key}-{id}"),
                    Value::Choice(id) => id,
                })
            })
            .collect::<Vec<_>>()
            .join("_")
    }

    fn draw<DB: DrawingBackend>(
        &self,
        index: usize,
        area: &Area<'_, DB>,
        theme: &Theme,
    ) -> ChartResult<DB> {
        match index {
            MAP => {
                let spec = self.settings.map();
                phase_map::draw(area, &self.map_data(&spec), theme).map(|_| ())
            }
            _ => born_curves::draw(area, &self.born_data(), theme),
        }
    }
}
