//! The nowcast's CSV files: the updates of the as-of year's forecasts with year-to-date values, the
//! backtest of every earlier update, and its summary beside the December forecast and the naive nowcast.

use super::{DIST_COLUMNS, csv_bytes, dist_cols, f4};
use crate::error::Result;
use crate::run::RunResult;

/// `nowcast.csv`, `nowcast_backtest.csv` and `nowcast_summary.csv` (header only when empty).
pub fn files(r: &RunResult) -> Result<Vec<(String, Vec<u8>)>> {
    let as_of = r.period.map_or(r.as_of.to_string(), |p| {
        format!("{}{}", r.as_of + 1, p.code())
    });
    let now = r.nowcasts.iter().map(|n| {
        let mut row = vec![
            as_of.clone(),
            n.key.0.clone(),
            n.key.1.clone(),
            n.year.to_string(),
            n.period.code().to_string(),
            f4(n.ytd),
            f4(n.prior.mean),
            f4(n.prior.se),
            f4(n.naive.se),
            f4(n.weight),
            n.history.0.to_string(),
            n.history.1.to_string(),
        ];
        row.extend(dist_cols(Some(&n.posterior)));
        row
    });
    let header = [
        "as_of",
        "region",
        "indicator",
        "year",
        "period",
        "ytd",
        "december_mean",
        "december_se",
        "ytd_se",
        "weight",
        "history_years_root",
        "history_years_own",
    ];
    let nowcast = csv_bytes(&[&header[..], &DIST_COLUMNS].concat(), now)?;
    let back = r.nowcast_backtest.iter().map(|n| {
        let mut row = vec![
            n.key.0.clone(),
            n.key.1.clone(),
            n.year.to_string(),
            n.period.code().to_string(),
            f4(n.ytd),
            n.actual.map(f4).unwrap_or_default(),
            f4(n.prior.mean),
            f4(n.prior.se),
            f4(n.naive.se),
            f4(n.weight),
        ];
        row.extend(dist_cols(Some(&n.posterior)));
        row
    });
    let header = [
        "region",
        "indicator",
        "year",
        "period",
        "ytd",
        "actual",
        "december_mean",
        "december_se",
        "ytd_se",
        "weight",
    ];
    let backtest = csv_bytes(&[&header[..], &DIST_COLUMNS].concat(), back)?;
    let summary = r.nowcast_summary.iter().map(|s| {
        vec![
            s.region.clone(),
            s.indicator.clone(),
            s.period.map(|p| p.code().to_string()).unwrap_or_default(),
            s.n.to_string(),
            f4(s.mae),
            f4(s.naive_mae),
            f4(s.december_mae),
            if s.naive_mae > 0.0 {
                f4(s.mae / s.naive_mae)
            } else {
                String::new()
            },
            format!("{:.3}", s.coverage80),
            format!("{:.3}", s.coverage95),
            s.calls.to_string(),
            if s.calls > 0 {
                f4(s.brier)
            } else {
                String::new()
            },
            if s.calls > 0 {
                f4(s.brier_december)
            } else {
                String::new()
            },
            if s.calls > 0 {
                f4(s.brier_naive)
            } else {
                String::new()
            },
        ]
    });
    let summary = csv_bytes(
        &[
            "region",
            "indicator",
            "period",
            "n",
            "mae",
            "naive_nowcast_mae",
            "december_mae",
            "mae_ratio_naive_nowcast",
            "coverage80",
            "coverage95",
            "calls",
            "brier",
            "brier_december",
            "brier_naive_nowcast",
        ],
        summary,
    )?;
    Ok(vec![
        ("nowcast.csv".into(), nowcast),
        ("nowcast_backtest.csv".into(), backtest),
        ("nowcast_summary.csv".into(), summary),
    ])
}
