//! Interval calibration of the combined forecasts from the standardised errors of earlier ones (see the
//! engine's module docs): scale factor and tail degrees of freedom.

use super::*;

/// Empirical quantile (type 7, as R's default).
pub fn quantile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let h = (sorted.len() - 1) as f64 * p;
    let lo = h.floor() as usize;
    let hi = h.ceil() as usize;
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

/// A calibration of the combined distribution: its scale is multiplied by `factor` and it gets `df`
/// degrees of freedom.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Calibration {
    /// Factor applied to the standard error.
    pub factor: f64,
    /// Degrees of freedom of the calibrated distribution (`f64::INFINITY`: Gaussian).
    pub df: f64,
}

/// Calibration from `(error, dist)` pairs (see the module docs), or `None` with fewer than
/// [`MIN_CALIBRATION_ERRORS`] errors or degenerate ones.
pub fn calibration(errors: &[(f64, Dist)]) -> Option<Calibration> {
    if errors.len() < MIN_CALIBRATION_ERRORS {
        return None;
    }
    let mut u: Vec<f64> = errors.iter().map(|(e, d)| e.abs() / d.se).collect();
    u.sort_by(f64::total_cmp);
    let (q80, q95) = (quantile(&u, 0.8), quantile(&u, 0.95));
    if !(q80.is_finite() && q95.is_finite() && q80 > 0.0) {
        return None;
    }
    // t quantiles, Gaussian from 1e6 degrees of freedom on (as `Dist` has them): statrs' t quantile
    // is wrong there (t(1e7) gives 1.22 for the 90% quantile, 1.28 is right; t(8.9e6) 0.095 for the
    // 97.5% one), which once gave Gaussian-tailed errors factors near 20.
    let q = |df: f64, p: f64| Dist::new(0.0, 1.0, df).quantile(p);
    let df = df_of_tail_ratio(q95 / q80);
    let factor = 0.5 * (q80 / q(df, 0.9) + q95 / q(df, 0.975));
    (factor.is_finite() && factor > 0.0).then_some(Calibration { factor, df })
}

/// The degrees of freedom whose t quantile ratio `q(0.975) / q(0.9)` equals `target`: infinite (Gaussian)
/// at or below the Gaussian ratio, [`MIN_CALIBRATED_DF`] at or above that df's ratio, else interpolated
/// in a table of 400 log-spaced df (the ratio decreases in df; computing t quantiles is slow, so the
/// table is built once).
pub(super) fn df_of_tail_ratio(target: f64) -> f64 {
    const STEPS: usize = 400;
    static TABLE: std::sync::OnceLock<Vec<(f64, f64)>> = std::sync::OnceLock::new();
    let table = TABLE.get_or_init(|| {
        let (lo, hi) = (MIN_CALIBRATED_DF.ln(), 1e6f64.ln());
        (0..=STEPS)
            .map(|k| {
                let ln_df = lo + (hi - lo) * k as f64 / STEPS as f64;
                let d = Dist::new(0.0, 1.0, ln_df.exp());
                (ln_df, d.quantile(0.975) / d.quantile(0.9))
            })
            .collect()
    });
    let gaussian = {
        let d = Dist::new(0.0, 1.0, f64::INFINITY);
        d.quantile(0.975) / d.quantile(0.9)
    };
    if target <= gaussian.max(table[STEPS].1) {
        return f64::INFINITY;
    }
    if target >= table[0].1 {
        return MIN_CALIBRATED_DF;
    }
    // First table point whose ratio is at or below the target; interpolate in ln df with the one before.
    let k = table.partition_point(|(_, r)| *r > target).clamp(1, STEPS);
    let ((x0, r0), (x1, r1)) = (table[k - 1], table[k]);
    let w = if r0 > r1 {
        (r0 - target) / (r0 - r1)
    } else {
        0.0
    };
    (x0 + w * (x1 - x0)).exp()
}
