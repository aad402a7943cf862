//! Models through the parent region: the gap to the parent (`parent_gap`) and the pooled bridge from
//! a driver indicator (`pooled_bridge`).

use super::*;

impl Context<'_> {
    pub(super) fn parent_gap(&self, key: &SeriesKey) -> ModelResult {
        let Some(parent) = self.parents.get(&key.0) else {
            return ModelResult {
                dist: Err(format!("{} has no parent region", key.0)),
                n_obs: 0,
                ..Default::default()
            };
        };
        let Some(parent_fc) = self.driver_forecasts.get(&(parent.clone(), key.1.clone())) else {
            return ModelResult {
                dist: Err(format!(
                    "no forecast of {parent}.{} for {}",
                    key.1,
                    self.target_year()
                )),
                n_obs: 0,
                ..Default::default()
            };
        };
        // Gaps region − parent for every indicator both have, grouped by indicator.
        let family = |ind: &str| self.families.get(ind).map_or("", String::as_str);
        let mut gaps_by_indicator: Vec<(bool, bool, Vec<f64>)> = Vec::new();
        for ((region, indicator), series) in &self.panel.growth {
            if region != &key.0 {
                continue;
            }
            let Some(ps) = self.series(parent, indicator) else {
                continue;
            };
            let gaps: Vec<f64> = series
                .upto(self.cutoff)
                .iter()
                .filter(|p| !self.is_intervention(p.year))
                .filter_map(|p| ps.get(p.year).map(|q| p.value - q))
                .collect();
            if !gaps.is_empty() {
                let same_family = family(indicator) == family(&key.1);
                gaps_by_indicator.push((indicator == &key.1, same_family, gaps));
            }
        }
        // Pool within the indicator's family when that gives at least 2 degrees of freedom, else over all
        // of the region's indicators.
        let pool = |family_only: bool| {
            let (mut sum, mut n, mut ss, mut df) = (0.0, 0.0, 0.0, 0.0);
            for (_, same, g) in &gaps_by_indicator {
                if family_only && !same {
                    continue;
                }
                let m = g.iter().sum::<f64>() / g.len() as f64;
                sum += g.iter().sum::<f64>();
                n += g.len() as f64;
                ss += g.iter().map(|x| (x - m) * (x - m)).sum::<f64>();
                df += g.len() as f64 - 1.0;
            }
            (sum / n, ss, df)
        };
        let (mut pooled_mean, mut pooled_ss, mut pooled_df) = pool(true);
        if pooled_df < 2.0 {
            (pooled_mean, pooled_ss, pooled_df) = pool(false);
        }
        let own: &[f64] = gaps_by_indicator
            .iter()
            .find(|g| g.0)
            .map_or(&[], |g| g.2.as_slice());
        if pooled_df < 2.0 {
            return ModelResult::skipped(
                format!("too few {}–{parent} gaps to pool (df {pooled_df})", key.0),
                own.len(),
            );
        }
        // Own mean and variance of the gap, each shrunk toward the pool with a prior worth
        // GAP_PRIOR_OBS observations.
        let n = own.len() as f64;
        let own_mean = own.iter().sum::<f64>() / n.max(1.0);
        let own_ss: f64 = own.iter().map(|x| (x - own_mean) * (x - own_mean)).sum();
        let gap = (n * own_mean + GAP_PRIOR_OBS * pooled_mean) / (n + GAP_PRIOR_OBS);
        let s2_pool = pooled_ss / pooled_df;
        let own_df = (n - 1.0).max(0.0);
        let s2 = (own_ss + GAP_PRIOR_OBS * s2_pool) / (own_df + GAP_PRIOR_OBS);
        let own_var = s2 * (1.0 + 1.0 / (n + GAP_PRIOR_OBS));
        let parent_var = parent_fc.se * parent_fc.se;
        ModelResult {
            dist: Ok(sum_of_errors(
                parent_fc.mean + gap,
                &[
                    (own_var, own_df + pooled_df.min(GAP_PRIOR_OBS)),
                    (parent_var, parent_fc.df),
                ],
            )),
            n_obs: own.len(),
            links: vec![Link {
                driver: (parent.clone(), key.1.clone()),
                beta: 1.0,
                beta_se: 0.0,
                at: parent_fc.mean,
            }],
            own_var,
        }
    }

    pub(super) fn pooled_bridge(&self, key: &SeriesKey, driver: &'static str) -> ModelResult {
        let regions: Vec<&String> = self
            .panel
            .growth
            .keys()
            .filter(|(r, i)| {
                i == &key.1
                    && self
                        .panel
                        .growth
                        .contains_key(&(r.clone(), driver.to_string()))
            })
            .map(|(r, _)| r)
            .collect();
        let mut rows: Vec<(usize, f64, f64)> = Vec::new();
        for (ri, region) in regions.iter().enumerate() {
            let rk = ((*region).clone(), key.1.clone());
            for p in self.panel.growth[&rk].upto(self.cutoff) {
                if self.is_intervention(p.year) {
                    continue;
                }
                if let Some(x) = self.series(region, driver).and_then(|s| s.get(p.year)) {
                    rows.push((ri, x, p.value));
                }
            }
        }
        let Some(target) = regions.iter().position(|r| **r == key.0) else {
            return ModelResult {
                dist: Err(format!("{} has no {driver} data", key.0)),
                ..Default::default()
            };
        };
        let own_rows = rows.iter().filter(|r| r.0 == target).count();
        let used: Vec<usize> = (0..regions.len())
            .filter(|&ri| rows.iter().any(|r| r.0 == ri))
            .collect();
        let p = used.len() + 1;
        if own_rows == 0 || rows.len() < p + 2 {
            return ModelResult {
                dist: Err(format!(
                    "{} joint observations ({own_rows} of {}) for {p} coefficients; need {} and one of the region",
                    rows.len(),
                    key.0,
                    p + 2
                )),
                n_obs: own_rows,
                ..Default::default()
            };
        }
        let (x_ahead, x_err) = match self.feature_ahead(key, Feature::Same(driver)) {
            Ok(a) => a,
            Err(e) => {
                return ModelResult::skipped(e, own_rows);
            }
        };
        let design_rows: Vec<Vec<f64>> = rows
            .iter()
            .map(|(ri, x, _)| {
                used.iter()
                    .map(|u| f64::from(u8::from(u == ri)))
                    .chain([*x])
                    .collect()
            })
            .collect();
        let ys = Array1::from_iter(rows.iter().map(|r| r.2));
        let fit = match ols::fit_ols(&ols::design(&design_rows), &ys) {
            Ok(f) => f,
            Err(e) => {
                return ModelResult::skipped(e.to_string(), own_rows);
            }
        };
        let x0 = Array1::from_iter(
            used.iter()
                .map(|u| f64::from(u8::from(*u == target)))
                .chain([x_ahead]),
        );
        let mut errs = vec![KNOWN; used.len()];
        errs.push(x_err);
        let b = used.len();
        let own = fit.predict(&x0).se;
        ModelResult {
            dist: Ok(fit.predict_uncertain(&x0, &errs)),
            n_obs: own_rows,
            links: vec![Link {
                driver: (key.0.clone(), driver.to_string()),
                beta: fit.beta[b],
                beta_se: fit.coef_se()[b],
                at: x_ahead,
            }],
            own_var: own * own,
        }
    }

    /// The series a feature's forecast-year value comes from, when it is a forecast.
    pub(super) fn driver_key(&self, key: &SeriesKey, f: Feature) -> Option<SeriesKey> {
        match f {
            Feature::Parent => self.parents.get(&key.0).map(|p| (p.clone(), key.1.clone())),
            Feature::Same(ind) => Some((key.0.clone(), ind.to_string())),
            Feature::Year | Feature::Lag1 => None,
        }
    }
}
