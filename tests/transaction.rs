//! A `run`'s output set (CSVs, charts, report) is replaced as a whole: killed at any moment (SIGKILL or
//! SIGTERM), or raced by a second run on the same `--out`, the folder holds the old complete set or the
//! new complete set, byte for byte, never a mix; and no output replaces an input.

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use common::{describe, indicast};

/// Every file under `dir` (relative path → bytes), hidden files included.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                let rel = p.strip_prefix(root).unwrap().display().to_string();
                out.insert(rel, std::fs::read(&p).unwrap_or_default());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// `run` as of `year` into `out` (in `cwd`), started in the background.
fn spawn_run(cwd: &Path, year: &str, out: &str) -> Child {
    Command::new(env!("CARGO_BIN_EXE_indicast"))
        .args(["run", "--as-of", year, "--out", out])
        .current_dir(cwd)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// The two reference sets (as of 2021 and as of 2022), each written by an undisturbed run.
fn references(cwd: &Path) -> [BTreeMap<String, Vec<u8>>; 2] {
    ["2021", "2022"].map(|year| {
        let dir = format!("ref{year}");
        let out = indicast(cwd, ["run", "--as-of", year, "--out", &dir]);
        assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
        snapshot(&cwd.join(dir))
    })
}

fn which(set: &BTreeMap<String, Vec<u8>>, refs: &[BTreeMap<String, Vec<u8>>; 2]) -> Option<usize> {
    refs.iter().position(|r| r == set)
}

#[test]
fn a_run_killed_at_any_moment_leaves_the_old_or_the_new_complete_set() {
    let tmp = tempfile::tempdir().unwrap();
    let refs = references(tmp.path());
    assert_ne!(refs[0], refs[1]);
    assert!(refs[1].keys().any(|k| k.starts_with("charts/")));
    let first = indicast(tmp.path(), ["run", "--as-of", "2021", "--out", "out"]);
    assert_eq!(first.status.code(), Some(0), "{}", describe(&first));
    let mut seen = [0usize; 2];
    // Delays from 0 to 570 ms cover loading, the engine, the charts, the report and the swap (a run
    // takes about 0.3 s in release).
    for i in 0..20u64 {
        for signal in ["-KILL", "-TERM"] {
            let year = if i % 2 == 0 { "2022" } else { "2021" };
            let mut child = spawn_run(tmp.path(), year, "out");
            std::thread::sleep(Duration::from_millis(30 * i));
            let _ = Command::new("kill")
                .args([signal, &child.id().to_string()])
                .status();
            let _ = child.wait();
            let set = snapshot(&tmp.path().join("out"));
            let Some(k) = which(&set, &refs) else {
                panic!(
                    "after {signal} at {} ms the folder is neither set: {:?}",
                    30 * i,
                    set.keys().collect::<Vec<_>>()
                );
            };
            seen[k] += 1;
        }
    }
    eprintln!(
        "sets seen after the kills: as of 2021 {}, as of 2022 {}",
        seen[0], seen[1]
    );
    // The next run cleans whatever the killed ones left beside `out`.
    let last = indicast(tmp.path(), ["run", "--out", "out"]);
    assert_eq!(last.status.code(), Some(0), "{}", describe(&last));
    assert_eq!(which(&snapshot(&tmp.path().join("out")), &refs), Some(1));
    let leftovers: Vec<String> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".out.staging") || n.starts_with(".out.old"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn two_runs_on_one_folder_never_mix_their_sets() {
    let tmp = tempfile::tempdir().unwrap();
    let refs = references(tmp.path());
    for _ in 0..20 {
        let a = spawn_run(tmp.path(), "2021", "out");
        let b = spawn_run(tmp.path(), "2022", "out");
        for child in [a, b] {
            let out = child.wait_with_output().unwrap();
            let err = String::from_utf8_lossy(&out.stderr);
            match out.status.code() {
                Some(0) => {}
                Some(2) => assert!(err.contains("another indicast command"), "{err}"),
                code => panic!("exit {code:?}: {err}"),
            }
        }
        let set = snapshot(&tmp.path().join("out"));
        assert!(
            which(&set, &refs).is_some(),
            "a mixed set: {:?}",
            set.keys().collect::<Vec<_>>()
        );
    }
}

#[test]
fn a_planners_own_files_in_the_output_folder_stay() {
    let tmp = tempfile::tempdir().unwrap();
    let out_dir = tmp.path().join("out");
    std::fs::create_dir_all(out_dir.join("notes")).unwrap();
    std::fs::write(out_dir.join("notes/memo.txt"), "keep me").unwrap();
    std::fs::write(out_dir.join("my.xlsx"), "mine").unwrap();
    // A chart of an earlier run that this run does not draw.
    std::fs::create_dir_all(out_dir.join("charts")).unwrap();
    std::fs::write(out_dir.join("charts/fan_Nowhere_x.png"), "stale").unwrap();
    let out = indicast(tmp.path(), ["run", "--out", "out"]);
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    assert_eq!(
        std::fs::read_to_string(out_dir.join("notes/memo.txt")).unwrap(),
        "keep me"
    );
    assert_eq!(
        std::fs::read_to_string(out_dir.join("my.xlsx")).unwrap(),
        "mine"
    );
    assert!(!out_dir.join("charts/fan_Nowhere_x.png").exists());
    assert!(out_dir.join("report.html").is_file());
    // A scenario into the same folder keeps the run's files.
    let scenario = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/scenarios/baseline.toml");
    let out = indicast(
        tmp.path(),
        [
            "scenario",
            scenario.to_str().unwrap(),
            "--draws",
            "1000",
            "--out",
            "out",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    assert!(out_dir.join("scenario_results.csv").is_file());
    assert!(out_dir.join("report.html").is_file());
    assert!(out_dir.join("assessment.csv").is_file());
}

/// No output replaces an input: the report being extracted, a data directory's files, the CSV a chart
/// reads, a data file an output symbolic link points to. Each is refused with exit 2 and the input is
/// untouched.
#[test]
fn outputs_never_replace_inputs() {
    let tmp = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let report = root.join("seeds/zibo-2023-government-work-report.txt");
    let dir = tmp.path().join("dir");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(&report, dir.join("targets.csv")).unwrap();
    let data = tmp.path().join("mydata");
    common::copy_data(&data);
    let before = |p: &Path| std::fs::read(p).unwrap();
    let (rep, tgt, ind) = (
        before(&dir.join("targets.csv")),
        before(&data.join("targets.csv")),
        before(&data.join("indicators.csv")),
    );
    let refused = |args: &[&str], what: &str| {
        let out = indicast(tmp.path(), args);
        assert_eq!(out.status.code(), Some(2), "{what}: {}", describe(&out));
        let err = common::stderr(&out);
        assert!(
            err.contains("would overwrite the input") || err.contains("data directory"),
            "{what}: {err}"
        );
    };
    refused(
        &["extract", "dir/targets.csv", "--out", "dir"],
        "extract over the report it reads",
    );
    refused(
        &["extract", report.to_str().unwrap(), "--out", "mydata"],
        "extract into a data directory",
    );
    let ok = indicast(tmp.path(), ["run", "--no-charts", "--out", "res"]);
    assert_eq!(ok.status.code(), Some(0), "{}", describe(&ok));
    let assessment = before(&tmp.path().join("res/assessment.csv"));
    refused(
        &[
            "chart",
            "scorecard",
            "--from",
            "res",
            "--output",
            "res/assessment.csv",
        ],
        "chart over the CSV it reads",
    );
    std::fs::remove_file(tmp.path().join("res/forecasts.csv")).unwrap();
    std::os::unix::fs::symlink(
        data.join("indicators.csv"),
        tmp.path().join("res/forecasts.csv"),
    )
    .unwrap();
    refused(
        &["run", "--no-charts", "--data", "mydata", "--out", "res"],
        "an output link to an input",
    );
    assert_eq!(before(&dir.join("targets.csv")), rep);
    assert_eq!(before(&data.join("targets.csv")), tgt);
    assert_eq!(before(&data.join("indicators.csv")), ind);
    assert_eq!(before(&tmp.path().join("res/assessment.csv")), assessment);
}

/// A disk that fills up while the new set is written: exit 2 and the old set untouched, byte for byte.
/// Needs a small tmpfs (root in a container that may mount one); skipped where it cannot be mounted.
#[test]
fn a_full_disk_leaves_the_old_set_whole() {
    let tmp = tempfile::tempdir().unwrap();
    let disk = tmp.path().join("disk");
    std::fs::create_dir_all(&disk).unwrap();
    // The set without charts (~0.5 MB) fits; the one with charts and the report (~6.5 MB) does not.
    let mounted = Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=3m", "tmpfs"])
        .arg(&disk)
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !mounted {
        eprintln!("cannot mount a tmpfs here (not root?): skipped");
        return;
    }
    let unmount = || {
        let _ = Command::new("umount").arg(&disk).status();
    };
    let result = std::panic::catch_unwind(|| {
        let old = indicast(&disk, ["run", "--no-charts", "--out", "out"]);
        assert_eq!(old.status.code(), Some(0), "{}", describe(&old));
        let before = snapshot(&disk.join("out"));
        let full = indicast(&disk, ["run", "--out", "out"]);
        assert_eq!(full.status.code(), Some(2), "{}", describe(&full));
        assert!(
            common::stderr(&full).contains("No space left"),
            "{}",
            describe(&full)
        );
        assert_eq!(snapshot(&disk.join("out")), before, "the old set changed");
        let left: Vec<String> = std::fs::read_dir(&disk)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n != "out")
            .collect();
        assert!(left.is_empty(), "left beside the set: {left:?}");
    });
    unmount();
    if let Err(e) = result {
        std::panic::resume_unwind(e);
    }
}
