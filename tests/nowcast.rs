//! The nowcast (`--as-of 2023Q1|H1|Q3`): a year-to-date figure moves P(met) its way and narrows the
//! interval, more so late in the year; nothing of a later period or year is read; bad periods are refused.

use std::fs;
use std::path::{Path, PathBuf};

mod common;
use common::{copy_data, describe, indicast, stderr};

use indicast::data::DataSource;
use indicast::nowcast::InYear;
use indicast::run::{RunConfig, RunResult, run};

const HEADER: &str =
    "region,indicator,period,year,value,unit,kind,vintage,confidence,source,note\n";

/// A data directory with one made-up year-to-date row of Zibo's GDP growth.
fn zibo_ytd(dir: &Path, period: &str, value: f64) -> PathBuf {
    let d = dir.join(format!("zibo_{period}_{value}"));
    fs::create_dir_all(&d).unwrap();
    fs::write(
        d.join("indicators.csv"),
        format!(
            "{HEADER}Zibo,gdp_real_growth,{period},2023,{value},pct,growth_pct,reported,high,made-up test value,\n"
        ),
    )
    .unwrap();
    d
}

fn run_with(add: Vec<PathBuf>, period: Option<InYear>) -> RunResult {
    let mut cfg = RunConfig::bundled(Some(2022));
    cfg.add_data = add;
    cfg.period = period;
    run(&cfg).expect("bundled data with a Zibo row run")
}

/// (P(met), width of the 80% interval) of Zibo's 2023 GDP target.
fn zibo_gdp(r: &RunResult) -> (f64, f64) {
    let a = r
        .assessments
        .iter()
        .find(|a| a.target.region == "Zibo" && a.target.indicator == "gdp_real_growth")
        .expect("Zibo's GDP target is assessed");
    let d = a.dist.expect("a distribution");
    let (lo, hi) = d.interval(0.8);
    (a.p_met.expect("P(met)"), hi - lo)
}

#[test]
fn a_zibo_figure_moves_p_met_its_way_and_narrows_the_interval_more_in_october() {
    let tmp = tempfile::tempdir().unwrap();
    let (p_dec, w_dec) = zibo_gdp(&run_with(Vec::new(), None));
    let target = 5.5;
    for (value, up) in [(2.5, false), (8.0, true)] {
        let q1 = run_with(vec![zibo_ytd(tmp.path(), "Q1", value)], Some(InYear::Q1));
        let q3 = run_with(vec![zibo_ytd(tmp.path(), "Q3", value)], Some(InYear::Q3));
        assert_eq!(q1.nowcasts.len(), 1, "{:?}", q1.nowcasts);
        assert!(q1.nowcasts[0].key.0 == "Zibo" && q1.nowcasts[0].period == InYear::Q1);
        let ((p1, w1), (p3, w3)) = (zibo_gdp(&q1), zibo_gdp(&q3));
        eprintln!(
            "Zibo Q1/Q3 = {value} (target about {target}): P(met) December {p_dec:.3}, Q1 {p1:.3}, Q3 {p3:.3}; \
             80% width {w_dec:.2}, {w1:.2}, {w3:.2}"
        );
        if up {
            assert!(p1 > p_dec && p3 > p1, "{p_dec} {p1} {p3}");
        } else {
            assert!(p1 < p_dec && p3 < p1, "{p_dec} {p1} {p3}");
        }
        assert!(w1 < w_dec && w3 < w1, "{w_dec} {w1} {w3}");
    }
}

#[test]
fn a_series_without_a_year_to_date_value_keeps_its_december_forecast() {
    let tmp = tempfile::tempdir().unwrap();
    let dec = run_with(Vec::new(), None);
    let q1 = run_with(vec![zibo_ytd(tmp.path(), "Q1", 3.0)], Some(InYear::Q1));
    for (a, b) in dec.assessments.iter().zip(&q1.assessments) {
        assert_eq!(a.target, b.target);
        if a.target.region == "Zibo" && a.target.indicator == "gdp_real_growth" {
            assert_ne!(a.dist, b.dist);
        } else {
            assert_eq!(a.dist, b.dist, "{}.{}", a.target.region, a.target.indicator);
        }
    }
}

/// `indicators.csv` of the bundled data with every row after `(year, period)` changed: later periods of
/// the year, its full year, and every later year.
fn change_after(to: &Path, year: i32, period: &str) -> usize {
    copy_data(to);
    let path = to.join("indicators.csv");
    let mut rdr = csv::Reader::from_path(&path).unwrap();
    let headers = rdr.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let (y, p, v) = (col("year"), col("period"), col("value"));
    let rank = |p: &str| match p {
        "Q1" => 1,
        "H1" | "Q2" => 2,
        "Q3" => 3,
        _ => 4,
    };
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(&headers).unwrap();
    let mut changed = 0;
    for r in rdr.records() {
        let mut f: Vec<String> = r.unwrap().iter().map(String::from).collect();
        let ry: i32 = f[y].trim().parse().unwrap();
        if ry > year || (ry == year && rank(&f[p]) > rank(period)) {
            let x: f64 = f[v].trim().parse().unwrap();
            f[v] = format!("{}", x * 0.5 + 1.0);
            changed += 1;
        }
        w.write_record(&f).unwrap();
    }
    fs::write(&path, w.into_inner().unwrap()).unwrap();
    changed
}

#[test]
fn later_periods_and_years_change_nothing_as_of_a_period() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    copy_data(&a);
    let changed = change_after(&b, 2022, "Q1");
    assert!(changed > 10, "{changed}");
    let cfg = |dir: &Path| RunConfig {
        source: DataSource::Dir(dir.to_path_buf()),
        as_of: Some(2021),
        tolerance: 0.5,
        calibrate: true,
        reports: indicast::run::Reports::None,
        add_data: Vec::new(),
        period: Some(InYear::Q1),
    };
    let (ra, rb) = (run(&cfg(&a)).unwrap(), run(&cfg(&b)).unwrap());
    assert!(
        !ra.nowcasts.is_empty(),
        "China's 2022 Q1 growth updates its forecast"
    );
    assert_eq!(ra.nowcasts, rb.nowcasts);
    assert_eq!(
        format!("{:?}", ra.assessments),
        format!("{:?}", rb.assessments)
    );
    assert_eq!(ra.nowcast_backtest, rb.nowcast_backtest);
}

#[test]
fn the_cli_names_the_period_and_refuses_unknown_ones() {
    let tmp = tempfile::tempdir().unwrap();
    let out = indicast(
        tmp.path(),
        ["run", "--as-of", "2022-Q3", "--no-charts", "--out", "o"],
    );
    assert!(out.status.success(), "{}", describe(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("as of 2022 Q1–Q3"), "{text}");
    let csv = fs::read_to_string(tmp.path().join("o/nowcast.csv")).unwrap();
    assert!(
        csv.lines()
            .any(|l| l.starts_with("2022Q3,China,gdp_real_growth,2022,Q3"))
    );
    let mut rdr = csv::Reader::from_path(tmp.path().join("o/assessment.csv")).unwrap();
    let col = rdr
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == "as_of")
        .unwrap();
    for r in rdr.records() {
        assert_eq!(&r.unwrap()[col], "2022Q3");
    }
    let bad = indicast(tmp.path(), ["run", "--as-of", "2023Q4", "--out", "p"]);
    assert_eq!(bad.status.code(), Some(2), "{}", describe(&bad));
    assert!(
        stderr(&bad).contains("2023Q1, 2023H1, 2023Q3"),
        "{}",
        describe(&bad)
    );
    assert!(!tmp.path().join("p").exists());
}

#[test]
fn an_as_of_period_without_year_to_date_values_says_so() {
    // The bundled data have no 2023 year-to-date row: the outputs are December's, and the run says it.
    let none = run_with(Vec::new(), Some(InYear::Q1));
    assert!(none.nowcasts.is_empty());
    assert!(
        none.warnings
            .iter()
            .any(|w| w.contains("--as-of 2023Q1: the data have no year-to-date value of 2023")),
        "{:?}",
        none.warnings
    );
    // With Zibo's GDP figure only, the other targets' series are named as keeping December's forecast.
    let tmp = tempfile::tempdir().unwrap();
    let some = run_with(vec![zibo_ytd(tmp.path(), "Q1", 4.0)], Some(InYear::Q1));
    let w = some
        .warnings
        .iter()
        .find(|w| w.contains("keep December's forecast"))
        .expect("a warning about the series without a figure");
    assert!(
        w.contains("Shandong.gdp_real_growth") && !w.contains("Zibo.gdp_real_growth"),
        "{w}"
    );
    // December runs have no such warning; the CLI prints it and the report says it in words.
    assert!(run_with(Vec::new(), None).warnings.is_empty());
    let out = indicast(tmp.path(), ["run", "--as-of", "2023Q1", "--out", "o"]);
    assert!(out.status.success(), "{}", describe(&out));
    assert!(stderr(&out).contains("warning: --as-of 2023Q1: the data have no year-to-date value"));
    let html = fs::read_to_string(tmp.path().join("o/report.html")).unwrap();
    assert!(html.contains("无可用的2023年一季度累计值，预测同12月"));
    // A value too young to update from (the nation has no history of the period for retail) is not
    // "no value".
    let retail = tmp.path().join("retail");
    fs::create_dir_all(&retail).unwrap();
    fs::write(
        retail.join("indicators.csv"),
        format!(
            "{HEADER}Zibo,retail_sales_growth,Q1,2023,6.0,pct,growth_pct,reported,high,made-up,\n"
        ),
    )
    .unwrap();
    let r = run_with(vec![retail], Some(InYear::Q1));
    assert!(r.nowcasts.is_empty());
    assert!(
        r.warnings.iter().any(|w| w
            .contains("have a year-to-date value of 2023 but keep December's")
            && w.contains("Zibo.retail_sales_growth")),
        "{:?}",
        r.warnings
    );
    assert!(
        !r.warnings
            .iter()
            .any(|w| w.contains("the data have no year-to-date value"))
    );
    // As-of periods outside the data name what they need.
    let early = indicast(tmp.path(), ["run", "--as-of", "2001Q1", "--out", "p"]);
    assert_eq!(early.status.code(), Some(2), "{}", describe(&early));
    assert!(
        stderr(&early).contains("--as-of 2001Q1 is too early"),
        "{}",
        describe(&early)
    );
    let past = indicast(tmp.path(), ["run", "--as-of", "2024Q1", "--out", "p"]);
    assert_eq!(past.status.code(), Some(2), "{}", describe(&past));
    assert!(
        stderr(&past).contains("--as-of 2024Q1 needs the full year 2023"),
        "{}",
        describe(&past)
    );
}
