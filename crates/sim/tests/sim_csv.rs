#![cfg(not(target_arch = "wasm32"))]
//! The CSV reader of "Use your own data": every bad input gets its own message, naming the row
//! and column where there is one; a good file becomes a data set whose dead line is E[y²].
//!
//! Training on a file, with the panel's presets and settings, is tested beside the page's
//! crate (`tests/sim_csv.rs` at the workspace's root).

use dying_relu_sim::csv::{
    check_size, parse, parse_bytes, CsvError, MAX_BYTES, MAX_COLUMNS, MAX_ROWS,
};

fn refused(text: &str) -> (CsvError, String) {
    let e = parse(text).expect_err(text);
    let m = e.to_string();
    (e, m)
}

/// `rows` lines of `cols` small numbers, after an optional header.
fn grid(rows: usize, cols: usize, header: bool) -> String {
    let mut t = String::new();
    if header {
        let h: Vec<String> = (0..cols).map(|j| format!("c{j}")).collect();
        t.push_str(&h.join(","));
        t.push('\n');
    }
    for r in 0..rows {
        let row: Vec<String> = (0..cols).map(|j| format!("{}", r * cols + j)).collect();
        t.push_str(&row.join(","));
        t.push('\n');
    }
    t
}

#[test]
fn empty_input_is_refused() {
    for text in ["", "\n\n  \n"] {
        let (e, m) = refused(text);
        assert_eq!(e, CsvError::Empty);
        assert!(m.contains("empty"), "{m}");
    }
    assert_eq!(check_size(0), Err(CsvError::Empty));
    // A header and nothing else: no data rows either.
    assert_eq!(refused("a,b,c\n").0, CsvError::Empty);
}

#[test]
fn text_that_is_not_csv_is_refused() {
    let (e, m) = refused("Dear learner,\nthis is a letter\nnot a table\n");
    // The first line has a comma, so it reads as two columns; the second line then is ragged.
    assert!(matches!(e, CsvError::Ragged { line: 2, .. }), "{e:?}");
    assert!(m.contains("Row 2"), "{m}");
    let (e, m) = refused("Once upon a time\nthere was a network\nwhose units died\n");
    assert_eq!(e, CsvError::NotCsv);
    assert!(m.contains("does not look like CSV"), "{m}");
}

#[test]
fn ragged_rows_name_the_row() {
    let mut text = grid(12, 3, true);
    text.push_str("1,2\n");
    let (e, m) = refused(&text);
    assert_eq!(
        e,
        CsvError::Ragged {
            line: 14,
            expected: 3,
            found: 2
        }
    );
    assert!(
        m.contains("Row 14 has 2 values") && m.contains("first row has 3"),
        "{m}"
    );
}

#[test]
fn non_numeric_cells_name_row_and_column() {
    let text = "x1,x2,y\n1,2,3\n4,five,6\n";
    let (e, m) = refused(text);
    assert_eq!(
        e,
        CsvError::NotNumeric {
            line: 3,
            column: 2,
            name: "x2".into(),
            text: "five".into()
        }
    );
    assert!(
        m.contains("Row 3, column 2 (x2)") && m.contains("“five”"),
        "{m}"
    );
    // Without a header, the column's name is its number.
    let (_, m) = refused("1,2,3\n4,5,\n");
    assert!(m.contains("Row 2, column 3 (column 3) is empty"), "{m}");
}

#[test]
fn nan_and_infinite_values_are_refused() {
    for (cell, col) in [("NaN", 1), ("inf", 2), ("-Infinity", 3), ("1e999", 1)] {
        let mut cells: [String; 3] = ["1".into(), "2".into(), "3".into()];
        cells[col - 1] = cell.into();
        let text = format!("a,b,c\n1,2,3\n{}\n", cells.join(","));
        let (e, m) = refused(&text);
        assert!(
            matches!(&e, CsvError::NotFinite { line: 3, column, .. } if *column == col),
            "{cell}: {e:?}"
        );
        assert!(m.contains("NaN or infinite") && m.contains("Row 3"), "{m}");
    }
}

/// Values whose square overflows the network's 32-bit floats are refused with the reason, not
/// trained on until the first step blows up and blames the learning rate.
#[test]
fn values_beyond_the_networks_floats_are_refused() {
    for (cell, col) in [("1e19", 1), ("-2.5e25", 3), ("1e200", 2)] {
        let mut cells: [String; 3] = ["1".into(), "2".into(), "3".into()];
        cells[col - 1] = cell.into();
        let text = format!("a,b,c\n1,2,3\n{}\n", cells.join(","));
        let (e, m) = refused(&text);
        assert!(
            matches!(&e, CsvError::OutOfScale { line: 3, column, .. } if *column == col),
            "{cell}: {e:?}"
        );
        assert!(
            m.contains("beyond ±1e18") && m.contains("Row 3") && m.contains(cell),
            "{m}"
        );
    }
    // The limit itself, and prices or distances well below it, are read.
    let text: String = std::iter::once("a,y\n".to_string())
        .chain((0..12).map(|i| format!("{},{}\n", 1e18, -1e18 + i as f64)))
        .collect();
    assert!(parse(&text).is_ok());
}

#[test]
fn a_single_column_is_refused() {
    let text: String = (0..20).map(|i| format!("{i}\n")).collect();
    let (e, m) = refused(&text);
    assert_eq!(e, CsvError::SingleColumn);
    assert!(m.contains("Only one column"), "{m}");
    let (e, _) = refused(&format!("y\n{text}"));
    assert_eq!(e, CsvError::SingleColumn);
}

#[test]
fn limits_are_stated_and_enforced_before_reading_everything() {
    // Too many columns: refused on the first line.
    let (e, m) = refused(&grid(12, MAX_COLUMNS + 1, false));
    assert_eq!(e, CsvError::TooManyColumns { found: 65 });
    assert!(m.contains("limit is 64 columns"), "{m}");
    assert!(parse(&grid(12, MAX_COLUMNS, true)).is_ok());
    // Too many rows: refused at the first row past the limit; what follows is never read (a
    // broken line after it would otherwise be the error).
    let mut text = grid(MAX_ROWS + 1, 2, true);
    text.push_str("not,a,row\n");
    let (e, m) = refused(&text);
    assert_eq!(e, CsvError::TooManyRows);
    assert!(m.contains("200000 rows") && m.contains("64 columns"), "{m}");
    let t = parse(&grid(MAX_ROWS, 2, false)).unwrap();
    assert_eq!(t.rows(), MAX_ROWS);
    // Too many bytes: refused by the size alone.
    assert_eq!(
        check_size(MAX_BYTES + 1),
        Err(CsvError::TooLarge {
            bytes: MAX_BYTES + 1
        })
    );
    assert!(check_size(MAX_BYTES + 1)
        .unwrap_err()
        .to_string()
        .contains("limit is 50 MB"));
    assert_eq!(check_size(MAX_BYTES), Ok(()));
    // Too few rows for a split.
    let (e, m) = refused(&grid(3, 2, true));
    assert_eq!(e, CsvError::TooFewRows { found: 3 });
    assert!(m.contains("at least 10"), "{m}");
}

#[test]
fn a_file_that_is_not_text_is_refused() {
    let png = [
        0x89u8, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13,
    ];
    let e = parse_bytes(&png).unwrap_err();
    assert_eq!(e, CsvError::NotText);
    assert!(e.to_string().contains("not a text file"));
    // Invalid UTF-8 without a NUL byte, too.
    assert_eq!(
        parse_bytes(&[b'1', b',', 0xff, 0xfe, b'\n']),
        Err(CsvError::NotText)
    );
    // Good bytes, with a byte order mark and Windows line ends, are fine.
    let mut good = vec![0xef, 0xbb, 0xbf];
    good.extend_from_slice(grid(10, 3, true).replace('\n', "\r\n").as_bytes());
    let t = parse_bytes(&good).unwrap();
    assert_eq!((t.rows(), t.columns(), t.has_header), (10, 3, true));
    assert_eq!(t.names[0], "c0");
}

#[test]
fn headers_separators_and_quotes() {
    let t = parse(
        "\"a\"; \"b\" ;c\n1;2;3\n4;5;6\n7;8;9\n1;1;1\n2;2;2\n3;3;3\n4;4;4\n5;5;5\n6;6;6\n7;7;7\n",
    )
    .unwrap();
    assert_eq!(t.names, ["a", "b", "c"]);
    assert_eq!(&t.values[..3], &[1.0, 2.0, 3.0]);
    let t = parse(&grid(10, 4, false).replace(',', "\t")).unwrap();
    assert!(!t.has_header);
    assert_eq!(t.names[3], "column 4");
    assert_eq!(t.column(3)[1], 7.0);
}

#[test]
fn dataset_splits_70_30_standardises_inputs_and_keeps_the_target() {
    let mut text = String::from("u,y,v\n");
    for r in 0..100 {
        text.push_str(&format!("{},{},{}\n", r * 2, -(r as f64) / 10.0, 5));
    }
    let t = parse(&text).unwrap();
    // E[y²] = mean of (r/10)², r = 0..99.
    let expect: f64 = (0..100).map(|r| (r as f64 / 10.0).powi(2)).sum::<f64>() / 100.0;
    assert!((t.dead_loss(1) - expect).abs() < 1e-12);
    let d = t.dataset(1, true);
    assert_eq!((d.n_features, d.n_train(), d.n_val()), (2, 70, 30));
    // Every target kept as is, each once.
    let mut ys: Vec<f32> = d.train_y.iter().chain(&d.val_y).copied().collect();
    ys.sort_by(|a, b| a.partial_cmp(b).unwrap());
    assert_eq!(ys[0], -9.9);
    assert_eq!(ys[99], 0.0);
    // Standardised on the training rows: mean 0, variance 1 there; the constant column 0.
    let u: Vec<f64> = d.train_x.chunks(2).map(|r| r[0] as f64).collect();
    let m = u.iter().sum::<f64>() / 70.0;
    let v = u.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / 70.0;
    assert!(m.abs() < 1e-5 && (v - 1.0).abs() < 1e-5, "{m} {v}");
    assert!(d.train_x.chunks(2).all(|r| r[1] == 0.0));
    // Rows stay whole: u = 2r and y = −r/10, so y = −u/20 before standardising.
    let raw = t.dataset(1, false);
    for (x, y) in raw.train_x.chunks(2).zip(&raw.train_y) {
        assert_eq!(*y, (-x[0] as f64 / 20.0) as f32);
        assert_eq!(x[1], 5.0);
    }
    // A file sorted by its target validates on a mix, not on its tail.
    let val_max = raw.val_y.iter().cloned().fold(f32::MIN, f32::max);
    let val_min = raw.val_y.iter().cloned().fold(f32::MAX, f32::min);
    assert!(val_max - val_min > 5.0);
}
