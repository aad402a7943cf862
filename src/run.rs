//! The `run` job: load → panel → engine (with and without the intervention treatment) → assessments,
//! backtests, historical calls → tables ready to write.

use std::collections::BTreeSet;
use std::path::PathBuf;

use crate::data::panel::{Panel, SeriesKey};
use crate::data::{self, DataSource, Dataset};
use crate::engine::{self, EngineConfig, EngineOutput};
use crate::error::{Error, Result};
use crate::extract::{self, BUNDLED_REPORT, text};
use crate::forecast::Dist;
use crate::nowcast::{self, InYear, InYearData, Nowcast};
use crate::targets::{self, Assessment, Call};

/// Options of `indicast run`.
#[derive(Debug, Clone)]
pub struct RunConfig {
    /// Where the data come from.
    pub source: DataSource,
    /// As-of year; `None` = the last year with data (of the regions of `source`, when `add_data` is given).
    pub as_of: Option<i32>,
    /// Tolerance of `about` growth targets in percentage points.
    pub tolerance: f64,
    /// Calibrate intervals with backtest errors.
    pub calibrate: bool,
    /// Work reports to take targets from (see [`Reports`]).
    pub reports: Reports,
    /// Directories whose files are added to `source` (`--add-data DIR`, in order; see
    /// [`data::load_layers`]): their regions are forecast, backtested and scored too and appear in every
    /// CSV, while the printed table, the charts and the report stay on the regions of `source`
    /// ([`Dataset::focus`]). Empty: `source` alone.
    pub add_data: Vec<PathBuf>,
    /// A year-to-date period of the year after `as_of` (`--as-of 2023Q1`: `as_of` 2022, period Q1): the
    /// forecasts of that year are updated with its year-to-date values up to the period ([`nowcast`]).
    pub period: Option<InYear>,
}

impl RunConfig {
    /// The bundled data and work report as of `as_of` (`None`: the last data year), with the defaults
    /// of `indicast run`: tolerance 0.5 pp, calibrated intervals, nothing added.
    pub fn bundled(as_of: Option<i32>) -> RunConfig {
        RunConfig {
            source: DataSource::Bundled,
            as_of,
            tolerance: 0.5,
            calibrate: true,
            reports: Reports::Bundled,
            add_data: Vec::new(),
            period: None,
        }
    }
}

/// Which government work reports `run` reads its coming-year targets from.
#[derive(Debug, Clone, PartialEq)]
pub enum Reports {
    /// The report bundled in `seeds/` (default with the bundled data).
    Bundled,
    /// These files (`--report FILE`), with an optional region key for all of them.
    Files(Vec<PathBuf>, Option<String>),
    /// None: only the target CSVs.
    None,
}

/// One backtest record: a forecast of `origin` made with data up to `origin - 1`, and the actual.
#[derive(Debug, Clone, PartialEq)]
pub struct BacktestRow {
    /// Series.
    pub key: SeriesKey,
    /// Year forecast.
    pub origin: i32,
    /// Model (`combined` after calibration, `combined_raw` before).
    pub model: String,
    /// Actual value.
    pub actual: f64,
    /// Forecast distribution.
    pub dist: Dist,
}

/// Accuracy and coverage of a set of backtest rows.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Accuracy {
    /// Number of forecasts.
    pub n: usize,
    /// Mean absolute error.
    pub mae: f64,
    /// Root mean squared error.
    pub rmse: f64,
    /// Share of actuals inside the 80% interval.
    pub coverage80: f64,
    /// Share of actuals inside the 95% interval.
    pub coverage95: f64,
}

impl Accuracy {
    /// Summarise rows.
    pub fn of<'a>(rows: impl IntoIterator<Item = &'a BacktestRow>) -> Accuracy {
        let mut a = Accuracy::default();
        let (mut abs, mut sq, mut c80, mut c95) = (0.0, 0.0, 0, 0);
        for r in rows {
            let e = r.actual - r.dist.mean;
            a.n += 1;
            abs += e.abs();
            sq += e * e;
            let (l80, h80) = r.dist.interval(0.8);
            let (l95, h95) = r.dist.interval(0.95);
            c80 += usize::from(l80 <= r.actual && r.actual <= h80);
            c95 += usize::from(l95 <= r.actual && r.actual <= h95);
        }
        if a.n > 0 {
            let n = a.n as f64;
            a.mae = abs / n;
            a.rmse = (sq / n).sqrt();
            a.coverage80 = c80 as f64 / n;
            a.coverage95 = c95 as f64 / n;
        }
        a
    }
}

/// A set of backtest rows against the naive ("same as last year") benchmark.
///
/// The naive forecast of a row's origin year is its series' own actual value of the year before (from
/// the panel, so known at the row's cut-off). Only rows whose series has that value are compared, and
/// both errors are taken over exactly these rows: `mae / naive_mae` compares like with like. `n` may be
/// smaller than the [`Accuracy::n`] of the same rows (a gap in the year before the origin).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct NaiveBenchmark {
    /// Rows compared: those whose series has an actual value in `origin - 1`.
    pub n: usize,
    /// The forecasts' mean absolute error on these rows.
    pub mae: f64,
    /// The naive forecast's mean absolute error on these rows.
    pub naive_mae: f64,
}

impl NaiveBenchmark {
    /// Compare rows with the naive forecast; previous-year values are looked up in `panel.growth`.
    pub fn of<'a>(
        rows: impl IntoIterator<Item = &'a BacktestRow>,
        panel: &Panel,
    ) -> NaiveBenchmark {
        let mut b = NaiveBenchmark::default();
        let (mut abs, mut naive) = (0.0, 0.0);
        for r in rows {
            let Some(previous) = panel.growth.get(&r.key).and_then(|s| s.get(r.origin - 1)) else {
                continue;
            };
            b.n += 1;
            abs += (r.actual - r.dist.mean).abs();
            naive += (r.actual - previous).abs();
        }
        if b.n > 0 {
            b.mae = abs / b.n as f64;
            b.naive_mae = naive / b.n as f64;
        }
        b
    }

    /// `mae / naive_mae` (below 1: better than the naive forecast); `None` without rows or when the
    /// naive forecast made no error.
    pub fn mae_ratio(&self) -> Option<f64> {
        (self.n > 0 && self.naive_mae > 0.0).then(|| self.mae / self.naive_mae)
    }
}

/// Everything `indicast run` produces.
#[derive(Debug, Clone)]
pub struct RunResult {
    /// The validated inputs.
    pub data: Dataset,
    /// Tolerance of 'about' growth targets used (percentage points).
    pub tolerance: f64,
    /// The as-of year used: the last full year of data.
    pub as_of: i32,
    /// The year-to-date period of the year after `as_of` the forecasts were updated with, if any.
    pub period: Option<InYear>,
    /// The updates of the forecasts of `as_of + 1` with year-to-date values (empty without a period).
    pub nowcasts: Vec<Nowcast>,
    /// The nowcast backtest: every earlier year and period with a year-to-date value, updated as it
    /// would have been then ([`nowcast::backtest`]).
    pub nowcast_backtest: Vec<Nowcast>,
    /// Summary of the nowcast backtest by indicator and period ([`nowcast::summarise`]).
    pub nowcast_summary: Vec<nowcast::NowcastSummary>,
    /// The resolved series.
    pub panel: Panel,
    /// Engine output with the intervention treatment (the one used for assessments).
    pub engine: EngineOutput,
    /// Assessments of the targets of `as_of + 1`.
    pub assessments: Vec<Assessment>,
    /// Backtest rows (treatment on).
    pub backtest: Vec<BacktestRow>,
    /// Backtest rows of the same engine without the intervention treatment.
    pub backtest_untreated: Vec<BacktestRow>,
    /// Historical target calls.
    pub calls: Vec<Call>,
    /// Intervention years (for summaries).
    pub intervention_years: Vec<i32>,
    /// What the user should know about this run and might not see in its outputs (a report whose
    /// targets are of another year; an as-of period with no year-to-date value). The CLI prints them.
    pub warnings: Vec<String>,
}

impl RunResult {
    /// Every warning of the run, for the user: the data's (normalisations, likely slips), the panel's
    /// (implausible values) and the run's own ([`RunResult::warnings`]).
    pub fn all_warnings(&self) -> impl Iterator<Item = &String> {
        self.data
            .warnings
            .iter()
            .chain(&self.panel.warnings)
            .chain(&self.warnings)
    }

    /// What the run is as of: December of `as_of`, or a year-to-date period of the year after.
    pub fn as_of_spec(&self) -> nowcast::AsOf {
        match self.period {
            Some(p) => nowcast::AsOf {
                year: self.as_of + 1,
                period: Some(p),
            },
            None => nowcast::AsOf {
                year: self.as_of,
                period: None,
            },
        }
    }
}

/// Backtest rows of an engine output: every model and the combination, for every origin with an actual.
pub fn backtest_rows(panel: &Panel, out: &EngineOutput) -> Vec<BacktestRow> {
    let mut rows = Vec::new();
    for (cutoff, series) in &out.by_cutoff {
        let origin = cutoff + 1;
        for (key, fc) in series {
            let Some(actual) = panel.growth.get(key).and_then(|s| s.get(origin)) else {
                continue;
            };
            let mut push = |model: &str, dist: Dist| {
                rows.push(BacktestRow {
                    key: key.clone(),
                    origin,
                    model: model.to_string(),
                    actual,
                    dist,
                });
            };
            for m in &fc.models {
                if let Ok(d) = m.dist {
                    push(&m.model, d);
                }
            }
            if let Some(d) = fc.raw {
                push("combined_raw", d);
            }
            if let Some(d) = fc.combined {
                push("combined", d);
            }
        }
    }
    rows
}

/// A report the user passed with `--report`: its name, its region and the years its targets are of.
struct PassedReport {
    name: String,
    region: String,
    years: BTreeSet<i32>,
}

/// Append the targets extracted from the work reports (targets already in the CSV files win); returns
/// the reports the user passed (`--report`).
fn add_report_targets(data: &mut Dataset, reports: &Reports) -> Result<Vec<PassedReport>> {
    let mut years_of = Vec::new();
    let inputs: Vec<(String, String, Option<String>)> = match reports {
        Reports::None => Vec::new(),
        Reports::Bundled => vec![(
            BUNDLED_REPORT.0.to_string(),
            BUNDLED_REPORT.1.to_string(),
            None,
        )],
        Reports::Files(files, region) => {
            let mut v = Vec::new();
            for f in files {
                let bytes = crate::inputs::read_bounded(f, crate::inputs::MAX_INPUT_BYTES)?;
                let (text, _) = text::decode(&f.display().to_string(), &bytes)?;
                v.push((f.display().to_string(), text, region.clone()));
            }
            v
        }
    };
    for (name, text, region) in inputs {
        let ex = extract::extract_text(&text, "UTF-8", None)?;
        let Some(region) = extract::region_key(&ex, &data.regions, region.as_deref()) else {
            return Err(Error::Config(format!(
                "{name}: cannot tell which region the report is for; pass --region"
            )));
        };
        if !data.regions.contains_key(&region) {
            return Err(Error::Config(format!(
                "{name}: region `{region}` is not in regions.csv; add it there or pass --region"
            )));
        }
        let meta = &data.meta;
        let known = |id: &str| meta.contains_key(id);
        let found = extract::engine_targets(&ex, &text, &region, &name, &known);
        if found.is_empty() {
            return Err(Error::Config(format!(
                "{name}: no quantified target of an indicator in the data was found in this report \
                 (`indicast extract {name}` shows what was read); check that it holds the plan part of \
                 a work report (目标 …增长X%左右), or leave out --report"
            )));
        }
        if matches!(reports, Reports::Files(..)) {
            years_of.push(PassedReport {
                name: name.clone(),
                region: region.clone(),
                years: found.iter().map(|t| t.year).collect(),
            });
        }
        for t in found {
            let dup = data
                .targets
                .iter()
                .any(|u| u.region == t.region && u.year == t.year && u.indicator == t.indicator);
            if !dup {
                data.targets.push(t);
            }
        }
    }
    Ok(years_of)
}

/// Run the whole job.
pub fn run(cfg: &RunConfig) -> Result<RunResult> {
    if !(cfg.tolerance.is_finite() && cfg.tolerance >= 0.0) {
        return Err(Error::Config(format!(
            "tolerance must be a non-negative number, got {}",
            cfg.tolerance
        )));
    }
    let mut data = data::load_layers(&cfg.source, &cfg.add_data)?;
    let report_years = add_report_targets(&mut data, &cfg.reports)?;
    let last_year = data
        .observations
        .iter()
        .filter(|o| o.period == "FY")
        .map(|o| o.year)
        .max()
        .ok_or_else(|| Error::Config("indicators.csv has no full-year (FY) observation".into()))?;
    let first_year = data
        .observations
        .iter()
        .filter(|o| o.period == "FY")
        .map(|o| o.year)
        .min()
        .unwrap_or(last_year);
    // Default: the last year of the focus regions (added directories may reach further).
    let focus_last = data
        .observations
        .iter()
        .filter(|o| o.period == "FY" && data.in_focus(&o.region))
        .map(|o| o.year)
        .max()
        .unwrap_or(last_year);
    let as_of = cfg.as_of.unwrap_or(focus_last);
    let period = cfg.period.map(|p| format!("{}{}", as_of + 1, p.code()));
    if as_of > last_year {
        return Err(Error::Config(match period {
            Some(spec) => format!(
                "--as-of {spec} needs the full year {as_of}, and the data's full years end in {last_year}: \
                 use {}Q3 or earlier (or a year up to {last_year})",
                last_year + 1
            ),
            None => format!(
                "--as-of {as_of} is outside the data: use a year from {} to {last_year} (forecasts are one year ahead of the as-of year)",
                first_year + 1
            ),
        }));
    }
    if as_of <= first_year {
        return Err(Error::Config(match period {
            Some(spec) => format!(
                "--as-of {spec} is too early: the data begin in {first_year}, and the forecasts need full \
                 years before their as-of year; use {}Q1 or later (or a year from {})",
                first_year + 2,
                first_year + 1
            ),
            None => format!(
                "--as-of {as_of} is outside the data: use a year from {} to {last_year} (forecasts are one year ahead of the as-of year)",
                first_year + 1
            ),
        }));
    }
    let mut warnings = Vec::new();
    for PassedReport {
        name,
        region,
        years,
    } in &report_years
    {
        // The region a report is for, and its parents, are shown like the primary data's regions (after
        // the default as-of year is set from the primary data alone).
        data.add_to_focus(region);
        if !years.contains(&(as_of + 1)) {
            let listed: Vec<String> = years.iter().map(i32::to_string).collect();
            warnings.push(format!(
                "{name}: its targets are of {}, and this run assesses {} (as of {as_of}), so none of them \
                 is assessed; the targets of a year Y are assessed with --as-of Y-1, which needs full-year \
                 data of Y-1",
                listed.join(", "),
                as_of + 1
            ));
        }
    }
    let panel = Panel::build(&data, as_of);
    let extra: BTreeSet<SeriesKey> = data
        .targets
        .iter()
        .filter(|t| t.year <= as_of + 1)
        .map(targets::growth_key)
        .collect();
    let ecfg = EngineConfig {
        as_of,
        treat_interventions: true,
        calibrate: cfg.calibrate,
    };
    // The two passes are independent: one per core.
    let untreated_cfg = EngineConfig {
        treat_interventions: false,
        ..ecfg.clone()
    };
    let (mut engine_out, untreated) = rayon::join(
        || engine::run(&data, &panel, &extra, &ecfg),
        || engine::run(&data, &panel, &extra, &untreated_cfg),
    );
    // Year-to-date values of the forecast year up to the period, never later ones (no look-ahead).
    let inyear = InYearData::build(&data, as_of, cfg.period);
    let nowcast_backtest = nowcast::backtest(&data, &panel, &inyear, &engine_out, as_of);
    let nowcasts = match cfg.period {
        Some(p) => nowcast::apply(
            &data,
            &panel,
            &inyear,
            &mut engine_out,
            &nowcast_backtest,
            as_of + 1,
            p,
        ),
        None => Vec::new(),
    };
    if let Some(p) = cfg.period {
        warnings.extend(nowcast_warnings(&data, &inyear, &nowcasts, as_of + 1, p));
    }
    // Calls are of years up to the as-of year: the nowcast of the year after does not touch them.
    let calls = targets::calls(&data, &panel, &engine_out, as_of, cfg.tolerance);
    let nowcast_summary = nowcast::summarise(&data, &nowcast_backtest, &calls, cfg.tolerance);
    let assessments = targets::assess(&data, &panel, &engine_out, as_of, cfg.tolerance);
    Ok(RunResult {
        tolerance: cfg.tolerance,
        backtest: backtest_rows(&panel, &engine_out),
        backtest_untreated: backtest_rows(&panel, &untreated),
        intervention_years: data.intervention_years.clone(),
        data,
        as_of,
        period: cfg.period,
        nowcasts,
        nowcast_summary,
        nowcast_backtest,
        panel,
        engine: engine_out,
        assessments,
        calls,
        warnings,
    })
}

/// Warnings when an as-of period updated none, or only some, of the targets' series (the outputs say
/// "as of 2023 Q1" either way): no year-to-date value at all; target series without one; target series
/// with one but too little history of that period to update them ([`nowcast::MIN_HISTORY`]).
fn nowcast_warnings(
    data: &Dataset,
    inyear: &InYearData,
    nowcasts: &[Nowcast],
    year: i32,
    p: InYear,
) -> Vec<String> {
    let spec = format!("--as-of {year}{}", p.code());
    if !inyear.values.keys().any(|(_, y, q)| *y == year && *q <= p) {
        return vec![format!(
            "{spec}: the data have no year-to-date value of {year} up to {} (rows with period Q1, H1 or \
             Q3 in indicators.csv), so every forecast is December's",
            p.code()
        )];
    }
    let updated: BTreeSet<&SeriesKey> = nowcasts.iter().map(|n| &n.key).collect();
    let series: BTreeSet<SeriesKey> = data
        .targets
        .iter()
        .filter(|t| t.year == year && data.in_focus(&t.region))
        .map(targets::growth_key)
        .filter(|k| !updated.contains(k))
        .collect();
    let (with_value, without): (Vec<&SeriesKey>, Vec<&SeriesKey>) = series
        .iter()
        .partition(|k| inyear.latest(k, year, p).is_some());
    let list = |keys: &[&SeriesKey]| {
        let mut names: Vec<String> = keys
            .iter()
            .take(5)
            .map(|(r, i)| format!("{r}.{i}"))
            .collect();
        if keys.len() > 5 {
            names.push("…".into());
        }
        names.join(", ")
    };
    let mut out = Vec::new();
    if !without.is_empty() {
        out.push(format!(
            "{spec}: {} target series have no year-to-date value of {year} and keep December's forecast ({})",
            without.len(),
            list(&without)
        ));
    }
    if !with_value.is_empty() {
        out.push(format!(
            "{spec}: {} target series have a year-to-date value of {year} but keep December's forecast: \
             the nation has fewer than {} earlier years of that period to learn the update from ({})",
            with_value.len(),
            nowcast::MIN_HISTORY,
            list(&with_value)
        ));
    }
    out
}
