#![cfg(not(target_arch = "wasm32"))]
//! The "Small network" panel's pure parts: presets and params (hostile input repaired), runs
//! in slices, status text, and every chart rendered to SVG with its labels.

use dying_relu::chart::{render_svg, Theme};
use dying_relu::panels::network::charts::{comparison, dead_map, distribution, loss as loss_curve};
use dying_relu::panels::network::run::{Run, Work};
use dying_relu::panels::network::settings::{
    Preset, Settings as NetworkParams, BATCH, LEARNING_RATE,
};
use dying_relu::panels::network::words::{self as summary, Activity};
use dying_relu::sim::activation::ActivationKind;
use dying_relu::sim::data::SEED002_DEAD_LOSS;
use dying_relu::sim::init::Initializer;
use dying_relu::spec::query_pairs;
use std::time::Instant;

mod native_support;

fn clock() -> impl FnMut() -> f64 {
    let t0 = Instant::now();
    move || t0.elapsed().as_secs_f64() * 1000.0
}

fn finished(preset: Preset, n: usize) -> Run {
    let params = preset.apply(&NetworkParams {
        samples: n,
        ..NetworkParams::default()
    });
    let mut run = Run::new(params, None);
    run.run_to_end(&mut clock());
    run
}

#[test]
fn defaults_are_the_seeds_deep_relu_net() {
    let p = NetworkParams::default();
    assert_eq!(p.preset, Some(Preset::DeepRelu));
    assert_eq!(p.shape(), "4-8-8-8-1");
    assert_eq!((p.samples, p.batch, p.epochs), (200_000, 32, 5));
    assert_eq!(p.lr, 0.001);
    assert_eq!(p.units(), 25);
    let c = p.net_config();
    assert_eq!(c.hidden, vec![8, 8, 8]);
    assert_eq!(c.optimizer.id(), "adam");
}

#[test]
fn presets_parse_from_the_query_and_round_trip() {
    for preset in Preset::ALL {
        let p = preset.apply(&NetworkParams::default());
        let (back, w) = NetworkParams::from_pairs(&query_pairs(&p.to_query()));
        assert!(w.is_empty(), "{preset:?}: {w:?}");
        assert_eq!(back, p, "{preset:?}");
    }
    let (selu, _) = NetworkParams::from_pairs(&query_pairs("?preset=selu&n=20000"));
    assert_eq!(selu.activation, ActivationKind::Selu);
    assert_eq!(selu.init, Initializer::LecunNormal);
    assert_eq!(selu.samples, 20_000);
    assert_eq!(selu.preset, Some(Preset::SeluLecun));
    let (one, _) = NetworkParams::from_pairs(&query_pairs("preset=relu1"));
    assert_eq!(one.shape(), "4-1");
    // A value that changes the network makes it a custom run.
    let (custom, _) = NetworkParams::from_pairs(&query_pairs("preset=selu&width=3"));
    assert_eq!(custom.preset, None);
}

#[test]
fn hostile_query_values_are_repaired_with_warnings() {
    let q = "n=1e12&layers=-3&width=NaN&lr=0&batch=%3Cscript%3E&epochs=1e308&seed=-1\
             &act=%3Cimg%20src%3Dx%3E&init=evil&opt=rmsprop&preset=zzz&bias=inf&alpha=2";
    let (p, w) = NetworkParams::from_pairs(&query_pairs(q));
    assert_eq!(p.samples, 200_000);
    assert_eq!(p.layers, 0);
    assert_eq!(p.width, 8);
    assert_eq!(p.lr, LEARNING_RATE.min);
    assert_eq!(p.batch, BATCH.default as usize);
    assert_eq!(p.epochs, 50);
    assert_eq!(p.seed, 0);
    assert_eq!(p.activation, ActivationKind::Relu);
    assert_eq!(p.init, Initializer::GlorotUniform);
    assert_eq!(p.bias, 0.0);
    assert_eq!(p.alpha, 1.0);
    let text: Vec<String> = w.iter().map(|w| w.to_string()).collect();
    let all = text.join(" ");
    for key in [
        "n =", "layers", "width", "lr", "batch", "epochs", "seed", "act", "init", "opt", "preset",
        "bias", "alpha",
    ] {
        assert!(all.contains(key), "no warning for {key}: {all}");
    }
    assert!(all.contains("<img"), "the bad value is quoted: {all}");
    // The repaired params still train.
    assert!(p.net_config().batch_size >= 1);
}

#[test]
fn run_works_in_pieces_and_the_deep_relu_net_dies() {
    let params = NetworkParams {
        samples: 20_000,
        ..NetworkParams::default()
    };
    let mut run = Run::new(params, None);
    let mut c = clock();
    assert_eq!(run.work(8.0, &mut c), Work::GeneratedData);
    assert_eq!(run.work(8.0, &mut c), Work::BuiltNetwork);
    // Statistics come in pieces, then their summary in a call of its own.
    let mut pieces = 0;
    let first = loop {
        match run.work(8.0, &mut c) {
            Work::Evaluating(done) => {
                assert!(done > 0);
                pieces += 1;
            }
            other => break other,
        }
    };
    assert_eq!(first, Work::Initial);
    assert!(pieces >= 1);
    let mut epochs = 0;
    let mut trained = 0;
    let mut evaluating = 0;
    while !run.is_finished() {
        match run.work(2.0, &mut c) {
            Work::Trained(n) => trained += n,
            Work::Evaluating(_) => evaluating += 1,
            Work::Epoch(_) => epochs += 1,
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(epochs, 5);
    assert!(evaluating >= 5, "each epoch's statistics came in pieces");
    assert_eq!(trained as u64, run.steps());
    assert!(run.trace.len() >= 5, "a trace point per slice");
    let last = run.latest().unwrap();
    assert!((last.val_loss - SEED002_DEAD_LOSS).abs() / SEED002_DEAD_LOSS < 0.01);
    assert!(summary::ends_dead(last));
    let s = summary::status(&run.settings, &run.history, 5, Activity::Finished, None);
    assert!(s.starts_with("Output unit dead"), "{s}");
    assert!(s.contains("gradients to every layer are 0"), "{s}");
    assert!(s.contains("stopped learning"), "{s}");
}

#[test]
fn selu_and_leaky_relu_keep_learning() {
    for preset in [Preset::SeluLecun, Preset::LeakyRelu] {
        let run = finished(preset, 20_000);
        let last = run.latest().unwrap();
        assert!(last.val_loss < 1.0, "{preset:?}: {}", last.val_loss);
        assert!(!summary::ends_dead(last));
        let s = summary::status(&run.settings, &run.history, 5, Activity::Finished, None);
        assert!(s.starts_with("Finished 5 epochs, loss"), "{s}");
        assert!(s.contains("0 of 25 units dead"), "{s}");
    }
}

#[test]
fn status_text_in_every_state() {
    let p = NetworkParams::default();
    let ready = summary::status(&p, &[], 5, Activity::Ready, None);
    assert!(
        ready.contains("4-8-8-8-1") && ready.contains("Press Train"),
        "{ready}"
    );
    let failed = summary::status(&p, &[], 5, Activity::Training, Some("training diverged"));
    assert!(
        failed.contains("diverged") && failed.contains("learning rate"),
        "{failed}"
    );
    let run = finished(Preset::SeluLecun, 5_000);
    let mid = summary::status(
        &run.settings,
        &run.history[..4],
        5,
        Activity::Training,
        None,
    );
    assert!(mid.starts_with("Training: epoch 3 of 5, loss"), "{mid}");
    let paused = summary::status(&run.settings, &run.history[..3], 5, Activity::Paused, None);
    assert!(paused.starts_with("Paused after epoch 2 of 5"), "{paused}");
    assert!(summary::definitions().contains("99%"));
}

#[test]
fn autopsy_names_epoch_step_and_update() {
    let run = finished(Preset::DeepRelu, 20_000);
    let last = run.latest().unwrap();
    let out = last.layers.len() - 1;
    let text = summary::autopsy(
        &run.history,
        out,
        0,
        summary::steps_per_epoch(&run.settings),
    );
    assert!(text.starts_with("Output unit is dead"), "{text}");
    assert!(
        text.contains("epoch") || text.contains("from initialization"),
        "{text}"
    );
    // Find a unit that died during training and check its story.
    let mut found = false;
    let big = finished(Preset::HeNormal, 200_000);
    let last = big.latest().unwrap();
    for (l, layer) in last.layers.iter().enumerate() {
        for j in 0..layer.units {
            if let Some(d) = layer.deaths[j] {
                if d.last_active_step.is_some() {
                    let t = summary::autopsy(&big.history, l, j, 4375);
                    eprintln!("{t}");
                    assert!(t.contains("found dead at the end of epoch"), "{t}");
                    assert!(t.contains("last active step"), "{t}");
                    assert!(t.contains("the update there"), "{t}");
                    found = true;
                }
            }
        }
    }
    assert!(
        found,
        "the deep ReLU net has a unit that died while training"
    );
    let alive = finished(Preset::SeluLecun, 5_000);
    let t = summary::autopsy(&alive.history, 0, 0, 100);
    assert!(t.contains("is alive") || t.contains("mostly off"), "{t}");
}

#[test]
fn loss_chart_has_axes_dead_line_and_death_markers() {
    let run = finished(Preset::DeepRelu, 20_000);
    let svg = render_svg(800, 420, |a| {
        loss_curve::draw(
            a,
            &loss_curve::LossData {
                epochs: 5,
                history: &run.history,
                trace: &run.trace,
                dead_loss: SEED002_DEAD_LOSS,
                cross_entropy: false,
            },
            &Theme::light(1.0),
        )
    })
    .unwrap();
    for label in [
        "epoch (passes over the training data)",
        "loss: mean squared error (no unit)",
        "output stuck at 0",
        "4.333",
        "validation loss",
        "training loss (epoch mean)",
        "units found dead at that epoch",
        "#D55E00",
    ] {
        assert!(svg.contains(label), "missing {label}");
    }
    assert!(!loss_curve::death_markers(&run.history).is_empty());
    // An empty run renders too.
    let empty = render_svg(400, 300, |a| {
        loss_curve::draw(
            a,
            &loss_curve::LossData {
                epochs: 5,
                history: &[],
                trace: &[],
                dead_loss: SEED002_DEAD_LOSS,
                cross_entropy: false,
            },
            &Theme::dark(2.0),
        )
    });
    assert!(empty.is_ok(), "{empty:?}");
}

#[test]
fn distribution_chart_shows_bands_and_an_exact_zero_bar() {
    let run = finished(Preset::DeepRelu, 20_000);
    let out = run.latest().unwrap().layers.len() - 1;
    let svg = render_svg(800, 520, |a| {
        distribution::draw(a, &run.history, 5, out, out + 1, &Theme::light(1.0))
    })
    .unwrap();
    for label in [
        "output layer: outputs over epochs",
        "output layer: weight gradients over epochs",
        "exact 0: 100%",
        "all exactly 0",
        "share of values (%)",
        "output (no unit)",
        "epoch",
    ] {
        assert!(svg.contains(label), "missing {label}");
    }
    let alive = finished(Preset::SeluLecun, 5_000);
    let svg = render_svg(800, 520, |a| {
        distribution::draw(a, &alive.history, 5, 0, 4, &Theme::light(1.0))
    })
    .unwrap();
    assert!(svg.contains("hidden layer 1: outputs at epoch 5"));
    assert!(!svg.contains("all exactly 0"));
}

#[test]
fn dead_map_labels_layers_states_and_dead_share() {
    let run = finished(Preset::DeepRelu, 20_000);
    let units = [8, 8, 8, 1];
    let svg = render_svg(800, 480, |a| {
        dead_map::draw(
            a,
            &dead_map::MapData {
                history: &run.history,
                epochs: 5,
                units: &units,
                selected: Some((3, 0)),
                judge: dead_map::Judge::default(),
            },
            &Theme::light(1.0),
        )
    })
    .unwrap();
    for label in [
        "hidden 1",
        "output",
        "alive",
        "mostly off",
        "dead on the data",
        "dead for every input (proven)",
        "1 of 1 exactly dead (100%)",
        "init",
        "epoch",
        "#D55E00",
    ] {
        assert!(svg.contains(label), "missing {label}");
    }
    // Hit-testing finds the cell drawn at a place.
    let theme = Theme::light(1.0);
    let m = dead_map::MapLayout::new((800, 480), &units, 5, &theme);
    let (x0, y0, x1, y1) = m.rect(3, 0, 5);
    assert_eq!(m.hit((x0 + x1) / 2.0, (y0 + y1) / 2.0), Some((3, 0, 5)));
    let (x0, y0, _, _) = m.rect(1, 7, 0);
    assert_eq!(m.hit(x0 + 1.0, y0 + 1.0), Some((1, 7, 0)));
    assert_eq!(m.hit(1.0, 1.0), None);
    // The seed's output unit is dead on the validation samples, but interval bounds through
    // three hidden layers are too loose to prove it dead for every input; the dead unit of
    // the first layer (whose bound is exact) is proven dead on the whole box.
    let judge = dead_map::Judge::default();
    let last = run.latest().unwrap();
    assert_eq!(
        dead_map::cell(last, 3, 0, &judge),
        Some(dead_map::Cell::Dead)
    );
    let first: Vec<_> = (0..8)
        .filter_map(|j| dead_map::cell(last, 0, j, &judge))
        .collect();
    assert!(first.contains(&dead_map::Cell::DeadEverywhere), "{first:?}");
}

#[test]
fn comparison_chart_has_every_preset_and_verdict() {
    let runs: Vec<(Preset, Run)> = [Preset::DeepRelu, Preset::SeluLecun]
        .into_iter()
        .map(|p| (p, finished(p, 5_000)))
        .collect();
    let entries: Vec<comparison::Entry> = runs
        .iter()
        .map(|(p, r)| comparison::Entry {
            label: p.label(),
            history: &r.history,
            failed: false,
        })
        .collect();
    let svg = render_svg(800, 400, |a| {
        comparison::draw(a, &entries, 5, SEED002_DEAD_LOSS, &Theme::light(1.0))
    })
    .unwrap();
    assert!(svg.contains("3 hidden ReLU:"));
    assert!(svg.contains("SELU + lecun_normal:"));
    assert!(svg.contains("learning"));
    assert!(svg.contains("val. loss (no unit)"));
    let line = summary::compare_line("SELU", &runs[1].1.history, None);
    assert!(line.contains("still learning"), "{line}");
}

#[test]
fn a_huge_learning_rate_fails_with_a_message_not_a_panic() {
    let params = NetworkParams {
        samples: 5_000,
        lr: 1.0,
        optimizer: dying_relu::panels::network::settings::Optimizer::Sgd,
        activation: ActivationKind::Selu,
        init: Initializer::HeNormal,
        layers: 4,
        width: 64,
        ..NetworkParams::default()
    };
    let mut run = Run::new(params, None);
    run.run_to_end(&mut clock());
    if let Some(f) = run.failure() {
        let s = summary::status(&run.settings, &run.history, 5, Activity::Finished, Some(f));
        assert!(s.contains("Training stopped"), "{s}");
    }
}

#[test]
fn a_mostly_off_output_at_the_dead_line_counts_as_stuck() {
    use dying_relu::panels::network::words::{compare_line, stuck_at_dead_line};
    let run = finished(Preset::SingleRelu, 20_000);
    let last = run.latest().unwrap();
    assert!(
        stuck_at_dead_line(last),
        "the one-unit ReLU net ends at the dead line: {}",
        last.val_loss
    );
    let line = compare_line("1 layer ReLU", &run.history, None);
    assert!(!line.contains("still learning"), "{line}");
    let alive = finished(Preset::SeluLecun, 20_000);
    assert!(!stuck_at_dead_line(alive.latest().unwrap()));
}

#[test]
fn the_status_of_a_stuck_one_unit_net_says_it_stopped_learning() {
    use dying_relu::panels::network::words::{status, stuck_at_dead_line};
    let run = finished(Preset::SingleRelu, 20_000);
    let last = run.latest().unwrap();
    let text = status(
        &run.settings,
        &run.history,
        run.target(),
        dying_relu::panels::network::words::Activity::Finished,
        None,
    );
    if stuck_at_dead_line(last) && !dying_relu::panels::network::words::output_dead(last) {
        assert!(text.contains("stopped learning"), "{text}");
    }
    assert!(
        text.contains("stopped learning") || text.contains("dead"),
        "{text}"
    );
}

#[test]
fn a_saturated_selu_output_is_named_with_its_constant_and_apart_from_the_dead_line() {
    // SELU at lr 1 pins the output at its floor −λα ≈ −1.758 for every sample.
    let settings = Preset::SeluLecun.apply(&NetworkParams {
        samples: 20_000,
        seed: 0,
        ..NetworkParams::default()
    });
    let mut run = Run::new(
        NetworkParams {
            lr: 1.0,
            ..settings
        },
        None,
    );
    run.run_to_end(&mut clock());
    let last = run.latest().unwrap();
    assert!(summary::output_dead(last));
    let c = summary::stuck_output(last).unwrap();
    let floor = -dying_relu::sim::activation::SELU_LAMBDA * dying_relu::sim::activation::SELU_ALPHA;
    assert!((c - floor).abs() < 1e-3, "stuck at {c}");
    // The loss is what a constant c scores on targets with mean −2 and variance 1/3.
    let expected = 1.0 / 3.0 + (c + 2.0) * (c + 2.0);
    assert!(
        (last.val_loss - expected).abs() < 0.03,
        "{} vs {expected}",
        last.val_loss
    );
    let s = summary::status(&run.settings, &run.history, 5, Activity::Finished, None);
    let loss = dying_relu::spec::format_sig(last.val_loss, 3);
    assert!(s.contains(&format!("loss {loss}.")), "{s}");
    assert!(s.contains("outputs -1.76 on every sample"), "{s}");
    assert!(s.contains("would score 4.33 (the dead line)"), "{s}");
    assert!(
        !s.contains(&format!("{loss}, the loss of an output stuck at 0")),
        "{s}"
    );
}

/// "Count as dead" is a way of reading the run: the state keeps the trained run, the words
/// count under the new definition and say where it and the exact one disagree.
#[test]
fn a_new_definition_rereads_the_trained_run() {
    use dying_relu::panels::network::settings::Settings;
    use dying_relu::panels::network::state::{Msg, Redraw, State};
    use dying_relu::sim::dead::{self, Definition};
    use dying_relu::spec::Value;
    let mut state = State::new(Settings {
        samples: 20_000,
        epochs: 2,
        ..Settings::default()
    });
    state.update(Msg::Train);
    native_support::run_frames(&mut state);
    let history = state.run.history.clone();
    let words = |s: &State| {
        summary::status_on(
            &s.settings,
            &s.run.history,
            (s.run.target(), s.activity, s.run.failure()),
            &s.data_info(),
        )
    };
    let exact = words(&state);
    assert_eq!(
        state.update(Msg::Set("dead", Value::Choice("dormant".into()))),
        Redraw::Reading
    );
    // The same run: its epochs and losses (the history holds NaN, so no == on it).
    let losses = |h: &[dying_relu::sim::stats::EpochStats]| -> Vec<(usize, f64)> {
        h.iter().map(|s| (s.epoch, s.val_loss)).collect()
    };
    assert_eq!(
        losses(&state.run.history),
        losses(&history),
        "the run is kept"
    );
    let dormant = words(&state);
    let last = history.last().unwrap();
    let judge = state.settings.judge();
    let n_dormant: usize = last
        .layers
        .iter()
        .map(|l| {
            dead::dead_units(l, Definition::Dormant, 0.025)
                .iter()
                .filter(|d| **d)
                .count()
        })
        .sum();
    assert!(
        dormant.contains(&format!("{n_dormant} of 25 units τ-dormant (τ = 0.025)")),
        "{dormant}"
    );
    assert_ne!(dormant, exact);
    let n_exact = summary::dead_count(last, &dead_map::Judge::default());
    match summary::disagreement(last, &judge) {
        Some(d) => {
            assert_ne!(n_exact, n_dormant);
            assert!(d.contains("τ-dormant") && d.contains("exactly dead"), "{d}");
            assert!(dormant.contains(&d), "{dormant}");
        }
        None => assert_eq!(n_exact, n_dormant),
    }
    // A setting of the run itself still starts a fresh one.
    assert_eq!(
        state.update(Msg::Set("lr", Value::Number(0.01))),
        Redraw::Rebuild
    );
    assert!(state.run.history.is_empty());
}

/// Today's remedies as presets: each trains on the same data and seed, and the words say what
/// it did on this run (ReDo's recycles, clipping's scaled steps, the inputs' γ).
#[test]
fn the_remedy_presets_train_and_say_what_they_did() {
    use dying_relu::panels::network::settings::Settings;
    for (preset, says) in [
        (Preset::Redo, "ReDo "),
        (Preset::Clipping, "lipping at norm 1 "),
        (Preset::BatchNorm, "Finished 2 epochs"),
        (Preset::Warmup, "Finished 2 epochs"),
        (Preset::Centred, "Finished 2 epochs"),
    ] {
        let s = Settings {
            samples: 20_000,
            epochs: 2,
            ..preset.apply(&Settings::default())
        };
        let ready = summary::status(&s, &[], 2, Activity::Ready, None);
        let gamma = if preset == Preset::Centred {
            "γ = ‖μ‖/‖σ‖ ≈ 0:"
        } else {
            "γ = ‖μ‖/‖σ‖ ≈ 1.73:"
        };
        assert!(ready.contains(gamma), "{ready}");
        let mut run = Run::new(s.clone(), None);
        run.run_to_end(&mut clock());
        // The words' γ is the distribution's; the generated rows' is within 2 % of it.
        let sample = run.data().map(|d| d.input_gamma()).unwrap_or(f64::NAN);
        assert!(
            (sample - 3f64.sqrt()).abs() < 0.02 * 3f64.sqrt(),
            "{preset:?}: γ {sample}"
        );
        assert!(run.failure().is_none(), "{preset:?}: {:?}", run.failure());
        let words = summary::status(&s, &run.history, 2, Activity::Finished, None);
        assert!(words.contains(says), "{preset:?}: {words}");
        assert!(
            words.contains("No remedy saves a ReLU output"),
            "{preset:?}: {words}"
        );
        if preset == Preset::Redo {
            let recycled: usize = run.history.iter().map(|h| h.recycled.len()).sum();
            assert!(
                words.contains(&format!("{recycled} times")) || recycled == 0,
                "{words}"
            );
        }
    }
}
