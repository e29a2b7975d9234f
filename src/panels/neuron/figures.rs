//! The panel's three charts, for the export buttons: drawn from the state exactly as the page
//! draws them.

use super::charts::{flow, gate, timeline};
use super::state::{gate_state, State};
use crate::chart::figure::{number_tag, FigureInfo, Figures};
use crate::chart::{Area, ChartResult, Theme};
use plotters::prelude::DrawingBackend;

impl Figures for State {
    const PANEL: &'static str = "neuron";

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
        let s = &self.settings;
        let mut tag = s.kind.id().to_string();
        if s.kind.uses_alpha() {
            tag.push_str(&format!("_alpha{}", number_tag(s.alpha)));
        }
        tag.push_str(&format!(
            "_lr{}_b{}_step{}",
            number_tag(s.lr),
            number_tag(s.bias),
            self.neuron.steps()
        ));
        tag
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
