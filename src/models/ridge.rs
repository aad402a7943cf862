//! Ridge regression fitted with linfa-elasticnet (`l1_ratio = 0`) on standardised regressors, with an
//! approximate predictive distribution.
//!
//! linfa-elasticnet centres `y` but not `X`, so the columns are standardised here (mean 0, sd 1 on the
//! training rows) before fitting; the intercept is then the mean of `y`. Its objective is
//! `‖y − Zw‖²/(2n) + λ‖w‖²/2`, whose solution is `w = (ZᵀZ + nλI)⁻¹Zᵀy`. With `A = (ZᵀZ + nλI)⁻¹` the
//! predictive variance used is `σ̂²(1 + 1/n + z₀ᵀ A ZᵀZ A z₀)` (coefficient variance of ridge treating λ as
//! fixed), `σ̂² = RSS / (n − 1 − tr H)` with the effective degrees of freedom `tr H = tr(Z A Zᵀ)`.

use linfa::prelude::*;
use linfa_elasticnet::ElasticNet;
use linfa_linalg::eigh::Eigh;
use ndarray::{Array1, Array2, Axis};

use crate::error::{Error, Result};
use crate::forecast::{Dist, sum_of_errors};

/// A fitted ridge regression.
#[derive(Debug, Clone)]
pub struct RidgeFit {
    means: Array1<f64>,
    sds: Array1<f64>,
    w: Array1<f64>,
    intercept: f64,
    /// `A ZᵀZ A`, the (σ²-free) covariance of `w`.
    w_cov: Array2<f64>,
    sigma2: f64,
    df: f64,
    n: usize,
}

/// Fit ridge regression of `y` on the columns of `x` (no constant column: the intercept is implicit) with
/// penalty `lambda` in linfa-elasticnet's scale.
pub fn fit_ridge(x: &Array2<f64>, y: &Array1<f64>, lambda: f64) -> Result<RidgeFit> {
    let (n, p) = x.dim();
    if y.len() != n || p == 0 {
        return Err(Error::Fit("ridge: shape mismatch or no regressors".into()));
    }
    if n < p + 3 {
        return Err(Error::Fit(format!(
            "ridge: {n} observations for {p} regressors; need {}",
            p + 3
        )));
    }
    if !(lambda.is_finite() && lambda >= 0.0) || x.iter().chain(y.iter()).any(|v| !v.is_finite()) {
        return Err(Error::Fit("ridge: non-finite input".into()));
    }
    let means = x.mean_axis(Axis(0)).expect("n > 0");
    let sds = x.std_axis(Axis(0), 0.0);
    if sds.iter().any(|&s| s < 1e-12) {
        return Err(Error::Fit(
            "ridge: a regressor is constant on the training rows".into(),
        ));
    }
    let z = (x - &means) / &sds;
    // Ridge is invariant to rotations of the regressors, so fit on the principal axes `P = Z V`
    // (ZᵀZ = V D Vᵀ): with orthogonal columns, linfa's coordinate descent converges in one sweep instead
    // of crawling along correlated regressors (year, lag and parent growth are strongly correlated).
    // linfa's duality-gap stopping rule never fires for a pure L2 penalty (the gap it computes stays
    // positive), so it would always run `max_iterations` sweeps; on orthogonal columns the first sweep is
    // already exact, so a few sweeps suffice (checked against the closed form in the tests).
    let ztz = z.t().dot(&z);
    let (d, v) = ztz
        .eigh()
        .map_err(|e| Error::Fit(format!("ridge: eigendecomposition failed: {e}")))?;
    let rotated = z.dot(&v);
    let model = ElasticNet::params()
        .penalty(lambda)
        .l1_ratio(0.0)
        .with_intercept(true)
        .tolerance(1e-10)
        .max_iterations(4)
        .fit(&Dataset::new(rotated, y.clone()))
        .map_err(|e| Error::Fit(format!("linfa elastic net failed: {e}")))?;
    let w = v.dot(model.hyperplane());
    let intercept = model.intercept();

    let nl = n as f64 * lambda;
    let d = d.mapv(|di| di.max(0.0));
    let shrink = d.mapv(|di| di / (di + nl));
    if d.iter().any(|&di| di + nl <= 1e-12) {
        return Err(Error::Fit(
            "ridge: singular system (no penalty and collinear regressors)".into(),
        ));
    }
    let hat_trace: f64 = shrink.sum();
    let resid = y - &(z.dot(&w) + intercept);
    let df = n as f64 - 1.0 - hat_trace;
    if df < 1.0 {
        return Err(Error::Fit(
            "ridge: fewer than one residual degree of freedom".into(),
        ));
    }
    let sigma2 = resid.dot(&resid) / df;
    if sigma2.is_nan() || sigma2 <= 0.0 {
        return Err(Error::Fit("ridge: perfect fit".into()));
    }
    // Cov(w)/σ² = A ZᵀZ A with A = (ZᵀZ + nλI)⁻¹ = V diag(1/(d+nλ)) Vᵀ.
    let w_cov = (&v * &d.mapv(|di| di / ((di + nl) * (di + nl)))).dot(&v.t());
    Ok(RidgeFit {
        means,
        sds,
        w,
        intercept,
        w_cov,
        sigma2,
        df,
        n,
    })
}

impl RidgeFit {
    /// Predictive distribution at `x0` whose entries have forecast errors `x0_err` = (variance, df)
    /// (`(0, ∞)` when known).
    pub fn predict_uncertain(&self, x0: &Array1<f64>, x0_err: &[(f64, f64)]) -> Dist {
        let z0 = (x0 - &self.means) / &self.sds;
        let mean = self.intercept + z0.dot(&self.w);
        let coef = &self.w / &self.sds;
        let own = self.sigma2 * (1.0 + 1.0 / self.n as f64 + z0.dot(&self.w_cov.dot(&z0)));
        let mut terms = vec![(own, self.df)];
        terms.extend(coef.iter().zip(x0_err).map(|(b, (v, df))| (b * b * v, *df)));
        sum_of_errors(mean, &terms)
    }

    /// Standard errors of the coefficients on the original scale (penalty treated as fixed).
    pub fn coefficient_se(&self) -> Array1<f64> {
        let v = self
            .w_cov
            .diag()
            .mapv(|c| (c * self.sigma2).max(0.0).sqrt());
        &v / &self.sds
    }

    /// Coefficients on the original scale (without the intercept).
    pub fn coefficients(&self) -> Array1<f64> {
        &self.w / &self.sds
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_abs_diff_eq;

    /// Solve the small symmetric positive-definite system by Gauss–Jordan elimination with partial pivoting.
    fn inverse(m: &Array2<f64>) -> Result<Array2<f64>> {
        let p = m.nrows();
        let mut a = m.clone();
        let mut inv = Array2::<f64>::eye(p);
        for c in 0..p {
            let piv = (c..p)
                .max_by(|&i, &j| a[[i, c]].abs().total_cmp(&a[[j, c]].abs()))
                .unwrap_or(c);
            if a[[piv, c]].abs() < 1e-12 {
                return Err(Error::Fit("singular ridge system".into()));
            }
            for k in 0..p {
                a.swap([c, k], [piv, k]);
                inv.swap([c, k], [piv, k]);
            }
            let d = a[[c, c]];
            for k in 0..p {
                a[[c, k]] /= d;
                inv[[c, k]] /= d;
            }
            for i in 0..p {
                if i != c {
                    let f = a[[i, c]];
                    for k in 0..p {
                        a[[i, k]] -= f * a[[c, k]];
                        inv[[i, k]] -= f * inv[[c, k]];
                    }
                }
            }
        }
        Ok(inv)
    }

    #[test]
    fn linfa_solution_matches_closed_form_ridge() {
        let x = ndarray::array![
            [1.0, 3.0],
            [2.0, 1.0],
            [3.0, 4.0],
            [4.0, 1.5],
            [5.0, 6.0],
            [6.0, 2.0],
            [7.0, 5.0]
        ];
        let y = ndarray::array![2.0, 2.5, 4.1, 4.0, 6.2, 5.1, 7.3];
        let lambda = 0.3;
        let fit = fit_ridge(&x, &y, lambda).unwrap();
        let means = x.mean_axis(Axis(0)).unwrap();
        let sds = x.std_axis(Axis(0), 0.0);
        let z = (&x - &means) / &sds;
        let yc = &y - y.mean().unwrap();
        let a = inverse(&(z.t().dot(&z) + Array2::<f64>::eye(2) * (7.0 * lambda))).unwrap();
        let w = a.dot(&z.t().dot(&yc));
        assert_abs_diff_eq!(fit.w[0], w[0], epsilon = 1e-6);
        assert_abs_diff_eq!(fit.w[1], w[1], epsilon = 1e-6);
    }

    #[test]
    fn zero_penalty_equals_ols_coefficients() {
        let x = ndarray::array![[1.0], [2.0], [3.0], [4.0], [5.0], [6.0]];
        let y = ndarray::array![1.0, 2.2, 2.8, 4.1, 5.0, 5.9];
        let fit = fit_ridge(&x, &y, 0.0).unwrap();
        // OLS slope of this data
        let xm = 3.5;
        let ym = y.mean().unwrap();
        let sxy: f64 = x
            .column(0)
            .iter()
            .zip(&y)
            .map(|(a, b)| (a - xm) * (b - ym))
            .sum();
        let sxx: f64 = x.column(0).iter().map(|a| (a - xm) * (a - xm)).sum();
        assert_abs_diff_eq!(fit.coefficients()[0], sxy / sxx, epsilon = 1e-6);
    }
}
