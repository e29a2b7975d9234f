#![cfg(not(target_arch = "wasm32"))]
//! The registry of panels (`panels::PANELS`) is the one list the page, embeds, the guided
//! path and these tests read: every panel in it draws its figures, has its section in
//! `index.html` and is named nowhere else by a string (its fields: `tests/fields.rs`).

use dying_relu::panels::PANELS;
use std::path::Path;

fn repo(path: &str) -> String {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

#[test]
fn every_figure_of_every_panel_draws_to_svg() {
    let mut drawn = 0;
    for p in PANELS {
        let figures = (p.figures)(&[]);
        assert!(!figures.is_empty(), "{} has no figures", p.name);
        for (name, svg) in figures {
            let svg = svg.unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!(
                name.starts_with(&format!("{}-", p.name)) && name.ends_with(".svg"),
                "{name}"
            );
            assert!(svg.starts_with("<svg") && svg.contains("<text"), "{name}");
            assert!(!svg.contains("NaN"), "{name}");
            drawn += 1;
        }
    }
    // activation 1, neuron 4, network 6 (the comparison comes with its run), dying 2, model 4.
    assert_eq!(drawn, 17);
}

#[test]
fn every_panel_has_its_section_in_the_page() {
    let page = repo("index.html");
    for p in PANELS {
        assert!(
            page.contains(&format!("data-panel=\"{}\"", p.name)),
            "index.html has no data-panel=\"{}\" for “{}”",
            p.name,
            p.title
        );
    }
    // And the page names no panel the registry lacks.
    for chunk in page.split("data-panel=\"").skip(1) {
        let name = chunk.split('"').next().unwrap_or_default();
        assert!(
            PANELS.iter().any(|p| p.name == name),
            "index.html mounts “{name}”, which is not in the registry"
        );
    }
}

/// No code in the web layer picks a panel by its name: it reads registry rows. (A string
/// that names a panel in `src/web/` would be a second place to update when one is added.)
#[test]
fn the_web_layer_names_no_panel() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/web");
    let mut files = 0;
    for entry in std::fs::read_dir(&dir).expect("src/web") {
        let path = entry.expect("entry").path();
        if path.extension().is_none_or(|x| x != "rs") {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("source");
        for p in PANELS {
            assert!(
                !text.contains(&format!("\"{}\"", p.name)),
                "{} names the panel \"{}\"",
                path.display(),
                p.name
            );
        }
        files += 1;
    }
    assert!(files > 10, "read {files} files of src/web");
}

/// Every slider's range is finite and the right way round, with its default inside: the
/// clamps that repair a link's value (`NumberSpec::clamp`, `parse`) would panic on a range
/// whose minimum is above its maximum.
#[test]
fn every_slider_range_is_ordered_and_holds_its_default() {
    for p in PANELS {
        for c in (p.controls)() {
            if let dying_relu::spec::Control::Slider(s) = c {
                assert!(
                    s.min.is_finite() && s.max.is_finite() && s.min < s.max,
                    "{}: {} has the range {}..{}",
                    p.name,
                    s.key,
                    s.min,
                    s.max
                );
                assert!(
                    (s.min..=s.max).contains(&s.default),
                    "{}: {}'s default {} is outside {}..{}",
                    p.name,
                    s.key,
                    s.default,
                    s.min,
                    s.max
                );
            }
        }
    }
}
