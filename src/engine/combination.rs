//! The combination rule: which model a series is forecast with, and the combined distribution.

use super::*;

/// Which combination rule a series follows (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// A region with a parent: the first fitted model of [`CHILD_MODELS`].
    Child,
    /// A root region: the first fitted model of [`ROOT_MODELS`].
    Root,
    /// A root region's indicator of a mean-reverting family ([`MEAN_REVERTING_FAMILIES`]): equal weights
    /// over the fitted models of [`ROOT_MODELS`].
    RootMeanReverting,
}

impl Rule {
    /// The rule of a series of a region with or without a parent, of an indicator of `family`.
    pub fn of(has_parent: bool, family: &str) -> Rule {
        if has_parent {
            Rule::Child
        } else if MEAN_REVERTING_FAMILIES.contains(&family) {
            Rule::RootMeanReverting
        } else {
            Rule::Root
        }
    }
}

/// Weights of the combination rule (see the module docs), aligned with `models`.
pub(super) fn weights(models: &[ModelForecast], rule: Rule) -> Vec<f64> {
    let fitted = |i: usize| models[i].dist.is_ok();
    let n_fitted = (0..models.len()).filter(|&i| fitted(i)).count();
    let (preference, first_only) = match rule {
        Rule::Child => (CHILD_MODELS, true),
        Rule::Root => (ROOT_MODELS, true),
        Rule::RootMeanReverting => (ROOT_MODELS, false),
    };
    let preferred: Vec<usize> = preference
        .iter()
        .filter_map(|name| (0..models.len()).find(|&i| fitted(i) && models[i].model == *name))
        .take(if first_only { 1 } else { preference.len() })
        .collect();
    (0..models.len())
        .map(|i| {
            if !preferred.is_empty() {
                if preferred.contains(&i) {
                    1.0 / preferred.len() as f64
                } else {
                    0.0
                }
            } else if fitted(i) {
                1.0 / n_fitted as f64
            } else {
                0.0
            }
        })
        .collect()
}

/// Combine model forecasts with `w` (aligned with `models`): the combined distribution, or `None` when
/// no weighted model produced a forecast.
pub(super) fn combine(models: &[ModelForecast], w: &[f64]) -> Option<Dist> {
    let dists: Vec<(f64, Dist)> = (0..models.len())
        .filter(|&i| w[i] > 0.0)
        .filter_map(|i| models[i].dist.as_ref().ok().map(|d| (w[i], *d)))
        .collect();
    if dists.is_empty() {
        return None;
    }
    let mean: f64 = dists.iter().map(|(w, d)| w * d.mean).sum();
    let var: f64 = dists
        .iter()
        .map(|(w, d)| w * (d.se * d.se + (d.mean - mean).powi(2)))
        .sum();
    let df: f64 = dists.iter().map(|(w, d)| w * d.df).sum();
    Some(Dist::new(mean, var.sqrt(), df))
}
