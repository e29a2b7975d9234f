#![cfg(not(target_arch = "wasm32"))]
//! Gradient checks against central finite differences, in f64.

use dying_relu_sim::activation::{Activation, ActivationKind};
use dying_relu_sim::init::{uniform, Initializer};
use dying_relu_sim::mlp::Mlp;
use dying_relu_sim::rng::rng_from_seed;

fn rel_err(a: f64, b: f64, floor: f64) -> f64 {
    (a - b).abs() / a.abs().max(b.abs()).max(floor)
}

fn all_activations() -> Vec<Activation> {
    ActivationKind::ALL
        .iter()
        .map(|&k| {
            let alpha = match k {
                ActivationKind::LeakyRelu => 0.1,
                ActivationKind::Elu => 1.0,
                _ => 0.0,
            };
            Activation::new(k, alpha)
        })
        .collect()
}

#[test]
fn every_activation_derivative_matches_finite_differences() {
    let h = 1e-6;
    for act in all_activations() {
        // Away from the kink at 0 of the piecewise functions.
        for &x in &[-4.0, -1.3, -0.4, -0.05, 0.05, 0.3, 1.1, 2.7, 6.0] {
            let num = (act.value(x + h) - act.value(x - h)) / (2.0 * h);
            let ana = act.derivative(x);
            let e = rel_err(ana, num, 1e-3);
            assert!(
                e <= 1e-6,
                "{act:?} at {x}: analytic {ana}, numeric {num}, rel {e:e}"
            );
        }
    }
}

/// A 3-hidden-layer net, every parameter, for every hidden activation (and a few output ones).
#[test]
fn three_hidden_layer_net_gradient_matches_finite_differences() {
    let mut rng = rng_from_seed(11);
    let n = 7;
    let widths = [3usize, 5, 4, 3, 2];
    let x: Vec<f64> = (0..n * widths[0])
        .map(|_| uniform(&mut rng, -1.5, 1.5))
        .collect();
    let y: Vec<f64> = (0..n * 2).map(|_| uniform(&mut rng, -1.0, 1.0)).collect();
    let outputs = [
        Activation::new(ActivationKind::Linear, 0.0),
        Activation::RELU,
    ];
    for hidden in all_activations() {
        for &out in &outputs {
            let acts = [hidden, hidden, hidden, out];
            let mut net: Mlp<f64> = Mlp::new(
                &widths,
                &acts,
                Initializer::HeUniform,
                0.1,
                &mut rng_from_seed(5),
            );
            // Positive output biases keep a ReLU output alive, so its gradients are non-trivial.
            for b in &mut net.layers[3].b {
                *b = 0.5;
            }
            let (_, grad) = net.loss_and_gradient(&x, &y);
            let p0 = net.params();
            assert_eq!(grad.len(), p0.len());
            let h = 1e-6;
            let mut nonzero = 0;
            for k in 0..p0.len() {
                let mut p = p0.clone();
                p[k] = p0[k] + h;
                net.set_params(&p);
                let lp = net.loss(&x, &y);
                p[k] = p0[k] - h;
                net.set_params(&p);
                let lm = net.loss(&x, &y);
                let num = (lp - lm) / (2.0 * h);
                let e = rel_err(grad[k], num, 1e-4);
                assert!(
                    e <= 1e-6,
                    "hidden {hidden:?}, output {out:?}, param {k}: analytic {}, numeric {num}, rel {e:e}",
                    grad[k]
                );
                nonzero += (grad[k] != 0.0) as usize;
            }
            net.set_params(&p0);
            assert!(
                nonzero > p0.len() / 3,
                "{hidden:?}: too few non-zero gradients"
            );
        }
    }
}

/// f32 and f64 runs of the same net agree to f32 precision (the training path is the checked one).
#[test]
fn f32_gradient_agrees_with_f64() {
    let mut rng = rng_from_seed(3);
    let x: Vec<f64> = (0..40 * 4).map(|_| uniform(&mut rng, -1.0, 0.0)).collect();
    let y: Vec<f64> = (0..40).map(|_| uniform(&mut rng, -4.0, 0.0)).collect();
    let xf: Vec<f32> = x.iter().map(|&v| v as f32).collect();
    let yf: Vec<f32> = y.iter().map(|&v| v as f32).collect();
    let acts = [Activation::new(ActivationKind::Selu, 0.0); 3];
    let w = [4usize, 8, 8, 1];
    let n64: Mlp<f64> = Mlp::new(
        &w,
        &acts,
        Initializer::LecunNormal,
        0.0,
        &mut rng_from_seed(1),
    );
    let n32: Mlp<f32> = Mlp::new(
        &w,
        &acts,
        Initializer::LecunNormal,
        0.0,
        &mut rng_from_seed(1),
    );
    let (l64, g64) = n64.loss_and_gradient(&x, &y);
    let (l32, g32) = n32.loss_and_gradient(&xf, &yf);
    assert!(rel_err(l64, l32 as f64, 1e-6) < 1e-4);
    for (a, b) in g64.iter().zip(&g32) {
        assert!((a - *b as f64).abs() < 1e-4 * (1.0 + a.abs()), "{a} vs {b}");
    }
}

/// ELU's and SELU's backward pass takes f'(z) from the output (f(z) + λα for z ≤ 0) rather
/// than from e^z: it must equal λα·e^z, in f64 to rounding and in f32 to within a few f32
/// ulps of λα (the cancellation for very negative z costs relative accuracy where the
/// derivative is itself below 1e-6, never absolute accuracy).
#[test]
fn elu_and_selu_derivatives_from_the_output_equal_the_exponential_form() {
    use dying_relu_sim::activation::{SELU_ALPHA, SELU_LAMBDA};
    use dying_relu_sim::mlp::{activate, mul_derivative};
    let zs: Vec<f64> = (0..=700).map(|i| -30.0 + i as f64 * 0.05).collect();
    for (act, l, la) in [
        (Activation::new(ActivationKind::Elu, 0.7), 1.0, 0.7),
        (
            Activation::new(ActivationKind::Selu, 0.0),
            SELU_LAMBDA,
            SELU_LAMBDA * SELU_ALPHA,
        ),
    ] {
        let want = |z: f64| if z > 0.0 { l } else { la * z.exp() };
        let mut a = vec![0.0f64; zs.len()];
        activate(act, &zs, &mut a);
        let mut d = vec![1.0f64; zs.len()];
        mul_derivative(act, &zs, &a, &mut d);
        for (&z, &g) in zs.iter().zip(&d) {
            assert!(
                (g - want(z)).abs() <= 1e-15 * la + 1e-14 * want(z),
                "{act:?} f64 at z = {z}: {g} vs {}",
                want(z)
            );
        }
        let z32: Vec<f32> = zs.iter().map(|&z| z as f32).collect();
        let mut a32 = vec![0.0f32; zs.len()];
        activate(act, &z32, &mut a32);
        let mut d32 = vec![1.0f32; zs.len()];
        mul_derivative(act, &z32, &a32, &mut d32);
        for (&z, &g) in z32.iter().zip(&d32) {
            let w = want(z as f64);
            assert!(
                (g as f64 - w).abs() <= 4.0 * f32::EPSILON as f64 * la.max(w),
                "{act:?} f32 at z = {z}: {g} vs {w}"
            );
        }
    }
}

/// The statistics skip the exact zero-gradient test for |z| < 8 when
/// `gradient_alive_within(8)` says f' cannot be 0 there: every f32 step of that interval
/// (one in 97 of them, 16 million values per activation, and the kinks) must bear it out, for
/// every kind, with small, usual and tiny α.
#[test]
fn gradient_alive_within_never_hides_a_zero_gradient() {
    let mut kinds_alive = 0;
    for kind in ActivationKind::ALL {
        for alpha in [0.0, 1e-3, 0.1, 1.0, 1e-44] {
            let act = Activation::new(kind, alpha);
            if !act.gradient_alive_within(8.0) {
                continue;
            }
            kinds_alive += 1;
            let mut bits = (-8.0f32).to_bits();
            let check = |z: f32| {
                assert!(
                    act.derivative(z as f64) as f32 != 0.0,
                    "{act:?}: f'({z}) is 0 inside ±8"
                );
            };
            // Negative floats: bits count down towards -0.0; then the positives up to 8.
            while bits > 0x8000_0000 {
                check(f32::from_bits(bits));
                bits = bits.saturating_sub(97).max(0x8000_0000);
            }
            let mut z = 0.0f32;
            while z < 8.0 {
                check(z);
                z = f32::from_bits(z.to_bits() + 97);
            }
            for z in [0.0, -0.0, 7.999_999, -7.999_999, f32::MIN_POSITIVE] {
                check(z);
            }
        }
    }
    // ELU, SELU, tanh, sigmoid, linear and leaky ReLU with α > 0 are covered at least.
    assert!(kinds_alive >= 10, "only {kinds_alive} activations checked");
    // The non-monotone ones are never skipped: their f' is 0 at their minimum.
    for kind in [ActivationKind::Gelu, ActivationKind::Swish] {
        assert!(!Activation::new(kind, 0.0).gradient_alive_within(8.0));
    }
    // ELU with a tiny α has f'(-8) = 0 in f32: not skipped.
    assert!(!Activation::new(ActivationKind::Elu, 1e-44).gradient_alive_within(8.0));
}

/// Central finite differences of `loss` at every parameter against `grad`; returns how many
/// gradients are non-zero. The step is 1e-5 rather than the 1e-6 above: a cross-entropy near
/// ln 2 ≈ 0.7 is larger than these nets' squared errors, and its rounding (≈ 1e-16 · 0.7 per
/// evaluation, over 2h) reached 2e-10 at h = 1e-6, against a 1e-10 budget for the smallest
/// gradients; at 1e-5 the truncation error h²·ℓ‴/6 is still below 1e-10.
fn check_against_differences(
    net: &mut Mlp<f64>,
    grad: &[f64],
    what: &str,
    loss: impl Fn(&Mlp<f64>) -> f64,
) -> usize {
    let p0 = net.params();
    assert_eq!(grad.len(), p0.len());
    let h = 1e-5;
    let mut nonzero = 0;
    for k in 0..p0.len() {
        let mut p = p0.clone();
        p[k] = p0[k] + h;
        net.set_params(&p);
        let lp = loss(net);
        p[k] = p0[k] - h;
        net.set_params(&p);
        let lm = loss(net);
        let num = (lp - lm) / (2.0 * h);
        let e = rel_err(grad[k], num, 1e-4);
        assert!(
            e <= 1e-6,
            "{what}, param {k}: analytic {}, numeric {num}, rel {e:e}",
            grad[k]
        );
        nonzero += (grad[k] != 0.0) as usize;
    }
    net.set_params(&p0);
    nonzero
}

/// Binary cross-entropy of a sigmoid output, taken from its logit: the backward pass starts
/// from δ = (σ(z) − y)/n at the output's pre-activation. Every parameter of a 3-hidden-layer
/// net with two sigmoid outputs and 0/1 targets, for every hidden activation.
#[test]
fn binary_cross_entropy_gradient_matches_finite_differences() {
    use dying_relu_sim::loss::Loss;
    let bce = Loss::BinaryCrossEntropy;
    let mut rng = rng_from_seed(12);
    let n = 9;
    let widths = [3usize, 5, 4, 3, 2];
    let x: Vec<f64> = (0..n * widths[0])
        .map(|_| uniform(&mut rng, -1.5, 1.5))
        .collect();
    let y: Vec<f64> = (0..n * 2)
        .map(|_| (uniform(&mut rng, 0.0, 1.0) < 0.5) as u8 as f64)
        .collect();
    assert!(y.contains(&0.0) && y.contains(&1.0));
    let sigmoid = Activation::new(ActivationKind::Sigmoid, 0.0);
    for hidden in all_activations() {
        let acts = [hidden, hidden, hidden, sigmoid];
        let mut net: Mlp<f64> = Mlp::new(
            &widths,
            &acts,
            Initializer::HeUniform,
            0.1,
            &mut rng_from_seed(5),
        );
        let (l, grad) = net.loss_and_gradient_with(bce, &x, &y);
        // The loss the gradient belongs to is the forward-only one, and the naive formula.
        assert!((l - net.loss_with(bce, &x, &y)).abs() < 1e-14);
        let p = net.predict(&x);
        let naive = p
            .iter()
            .zip(&y)
            .map(|(p, y)| -(y * p.ln() + (1.0 - y) * (1.0 - p).ln()))
            .sum::<f64>()
            / p.len() as f64;
        assert!((l - naive).abs() < 1e-12, "{hidden:?}: {l} vs {naive}");
        let what = format!("BCE, hidden {hidden:?}");
        let nonzero =
            check_against_differences(&mut net, &grad, &what, |m| m.loss_with(bce, &x, &y));
        assert!(
            nonzero > grad.len() / 3,
            "{what}: too few non-zero gradients"
        );
    }
}

/// The same with batch normalization on the hidden layers (training mode: the loss of the
/// batch's own statistics).
#[test]
fn binary_cross_entropy_gradient_with_batch_norm_matches_finite_differences() {
    use dying_relu_sim::loss::Loss;
    use dying_relu_sim::norm::BatchNorm;
    let bce = Loss::BinaryCrossEntropy;
    let mut rng = rng_from_seed(13);
    let n = 8;
    let x: Vec<f64> = (0..n * 2).map(|_| uniform(&mut rng, -5.0, 5.0)).collect();
    let y: Vec<f64> = (0..n).map(|k| (k % 3 == 0) as u8 as f64).collect();
    let sigmoid = Activation::new(ActivationKind::Sigmoid, 0.0);
    for hidden in [Activation::RELU, Activation::new(ActivationKind::Tanh, 0.0)] {
        let mut net: Mlp<f64> = Mlp::new(
            &[2, 6, 5, 1],
            &[hidden, hidden, sigmoid],
            Initializer::GlorotUniform,
            0.0,
            &mut rng_from_seed(4),
        )
        .with_batch_norm(BatchNorm::default());
        let (l, grad) = net.loss_and_gradient_with(bce, &x, &y);
        assert!((l - net.batch_loss_with(bce, &x, &y)).abs() < 1e-14);
        let what = format!("BCE with batch norm, hidden {hidden:?}");
        let nonzero =
            check_against_differences(&mut net, &grad, &what, |m| m.batch_loss_with(bce, &x, &y));
        assert!(
            nonzero > grad.len() / 3,
            "{what}: too few non-zero gradients"
        );
    }
}

/// The f32 training path of binary cross-entropy agrees with the f64 one to f32 precision.
#[test]
fn f32_binary_cross_entropy_gradient_agrees_with_f64() {
    use dying_relu_sim::loss::Loss;
    let bce = Loss::BinaryCrossEntropy;
    let mut rng = rng_from_seed(4);
    let x: Vec<f64> = (0..40 * 2).map(|_| uniform(&mut rng, -5.0, 5.0)).collect();
    let y: Vec<f64> = x
        .chunks_exact(2)
        .map(|p| ((p[0] * p[0] + p[1] * p[1]).sqrt() < 2.5) as u8 as f64)
        .collect();
    let xf: Vec<f32> = x.iter().map(|&v| v as f32).collect();
    let yf: Vec<f32> = y.iter().map(|&v| v as f32).collect();
    let acts = [
        Activation::RELU,
        Activation::RELU,
        Activation::new(ActivationKind::Sigmoid, 0.0),
    ];
    let w = [2usize, 8, 8, 1];
    let init = Initializer::GlorotUniform;
    let n64: Mlp<f64> = Mlp::new(&w, &acts, init, 0.0, &mut rng_from_seed(1));
    let n32: Mlp<f32> = Mlp::new(&w, &acts, init, 0.0, &mut rng_from_seed(1));
    let (l64, g64) = n64.loss_and_gradient_with(bce, &x, &y);
    let (l32, g32) = n32.loss_and_gradient_with(bce, &xf, &yf);
    assert!(rel_err(l64, l32 as f64, 1e-6) < 1e-5, "{l64} vs {l32}");
    assert!(rel_err(l64, n32.loss_with(bce, &xf, &yf) as f64, 1e-6) < 1e-5);
    let mut nonzero = 0;
    for (a, b) in g64.iter().zip(&g32) {
        assert!((a - *b as f64).abs() < 1e-4 * (1.0 + a.abs()), "{a} vs {b}");
        nonzero += (*b != 0.0) as usize;
    }
    assert!(nonzero > g32.len() / 2);
}
