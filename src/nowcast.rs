//! The nowcast: P(target met) updated in April, July and October from the year-to-date figures.
//!
//! A planning office reviews the year after each quarter (一季度 / 上半年 / 前三季度经济运行分析). With
//! `--as-of 2023Q1` (also `2023H1`, `2023Q3`, `2023-Q3`), the engine runs as in December 2022 — data of
//! full years up to 2022 — and the December forecast of 2023 is then updated with the 2023 year-to-date
//! growth of every series that has one (rows with `period = Q1`, `H1`, `Q3` in `indicators.csv`; nothing
//! of a later period or year is read).
//!
//! # The update
//! The full year is the year-to-date figure plus a surprise: `FY = YTD + δ`. The spread `s` of `δ` per
//! period is the root-mean-square of the root region's (the nation's) `FY − YTD` over its last
//! [`DELTA_YEARS`] ordinary years with both figures (intervention years of `events.csv` left out; the
//! same window as the December forecasts' calibration), with `n − 1` degrees of freedom. A region below
//! the root has it widened by how much more its own December forecast varies (`k = se_region /
//! se_root`, at least 1) and, where it has its own in-year history, shrunk toward it:
//! `s² = (4 (k s_root)² + Σ δ_own²) / (4 + n_own)`. The December forecast (mean `μ₀`, scale `s₀`) and
//! the year-to-date value are combined by precision: `μ = μ₀ + w (YTD − μ₀)` with `w = s₀⁻² / (s₀⁻² +
//! s⁻²)`, scale `(s₀⁻² + s⁻²)^-½` — gradual in April (the first quarter's `δ` is wide), nearly decisive
//! in October. Finally the update is calibrated like the December forecasts: once 20 earlier updates
//! of the same period (all regions, ordinary years) have errors, their standardised errors give the
//! scale factor and degrees of freedom ([`engine::calibration`]). Nothing of a later period or year is
//! read: the history uses years before the forecast year only.
//!
//! # Measured: China's real GDP, every year 2003–2022 with in-year data
//! `indicast run` writes the backtest (`nowcast_backtest.csv`, `nowcast_summary.csv`); `cargo bench
//! --bench provinces` prints it. MAE relative to the naive nowcast (full year = year-to-date), as of
//! Q1 / H1 / Q3:
//!
//! | rule | Q1 | H1 | Q3 | 80% coverage | GDP calls' Brier (December: 0.087 / 0.087 / 0.097) |
//! |---|---:|---:|---:|---|---|
//! | first run: precision weights, spread from all earlier years | 0.62 | 1.02 | 1.55 | 0.53 / 0.61 / 0.62 | – |
//! | spread with a 2-year half-life | 0.56 | 0.93 | 1.16 | 0.58 / 0.61 / 0.62 | – |
//! | t densities multiplied (a far year-to-date value overrides) | 0.71 | 0.98 | 1.18 | 0.63 / 0.72 / 0.62 | – |
//! | `FY = μ₀ + w (YTD − μ₀)`, `w` by least squares on earlier years | 0.64 | 0.96 | 1.29 | 0.68 / 0.78 / 0.94 | – |
//! | the same or the naive nowcast, whichever has the better earlier record | 0.94 | 1.00 | 1.00 | 0.44 / 0.69 / 0.81 | 0.107 / 0.045 / 0.031 |
//! | **taken**: precision weights, spread of the last 5 years, calibrated | **0.83** | **1.00** | **1.19** | 0.58 / 0.61 / 0.75 | **0.031 / 0.016 / 0.014** |
//! | the same with first-release year-to-date figures ([`in_year_preference`]; all rows above used the revisions) | 0.83 | 1.00 | 1.17 | 0.58 / 0.61 / 0.69 | 0.032 / 0.016 / 0.014 |
//!
//! The taken rule is the only one whose update always narrows the December interval and moves toward
//! the year-to-date value (the least-squares and record rules replace the December forecast and widened
//! Zibo's interval in April); its calls beat the naive nowcast's (Brier 0.058 / 0.039 / 0.031; 0.060 /
//! 0.039 / 0.033 with first releases) at every period. As of Q3 nothing beats the naive nowcast on this
//! history: its errors are the census revisions of 2004–2009 (full years revised up by ~2 points after
//! their quarters were published, which no quarter figure foretells) and two turning points where the
//! December forecast was far off (2008: December 14.2, January–September 9.9, year 9.7; 2022: 6.0, 3.2,
//! 3.0), where any weight on the December forecast costs. A learned mean of `δ` chased those revisions
//! (Python prototype: Q1 / H1 / Q3 MAE 1.19 / 0.96 / 0.86 against 0.97 / 0.73 / 0.75 with mean 0).

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::str::FromStr;

use crate::data::panel::{Panel, SeriesKey};
use crate::data::{Dataset, Kind};
use crate::engine::{self, EngineOutput};
use crate::forecast::Dist;
use crate::targets::{Call, direction, met_event};

/// Prior weight (in years of history) of the root's widened spread against a region's own `δ`s.
pub const OWN_PRIOR_YEARS: f64 = 4.0;
/// Years of root history an update needs (else the December forecast stands).
pub const MIN_HISTORY: usize = 3;
/// Most recent years of root history whose `FY − YTD` give the spread.
pub const DELTA_YEARS: usize = engine::CAL_YEARS;
/// Smallest degrees of freedom of an updated forecast.
pub const MIN_DF: f64 = 3.0;
/// Smallest scale of an update (percentage points): published growth has one decimal.
pub const MIN_SCALE: f64 = 0.05;

/// A year-to-date period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum InYear {
    /// January–March (一季度).
    Q1,
    /// January–June (上半年).
    H1,
    /// January–September (前三季度).
    Q3,
}

impl InYear {
    /// All periods, in calendar order.
    pub const ALL: [InYear; 3] = [InYear::Q1, InYear::H1, InYear::Q3];

    /// The `period` code in `indicators.csv`.
    pub fn code(self) -> &'static str {
        match self {
            InYear::Q1 => "Q1",
            InYear::H1 => "H1",
            InYear::Q3 => "Q3",
        }
    }

    /// English label.
    pub fn label_en(self) -> &'static str {
        match self {
            InYear::Q1 => "Q1",
            InYear::H1 => "H1",
            InYear::Q3 => "Q1–Q3",
        }
    }

    /// Chinese label.
    pub fn label_zh(self) -> &'static str {
        match self {
            InYear::Q1 => "一季度",
            InYear::H1 => "上半年",
            InYear::Q3 => "前三季度",
        }
    }

    /// Share of the year elapsed at the end of the period.
    pub fn share(self) -> f64 {
        match self {
            InYear::Q1 => 0.25,
            InYear::H1 => 0.5,
            InYear::Q3 => 0.75,
        }
    }

    /// The period of an `indicators.csv` code (`Q2` is the first half).
    pub fn of_code(code: &str) -> Option<InYear> {
        match code {
            "Q1" => Some(InYear::Q1),
            "H1" | "Q2" => Some(InYear::H1),
            "Q3" => Some(InYear::Q3),
            _ => None,
        }
    }
}

/// What `--as-of` says: a year (December of it: the next year's targets) or a period of a year (the
/// year's own targets, with its year-to-date data up to that period).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AsOf {
    /// The year named.
    pub year: i32,
    /// The period, if any.
    pub period: Option<InYear>,
}

impl AsOf {
    /// The last full year the engine reads: the year itself, or the year before for a period.
    pub fn cutoff(self) -> i32 {
        if self.period.is_some() {
            self.year - 1
        } else {
            self.year
        }
    }

    /// "截至2023年一季度" / "2022年末".
    pub fn label_zh(self) -> String {
        match self.period {
            Some(p) => format!("截至{}年{}", self.year, p.label_zh()),
            None => format!("截至{}年末", self.year),
        }
    }

    /// "as of 2023 Q1" / "as of December 2022".
    pub fn label_en(self) -> String {
        match self.period {
            Some(p) => format!("as of {} {}", self.year, p.label_en()),
            None => format!("as of December {}", self.year),
        }
    }
}

impl fmt::Display for AsOf {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.period {
            Some(p) => write!(f, "{}{}", self.year, p.code()),
            None => write!(f, "{}", self.year),
        }
    }
}

impl FromStr for AsOf {
    type Err = String;

    fn from_str(s: &str) -> Result<AsOf, String> {
        let t = s.trim();
        let digits = t.chars().take_while(char::is_ascii_digit).count();
        let bad = || {
            format!(
                "`{s}` is not an as-of: give a year (2022: December 2022, next year's targets) or a \
                 year and a period (2023Q1, 2023H1, 2023Q3, also 2023-Q3: that year's targets with its \
                 year-to-date data)"
            )
        };
        if digits != 4 {
            return Err(bad());
        }
        let year: i32 = t[..digits].parse().map_err(|_| bad())?;
        let rest = t[digits..]
            .trim_start_matches(['-', ' '])
            .to_ascii_uppercase();
        if rest.is_empty() {
            return Ok(AsOf { year, period: None });
        }
        let period = InYear::of_code(&rest).ok_or_else(bad)?;
        Ok(AsOf {
            year,
            period: Some(period),
        })
    }
}

/// Ordering key of the rows of one year-to-date figure (greatest wins): as the panel's rule for full
/// years ([`crate::data::panel`]: a `low`-confidence row only when nothing better exists, then vintage,
/// confidence, source and value), but with the vintages in the order a planner meets them during the
/// year: the first release (`initial`), a figure of unstated vintage (`reported`), a later revision
/// (`revised`), an estimate or bound (`preliminary`), a derived value. A nowcast as of October uses the
/// January–September figure published in October, and its history is learned from such figures too;
/// revised in-year figures (China's January–September 2007: 11.5 first, 12.2 later) would be a
/// look-ahead in the backtest.
pub fn in_year_preference(
    o: &crate::data::Observation,
) -> (
    bool,
    u8,
    crate::data::Confidence,
    std::cmp::Reverse<&str>,
    std::cmp::Reverse<u64>,
) {
    use crate::data::Vintage;
    let rank: u8 = match o.vintage {
        Vintage::Initial => 4,
        Vintage::Reported => 3,
        Vintage::Revised => 2,
        Vintage::Preliminary => 1,
        Vintage::Derived => 0,
    };
    crate::data::panel::preference_with(o, rank)
}

/// Resolved year-to-date growth values by (series, year, period). Of several rows the one a planner had
/// at the time wins: the first release ([`in_year_preference`]), not the revision a later year published.
#[derive(Debug, Clone, Default)]
pub struct InYearData {
    /// The value of each (series, year, period).
    pub values: BTreeMap<(SeriesKey, i32, InYear), f64>,
}

impl InYearData {
    /// Year-to-date growth rows (`kind = growth_pct`, period Q1/H1/Q3) of years up to `last_year` and,
    /// with `then`, of the year after up to that period (nothing later: no look-ahead).
    pub fn build(ds: &Dataset, last_year: i32, then: Option<InYear>) -> InYearData {
        let mut groups: BTreeMap<(SeriesKey, i32, InYear), Vec<&crate::data::Observation>> =
            BTreeMap::new();
        for o in &ds.observations {
            let Some(p) = InYear::of_code(&o.period) else {
                continue;
            };
            let known =
                o.year <= last_year || (o.year == last_year + 1 && then.is_some_and(|t| p <= t));
            if o.kind != Kind::GrowthPct || !known {
                continue;
            }
            groups
                .entry(((o.region.clone(), o.indicator.clone()), o.year, p))
                .or_default()
                .push(o);
        }
        let values = groups
            .into_iter()
            .filter_map(|(k, rows)| {
                let best = rows.into_iter().max_by_key(|o| in_year_preference(o))?;
                Some((k, best.value))
            })
            .collect();
        InYearData { values }
    }

    /// The value of `key` in `year` at `period`.
    pub fn get(&self, key: &SeriesKey, year: i32, period: InYear) -> Option<f64> {
        self.values.get(&(key.clone(), year, period)).copied()
    }

    /// The latest period up to `period` with a value of `key` in `year`.
    pub fn latest(&self, key: &SeriesKey, year: i32, period: InYear) -> Option<(InYear, f64)> {
        InYear::ALL
            .iter()
            .rev()
            .filter(|p| **p <= period)
            .find_map(|p| self.get(key, year, *p).map(|v| (*p, v)))
    }

    /// Per series: values per period (Q1, H1, Q3) and the first and last year.
    pub fn counts(&self) -> BTreeMap<SeriesKey, ([usize; 3], i32, i32)> {
        let mut out: BTreeMap<SeriesKey, ([usize; 3], i32, i32)> = BTreeMap::new();
        for (k, y, p) in self.values.keys() {
            let e = out.entry(k.clone()).or_insert(([0; 3], *y, *y));
            e.0[*p as usize] += 1;
            e.1 = e.1.min(*y);
            e.2 = e.2.max(*y);
        }
        out
    }
}

/// One update of a December forecast with a year-to-date value.
#[derive(Debug, Clone, PartialEq)]
pub struct Nowcast {
    /// Series.
    pub key: SeriesKey,
    /// Year forecast.
    pub year: i32,
    /// Period of the year-to-date value used.
    pub period: InYear,
    /// The year-to-date value.
    pub ytd: f64,
    /// The December forecast.
    pub prior: Dist,
    /// The year-to-date evidence: the naive nowcast (full year = year-to-date) with the spread of
    /// `FY − YTD`.
    pub naive: Dist,
    /// Share of the distance from the December forecast to the year-to-date value the update moves
    /// (the evidence's share of the precision).
    pub weight: f64,
    /// Years of root history and of the region's own behind the spread.
    pub history: (usize, usize),
    /// The precision-weighted update before calibration.
    pub raw: Dist,
    /// The update, calibrated with earlier updates' errors where there are enough.
    pub posterior: Dist,
    /// The full-year actual, when known (backtests).
    pub actual: Option<f64>,
}

/// The precision-weighted update of one series (see the module docs), before calibration; `None`
/// when the root has fewer than [`MIN_HISTORY`] years of history for the indicator and period.
#[allow(clippy::too_many_arguments)]
fn update(
    ds: &Dataset,
    panel: &Panel,
    inyear: &InYearData,
    engine: &EngineOutput,
    key: &SeriesKey,
    year: i32,
    period: InYear,
    ytd: f64,
    prior: Dist,
) -> Option<Nowcast> {
    let root = ds.lineage(&key.0).last().unwrap_or(&key.0).to_string();
    let root_key = (root, key.1.clone());
    // `FY − YTD` of earlier ordinary years.
    let deltas = |k: &SeriesKey| -> Vec<f64> {
        let Some(fy) = panel.growth.get(k) else {
            return Vec::new();
        };
        fy.points
            .iter()
            .filter(|p| p.year < year && !ds.intervention_years.contains(&p.year))
            .filter_map(|p| Some(p.value - inyear.get(k, p.year, period)?))
            .collect()
    };
    let sum_sq = |d: &[f64]| d.iter().map(|x| x * x).sum::<f64>();
    let root = deltas(&root_key);
    if root.len() < MIN_HISTORY {
        return None;
    }
    // The spread of the last DELTA_YEARS years (as the December forecasts' calibration window).
    let recent = &root[root.len().saturating_sub(DELTA_YEARS)..];
    let mut scale = (sum_sq(recent) / recent.len() as f64).sqrt().max(MIN_SCALE);
    let mut own_n = 0;
    if root_key != *key {
        // Widened by how much more the region's December forecast varies, shrunk toward its own record.
        let k = engine
            .forecast_of(&root_key, year)
            .and_then(|f| f.combined)
            .map(|d| d.se)
            .filter(|s| *s > 0.0)
            .map_or(1.0, |s| (prior.se / s).max(1.0));
        let own = deltas(key);
        own_n = own.len();
        scale = ((OWN_PRIOR_YEARS * (k * scale).powi(2) + sum_sq(&own))
            / (OWN_PRIOR_YEARS + own_n as f64))
            .sqrt();
    }
    let df = ((recent.len() + own_n) as f64 - 1.0).max(MIN_DF);
    let naive = Dist::new(ytd, scale, df);
    let (w0, w1) = (prior.se.powi(-2), scale.powi(-2));
    let weight = w1 / (w0 + w1);
    let raw = Dist::new(
        prior.mean + weight * (ytd - prior.mean),
        (w0 + w1).sqrt().recip(),
        prior.df.min(df).max(MIN_DF),
    );
    Some(Nowcast {
        key: key.clone(),
        year,
        period,
        ytd,
        prior,
        naive,
        weight,
        history: (recent.len(), own_n),
        raw,
        posterior: raw,
        actual: None,
    })
}

/// Calibrate an update with the errors of the earlier `rows` (years before its own, intervention
/// years left out, all series) of its period: [`engine::calibration`] of their standardised errors,
/// as for the December forecasts.
fn calibrate(ds: &Dataset, mut n: Nowcast, rows: &[Nowcast]) -> Nowcast {
    let errors: Vec<(f64, Dist)> = rows
        .iter()
        .filter(|r| {
            r.year < n.year && r.period == n.period && !ds.intervention_years.contains(&r.year)
        })
        .filter_map(|r| Some((r.actual? - r.raw.mean, r.raw)))
        .collect();
    if let Some(c) = engine::calibration(&errors) {
        n.posterior = Dist::new(n.raw.mean, n.raw.se * c.factor, c.df);
    }
    n
}

/// Update the forecasts of `year` (made at cut-off `year − 1`) of every series with a year-to-date value
/// up to `period`, in place: the updated distribution replaces the combined one (so assessments,
/// charts and scenarios use it), with the rule and calibration the `backtest` rows of earlier years
/// give. Returns the updates made.
pub fn apply(
    ds: &Dataset,
    panel: &Panel,
    inyear: &InYearData,
    engine: &mut EngineOutput,
    backtest: &[Nowcast],
    year: i32,
    period: InYear,
) -> Vec<Nowcast> {
    let mut made = Vec::new();
    if let Some(series) = engine.by_cutoff.get(&(year - 1)) {
        for (key, fc) in series {
            let Some(prior) = fc.combined else { continue };
            let Some((p, ytd)) = inyear.latest(key, year, period) else {
                continue;
            };
            if let Some(n) = update(ds, panel, inyear, engine, key, year, p, ytd, prior) {
                made.push(calibrate(ds, n, backtest));
            }
        }
    }
    let series = engine.by_cutoff.entry(year - 1).or_default();
    for n in &made {
        if let Some(fc) = series.get_mut(&n.key) {
            fc.combined = Some(n.posterior);
        }
    }
    made
}

/// The nowcast backtest: for every year up to `last_year` with a full-year value, every period with a
/// year-to-date value, the update the engine's December forecast would have had (rule, history and
/// calibration of earlier years only).
pub fn backtest(
    ds: &Dataset,
    panel: &Panel,
    inyear: &InYearData,
    engine: &EngineOutput,
    last_year: i32,
) -> Vec<Nowcast> {
    let mut rows: Vec<Nowcast> = Vec::new();
    let mut keys: Vec<(&(SeriesKey, i32, InYear), f64)> =
        inyear.values.iter().map(|(k, v)| (k, *v)).collect();
    // Earlier years first (calibration uses their errors), without cloning keys to compare them.
    keys.sort_by(|(a, _), (b, _)| (a.1, a.2, &a.0).cmp(&(b.1, b.2, &b.0)));
    for ((key, year, period), ytd) in keys {
        if *year > last_year {
            continue;
        }
        let Some(actual) = panel.growth.get(key).and_then(|s| s.get(*year)) else {
            continue;
        };
        let Some(prior) = engine.forecast_of(key, *year).and_then(|f| f.combined) else {
            continue;
        };
        if let Some(n) = update(ds, panel, inyear, engine, key, *year, *period, ytd, prior) {
            let mut n = calibrate(ds, n, &rows);
            n.actual = Some(actual);
            rows.push(n);
        }
    }
    rows
}

/// Accuracy of one period's nowcasts of one indicator beside the December forecast and the naive
/// nowcast (full year = year-to-date), and the calls of the targets of those years.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct NowcastSummary {
    /// Region.
    pub region: String,
    /// Indicator.
    pub indicator: String,
    /// Period.
    pub period: Option<InYear>,
    /// Nowcasts with an actual.
    pub n: usize,
    /// MAE of the updated forecast.
    pub mae: f64,
    /// MAE of the naive nowcast (full year = year-to-date).
    pub naive_mae: f64,
    /// MAE of the December forecast of the same years.
    pub december_mae: f64,
    /// 80% coverage of the updated forecast.
    pub coverage80: f64,
    /// 95% coverage of the updated forecast.
    pub coverage95: f64,
    /// Growth targets of those series and years with a known outcome.
    pub calls: usize,
    /// Brier score of the updated P(met).
    pub brier: f64,
    /// Brier score of the December P(met) of the same calls.
    pub brier_december: f64,
    /// Brier score of the naive nowcast's P(met) (full year = year-to-date, same spread).
    pub brier_naive: f64,
}

/// Summaries of backtest rows by (region, indicator, period); the targets of those years are scored
/// through the run's historical `calls` ([`crate::targets::calls`]), with `tol` for `about` targets.
pub fn summarise(ds: &Dataset, rows: &[Nowcast], calls: &[Call], tol: f64) -> Vec<NowcastSummary> {
    let mut groups: BTreeMap<(String, String, InYear), Vec<&Nowcast>> = BTreeMap::new();
    for r in rows.iter().filter(|r| r.actual.is_some()) {
        groups
            .entry((r.key.0.clone(), r.key.1.clone(), r.period))
            .or_default()
            .push(r);
    }
    let calls: HashMap<(&str, &str, i32), &Call> = calls
        .iter()
        .map(|c| {
            let t = &c.target;
            ((t.region.as_str(), t.indicator.as_str(), t.year), c)
        })
        .collect();
    let mut out = Vec::new();
    for ((region, indicator, period), g) in groups {
        let mut s = NowcastSummary {
            region,
            indicator: indicator.clone(),
            period: Some(period),
            n: g.len(),
            ..NowcastSummary::default()
        };
        let (mut b, mut bd, mut bn) = (0.0, 0.0, 0.0);
        for r in &g {
            let a = r.actual.unwrap_or(f64::NAN);
            s.mae += (a - r.posterior.mean).abs();
            s.naive_mae += (a - r.ytd).abs();
            s.december_mae += (a - r.prior.mean).abs();
            let inside = |level: f64| {
                let (lo, hi) = r.posterior.interval(level);
                usize::from(lo <= a && a <= hi) as f64
            };
            s.coverage80 += inside(0.8);
            s.coverage95 += inside(0.95);
            if let Some(c) = calls.get(&(r.key.0.as_str(), r.key.1.as_str(), r.year)) {
                let ev = met_event(&c.target, direction(ds, &c.target.indicator), tol);
                let met = f64::from(u8::from(c.met));
                s.calls += 1;
                b += (ev.probability(&r.posterior) - met).powi(2);
                bd += (ev.probability(&r.prior) - met).powi(2);
                bn += (ev.probability(&r.naive) - met).powi(2);
            }
        }
        let n = g.len() as f64;
        s.mae /= n;
        s.naive_mae /= n;
        s.december_mae /= n;
        s.coverage80 /= n;
        s.coverage95 /= n;
        if s.calls > 0 {
            let c = s.calls as f64;
            (s.brier, s.brier_december, s.brier_naive) = (b / c, bd / c, bn / c);
        }
        out.push(s);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::{Confidence, Observation, Vintage};

    #[test]
    fn a_year_to_date_figure_is_its_first_release() {
        let row = |value: f64, vintage: Vintage, confidence: Confidence, line: u64| Observation {
            region: "China".into(),
            indicator: "gdp_real_growth".into(),
            period: "Q3".into(),
            year: 2007,
            value,
            unit: "pct".into(),
            kind: Kind::GrowthPct,
            vintage,
            confidence,
            source: format!("s{line}"),
            line,
        };
        let key = ("China".to_string(), "gdp_real_growth".to_string());
        let mut ds = Dataset {
            observations: vec![
                row(12.2, Vintage::Revised, Confidence::High, 2),
                row(11.5, Vintage::Initial, Confidence::High, 3),
                row(11.9, Vintage::Reported, Confidence::High, 4),
            ],
            ..Dataset::default()
        };
        let first = |ds: &Dataset| InYearData::build(ds, 2007, None).get(&key, 2007, InYear::Q3);
        assert_eq!(first(&ds), Some(11.5));
        // Without a first release, a figure of unstated vintage beats the revision.
        ds.observations.remove(1);
        assert_eq!(first(&ds), Some(11.9));
        // A low-confidence first release loses to any better row, as for full years.
        ds.observations
            .push(row(10.0, Vintage::Initial, Confidence::Low, 5));
        assert_eq!(first(&ds), Some(11.9));
    }

    #[test]
    fn as_of_parses_years_and_periods() {
        let a: AsOf = "2023Q1".parse().unwrap();
        assert_eq!(
            (a.year, a.period, a.cutoff()),
            (2023, Some(InYear::Q1), 2022)
        );
        let a: AsOf = "2023-q3".parse().unwrap();
        assert_eq!(a.period, Some(InYear::Q3));
        assert_eq!(a.to_string(), "2023Q3");
        assert_eq!(a.label_zh(), "截至2023年前三季度");
        let a: AsOf = "2022".parse().unwrap();
        assert_eq!((a.period, a.cutoff()), (None, 2022));
        for bad in ["23Q1", "2023Q4", "2023X", "", "20231"] {
            assert!(bad.parse::<AsOf>().is_err(), "{bad}");
        }
    }
}
