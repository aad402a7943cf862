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
//!
//! # Historical calls
//! [`calls`] gives, for every past growth target with a known outcome, the engine's P(met) as of the
//! year before and the [`BASELINES`]' probabilities; [`scores`] scores them (Brier, log score) and
//! [`reliability`] bins the graded ones by P(met) decile. The `persistence` baseline
//! ([`persistence_probability`], [`persistence_scale`]) is the naive forecast with a spread: last year's
//! value plus a Gaussian change as large as the indicator's yearly changes of the ten years before.

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
    /// How much of the series' own history the forecast rests on.
    pub evidence: Evidence,
}

/// Own yearly observations below which a target's forecast is flagged as resting on thin data: the
/// engine's calibration and own-record windows are 5 years.
pub const THIN_OBS: usize = 5;

/// How much of its own history a target's forecast rests on; said beside the verdict, because a
/// verdict from the parent region alone reads the same as one from twenty years of the city's data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Evidence {
    /// At least [`THIN_OBS`] own observations.
    Own,
    /// Fewer than [`THIN_OBS`] own observations (pooled with the parent region).
    Thin(usize),
    /// No own observation: the forecast comes from the parent region only.
    ParentOnly,
}

impl Evidence {
    /// The evidence of a series with `n_obs` own observations.
    pub fn of(n_obs: usize) -> Evidence {
        match n_obs {
            0 => Evidence::ParentOnly,
            n if n < THIN_OBS => Evidence::Thin(n),
            _ => Evidence::Own,
        }
    }

    /// The word in `assessment.csv`.
    pub fn as_str(self) -> &'static str {
        match self {
            Evidence::Own => "own",
            Evidence::Thin(_) => "thin",
            Evidence::ParentOnly => "parent_only",
        }
    }

    /// What a planner reads beside the verdict (`None` for [`Evidence::Own`]).
    pub fn note(self, zh: bool) -> Option<String> {
        match (self, zh) {
            (Evidence::Own, _) => None,
            (Evidence::Thin(n), true) => Some(format!("本地数据仅{n}年，主要据上级推算")),
            (Evidence::Thin(n), false) => Some(format!(
                "only {n} own year{} of data: mostly from the parent region",
                if n == 1 { "" } else { "s" }
            )),
            (Evidence::ParentOnly, true) => Some("无本地数据，仅据上级推算".to_string()),
            (Evidence::ParentOnly, false) => {
                Some("no data of its own: from the parent region only".to_string())
            }
        }
    }
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

/// The verdict in Chinese: 可能达标 (likely), 难以判断 (toss-up), 不太可能 (unlikely).
pub fn verdict_zh(p: f64) -> &'static str {
    match verdict(p) {
        "likely" => "可能达标",
        "unlikely" => "不太可能",
        _ => "难以判断",
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

/// The growth series a target is assessed on (a level target: the growth of its level).
pub(crate) fn growth_key(t: &Target) -> (String, String) {
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
        evidence: Evidence::of(fc.map_or(0, |f| f.n_obs)),
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
        if fc.n_obs == 0 {
            a.reason = Some(format!(
                "no value of {}.{} up to {} in the data: add its history to indicators.csv (every \
                 model needs at least its last value)",
                key.0,
                key.1,
                t.year - 1
            ));
            return a;
        }
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
    /// meets it (1 or 0; 0.5 when last year's value is unknown); persistence (last year's value with the
    /// spread of yearly changes, see [`persistence_probability`]).
    pub baselines: [f64; 4],
}

/// Names of the call baselines, aligned with [`Call::baselines`].
pub const BASELINES: [&str; 4] = [
    "always_met",
    "share_past_met",
    "last_year_meets",
    "persistence",
];

/// The baselines of [`BASELINES`] that give graded probabilities (the others give 0 or 1, or 0.5 when
/// they cannot tell): the ones a reliability table is drawn for.
pub const PROBABILITY_BASELINES: [&str; 2] = ["share_past_met", "persistence"];

/// Years of yearly changes the persistence baseline's spread is estimated from: the changes
/// `y_t − y_{t−1}` for `t` in `year − 10 ..= year − 1`.
pub const PERSISTENCE_WINDOW: i32 = 10;

/// Fewer changes of the target's own indicator than this (all regions pooled) and the persistence
/// baseline takes the changes of every indicator instead.
pub const PERSISTENCE_MIN_CHANGES: usize = 10;

/// Yearly changes `y_t − y_{t−1}` of the growth series of `indicator` (every indicator when `None`) of all
/// regions, for `t` in `last − PERSISTENCE_WINDOW + 1 ..= last`, where both years are observed.
fn yearly_changes(panel: &Panel, indicator: Option<&str>, last: i32) -> Vec<f64> {
    let first = last - PERSISTENCE_WINDOW + 1;
    let mut changes = Vec::new();
    for ((_, ind), s) in &panel.growth {
        if indicator.is_some_and(|i| i != ind) {
            continue;
        }
        for t in first..=last {
            if let (Some(y), Some(prev)) = (s.get(t), s.get(t - 1)) {
                changes.push(y - prev);
            }
        }
    }
    changes
}

/// The spread `s` of the persistence baseline for a target of `indicator` in `year`: the standard
/// deviation (one mean, `n − 1` denominator) of the yearly changes `y_t − y_{t−1}` of all regions' series
/// of the indicator pooled, for `t` in `year − 10 ..= year − 1` — only data a planner had in December of
/// `year − 1`. With fewer than [`PERSISTENCE_MIN_CHANGES`] such changes, the changes of every indicator
/// in the same years; `None` with fewer than two.
pub fn persistence_scale(panel: &Panel, indicator: &str, year: i32) -> Option<f64> {
    let mut changes = yearly_changes(panel, Some(indicator), year - 1);
    if changes.len() < PERSISTENCE_MIN_CHANGES {
        changes = yearly_changes(panel, None, year - 1);
    }
    if changes.len() < 2 {
        return None;
    }
    let n = changes.len() as f64;
    let mean = changes.iter().sum::<f64>() / n;
    let ss = changes.iter().map(|c| (c - mean).powi(2)).sum::<f64>();
    Some((ss / (n - 1.0)).sqrt())
}

/// P(met) of the persistence baseline: next year's value is last year's value `last` plus a Gaussian
/// change with standard deviation `scale`, so P(met) = Φ((last − bound)/scale) for a target met when
/// y ≥ bound and Φ((bound − last)/scale) for one met when y ≤ bound. 0.5 when `last` or `scale` is
/// unknown; with a zero scale, 1 or 0 as `last` meets the target or not.
pub fn persistence_probability(ev: &MetEvent, last: Option<f64>, scale: Option<f64>) -> f64 {
    let (Some(last), Some(scale)) = (last, scale) else {
        return 0.5;
    };
    if scale <= 0.0 {
        return if ev.is_met(last) { 1.0 } else { 0.0 };
    }
    ev.probability(&Dist::new(last, scale, f64::INFINITY))
}

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
        let persistence =
            persistence_probability(&ev, last, persistence_scale(panel, &t.indicator, t.year));
        res.push(Call {
            target: t.clone(),
            outcome: *outcome,
            met: *met,
            p_met,
            baselines: [1.0, share, last_meets, persistence],
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

/// Bins of the reliability table: `[0, 0.1), [0.1, 0.2), …, [0.9, 1.0]`.
pub const RELIABILITY_BINS: usize = 10;

/// One bin of a reliability table.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ReliabilityBin {
    /// Lower end of the bin's forecast probabilities (included).
    pub lo: f64,
    /// Upper end (excluded, except 1.0 in the last bin).
    pub hi: f64,
    /// Calls whose probability falls in the bin.
    pub n: usize,
    /// Mean forecast probability of these calls (`None` for an empty bin).
    pub mean_p: Option<f64>,
    /// Share of these calls whose target was met (`None` for an empty bin).
    pub share_met: Option<f64>,
}

/// Reliability table of probability calls `(p, met)`: one [`ReliabilityBin`] per tenth of probability,
/// empty bins included. A well-calibrated method has `share_met ≈ mean_p` in every bin.
pub fn reliability_bins(pairs: &[(f64, bool)]) -> Vec<ReliabilityBin> {
    let mut sums = [(0usize, 0.0f64, 0usize); RELIABILITY_BINS];
    for &(p, met) in pairs {
        let bin =
            ((p * RELIABILITY_BINS as f64).floor().max(0.0) as usize).min(RELIABILITY_BINS - 1);
        sums[bin].0 += 1;
        sums[bin].1 += p;
        sums[bin].2 += usize::from(met);
    }
    sums.iter()
        .enumerate()
        .map(|(i, &(n, p, met))| ReliabilityBin {
            lo: i as f64 / RELIABILITY_BINS as f64,
            hi: (i + 1) as f64 / RELIABILITY_BINS as f64,
            n,
            mean_p: (n > 0).then(|| p / n as f64),
            share_met: (n > 0).then(|| met as f64 / n as f64),
        })
        .collect()
}

/// Reliability tables of the historical calls, per method: `engine` and each of
/// [`PROBABILITY_BASELINES`], on the calls the engine could make (the set `calls_summary.csv` scores).
pub fn reliability(calls: &[Call]) -> Vec<(&'static str, Vec<ReliabilityBin>)> {
    let made: Vec<&Call> = calls.iter().filter(|c| c.p_met.is_some()).collect();
    let engine: Vec<(f64, bool)> = made
        .iter()
        .filter_map(|c| c.p_met.map(|p| (p, c.met)))
        .collect();
    let mut res = vec![("engine", reliability_bins(&engine))];
    for name in PROBABILITY_BASELINES {
        let Some(i) = BASELINES.iter().position(|b| *b == name) else {
            continue;
        };
        let pairs: Vec<(f64, bool)> = made.iter().map(|c| (c.baselines[i], c.met)).collect();
        res.push((name, reliability_bins(&pairs)));
    }
    res
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

    /// A growth series with the given (year, value) points.
    fn series(points: &[(i32, f64)]) -> crate::data::panel::Series {
        crate::data::panel::Series::synthetic(points)
    }

    /// Two regions of `gdp_real_growth` over 2000–2010 with known changes (A: +1, −1, …; B: −2, +2, …,
    /// ten each), a wild 1999 value (its change falls in 2000, outside the window of a 2011 target), a
    /// thin `cpi` series with three changes, and `later` appended to both GDP series.
    fn synthetic_panel(later: &[(i32, f64)]) -> Panel {
        let mut a: Vec<(i32, f64)> = vec![(1999, 60.0)];
        let mut b: Vec<(i32, f64)> = vec![(1999, -30.0)];
        for t in 2000..=2010 {
            a.push((t, 5.0 + f64::from(t % 2)));
            b.push((t, 8.0 - 2.0 * f64::from(t % 2)));
        }
        a.extend_from_slice(later);
        b.extend_from_slice(later);
        let mut panel = Panel::default();
        let key = |r: &str, i: &str| (r.to_string(), i.to_string());
        panel.growth.insert(key("A", "gdp_real_growth"), series(&a));
        panel.growth.insert(key("B", "gdp_real_growth"), series(&b));
        panel.growth.insert(
            key("A", "cpi"),
            series(&[(2007, 2.0), (2008, 2.5), (2009, 2.3), (2010, 2.6)]),
        );
        panel
    }

    #[test]
    fn persistence_scale_is_the_pooled_sd_of_the_last_ten_years_of_changes() {
        let panel = synthetic_panel(&[]);
        // Twenty changes ±1 and ±2, mean 0: s² = (10·1 + 10·4) / 19.
        let s = persistence_scale(&panel, "gdp_real_growth", 2011).unwrap();
        assert!((s - (50.0f64 / 19.0).sqrt()).abs() < 1e-12, "s = {s}");
        // Φ((L − bound)/s) with L = 6, bound 5.5: Φ(0.5 / 1.62221…) = 0.6210428.
        let floor = met_event(
            &target(Qualifier::AtLeast, 5.5),
            Direction::HigherIsBetter,
            0.5,
        );
        let p = persistence_probability(&floor, Some(6.0), Some(s));
        assert!((p - 0.621_042_798_9).abs() < 1e-8, "p = {p}");
        // A ceiling met when y ≤ 3.5 with L = 3: Φ((3.5 − 3)/s), the same value.
        let ceiling = met_event(&target(Qualifier::About, 3.0), Direction::Ceiling, 0.5);
        let p_ceiling = persistence_probability(&ceiling, Some(3.0), Some(s));
        assert!((p_ceiling - p).abs() < 1e-12);
        // Unknown last value or scale: 0.5; zero scale: whether L meets the target.
        assert_eq!(persistence_probability(&floor, None, Some(s)), 0.5);
        assert_eq!(persistence_probability(&floor, Some(6.0), None), 0.5);
        assert_eq!(persistence_probability(&floor, Some(6.0), Some(0.0)), 1.0);
        assert_eq!(persistence_probability(&floor, Some(5.0), Some(0.0)), 0.0);
    }

    #[test]
    fn persistence_scale_uses_no_data_after_the_year_before_the_target() {
        let before = persistence_scale(&synthetic_panel(&[]), "gdp_real_growth", 2011);
        let with_later = synthetic_panel(&[(2011, 100.0), (2012, -40.0)]);
        assert_eq!(
            persistence_scale(&with_later, "gdp_real_growth", 2011),
            before
        );
        // The later data do count for a target one year on.
        assert_ne!(
            persistence_scale(&with_later, "gdp_real_growth", 2012),
            before
        );
    }

    #[test]
    fn persistence_scale_falls_back_to_all_indicators_then_to_none() {
        let panel = synthetic_panel(&[]);
        // cpi has three changes (< 10): the 23 changes of every indicator are pooled.
        let changes: Vec<f64> = [1.0, -1.0]
            .repeat(5)
            .into_iter()
            .chain([-2.0, 2.0].repeat(5))
            .chain([0.5, -0.2, 0.3])
            .collect();
        let n = changes.len() as f64;
        let mean = changes.iter().sum::<f64>() / n;
        let sd = (changes.iter().map(|c| (c - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
        let s = persistence_scale(&panel, "cpi", 2011).unwrap();
        assert!((s - sd).abs() < 1e-12, "s = {s}, expected {sd}");
        assert_eq!(persistence_scale(&Panel::default(), "cpi", 2011), None);
        // A target of 2001 sees only the change of 2000 in each GDP series (and none of cpi): 2 changes.
        assert!(persistence_scale(&panel, "cpi", 2001).is_some());
        assert_eq!(persistence_scale(&panel, "cpi", 2000), None);
    }

    #[test]
    fn reliability_bins_count_mean_probability_and_share_met_per_tenth() {
        let pairs = [
            (0.0, false),
            (0.05, true),
            (0.1, true),
            (0.15, false),
            (0.55, true),
            (0.95, true),
            (1.0, false),
        ];
        let bins = reliability_bins(&pairs);
        assert_eq!(bins.len(), 10);
        assert_eq!((bins[0].lo, bins[0].hi), (0.0, 0.1));
        assert_eq!((bins[9].lo, bins[9].hi), (0.9, 1.0));
        assert_eq!(
            bins.iter().map(|b| b.n).collect::<Vec<_>>(),
            [2, 2, 0, 0, 0, 1, 0, 0, 0, 2]
        );
        let close = |a: Option<f64>, b: f64| a.is_some_and(|a| (a - b).abs() < 1e-12);
        assert!(close(bins[0].mean_p, 0.025) && close(bins[0].share_met, 0.5));
        assert!(close(bins[1].mean_p, 0.125) && close(bins[1].share_met, 0.5));
        assert!(close(bins[5].mean_p, 0.55) && close(bins[5].share_met, 1.0));
        assert!(close(bins[9].mean_p, 0.975) && close(bins[9].share_met, 0.5));
        assert_eq!((bins[2].mean_p, bins[2].share_met), (None, None));
    }

    #[test]
    fn reliability_covers_the_engine_and_the_graded_baselines_on_the_calls_made() {
        let call = |p_met: Option<f64>, met: bool, baselines: [f64; 4]| Call {
            target: target(Qualifier::AtLeast, 5.0),
            outcome: 0.0,
            met,
            p_met,
            baselines,
        };
        let calls = [
            call(Some(0.72), true, [1.0, 0.5, 1.0, 0.81]),
            call(Some(0.35), false, [1.0, 0.4, 0.0, 0.12]),
            call(None, true, [1.0, 0.9, 1.0, 0.99]), // not made by the engine: left out
        ];
        let tables = reliability(&calls);
        let names: Vec<&str> = tables.iter().map(|t| t.0).collect();
        assert_eq!(names, ["engine", "share_past_met", "persistence"]);
        let n = |i: usize| tables[i].1.iter().map(|b| b.n).collect::<Vec<_>>();
        assert_eq!(n(0), [0, 0, 0, 1, 0, 0, 0, 1, 0, 0]);
        assert_eq!(n(1), [0, 0, 0, 0, 1, 1, 0, 0, 0, 0]);
        assert_eq!(n(2), [0, 1, 0, 0, 0, 0, 0, 0, 1, 0]);
        for name in PROBABILITY_BASELINES {
            assert!(BASELINES.contains(&name));
        }
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
