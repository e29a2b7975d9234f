#![cfg(not(target_arch = "wasm32"))]
//! The story's steps, natively: every step's query parses without a warning through its
//! panel's field table, every try names a real control, and every claim a step makes about
//! the activation, neuron and network panels holds when its try is done through the panels'
//! pure `update`. Also the runs behind the step where the live runs part from seed 002.

use dying_relu::panels::activation::{state as act, words as act_words};
use dying_relu::panels::dying::state::{self as dying, State as MapState};
use dying_relu::panels::dying::words as dying_words;
use dying_relu::panels::network::run::Run;
use dying_relu::panels::network::settings::Settings as NetSettings;
use dying_relu::panels::network::words as net_words;
use dying_relu::panels::neuron::state::{self as neuron, Msg, State};
use dying_relu::panels::neuron::words as neuron_words;
use dying_relu::panels::{self, PanelId, PANELS};
use dying_relu::sim::data::SEED002_DEAD_LOSS;
use dying_relu::sim::stats::EpochStats;
use dying_relu::spec::{query_pairs, Control, Value};
use dying_relu::story::{self, Action, Claim, Step, STEPS};

fn clock() -> impl FnMut() -> f64 {
    let mut t = 0.0;
    move || {
        t += 0.01;
        t
    }
}

fn query(step: &Step, panel: PanelId) -> Vec<(String, String)> {
    let q = step.set.iter().find(|(p, _)| *p == panel).map(|(_, q)| *q);
    query_pairs(q.unwrap_or_else(|| panic!("{}: sets no {panel:?}", step.title)))
}

#[test]
fn every_steps_query_parses_without_warnings_through_its_panels_table() {
    // The seeds' argument in about ten steps, and today's remedies and costs in a few more.
    assert!((9..=18).contains(&STEPS.len()), "under twenty steps");
    for step in &STEPS {
        assert!(!step.set.is_empty(), "{}", step.title);
        for &(panel, q) in step.set {
            let info = panels::info(panel).expect("a whole build holds every panel");
            let pairs = query_pairs(q);
            let warnings = (info.relink)(&pairs).1;
            assert!(warnings.is_empty(), "{}: {q}: {warnings:?}", step.title);
            for (k, _) in &pairs {
                assert!(info.keys().contains(&k.as_str()), "{}: {k}", step.title);
            }
        }
    }
}

fn control(panel: PanelId, key: &str) -> Control {
    (panels::info(panel)
        .expect("a whole build holds every panel")
        .controls)()
    .into_iter()
    .find(|c| c.key() == key)
    .unwrap_or_else(|| panic!("{panel:?} has no control {key}"))
}

#[test]
fn every_step_reads_as_a_step_and_its_try_names_a_real_control() {
    for (i, step) in STEPS.iter().enumerate() {
        let sentences = step.words.matches(". ").count() + 1;
        assert!((2..=5).contains(&sentences), "{}: {sentences}", step.title);
        assert!(step.question.ends_with('?'), "{}", step.title);
        assert!(!step.answer.is_empty() && !step.try_this.text.is_empty());
        assert!(
            step.set.iter().any(|(p, _)| *p == step.try_this.panel),
            "{}: the try is on a panel the step sets",
            step.title
        );
        match step.try_this.action {
            Action::Press(label) => assert!(step.try_this.text.contains(label), "{}", step.title),
            Action::Choose(key, id) => match control(step.try_this.panel, key) {
                Control::Menu(c) => assert!(c.find(id).is_some(), "{}: {id}", step.title),
                Control::Slider(_) => panic!("{}: {key} is a slider", step.title),
            },
            Action::Slide(key, v) => match control(step.try_this.panel, key) {
                Control::Slider(s) => assert_eq!(s.clamp(v), Some(v), "{}", step.title),
                Control::Menu(_) => panic!("{}: {key} is a menu", step.title),
            },
        }
        let said = story::announcement(i);
        assert!(said.starts_with(&format!("Step {} of {}: ", i + 1, STEPS.len())));
    }
    assert_eq!(
        STEPS.iter().filter(|s| s.seed_differs.is_some()).count(),
        1,
        "the step where the runs part from seed 002 says so"
    );
    // Every panel appears in some step.
    for p in PANELS {
        assert!(STEPS.iter().any(|s| s.panel() == p.id), "{}", p.name);
    }
}

#[test]
fn the_address_names_a_step_and_a_wrong_one_is_said() {
    let (i, w) = story::step_from_pairs(&query_pairs("step=4&neuron.b=1"));
    assert_eq!((i, w), (Some(3), None));
    assert_eq!(story::step_from_pairs(&query_pairs("b=1")), (None, None));
    let (i, w) = story::step_from_pairs(&query_pairs("step=99"));
    assert_eq!(i, Some(STEPS.len() - 1));
    assert!(w.unwrap().contains("past the last step"));
    let (i, w) = story::step_from_pairs(&query_pairs("step=%E2%80%AE2"));
    assert_eq!(i, Some(0));
    let w = w.unwrap();
    assert!(w.contains("[U+202E]2") && !w.contains('\u{202E}'), "{w}");
}

fn neuron_claim(claim: Claim, s: &State, before: &State) -> Result<(), String> {
    let stats = s.neuron.stats();
    let said = neuron_words::summary(
        s.neuron.f,
        &stats,
        &s.gradient_now(),
        s.was_shut,
        s.settings.lr,
    );
    let ok = match claim {
        Claim::NeuronAlive => stats.open_fraction > 0.5 && said.contains("alive"),
        Claim::NeuronDead => stats.open_fraction == 0.0 && said.contains("R is dead"),
        Claim::NeuronLeaking => stats.open_fraction == 0.0 && said.contains("leaks"),
        Claim::NeuronFrozen => {
            s.neuron.steps() > before.neuron.steps()
                && s.neuron.w == before.neuron.w
                && s.neuron.b == before.neuron.b
                && said.contains("R is dead")
        }
        Claim::NeuronMoved => s.neuron.w != before.neuron.w,
        Claim::NeuronRecovered => stats.open_fraction > 0.5 && said.starts_with("R recovered"),
        other => return Err(format!("{other:?} is not a neuron claim")),
    };
    ok.then_some(()).ok_or(format!("{claim:?}: {said}"))
}

fn neuron_try(s: &mut State, action: Action) {
    match action {
        Action::Press("Step") => (0..3).for_each(|_| s.update(Msg::Step)),
        Action::Press("Large gradient step") => s.update(Msg::LargeStep),
        Action::Press("Train") => {
            s.update(Msg::ToggleTrain);
            (0..300).for_each(|_| s.update(Msg::Tick));
        }
        Action::Slide(key, v) => s.update(Msg::Set(key, Value::Number(v))),
        other => panic!("no neuron try {other:?}"),
    }
}

#[test]
fn the_neuron_steps_claims_hold_before_and_after_their_try() {
    for step in STEPS.iter().filter(|s| s.try_this.panel == PanelId::Neuron) {
        let (settings, _) = neuron::from_pairs(&query(step, PanelId::Neuron));
        let mut s = State::new(settings);
        let start = State::new(settings);
        neuron_claim(step.before, &s, &start).unwrap_or_else(|e| panic!("{}: {e}", step.title));
        neuron_try(&mut s, step.try_this.action);
        neuron_claim(step.after, &s, &start).unwrap_or_else(|e| panic!("{}: {e}", step.title));
    }
}

#[test]
fn a_positive_bias_only_buys_a_margin() {
    let step = STEPS.iter().find(|s| s.title.contains("positive")).unwrap();
    let (settings, _) = neuron::from_pairs(&query(step, PanelId::Neuron));
    let mut s = State::new(settings);
    s.update(Msg::LargeStep);
    assert!(s.neuron.stats().open_fraction > 0.5);
    s.update(Msg::LargeStep);
    let st = s.neuron.stats();
    assert!(
        st.mean.abs() < 0.02,
        "once more: centred at about 0: {st:?}"
    );
    assert!((0.3..0.7).contains(&st.open_fraction), "half shut: {st:?}");
}

#[test]
fn the_activation_steps_claims_hold() {
    for step in STEPS
        .iter()
        .filter(|s| s.try_this.panel == PanelId::Activation)
    {
        let (mut settings, _) = act::from_pairs(&query(step, PanelId::Activation));
        let says = |s: &act::Settings, claim: Claim| match claim {
            Claim::ActivationSays(t) => {
                let said = act_words::summary(s.activation());
                assert!(said.contains(t), "{}: {said}", step.title);
            }
            other => panic!("{other:?}"),
        };
        says(&settings, step.before);
        let Action::Choose(key, id) = step.try_this.action else {
            panic!("{}", step.title)
        };
        act::update(&mut settings, act::Msg::Set(key, Value::Choice(id.into())));
        says(&settings, step.after);
    }
}

#[test]
fn the_model_steps_claims_hold() {
    use dying_relu::panels::model::{state as model, words as model_words};
    let steps: Vec<&Step> = STEPS
        .iter()
        .filter(|s| s.try_this.panel == PanelId::Model)
        .collect();
    assert!(!steps.is_empty(), "a step uses Your model");
    for step in steps {
        let (settings, _) = model::from_pairs(&query(step, PanelId::Model));
        let mut s = model::State::new(settings);
        let says = |s: &model::State, claim: Claim| match claim {
            Claim::ModelSays(t) => {
                let said = model_words::summary(s);
                assert!(said.contains(t), "{}: {said}", step.title);
            }
            other => panic!("{other:?}"),
        };
        says(&s, step.before);
        let Action::Choose(key, id) = step.try_this.action else {
            panic!("{}", step.title)
        };
        s.update(model::Msg::Set(key, Value::Choice(id.into())));
        says(&s, step.after);
    }
}

fn run(q: &str) -> Run {
    let (settings, w) = NetSettings::from_pairs(&query_pairs(q));
    assert!(w.is_empty(), "{w:?}");
    let mut run = Run::new(settings, None);
    run.run_to_end(&mut clock());
    assert!(run.failure().is_none(), "{q}: {:?}", run.failure());
    run
}

fn network_claim(claim: Claim, last: &EpochStats) -> bool {
    match claim {
        Claim::NetworkDead => {
            net_words::output_dead(last)
                && last.gradients_all_zero()
                && (last.val_loss - SEED002_DEAD_LOSS).abs() / SEED002_DEAD_LOSS < 0.01
        }
        Claim::NetworkLearns(max) => {
            !net_words::output_dead(last) && !last.gradients_all_zero() && last.val_loss < max
        }
        Claim::NetworkDefinitionsDisagree => {
            let exact = dying_relu::panels::network::charts::dead_map::Judge::default();
            network_claim(Claim::NetworkDead, last)
                && net_words::disagreement(last, &exact).is_some()
        }
        Claim::NetworkRecycles(max) => {
            !last.recycled.is_empty()
                && !net_words::output_dead(last)
                && !last.gradients_all_zero()
                && last.val_loss < max
        }
        Claim::NetworkCostly(max) => {
            let hidden = &last.layers[..last.layers.len() - 1];
            let dead: usize = hidden.iter().map(|l| l.dead_count()).sum();
            let units: usize = hidden.iter().map(|l| l.units).sum();
            !net_words::output_dead(last)
                && 3 * dead >= units
                && last.val_accuracy.is_some_and(|a| a < max)
        }
        _ => false,
    }
}

/// Hidden units dead at the end, over all hidden layers, and how many there are.
fn hidden_dead(run: &Run) -> (usize, usize) {
    let last = run.latest().unwrap();
    let hidden = &last.layers[..last.layers.len() - 1];
    (
        hidden.iter().map(|l| l.dead_count()).sum(),
        hidden.iter().map(|l| l.units).sum(),
    )
}

/// The numbers "Bringing units back" and "Warmup and normalization" state, from the runs
/// (the same runs without the remedy, and with it), and the status words ReDo's step points to.
#[test]
fn the_remedy_steps_say_what_their_runs_show() {
    let plain = run("out=linear&lr=0.3&n=20000&epochs=3");
    let p = plain.latest().unwrap();
    assert_eq!(
        hidden_dead(&plain),
        (23, 24),
        "without help 23 of the 24 die"
    );
    assert!(!net_words::output_dead(p), "a linear output does not die");
    // A net whose hidden units are all but dead outputs about a constant: its loss is about
    // the target's variance, 4 × 1/12 for a sum of four uniforms on (−1, 0).
    assert!(
        (p.val_loss - 1.0 / 3.0).abs() < 0.03 && (0.335..0.345).contains(&p.val_loss),
        "loss 0.34, the target's variance: {}",
        p.val_loss
    );
    let redo_step = STEPS
        .iter()
        .find(|s| s.title == "Bringing units back")
        .unwrap();
    let redo = run(redo_step.set[0].1);
    let r = redo.latest().unwrap();
    assert!(
        (0.1..0.15).contains(&r.val_loss),
        "ReDo's loss ends near 0.12: {}",
        r.val_loss
    );
    let (settings, _) = NetSettings::from_pairs(&query_pairs(redo_step.set[0].1));
    let said = net_words::remedies_clause(&settings, &redo.history).unwrap();
    assert!(
        said.starts_with("ReDo recycled") && !said.contains(" 0 of them are dead again"),
        "many recycled units die again: {said}"
    );
    let warm_step = STEPS
        .iter()
        .find(|s| s.title == "Warmup and normalization")
        .unwrap();
    let warm = run(warm_step.set[0].1);
    assert_eq!(
        hidden_dead(&warm),
        (13, 24),
        "11 of the 24 alive with warmup"
    );
    let w = warm.latest().unwrap().val_loss;
    assert!((0.0002..0.001).contains(&w), "loss about 0.0005: {w}");
    let bn = run("out=linear&lr=0.3&bn=on&n=20000&epochs=3");
    let b = bn.latest().unwrap();
    assert!(
        b.val_loss < 0.01 && hidden_dead(&bn).0 < 23,
        "batch norm helps too: loss {} dead {:?}",
        b.val_loss,
        hidden_dead(&bn)
    );
}

#[test]
fn the_network_steps_end_as_they_say() {
    for step in STEPS
        .iter()
        .filter(|s| s.try_this.panel == PanelId::Network)
    {
        assert_eq!(step.before, Claim::NetworkReady);
        let (_, q) = step.set[0];
        let r = run(q);
        // Short enough for the browser's walk through the path: a few thousand steps.
        assert_eq!(r.epochs_done(), r.settings.epochs, "{}", step.title);
        let steps = r.epochs_done() * net_words::steps_per_epoch(&r.settings);
        assert!(steps <= 4_000, "{}: {steps} steps", step.title);
        let last = r.latest().unwrap();
        assert!(
            network_claim(step.after, last),
            "{}: {:?} loss {}",
            step.title,
            step.after,
            last.val_loss
        );
    }
}

/// The runs behind "Vanishing is not dead", where the live runs part from seed 002's claim
/// that tanh, sigmoid and Leaky ReLU all fail on its data.
#[test]
fn tanh_sigmoid_and_leaky_relu_on_seed_002s_data_as_the_step_says() {
    let q = |act: &str| format!("act={act}&n=20000&epochs=3");
    let leaky = run(&q("leaky_relu"));
    let l = leaky.latest().unwrap();
    assert!(l.val_loss < 0.1, "Leaky ReLU learns: {}", l.val_loss);
    let tanh = run(&q("tanh"));
    let (first, t) = (&tanh.history[0], tanh.latest().unwrap());
    assert!(
        first.val_loss > 7.0,
        "tanh starts near 7.8: {}",
        first.val_loss
    );
    assert!(
        (1.3..1.45).contains(&t.val_loss),
        "tanh ends near 1.35: {}",
        t.val_loss
    );
    let median = t.layers.last().unwrap().output.percentiles[4];
    assert!(
        median < -0.99,
        "tanh's output sits at its floor of −1: {median}"
    );
    assert!(t.layers.iter().all(|l| l.grad_norm_mean > 0.0));
    let sigmoid = run(&q("sigmoid"));
    let s = sigmoid.latest().unwrap();
    let above = (s.val_loss - SEED002_DEAD_LOSS) / SEED002_DEAD_LOSS;
    assert!(
        (0.0..0.03).contains(&above),
        "sigmoid near the dead line: {}",
        s.val_loss
    );
    assert!(
        s.layers.iter().all(|l| l.grad_norm_mean > 0.0),
        "its gradients never become exactly 0"
    );
    assert!(!s.gradients_all_zero() && !net_words::output_dead(s));
    let relu = run(&q("relu"));
    assert!(net_words::ends_dead(relu.latest().unwrap()), "ReLU dies");
}

#[test]
fn on_the_unit_r_tanh_sigmoid_and_leaky_relu_keep_learning_where_relu_died() {
    for f in ["relu", "tanh", "sigmoid", "leaky_relu"] {
        let (settings, _) = neuron::from_pairs(&query_pairs(&format!("f={f}&b=-0.2")));
        let mut s = State::new(settings);
        let (w, loss) = (s.neuron.w, s.neuron.loss());
        s.update(Msg::ToggleTrain);
        (0..500).for_each(|_| s.update(Msg::Tick));
        if f == "relu" {
            assert_eq!(s.neuron.w, w, "ReLU: dead, nothing moves");
        } else {
            assert!(
                s.neuron.loss() < 0.5 * loss,
                "{f}: {} → {}",
                loss,
                s.neuron.loss()
            );
            assert!((s.neuron.w[0] - w[0]).abs() > 0.1, "{f} moves w1");
        }
    }
}

/// The finished map's verdicts as the page writes them in `data-verdicts`: one character per
/// cell, row by row from the most negative bias ("d" mostly dead, "a" alive, "x" blown up).
fn verdicts(s: &MapState) -> String {
    s.cells
        .iter()
        .map(|c| match c {
            None => '.',
            Some(c) if c.diverged => 'x',
            Some(c) if c.mostly_dead() => 'd',
            Some(_) => 'a',
        })
        .collect()
}

fn compute(s: &mut MapState) {
    let mut t = 0.0;
    let mut clock = || {
        t += 1.0;
        t
    };
    while !s.complete() {
        s.frame(1e9, &mut clock);
    }
}

/// The same rules as `tests/web_story.rs` reads them on the live panel.
fn map_claim(claim: Claim, v: &str, status: &str) -> Result<(), String> {
    let res = (v.len() as f64).sqrt() as usize;
    let row = |j: usize| &v[j * res..(j + 1) * res];
    let ok = !v.contains('.')
        && match claim {
            Claim::MapBorder => {
                let zero = row(res / 2);
                zero.starts_with('a')
                    && zero.ends_with('d')
                    && row(0).chars().all(|c| c == 'd')
                    && !row(res - 1).contains('d')
                    && status.contains(
                        "At bias −1, more than half of the hidden units are dead before training starts",
                    )
            }
            Claim::MapAlive => !v.contains('d'),
            _ => false,
        };
    ok.then_some(())
        .ok_or(format!("{claim:?}: {v} (res {res}): {status}"))
}

fn map_step() -> &'static Step {
    STEPS.iter().find(|s| s.panel() == PanelId::Dying).unwrap()
}

#[test]
fn the_map_steps_claims_hold_before_and_after_its_try() {
    let step = map_step();
    let (settings, _) = dying::Settings::from_pairs(&query(step, PanelId::Dying));
    assert_eq!(settings.res % 2, 1, "an odd resolution has a row at bias 0");
    let mut s = MapState::new(settings);
    compute(&mut s);
    map_claim(step.before, &verdicts(&s), &dying_words::map_status(&s)).unwrap();
    let Action::Choose(key, id) = step.try_this.action else {
        panic!("{}", step.title)
    };
    s.update(dying::Msg::Set(key, Value::Choice(id.into())));
    assert_eq!(s.map_progress().0, 0, "a new map");
    compute(&mut s);
    map_claim(step.after, &verdicts(&s), &dying_words::map_status(&s)).unwrap();
}

/// What the step's words and answer say beyond its claims, on the same map.
#[test]
fn the_map_step_says_what_its_map_shows() {
    let step = map_step();
    let (settings, _) = dying::Settings::from_pairs(&query(step, PanelId::Dying));
    let mut s = MapState::new(settings);
    compute(&mut s);
    let map = s.settings.map();
    let cell = |i: usize, j: usize| s.cells[j * map.res + i].unwrap();
    let said = dying_words::map_status(&s);
    assert!(said.contains("3 epochs per cell"), "{said}");
    // "Below bias 0 most units are dead before training starts."
    for j in (0..map.res).filter(|&j| map.bias(j) < 0.0) {
        for i in 0..map.res {
            assert!(cell(i, j).dead_at_start > 0.5, "{i}, {j}: {:?}", cell(i, j));
        }
    }
    // "Along bias 0 the small learning rates keep most units alive, and the rates from 0.1
    // up leave most of them dead."
    let zero = map.row_near(0.0);
    assert_eq!(map.bias(zero), 0.0);
    for i in 0..map.res {
        assert_eq!(cell(i, zero).mostly_dead(), map.lr(i) >= 0.1 - 1e-9, "{i}");
    }
    assert!(
        said.contains("At bias 0, every learning rate from 0.1 up"),
        "{said}"
    );
    // The answer: at bias +1 no rate kills more than half, but at rate 1 half still die.
    let top = map.res - 1;
    assert_eq!((map.bias(top), map.lr(top)), (1.0, 1.0));
    assert!((0..map.res).all(|i| !cell(i, top).mostly_dead()));
    assert_eq!(cell(top, top).dead, 0.5, "{:?}", cell(top, top));
    assert!(step.answer.contains("half of them still end dead"));
}
