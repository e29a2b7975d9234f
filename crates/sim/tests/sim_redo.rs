#![cfg(not(target_arch = "wasm32"))]
//! ReDo (Sokar et al., ICML 2023): recycling dormant units during training, checked on units
//! whose fate is known, and a recorded experiment on seed 002's net.

use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

use dying_relu_sim::activation::{Activation, ActivationKind};
use dying_relu_sim::data::Dataset;
use dying_relu_sim::dead::{self, Definition, DEFAULT_TAU};
use dying_relu_sim::init::Initializer;
use dying_relu_sim::mlp::Mlp;
use dying_relu_sim::norm::BatchNorm;
use dying_relu_sim::optim::{Optimizer, OptimizerConfig};
use dying_relu_sim::redo::Redo;
use dying_relu_sim::rng::rng_from_seed;
use dying_relu_sim::stats::{EpochStats, Recycled};
use dying_relu_sim::train::{NetConfig, Trainer};

fn linear() -> Activation {
    Activation::new(ActivationKind::Linear, 0.0)
}

fn bits(p: &[f32]) -> Vec<u32> {
    p.iter().map(|v| v.to_bits()).collect()
}

fn redo(every: usize, tau: f64, reset_moments: bool, restart_step_counts: bool) -> Option<Redo> {
    Some(Redo {
        every,
        tau,
        reset_moments,
        restart_step_counts,
    })
}

/// `net` with the outgoing weights of the `recycled` units set to 0.
fn cut(net: &Mlp<f32>, recycled: &[Recycled]) -> Mlp<f32> {
    let mut n = net.clone();
    for r in recycled {
        let next = &mut n.layers[r.layer + 1];
        for k in 0..next.n_out {
            next.w[k * next.n_in + r.unit] = 0.0;
        }
    }
    n
}

/// A 2-3-2 net in f64 after 3,000 Adam steps of varied gradients (Adam's bias correction
/// is then near 1).
fn trained_adam(lr: f64) -> (Mlp<f64>, Optimizer<f64>) {
    let mut n: Mlp<f64> = Mlp::new(
        &[2, 3, 2],
        &[Activation::RELU, linear()],
        Initializer::GlorotUniform,
        0.0,
        &mut rng_from_seed(4),
    );
    let mut opt = Optimizer::new(OptimizerConfig::adam(lr), &n);
    let mut sq = vec![vec![0.0; 3], vec![0.0; 2]];
    for t in 0..3000 {
        let g = |i: usize| ((t * 5 + i * 3) as f64).sin() + 0.1;
        let gw = vec![(0..6).map(g).collect(), (6..12).map(g).collect()];
        let gb = vec![(12..15).map(g).collect(), (15..17).map(g).collect()];
        assert!(opt.step(&mut n, &gw, &gb, &mut sq));
    }
    (n, opt)
}

/// `reset_unit` zeroes exactly the unit's incoming row, bias and outgoing column of Adam's m
/// and v; `restart_step_count` makes the next update of a zeroed moment a first step
/// (lr·g/(|g| + ε/√(1 − β2)) ≈ lr in the gradient's sign), where without it the old count
/// leaves m/√v uncorrected: the step is lr·√(1 − β2ᵗ)/(1 − β1ᵗ) · 0.1g/(√0.001·|g| + ε),
/// 3.1 lr at t = 3001.
#[test]
fn resetting_a_units_moments_and_restarting_the_step_count() {
    let lr = 0.01;
    let (n, mut opt) = trained_adam(lr);
    opt.reset_unit(&n, 0, 1);
    let (m0, v0) = opt.kernel_moments(0);
    let (m1, v1) = opt.kernel_moments(1);
    let (mb, vb) = opt.bias_moments(0);
    for i in 0..6 {
        let zero = i / 2 == 1;
        assert_eq!(m0[i] == 0.0 && v0[i] == 0.0, zero, "layer 0 weight {i}");
        let zero = i % 3 == 1;
        assert_eq!(m1[i] == 0.0 && v1[i] == 0.0, zero, "layer 1 weight {i}");
    }
    assert_eq!((mb[1], vb[1]), (0.0, 0.0));
    assert!(mb[0] != 0.0 && mb[2] != 0.0);
    assert_eq!(
        opt.bias_moments(1).0.iter().filter(|m| **m == 0.0).count(),
        0
    );

    let g = 0.5;
    let step = |restart: bool| {
        let (mut n, mut opt) = trained_adam(lr);
        opt.reset_unit(&n, 0, 1);
        if restart {
            opt.restart_step_count(0, true, true);
            assert_eq!(opt.step_counts(0), (0, 0));
        }
        let before = n.layers[0].w[2];
        let gw = vec![vec![g; 6], vec![g; 6]];
        let gb = vec![vec![g; 3], vec![g; 2]];
        let mut sq = vec![vec![0.0; 3], vec![0.0; 2]];
        assert!(opt.step(&mut n, &gw, &gb, &mut sq));
        assert_eq!(opt.step_counts(1), (3001, 3001));
        before - n.layers[0].w[2]
    };
    // Keras' Adam from zero moments after one gradient g, its bias corrected as step t.
    let (b1, b2) = (0.9f64, 0.999f64);
    let adam = |t: i32| {
        lr * (1.0 - b2.powi(t)).sqrt() / (1.0 - b1.powi(t)) * (0.1 * g)
            / ((0.001f64 * g * g).sqrt() + 1e-7)
    };
    assert!((step(true) - adam(1)).abs() < 1e-15, "{}", step(true));
    assert!((step(true) - lr).abs() < 1e-5 * lr);
    assert!((step(false) - adam(3001)).abs() < 1e-15);
    assert!(step(false) > 3.0 * lr, "{}", step(false));
}

/// At the reset the output does not change: SGD at rate 0 makes the step itself a no-op, so
/// the network after it differs from the one before only by ReDo. Its outputs equal, bit for
/// bit, those of the old network with the recycled units' outgoing weights cut (fresh incoming
/// weights behind a zero outgoing weight count for nothing); with τ = 0 only units that
/// output exactly 0 on the batch are recycled, and on the batch's inputs the outputs equal
/// the old network's. (With τ > 0 a dormant unit's small contribution is removed.)
#[test]
fn a_redo_reset_leaves_the_networks_outputs_unchanged() {
    let data = Rc::new(Dataset::seed002(2_000, 5));
    let probe = &data.val_x;
    // Momentum 1: the running statistics stay put, so the step changes nothing there either.
    let frozen_bn = BatchNorm {
        momentum: 1.0,
        epsilon: 1e-3,
    };
    for (tau, batch_norm) in [0.0, DEFAULT_TAU, 0.5]
        .into_iter()
        .flat_map(|tau| [(tau, None), (tau, Some(frozen_bn))])
    {
        let cfg = NetConfig {
            hidden: vec![8, 8],
            output_activation: linear(),
            optimizer: OptimizerConfig::sgd(0.0),
            batch_size: data.n_train(),
            redo: redo(1, tau, true, true),
            batch_norm,
            ..NetConfig::default()
        };
        let mut t = Trainer::new(cfg, Rc::clone(&data)).unwrap();
        // Three units dead by hand: their bias (with batch normalization, their β) is far
        // below anything their inputs reach.
        for (l, j) in [(0, 0), (0, 5), (1, 3)] {
            let layer = &mut t.net_mut().layers[l];
            match &mut layer.norm {
                Some(n) => n.beta[j] = -100.0,
                None => layer.b[j] = -100.0,
            }
        }
        let before = t.net().clone();
        t.train_steps(1).unwrap();
        let rec = t.recycled_this_epoch().to_vec();
        for (l, j) in [(0, 0), (0, 5), (1, 3)] {
            let r = Recycled {
                step: 0,
                layer: l,
                unit: j,
            };
            assert!(rec.contains(&r), "τ = {tau}: {rec:?}");
            // Fresh incoming weights, the initial bias, no outgoing weights.
            let (now, was) = (&t.net().layers[l], &before.layers[l]);
            let n_in = now.n_in;
            assert_ne!(
                now.w[j * n_in..(j + 1) * n_in],
                was.w[j * n_in..(j + 1) * n_in]
            );
            assert_eq!(now.b[j], 0.0);
            if let Some(n) = &now.norm {
                assert_eq!((n.gamma[j], n.beta[j]), (1.0, 0.0));
                assert_eq!((n.running_mean[j], n.running_var[j]), (0.0, 1.0));
            }
            let next = &t.net().layers[l + 1];
            assert!((0..next.n_out).all(|k| next.w[k * next.n_in + j] == 0.0));
        }
        let after = bits(&t.net().predict(probe));
        assert_eq!(after, bits(&cut(&before, &rec).predict(probe)), "τ = {tau}");
        // The batch was the whole training set: with τ = 0 every recycled unit output exactly
        // 0 on every training row, so there the outputs are the old network's. (Not on the
        // validation rows: a unit silent on the training rows may fire on others.)
        // (With batch normalization, evaluation's running statistics are not the batch's.)
        let train = &data.train_x;
        let same = bits(&t.net().predict(train)) == bits(&before.predict(train));
        if batch_norm.is_none() {
            assert_eq!(same, tau == 0.0, "τ = {tau}");
        }
    }
}

/// Inputs −0.9, −0.8, …, 1.0 (both signs: a ReLU unit with any non-zero weight and a zero
/// bias fires on some of them), target 2x + 1.
fn both_signs() -> Rc<Dataset> {
    let x: Vec<f32> = (-9..=10).map(|k| k as f32 / 10.0).collect();
    let y: Vec<f32> = x.iter().map(|v| 2.0 * v + 1.0).collect();
    Rc::new(Dataset {
        n_features: 1,
        train_x: x.clone(),
        train_y: y.clone(),
        val_x: x,
        val_y: y,
    })
}

/// A dead ReLU unit gets exactly zero gradient, so SGD never moves it (the dead-stays-dead
/// tests of `sim_seed002.rs`): 40 epochs leave it bit-identical and dead. With ReDo it is
/// recycled at the first check, fires again, and trains: its outgoing weight, 0 at the reset,
/// has grown.
#[test]
fn redo_revives_a_dead_unit_that_plain_training_cannot() {
    let cfg = |redo| NetConfig {
        inputs: 1,
        hidden: vec![4],
        output_activation: linear(),
        optimizer: OptimizerConfig::sgd(0.05),
        batch_size: 5,
        redo,
        ..NetConfig::default()
    };
    let kill = |t: &mut Trainer| {
        // z = x − 5 < 0 on every input.
        t.net_mut().layers[0].w[0] = 1.0;
        t.net_mut().layers[0].b[0] = -5.0;
    };
    let mut plain = Trainer::new(cfg(None), both_signs()).unwrap();
    kill(&mut plain);
    let unit = |t: &Trainer| [t.net().layers[0].w[0], t.net().layers[0].b[0]];
    let frozen = unit(&plain);
    let mut s = plain.train_epoch().unwrap();
    for _ in 1..40 {
        s = plain.train_epoch().unwrap();
    }
    assert!(!s.layers[0].alive[0]);
    assert_eq!(bits(&unit(&plain)), bits(&frozen));

    let mut t = Trainer::new(cfg(redo(10, DEFAULT_TAU, true, true)), both_signs()).unwrap();
    kill(&mut t);
    let mut all = Vec::new();
    for _ in 0..40 {
        s = t.train_epoch().unwrap();
        all.extend(s.recycled.iter().copied());
    }
    assert!(all
        .iter()
        .any(|r| r.layer == 0 && r.unit == 0 && r.step == 9));
    assert!(s.layers[0].alive[0], "{:?}", s.layers[0]);
    assert!(s.layers[0].mean_abs_output[0] > 0.0);
    assert!(
        t.net().layers[1].w[0].abs() > 1e-3,
        "{:?}",
        t.net().layers[1].w
    );
    assert_ne!(bits(&unit(&t)), bits(&frozen));
}

/// What one ReDo run on seed 002's data shows (10 epochs of 20,000 samples: 4,380 steps).
#[derive(Debug, PartialEq, Eq)]
struct Fate {
    /// Recycling events over the run, and the distinct units they hit.
    events: usize,
    units: usize,
    /// Events whose unit was dormant again, and recycled again, at the very next check.
    again_next_check: usize,
    /// Units recycled more than once.
    recycled_twice: usize,
    /// Of the recycled units, those exactly dead / τ-dormant on the validation set at the end.
    dead_at_end: usize,
    dormant_at_end: usize,
    /// The step of the last event.
    last_event: u64,
}

/// Runs `cfg` with ReDo every 100 steps at τ = 0.025 for 10 epochs; returns what happened
/// to the recycled units and the last validation loss.
fn fate(cfg: NetConfig, moments: bool, counts: bool) -> (Fate, f64) {
    let every = 100;
    let data = Rc::new(Dataset::seed002(20_000, 2002));
    let cfg = NetConfig {
        redo: redo(every, DEFAULT_TAU, moments, counts),
        ..cfg
    };
    let mut t = Trainer::new(cfg, data).unwrap();
    let mut events: Vec<Recycled> = Vec::new();
    let mut last: Option<EpochStats> = None;
    for _ in 0..10 {
        let s = t.train_epoch().unwrap();
        events.extend(s.recycled.iter().copied());
        last = Some(s);
    }
    let s = last.unwrap();
    let mut count: BTreeMap<(usize, usize), usize> = BTreeMap::new();
    for r in &events {
        *count.entry((r.layer, r.unit)).or_default() += 1;
    }
    let set: BTreeSet<(u64, usize, usize)> =
        events.iter().map(|r| (r.step, r.layer, r.unit)).collect();
    let again = events
        .iter()
        .filter(|r| set.contains(&(r.step + every as u64, r.layer, r.unit)))
        .count();
    let judge = |def| -> Vec<Vec<bool>> {
        s.layers
            .iter()
            .map(|l| dead::dead_units(l, def, DEFAULT_TAU))
            .collect()
    };
    let (dead, dormant) = (judge(Definition::Exact), judge(Definition::Dormant));
    let fate = Fate {
        events: events.len(),
        units: count.len(),
        again_next_check: again,
        recycled_twice: count.values().filter(|&&c| c > 1).count(),
        dead_at_end: count.keys().filter(|&&(l, j)| dead[l][j]).count(),
        dormant_at_end: count.keys().filter(|&&(l, j)| dormant[l][j]).count(),
        last_event: events.last().map_or(0, |r| r.step),
    };
    (fate, s.val_loss)
}

/// The recorded experiment of issue #27 on seed 002's deep ReLU net (`NetConfig::default()`:
/// 4-8-8-8-1, ReLU output, Adam 0.001, seed 2), ReDo every 100 steps at τ = 0.025.
///
/// What the run shows: nothing for the moments to decide. This net's output unit is already
/// dead at initialization (on every validation sample), so every gradient of the net is
/// exactly 0 from the first step; ReDo never recycles the output layer (dopamine does not
/// either), so the hidden units it recycles get zero outgoing weights that no gradient will
/// ever move. Units are "recycled again" only because a fresh draw was silent on the batch
/// again (inputs in [−1, 0) shut a first-layer unit whose four weights are all ≥ 0), never
/// because training killed them; once every hidden unit has drawn live weights, recycling
/// stops (no event after epoch 4). Measured: 30 events on 17 units, 11 of them recycled again
/// at the very next check, 9 units more than once, none dead or dormant at the end; the loss
/// stays at the dead line (4.357 on this validation set, 13/3 in expectation). With
/// `reset_moments` true, and with step counts restarted too, the same numbers, since with no
/// gradient Adam's moments hold nothing that could push the fresh weights (bar the decaying
/// remains of the very first steps).
#[test]
fn redo_on_seed002s_deep_net_cannot_revive_a_net_whose_output_is_dead() {
    let data = Rc::new(Dataset::seed002(20_000, 2002));
    let mut t = Trainer::new(NetConfig::default(), data).unwrap();
    assert!(
        !t.evaluate().unwrap().layers[3].alive[0],
        "output alive at init"
    );
    t.train_steps(1).unwrap();
    assert!(t.evaluate().unwrap().gradients_all_zero());

    let want = Fate {
        events: 30,
        units: 17,
        again_next_check: 11,
        recycled_twice: 9,
        dead_at_end: 0,
        dormant_at_end: 0,
        last_event: 1699,
    };
    for (moments, counts) in [(false, false), (true, false), (true, true)] {
        let (f, loss) = fate(NetConfig::default(), moments, counts);
        assert_eq!(f, want, "moments {moments}, counts {counts}");
        assert!((loss - 4.357).abs() < 1e-3, "loss {loss}");
    }
}

/// The same question where training does kill units: seed 002's deep net with a linear
/// output (so the output cannot die and gradients flow) at Adam 0.01, ReDo every 100 steps
/// at τ = 0.025, 10 epochs. All three learn the sum (validation loss below 1e-4), and in all
/// three recycled units die again soon after; how often depends on the moments:
///
/// | moments zeroed | step counts restarted | events | units | again at next check | dead at end |
/// |---|---|---|---|---|---|
/// | no  | no  | 122 | 13 |  66 |  0 |
/// | yes | no  | 551 | 14 | 529 | 13 |
/// | yes | yes |  75 | 13 |  46 |  1 |
///
/// Zeroing Adam's m and v under the net's old step count (dopamine's recipe, here with
/// Keras' one count) is the worst: zeroed moments are not bias-corrected, so the fresh
/// weights, and the zero outgoing weights, take steps of several lr in the sign of their
/// first gradients (up to 6.5·lr once the count is past a few thousand steps: see
/// `resetting_a_units_moments_and_restarting_the_step_count`); 529 of the 551 events (96 %)
/// recycle a unit dormant again 100 steps after its last recycle, and 13 of the 14 recycled
/// units are dead at the end. Restarting the step counts as well (timoklein/redo's recipe)
/// gives the fewest recycles, consistent with the port's finding that the step-count reset
/// is what matters. Keeping the stale moments is in between here, and leaves no recycled
/// unit dead at the end.
#[test]
fn redo_with_reset_moments_needs_the_step_count_restarted_too() {
    let cfg = NetConfig {
        output_activation: linear(),
        optimizer: OptimizerConfig::adam(0.01),
        ..NetConfig::default()
    };
    // (events, units, again at the next check, units recycled twice or more, dead at the
    // end, dormant at the end, step of the last event: every run still recycles near its end).
    let rows = [
        ((false, false), (122, 13, 66, 12, 0, 0, 4199)),
        ((true, false), (551, 14, 529, 14, 13, 14, 4299)),
        ((true, true), (75, 13, 46, 8, 1, 2, 4299)),
    ];
    for ((moments, counts), (events, units, again, twice, dead, dormant, last)) in rows {
        let (f, loss) = fate(cfg.clone(), moments, counts);
        let want = Fate {
            events,
            units,
            again_next_check: again,
            recycled_twice: twice,
            dead_at_end: dead,
            dormant_at_end: dormant,
            last_event: last,
        };
        assert_eq!(f, want, "moments {moments}, counts {counts}");
        assert!(
            loss < 1e-4,
            "moments {moments}, counts {counts}: loss {loss}"
        );
    }
}
