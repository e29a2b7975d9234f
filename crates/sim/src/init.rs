//! Weight initializers, as Keras defines them.
//!
//! Variance scaling with scale `s` over fan `n` (he: s = 2, n = fan_in; lecun: s = 1,
//! n = fan_in; glorot: s = 1, n = (fan_in + fan_out) / 2). The `*_uniform` kinds draw from
//! U(−√(3s/n), +√(3s/n)); the `*_normal` kinds draw from a normal truncated at two of its σ, with
//! σ = √(s/n) / 0.879…, so the truncated draw has variance s/n exactly.

use super::rng::SimRng;
use rand::Rng;
use rand_distr::StandardNormal;

/// Standard deviation of a unit normal truncated to (−2, 2).
pub const TRUNCATED_NORMAL_STDDEV: f64 = 0.879_625_661_034_239_8;

/// How a layer's kernel is filled before training.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Initializer {
    HeNormal,
    HeUniform,
    LecunNormal,
    LecunUniform,
    GlorotNormal,
    GlorotUniform,
    /// Uniform in [lo, hi). Keras' `RandomUniform()` is (−0.05, 0.05); the seed's negative
    /// initialization is (−1, 0).
    RandomUniform {
        lo: f64,
        hi: f64,
    },
    /// Every weight the same value.
    Constant(f64),
}

impl Default for Initializer {
    /// Keras' default kernel initializer for `Dense`.
    fn default() -> Self {
        Initializer::GlorotUniform
    }
}

impl Initializer {
    /// Every choice the page offers, in menu order.
    pub const ALL: [Initializer; 10] = [
        Initializer::HeNormal,
        Initializer::HeUniform,
        Initializer::LecunNormal,
        Initializer::LecunUniform,
        Initializer::GlorotNormal,
        Initializer::GlorotUniform,
        Initializer::RandomUniform {
            lo: -0.05,
            hi: 0.05,
        },
        Initializer::RandomUniform { lo: -1.0, hi: 0.0 },
        Initializer::Constant(0.0),
        Initializer::Constant(0.1),
    ];

    /// Keras' `RandomUniform()` default.
    pub const RANDOM_UNIFORM: Initializer = Initializer::RandomUniform {
        lo: -0.05,
        hi: 0.05,
    };
    /// The seed's all-negative initialization, like its inputs.
    pub const UNIFORM_NEG1_0: Initializer = Initializer::RandomUniform { lo: -1.0, hi: 0.0 };

    /// The short, stable token used in URLs and `<select>` values.
    pub fn id(&self) -> String {
        match *self {
            Initializer::HeNormal => "he_normal".into(),
            Initializer::HeUniform => "he_uniform".into(),
            Initializer::LecunNormal => "lecun_normal".into(),
            Initializer::LecunUniform => "lecun_uniform".into(),
            Initializer::GlorotNormal => "glorot_normal".into(),
            Initializer::GlorotUniform => "glorot_uniform".into(),
            Initializer::RandomUniform { lo, hi } if lo == -0.05 && hi == 0.05 => {
                "random_uniform".into()
            }
            Initializer::RandomUniform { lo, hi } if lo == -1.0 && hi == 0.0 => {
                "uniform_neg1_0".into()
            }
            Initializer::RandomUniform { lo, hi } => format!("uniform_{lo}_{hi}"),
            Initializer::Constant(0.0) => "zeros".into(),
            Initializer::Constant(v) => format!("constant_{v}"),
        }
    }

    /// The name a person reads.
    pub fn label(&self) -> String {
        match *self {
            Initializer::HeNormal => "He normal".into(),
            Initializer::HeUniform => "He uniform".into(),
            Initializer::LecunNormal => "LeCun normal".into(),
            Initializer::LecunUniform => "LeCun uniform".into(),
            Initializer::GlorotNormal => "Glorot normal".into(),
            Initializer::GlorotUniform => "Glorot uniform (Keras default)".into(),
            Initializer::RandomUniform { lo, hi } => format!("uniform({lo}, {hi})"),
            Initializer::Constant(0.0) => "zeros".into(),
            Initializer::Constant(v) => format!("constant {v}"),
        }
    }

    /// Parses an [`id`](Self::id): the named kinds, `uniform_LO_HI`, `zeros`, `constant_V`.
    pub fn from_id(id: &str) -> Option<Self> {
        let named = match id {
            "he_normal" => Some(Initializer::HeNormal),
            "he_uniform" => Some(Initializer::HeUniform),
            "lecun_normal" => Some(Initializer::LecunNormal),
            "lecun_uniform" => Some(Initializer::LecunUniform),
            "glorot_normal" => Some(Initializer::GlorotNormal),
            "glorot_uniform" => Some(Initializer::GlorotUniform),
            "random_uniform" => Some(Self::RANDOM_UNIFORM),
            "uniform_neg1_0" => Some(Self::UNIFORM_NEG1_0),
            "zeros" => Some(Initializer::Constant(0.0)),
            _ => None,
        };
        if named.is_some() {
            return named;
        }
        if let Some(rest) = id.strip_prefix("constant_") {
            return rest
                .parse::<f64>()
                .ok()
                .filter(|v| v.is_finite())
                .map(Initializer::Constant);
        }
        if let Some(rest) = id.strip_prefix("uniform_") {
            // The separator is the first '_' after the first character (lo may be negative).
            let split = rest.char_indices().skip(1).find(|&(_, c)| c == '_')?.0;
            let lo = rest[..split].parse::<f64>().ok()?;
            let hi = rest[split + 1..].parse::<f64>().ok()?;
            if lo.is_finite() && hi.is_finite() && lo <= hi {
                return Some(Initializer::RandomUniform { lo, hi });
            }
        }
        None
    }

    /// (scale, fan) of the variance-scaling kinds; None for the others.
    fn scale_and_fan(&self, fan_in: usize, fan_out: usize) -> Option<(f64, f64)> {
        let fi = fan_in.max(1) as f64;
        let fo = fan_out.max(1) as f64;
        match self {
            Initializer::HeNormal | Initializer::HeUniform => Some((2.0, fi)),
            Initializer::LecunNormal | Initializer::LecunUniform => Some((1.0, fi)),
            Initializer::GlorotNormal | Initializer::GlorotUniform => Some((1.0, (fi + fo) / 2.0)),
            _ => None,
        }
    }

    /// The variance of one drawn weight, s/n (None for uniform and constant kinds, whose
    /// variance follows from their bounds).
    pub fn target_variance(&self, fan_in: usize, fan_out: usize) -> Option<f64> {
        self.scale_and_fan(fan_in, fan_out).map(|(s, n)| s / n)
    }

    /// The bound `b` of a `*_uniform` kind (draws in [−b, b)), or the σ of the untruncated
    /// normal of a `*_normal` kind.
    pub fn spread(&self, fan_in: usize, fan_out: usize) -> Option<f64> {
        let (s, n) = self.scale_and_fan(fan_in, fan_out)?;
        Some(match self {
            Initializer::HeUniform | Initializer::LecunUniform | Initializer::GlorotUniform => {
                (3.0 * s / n).sqrt()
            }
            _ => (s / n).sqrt() / TRUNCATED_NORMAL_STDDEV,
        })
    }

    /// One weight of a layer with the given fans.
    pub fn sample(&self, rng: &mut SimRng, fan_in: usize, fan_out: usize) -> f64 {
        match *self {
            Initializer::HeUniform | Initializer::LecunUniform | Initializer::GlorotUniform => {
                let b = self.spread(fan_in, fan_out).unwrap_or(0.0);
                uniform(rng, -b, b)
            }
            Initializer::HeNormal | Initializer::LecunNormal | Initializer::GlorotNormal => {
                let sigma = self.spread(fan_in, fan_out).unwrap_or(0.0);
                truncated_normal(rng) * sigma
            }
            Initializer::RandomUniform { lo, hi } => uniform(rng, lo, hi),
            Initializer::Constant(v) => v,
        }
    }

    /// Fills a kernel of `fan_out × fan_in` weights in draw order.
    pub fn fill(&self, rng: &mut SimRng, fan_in: usize, fan_out: usize, out: &mut [f64]) {
        for w in out {
            *w = self.sample(rng, fan_in, fan_out);
        }
    }
}

/// Uniform in [lo, hi): lo + (hi − lo)·u with u a 53-bit fraction in [0, 1).
pub fn uniform(rng: &mut SimRng, lo: f64, hi: f64) -> f64 {
    let u: f64 = rng.random();
    lo + (hi - lo) * u
}

/// A unit normal draw, redrawn until it lies within (−2, 2).
pub fn truncated_normal(rng: &mut SimRng) -> f64 {
    loop {
        let z: f64 = rng.sample(StandardNormal);
        if z > -2.0 && z < 2.0 {
            return z;
        }
    }
}
