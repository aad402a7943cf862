//! The model catalogue. Every model forecasts one growth series one year ahead from the data available at a
//! cut-off, and returns a predictive [`Dist`] or the reason it could not be fitted.
//!
//! | model | equation (fitted on years ≤ cut-off) | needs |
//! |---|---|---|
//! | `naive` | ŷ = the last value ("same as last year", the benchmark every model must beat); scale pooled over regions ([`pooled`]) | a recent value |
//! | `pooled_gap` | ŷ = parent forecast + ρ·last gap to the parent (+ investment gap for GDP), ρ pooled over regions ([`pooled`]) | parent forecast, recent values |
//! | `mean` | yₜ = μ on the last 5 observations of the last 8 years | 3 obs |
//! | `trend` | yₜ = a + b·t, gaps allowed | df ≥ 2 |
//! | `ar1` | yₜ = a + φ·yₜ₋₁ on consecutive pairs | value at the cut-off |
//! | `parent` | yₜ = a + b·parentₜ, parent forecast fed in with its variance | parent forecast |
//! | `bridge_*` | cross-indicator: revenue on nominal GDP, income on real GDP, retail/FAI on own lag and parent | drivers |
//! | `bridge_fai_pooled` | GDP growth on investment growth, slope pooled over regions, intercept per region | FAI forecast |
//! | `parent_gap` | yₜ = parentₜ + d; d and its variance shrunk toward the region's gaps pooled over the indicator's family (`indicator_meta.csv`) | parent forecast |
//! | `ridge` | ridge (linfa-elasticnet) on the union of the features above, penalty chosen by rolling origin | df ≥ 1 |
//!
//! `mean`, `trend` and `ridge` (which has a year term) are skipped as *stale* when the series' last
//! observation is more than [`MAX_STALE_YEARS`] years before the cut-off: the parent-driven models then
//! carry the forecast. `naive` and `pooled_gap` do not carry an intervention year's value forward: they use
//! the last ordinary year, at most [`MAX_STALE_YEARS`] ordinary years before the cut-off (intervention
//! years do not count), with the variance of the longer step. Which model the engine uses is decided in [`crate::engine`].
//!
//! Intervention years (`events.csv`, the 2020 slump and 2021 rebound) get their own intercept in every
//! regression, which for OLS is the same as leaving those rows out of the fit (a pair whose lag falls in
//! an intervention year is left out too). They remain actuals in the backtests.
//!
//! Regressors that are themselves forecasts (parent, driver indicators) enter with their predictive
//! variance: `Var = σ̂²(1 + x₀ᵀ(XᵀX)⁻¹x₀) + Σ βⱼ² Var(x̂ⱼ)` (see [`ols::OlsFit::predict_uncertain`]).

pub mod ols;
pub mod pooled;
pub mod ridge;

use std::collections::HashMap;

use ndarray::Array1;

use crate::data::panel::{Panel, Series, SeriesKey};
use crate::forecast::{Dist, sum_of_errors};
use pooled::PooledFits;

/// A regressor of the regression models.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Feature {
    /// Calendar year, centred at the cut-off.
    Year,
    /// The series' own value one year earlier.
    Lag1,
    /// The same indicator in the parent region, same year.
    Parent,
    /// Another indicator of the same region, same year.
    Same(&'static str),
}

/// Forecast error of a regressor whose value is known: no variance.
const KNOWN: (f64, f64) = (0.0, f64::INFINITY);

/// A regressor's value in the forecast year and its forecast error (variance, degrees of freedom).
type Ahead = (f64, (f64, f64));

/// The family of a model.
#[derive(Debug, Clone, PartialEq)]
pub enum ModelKind {
    /// Last value ("same as last year"), scale pooled over regions ([`pooled`]).
    Naive,
    /// Parent forecast plus the region's damped gap, pooled over regions ([`pooled`]).
    PooledGap,
    /// Mean of the last few observations.
    Mean,
    /// OLS with an intercept and the given features.
    Ols(Vec<Feature>),
    /// Ridge on the given features with a fixed penalty.
    Ridge(Vec<Feature>, f64),
    /// Parent forecast plus a shrunk region gap.
    ParentGap,
    /// Bridge on another indicator of the same region, with the slope pooled over all regions (one
    /// intercept per region): y_{r,t} = a_r + b·x_{r,t}.
    PooledBridge(&'static str),
}

impl ModelKind {
    /// Whether the model projects the series' own past (level or trend) into the forecast year, so that
    /// it is meaningless when the last observation is old. Models driven by a forecast of the parent or of
    /// another indicator are not.
    pub fn extrapolates_own_history(&self) -> bool {
        match self {
            ModelKind::Mean => true,
            ModelKind::Ols(f) | ModelKind::Ridge(f, _) => f.contains(&Feature::Year),
            // `naive` and `pooled_gap` find their own anchor year (intervention years not counted).
            ModelKind::ParentGap
            | ModelKind::PooledBridge(_)
            | ModelKind::PooledGap
            | ModelKind::Naive => false,
        }
    }
}

/// A named model.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelSpec {
    /// Name shown in outputs.
    pub name: String,
    /// What it fits.
    pub kind: ModelKind,
}

/// Penalties tried for the ridge model (linfa-elasticnet scale, regressors standardised).
pub const RIDGE_PENALTIES: &[f64] = &[0.03, 0.1, 0.3, 1.0, 3.0];
/// Penalty used before the backtests have enough errors to choose.
pub const RIDGE_DEFAULT: f64 = 0.3;
/// Models that extrapolate a series' own history are skipped when its last observation is more than this
/// many years before the cut-off (e.g. a provincial series that stops in 2019, forecast for 2023).
pub const MAX_STALE_YEARS: i32 = 1;
/// Observations used by the `mean` baseline.
pub const MEAN_WINDOW: usize = 5;
/// The `mean` baseline only uses observations of the last this many years up to the cut-off.
pub const MEAN_YEARS: i32 = 8;
/// Prior weight (in observations) of the pooled regional gap in the `parent_gap` model.
pub const GAP_PRIOR_OBS: f64 = 3.0;

/// Cross-indicator driver of an indicator, if the catalogue has one.
pub fn bridge_features(indicator: &str) -> Option<(&'static str, Vec<Feature>)> {
    match indicator {
        "gpbr_growth" => Some((
            "bridge_gdp_nominal",
            vec![Feature::Same("gdp_nominal_growth")],
        )),
        "disp_income_all_growth"
        | "urban_disp_income_growth"
        | "rural_disp_income_growth"
        | "rural_net_income_growth" => Some(("bridge_gdp", vec![Feature::Same("gdp_real_growth")])),
        "retail_sales_growth" | "fai_growth" => {
            Some(("bridge_lag_parent", vec![Feature::Lag1, Feature::Parent]))
        }
        _ => None,
    }
}

/// Indicators other series may use as drivers: they are forecast first within a region.
pub const DRIVER_INDICATORS: &[&str] = &["fai_growth", "gdp_nominal_growth", "gdp_real_growth"];

/// The models tried for an indicator (ridge once per penalty; the engine picks the penalty).
pub fn catalogue(indicator: &str) -> Vec<ModelSpec> {
    let mut out = vec![
        ModelSpec {
            name: "naive".into(),
            kind: ModelKind::Naive,
        },
        ModelSpec {
            name: "pooled_gap".into(),
            kind: ModelKind::PooledGap,
        },
        ModelSpec {
            name: "mean".into(),
            kind: ModelKind::Mean,
        },
        ModelSpec {
            name: "trend".into(),
            kind: ModelKind::Ols(vec![Feature::Year]),
        },
        ModelSpec {
            name: "ar1".into(),
            kind: ModelKind::Ols(vec![Feature::Lag1]),
        },
        ModelSpec {
            name: "parent".into(),
            kind: ModelKind::Ols(vec![Feature::Parent]),
        },
        ModelSpec {
            name: "parent_gap".into(),
            kind: ModelKind::ParentGap,
        },
    ];
    let mut ridge_features = vec![Feature::Year, Feature::Lag1, Feature::Parent];
    if let Some((name, features)) = bridge_features(indicator) {
        for f in &features {
            if !ridge_features.contains(f) {
                ridge_features.push(*f);
            }
        }
        out.push(ModelSpec {
            name: name.into(),
            kind: ModelKind::Ols(features),
        });
    }
    if indicator == "gdp_real_growth" {
        // Investment drives growth: the planner's lever (`indicast required --driver Zibo.fai_growth`).
        // A city has too few joint observations for its own slope, so the slope is pooled.
        out.push(ModelSpec {
            name: "bridge_fai_pooled".into(),
            kind: ModelKind::PooledBridge("fai_growth"),
        });
    }
    for &lambda in RIDGE_PENALTIES {
        out.push(ModelSpec {
            name: ridge_name(lambda),
            kind: ModelKind::Ridge(ridge_features.clone(), lambda),
        });
    }
    out
}

/// Name of the ridge variant with penalty `lambda`.
pub fn ridge_name(lambda: f64) -> String {
    format!("ridge@{lambda}")
}

/// Everything a model may look at when forecasting `cutoff + 1`.
pub struct Context<'a> {
    /// All growth series (already limited to the run's as-of year).
    pub panel: &'a Panel,
    /// Parent of each region.
    pub parents: &'a HashMap<String, String>,
    /// Last year of data the model may use.
    pub cutoff: i32,
    /// Years given their own intercept (empty when the treatment is off).
    pub interventions: &'a [i32],
    /// Forecasts of `cutoff + 1` already made at this cut-off (parents and driver indicators), before
    /// calibration: the forecast built on them is calibrated once.
    pub driver_forecasts: &'a HashMap<SeriesKey, Dist>,
    /// Family of each indicator (`indicator_meta.csv`); indicators without one form the family "".
    pub families: &'a HashMap<String, String>,
    /// Estimates pooled over all regions at this cut-off.
    pub pooled: &'a PooledFits,
}

/// The result of one model on one series.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelResult {
    /// Predictive distribution, or the reason the model was skipped.
    pub dist: Result<Dist, String>,
    /// Observations used in the fit.
    pub n_obs: usize,
    /// Regressors that are forecasts of other series, with their coefficients (for scenarios).
    pub links: Vec<Link>,
    /// Predictive variance excluding the part propagated from the linked regressors' uncertainty.
    pub own_var: f64,
}

impl ModelResult {
    /// A model that could not be fitted, with the reason and the observations it had.
    fn skipped(reason: impl Into<String>, n_obs: usize) -> ModelResult {
        ModelResult {
            dist: Err(reason.into()),
            n_obs,
            ..Default::default()
        }
    }
}

impl Default for ModelResult {
    fn default() -> Self {
        ModelResult {
            dist: Err(String::new()),
            n_obs: 0,
            links: Vec::new(),
            own_var: 0.0,
        }
    }
}

/// How a model's forecast responds to a regressor that is itself a forecast of another series.
#[derive(Debug, Clone, PartialEq)]
pub struct Link {
    /// The series the regressor is.
    pub driver: SeriesKey,
    /// Coefficient: change of the forecast per unit change of the driver.
    pub beta: f64,
    /// Standard error of the coefficient.
    pub beta_se: f64,
    /// The driver value the forecast was computed at (the driver's forecast mean).
    pub at: f64,
}

impl Context<'_> {
    fn target_year(&self) -> i32 {
        self.cutoff + 1
    }

    fn series(&self, region: &str, indicator: &str) -> Option<&Series> {
        self.panel
            .growth
            .get(&(region.to_string(), indicator.to_string()))
    }

    fn is_intervention(&self, year: i32) -> bool {
        self.interventions.contains(&year)
    }

    /// The last year ≤ cut-off at which `has` holds, outside the intervention years (their values are
    /// exceptional by declaration and not carried forward), and at most [`MAX_STALE_YEARS`] ordinary
    /// years before the cut-off.
    fn anchor_year(&self, has: impl Fn(i32) -> bool) -> Option<i32> {
        let mut ordinary_skipped = 0;
        let mut y = self.cutoff;
        loop {
            if !self.is_intervention(y) {
                if has(y) {
                    return Some(y);
                }
                ordinary_skipped += 1;
                if ordinary_skipped > MAX_STALE_YEARS {
                    return None;
                }
            }
            y -= 1;
            if y < self.cutoff - 40 {
                return None;
            }
        }
    }

    /// Value of a feature in training year `t` (must be ≤ cut-off).
    fn feature_at(&self, key: &SeriesKey, f: Feature, t: i32) -> Option<f64> {
        match f {
            Feature::Year => Some(f64::from(t - self.cutoff)),
            Feature::Lag1 => {
                if self.is_intervention(t - 1) {
                    return None;
                }
                self.series(&key.0, &key.1)?.get(t - 1)
            }
            Feature::Parent => {
                let parent = self.parents.get(&key.0)?;
                self.series(parent, &key.1)?.get(t)
            }
            Feature::Same(ind) => self.series(&key.0, ind)?.get(t),
        }
    }

    /// Value and variance of a feature in the forecast year.
    fn feature_ahead(&self, key: &SeriesKey, f: Feature) -> Result<Ahead, String> {
        let t = self.target_year();
        match f {
            Feature::Year => Ok((f64::from(t - self.cutoff), KNOWN)),
            Feature::Lag1 => self
                .series(&key.0, &key.1)
                .and_then(|s| s.get(t - 1))
                .map(|v| (v, KNOWN))
                .ok_or_else(|| format!("no value for {} (needed as the lag)", t - 1)),
            Feature::Parent => {
                let parent = self
                    .parents
                    .get(&key.0)
                    .ok_or_else(|| format!("{} has no parent region", key.0))?;
                self.driver_forecasts
                    .get(&(parent.clone(), key.1.clone()))
                    .map(|d| (d.mean, (d.se * d.se, d.df)))
                    .ok_or_else(|| format!("no forecast of {parent}.{} for {t}", key.1))
            }
            Feature::Same(ind) => self
                .driver_forecasts
                .get(&(key.0.clone(), ind.to_string()))
                .map(|d| (d.mean, (d.se * d.se, d.df)))
                .ok_or_else(|| format!("no forecast of {}.{ind} for {t}", key.0)),
        }
    }

    /// Training rows `(features, y)` of a series: every observed year ≤ cut-off outside the intervention
    /// years where all features are observed.
    fn rows(&self, key: &SeriesKey, features: &[Feature]) -> (Vec<Vec<f64>>, Vec<f64>) {
        let mut xs = Vec::new();
        let mut ys = Vec::new();
        let Some(series) = self.series(&key.0, &key.1) else {
            return (xs, ys);
        };
        for p in series.upto(self.cutoff) {
            if self.is_intervention(p.year) {
                continue;
            }
            let row: Option<Vec<f64>> = features
                .iter()
                .map(|&f| self.feature_at(key, f, p.year))
                .collect();
            if let Some(row) = row {
                xs.push(row);
                ys.push(p.value);
            }
        }
        (xs, ys)
    }

    /// Forecast `cutoff + 1` of series `key` with model `spec`.
    pub fn forecast(&self, key: &SeriesKey, spec: &ModelSpec) -> ModelResult {
        if spec.kind.extrapolates_own_history() {
            let last = self
                .series(&key.0, &key.1)
                .and_then(|s| s.upto(self.cutoff).last())
                .map(|p| p.year);
            if let Some(last) = last.filter(|&y| y < self.cutoff - MAX_STALE_YEARS) {
                return ModelResult {
                    dist: Err(format!(
                        "stale: last observation {last}, more than {MAX_STALE_YEARS} years before the cut-off {}",
                        self.cutoff
                    )),
                    n_obs: 0,
                    ..Default::default()
                };
            }
        }
        let mut r = match &spec.kind {
            ModelKind::Naive => self.naive(key),
            ModelKind::PooledGap => self.pooled_gap(key),
            ModelKind::Mean => self.mean(key),
            ModelKind::Ols(features) => self.ols(key, features),
            ModelKind::Ridge(features, lambda) => self.ridge(key, features, *lambda),
            ModelKind::ParentGap => self.parent_gap(key),
            ModelKind::PooledBridge(driver) => self.pooled_bridge(key, driver),
        };
        if let Ok(d) = r.dist
            && !(d.mean.is_finite() && d.se.is_finite() && d.se > 0.0)
        {
            r.dist = Err(format!(
                "numerically unusable forecast (mean {}, se {})",
                d.mean, d.se
            ));
        }
        r
    }

    fn naive(&self, key: &SeriesKey) -> ModelResult {
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

    fn pooled_gap(&self, key: &SeriesKey) -> ModelResult {
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

    fn mean(&self, key: &SeriesKey) -> ModelResult {
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

    fn ols(&self, key: &SeriesKey, features: &[Feature]) -> ModelResult {
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

    fn ridge(&self, key: &SeriesKey, features: &[Feature], lambda: f64) -> ModelResult {
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

    fn parent_gap(&self, key: &SeriesKey) -> ModelResult {
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

    fn pooled_bridge(&self, key: &SeriesKey, driver: &'static str) -> ModelResult {
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
    fn driver_key(&self, key: &SeriesKey, f: Feature) -> Option<SeriesKey> {
        match f {
            Feature::Parent => self.parents.get(&key.0).map(|p| (p.clone(), key.1.clone())),
            Feature::Same(ind) => Some((key.0.clone(), ind.to_string())),
            Feature::Year | Feature::Lag1 => None,
        }
    }
}
