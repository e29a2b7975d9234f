#![cfg(not(target_arch = "wasm32"))]
//! Issue #30 in "A small network": Playground's 2-D tasks, the input plane and its atlas, and
//! what dead units cost, measured.

use dying_relu::chart::{render_svg, Theme};
use dying_relu::panels::network::charts::{atlas, plane as plane_chart};
use dying_relu::panels::network::plane::{dead_on_training_points, PlaneField};
use dying_relu::panels::network::settings::{Output, Preset, Settings, Task};
use dying_relu::panels::network::state::{Msg, Redraw, State, COST_RATES};
use dying_relu::panels::network::words;
use dying_relu::sim::activation::Activation;
use dying_relu::sim::init::Initializer;
use dying_relu::sim::loss::Loss;
use dying_relu::sim::mlp::Mlp;
use dying_relu::sim::playground::Task2d;
use dying_relu::spec::Value;

fn pairs(q: &str) -> Vec<(String, String)> {
    form_urlencoded::parse(q.trim_start_matches('?').as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// Runs frames (a fake clock) until none is wanted.
fn run_frames(s: &mut State) {
    let mut t = 0.0;
    let mut clock = move || {
        t += 0.01;
        t
    };
    let mut n = 0;
    while s.wants_frames() && n < 5_000_000 {
        s.frame(f64::INFINITY, &mut clock, 1);
        n += 1;
    }
    // The frame after the last statistics computes the plane.
    s.frame(f64::INFINITY, &mut clock, 1);
}

fn trained(preset: Preset) -> State {
    let mut s = State::new(preset.apply(&Settings::default()));
    s.update(Msg::Train);
    run_frames(&mut s);
    s
}

#[test]
fn choosing_a_2d_task_sets_its_size_and_a_sigmoid_output_and_links_round_trip() {
    let mut s = Settings::default();
    s.set("task", &Value::Choice("spiral".into()));
    assert_eq!(s.task, Task::Playground(Task2d::Spiral));
    assert_eq!((s.samples, s.output), (1_000, Output::Sigmoid));
    assert_eq!((s.epochs, s.batch), (50, 10), "Playground's pace");
    assert_eq!(s.loss(), Loss::BinaryCrossEntropy);
    assert_eq!(s.shape(), "2-8-8-8-1");
    assert_eq!(s.net_config().loss, Loss::BinaryCrossEntropy);
    let (back, w) = Settings::from_pairs(&pairs(&s.to_query()));
    assert!(w.is_empty(), "{w:?}");
    assert_eq!(back, s);
    // A link's own size and noise apply on top of the task's.
    let (linked, w) = Settings::from_pairs(&pairs("task=circle&n=3000&noise=25"));
    assert!(w.is_empty(), "{w:?}");
    assert_eq!((linked.samples, linked.noise), (3_000, 25.0));
    // A regression task keeps squared error, and seed 002's data never gets cross-entropy.
    s.set("task", &Value::Choice("reg-plane".into()));
    assert_eq!(s.loss(), Loss::Mse);
    let seed = Settings {
        output: Output::Sigmoid,
        ..Settings::default()
    };
    assert_eq!(seed.loss(), Loss::Mse);
    // Noise applies to 2-D tasks only: seed 002's link does not carry it.
    assert!(!Settings::default().to_query().contains("noise"));
}

#[test]
fn the_spiral_presets_are_the_regime_tests_settings_and_round_trip() {
    for p in Preset::TASKS {
        let s = p.apply(&Settings::default());
        assert_eq!(s.task, Task::Playground(Task2d::Spiral));
        assert_eq!((s.samples, s.batch, s.epochs), (1_000, 10, 50));
        let (back, w) = Settings::from_pairs(&pairs(&s.to_query()));
        assert!(w.is_empty(), "{p:?}: {w:?}");
        assert_eq!(back, s, "{p:?}");
        assert_eq!(back.preset, Some(p));
    }
    // Back to a seed-002 preset from the spiral: seed 002's size and epochs, not the spiral's.
    let spiral = Preset::SpiralHigh.apply(&Settings::default());
    let deep = Preset::DeepRelu.apply(&spiral);
    assert_eq!(deep, Settings::default());
}

/// A first-layer unit is dead on the data exactly when every training point is on the shut
/// side of its line, for nets at initialization and trained, some units killed by bias.
#[test]
fn a_first_layer_unit_is_marked_dead_exactly_when_every_training_point_is_on_its_shut_side() {
    let data = Task2d::Spiral.dataset(1_000, 0.1, 3);
    let mut checked = (0, 0);
    for seed in 0..20u64 {
        let acts = [Activation::RELU; 3];
        let mut net: Mlp<f32> = Mlp::new(
            &[2, 12, 6, 1],
            &acts,
            Initializer::GlorotUniform,
            0.0,
            &mut dying_relu::sim::rng::rng_from_seed(seed),
        );
        // Push some units' lines away: a bias of -k·3 shuts the plane for large k, and for
        // small k only part of it.
        for j in 0..12 {
            net.layers[0].b[j] = -((seed as f32 + j as f32) % 7.0) * 1.5;
        }
        let dead = dead_on_training_points(&net, &data);
        let field = PlaneField::compute(&net, &data, (0, 1)).expect("a field");
        assert_eq!(field.dead_on_data, dead);
        let rows = data.train_x.len() / 2;
        for (j, marked) in dead[0].iter().enumerate() {
            let l = &net.layers[0];
            let shut_everywhere = (0..rows).all(|r| {
                let x = &data.train_x[2 * r..2 * r + 2];
                l.w[2 * j] * x[0] + l.w[2 * j + 1] * x[1] + l.b[j] <= 0.0
            });
            assert_eq!(*marked, shut_everywhere, "seed {seed}, unit {j}");
            if shut_everywhere {
                checked.0 += 1;
            } else {
                checked.1 += 1;
            }
        }
    }
    assert!(
        checked.0 > 10 && checked.1 > 10,
        "both cases seen: {checked:?}"
    );
}

#[test]
fn on_the_spiral_a_high_learning_rate_kills_more_units_and_costs_accuracy() {
    let safe = trained(Preset::SpiralSafe);
    let high = trained(Preset::SpiralHigh);
    let acc = |s: &State| {
        s.run
            .latest()
            .and_then(|l| l.val_accuracy)
            .expect("accuracy")
    };
    let dead = |s: &State| s.field.as_ref().expect("a plane").dead_count();
    let (a_safe, a_high) = (acc(&safe), acc(&high));
    let (d_safe, d_high) = (dead(&safe), dead(&high));
    println!("spiral seed 4: lr 0.01 accuracy {a_safe}, {d_safe} of 24 dead on the data; lr 0.05 accuracy {a_high}, {d_high} dead");
    assert!(a_safe >= 0.95, "the safe rate learns the spiral: {a_safe}");
    assert!(a_high < a_safe - 0.1, "{a_high} against {a_safe}");
    assert!(d_high >= d_safe + 4, "{d_high} against {d_safe}");
    // The status says the accuracy in words.
    let status = words::status_on(
        &high.settings,
        &high.run.history,
        (high.run.target(), high.activity, high.run.failure()),
        &high.data_info(),
    );
    assert!(status.contains("accuracy"), "{status}");
    assert!(!status.contains("seed 002"), "{status}");
}

#[test]
fn compare_on_a_2d_task_trains_the_learning_rate_ladder_and_words_say_the_cost() {
    let mut s = State::new(Settings {
        epochs: 20,
        ..Preset::SpiralSafe.apply(&Settings::default())
    });
    assert_eq!(s.update(Msg::Compare), Redraw::Compare);
    run_frames(&mut s);
    let c = s.comparison.as_ref().expect("a comparison");
    assert_eq!(c.runs.len(), COST_RATES.len());
    let runs: Vec<(f64, &[_])> = c
        .runs
        .iter()
        .map(|(_, r)| (r.settings.lr, r.history.as_slice()))
        .collect();
    assert!(c.runs.iter().all(|(_, r)| r.is_finished()));
    let line = words::cost_line("spiral", &runs).expect("a cost line");
    println!("{line}");
    assert!(line.starts_with("At learning rate "), "{line}");
    assert!(line.contains("hidden units died"), "{line}");
    assert!(line.contains("accuracy on the spiral"), "{line}");
}

#[test]
fn the_plane_and_the_atlas_draw_what_the_run_is() {
    let mut s = trained(Preset::SpiralHigh);
    let dead = s.atlas_dead();
    assert_eq!(dead.len(), 3);
    let n_dead: usize = dead.iter().flatten().filter(|d| **d).count();
    assert!(n_dead > 0);
    // Pointing at a first-layer tile draws its line; a bad index is ignored.
    assert_eq!(s.update(Msg::Point(Some((0, 2)))), Redraw::Plane);
    assert_eq!(s.update(Msg::Point(Some((0, 2)))), Redraw::Nothing);
    assert_eq!(s.update(Msg::Point(Some((9, 99)))), Redraw::Plane);
    assert_eq!(s.pointed, None);
    s.update(Msg::Point(Some((0, 2))));
    let theme = Theme::light(1.0);
    let field = s.field.as_ref().expect("a field");
    let data = plane_chart::PlaneData {
        field: Some(field),
        line_of: Some(2),
        classifies: true,
    };
    let svg = render_svg(900, 560, |a| plane_chart::draw(a, &data, &theme)).expect("plane");
    assert!(svg.contains("layer-1 unit 3"), "the line's legend");
    assert!(svg.contains("class 1") && svg.contains("class 0"));
    let widths = s.hidden_widths();
    let atlas_data = atlas::AtlasData {
        field: Some(field),
        dead: &dead,
        pointed: Some((0, 2)),
        widths: &widths,
    };
    let svg = render_svg(900, 380, |a| atlas::draw(a, &atlas_data, &theme)).expect("atlas");
    assert_eq!(
        svg.matches("\ndead\n</text>").count(),
        n_dead,
        "every dead tile says dead"
    );
    // The same on a phone (360 CSS px at 2x): tiles stay at least 30 CSS px.
    let phone = Theme::light(2.0).compact(true);
    let layout = atlas::AtlasLayout::new((656, 590), &widths, &phone);
    assert!(layout.tile >= 60, "tile {} px at 2x", layout.tile);
    for (l, (_, tiles)) in layout.rows.iter().enumerate() {
        for (j, (x, y)) in tiles.iter().enumerate() {
            let c = f64::from(layout.tile) / 2.0;
            assert_eq!(
                layout.hit(f64::from(*x) + c, f64::from(*y) + c),
                Some((l, j))
            );
            assert!(*x + layout.tile <= 656, "inside the canvas");
            assert!(*y + layout.tile <= 590, "inside the canvas");
        }
    }
    let svg = render_svg(656, 590, |a| atlas::draw(a, &atlas_data, &phone)).expect("phone atlas");
    assert_eq!(svg.matches("\ndead\n</text>").count(), n_dead);
}

#[test]
fn the_planes_words_say_which_side_the_points_are_on() {
    let s = trained(Preset::SpiralSafe);
    let f = s.field.as_ref().expect("a field");
    let text = words::plane_summary(Some(f), Some(0), true);
    let (open, all) = f.open_points(0).expect("a line");
    assert!(text.contains("probability of class 1"), "{text}");
    if open == 0 {
        assert!(text.contains("every point is on its shut side"), "{text}");
    } else {
        assert!(text.contains(&format!("{open} of {all} points")), "{text}");
    }
    let atlas = words::atlas_summary(&s.atlas_dead(), Some((1, 0)), true, true);
    assert!(
        atlas.contains("layer 1 ") && atlas.contains("Pointed at: layer 2, unit 1"),
        "{atlas}"
    );
    // The keyboard cursor stays inside the net.
    assert_eq!(words::atlas_step((0, 7), "ArrowRight", 3, 8), Some((0, 7)));
    assert_eq!(words::atlas_step((0, 3), "ArrowDown", 3, 8), Some((1, 3)));
    assert_eq!(words::atlas_step((2, 3), "ArrowDown", 3, 8), Some((2, 3)));
    assert_eq!(words::atlas_step((1, 3), "End", 3, 8), Some((1, 7)));
    assert_eq!(words::atlas_step((1, 3), "x", 3, 8), None);
    assert_eq!(words::atlas_step((0, 0), "ArrowUp", 0, 8), None);
}

#[test]
fn seed_002_and_own_data_get_a_slice_through_the_mean() {
    let mut s = State::new(Settings {
        samples: 2_000,
        epochs: 1,
        ..Settings::default()
    });
    s.update(Msg::Train);
    run_frames(&mut s);
    let f = s.field.as_ref().expect("a slice");
    assert!(f.slice);
    assert_eq!(f.lines.len(), 8);
    assert!(words::plane_summary(Some(f), None, false).contains("slice through the data's mean"));
    // No hidden layer: no atlas tiles, the plane still drawn.
    let mut one = State::new(Settings {
        samples: 2_000,
        epochs: 1,
        ..Preset::SingleRelu.apply(&Settings::default())
    });
    one.update(Msg::Train);
    run_frames(&mut one);
    assert!(one.field.as_ref().is_some_and(|f| f.units.is_empty()));
    let widths = one.hidden_widths();
    let dead = one.atlas_dead();
    let d = atlas::AtlasData {
        field: one.field.as_ref(),
        dead: &dead,
        pointed: None,
        widths: &widths,
    };
    let svg = render_svg(600, 300, |a| atlas::draw(a, &d, &Theme::light(1.0))).expect("atlas");
    assert!(svg.contains("No hidden layer"));
}

/// The numbers the guided path's "What dead units cost" states: at 0.05, 20 of the 24 hidden
/// units dead and accuracy about 44 %; at 0.01, 100 %.
#[test]
fn the_cost_steps_numbers_are_the_presets_runs() {
    let story = dying_relu::story::STEPS
        .iter()
        .find(|s| s.title == "What dead units cost")
        .expect("the step");
    let high = trained(Preset::SpiralHigh);
    let last = high.run.latest().expect("stats");
    let dead: usize = last.layers[..3].iter().map(|l| l.dead_count()).sum();
    let acc = last.val_accuracy.expect("accuracy");
    assert_eq!(dead, 20, "{}", story.answer);
    assert!((acc - 0.44).abs() < 0.01, "accuracy {acc}");
    assert!(story.answer.contains("20 of the 24") && story.answer.contains("44 %"));
    let safe = trained(Preset::SpiralSafe);
    let acc = safe
        .run
        .latest()
        .and_then(|l| l.val_accuracy)
        .expect("accuracy");
    assert!(acc > 0.995, "accuracy {acc}");
    assert!(story.question.contains("100 %"));
}

#[test]
fn a_classifications_loss_chart_names_cross_entropy_and_its_constant_line() {
    use dying_relu::chart::figure::{slide_svg, Figures};
    let s = trained(Preset::SpiralSafe);
    assert_eq!(s.figures()[0].slug, "loss");
    let svg = slide_svg(&s, 0).expect("the loss chart");
    assert!(
        svg.contains("binary cross-entropy"),
        "the axis says which loss"
    );
    assert!(svg.contains("labels&apos; entropy") || svg.contains("labels' entropy"));
    assert!(!svg.contains("E[y²]"));
    // ln 2 for balanced labels: the dead line of a constant prediction.
    assert!(
        (s.dead_loss() - std::f64::consts::LN_2).abs() < 0.01,
        "{}",
        s.dead_loss()
    );
}

#[test]
fn on_data_with_more_inputs_the_plane_spans_the_two_chosen() {
    let mut s = State::new(Settings {
        samples: 2_000,
        epochs: 1,
        ..Settings::default()
    });
    s.update(Msg::Train);
    run_frames(&mut s);
    let before = s.field.clone().expect("a slice");
    assert_eq!(before.axes, (0, 1));
    // A view setting: the run stays, the plane is computed again over x3 and x4.
    let epochs = s.run.epochs_done();
    assert_eq!(
        s.update(Msg::Set("px", Value::Number(3.0))),
        Redraw::Reading
    );
    assert_eq!(
        s.update(Msg::Set("py", Value::Number(4.0))),
        Redraw::Reading
    );
    // The engine answers with the plane over the new inputs (drawn at once: Redraw::Plane).
    let mut redraws = Vec::new();
    while s.wants_frames() {
        redraws.push(s.frame(f64::INFINITY, &mut || 0.0, 1));
    }
    assert!(redraws.contains(&Redraw::Plane), "{redraws:?}");
    assert_eq!(s.run.epochs_done(), epochs, "the trained run is kept");
    let f = s.field.as_ref().expect("a slice");
    assert_eq!(f.axes, (2, 3));
    assert_ne!(
        f.lines, before.lines,
        "each line is in the plane of x3 and x4 now"
    );
    assert!(words::plane_summary(Some(f), None, false).contains("over x3 and x4"));
    // Inputs the data does not have fall back to ones it has, never to one input twice.
    let mut t = Settings::default();
    for (px, py, want) in [
        (9, 12, (3, 2)),
        (2, 2, (1, 2)),
        (1, 1, (0, 1)),
        (4, 4, (3, 2)),
    ] {
        t.plane_x = px;
        t.plane_y = py;
        assert_eq!(t.plane_axes(4), want, "({px}, {py})");
    }
    // A 2-D task's plane is its own: x1 and x2, and the link carries no px or py.
    let spiral = Preset::SpiralSafe.apply(&Settings::default());
    assert_eq!(spiral.plane_axes(2), (0, 1));
    assert!(!spiral.to_query().contains("px="));
}

#[test]
fn quick_epochs_redraw_everything_at_most_every_gap_and_always_at_the_end_or_a_pause() {
    let mut s = State::new(Settings {
        epochs: 6,
        ..Preset::SpiralSafe.apply(&Settings::default())
    });
    s.update(Msg::Train);
    // A clock that moves 1 ms a frame: every epoch ends well inside the gap
    // (state::FULL_REDRAW_GAP_MS, 250 ms).
    let mut t = 0.0;
    let mut clock = move || {
        t += 1.0;
        t
    };
    let mut full = 0;
    while s.wants_frames() {
        if s.frame(f64::INFINITY, &mut clock, 1) == Redraw::All {
            full += 1;
        }
    }
    // The initial statistics and the last epoch, not the four between.
    assert_eq!(full, 2, "the initial statistics and the last epoch");
    assert_eq!(s.run.epochs_done(), 6);
    assert!(s.field.is_some(), "the plane is of the finished run");
    // A pause draws the run as it is, when the engine's answer comes.
    s.update(Msg::Train);
    s.frame(f64::INFINITY, &mut clock, 1);
    assert_eq!(s.update(Msg::Train), Redraw::Status);
    assert_eq!(s.frame(f64::INFINITY, &mut clock, 1), Redraw::All);
}
