//! The CSV tables of a run: assessment, forecasts, backtests and their summary, calls and their summary,
//! reliability, the observations used.

use super::*;

/// The assessment for tools: an array of objects with the columns of assessment.csv, numbers as JSON
/// numbers and empty cells as null (the text columns, such as `text` and `as_of`, stay strings).
fn assessment_json(header: &[&str], rows: &[Vec<String>]) -> Result<Vec<u8>> {
    let text_columns = [
        "region",
        "indicator",
        "qualifier",
        "basis",
        "models",
        "reason",
        "text",
        "as_of",
        "evidence",
        "region_zh",
        "indicator_zh",
    ];
    let rows: Vec<serde_json::Map<String, serde_json::Value>> = rows
        .iter()
        .map(|row| {
            header
                .iter()
                .zip(row)
                .map(|(h, cell)| {
                    let value = if cell.is_empty() {
                        serde_json::Value::Null
                    } else if text_columns.contains(h) {
                        serde_json::Value::String(cell.clone())
                    } else if let Ok(i) = cell.parse::<i64>() {
                        serde_json::Value::from(i)
                    } else {
                        cell.parse::<f64>()
                            .ok()
                            .and_then(serde_json::Number::from_f64)
                            .map_or(serde_json::Value::Null, serde_json::Value::Number)
                    };
                    ((*h).to_string(), value)
                })
                .collect()
        })
        .collect();
    let mut bytes = serde_json::to_vec_pretty(&rows)
        .map_err(|e| Error::Render(format!("assessment.json: {e}")))?;
    bytes.push(b'\n');
    Ok(bytes)
}

/// All output files of a run, as (file name, contents).
pub fn render(r: &RunResult) -> Result<Vec<(String, Vec<u8>)>> {
    let mut files = Vec::new();

    // assessment.csv
    let as_of = r.as_of_spec().to_string();
    let zh = figures::Names::new(&r.data, Lang::Zh);
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
            a.evidence.as_str().to_string(),
            zh.region(&t.region),
            zh.indicator_of(&t.region, &t.indicator),
        ]);
        row
    });
    let rows: Vec<Vec<String>> = rows.collect();
    let header = [
        &[
            "region",
            "indicator",
            "year",
            "target",
            "qualifier",
            "basis",
        ][..],
        &DIST_COLUMNS,
        &[
            "p_met",
            "p_at_or_above",
            "n_obs",
            "models",
            "calibration",
            "reason",
            "text",
            "as_of",
            "evidence",
            "region_zh",
            "indicator_zh",
        ],
    ]
    .concat();
    files.push(("assessment.json".into(), assessment_json(&header, &rows)?));
    files.push(("assessment.csv".into(), csv_bytes(&header, rows)?));

    files.push(("assessment.xlsx".into(), assessment_xlsx(r)?));

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
                &["region", "indicator", "year", "model"][..],
                &DIST_COLUMNS,
                &["weight", "skipped_reason"],
            ]
            .concat(),
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
                "year",
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
pub(super) fn backtest_summary(r: &RunResult) -> Result<Vec<u8>> {
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
