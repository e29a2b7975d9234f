//! Figures that leave the page: every panel lists its charts, each with a name, a title and a
//! drawing over any `DrawingBackend`, so "Save PNG" copies the canvas on screen and "Save SVG"
//! draws the same chart again through plotters' SVG backend at a slide's size.

use super::{render_svg, Area, ChartResult, Theme};
use plotters::prelude::DrawingBackend;

/// The size of an exported SVG, in CSS pixels: a 16:9 slide at scale 1.
pub const SLIDE_SIZE: (u32, u32) = (960, 540);

/// The theme of an exported SVG: light (slides and papers are printed on white), scale 1.
pub fn slide_theme() -> Theme {
    Theme::light(1.0)
}

/// One chart of a panel, as the export buttons name it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FigureInfo {
    /// Short and file-name safe: "loss", "dead-map".
    pub slug: String,
    /// What a person reads on the button's label: "loss chart".
    pub title: &'static str,
}

/// A panel's charts, drawn from its current state.
pub trait Figures {
    /// The panel's name ("network"): the first word of every file name.
    const PANEL: &'static str;

    /// Every chart the panel can draw, in page order.
    fn figures(&self) -> Vec<FigureInfo>;

    /// The key settings, as a file-name tag: "leaky_relu_alpha0.1_lr0.01".
    fn settings_tag(&self) -> String;

    /// Draws chart `index` (of [`figures`](Self::figures)).
    fn draw<DB: DrawingBackend>(
        &self,
        index: usize,
        area: &Area<'_, DB>,
        theme: &Theme,
    ) -> ChartResult<DB>;

    /// "neuron-gate_leaky_relu_alpha0.1_lr0.01.svg".
    fn file_name(&self, index: usize, extension: &str) -> String {
        let figures = self.figures();
        let slug = figures.get(index).map_or("chart", |f| f.slug.as_str());
        file_name(&[Self::PANEL, slug], &self.settings_tag(), extension)
    }
}

/// The chart as an SVG document at [`SLIDE_SIZE`] with the [`slide_theme`] (natively; the page
/// draws through a backend that measures text with the browser, see `web::export`).
pub fn slide_svg<F: Figures>(figures: &F, index: usize) -> Result<String, String> {
    let (w, h) = SLIDE_SIZE;
    render_svg(w, h, |area| figures.draw(index, area, &slide_theme()))
}

/// `panel-slug_tag.ext`, with every character outside `A-Za-z0-9._-` made `_`: a name that is
/// safe on every file system and says what the file holds.
pub fn file_name(parts: &[&str], tag: &str, extension: &str) -> String {
    let mut name = parts.join("-");
    if !tag.is_empty() {
        name.push('_');
        name.push_str(tag);
    }
    let clean: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("{clean}.{extension}")
}

/// A number for a file name: at most 3 significant digits, plain ASCII ("0.001", "1e-5",
/// "-0.5").
pub fn number_tag(value: f64) -> String {
    crate::spec::format_sig(value, 3)
        .replace('−', "-")
        .replace('∞', "inf")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_safe_and_say_what_they_hold() {
        assert_eq!(
            file_name(&["neuron", "gate"], "leaky_relu_alpha0.1_lr0.01", "svg"),
            "neuron-gate_leaky_relu_alpha0.1_lr0.01.svg"
        );
        assert_eq!(file_name(&["a", "b c/d"], "", "png"), "a-b_c_d.png");
        assert_eq!(number_tag(0.001), "0.001");
        assert_eq!(number_tag(-0.5), "-0.5");
        assert_eq!(number_tag(1e-5), "1.00e-5");
    }
}
