//! The learner's own data: a small, strict CSV reader and the [`Dataset`] built from it.
//!
//! Numbers only. A header row is optional (the first row is a header when any of its cells is
//! not a number). Values are separated by commas, or by semicolons or tabs when the first line
//! has more of those. Every refusal names what is wrong, and where: rows are counted as an
//! editor shows lines (1 is the file's first line), columns from 1 with their header names.

use std::fmt;

use super::data::Dataset;
use super::rng::{rng_from_seed, shuffle_u32};

/// Most data rows a file may have.
pub const MAX_ROWS: usize = 200_000;
/// Most columns a file may have.
pub const MAX_COLUMNS: usize = 64;
/// Largest file read, in bytes: refused by its size before it is read.
pub const MAX_BYTES: u64 = 50 * 1024 * 1024;
/// Fewest data rows: enough for a 70/30 split with a few of each.
pub const MIN_ROWS: usize = 10;
/// Largest magnitude a value may have. The network computes in 32-bit floats, whose largest
/// is about 3.4e38, and a loss is a square: a target of 1e25 (or an input that makes such an
/// output) overflows on the first step, which would read as a learning rate that is too high.
pub const MAX_MAGNITUDE: f64 = 1e18;
/// Share of the rows that train (the rest validate), as for seed 002's data.
pub const TRAIN_FRACTION: f64 = 0.7;

/// The one-click sample shipped with the site (also copied to the site as `sample.csv`): 500
/// rows of a, b, c uniform in (−2, 2) and y = a·b − c/2 plus a little noise, so its targets
/// have both signs and a ReLU output can fit only the positive ones.
pub const SAMPLE: &str = include_str!("../../../www/sample.csv");

/// Why a file or text was refused.
#[derive(Clone, Debug, PartialEq)]
pub enum CsvError {
    Empty,
    NotText,
    NotCsv,
    SingleColumn,
    TooLarge {
        bytes: u64,
    },
    TooManyRows,
    TooManyColumns {
        found: usize,
    },
    TooFewRows {
        found: usize,
    },
    Ragged {
        line: usize,
        expected: usize,
        found: usize,
    },
    NotNumeric {
        line: usize,
        column: usize,
        name: String,
        text: String,
    },
    NotFinite {
        line: usize,
        column: usize,
        name: String,
        text: String,
    },
    OutOfScale {
        line: usize,
        column: usize,
        name: String,
        text: String,
    },
}

impl fmt::Display for CsvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use CsvError::*;
        match self {
            Empty => write!(f, "The file is empty: there are no rows to read."),
            NotText => write!(f, "This is not a text file (it holds binary bytes). Save your data as CSV text and try again."),
            NotCsv => write!(f, "This does not look like CSV: no line has a comma, semicolon or tab between values."),
            SingleColumn => write!(f, "Only one column: the data needs at least one input column and a target column."),
            TooLarge { bytes } => write!(f, "The file is {:.1} MB; the limit is {} MB, so it was not read.", *bytes as f64 / 1_048_576.0, MAX_BYTES / 1_048_576),
            TooManyRows => write!(f, "More than {MAX_ROWS} data rows: the limit is {MAX_ROWS} rows and {MAX_COLUMNS} columns, so the file was not read further."),
            TooManyColumns { found } => write!(f, "{found} columns: the limit is {MAX_COLUMNS} columns (and {MAX_ROWS} rows)."),
            TooFewRows { found } => write!(f, "Only {found} data rows: at least {MIN_ROWS} are needed for a 70/30 split."),
            Ragged { line, expected, found } => write!(f, "Row {line} has {found} values, but the first row has {expected}: every row needs the same number of columns."),
            NotNumeric { line, column, name, text } if text.is_empty() => write!(f, "Row {line}, column {column} ({name}) is empty: every cell needs a number."),
            NotNumeric { line, column, name, text } => write!(f, "Row {line}, column {column} ({name}): “{}” is not a number. Only numeric columns can be used.", clip(text)),
            NotFinite { line, column, name, text } => write!(f, "Row {line}, column {column} ({name}): “{}” is NaN or infinite; every value must be a finite number.", clip(text)),
            OutOfScale { line, column, name, text } => write!(f, "Row {line}, column {column} ({name}): “{}” is beyond ±1e18. The network computes in 32-bit floats, where the square of such a number overflows: divide the column by a power of ten and try again.", clip(text)),
        }
    }
}

impl std::error::Error for CsvError {}

/// At most 24 characters of a cell, for a message.
fn clip(text: &str) -> String {
    let mut out: String = text.chars().take(24).collect();
    if text.chars().count() > 24 {
        out.push('…');
    }
    out
}

/// A table of numbers read from CSV: `rows × names.len()` values, row-major.
#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    /// Column names: the header's, or "column 1", "column 2", … without one.
    pub names: Vec<String>,
    pub has_header: bool,
    pub values: Vec<f64>,
}

/// Refuses a file by its size alone, before reading it.
pub fn check_size(bytes: u64) -> Result<(), CsvError> {
    if bytes == 0 {
        Err(CsvError::Empty)
    } else if bytes > MAX_BYTES {
        Err(CsvError::TooLarge { bytes })
    } else {
        Ok(())
    }
}

/// Reads a file's bytes: refused when too large, not text (not UTF-8, or holding NUL bytes),
/// or not a valid table.
pub fn parse_bytes(bytes: &[u8]) -> Result<Table, CsvError> {
    check_size(bytes.len() as u64)?;
    if bytes.contains(&0) {
        return Err(CsvError::NotText);
    }
    let text = std::str::from_utf8(bytes).map_err(|_| CsvError::NotText)?;
    parse(text)
}

/// The separator the first line uses most: comma, semicolon or tab (None: none of them).
fn separator(first: &str) -> Option<char> {
    [',', ';', '\t']
        .into_iter()
        .map(|c| (first.matches(c).count(), c))
        .filter(|&(n, _)| n > 0)
        .max_by_key(|&(n, c)| (n, c == ','))
        .map(|(_, c)| c)
}

/// A cell without surrounding blanks and double quotes.
fn cell(raw: &str) -> &str {
    let t = raw.trim();
    t.strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .map_or(t, str::trim)
}

/// Reads CSV text (see the module's description).
pub fn parse(text: &str) -> Result<Table, CsvError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.contains('\0') {
        return Err(CsvError::NotText);
    }
    let mut lines = text
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l))
        .filter(|(_, l)| !l.trim().is_empty());
    let Some((first_line, first)) = lines.next() else {
        return Err(CsvError::Empty);
    };
    let sep = separator(first);
    let head = split(first, sep);
    let width = head.len();
    if width > MAX_COLUMNS {
        return Err(CsvError::TooManyColumns { found: width });
    }
    let has_header = head.iter().any(|c| c.parse::<f64>().is_err());
    if sep.is_none() && has_header {
        // One "column" of words: prose, not a table of numbers.
        let mut rest = lines.clone();
        if rest
            .next()
            .is_some_and(|(_, l)| cell(l).parse::<f64>().is_err())
        {
            return Err(CsvError::NotCsv);
        }
    }
    let names = column_names(&head, has_header);
    let data_lines = (!has_header)
        .then_some((first_line, first))
        .into_iter()
        .chain(lines);
    let mut values = Vec::new();
    let mut rows = 0;
    for (line, l) in data_lines {
        if rows == MAX_ROWS {
            return Err(CsvError::TooManyRows);
        }
        read_row(line, &split(l, sep), &names, &mut values)?;
        rows += 1;
    }
    if rows == 0 {
        return Err(CsvError::Empty);
    }
    if width < 2 {
        return Err(CsvError::SingleColumn);
    }
    if rows < MIN_ROWS {
        return Err(CsvError::TooFewRows { found: rows });
    }
    Ok(Table {
        names,
        has_header,
        values,
    })
}

/// A line's cells.
fn split(line: &str, sep: Option<char>) -> Vec<String> {
    match sep {
        Some(c) => line.split(c).map(|s| cell(s).to_string()).collect(),
        None => vec![cell(line).to_string()],
    }
}

/// The header's names (an empty one, and every one without a header, is "column N").
fn column_names(head: &[String], has_header: bool) -> Vec<String> {
    head.iter()
        .enumerate()
        .map(|(j, h)| {
            if has_header && !h.is_empty() {
                h.clone()
            } else {
                format!("column {}", j + 1)
            }
        })
        .collect()
}

/// Appends one data row's numbers, or says what is wrong with it.
fn read_row(
    line: usize,
    cells: &[String],
    names: &[String],
    values: &mut Vec<f64>,
) -> Result<(), CsvError> {
    if cells.len() != names.len() {
        return Err(CsvError::Ragged {
            line,
            expected: names.len(),
            found: cells.len(),
        });
    }
    for (j, c) in cells.iter().enumerate() {
        let (column, name, text) = (j + 1, names[j].clone(), c.clone());
        match c.parse::<f64>() {
            Ok(v) if v.is_finite() && v.abs() <= MAX_MAGNITUDE => values.push(v),
            Ok(v) if v.is_finite() => {
                return Err(CsvError::OutOfScale {
                    line,
                    column,
                    name,
                    text,
                })
            }
            Ok(_) => {
                return Err(CsvError::NotFinite {
                    line,
                    column,
                    name,
                    text,
                })
            }
            Err(_) => {
                return Err(CsvError::NotNumeric {
                    line,
                    column,
                    name,
                    text,
                })
            }
        }
    }
    Ok(())
}

impl Table {
    pub fn columns(&self) -> usize {
        self.names.len()
    }

    pub fn rows(&self) -> usize {
        self.values.len() / self.columns().max(1)
    }

    /// One column's values.
    pub fn column(&self, j: usize) -> Vec<f64> {
        self.values
            .chunks_exact(self.columns())
            .map(|r| r[j])
            .collect()
    }

    /// E[y²] of column `target` over every row: the loss of a net that always outputs 0.
    pub fn dead_loss(&self, target: usize) -> f64 {
        let y = self.column(target);
        y.iter().map(|v| v * v).sum::<f64>() / y.len().max(1) as f64
    }

    /// The data set predicting column `target` from the others (in their order): rows in a
    /// fixed shuffled order (the same for every run, so a file sorted by its target still
    /// validates on the same mix it trains on), the first 70 % training. With `standardise`
    /// each input is shifted and scaled by its training rows' mean and standard deviation (a
    /// constant column only shifted); the target is never changed.
    pub fn dataset(&self, target: usize, standardise: bool) -> Dataset {
        let (n, c) = (self.rows(), self.columns());
        let nf = c - 1;
        let mut order: Vec<u32> = (0..n as u32).collect();
        shuffle_u32(&mut rng_from_seed(0x0D47_A5E7), &mut order);
        let n_train = ((n as f64 * TRAIN_FRACTION).round() as usize).clamp(1, n.max(2) - 1);
        let (mut shift, mut scale) = (vec![0.0; nf], vec![1.0; nf]);
        if standardise {
            for (k, j) in (0..c).filter(|&j| j != target).enumerate() {
                let col: Vec<f64> = order[..n_train]
                    .iter()
                    .map(|&r| self.values[r as usize * c + j])
                    .collect();
                let m = col.iter().sum::<f64>() / col.len() as f64;
                let v = col.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / col.len() as f64;
                shift[k] = m;
                scale[k] = if v > 0.0 { 1.0 / v.sqrt() } else { 1.0 };
            }
        }
        let mut xs = Vec::with_capacity(n * nf);
        let mut ys = Vec::with_capacity(n);
        for &r in &order {
            let row = &self.values[r as usize * c..(r as usize + 1) * c];
            let inputs = (0..c).filter(|&j| j != target);
            for (k, j) in inputs.enumerate() {
                xs.push(((row[j] - shift[k]) * scale[k]) as f32);
            }
            ys.push(row[target] as f32);
        }
        let val_x = xs.split_off(n_train * nf);
        let val_y = ys.split_off(n_train);
        Dataset {
            n_features: nf,
            train_x: xs,
            train_y: ys,
            val_x,
            val_y,
        }
    }
}

/// A data set as CSV text, inputs `x1…` then the target `y` (training rows first): for tests
/// and for a learner who wants the built-in data as a file.
pub fn to_csv(data: &Dataset) -> String {
    let nf = data.n_features;
    let mut out: Vec<String> = (1..=nf).map(|j| format!("x{j}")).collect();
    out.push("y".into());
    let mut text = out.join(",");
    text.push('\n');
    for (x, y) in [(&data.train_x, &data.train_y), (&data.val_x, &data.val_y)] {
        for (row, t) in x.chunks_exact(nf.max(1)).zip(y.iter()) {
            for v in row {
                text.push_str(&format!("{v},"));
            }
            text.push_str(&format!("{t}\n"));
        }
    }
    text
}
