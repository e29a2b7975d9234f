//! Activation functions, their values and derivatives.
//!
//! Every derivative at a kink follows what the frameworks compute: ReLU'(0) = 0 (TensorFlow and
//! PyTorch both take the left derivative there), which is exactly why a unit whose
//! pre-activation is never positive receives no gradient at all.

/// SELU's fixed constants (Klambauer et al. 2017), as Keras and PyTorch define them.
pub const SELU_LAMBDA: f64 = 1.050_700_987_355_480_5;
pub const SELU_ALPHA: f64 = 1.673_263_242_354_377_2;

/// Which function, without its parameter.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ActivationKind {
    Relu,
    LeakyRelu,
    Elu,
    Selu,
    Tanh,
    Sigmoid,
    Linear,
    Gelu,
    Swish,
}

impl ActivationKind {
    pub const ALL: [ActivationKind; 9] = [
        ActivationKind::Relu,
        ActivationKind::LeakyRelu,
        ActivationKind::Elu,
        ActivationKind::Selu,
        ActivationKind::Tanh,
        ActivationKind::Sigmoid,
        ActivationKind::Linear,
        ActivationKind::Gelu,
        ActivationKind::Swish,
    ];

    /// The short, stable token used in URLs and `<select>` values.
    pub fn id(self) -> &'static str {
        match self {
            ActivationKind::Relu => "relu",
            ActivationKind::LeakyRelu => "leaky_relu",
            ActivationKind::Elu => "elu",
            ActivationKind::Selu => "selu",
            ActivationKind::Tanh => "tanh",
            ActivationKind::Sigmoid => "sigmoid",
            ActivationKind::Linear => "linear",
            ActivationKind::Gelu => "gelu",
            ActivationKind::Swish => "swish",
        }
    }

    /// The name a person reads.
    pub fn label(self) -> &'static str {
        match self {
            ActivationKind::Relu => "ReLU",
            ActivationKind::LeakyRelu => "Leaky ReLU",
            ActivationKind::Elu => "ELU",
            ActivationKind::Selu => "SELU",
            ActivationKind::Tanh => "tanh",
            ActivationKind::Sigmoid => "sigmoid",
            ActivationKind::Linear => "linear",
            ActivationKind::Gelu => "GELU",
            ActivationKind::Swish => "Swish",
        }
    }

    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.id() == id)
    }

    /// Whether the slope α changes this function.
    pub fn uses_alpha(self) -> bool {
        matches!(self, ActivationKind::LeakyRelu | ActivationKind::Elu)
    }

    pub fn with_alpha(self, alpha: f64) -> Activation {
        Activation { kind: self, alpha }
    }
}

/// An activation function with its parameter α (ignored by the kinds that have none).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Activation {
    pub kind: ActivationKind,
    pub alpha: f64,
}

impl Activation {
    pub const RELU: Activation = Activation {
        kind: ActivationKind::Relu,
        alpha: 0.0,
    };

    pub fn new(kind: ActivationKind, alpha: f64) -> Self {
        Activation { kind, alpha }
    }

    /// f(x).
    pub fn value(self, x: f64) -> f64 {
        let a = self.alpha;
        match self.kind {
            ActivationKind::Relu => {
                if x > 0.0 {
                    x
                } else {
                    0.0
                }
            }
            ActivationKind::LeakyRelu => {
                if x > 0.0 {
                    x
                } else {
                    a * x
                }
            }
            ActivationKind::Elu => {
                if x > 0.0 {
                    x
                } else {
                    a * x.exp_m1()
                }
            }
            ActivationKind::Selu => {
                if x > 0.0 {
                    SELU_LAMBDA * x
                } else {
                    SELU_LAMBDA * SELU_ALPHA * x.exp_m1()
                }
            }
            ActivationKind::Tanh => x.tanh(),
            ActivationKind::Sigmoid => sigmoid(x),
            ActivationKind::Linear => x,
            ActivationKind::Gelu => 0.5 * x * (1.0 + erf(x / std::f64::consts::SQRT_2)),
            ActivationKind::Swish => x * sigmoid(x),
        }
    }

    /// f'(x), with the left derivative at the kink of the piecewise functions.
    pub fn derivative(self, x: f64) -> f64 {
        let a = self.alpha;
        match self.kind {
            ActivationKind::Relu => {
                if x > 0.0 {
                    1.0
                } else {
                    0.0
                }
            }
            ActivationKind::LeakyRelu => {
                if x > 0.0 {
                    1.0
                } else {
                    a
                }
            }
            ActivationKind::Elu => {
                if x > 0.0 {
                    1.0
                } else {
                    a * x.exp()
                }
            }
            ActivationKind::Selu => {
                if x > 0.0 {
                    SELU_LAMBDA
                } else {
                    SELU_LAMBDA * SELU_ALPHA * x.exp()
                }
            }
            ActivationKind::Tanh => {
                let t = x.tanh();
                1.0 - t * t
            }
            ActivationKind::Sigmoid => {
                let s = sigmoid(x);
                s * (1.0 - s)
            }
            ActivationKind::Linear => 1.0,
            ActivationKind::Gelu => {
                let pdf = (-0.5 * x * x).exp() / (2.0 * std::f64::consts::PI).sqrt();
                0.5 * (1.0 + erf(x / std::f64::consts::SQRT_2)) + x * pdf
            }
            ActivationKind::Swish => {
                let s = sigmoid(x);
                s + x * s * (1.0 - s)
            }
        }
    }

    /// The interval of x on which f'(x) is exactly 0: the "dead side". None when f' never
    /// vanishes (f' of tanh and sigmoid gets small but stays positive).
    pub fn zero_gradient_region(self) -> Option<(f64, f64)> {
        match self.kind {
            ActivationKind::Relu => Some((f64::NEG_INFINITY, 0.0)),
            ActivationKind::LeakyRelu | ActivationKind::Elu if self.alpha == 0.0 => {
                Some((f64::NEG_INFINITY, 0.0))
            }
            _ => None,
        }
    }

    /// Whether f'(z), rounded to f32, is non-zero for every |z| < `bound`, known without
    /// evaluating it there: so for the kinds whose |f'| is smallest at the ends of such an
    /// interval (monotone on each side of 0: all but GELU and Swish, whose f' crosses 0 at
    /// their minimum), when it is non-zero at both ends. The statistics count the values
    /// where the gradient is exactly 0; inside this interval they need not compute f'.
    pub fn gradient_alive_within(self, bound: f64) -> bool {
        let ends =
            |f: Self| f.derivative(-bound) as f32 != 0.0 && f.derivative(bound) as f32 != 0.0;
        match self.kind {
            ActivationKind::Gelu | ActivationKind::Swish => false,
            _ => self.zero_gradient_region().is_none() && ends(self),
        }
    }

    /// A label such as "Leaky ReLU (α = 0.10)".
    pub fn describe(self) -> String {
        if self.kind.uses_alpha() {
            format!("{} (α = {:.2})", self.kind.label(), self.alpha)
        } else {
            self.kind.label().to_string()
        }
    }
}

fn sigmoid(x: f64) -> f64 {
    // Split by sign so that exp never overflows.
    if x >= 0.0 {
        1.0 / (1.0 + (-x).exp())
    } else {
        let e = x.exp();
        e / (1.0 + e)
    }
}

/// The error function: Maclaurin series below 2.5, continued fraction for erfc above;
/// both good to about 1e-15, which the gradient checks need.
pub fn erf(x: f64) -> f64 {
    if x < 0.0 {
        return -erf(-x);
    }
    if x < 2.5 {
        // Maclaurin series: converges fast for small x.
        let mut sum = x;
        let mut term = x;
        let x2 = x * x;
        let mut n = 0.0;
        loop {
            n += 1.0;
            term *= -x2 / n;
            let add = term / (2.0 * n + 1.0);
            sum += add;
            // `<=`: at x = 0 both sides are 0 and `<` would never stop.
            if add.abs() <= 1e-17 * sum.abs() {
                break;
            }
        }
        sum * 2.0 / std::f64::consts::PI.sqrt()
    } else {
        // Continued fraction for erfc, evaluated backwards (Lentz is not needed at x ≥ 2.5).
        let mut f = 0.0;
        for k in (1..=60).rev() {
            f = (k as f64 / 2.0) / (x + f);
        }
        let erfc = (-x * x).exp() / std::f64::consts::PI.sqrt() / (x + f);
        1.0 - erfc
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn erf_matches_known_values() {
        assert!((erf(0.5) - 0.520_499_877_813_046_5).abs() < 1e-14);
        assert!((erf(1.0) - 0.842_700_792_949_714_9).abs() < 1e-14);
        assert!((erf(3.0) - 0.999_977_909_503_001_4).abs() < 1e-14);
        // Zero and subnormals end the series at once (zero used to loop forever).
        assert_eq!(erf(0.0), 0.0);
        assert_eq!(erf(-0.0), 0.0);
        assert!((erf(1e-310) - 1e-310 * 2.0 / std::f64::consts::PI.sqrt()).abs() < 1e-320);
    }

    #[test]
    fn relu_derivative_at_zero_is_zero() {
        assert_eq!(Activation::RELU.derivative(0.0), 0.0);
        assert_eq!(Activation::RELU.value(-3.0), 0.0);
    }
}
