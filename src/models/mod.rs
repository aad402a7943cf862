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

mod gaps;
mod persistence;
mod regression;

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
}
