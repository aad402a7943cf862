//! Persistence models of the engine: `naive` (last value), the pooled region–parent gap (`pooled_gap`)
//! and the recent `mean`.

use super::*;

impl Context<'_> {
    pub(super) fn naive(&self, key: &SeriesKey) -> ModelResult {
        let series = self.series(&key.0, &key.1);
        let Some(year) = self.anchor_year(|y| series.and_then(|s| s.get(y)).is_some()) else {
            return ModelResult::skipped(format!("no recent value (cut-off {})", self.cutoff), 0);
        };
        let last = series.and_then(|s| s.get(year)).unwrap_or(f64::NAN);
        // A random walk: the variance grows with the years from the value used to the forecast year.
        let steps = f64::from(self.target_year() - year);
        let n = series.map_or(0, |s| s.upto(self.cutoff).len());
        let Some(pool) = self.pooled.by_indicator.get(&key.1) else {
            return ModelResult::skipped("no yearly changes to scale the forecast", n);
        };
        let Some((var, df)) = pool.changes.region(&key.0, pool.changes.n) else {
            return ModelResult::skipped("no yearly changes to scale the forecast", n);
        };
        let var = var * steps;
        ModelResult {
            dist: Ok(Dist::new(last, var.sqrt(), df)),
            n_obs: n,
            own_var: var,
            ..Default::default()
        }
    }

    pub(super) fn pooled_gap(&self, key: &SeriesKey) -> ModelResult {
        let Some(parent) = self.parents.get(&key.0) else {
            return ModelResult::skipped(format!("{} has no parent region", key.0), 0);
        };
        let n = self
            .series(&key.0, &key.1)
            .map_or(0, |s| s.upto(self.cutoff).len());
        let Some(pool) = self.pooled.by_indicator.get(&key.1) else {
            return ModelResult::skipped("no pooled gap regression", n);
        };
        let gap_at = |y: i32| pooled::own_gap(self.panel, &key.0, parent, &key.1, y);
        let Some(gap_year) = self.anchor_year(|y| gap_at(y).is_some()) else {
            return ModelResult::skipped(
                format!(
                    "needs recent values of {} and {parent} (cut-off {})",
                    key.0, self.cutoff
                ),
                n,
            );
        };
        let own_gap = gap_at(gap_year).unwrap_or(f64::NAN);
        // Years the gap must be carried to the cut-off before the one-year equation applies.
        let extra = self.cutoff - gap_year;
        let Some(parent_fc) = self.driver_forecasts.get(&(parent.clone(), key.1.clone())) else {
            return ModelResult::skipped(
                format!(
                    "no forecast of {parent}.{} for {}",
                    key.1,
                    self.target_year()
                ),
                n,
            );
        };
        // Driver gaps of the forecast year: (region forecast, parent forecast) per driver, when all exist.
        let driven = pool.gap_driven.as_ref().and_then(|f| f.as_ref().ok());
        let driver_fcs: Option<Vec<(Dist, Dist)>> = driven.and_then(|f| {
            f.drivers
                .iter()
                .map(|d| {
                    let r = self.driver_forecasts.get(&(key.0.clone(), d.to_string()))?;
                    let p = self
                        .driver_forecasts
                        .get(&(parent.clone(), d.to_string()))?;
                    Some((*r, *p))
                })
                .collect()
        });
        let (fit, driver_fcs) = match (driven, driver_fcs) {
            (Some(f), Some(d)) => (f, d),
            _ => match &pool.gap {
                Some(Ok(f)) => (f, Vec::new()),
                Some(Err(e)) => return ModelResult::skipped(e.clone(), n),
                None => return ModelResult::skipped("no pooled gap regression", n),
            },
        };
        let Some((s2, df)) = fit.residuals.region(&key.0, fit.fit.df) else {
            return ModelResult::skipped("pooled residual variance is zero", n);
        };
        // The gap is damped: ρ is kept in [0, 1] (a least-squares ρ above 1, e.g. from a broken year in
        // the pool, would let gaps grow; below 0, flip sign).
        let rho = fit.fit.beta[0].clamp(0.0, 1.0);
        let mut beta = fit.fit.beta.clone();
        beta[0] = rho;
        let x0 = Array1::from_iter(
            std::iter::once(own_gap * rho.powi(extra))
                .chain(driver_fcs.iter().map(|(r, p)| r.mean - p.mean)),
        );
        let lever = x0.dot(&fit.fit.xtx_inv.dot(&x0));
        let own_var = s2 * (1.0 + lever) * f64::from(1 + extra);
        let mut terms = vec![(own_var, df), (parent_fc.se * parent_fc.se, parent_fc.df)];
        let mut links = vec![Link {
            driver: (parent.clone(), key.1.clone()),
            beta: 1.0,
            beta_se: 0.0,
            at: parent_fc.mean,
        }];
        let coef_se = fit.fit.coef_se();
        for (j, ((r, p), d)) in driver_fcs.iter().zip(fit.drivers).enumerate() {
            let b = fit.fit.beta[j + 1];
            // The region's driver forecast contains its parent's: the gap's own variance is the rest.
            let gap_var = (r.se * r.se - p.se * p.se).max(0.0);
            terms.push((b * b * gap_var, r.df));
            links.push(Link {
                driver: (key.0.clone(), d.to_string()),
                beta: b,
                beta_se: coef_se[j + 1],
                at: r.mean,
            });
            links.push(Link {
                driver: (parent.clone(), d.to_string()),
                beta: -b,
                beta_se: coef_se[j + 1],
                at: p.mean,
            });
        }
        ModelResult {
            dist: Ok(sum_of_errors(parent_fc.mean + x0.dot(&beta), &terms)),
            n_obs: n,
            links,
            own_var,
        }
    }

    pub(super) fn mean(&self, key: &SeriesKey) -> ModelResult {
        let (xs, ys) = self.rows(key, &[Feature::Year]);
        // Only observations of the last MEAN_YEARS years count as "recent" (sparse city series).
        let ys: Vec<f64> = xs
            .iter()
            .zip(&ys)
            .filter(|(x, _)| x[0] > -f64::from(MEAN_YEARS))
            .map(|(_, y)| *y)
            .collect();
        let recent = &ys[ys.len().saturating_sub(MEAN_WINDOW)..];
        let n = recent.len();
        if n < 3 {
            return ModelResult {
                dist: Err(format!("{n} observations; the mean needs 3")),
                n_obs: n,
                ..Default::default()
            };
        }
        let x = ols::design(&vec![vec![1.0]; n]);
        let dist = ols::fit_ols(&x, &Array1::from(recent.to_vec()))
            .map(|f| f.predict(&Array1::from(vec![1.0])))
            .map_err(|e| e.to_string());
        let own_var = dist.as_ref().map_or(0.0, |d| d.se * d.se);
        ModelResult {
            dist,
            n_obs: n,
            own_var,
            ..Default::default()
        }
    }
}
