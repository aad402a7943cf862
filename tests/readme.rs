//! The README's examples run as printed: every `indicast` line of its `sh` code blocks, in order, in a
//! fresh folder that has the repository's `seeds/` and `examples/`; and every example of
//! `indicast --help` is one of them (or names a folder of the user's own, such as `mycity/`, or the
//! development data in `../shared`).

mod common;

use std::path::Path;

/// The `indicast` command lines of the README's `sh` blocks, without their trailing comments.
fn readme_examples() -> Vec<String> {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let mut out = Vec::new();
    let mut in_sh = false;
    for line in readme.lines() {
        if line.starts_with("```") {
            in_sh = line == "```sh";
            continue;
        }
        if in_sh && line.starts_with("indicast ") {
            let command = line.split("  #").next().unwrap_or(line).trim_end();
            out.push(command.to_string());
        }
    }
    out
}

#[test]
fn every_readme_example_runs_as_printed() {
    let examples = readme_examples();
    assert!(examples.len() >= 10, "{examples:?}");
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tmp = tempfile::tempdir().unwrap();
    for dir in ["seeds", "examples"] {
        std::os::unix::fs::symlink(repo.join(dir), tmp.path().join(dir)).unwrap();
    }
    for command in &examples {
        let out = common::shell(tmp.path(), command);
        assert!(
            out.status.success(),
            "`{command}` failed: {}",
            common::describe(&out)
        );
    }
    // What the examples say they write is there.
    for file in [
        "out/assessment.csv",
        "o18/assessment.csv",
        "q1/nowcast.csv",
        "fan.svg",
        "extracted/targets.csv",
        "sc/scenario_results.csv",
        "req/required.csv",
        "fc.csv",
        "cv.csv",
        "zibo-out/assessment.csv",
    ] {
        assert!(tmp.path().join(file).is_file(), "{file} missing");
    }
}

#[test]
fn every_help_example_is_in_the_readme() {
    let examples = readme_examples();
    let tmp = tempfile::tempdir().unwrap();
    let help = common::indicast(tmp.path(), ["--help"]);
    let text = String::from_utf8_lossy(&help.stdout).into_owned();
    let listed: Vec<&str> = text
        .lines()
        .skip_while(|l| !l.starts_with("Examples:"))
        .filter_map(|l| l.trim_start().strip_prefix("indicast "))
        .map(|l| l.split("   ").next().unwrap_or(l).trim_end())
        .collect();
    assert!(listed.len() >= 5, "{text}");
    for example in listed {
        let own_data = example.contains("mycity/") || example.contains("../shared");
        assert!(
            own_data || examples.iter().any(|e| e == &format!("indicast {example}")),
            "`indicast {example}` of --help is not among the README's examples"
        );
    }
}
