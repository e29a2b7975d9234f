#![cfg(not(target_arch = "wasm32"))]
//! The activation, neuron and "Where neurons die" panels under any values: settings read from
//! hostile address values (numbers of every magnitude, NaN, garbage), random sequences of what
//! a learner can press, and map cells and born-dead tallies of any size. Every figure is drawn
//! to SVG and every sentence written; nothing may panic, no coordinate may be NaN, and the words
//! name the numbers they were given.

use dying_relu::chart::figure::{slide_svg, Figures};
use dying_relu::chart::{render_svg, Theme};
use dying_relu::panels::activation::{state as act_state, words as act_words};
use dying_relu::panels::dying::charts::{born_curves, phase_map};
use dying_relu::panels::dying::state::{Settings as DyingSettings, State as DyingState, View};
use dying_relu::panels::dying::sweep::CellResult;
use dying_relu::panels::dying::words as dying_words;
use dying_relu::panels::neuron::state::{self as neuron_state, Msg, State as NeuronState};
use dying_relu::panels::neuron::words as neuron_words;
use dying_relu::spec::format_sig;
use proptest::prelude::*;

fn assert_finite_svg(svg: &str, what: &str) {
    for bad in ["NaN", "inf"] {
        assert!(!svg.contains(bad), "{what}: {bad} in the SVG");
    }
}

/// A value as an address may carry it: a number of any magnitude, written any way, or not a
/// number at all.
fn address_value() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => (-320i32..320, any::<bool>(), 1.0f64..10.0).prop_map(|(k, neg, m)| {
            let v = if neg { -m } else { m } * 10f64.powi(k);
            format!("{v:e}")
        }),
        2 => (-1e3f64..1e3).prop_map(|v| v.to_string()),
        1 => prop::sample::select(vec![
            "NaN", "inf", "-inf", "", "1e999", "-0", "0x10", "½", "\u{202e}5", "1,5", "  3 ",
        ])
        .prop_map(String::from),
        1 => "[a-z_]{0,12}",
    ]
}

fn pairs(keys: &'static [&'static str]) -> impl Strategy<Value = Vec<(String, String)>> {
    prop::collection::vec(
        (prop::sample::select(keys), address_value()).prop_map(|(k, v)| (k.to_string(), v)),
        0..8,
    )
}

const FUNCTIONS: [&str; 7] = [
    "relu",
    "leaky_relu",
    "elu",
    "selu",
    "tanh",
    "sigmoid",
    "gelu",
];

fn function() -> impl Strategy<Value = (String, String)> {
    prop::sample::select(FUNCTIONS.to_vec()).prop_map(|f| ("f".to_string(), f.to_string()))
}

/// What a learner can press on the neuron panel.
fn neuron_msg() -> impl Strategy<Value = Msg> {
    prop_oneof![
        Just(Msg::LargeStep),
        Just(Msg::Step),
        Just(Msg::ToggleTrain),
        Just(Msg::Tick),
        Just(Msg::Reset),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn the_activation_panel_draws_any_address(mut p in pairs(&["f", "alpha"]), f in function()) {
        p.insert(0, f);
        let (settings, _) = act_state::from_pairs(&p);
        for (i, fig) in settings.figures().iter().enumerate() {
            let svg = slide_svg(&settings, i).unwrap_or_else(|e| panic!("{}: {e}", fig.slug));
            assert_finite_svg(&svg, &fig.slug);
        }
        let f = settings.activation();
        let summary = act_words::summary(f);
        prop_assert!(summary.contains(f.kind.label()), "{}", summary);
        prop_assert!(!act_words::chart_label(f).is_empty());
    }

    #[test]
    fn the_neuron_panel_draws_any_address_and_any_presses(
        mut p in pairs(&["f", "alpha", "lr", "b"]),
        f in function(),
        presses in prop::collection::vec(neuron_msg(), 0..12),
    ) {
        p.insert(0, f);
        let (settings, _) = neuron_state::from_pairs(&p);
        let mut state = NeuronState::new(settings);
        for m in presses {
            state.update(m);
        }
        for (i, fig) in state.figures().iter().enumerate() {
            let svg = slide_svg(&state, i).unwrap_or_else(|e| panic!("{}: {e}", fig.slug));
            assert_finite_svg(&svg, &fig.slug);
        }
        let stats = state.neuron.stats();
        let g = state.gradient_now();
        let summary = neuron_words::summary(state.neuron.f, &stats, &g, state.was_shut, state.settings.lr);
        let open = format!("{}%", (stats.open_fraction * 100.0).round());
        prop_assert!(summary.contains(&open), "{} lacks {}", summary, open);
        prop_assert!(!neuron_words::gate_chart_label(&stats).is_empty());
    }

    /// A magnitude of any size, either sign, zero, or not finite, as order_of may meet it.
    #[test]
    fn a_gradients_order_is_a_power_of_ten_for_any_size(g in prop_oneof![
        Just(0.0), Just(f64::NAN), Just(f64::INFINITY), Just(-1.0),
        (-320i32..300, 1.0f64..10.0).prop_map(|(k, m)| m * 10f64.powi(k)),
    ]) {
        let text = neuron_words::order_of(g);
        prop_assert!(!text.contains("2147483648"), "{} for {}", text, g);
        if g.is_finite() && g > 0.0 && g < 0.01 {
            prop_assert_eq!(text, format!("1e{}", g.log10().floor()));
        }
    }
}

/// A map cell's result at any scale: a share of dead units (or NaN when diverged) and a loss
/// from 1e-300 to 1e300.
fn cell_result() -> impl Strategy<Value = Option<CellResult>> {
    let loss = prop_oneof![
        Just(0.0),
        Just(f64::NAN),
        Just(f64::INFINITY),
        (-300i32..300, 1.0f64..10.0).prop_map(|(k, m)| m * 10f64.powi(k)),
    ];
    prop_oneof![
        1 => Just(None),
        6 => (0.0f64..=1.0, 0.0f64..=1.0, any::<bool>(), loss, any::<bool>()).prop_map(
            |(dead, dead_at_start, output_dead, loss, diverged)| Some(CellResult {
                dead: if diverged { f64::NAN } else { dead },
                dead_at_start,
                dormant: if diverged { f64::NAN } else { (dead * 1.3).min(1.0) },
                proven: if diverged { f64::NAN } else { dead * 0.5 },
                output_dead,
                loss: if diverged { f64::NAN } else { loss },
                accuracy: if diverged { f64::NAN } else { 1.0 - dead * 0.5 },
                diverged,
            })
        ),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn the_dying_panel_draws_any_cells_and_tallies(
        p in pairs(&["layers", "width", "epochs", "res", "view", "bwidth", "trials", "alpha"]),
        view in prop::sample::select(View::ALL.to_vec()),
        results in prop::collection::vec(cell_result(), 1..1025),
        focus in prop::option::of(0usize..1100),
        dead in prop::collection::vec(0u64..6000, 50),
        trials in 0u64..6000,
        compact in any::<bool>(),
    ) {
        let (settings, _) = DyingSettings::from_pairs(&p);
        let mut state = DyingState::new(DyingSettings {
            view,
            ..settings
        });
        let n = state.cells.len();
        for (k, c) in state.cells.iter_mut().enumerate() {
            *c = results[k % results.len()];
        }
        for t in state.tallies.iter_mut() {
            t.trials = trials;
            for (d, v) in t.dead.iter_mut().zip(&dead) {
                *d = (*v).min(trials);
            }
            for (d, v) in t.dead_at_point.iter_mut().zip(&dead) {
                *d = (*v / 2).min(trials);
            }
        }
        let theme = Theme { compact, ..Theme::light(2.0) };
        let spec = state.settings.map();
        let data = phase_map::MapData {
            spec: &spec,
            cells: &state.cells,
            view: state.settings.view,
            focus: focus.filter(|&f| f < n),
        };
        let svg = render_svg(700, 600, |a| phase_map::draw(a, &data, &theme).map(|_| ()))
            .expect("phase map");
        assert_finite_svg(&svg, "phase map");
        let born = born_curves::BornData { width: state.settings.born_width, tallies: &state.tallies };
        let svg = render_svg(700, 600, |a| born_curves::draw(a, &born, &theme)).expect("born curves");
        assert_finite_svg(&svg, "born curves");
        for (index, c) in state.cells.iter().enumerate().take(64) {
            let text = dying_words::cell(&spec, index, c.as_ref());
            let lr = format_sig(spec.lr(spec.position(index).0), 3);
            prop_assert!(text.contains(&lr), "{} lacks {}", text, lr);
        }
        prop_assert!(!dying_words::map_status(&state).is_empty());
        prop_assert!(!dying_words::born_status(&state).is_empty());
        prop_assert!(!dying_words::waiting_status(&state).is_empty());
    }
}
