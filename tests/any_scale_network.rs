#![cfg(not(target_arch = "wasm32"))]
//! "A small network" on data of any magnitude: a learner's target may be a temperature, a
//! price or a length in nanometres. Property tests train real runs on random tables whose
//! target spans 1e-12 to 1e12 (of both signs, constant or not, two rows or sixty), then draw
//! every figure to SVG and write every sentence, asserting no panic, finite coordinates and
//! words that name the numbers they were given. A second property scales a real run's
//! numbers over 1e-300 to 1e300, for the charts alone.

use dying_relu::chart::figure::{slide_svg, Figures};
use dying_relu::chart::{render_svg, Theme};
use dying_relu::panels::network::charts::{comparison, distribution, loss};
use dying_relu::panels::network::settings::Settings;
use dying_relu::panels::network::state::{Msg, State};
use dying_relu::panels::network::words;
use dying_relu::sim::csv::MAX_MAGNITUDE;
use dying_relu::sim::stats::EpochStats;
use dying_relu::spec::{format_sig, Value};
use proptest::prelude::*;

mod native_support;
use native_support::run_frames;

/// A table as a learner might paste it: `rows` rows of `inputs` inputs drawn from `seed`,
/// scaled by `input_scale`, and a target `offset + scale · (a mix of the inputs)`.
#[derive(Clone, Debug)]
pub struct Table {
    pub rows: usize,
    pub inputs: usize,
    pub input_scale: f64,
    pub offset: f64,
    pub scale: f64,
    pub seed: u64,
}

impl Table {
    /// The table as CSV text, and the largest magnitude in it.
    pub fn csv(&self) -> (String, f64) {
        let mut largest = 0.0f64;
        let mut out = String::new();
        let names: Vec<String> = (1..=self.inputs).map(|k| format!("x{k}")).collect();
        out.push_str(&names.join(","));
        out.push_str(",y\n");
        let mut state = self.seed.wrapping_mul(6364136223846793005).wrapping_add(1);
        let mut next = || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((state >> 11) as f64 / (1u64 << 53) as f64) * 2.0 - 1.0
        };
        for _ in 0..self.rows {
            let xs: Vec<f64> = (0..self.inputs).map(|_| next()).collect();
            let mix: f64 = xs.iter().enumerate().map(|(k, x)| x / (k + 1) as f64).sum();
            for x in &xs {
                let v = x * self.input_scale;
                largest = largest.max(v.abs());
                out.push_str(&format!("{v:e},"));
            }
            let y = self.offset + self.scale * mix;
            largest = largest.max(y.abs());
            out.push_str(&format!("{y:e}\n"));
        }
        (out, largest)
    }
}

/// A magnitude 10^k for k in [lo, hi], with either sign or 0.
fn magnitude(lo: i32, hi: i32) -> impl Strategy<Value = f64> {
    prop_oneof![
        1 => Just(0.0),
        8 => (lo..=hi, any::<bool>(), 1.0f64..10.0)
            .prop_map(|(k, neg, m)| if neg { -m } else { m } * 10f64.powi(k)),
    ]
}

fn table() -> impl Strategy<Value = Table> {
    (
        prop_oneof![1 => 2usize..10, 6 => 10usize..60],
        1usize..5,
        prop_oneof![2 => Just(1.0), 2 => magnitude(-6, 6), 1 => magnitude(-40, 300)],
        prop_oneof![4 => magnitude(-12, 12), 1 => magnitude(-300, 300), 1 => magnitude(17, 18)],
        prop_oneof![4 => magnitude(-12, 12), 1 => magnitude(-300, 300), 1 => magnitude(17, 18)],
        any::<u64>(),
    )
        .prop_map(|(rows, inputs, input_scale, offset, scale, seed)| Table {
            rows,
            inputs,
            input_scale,
            offset,
            scale,
            seed,
        })
}

/// The SVG's numbers are all finite: plotters writes a NaN or infinite coordinate as text.
fn assert_finite_svg(svg: &str, what: &str) {
    for bad in ["NaN", "inf"] {
        assert!(!svg.contains(bad), "{what}: {bad} in the SVG");
    }
}

/// Every figure of the panel, drawn as Save SVG draws it.
fn draw_every_figure(state: &State) {
    for (i, f) in state.figures().iter().enumerate() {
        let svg = slide_svg(state, i).unwrap_or_else(|e| panic!("{}: {e}", f.slug));
        assert_finite_svg(&svg, &f.slug);
    }
}

/// The dead line's label names the dead line the run has, at every scale.
fn assert_loss_chart_names_the_dead_line(state: &State) {
    let svg = slide_svg(state, 0).expect("loss chart");
    let line = format_sig(state.dead_loss(), 4);
    assert!(
        svg.contains(&format!("E[y²] = {line}")),
        "the loss chart does not name its dead line {line}"
    );
}

/// Every sentence the panel writes about this run, with the numbers they must name.
fn assert_words(state: &State) {
    let info = state.data_info();
    let s = &state.settings;
    let status = words::status_on(
        s,
        &state.run.history,
        (state.run.target(), state.activity, state.run.failure()),
        &info,
    );
    assert!(!status.is_empty());
    if state.run.failure().is_some() {
        // A run that blew up says so, and blames large data when the data is large.
        assert!(status.contains("The numbers blew up"), "{status}");
        if info.largest.0 > 1e6 {
            let x = format_sig(info.largest.0, 2);
            assert!(status.contains(&x), "{status:?} lacks the inputs' size {x}");
        }
    }
    if let (Some(last), None) = (state.run.latest(), state.run.failure()) {
        let loss = format_sig(last.val_loss, 3);
        assert!(
            status.contains(&loss),
            "status {status:?} lacks its loss {loss}"
        );
    }
    let in_use = words::data_in_use(Some((&info.what, info.inputs, info.dead_loss)));
    let line = format_sig(info.dead_loss, 4);
    assert!(in_use.contains(&line), "{in_use:?} lacks {line}");
    let n = state.n_layers();
    for l in 0..n {
        for u in 0..state.units()[l] {
            let text = words::autopsy(&state.run.history, l, u, state.steps_per_epoch());
            assert!(!text.is_empty());
        }
    }
    let line = words::compare_line_on(
        "run",
        &state.run.history,
        state.run.failure(),
        info.dead_loss,
    );
    assert!(line.starts_with("run: "), "{line}");
}

fn small_settings(width: usize, layers: usize, lr: f64) -> Settings {
    Settings {
        epochs: 1,
        width,
        layers,
        lr,
        preset: None,
        ..Settings::default()
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    /// A real run on a random table at any scale: one epoch, every figure, every sentence.
    #[test]
    fn own_data_of_any_scale_trains_draws_and_says_so(
        t in table(),
        width in 1usize..4,
        layers in 0usize..3,
        lr in prop_oneof![Just(0.001), Just(0.1), Just(1.0)],
        standardise in any::<bool>(),
    ) {
        let mut state = State::new(small_settings(width, layers, lr));
        let (text, largest) = t.csv();
        state.update(Msg::LoadData { name: "t.csv".into(), bytes: text.into_bytes() });
        if standardise {
            state.update(Msg::Standardise(true));
        }
        if largest > MAX_MAGNITUDE {
            // Beyond what 32-bit floats can square: refused with the reason.
            let notice = state.data_notice.clone().unwrap_or_default();
            prop_assert!(state.own.is_none());
            prop_assert!(notice.contains("beyond ±1e18"), "{}", notice);
            draw_every_figure(&state);
            return Ok(());
        }
        if t.rows < 10 {
            // Too few rows for a 70/30 split: refused in words, seed 002's run untouched.
            let notice = state.data_notice.clone().unwrap_or_default();
            prop_assert!(state.own.is_none());
            prop_assert!(notice.contains(&format!("Only {} data rows", t.rows)), "{}", notice);
            draw_every_figure(&state);
            return Ok(());
        }
        prop_assert!(state.own.is_some(), "refused: {:?}", state.data_notice);
        draw_every_figure(&state);
        state.update(Msg::Train);
        run_frames(&mut state);
        draw_every_figure(&state);
        assert_loss_chart_names_the_dead_line(&state);
        assert_words(&state);
    }
}

/// One real run, trained once, whose numbers the scaling property multiplies.
fn base_run() -> State {
    let mut state = State::new(Settings {
        samples: 1_000,
        epochs: 2,
        ..Settings::default()
    });
    state.update(Msg::Set("epochs", Value::Number(2.0)));
    state.update(Msg::Train);
    run_frames(&mut state);
    state
}

/// The run's numbers times `k`: losses by k², outputs and gradients by k.
fn scaled(history: &[EpochStats], k: f64) -> Vec<EpochStats> {
    history
        .iter()
        .map(|s| {
            let mut s = s.clone();
            s.train_loss *= k * k;
            s.val_loss *= k * k;
            for l in &mut s.layers {
                for d in [&mut l.output, &mut l.weight_grad] {
                    for p in &mut d.percentiles {
                        *p *= k;
                    }
                    d.histogram.lo *= k;
                    d.histogram.hi *= k;
                    d.mean *= k;
                }
            }
            s
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// The network's charts at any scale from 1e-150 to 1e150 (losses to 1e±300), drawn
    /// straight from the numbers: no panic, no NaN, the dead line named.
    #[test]
    fn the_charts_draw_numbers_of_any_scale(
        exp in -150i32..150,
        dead_exp in -300i32..300,
        epochs in 1usize..12,
        compact in any::<bool>(),
    ) {
        thread_local!(static BASE: State = base_run());
        let k = 10f64.powi(exp);
        let dead = 10f64.powi(dead_exp);
        let theme = Theme { compact, ..Theme::light(1.0) };
        BASE.with(|base| {
            let history = scaled(&base.run.history, k);
            let trace: Vec<(f64, f64)> = base.run.trace.iter().map(|&(x, y)| (x, y * k * k)).collect();
            let data = loss::LossData { epochs, history: &history, trace: &trace, dead_loss: dead, cross_entropy: false };
            let svg = render_svg(960, 540, |a| loss::draw(a, &data, &theme)).expect("loss");
            assert_finite_svg(&svg, "loss");
            let line = format_sig(dead, 4);
            assert!(svg.contains(&line), "loss chart lacks {line}");
            let n = history[0].layers.len();
            for layer in 0..n {
                let svg = render_svg(960, 540, |a| {
                    distribution::draw(a, &history, epochs, layer, n, &theme)
                }).expect("distribution");
                assert_finite_svg(&svg, "distribution");
            }
            let entries = [
                comparison::Entry { label: "a", history: &history, failed: false },
                comparison::Entry { label: "b", history: &history[..1], failed: true },
            ];
            let svg = render_svg(960, 540, |a| comparison::draw(a, &entries, epochs, dead, &theme))
                .expect("comparison");
            assert_finite_svg(&svg, "comparison");
        });
    }
}
