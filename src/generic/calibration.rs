//! Interval calibration from pooled in-sample standardised errors: binned |z| per horizon, quantiles.

use super::*;

/// Per-horizon empirical quantiles of |z| at each level (normal quantiles where data are scarce).
pub struct Calibration {
    /// `q[h][l]`: multiplier of the spread for horizon `h`, level index `l`.
    pub q: Vec<Vec<f64>>,
}

/// Bins per unit of |z| in [`ZHistogram`].
pub(super) const Z_BINS_PER_UNIT: usize = 512;
/// Largest |z| binned; larger errors are counted above every bin.
pub(super) const Z_MAX: usize = 64;

/// Standardised errors `|z|` per horizon, binned finely (width 1/512) so that calibration quantiles
/// need memory independent of the number of series and are the same whatever the order in which
/// series arrive. Quantiles interpolate within a bin
/// (error below 0.001 in |z|, about 0.1% of an interval's width).
#[derive(Debug, Clone)]
pub struct ZHistogram {
    /// `bins[h][i]`: count of |z| in `[i, i + 1) / Z_BINS_PER_UNIT` at horizon `h`; the last bin
    /// counts everything from `Z_MAX` up.
    bins: Vec<Vec<u64>>,
}

impl ZHistogram {
    /// An empty histogram for horizons `0..h`.
    pub fn new(h: usize) -> Self {
        ZHistogram {
            bins: vec![vec![0; Z_MAX * Z_BINS_PER_UNIT + 1]; h],
        }
    }

    /// Count one standardised error at horizon index `k` (ignored if out of range or not finite).
    pub fn add(&mut self, k: usize, z: f64) {
        if let (Some(b), true) = (self.bins.get_mut(k), z.is_finite()) {
            let i = ((z.abs() * Z_BINS_PER_UNIT as f64) as usize).min(b.len() - 1);
            b[i] += 1;
        }
    }

    /// Number of errors at horizon index `k`.
    pub fn count(&self, k: usize) -> u64 {
        self.bins.get(k).map_or(0, |b| b.iter().sum())
    }

    /// The `p`-quantile of |z| at horizon index `k` (type 7, as [`crate::engine::quantile`]), with
    /// order statistics placed evenly within their bin.
    pub fn quantile(&self, k: usize, p: f64) -> f64 {
        let b = &self.bins[k];
        let n: u64 = b.iter().sum();
        if n == 0 {
            return f64::NAN;
        }
        let order = |r: u64| -> f64 {
            let mut seen = 0;
            for (i, &c) in b.iter().enumerate() {
                if r < seen + c {
                    let within = (r - seen) as f64 + 0.5;
                    return (i as f64 + within / c as f64) / Z_BINS_PER_UNIT as f64;
                }
                seen += c;
            }
            Z_MAX as f64
        };
        let h = (n - 1) as f64 * p;
        let (lo, hi) = (h.floor() as u64, h.ceil() as u64);
        let (a, c) = (order(lo), order(hi));
        a + (h - lo as f64) * (c - a)
    }

    /// Interval multipliers per horizon and level: empirical quantiles where at least [`MIN_POOLED`]
    /// errors exist (never below half the normal quantile), normal quantiles otherwise.
    pub fn calibration(&self, levels: &[f64]) -> Calibration {
        let normal = Normal::new(0.0, 1.0).expect("standard normal");
        let q = (0..self.bins.len())
            .map(|k| {
                let enough = self.count(k) >= MIN_POOLED as u64;
                levels
                    .iter()
                    .map(|&l| {
                        let gaussian = normal.inverse_cdf(0.5 + l / 2.0);
                        if enough {
                            self.quantile(k, l).max(0.5 * gaussian)
                        } else {
                            gaussian
                        }
                    })
                    .collect()
            })
            .collect();
        Calibration { q }
    }
}

/// The error histograms of a panel: one for the combination, one per requested model.
pub(crate) struct Histograms {
    combined: ZHistogram,
    models: Vec<ZHistogram>,
}

/// The calibrations of a panel: the combination's and each requested model's.
pub(crate) struct Calibrations {
    pub(super) combined: Calibration,
    pub(super) models: Vec<Calibration>,
}

impl Histograms {
    /// Empty histograms for horizons `0..h` and `models` requested models.
    pub fn new(h: usize, models: usize) -> Self {
        Histograms {
            combined: ZHistogram::new(h),
            models: vec![ZHistogram::new(h); models],
        }
    }

    /// Count a fitted series' in-sample standardised errors.
    pub(super) fn add(&mut self, f: &Fitted) {
        for &(k, z) in &f.z_errors {
            self.combined.add(k, z);
        }
        for &(j, k, z) in &f.model_z {
            if let Some(hist) = self.models.get_mut(usize::from(j)) {
                hist.add(usize::from(k), f64::from(z));
            }
        }
    }

    /// Interval multipliers per horizon and level, see [`ZHistogram::calibration`].
    pub fn calibration(&self, levels: &[f64]) -> Calibrations {
        Calibrations {
            combined: self.combined.calibration(levels),
            models: self.models.iter().map(|m| m.calibration(levels)).collect(),
        }
    }
}
