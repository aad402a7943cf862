//! Turns every notebook in `notebooks/*.ipynb` into a Rust function, so `cargo test` compiles and runs
//! the notebooks' code (tests/notebooks.rs). Each code cell becomes a block of one function per notebook
//! (cells share variables, as in the kernel); lines that are evcxr commands (`:dep …`) are skipped; a
//! marker line is printed before each cell so outputs can be split per cell.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    println!("cargo:rerun-if-changed=notebooks");
    let out = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    let mut code = String::new();
    let mut names = Vec::new();
    let mut entries: Vec<_> = std::fs::read_dir("notebooks")
        .map(|d| d.filter_map(|e| e.ok()).map(|e| e.path()).collect())
        .unwrap_or_default();
    entries.sort();
    for path in entries
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "ipynb"))
    {
        println!("cargo:rerun-if-changed={}", path.display());
        let text = std::fs::read_to_string(path).expect("readable notebook");
        let nb: serde_json::Value = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("{}: not valid notebook JSON: {e}", path.display()));
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("notebook");
        let fname = format!(
            "notebook_{}",
            stem.replace(|c: char| !c.is_ascii_alphanumeric(), "_")
        );
        writeln!(code, "/// Code cells of `{}`.", path.display()).unwrap();
        writeln!(
            code,
            "#[allow(unused_variables, unused_mut, unused_imports, clippy::all)]"
        )
        .unwrap();
        writeln!(code, "pub fn {fname}() {{").unwrap();
        let cells = nb["cells"].as_array().cloned().unwrap_or_default();
        for (i, cell) in cells.iter().enumerate() {
            if cell["cell_type"] != "code" {
                continue;
            }
            let source: String = match &cell["source"] {
                serde_json::Value::Array(lines) => {
                    lines.iter().filter_map(|l| l.as_str()).collect()
                }
                serde_json::Value::String(s) => s.clone(),
                _ => String::new(),
            };
            writeln!(code, "    println!(\"@@cell {i}@@\");").unwrap();
            for line in source.lines().filter(|l| !l.trim_start().starts_with(':')) {
                writeln!(code, "    {line}").unwrap();
            }
        }
        writeln!(code, "    println!(\"@@end@@\");\n}}\n").unwrap();
        names.push((fname, path.display().to_string()));
    }
    writeln!(code, "/// Every notebook: (function, path).").unwrap();
    writeln!(code, "pub const NOTEBOOKS: &[(fn(), &str)] = &[").unwrap();
    for (f, p) in &names {
        writeln!(code, "    ({f}, {p:?}),").unwrap();
    }
    writeln!(code, "];").unwrap();
    std::fs::write(Path::new(&out).join("notebooks.rs"), code).expect("writable OUT_DIR");
}
