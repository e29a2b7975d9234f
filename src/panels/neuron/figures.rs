//! The panel's three charts, for the export buttons: drawn from the state exactly as the page
//! draws them.

use super::charts::{flow, gate, timeline};
use super::state::{gate_state, State};
use crate::chart::figure::{FigureInfo, Figures};
use crate::chart::{Area, ChartResult, Theme};
use plotters::prelude::DrawingBackend;

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
        ]
    }

    fn settings_tag(&self) -> String {
        let fields = crate::spec::fields_tag(&super::state::FIELDS, &self.settings);
        format!("{fields}_step{}", self.neuron.steps())
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
            _ => timeline::draw(area, self.neuron.history(), theme),
        }
    }
}
