//! Targets, the rule that says whether a target is met, the probability of meeting it, and the scoring of
//! historical target calls.
//!
//! # When is a target met?
//! For a target value `T` and an outcome `y` (growth targets in percent, tolerance `tol`, default 0.5 pp):
//!
//! | qualifier | higher-is-better indicator | ceiling indicator (CPI) |
//! |---|---|---|
//! | `at_least` (以上) | y ≥ T | y ≥ T |
//! | `at_most` (以下/以内) | y ≤ T | y ≤ T |
//! | `about` (左右) | y ≥ T − tol (over-achieving is not failure) | y ≤ T + tol |
//! | `range` | y ≥ lower bound | y ≥ lower bound |
//! | `other` (none stated) | y ≥ T | y ≤ T |
//!
//! For level targets the tolerance of `about` is `tol` percent of `T`.
//! `p_met` is the probability of this event under the forecast distribution; `p_at_or_above` is P(y ≥ T).

use crate::data::panel::Panel;
use crate::data::{Basis, Dataset, Direction, Qualifier, Target};
use crate::engine::EngineOutput;
use crate::forecast::Dist;

/// The event "target met" as a threshold: met iff `y >= bound` (`upper == false`) or `y <= bound`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MetEvent {
    /// The threshold.
    pub bound: f64,
    /// `true` when the target is met by staying at or below the bound.
    pub upper: bool,
}

/// Direction of an indicator (default: higher is better).
pub fn direction(ds: &Dataset, indicator: &str) -> Direction {
    ds.meta
        .get(indicator)
        .map_or(Direction::HigherIsBetter, |m| m.direction)
}

/// The met event of a target under the documented rule.
pub fn met_event(t: &Target, dir: Direction, tol: f64) -> MetEvent {
    let tol = match t.basis {
        Basis::Growth => tol,
        Basis::Level => t.value.abs() * tol / 100.0,
    };
    let ceiling = dir == Direction::Ceiling;
    match t.qualifier {
        Qualifier::AtLeast | Qualifier::Range => MetEvent {
            bound: t.value,
            upper: false,
        },
        Qualifier::AtMost => MetEvent {
            bound: t.value,
            upper: true,
        },
        Qualifier::About if ceiling => MetEvent {
            bound: t.value + tol,
            upper: true,
        },
        Qualifier::About => MetEvent {
            bound: t.value - tol,
            upper: false,
        },
        Qualifier::Other => MetEvent {
            bound: t.value,
            upper: ceiling,
        },
    }
}

impl MetEvent {
    /// Whether an outcome meets the target.
    pub fn is_met(&self, y: f64) -> bool {
        if self.upper {
            y <= self.bound
        } else {
            y >= self.bound
        }
    }

    /// Probability of meeting the target under `d`.
    pub fn probability(&self, d: &Dist) -> f64 {
        let p = if self.upper {
            d.cdf(self.bound)
        } else {
            d.sf(self.bound)
        };
        p.clamp(0.0, 1.0)
    }
}

/// The assessment of one target.
#[derive(Debug, Clone, PartialEq)]
pub struct Assessment {
    /// The target.
    pub target: Target,
    /// Forecast distribution of the target's quantity (growth in percent or level).
    pub dist: Option<Dist>,
    /// Probability the target is met.
    pub p_met: Option<f64>,
    /// P(y ≥ T).
    pub p_at_or_above: Option<f64>,
    /// Own observations of the series up to the as-of year.
    pub n_obs: usize,
    /// Summary of the model weights, e.g. `trend 0.40; ar1 0.35; ...`.
    pub models: String,
    /// Calibration factor applied to the standard error.
    pub calibration: f64,
    /// Why the target could not be assessed.
    pub reason: Option<String>,
}

/// Verdict words for a probability.
pub fn verdict(p: f64) -> &'static str {
    if p >= 0.7 {
        "likely"
    } else if p <= 0.3 {
        "unlikely"
    } else {
        "toss-up"
    }
}

/// Assess every target of year `as_of + 1`.
pub fn assess(
    ds: &Dataset,
    panel: &Panel,
    out: &EngineOutput,
    as_of: i32,
    tol: f64,
) -> Vec<Assessment> {
    let mut seen = std::collections::HashSet::new();
    let mut res = Vec::new();
    for t in ds.targets.iter().filter(|t| t.year == as_of + 1) {
        if !seen.insert((t.region.clone(), t.indicator.clone(), t.year)) {
            continue; // the first file that defines a target wins (targets.csv before report_targets.csv)
        }
        res.push(assess_one(ds, panel, out, t, tol));
    }
    res
}

fn growth_key(t: &Target) -> (String, String) {
    match t.basis {
        Basis::Growth => (t.region.clone(), t.indicator.clone()),
        Basis::Level => (t.region.clone(), format!("{}_growth", t.indicator)),
    }
}

fn assess_one(ds: &Dataset, panel: &Panel, out: &EngineOutput, t: &Target, tol: f64) -> Assessment {
    let key = growth_key(t);
    let fc = out.forecast_of(&key, t.year);
    let mut a = Assessment {
        target: t.clone(),
        dist: None,
        p_met: None,
        p_at_or_above: None,
        n_obs: fc.map_or(0, |f| f.n_obs),
        models: String::new(),
        calibration: fc.map_or(1.0, |f| f.calibration),
        reason: None,
    };
    let Some(fc) = fc else {
        a.reason = Some(format!(
            "no data for {}.{} and no parent region to borrow from",
            key.0, key.1
        ));
        return a;
    };
    a.models = fc
        .models
        .iter()
        .filter(|m| m.weight > 0.0)
        .map(|m| format!("{} {:.2}", m.model, m.weight))
        .collect::<Vec<_>>()
        .join("; ");
    let Some(growth) = fc.combined else {
        let reasons: Vec<String> = fc
            .models
            .iter()
            .filter_map(|m| m.dist.as_ref().err().map(|e| format!("{}: {e}", m.model)))
            .collect();
        a.reason = Some(format!("no model could be fitted ({})", reasons.join("; ")));
        return a;
    };
    let dist = match t.basis {
        Basis::Growth => growth,
        Basis::Level => {
            let last = panel
                .levels
                .get(&(t.region.clone(), t.indicator.clone()))
                .and_then(|s| s.get(t.year - 1));
            let Some(level) = last else {
                a.reason = Some(format!(
                    "level target needs the {} level of {}.{}",
                    t.year - 1,
                    t.region,
                    t.indicator
                ));
                return a;
            };
            Dist::new(
                level * (1.0 + growth.mean / 100.0),
                level * growth.se / 100.0,
                growth.df,
            )
        }
    };
    let ev = met_event(t, direction(ds, &t.indicator), tol);
    a.dist = Some(dist);
    a.p_met = Some(ev.probability(&dist));
    a.p_at_or_above = Some(dist.sf(t.value).clamp(0.0, 1.0));
    a
}

/// One historical target with a known outcome and the call the engine would have made the year before.
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    /// The target.
    pub target: Target,
    /// The outcome (from the target file, else the resolved data).
    pub outcome: f64,
    /// Whether it was met (documented rule).
    pub met: bool,
    /// The engine's probability as of the year before, if it could forecast.
    pub p_met: Option<f64>,
    /// Baseline probabilities: always met; share of earlier targets met (Laplace); met iff last year's value
    /// meets it (1 or 0; 0.5 when last year's value is unknown).
    pub baselines: [f64; 3],
}

/// Names of the call baselines, aligned with [`Call::baselines`].
pub const BASELINES: [&str; 3] = ["always_met", "share_past_met", "last_year_meets"];

/// Historical calls for every growth target with a known outcome and `year <= as_of`.
pub fn calls(ds: &Dataset, panel: &Panel, out: &EngineOutput, as_of: i32, tol: f64) -> Vec<Call> {
    let mut known: Vec<(Target, f64, bool)> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for t in ds
        .targets
        .iter()
        .filter(|t| t.year <= as_of && t.basis == Basis::Growth)
    {
        if !seen.insert((t.region.clone(), t.indicator.clone(), t.year)) {
            continue;
        }
        let actual = panel
            .growth
            .get(&(t.region.clone(), t.indicator.clone()))
            .and_then(|s| s.get(t.year));
        let Some(outcome) = t.outcome.or(actual) else {
            continue;
        };
        let met = met_event(t, direction(ds, &t.indicator), tol).is_met(outcome);
        known.push((t.clone(), outcome, met));
    }
    known.sort_by_key(|(t, _, _)| (t.year, t.region.clone(), t.indicator.clone()));
    let mut res = Vec::new();
    for (t, outcome, met) in &known {
        let ev = met_event(t, direction(ds, &t.indicator), tol);
        let p_met = out
            .forecast_of(&(t.region.clone(), t.indicator.clone()), t.year)
            .and_then(|f| f.combined)
            .map(|d| ev.probability(&d));
        let past: Vec<bool> = known
            .iter()
            .filter(|(u, _, _)| u.year < t.year)
            .map(|k| k.2)
            .collect();
        let share = (past.iter().filter(|&&m| m).count() as f64 + 1.0) / (past.len() as f64 + 2.0);
        // Last year's value: the data of year - 1, else the outcome of last year's target, else unknown.
        let last = panel
            .growth
            .get(&(t.region.clone(), t.indicator.clone()))
            .and_then(|s| s.get(t.year - 1))
            .or_else(|| {
                known
                    .iter()
                    .find(|(u, _, _)| {
                        u.year == t.year - 1 && u.region == t.region && u.indicator == t.indicator
                    })
                    .map(|k| k.1)
            });
        let last_meets = last.map_or(0.5, |v| if ev.is_met(v) { 1.0 } else { 0.0 });
        res.push(Call {
            target: t.clone(),
            outcome: *outcome,
            met: *met,
            p_met,
            baselines: [1.0, share, last_meets],
        });
    }
    res
}

/// Probabilities are clipped to this range in log scores, so a certain but wrong call costs ln(0.01).
pub const LOG_SCORE_CLIP: f64 = 0.01;

/// Brier score and mean log score of probability calls.
pub fn scores(pairs: &[(f64, bool)]) -> (f64, f64) {
    let n = pairs.len() as f64;
    let brier = pairs
        .iter()
        .map(|(p, m)| (p - if *m { 1.0 } else { 0.0 }).powi(2))
        .sum::<f64>()
        / n;
    let log = pairs
        .iter()
        .map(|(p, m)| {
            let p = p.clamp(LOG_SCORE_CLIP, 1.0 - LOG_SCORE_CLIP);
            if *m { p.ln() } else { (1.0 - p).ln() }
        })
        .sum::<f64>()
        / n;
    (brier, log)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(q: Qualifier, v: f64) -> Target {
        Target {
            region: "Zibo".into(),
            year: 2023,
            indicator: "gdp_real_growth".into(),
            value: v,
            qualifier: q,
            basis: Basis::Growth,
            text: String::new(),
            outcome: None,
            source: String::new(),
        }
    }

    #[test]
    fn about_growth_target_tolerates_half_a_point_below_and_any_overshoot() {
        let ev = met_event(
            &target(Qualifier::About, 5.5),
            Direction::HigherIsBetter,
            0.5,
        );
        assert!(ev.is_met(5.0));
        assert!(!ev.is_met(4.99));
        assert!(ev.is_met(9.0));
    }

    #[test]
    fn about_ceiling_target_is_met_below_the_cap_plus_tolerance() {
        let ev = met_event(&target(Qualifier::About, 3.0), Direction::Ceiling, 0.5);
        assert!(ev.is_met(1.4));
        assert!(ev.is_met(3.5));
        assert!(!ev.is_met(3.6));
    }

    #[test]
    fn p_met_matches_t_distribution() {
        let d = Dist::new(6.0, 1.0, 10.0);
        let ev = met_event(
            &target(Qualifier::AtLeast, 6.0),
            Direction::HigherIsBetter,
            0.5,
        );
        assert!((ev.probability(&d) - 0.5).abs() < 1e-12);
        let ev = met_event(
            &target(Qualifier::About, 6.0),
            Direction::HigherIsBetter,
            0.5,
        );
        assert!(ev.probability(&d) > 0.6);
    }

    #[test]
    fn scores_of_perfect_and_wrong_calls() {
        let (b, l) = scores(&[(1.0, true), (0.0, false)]);
        assert_eq!(b, 0.0);
        assert!((l - 0.99f64.ln()).abs() < 1e-12);
        let (b, _) = scores(&[(1.0, false)]);
        assert_eq!(b, 1.0);
    }
}
