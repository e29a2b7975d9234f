//! What a training epoch leaves behind: losses, distributions, gradient norms, dead units.
//!
//! Exact zeros are counted apart from the histogram bins ([`Histogram::zeros`]): a dead ReLU's
//! outputs and gradients are exactly 0, and a histogram that lumps them into the bin around 0
//! (as TensorBoard's does) hides the whole story.

/// TensorBoard's distribution bands: the percentiles at the normal's 0, ±1.5σ, ±1σ, ±0.5σ, ∞.
pub const TB_PERCENTILES: [f64; 9] = [0.0, 6.68, 15.87, 30.85, 50.0, 69.15, 84.13, 93.32, 100.0];

/// Fixed-width bins over [lo, hi] of the non-zero finite values, plus the exact zeros and the
/// non-finite values counted apart.
#[derive(Clone, Debug, PartialEq)]
pub struct Histogram {
    pub lo: f64,
    pub hi: f64,
    pub counts: Vec<u64>,
    /// Values exactly 0 (not in any bin).
    pub zeros: u64,
    /// NaN or infinite values (not in any bin).
    pub nonfinite: u64,
}

impl Histogram {
    /// Bins the values; `lo`/`hi` are the min/max of the non-zero finite values (both 0 when
    /// there are none).
    pub fn from_values(values: &[f32], bins: usize) -> Histogram {
        let bins = bins.max(1);
        let mut zeros = 0;
        let mut nonfinite = 0;
        let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
        for &v in values {
            if v == 0.0 {
                zeros += 1;
            } else if !v.is_finite() {
                nonfinite += 1;
            } else {
                lo = lo.min(v as f64);
                hi = hi.max(v as f64);
            }
        }
        let mut counts = vec![0u64; bins];
        if lo > hi {
            return Histogram {
                lo: 0.0,
                hi: 0.0,
                counts,
                zeros,
                nonfinite,
            };
        }
        let width = (hi - lo) / bins as f64;
        for &v in values {
            if v != 0.0 && v.is_finite() {
                let k = if width > 0.0 {
                    (((v as f64 - lo) / width) as usize).min(bins - 1)
                } else {
                    0
                };
                counts[k] += 1;
            }
        }
        Histogram {
            lo,
            hi,
            counts,
            zeros,
            nonfinite,
        }
    }

    /// All values, binned or not.
    pub fn total(&self) -> u64 {
        self.counts.iter().sum::<u64>() + self.zeros + self.nonfinite
    }

    /// Share of values exactly 0 (0 when empty).
    pub fn zero_fraction(&self) -> f64 {
        let t = self.total();
        if t == 0 {
            0.0
        } else {
            self.zeros as f64 / t as f64
        }
    }

    pub fn bin_width(&self) -> f64 {
        (self.hi - self.lo) / self.counts.len().max(1) as f64
    }

    /// (left edge, right edge, count) of each bin.
    pub fn bins(&self) -> impl Iterator<Item = (f64, f64, u64)> + '_ {
        let w = self.bin_width();
        self.counts
            .iter()
            .enumerate()
            .map(move |(k, &c)| (self.lo + w * k as f64, self.lo + w * (k + 1) as f64, c))
    }
}

/// A histogram plus TensorBoard's percentiles (over all values, zeros included).
#[derive(Clone, Debug, PartialEq)]
pub struct Distribution {
    pub histogram: Histogram,
    /// At [`TB_PERCENTILES`], linear interpolation between order statistics; NaN when empty.
    pub percentiles: [f64; 9],
    pub count: u64,
    pub mean: f64,
}

impl Distribution {
    /// Reorders `values` in place (the order statistics the percentiles need end up where a
    /// sort would put them; the rest is only partly ordered).
    pub fn from_values(values: &mut [f32], bins: usize) -> Distribution {
        let histogram = Histogram::from_values(values, bins);
        let n = values.len();
        let mean = if n > 0 {
            values.iter().map(|&v| v as f64).sum::<f64>() / n as f64
        } else {
            f64::NAN
        };
        let mut percentiles = [f64::NAN; 9];
        if n > 0 {
            // Each percentile interpolates between the order statistics at k and k + 1.
            let at = |p: f64| {
                let pos = p / 100.0 * (n - 1) as f64;
                (pos.floor() as usize, pos - pos.floor())
            };
            let mut ranks: Vec<usize> = TB_PERCENTILES
                .iter()
                .flat_map(|&p| {
                    let (k, _) = at(p);
                    [k.min(n - 1), (k + 1).min(n - 1)]
                })
                .collect();
            ranks.sort_unstable();
            ranks.dedup();
            place_order_statistics(values, &ranks);
            for (p, out) in TB_PERCENTILES.iter().zip(percentiles.iter_mut()) {
                let (k, frac) = at(*p);
                let lo = values[k.min(n - 1)] as f64;
                let hi = values[(k + 1).min(n - 1)] as f64;
                *out = lo + (hi - lo) * frac;
            }
        }
        Distribution {
            histogram,
            percentiles,
            count: n as u64,
            mean,
        }
    }
}

/// Puts the values of the given ranks (ascending, distinct) where a sort (by `total_cmp`)
/// would, by successive selections, each on what lies above the last: O(n) per rank instead
/// of a whole sort, which was most of the statistics' summary for a wide net (32,768 values a
/// layer, pre-activations and outputs alike).
fn place_order_statistics(values: &mut [f32], ranks: &[usize]) {
    let mut start = 0;
    for &k in ranks {
        if k < start || k >= values.len() {
            continue;
        }
        values[start..].select_nth_unstable_by(k - start, |a, b| a.total_cmp(b));
        start = k + 1;
    }
}

/// Settings of the per-epoch statistics.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StatsConfig {
    /// A unit is MOSTLY-OFF when f'(z) = 0 on more than this share of validation samples.
    pub mostly_off_threshold: f64,
    /// Pre-activation and output distributions use the first this-many validation samples
    /// (dead/alive verdicts always use all of them)...
    pub hist_samples: usize,
    /// ...but at most this many values per layer (samples × units), so that sorting them for
    /// the percentiles stays cheap in a wide layer: 64 units get 512 samples each.
    pub hist_values_per_layer: usize,
    pub bins: usize,
}

impl Default for StatsConfig {
    fn default() -> Self {
        StatsConfig {
            mostly_off_threshold: 0.99,
            hist_samples: 2048,
            hist_values_per_layer: 32_768,
            bins: 30,
        }
    }
}

/// The autopsy of a dead unit.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DeathRecord {
    /// Epoch (1-based count of finished epochs) at whose end the unit was first found dead.
    pub found_dead_epoch: usize,
    /// Global step index (0-based) of the last training batch in which f'(z) ≠ 0 for some
    /// sample; None if it never was (dead from initialization).
    pub last_active_step: Option<u64>,
    /// Largest pre-activation over the validation set when it was found dead (≤ 0 for ReLU).
    pub max_pre_activation: f64,
    /// L2 norm of the optimizer's change to the unit's incoming weights and bias at its last
    /// active step: the "killing blow" (0 when never active).
    pub last_update_norm: f64,
}

/// One layer's statistics at the end of an epoch.
#[derive(Clone, Debug, PartialEq)]
pub struct LayerStats {
    pub units: usize,
    /// Over validation samples (the first `hist_samples`), all units pooled.
    pub pre_activation: Distribution,
    pub output: Distribution,
    /// Gradients of the LAST training step of the epoch (as a TensorBoard snapshot would).
    pub weight_grad: Distribution,
    pub bias_grad: Distribution,
    /// L2 norm of the layer's gradient (kernel and bias) at the last step of the epoch.
    pub grad_norm_last: f64,
    /// Mean over the epoch's steps of that norm.
    pub grad_norm_mean: f64,
    /// Per unit: f'(z) ≠ 0 for some validation sample.
    pub alive: Vec<bool>,
    /// Per unit: f'(z) = 0 on more than `mostly_off_threshold` of validation samples.
    pub mostly_off: Vec<bool>,
    /// Per unit: share of validation samples with f'(z) = 0.
    pub off_fraction: Vec<f64>,
    /// Per unit: max pre-activation over validation.
    pub max_pre_activation: Vec<f64>,
    /// Share of units that are dead.
    pub dead_fraction: f64,
    /// Per unit: its death record while it is dead (None while alive).
    pub deaths: Vec<Option<DeathRecord>>,
    /// Per unit: mean |output| over the validation samples (Sokar et al.'s E|h|).
    pub mean_abs_output: Vec<f64>,
    /// Per unit: share of validation outputs exactly 0 (TensorBoard's `zero_fraction`).
    pub zero_fraction: Vec<f64>,
    /// Per unit: share of validation outputs with |h| ≤ 0.05 (fastai's "near zero").
    pub near_zero_fraction: Vec<f64>,
    /// Per unit: f′(z) ≠ 0 for some sample of the epoch's training batches (keras-contrib's
    /// "fires"); at initialization, before any batch, the validation verdict (`alive`).
    pub fired_in_training: Vec<bool>,
    /// Per unit: dead for every input of the data's box (each input between its smallest and
    /// largest training value), proven by interval bounds (`dead::provably_dead`).
    pub provably_dead: Vec<bool>,
}

impl LayerStats {
    pub fn dead_count(&self) -> usize {
        self.alive.iter().filter(|a| !**a).count()
    }
}

/// Everything an epoch leaves behind. (`Default` is an empty record: for struct literals
/// that set a few fields, `..Default::default()`.)
#[derive(Clone, Debug, Default, PartialEq)]
pub struct EpochStats {
    /// Finished epochs so far (1 after the first).
    pub epoch: usize,
    /// Global steps so far.
    pub step: u64,
    /// Mean training loss over the epoch's samples (each step's loss before its update).
    pub train_loss: f64,
    pub val_loss: f64,
    pub layers: Vec<LayerStats>,
    /// The learning-rate meter, sampled over the epoch's steps: Karpathy's update-to-data
    /// ratio per layer.
    pub update_ratios: Vec<UpdateRatio>,
    /// The units ReDo recycled during the epoch, in order (empty without ReDo).
    pub recycled: Vec<Recycled>,
    /// Steps of the epoch whose gradient was scaled down by global-norm clipping (0 without
    /// clipping).
    pub clipped_steps: u64,
    /// For a classification task (every validation target 0 or 1): the share of validation
    /// samples whose output is above 1/2 exactly when their target is 1. None for
    /// regression.
    pub val_accuracy: Option<f64>,
}

/// One unit ReDo gave fresh weights.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Recycled {
    /// The global step (0-based) after whose update the unit was recycled.
    pub step: u64,
    /// The layer (0-based; hidden layers only).
    pub layer: usize,
    /// The unit within its layer.
    pub unit: usize,
}

/// Karpathy's update-to-data ratio (makemore, part 3) at one step: per layer,
/// log10(std(Δw) / std(w)) over the layer's kernel, Δw being the step's actual change (for
/// SGD, lr·∇w). Around −3 is healthy; far above it one step can move a unit across 0.
#[derive(Clone, Debug, PartialEq)]
pub struct UpdateRatio {
    /// The global step (0-based).
    pub step: u64,
    /// Per layer; −∞ when the step changed nothing (a layer with no gradient).
    pub log10: Vec<f64>,
}

impl EpochStats {
    /// Share of dead units over all layers.
    pub fn dead_fraction(&self) -> f64 {
        let (d, n) = self
            .layers
            .iter()
            .fold((0, 0), |(d, n), l| (d + l.dead_count(), n + l.units));
        if n == 0 {
            0.0
        } else {
            d as f64 / n as f64
        }
    }

    /// Whether every gradient of the last step was exactly zero.
    pub fn gradients_all_zero(&self) -> bool {
        self.layers.iter().all(|l| l.grad_norm_last == 0.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The percentiles from partial selections equal those of a full sort, on lengths from 1
    /// to a layer's worth, with repeats, zeros, infinities and NaN among the values.
    #[test]
    fn percentiles_by_selection_equal_those_of_a_sort() {
        let mut s = 0x9e37_79b9_u32;
        for n in [1usize, 2, 3, 9, 10, 101, 1000, 32_768] {
            let values: Vec<f32> = (0..n)
                .map(|i| {
                    let r = crate::rng::xorshift32(&mut s);
                    match i % 11 {
                        0 => 0.0,
                        1 => 1.5,
                        2 if i % 3 == 0 => f32::INFINITY,
                        3 if i % 7 == 0 => f32::NAN,
                        _ => r as f32 / u32::MAX as f32 * 8.0 - 4.0,
                    }
                })
                .collect();
            let mut sorted = values.clone();
            sorted.sort_unstable_by(|a, b| a.total_cmp(b));
            let mut v = values.clone();
            let d = Distribution::from_values(&mut v, 30);
            for (p, got) in TB_PERCENTILES.iter().zip(d.percentiles) {
                let pos = p / 100.0 * (n - 1) as f64;
                let k = pos.floor() as usize;
                let (lo, hi) = (sorted[k] as f64, sorted[(k + 1).min(n - 1)] as f64);
                let want = lo + (hi - lo) * (pos - k as f64);
                assert!(
                    got.to_bits() == want.to_bits() || (got.is_nan() && want.is_nan()),
                    "n {n}, p {p}: {got} vs {want}"
                );
            }
            assert_eq!(d.count, n as u64);
        }
    }
}
