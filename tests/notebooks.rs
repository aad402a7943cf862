//! The notebooks in `notebooks/` are compiled (build.rs turns their code cells into functions) and run
//! here: a notebook whose code no longer compiles or panics fails the suite.
//!
//! `cargo test --release --test notebooks -- --ignored --nocapture store_outputs` reruns every notebook and
//! stores each cell's printed output (and images) in the `.ipynb`, so they read well without a kernel.

include!(concat!(env!("OUT_DIR"), "/notebooks.rs"));

use std::path::Path;
use std::process::Command;

#[test]
fn every_notebook_runs() {
    assert!(NOTEBOOKS.len() >= 4, "{} notebooks found", NOTEBOOKS.len());
    for (run, path) in NOTEBOOKS {
        eprintln!("running {path}");
        run();
    }
}

/// Run one notebook in a child process (this test binary, filtered to `run_one`) and capture its output.
#[test]
#[ignore = "run on demand to store outputs in the notebooks"]
fn store_outputs() {
    for (_, path) in NOTEBOOKS {
        let out = Command::new(std::env::current_exe().unwrap())
            .args([
                "run_one",
                "--exact",
                "--nocapture",
                "--ignored",
                "--test-threads=1",
            ])
            .env("INDICAST_NOTEBOOK", path)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{path}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        let full = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
        let mut nb: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&full).unwrap()).unwrap();
        let cells = nb["cells"].as_array_mut().unwrap();
        let mut count = 0;
        for (i, cell) in cells.iter_mut().enumerate() {
            if cell["cell_type"] != "code" {
                continue;
            }
            count += 1;
            let start = format!("@@cell {i}@@\n");
            let text = stdout
                .split_once(&start)
                .map(|(_, rest)| {
                    rest.split("@@cell ")
                        .next()
                        .unwrap_or("")
                        .split("@@end@@")
                        .next()
                        .unwrap_or("")
                })
                .unwrap_or("");
            let mut outputs = Vec::new();
            let mut plain = String::new();
            let mut rest = text;
            while let Some((before, after)) = rest.split_once("EVCXR_BEGIN_CONTENT image/png\n") {
                plain.push_str(before);
                let (b64, tail) = after
                    .split_once("\nEVCXR_END_CONTENT")
                    .unwrap_or((after, ""));
                if !plain.trim().is_empty() {
                    outputs.push(serde_json::json!({"output_type": "stream", "name": "stdout", "text": plain.clone()}));
                    plain.clear();
                }
                outputs.push(serde_json::json!({
                    "output_type": "display_data",
                    "data": {"image/png": b64.trim()},
                    "metadata": {}
                }));
                rest = tail.strip_prefix('\n').unwrap_or(tail);
            }
            plain.push_str(rest);
            if !plain.trim().is_empty() {
                outputs.push(
                    serde_json::json!({"output_type": "stream", "name": "stdout", "text": plain}),
                );
            }
            cell["outputs"] = serde_json::Value::Array(outputs);
            cell["execution_count"] = serde_json::json!(count);
        }
        std::fs::write(&full, serde_json::to_string_pretty(&nb).unwrap() + "\n").unwrap();
        eprintln!("stored outputs of {path}");
    }
}

/// Helper for `store_outputs`: runs the notebook named by INDICAST_NOTEBOOK.
#[test]
#[ignore = "helper of store_outputs"]
fn run_one() {
    let Ok(path) = std::env::var("INDICAST_NOTEBOOK") else {
        return;
    };
    for (run, p) in NOTEBOOKS {
        if *p == path {
            run();
        }
    }
}
