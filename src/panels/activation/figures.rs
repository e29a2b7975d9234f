//! The panel's one chart, for the export buttons.

use super::charts::curve;
use super::state::Settings;
use crate::chart::figure::{number_tag, FigureInfo, Figures};
use crate::chart::{Area, ChartResult, Theme};
use plotters::prelude::DrawingBackend;

impl Figures for Settings {
    const PANEL: &'static str = "activation";

    fn figures(&self) -> Vec<FigureInfo> {
        vec![FigureInfo {
            slug: "curve".into(),
            title: "activation chart",
        }]
    }

    fn settings_tag(&self) -> String {
        let mut tag = self.kind.id().to_string();
        if self.kind.uses_alpha() {
            tag.push_str(&format!("_alpha{}", number_tag(self.alpha)));
        }
        tag
    }

    fn draw<DB: DrawingBackend>(
        &self,
        _index: usize,
        area: &Area<'_, DB>,
        theme: &Theme,
    ) -> ChartResult<DB> {
        curve::draw(area, self.activation(), theme)
    }
}
