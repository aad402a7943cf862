//! Generic panel forecasting: simple processes are forecast right, intervals are nested, the output has
//! one row per series and step, the CSV round-trips, column flags work, and odd series never crash.

use std::process::Command;

use indicast::generic::{Columns, Series, forecast, read_panel, render};

fn cols() -> Columns {
    Columns {
        id: "unique_id".into(),
        time: "ds".into(),
        target: "y".into(),
    }
}

fn series(id: &str, start: i64, y: Vec<f64>) -> Series {
    Series {
        id: id.into(),
        t: (start..start + y.len() as i64).collect(),
        y,
    }
}

#[test]
fn a_straight_line_is_extrapolated_exactly_by_the_trend_model() {
    // Negative values keep the series in levels, where the line is a line.
    let y: Vec<f64> = (0..20).map(|i| -50.0 + 3.0 * f64::from(i)).collect();
    let out = forecast(
        &[series("line", 2000, y)],
        5,
        &[0.8, 0.95],
        &["trend".to_string()],
    );
    for (k, r) in out.rows.iter().enumerate() {
        let expected = -50.0 + 3.0 * (20 + k) as f64;
        assert!(
            (r.models[0].0 - expected).abs() < 1e-9,
            "{} vs {expected}",
            r.models[0].0
        );
        assert_eq!(r.ds, 2020 + k as i64);
    }
}

#[test]
fn random_walk_with_drift_recovers_its_drift() {
    use rand::SeedableRng;
    use rand_distr::{Distribution, Normal};
    let mut rng = rand::rngs::StdRng::seed_from_u64(5);
    let e = Normal::new(0.0, 1.0).unwrap();
    let mut estimates = Vec::new();
    for i in 0..200 {
        let mut y = vec![-100.0];
        for _ in 0..39 {
            let last = *y.last().unwrap();
            y.push(last + 2.0 + e.sample(&mut rng));
        }
        let last = *y.last().unwrap();
        let out = forecast(
            &[series(&format!("s{i}"), 1980, y)],
            1,
            &[0.8],
            &["rwd".to_string()],
        );
        estimates.push(out.rows[0].models[0].0 - last);
    }
    let mean = estimates.iter().sum::<f64>() / estimates.len() as f64;
    assert!((mean - 2.0).abs() < 0.05, "drift {mean}");
}

#[test]
fn intervals_are_nested_and_rows_are_series_times_horizon() {
    let panel: Vec<Series> = (0..30)
        .map(|i| {
            series(
                &format!("s{i}"),
                1990,
                (0..25)
                    .map(|t| {
                        100.0 * (1.0 + 0.03 * f64::from(i % 5)).powi(t)
                            + f64::from((t * 7 + i) % 11)
                    })
                    .collect(),
            )
        })
        .collect();
    let out = forecast(&panel, 6, &[0.5, 0.8, 0.95], &[]);
    assert!(out.failed.is_empty());
    assert_eq!(out.rows.len(), 30 * 6);
    for r in &out.rows {
        let [(l50, h50), (l80, h80), (l95, h95)] = [r.intervals[0], r.intervals[1], r.intervals[2]];
        assert!(
            l95 <= l80 && l80 <= l50 && l50 <= r.mean && r.mean <= h50 && h50 <= h80 && h80 <= h95,
            "{r:?}"
        );
    }
}

#[test]
fn csv_round_trips_and_column_flags_work() {
    let text = "region,year,value\nA,2001,10\nA,2002,11\nA,2003,12.5\nA,2004,13\nA,2005,14.2\nA,2006,15\nB,2001-12-31,5\nB,2002-12-31,5.5\nB,2003-12-31,6\nB,2004-12-31,6.2\nB,2005-12-31,7\n";
    let c = Columns {
        id: "region".into(),
        time: "year".into(),
        target: "value".into(),
    };
    let p = read_panel("p.csv", text.as_bytes().to_vec(), &c).unwrap();
    let (s, failed) = (p.series, p.failed);
    assert!(failed.is_empty());
    assert_eq!(s.len(), 2);
    assert_eq!(s[1].t, vec![2001, 2002, 2003, 2004, 2005]);
    let out = forecast(&s, 3, &[0.8, 0.95], &["rwd".to_string()]);
    let bytes = render(&out, &[0.8, 0.95], &["rwd".to_string()], &c).unwrap();
    let mut rdr = csv::Reader::from_reader(bytes.as_slice());
    let header: Vec<String> = rdr.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(
        header,
        [
            "region",
            "year",
            "mean",
            "lo-80",
            "hi-80",
            "lo-95",
            "hi-95",
            "rwd",
            "rwd-lo-80",
            "rwd-hi-80",
            "rwd-lo-95",
            "rwd-hi-95"
        ]
    );
    let rows: Vec<csv::StringRecord> = rdr.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), 6);
    for (row, r) in rows.iter().zip(&out.rows) {
        let mean: f64 = row[2].parse().unwrap();
        assert_eq!(mean, r.mean, "the CSV keeps full precision");
    }
    assert!(
        read_panel("p.csv", text.as_bytes().to_vec(), &cols())
            .unwrap_err()
            .to_string()
            .contains("--id-col")
    );
}

#[test]
fn odd_series_never_crash_and_duplicates_fail_alone() {
    let text = "unique_id,ds,y\n\
        one,2000,5\n\
        two,2000,5\ntwo,2001,6\n\
        three,2000,1\nthree,2001,2\nthree,2002,3\n\
        const,2000,7\nconst,2001,7\nconst,2002,7\nconst,2003,7\nconst,2004,7\nconst,2005,7\nconst,2006,7\n\
        zero,2000,0\nzero,2001,0\nzero,2002,0\nzero,2003,0\nzero,2004,0\nzero,2005,0\n\
        neg,2000,-5\nneg,2001,-7\nneg,2002,-6\nneg,2003,-9\nneg,2004,-8\nneg,2005,-11\nneg,2006,-10\n\
        huge,2000,1e15\nhuge,2001,1.1e15\nhuge,2002,1.3e15\nhuge,2003,1.2e15\nhuge,2004,1.5e15\nhuge,2005,1.6e15\n\
        gaps,2000,10\ngaps,2003,12\ngaps,2004,13\ngaps,2008,15\ngaps,2009,16\ngaps,2011,18\n\
        dup,2000,1\ndup,2001,2\ndup,2001,3\ndup,2002,4\n";
    let p = read_panel("odd.csv", text.as_bytes().to_vec(), &cols()).unwrap();
    let (s, failed) = (p.series, p.failed);
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].0, "dup");
    assert!(failed[0].1.contains("duplicate ds 2001"), "{}", failed[0].1);
    let out = forecast(&s, 4, &[0.8, 0.95], &[]);
    let ids: Vec<&str> = out.failed.iter().map(|f| f.0.as_str()).collect();
    assert_eq!(
        ids,
        ["one"],
        "only a single observation cannot be forecast: {:?}",
        out.failed
    );
    for r in &out.rows {
        assert!(r.mean.is_finite(), "{r:?}");
        for (lo, hi) in &r.intervals {
            assert!(lo <= hi, "{r:?}");
        }
    }
    let constant: Vec<_> = out.rows.iter().filter(|r| r.id == "const").collect();
    assert!(constant.iter().all(|r| (r.mean - 7.0).abs() < 1e-6));
    let zero: Vec<_> = out.rows.iter().filter(|r| r.id == "zero").collect();
    assert!(zero.iter().all(|r| r.mean.abs() < 1e-9));
    // Through the CLI: exit 1 (some series failed), the others written, a message per failed series.
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("odd.csv"), text).unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_indicast"))
        .args([
            "forecast",
            "--input",
            "odd.csv",
            "--horizon",
            "4",
            "--output",
            "fc.csv",
        ])
        .current_dir(tmp.path())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains("series dup") && stderr.contains("series one"),
        "{stderr}"
    );
    let written = std::fs::read_to_string(tmp.path().join("fc.csv")).unwrap();
    assert_eq!(
        written.lines().count(),
        1 + 4 * 7,
        "7 series forecast (one and dup failed)"
    );
}

#[test]
fn unusable_input_is_exit_2_with_file_line_and_column() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("bad.csv"),
        "unique_id,ds,y\nA,2000,1\nA,2001,abc\n",
    )
    .unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_indicast"))
        .args([
            "forecast",
            "--input",
            "bad.csv",
            "--horizon",
            "2",
            "--output",
            "fc.csv",
        ])
        .current_dir(tmp.path())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(stderr.contains("bad.csv:3: column `y`"), "{stderr}");
    assert!(!tmp.path().join("fc.csv").exists());
}
