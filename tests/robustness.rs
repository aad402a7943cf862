//! Robustness: a catalogue of malformed inputs (accepted with a reported normalisation, or rejected with
//! exit 2 naming file and line), interruption by Ctrl-C (exit 130, nothing half-written), and refusal to
//! overwrite an input with an output.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A copy of the bundled data's CSV files in `dir/data`.
fn data_copy(dir: &Path) -> PathBuf {
    let d = dir.join("data");
    common::copy_data(&d);
    d
}

/// Replace the value of the data row starting with `prefix` (first match) in indicators.csv.
fn set_value(text: &str, prefix: &str, value: &str) -> String {
    let mut done = false;
    text.split_inclusive('\n')
        .map(|line| {
            if !done && line.starts_with(prefix) {
                done = true;
                let mut f: Vec<&str> = line.splitn(6, ',').collect();
                f[4] = value;
                f.join(",")
            } else {
                line.to_string()
            }
        })
        .collect()
}

/// The same CSV written with ';' between fields (as European Excel saves it).
fn with_semicolons(text: &str) -> Vec<u8> {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes());
    let mut w = csv::WriterBuilder::new()
        .delimiter(b';')
        .from_writer(Vec::new());
    for r in rdr.records() {
        w.write_record(&r.unwrap()).unwrap();
    }
    w.into_inner().unwrap()
}

enum Expect {
    /// Accepted; stderr has a warning containing this text.
    Warn(&'static str),
    /// Rejected with exit 2; stderr contains all these texts.
    Reject(&'static [&'static str]),
}

#[test]
fn catalogue_of_malformed_indicator_files() {
    const ROW: &str = "China,cpi,FY,2000,";
    let original =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("data/indicators.csv"))
            .unwrap();
    let lf = original.replace("\r\n", "\n");
    let header = lf.lines().next().unwrap().to_string();
    let cases: Vec<(&str, Vec<u8>, Expect)> = vec![
        (
            "byte-order mark",
            format!("\u{feff}{lf}").into_bytes(),
            Expect::Warn(""),
        ),
        (
            "GBK encoding",
            encoding_rs::GB18030.encode(&lf).0.into_owned(),
            Expect::Warn("decoded as GB18030"),
        ),
        (
            "semicolon separated",
            with_semicolons(&lf),
            Expect::Warn("separated by ';'"),
        ),
        (
            "thousands separator",
            set_value(&lf, "China,disp_income_all,FY,2013,", "\"18,311\"").into_bytes(),
            Expect::Warn("thousands separators"),
        ),
        (
            "full-width digits",
            set_value(&lf, ROW, "０.４").into_bytes(),
            Expect::Warn("full-width digits"),
        ),
        (
            "percent sign",
            set_value(&lf, ROW, "0.4%").into_bytes(),
            Expect::Warn("% sign"),
        ),
        (
            "decimal comma (ambiguous)",
            set_value(&lf, ROW, "\"0,4\"").into_bytes(),
            Expect::Reject(&["indicators.csv:2:", "`0,4` is not a number"]),
        ),
        (
            "NaN",
            set_value(&lf, ROW, "NaN").into_bytes(),
            Expect::Reject(&["indicators.csv:2:", "not a number"]),
        ),
        (
            "inf",
            set_value(&lf, ROW, "inf").into_bytes(),
            Expect::Reject(&["indicators.csv:2:", "not a number"]),
        ),
        (
            "empty value",
            set_value(&lf, ROW, "").into_bytes(),
            Expect::Reject(&["indicators.csv:2:", "value"]),
        ),
        (
            "letters",
            set_value(&lf, ROW, "abc").into_bytes(),
            Expect::Reject(&["indicators.csv:2:"]),
        ),
        (
            "empty file",
            Vec::new(),
            Expect::Reject(&["indicators.csv"]),
        ),
        (
            "header only",
            format!("{header}\n").into_bytes(),
            Expect::Reject(&["indicators.csv"]),
        ),
        (
            "missing column",
            lf.replacen("confidence,", "", 1).into_bytes(),
            Expect::Reject(&["indicators.csv:1:", "a column name is missing"]),
        ),
        (
            "ragged row",
            lf.replacen(ROW, "China,cpi,FY\n", 1).into_bytes(),
            Expect::Reject(&["indicators.csv:2:"]),
        ),
        (
            "year 1800",
            lf.replacen("China,cpi,FY,2000,", "China,cpi,FY,1800,", 1)
                .into_bytes(),
            Expect::Reject(&["indicators.csv:2:", "1949..2100"]),
        ),
        (
            "year not a number",
            lf.replacen("China,cpi,FY,2000,", "China,cpi,FY,20x0,", 1)
                .into_bytes(),
            Expect::Reject(&["indicators.csv:2:", "year"]),
        ),
        (
            "unknown region",
            lf.replacen("China,cpi,FY,2000,", "Chnia,cpi,FY,2000,", 1)
                .into_bytes(),
            Expect::Reject(&["indicators.csv:2:", "unknown region"]),
        ),
        (
            "binary garbage",
            vec![0xff, 0xfe, 0x00, 0x01, 0x80, 0x81, 0xfe],
            Expect::Reject(&["indicators.csv"]),
        ),
    ];
    let mut failures = Vec::new();
    for (name, bytes, expect) in cases {
        let tmp = tempfile::tempdir().unwrap();
        let data = data_copy(tmp.path());
        std::fs::write(data.join("indicators.csv"), &bytes).unwrap();
        let out = common::indicast(
            tmp.path(),
            ["run", "--data", "data", "--out", "out", "--no-charts"],
        );
        let stderr = String::from_utf8_lossy(&out.stderr).to_string();
        let ok = match &expect {
            Expect::Warn(text) => {
                out.status.code() == Some(0)
                    && (text.is_empty() || stderr.contains(text) && stderr.contains("warning:"))
            }
            Expect::Reject(texts) => {
                out.status.code() == Some(2)
                    && texts.iter().all(|t| stderr.contains(t))
                    && !tmp.path().join("out").exists()
            }
        };
        eprintln!(
            "{name:<28} exit {:?}: {}",
            out.status.code(),
            stderr.lines().take(2).collect::<Vec<_>>().join(" | ")
        );
        if !ok {
            failures.push(format!("{name}: exit {:?}\n{stderr}", out.status.code()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n---\n"));
}

/// The catalogue of `tests/fixtures/bad/catalogue.csv`: one malformed (or merely unusual) input file per
/// case, for every reader, with the expected behaviour: accepted (exit 0, the normalisation said in a
/// warning), one series failing (exit 1), or rejected (exit 2, the message naming file and line, no
/// output written).
#[test]
fn catalogue_of_malformed_inputs() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = root.join("tests/fixtures/bad");
    let mut rdr = csv::Reader::from_path(dir.join("catalogue.csv")).unwrap();
    let mut failures = Vec::new();
    let mut n = 0;
    let mut readers = std::collections::BTreeSet::new();
    for rec in rdr.records() {
        let rec = rec.unwrap();
        let (file, reader, expect, exit, messages, description) =
            (&rec[0], &rec[1], &rec[2], &rec[3], &rec[4], &rec[5]);
        n += 1;
        readers.insert(reader.to_string());
        let tmp = tempfile::tempdir().unwrap();
        let input = tmp.path().join(file);
        std::fs::copy(dir.join(file), &input).unwrap();
        let out_path = tmp.path().join("out");
        let bin = env!("CARGO_BIN_EXE_indicast");
        let mut cmd = Command::new(bin);
        cmd.current_dir(tmp.path());
        match reader {
            "indicators" | "targets" => {
                let data = data_copy(tmp.path());
                std::fs::copy(&input, data.join(format!("{reader}.csv"))).unwrap();
                cmd.args(["check", "--data", "data"]);
            }
            "panel" => {
                cmd.args([
                    "forecast",
                    "--input",
                    file,
                    "--horizon",
                    "2",
                    "--output",
                    "out",
                ]);
            }
            "scenario" => {
                cmd.args(["scenario", file, "--out", "out", "--draws", "200"]);
            }
            "report" => {
                cmd.args(["extract", file, "--out", "out"]);
            }
            other => panic!("unknown reader {other} in catalogue.csv"),
        }
        let out = cmd.output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr).to_string();
        let code = out.status.code();
        let mut ok = code == Some(exit.parse().unwrap());
        for m in messages.split('|').filter(|m| !m.is_empty()) {
            // Data files are read under their own name from the data directory.
            let m = if reader == "indicators" || reader == "targets" {
                m.replace(file, &format!("data/{reader}.csv"))
            } else {
                m.to_string()
            };
            ok &= stderr.contains(&m);
        }
        let produced = out_path.exists();
        match expect {
            "accept" => {
                // Any normalisation is said in a warning; a clean file gets none.
                ok &= messages.is_empty() || stderr.contains("warning:");
                ok &= reader == "indicators" || reader == "targets" || produced;
            }
            "series_error" => ok &= produced,
            "reject" => {
                ok &= !produced && stderr.contains("error");
                // The input is never modified.
                ok &= std::fs::read(&input).unwrap() == std::fs::read(dir.join(file)).unwrap();
            }
            other => panic!("unknown expectation {other}"),
        }
        if reader == "panel" {
            // The streaming reader gives the same verdict and messages (or hands over to the whole read).
            let again = Command::new(bin)
                .current_dir(tmp.path())
                .args([
                    "forecast",
                    "--input",
                    file,
                    "--horizon",
                    "2",
                    "--output",
                    "out2",
                ])
                .args(["--stream", "always"])
                .output()
                .unwrap();
            ok &= again.status.code() == code
                && String::from_utf8_lossy(&again.stderr) == stderr
                && tmp.path().join("out2").exists() == produced;
            if produced {
                ok &= std::fs::read(tmp.path().join("out2")).unwrap()
                    == std::fs::read(&out_path).unwrap();
            }
        }
        eprintln!(
            "{file:<36} {reader:<10} {expect:<12} exit {code:?}: {}",
            stderr.lines().take(2).collect::<Vec<_>>().join(" | ")
        );
        if !ok {
            failures.push(format!(
                "{file} ({description}): expected {expect} exit {exit} with {messages:?}, got exit {code:?}, output written: {produced}\n{stderr}"
            ));
        }
    }
    assert!(n >= 40, "the catalogue has {n} cases");
    assert_eq!(readers.len(), 5, "every reader is covered: {readers:?}");
    assert!(failures.is_empty(), "{}", failures.join("\n---\n"));
}

#[test]
fn ctrl_c_stops_promptly_with_exit_130_and_leaves_no_partial_file() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/scenarios/baseline.toml");
    let mut child = Command::new(env!("CARGO_BIN_EXE_indicast"))
        .args([
            "scenario",
            scenario.to_str().unwrap(),
            "--draws",
            "20000000",
            "--out",
            "out",
        ])
        .current_dir(tmp.path())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    let sent = Instant::now();
    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let code = child.wait().unwrap().code();
    let waited = sent.elapsed();
    assert_eq!(code, Some(130));
    assert!(waited < Duration::from_secs(2), "stopped after {waited:?}");
    let leftovers = [
        hidden_files(tmp.path()),
        hidden_files(&tmp.path().join("out")),
    ]
    .concat();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

/// Names of the dot-files (temporary outputs) in `dir`; none if it does not exist.
fn hidden_files(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect()
}

/// A streamed forecast killed while it writes (SIGINT, then SIGTERM) exits 130 and leaves the old
/// output untouched and no temporary file.
#[test]
fn a_killed_streaming_forecast_leaves_the_old_output_whole() {
    use std::io::Write;
    let tmp = tempfile::tempdir().unwrap();
    {
        let mut w =
            std::io::BufWriter::new(std::fs::File::create(tmp.path().join("p.csv")).unwrap());
        writeln!(w, "unique_id,ds,y").unwrap();
        for i in 0..30_000 {
            for t in 0..30 {
                let y = 100.0
                    + (i % 97) as f64
                    + t as f64 * (1.0 + (i % 7) as f64 / 10.0)
                    + ((i * 31 + t * 17) % 11) as f64;
                writeln!(w, "s{i},{},{y}", 1990 + t).unwrap();
            }
        }
    }
    let old = "unique_id,ds,mean\nold,1,1\n";
    for signal in ["-INT", "-TERM"] {
        std::fs::write(tmp.path().join("fc.csv"), old).unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_indicast"))
            .args([
                "forecast",
                "--input",
                "p.csv",
                "--horizon",
                "2",
                "--output",
                "fc.csv",
                "--stream",
                "always",
            ])
            .current_dir(tmp.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Wait until the temporary output has data in it (the second pass is writing).
        let start = Instant::now();
        let writing = loop {
            let temp = std::fs::read_dir(tmp.path())
                .unwrap()
                .filter_map(|e| e.ok())
                .find(|e| e.file_name().to_string_lossy().starts_with(".fc.csv."));
            if temp.is_some_and(|e| e.metadata().is_ok_and(|m| m.len() > 0)) {
                break true;
            }
            if start.elapsed() > Duration::from_secs(120) || child.try_wait().unwrap().is_some() {
                break false;
            }
            std::thread::sleep(Duration::from_millis(5));
        };
        assert!(
            writing,
            "{signal}: never saw the temporary output being written"
        );
        let status = Command::new("kill")
            .args([signal, &child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        assert_eq!(child.wait().unwrap().code(), Some(130), "{signal}");
        assert_eq!(
            std::fs::read_to_string(tmp.path().join("fc.csv")).unwrap(),
            old,
            "{signal}: the old output is whole"
        );
        let leftovers = hidden_files(tmp.path());
        assert!(leftovers.is_empty(), "{signal}: {leftovers:?}");
    }
}

/// One series of five years, for the output-path tests.
const SMALL_PANEL: &str = "unique_id,ds,y\nA,2000,1\nA,2001,2\nA,2002,3\nA,2003,4\nA,2004,5\n";

/// `indicast forecast --input INPUT --horizon 2 --output OUTPUT EXTRA…` run in `dir`; killed (and the
/// test failed) if it has not finished within a minute, so that a blocked pipe fails instead of hanging.
fn forecast_to(dir: &Path, input: &str, output: &Path, extra: &[&str]) -> std::process::Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_indicast"))
        .args(["forecast", "--input", input, "--horizon", "2", "--output"])
        .arg(output)
        .args(extra)
        .current_dir(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > Duration::from_secs(60) {
            child.kill().unwrap();
            panic!("forecast --output {} {extra:?} hangs", output.display());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

/// Exit 0, or fail showing stderr.
fn assert_ok(out: &std::process::Output) {
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
}

#[test]
fn an_output_never_overwrites_its_input() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("p.csv"), SMALL_PANEL).unwrap();
    let out = forecast_to(tmp.path(), "p.csv", Path::new("./p.csv"), &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("refusing to overwrite"));
    let kept = std::fs::read_to_string(tmp.path().join("p.csv")).unwrap();
    assert_eq!(kept, SMALL_PANEL);
}

/// `--output` naming a device or a pipe (`/dev/null`, a FIFO) writes into it: the atomic
/// temporary-file-and-rename would replace the device by a regular file (it once turned `/dev/null` into
/// a file, which broke every later build on the machine). A FIFO stands in for `/dev/null` here, so that
/// a regression cannot damage the machine running the tests. Also with an input that cannot be
/// streamed (series interleaved): the streaming attempt must not open the pipe before falling back.
#[cfg(unix)]
#[test]
fn an_output_that_is_a_pipe_is_written_into_not_replaced() {
    use std::io::Read;
    use std::os::unix::fs::FileTypeExt;
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("p.csv"), SMALL_PANEL).unwrap();
    let interleaved = "unique_id,ds,y\nA,2000,1\nB,2000,5\nA,2001,2\nB,2001,6\nA,2002,3\n\
                       B,2002,7\nA,2003,4\nB,2003,8\n";
    std::fs::write(tmp.path().join("mixed.csv"), interleaved).unwrap();
    let fifo = tmp.path().join("out.fifo");
    let cases = [
        ("p.csv", "never", 3),
        ("p.csv", "always", 3),
        ("mixed.csv", "always", 5),
    ];
    for (input, stream, lines) in cases {
        let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
        assert!(made.success());
        let (send, received) = std::sync::mpsc::channel();
        let reader = fifo.clone();
        std::thread::spawn(move || {
            let mut s = String::new();
            let mut f = std::fs::File::open(reader).unwrap();
            f.read_to_string(&mut s).unwrap();
            send.send(s).unwrap();
        });
        let out = forecast_to(tmp.path(), input, &fifo, &["--stream", stream]);
        assert_ok(&out);
        let kind = std::fs::symlink_metadata(&fifo).unwrap().file_type();
        assert!(
            kind.is_fifo(),
            "{input} {stream}: the pipe was replaced by {kind:?}"
        );
        let got = received
            .recv_timeout(Duration::from_secs(60))
            .expect("the pipe was never written");
        assert!(
            got.starts_with("unique_id,ds,mean,lo-80"),
            "{input} {stream}: {got}"
        );
        assert_eq!(got.lines().count(), lines, "{input} {stream}: {got}");
        assert!(hidden_files(tmp.path()).is_empty());
        std::fs::remove_file(&fifo).unwrap();
    }
}

/// `--output /dev/stdout` appends to whatever the shell redirected stdout to (`>> log` keeps the log),
/// rather than replacing that file.
#[cfg(target_os = "linux")]
#[test]
fn an_output_to_dev_stdout_appends_to_the_redirected_file() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("p.csv"), SMALL_PANEL).unwrap();
    for stream in ["never", "always"] {
        let script = format!(
            "echo PRELUDE > log.txt && {} forecast --input p.csv --horizon 2 --stream {stream} \
             --output /dev/stdout >> log.txt",
            env!("CARGO_BIN_EXE_indicast")
        );
        let out = Command::new("sh")
            .args(["-c", &script])
            .current_dir(tmp.path())
            .output()
            .unwrap();
        assert_ok(&out);
        let log = std::fs::read_to_string(tmp.path().join("log.txt")).unwrap();
        assert!(
            log.starts_with("PRELUDE\nunique_id,ds,mean"),
            "{stream}: {log}"
        );
        assert_eq!(log.lines().count(), 4, "{stream}: {log}");
    }
}

/// An output path that is a symbolic link keeps the link; its target gets the new content, and is
/// created when the link (or a chain of links) dangles.
#[cfg(unix)]
#[test]
fn an_output_that_is_a_symlink_keeps_the_link() {
    use std::os::unix::fs::symlink;
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("p.csv"), SMALL_PANEL).unwrap();
    let shared = tmp.path().join("shared");
    std::fs::create_dir(&shared).unwrap();
    std::fs::write(shared.join("fc.csv"), "old").unwrap();
    symlink("shared/fc.csv", tmp.path().join("fc.csv")).unwrap();
    symlink("shared/new.csv", tmp.path().join("new.csv")).unwrap();
    symlink("link2.csv", tmp.path().join("chain.csv")).unwrap();
    symlink("shared/chain.csv", tmp.path().join("link2.csv")).unwrap();
    let cases = [
        ("fc.csv", "never"),
        ("fc.csv", "always"),
        ("new.csv", "never"),
        ("chain.csv", "always"),
    ];
    for (link, stream) in cases {
        let out = forecast_to(tmp.path(), "p.csv", Path::new(link), &["--stream", stream]);
        assert_ok(&out);
        for name in [link, "link2.csv"] {
            let kind = std::fs::symlink_metadata(tmp.path().join(name))
                .unwrap()
                .file_type();
            assert!(kind.is_symlink(), "{link} {stream}: {name} was replaced");
        }
        let got = std::fs::read_to_string(shared.join(link)).unwrap();
        assert_eq!(got.lines().count(), 3, "{link} {stream}: {got}");
        assert!(hidden_files(tmp.path()).is_empty() && hidden_files(&shared).is_empty());
        std::fs::write(shared.join("fc.csv"), "old").unwrap();
    }
}

mod properties {
    use indicast::data::{Basis, Direction, Qualifier, Target};
    use indicast::forecast::Dist;
    use indicast::targets::met_event;
    use proptest::prelude::*;

    fn target(value: f64, qualifier: Qualifier) -> Target {
        Target {
            region: "R".into(),
            year: 2023,
            indicator: "gdp_real_growth".into(),
            value,
            qualifier,
            basis: Basis::Growth,
            text: String::new(),
            outcome: None,
            source: String::new(),
        }
    }

    proptest! {
        /// Intervals are nested and widen with the level, for any distribution.
        #[test]
        fn intervals_nest_and_widen(mean in -50.0f64..50.0, se in 0.01f64..20.0, df in 1.0f64..200.0) {
            let d = Dist::new(mean, se, df);
            let mut prev = (mean, mean);
            for level in [0.1, 0.5, 0.8, 0.9, 0.95, 0.99] {
                let (lo, hi) = d.interval(level);
                prop_assert!(lo <= prev.0 + 1e-9 && hi >= prev.1 - 1e-9);
                prop_assert!(lo <= mean && mean <= hi);
                prev = (lo, hi);
            }
        }

        /// P(met) is a probability and falls as an at-least target rises (rises for at-most ones).
        #[test]
        fn p_met_is_a_monotone_probability(mean in -20.0f64..20.0, se in 0.05f64..10.0, df in 1.0f64..100.0,
                                           t1 in -30.0f64..30.0, dt in 0.0f64..10.0) {
            let d = Dist::new(mean, se, df);
            for q in [Qualifier::AtLeast, Qualifier::About, Qualifier::Range, Qualifier::Other] {
                let p1 = met_event(&target(t1, q), Direction::HigherIsBetter, 0.5).probability(&d);
                let p2 = met_event(&target(t1 + dt, q), Direction::HigherIsBetter, 0.5).probability(&d);
                prop_assert!((0.0..=1.0).contains(&p1) && (0.0..=1.0).contains(&p2));
                prop_assert!(p2 <= p1 + 1e-12, "{q:?}: {p1} then {p2}");
            }
            let p1 = met_event(&target(t1, Qualifier::AtMost), Direction::HigherIsBetter, 0.5).probability(&d);
            let p2 = met_event(&target(t1 + dt, Qualifier::AtMost), Direction::HigherIsBetter, 0.5).probability(&d);
            prop_assert!(p2 >= p1 - 1e-12);
        }
    }
}

/// The same rows in another order give the same assessments, backtests and calls.
#[test]
fn results_do_not_depend_on_the_order_of_the_rows() {
    use indicast::data::DataSource;
    use indicast::run::{Reports, RunConfig, run};
    use rand::SeedableRng;
    use rand::seq::SliceRandom;
    let tmp = tempfile::tempdir().unwrap();
    let data = data_copy(tmp.path());
    let text = std::fs::read_to_string(data.join("indicators.csv"))
        .unwrap()
        .replace("\r\n", "\n");
    let mut lines: Vec<&str> = text.lines().collect();
    let header = lines.remove(0);
    let cfg = |source| RunConfig {
        source,
        as_of: Some(2022),
        tolerance: 0.5,
        calibrate: true,
        reports: Reports::Bundled,
        add_data: Vec::new(),
        period: None,
    };
    let reference = run(&cfg(DataSource::Bundled)).unwrap();
    let mut rng = rand::rngs::StdRng::seed_from_u64(8);
    for _ in 0..2 {
        lines.shuffle(&mut rng);
        std::fs::write(
            data.join("indicators.csv"),
            format!("{header}\n{}\n", lines.join("\n")),
        )
        .unwrap();
        let shuffled = run(&cfg(DataSource::Dir(data.clone()))).unwrap();
        let strip = |r: &indicast::run::RunResult| -> Vec<(String, Option<indicast::forecast::Dist>, Option<f64>)> {
            r.assessments.iter().map(|a| (a.target.indicator.clone(), a.dist, a.p_met)).collect()
        };
        assert_eq!(strip(&reference), strip(&shuffled));
        assert_eq!(reference.backtest, shuffled.backtest);
        assert_eq!(reference.calls, shuffled.calls);
    }
}

/// Levels in 元 instead of 万元 (× 10⁴): generic forecasts scale by 10⁴; the engine's growth forecasts,
/// derived from the levels, do not change.
#[test]
fn scaling_levels_scales_level_forecasts_and_leaves_growth_alone() {
    use indicast::generic::{Series, forecast};
    let base: Vec<Series> = (0..20)
        .map(|i| Series {
            id: format!("s{i}"),
            t: (2000..2020).collect(),
            y: (0..20)
                .map(|k| 3.0 + f64::from(i) + 0.4 * f64::from(k) + f64::from((k * 7 + i) % 5) * 0.3)
                .collect(),
        })
        .collect();
    let scaled: Vec<Series> = base
        .iter()
        .map(|s| Series {
            y: s.y.iter().map(|v| v * 1e4).collect(),
            ..s.clone()
        })
        .collect();
    let a = forecast(&base, 4, &[0.8], &[]);
    let b = forecast(&scaled, 4, &[0.8], &[]);
    for (x, y) in a.rows.iter().zip(&b.rows) {
        assert!(
            (y.mean / x.mean - 1e4).abs() < 1e-6 * 1e4,
            "{} vs {}",
            x.mean,
            y.mean
        );
        assert!((y.intervals[0].1 / x.intervals[0].1 - 1e4).abs() < 1e-6 * 1e4);
    }
    // The engine: multiply every level in indicators.csv by 10⁴.
    use indicast::data::DataSource;
    use indicast::run::{Reports, RunConfig, run};
    let tmp = tempfile::tempdir().unwrap();
    let data = data_copy(tmp.path());
    let text = std::fs::read_to_string(data.join("indicators.csv")).unwrap();
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    let headers = rdr.headers().unwrap().clone();
    let (vi, ki) = (
        headers.iter().position(|h| h == "value").unwrap(),
        headers.iter().position(|h| h == "kind").unwrap(),
    );
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(&headers).unwrap();
    for r in rdr.records() {
        let r = r.unwrap();
        let mut f: Vec<String> = r.iter().map(String::from).collect();
        if f[ki] == "level" {
            f[vi] = format!("{}", f[vi].parse::<f64>().unwrap() * 1e4);
        }
        w.write_record(&f).unwrap();
    }
    std::fs::write(data.join("indicators.csv"), w.into_inner().unwrap()).unwrap();
    let cfg = |source| RunConfig {
        source,
        as_of: Some(2022),
        tolerance: 0.5,
        calibrate: true,
        reports: Reports::Bundled,
        add_data: Vec::new(),
        period: None,
    };
    let a = run(&cfg(DataSource::Bundled)).unwrap();
    let b = run(&cfg(DataSource::Dir(data))).unwrap();
    for (x, y) in a.assessments.iter().zip(&b.assessments) {
        let (dx, dy) = (x.dist.unwrap(), y.dist.unwrap());
        assert!(
            (dx.mean - dy.mean).abs() < 1e-9 && (dx.se - dy.se).abs() < 1e-9,
            "{}: {dx:?} vs {dy:?}",
            x.target.indicator
        );
    }
}

/// Peak resident memory (VmHWM, kB) of a running process, polled until it exits.
fn run_with_peak_memory(mut cmd: Command) -> (std::process::ExitStatus, u64, Duration) {
    let start = Instant::now();
    let mut child = cmd.stdout(Stdio::null()).spawn().unwrap();
    let status_file = format!("/proc/{}/status", child.id());
    let mut peak = 0;
    loop {
        if let Ok(s) = std::fs::read_to_string(&status_file)
            && let Some(kb) = s
                .lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse::<u64>().ok())
        {
            peak = peak.max(kb);
        }
        if let Some(status) = child.try_wait().unwrap() {
            return (status, peak, start.elapsed());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A panel of 10 million rows (250,000 series × 40 years, about 260 MB) is forecast by streaming it:
/// peak memory stays far below the file's size. Not in the default suite (it takes about a minute):
/// `cargo test --release --test robustness -- --ignored ten_million --nocapture`.
#[test]
#[ignore]
fn ten_million_rows_are_streamed_with_bounded_memory() {
    use std::io::Write;
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("big.csv");
    let (series, years) = (250_000usize, 40usize);
    {
        let mut w = std::io::BufWriter::new(std::fs::File::create(&input).unwrap());
        writeln!(w, "unique_id,ds,y").unwrap();
        let mut state = 7u64;
        for i in 0..series {
            let mut level = 100.0 + (i % 1000) as f64;
            for t in 0..years {
                state = state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                let u = (state >> 11) as f64 / (1u64 << 53) as f64;
                level *= 1.02 + 0.06 * (u - 0.5);
                writeln!(w, "county_{i:06},{},{level:.3}", 1980 + t).unwrap();
            }
        }
    }
    let size_mb = std::fs::metadata(&input).unwrap().len() / (1 << 20);
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_indicast"));
    cmd.current_dir(tmp.path()).args([
        "forecast",
        "--input",
        "big.csv",
        "--horizon",
        "2",
        "--output",
        "fc.csv",
    ]);
    let (status, peak_kb, took) = run_with_peak_memory(cmd);
    assert!(status.success(), "{status:?}");
    let rows = std::io::BufRead::lines(std::io::BufReader::new(
        std::fs::File::open(tmp.path().join("fc.csv")).unwrap(),
    ))
    .count();
    eprintln!(
        "10M rows ({size_mb} MB): {:.1} s, peak memory {} MB, {rows} output lines",
        took.as_secs_f64(),
        peak_kb / 1024
    );
    assert_eq!(rows, 1 + series * 2, "header + series × horizon");
    assert!(
        peak_kb / 1024 < 200,
        "peak memory {} MB is not bounded (file {size_mb} MB)",
        peak_kb / 1024
    );
}
