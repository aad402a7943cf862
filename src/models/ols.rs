//! Ordinary least squares fitted by linfa, with the inference linfa does not provide: residual variance,
//! `(XᵀX)⁻¹` from a QR decomposition (stable even with a raw calendar-year column), coefficient standard
//! errors and Student-t prediction intervals `σ̂²(1 + x₀ᵀ(XᵀX)⁻¹x₀)`.

use linfa::prelude::*;
use linfa_linear::LinearRegression;
use ndarray::{Array1, Array2};

use crate::error::{Error, Result};
use crate::forecast::{Dist, sum_of_errors};

/// A fitted OLS regression with everything needed for prediction intervals.
#[derive(Debug, Clone)]
pub struct OlsFit {
    /// Coefficients, one per column of the design (include a constant column for an intercept).
    pub beta: Array1<f64>,
    /// `(XᵀX)⁻¹`.
    pub xtx_inv: Array2<f64>,
    /// Residual variance `RSS / (n - p)`.
    pub sigma2: f64,
    /// Residual degrees of freedom `n - p`.
    pub df: f64,
    /// Number of observations.
    pub n: usize,
}

/// Upper-triangular `R` of the thin QR decomposition of `x` (modified Gram–Schmidt), or an error if a
/// column is (numerically) a combination of the others.
fn qr_r(x: &Array2<f64>) -> Result<Array2<f64>> {
    let (n, p) = x.dim();
    let mut q = x.clone();
    let mut r = Array2::<f64>::zeros((p, p));
    for j in 0..p {
        let original_norm = x.column(j).dot(&x.column(j)).sqrt();
        for i in 0..j {
            let rij = q.column(i).dot(&q.column(j));
            r[[i, j]] = rij;
            let qi = q.column(i).to_owned();
            q.column_mut(j).scaled_add(-rij, &qi);
        }
        let norm = q.column(j).dot(&q.column(j)).sqrt();
        if norm.is_nan() || norm <= 1e-9 * original_norm.max(f64::MIN_POSITIVE) || n == 0 {
            return Err(Error::Fit(format!(
                "singular design: column {j} is a linear combination of the others (or constant zero)"
            )));
        }
        r[[j, j]] = norm;
        q.column_mut(j).mapv_inplace(|v| v / norm);
    }
    Ok(r)
}

/// Inverse of an upper-triangular matrix by back substitution.
fn upper_inverse(r: &Array2<f64>) -> Array2<f64> {
    let p = r.nrows();
    let mut inv = Array2::<f64>::zeros((p, p));
    for j in 0..p {
        inv[[j, j]] = 1.0 / r[[j, j]];
        for i in (0..j).rev() {
            let s: f64 = (i + 1..=j).map(|k| r[[i, k]] * inv[[k, j]]).sum();
            inv[[i, j]] = -s / r[[i, i]];
        }
    }
    inv
}

/// Fit `y = X β + ε` by OLS. `x` must contain the constant column if an intercept is wanted.
///
/// Shapes and finiteness are checked before linfa is called (its solver asserts instead of returning an
/// error). Requires at least one residual degree of freedom and a non-zero residual variance.
pub fn fit_ols(x: &Array2<f64>, y: &Array1<f64>) -> Result<OlsFit> {
    let (n, p) = x.dim();
    if y.len() != n {
        return Err(Error::Fit(format!(
            "{} rows in X but {} values of y",
            n,
            y.len()
        )));
    }
    if p == 0 {
        return Err(Error::Fit("no regressors".into()));
    }
    if n <= p {
        return Err(Error::Fit(format!(
            "{n} observations for {p} coefficients; need at least {}",
            p + 1
        )));
    }
    if x.iter().chain(y.iter()).any(|v| !v.is_finite()) {
        return Err(Error::Fit("non-finite value in the data".into()));
    }
    let r = qr_r(x)?;
    let r_inv = upper_inverse(&r);
    let xtx_inv = r_inv.dot(&r_inv.t());

    let dataset = Dataset::new(x.clone(), y.clone());
    let fitted = LinearRegression::new()
        .with_intercept(false)
        .fit(&dataset)
        .map_err(|e| Error::Fit(format!("linfa OLS failed: {e}")))?;
    let beta = fitted.params().clone();
    let resid = y - &x.dot(&beta);
    let rss = resid.dot(&resid);
    let df = (n - p) as f64;
    let sigma2 = rss / df;
    let scale = y.mapv(f64::abs).sum() / n as f64;
    if sigma2.is_nan() || sigma2 <= 1e-20 * scale.max(1.0).powi(2) {
        return Err(Error::Fit("perfect fit: residual variance is zero".into()));
    }
    Ok(OlsFit {
        beta,
        xtx_inv,
        sigma2,
        df,
        n,
    })
}

impl OlsFit {
    /// Standard errors of the coefficients.
    pub fn coef_se(&self) -> Array1<f64> {
        self.xtx_inv
            .diag()
            .mapv(|v| (v * self.sigma2).max(0.0).sqrt())
    }

    /// Standard error of the fitted mean at `x0` (without the residual term).
    pub fn mean_se(&self, x0: &Array1<f64>) -> f64 {
        (self.sigma2 * x0.dot(&self.xtx_inv.dot(x0)))
            .max(0.0)
            .sqrt()
    }

    /// Predictive distribution of a new observation at `x0`:
    /// mean `x0ᵀβ`, variance `σ̂²(1 + x0ᵀ(XᵀX)⁻¹x0)`, `n - p` degrees of freedom.
    pub fn predict(&self, x0: &Array1<f64>) -> Dist {
        let mean = x0.dot(&self.beta);
        let var = self.sigma2 * (1.0 + x0.dot(&self.xtx_inv.dot(x0)));
        Dist::new(mean, var.sqrt(), self.df)
    }

    /// Predictive distribution at `x0` when some regressors are themselves forecasts: `x0_err[j]` is the
    /// (variance, degrees of freedom) of regressor `j`'s forecast (`(0, ∞)` for known values). Their
    /// contribution `Σ βⱼ² Var(xⱼ)` is added to the OLS prediction variance, treating the regressors'
    /// forecast errors as independent of each other and of this equation's residual; the degrees of
    /// freedom of the sum follow Welch–Satterthwaite ([`crate::forecast::sum_of_errors`]).
    pub fn predict_uncertain(&self, x0: &Array1<f64>, x0_err: &[(f64, f64)]) -> Dist {
        let base = self.predict(x0);
        let mut terms = vec![(base.se * base.se, base.df)];
        terms.extend(
            self.beta
                .iter()
                .zip(x0_err)
                .map(|(b, (v, df))| (b * b * v, *df)),
        );
        sum_of_errors(base.mean, &terms)
    }
}

/// Stack rows of equal length (that of the first) into a design matrix.
pub fn design(rows: &[Vec<f64>]) -> Array2<f64> {
    let p = rows.first().map_or(0, Vec::len);
    debug_assert!(rows.iter().all(|r| r.len() == p), "rows of unequal length");
    Array2::from_shape_fn((rows.len(), p), |(i, j)| {
        rows[i].get(j).copied().unwrap_or(0.0)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_abs_diff_eq;
    use ndarray::array;

    #[test]
    fn exact_line_with_noise_recovers_coefficients() {
        let x = array![[1.0, 0.0], [1.0, 1.0], [1.0, 2.0], [1.0, 3.0], [1.0, 4.0]];
        let y = array![1.1, 2.9, 5.1, 6.9, 9.0];
        let fit = fit_ols(&x, &y).unwrap();
        assert_abs_diff_eq!(fit.beta[1], 1.98, epsilon = 1e-9);
        assert_abs_diff_eq!(fit.beta[0], 1.04, epsilon = 1e-9);
        assert_eq!(fit.df, 3.0);
    }

    #[test]
    fn singular_design_is_an_error_not_a_panic() {
        let x = array![[1.0, 2.0], [1.0, 2.0], [1.0, 2.0]];
        let y = array![1.0, 2.0, 3.0];
        assert!(matches!(fit_ols(&x, &y), Err(Error::Fit(_))));
        let short = array![[1.0], [1.0]];
        assert!(fit_ols(&short, &array![1.0, 2.0, 3.0]).is_err());
    }
}
