//! The pooled models in the whole job and on synthetic data: a city with three points still gets a
//! pooled forecast about as sharp as its province's, nothing after the as-of year leaks in when the
//! development provinces are added, and the pooled gap regression recovers a known decay.
//!
//! The provinces (`../shared/data/provinces`) are read where they are, or copied into a temporary
//! directory; the tests that need them say so and pass when they are absent.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use indicast::data::DataSource;
use indicast::data::panel::{Panel, Series, SeriesKey};
use indicast::forecast::Dist;
use indicast::models::pooled::{GAP_YEARS, PooledFits};
use indicast::models::{Context, ModelKind, ModelSpec};
use indicast::run::{Reports, RunConfig, RunResult, run};
use rand::SeedableRng;
use rand::rngs::StdRng;
use rand_distr::{Distribution, Normal};

mod common;
use common::{change_later_values, copy_csvs, point};

const THIN: &str = "Zibo";
const GDP: &str = "gdp_real_growth";

fn manifest() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The development provinces, or `None` (with a note) when `../shared` is not there.
fn provinces(test: &str) -> Option<PathBuf> {
    let dir = manifest().join("../shared/data/provinces");
    if dir.join("indicators.csv").is_file() {
        Some(dir)
    } else {
        eprintln!(
            "note: {test}: {} is absent; the part with the provinces is skipped",
            dir.display()
        );
        None
    }
}

/// Column index of `name` in the header.
fn col(headers: &csv::StringRecord, name: &str) -> usize {
    headers
        .iter()
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("no column {name}"))
}

/// The bundled data with every full-year real-GDP growth row of Zibo removed except those of its last
/// three years; every other byte of `indicators.csv` is kept (records are cut out by their byte spans).
/// Returns the years kept.
fn thin_out_zibo(dir: &Path) -> Vec<i32> {
    let path = dir.join("indicators.csv");
    let bytes = std::fs::read(&path).unwrap();
    let mut rdr = csv::Reader::from_reader(&bytes[..]);
    let headers = rdr.headers().unwrap().clone();
    let (region, indicator, period, year) = (
        col(&headers, "region"),
        col(&headers, "indicator"),
        col(&headers, "period"),
        col(&headers, "year"),
    );
    // (start byte, year of a Zibo FY real-GDP row or None)
    let mut records: Vec<(usize, Option<i32>)> = Vec::new();
    for r in rdr.records() {
        let r = r.unwrap();
        let start = usize::try_from(r.position().unwrap().byte()).unwrap();
        let target = r[region] == *THIN && r[indicator] == *GDP && &r[period] == "FY";
        records.push((start, target.then(|| r[year].trim().parse().unwrap())));
    }
    let years: BTreeSet<i32> = records.iter().filter_map(|r| r.1).collect();
    assert!(years.len() > 3, "Zibo has only {years:?}");
    let keep: Vec<i32> = years.iter().rev().take(3).rev().copied().collect();
    let mut out = bytes[..records[0].0].to_vec();
    let mut dropped = 0;
    for (i, (start, y)) in records.iter().enumerate() {
        let end = records.get(i + 1).map_or(bytes.len(), |r| r.0);
        if y.is_some_and(|y| !keep.contains(&y)) {
            dropped += 1;
            continue;
        }
        out.extend_from_slice(&bytes[*start..end]);
    }
    assert!(dropped >= years.len() - 3);
    assert_eq!(out.len() < bytes.len(), dropped > 0);
    std::fs::write(&path, out).unwrap();
    keep
}

fn width80(d: &Dist) -> f64 {
    let (lo, hi) = d.interval(0.8);
    hi - lo
}

/// Checks the thin city's 2023 forecast against its province's and returns both 80% widths.
fn thin_city_forecast(result: &RunResult, kept: &[i32], label: &str) -> (f64, f64) {
    let zibo: SeriesKey = (THIN.into(), GDP.into());
    let shandong: SeriesKey = ("Shandong".into(), GDP.into());
    // The panel really has only the three points (no other id brings the others back).
    let years: Vec<i32> = result.panel.growth[&zibo]
        .points
        .iter()
        .map(|p| p.year)
        .collect();
    assert_eq!(years, kept, "{label}");
    let z = result
        .engine
        .forecast_of(&zibo, 2023)
        .expect("Zibo forecast");
    let s = result
        .engine
        .forecast_of(&shandong, 2023)
        .expect("Shandong forecast");
    let zc = z.combined.expect("Zibo has a combined forecast");
    let sc = s.combined.expect("Shandong has a combined forecast");
    assert!(
        zc.mean.is_finite() && zc.se.is_finite() && zc.se > 0.0,
        "{zc:?}"
    );
    let weighted: Vec<(&str, f64)> = z
        .models
        .iter()
        .filter(|m| m.weight > 0.0)
        .map(|m| (m.model.as_str(), m.weight))
        .collect();
    assert!(
        weighted
            .iter()
            .any(|(m, _)| *m == "pooled_gap" || *m == "naive"),
        "{label}: Zibo's weights {weighted:?}; models {:?}",
        z.models
            .iter()
            .map(|m| (&m.model, &m.dist))
            .collect::<Vec<_>>()
    );
    let (wz, ws) = (width80(&zc), width80(&sc));
    eprintln!(
        "{label}: Zibo 2023 real GDP from {} points ({kept:?}), weights {weighted:?}: mean {:.2}, 80% width {wz:.3}; Shandong mean {:.2}, 80% width {ws:.3}; ratio {:.3}",
        z.n_obs,
        zc.mean,
        sc.mean,
        wz / ws
    );
    assert!(
        wz <= 1.5 * ws,
        "{label}: Zibo's 80% width {wz} > 1.5 × Shandong's {ws}"
    );
    (wz, ws)
}

/// Zibo with only its last three real-GDP growth points still gets a finite pooled forecast for 2023,
/// whose 80% interval is at most 1.5 times as wide as Shandong's — without and with the provinces.
#[test]
fn thin_city_gets_a_pooled_forecast_about_as_sharp_as_its_province() {
    let dir = tempfile::tempdir().unwrap();
    copy_csvs(&manifest().join("data"), dir.path());
    let kept = thin_out_zibo(dir.path());
    let cfg = |add_data: Vec<PathBuf>| RunConfig {
        source: DataSource::Dir(dir.path().to_path_buf()),
        as_of: Some(2022),
        tolerance: 0.5,
        calibrate: true,
        reports: Reports::Bundled,
        add_data,
        period: None,
    };
    let result = run(&cfg(Vec::new())).unwrap();
    thin_city_forecast(&result, &kept, "bundled data");
    if let Some(prov) = provinces("thin_city") {
        let result = run(&cfg(vec![prov])).unwrap();
        assert!(result.data.regions.len() > 3);
        thin_city_forecast(&result, &kept, "with the provinces");
    }
}

fn debug_lines<T: std::fmt::Debug>(v: &[T]) -> Vec<String> {
    v.iter().map(|x| format!("{x:?}")).collect()
}

/// With the provinces added, everything after the as-of year (2012) can change without changing any
/// assessment, backtest row or historical call as of that year; as of a later year the change shows.
#[test]
fn no_look_ahead_with_the_provinces_added() {
    let Some(prov) = provinces("no_look_ahead_with_the_provinces_added") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let changed = change_later_values(&prov, dir.path(), 2012);
    assert!(changed > 500, "{changed} rows changed");
    let cfg = |add: &Path, as_of: i32| RunConfig {
        source: DataSource::Bundled,
        as_of: Some(as_of),
        tolerance: 0.5,
        calibrate: true,
        reports: Reports::Bundled,
        add_data: vec![add.to_path_buf()],
        period: None,
    };
    let original = run(&cfg(&prov, 2012)).unwrap();
    let modified = run(&cfg(dir.path(), 2012)).unwrap();
    let regions: BTreeSet<&str> = original
        .assessments
        .iter()
        .map(|a| a.target.region.as_str())
        .collect();
    assert!(
        regions.len() > 3,
        "the provinces' targets are assessed: {regions:?}"
    );
    assert!(!original.backtest.is_empty() && !original.calls.is_empty());
    eprintln!(
        "as of 2012 with the provinces: {} assessments ({} regions), {} backtest rows, {} calls, {changed} later rows changed",
        original.assessments.len(),
        regions.len(),
        original.backtest.len(),
        original.calls.len()
    );
    // Debug strings: a NaN (a target that could not be assessed) equals itself there.
    assert_eq!(
        debug_lines(&original.assessments),
        debug_lines(&modified.assessments)
    );
    assert_eq!(
        debug_lines(&original.backtest),
        debug_lines(&modified.backtest)
    );
    assert_eq!(
        debug_lines(&original.backtest_untreated),
        debug_lines(&modified.backtest_untreated)
    );
    assert_eq!(debug_lines(&original.calls), debug_lines(&modified.calls));
    // ...whereas a run that may see 2013 does see the change.
    let a = run(&cfg(&prov, 2014)).unwrap();
    let b = run(&cfg(dir.path(), 2014)).unwrap();
    assert_ne!(debug_lines(&a.backtest), debug_lines(&b.backtest));
}

const RHO: f64 = 0.7;
const CUTOFF: i32 = 2022;
const CHILDREN: usize = 8;

/// A parent random walk and 8 children whose gaps to it follow gapₜ₊₁ = 0.7·gapₜ + N(0, 0.5²), starting
/// from gaps spread over ±5 a year before the pooled regression's window.
fn gap_panel(seed: u64) -> (Panel, HashMap<String, String>) {
    let mut rng = StdRng::seed_from_u64(seed);
    let step = Normal::new(0.0, 1.0).unwrap();
    let shock = Normal::new(0.0, 0.5).unwrap();
    let years: Vec<i32> = (CUTOFF - GAP_YEARS - 1..=CUTOFF).collect();
    let mut level = 8.0;
    let parent: Vec<(i32, f64)> = years
        .iter()
        .map(|&y| {
            level += step.sample(&mut rng);
            (y, level)
        })
        .collect();
    let mut growth = BTreeMap::new();
    let mut parents = HashMap::new();
    for k in 0..CHILDREN {
        let mut gap = (k as f64 - 3.5) * 1.4;
        let points = parent
            .iter()
            .map(|&(y, p)| {
                let v = point(y, p + gap);
                gap = RHO * gap + shock.sample(&mut rng);
                v
            })
            .collect();
        let name = format!("C{k}");
        growth.insert((name.clone(), "g".to_string()), Series { points });
        parents.insert(name, "P".to_string());
    }
    growth.insert(
        ("P".to_string(), "g".to_string()),
        Series {
            points: parent.iter().map(|&(y, v)| point(y, v)).collect(),
        },
    );
    let panel = Panel {
        growth,
        levels: BTreeMap::new(),
        warnings: Vec::new(),
    };
    (panel, parents)
}

/// `pooled_gap` end to end on synthetic panels: the pooled decay is recovered (within 0.15 of 0.7 on
/// each of 20 panels) and a child's forecast is the parent's forecast plus ρ̂ times its last gap (ρ̂²
/// times the gap of the year before when the cut-off value is missing), with the parent's variance in it.
#[test]
fn pooled_gap_recovers_the_decay_and_forecasts_parent_plus_damped_gap() {
    let spec = ModelSpec {
        name: "pooled_gap".into(),
        kind: ModelKind::PooledGap,
    };
    let families = HashMap::new();
    let parent_fc = Dist::new(6.5, 1.2, f64::INFINITY);
    let drivers: HashMap<SeriesKey, Dist> =
        [(("P".to_string(), "g".to_string()), parent_fc)].into();
    let mut betas = Vec::new();
    for seed in 0..20 {
        let (panel, parents) = gap_panel(seed);
        let pooled = PooledFits::estimate(&panel, &parents, CUTOFF, &[]);
        let fit = pooled.by_indicator["g"].gap.clone().unwrap().unwrap();
        let beta = fit.fit.beta[0];
        betas.push(beta);
        assert!((beta - RHO).abs() <= 0.15, "seed {seed}: β = {beta}");
        assert!(fit.drivers.is_empty());
        let ctx = Context {
            pooled: &pooled,
            families: &families,
            panel: &panel,
            parents: &parents,
            cutoff: CUTOFF,
            interventions: &[],
            driver_forecasts: &drivers,
        };
        let value = |r: &str, y: i32| panel.growth[&(r.to_string(), "g".to_string())].get(y);
        for k in 0..CHILDREN {
            let child = format!("C{k}");
            let r = ctx.forecast(&(child.clone(), "g".into()), &spec);
            let d = r.dist.unwrap();
            let gap = value(&child, CUTOFF).unwrap() - value("P", CUTOFF).unwrap();
            let expected = parent_fc.mean + beta * gap;
            assert!(
                (d.mean - expected).abs() < 1e-9,
                "seed {seed} {child}: mean {} vs {expected}",
                d.mean
            );
            assert!(d.se > parent_fc.se, "{d:?}");
            assert_eq!(r.links[0].driver, ("P".to_string(), "g".to_string()));
            assert_eq!(r.links[0].beta, 1.0);
        }
        // The parent forecast moves the child's one for one.
        let shifted: HashMap<SeriesKey, Dist> = [(
            ("P".to_string(), "g".to_string()),
            Dist::new(parent_fc.mean + 2.0, parent_fc.se, parent_fc.df),
        )]
        .into();
        let ctx2 = Context {
            driver_forecasts: &shifted,
            ..ctx
        };
        let a = ctx2
            .forecast(&("C0".into(), "g".into()), &spec)
            .dist
            .unwrap();
        let b = ctx
            .forecast(&("C0".into(), "g".into()), &spec)
            .dist
            .unwrap();
        assert!((a.mean - b.mean - 2.0).abs() < 1e-9);
    }
    let mean_beta = betas.iter().sum::<f64>() / betas.len() as f64;
    eprintln!(
        "pooled_gap: β over 20 synthetic panels (ρ = {RHO}): mean {mean_beta:.3}, {betas:.3?}"
    );

    // A child without its cut-off value: the gap of the year before, damped twice.
    let (mut panel, parents) = gap_panel(99);
    let key: SeriesKey = ("C7".into(), "g".into());
    panel
        .growth
        .get_mut(&key)
        .unwrap()
        .points
        .retain(|p| p.year != CUTOFF);
    let pooled = PooledFits::estimate(&panel, &parents, CUTOFF, &[]);
    let beta = pooled.by_indicator["g"]
        .gap
        .clone()
        .unwrap()
        .unwrap()
        .fit
        .beta[0];
    assert!((beta - RHO).abs() <= 0.15, "β = {beta}");
    let ctx = Context {
        pooled: &pooled,
        families: &families,
        panel: &panel,
        parents: &parents,
        cutoff: CUTOFF,
        interventions: &[],
        driver_forecasts: &drivers,
    };
    let gap = panel.growth[&key].get(CUTOFF - 1).unwrap()
        - panel.growth[&("P".to_string(), "g".to_string())]
            .get(CUTOFF - 1)
            .unwrap();
    let d = ctx.forecast(&key, &spec).dist.unwrap();
    let expected = parent_fc.mean + beta.clamp(0.0, 1.0) * beta * gap;
    assert!((d.mean - expected).abs() < 1e-9, "{} vs {expected}", d.mean);
    // Without the parent's forecast there is no pooled_gap forecast.
    let none = HashMap::new();
    let ctx3 = Context {
        driver_forecasts: &none,
        ..ctx
    };
    assert!(ctx3.forecast(&key, &spec).dist.is_err());
}

/// A region that does not move with its parent at all — real GDP growth of exactly 5.0% for 23 years —
/// keeps its own value: its own record shows the gap model far worse than "same as last year", which
/// the engine then follows (the gap model alone gave 4.64 and P(about 5%) 61%).
#[test]
fn a_region_that_never_moves_keeps_its_own_value() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("const");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("regions.csv"),
        "region,parent,name_zh,name_en\nConst,China,常数市,Const\n",
    )
    .unwrap();
    let mut rows = String::from(
        "region,indicator,period,year,value,unit,kind,vintage,confidence,source,note\n",
    );
    for year in 2000..=2022 {
        rows.push_str(&format!(
            "Const,gdp_real_growth,FY,{year},5.0,pct,growth_pct,revised,high,synthetic,\n"
        ));
    }
    std::fs::write(dir.join("indicators.csv"), rows).unwrap();
    std::fs::write(
        dir.join("targets.csv"),
        "region,year,indicator,target,qualifier,text,outcome,met,source\n\
         Const,2023,gdp_real_growth,5,about,5%左右,,,synthetic\n",
    )
    .unwrap();
    let r = run(&RunConfig {
        add_data: vec![dir],
        period: None,
        ..RunConfig::bundled(Some(2022))
    })
    .unwrap();
    let a = r
        .assessments
        .iter()
        .find(|a| a.target.region == "Const")
        .unwrap();
    let d = a.dist.unwrap();
    assert!((d.mean - 5.0).abs() < 1e-9, "{d:?}");
    assert!(a.p_met.unwrap() > 0.8, "{:?}", a.p_met);
}
