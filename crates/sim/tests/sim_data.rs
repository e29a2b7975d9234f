#![cfg(not(target_arch = "wasm32"))]
//! Seed 002's data set is what the article describes, and the "dead line" is what an output
//! stuck at 0 scores on it.

use dying_relu_sim::data::{Dataset, SEED002_DEAD_LOSS};

#[test]
fn two_hundred_thousand_rows_of_four_inputs_in_minus_one_zero_split_70_30() {
    let d = Dataset::seed002(200_000, 2);
    assert_eq!(d.n_features, 4);
    assert_eq!((d.n_train(), d.n_val()), (140_000, 60_000));
    assert_eq!(d.train_x.len(), 140_000 * 4);
    for (&x, k) in d.train_x.iter().chain(&d.val_x).zip(0..) {
        assert!(x > -1.0 && x <= 0.0, "input {k} = {x} outside (-1, 0)");
    }
    // Uniform on (-1, 0): mean -1/2, variance 1/12, for every one of the four inputs.
    for f in 0..4 {
        let col: Vec<f64> = d
            .train_x
            .iter()
            .skip(f)
            .step_by(4)
            .map(|&v| v as f64)
            .collect();
        let mean = col.iter().sum::<f64>() / col.len() as f64;
        let var = col.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / col.len() as f64;
        assert!((mean + 0.5).abs() < 0.005, "input {f}: mean {mean}");
        assert!(
            (var - 1.0 / 12.0).abs() < 0.002,
            "input {f}: variance {var}"
        );
    }
}

#[test]
fn the_target_is_the_sum_of_the_inputs() {
    let d = Dataset::seed002(1_000, 7);
    for (row, &y) in d.train_x.chunks_exact(4).zip(&d.train_y) {
        let sum: f32 = row.iter().sum();
        assert!((sum - y).abs() < 1e-5, "{row:?} -> {y}");
        assert!(y <= 0.0, "every target is negative (or 0)");
    }
}

#[test]
fn an_output_stuck_at_zero_scores_the_dead_line() {
    // E[y²] = Var(y) + E[y]² = 4/12 + (-2)² = 13/3 for y the sum of four U(-1, 0).
    assert!((SEED002_DEAD_LOSS - (4.0 / 12.0 + 4.0)).abs() < 1e-15);
    let d = Dataset::seed002(200_000, 3);
    let mse_of_zero = d
        .val_y
        .iter()
        .map(|&y| (y as f64) * (y as f64))
        .sum::<f64>()
        / d.val_y.len() as f64;
    assert!(
        (mse_of_zero - SEED002_DEAD_LOSS).abs() < 0.03,
        "{mse_of_zero}"
    );
}

#[test]
fn the_same_seed_gives_the_same_data_and_another_seed_does_not() {
    let a = Dataset::seed002(500, 11);
    let b = Dataset::seed002(500, 11);
    let c = Dataset::seed002(500, 12);
    assert_eq!(a.train_x, b.train_x);
    assert_ne!(a.train_x, c.train_x);
}

#[test]
fn seed002_made_in_pieces_is_bit_identical_to_made_at_once() {
    use dying_relu_sim::data::Seed002Builder;
    for (n, piece) in [(10_000, 997), (1_001, 1_001), (3, 1)] {
        let mut b = Seed002Builder::new(n, 7);
        let mut calls = 0;
        while !b.make(piece) {
            calls += 1;
        }
        assert!(calls >= n / piece - 1);
        assert_eq!(b.done(), n);
        assert_eq!(b.finish(), Dataset::seed002(n, 7));
    }
}
