//! The whole `indicast run` job on the bundled data (load, validate, both engine passes with every
//! backtest, assessments, calls, rendering every CSV), in release mode.
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

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = whole_run
}
criterion_main!(benches);
