//! "Where neurons die", natively: the Monte Carlo against the exact single-point formula, RAI
//! against He, the phase map's two ends at bias 0, cells computed in pieces, the jobs' round
//! trip through a worker's text, the cancellation rules, and the contract with the network
//! panel (a cell's link there trains exactly the cell's run).

use dying_relu::chart::{render_svg, Theme};
use dying_relu::panels::dying::born_dead::{self, run_trials, single_point_formula, Method};
use dying_relu::panels::dying::charts::{born_curves, phase_map};
use dying_relu::panels::dying::jobs;
use dying_relu::panels::dying::state::{born_inputs, Job, Msg, Redraw, Settings, State, View};
use dying_relu::panels::dying::sweep::{self, CellRun, MapSpec};
use dying_relu::panels::dying::words;
use dying_relu::panels::network;
use dying_relu::spec::{query_pairs, Value};
use std::rc::Rc;

fn inputs() -> Vec<f64> {
    born_inputs(&sweep::map_data())
}

/// |estimate − p| within 4 standard errors (plus one count): fails about once in 16,000 runs
/// of a wrong-by-chance seed, and catches any real bias of more than a few percent.
fn within_sampling_error(k: u64, n: u64, p: f64) -> bool {
    let se = (p * (1.0 - p) / n as f64).sqrt();
    (k as f64 / n as f64 - p).abs() <= 4.0 * se + 1.0 / n as f64
}

#[test]
fn single_point_monte_carlo_agrees_with_the_formula() {
    let x = inputs();
    let one_point = &x[..4];
    let n = 4_000;
    for (depth, width) in [(1, 1), (3, 2), (8, 3), (20, 3), (10, 5), (30, 6)] {
        let t = run_trials(Method::He, width, one_point, 4, 11, 0, n);
        let k = t.dead_at_point[depth - 1];
        let p = single_point_formula(width, depth);
        assert!(
            within_sampling_error(k, n, p),
            "L={depth} N={width}: {k}/{n} vs formula {p:.4}"
        );
    }
}

#[test]
fn over_the_input_set_the_estimate_is_at_or_below_the_formula_and_rises_with_depth() {
    let x = inputs();
    let n = 2_000;
    for width in [2, 3, 5] {
        let t = run_trials(Method::He, width, &x, 4, 5, 0, n);
        let mut last = 0;
        for depth in 1..=born_dead::MAX_DEPTH {
            let k = t.dead[depth - 1];
            let p = single_point_formula(width, depth);
            let se = (p * (1.0 - p) / n as f64).sqrt();
            assert!(
                k as f64 / n as f64 <= p + 4.0 * se + 1.0 / n as f64,
                "N={width} L={depth}: {k}/{n} above the formula {p:.3}"
            );
            assert!(k >= last, "N={width}: falls at depth {depth}");
            last = k;
        }
        assert!(
            t.fraction(born_dead::MAX_DEPTH) > t.fraction(2) + 0.2,
            "N={width}: rises with depth ({} → {})",
            t.fraction(2),
            t.fraction(born_dead::MAX_DEPTH)
        );
    }
}

#[test]
fn rai_is_born_dead_less_often_than_he() {
    let x = inputs();
    let n = 1_500;
    for (depth, width) in [(10, 2), (10, 3), (20, 3), (50, 5)] {
        let he = run_trials(Method::He, width, &x, 4, 21, 0, n);
        let rai = run_trials(Method::Rai, width, &x, 4, 21, 0, n);
        let (ph, pr) = (he.fraction(depth), rai.fraction(depth));
        // Apart by more than four standard errors of the difference.
        let se = ((ph * (1.0 - ph) + pr * (1.0 - pr)) / n as f64).sqrt();
        assert!(
            ph - pr > 4.0 * se,
            "L={depth} N={width}: RAI {pr:.3} vs He {ph:.3}"
        );
    }
    let leaky = run_trials(Method::Leaky, 2, &x, 4, 21, 0, 300);
    assert_eq!(
        leaky.dead[born_dead::MAX_DEPTH - 1],
        0,
        "Leaky ReLU is never exactly constant"
    );
}

#[test]
fn trials_in_chunks_count_the_same_as_at_once() {
    let x = inputs();
    let all = run_trials(Method::Rai, 3, &x, 4, 9, 0, 120);
    let mut parts = run_trials(Method::Rai, 3, &x, 4, 9, 0, 50);
    parts.add(&run_trials(Method::Rai, 3, &x, 4, 9, 50, 7));
    parts.add(&run_trials(Method::Rai, 3, &x, 4, 9, 57, 63));
    assert_eq!(all, parts);
}

fn spec(res: usize) -> MapSpec {
    MapSpec {
        res,
        ..Settings::default().map()
    }
}

#[test]
fn at_bias_zero_the_map_is_alive_at_the_smallest_rate_and_mostly_dead_at_the_largest() {
    let s = spec(5);
    let j = s.row_near(0.0);
    assert_eq!(s.bias(j), 0.0);
    let data = Rc::new(sweep::map_data());
    let small = CellRun::new(s.config(0, j), data.clone(), s.epochs).run();
    let large = CellRun::new(s.config(s.res - 1, j), data, s.epochs).run();
    assert_eq!((s.lr(0), s.lr(s.res - 1)), (1e-4, 1.0));
    assert!(
        small.dead < 0.5 && !small.output_dead,
        "smallest rate: {small:?}"
    );
    assert!(large.dead > 0.5, "largest rate: {large:?}");
}

#[test]
fn a_cell_computed_in_pieces_equals_the_cell_computed_at_once() {
    let s = spec(6);
    let data = Rc::new(sweep::map_data());
    for (i, j) in [(3, 2), (5, 5), (0, 0)] {
        let whole = CellRun::new(s.config(i, j), data.clone(), s.epochs).run();
        let mut pieces = CellRun::new(s.config(i, j), data.clone(), s.epochs);
        let mut calls = 0;
        let result = loop {
            calls += 1;
            if let Some(r) = pieces.work(3) {
                break r;
            }
        };
        assert!(calls > 20, "really in pieces ({calls} calls)");
        assert_eq!(
            format!("{whole:?}"),
            format!("{result:?}"),
            "cell ({i}, {j})"
        );
    }
}

#[test]
fn a_cells_link_sets_the_network_panel_to_exactly_the_cells_run() {
    let mut settings = Settings::default();
    settings.set("act", &Value::Choice("leaky_relu".into()));
    settings.set("opt", &Value::Choice("sgd".into()));
    let s = settings.map();
    for (i, j) in [(0, 0), (7, 12), (19, 19)] {
        let q = s.network_query(i, j);
        let (net, warnings) = network::settings::Settings::from_pairs(&query_pairs(&q));
        assert!(warnings.is_empty(), "{q}: {warnings:?}");
        assert_eq!(net.net_config(), s.config(i, j), "{q}");
        assert_eq!((net.samples, net.epochs), (sweep::SAMPLES, s.epochs));
    }
}

#[test]
fn jobs_round_trip_through_a_workers_text() {
    let mut state = State::new(Settings {
        res: 4,
        trials: 100,
        ..Settings::default()
    });
    let mut cache = jobs::Cache::default();
    let mut seen = (0, 0);
    while let Some(job) = state.next_job() {
        let text = jobs::encode(job, &state.settings);
        let msg = jobs::decode(&jobs::run(&text, &mut cache)).expect("a result");
        match (job, &msg) {
            (Job::Cell { index, .. }, Msg::CellDone { result, .. }) => {
                let map = state.settings.map();
                let (i, j) = map.position(index);
                let direct = CellRun::new(map.config(i, j), state.data(), map.epochs).run();
                assert_eq!(format!("{direct:?}"), format!("{result:?}"));
                // ReLU: a unit proven dead everywhere is dead on the data, and a dead unit
                // (mean |h| = 0) is τ-dormant: the map's three shares are ordered.
                if !result.diverged {
                    assert!(
                        result.proven <= result.dead && result.dead <= result.dormant,
                        "{result:?}"
                    );
                }
                seen.0 += 1;
            }
            (Job::Born { .. }, Msg::BornDone { .. }) => seen.1 += 1,
            other => panic!("mismatch {other:?}"),
        }
        state.update(msg);
    }
    assert_eq!(seen, (16, 6));
    assert!(state.complete());
    assert!(jobs::decode(&jobs::run("job=cell&gen=1&index=999", &mut cache)).is_none());
    assert!(jobs::decode(&jobs::run("garbage", &mut cache)).is_none());
}

#[test]
fn stale_results_are_dropped_and_stop_stops_handing_out_work() {
    let mut state = State::new(Settings {
        res: 4,
        trials: 100,
        ..Settings::default()
    });
    let old_gen = state.map_gen;
    let result = CellRun::new(state.settings.map().config(0, 0), state.data(), 1).run();
    assert_eq!(
        state.update(Msg::Set("width", Value::Number(4.0))),
        Redraw::Work
    );
    assert_ne!(state.map_gen, old_gen, "a new map");
    let stale = Msg::CellDone {
        gen: old_gen,
        index: 0,
        result,
    };
    assert_eq!(state.update(stale), Redraw::Nothing);
    assert_eq!(state.map_progress().0, 0);
    // The view only redraws; it does not restart anything.
    let gen = state.map_gen;
    assert_eq!(
        state.update(Msg::Set("view", Value::Choice("loss".into()))),
        Redraw::All
    );
    assert_eq!((state.map_gen, state.settings.view), (gen, View::Loss));
    state.update(Msg::Stop);
    assert!(state.next_job().is_none(), "nothing handed out after Stop");
    let mut clock = 0.0;
    let mut tick = || {
        clock += 0.5;
        clock
    };
    assert_eq!(state.frame(8.0, &mut tick), Redraw::Nothing);
    assert_eq!(state.map_progress().0, 0);
    let late = Msg::CellDone {
        gen,
        index: 1,
        result,
    };
    assert_eq!(
        state.update(late),
        Redraw::Nothing,
        "a result arriving after Stop is dropped"
    );
    state.update(Msg::Start);
    assert!(state.next_job().is_some());
}

#[test]
fn the_main_thread_fallback_fills_the_map_in_frame_sized_slices() {
    let mut state = State::new(Settings {
        res: 4,
        trials: 100,
        ..Settings::default()
    });
    let mut t = 0.0;
    let mut clock = || {
        t += 0.25;
        t
    };
    let mut frames = 0;
    while !state.complete() {
        state.frame(8.0, &mut clock);
        frames += 1;
        assert!(frames < 100_000);
    }
    // Each frame stops once its budget (32 ticks of the fake clock) is spent.
    assert!(frames > 10, "{frames} frames");
    let map = state.settings.map();
    let direct = CellRun::new(map.config(3, 1), state.data(), map.epochs).run();
    assert_eq!(
        format!("{:?}", state.cells[4 + 3].unwrap()),
        format!("{direct:?}")
    );
    let x = born_inputs(&state.data());
    let he = run_trials(
        Method::He,
        3,
        &x,
        4,
        dying_relu::panels::dying::state::BORN_SEED,
        0,
        100,
    );
    assert_eq!(state.tallies[0], he, "the chunks add up to the whole");
}

#[test]
fn bad_link_values_are_clamped_with_a_notice() {
    let (s, w) = Settings::from_pairs(&query_pairs("res=99&width=-3&act=nope&bwidth=abc&engine=7"));
    assert_eq!((s.res, s.width, s.born_width), (32, 1, 3));
    let keys: Vec<&str> = w.iter().map(|w| w.key()).collect();
    assert_eq!(keys, ["width", "act", "res", "bwidth", "engine"]);
    let back = Settings::from_pairs(&query_pairs(&s.to_query()));
    assert_eq!(back, (s, vec![]));
}

#[test]
fn arrow_keys_move_the_focus_within_the_map() {
    let mut state = State::new(Settings {
        res: 4,
        ..Settings::default()
    });
    state.update(Msg::Move(-1, 0));
    assert_eq!(
        state.focus,
        Some(2 * 4),
        "starts on the row nearest bias 0, clamped at the left"
    );
    state.update(Msg::Move(10, 10));
    assert_eq!(state.focus, Some(15));
}

#[test]
fn words_say_what_the_finished_map_and_curves_show() {
    let mut state = State::new(Settings {
        res: 5,
        trials: 200,
        ..Settings::default()
    });
    let mut t = 0.0;
    let mut clock = || {
        t += 1.0;
        t
    };
    assert!(words::map_status(&state).starts_with("Computing: 0 of 25 cells"));
    let waiting = words::waiting_status(&state);
    assert!(
        waiting.starts_with("Not started: the map's 25 cells"),
        "{waiting}"
    );
    while !state.complete() {
        state.frame(1e9, &mut clock);
    }
    let m = words::map_status(&state);
    assert!(
        m.starts_with("4-8-8-8-1 ReLU, Adam, 3 epochs per cell: At bias 0, "),
        "{m}"
    );
    assert!(
        m.contains(
            "At bias −1, more than half of the hidden units are dead before training starts"
        ),
        "{m}"
    );
    let b = words::born_status(&state);
    let he = &state.tallies[0];
    let d = he.depth_reaching(0.5).unwrap();
    assert!(b.starts_with(&format!("At width 3, half of the He-initialised ReLU nets are born dead by depth {d} (at one input point, by depth 6)")), "{b}");
    assert!(b.contains("with Leaky ReLU, none"), "{b}");
    let map = state.settings.map();
    let c = words::cell(&map, 2 * 5, state.cells[10].as_ref());
    assert!(c.starts_with("Learning rate 1.00e-4, bias 0: "), "{c}");
}

#[test]
fn both_charts_render_with_their_words() {
    let mut state = State::new(Settings {
        res: 6,
        trials: 100,
        ..Settings::default()
    });
    let mut t = 0.0;
    let mut clock = || {
        t += 1.0;
        t
    };
    while !state.complete() {
        state.frame(1e9, &mut clock);
    }
    let map = state.settings.map();
    let theme = Theme::light(1.0);
    let mut layout = None;
    let svg = render_svg(700, 480, |area| {
        let d = phase_map::MapData {
            spec: &map,
            cells: &state.cells,
            view: View::Dead,
            focus: Some(3),
        };
        layout = Some(phase_map::draw(area, &d, &theme)?);
        Ok(())
    })
    .unwrap();
    for text in [
        "learning rate (log scale, no unit)",
        "initial bias (no unit)",
        "1e−4",
        "seed 002",
        "50 %",
        "dead hidden units",
    ] {
        assert!(svg.contains(text), "map lacks {text}");
    }
    let layout = layout.unwrap();
    let (x, y) = (layout.x.clone(), layout.y.clone());
    assert_eq!(
        layout.hit(x.start as f64 + 1.0, y.end as f64 - 1.0),
        Some(0)
    );
    assert_eq!(
        layout.hit(x.end as f64 - 1.0, y.start as f64 + 1.0),
        Some(35)
    );
    assert_eq!(layout.hit(x.start as f64 - 5.0, y.start as f64 + 1.0), None);
    assert!(
        !phase_map::contour_segments(&map, &state.cells, 0.5, state.settings.view).is_empty(),
        "a border to draw"
    );
    let svg = render_svg(700, 420, |area| {
        let d = born_curves::BornData {
            width: 3,
            tallies: &state.tallies,
        };
        born_curves::draw(area, &d, &theme)
    })
    .unwrap();
    for text in [
        "depth L (hidden layers)",
        "nets born dead (%)",
        "ReLU, RAI",
        "exact, one input point",
    ] {
        assert!(svg.contains(text), "curves lack {text}");
    }
}
