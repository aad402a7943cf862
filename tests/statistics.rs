//! Statistical evidence: OLS against statsmodels, recovery of known coefficients and calibrated interval
//! coverage on synthetic data, and no look-ahead in the whole job.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use approx::assert_abs_diff_eq;
use indicast::data::DataSource;
use indicast::data::panel::{Panel, Series};
use indicast::forecast::Dist;
use indicast::models::ols::{design, fit_ols};
use indicast::models::pooled::PooledFits;
use indicast::models::{Context, Feature, ModelKind, ModelSpec};
use indicast::run::{Reports, RunConfig, run};
use ndarray::{Array1, array};
use rand::SeedableRng;
use rand::rngs::StdRng;
use rand_distr::{Distribution, Normal, Uniform};

mod common;
use common::{change_later_values, point};

fn read_csv(path: &Path) -> Vec<HashMap<String, String>> {
    let mut rdr = csv::Reader::from_path(path).expect("fixture exists");
    let headers = rdr.headers().unwrap().clone();
    rdr.records()
        .map(|r| {
            let r = r.unwrap();
            headers
                .iter()
                .zip(r.iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

fn num(row: &HashMap<String, String>, col: &str) -> f64 {
    row[col].parse().unwrap()
}

/// Coefficients, standard errors, σ², and Student-t prediction intervals equal statsmodels' to 1e-6
/// (fixture and script in tests/fixtures/ols_reference/). The `full` case uses a raw calendar-year column.
#[test]
fn ols_matches_statsmodels_reference() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ols_reference");
    let data = read_csv(&dir.join("data.csv"));
    let params = read_csv(&dir.join("params.csv"));
    let scalars = read_csv(&dir.join("scalars.csv"));
    let predict = read_csv(&dir.join("predict.csv"));
    for (case, terms) in [
        ("full", vec!["const", "x1", "year"]),
        ("trend", vec!["const", "year"]),
    ] {
        let row = |r: &HashMap<String, String>| -> Vec<f64> {
            terms
                .iter()
                .map(|t| match *t {
                    "const" => 1.0,
                    other => num(r, other),
                })
                .collect()
        };
        let x = design(&data.iter().map(row).collect::<Vec<_>>());
        let y = Array1::from(data.iter().map(|r| num(r, "y")).collect::<Vec<_>>());
        let fit = fit_ols(&x, &y).unwrap();
        let se = fit.coef_se();
        for p in params.iter().filter(|p| p["case"] == case) {
            let j = terms.iter().position(|t| *t == p["term"]).unwrap();
            let tol = 1e-6 * num(p, "coef").abs().max(1.0);
            assert_abs_diff_eq!(fit.beta[j], num(p, "coef"), epsilon = tol);
            assert_abs_diff_eq!(se[j], num(p, "se"), epsilon = 1e-6 * num(p, "se").max(1.0));
        }
        for s in scalars.iter().filter(|s| s["case"] == case) {
            match s["name"].as_str() {
                "sigma2" => assert_abs_diff_eq!(fit.sigma2, num(s, "value"), epsilon = 1e-6),
                "df_resid" => assert_abs_diff_eq!(fit.df, num(s, "value"), epsilon = 1e-12),
                _ => {}
            }
        }
        for p in predict.iter().filter(|p| p["case"] == case) {
            let x0 = Array1::from(row(p));
            let d = fit.predict(&x0);
            assert_abs_diff_eq!(d.mean, num(p, "mean"), epsilon = 1e-6);
            assert_abs_diff_eq!(fit.mean_se(&x0), num(p, "mean_se"), epsilon = 1e-6);
            assert_abs_diff_eq!(d.se, num(p, "obs_se"), epsilon = 1e-6);
            let (l80, h80) = d.interval(0.8);
            let (l95, h95) = d.interval(0.95);
            assert_abs_diff_eq!(l80, num(p, "lo80"), epsilon = 1e-6);
            assert_abs_diff_eq!(h80, num(p, "hi80"), epsilon = 1e-6);
            assert_abs_diff_eq!(l95, num(p, "lo95"), epsilon = 1e-6);
            assert_abs_diff_eq!(h95, num(p, "hi95"), epsilon = 1e-6);
        }
    }
}

const SIMS: usize = 5000;

fn coverage(hits80: usize, hits95: usize) -> (f64, f64) {
    (hits80 as f64 / SIMS as f64, hits95 as f64 / SIMS as f64)
}

fn covers(d: &Dist, y: f64, level: f64) -> bool {
    let (lo, hi) = d.interval(level);
    lo <= y && y <= hi
}

/// A bridge regression y = 1.5 + 0.8·x + ε (σ = 0.6, n = 15): the estimates are unbiased and the
/// Student-t prediction intervals cover 80% / 95% of new draws.
#[test]
fn bridge_regression_recovers_coefficients_and_intervals_cover() {
    let mut rng = StdRng::seed_from_u64(20_221_228);
    let xs = Uniform::new(4.0, 12.0);
    let eps = Normal::new(0.0, 0.6).unwrap();
    let (mut b0, mut b1) = (0.0, 0.0);
    let (mut h80, mut h95) = (0, 0);
    for _ in 0..SIMS {
        let x: Vec<f64> = (0..15).map(|_| xs.sample(&mut rng)).collect();
        let rows: Vec<Vec<f64>> = x.iter().map(|&v| vec![1.0, v]).collect();
        let y = Array1::from(
            x.iter()
                .map(|&v| 1.5 + 0.8 * v + eps.sample(&mut rng))
                .collect::<Vec<_>>(),
        );
        let fit = fit_ols(&design(&rows), &y).unwrap();
        b0 += fit.beta[0];
        b1 += fit.beta[1];
        let x_new = xs.sample(&mut rng);
        let y_new = 1.5 + 0.8 * x_new + eps.sample(&mut rng);
        let d = fit.predict(&array![1.0, x_new]);
        h80 += usize::from(covers(&d, y_new, 0.8));
        h95 += usize::from(covers(&d, y_new, 0.95));
    }
    assert_abs_diff_eq!(b0 / SIMS as f64, 1.5, epsilon = 0.03);
    assert_abs_diff_eq!(b1 / SIMS as f64, 0.8, epsilon = 0.004);
    let (c80, c95) = coverage(h80, h95);
    eprintln!("bridge OLS coverage: 80% -> {c80:.4}, 95% -> {c95:.4}");
    assert!((0.78..=0.82).contains(&c80), "80% coverage {c80}");
    assert!((0.935..=0.965).contains(&c95), "95% coverage {c95}");
}

/// (region, indicator, (year, value) points) of a synthetic series.
type SyntheticSeries<'a> = (&'a str, &'a str, Vec<(i32, f64)>);

fn synthetic_panel(series: &[SyntheticSeries<'_>]) -> Panel {
    let mut growth = BTreeMap::new();
    for (region, indicator, pts) in series {
        let points = pts
            .iter()
            .map(|&(year, value)| point(year, value))
            .collect();
        growth.insert(
            (region.to_string(), indicator.to_string()),
            Series { points },
        );
    }
    Panel {
        growth,
        levels: BTreeMap::new(),
        warnings: Vec::new(),
    }
}

/// AR(1) growth yₜ = 2 + 0.6·yₜ₋₁ + ε (σ = 1, 18 years with two gaps) fitted through the model catalogue:
/// φ is recovered (up to the known small-sample bias of OLS on AR data) and the one-year-ahead
/// intervals cover as promised.
#[test]
fn ar1_model_recovers_persistence_and_intervals_cover() {
    let mut rng = StdRng::seed_from_u64(7);
    let eps = Normal::new(0.0, 1.0).unwrap();
    let spec = ModelSpec {
        name: "ar1".into(),
        kind: ModelKind::Ols(vec![Feature::Lag1]),
    };
    let parents = HashMap::new();
    let drivers = HashMap::new();
    let families = HashMap::new();
    let pooled = PooledFits::default();
    let (mut h80, mut h95) = (0, 0);
    let mut sum_mean_err = 0.0;
    for _ in 0..SIMS {
        let mut y = 5.0;
        let mut pts = Vec::new();
        for year in 1990..=2022 {
            y = 2.0 + 0.6 * y + eps.sample(&mut rng);
            if year >= 2005 && year != 2010 && year != 2016 {
                pts.push((year, y));
            }
        }
        let actual = 2.0 + 0.6 * y + eps.sample(&mut rng);
        let panel = synthetic_panel(&[("R", "g", pts)]);
        let ctx = Context {
            pooled: &pooled,
            families: &families,
            panel: &panel,
            parents: &parents,
            cutoff: 2022,
            interventions: &[],
            driver_forecasts: &drivers,
        };
        let d = ctx.forecast(&("R".into(), "g".into()), &spec).dist.unwrap();
        sum_mean_err += d.mean - (2.0 + 0.6 * y);
        h80 += usize::from(covers(&d, actual, 0.8));
        h95 += usize::from(covers(&d, actual, 0.95));
    }
    let (c80, c95) = coverage(h80, h95);
    eprintln!(
        "AR(1) coverage: 80% -> {c80:.4}, 95% -> {c95:.4}; mean error of the conditional mean {:.4}",
        sum_mean_err / SIMS as f64
    );
    assert!((sum_mean_err / SIMS as f64).abs() < 0.1);
    assert!((0.78..=0.82).contains(&c80), "80% coverage {c80}");
    assert!((0.935..=0.965).contains(&c95), "95% coverage {c95}");
}

/// Parent bridge with an uncertain driver: child = 1 + 0.9·parent + ε (σ = 0.8); the parent's own
/// forecast N(μ, 1.2²) feeds in and its variance is added (β²·Var). Coverage of the child's actual value,
/// drawn with the parent's actual value, matches the nominal levels.
#[test]
fn parent_bridge_propagates_driver_uncertainty() {
    let mut rng = StdRng::seed_from_u64(11);
    let eps = Normal::new(0.0, 0.8).unwrap();
    let parent_sd = 1.2;
    let parent_err = Normal::new(0.0, parent_sd).unwrap();
    let xs = Uniform::new(4.0, 12.0);
    let spec = ModelSpec {
        name: "parent".into(),
        kind: ModelKind::Ols(vec![Feature::Parent]),
    };
    let parents: HashMap<String, String> = [("C".to_string(), "P".to_string())].into();
    let pooled = PooledFits::default();
    let families = HashMap::new();
    let (mut h80, mut h95, mut h80_naive) = (0, 0, 0);
    for _ in 0..SIMS {
        let years: Vec<i32> = (2005..=2022).collect();
        let p: Vec<(i32, f64)> = years.iter().map(|&t| (t, xs.sample(&mut rng))).collect();
        let c: Vec<(i32, f64)> = p
            .iter()
            .map(|&(t, v)| (t, 1.0 + 0.9 * v + eps.sample(&mut rng)))
            .collect();
        let panel = synthetic_panel(&[("P", "g", p), ("C", "g", c)]);
        let parent_actual = xs.sample(&mut rng);
        let parent_forecast = parent_actual + parent_err.sample(&mut rng);
        let drivers: HashMap<(String, String), Dist> = [(
            ("P".to_string(), "g".to_string()),
            Dist::new(parent_forecast, parent_sd, f64::INFINITY),
        )]
        .into();
        let ctx = Context {
            pooled: &pooled,
            families: &families,
            panel: &panel,
            parents: &parents,
            cutoff: 2022,
            interventions: &[],
            driver_forecasts: &drivers,
        };
        let actual = 1.0 + 0.9 * parent_actual + eps.sample(&mut rng);
        let d = ctx.forecast(&("C".into(), "g".into()), &spec).dist.unwrap();
        h80 += usize::from(covers(&d, actual, 0.8));
        h95 += usize::from(covers(&d, actual, 0.95));
        // Without the driver variance the interval is far too narrow:
        let naive = Dist::new(
            d.mean,
            (d.se * d.se - 0.81 * parent_sd * parent_sd)
                .max(1e-9)
                .sqrt(),
            d.df,
        );
        h80_naive += usize::from(covers(&naive, actual, 0.8));
    }
    let (c80, c95) = coverage(h80, h95);
    let naive80 = h80_naive as f64 / SIMS as f64;
    eprintln!(
        "parent bridge coverage: 80% -> {c80:.4}, 95% -> {c95:.4}; ignoring driver uncertainty 80% -> {naive80:.4}"
    );
    assert!((0.78..=0.82).contains(&c80), "80% coverage {c80}");
    assert!((0.935..=0.965).contains(&c95), "95% coverage {c95}");
    assert!(
        naive80 < 0.7,
        "ignoring the driver's variance should under-cover, got {naive80}"
    );
}

/// Everything after the as-of year can change without changing anything the engine says as of that year.
#[test]
fn no_look_ahead_changing_later_data_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let changed = change_later_values(&common::data_dir(), dir.path(), 2016);
    assert!(changed > 50);

    let cfg = |source| RunConfig {
        source,
        as_of: Some(2016),
        tolerance: 0.5,
        calibrate: true,
        reports: Reports::Bundled,
        add_data: Vec::new(),
        period: None,
    };
    let original = run(&cfg(DataSource::Bundled)).unwrap();
    let modified = run(&cfg(DataSource::Dir(dir.path().to_path_buf()))).unwrap();
    assert!(!original.assessments.is_empty());
    assert_eq!(original.assessments, modified.assessments);
    assert_eq!(original.backtest, modified.backtest);
    assert_eq!(original.calls, modified.calls);
    // ...whereas the 2022 run does see the change.
    let later = |source| RunConfig {
        source,
        as_of: Some(2022),
        tolerance: 0.5,
        calibrate: true,
        reports: Reports::Bundled,
        add_data: Vec::new(),
        period: None,
    };
    let a = run(&later(DataSource::Bundled)).unwrap();
    let b = run(&later(DataSource::Dir(dir.path().to_path_buf()))).unwrap();
    assert_ne!(a.assessments, b.assessments);
}

/// The whole engine (every model, the combination rule, calibration) on 40 synthetic AR(1) growth series
/// yₜ = 3 + 0.5·yₜ₋₁ + ε, σ = 1, 2000–2022: the rolling-origin backtest of the combined forecast covers
/// close to the nominal levels (origins 2008–2022, 600 forecasts), and its error beats the baseline's.
#[test]
fn combined_forecast_is_calibrated_on_synthetic_panel() {
    use indicast::data::{Dataset, Region};
    use indicast::engine::{self, EngineConfig};
    use indicast::run::{Accuracy, backtest_rows};
    let mut rng = StdRng::seed_from_u64(2023);
    let eps = Normal::new(0.0, 1.0).unwrap();
    let mut ds = Dataset::default();
    let mut series = Vec::new();
    let names: Vec<String> = (0..40).map(|i| format!("R{i}")).collect();
    for name in &names {
        ds.regions.insert(
            name.clone(),
            Region {
                name: name.clone(),
                parent: None,
                name_zh: String::new(),
            },
        );
        let mut y = 6.0;
        let mut pts = Vec::new();
        for year in 1990..=2022 {
            y = 3.0 + 0.5 * y + eps.sample(&mut rng);
            if year >= 2000 {
                pts.push((year, y));
            }
        }
        series.push((name.as_str(), "g", pts));
    }
    let panel = synthetic_panel(&series);
    let cfg = EngineConfig {
        as_of: 2022,
        treat_interventions: true,
        calibrate: true,
    };
    let out = engine::run(&ds, &panel, &Default::default(), &cfg);
    let rows = backtest_rows(&panel, &out);
    let combined = Accuracy::of(
        rows.iter()
            .filter(|r| r.model == "combined" && r.origin >= 2008),
    );
    let mean = Accuracy::of(
        rows.iter()
            .filter(|r| r.model == "mean" && r.origin >= 2008),
    );
    eprintln!(
        "synthetic panel, combined: n {} MAE {:.3} coverage 80% -> {:.3}, 95% -> {:.3}; mean baseline MAE {:.3} coverage {:.3}/{:.3}",
        combined.n,
        combined.mae,
        combined.coverage80,
        combined.coverage95,
        mean.mae,
        mean.coverage80,
        mean.coverage95
    );
    assert!(combined.n > 500);
    assert!(
        (0.75..=0.87).contains(&combined.coverage80),
        "80% coverage {}",
        combined.coverage80
    );
    assert!(
        (0.91..=0.98).contains(&combined.coverage95),
        "95% coverage {}",
        combined.coverage95
    );
    // The irreducible error is E|ε| = 0.80; the combination must beat the mean of the last five values.
    assert!(
        combined.mae < mean.mae,
        "MAE {} vs baseline {}",
        combined.mae,
        mean.mae
    );
}
