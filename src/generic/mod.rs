//! Generic yearly forecasting of many series at once (`indicast forecast`, `indicast backtest`), with
//! statsforecast's long format (`unique_id, ds, y`) and column names (`mean`, `lo-80`, `hi-80`, …).
//!
//! # Models (per series, fitted on the transformed values)
//! | name | forecast of step h | spread |
//! |---|---|---|
//! | `naive` | last value | σ_Δ √h |
//! | `rwd` | random walk with drift: last + h·mean(Δ) | σ_Δ √(h + h²/(n−1)) |
//! | `damped` | last + mean(Δ)·Σᵢ₌₁ʰ φⁱ, φ = 0.8 | as `rwd` |
//! | `trend` | OLS line on the year (linfa) | Student-t prediction s.e. |
//! | `ar1d` | AR(1) on first differences by OLS (linfa), integrated | σ √Σⱼ(Σᵢ≤ⱼ aⁱ)² |
//!
//! | `ar2d` | AR(2) on first differences by OLS (linfa), integrated; skipped unless stationary | σ √Σⱼ(Σᵢ≤ⱼ ψᵢ)² |
//! | `ridge2d` | the same with ridge-shrunk lag coefficients (linfa-elasticnet, penalty 0.5) | as `ar2d` |
//! | `holt` | last + h·(exponentially weighted mean of Δ, weight 0.3 on the latest) | σ √(h + 0.3h²) |
//! | `ets` | damped-trend smoothing ETS(A,Ad,N): l + (φ+…+φʰ)·b, (α, β, φ) by in-sample SSE on a grid | σ √(1 + Σⱼ<ₕ(α + βφⱼ)²) |
//! | `ses` | simple exponential smoothing: the level l, α by in-sample SSE on a grid of 20 | σ √(1 + (h−1)α²) |
//! | `theta` | Theta method (SES with drift, Hyndman & Billah 2003): l + (b/2)·(h − 1 + (1 − (1−α)ⁿ)/α), b the least-squares slope | as `ses` |
//! | `holt_ets` | ETS(A,A,N) with (α, β) on a finer grid | as `ets` |
//! | `damped_ets` | ETS(A,Ad,N) with (α, β, φ ∈ 0.8…0.98) on a finer grid | as `ets` |
//!
//! **Transform rule.** A series whose values are all positive is modelled in logs (growth is
//! multiplicative) only when its yearly log-changes are calm ([`MAX_LOG_VOLATILITY`]: s.d. below 0.1,
//! growth steady within about ±10% a year); any zero or negative value keeps it in levels. Forecasts are back-transformed
//! (the log-scale mean becomes the median, intervals map through `exp`).
//!
//! **Combination.** The models of [`COMBINED`] (rwd, damped, ar2d, ridge2d, ets, theta; the others
//! are extra columns only) are refitted at the last `ORIGINS` in-sample origins of the series and scored
//! by their mean squared error over the horizons available after each origin; the combined forecast
//! weights them by inverse MSE shrunk halfway toward equal weights ([`SHRINK_TO_EQUAL`]). That
//! combination is then blended with the random walk with drift fitted to the *untransformed* values
//! (weight [`LEVEL_DRIFT_WEIGHT`], 0.3, chosen as that constant's docs say): a linear drift in levels,
//! which the log-scale pool lacks.
//!
//! **Calibration.** The standardised in-sample errors of the combination `(actual − mean)/sd`, pooled
//! over all series, give per horizon the empirical quantiles of `|z|`; an interval at level L is
//! `mean ± Q_h(L)·sd`. Normal quantiles are used where fewer than `MIN_POOLED` errors exist. The
//! errors come from the last `CAL_ORIGINS + h − 1` in-sample origins, so that every horizon up to `h`
//! has at least `CAL_ORIGINS` errors per long-enough series, while the weights use only the last
//! `ORIGINS`. (With one window for both, horizon 6 had one error per series and its 80% intervals
//! covered 69% in cross-validation on M1's training part, and fewer weight origins, though more
//! accurate, left macro's intervals over-covering by 9 points.)
//!
//! Each model asked for with `--models` is calibrated the same way from its own in-sample errors
//! (refitted at the same origins), so its columns cover too: on the M1 training-part cross-validation
//! the 80% / 95% coverage of `trend` went from 48.8% / 67.0% with normal quantiles to 79.9% / 93.9%,
//! of `ets` from 70.4% / 82.9% to 78.8% / 95.3%, of `naive` from 66.0% / 82.2% to 75.0% / 94.2%.

use std::collections::BTreeMap;

pub mod stream;

use ndarray::{Array1, Array2};
use rayon::prelude::*;
use statrs::distribution::{ContinuousCDF, Normal};

use crate::error::{Error, Problem, Result};
use crate::models::ols;

mod calibration;
mod cv;
mod panel;
mod univariate;
pub use calibration::*;
pub use cv::*;
pub use panel::*;
pub use univariate::*;

/// A series that could not be used or forecast: (id, reason).
pub type Failure = (String, String);

/// One input series: years (or yearly periods) and values, sorted by time.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// Series id.
    pub id: String,
    /// Time index (integer years).
    pub t: Vec<i64>,
    /// Values.
    pub y: Vec<f64>,
}

/// Largest magnitude of a value `indicast forecast` models (its square must stay finite).
pub const MAX_ABS_VALUE: f64 = 1e100;

/// Names of the models.
pub const MODELS: &[&str] = &[
    "naive",
    "rwd",
    "damped",
    "trend",
    "ar1d",
    "ar2d",
    "ridge2d",
    "holt",
    "ets",
    "ses",
    "theta",
    "holt_ets",
    "damped_ets",
];
/// The models of the combined forecast (the others are available as `--models` columns). Chosen, with
/// [`MAX_LOG_VOLATILITY`] and [`CAL_ORIGINS`], by rolling-origin cross-validation of the *training*
/// parts of all three bench sets — M1 (h = 6), Tourism (h = 4) and US macro (h = 6), 3 windows 2 years
/// apart — judged by the mean and the worst of the three OWAs of the combination (`benches/README.md`
/// has the table; `cargo bench --bench forecast_sets` prints the current defaults, with the levels drift
/// of [`LEVEL_DRIFT_WEIGHT`]: 0.750 / 0.895 / 0.634). OWA M1 / Tourism /
/// macro: the previous pool (naive, rwd, ar1d, ar2d, ridge2d, ets, chosen on M1 and macro alone, logs
/// below 0.5) 0.773 / 1.044 / 0.599 (mean 0.805, worst 1.044: Tourism worse than naive); the same pool
/// with logs below 0.1 0.743 / 0.939 / 0.592 (0.758, 0.939); **this pool 0.747 / 0.908 / 0.622 (0.759,
/// 0.908)**; without `theta` 0.744 / 0.919 / 0.604 (0.755, 0.919); without `rwd` (0.763, 0.917); with
/// `naive` (0.766, 0.906) or `ar1d` (0.762, 0.926); `theta`, `damped`, `rwd` (0.782, 0.892); `theta`
/// alone (0.825, 0.909); Comb S-H-D (`ses`, `holt_ets`, `damped_ets`: 0.827, 0.970); shrinking 25%,
/// 75% or 100% to equal weights (0.759 / 0.760 / 0.762, worst 0.908–0.910). A series too short for
/// every model of the pool is forecast by [`FALLBACK`], so every pool is scored on the same series.
pub const COMBINED: &[&str] = &["rwd", "damped", "ar2d", "ridge2d", "ets", "theta"];
/// The model of a series too short for every model of [`COMBINED`].
pub const FALLBACK: &str = "naive";
/// In-sample origins whose errors set the combination weights.
pub const ORIGINS: usize = 4;
/// In-sample errors per horizon and series for calibration (from the last `CAL_ORIGINS + h − 1`
/// origins). Cross-validation coverage at 80% / 95% (M1, Tourism, macro) with 4 / 6 / 8 / 12:
/// 0.80/0.95, 0.83/0.97, 0.73/0.90 · **0.80/0.95, 0.84/0.97, 0.76/0.95** · 0.80/0.95, 0.86/0.98,
/// 0.78/0.97 · 0.80/0.95, 0.87/0.98, 0.87/0.97 (6 is the only one within 4 points everywhere; with the
/// levels drift blended in, macro's is 0.72 / 0.94 at 6).
pub const CAL_ORIGINS: usize = 6;
/// Share of the combination weights spread equally over the models (the rest by inverse in-sample MSE).
pub const SHRINK_TO_EQUAL: f64 = 0.5;
/// Errors needed at a horizon before its empirical quantiles replace the normal ones.
pub const MIN_POOLED: usize = 30;
/// Weight of the random walk with drift *in levels* blended into the combination of every series
/// modelled with the pool (not the [`FALLBACK`] of series too short for it).
///
/// Why: in logs a drift compounds over the horizon, and the pool's drift models all extrapolate growth
/// rates; a linear drift in levels is the textbook random walk with drift, hard to beat on yearly data
/// (the references on Tourism's test part: statsforecast's 0.893 against the pool's 0.917). For a
/// series modelled in levels the blend just adds weight to the pool's own `rwd`.
///
/// Chosen by cross-validation on the training parts of the three sets (`benches/README.md`; OWA M1 /
/// Tourism / macro, then their mean and worst). Weights 0 / 0.1 / 0.2 / 0.25 / **0.3** / 0.4 / 0.5: mean
/// 0.7589 / 0.7591 / 0.7592 / 0.7596 / **0.7598** / 0.7610 / 0.7630, worst 0.908 / 0.903 / 0.899 / 0.897 /
/// **0.895** / 0.892 / 0.890. Rule: the lowest worst among the weights whose mean is within 0.001 of the
/// best mean. A first Python prototype (blending back-transformed forecasts) and a first implementation
/// (blending on the modelling scale) gave the same weight by the same rule. The blend costs macro's
/// cross-validation 80% coverage 0.76 → 0.72.
pub const LEVEL_DRIFT_WEIGHT: f64 = 0.3;

/// Blend the combination `c` (on the series' modelling scale) with weight `w` of the random walk with
/// drift fitted to the untransformed values `y`, horizon by horizon, as a two-component mixture *in
/// levels*: mean `M = (1 − w)·L + w·m` and variance `(1 − w)(S² + (L − M)²) + w(s² + (m − M)²)`, where
/// `(L, S)` is the combination in levels (for a log-scale series `L = exp(mean)`, `S = L·sd` by the delta
/// method) and `(m, s)` the drift. A log-scale series gets back `(ln M, √V / M)`; at a horizon where `M`
/// is not positive it keeps the combination's own value there. Without a drift (fewer than 3 values)
/// `c` is returned unchanged.
fn with_level_drift(c: Path, t: &[i64], y: &[f64], log: bool, w: f64) -> Path {
    let h = c.len();
    let Some(drift) = model_path("rwd", t, y, h) else {
        return c;
    };
    if !log {
        return combine(&[Some(c), Some(drift)], &[1.0 - w, w], h);
    }
    let levels: Path = c.iter().map(|&(m, s)| (m.exp(), m.exp() * s)).collect();
    combine(&[Some(levels), Some(drift)], &[1.0 - w, w], h)
        .into_iter()
        .zip(c)
        .map(|((m, s), own)| {
            if m > 0.0 && m.is_finite() && s.is_finite() {
                (m.ln(), s / m)
            } else {
                own
            }
        })
        .collect()
}

/// The fitted per-series state: transform, model paths, combination, in-sample standardised errors.
struct Fitted {
    log: bool,
    paths: Vec<Option<Path>>,
    combined: Path,
    /// (horizon index, standardised error) of the combination at in-sample origins.
    z_errors: Vec<(usize, f64)>,
    /// (position in the requested models, horizon index, standardised error) of each requested model
    /// at the same origins; compact, since there are up to nine models' worth per series.
    model_z: Vec<(u16, u16, f32)>,
}

fn combine(paths: &[Option<Path>], weights: &[f64], h: usize) -> Path {
    (0..h)
        .map(|k| {
            let m: f64 = paths
                .iter()
                .zip(weights)
                .filter_map(|(p, w)| p.as_ref().map(|p| w * p[k].0))
                .sum();
            let v: f64 = paths
                .iter()
                .zip(weights)
                .filter_map(|(p, w)| {
                    p.as_ref()
                        .map(|p| w * (p[k].1 * p[k].1 + (p[k].0 - m).powi(2)))
                })
                .sum();
            (m, v.sqrt())
        })
        .collect()
}

/// Largest standard deviation of yearly log-changes for which a positive series is modelled in logs.
/// Wilder series stay in levels: in logs a drift compounds over the horizon and intervals explode when
/// mapped back (M1, at 0.5 against logs always: MSIS95 42 against 1177). On the three sets'
/// cross-validation (combined OWA M1 / Tourism / macro, mean of the three): logs never 0.778 / 0.904 /
/// 0.679 (0.787), below 0.05 0.763 / 0.903 / 0.661 (0.776), 0.08 0.750 / 0.906 / 0.661 (0.772), **0.1
/// 0.747 / 0.908 / 0.622 (0.759)**, 0.12 0.745 / 0.916 / 0.622 (0.761), 0.15 0.746 / 0.931 / 0.622
/// (0.766), 0.2 0.747 / 0.964 / 0.622 (0.777), 0.5 (before) 0.789 / 1.028 / 0.629 (0.815).
pub const MAX_LOG_VOLATILITY: f64 = 0.1;

/// Fit one series: in logs when every value is positive (multiplicative growth) and its log-changes are
/// not wild ([`MAX_LOG_VOLATILITY`]), else in levels.
/// (Choosing the scale per series by in-sample error was measured and rejected: M1 OWA 0.699 and macro
/// 0.545 against 0.712 / 0.454 with this rule, and worse interval coverage.)
///
/// `extra` lists the models (positions in [`MODELS`]) whose own intervals are wanted: they are also
/// refitted at the in-sample origins, for their calibration.
fn fit_series(s: &Series, h: usize, extra: &[usize]) -> std::result::Result<Fitted, String> {
    let positive = s.y.iter().all(|&v| v > 0.0);
    let calm = || {
        let d: Vec<f64> = s.y.windows(2).map(|w| (w[1] / w[0]).ln()).collect();
        d.len() < 2 || sd(&d, mean(&d), 1) < MAX_LOG_VOLATILITY
    };
    fit_scale(s, h, extra, positive && calm(), LEVEL_DRIFT_WEIGHT)
}

/// [`fit_series`] on a given scale, with `drift_weight` of the levels drift blended into the
/// combination (see [`LEVEL_DRIFT_WEIGHT`]).
fn fit_scale(
    s: &Series,
    h: usize,
    extra: &[usize],
    log: bool,
    drift_weight: f64,
) -> std::result::Result<Fitted, String> {
    let n = s.y.len();
    if n == 0 {
        return Err("no observations".into());
    }
    if s.y.iter().any(|v| !v.is_finite()) {
        return Err("non-finite value".into());
    }
    // Squares of larger values overflow: the intervals would come out blank.
    if let Some(v) = s.y.iter().find(|v| v.abs() > MAX_ABS_VALUE) {
        return Err(format!(
            "value {v:e} is beyond ±{MAX_ABS_VALUE:e}; rescale the series (e.g. to 亿元 or to an index)"
        ));
    }
    // A gap is not a step: the models assume one value per period.
    if let Some(w) = s.t.windows(2).find(|w| w[1] - w[0] != 1) {
        return Err(format!(
            "times {} and {} are {} periods apart; the models need one value per period (fill the gap or split the series)",
            w[0],
            w[1],
            w[1] - w[0]
        ));
    }
    let z: Vec<f64> = if log {
        s.y.iter().map(|v| v.ln()).collect()
    } else {
        s.y.clone()
    };
    // Only the models of the combination and those whose columns are wanted are fitted. A series too
    // short for all of them (two values) is forecast by `naive` alone.
    let fit_models = |in_comb: &dyn Fn(&str) -> bool| -> Vec<Option<Path>> {
        MODELS
            .iter()
            .enumerate()
            .map(|(i, m)| {
                (in_comb(m) || extra.contains(&i))
                    .then(|| model_path(m, &s.t, &z, h))
                    .flatten()
            })
            .collect()
    };
    let mut paths = fit_models(&|m| COMBINED.contains(&m));
    let fallback = MODELS
        .iter()
        .zip(&paths)
        .all(|(m, p)| p.is_none() || !COMBINED.contains(m));
    let in_comb = |m: &str| COMBINED.contains(&m) || (fallback && m == FALLBACK);
    if fallback {
        paths = fit_models(&in_comb);
    }
    if paths.iter().all(Option::is_none) {
        return Err(format!("{n} observation(s): too short for any model"));
    }
    // In-sample rolling origins: refit on z[..o], score the forecasts of z[o..].
    let mut sq = vec![(0.0, 0usize); MODELS.len()];
    let mut origin_paths: Vec<(usize, Vec<Option<Path>>)> = Vec::new();
    let first = n.saturating_sub(ORIGINS).max(3);
    let first_cal = n.saturating_sub(CAL_ORIGINS.max(ORIGINS) + h - 1).max(3);
    for o in first_cal..n {
        let steps = (n - o).min(h);
        // Only the models of the combination, and those whose intervals are wanted, are refitted.
        let ps: Vec<Option<Path>> = MODELS
            .iter()
            .enumerate()
            .map(|(i, m)| {
                (in_comb(m) || extra.contains(&i))
                    .then(|| model_path(m, &s.t[..o], &z[..o], steps))
                    .flatten()
            })
            .collect();
        for (i, p) in ps.iter().enumerate() {
            if let (Some(p), true) = (p, o >= first) {
                for (k, (m, _)) in p.iter().enumerate() {
                    sq[i].0 += (z[o + k] - m).powi(2);
                    sq[i].1 += 1;
                }
            }
        }
        origin_paths.push((o, ps));
    }
    let avail: Vec<bool> = paths
        .iter()
        .zip(MODELS)
        .map(|(p, m)| p.is_some() && in_comb(m))
        .collect();
    let k = avail.iter().filter(|a| **a).count() as f64;
    let inv: Vec<f64> = (0..MODELS.len())
        .map(|i| {
            if avail[i] && sq[i].1 > 0 {
                1.0 / (sq[i].0 / sq[i].1 as f64).max(1e-12)
            } else {
                0.0
            }
        })
        .collect();
    let total: f64 = inv.iter().sum();
    let weights: Vec<f64> = (0..MODELS.len())
        .map(|i| {
            if !avail[i] {
                0.0
            } else if total > 0.0 {
                (1.0 - SHRINK_TO_EQUAL) * inv[i] / total + SHRINK_TO_EQUAL / k
            } else {
                1.0 / k
            }
        })
        .collect();
    // Renormalise over the models fitted at the end (a model scored in-sample may be missing now).
    let wsum: f64 = weights.iter().sum();
    let weights: Vec<f64> = weights.iter().map(|w| w / wsum).collect();
    let blend_drift = !fallback;
    let combined = combine(&paths, &weights, h);
    let combined = if blend_drift {
        with_level_drift(combined, &s.t, &s.y, log, drift_weight)
    } else {
        combined
    };
    let mut z_errors = Vec::new();
    for (o, ps) in &origin_paths {
        let steps = (n - o).min(h);
        let usable: f64 = ps
            .iter()
            .zip(&weights)
            .filter(|(p, _)| p.is_some())
            .map(|(_, w)| w)
            .sum();
        if usable <= 0.0 {
            continue;
        }
        let w: Vec<f64> = weights.iter().map(|w| w / usable).collect();
        let c = combine(ps, &w, steps);
        let c = if blend_drift {
            with_level_drift(c, &s.t[..*o], &s.y[..*o], log, drift_weight)
        } else {
            c
        };
        for (kk, (m, sdv)) in c.iter().enumerate() {
            if *sdv > 0.0 {
                z_errors.push((kk, (z[o + kk] - m) / sdv));
            }
        }
    }
    let mut model_z = Vec::new();
    for (o, ps) in &origin_paths {
        for (j, &i) in extra.iter().enumerate() {
            let Some(p) = ps.get(i).and_then(Option::as_ref) else {
                continue;
            };
            for (kk, (m, sdv)) in p.iter().enumerate() {
                if let (Ok(j), Ok(kk16), true) = (u16::try_from(j), u16::try_from(kk), *sdv > 0.0) {
                    model_z.push((j, kk16, ((z[o + kk] - m) / sdv) as f32));
                }
            }
        }
    }
    Ok(Fitted {
        log,
        paths,
        combined,
        z_errors,
        model_z,
    })
}

/// One output row: a series, a horizon step, the point forecast and intervals per level, per model.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// Series id.
    pub id: String,
    /// Forecast time (year).
    pub ds: i64,
    /// Combined point forecast and (lo, hi) per level.
    pub mean: f64,
    /// Intervals per level, aligned with the requested levels.
    pub intervals: Vec<(f64, f64)>,
    /// Per requested model: point and intervals.
    pub models: Vec<(f64, Vec<(f64, f64)>)>,
}

/// The outcome of forecasting a panel.
pub struct Output {
    /// Rows of series that could be forecast.
    pub rows: Vec<Row>,
    /// Series that could not be forecast, with the reason.
    pub failed: Vec<Failure>,
}

fn back(log: bool, v: f64) -> f64 {
    if log { v.exp() } else { v }
}

/// Forecast every series `h` steps ahead with intervals at `levels` (fractions, e.g. 0.8) and the extra
/// per-model columns of `models`.
pub fn forecast(series: &[Series], h: usize, levels: &[f64], models: &[String]) -> Output {
    let model_idx = model_indices(models);
    let fitted: Vec<std::result::Result<Fitted, String>> = series
        .par_iter()
        .map(|s| fit_series(s, h, &model_idx))
        .collect();
    let mut hist = Histograms::new(h, model_idx.len());
    for f in fitted.iter().filter_map(|f| f.as_ref().ok()) {
        hist.add(f);
    }
    let cal = hist.calibration(levels);
    let mut rows = Vec::new();
    let mut failed = Vec::new();
    for (s, f) in series.iter().zip(fitted) {
        match f {
            Ok(f) => rows.extend(f.rows(s, h, &cal, levels, &model_idx)),
            Err(e) => failed.push((s.id.clone(), e)),
        }
    }
    Output { rows, failed }
}

/// Positions in [`MODELS`] of the named models (unknown names are skipped).
fn model_indices(models: &[String]) -> Vec<usize> {
    models
        .iter()
        .filter_map(|m| MODELS.iter().position(|x| x == m))
        .collect()
}

impl Fitted {
    /// The output rows of series `s`: the combined forecast and the per-model columns of `model_idx`,
    /// each with intervals calibrated by its own pooled in-sample errors (`cal`).
    fn rows(
        &self,
        s: &Series,
        h: usize,
        cal: &Calibrations,
        levels: &[f64],
        model_idx: &[usize],
    ) -> Vec<Row> {
        let last_t = *s.t.last().expect("fitted series are non-empty");
        let log = self.log;
        let band = |m: f64, sdv: f64, q: &[f64]| -> Vec<(f64, f64)> {
            q.iter()
                .map(|q| (back(log, m - q * sdv), back(log, m + q * sdv)))
                .collect()
        };
        (0..h)
            .map(|k| {
                let (m, sdv) = self.combined[k];
                let per_model = model_idx
                    .iter()
                    .zip(&cal.models)
                    .map(|(&i, c)| match &self.paths[i] {
                        Some(p) => (back(log, p[k].0), band(p[k].0, p[k].1, &c.q[k])),
                        None => (f64::NAN, vec![(f64::NAN, f64::NAN); levels.len()]),
                    })
                    .collect();
                Row {
                    id: s.id.clone(),
                    ds: last_t + 1 + k as i64,
                    mean: back(log, m),
                    intervals: band(m, sdv, &cal.combined.q[k]),
                    models: per_model,
                }
            })
            .collect()
    }
}

/// Render forecasts as CSV: `unique_id,ds,mean,lo-80,hi-80,…` and per model `{model},{model}-lo-80,…`.
pub fn render(out: &Output, levels: &[f64], models: &[String], cols: &Columns) -> Result<Vec<u8>> {
    let mut bytes = Vec::new();
    write_csv(out, levels, models, cols, &mut bytes)?;
    Ok(bytes)
}

/// Write the forecast CSV of `out` to `w` row by row (as [`render`], without holding the text).
pub fn write_csv(
    out: &Output,
    levels: &[f64],
    models: &[String],
    cols: &Columns,
    w: &mut dyn std::io::Write,
) -> Result<()> {
    let mut w = csv::Writer::from_writer(w);
    let err = |e: csv::Error| Error::csv_write("the forecasts", e);
    w.write_record(header(levels, models, cols)).map_err(err)?;
    for r in &out.rows {
        w.write_record(record(r)).map_err(err)?;
    }
    w.flush().map_err(|source| Error::Write {
        what: "the forecasts".into(),
        source,
    })
}

/// The header of the forecast CSV.
fn header(levels: &[f64], models: &[String], cols: &Columns) -> Vec<String> {
    let pct = |l: f64| format!("{}", (l * 100.0).round() as i64);
    let mut header = vec![cols.id.clone(), cols.time.clone(), "mean".to_string()];
    for &l in levels {
        header.push(format!("lo-{}", pct(l)));
        header.push(format!("hi-{}", pct(l)));
    }
    for m in models {
        header.push(m.clone());
        for &l in levels {
            header.push(format!("{m}-lo-{}", pct(l)));
            header.push(format!("{m}-hi-{}", pct(l)));
        }
    }
    header
}

/// One forecast row as CSV fields (numbers in full precision; empty when not finite).
fn record(r: &Row) -> Vec<String> {
    let num = |v: f64| {
        if v.is_finite() {
            format!("{v}")
        } else {
            String::new()
        }
    };
    let mut rec = vec![
        crate::outfiles::spreadsheet_safe(&r.id).into_owned(),
        r.ds.to_string(),
        num(r.mean),
    ];
    for (lo, hi) in &r.intervals {
        rec.push(num(*lo));
        rec.push(num(*hi));
    }
    for (p, iv) in &r.models {
        rec.push(num(*p));
        for (lo, hi) in iv {
            rec.push(num(*lo));
            rec.push(num(*hi));
        }
    }
    rec
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    /// Years 1–5 and values whose yearly changes 2, 3, 1, 3 give the drift 2.25 and, at step 1, the
    /// spread 0.957427 × √(1 + 1/4) = 1.070436 (s.d. of the changes with ddof 1; n − 1 = 4).
    const T: [i64; 5] = [1, 2, 3, 4, 5];
    const Y: [f64; 5] = [10.0, 12.0, 15.0, 16.0, 19.0];
    const DRIFT_SD1: f64 = 1.070_436;

    #[test]
    fn level_drift_blend_in_levels_is_a_two_component_mixture() {
        let w = 0.3;
        let c: Path = vec![(20.0, 1.0), (20.0, 2.0)];
        let b = with_level_drift(c, &T, &Y, false, w);
        let m: f64 = 0.7 * 20.0 + 0.3 * 21.25;
        assert_relative_eq!(b[0].0, m, epsilon = 1e-9);
        let v = 0.7 * (1.0 + (20.0 - m).powi(2)) + 0.3 * (DRIFT_SD1.powi(2) + (21.25 - m).powi(2));
        assert_relative_eq!(b[0].1, v.sqrt(), epsilon = 1e-5);
        assert_relative_eq!(b[1].0, 0.7 * 20.0 + 0.3 * 23.5, epsilon = 1e-9);
        // Weight 0 leaves the combination as it is.
        let c: Path = vec![(20.0, 1.0)];
        assert_eq!(with_level_drift(c.clone(), &T, &Y, false, 0.0), c);
    }

    #[test]
    fn level_drift_blends_a_log_series_in_levels() {
        let w = 0.3;
        let c: Path = vec![(20f64.ln(), 0.1)];
        let b = with_level_drift(c, &T, &Y, true, w);
        // The combination in levels: 20 with spread 20 × 0.1 = 2 (delta method).
        let m: f64 = 0.7 * 20.0 + 0.3 * 21.25;
        let v = 0.7 * (4.0 + (20.0 - m).powi(2)) + 0.3 * (DRIFT_SD1.powi(2) + (21.25 - m).powi(2));
        assert_relative_eq!(b[0].0, m.ln(), epsilon = 1e-9);
        assert_relative_eq!(b[0].1, v.sqrt() / m, epsilon = 1e-6);
    }

    #[test]
    fn a_log_series_keeps_its_combination_where_the_blend_is_not_positive() {
        // Drift −4 a year from 2: −2, then −6. The combination says 1 (log 0).
        let (t, y) = ([1, 2, 3], [10.0, 6.0, 2.0]);
        let c: Path = vec![(0.0, 0.2), (0.0, 0.3)];
        let b = with_level_drift(c.clone(), &t, &y, true, 0.3);
        assert_relative_eq!(b[0].0, (0.7f64 - 0.6).ln(), epsilon = 1e-9);
        assert_eq!(b[1], c[1]);
        // Too short for a drift: unchanged.
        assert_eq!(with_level_drift(c.clone(), &t[..2], &y[..2], false, 0.3), c);
    }

    #[test]
    fn the_fit_blends_its_forecast_and_its_in_sample_origins() {
        let y: Vec<f64> = (0..16)
            .map(|i| 100.0 + 3.0 * i as f64 + [0.0, 4.0, -3.0, 2.0][i % 4])
            .collect();
        let s = Series {
            id: "s".into(),
            t: (2000..2016).collect(),
            y: y.clone(),
        };
        let plain = fit_scale(&s, 3, &[], false, 0.0).unwrap();
        let blended = fit_scale(&s, 3, &[], false, LEVEL_DRIFT_WEIGHT).unwrap();
        let drift = model_path("rwd", &s.t, &y, 3).unwrap();
        let w = LEVEL_DRIFT_WEIGHT;
        for ((b, p), d) in blended.combined.iter().zip(&plain.combined).zip(&drift) {
            assert_relative_eq!(b.0, (1.0 - w) * p.0 + w * d.0, epsilon = 1e-9);
        }
        // The calibration's in-sample errors come from the blended forecasts too.
        assert_eq!(plain.z_errors.len(), blended.z_errors.len());
        assert!(
            plain
                .z_errors
                .iter()
                .zip(&blended.z_errors)
                .any(|(a, b)| (a.1 - b.1).abs() > 1e-6)
        );
    }
}
