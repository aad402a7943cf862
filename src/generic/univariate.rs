//! The univariate models of `indicast forecast`: one function gives any model's forecast path (mean and
//! spread per horizon) on the model scale, with the grids and constants they use.

use super::*;

/// Grid of the level smoothing α of `ets`.
pub(super) const ETS_ALPHAS: &[f64] = &[0.1, 0.3, 0.5, 0.7, 0.9, 1.0];
/// Grid of the trend smoothing of `ets` as a share of α (β = share·α).
pub(super) const ETS_BETA_SHARES: [f64; 4] = [0.0, 0.1, 0.3, 0.6];
/// Grid of the damping φ of `ets`.
pub(super) const ETS_PHIS: [f64; 4] = [0.8, 0.9, 0.98, 1.0];
/// Weight of the latest difference in the exponentially weighted drift of `holt`.
pub const HOLT_WEIGHT: f64 = 0.3;
/// Damping of the `damped` model.
pub const DAMPING: f64 = 0.8;

/// A forecast on the model scale: mean and spread per horizon.
pub(super) type Path = Vec<(f64, f64)>;

pub(super) fn diffs(z: &[f64]) -> Vec<f64> {
    z.windows(2).map(|w| w[1] - w[0]).collect()
}

pub(super) fn mean(v: &[f64]) -> f64 {
    v.iter().sum::<f64>() / v.len().max(1) as f64
}

pub(super) fn sd(v: &[f64], center: f64, ddof: usize) -> f64 {
    let n = v.len();
    if n <= ddof {
        return f64::NAN;
    }
    (v.iter().map(|x| (x - center).powi(2)).sum::<f64>() / (n - ddof) as f64).sqrt()
}

/// Grid of the smoothing α of `ses`, `theta`, `holt_ets` and `damped_ets`.
pub(super) const SES_ALPHAS: [f64; 20] = [
    0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85,
    0.9, 0.95, 1.0,
];

/// Simple exponential smoothing: (α, final level, in-sample one-step SSE) with the smallest SSE on
/// [`SES_ALPHAS`], the level started at the first value.
pub(super) fn ses_fit(z: &[f64]) -> (f64, f64, f64) {
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
pub(super) fn trend_ets(z: &[f64], d: &[f64], phis: &[f64], h: usize, floor: f64) -> Option<Path> {
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
pub(super) fn trend_path(
    (alpha, beta, phi, l, b): (f64, f64, f64, f64, f64),
    s: f64,
    h: usize,
) -> Path {
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
pub(super) fn model_path(name: &str, t: &[i64], z: &[f64], h: usize) -> Option<Path> {
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

/// Penalty of the ridge AR(2) on differences (linfa-elasticnet scale, standardised lags).
pub const RIDGE_PENALTY: f64 = 0.5;

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_abs_diff_eq;

    fn path(name: &str, z: &[f64], h: usize) -> Path {
        let t: Vec<i64> = (0..z.len() as i64).collect();
        model_path(name, &t, z, h).expect("fits")
    }

    #[test]
    fn naive_and_drift_follow_their_formulas() {
        // naive: last value, spread √(mean Δ²)·√k
        let p = path("naive", &[1.0, 2.0, 4.0], 2);
        assert_abs_diff_eq!(p[0].0, 4.0);
        assert_abs_diff_eq!(p[1].1, 2.5f64.sqrt() * 2f64.sqrt(), epsilon = 1e-12);
        // rwd: last + k·mean(Δ), s.d. of Δ · √(k + k²/(n − 1))
        let p = path("rwd", &[1.0, 2.0, 4.0, 7.0], 3);
        for (k, (m, s)) in p.iter().enumerate() {
            let k = (k + 1) as f64;
            assert_abs_diff_eq!(*m, 7.0 + 2.0 * k, epsilon = 1e-12);
            assert_abs_diff_eq!(*s, (k + k * k / 3.0).sqrt(), epsilon = 1e-12);
        }
        // damped: the drift summed with weights 0.8, 0.8², …
        let p = path("damped", &[1.0, 2.0, 4.0, 7.0], 2);
        assert_abs_diff_eq!(p[1].0, 7.0 + 2.0 * (0.8 + 0.64), epsilon = 1e-12);
    }

    #[test]
    fn ses_keeps_a_constant_and_theta_adds_half_the_slope() {
        let p = path("ses", &[5.0; 8], 3);
        assert!(p.iter().all(|(m, _)| (m - 5.0).abs() < 1e-12));
        // On an exact line y = 2t, SES takes α = 1 (the last value) and Theta adds half the slope per
        // step: last + h (Hyndman & Billah 2003, with α = 1 the lag correction is 1).
        let z: Vec<f64> = (0..10).map(|t| 2.0 * f64::from(t)).collect();
        let p = path("theta", &z, 3);
        for (k, (m, _)) in p.iter().enumerate() {
            assert_abs_diff_eq!(*m, 18.0 + (k + 1) as f64, epsilon = 1e-9);
        }
    }

    #[test]
    fn damped_trend_path_matches_the_ets_formulas() {
        // ETS(A,Ad,N) with α 0.5, β 0.1, φ 0.9, level 10, trend 1, residual s.d. 2:
        // mean l + (φ + … + φʰ) b, variance s² (1 + Σⱼ<ₕ (α + β(φ + … + φʲ))²).
        let p = trend_path((0.5, 0.1, 0.9, 10.0, 1.0), 2.0, 3);
        let phis = [0.9, 0.9 + 0.81, 0.9 + 0.81 + 0.729];
        for (k, (m, s)) in p.iter().enumerate() {
            assert_abs_diff_eq!(*m, 10.0 + phis[k], epsilon = 1e-12);
            let var: f64 = 1.0
                + phis[..k]
                    .iter()
                    .map(|c| (0.5 + 0.1 * c).powi(2))
                    .sum::<f64>();
            assert_abs_diff_eq!(*s, 2.0 * var.sqrt(), epsilon = 1e-12);
        }
    }

    #[test]
    fn models_refuse_histories_too_short_for_them() {
        let t = [0, 1];
        assert!(model_path("rwd", &t, &[1.0, 2.0], 2).is_none());
        assert!(model_path("ets", &t, &[1.0, 2.0], 2).is_none());
        assert!(model_path("naive", &t, &[1.0, 2.0], 2).is_some());
    }
}
