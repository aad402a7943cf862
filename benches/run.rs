//! The whole `indicast run` job on the bundled data (load, validate, both engine passes with every
//! backtest, assessments, calls, rendering every CSV), in release mode.
//! Also: extraction of the bundled work report, three scenarios × 10,000 draws, and every chart plus
//! report.html / report.md.
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

/// Three bundled scenarios × all targets × 10,000 draws (simulation only; the engine run is built once).
fn three_scenarios(c: &mut Criterion) {
    use indicast::scenario::{McConfig, System, parse};
    let cfg = RunConfig {
        source: DataSource::Bundled,
        as_of: Some(2022),
        tolerance: 0.5,
        calibrate: true,
        reports: Reports::Bundled,
    };
    let r = run(&cfg).expect("bundled data are valid");
    let sys = System::new(&r, 0.5).expect("system");
    let vocab = sys.vocabulary();
    let scenarios: Vec<_> = ["baseline", "downside", "upside"]
        .iter()
        .map(|n| {
            let path = format!("{}/scenarios/{n}.toml", env!("CARGO_MANIFEST_DIR"));
            parse(
                &path,
                &std::fs::read_to_string(&path).expect("scenario file"),
                &vocab,
            )
            .expect("valid")
        })
        .collect();
    c.bench_function("three_scenarios_10000_draws", |b| {
        b.iter(|| {
            scenarios
                .iter()
                .map(|s| {
                    sys.simulate(
                        s,
                        McConfig {
                            draws: 10_000,
                            seed: 1,
                        },
                    )
                })
                .collect::<Vec<_>>()
        })
    });
}

/// Every chart of the bundled run (21 PNGs at 1600×1000: scorecard, fan and backtest per target,
/// scenario comparison), the engine run excluded.
fn all_charts(c: &mut Criterion) {
    let cfg = RunConfig {
        source: DataSource::Bundled,
        as_of: Some(2022),
        tolerance: 0.5,
        calibrate: true,
        reports: Reports::Bundled,
    };
    let r = run(&cfg).expect("bundled data are valid");
    let dir = tempfile::tempdir().expect("temp dir");
    c.bench_function("all_charts_and_report", |b| {
        b.iter(|| {
            report::write_charts_and_report(&r, &indicast::charts::Style::default(), dir.path())
                .expect("charts")
        })
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = whole_run, extract_seed, three_scenarios, all_charts
}
criterion_main!(benches);
