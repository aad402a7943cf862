//! `--add-data DIR`: another directory's regions, indicators and targets laid over the data in use.
//!
//! A small synthetic city (Weifang, under the bundled Shandong) is written into a temporary directory;
//! the bundled files are never copied. Checked: the merge (library and CLI), that the added city's
//! target is assessed and in every CSV while the printed table, the charts and the report stay on the
//! bundled regions unless `--all-regions`, and the errors (another parent, missing or empty directory,
//! problems of several files reported together). One test reads the shared provinces
//! (`../shared/data/provinces`) and is skipped with a note where that directory is absent.

use std::ffi::OsStr;
use std::fs;
use std::path::{Path, PathBuf};

use indicast::data::{self, DataSource};

mod common;
use common::{describe, indicast, stderr, stdout};

const INDICATORS_HEADER: &str =
    "region,indicator,period,year,value,unit,kind,vintage,confidence,source,note\n";
const TARGETS_HEADER: &str = "region,year,indicator,target,qualifier,text,outcome,met,source\n";

/// Weifang's real GDP growth 2005–2022: a slowing path with the 2020 slump (made up).
fn weifang_growth() -> Vec<(i32, f64)> {
    (2005..=2022)
        .map(|y| {
            let v = match y {
                2020 => 3.4,
                2021 => 8.1,
                2022 => 4.0,
                _ => 13.5 - 0.5 * f64::from(y - 2005) + if y % 2 == 0 { 0.3 } else { -0.3 },
            };
            (y, v)
        })
        .collect()
}

/// A city directory: Weifang under the bundled Shandong (and Shandong repeated with its bundled
/// parent, as a planner's file may), its GDP growth, a 2023 target and two past targets.
fn write_city(dir: &Path) {
    fs::create_dir_all(dir).unwrap();
    fs::write(
        dir.join("regions.csv"),
        "region,parent,name_zh,name_en\nShandong,China,山东省,Shandong\nWeifang,Shandong,潍坊市,Weifang\n",
    )
    .unwrap();
    let mut ind = INDICATORS_HEADER.to_string();
    for (y, v) in weifang_growth() {
        ind.push_str(&format!(
            "Weifang,gdp_real_growth,FY,{y},{v},pct,growth_pct,reported,high,Weifang statistical bulletin {y},synthetic\n"
        ));
    }
    fs::write(dir.join("indicators.csv"), ind).unwrap();
    fs::write(
        dir.join("targets.csv"),
        format!(
            "{TARGETS_HEADER}Weifang,2023,gdp_real_growth,6,about,GDP growth about 6%,,,Weifang work report 2023\n\
             Weifang,2018,gdp_real_growth,7.5,about,GDP growth about 7.5%,,,Weifang work report 2018\n\
             Weifang,2019,gdp_real_growth,7,about,GDP growth about 7%,,,Weifang work report 2019\n"
        ),
    )
    .unwrap();
}

/// `run` arguments: `--add-data` for each directory, `--out out`, and `extra`.
fn run_args<'a>(dirs: &'a [PathBuf], out: &'a Path, extra: &[&'a str]) -> Vec<&'a OsStr> {
    let mut args: Vec<&OsStr> = vec![OsStr::new("run")];
    for d in dirs {
        args.push("--add-data".as_ref());
        args.push(d.as_os_str());
    }
    args.push("--out".as_ref());
    args.push(out.as_os_str());
    args.extend(extra.iter().map(|e| OsStr::new(*e)));
    args
}

#[test]
fn load_layers_merges_regions_appends_rows_and_keeps_the_bundled_regions_in_focus() {
    let tmp = tempfile::tempdir().unwrap();
    let city = tmp.path().join("weifang");
    write_city(&city);
    let bundled = data::load(&DataSource::Bundled).unwrap();
    let ds = data::load_layers(&DataSource::Bundled, std::slice::from_ref(&city)).unwrap();
    assert_eq!(
        ds.regions.keys().map(String::as_str).collect::<Vec<_>>(),
        ["China", "Shandong", "Weifang", "Zibo"]
    );
    assert_eq!(ds.regions["Weifang"].parent.as_deref(), Some("Shandong"));
    assert_eq!(ds.regions["Weifang"].name_zh, "潍坊市");
    // Shandong defined again with the same parent: accepted, the bundled definition kept.
    assert_eq!(ds.regions["Shandong"], bundled.regions["Shandong"]);
    assert_eq!(
        ds.focus.iter().map(String::as_str).collect::<Vec<_>>(),
        ["China", "Shandong", "Zibo"]
    );
    assert!(ds.in_focus("Zibo") && ds.in_focus("Shandong") && !ds.in_focus("Weifang"));
    assert_eq!(ds.added_regions(), ["Weifang"]);
    // Rows of the added directory come after the bundled ones, in file order.
    let n = bundled.observations.len();
    assert_eq!(ds.observations[..n], bundled.observations[..]);
    assert_eq!(ds.observations.len(), n + weifang_growth().len());
    assert!(ds.observations[n..].iter().all(|o| o.region == "Weifang"));
    assert_eq!(ds.observations[n].line, 2);
    let t = bundled.targets.len();
    assert_eq!(ds.targets[..t], bundled.targets[..]);
    assert_eq!(ds.targets.len(), t + 3);
    assert_eq!(ds.meta, bundled.meta);
    assert_eq!(ds.intervention_years, bundled.intervention_years);
    // Without added directories the focus is every region.
    assert!(bundled.regions.keys().all(|r| bundled.in_focus(r)));
    assert!(bundled.added_regions().is_empty());
}

#[test]
fn an_added_city_is_assessed_and_in_every_csv_but_the_table_and_charts_stay_on_the_bundled_regions()
{
    let tmp = tempfile::tempdir().unwrap();
    let city = tmp.path().join("weifang");
    write_city(&city);
    let dirs = [city.clone()];
    let out_dir = tmp.path().join("out");
    let out = indicast(tmp.path(), run_args(&dirs, &out_dir, &[]));
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));

    // assessment.csv: the added city's 2023 target, assessed.
    let mut rdr = csv::Reader::from_path(out_dir.join("assessment.csv")).unwrap();
    let header = rdr.headers().unwrap().clone();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let rows: Vec<csv::StringRecord> = rdr.records().map(Result::unwrap).collect();
    let weifang: Vec<&csv::StringRecord> = rows.iter().filter(|r| &r[0] == "Weifang").collect();
    assert_eq!(weifang.len(), 1, "{rows:?}");
    let w = weifang[0];
    assert_eq!(&w[col("indicator")], "gdp_real_growth");
    assert_eq!(&w[col("year")], "2023");
    let p: f64 = w[col("p_met")]
        .parse()
        .expect("Weifang's target is assessed");
    assert!((0.0..=1.0).contains(&p), "{w:?}");
    assert!(w[col("reason")].is_empty(), "{w:?}");
    for region in ["China", "Shandong", "Zibo"] {
        assert!(rows.iter().any(|r| &r[0] == region), "{region} missing");
    }
    // Every CSV covers the added region: forecasts, backtests, calls, observations used.
    for file in [
        "forecasts.csv",
        "backtest.csv",
        "calls.csv",
        "observations_used.csv",
    ] {
        let text = fs::read_to_string(out_dir.join(file)).unwrap();
        assert!(
            text.lines().any(|l| l.starts_with("Weifang,")),
            "{file} has no Weifang row"
        );
    }

    // The printed table, the charts and the report: the bundled regions only.
    let table = stdout(&out);
    assert!(table.contains("\nZibo "), "{table}");
    assert!(!table.contains("\nWeifang "), "{table}");
    assert!(
        table.contains("(+ 1 targets of added regions not shown (Weifang)"),
        "{table}"
    );
    let charts: Vec<String> = fs::read_dir(out_dir.join("charts"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        charts.iter().any(|c| c.starts_with("fan_Zibo_")),
        "{charts:?}"
    );
    assert!(!charts.iter().any(|c| c.contains("Weifang")), "{charts:?}");
    let md = fs::read_to_string(out_dir.join("report.md")).unwrap();
    assert!(md.contains("淄博市") && !md.contains("fan_Weifang"), "{md}");
    assert!(md.contains("另有 1 个追加数据地区的目标"), "{md}");

    // --all-regions: the added city in the table, its charts drawn.
    let all_dir = tmp.path().join("all");
    let out = indicast(tmp.path(), run_args(&dirs, &all_dir, &["--all-regions"]));
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    let table = stdout(&out);
    assert!(table.contains("\nWeifang "), "{table}");
    assert!(!table.contains("not shown"), "{table}");
    assert!(
        all_dir
            .join("charts/fan_Weifang_gdp_real_growth.png")
            .exists()
    );
    let md = fs::read_to_string(all_dir.join("report.md")).unwrap();
    assert!(md.contains("潍坊市"), "{md}");
    assert_eq!(
        fs::read(out_dir.join("assessment.csv")).unwrap(),
        fs::read(all_dir.join("assessment.csv")).unwrap(),
        "--all-regions changes what is shown, not what is computed"
    );
}

#[test]
fn a_region_defined_again_with_another_parent_is_exit_2_naming_both_files_and_lines() {
    let tmp = tempfile::tempdir().unwrap();
    let city = tmp.path().join("weifang");
    write_city(&city);
    // Line 3: Zibo under China, where the bundled regions.csv (line 4) has it under Shandong.
    fs::write(
        city.join("regions.csv"),
        "region,parent,name_zh,name_en\nWeifang,Shandong,潍坊市,Weifang\nZibo,China,淄博市,Zibo\n",
    )
    .unwrap();
    let out_dir = tmp.path().join("out");
    let out = indicast(
        tmp.path(),
        run_args(std::slice::from_ref(&city), &out_dir, &[]),
    );
    assert_eq!(out.status.code(), Some(2), "{}", describe(&out));
    let err = stderr(&out);
    let place = format!("{}:3: column `parent`:", city.join("regions.csv").display());
    assert!(err.contains(&place), "no `{place}` in\n{err}");
    assert!(
        err.contains("region `Zibo` has parent `China` here but parent `Shandong` in <bundled>/data/regions.csv line 4"),
        "{err}"
    );
    assert!(!out_dir.exists(), "nothing is written on error");
    // `check` says the same.
    let out = indicast(
        tmp.path(),
        [OsStr::new("check"), "--add-data".as_ref(), city.as_os_str()],
    );
    assert_eq!(out.status.code(), Some(2), "{}", describe(&out));
    assert!(stderr(&out).contains(&place), "{}", describe(&out));
}

#[test]
fn problems_of_several_added_files_are_reported_together_with_file_line_and_column() {
    let tmp = tempfile::tempdir().unwrap();
    let city = tmp.path().join("weifang");
    write_city(&city);
    // A parent nobody defines, a region nobody defines, a row duplicating a bundled one, and a bad
    // qualifier: four files' worth of problems, all listed.
    fs::write(
        city.join("regions.csv"),
        "region,parent,name_zh,name_en\nWeifang,Shandong,潍坊市,Weifang\nLinzi,Zibo City,临淄区,Linzi\n",
    )
    .unwrap();
    let bundled_row =
        fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("data/indicators.csv"))
            .unwrap()
            .lines()
            .nth(1)
            .unwrap()
            .to_string();
    fs::write(
        city.join("indicators.csv"),
        format!(
            "{INDICATORS_HEADER}Weifang,gdp_real_growth,FY,2021,8.1,pct,growth_pct,reported,high,bulletin,\n\
             Qingdao,gdp_real_growth,FY,2021,8.3,pct,growth_pct,reported,high,bulletin,\n\
             {bundled_row}\n"
        ),
    )
    .unwrap();
    fs::write(
        city.join("targets.csv"),
        format!("{TARGETS_HEADER}Weifang,2023,gdp_real_growth,6,roughly,,,,report\n"),
    )
    .unwrap();
    let out = indicast(
        tmp.path(),
        [OsStr::new("check"), "--add-data".as_ref(), city.as_os_str()],
    );
    assert_eq!(out.status.code(), Some(2), "{}", describe(&out));
    let err = stderr(&out);
    let file = |name: &str| city.join(name).display().to_string();
    for expected in [
        format!(
            "{}:3: column `parent`: unknown region parent `Zibo City`",
            file("regions.csv")
        ),
        format!(
            "{}:3: column `region`: unknown region `Qingdao`",
            file("indicators.csv")
        ),
        format!(
            "{}:4: duplicate of <bundled>/data/indicators.csv line 2",
            file("indicators.csv")
        ),
        format!("{}:2: column `qualifier`", file("targets.csv")),
    ] {
        assert!(err.contains(&expected), "no `{expected}` in\n{err}");
    }
}

#[test]
fn a_missing_or_empty_added_directory_is_an_error_naming_it() {
    let tmp = tempfile::tempdir().unwrap();
    let missing = tmp.path().join("no-such-city");
    let out_dir = tmp.path().join("out");
    let out = indicast(
        tmp.path(),
        run_args(std::slice::from_ref(&missing), &out_dir, &[]),
    );
    assert_eq!(out.status.code(), Some(2), "{}", describe(&out));
    let err = stderr(&out);
    assert!(
        err.contains(&format!(
            "added data directory {} does not exist",
            missing.display()
        )),
        "{err}"
    );
    assert!(!out_dir.exists());

    let empty = tmp.path().join("empty");
    fs::create_dir_all(&empty).unwrap();
    fs::write(empty.join("notes.txt"), "nothing here").unwrap();
    let out = indicast(
        tmp.path(),
        [
            OsStr::new("check"),
            "--add-data".as_ref(),
            empty.as_os_str(),
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{}", describe(&out));
    let err = stderr(&out);
    assert!(
        err.contains(&format!(
            "added data directory {} has none of regions.csv, indicators.csv, targets.csv",
            empty.display()
        )),
        "{err}"
    );
}

#[test]
fn scenario_required_and_chart_take_add_data_too() {
    let tmp = tempfile::tempdir().unwrap();
    let city = tmp.path().join("weifang");
    write_city(&city);
    let scen = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/scenarios/baseline.toml");
    let out_dir = tmp.path().join("out");
    let mc = |cmd: &'static str| -> Vec<&OsStr> {
        vec![
            OsStr::new(cmd),
            "--add-data".as_ref(),
            city.as_os_str(),
            "--draws".as_ref(),
            "200".as_ref(),
            "--out".as_ref(),
            out_dir.as_os_str(),
        ]
    };
    let mut args = mc("scenario");
    args.push(scen.as_os_str());
    let out = indicast(tmp.path(), &args);
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    let csv = fs::read_to_string(out_dir.join("scenario_results.csv")).unwrap();
    assert!(
        csv.contains("\nbaseline,Weifang,gdp_real_growth,2023"),
        "{csv}"
    );
    let table = stdout(&out);
    assert!(
        table.contains("Zibo.gdp_real_growth") && !table.contains("Weifang."),
        "{table}"
    );
    assert!(
        table.contains("(+ 1 targets of added regions not shown (Weifang)"),
        "{table}"
    );
    args.push("--all-regions".as_ref());
    let out = indicast(tmp.path(), &args);
    assert!(
        stdout(&out).contains("Weifang.gdp_real_growth"),
        "{}",
        describe(&out)
    );

    // The added city's target and driver are known to `required`.
    let mut args = mc("required");
    args.extend(
        [
            "--target",
            "Weifang.gdp_real_growth",
            "--driver",
            "China.gdp_real_growth",
        ]
        .map(OsStr::new),
    );
    let out = indicast(tmp.path(), &args);
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{}",
        describe(&out)
    );
    assert!(
        stdout(&out).contains("required China.gdp_real_growth = "),
        "{}",
        describe(&out)
    );

    // chart: names of the added city, focus as in run.
    let png = tmp.path().join("fan.png");
    let mut args = vec![OsStr::new("run"), "--add-data".as_ref(), city.as_os_str()];
    args.extend([
        "--out".as_ref(),
        out_dir.as_os_str(),
        "--no-charts".as_ref(),
    ]);
    let out = indicast(tmp.path(), &args);
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    let out = indicast(
        tmp.path(),
        [
            OsStr::new("chart"),
            "fan".as_ref(),
            "--from".as_ref(),
            out_dir.as_os_str(),
            "--target".as_ref(),
            "Weifang.gdp_real_growth".as_ref(),
            "--add-data".as_ref(),
            city.as_os_str(),
            "--output".as_ref(),
            png.as_os_str(),
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    assert!(fs::metadata(&png).unwrap().len() > 1000);
}

#[test]
fn check_add_data_accepts_the_shared_provinces() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/provinces");
    if !dir.is_dir() {
        eprintln!(
            "note: {} is absent; check --add-data on the provinces not run",
            dir.display()
        );
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let out = indicast(
        tmp.path(),
        [OsStr::new("check"), "--add-data".as_ref(), dir.as_os_str()],
    );
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    let text = stdout(&out);
    // 3 bundled regions + 16 provinces, Shandong in both.
    assert!(
        text.starts_with("ok: 18 regions (15 from --add-data), "),
        "{text}"
    );
}

/// A work report of Weifang planning `year` (made up; the extractor reads its title year and targets).
fn weifang_report(dir: &Path, year: i32) -> PathBuf {
    let path = dir.join(format!("weifang_{year}.txt"));
    fs::write(
        &path,
        format!(
            "潍坊市{year}年政府工作报告\n\n{year}年经济社会发展的主要预期目标是：地区生产总值增长6%左右，\
             一般公共预算收入增长5%以上。\n"
        ),
    )
    .unwrap();
    path
}

#[test]
fn a_report_brings_its_city_into_the_table_and_one_of_another_year_is_a_warning() {
    let tmp = tempfile::tempdir().unwrap();
    let city = tmp.path().join("weifang");
    write_city(&city);
    let dirs = [city];
    // `run` with the bundled data, the city and one report of it.
    let with_report = |report: &Path, out: &str| {
        let report = report.to_str().unwrap();
        let extra = ["--report", report, "--region", "Weifang", "--no-charts"];
        indicast(tmp.path(), run_args(&dirs, Path::new(out), &extra))
    };
    let out = with_report(&weifang_report(tmp.path(), 2023), "o");
    assert!(out.status.success(), "{}", describe(&out));
    // The report's city and its parents are shown, as the primary data's regions are.
    let table = stdout(&out);
    assert!(table.lines().any(|l| l.starts_with("Weifang ")), "{table}");
    assert!(table.lines().any(|l| l.starts_with("Shandong ")), "{table}");
    assert!(
        !stderr(&out).contains("its targets are of"),
        "{}",
        describe(&out)
    );
    // A report of 2024 in a run assessing 2023: nothing of it is assessed, and the run says so.
    // (The city's data reach 2023: the default as-of year still comes from the bundled regions, the
    // report's city joining those shown does not move it.)
    let mut rows = fs::read_to_string(dirs[0].join("indicators.csv")).unwrap();
    rows.push_str("Weifang,gdp_real_growth,FY,2023,5.6,pct,growth_pct,reported,high,Weifang bulletin 2023,synthetic\n");
    fs::write(dirs[0].join("indicators.csv"), rows).unwrap();
    let out = with_report(&weifang_report(tmp.path(), 2024), "p");
    assert!(
        stdout(&out).starts_with("indicast: targets for 2023 as of December 2022"),
        "{}",
        describe(&out)
    );
    assert!(out.status.success(), "{}", describe(&out));
    assert!(
        stderr(&out)
            .contains("weifang_2024.txt: its targets are of 2024, and this run assesses 2023"),
        "{}",
        describe(&out)
    );
}

#[test]
fn an_indicator_id_one_slip_from_a_known_one_and_period_q2_are_warnings() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("mine");
    fs::create_dir_all(&dir).unwrap();
    fs::write(
        dir.join("indicators.csv"),
        format!(
            "{INDICATORS_HEADER}Zibo,gdp_real_grwth,Q1,2023,4.5,pct,growth_pct,reported,high,my note,\n\
             Zibo,gdp_real_growth,Q2,2023,4.8,pct,growth_pct,reported,high,my note,\n"
        ),
    )
    .unwrap();
    let out = indicast(
        tmp.path(),
        [OsStr::new("check"), "--add-data".as_ref(), dir.as_os_str()],
    );
    assert!(out.status.success(), "{}", describe(&out));
    let err = stderr(&out);
    assert!(
        err.contains("indicators.csv:2: indicator `gdp_real_grwth` is used in only 1 row")
            && err.contains("did you mean `gdp_real_growth`?"),
        "{err}"
    );
    assert!(
        err.contains("indicators.csv:3: period Q2 (1 row) is read as H1"),
        "{err}"
    );
    // The bundled data alone have none of these.
    let plain = indicast(tmp.path(), ["check"]);
    assert!(!stderr(&plain).contains("warning"), "{}", describe(&plain));
}
