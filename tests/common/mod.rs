//! Helpers shared by the integration tests: running the binary, the bundled data folder, synthetic points.
//! Each test binary uses some of them.
#![allow(dead_code)]

use std::ffi::OsStr;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use indicast::data::panel::Point;

/// The project's `data/` folder (the same files that are compiled into the binary).
pub fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data")
}

/// Run the binary with `cwd` as current directory.
pub fn indicast<I, S>(cwd: &Path, args: I) -> Output
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    Command::new(env!("CARGO_BIN_EXE_indicast"))
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("the indicast binary can be started")
}

/// Exit status, stdout and stderr of a run, for assertion messages.
pub fn describe(out: &Output) -> String {
    format!(
        "status: {:?}\n--- stdout ---\n{}\n--- stderr ---\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Copy every `*.csv` of `from` into `to` (created if missing); the number of files copied.
pub fn copy_csvs(from: &Path, to: &Path) -> usize {
    fs::create_dir_all(to).unwrap();
    let mut copied = 0;
    for entry in fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "csv") {
            fs::copy(&path, to.join(path.file_name().unwrap())).unwrap();
            copied += 1;
        }
    }
    copied
}

/// Copy every `*.csv` of the project's `data/` folder into `to` (created if missing).
pub fn copy_data(to: &Path) {
    let copied = copy_csvs(&data_dir(), to);
    assert!(
        copied >= 3,
        "expected the CSV files in {}",
        data_dir().display()
    );
}

/// `indicators.csv` of `from` with every value of a year after `after` changed to `v·0.5 + 1`, written
/// to `to` with the other files copied unchanged. Returns the rows changed.
pub fn change_later_values(from: &Path, to: &Path, after: i32) -> usize {
    copy_csvs(from, to);
    let mut rdr = csv::Reader::from_path(from.join("indicators.csv")).unwrap();
    let headers = rdr.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let (year, value) = (col("year"), col("value"));
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(&headers).unwrap();
    let mut changed = 0;
    for r in rdr.records() {
        let r = r.unwrap();
        let mut fields: Vec<String> = r.iter().map(String::from).collect();
        if fields[year].trim().parse::<i32>().unwrap() > after {
            let v: f64 = fields[value].trim().parse().unwrap();
            fields[value] = format!("{}", v * 0.5 + 1.0);
            changed += 1;
        }
        w.write_record(&fields).unwrap();
    }
    fs::write(to.join("indicators.csv"), w.into_inner().unwrap()).unwrap();
    changed
}

/// A synthetic point: revised, high confidence.
pub fn point(year: i32, value: f64) -> Point {
    Point::synthetic(year, value)
}

/// A result CSV written by the binary, as text without its UTF-8 byte-order mark (which it must have:
/// Excel and WPS read Chinese text in a CSV only with one).
pub fn result_csv(path: &Path) -> String {
    let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.strip_prefix('\u{feff}')
        .unwrap_or_else(|| panic!("{} has no UTF-8 byte-order mark", path.display()))
        .to_string()
}

/// Run one shell command line (as a user would type it) in `cwd`, with the binary first on `PATH`.
pub fn shell(cwd: &Path, command: &str) -> Output {
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_indicast"))
        .parent()
        .expect("the binary is in a folder");
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    Command::new("sh")
        .args(["-c", command])
        .current_dir(cwd)
        .env("PATH", path)
        .output()
        .expect("sh can be started")
}
