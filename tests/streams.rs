//! Every subcommand with a stdout that fails: a reader that closed the pipe (`indicast check | head -1`)
//! ends the program quietly with exit 0, a full device (`> /dev/full`) with exit 2 and a message; never a
//! panic (exit 101), and the output files of a run are complete either way.

mod common;

use std::fs::File;
use std::path::Path;
use std::process::{Command, Stdio};

use common::data_dir;

/// The subcommands and flags tried, with `out` the output directory of the case.
fn cases(out: &Path) -> Vec<Vec<String>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let s = |p: &Path| p.display().to_string();
    let panel = out.join("panel.csv");
    let mut text = String::from("id,year,value\n");
    for id in ["a", "b"] {
        for (k, year) in (2000..2020).enumerate() {
            text.push_str(&format!("{id},{year},{}\n", 100.0 + 3.0 * k as f64));
        }
    }
    std::fs::create_dir_all(out).unwrap();
    std::fs::write(&panel, text).unwrap();
    let owned = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    let forecast = [
        owned(&["forecast", "--input"]),
        vec![s(&panel)],
        owned(&[
            "--id-col",
            "id",
            "--time-col",
            "year",
            "--target-col",
            "value",
            "--horizon",
            "3",
            "--output",
            "-",
        ]),
    ]
    .concat();
    vec![
        owned(&["--help"]),
        owned(&["--version"]),
        owned(&["run", "--help"]),
        vec!["check".into(), "--data".into(), s(&data_dir())],
        vec![
            "run".into(),
            "--no-charts".into(),
            "--out".into(),
            s(&out.join("run")),
        ],
        vec![
            "extract".into(),
            s(&root.join("seeds/zibo-2023-government-work-report.txt")),
            "--out".into(),
            s(&out.join("extract")),
        ],
        vec![
            "scenario".into(),
            s(&root.join("examples/scenarios/baseline.toml")),
            "--draws".into(),
            "2000".into(),
            "--out".into(),
            s(&out.join("scenario")),
        ],
        vec![
            "required".into(),
            "--target".into(),
            "Shandong.gdp_real_growth".into(),
            "--prob".into(),
            "0.7".into(),
            "--driver".into(),
            "China.gdp_real_growth".into(),
            "--draws".into(),
            "2000".into(),
            "--out".into(),
            s(&out.join("required")),
        ],
        forecast.clone(),
        [forecast, owned(&["--stream", "always"])].concat(),
    ]
}

fn run_with_stdout(args: &[String], cwd: &Path, stdout: Stdio) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_indicast"))
        .args(args)
        .current_dir(cwd)
        .stdout(stdout)
        .stderr(Stdio::piped())
        .output()
        .expect("the indicast binary can be started")
}

#[test]
fn a_full_device_on_stdout_exits_2_with_a_message_and_no_panic() {
    let Ok(full) = File::options().write(true).open("/dev/full") else {
        eprintln!("no /dev/full here: skipped");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    for args in cases(dir.path()) {
        let out = run_with_stdout(&args, dir.path(), Stdio::from(full.try_clone().unwrap()));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains("writing to stdout"), "{args:?}: {err}");
    }
    // The run's files were complete before anything was printed.
    let run = dir.path().join("run");
    for f in [
        "assessment.csv",
        "forecasts.csv",
        "backtest.csv",
        "calls.csv",
    ] {
        assert!(run.join(f).is_file(), "{f} missing");
    }
}

#[test]
fn a_closed_pipe_on_stdout_exits_0_quietly() {
    let dir = tempfile::tempdir().unwrap();
    for args in cases(dir.path()) {
        let mut child = Command::new(env!("CARGO_BIN_EXE_indicast"))
            .args(&args)
            .current_dir(dir.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Close the reading end before the child writes anything.
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert_eq!(out.status.code(), Some(0), "{args:?}: {err}");
        assert!(!err.contains("Broken pipe"), "{args:?}: {err}");
    }
}

#[test]
fn a_closed_stderr_is_no_panic() {
    let dir = tempfile::tempdir().unwrap();
    // An unknown flag writes its usage error to stderr; a bad data directory its error.
    for args in [
        vec!["--bogus".to_string()],
        vec!["check".into(), "--data".into(), "no-such-dir".into()],
    ] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_indicast"))
            .args(&args)
            .current_dir(dir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stderr.take());
        let status = child.wait().unwrap();
        assert_eq!(status.code(), Some(2), "{args:?}");
    }
}
