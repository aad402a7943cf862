//! Writers: the CSV outputs of `indicast run` and the table printed for the planner. Files are written to
//! temporary files in the output directory and renamed only once all of them are complete, so an
//! interrupted or failed run never leaves a half-written CSV.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::charts::{self, BacktestData, FanData, Lang, ScenarioRow, ScoreRow, Style};
use crate::data::{Basis, INDICATOR_COLUMNS, Qualifier};
use crate::error::{Error, Result};
use crate::extract::{self, Extraction, Quantity, Section};
use crate::forecast::Dist;
use crate::run::{Accuracy, BacktestRow, RunResult};
use crate::scenario::Outcome;
use crate::targets::{self, BASELINES};

fn f4(v: f64) -> String {
    format!("{v:.4}")
}

fn opt(v: Option<f64>) -> String {
    v.map(f4).unwrap_or_default()
}

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
        w.write_record(&r).map_err(err)?;
    }
    w.into_inner()
        .map_err(|e| Error::Config(format!("CSV encoding failed: {e}")))
}

/// All output files of a run, as (file name, contents).
pub fn render(r: &RunResult) -> Result<Vec<(String, Vec<u8>)>> {
    let mut files = Vec::new();

    // assessment.csv
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
    Ok(files)
}

/// Rows of the calls summary: the engine and the three baselines, on the calls the engine could make.
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
            let a = Accuracy::of(rs);
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
    let src = |q: &Quantity| format!("{source}:{}", extract::line_of(text, q.span.0));
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
                extract::clause_text(text, q),
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

/// `scenario_results.csv`: one row per scenario and target. `baseline` indexes the scenario the deltas
/// are taken against.
pub fn render_scenarios(
    run: &RunResult,
    names: &[String],
    outcomes: &[Vec<Outcome>],
    baseline: usize,
) -> Result<Vec<u8>> {
    let mut rows = Vec::new();
    for (name, outs) in names.iter().zip(outcomes) {
        for o in outs {
            let t = &run.assessments[o.target].target;
            let base = outcomes[baseline]
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
                f4(o.p_met_se),
                f4(o.p_met - base),
            ]);
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
    for o in first {
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
                format!("{:.1} ({:.2})", 100.0 * x.p_met, 100.0 * x.p_met_se)
            ));
        }
        s.push('\n');
    }
    s
}

/// Write files atomically into `dir`: each goes to a temporary file in `dir` first; only when all are
/// written are they renamed into place. Existing files are set aside first and put back if any rename
/// fails, so on error the directory holds exactly the files it held before.
pub fn write_atomic(dir: &Path, files: &[(String, Vec<u8>)]) -> Result<()> {
    if dir.exists() && !dir.is_dir() {
        return Err(Error::Config(format!(
            "output path {} exists and is not a directory; choose another --out",
            dir.display()
        )));
    }
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| Error::Io { path, source }
    };
    for (name, _) in files {
        let path = dir.join(name);
        if path.is_dir() {
            return Err(Error::Config(format!(
                "{} is a directory; remove it or choose another --out",
                path.display()
            )));
        }
    }
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    let mut temps = Vec::new();
    for (name, bytes) in files {
        let path = dir.join(name);
        let mut tmp = tempfile::Builder::new()
            .prefix(&format!(".{name}."))
            .tempfile_in(dir)
            .map_err(io(&path))?;
        crate::outfiles::track(tmp.path(), true);
        tmp.write_all(bytes)
            .and_then(|_| readable_by_all(tmp.as_file()))
            .and_then(|_| tmp.as_file().sync_all())
            .map_err(io(&path))?;
        temps.push((tmp, path));
    }
    // Set existing outputs aside, then move the new ones in; undo everything on the first failure.
    let mut backups: Vec<(tempfile::TempPath, std::path::PathBuf)> = Vec::new();
    let mut placed: Vec<std::path::PathBuf> = Vec::new();
    let mut failure = None;
    for (tmp, path) in temps {
        if path.exists() {
            let backup = match tempfile::Builder::new().prefix(".old.").tempfile_in(dir) {
                Ok(b) => b.into_temp_path(),
                Err(e) => {
                    failure = Some(Error::Io { path, source: e });
                    break;
                }
            };
            if let Err(e) = std::fs::rename(&path, &backup) {
                failure = Some(Error::Io { path, source: e });
                break;
            }
            backups.push((backup, path.clone()));
        }
        if let Err(e) = tmp.persist(&path) {
            failure = Some(Error::Io {
                path,
                source: e.error,
            });
            break;
        }
        placed.push(path);
    }
    crate::outfiles::forget_dir(dir);
    match failure {
        None => Ok(()),
        Some(err) => {
            for path in placed {
                let _ = std::fs::remove_file(path);
            }
            for (backup, path) in backups {
                let _ = backup.persist(&path);
            }
            Err(err)
        }
    }
}

/// Output files are for sharing: make them readable by everyone, as a plain `create` would with the
/// usual umask (temporary files are created private).
fn readable_by_all(file: &std::fs::File) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(std::fs::Permissions::from_mode(0o644))?;
    }
    #[cfg(not(unix))]
    let _ = file;
    Ok(())
}

/// The table printed on stdout: one line per target with forecast, 80% interval, P(met) and a verdict.
pub fn summary_table(r: &RunResult) -> String {
    let mut s = format!(
        "indicast: targets for {} as of December {} (growth in %, 80% interval; tolerance of 'about' as configured)\n",
        r.as_of + 1,
        r.as_of
    );
    s.push_str(&format!(
        "{:<9} {:<24} {:>16} {:>7} {:>20} {:>6}  {}\n",
        "region", "indicator", "target", "mean", "80% interval", "P(met)", "verdict"
    ));
    if r.assessments.is_empty() {
        s.push_str(&format!(
            "(no targets for {} in the target files)\n",
            r.as_of + 1
        ));
    }
    for a in &r.assessments {
        let t = &a.target;
        let target = format!("{} {}", t.qualifier.as_str(), t.value);
        match (a.dist, a.p_met) {
            (Some(d), Some(p)) => {
                let (lo, hi) = d.interval(0.8);
                s.push_str(&format!(
                    "{:<9} {:<24} {:>16} {:>7.2} {:>20} {:>5.1}%  {}\n",
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
                "{:<9} {:<24} {:>16}  not assessed: {}\n",
                t.region,
                t.indicator,
                target,
                a.reason.clone().unwrap_or_default()
            )),
        }
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

/// Chinese and English names of a target's parts, for charts and reports.
pub struct Names<'a> {
    run: &'a RunResult,
    lang: Lang,
}

impl<'a> Names<'a> {
    /// Names in `lang`.
    pub fn new(run: &'a RunResult, lang: Lang) -> Names<'a> {
        Names { run, lang }
    }

    /// Region name (淄博市 / Zibo).
    pub fn region(&self, region: &str) -> String {
        match self.lang {
            Lang::Zh => self
                .run
                .data
                .regions
                .get(region)
                .map(|r| r.name_zh.clone())
                .filter(|n| !n.is_empty())
                .unwrap_or_else(|| region.to_string()),
            Lang::En => region.to_string(),
        }
    }

    /// Indicator name from indicator_meta.csv (the id when unknown).
    pub fn indicator(&self, id: &str) -> String {
        let m = self.run.data.meta.get(id);
        let name = match self.lang {
            Lang::Zh => m.map(|m| m.name_zh.clone()),
            Lang::En => m.map(|m| m.name_en.clone()),
        };
        name.filter(|n| !n.is_empty())
            .unwrap_or_else(|| id.to_string())
    }

    /// Target text: 5.5%左右 / about 5.5%.
    pub fn target(&self, t: &crate::data::Target) -> String {
        let v = format!(
            "{}%",
            crate::charts::fmt_num(t.value, 1).trim_end_matches(".0")
        );
        match (self.lang, t.qualifier) {
            (Lang::Zh, Qualifier::About) => format!("{v}左右"),
            (Lang::Zh, Qualifier::AtLeast) => format!("{v}以上"),
            (Lang::Zh, Qualifier::AtMost) => format!("{v}以内"),
            (Lang::Zh, Qualifier::Range) => format!("{v}起"),
            (Lang::Zh, Qualifier::Other) => v,
            (Lang::En, Qualifier::About) => format!("about {v}"),
            (Lang::En, Qualifier::AtLeast) => format!("≥ {v}"),
            (Lang::En, Qualifier::AtMost) => format!("≤ {v}"),
            (Lang::En, Qualifier::Range) => format!("from {v}"),
            (Lang::En, Qualifier::Other) => v,
        }
    }

    /// Full label of a target: 淄博市 地区生产总值增速 5.5%左右.
    pub fn target_label(&self, t: &crate::data::Target) -> String {
        format!(
            "{} {} {}",
            self.region(&t.region),
            self.indicator(&t.indicator),
            self.target(t)
        )
    }
}

fn file_stem(region: &str, indicator: &str) -> String {
    format!("{region}_{indicator}").replace(|c: char| !c.is_ascii_alphanumeric() && c != '_', "_")
}

/// Pooled coverage of the combined backtest at 50, 80 and 95%.
pub fn pooled_coverage(run: &RunResult) -> Vec<(f64, f64)> {
    let rows: Vec<&BacktestRow> = run
        .backtest
        .iter()
        .filter(|b| b.model == "combined")
        .collect();
    [0.5, 0.8, 0.95]
        .iter()
        .map(|&level| {
            let hits = rows
                .iter()
                .filter(|b| {
                    let (lo, hi) = b.dist.interval(level);
                    lo <= b.actual && b.actual <= hi
                })
                .count();
            (
                100.0 * level,
                100.0 * hits as f64 / rows.len().max(1) as f64,
            )
        })
        .collect()
}

/// The scenario comparison chart of `indicast scenario`.
pub fn scenario_chart(
    run: &RunResult,
    names: &[String],
    outcomes: &[Vec<Outcome>],
    style: &Style,
    path: &Path,
) -> Result<()> {
    let label = Names::new(run, style.lang);
    let rows: Vec<ScenarioRow> = outcomes
        .first()
        .map(|first| {
            first
                .iter()
                .map(|o| ScenarioRow {
                    label: label.target_label(&run.assessments[o.target].target),
                    p_met: outcomes
                        .iter()
                        .map(|os| {
                            os.iter()
                                .find(|x| x.target == o.target)
                                .map_or(0.0, |x| x.p_met)
                        })
                        .collect(),
                    median: outcomes
                        .iter()
                        .map(|os| {
                            os.iter()
                                .find(|x| x.target == o.target)
                                .map_or(f64::NAN, |x| x.median)
                        })
                        .collect(),
                })
                .collect()
        })
        .unwrap_or_default();
    charts::scenario_comparison(names, &rows, style, path)
}

/// Render every chart of a run into `dir` (fan and backtest chart per target, the scorecard, and the
/// scenario comparison when scenarios are given). Returns the files written, in report order.
pub fn run_charts(
    run: &RunResult,
    scenarios: Option<(&[String], &[Vec<Outcome>])>,
    style: &Style,
    dir: &Path,
) -> Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir).map_err(|source| Error::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    let names = Names::new(run, style.lang);
    let ext = style.format.ext();
    let t = |zh: &'static str, en: &'static str| if style.lang == Lang::Zh { zh } else { en };
    let mut written = Vec::new();
    let score: Vec<ScoreRow> = run
        .assessments
        .iter()
        .filter_map(|a| {
            a.p_met.map(|p| ScoreRow {
                label: names.target_label(&a.target),
                p_met: p,
            })
        })
        .collect();
    let path = dir.join(format!("scorecard.{ext}"));
    let title = format!(
        "{}{}",
        run.as_of + 1,
        t("年目标达成概率", " targets: probability of being met")
    );
    charts::scorecard(&title, &score, style, &path)?;
    written.push(path);
    let parents: std::collections::HashMap<&str, &str> = run
        .data
        .regions
        .values()
        .filter_map(|r| r.parent.as_deref().map(|p| (r.name.as_str(), p)))
        .collect();
    for a in &run.assessments {
        let (Some(dist), Some(p)) = (a.dist, a.p_met) else {
            continue;
        };
        let tg = &a.target;
        let key = (tg.region.clone(), tg.indicator.clone());
        let from = tg.year - 16;
        let history: Vec<(i32, f64, bool)> = run
            .panel
            .growth
            .get(&key)
            .map(|s| {
                s.upto(run.as_of)
                    .iter()
                    .filter(|p| p.year >= from)
                    .map(|p| {
                        (
                            p.year,
                            p.value,
                            p.vintage == crate::data::Vintage::Preliminary,
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        let parent = parents.get(tg.region.as_str()).and_then(|pr| {
            run.panel
                .growth
                .get(&(pr.to_string(), tg.indicator.clone()))
                .map(|s| {
                    (
                        names.region(pr),
                        s.upto(run.as_of)
                            .iter()
                            .filter(|p| p.year >= from)
                            .map(|p| (p.year, p.value))
                            .collect(),
                    )
                })
        });
        let ev = targets::met_event(
            tg,
            targets::direction(&run.data, &tg.indicator),
            run.tolerance,
        );
        let fan = FanData {
            title: format!(
                "{} {}{}{}",
                names.region(&tg.region),
                names.indicator(&tg.indicator),
                t("：", ": forecast for "),
                if style.lang == Lang::Zh {
                    format!("{}年预测", tg.year)
                } else {
                    tg.year.to_string()
                }
            ),
            unit: "%".into(),
            history,
            parent,
            year: tg.year,
            dist,
            target: (tg.value, ev, tg.qualifier.as_str().to_string()),
            p_met: p,
        };
        let stem = file_stem(&tg.region, &tg.indicator);
        let path = dir.join(format!("fan_{stem}.{ext}"));
        charts::fan_chart(&fan, style, &path)?;
        written.push(path);
        let points: Vec<(i32, f64, f64, f64, f64)> = run
            .backtest
            .iter()
            .filter(|b| b.model == "combined" && b.key == key)
            .map(|b| {
                let (lo, hi) = b.dist.interval(0.8);
                (b.origin, b.actual, b.dist.mean, lo, hi)
            })
            .collect();
        if !points.is_empty() {
            let bt = BacktestData {
                title: format!(
                    "{} {}{}",
                    names.region(&tg.region),
                    names.indicator(&tg.indicator),
                    t("：回测", ": backtest")
                ),
                points,
                coverage: pooled_coverage(run),
            };
            let path = dir.join(format!("backtest_{stem}.{ext}"));
            charts::backtest_chart(&bt, style, &path)?;
            written.push(path);
        }
    }
    if let Some((snames, outcomes)) = scenarios {
        let path = dir.join(format!("scenarios.{ext}"));
        scenario_chart(run, snames, outcomes, style, &path)?;
        written.push(path);
    }
    Ok(written)
}

/// Scenarios bundled with the project (`scenarios/`), used by `run` for the report's scenario table.
pub const BUNDLED_SCENARIOS: &[(&str, &str)] = &[
    (
        "scenarios/baseline.toml",
        include_str!("../scenarios/baseline.toml"),
    ),
    (
        "scenarios/downside.toml",
        include_str!("../scenarios/downside.toml"),
    ),
    (
        "scenarios/upside.toml",
        include_str!("../scenarios/upside.toml"),
    ),
];

/// Draw every chart of a run into `out/charts/` and write `out/report.html` (charts embedded) and
/// `out/report.md`. The bundled scenarios are simulated when they apply (same as-of year).
/// Returns the number of charts drawn.
pub fn write_charts_and_report(run: &RunResult, style: &Style, out: &Path) -> Result<usize> {
    let sim = crate::scenario::System::new(run, run.tolerance).ok();
    let mut scen_names = Vec::new();
    let mut outcomes = Vec::new();
    if let Some(sys) = &sim {
        let vocab = sys.vocabulary();
        let mc = crate::scenario::McConfig {
            draws: 10_000,
            seed: 2023,
        };
        scen_names.push("engine".to_string());
        outcomes.push(sys.simulate(&crate::scenario::Scenario::engine_baseline(), mc));
        for (name, text) in BUNDLED_SCENARIOS {
            if let Ok(sc) = crate::scenario::parse(name, text, &vocab) {
                if sc.as_of.is_none_or(|y| y == run.as_of) {
                    scen_names.push(sc.name.clone());
                    outcomes.push(sys.simulate(&sc, mc));
                }
            }
        }
    }
    let scen = (scen_names.len() > 1).then_some((scen_names.as_slice(), outcomes.as_slice()));
    let charts = run_charts(run, scen, style, &out.join("charts"))?;
    let (html, md) = report_documents(run, style, &charts, scen, out)?;
    write_atomic(
        out,
        &[("report.html".into(), html), ("report.md".into(), md)],
    )?;
    Ok(charts.len())
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Today's date (UTC) as YYYY-MM-DD, from the system clock.
pub fn today() -> String {
    let days = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() / 86_400) as i64;
    // Civil-from-days (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

/// A document built once and written as HTML and as Markdown.
struct Doc {
    html: String,
    md: String,
}

impl Doc {
    fn heading(&mut self, level: usize, text: &str) {
        self.html
            .push_str(&format!("<h{level}>{}</h{level}>\n", esc(text)));
        self.md
            .push_str(&format!("{} {}\n\n", "#".repeat(level), text));
    }

    fn para(&mut self, text: &str) {
        self.html.push_str(&format!("<p>{}</p>\n", esc(text)));
        self.md.push_str(&format!("{text}\n\n"));
    }

    fn table(&mut self, header: &[String], rows: &[Vec<String>]) {
        self.html.push_str("<table>\n<tr>");
        for h in header {
            self.html.push_str(&format!("<th>{}</th>", esc(h)));
        }
        self.html.push_str("</tr>\n");
        for r in rows {
            self.html.push_str("<tr>");
            for c in r {
                self.html.push_str(&format!("<td>{}</td>", esc(c)));
            }
            self.html.push_str("</tr>\n");
        }
        self.html.push_str("</table>\n");
        let cell = |c: &String| c.replace('|', "\\|");
        self.md.push_str(&format!(
            "| {} |\n",
            header.iter().map(cell).collect::<Vec<_>>().join(" | ")
        ));
        self.md
            .push_str(&format!("|{}\n", "---|".repeat(header.len())));
        for r in rows {
            self.md.push_str(&format!(
                "| {} |\n",
                r.iter().map(cell).collect::<Vec<_>>().join(" | ")
            ));
        }
        self.md.push('\n');
    }

    fn image(&mut self, path: &Path, out: &Path, alt: &str) -> Result<()> {
        use base64::Engine;
        let bytes = std::fs::read(path).map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let mime = if path.extension().is_some_and(|e| e == "svg") {
            "image/svg+xml"
        } else {
            "image/png"
        };
        let b64 = base64::engine::general_purpose::STANDARD.encode(bytes);
        self.html.push_str(&format!(
            "<figure><img alt=\"{}\" src=\"data:{mime};base64,{b64}\"></figure>\n",
            esc(alt)
        ));
        let rel = path.strip_prefix(out).unwrap_or(path);
        self.md
            .push_str(&format!("![{alt}]({})\n\n", rel.display()));
        Ok(())
    }
}

fn report_documents(
    run: &RunResult,
    style: &Style,
    charts: &[PathBuf],
    scenarios: Option<(&[String], &[Vec<Outcome>])>,
    out: &Path,
) -> Result<(Vec<u8>, Vec<u8>)> {
    let zh = style.lang == Lang::Zh;
    let t = |a: &'static str, b: &'static str| if zh { a } else { b };
    let names = Names::new(run, style.lang);
    let title = if zh {
        format!(
            "{}年目标能否实现？indicast 评估（截至{}年12月）",
            run.as_of + 1,
            run.as_of
        )
    } else {
        format!(
            "Will the {} targets be met? indicast assessment as of December {}",
            run.as_of + 1,
            run.as_of
        )
    };
    let mut d = Doc {
        html: format!(
            "<!DOCTYPE html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\"><title>{}</title>\n<style>body{{font-family:sans-serif;max-width:1100px;margin:2em auto;padding:0 1em}}table{{border-collapse:collapse;margin:1em 0}}td,th{{border:1px solid #ccc;padding:4px 8px;text-align:left}}img{{max-width:100%}}figure{{margin:1em 0}}</style></head><body>\n",
            if zh { "zh" } else { "en" },
            esc(&title)
        ),
        md: String::new(),
    };
    d.heading(1, &title);
    d.para(&format!(
        "{}: {}. {}: {}. {}",
        t("生成日期", "Generated"),
        today(),
        t("数据截至", "Data up to"),
        run.as_of,
        t(
            "概率来自滚动原点回测加权的回归模型组合；区间按回测误差校准。",
            "Probabilities come from a combination of regression models weighted by rolling-origin backtests; intervals are calibrated on backtest errors."
        )
    ));
    d.heading(2, t("目标评估", "Assessment"));
    let rows: Vec<Vec<String>> = run
        .assessments
        .iter()
        .map(|a| match (a.dist, a.p_met) {
            (Some(dist), Some(p)) => {
                let (lo, hi) = dist.interval(0.8);
                vec![
                    names.target_label(&a.target),
                    format!("{}%", charts::fmt_num(dist.mean, 1)),
                    format!("[{}, {}]", charts::fmt_num(lo, 1), charts::fmt_num(hi, 1)),
                    format!("{}%", charts::fmt_num(100.0 * p, 0)),
                    match (zh, targets::verdict(p)) {
                        (true, "likely") => "可能达标".to_string(),
                        (true, "unlikely") => "不太可能".to_string(),
                        (true, _) => "难以判断".to_string(),
                        (false, v) => v.to_string(),
                    },
                ]
            }
            _ => vec![
                names.target_label(&a.target),
                String::new(),
                String::new(),
                String::new(),
                a.reason.clone().unwrap_or_default(),
            ],
        })
        .collect();
    d.table(
        &[
            t("目标", "Target"),
            t("预测均值", "Forecast mean"),
            t("80% 区间", "80% interval"),
            t("达标概率", "P(met)"),
            t("判断", "Verdict"),
        ]
        .map(String::from),
        &rows,
    );
    for c in charts
        .iter()
        .filter(|c| c.file_stem().is_some_and(|s| s == "scorecard"))
    {
        d.image(c, out, t("目标达成概率", "Target scorecard"))?;
    }
    d.heading(2, t("扇形图", "Fan charts"));
    for c in charts.iter().filter(|c| {
        c.file_stem()
            .is_some_and(|s| s.to_string_lossy().starts_with("fan_"))
    }) {
        d.image(c, out, &c.file_stem().unwrap_or_default().to_string_lossy())?;
    }
    if let Some((snames, outcomes)) = scenarios {
        d.heading(2, t("情景", "Scenarios"));
        d.para(t(
            "情景文件见 scenarios/；engine 为不加任何假设的引擎预测。单元格为达标概率（%）。",
            "Scenario files in scenarios/; 'engine' is the engine's forecast without assumptions. Cells: P(met), %.",
        ));
        let mut header = vec![t("目标", "Target").to_string()];
        header.extend(snames.iter().cloned());
        let rows: Vec<Vec<String>> = outcomes[0]
            .iter()
            .map(|o| {
                let mut r = vec![names.target_label(&run.assessments[o.target].target)];
                for os in outcomes {
                    let p = os
                        .iter()
                        .find(|x| x.target == o.target)
                        .map_or(f64::NAN, |x| x.p_met);
                    r.push(charts::fmt_num(100.0 * p, 1));
                }
                r
            })
            .collect();
        d.table(&header, &rows);
        for c in charts
            .iter()
            .filter(|c| c.file_stem().is_some_and(|s| s == "scenarios"))
        {
            d.image(c, out, t("情景比较", "Scenario comparison"))?;
        }
    }
    d.heading(2, t("回测", "Backtests"));
    let cov = pooled_coverage(run);
    d.para(&format!(
        "{} {}",
        t(
            "全部序列提前一年预测的区间覆盖率（名义→实际）：",
            "Coverage of one-year-ahead intervals, all series (nominal → achieved):"
        ),
        cov.iter()
            .map(|(n, a)| format!("{}% → {}%", charts::fmt_num(*n, 0), charts::fmt_num(*a, 1)))
            .collect::<Vec<_>>()
            .join(", ")
    ));
    let mut rows = Vec::new();
    for a in &run.assessments {
        let key = (a.target.region.clone(), a.target.indicator.clone());
        let acc = Accuracy::of(
            run.backtest
                .iter()
                .filter(|b| b.model == "combined" && b.key == key),
        );
        if acc.n > 0 {
            rows.push(vec![
                format!("{} {}", names.region(&key.0), names.indicator(&key.1)),
                acc.n.to_string(),
                charts::fmt_num(acc.mae, 2),
                format!("{}%", charts::fmt_num(100.0 * acc.coverage80, 0)),
                format!("{}%", charts::fmt_num(100.0 * acc.coverage95, 0)),
            ]);
        }
    }
    d.table(
        &[
            t("序列", "Series"),
            "n",
            t("平均绝对误差", "MAE"),
            t("80% 覆盖", "80% coverage"),
            t("95% 覆盖", "95% coverage"),
        ]
        .map(String::from),
        &rows,
    );
    let calls: Vec<Vec<String>> = calls_summary(run);
    if !calls.is_empty() {
        d.para(t(
            "历史目标判断（提前一年），Brier 分数越低越好：",
            "Historical target calls (one year ahead); lower Brier is better:",
        ));
        d.table(
            &[
                t("方法", "Method"),
                "n",
                "Brier",
                t("对数得分", "Log score"),
            ]
            .map(String::from),
            &calls,
        );
    }
    for c in charts.iter().filter(|c| {
        c.file_stem()
            .is_some_and(|s| s.to_string_lossy().starts_with("backtest_"))
    }) {
        d.image(c, out, &c.file_stem().unwrap_or_default().to_string_lossy())?;
    }
    d.heading(2, t("数据来源与版本", "Data sources and vintages used"));
    let mut rows = Vec::new();
    for a in &run.assessments {
        let key = (a.target.region.clone(), a.target.indicator.clone());
        if let Some(s) = run.panel.growth.get(&key) {
            for p in s.upto(run.as_of).iter().rev().take(6) {
                rows.push(vec![
                    format!("{} {}", names.region(&key.0), names.indicator(&key.1)),
                    p.year.to_string(),
                    charts::fmt_num(p.value, 2),
                    p.vintage.as_str().to_string(),
                    p.confidence.as_str().to_string(),
                    p.source.clone(),
                ]);
            }
        }
        rows.push(vec![
            format!("{} {}", names.region(&key.0), names.indicator(&key.1)),
            a.target.year.to_string(),
            names.target(&a.target),
            t("目标", "target").to_string(),
            String::new(),
            a.target.source.clone(),
        ]);
    }
    d.table(
        &[
            t("序列", "Series"),
            t("年份", "Year"),
            t("数值", "Value"),
            t("版本", "Vintage"),
            t("可信度", "Confidence"),
            t("来源", "Source"),
        ]
        .map(String::from),
        &rows,
    );
    d.para(t(
        "每个序列最近 6 个观测值；全部观测值及所用行号见 observations_used.csv。",
        "The last 6 observations of each series; every value and the row it came from are in observations_used.csv.",
    ));
    d.html.push_str("</body></html>\n");
    Ok((d.html.into_bytes(), d.md.into_bytes()))
}

/// Chart kinds `indicast chart` can redraw from result CSVs.
pub const CHART_KINDS: &[&str] = &["scorecard", "fan", "backtest", "scenarios", "required"];

fn read_rows(path: &Path) -> Result<Vec<std::collections::HashMap<String, String>>> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    let file = path.display().to_string();
    let headers = rdr
        .headers()
        .map_err(|e| Error::Csv {
            file: file.clone(),
            line: 1,
            message: e.to_string(),
        })?
        .clone();
    let mut out = Vec::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| Error::Csv {
            file: file.clone(),
            line: e.position().map_or(0, |p| p.line()),
            message: e.to_string(),
        })?;
        out.push(
            headers
                .iter()
                .zip(rec.iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect(),
        );
    }
    Ok(out)
}

fn field(row: &std::collections::HashMap<String, String>, col: &str, file: &Path) -> Result<f64> {
    row.get(col)
        .and_then(|v| v.parse::<f64>().ok())
        .ok_or_else(|| {
            Error::Config(format!(
                "{}: column `{col}` missing or not a number in a row",
                file.display()
            ))
        })
}

/// Redraw one chart from the CSVs of an earlier run in `from` (assessment.csv, observations_used.csv,
/// backtest.csv, scenario_results.csv, required.csv / required_curve.csv), without recomputing.
/// `target` (Region.indicator) selects the series for `fan` and `backtest`.
pub fn chart_from_csv(
    kind: &str,
    from: &Path,
    target: Option<&str>,
    data: &crate::data::Dataset,
    style: &Style,
    path: &Path,
) -> Result<()> {
    let zh = style.lang == Lang::Zh;
    let name_of = |region: &str, indicator: &str| -> String {
        let r = if zh {
            data.regions
                .get(region)
                .map(|r| r.name_zh.clone())
                .filter(|n| !n.is_empty())
                .unwrap_or_else(|| region.to_string())
        } else {
            region.to_string()
        };
        let i = data
            .meta
            .get(indicator)
            .map(|m| {
                if zh {
                    m.name_zh.clone()
                } else {
                    m.name_en.clone()
                }
            })
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| indicator.to_string());
        format!("{r} {i}")
    };
    let target_key = || -> Result<(String, String)> {
        target
            .and_then(|t| t.split_once('.'))
            .map(|(r, i)| (r.to_string(), i.to_string()))
            .ok_or_else(|| {
                Error::Config(format!(
                    "chart {kind} needs --target Region.indicator, e.g. Zibo.gdp_real_growth"
                ))
            })
    };
    let qualifier_text = |q: &str, v: &str| -> String {
        match (zh, q) {
            (true, "about") => format!("{v}%左右"),
            (true, "at_least") => format!("{v}%以上"),
            (true, "at_most") => format!("{v}%以内"),
            (false, "about") => format!("about {v}%"),
            (false, "at_least") => format!("≥ {v}%"),
            (false, "at_most") => format!("≤ {v}%"),
            _ => format!("{v}%"),
        }
    };
    match kind {
        "scorecard" => {
            let file = from.join("assessment.csv");
            let rows = read_rows(&file)?;
            let score: Vec<ScoreRow> = rows
                .iter()
                .filter_map(|r| {
                    let p = r.get("p_met")?.parse::<f64>().ok()?;
                    Some(ScoreRow {
                        label: format!(
                            "{} {}",
                            name_of(&r["region"], &r["indicator"]),
                            qualifier_text(&r["qualifier"], &r["target"])
                        ),
                        p_met: p,
                    })
                })
                .collect();
            let year = rows.first().map_or(String::new(), |r| r["year"].clone());
            let title = if zh {
                format!("{year}年目标达成概率")
            } else {
                format!("{year} targets: probability of being met")
            };
            charts::scorecard(&title, &score, style, path)
        }
        "fan" => {
            let key = target_key()?;
            let file = from.join("assessment.csv");
            let rows = read_rows(&file)?;
            let a = rows
                .iter()
                .find(|r| r["region"] == key.0 && r["indicator"] == key.1)
                .ok_or_else(|| {
                    Error::Config(format!(
                        "{}: no assessment of {}.{}",
                        file.display(),
                        key.0,
                        key.1
                    ))
                })?;
            let dist = Dist::new(
                field(a, "mean", &file)?,
                field(a, "se", &file)?,
                field(a, "df", &file)?,
            );
            let year = field(a, "year", &file)? as i32;
            let value = field(a, "target", &file)?;
            let q = a["qualifier"].clone();
            let t = crate::data::Target {
                region: key.0.clone(),
                year,
                indicator: key.1.clone(),
                value,
                qualifier: match q.as_str() {
                    "about" => Qualifier::About,
                    "at_least" => Qualifier::AtLeast,
                    "at_most" => Qualifier::AtMost,
                    "range" => Qualifier::Range,
                    _ => Qualifier::Other,
                },
                basis: crate::data::Basis::Growth,
                text: String::new(),
                outcome: None,
                source: String::new(),
            };
            let ev = targets::met_event(&t, targets::direction(data, &key.1), 0.5);
            let obs_file = from.join("observations_used.csv");
            let history: Vec<(i32, f64, bool)> = read_rows(&obs_file)?
                .iter()
                .filter(|r| r["region"] == key.0 && r["indicator"] == key.1)
                .filter_map(|r| {
                    Some((
                        r["year"].parse().ok()?,
                        r["value"].parse().ok()?,
                        r["vintage"] == "preliminary",
                    ))
                })
                .filter(|h: &(i32, f64, bool)| h.0 >= year - 16)
                .collect();
            let fan = FanData {
                title: format!(
                    "{}{}",
                    name_of(&key.0, &key.1),
                    if zh {
                        format!("：{year}年预测")
                    } else {
                        format!(": forecast for {year}")
                    }
                ),
                unit: "%".into(),
                history,
                parent: None,
                year,
                dist,
                target: (value, ev, q),
                p_met: field(a, "p_met", &file)?,
            };
            charts::fan_chart(&fan, style, path)
        }
        "backtest" => {
            let key = target_key()?;
            let file = from.join("backtest.csv");
            let rows = read_rows(&file)?;
            let combined: Vec<_> = rows.iter().filter(|r| r["model"] == "combined").collect();
            let covered = |lo: &str, hi: &str| {
                let hits = combined
                    .iter()
                    .filter(|r| {
                        let (a, l, h) = (
                            r["actual"].parse::<f64>(),
                            r[lo].parse::<f64>(),
                            r[hi].parse::<f64>(),
                        );
                        matches!((a, l, h), (Ok(a), Ok(l), Ok(h)) if l <= a && a <= h)
                    })
                    .count();
                100.0 * hits as f64 / combined.len().max(1) as f64
            };
            let points = combined
                .iter()
                .filter(|r| r["region"] == key.0 && r["indicator"] == key.1)
                .filter_map(|r| {
                    Some((
                        r["origin"].parse().ok()?,
                        r["actual"].parse().ok()?,
                        r["mean"].parse().ok()?,
                        r["lo80"].parse().ok()?,
                        r["hi80"].parse().ok()?,
                    ))
                })
                .collect();
            let bt = BacktestData {
                title: format!(
                    "{}{}",
                    name_of(&key.0, &key.1),
                    if zh { "：回测" } else { ": backtest" }
                ),
                points,
                coverage: vec![
                    (80.0, covered("lo80", "hi80")),
                    (95.0, covered("lo95", "hi95")),
                ],
            };
            charts::backtest_chart(&bt, style, path)
        }
        "scenarios" => {
            let file = from.join("scenario_results.csv");
            let rows = read_rows(&file)?;
            let mut names: Vec<String> = Vec::new();
            let mut targets_seen: Vec<(String, String, String, String)> = Vec::new();
            for r in &rows {
                if !names.contains(&r["scenario"]) {
                    names.push(r["scenario"].clone());
                }
                let t = (
                    r["region"].clone(),
                    r["indicator"].clone(),
                    r["qualifier"].clone(),
                    r["target"].clone(),
                );
                if !targets_seen.contains(&t) {
                    targets_seen.push(t);
                }
            }
            let srows: Vec<ScenarioRow> = targets_seen
                .iter()
                .map(|(reg, ind, q, v)| {
                    let cell = |name: &String, col: &str| {
                        rows.iter()
                            .find(|r| {
                                &r["scenario"] == name
                                    && &r["region"] == reg
                                    && &r["indicator"] == ind
                            })
                            .and_then(|r| r[col].parse::<f64>().ok())
                            .unwrap_or(f64::NAN)
                    };
                    ScenarioRow {
                        label: format!("{} {}", name_of(reg, ind), qualifier_text(q, v)),
                        p_met: names.iter().map(|n| cell(n, "p_met")).collect(),
                        median: names.iter().map(|n| cell(n, "mean")).collect(),
                    }
                })
                .collect();
            charts::scenario_comparison(&names, &srows, style, path)
        }
        "required" => {
            let file = from.join("required.csv");
            let req = read_rows(&file)?;
            let r = req
                .first()
                .ok_or_else(|| Error::Config(format!("{}: no row", file.display())))?;
            let curve_file = from.join("required_curve.csv");
            let curve: Vec<(f64, f64)> = read_rows(&curve_file)?
                .iter()
                .filter_map(|c| Some((c["driver_value"].parse().ok()?, c["p_met"].parse().ok()?)))
                .collect();
            let label = |s: &str| {
                s.split_once('.')
                    .map_or(s.to_string(), |(a, b)| name_of(a, b))
            };
            let d = charts::RequiredData {
                driver: label(&r["driver"]),
                target: label(&r["target"]),
                curve,
                prob: field(r, "prob", &file)?,
                value: r["value"].parse().ok(),
            };
            charts::required_curve(&d, style, path)
        }
        other => Err(Error::Config(format!(
            "unknown chart kind `{other}`; expected one of {}",
            CHART_KINDS.join(", ")
        ))),
    }
}
