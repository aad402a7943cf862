//! The whole `indicast run` job on the bundled data (load, validate, both engine passes with every
//! backtest, assessments, calls, rendering every CSV), in release mode.
//! Also: extraction of the bundled work report.
//! Run: `cargo bench --bench run`.

use criterion::{Criterion, criterion_group, criterion_main};
use indicast::data::DataSource;
use indicast::report;
use indicast::run::{Reports, RunConfig, run};

fn whole_run(c: &mut Criterion) {
    let cfg = RunConfig {
        source: DataSource::Bundled,
        as_of: None,
        tolerance: 0.5,
        calibrate: true,
        reports: Reports::Bundled,
    };
    c.bench_function("run_bundled_as_of_2022", |b| {
        b.iter(|| {
            let r = run(&cfg).expect("bundled data are valid");
            report::render(&r).expect("rendering works")
        })
    });
}

/// Extracting every target and result from the bundled report (decode, normalise, match, classify).
fn extract_seed(c: &mut Criterion) {
    let bytes = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/seeds/zibo-2023-government-work-report.txt"
    ))
    .expect("seed report");
    c.bench_function("extract_seed_report", |b| {
        b.iter(|| indicast::extract::extract_bytes("seed", &bytes, None).expect("seed extracts"))
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = whole_run, extract_seed
}
criterion_main!(benches);
