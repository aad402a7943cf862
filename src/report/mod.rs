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

pub use crate::atomic::{with_csv_bom, write_atomic, write_streaming};

mod extraction;
mod scenarios;
mod tables;
mod xlsx;
pub use extraction::*;
pub use scenarios::*;
pub use tables::*;
pub use xlsx::*;

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
    let err = |e: csv::Error| Error::Render(format!("CSV encoding failed: {e}"));
    w.write_record(header).map_err(err)?;
    for r in rows {
        w.write_record(
            r.iter()
                .map(|c| crate::outfiles::spreadsheet_safe(c).into_owned()),
        )
        .map_err(err)?;
    }
    w.into_inner()
        .map_err(|e| Error::Render(format!("CSV encoding failed: {e}")))
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
        "indicast: targets for {} {} (growth in %, 80% interval; 'about' allows {} points on the wrong side of the target)\n",
        r.as_of + 1,
        r.as_of_spec().label_en(),
        r.tolerance
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
    for a in shown.iter().filter(|a| a.dist.is_some()) {
        if let Some(note) = a.evidence.note(false) {
            s.push_str(&format!(
                "note: {}.{}: {note}\n",
                a.target.region, a.target.indicator
            ));
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
    // Only when an intervention year is among the backtested ones (as of 2018 none is).
    if r.intervention_years.iter().any(|y| *y <= r.as_of) {
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
