//! Rolling-origin cross-validation of the forecaster (`indicast backtest`) and its scores.

use super::*;

/// One row of the cross-validation frame: a forecast made at `cutoff` and the actual value.
#[derive(Debug, Clone, PartialEq)]
pub struct CvRow {
    /// The forecast.
    pub row: Row,
    /// Last time of the training part.
    pub cutoff: i64,
    /// Actual value.
    pub y: f64,
    /// MASE scale: mean absolute one-step change of the training part.
    pub scale: f64,
}

/// Rolling-origin cross-validation in statsforecast's shape: `windows` cut-offs, `step` apart, the last
/// one `horizon` before the end of each series; every forecast uses only the data up to its cut-off
/// (weights and calibration included).
pub fn cross_validate(
    series: &[Series],
    horizon: usize,
    windows: usize,
    step: usize,
    levels: &[f64],
    models: &[String],
) -> (Vec<CvRow>, Vec<Failure>) {
    let mut rows = Vec::new();
    let mut failed: BTreeMap<String, String> = BTreeMap::new();
    let by_id: std::collections::HashMap<&str, &Series> =
        series.iter().map(|s| (s.id.as_str(), s)).collect();
    for w in 0..windows {
        let hold = horizon + (windows - 1 - w) * step;
        let train: Vec<Series> = series
            .iter()
            .filter(|s| s.y.len() > hold)
            .map(|s| {
                let n = s.y.len() - hold;
                Series {
                    id: s.id.clone(),
                    t: s.t[..n].to_vec(),
                    y: s.y[..n].to_vec(),
                }
            })
            .collect();
        for s in series.iter().filter(|s| s.y.len() <= hold) {
            failed.entry(s.id.clone()).or_insert_with(|| {
                format!("{} observations: too short for window {}", s.y.len(), w + 1)
            });
        }
        let out = forecast(&train, horizon, levels, models);
        for (id, why) in out.failed {
            failed.entry(id).or_insert(why);
        }
        for r in out.rows {
            let Some(s) = by_id.get(r.id.as_str()) else {
                continue;
            };
            let Some(pos) = s.t.iter().position(|&t| t == r.ds) else {
                continue;
            };
            let n = s.y.len() - hold;
            let d: Vec<f64> = s.y[..n].windows(2).map(|p| (p[1] - p[0]).abs()).collect();
            rows.push(CvRow {
                cutoff: s.t[n - 1],
                y: s.y[pos],
                scale: mean(&d),
                row: r,
            });
        }
    }
    (rows, failed.into_iter().collect())
}

/// sMAPE (%), MASE and coverage per level of the combined forecast (`None`) or a model (`Some(i)`); NaN
/// where nothing was scored.
pub fn cv_scores(rows: &[CvRow], model: Option<usize>) -> (f64, f64, Vec<f64>) {
    let mut smape = 0.0;
    let mut mase = 0.0;
    let mut n_mase = 0usize;
    let levels = rows.first().map_or(0, |r| r.row.intervals.len());
    let mut cover = vec![0usize; levels];
    let mut n = 0usize;
    for r in rows {
        let (f, iv) = match model {
            None => (r.row.mean, &r.row.intervals),
            Some(i) => (r.row.models[i].0, &r.row.models[i].1),
        };
        if !f.is_finite() {
            continue;
        }
        n += 1;
        let den = r.y.abs() + f.abs();
        smape += if den == 0.0 {
            0.0
        } else {
            200.0 * (r.y - f).abs() / den
        };
        if r.scale > 0.0 {
            mase += (r.y - f).abs() / r.scale;
            n_mase += 1;
        }
        for (l, (lo, hi)) in iv.iter().enumerate() {
            cover[l] += usize::from(*lo <= r.y && r.y <= *hi);
        }
    }
    // No forecast scored: NaN (printed as "–"), not a perfect 0.
    let per = |sum: f64, k: usize| if k == 0 { f64::NAN } else { sum / k as f64 };
    (
        per(smape, n),
        per(mase, n_mase),
        cover.iter().map(|&c| per(c as f64, n)).collect(),
    )
}

/// Render the cross-validation frame: `unique_id,ds,cutoff,y,mean,lo-…,hi-…` and per-model columns.
pub fn render_cv(
    rows: &[CvRow],
    levels: &[f64],
    models: &[String],
    cols: &Columns,
) -> Result<Vec<u8>> {
    // The forecast CSV's columns with the cut-off and the actual value after the time column.
    let mut w = csv::Writer::from_writer(Vec::new());
    let err = |e: csv::Error| Error::Render(format!("CSV encoding failed: {e}"));
    let mut h = header(levels, models, cols);
    h.insert(2, "cutoff".into());
    h.insert(3, cols.target.clone());
    w.write_record(&h).map_err(err)?;
    for r in rows {
        let mut v = record(&r.row);
        v.insert(2, r.cutoff.to_string());
        v.insert(3, format!("{}", r.y));
        w.write_record(&v).map_err(err)?;
    }
    w.into_inner()
        .map_err(|e| Error::Render(format!("CSV encoding failed: {e}")))
}
