//! Regression models of the engine on driver features: `ols` and `ridge` (linfa).

use super::*;

impl Context<'_> {
    pub(super) fn ols(&self, key: &SeriesKey, features: &[Feature]) -> ModelResult {
        let (xs, ys) = self.rows(key, features);
        let n = ys.len();
        let p = features.len() + 1;
        if n < p + 2 {
            return ModelResult {
                dist: Err(format!(
                    "{n} usable observations for {p} coefficients; need {}",
                    p + 2
                )),
                n_obs: n,
                ..Default::default()
            };
        }
        let ahead: Result<Vec<Ahead>, String> = features
            .iter()
            .map(|&f| self.feature_ahead(key, f))
            .collect();
        let ahead = match ahead {
            Ok(a) => a,
            Err(e) => {
                return ModelResult::skipped(e, n);
            }
        };
        let rows: Vec<Vec<f64>> = xs
            .into_iter()
            .map(|r| std::iter::once(1.0).chain(r).collect())
            .collect();
        let x0 = Array1::from_iter(std::iter::once(1.0).chain(ahead.iter().map(|a| a.0)));
        let v0: Vec<(f64, f64)> = std::iter::once(KNOWN)
            .chain(ahead.iter().map(|a| a.1))
            .collect();
        let fit = match ols::fit_ols(&ols::design(&rows), &Array1::from(ys)) {
            Ok(f) => f,
            Err(e) => {
                return ModelResult::skipped(e.to_string(), n);
            }
        };
        let coef_se = fit.coef_se();
        let links = features
            .iter()
            .enumerate()
            .filter_map(|(j, &f)| {
                self.driver_key(key, f).map(|driver| Link {
                    driver,
                    beta: fit.beta[j + 1],
                    beta_se: coef_se[j + 1],
                    at: ahead[j].0,
                })
            })
            .collect();
        let own = fit.predict(&x0).se;
        ModelResult {
            dist: Ok(fit.predict_uncertain(&x0, &v0)),
            n_obs: n,
            links,
            own_var: own * own,
        }
    }

    pub(super) fn ridge(&self, key: &SeriesKey, features: &[Feature], lambda: f64) -> ModelResult {
        // Drop features that cannot be provided ahead (e.g. no parent): ridge uses what is available.
        let usable: Vec<(Feature, Ahead)> = features
            .iter()
            .filter_map(|&f| self.feature_ahead(key, f).ok().map(|a| (f, a)))
            .collect();
        if usable.len() < 2 {
            return ModelResult {
                dist: Err("fewer than two usable regressors".into()),
                n_obs: 0,
                ..Default::default()
            };
        }
        let fs: Vec<Feature> = usable.iter().map(|u| u.0).collect();
        let (xs, ys) = self.rows(key, &fs);
        let n = ys.len();
        let x0 = Array1::from_iter(usable.iter().map(|u| u.1.0));
        let v0: Vec<(f64, f64)> = usable.iter().map(|u| u.1.1).collect();
        let fit = match ridge::fit_ridge(&ols::design(&xs), &Array1::from(ys), lambda) {
            Ok(f) => f,
            Err(e) => {
                return ModelResult::skipped(e.to_string(), n);
            }
        };
        let (coef, coef_se) = (fit.coefficients(), fit.coefficient_se());
        let links = usable
            .iter()
            .enumerate()
            .filter_map(|(j, (f, a))| {
                self.driver_key(key, *f).map(|driver| Link {
                    driver,
                    beta: coef[j],
                    beta_se: coef_se[j],
                    at: a.0,
                })
            })
            .collect();
        let known = vec![KNOWN; usable.len()];
        let own = fit.predict_uncertain(&x0, &known).se;
        ModelResult {
            dist: Ok(fit.predict_uncertain(&x0, &v0)),
            n_obs: n,
            links,
            own_var: own * own,
        }
    }
}
