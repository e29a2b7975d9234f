//! The panel's charts for the canvas and for Save SVG alike: each chart's one input value is
//! built here from the state, and drawn by its function in `charts/`.

use super::charts::{max_pre, shares, timeline, unit_map};
use super::judge;
use super::state::State;
use crate::chart::figure::{FigureInfo, Figures};
use crate::chart::{Area, ChartResult, Theme};
use crate::sim::dead::Definition;
use plotters::prelude::DrawingBackend;

/// The charts, in page order: (slug, title).
/// The unit map first: on a phone the first chart stays pinned above the controls, and the
/// map is what the definition menu changes most.
pub const FIGURES: [(&str, &str); 4] = [
    ("unit-map", "unit map"),
    ("shares", "dead share chart"),
    ("timeline", "timeline of dead units"),
    ("max-pre", "pre-activation chart"),
];

/// Height over width for each chart drawn `width` CSS px wide, from what it has to show (a
/// handful of units needs a short map, a wide layer a tall one).
pub fn aspects(s: &State, width: f64) -> [f64; 4] {
    let theme = Theme::light(1.0).compact(width < 560.0);
    let fit = |h: f64, lo: f64| (h / width).clamp(lo, 1.2);
    let map = map_input(s);
    let units: Vec<usize> = map.layers.iter().map(|(_, d)| d.len()).collect();
    let chars = map
        .layers
        .iter()
        .map(|(n, _)| n.chars().count())
        .max()
        .unwrap_or(4);
    let layout = unit_map::Layout::new((width as u32, 1_000_000), &units, &theme, chars);
    let map_h = layout.layer_top(units.len()) - layout.gap + 12.0;
    let layers = shares_input(s).bars.len().max(1) as f64;
    let dead = max_pre_input(s).units.len().max(1) as f64;
    [
        fit(map_h, 0.12),
        fit(96.0 + 44.0 * layers, 0.2),
        if width < 560.0 { 0.75 } else { 0.36 },
        fit(90.0 + 34.0 * dead, 0.2),
    ]
}

/// "exactly dead", "τ-dormant".
fn what(s: &State) -> String {
    s.settings.definition.short().to_string()
}

pub fn shares_input(s: &State) -> shares::Shares {
    let judge = s.judge();
    let near = judge.definition == Definition::NearZero;
    let bars = s
        .report()
        .map(|r| {
            r.layers
                .iter()
                .map(|l| shares::Bar {
                    name: l.name.clone(),
                    share: judge.share(l),
                    caption: if near {
                        super::words::percent(judge.share(l))
                    } else {
                        format!("{} of {}", judge.count(l), l.units)
                    },
                })
                .collect()
        })
        .unwrap_or_default();
    shares::Shares {
        bars,
        axis: if near {
            "outputs near zero, |h| ≤ 0.05 (% of the layer's outputs)".into()
        } else {
            format!("units {} (% of the layer's units)", what(s))
        },
        warn_line: !near,
    }
}

pub fn map_input(s: &State) -> unit_map::UnitMap {
    let judge = s.judge();
    unit_map::UnitMap {
        layers: s
            .report()
            .map(|r| {
                r.layers
                    .iter()
                    .map(|l| (l.name.clone(), judge.dead(l)))
                    .collect()
            })
            .unwrap_or_default(),
        what: what(s),
    }
}

pub fn timeline_input(s: &State) -> timeline::Timeline {
    let judge = s.judge();
    let lines = s
        .report()
        .map(|r| {
            r.layers
                .iter()
                .map(|l| timeline::Line {
                    name: l.name.clone(),
                    points: judge::history(r, &l.name, &judge)
                        .into_iter()
                        .map(|(step, dead, units)| (step as f64, dead as f64 / units.max(1) as f64))
                        .collect(),
                })
                .filter(|l| !l.points.is_empty())
                .collect()
        })
        .unwrap_or_default();
    timeline::Timeline {
        lines,
        axis: format!("units {} (% of the layer)", what(s)),
    }
}

pub fn max_pre_input(s: &State) -> max_pre::MaxPre {
    let judge = s.judge();
    let mut units = Vec::new();
    let mut more = 0;
    for l in s.report().map(|r| r.layers.as_slice()).unwrap_or_default() {
        for (i, d) in judge.dead(l).into_iter().enumerate() {
            if !d {
                continue;
            }
            match l.max_pre_activation.get(i).copied().flatten() {
                Some(v) if units.len() < max_pre::MAX_SHOWN => units.push((
                    format!("{} #{i}", super::charts::short_name(&l.name, 10)),
                    v,
                )),
                _ => more += 1,
            }
        }
    }
    max_pre::MaxPre {
        units,
        more,
        what: what(s),
    }
}

impl Figures for State {
    const PANEL: &'static str = super::PANEL.name;

    fn figures(&self) -> Vec<FigureInfo> {
        FIGURES
            .iter()
            .map(|(slug, title)| FigureInfo {
                slug: (*slug).into(),
                title,
            })
            .collect()
    }

    fn settings_tag(&self) -> String {
        let source = self.settings.example.unwrap_or("own");
        let def = self.settings.definition.id();
        if self.settings.definition == Definition::Dormant {
            format!(
                "{source}_{def}_tau{}",
                crate::chart::figure::number_tag(self.settings.tau)
            )
        } else {
            format!("{source}_{def}")
        }
    }

    fn draw<DB: DrawingBackend>(
        &self,
        index: usize,
        area: &Area<'_, DB>,
        theme: &Theme,
    ) -> ChartResult<DB> {
        match index {
            0 => unit_map::draw(area, &map_input(self), theme),
            1 => shares::draw(area, &shares_input(self), theme),
            2 => timeline::draw(area, &timeline_input(self), theme),
            _ => max_pre::draw(area, &max_pre_input(self), theme),
        }
    }
}
