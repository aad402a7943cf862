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
//! weights them by inverse MSE shrunk halfway toward equal weights ([`SHRINK_TO_EQUAL`]).
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
/// Grid of the level smoothing α of `ets`.
const ETS_ALPHAS: &[f64] = &[0.1, 0.3, 0.5, 0.7, 0.9, 1.0];
/// Grid of the trend smoothing of `ets` as a share of α (β = share·α).
const ETS_BETA_SHARES: [f64; 4] = [0.0, 0.1, 0.3, 0.6];
/// Grid of the damping φ of `ets`.
const ETS_PHIS: [f64; 4] = [0.8, 0.9, 0.98, 1.0];
/// The models of the combined forecast (the others are available as `--models` columns). Chosen, with
/// [`MAX_LOG_VOLATILITY`] and [`CAL_ORIGINS`], by rolling-origin cross-validation of the *training*
/// parts of all three bench sets — M1 (h = 6), Tourism (h = 4) and US macro (h = 6), 3 windows 2 years
/// apart — judged by the mean and the worst of the three OWAs of the combination (`benches/README.md`
/// has the table; `cargo bench --bench forecast_sets` reproduces the taken row). OWA M1 / Tourism /
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
/// 0.78/0.97 · 0.80/0.95, 0.87/0.98, 0.87/0.97 (6 is the only one within 4 points everywhere).
pub const CAL_ORIGINS: usize = 6;
/// Share of the combination weights spread equally over the models (the rest by inverse in-sample MSE).
pub const SHRINK_TO_EQUAL: f64 = 0.5;
/// Errors needed at a horizon before its empirical quantiles replace the normal ones.
pub const MIN_POOLED: usize = 30;
/// Weight of the latest difference in the exponentially weighted drift of `holt`.
pub const HOLT_WEIGHT: f64 = 0.3;
/// Damping of the `damped` model.
pub const DAMPING: f64 = 0.8;

/// A forecast on the model scale: mean and spread per horizon.
type Path = Vec<(f64, f64)>;

fn diffs(z: &[f64]) -> Vec<f64> {
    z.windows(2).map(|w| w[1] - w[0]).collect()
}

fn mean(v: &[f64]) -> f64 {
    v.iter().sum::<f64>() / v.len().max(1) as f64
}

fn sd(v: &[f64], center: f64, ddof: usize) -> f64 {
    let n = v.len();
    if n <= ddof {
        return f64::NAN;
    }
    (v.iter().map(|x| (x - center).powi(2)).sum::<f64>() / (n - ddof) as f64).sqrt()
}

/// Grid of the smoothing α of `ses`, `theta`, `holt_ets` and `damped_ets`.
const SES_ALPHAS: [f64; 20] = [
    0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85,
    0.9, 0.95, 1.0,
];

/// Simple exponential smoothing: (α, final level, in-sample one-step SSE) with the smallest SSE on
/// [`SES_ALPHAS`], the level started at the first value.
fn ses_fit(z: &[f64]) -> (f64, f64, f64) {
    let mut best = (1.0, z[z.len() - 1], f64::INFINITY);
    for &alpha in &SES_ALPHAS {
        let (mut l, mut sse) = (z[0], 0.0);
        for &y in &z[1..] {
            let e = y - l;
            sse += e * e;
            l += alpha * e;
        }
        if sse < best.2 {
            best = (alpha, l, sse);
        }
    }
    best
}

/// Additive-trend exponential smoothing ETS(A,A,N) (`phis` = [1]) or ETS(A,Ad,N): (α, β, φ) with the
/// smallest in-sample one-step SSE over [`SES_ALPHAS`] × β shares × `phis`, level and trend started at
/// the first value and the mean of the first three differences.
fn trend_ets(z: &[f64], d: &[f64], phis: &[f64], h: usize, floor: f64) -> Option<Path> {
    let n = z.len();
    if n < 6 {
        return None;
    }
    let b0 = mean(&d[..d.len().min(3)]);
    let mut best: Option<(f64, f64, f64, f64, f64)> = None;
    let mut best_sse = f64::INFINITY;
    for &alpha in &SES_ALPHAS {
        for share in [0.05, 0.1, 0.2, 0.3, 0.5] {
            let beta = alpha * share;
            for &phi in phis {
                let (mut l, mut b, mut sse) = (z[0], b0, 0.0);
                for &y in &z[1..] {
                    let f = l + phi * b;
                    let e = y - f;
                    sse += e * e;
                    l = f + alpha * e;
                    b = phi * b + beta * e;
                }
                if sse < best_sse {
                    best_sse = sse;
                    best = Some((alpha, beta, phi, l, b));
                }
            }
        }
    }
    let s = (best_sse / (n as f64 - 4.0).max(1.0)).sqrt().max(floor);
    Some(trend_path(best?, s, h))
}

/// The forecast path of a fitted ETS(A,Ad,N) — (α, β, φ, level, trend) with residual s.d. `s`:
/// l + (φ+…+φʰ)·b with spread s √(1 + Σⱼ<ₕ(α + βφⱼ)²).
fn trend_path((alpha, beta, phi, l, b): (f64, f64, f64, f64, f64), s: f64, h: usize) -> Path {
    let (mut phi_k, mut power, mut var) = (0.0, 1.0, 1.0_f64);
    let mut out = Vec::with_capacity(h);
    for _ in 0..h {
        power *= phi;
        phi_k += power;
        out.push((l + phi_k * b, s * var.sqrt()));
        var += (alpha + beta * phi_k).powi(2);
    }
    out
}

/// Forecast `h` steps with one model; `None` when the model cannot be fitted to this history.
fn model_path(name: &str, t: &[i64], z: &[f64], h: usize) -> Option<Path> {
    let n = z.len();
    let last = *z.last()?;
    let d = diffs(z);
    let floor = 1e-6 * (1.0 + last.abs());
    match name {
        "naive" => {
            if d.is_empty() {
                return None;
            }
            let s = (d.iter().map(|x| x * x).sum::<f64>() / d.len() as f64)
                .sqrt()
                .max(floor);
            Some((1..=h).map(|k| (last, s * (k as f64).sqrt())).collect())
        }
        "rwd" | "damped" => {
            if d.len() < 2 {
                return None;
            }
            let mu = mean(&d);
            let s = sd(&d, mu, 1).max(floor);
            let m = (n - 1) as f64;
            Some(
                (1..=h)
                    .map(|k| {
                        let kf = k as f64;
                        let step = if name == "rwd" {
                            kf
                        } else {
                            (1..=k).map(|i| DAMPING.powi(i as i32)).sum::<f64>()
                        };
                        (last + mu * step, s * (kf + kf * kf / m).sqrt())
                    })
                    .collect(),
            )
        }
        "ar2d" | "ridge2d" => {
            if d.len() < 9 {
                return None;
            }
            let (c, a1, a2, s) = if name == "ar2d" {
                let x = Array2::from_shape_fn((d.len() - 2, 3), |(i, j)| {
                    if j == 0 { 1.0 } else { d[i + 2 - j] }
                });
                let fit = ols::fit_ols(&x, &Array1::from(d[2..].to_vec())).ok()?;
                (fit.beta[0], fit.beta[1], fit.beta[2], fit.sigma2.sqrt())
            } else {
                // Ridge (linfa-elasticnet) shrinks the lag coefficients toward a plain drift.
                let x = Array2::from_shape_fn((d.len() - 2, 2), |(i, j)| d[i + 1 - j]);
                let y = Array1::from(d[2..].to_vec());
                let fit = crate::models::ridge::fit_ridge(&x, &y, RIDGE_PENALTY).ok()?;
                let b = fit.coefficients();
                let zero = Array1::from(vec![0.0, 0.0]);
                let known = [(0.0, f64::INFINITY); 2];
                let at0 = fit.predict_uncertain(&zero, &known);
                let resid: Vec<f64> = (2..d.len())
                    .map(|i| d[i] - (at0.mean + b[0] * d[i - 1] + b[1] * d[i - 2]))
                    .collect();
                let sig = (resid.iter().map(|r| r * r).sum::<f64>()
                    / (resid.len() as f64 - 3.0).max(1.0))
                .sqrt();
                (at0.mean, b[0], b[1], sig)
            };
            // Keep the difference process stationary; otherwise leave it to the other models.
            if a1.is_nan() || a2.is_nan() || a1.abs() + a2.abs() >= 0.95 {
                return None;
            }
            let s = s.max(floor);
            let (mut d1, mut d2) = (d[d.len() - 1], d[d.len() - 2]);
            let mut level = last;
            let (mut psi1, mut psi2) = (1.0, 0.0);
            let (mut psi_sum, mut var) = (0.0, 0.0);
            let mut out = Vec::with_capacity(h);
            for _ in 0..h {
                let next = c + a1 * d1 + a2 * d2;
                d2 = d1;
                d1 = next;
                level += next;
                psi_sum += psi1;
                var += psi_sum * psi_sum;
                let psi_next = a1 * psi1 + a2 * psi2;
                psi2 = psi1;
                psi1 = psi_next;
                out.push((level, s * var.sqrt()));
            }
            Some(out)
        }
        "ets" => {
            // Damped-trend exponential smoothing, ETS(A,Ad,N), in error-correction form:
            // l_t = l_{t-1} + φb_{t-1} + αe_t, b_t = φb_{t-1} + βe_t; (α, β/α, φ) minimise the
            // in-sample one-step squared errors over a small grid.
            if n < 6 {
                return None;
            }
            let b0 = mean(&d[..d.len().min(3)]);
            let mut best: Option<(f64, f64, f64, f64, f64)> = None;
            let mut best_sse = f64::INFINITY;
            // All (β share, φ) pairs of one α run side by side: independent recursions the CPU
            // overlaps (10,000 series: 1.5 s → 1.06 s for the whole CLI run, same output bytes).
            const LANES: usize = ETS_BETA_SHARES.len() * ETS_PHIS.len();
            let phis: [f64; LANES] = std::array::from_fn(|j| ETS_PHIS[j % ETS_PHIS.len()]);
            for &alpha in ETS_ALPHAS {
                let betas: [f64; LANES] =
                    std::array::from_fn(|j| alpha * ETS_BETA_SHARES[j / ETS_PHIS.len()]);
                let (mut l, mut b, mut sse) = ([z[0]; LANES], [b0; LANES], [0.0; LANES]);
                for &y in &z[1..] {
                    for j in 0..LANES {
                        let f = l[j] + phis[j] * b[j];
                        let e = y - f;
                        sse[j] += e * e;
                        l[j] = f + alpha * e;
                        b[j] = phis[j] * b[j] + betas[j] * e;
                    }
                }
                for j in 0..LANES {
                    if sse[j] < best_sse {
                        best_sse = sse[j];
                        best = Some((alpha, betas[j], phis[j], l[j], b[j]));
                    }
                }
            }
            let s = (best_sse / (n as f64 - 4.0).max(1.0)).sqrt().max(floor);
            Some(trend_path(best?, s, h))
        }
        "ses" | "theta" => {
            if n < 3 {
                return None;
            }
            let (alpha, l, sse) = ses_fit(z);
            let s = (sse / (n as f64 - 2.0).max(1.0)).sqrt().max(floor);
            // Theta (Hyndman & Billah 2003): SES plus half the slope of the least-squares line, with
            // the correction for the level's lag.
            let drift = if name == "theta" {
                let ts: Vec<f64> = (0..n).map(|i| i as f64).collect();
                let (mt, mz) = (mean(&ts), mean(z));
                let sxx: f64 = ts.iter().map(|x| (x - mt).powi(2)).sum();
                ts.iter()
                    .zip(z)
                    .map(|(x, y)| (x - mt) * (y - mz))
                    .sum::<f64>()
                    / sxx
                    / 2.0
            } else {
                0.0
            };
            let lag = (1.0 - (1.0 - alpha).powi(n as i32)) / alpha;
            Some(
                (1..=h)
                    .map(|k| {
                        let kf = k as f64;
                        (
                            l + drift * (kf - 1.0 + lag),
                            s * (1.0 + (kf - 1.0) * alpha * alpha).sqrt(),
                        )
                    })
                    .collect(),
            )
        }
        "holt_ets" => trend_ets(z, &d, &[1.0], h, floor),
        "damped_ets" => trend_ets(z, &d, &[0.8, 0.85, 0.9, 0.95, 0.98], h, floor),
        "holt" => {
            // Drift as an exponentially weighted mean of the differences (recent years count more).
            if d.len() < 3 {
                return None;
            }
            let lambda = HOLT_WEIGHT;
            let mut mu = d[0];
            for x in &d[1..] {
                mu = lambda * x + (1.0 - lambda) * mu;
            }
            let resid: Vec<f64> = d.iter().map(|x| x - mu).collect();
            let s = (resid.iter().map(|r| r * r).sum::<f64>() / (d.len() - 1) as f64)
                .sqrt()
                .max(floor);
            Some(
                (1..=h)
                    .map(|k| {
                        let kf = k as f64;
                        (last + mu * kf, s * (kf + kf * kf * lambda).sqrt())
                    })
                    .collect(),
            )
        }
        "trend" => {
            if n < 4 {
                return None;
            }
            let t0 = t[n - 1] as f64;
            let rows: Vec<Vec<f64>> = t.iter().map(|&ti| vec![1.0, ti as f64 - t0]).collect();
            match ols::fit_ols(&ols::design(&rows), &Array1::from(z.to_vec())) {
                Ok(fit) => Some(
                    (1..=h)
                        .map(|k| {
                            let d = fit.predict(&Array1::from(vec![1.0, k as f64]));
                            (d.mean, d.se.max(floor))
                        })
                        .collect(),
                ),
                // A perfect line: OLS has no residual variance; extrapolate it exactly.
                Err(_) => {
                    let ts: Vec<f64> = t.iter().map(|&ti| (ti - t[n - 1]) as f64).collect();
                    let (mt, mz) = (mean(&ts), mean(z));
                    let sxx: f64 = ts.iter().map(|x| (x - mt).powi(2)).sum();
                    if sxx <= 0.0 {
                        return None;
                    }
                    let b = ts
                        .iter()
                        .zip(z)
                        .map(|(x, y)| (x - mt) * (y - mz))
                        .sum::<f64>()
                        / sxx;
                    let a = mz - b * mt;
                    Some((1..=h).map(|k| (a + b * k as f64, floor)).collect())
                }
            }
        }
        "ar1d" => {
            if d.len() < 6 {
                return None;
            }
            let x =
                Array2::from_shape_fn((d.len() - 1, 2), |(i, j)| if j == 0 { 1.0 } else { d[i] });
            let fit = ols::fit_ols(&x, &Array1::from(d[1..].to_vec())).ok()?;
            let (c, a) = (fit.beta[0], fit.beta[1].clamp(-0.95, 0.95));
            let s = fit.sigma2.sqrt().max(floor);
            let mut level = last;
            let mut dprev = *d.last()?;
            let mut psi_sum = 0.0;
            let mut var = 0.0;
            let mut out = Vec::with_capacity(h);
            for k in 0..h {
                dprev = c + a * dprev;
                level += dprev;
                psi_sum += a.powi(k as i32);
                var += psi_sum * psi_sum;
                out.push((level, s * var.sqrt()));
            }
            Some(out)
        }
        _ => None,
    }
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

/// Penalty of the ridge AR(2) on differences (linfa-elasticnet scale, standardised lags).
pub const RIDGE_PENALTY: f64 = 0.5;
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
    fit_scale(s, h, extra, positive && calm())
}

fn fit_scale(
    s: &Series,
    h: usize,
    extra: &[usize],
    log: bool,
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
    let combined = combine(&paths, &weights, h);
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

/// Per-horizon empirical quantiles of |z| at each level (normal quantiles where data are scarce).
pub struct Calibration {
    /// `q[h][l]`: multiplier of the spread for horizon `h`, level index `l`.
    pub q: Vec<Vec<f64>>,
}

/// Bins per unit of |z| in [`ZHistogram`].
const Z_BINS_PER_UNIT: usize = 512;
/// Largest |z| binned; larger errors are counted above every bin.
const Z_MAX: usize = 64;

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
    combined: Calibration,
    models: Vec<Calibration>,
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
    fn add(&mut self, f: &Fitted) {
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

/// Column names of the input panel.
#[derive(Debug, Clone)]
pub struct Columns {
    /// Series id column.
    pub id: String,
    /// Time column: an integer year, or a date whose year is used.
    pub time: String,
    /// Value column.
    pub target: String,
}

/// One series from its rows (time, value, line) in any order; two rows for one time fail the series.
fn assemble(
    id: String,
    mut obs: Vec<(i64, f64, u64)>,
    time_col: &str,
) -> std::result::Result<Series, Failure> {
    obs.sort_by_key(|o| o.0);
    if let Some(w) = obs.windows(2).find(|w| w[0].0 == w[1].0) {
        return Err((
            id,
            format!(
                "duplicate {time_col} {} (lines {} and {}; keep one, or if the dates are monthly or quarterly, sum or average them to years first)",
                w[0].0, w[0].2, w[1].2
            ),
        ));
    }
    Ok(Series {
        id,
        t: obs.iter().map(|o| o.0).collect(),
        y: obs.iter().map(|o| o.1).collect(),
    })
}

/// A panel as read: the series, those that cannot be used (with the reason), and the normalisations
/// applied while reading (encoding, separators, number formats), for the user.
#[derive(Debug, Clone, Default)]
pub struct Panel {
    /// Usable series, in order of first appearance.
    pub series: Vec<Series>,
    /// Series with duplicate times: (id, reason).
    pub failed: Vec<Failure>,
    /// Normalisations applied, one line each.
    pub warnings: Vec<String>,
}

/// Largest time value accepted (a year, or a period number as in the M competitions).
pub const MAX_DS: i64 = 9999;

/// The year of a `ds` field: an integer in `0..=MAX_DS`, or a date `YYYY-MM[-DD]`.
fn parse_ds(ds: &str) -> std::result::Result<i64, String> {
    let y = ds.parse::<i64>().ok().or_else(|| {
        let b = ds.as_bytes();
        (ds.len() >= 7 && b[4] == b'-' && b[..4].iter().all(u8::is_ascii_digit))
            .then(|| ds[..4].parse::<i64>().ok())
            .flatten()
    });
    match y {
        Some(y) if (0..=MAX_DS).contains(&y) => Ok(y),
        Some(y) => Err(format!(
            "time {y} is outside 0..{MAX_DS}; expected a year (2019), a period number (1, 2, …) or a date (2019-12-31)"
        )),
        None => Err(format!(
            "`{ds}` is not a year or a date; expected a year (2019), a period number (1, 2, …) or a date (2019-12-31)"
        )),
    }
}

/// Read a long panel from the bytes of a file (UTF-8, with or without BOM, or GBK; `,` or `;`
/// separated). Unusable input (missing or duplicate column, non-numeric value, bad time) is an error
/// naming the file, line and column; duplicate times make that series fail (returned in
/// [`Panel::failed`]). Full-width digits, thousands separators and `5.5%` are read as numbers and
/// reported in [`Panel::warnings`].
pub fn read_panel(file: &str, bytes: Vec<u8>, cols: &Columns) -> Result<Panel> {
    let (text, gbk) = crate::data::csvin::decode(file, bytes)?;
    if text.trim_start_matches('\u{feff}').trim().is_empty() {
        return Err(Error::InvalidData(vec![Problem {
            file: file.into(),
            line: 1,
            column: String::new(),
            message: format!(
                "the file is empty; expected a header `{},{},{}` and one row per series and time",
                cols.id, cols.time, cols.target
            ),
        }]));
    }
    let table = crate::data::csvin::Table::parse(file, &text)?;
    if gbk {
        table.note("file decoded as GB18030/GBK", 1);
    }
    let (Some(_), Some(_), Some(_)) = (
        table.col(&cols.id),
        table.col(&cols.time),
        table.col(&cols.target),
    ) else {
        return Err(Error::InvalidData(vec![Problem {
            file: file.into(),
            line: 1,
            column: String::new(),
            message: format!(
                "expected columns `{}`, `{}`, `{}` (set them with --id-col, --time-col, --target-col); the header has: {}",
                cols.id,
                cols.time,
                cols.target,
                table.header_names().join(", ")
            ),
        }]));
    };
    let mut problems = Vec::new();
    let mut map: BTreeMap<String, Vec<(i64, f64, u64)>> = BTreeMap::new();
    let mut order: Vec<String> = Vec::new();
    for (line, rec) in &table.rows {
        let mut row = crate::data::csvin::Row {
            table: &table,
            line: *line,
            rec,
            problems: &mut problems,
        };
        let id = row.text(&cols.id);
        let ds = row.text(&cols.time);
        let year = match parse_ds(&ds) {
            Ok(y) => Some(y),
            Err(m) => {
                row.problem(&cols.time, m);
                None
            }
        };
        // An empty value could mean a gap or a zero: rejected by `number`, with the fix (a gap is a
        // missing row).
        let value = row.number(&cols.target);
        if let (Some(y), Some(v)) = (year, value) {
            if !map.contains_key(&id) {
                order.push(id.clone());
            }
            map.entry(id).or_default().push((y, v, *line));
        }
    }
    if !problems.is_empty() {
        return Err(Error::InvalidData(problems));
    }
    let mut panel = Panel {
        warnings: table.warnings(),
        ..Panel::default()
    };
    if order.is_empty() {
        return Err(Error::InvalidData(vec![Problem {
            file: file.into(),
            line: 1,
            column: String::new(),
            message: "no data rows after the header; expected one row per series and time".into(),
        }]));
    }
    for id in order {
        let obs = map.remove(&id).unwrap_or_default();
        match assemble(id, obs, &cols.time) {
            Ok(s) => panel.series.push(s),
            Err(f) => panel.failed.push(f),
        }
    }
    Ok(panel)
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

/// One row of the cross-validation frame: a forecast made at `cutoff` and the actual value.
#[derive(Debug, Clone, PartialEq)]
pub struct CvRow {
    /// The forecast.
    pub row: Row,
    /// Last time of the training part.
    pub cutoff: i64,
    /// Actual value.
    pub y: f64,
    /// MASE scale: mean absolute one-step change of the training part.
    pub scale: f64,
}

/// Rolling-origin cross-validation in statsforecast's shape: `windows` cut-offs, `step` apart, the last
/// one `horizon` before the end of each series; every forecast uses only the data up to its cut-off
/// (weights and calibration included).
pub fn cross_validate(
    series: &[Series],
    horizon: usize,
    windows: usize,
    step: usize,
    levels: &[f64],
    models: &[String],
) -> (Vec<CvRow>, Vec<Failure>) {
    let mut rows = Vec::new();
    let mut failed: BTreeMap<String, String> = BTreeMap::new();
    let by_id: std::collections::HashMap<&str, &Series> =
        series.iter().map(|s| (s.id.as_str(), s)).collect();
    for w in 0..windows {
        let hold = horizon + (windows - 1 - w) * step;
        let train: Vec<Series> = series
            .iter()
            .filter(|s| s.y.len() > hold)
            .map(|s| {
                let n = s.y.len() - hold;
                Series {
                    id: s.id.clone(),
                    t: s.t[..n].to_vec(),
                    y: s.y[..n].to_vec(),
                }
            })
            .collect();
        for s in series.iter().filter(|s| s.y.len() <= hold) {
            failed.entry(s.id.clone()).or_insert_with(|| {
                format!("{} observations: too short for window {}", s.y.len(), w + 1)
            });
        }
        let out = forecast(&train, horizon, levels, models);
        for (id, why) in out.failed {
            failed.entry(id).or_insert(why);
        }
        for r in out.rows {
            let Some(s) = by_id.get(r.id.as_str()) else {
                continue;
            };
            let Some(pos) = s.t.iter().position(|&t| t == r.ds) else {
                continue;
            };
            let n = s.y.len() - hold;
            let d: Vec<f64> = s.y[..n].windows(2).map(|p| (p[1] - p[0]).abs()).collect();
            rows.push(CvRow {
                cutoff: s.t[n - 1],
                y: s.y[pos],
                scale: mean(&d),
                row: r,
            });
        }
    }
    (rows, failed.into_iter().collect())
}

/// sMAPE (%), MASE and coverage per level of the combined forecast (`None`) or a model (`Some(i)`); NaN
/// where nothing was scored.
pub fn cv_scores(rows: &[CvRow], model: Option<usize>) -> (f64, f64, Vec<f64>) {
    let mut smape = 0.0;
    let mut mase = 0.0;
    let mut n_mase = 0usize;
    let levels = rows.first().map_or(0, |r| r.row.intervals.len());
    let mut cover = vec![0usize; levels];
    let mut n = 0usize;
    for r in rows {
        let (f, iv) = match model {
            None => (r.row.mean, &r.row.intervals),
            Some(i) => (r.row.models[i].0, &r.row.models[i].1),
        };
        if !f.is_finite() {
            continue;
        }
        n += 1;
        let den = r.y.abs() + f.abs();
        smape += if den == 0.0 {
            0.0
        } else {
            200.0 * (r.y - f).abs() / den
        };
        if r.scale > 0.0 {
            mase += (r.y - f).abs() / r.scale;
            n_mase += 1;
        }
        for (l, (lo, hi)) in iv.iter().enumerate() {
            cover[l] += usize::from(*lo <= r.y && r.y <= *hi);
        }
    }
    // No forecast scored: NaN (printed as "–"), not a perfect 0.
    let per = |sum: f64, k: usize| if k == 0 { f64::NAN } else { sum / k as f64 };
    (
        per(smape, n),
        per(mase, n_mase),
        cover.iter().map(|&c| per(c as f64, n)).collect(),
    )
}

/// Render the cross-validation frame: `unique_id,ds,cutoff,y,mean,lo-…,hi-…` and per-model columns.
pub fn render_cv(
    rows: &[CvRow],
    levels: &[f64],
    models: &[String],
    cols: &Columns,
) -> Result<Vec<u8>> {
    let out = Output {
        rows: rows.iter().map(|r| r.row.clone()).collect(),
        failed: Vec::new(),
    };
    let forecast_csv = render(&out, levels, models, cols)?;
    let mut rdr = csv::Reader::from_reader(forecast_csv.as_slice());
    let mut w = csv::Writer::from_writer(Vec::new());
    let err = |e: csv::Error| Error::Config(format!("CSV encoding failed: {e}"));
    let header = rdr.headers().map_err(err)?.clone();
    let mut h: Vec<String> = header.iter().map(String::from).collect();
    h.insert(2, "cutoff".into());
    h.insert(3, cols.target.clone());
    w.write_record(&h).map_err(err)?;
    for (rec, r) in rdr.records().zip(rows) {
        let rec = rec.map_err(err)?;
        let mut v: Vec<String> = rec.iter().map(String::from).collect();
        v.insert(2, r.cutoff.to_string());
        v.insert(3, format!("{}", r.y));
        w.write_record(&v).map_err(err)?;
    }
    w.into_inner()
        .map_err(|e| Error::Config(format!("CSV encoding failed: {e}")))
}
