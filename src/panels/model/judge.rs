//! A report read under one definition of dead (`sim::dead`): each unit's verdict, each
//! layer's share, and the same over the snapshots, for the words and the charts alike.

use crate::dead_report::{Layer, Report, Snapshot};
use crate::sim::dead::{self, Definition};

/// Which definition of dead applies, with τ for τ-dormant.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Judge {
    pub definition: Definition,
    pub tau: f64,
}

impl Default for Judge {
    fn default() -> Self {
        Judge {
            definition: Definition::Exact,
            tau: dead::DEFAULT_TAU,
        }
    }
}

impl Judge {
    /// Per unit: dead under the definition.
    ///
    /// - exact: fired on no sample (the page's `dead`, else fires = 0, else a fire fraction 0);
    /// - never fires: the page's `fired_in_training` when the report has it, else as exact;
    /// - τ-dormant: the report's τ-score ≤ τ (computed from mean |h| where it gave none);
    /// - near zero: every output within 0.05 of 0.
    pub fn dead(&self, l: &Layer) -> Vec<bool> {
        match self.definition {
            Definition::Exact => l.never_fired(),
            Definition::NeverFires => match &l.fired_in_training {
                Some(f) => f.iter().map(|f| !f).collect(),
                None => l.never_fired(),
            },
            Definition::Dormant => {
                let means: Vec<f64> = l.mean_abs_output.iter().map(|m| m.unwrap_or(0.0)).collect();
                let computed = dead::dormant_scores(&means);
                l.tau_score
                    .iter()
                    .zip(computed)
                    .map(|(s, c)| s.unwrap_or(c) <= self.tau)
                    .collect()
            }
            Definition::NearZero => l.near_zero_fraction.iter().map(|&f| f >= 1.0).collect(),
            Definition::ZeroFraction => l.zero_fraction.iter().map(|&f| f >= 1.0).collect(),
        }
    }

    /// Dead units of the layer under the definition.
    pub fn count(&self, l: &Layer) -> usize {
        self.dead(l).iter().filter(|d| **d).count()
    }

    /// The layer's share in [0, 1]: of its units dead, or for near zero the mean share of
    /// outputs near zero (fastai's number, a share of outputs, not of units).
    pub fn share(&self, l: &Layer) -> f64 {
        let units = l.units.max(1) as f64;
        match self.definition {
            Definition::NearZero => l.near_zero_fraction.iter().sum::<f64>() / units,
            Definition::ZeroFraction => l.zero_fraction.iter().sum::<f64>() / units,
            _ => self.count(l) as f64 / units,
        }
    }
}

/// The layer called `name` in a snapshot.
pub fn layer_in<'a>(s: &'a Snapshot, name: &str) -> Option<&'a Layer> {
    s.layers.iter().find(|l| l.name == name)
}

/// One layer across the snapshots: (step, dead units, units) at each snapshot that has it.
pub fn history(r: &Report, name: &str, judge: &Judge) -> Vec<(u64, usize, usize)> {
    r.snapshots
        .iter()
        .filter_map(|s| layer_in(s, name).map(|l| (s.step, judge.count(l), l.units)))
        .collect()
}

/// How a layer changed between the first snapshot and the last, under the judge.
#[derive(Clone, Debug, PartialEq)]
pub struct Course {
    pub first_step: u64,
    pub last_step: u64,
    /// Units dead at the first snapshot.
    pub dead_at_first: Vec<usize>,
    /// Alive at the first snapshot, dead at the last.
    pub died: Vec<usize>,
    /// Dead at the first snapshot, alive at the last.
    pub revived: Vec<usize>,
}

/// The layer's course over the snapshots, when it is in at least one (and of equal width).
pub fn course(r: &Report, name: &str, judge: &Judge) -> Option<Course> {
    let with: Vec<(&Snapshot, &Layer)> = r
        .snapshots
        .iter()
        .filter_map(|s| layer_in(s, name).map(|l| (s, l)))
        .collect();
    let (first_s, first) = with.first()?;
    let (last_s, last) = with.last()?;
    if first.units != last.units {
        return None;
    }
    let (a, b) = (judge.dead(first), judge.dead(last));
    let pick = |f: fn(bool, bool) -> bool| -> Vec<usize> {
        a.iter()
            .zip(&b)
            .enumerate()
            .filter(|(_, (x, y))| f(**x, **y))
            .map(|(i, _)| i)
            .collect()
    };
    Some(Course {
        first_step: first_s.step,
        last_step: last_s.step,
        dead_at_first: pick(|x, _| x),
        died: pick(|x, y| !x && y),
        revived: pick(|x, y| x && !y),
    })
}
