#![cfg(not(target_arch = "wasm32"))]
//! Initializer statistics: Keras' variance scaling, bounds, truncation.

use dying_relu_sim::init::{Initializer, TRUNCATED_NORMAL_STDDEV};
use dying_relu_sim::rng::rng_from_seed;

fn draws(init: Initializer, fan_in: usize, fan_out: usize, n: usize) -> Vec<f64> {
    let mut rng = rng_from_seed(42);
    (0..n)
        .map(|_| init.sample(&mut rng, fan_in, fan_out))
        .collect()
}

fn mean_var(v: &[f64]) -> (f64, f64) {
    let n = v.len() as f64;
    let m = v.iter().sum::<f64>() / n;
    (
        m,
        v.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (n - 1.0),
    )
}

#[test]
fn variance_scaling_kinds_have_variance_s_over_n() {
    let (fi, fo) = (8, 4);
    let cases = [
        (Initializer::HeNormal, 2.0 / 8.0),
        (Initializer::HeUniform, 2.0 / 8.0),
        (Initializer::LecunNormal, 1.0 / 8.0),
        (Initializer::LecunUniform, 1.0 / 8.0),
        (Initializer::GlorotNormal, 1.0 / 6.0),
        (Initializer::GlorotUniform, 1.0 / 6.0),
    ];
    for (init, var) in cases {
        assert!((init.target_variance(fi, fo).unwrap() - var).abs() < 1e-15);
        let v = draws(init, fi, fo, 200_000);
        let (m, s2) = mean_var(&v);
        assert!(m.abs() < 0.01 * var.sqrt() * 5.0, "{init:?}: mean {m}");
        assert!(
            (s2 / var - 1.0).abs() < 0.02,
            "{init:?}: variance {s2}, want {var}"
        );
        let spread = init.spread(fi, fo).unwrap();
        let max = v.iter().fold(0.0f64, |a, &x| a.max(x.abs()));
        match init {
            Initializer::HeUniform | Initializer::LecunUniform | Initializer::GlorotUniform => {
                assert!((spread - (3.0 * var).sqrt()).abs() < 1e-12);
                assert!(max <= spread, "{init:?}: {max} beyond ±{spread}");
                assert!(max > 0.99 * spread);
            }
            _ => {
                // σ of the untruncated normal; truncated at 2σ.
                assert!((spread - var.sqrt() / TRUNCATED_NORMAL_STDDEV).abs() < 1e-12);
                assert!(
                    max < 2.0 * spread,
                    "{init:?}: {max} beyond 2σ = {}",
                    2.0 * spread
                );
                assert!(max > 1.95 * spread);
            }
        }
    }
}

#[test]
fn random_uniform_and_constant() {
    let v = draws(Initializer::UNIFORM_NEG1_0, 4, 1, 100_000);
    assert!(v.iter().all(|&x| (-1.0..0.0).contains(&x)));
    let (m, s2) = mean_var(&v);
    assert!((m + 0.5).abs() < 0.01 && (s2 - 1.0 / 12.0).abs() < 0.002);
    let v = draws(Initializer::RANDOM_UNIFORM, 4, 1, 10_000);
    assert!(v.iter().all(|&x| (-0.05..0.05).contains(&x)));
    assert!(draws(Initializer::Constant(0.3), 4, 1, 10)
        .iter()
        .all(|&x| x == 0.3));
}

#[test]
fn ids_round_trip() {
    for init in Initializer::ALL {
        assert_eq!(
            Initializer::from_id(&init.id()),
            Some(init),
            "{}",
            init.id()
        );
        assert!(!init.label().is_empty());
    }
    assert_eq!(
        Initializer::from_id("uniform_neg1_0"),
        Some(Initializer::UNIFORM_NEG1_0)
    );
    assert_eq!(
        Initializer::from_id("uniform_-2_0.5"),
        Some(Initializer::RandomUniform { lo: -2.0, hi: 0.5 })
    );
    assert_eq!(Initializer::from_id("nonsense"), None);
    assert_eq!(Initializer::from_id("constant_NaN"), None);
}
