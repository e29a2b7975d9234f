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
        let q = s.network_query(i, j).expect("seed 002's cells load");
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
    assert_eq!(seen, (16, 6), "no comparison row without a remedy");
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

// ---- Issue #27 and #30 on the map: the second axis, the remedies, the tasks. ----

fn compute(state: &mut State) {
    let mut t = 0.0;
    let mut clock = || {
        t += 1.0;
        t
    };
    while !state.complete() {
        state.frame(1e9, &mut clock);
    }
}

#[test]
fn the_new_rows_round_trip_through_a_link_and_skip_the_axis_value() {
    let mut s = Settings::default();
    for (k, v) in [
        ("task", "spiral"),
        ("axis", "warmup"),
        ("redo", "reset"),
        ("bn", "on"),
        ("inputs", "centred"),
        ("view", "accuracy"),
    ] {
        s.set(k, &Value::Choice(v.into()));
    }
    for (k, v) in [
        ("bias", 0.3),
        ("clip", 1.5),
        ("wd", 0.01),
        ("warmup", 500.0),
    ] {
        s.set(k, &Value::Number(v));
    }
    let q = s.to_query();
    for part in [
        "task=spiral",
        "axis=warmup",
        "bias=0.3",
        "clip=1.5",
        "wd=0.01",
        "redo=reset",
        "bn=on",
        "inputs=centred",
        "view=accuracy",
    ] {
        assert!(q.contains(part), "{q} lacks {part}");
    }
    assert!(
        !q.contains("warmup=500"),
        "the axis's own value is not a setting: {q}"
    );
    let (back, w) = Settings::from_pairs(&query_pairs(&q));
    assert!(w.is_empty(), "{w:?}");
    assert_eq!(back.to_query(), q);
    assert_eq!(back.map(), s.map());
    // Each axis leaves out only its own row.
    for (axis, key) in [("bias", "bias="), ("clip", "clip=")] {
        let mut t = s.clone();
        t.set("axis", &Value::Choice(axis.into()));
        let q = t.to_query();
        assert!(!q.contains(&format!("&{key}")), "{q}");
        assert!(q.contains("warmup=500"), "{q}");
        assert_eq!(Settings::from_pairs(&query_pairs(&q)).0.map(), t.map());
    }
}

#[test]
fn hostile_values_for_the_new_rows_are_repaired_with_a_notice() {
    let q = "trials=100&task=%3Cscript%3E&axis=sideways&bias=7&warmup=-40&clip=1e9&wd=NaN&redo=maybe&bn=2&inputs=x&view=%00";
    let (s, w) = Settings::from_pairs(&query_pairs(q));
    let keys: Vec<&str> = w.iter().map(|w| w.key()).collect();
    assert_eq!(
        keys,
        ["task", "axis", "bias", "warmup", "clip", "wd", "redo", "bn", "inputs", "view"]
    );
    let r = s.remedies;
    assert_eq!((s.task, s.axis), (sweep::Task::Seed002, sweep::Axis::Bias));
    assert_eq!(
        (r.bias, r.warmup, r.clip, r.weight_decay),
        (1.0, 0, 10.0, 0.0)
    );
    assert_eq!(s.map().config(3, 3).clip_norm, Some(10.0));
    // The fixed bias plays no part on the bias axis, and the link leaves it out.
    let (back, w) = Settings::from_pairs(&query_pairs(&s.to_query()));
    assert_eq!((back.map(), w), (s.map(), vec![]));
    assert!(!s.to_query().contains("bias="));
}

#[test]
fn the_remedy_rows_match_the_network_panels_keys_labels_and_ranges() {
    use dying_relu::panels::dying::state as dy;
    use network::settings as net;
    let same_number = |a: &dying_relu::spec::NumberSpec, b: &dying_relu::spec::NumberSpec| {
        assert_eq!(
            (a.key, a.label, a.min, a.max, a.default, a.step),
            (b.key, b.label, b.min, b.max, b.default, b.step)
        )
    };
    same_number(&dy::BIAS, &net::BIAS);
    same_number(&dy::WARMUP, &net::WARMUP);
    same_number(&dy::CLIP, &net::CLIP);
    same_number(&dy::WEIGHT_DECAY, &net::WEIGHT_DECAY);
    // The ReDo, batch-norm and input menus are one definition each (`spec::REDO`, …), used
    // by both panels: nothing to compare.
}

#[test]
fn the_axes_span_their_ranges_with_the_baseline_row_where_it_belongs() {
    let mut s = spec(5);
    assert_eq!((s.bias(0), s.bias(2), s.bias(4)), (-1.0, 0.0, 1.0));
    assert_eq!(s.baseline_row(), 2);
    s.axis = sweep::Axis::Warmup;
    // The whole budget: 3 epochs of 44 steps (1,400 samples in batches of 32).
    assert_eq!(s.budget_steps(), 132);
    let t =
        dying_relu::sim::train::Trainer::new(s.config(0, 0), Rc::new(sweep::map_data())).unwrap();
    assert_eq!(t.steps_per_epoch(), sweep::STEPS_PER_EPOCH);
    let w: Vec<usize> = (0..5).map(|j| s.warmup(j)).collect();
    assert_eq!(w, [0, 33, 66, 99, 132]);
    assert_eq!(s.baseline_row(), 0);
    assert_eq!(s.bias(3), 0.0, "the fixed bias");
    s.axis = sweep::Axis::Clip;
    let c: Vec<Option<f64>> = (0..5).map(|j| s.clip(j)).collect();
    assert_eq!(c[4], None, "the top row is off");
    for (got, want) in c[..4].iter().zip([0.01, 0.1, 1.0, 10.0]) {
        assert!((got.unwrap() - want).abs() < 1e-12 * want, "{c:?}");
    }
    assert_eq!(s.baseline_row(), 4);
    let y: Vec<f64> = (0..5).map(|j| s.y(j)).collect();
    assert!(
        y.windows(2).all(|p| (p[1] - p[0] - 1.0).abs() < 1e-9),
        "evenly spaced: {y:?}"
    );
}

/// A cell trained by the sim directly: `epochs` epochs of `config`, the hidden dead share and
/// the validation loss at the end.
fn direct(
    config: dying_relu::sim::train::NetConfig,
    data: Rc<dying_relu::sim::data::Dataset>,
    epochs: usize,
) -> (f64, f64) {
    let mut t = dying_relu::sim::train::Trainer::new(config, data).unwrap();
    let mut last = None;
    for _ in 0..epochs {
        last = Some(t.train_epoch().unwrap());
    }
    let s = last.unwrap();
    (sweep::hidden_dead_fraction(&s), s.val_loss)
}

#[test]
fn cells_with_warmup_and_clipping_are_the_sims_own_runs() {
    use dying_relu::sim::optim::OptimizerConfig;
    use dying_relu::sim::train::NetConfig;
    let data = Rc::new(sweep::map_data());
    let mut s = spec(5);
    s.axis = sweep::Axis::Warmup;
    let by_hand = NetConfig {
        hidden: vec![8, 8, 8],
        hidden_activation: s.activation,
        output_activation: s.activation,
        optimizer: OptimizerConfig::adam(0.1),
        seed: sweep::SEED,
        warmup_steps: 66,
        ..NetConfig::default()
    };
    assert_eq!(s.config(3, 2), by_hand);
    let cell = CellRun::new(s.config(3, 2), data.clone(), s.epochs).run();
    assert_eq!(
        (cell.dead, cell.loss),
        direct(by_hand, data.clone(), s.epochs)
    );
    s.axis = sweep::Axis::Clip;
    let by_hand = NetConfig {
        hidden: vec![8, 8, 8],
        hidden_activation: s.activation,
        output_activation: s.activation,
        optimizer: OptimizerConfig::adam(1.0),
        seed: sweep::SEED,
        clip_norm: Some(0.1),
        ..NetConfig::default()
    };
    assert_eq!(s.config(4, 1), by_hand);
    let cell = CellRun::new(s.config(4, 1), data.clone(), s.epochs).run();
    assert_eq!((cell.dead, cell.loss), direct(by_hand, data, s.epochs));
}

#[test]
fn tasks_train_with_their_output_and_loss_and_report_accuracy() {
    use dying_relu::sim::activation::ActivationKind;
    use dying_relu::sim::loss::Loss;
    let mut s = spec(5);
    for (task, out, loss, inputs) in [
        (sweep::Task::Seed002, ActivationKind::Relu, Loss::Mse, 4),
        (
            sweep::Task::Seed002Linear,
            ActivationKind::Linear,
            Loss::Mse,
            4,
        ),
        (
            sweep::Task::from_id("spiral").unwrap(),
            ActivationKind::Sigmoid,
            Loss::BinaryCrossEntropy,
            2,
        ),
        (
            sweep::Task::from_id("reg-plane").unwrap(),
            ActivationKind::Linear,
            Loss::Mse,
            2,
        ),
    ] {
        s.task = task;
        let c = s.config(2, 2);
        assert_eq!(
            (c.output_activation.kind, c.loss, c.inputs),
            (out, loss, inputs),
            "{task:?}"
        );
        let data = Rc::new(task.dataset(dying_relu::sim::data::InputScaling::Raw));
        assert_eq!(
            (data.n_features, data.n_train()),
            (inputs, sweep::TRAIN_SAMPLES)
        );
        let r = CellRun::new(c, data, 1).run();
        assert_eq!(r.accuracy.is_finite(), task.classifies(), "{task:?}: {r:?}");
    }
}

#[test]
fn new_settings_reach_the_workers_and_the_fallback_gives_the_same_numbers() {
    for q in [
        "res=4&trials=100&task=spiral&axis=clip&bn=on",
        "res=4&trials=100&task=seed002-linear&axis=warmup&inputs=standardised&wd=0.01",
        "res=4&trials=100&task=xor&redo=keep&warmup=50",
    ] {
        let (settings, w) = Settings::from_pairs(&query_pairs(q));
        assert!(w.is_empty(), "{w:?}");
        let mut workers = State::new(settings.clone());
        let mut cache = jobs::Cache::default();
        let mut base_jobs = 0;
        while let Some(job) = workers.next_job() {
            base_jobs += matches!(job, Job::Base { .. }) as usize;
            let text = jobs::encode(job, &workers.settings);
            let msg = jobs::decode(&jobs::run(&text, &mut cache)).expect("a result");
            workers.update(msg);
        }
        assert!(workers.complete(), "{q}");
        let map = settings.map();
        assert_eq!(base_jobs, if map.needs_baseline() { 4 } else { 0 }, "{q}");
        let mut main = State::new(settings);
        compute(&mut main);
        assert_eq!(
            format!("{:?}", main.cells),
            format!("{:?}", workers.cells),
            "{q}"
        );
        assert_eq!(
            format!("{:?}", main.baseline),
            format!("{:?}", workers.baseline),
            "{q}"
        );
        // The comparison row is the baseline row without the remedies, on raw inputs.
        if map.needs_baseline() {
            let plain = map.without_remedies();
            let data = Rc::new(map.task.dataset(dying_relu::sim::data::InputScaling::Raw));
            let want = CellRun::new(plain.config(1, map.baseline_row()), data, map.epochs).run();
            assert_eq!(
                format!("{want:?}"),
                format!("{:?}", main.baseline[1].unwrap())
            );
        }
        assert!(jobs::decode(&jobs::run("job=base&gen=1&index=99", &mut cache)).is_none());
    }
}

/// A finished State with hand-made cells: `dead_from[j]` is the first column of row j that
/// is mostly dead (every one after it too), `res` for none.
fn hand_made(q: &str, dead_from: &[usize], base_from: Option<usize>) -> State {
    let (settings, _) = Settings::from_pairs(&query_pairs(q));
    let mut state = State::new(settings);
    let res = state.settings.res;
    let cell = |dead: bool| sweep::CellResult {
        dead: if dead { 0.75 } else { 0.25 },
        dead_at_start: 0.1,
        dormant: 0.3,
        proven: 0.0,
        output_dead: false,
        loss: if dead { 0.5 } else { 0.1 },
        accuracy: if dead { 0.6 } else { 0.95 },
        diverged: false,
    };
    let gen = state.map_gen;
    for (j, &from) in dead_from.iter().enumerate().take(res) {
        for i in 0..res {
            let result = cell(i >= from);
            state.update(Msg::CellDone {
                gen,
                index: j * res + i,
                result,
            });
        }
    }
    for index in 0..state.baseline.len() {
        let result = cell(index >= base_from.unwrap_or(res));
        state.update(Msg::BaseDone { gen, index, result });
    }
    // The born-dead chunks for real (quick); the cells' jobs are done already.
    let mut cache = jobs::Cache::default();
    while let Some(job) = state.next_job() {
        if let Job::Born { .. } = job {
            let text = jobs::encode(job, &state.settings);
            state.update(jobs::decode(&jobs::run(&text, &mut cache)).unwrap());
        }
    }
    assert!(state.complete());
    state
}

#[test]
fn the_border_sentence_says_whether_the_remedy_moves_the_border() {
    // res 5: learning rates 1e-4, 0.001, 0.01, 0.1, 1; warmup 0, 33, 66, 99, 132 steps.
    let s = hand_made(
        "res=5&axis=warmup&task=seed002-linear",
        &[3, 3, 4, 4, 5],
        None,
    );
    let m = words::map_status(&s);
    assert!(
        m.contains("With 132 warmup steps, every rate on the map keep"),
        "{m}"
    );
    let s = hand_made(
        "res=5&axis=warmup&task=seed002-linear",
        &[3, 3, 4, 4, 4],
        None,
    );
    let m = words::map_status(&s);
    assert!(
        m.contains("With 66 warmup steps, rates up to 0.1 keep most hidden units alive; without warmup, 0.01"),
        "{m}"
    );
    let s = hand_made(
        "res=5&axis=warmup&task=seed002-linear",
        &[3, 2, 3, 1, 0],
        None,
    );
    let m = words::map_status(&s);
    assert!(
        m.contains("No warmup length on the map lets a larger learning rate keep most hidden units alive (without warmup: rates up to 0.01)"),
        "{m}"
    );
    // Clipping: the top row is the baseline; the largest norm that helps is named.
    let s = hand_made("res=5&axis=clip&task=xor", &[2, 3, 3, 2, 2], None);
    let m = words::map_status(&s);
    assert!(
        m.contains(
            "Clipping at 1, rates up to 0.01 keep most hidden units alive; without clipping, 0.001"
        ),
        "{m}"
    );
    // A fixed remedy on the bias axis: compared with the comparison row.
    let s = hand_made("res=5&bn=on&task=seed002-linear", &[0, 0, 4, 4, 4], Some(2));
    let m = words::map_status(&s);
    assert!(
        m.contains("With batch norm, at bias 0 rates up to 0.1 keep most hidden units alive; without, 0.001: the border moves up"),
        "{m}"
    );
    let s = hand_made(
        "res=5&warmup=500&task=seed002-linear",
        &[0, 0, 3, 3, 3],
        Some(3),
    );
    let m = words::map_status(&s);
    assert!(
        m.contains("With 500 warmup steps as without, at bias 0 rates up to 0.01 keep most hidden units alive: the border does not move"),
        "{m}"
    );
}

#[test]
fn the_words_fit_the_task() {
    let s = hand_made("res=5&task=xor", &[3, 3, 3, 3, 3], None);
    let m = words::map_status(&s);
    assert!(m.starts_with("2-8-8-8-1 ReLU with a sigmoid output on the exclusive or, Adam, 3 epochs per cell: At bias 0"), "{m}");
    assert!(
        m.contains("At bias 0, the best accuracy is 95 % (learning rate 0.01, 25 % of hidden units dead); at learning rate 0.1, with 75 % dead, 60 %"),
        "{m}"
    );
    assert!(!m.contains("every target is negative"), "{m}");
    let s = hand_made("res=5&task=seed002-linear", &[3, 3, 3, 3, 3], None);
    let m = words::map_status(&s);
    assert!(m.contains("the lowest final loss is 0.1"), "{m}");
    let c = words::cell(&s.settings.map(), 3, s.cells[3].as_ref());
    assert!(
        c.starts_with("Learning rate 0.1, bias −1: 75 % of hidden units dead"),
        "{c}"
    );
    let s = hand_made("res=5&task=spiral&axis=clip", &[3, 3, 3, 3, 3], None);
    let c = words::cell(&s.settings.map(), 4 * 5, s.cells[20].as_ref());
    assert!(c.starts_with("Learning rate 1.00e-4, no clipping: "), "{c}");
    assert!(c.contains("accuracy 95 %"), "{c}");
}

#[test]
fn on_real_cells_the_warmup_border_sentence_is_the_cells_own() {
    // Seed 002 with a linear output: the hidden units die at large rates, the output lives.
    let (settings, _) = Settings::from_pairs(&query_pairs(
        "res=5&trials=100&task=seed002-linear&axis=warmup",
    ));
    let mut state = State::new(settings);
    compute(&mut state);
    let map = state.settings.map();
    let row = |j: usize| -> Vec<sweep::CellResult> {
        (0..5).map(|i| state.cells[j * 5 + i].unwrap()).collect()
    };
    let without = words::safe_up_to(&row(0));
    let best = (1..5).map(|j| words::safe_up_to(&row(j))).max().unwrap();
    let m = words::map_status(&state);
    assert!(
        m.starts_with("4-8-8-8-1 ReLU with a linear output, Adam, 3 epochs per cell: "),
        "{m}"
    );
    if best > without {
        assert!(
            m.contains("keep most hidden units alive; without warmup, "),
            "{m}"
        );
    } else {
        assert!(m.contains("No warmup length on the map"), "{m}");
    }
    assert!(!m.contains("every target is negative"), "{m}");
    assert!(
        state.cells.iter().flatten().all(|c| !c.output_dead),
        "a linear output lives"
    );
    // The largest rate kills most hidden units without warmup (the border is on the map).
    assert!(row(0)[4].mostly_dead(), "{:?}", row(0)[4]);
    assert_eq!(map.warmup(4), 132);
}

#[test]
fn the_map_draws_each_axis_with_its_unit_and_the_accuracy_view() {
    let theme = Theme::light(1.0);
    for (q, texts) in [
        (
            "res=5&axis=warmup",
            &["warmup (steps)", "100", "seed 002"][..],
        ),
        (
            "res=5&axis=clip",
            &["clipping norm (log scale; top: off)", "off", "0.01"][..],
        ),
        (
            "res=5&task=spiral&view=accuracy",
            &["validation accuracy (50 %: chance)", "100 %"][..],
        ),
        (
            "res=5&task=spiral&view=loss",
            &["final loss (cross-entropy, log scale)"][..],
        ),
    ] {
        let s = hand_made(q, &[3; 5], None);
        let map = s.settings.map();
        let svg = render_svg(700, 480, |area| {
            let d = phase_map::MapData {
                spec: &map,
                cells: &s.cells,
                view: s.settings.shown_view(),
                focus: None,
            };
            phase_map::draw(area, &d, &theme).map(|_| ())
        })
        .unwrap();
        for t in texts {
            assert!(svg.contains(t), "{q}: the map lacks {t}");
        }
    }
    // No accuracy off classification: the loss is shown instead.
    let s = Settings::from_pairs(&query_pairs("view=accuracy")).0;
    assert_eq!(s.shown_view(), View::Loss);
}

#[test]
fn a_cells_link_carries_the_task_and_the_remedies_to_the_network_panel() {
    // A 2-D task's cell opens the same run in the network panel: the same points (task, size,
    // noise, seed), the same net, loss and training.
    for q in [
        "task=seed002-linear&axis=warmup&bn=on&inputs=centred&wd=0.01",
        "task=seed002-linear&axis=clip&redo=keep",
        "task=xor&warmup=100&axis=clip",
        "task=spiral",
        "task=reg-plane&axis=warmup",
    ] {
        let s = Settings::from_pairs(&query_pairs(q)).0.map();
        for (i, j) in [(0, 0), (7, 12), (19, 19), (20, 20)] {
            let link = s.network_query(i, j).unwrap();
            let (net, warnings) = network::settings::Settings::from_pairs(&query_pairs(&link));
            assert!(warnings.is_empty(), "{link}: {warnings:?}");
            let want = s.config(i, j);
            let mut got = net.net_config();
            // The panel takes its inputs' count from the data.
            got.inputs = want.inputs;
            assert_eq!(got, want, "{link}");
            assert_eq!(net.inputs, s.remedies.inputs, "{link}");
            assert_eq!(net.epochs, s.epochs);
            // The same points as the cell trains on.
            let data = network::run::Run::generate_data(&net);
            assert_eq!(
                *data,
                s.task.dataset(dying_relu::sim::data::InputScaling::Raw),
                "{link}"
            );
        }
    }
}
