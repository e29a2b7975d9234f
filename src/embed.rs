//! What a teacher pastes into their own page: an `<iframe>` showing one panel with the
//! settings on screen. Pure, so the snippet is tested natively; the page fills in its own
//! address and copies it to the clipboard (`web::export`).

use crate::panels::PanelInfo;

/// Text safe inside a double-quoted HTML attribute.
pub fn attribute(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The page address a panel's embed points at: `page` without its query and fragment, then
/// `?panel=NAME` and the panel's own settings (a query written by our serializer).
pub fn frame_url(page: &str, panel: &str, query: &str) -> String {
    let base = page.split(['?', '#']).next().unwrap_or(page);
    let sep = if query.is_empty() { "" } else { "&" };
    format!("{base}?panel={panel}{sep}{query}")
}

/// `<iframe src="…?panel=neuron&amp;b=0.3" title="…" …></iframe>`: the snippet the "Copy
/// embed code" button copies.
pub fn iframe(page: &str, panel: PanelInfo, query: &str) -> String {
    format!(
        "<iframe src=\"{}\" title=\"Dying ReLU Explorer: {}\" width=\"100%\" height=\"{}\" loading=\"lazy\"></iframe>",
        attribute(&frame_url(page, panel.name, query)),
        attribute(panel.title),
        panel.embed_height
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_snippet_points_at_the_panel_with_its_settings() {
        let s = iframe(
            "https://example.org/dying-relu/?act.f=elu#h-neuron",
            crate::panels::neuron::PANEL,
            "f=leaky_relu&b=0.3",
        );
        assert_eq!(
            s,
            "<iframe src=\"https://example.org/dying-relu/?panel=neuron&amp;f=leaky_relu&amp;b=0.3\" \
             title=\"Dying ReLU Explorer: One neuron\" width=\"100%\" height=\"1250\" loading=\"lazy\"></iframe>"
        );
        assert!(iframe("x", crate::panels::activation::PANEL, "")
            .contains("src=\"x?panel=activation\""));
        assert_eq!(attribute("\"<a>&"), "&quot;&lt;a&gt;&amp;");
    }
}
