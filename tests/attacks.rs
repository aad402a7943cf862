//! Inputs that once hung or exhausted memory (issue: reliability under attack) end with a clear error or
//! a result. Each run has a watchdog of a minute: it detects a hang, it does not time anything (speed is
//! measured in `benches/run.rs`: `scenario_40000_unknown_keys`, `check_20000_deep_region_chain`).

mod common;

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::describe;

/// Run the binary in `cwd`; panic if it has not ended after a minute.
fn run_watched(cwd: &Path, args: &[&str]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_indicast"))
        .args(args)
        .current_dir(cwd)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            return child.wait_with_output().unwrap();
        }
        if start.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            panic!("{args:?} hung (killed after a minute)");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn error_mentions(out: &Output, words: &str) {
    assert_eq!(out.status.code(), Some(2), "{}", describe(out));
    assert!(common::stderr(out).contains(words), "{}", describe(out));
}

#[test]
fn an_infinite_number_in_a_result_csv_is_an_error_not_a_hang() {
    let tmp = tempfile::tempdir().unwrap();
    let out = run_watched(tmp.path(), &["run", "--no-charts", "--out", "res"]);
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    let file = tmp.path().join("res/assessment.csv");
    let text = std::fs::read_to_string(&file).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let mean = lines[0].split(',').position(|c| c == "mean").unwrap();
    let mut cells: Vec<String> = lines[1].split(',').map(str::to_string).collect();
    cells[mean] = "inf".into();
    let region_indicator = format!("{}.{}", cells[0], cells[1]);
    lines[1] = cells.join(",");
    std::fs::write(&file, lines.join("\n") + "\n").unwrap();
    for args in [
        vec![
            "chart",
            "fan",
            "--from",
            "res",
            "--target",
            &region_indicator,
        ],
        vec!["chart", "scorecard", "--from", "res"],
    ] {
        let out = run_watched(tmp.path(), &args);
        error_mentions(&out, "assessment.csv:2:");
        error_mentions(&out, "infinite");
    }
}

#[test]
fn endless_devices_are_refused_and_pipes_are_read_once() {
    let tmp = tempfile::tempdir().unwrap();
    if !Path::new("/dev/zero").exists() {
        return;
    }
    let panel = |input: &str, stream: &str| {
        run_watched(
            tmp.path(),
            &[
                "forecast",
                "--input",
                input,
                "--id-col",
                "id",
                "--time-col",
                "year",
                "--target-col",
                "value",
                "--horizon",
                "2",
                "--stream",
                stream,
                "--output",
                "f.csv",
            ],
        )
    };
    for stream in ["never", "always"] {
        error_mentions(&panel("/dev/zero", stream), "binary data");
    }
    let out = run_watched(tmp.path(), &["extract", "/dev/urandom", "--out", "x"]);
    error_mentions(&out, "binary data");
    // A named pipe with --stream always: read once, whole (it cannot be read twice).
    let fifo = tmp.path().join("panel.fifo");
    let made = Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        return;
    }
    let writer_path = fifo.clone();
    let writer = std::thread::spawn(move || {
        let mut text = String::from("id,year,value\n");
        for y in 2000..2012 {
            text.push_str(&format!("a,{y},{}\n", 100 + 3 * (y - 2000)));
        }
        std::fs::write(writer_path, text).unwrap();
    });
    let out = panel("panel.fifo", "always");
    writer.join().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    let written = std::fs::read_to_string(tmp.path().join("f.csv")).unwrap();
    assert_eq!(written.lines().count(), 3, "{written}");
}
