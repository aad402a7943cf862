//! `indicast forecast` on the yearly dev sets of `../shared/bench` (M1, Tourism, US macro): the
//! cross-validation on the training parts that chose the defaults, and the scores on the test parts, as
//! `score.py` computes them (sMAPE, MASE, OWA against naive, 80/95% coverage, MSIS), in one command:
//!
//! ```sh
//! cargo bench --bench forecast_sets
//! ```
//!
//! It is also a regression guard ([`GUARDS`]): it exits non-zero when a set's test OWA or coverage
//! crosses its guard. Without `../shared/bench` it says so and exits 0.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use indicast::generic::{self, Columns, Series};

/// (file stem, horizon).
const SETS: [(&str, usize); 3] = [("m1_yearly", 6), ("tourism_yearly", 4), ("macro_annual", 6)];

/// Per set: largest test OWA, and how far 80% / 95% coverage may stray from nominal.
const GUARDS: [(f64, f64); 3] = [(0.70, 0.05), (0.92, 0.05), (0.45, 0.16)];

const LEVELS: [f64; 2] = [0.8, 0.95];

/// A point forecast and its 80% and 95% intervals.
type Forecast = (f64, [(f64, f64); 2]);

fn bench_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/bench")
}

fn read(path: &Path) -> Vec<Series> {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let cols = Columns {
        id: "series_id".into(),
        time: "period".into(),
        target: "value".into(),
    };
    generic::read_panel(&path.display().to_string(), bytes, &cols)
        .unwrap_or_else(|e| panic!("{e}"))
        .series
}

/// Scores of point and interval forecasts as `score.py` computes them.
#[derive(Default)]
struct Scores {
    smape: f64,
    mase: f64,
    cover: [f64; 2],
    msis: [f64; 2],
    n: usize,
}

/// `forecast(id, step)` → (point, [(lo, hi); 2]); the naive forecast is the last training value.
fn score(
    train: &HashMap<&str, &Series>,
    test: &[Series],
    forecast: &dyn Fn(&str, usize) -> Option<Forecast>,
) -> Scores {
    let mut s = Scores::default();
    for t in test {
        let Some(tr) = train.get(t.id.as_str()) else {
            continue;
        };
        let last = *tr.t.last().expect("non-empty series");
        let d: Vec<f64> = tr.y.windows(2).map(|w| (w[1] - w[0]).abs()).collect();
        let scale = d.iter().sum::<f64>() / d.len().max(1) as f64;
        for (&time, &y) in t.t.iter().zip(&t.y) {
            let step = usize::try_from(time - last).unwrap_or(0);
            let Some((f, iv)) = forecast(&t.id, step) else {
                continue;
            };
            s.n += 1;
            let den = y.abs() + f.abs();
            s.smape += if den > 0.0 {
                200.0 * (y - f).abs() / den
            } else {
                0.0
            };
            s.mase += (y - f).abs() / scale;
            for (l, (lo, hi)) in iv.iter().enumerate() {
                s.cover[l] += f64::from(u8::from(*lo <= y && y <= *hi));
                let a = 1.0 - LEVELS[l];
                let penalty = if y < *lo {
                    2.0 / a * (lo - y)
                } else if y > *hi {
                    2.0 / a * (y - hi)
                } else {
                    0.0
                };
                s.msis[l] += (hi - lo + penalty) / scale;
            }
        }
    }
    let n = s.n.max(1) as f64;
    s.smape /= n;
    s.mase /= n;
    for l in 0..2 {
        s.cover[l] /= n;
        s.msis[l] /= n;
    }
    s
}

fn main() -> ExitCode {
    let dir = bench_dir();
    if !dir.join("m1_yearly_train.csv").exists() {
        println!("{} not found: nothing to score", dir.display());
        return ExitCode::SUCCESS;
    }
    let mut failures = Vec::new();
    println!("# `indicast forecast` on the dev sets (defaults of generic::COMBINED)\n");
    println!(
        "| set | series | CV OWA | CV coverage 80 / 95 | test sMAPE | test MASE | test OWA | coverage 80 / 95 | MSIS 80 / 95 | seconds |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    let mut owas = Vec::new();
    for ((stem, h), (max_owa, cov_room)) in SETS.iter().zip(GUARDS) {
        let train = read(&dir.join(format!("{stem}_train.csv")));
        let test = read(&dir.join(format!("{stem}_test.csv")));
        // Cross-validation on the training part: the combination and naive, as `indicast backtest`.
        let (cv, _) = generic::cross_validate(&train, *h, 3, 2, &LEVELS, &["naive".to_string()]);
        let (cs, cm, ccov) = generic::cv_scores(&cv, None);
        let (ns, nm, _) = generic::cv_scores(&cv, Some(0));
        let cv_owa = 0.5 * (cs / ns + cm / nm);
        let started = Instant::now();
        let out = generic::forecast(&train, *h, &LEVELS, &[]);
        let seconds = started.elapsed().as_secs_f64();
        let by_train: HashMap<&str, &Series> = train.iter().map(|s| (s.id.as_str(), s)).collect();
        let mut rows: HashMap<(&str, i64), Forecast> = HashMap::new();
        for r in &out.rows {
            rows.insert(
                (r.id.as_str(), r.ds),
                (r.mean, [r.intervals[0], r.intervals[1]]),
            );
        }
        let ours = score(&by_train, &test, &|id, step| {
            let last = *by_train.get(id)?.t.last()?;
            rows.get(&(id, last + step as i64)).copied()
        });
        let naive = score(&by_train, &test, &|id, _| {
            let y = *by_train.get(id)?.y.last()?;
            Some((y, [(y, y), (y, y)]))
        });
        let owa = 0.5 * (ours.smape / naive.smape + ours.mase / naive.mase);
        owas.push(owa);
        println!(
            "| {stem} | {} | {cv_owa:.3} | {:.2} / {:.2} | {:.3} | {:.3} | **{owa:.3}** | {:.3} / {:.3} | {:.1} / {:.1} | {seconds:.3} |",
            train.len(),
            ccov[0],
            ccov[1],
            ours.smape,
            ours.mase,
            ours.cover[0],
            ours.cover[1],
            ours.msis[0],
            ours.msis[1],
        );
        if owa.is_nan() || owa > max_owa {
            failures.push(format!("{stem}: test OWA {owa:.3} > {max_owa}"));
        }
        for (l, nominal) in LEVELS.iter().enumerate() {
            let c = ours.cover[l];
            if c.is_nan() || (c - nominal).abs() > cov_room {
                failures.push(format!(
                    "{stem}: {:.0}% coverage {c:.3} more than {cov_room} from nominal",
                    100.0 * nominal
                ));
            }
        }
    }
    println!(
        "\nmean test OWA {:.3}, worst {:.3}",
        owas.iter().sum::<f64>() / owas.len() as f64,
        owas.iter().copied().fold(f64::NAN, f64::max)
    );
    if failures.is_empty() {
        println!("all guards hold");
        ExitCode::SUCCESS
    } else {
        for f in &failures {
            eprintln!("guard failed: {f}");
        }
        ExitCode::FAILURE
    }
}
