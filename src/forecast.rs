//! The predictive distribution of one forecast: a location-scale Student-t with mean, standard error and
//! degrees of freedom. Intervals at any level and probabilities of thresholds are derived from it, never
//! stored as the only truth.

use statrs::distribution::{ContinuousCDF, Normal, StudentsT};

/// Predictive distribution `mean + se * T(df)`. `df = f64::INFINITY` means Gaussian.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Dist {
    /// Point forecast (mean of the predictive distribution).
    pub mean: f64,
    /// Standard error of prediction (scale of the t distribution).
    pub se: f64,
    /// Degrees of freedom (at least 1).
    pub df: f64,
}

impl Dist {
    /// A new distribution; `se` must be positive and finite, `df >= 1`.
    pub fn new(mean: f64, se: f64, df: f64) -> Dist {
        Dist {
            mean,
            se,
            df: df.max(1.0),
        }
    }

    /// Standard t (or normal) CDF at the standardised value `z`.
    fn std_cdf(&self, z: f64) -> f64 {
        if self.df.is_finite() && self.df < 1e6 {
            StudentsT::new(0.0, 1.0, self.df)
                .map(|t| t.cdf(z))
                .unwrap_or(f64::NAN)
        } else {
            Normal::new(0.0, 1.0).map(|n| n.cdf(z)).unwrap_or(f64::NAN)
        }
    }

    /// Quantile of the standard t (or normal) distribution.
    fn std_quantile(&self, p: f64) -> f64 {
        if self.df.is_finite() && self.df < 1e6 {
            t_quantile(self.df, p)
        } else {
            Normal::new(0.0, 1.0)
                .map(|n| n.inverse_cdf(p))
                .unwrap_or(f64::NAN)
        }
    }

    /// P(Y <= x).
    pub fn cdf(&self, x: f64) -> f64 {
        if self.se <= 0.0 {
            return if x >= self.mean { 1.0 } else { 0.0 };
        }
        self.std_cdf((x - self.mean) / self.se)
    }

    /// P(Y >= x).
    pub fn sf(&self, x: f64) -> f64 {
        1.0 - self.cdf(x)
    }

    /// Quantile at probability `p` in (0, 1).
    pub fn quantile(&self, p: f64) -> f64 {
        self.mean + self.se * self.std_quantile(p)
    }

    /// Central interval with coverage `level` in (0, 1), e.g. 0.8.
    pub fn interval(&self, level: f64) -> (f64, f64) {
        let a = (1.0 - level) / 2.0;
        (self.quantile(a), self.quantile(1.0 - a))
    }

    /// The same distribution with its scale multiplied by `factor` (interval calibration).
    pub fn widened(&self, factor: f64) -> Dist {
        Dist {
            se: self.se * factor,
            ..*self
        }
    }
}

/// Sum of independent t-like error terms `(variance, df)` as one Student-t: variances add, and the degrees
/// of freedom follow Welch–Satterthwaite, `df = (Σvᵢ)² / Σ(vᵢ²/dfᵢ)` (an infinite df contributes nothing to
/// the denominator, so a Gaussian driver error makes the sum closer to Gaussian).
pub fn sum_of_errors(mean: f64, terms: &[(f64, f64)]) -> Dist {
    let total: f64 = terms.iter().map(|t| t.0).sum();
    let denom: f64 = terms
        .iter()
        .filter(|t| t.0 > 0.0 && t.1.is_finite())
        .map(|t| t.0 * t.0 / t.1)
        .sum();
    let df = if denom > 0.0 {
        total * total / denom
    } else {
        f64::INFINITY
    };
    Dist::new(mean, total.sqrt(), df)
}

/// Quantile of Student's t with `df` degrees of freedom.
///
/// Results are memoised per thread: statrs inverts the CDF iteratively, and a run asks for the same few
/// (df, p) pairs thousands of times (every interval of every backtest row at a calibrated df).
pub fn t_quantile(df: f64, p: f64) -> f64 {
    use std::cell::RefCell;
    use std::collections::HashMap;
    thread_local! {
        static MEMO: RefCell<HashMap<(u64, u64), f64>> = RefCell::new(HashMap::new());
    }
    let key = (df.to_bits(), p.to_bits());
    if let Some(v) = MEMO.with(|m| m.borrow().get(&key).copied()) {
        return v;
    }
    let v = StudentsT::new(0.0, 1.0, df.max(1.0))
        .map(|t| t.inverse_cdf(p))
        .unwrap_or(f64::NAN);
    MEMO.with(|m| {
        let mut m = m.borrow_mut();
        if m.len() >= 100_000 {
            m.clear();
        }
        m.insert(key, v);
    });
    v
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_abs_diff_eq;

    #[test]
    fn intervals_are_nested_and_symmetric() {
        let d = Dist::new(5.0, 1.0, 8.0);
        let (l80, h80) = d.interval(0.8);
        let (l95, h95) = d.interval(0.95);
        assert!(l95 < l80 && l80 < 5.0 && 5.0 < h80 && h80 < h95);
        assert_abs_diff_eq!(5.0 - l80, h80 - 5.0, epsilon = 1e-9);
        // t(8) 0.9 quantile = 1.396815
        assert_abs_diff_eq!(h80 - 5.0, 1.396_815, epsilon = 1e-5);
    }

    #[test]
    fn cdf_inverts_quantile() {
        let d = Dist::new(-1.0, 2.5, 3.0);
        for p in [0.025, 0.1, 0.5, 0.9, 0.975] {
            assert_abs_diff_eq!(d.cdf(d.quantile(p)), p, epsilon = 1e-8);
        }
    }
}
