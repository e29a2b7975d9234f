//! Tunable values: defaults, ranges, parsing and validation.
