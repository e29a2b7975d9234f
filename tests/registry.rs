#![cfg(not(target_arch = "wasm32"))]
//! The registry of panels (`panels::PANELS`) is the one list the page, embeds, the guided
//! path and these tests read: every panel in it draws its figures, round-trips its link, has
//! its section in `index.html` and is named nowhere else by a string.

use dying_relu::panels::{PanelInfo, PANELS};
use dying_relu::spec::{query_pairs, Control, ParamWarning, Scale};
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
    // activation 1, neuron 3, network 3 (the comparison comes with its run), dying 2.
    assert_eq!(drawn, 9);
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

/// A valid value for `c` other than the one a default link gives, as link text.
fn another_value(c: &Control, now: Option<&str>) -> String {
    match c {
        Control::Slider(spec) => {
            let t = 0.37;
            let v = match spec.scale {
                Scale::Linear => spec.min + t * (spec.max - spec.min),
                Scale::Log => {
                    10f64.powf(spec.min.log10() + t * (spec.max.log10() - spec.min.log10()))
                }
            };
            let v = spec.clamp(v).unwrap_or(spec.default);
            // Whole-number settings (layers, width, batch) take whole numbers.
            let v = if spec.scale == Scale::Linear && spec.step >= 1.0 {
                v.round()
            } else {
                v
            };
            v.to_string()
        }
        Control::Menu(m) => (m.options)()
            .into_iter()
            .map(|(id, _)| id)
            .find(|id| Some(id.as_str()) != now)
            .unwrap_or_else(|| panic!("{} offers one option only", m.key)),
    }
}

/// The value `key` has in a link, if it is there.
fn value_in(link: &str, key: &str) -> Option<String> {
    query_pairs(link)
        .into_iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v)
}

/// Some settings (α for Leaky ReLU and ELU only) appear in a link only when another setting
/// makes them apply: every single choice of every menu is tried as that context.
fn contexts(p: &PanelInfo) -> Vec<Vec<(String, String)>> {
    let mut out = vec![vec![]];
    for c in (p.controls)() {
        if let Control::Menu(m) = c {
            for (id, _) in (m.options)() {
                out.push(vec![(m.key.to_string(), id)]);
            }
        }
    }
    out
}

#[test]
fn every_field_of_every_panel_round_trips_through_its_link() {
    for p in PANELS {
        let mut checked = 0;
        for c in (p.controls)() {
            let key = c.key();
            let (default_link, _) = (p.relink)(&[]);
            let v = another_value(&c, value_in(&default_link, key).as_deref());
            let found = contexts(&p).into_iter().find_map(|mut pairs| {
                pairs.push((key.to_string(), v.clone()));
                let (link, warnings) = (p.relink)(&pairs);
                let shown = value_in(&link, key)?;
                Some((link, warnings, shown))
            });
            let (link, warnings, shown) =
                found.unwrap_or_else(|| panic!("{}.{key} never appears in a link", p.name));
            assert!(warnings.is_empty(), "{}.{key}={v}: {warnings:?}", p.name);
            // A whole-number setting rounds the value it is given; anything else keeps it.
            let same = shown == v
                || match (shown.parse::<f64>(), v.parse::<f64>()) {
                    (Ok(a), Ok(b)) => a.fract() == 0.0 && (a - b).abs() <= 0.5,
                    _ => false,
                };
            assert!(same, "{}.{key}={v} came back as {shown} in {link}", p.name);
            // The link read again writes itself: nothing drifts on a reload.
            let (again, w) = (p.relink)(&query_pairs(&link));
            assert!(
                w.is_empty() && again == link,
                "{}: {link} -> {again}",
                p.name
            );
            checked += 1;
        }
        assert_eq!(checked, (p.controls)().len(), "{}", p.name);
    }
}

#[test]
fn every_field_of_every_panel_repairs_bad_values_and_says_so() {
    for p in PANELS {
        for c in (p.controls)() {
            let key = c.key();
            let bad = match c {
                Control::Slider(s) => format!("{}", s.max * 10.0 + 1.0),
                Control::Menu(_) => "<b>nope".to_string(),
            };
            let (_, w) = (p.relink)(&[(key.to_string(), bad.clone())]);
            assert_eq!(w.len(), 1, "{}.{key}={bad}: {w:?}", p.name);
            assert_eq!(w[0].key(), key);
            match c {
                Control::Slider(_) => assert!(matches!(w[0], ParamWarning::OutOfRange { .. })),
                Control::Menu(_) => assert!(w[0].to_string().contains("nope"), "{}", w[0]),
            }
            let (_, w) = (p.relink)(&[(key.to_string(), "NaN".into())]);
            assert_eq!(w.len(), 1, "{}.{key}=NaN is reported", p.name);
        }
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
