//! The panel's four charts, for the export buttons: drawn from the state exactly as the page
//! draws them.

use super::charts::{flow, gate, plane, timeline};
use super::state::{gate_state, State};
use crate::chart::figure::{FigureInfo, Figures};
use crate::chart::{Area, ChartResult, Theme};
use plotters::prelude::DrawingBackend;

impl State {
    /// What the plane chart draws: R's inputs, its line now and before the last large step.
    pub fn plane(&self) -> plane::Plane<'_> {
        plane::Plane {
            points: self.neuron.inputs(),
            line: self.neuron.line(),
            before: self.line_before_large,
            f: self.neuron.f,
        }
    }
}

impl Figures for State {
    const PANEL: &'static str = super::PANEL.name;

    fn figures(&self) -> Vec<FigureInfo> {
        vec![
            FigureInfo {
                slug: "gate".into(),
                title: "histogram of the pre-activation",
            },
            FigureInfo {
                slug: "flow".into(),
                title: "gradient-flow diagram",
            },
            FigureInfo {
                slug: "timeline".into(),
                title: "timelines",
            },
            FigureInfo {
                slug: "plane".into(),
                title: "R's line in the plane of its inputs",
            },
        ]
    }

    /// Every field's value, but the clipping norm only when clipping is on: a name from
    /// before clipping existed still names the same run.
    fn settings_tag(&self) -> String {
        let fields = super::state::FIELDS
            .iter()
            .filter(|f| f.key() != super::state::CLIP.key)
            .map(|f| crate::spec::fields_tag(std::slice::from_ref(f), &self.settings))
            .filter(|t| !t.is_empty())
            .collect::<Vec<_>>()
            .join("_");
        let clip = match self.settings.clip_norm() {
            Some(c) => format!("_clip{}", crate::chart::figure::number_tag(c)),
            None => String::new(),
        };
        format!("{fields}{clip}_step{}", self.neuron.steps())
    }

    fn draw<DB: DrawingBackend>(
        &self,
        index: usize,
        area: &Area<'_, DB>,
        theme: &Theme,
    ) -> ChartResult<DB> {
        let f = self.neuron.f;
        let stats = self.neuron.stats();
        match index {
            0 => {
                let a = self.neuron.preactivations();
                let before = self.before_large.as_deref();
                gate::draw(area, f, &a, &stats, before, theme)
            }
            1 => {
                let (shown, headline) = self.shown_gradients();
                let lr = self.settings.lr;
                flow::draw(area, &shown, gate_state(&stats), &headline, lr, theme)
            }
            2 => timeline::draw(area, self.neuron.history(), theme),
            _ => plane::draw(area, &self.plane(), theme),
        }
    }
}
