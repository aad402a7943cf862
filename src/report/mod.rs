//! Writers: the CSV outputs of `indicast run`, the tables printed for the planner, charts of a run
//! (`figures`) and the HTML/Markdown report (`document`). Files are written to
//! temporary files in the output directory and renamed only once all of them are complete, so an
//! interrupted or failed run never leaves a half-written CSV.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::charts::{self, BacktestData, FanData, Lang, ScenarioRow, ScoreRow, Style};
use crate::data::{Basis, INDICATOR_COLUMNS, Qualifier};
use crate::error::{Error, Result};
use crate::extract::{self, Extraction, Quantity, Section};
use crate::forecast::Dist;
use crate::run::{Accuracy, BacktestRow, NaiveBenchmark, RunResult};
use crate::scenario::Outcome;
use crate::targets::{self, BASELINES};

pub use crate::atomic::{write_atomic, write_streaming};

fn f4(v: f64) -> String {
    format!("{v:.4}")
}

fn opt(v: Option<f64>) -> String {
    v.map(f4).unwrap_or_default()
}

/// Column names of [`dist_cols`].
const DIST_COLUMNS: [&str; 7] = ["mean", "se", "df", "lo80", "hi80", "lo95", "hi95"];

fn dist_cols(d: Option<&Dist>) -> Vec<String> {
    match d {
        Some(d) => {
            let (l80, h80) = d.interval(0.8);
            let (l95, h95) = d.interval(0.95);
            vec![
                f4(d.mean),
                f4(d.se),
                format!("{:.1}", d.df),
                f4(l80),
                f4(h80),
                f4(l95),
                f4(h95),
            ]
        }
        None => vec![String::new(); 7],
    }
}

fn csv_bytes(header: &[&str], rows: impl IntoIterator<Item = Vec<String>>) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let err = |e: csv::Error| Error::Config(format!("CSV encoding failed: {e}"));
    w.write_record(header).map_err(err)?;
    for r in rows {
        w.write_record(
            r.iter()
                .map(|c| crate::outfiles::spreadsheet_safe(c).into_owned()),
        )
        .map_err(err)?;
    }
    w.into_inner()
        .map_err(|e| Error::Config(format!("CSV encoding failed: {e}")))
}

/// All output files of a run, as (file name, contents).
pub fn render(r: &RunResult) -> Result<Vec<(String, Vec<u8>)>> {
    let mut files = Vec::new();

    // assessment.csv
    let as_of = r.as_of_spec().to_string();
    let rows = r.assessments.iter().map(|a| {
        let t = &a.target;
        let d = dist_cols(a.dist.as_ref());
        let mut row = vec![
            t.region.clone(),
            t.indicator.clone(),
            t.year.to_string(),
            t.value.to_string(),
            t.qualifier.as_str().into(),
            t.basis.as_str().into(),
        ];
        row.extend(d);
        row.extend([
            opt(a.p_met),
            opt(a.p_at_or_above),
            a.n_obs.to_string(),
            a.models.clone(),
            format!("{:.3}", a.calibration),
            a.reason.clone().unwrap_or_default(),
            t.text.clone(),
            as_of.clone(),
        ]);
        row
    });
    files.push((
        "assessment.csv".into(),
        csv_bytes(
            &[
                "region",
                "indicator",
                "year",
                "target",
                "qualifier",
                "basis",
                "mean",
                "se",
                "df",
                "lo80",
                "hi80",
                "lo95",
                "hi95",
                "p_met",
                "p_at_or_above",
                "n_obs",
                "models",
                "calibration",
                "reason",
                "text",
                "as_of",
            ],
            rows,
        )?,
    ));

    // forecasts.csv: every model of every series at the as-of cut-off.
    let mut rows = Vec::new();
    if let Some(series) = r.engine.by_cutoff.get(&r.as_of) {
        for (key, fc) in series {
            for m in &fc.models {
                let mut row = vec![
                    key.0.clone(),
                    key.1.clone(),
                    (r.as_of + 1).to_string(),
                    m.model.clone(),
                ];
                row.extend(dist_cols(m.dist.as_ref().ok()));
                row.push(format!("{:.4}", m.weight));
                row.push(
                    m.dist
                        .as_ref()
                        .err()
                        .cloned()
                        .unwrap_or_else(|| m.detail.clone()),
                );
                rows.push(row);
            }
            let mut row = vec![
                key.0.clone(),
                key.1.clone(),
                (r.as_of + 1).to_string(),
                "combined".into(),
            ];
            row.extend(dist_cols(fc.combined.as_ref()));
            row.push("1.0000".into());
            row.push(format!("calibration factor {:.3}", fc.calibration));
            rows.push(row);
        }
    }
    files.push((
        "forecasts.csv".into(),
        csv_bytes(
            &[
                "region",
                "indicator",
                "year",
                "model",
                "mean",
                "se",
                "df",
                "lo80",
                "hi80",
                "lo95",
                "hi95",
                "weight",
                "skipped_reason",
            ],
            rows,
        )?,
    ));

    // backtest.csv
    let rows = r.backtest.iter().map(|b| {
        let (l80, h80) = b.dist.interval(0.8);
        let (l95, h95) = b.dist.interval(0.95);
        vec![
            b.key.0.clone(),
            b.key.1.clone(),
            b.origin.to_string(),
            b.model.clone(),
            f4(b.actual),
            f4(b.dist.mean),
            f4(l80),
            f4(h80),
            f4(l95),
            f4(h95),
        ]
    });
    files.push((
        "backtest.csv".into(),
        csv_bytes(
            &[
                "region",
                "indicator",
                "origin",
                "model",
                "actual",
                "mean",
                "lo80",
                "hi80",
                "lo95",
                "hi95",
            ],
            rows,
        )?,
    ));

    // backtest_summary.csv
    files.push(("backtest_summary.csv".into(), backtest_summary(r)?));

    // calls.csv and calls_summary.csv
    let rows = r.calls.iter().map(|c| {
        let mut row = vec![
            c.target.region.clone(),
            c.target.indicator.clone(),
            c.target.year.to_string(),
            c.target.value.to_string(),
            c.target.qualifier.as_str().into(),
            f4(c.outcome),
            c.met.to_string(),
            opt(c.p_met),
        ];
        row.extend(c.baselines.iter().map(|b| f4(*b)));
        row
    });
    let mut header = vec![
        "region",
        "indicator",
        "year",
        "target",
        "qualifier",
        "outcome",
        "met",
        "p_met",
    ];
    header.extend(BASELINES.iter().copied());
    files.push(("calls.csv".into(), csv_bytes(&header, rows)?));
    files.push((
        "calls_summary.csv".into(),
        csv_bytes(&["method", "n", "brier", "log_score"], calls_summary(r))?,
    ));
    let rows = targets::reliability(&r.calls)
        .into_iter()
        .flat_map(|(method, bins)| {
            bins.into_iter().map(move |b| {
                vec![
                    method.to_string(),
                    format!("{:.1}", b.lo),
                    format!("{:.1}", b.hi),
                    b.n.to_string(),
                    opt(b.mean_p),
                    opt(b.share_met),
                ]
            })
        });
    files.push((
        "calls_reliability.csv".into(),
        csv_bytes(
            &["method", "bin_lo", "bin_hi", "n", "mean_p_met", "share_met"],
            rows,
        )?,
    ));

    // observations_used.csv: which row each growth value came from.
    let mut rows = Vec::new();
    for ((region, indicator), s) in &r.panel.growth {
        for p in &s.points {
            rows.push(vec![
                region.clone(),
                indicator.clone(),
                p.year.to_string(),
                f4(p.value),
                p.vintage.as_str().into(),
                p.confidence.as_str().into(),
                p.candidates.to_string(),
                p.line.to_string(),
                p.source.clone(),
            ]);
        }
    }
    files.push((
        "observations_used.csv".into(),
        csv_bytes(
            &[
                "region",
                "indicator",
                "year",
                "value",
                "vintage",
                "confidence",
                "candidates",
                "line",
                "source",
            ],
            rows,
        )?,
    ));
    files.extend(nowcast::files(r)?);
    Ok(files)
}

/// Rows of the calls summary: the engine and every baseline, on the calls the engine could make.
pub fn calls_summary(r: &RunResult) -> Vec<Vec<String>> {
    let made: Vec<_> = r.calls.iter().filter(|c| c.p_met.is_some()).collect();
    let mut rows = Vec::new();
    if made.is_empty() {
        return rows;
    }
    let engine: Vec<(f64, bool)> = made
        .iter()
        .map(|c| (c.p_met.unwrap_or(0.5), c.met))
        .collect();
    let (b, l) = targets::scores(&engine);
    rows.push(vec!["engine".into(), made.len().to_string(), f4(b), f4(l)]);
    for (i, name) in BASELINES.iter().enumerate() {
        let pairs: Vec<(f64, bool)> = made.iter().map(|c| (c.baselines[i], c.met)).collect();
        let (b, l) = targets::scores(&pairs);
        rows.push(vec![(*name).into(), made.len().to_string(), f4(b), f4(l)]);
    }
    rows
}

/// `backtest_summary.csv`: per treatment, origins, indicator and model the [`Accuracy`] of all rows and,
/// beside it, the [`NaiveBenchmark`] of the rows that have a previous-year value (`n_naive` of them:
/// the model's MAE on them, the naive MAE, their ratio).
fn backtest_summary(r: &RunResult) -> Result<Vec<u8>> {
    let mut rows = Vec::new();
    let mut add = |treatment: &str,
                   scope: &str,
                   bt: &[BacktestRow],
                   filter: &dyn Fn(&BacktestRow) -> bool| {
        let mut groups: BTreeMap<(String, String), Vec<&BacktestRow>> = BTreeMap::new();
        for b in bt.iter().filter(|b| filter(b)) {
            groups
                .entry((b.key.1.clone(), b.model.clone()))
                .or_default()
                .push(b);
            groups
                .entry(("ALL".into(), b.model.clone()))
                .or_default()
                .push(b);
        }
        for ((indicator, model), rs) in groups {
            let a = Accuracy::of(rs.iter().copied());
            let naive = NaiveBenchmark::of(rs.iter().copied(), &r.panel);
            rows.push(vec![
                treatment.to_string(),
                scope.to_string(),
                indicator,
                model,
                a.n.to_string(),
                f4(a.mae),
                f4(a.rmse),
                f4(a.coverage80),
                f4(a.coverage95),
                naive.n.to_string(),
                opt((naive.n > 0).then_some(naive.mae)),
                opt((naive.n > 0).then_some(naive.naive_mae)),
                opt(naive.mae_ratio()),
            ]);
        }
    };
    let iv = r.intervention_years.clone();
    let all = |_: &BacktestRow| true;
    let calm = move |b: &BacktestRow| !iv.contains(&b.origin);
    add("dummies", "all_origins", &r.backtest, &all);
    add("dummies", "excluding_interventions", &r.backtest, &calm);
    add("none", "all_origins", &r.backtest_untreated, &all);
    add(
        "none",
        "excluding_interventions",
        &r.backtest_untreated,
        &calm,
    );
    csv_bytes(
        &[
            "treatment",
            "origins",
            "indicator",
            "model",
            "n",
            "mae",
            "rmse",
            "coverage80",
            "coverage95",
            "n_naive",
            "mae_naive_rows",
            "naive_mae",
            "mae_ratio",
        ],
        rows,
    )
}

/// The output files of `indicast extract`: targets.csv, results.csv, qualitative.csv.
pub fn render_extraction(
    ex: &Extraction,
    text: &str,
    region: &str,
    source: &str,
) -> Result<Vec<(String, Vec<u8>)>> {
    let num = |v: f64| format!("{v}");
    let index = extract::TextIndex::new(text);
    let src = |q: &Quantity| format!("{source}:{}", index.line_of(q.span.0));
    let targets = ex
        .quantities
        .iter()
        .filter(|q| q.section == Section::Plan)
        .map(|q| {
            vec![
                region.to_string(),
                q.year.to_string(),
                q.indicator.clone(),
                num(q.value),
                q.qualifier.as_str().into(),
                index.clause_text(q),
                String::new(),
                String::new(),
                src(q),
                q.unit.into(),
                q.unit_text.clone(),
                q.basis.as_str().into(),
                q.value_hi.map(num).unwrap_or_default(),
                q.span.0.to_string(),
                q.span.1.to_string(),
                q.sentence.clone(),
            ]
        });
    let results = ex
        .quantities
        .iter()
        .filter(|q| q.section == Section::Review)
        .map(|q| {
            vec![
                region.to_string(),
                q.indicator.clone(),
                "FY".into(),
                q.year.to_string(),
                num(q.value),
                q.unit.into(),
                if q.basis == Basis::Growth {
                    "growth_pct"
                } else {
                    "level"
                }
                .into(),
                if q.preliminary {
                    "preliminary"
                } else {
                    "reported"
                }
                .into(),
                "medium".into(),
                src(q),
                format!(
                    "extracted; qualifier {}; unit as written {}{}",
                    q.qualifier.as_str(),
                    q.unit_text,
                    q.value_hi
                        .map(|h| format!("; range up to {h}"))
                        .unwrap_or_default()
                ),
                q.span.0.to_string(),
                q.span.1.to_string(),
                q.sentence.clone(),
            ]
        });
    let qualitative = ex.qualitative.iter().map(|q| {
        vec![
            region.to_string(),
            q.year.to_string(),
            q.indicator.clone(),
            if q.section == Section::Plan {
                "target"
            } else {
                "result"
            }
            .into(),
            q.span.0.to_string(),
            q.span.1.to_string(),
            q.sentence.clone(),
        ]
    });
    Ok(vec![
        (
            "targets.csv".into(),
            csv_bytes(
                &[
                    "region",
                    "year",
                    "indicator",
                    "target",
                    "qualifier",
                    "text",
                    "outcome",
                    "met",
                    "source",
                    "unit",
                    "unit_text",
                    "basis",
                    "target_hi",
                    "span_start",
                    "span_end",
                    "sentence",
                ],
                targets,
            )?,
        ),
        (
            "results.csv".into(),
            csv_bytes(
                &[
                    INDICATOR_COLUMNS,
                    &["note", "span_start", "span_end", "sentence"],
                ]
                .concat(),
                results,
            )?,
        ),
        (
            "qualitative.csv".into(),
            csv_bytes(
                &[
                    "region",
                    "year",
                    "indicator",
                    "kind",
                    "span_start",
                    "span_end",
                    "sentence",
                ],
                qualitative,
            )?,
        ),
    ])
}

/// One as-of year's scenarios for the writers: the engine run, the scenario names (`engine` first), and
/// each scenario's outcomes for the targets and for every series.
pub struct ScenarioView<'a> {
    /// The engine run the scenarios modify.
    pub run: &'a RunResult,
    /// Scenario names, `engine` (no assumptions) first.
    pub names: &'a [String],
    /// Per scenario: the outcome of every target.
    pub outcomes: &'a [Vec<Outcome>],
    /// Per scenario: the outcome of every series.
    pub series: &'a [Vec<crate::scenario::SeriesOutcome>],
}

/// `scenario_results.csv`: every target under every scenario of every as-of year, with the change of
/// P(met) against the scenario named `baseline` of the same year (else `engine`).
pub fn render_scenarios(views: &[ScenarioView]) -> Result<Vec<u8>> {
    let mut rows = Vec::new();
    for v in views {
        let baseline = v.names.iter().position(|n| n == "baseline").unwrap_or(0);
        for (name, outs) in v.names.iter().zip(v.outcomes) {
            for o in outs {
                let t = &v.run.assessments[o.target].target;
                let base = v.outcomes[baseline]
                    .iter()
                    .find(|b| b.target == o.target)
                    .map_or(f64::NAN, |b| b.p_met);
                rows.push(vec![
                    name.clone(),
                    t.region.clone(),
                    t.indicator.clone(),
                    t.year.to_string(),
                    t.value.to_string(),
                    t.qualifier.as_str().into(),
                    f4(o.mean),
                    f4(o.q80.0),
                    f4(o.q80.1),
                    f4(o.q95.0),
                    f4(o.q95.1),
                    f4(o.p_met),
                    opt(Some(o.p_met_se).filter(|v| v.is_finite())),
                    f4(o.p_met - base),
                ]);
            }
        }
    }
    csv_bytes(
        &[
            "scenario",
            "region",
            "indicator",
            "year",
            "target",
            "qualifier",
            "mean",
            "lo80",
            "hi80",
            "lo95",
            "hi95",
            "p_met",
            "p_met_se",
            "delta_p_met_vs_baseline",
        ],
        rows,
    )
}

/// `scenario_series.csv`: every forecast series (not only those with targets) under every scenario,
/// the `engine` rows being the simulation without assumptions.
pub fn render_scenario_series(views: &[ScenarioView]) -> Result<Vec<u8>> {
    let mut rows = Vec::new();
    for v in views {
        for (name, series) in v.names.iter().zip(v.series) {
            for s in series {
                rows.push(vec![
                    name.clone(),
                    s.key.0.clone(),
                    s.key.1.clone(),
                    (v.run.as_of + 1).to_string(),
                    f4(s.mean),
                    f4(s.q80.0),
                    f4(s.q80.1),
                    f4(s.q95.0),
                    f4(s.q95.1),
                ]);
            }
        }
    }
    csv_bytes(
        &[
            "scenario",
            "region",
            "indicator",
            "year",
            "mean",
            "lo80",
            "hi80",
            "lo95",
            "hi95",
        ],
        rows,
    )
}

/// The comparison table printed by `indicast scenario`: targets × scenarios, P(met) in percent.
pub fn scenario_table(run: &RunResult, names: &[String], outcomes: &[Vec<Outcome>]) -> String {
    let mut s = format!("{:<44}", "P(met), % (Monte Carlo s.e.)");
    for n in names {
        s.push_str(&format!(" {:>16}", n));
    }
    s.push('\n');
    let Some(first) = outcomes.first() else {
        return s;
    };
    let region = |o: &&Outcome| run.assessments[o.target].target.region.as_str();
    for o in first.iter().filter(|o| run.data.in_focus(region(o))) {
        let t = &run.assessments[o.target].target;
        s.push_str(&format!(
            "{:<44}",
            format!(
                "{}.{} {} {}",
                t.region,
                t.indicator,
                t.qualifier.as_str(),
                t.value
            )
        ));
        for outs in outcomes {
            let x = outs
                .iter()
                .find(|x| x.target == o.target)
                .expect("same targets in every scenario");
            s.push_str(&format!(
                " {:>16}",
                if x.p_met_se.is_finite() {
                    format!("{:.1} ({:.2})", 100.0 * x.p_met, 100.0 * x.p_met_se)
                } else {
                    format!("{:.1} (n/a)", 100.0 * x.p_met)
                }
            ));
        }
        s.push('\n');
    }
    let hidden: std::collections::BTreeSet<&str> = first
        .iter()
        .map(|o| region(&o))
        .filter(|r| !run.data.in_focus(r))
        .collect();
    if !hidden.is_empty() {
        let n = first
            .iter()
            .filter(|o| !run.data.in_focus(region(o)))
            .count();
        s.push_str(&format!(
            "(+ {n} targets of added regions not shown ({}): in scenario_results.csv, or pass --all-regions)\n",
            region_list(&hidden)
        ));
    }
    s
}

/// Up to five region names, then how many there are in all.
fn region_list(regions: &std::collections::BTreeSet<&str>) -> String {
    let names: Vec<&str> = regions.iter().take(5).copied().collect();
    if regions.len() > names.len() {
        format!("{}, … {} regions", names.join(", "), regions.len())
    } else {
        names.join(", ")
    }
}

/// The table printed on stdout: one line per target with forecast, 80% interval, P(met) and a verdict.
pub fn summary_table(r: &RunResult) -> String {
    let mut s = format!(
        "indicast: targets for {} {} (growth in %, 80% interval; tolerance of 'about' as configured)\n",
        r.as_of + 1,
        r.as_of_spec().label_en()
    );
    // Only the targets of the focus regions (those of the primary data, not of --add-data directories).
    let shown: Vec<&targets::Assessment> = r
        .assessments
        .iter()
        .filter(|a| r.data.in_focus(&a.target.region))
        .collect();
    let rw = shown
        .iter()
        .map(|a| a.target.region.chars().count())
        .max()
        .unwrap_or(0)
        .max(9);
    s.push_str(&format!(
        "{:<rw$} {:<24} {:>16} {:>7} {:>20} {:>6}  {}\n",
        "region", "indicator", "target", "mean", "80% interval", "P(met)", "verdict"
    ));
    if r.assessments.is_empty() {
        s.push_str(&format!(
            "(no targets for {} in the target files)\n",
            r.as_of + 1
        ));
    }
    for a in &shown {
        let t = &a.target;
        let target = format!("{} {}", t.qualifier.as_str(), t.value);
        match (a.dist, a.p_met) {
            (Some(d), Some(p)) => {
                let (lo, hi) = d.interval(0.8);
                s.push_str(&format!(
                    "{:<rw$} {:<24} {:>16} {:>7.2} {:>20} {:>5.1}%  {}\n",
                    t.region,
                    t.indicator,
                    target,
                    d.mean,
                    format!("[{lo:.2}, {hi:.2}]"),
                    p * 100.0,
                    targets::verdict(p)
                ));
            }
            _ => s.push_str(&format!(
                "{:<rw$} {:<24} {:>16}  not assessed: {}\n",
                t.region,
                t.indicator,
                target,
                a.reason.clone().unwrap_or_default()
            )),
        }
    }
    let hidden = r.assessments.len() - shown.len();
    if hidden > 0 {
        let regions: std::collections::BTreeSet<&str> = r
            .assessments
            .iter()
            .filter(|a| !r.data.in_focus(&a.target.region))
            .map(|a| a.target.region.as_str())
            .collect();
        s.push_str(&format!(
            "(+ {hidden} targets of added regions not shown ({}): in assessment.csv, or pass --all-regions; the lines below cover all regions)\n",
            region_list(&regions)
        ));
    }
    let combined: Vec<&BacktestRow> = r
        .backtest
        .iter()
        .filter(|b| b.model == "combined")
        .collect();
    let a = Accuracy::of(combined.iter().copied());
    s.push_str(&format!(
        "backtest of the combined forecast ({} one-year-ahead forecasts, all series): MAE {:.2} pp, 80% coverage {:.0}%, 95% coverage {:.0}%\n",
        a.n,
        a.mae,
        a.coverage80 * 100.0,
        a.coverage95 * 100.0
    ));
    if !r.intervention_years.is_empty() {
        let iv = &r.intervention_years;
        let acc = |rows: &[BacktestRow], skip: bool| {
            Accuracy::of(
                rows.iter()
                    .filter(|b| b.model == "combined" && !(skip && iv.contains(&b.origin))),
            )
        };
        let years: Vec<String> = iv.iter().map(i32::to_string).collect();
        s.push_str(&format!(
            "intervention years {} with own intercepts: combined MAE {:.2} vs {:.2} without the treatment ({:.2} vs {:.2} on the other origins)\n",
            years.join("/"),
            acc(&r.backtest, false).mae,
            acc(&r.backtest_untreated, false).mae,
            acc(&r.backtest, true).mae,
            acc(&r.backtest_untreated, true).mae,
        ));
    }
    let cal = r
        .engine
        .by_cutoff
        .get(&r.as_of)
        .and_then(|m| m.values().next())
        .map_or(1.0, |f| f.calibration);
    if cal > 1.0 {
        s.push_str(&format!(
            "intervals widened by a factor {cal:.2}: earlier backtests showed the model intervals under-cover\n"
        ));
    }
    for row in calls_summary(r) {
        s.push_str(&format!(
            "historical calls, {:<16} n={:<3} Brier {}  log score {}\n",
            row[0], row[1], row[2], row[3]
        ));
    }
    s
}

mod document;
mod figures;
mod nowcast;

pub use document::*;
pub use figures::*;
