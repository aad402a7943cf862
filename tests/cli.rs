//! End-to-end tests of the `indicast` binary: what a bundled run writes, the as-of cut-off, `--data`,
//! rejection of bad input files with file and line, and the "nothing written on error" contract.
//!
//! Every test works in its own temporary directory and runs the binary with that directory as the
//! current directory, so nothing is ever written into the project.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ffi::OsStr;
use std::fs;
use std::path::Path;

mod common;
use common::{copy_data, data_dir, describe, indicast, stderr, stdout};

/// The files `indicast run` writes into `--out`.
const OUTPUTS: [&str; 8] = [
    "assessment.csv",
    "forecasts.csv",
    "backtest.csv",
    "backtest_summary.csv",
    "calls.csv",
    "calls_summary.csv",
    "calls_reliability.csv",
    "observations_used.csv",
];

const BACKTEST_SUMMARY_HEADER: [&str; 13] = [
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
];

/// Methods of calls_summary.csv, in order: the engine, then the baselines.
const CALL_METHODS: [&str; 5] = [
    "engine",
    "always_met",
    "share_past_met",
    "last_year_meets",
    "persistence",
];

/// Methods of calls_reliability.csv: those that give graded probabilities.
const RELIABILITY_METHODS: [&str; 3] = ["engine", "share_past_met", "persistence"];

const ASSESSMENT_HEADER: [&str; 24] = [
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
    "as_of",
    "evidence",
    "region_zh",
    "indicator_zh",
];

const VERDICTS: [&str; 3] = ["likely", "toss-up", "unlikely"];

/// A CSV output: header and rows keyed by column name.
struct Table {
    header: Vec<String>,
    rows: Vec<HashMap<String, String>>,
}

fn read_table(path: &Path) -> Table {
    let mut rdr = csv::Reader::from_path(path)
        .unwrap_or_else(|e| panic!("cannot open {}: {e}", path.display()));
    let header: Vec<String> = rdr
        .headers()
        .unwrap_or_else(|e| panic!("{}: bad header: {e}", path.display()))
        .iter()
        .map(String::from)
        .collect();
    let rows = rdr
        .records()
        .map(|r| {
            let r = r.unwrap_or_else(|e| panic!("{}: bad record: {e}", path.display()));
            header
                .iter()
                .cloned()
                .zip(r.iter().map(String::from))
                .collect()
        })
        .collect();
    Table { header, rows }
}

fn field<'a>(row: &'a HashMap<String, String>, col: &str) -> &'a str {
    row.get(col)
        .unwrap_or_else(|| panic!("no column `{col}` in {row:?}"))
}

fn num(row: &HashMap<String, String>, col: &str) -> f64 {
    let t = field(row, col);
    t.parse()
        .unwrap_or_else(|_| panic!("column `{col}` = `{t}` is not a number in {row:?}"))
}

fn int(row: &HashMap<String, String>, col: &str) -> i32 {
    let t = field(row, col);
    t.parse()
        .unwrap_or_else(|_| panic!("column `{col}` = `{t}` is not an integer in {row:?}"))
}

/// (region, indicator) of the targets for `year` in the project's targets.csv and report_targets.csv.
fn targets_of(year: i32) -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    for name in ["targets.csv", "report_targets.csv"] {
        let path = data_dir().join(name);
        if !path.exists() {
            continue;
        }
        for row in read_table(&path).rows {
            if int(&row, "year") == year {
                out.insert((
                    field(&row, "region").to_string(),
                    field(&row, "indicator").to_string(),
                ));
            }
        }
    }
    out
}

/// `|a − b|` within what rounding to four decimals allows.
fn close4(a: f64, b: f64, slack: f64) -> bool {
    (a - b).abs() <= 5e-5 + slack + 1e-12
}

/// The naive benchmark in backtest_summary.csv, the persistence baseline in calls.csv and
/// calls_summary.csv, and calls_reliability.csv, of a bundled run written to `out_dir`.
fn check_benchmarks(out_dir: &Path) {
    let summary = read_table(&out_dir.join("backtest_summary.csv"));
    assert_eq!(
        summary.header, BACKTEST_SUMMARY_HEADER,
        "backtest_summary.csv header"
    );
    let mut same_rows = 0;
    for row in &summary.rows {
        let id = format!(
            "{} {} {} {}",
            field(row, "treatment"),
            field(row, "origins"),
            field(row, "indicator"),
            field(row, "model")
        );
        let (n, n_naive) = (int(row, "n"), int(row, "n_naive"));
        assert!((0..=n).contains(&n_naive), "{id}: n_naive {n_naive} of {n}");
        if field(row, "mae_ratio").is_empty() {
            continue;
        }
        let (mae_rows, naive) = (num(row, "mae_naive_rows"), num(row, "naive_mae"));
        let ratio = num(row, "mae_ratio");
        // Rounding of both four-decimal inputs, carried through the division.
        let slack = 5e-5 / naive + 5e-5 * mae_rows / (naive * naive);
        assert!(
            close4(ratio, mae_rows / naive, slack),
            "{id}: mae_ratio {ratio} != mae_naive_rows {mae_rows} / naive_mae {naive}"
        );
        if n == n_naive {
            same_rows += 1;
            let mae = num(row, "mae");
            assert_eq!(mae, mae_rows, "{id}: same rows, same MAE");
            assert!(
                close4(ratio, mae / naive, slack),
                "{id}: mae_ratio {ratio} != mae {mae} / naive_mae {naive}"
            );
        }
    }
    assert!(same_rows > 0, "no row compares all its forecasts");
    let combined = summary.rows.iter().find(|r| {
        field(r, "treatment") == "dummies"
            && field(r, "origins") == "all_origins"
            && field(r, "indicator") == "ALL"
            && field(r, "model") == "combined"
    });
    let combined = combined.expect("backtest_summary.csv has the ALL row of combined");
    assert!(num(combined, "naive_mae") > 0.0 && num(combined, "mae_ratio") > 0.0);

    let calls = read_table(&out_dir.join("calls.csv"));
    assert_eq!(calls.header.last().map(String::as_str), Some("persistence"));
    assert!(!calls.rows.is_empty(), "calls.csv has no calls");
    for row in &calls.rows {
        let p = num(row, "persistence");
        assert!((0.0..=1.0).contains(&p), "persistence {p} in {row:?}");
    }

    let scores = read_table(&out_dir.join("calls_summary.csv"));
    let methods: Vec<&str> = scores.rows.iter().map(|r| field(r, "method")).collect();
    assert_eq!(methods, CALL_METHODS, "calls_summary.csv methods");
    let made = int(&scores.rows[0], "n");

    let rel = read_table(&out_dir.join("calls_reliability.csv"));
    assert_eq!(
        rel.header,
        ["method", "bin_lo", "bin_hi", "n", "mean_p_met", "share_met"],
        "calls_reliability.csv header"
    );
    for method in RELIABILITY_METHODS {
        let bins: Vec<_> = rel
            .rows
            .iter()
            .filter(|r| field(r, "method") == method)
            .collect();
        assert_eq!(bins.len(), 10, "{method}: ten bins");
        assert_eq!(
            bins.iter().map(|b| int(b, "n")).sum::<i32>(),
            made,
            "{method}: every call the engine made is binned once"
        );
        for (i, b) in bins.iter().enumerate() {
            let (lo, hi) = (num(b, "bin_lo"), num(b, "bin_hi"));
            assert!((lo - i as f64 / 10.0).abs() < 1e-9 && (hi - lo - 0.1).abs() < 1e-9);
            if int(b, "n") == 0 {
                assert!(field(b, "mean_p_met").is_empty() && field(b, "share_met").is_empty());
                continue;
            }
            let p = num(b, "mean_p_met");
            assert!(
                lo - 1e-4 <= p && p <= hi + 1e-4,
                "{method}: mean {p} outside its bin {lo}–{hi}"
            );
            assert!((0.0..=1.0).contains(&num(b, "share_met")));
        }
    }
    let listed: BTreeSet<&str> = rel.rows.iter().map(|r| field(r, "method")).collect();
    assert_eq!(listed, RELIABILITY_METHODS.into_iter().collect());
}

/// Names of the entries of a directory, with their contents (files) or `None` (directories).
fn snapshot(dir: &Path) -> BTreeMap<String, Option<Vec<u8>>> {
    fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            let path = e.path();
            let contents = path.is_file().then(|| fs::read(&path).unwrap());
            (e.file_name().to_string_lossy().into_owned(), contents)
        })
        .collect()
}

#[test]
fn bundled_run_writes_all_outputs_and_assesses_the_ten_targets_of_2023() {
    let tmp = tempfile::tempdir().unwrap();
    let out_dir = tmp.path().join("out");
    let out = indicast(
        tmp.path(),
        [OsStr::new("run"), "--out".as_ref(), out_dir.as_os_str()],
    );
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));

    for name in OUTPUTS {
        assert!(
            out_dir.join(name).is_file(),
            "{name} was not written\n{}",
            describe(&out)
        );
    }

    let table = read_table(&out_dir.join("assessment.csv"));
    assert_eq!(table.header, ASSESSMENT_HEADER, "assessment.csv header");
    check_benchmarks(&out_dir);

    let expected: Vec<(&str, &str)> = vec![
        ("China", "gdp_real_growth"),
        ("Shandong", "cpi"),
        ("Shandong", "disp_income_all_growth"),
        ("Shandong", "gdp_real_growth"),
        ("Shandong", "gpbr_growth"),
        ("Zibo", "gdp_real_growth"),
        ("Zibo", "gpbr_growth"),
        ("Zibo", "fai_growth"),
        ("Zibo", "retail_sales_growth"),
        ("Zibo", "disp_income_all_growth"),
    ];
    let mut expected_sorted: Vec<(String, String)> = expected
        .iter()
        .map(|(r, i)| (r.to_string(), i.to_string()))
        .collect();
    expected_sorted.sort();
    let mut got: Vec<(String, String)> = table
        .rows
        .iter()
        .map(|r| {
            (
                field(r, "region").to_string(),
                field(r, "indicator").to_string(),
            )
        })
        .collect();
    got.sort();
    assert_eq!(got, expected_sorted, "targets in assessment.csv");

    for row in &table.rows {
        let id = format!("{} {}", field(row, "region"), field(row, "indicator"));
        assert_eq!(int(row, "year"), 2023, "{id}: year");
        let [lo95, lo80, mean, hi80, hi95] =
            ["lo95", "lo80", "mean", "hi80", "hi95"].map(|c| num(row, c));
        assert!(
            lo95 <= lo80 && lo80 <= mean && mean <= hi80 && hi80 <= hi95,
            "{id}: intervals not nested: lo95 {lo95} lo80 {lo80} mean {mean} hi80 {hi80} hi95 {hi95}"
        );
        let se = num(row, "se");
        assert!(se > 0.0, "{id}: se {se} is not positive");
        for col in ["p_met", "p_at_or_above"] {
            let p = num(row, col);
            assert!((0.0..=1.0).contains(&p), "{id}: {col} {p} outside 0..1");
        }
    }

    let text = stdout(&out);
    assert!(text.contains("Zibo"), "stdout lacks Zibo:\n{text}");
    assert!(
        VERDICTS.iter().any(|v| text.contains(v)),
        "stdout has no verdict word:\n{text}"
    );
    // One table line per target, each ending with its verdict.
    let verdict_lines = text
        .lines()
        .filter(|l| {
            l.split_whitespace()
                .last()
                .is_some_and(|w| VERDICTS.contains(&w))
        })
        .count();
    assert_eq!(
        verdict_lines,
        expected.len(),
        "one verdict line per target expected:\n{text}"
    );
}

#[test]
fn as_of_2018_assesses_the_2019_targets_with_no_later_data() {
    let tmp = tempfile::tempdir().unwrap();
    let out = indicast(tmp.path(), ["run", "--as-of", "2018", "--out", "out"]);
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    let out_dir = tmp.path().join("out");

    let assessment = read_table(&out_dir.join("assessment.csv"));
    assert!(!assessment.rows.is_empty(), "no assessment rows");
    for row in &assessment.rows {
        assert_eq!(int(row, "year"), 2019, "assessment row {row:?}");
    }
    let got: BTreeSet<(String, String)> = assessment
        .rows
        .iter()
        .map(|r| {
            (
                field(r, "region").to_string(),
                field(r, "indicator").to_string(),
            )
        })
        .collect();
    assert_eq!(
        got,
        targets_of(2019),
        "assessed targets vs the 2019 targets in data/"
    );
    assert_eq!(got.len(), assessment.rows.len(), "a target assessed twice");

    let backtest = read_table(&out_dir.join("backtest.csv"));
    assert!(!backtest.rows.is_empty(), "no backtest rows");
    let max_origin = backtest.rows.iter().map(|r| int(r, "year")).max().unwrap();
    assert!(
        max_origin <= 2018,
        "backtest has a forecast of {max_origin} > 2018"
    );

    let forecasts = read_table(&out_dir.join("forecasts.csv"));
    assert!(!forecasts.rows.is_empty(), "no forecast rows");
    for row in &forecasts.rows {
        assert_eq!(int(row, "year"), 2019, "forecast row {row:?}");
    }

    let used = read_table(&out_dir.join("observations_used.csv"));
    let max_used = used.rows.iter().map(|r| int(r, "year")).max().unwrap();
    assert!(
        max_used <= 2018,
        "observations_used has year {max_used} > 2018"
    );

    let text = stdout(&out);
    assert!(
        text.contains("2019"),
        "stdout does not mention 2019:\n{text}"
    );
}

#[test]
fn data_dir_copy_from_another_working_directory_gives_the_bundled_assessment_bytes() {
    let tmp = tempfile::tempdir().unwrap();

    let bundled = indicast(tmp.path(), ["run", "--out", "bundled"]);
    assert_eq!(
        bundled.status.code(),
        Some(0),
        "bundled run\n{}",
        describe(&bundled)
    );

    copy_data(&tmp.path().join("mydata"));
    let elsewhere = tmp.path().join("elsewhere");
    fs::create_dir(&elsewhere).unwrap();
    // With --data the report is not implied: name it, as a planner with their own data would.
    let seed =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds/zibo-2023-government-work-report.txt");
    let seed = seed.to_str().unwrap();
    let from_dir = indicast(
        &elsewhere,
        [
            "run",
            "--data",
            "../mydata",
            "--report",
            seed,
            "--out",
            "out",
        ],
    );
    assert_eq!(
        from_dir.status.code(),
        Some(0),
        "--data run\n{}",
        describe(&from_dir)
    );

    for name in OUTPUTS {
        assert!(
            elsewhere.join("out").join(name).is_file(),
            "{name} not written relative to the working directory"
        );
    }
    let a = fs::read(tmp.path().join("bundled/assessment.csv")).unwrap();
    let b = fs::read(elsewhere.join("out/assessment.csv")).unwrap();
    assert!(
        a == b,
        "assessment.csv differs between bundled data and --data copy\n--- bundled ---\n{}\n--- --data ---\n{}",
        String::from_utf8_lossy(&a),
        String::from_utf8_lossy(&b)
    );
}

/// One modification of one input file.
enum Edit {
    /// Set `column` of the `nth` (0-based) data row matching `filter` (column, value) to `value`.
    Set {
        filter: Option<(&'static str, &'static str)>,
        nth: usize,
        column: &'static str,
        value: &'static str,
    },
    /// Append a verbatim copy of the data row on line `line` (header = line 1).
    AppendCopyOfLine(usize),
}

/// A bad-input case: which file to edit, how, and what the error must mention besides file and line.
struct BadInput {
    name: &'static str,
    file: &'static str,
    edit: Edit,
    expect: &'static [&'static str],
}

fn bad_inputs() -> Vec<BadInput> {
    vec![
        BadInput {
            name: "a. unknown region parent",
            file: "regions.csv",
            edit: Edit::Set {
                filter: Some(("region", "Zibo")),
                nth: 0,
                column: "parent",
                value: "Shandongg",
            },
            expect: &["parent", "Shandongg"],
        },
        BadInput {
            name: "b. non-numeric value",
            file: "indicators.csv",
            edit: Edit::Set {
                filter: Some(("kind", "growth_pct")),
                nth: 100,
                column: "value",
                value: "abc",
            },
            expect: &["column `value`", "`abc` is not a number"],
        },
        BadInput {
            name: "c1. unknown unit",
            file: "indicators.csv",
            edit: Edit::Set {
                filter: Some(("unit", "pct")),
                nth: 50,
                column: "unit",
                value: "percent",
            },
            expect: &["column `unit`", "percent"],
        },
        BadInput {
            name: "c2. unknown kind",
            file: "indicators.csv",
            edit: Edit::Set {
                filter: Some(("kind", "growth_pct")),
                nth: 200,
                column: "kind",
                value: "growth",
            },
            expect: &["column `kind`", "`growth`"],
        },
        BadInput {
            name: "c3. unknown vintage",
            file: "indicators.csv",
            edit: Edit::Set {
                filter: None,
                nth: 10,
                column: "vintage",
                value: "final",
            },
            expect: &["column `vintage`", "`final`"],
        },
        BadInput {
            name: "d. duplicate row",
            file: "indicators.csv",
            edit: Edit::AppendCopyOfLine(301),
            expect: &["duplicate"],
        },
        BadInput {
            name: "e. growth outside -100..1000",
            file: "indicators.csv",
            edit: Edit::Set {
                filter: Some(("kind", "growth_pct")),
                nth: 150,
                column: "value",
                value: "1500",
            },
            expect: &["column `value`", "1500", "-100..1000"],
        },
        BadInput {
            name: "f. year outside 1949..2100",
            file: "indicators.csv",
            edit: Edit::Set {
                filter: None,
                nth: 400,
                column: "year",
                value: "1900",
            },
            expect: &["column `year`", "1900", "1949..2100"],
        },
        BadInput {
            name: "g. unknown target qualifier",
            file: "targets.csv",
            edit: Edit::Set {
                filter: None,
                nth: 20,
                column: "qualifier",
                value: "approximately",
            },
            expect: &["column `qualifier`", "approximately"],
        },
    ]
}

fn parse_line(line: &str) -> Vec<String> {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(line.trim_end_matches(['\r', '\n']).as_bytes());
    rdr.records()
        .next()
        .expect("a record")
        .expect("a valid record")
        .iter()
        .map(String::from)
        .collect()
}

fn encode_line(fields: &[String]) -> String {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    w.write_record(fields).unwrap();
    let bytes = w.into_inner().unwrap();
    String::from_utf8(bytes)
        .unwrap()
        .trim_end_matches('\n')
        .to_string()
}

fn terminator(line: &str) -> &'static str {
    if line.ends_with("\r\n") {
        "\r\n"
    } else if line.ends_with('\n') {
        "\n"
    } else {
        ""
    }
}

/// Apply `edit` to the CSV file at `path`, changing nothing else (other lines keep their bytes).
/// Returns the 1-based line the error must point at and extra text the message must contain.
fn apply(path: &Path, edit: &Edit) -> (usize, Vec<String>) {
    let text = fs::read_to_string(path).unwrap();
    // The data have no multi-line fields, so one physical line is one record.
    let mut lines: Vec<String> = text.split_inclusive('\n').map(String::from).collect();
    let header = parse_line(&lines[0]);
    let col = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("{}: no column `{name}`", path.display()))
    };
    match *edit {
        Edit::Set {
            filter,
            nth,
            column,
            value,
        } => {
            let filter = filter.map(|(c, v)| (col(c), v));
            let idx = lines
                .iter()
                .enumerate()
                .skip(1)
                .filter(|(_, l)| !l.trim().is_empty())
                .filter(|(_, l)| filter.is_none_or(|(c, v)| parse_line(l)[c] == v))
                .nth(nth)
                .map(|(i, _)| i)
                .unwrap_or_else(|| panic!("{}: no row #{nth} matching {filter:?}", path.display()));
            let mut rec = parse_line(&lines[idx]);
            let c = col(column);
            assert_ne!(rec[c], value, "the edit must change something");
            rec[c] = value.to_string();
            let term = terminator(&lines[idx]);
            lines[idx] = encode_line(&rec) + term;
            fs::write(path, lines.concat()).unwrap();
            (idx + 1, Vec::new())
        }
        Edit::AppendCopyOfLine(line) => {
            let copy = lines[line - 1].clone();
            let term = terminator(&copy);
            assert!(!term.is_empty(), "copied line must be terminated");
            let last = lines.last_mut().unwrap();
            if terminator(last).is_empty() {
                last.push_str(term);
            }
            lines.push(copy);
            fs::write(path, lines.concat()).unwrap();
            (lines.len(), vec![format!("duplicate of line {line}")])
        }
    }
}

/// Rewrite every CSV in `dir` with LF line endings.
fn normalize_to_lf(dir: &Path) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let text = fs::read_to_string(&path).unwrap();
        fs::write(&path, text.replace("\r\n", "\n")).unwrap();
    }
}

/// Run every bad-input case; return a description of each failed case.
fn run_bad_inputs(lf_only: bool) -> Vec<String> {
    let mut failures = Vec::new();
    for case in bad_inputs() {
        let tmp = tempfile::tempdir().unwrap();
        let data = tmp.path().join("data");
        copy_data(&data);
        if lf_only {
            normalize_to_lf(&data);
        }
        let path = data.join(case.file);
        let (line, also) = apply(&path, &case.edit);
        let out_dir = tmp.path().join("out");
        let out = indicast(
            tmp.path(),
            [
                OsStr::new("run"),
                "--data".as_ref(),
                data.as_os_str(),
                "--out".as_ref(),
                out_dir.as_os_str(),
            ],
        );
        let err = stderr(&out);
        let located = format!("{}:{line}:", path.display());
        let mut wrong = Vec::new();
        if out.status.code() != Some(2) {
            wrong.push(format!("exit code {:?}, expected 2", out.status.code()));
        }
        if !err.contains(&located) {
            wrong.push(format!("stderr lacks `{located}`"));
        }
        if !err.contains("1 problem(s)") {
            wrong.push("stderr does not report exactly one problem".to_string());
        }
        for e in case
            .expect
            .iter()
            .copied()
            .chain(also.iter().map(String::as_str))
        {
            if !err.contains(e) {
                wrong.push(format!("stderr lacks `{e}`"));
            }
        }
        if out_dir.exists() {
            wrong.push(format!("{} was created", out_dir.display()));
        }
        if stdout(&out).contains("wrote") {
            wrong.push("stdout claims files were written".to_string());
        }
        if !wrong.is_empty() {
            failures.push(format!(
                "case {} ({}:{line}): {}\n{}",
                case.name,
                case.file,
                wrong.join("; "),
                describe(&out)
            ));
        }
    }
    failures
}

#[test]
fn bad_input_rows_are_rejected_with_file_and_line_and_nothing_is_written() {
    // Files normalised to LF so that the line numbers do not depend on the CRLF bug below.
    let failures = run_bad_inputs(true);
    assert!(
        failures.is_empty(),
        "{} bad-input case(s) failed:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

#[test]
/// Regression: the csv crate counted CRLF lines one short (issue #2).
fn bad_input_rows_in_the_shipped_crlf_files_are_reported_at_the_right_line() {
    // Same cases, on verbatim copies of data/ (indicators.csv and targets.csv use CRLF line endings).
    let failures = run_bad_inputs(false);
    assert!(
        failures.is_empty(),
        "{} bad-input case(s) failed:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

#[test]
fn a_data_dir_without_indicators_csv_is_rejected_naming_the_missing_path() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    copy_data(&data);
    fs::remove_file(data.join("indicators.csv")).unwrap();
    let out_dir = tmp.path().join("out");
    let out = indicast(
        tmp.path(),
        [
            OsStr::new("run"),
            "--data".as_ref(),
            data.as_os_str(),
            "--out".as_ref(),
            out_dir.as_os_str(),
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{}", describe(&out));
    let missing = data.join("indicators.csv").display().to_string();
    assert!(
        stderr(&out).contains(&missing),
        "stderr does not name {missing}\n{}",
        describe(&out)
    );
    assert!(!out_dir.exists(), "{} was created", out_dir.display());
}

#[test]
fn an_out_path_that_is_an_existing_file_is_an_error_and_the_file_is_unchanged() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("out");
    let contents = b"not a directory\n";
    fs::write(&file, contents).unwrap();
    let out = indicast(tmp.path(), ["run", "--out", "out"]);
    assert_eq!(out.status.code(), Some(2), "{}", describe(&out));
    assert!(
        !stderr(&out).is_empty(),
        "no error message\n{}",
        describe(&out)
    );
    assert!(file.is_file(), "the file was replaced");
    assert_eq!(fs::read(&file).unwrap(), contents, "the file was modified");
    let entries: Vec<String> = snapshot(tmp.path()).into_keys().collect();
    assert_eq!(entries, ["out"], "stray files next to the out file");
}

#[test]
fn top_level_help_exits_zero_and_lists_the_run_command() {
    let tmp = tempfile::tempdir().unwrap();
    let out = indicast(tmp.path(), ["--help"]);
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    assert!(stdout(&out).contains("run"), "{}", describe(&out));
}

#[test]
fn top_level_help_mentions_the_as_of_option() {
    let tmp = tempfile::tempdir().unwrap();
    let out = indicast(tmp.path(), ["--help"]);
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    assert!(stdout(&out).contains("--as-of"), "{}", describe(&out));
}

#[test]
fn run_help_exits_zero_and_documents_as_of() {
    let tmp = tempfile::tempdir().unwrap();
    let out = indicast(tmp.path(), ["run", "--help"]);
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    let text = stdout(&out);
    for flag in [
        "--as-of",
        "--out",
        "--data",
        "--tolerance",
        "--no-calibration",
    ] {
        assert!(text.contains(flag), "run --help lacks {flag}\n{text}");
    }
}

#[test]
fn a_run_rejected_for_bad_data_leaves_an_older_out_dir_byte_identical() {
    let tmp = tempfile::tempdir().unwrap();
    let out_dir = tmp.path().join("out");
    fs::create_dir(&out_dir).unwrap();
    fs::write(
        out_dir.join("assessment.csv"),
        "region,indicator\nOld,old_growth\n",
    )
    .unwrap();
    let before = snapshot(&out_dir);

    let data = tmp.path().join("data");
    copy_data(&data);
    apply(
        &data.join("indicators.csv"),
        &Edit::Set {
            filter: None,
            nth: 0,
            column: "value",
            value: "abc",
        },
    );
    let out = indicast(tmp.path(), ["run", "--data", "data", "--out", "out"]);
    assert_eq!(out.status.code(), Some(2), "{}", describe(&out));
    assert!(
        snapshot(&out_dir) == before,
        "out dir changed: now {:?}",
        snapshot(&out_dir).keys().collect::<Vec<_>>()
    );
}

#[test]
/// Regression: outputs were renamed one by one, so a late failure left a mix (issue #2).
fn a_run_that_fails_while_writing_leaves_the_older_assessment_byte_identical() {
    let tmp = tempfile::tempdir().unwrap();
    let out_dir = tmp.path().join("out");
    fs::create_dir(&out_dir).unwrap();
    let old = b"region,indicator\nOld,old_growth\n";
    fs::write(out_dir.join("assessment.csv"), old).unwrap();
    // A non-empty directory where forecasts.csv should go: renaming a file onto it fails.
    fs::create_dir(out_dir.join("forecasts.csv")).unwrap();
    fs::write(out_dir.join("forecasts.csv").join("keep"), "x").unwrap();
    let before = snapshot(&out_dir);

    let out = indicast(tmp.path(), ["run", "--out", "out"]);
    assert_eq!(out.status.code(), Some(2), "{}", describe(&out));
    assert_eq!(
        fs::read(out_dir.join("assessment.csv")).unwrap(),
        old,
        "assessment.csv was replaced by a run that exited with an error\n{}",
        describe(&out)
    );
    assert!(
        snapshot(&out_dir) == before,
        "out dir changed: now {:?}",
        snapshot(&out_dir).keys().collect::<Vec<_>>()
    );
}

/// A forecast resting on few or no own observations says so: in assessment.csv (`evidence`) and under
/// the printed table.
#[test]
fn thin_data_are_flagged_beside_the_verdict() {
    let tmp = tempfile::tempdir().unwrap();
    let out = indicast(tmp.path(), ["run", "--no-charts", "--out", "o"]);
    assert!(out.status.success(), "{}", describe(&out));
    let table = read_table(&tmp.path().join("o/assessment.csv"));
    let evidence = |region: &str, indicator: &str| {
        table
            .rows
            .iter()
            .find(|r| r["region"] == region && r["indicator"] == indicator)
            .map(|r| (r["evidence"].clone(), r["n_obs"].parse::<usize>().unwrap()))
            .unwrap()
    };
    for r in &table.rows {
        let n: usize = r["n_obs"].parse().unwrap();
        let expected = match n {
            0 => "parent_only",
            n if n < indicast::targets::THIN_OBS => "thin",
            _ => "own",
        };
        assert_eq!(r["evidence"], expected, "{r:?}");
    }
    assert_eq!(evidence("Zibo", "disp_income_all_growth").0, "parent_only");
    assert_eq!(evidence("Zibo", "gdp_real_growth").0, "own");
    let text = stdout(&out);
    assert!(
        text.contains("note: Zibo.disp_income_all_growth: no data of its own"),
        "{text}"
    );
}

/// `run --report` with a report in which no target is found is an error naming the report.
#[test]
fn a_report_without_targets_is_an_error_naming_it() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("review.txt"),
        "2022年工作回顾：全市生产总值增长5%。\n",
    )
    .unwrap();
    let out = indicast(
        tmp.path(),
        [
            "run",
            "--report",
            "review.txt",
            "--region",
            "Zibo",
            "--no-charts",
            "--out",
            "o",
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{}", describe(&out));
    assert!(
        stderr(&out).contains("review.txt: no quantified target"),
        "{}",
        describe(&out)
    );
    assert!(!tmp.path().join("o").exists());
}
