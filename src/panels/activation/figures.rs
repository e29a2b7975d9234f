//! The panel's one chart, for the export buttons.

use super::charts::curve;
use super::state::Settings;
use crate::chart::figure::{FigureInfo, Figures};
use crate::chart::{Area, ChartResult, Theme};
use plotters::prelude::DrawingBackend;

impl Figures for Settings {
    const PANEL: &'static str = super::PANEL.name;

    fn figures(&self) -> Vec<FigureInfo> {
        vec![FigureInfo {
            slug: "curve".into(),
            title: "activation chart",
        }]
    }

    fn settings_tag(&self) -> String {
        crate::spec::fields_tag(&super::state::FIELDS, self)
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
