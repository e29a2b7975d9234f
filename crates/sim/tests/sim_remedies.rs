#![cfg(not(target_arch = "wasm32"))]
//! Issue #27, "Bring them back": the remedies practitioners use today, each a part of training
//! off by default. Linear learning-rate warmup, global-norm gradient clipping, AdamW's
//! decoupled weight decay, centring and standardising the inputs, and ReDo.

use std::rc::Rc;

use dying_relu_sim::activation::{Activation, ActivationKind};
use dying_relu_sim::data::{Dataset, InputScaling, InputStats};
use dying_relu_sim::mlp::Mlp;
use dying_relu_sim::norm::BatchNorm;
use dying_relu_sim::optim::{warmup_lr, Optimizer, OptimizerConfig};
use dying_relu_sim::redo::Redo;
use dying_relu_sim::rng::rng_from_seed;
use dying_relu_sim::train::{NetConfig, TrainError, Trainer};
use proptest::prelude::*;

fn linear() -> Activation {
    Activation::new(ActivationKind::Linear, 0.0)
}

/// One training sample (and the same as validation): the trainer's one step is then exactly
/// `Mlp::loss_and_gradient` on that sample, bit for bit.
fn one_sample() -> Rc<Dataset> {
    let x = vec![0.7f32, -0.4];
    let y = vec![1.5f32];
    Rc::new(Dataset {
        n_features: 2,
        train_x: x.clone(),
        train_y: y.clone(),
        val_x: x,
        val_y: y,
    })
}

/// A 2-3-1 tanh net with a linear output on [`one_sample`], every gradient non-zero.
fn small(optimizer: OptimizerConfig) -> NetConfig {
    NetConfig {
        inputs: 2,
        hidden: vec![3],
        hidden_activation: Activation::new(ActivationKind::Tanh, 0.0),
        output_activation: linear(),
        optimizer,
        batch_size: 1,
        seed: 7,
        ..NetConfig::default()
    }
}

fn bits(p: &[f32]) -> Vec<u32> {
    p.iter().map(|v| v.to_bits()).collect()
}

fn norm(v: &[f64]) -> f64 {
    v.iter().map(|x| x * x).sum::<f64>().sqrt()
}

// ---------------------------------------------------------------------------------------
// 1. Linear learning-rate warmup.

#[test]
fn warmup_climbs_linearly_from_lr_over_k_to_lr() {
    let lr = 0.1;
    let want = [0.025, 0.05, 0.075, 0.1, 0.1, 0.1];
    for (t, w) in want.iter().enumerate() {
        let got = warmup_lr(lr, t as u64, 4);
        assert!((got - w).abs() < 1e-15, "step {t}: {got}");
    }
    // Off (0) and a one-step warmup are the rate itself, bit for bit, at every step.
    for t in [0u64, 1, 5, u64::MAX] {
        assert_eq!(warmup_lr(lr, t, 0).to_bits(), lr.to_bits());
        assert_eq!(warmup_lr(lr, t, 1).to_bits(), lr.to_bits());
    }
    // Never above lr, never decreasing.
    let k = 37;
    let mut last = 0.0;
    for t in 0..100 {
        let v = warmup_lr(lr, t, k);
        assert!(v >= last && v <= lr);
        last = v;
    }
    assert_eq!(warmup_lr(lr, k as u64 - 1, k), lr);
}

/// With SGD, the first step moves every parameter by exactly −(lr/K)·g (K a power of two,
/// so lr/K is exact), the second by −(2·lr/K)·g.
#[test]
fn warmup_makes_the_first_sgd_step_lr_over_k_times_the_gradient() {
    let (lr, k) = (0.1, 8usize);
    let data = one_sample();
    let cfg = NetConfig {
        warmup_steps: k,
        ..small(OptimizerConfig::sgd(lr))
    };
    let mut t = Trainer::new(cfg, Rc::clone(&data)).unwrap();
    for step in 0..2u64 {
        let p0 = t.net().params();
        let (_, g) = t.net().loss_and_gradient(&data.train_x, &data.train_y);
        assert!(g.iter().all(|v| *v != 0.0));
        t.train_epoch().unwrap();
        let rate = (lr * (step + 1) as f64 / k as f64) as f32;
        let want: Vec<f32> = p0.iter().zip(&g).map(|(p, g)| p - rate * g).collect();
        assert_eq!(bits(&t.net().params()), bits(&want), "step {step}");
    }
    // The same as training without warmup at lr/K for one step.
    let mut plain = Trainer::new(small(OptimizerConfig::sgd(lr / k as f64)), data).unwrap();
    let mut warm = Trainer::new(
        NetConfig {
            warmup_steps: k,
            ..small(OptimizerConfig::sgd(lr))
        },
        one_sample(),
    )
    .unwrap();
    plain.train_steps(1).unwrap();
    warm.train_steps(1).unwrap();
    assert_eq!(bits(&plain.net().params()), bits(&warm.net().params()));
}

// ---------------------------------------------------------------------------------------
// 2. Global-norm gradient clipping.

#[test]
fn clipping_caps_an_sgd_step_at_lr_times_c_and_leaves_small_gradients_alone() {
    let lr = 0.2;
    let data = one_sample();
    let net0 = Trainer::new(small(OptimizerConfig::sgd(lr)), Rc::clone(&data)).unwrap();
    let p0 = net0.net().params();
    let (_, g) = net0.net().loss_and_gradient(&data.train_x, &data.train_y);
    let g64: Vec<f64> = g.iter().map(|&v| v as f64).collect();
    let gn = norm(&g64);
    assert!(gn > 0.1, "gradient norm {gn}");

    // c below ‖g‖: the step is lr·c long, along −g.
    let c = gn / 4.0;
    let cfg = NetConfig {
        clip_norm: Some(c),
        ..small(OptimizerConfig::sgd(lr))
    };
    let mut t = Trainer::new(cfg, Rc::clone(&data)).unwrap();
    let s = t.train_epoch().unwrap();
    assert_eq!(s.clipped_steps, 1);
    let delta: Vec<f64> = t
        .net()
        .params()
        .iter()
        .zip(&p0)
        .map(|(a, b)| *a as f64 - *b as f64)
        .collect();
    let moved = norm(&delta);
    assert!(
        moved <= lr * c * (1.0 + 1e-5),
        "moved {moved}, cap {}",
        lr * c
    );
    assert!(
        moved >= lr * c * (1.0 - 1e-5),
        "moved {moved}, cap {}",
        lr * c
    );
    for (d, gi) in delta.iter().zip(&g64) {
        assert!((d + lr * c / gn * gi).abs() < 1e-6, "{d} against {gi}");
    }
    // The statistics report the gradient before clipping (as clip_grad_norm_ returns it).
    let reported: f64 = s
        .layers
        .iter()
        .map(|l| l.grad_norm_last * l.grad_norm_last)
        .sum();
    assert!((reported.sqrt() - gn).abs() < 1e-5 * gn);

    // c above ‖g‖: nothing is scaled, the step is plain SGD's, bit for bit.
    for c in [2.0 * gn, gn * (1.0 + 1e-3), f64::INFINITY] {
        let cfg = NetConfig {
            clip_norm: Some(c),
            ..small(OptimizerConfig::sgd(lr))
        };
        let mut t = Trainer::new(cfg, Rc::clone(&data)).unwrap();
        assert_eq!(t.train_epoch().unwrap().clipped_steps, 0);
        let want: Vec<f32> = p0.iter().zip(&g).map(|(p, g)| p - lr as f32 * g).collect();
        assert_eq!(bits(&t.net().params()), bits(&want), "c = {c}");
    }
}

/// On a net whose gradients explode (SGD at a huge rate), clipping bounds every step, so the
/// run that diverged without it now trains: no parameter moves more than lr·c per step.
#[test]
fn clipping_bounds_every_step_of_a_run_that_diverges_without_it() {
    let data = Rc::new(Dataset::seed002(2_000, 3));
    let (lr, c) = (0.5, 1.0);
    let cfg = NetConfig {
        output_activation: linear(),
        hidden_activation: Activation::new(ActivationKind::LeakyRelu, 0.3),
        optimizer: OptimizerConfig::sgd(lr),
        ..NetConfig::default()
    };
    let mut wild = Trainer::new(
        NetConfig {
            optimizer: OptimizerConfig::sgd(1e3),
            ..cfg.clone()
        },
        Rc::clone(&data),
    )
    .unwrap();
    assert!(matches!(
        wild.train_epoch(),
        Err(TrainError::Diverged { .. })
    ));
    let mut t = Trainer::new(
        NetConfig {
            clip_norm: Some(c),
            ..cfg
        },
        data,
    )
    .unwrap();
    let mut clipped = 0;
    for _ in 0..200 {
        if t.epoch_finished() {
            clipped += t.finish_epoch().unwrap().clipped_steps;
        }
        let before: Vec<f64> = t.net().params().iter().map(|&v| v as f64).collect();
        assert_eq!(t.train_steps(1).unwrap(), 1);
        let after = t.net().params();
        let d: Vec<f64> = after
            .iter()
            .zip(&before)
            .map(|(a, b)| *a as f64 - b)
            .collect();
        assert!(norm(&d) <= lr * c * (1.0 + 1e-5), "moved {}", norm(&d));
    }
    assert!(t.epoch() >= 4);
    assert!(clipped > 0, "nothing was clipped");
}

// ---------------------------------------------------------------------------------------
// 3. AdamW's decoupled weight decay.

/// One input x = 0.1, 0.2, …, 1.0, target 2x + 1.
fn ten_points() -> Rc<Dataset> {
    let x: Vec<f32> = (1..=10).map(|k| k as f32 / 10.0).collect();
    let y: Vec<f32> = x.iter().map(|v| 2.0 * v + 1.0).collect();
    Rc::new(Dataset {
        n_features: 1,
        train_x: x.clone(),
        train_y: y.clone(),
        val_x: x,
        val_y: y,
    })
}

/// A dead unit's gradient is exactly 0, so Adam never moves it (its moments stay 0): with
/// decoupled decay its weight, bias and outgoing weight shrink by exactly (1 − lr·λ) per step,
/// the decay not going through the gradient.
#[test]
fn adamw_shrinks_a_dead_units_frozen_weights_by_one_minus_lr_lambda_per_step() {
    let (lr, wd) = (0.01, 0.5);
    let cfg = NetConfig {
        inputs: 1,
        hidden: vec![3],
        output_activation: linear(),
        optimizer: OptimizerConfig::adam(lr),
        weight_decay: wd,
        batch_size: 10,
        ..NetConfig::default()
    };
    let mut t = Trainer::new(cfg, ten_points()).unwrap();
    // Unit 0 is dead on every x in (0, 1]: z = −x − 0.5.
    t.net_mut().layers[0].w[0] = -1.0;
    t.net_mut().layers[0].b[0] = -0.5;
    let keep = (1.0 - lr * wd) as f32;
    let unit = |t: &Trainer| {
        let n = t.net();
        [n.layers[0].w[0], n.layers[0].b[0], n.layers[1].w[0]]
    };
    let mut was = unit(&t);
    for step in 0..25 {
        // One step an epoch (batch 10 of 10 samples).
        t.train_epoch().unwrap();
        let now = unit(&t);
        for (k, (a, b)) in now.iter().zip(&was).enumerate() {
            assert_eq!(a.to_bits(), (b * keep).to_bits(), "step {step}, value {k}");
        }
        was = now;
    }
    // Decayed, not revived: still dead, and 25 steps shrank it by keep^25.
    assert!(!t.evaluate().unwrap().layers[0].alive[0]);
    assert!((was[0] as f64 + (1.0 - lr * wd).powi(25)).abs() < 1e-5);
}

/// One AdamW step against the formula written out: p ← p(1 − lr·λ) − lr·√(1−β2)/(1−β1) ·
/// m/(√v + ε) with m = (1−β1)g, v = (1−β2)g²; in f64 through the optimizer, and in f32 through
/// the trainer on one sample. And SGD with decay: p ← p(1 − lr·λ) − lr·g.
#[test]
fn one_adamw_step_matches_a_hand_computation() {
    let (lr, wd, b1, b2, eps) = (0.01f64, 0.1f64, 0.9f64, 0.999f64, 1e-7f64);
    let hand = |p: f64, g: f64| {
        let (m, v) = ((1.0 - b1) * g, (1.0 - b2) * g * g);
        p * (1.0 - lr * wd) - lr * (1.0 - b2).sqrt() / (1.0 - b1) * m / (v.sqrt() + eps)
    };
    let mut n: Mlp<f64> = Mlp::new(
        &[2, 3],
        &[Activation::RELU],
        dying_relu_sim::init::Initializer::GlorotUniform,
        0.25,
        &mut rng_from_seed(3),
    );
    let p0 = n.params();
    let gw = vec![vec![0.3, -1.2, 0.0, 2.5, -0.01, 0.7]];
    let gb = vec![vec![-0.4, 0.0, 1.1]];
    let g: Vec<f64> = gw[0].iter().chain(&gb[0]).copied().collect();
    let mut opt = Optimizer::new(OptimizerConfig::adam(lr), &n);
    let mut sq = vec![vec![0.0; 3]];
    assert!(opt.step_with(&mut n, &gw, &gb, &mut sq, lr, wd));
    for (i, (p, (p0, g))) in n.params().iter().zip(p0.iter().zip(&g)).enumerate() {
        let want = hand(*p0, *g);
        assert!((p - want).abs() <= 1e-15, "param {i}: {p} vs {want}");
    }

    // Through the trainer, in f32.
    let data = one_sample();
    let cfg = NetConfig {
        weight_decay: wd,
        ..small(OptimizerConfig::adam(lr))
    };
    let mut t = Trainer::new(cfg, Rc::clone(&data)).unwrap();
    let p0 = t.net().params();
    let (_, g) = t.net().loss_and_gradient(&data.train_x, &data.train_y);
    t.train_steps(1).unwrap();
    for (i, (p, (p0, g))) in t.net().params().iter().zip(p0.iter().zip(&g)).enumerate() {
        let want = hand(*p0 as f64, *g as f64);
        assert!((*p as f64 - want).abs() <= 1e-6, "param {i}: {p} vs {want}");
    }

    // SGD with decoupled decay (Keras 3's SGD(weight_decay)).
    let mut t = Trainer::new(
        NetConfig {
            weight_decay: wd,
            ..small(OptimizerConfig::sgd(lr))
        },
        Rc::clone(&data),
    )
    .unwrap();
    let p0 = t.net().params();
    t.train_steps(1).unwrap();
    for (p, (p0, g)) in t.net().params().iter().zip(p0.iter().zip(&g)) {
        let want = *p0 as f64 * (1.0 - lr * wd) - lr * *g as f64;
        assert!((*p as f64 - want).abs() <= 1e-6);
    }
}

// ---------------------------------------------------------------------------------------
// 4. Centring and standardising seed 002's inputs.

#[test]
fn input_statistics_and_gamma_on_a_hand_example() {
    // Two inputs over three rows: (1, 0), (2, 0), (3, 3).
    let s = InputStats::of(&[1.0, 0.0, 2.0, 0.0, 3.0, 3.0], 2);
    assert_eq!(s.mean, vec![2.0, 1.0]);
    let sd = [(2.0f64 / 3.0).sqrt(), 2.0f64.sqrt()];
    assert!((s.std[0] - sd[0]).abs() < 1e-15 && (s.std[1] - sd[1]).abs() < 1e-15);
    let gamma = 5.0f64.sqrt() / (2.0 / 3.0 + 2.0f64).sqrt();
    assert!((s.gamma() - gamma).abs() < 1e-15);
}

#[test]
fn seed002s_inputs_have_gamma_root_three_and_centring_makes_it_zero() {
    let d = Dataset::seed002(100_000, 2);
    let raw = d.train_input_stats();
    for k in 0..4 {
        assert!((raw.mean[k] + 0.5).abs() < 0.005, "{raw:?}");
        assert!((raw.std[k] - 1.0 / 12f64.sqrt()).abs() < 0.002, "{raw:?}");
    }
    let g = d.input_gamma();
    assert!((g - 3f64.sqrt()).abs() < 0.02, "γ = {g}");
    // Each input alone has the same γ.
    for k in 0..4 {
        assert!((raw.mean[k].abs() / raw.std[k] - 3f64.sqrt()).abs() < 0.03);
    }

    let c = d.centred();
    assert_eq!(c, d.scaled(InputScaling::Centre));
    assert!(c.input_gamma() < 1e-6, "centred γ = {}", c.input_gamma());
    // Centring shifts, never scales; the targets are untouched.
    let cs = c.train_input_stats();
    for k in 0..4 {
        assert!((cs.std[k] - raw.std[k]).abs() < 1e-6);
    }
    assert_eq!((&c.train_y, &c.val_y), (&d.train_y, &d.val_y));

    let s = d.standardised();
    let ss = s.train_input_stats();
    assert!(s.input_gamma() < 1e-6);
    for k in 0..4 {
        assert!(
            ss.mean[k].abs() < 1e-6 && (ss.std[k] - 1.0).abs() < 1e-6,
            "{ss:?}"
        );
    }
    // Validation rows use the training statistics (not their own).
    for (i, (&v, &raw_v)) in s.val_x.iter().zip(&d.val_x).enumerate().take(40) {
        let k = i % 4;
        let want = ((raw_v as f64 - raw.mean[k]) * (1.0 / raw.std[k])) as f32;
        assert_eq!(v, want, "validation value {i}");
    }
    assert_eq!(d.scaled(InputScaling::Raw), d);
}

/// A constant input is only centred when standardised (no division by 0).
#[test]
fn standardising_a_constant_input_only_centres_it() {
    let d = Dataset {
        n_features: 2,
        train_x: vec![5.0, 1.0, 5.0, 3.0],
        train_y: vec![0.0, 1.0],
        val_x: vec![5.0, 2.0],
        val_y: vec![0.5],
    };
    let s = d.standardised();
    assert_eq!(s.train_x, vec![0.0, -1.0, 0.0, 1.0]);
    assert_eq!(s.val_x, vec![0.0, 0.0]);
}

// ---------------------------------------------------------------------------------------
// Off by default, validated when on.

#[test]
fn remedies_are_off_by_default_and_neutral_settings_change_no_bit() {
    let d = NetConfig::default();
    assert_eq!(
        (
            d.warmup_steps,
            d.clip_norm,
            d.weight_decay,
            d.redo,
            d.batch_norm
        ),
        (0, None, 0.0, None, None)
    );
    let data = Rc::new(Dataset::seed002(3_000, 9));
    let run = |cfg: NetConfig| {
        let mut t = Trainer::new(cfg, Rc::clone(&data)).unwrap();
        let s = t.train_epoch().unwrap();
        (s.val_loss.to_bits(), bits(&t.net().params()))
    };
    let base = run(NetConfig::default());
    for cfg in [
        NetConfig {
            warmup_steps: 1,
            ..NetConfig::default()
        },
        NetConfig {
            clip_norm: Some(f64::INFINITY),
            ..NetConfig::default()
        },
        NetConfig {
            clip_norm: Some(1e30),
            ..NetConfig::default()
        },
        NetConfig {
            weight_decay: 0.0,
            ..NetConfig::default()
        },
    ] {
        assert_eq!(run(cfg.clone()), base, "{cfg:?}");
    }
}

#[test]
fn invalid_remedies_are_errors() {
    let data = Rc::new(Dataset::seed002(100, 3));
    let redo = |every, tau| {
        Some(Redo {
            every,
            tau,
            reset_moments: false,
            restart_step_counts: false,
        })
    };
    let bad = [
        NetConfig {
            clip_norm: Some(0.0),
            ..NetConfig::default()
        },
        NetConfig {
            clip_norm: Some(f64::NAN),
            ..NetConfig::default()
        },
        NetConfig {
            clip_norm: Some(-1.0),
            ..NetConfig::default()
        },
        NetConfig {
            weight_decay: -0.1,
            ..NetConfig::default()
        },
        NetConfig {
            weight_decay: f64::INFINITY,
            ..NetConfig::default()
        },
        NetConfig {
            redo: redo(0, 0.1),
            ..NetConfig::default()
        },
        NetConfig {
            batch_norm: Some(BatchNorm {
                momentum: 1.5,
                epsilon: 1e-3,
            }),
            ..NetConfig::default()
        },
        NetConfig {
            batch_norm: Some(BatchNorm {
                momentum: 0.99,
                epsilon: 0.0,
            }),
            ..NetConfig::default()
        },
        NetConfig {
            redo: redo(10, -0.1),
            ..NetConfig::default()
        },
        NetConfig {
            redo: redo(10, f64::NAN),
            ..NetConfig::default()
        },
    ];
    for cfg in bad {
        assert!(
            matches!(
                Trainer::new(cfg.clone(), data.clone()),
                Err(TrainError::InvalidConfig(_))
            ),
            "{cfg:?}"
        );
    }
}

fn remedies_strategy() -> impl Strategy<Value = (usize, Option<f64>, f64, Option<Redo>)> {
    (
        prop_oneof![Just(0usize), 1usize..40],
        prop_oneof![Just(None), (1e-3f64..10.0).prop_map(Some)],
        prop_oneof![Just(0.0f64), 0.0f64..0.5],
        prop_oneof![
            Just(None),
            (1usize..20, 0.0f64..1.0, any::<bool>(), any::<bool>()).prop_map(
                |(every, tau, reset_moments, restart_step_counts)| Some(Redo {
                    every,
                    tau,
                    reset_moments,
                    restart_step_counts,
                })
            ),
        ],
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Any mix of the remedies, on any small net: training runs or reports a divergence, never
    /// panics; ReDo's records name hidden units at its checks.
    #[test]
    fn random_remedies_train_or_diverge(
        hidden in proptest::collection::vec(1usize..=12, 0..=3),
        kind in 0..ActivationKind::ALL.len(),
        adam in any::<bool>(),
        log_lr in -4.0f64..0.0,
        batch_size in 1usize..=40,
        n in 2usize..80,
        seed in any::<u64>(),
        (warmup_steps, clip_norm, weight_decay, redo) in remedies_strategy(),
        batch_norm in any::<bool>(),
    ) {
        let act = Activation::new(ActivationKind::ALL[kind], 0.1);
        let lr = 10f64.powf(log_lr);
        let cfg = NetConfig {
            hidden: hidden.clone(),
            hidden_activation: act,
            optimizer: if adam { OptimizerConfig::adam(lr) } else { OptimizerConfig::sgd(lr) },
            batch_size,
            seed,
            warmup_steps,
            clip_norm,
            weight_decay,
            redo,
            batch_norm: batch_norm.then(BatchNorm::default),
            ..NetConfig::default()
        };
        let mut t = Trainer::new(cfg, Rc::new(Dataset::seed002(n, seed))).unwrap();
        for _ in 0..3 {
            match t.train_epoch() {
                Ok(s) => {
                    prop_assert!(s.val_loss.is_finite());
                    for r in &s.recycled {
                        let every = redo.unwrap().every as u64;
                        prop_assert!(r.layer < hidden.len());
                        prop_assert!(r.unit < hidden[r.layer]);
                        prop_assert_eq!((r.step + 1) % every, 0);
                    }
                    prop_assert!(clip_norm.is_some() || s.clipped_steps == 0);
                }
                Err(TrainError::Diverged { .. }) => return Ok(()),
                Err(e) => panic!("{e}"),
            }
        }
    }
}
