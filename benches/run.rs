//! The whole `indicast run` job on the bundled data (load, validate, both engine passes with every
//! backtest, assessments, calls, rendering every CSV), in release mode.
//! Also: extraction of the bundled work report, three scenarios × 10,000 draws, and every chart plus
//! report.html / report.md.
//! Run: `cargo bench --bench run`.

use criterion::{Criterion, criterion_group, criterion_main};
use indicast::data::DataSource;
use indicast::report;
use indicast::run::{RunConfig, run};

fn whole_run(c: &mut Criterion) {
    let cfg = RunConfig::bundled(None);
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
    // Linear in the length: the seed 200 times (7.3 MB), and one 220 KB sentence of 8,000 targets,
    // each with its output rows rendered (line numbers and clauses for every quantity).
    let text = String::from_utf8(bytes.clone()).expect("UTF-8");
    let big = text.repeat(200);
    let lines: Vec<&str> = text.lines().take(17).collect();
    let long = format!(
        "{}\n全市经济社会发展主要预期目标建议为:{}。",
        lines.join("\n"),
        (0..8000)
            .map(|i| format!("地区生产总值增长{}%", i % 9))
            .collect::<Vec<_>>()
            .join(",")
    );
    let mut group = c.benchmark_group("extract_linear");
    for (name, t) in [("seed_x200_7mb", &big), ("one_sentence_220kb", &long)] {
        group.throughput(criterion::Throughput::Bytes(t.len() as u64));
        group.bench_function(name, |b| {
            b.iter(|| {
                let ex = indicast::extract::extract_text(t, "UTF-8", None).expect("extracts");
                report::render_extraction(&ex, t, "Zibo", "bench").expect("renders")
            })
        });
    }
    group.finish();
}

/// Three bundled scenarios × all targets × 10,000 draws (simulation only; the engine run is built once).
fn three_scenarios(c: &mut Criterion) {
    use indicast::scenario::{McConfig, System, parse};
    let cfg = RunConfig::bundled(Some(2022));
    let r = run(&cfg).expect("bundled data are valid");
    let sys = System::new(&r, 0.5).expect("system");
    let vocab = sys.vocabulary();
    let scenarios: Vec<_> = ["baseline", "downside", "upside"]
        .iter()
        .map(|n| {
            let path = format!("{}/examples/scenarios/{n}.toml", env!("CARGO_MANIFEST_DIR"));
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
    let cfg = RunConfig::bundled(Some(2022));
    let r = run(&cfg).expect("bundled data are valid");
    let dir = tempfile::tempdir().expect("temp dir");
    c.bench_function("all_charts_and_report", |b| {
        b.iter(|| {
            report::write_charts_and_report(
                &r,
                &indicast::scenario::report_scenarios(&r).unwrap(),
                &indicast::charts::Style::default(),
                dir.path(),
            )
            .expect("charts")
        })
    });
}

/// `indicast forecast` core: 10,000 generated yearly series of 20–40 points, h = 6, intervals at 80 and
/// 95%, every model refitted at 6 in-sample origins, rayon over series.
fn generic_10k(c: &mut Criterion) {
    use indicast::generic::{Series, forecast};
    let mut state = 12345u64;
    let mut uniform = || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    let panel: Vec<Series> = (0..10_000)
        .map(|i| {
            let n = 20 + (i % 21);
            let growth = 0.01 + 0.06 * uniform();
            let mut level = 100.0 + 900.0 * uniform();
            let y = (0..n)
                .map(|_| {
                    level *= 1.0 + growth + 0.05 * (uniform() - 0.5);
                    level
                })
                .collect();
            Series {
                id: format!("s{i}"),
                t: (1990..1990 + n as i64).collect(),
                y,
            }
        })
        .collect();
    c.bench_function("forecast_10000_series_h6", |b| {
        b.iter(|| forecast(&panel, 6, &[0.8, 0.95], &[]))
    });
}

/// Inputs built to be slow (issue: reliability under attack): a scenario file with 40,000 unknown
/// series (each a problem with its line; closest-name hints for the first 50), and `check` of a data
/// set whose regions form a chain 20,000 deep.
fn adversarial(c: &mut Criterion) {
    use indicast::scenario::{System, parse};
    let r = run(&RunConfig::bundled(Some(2022))).expect("bundled data are valid");
    let vocab = System::new(&r, 0.5).expect("system").vocabulary();
    let mut text = String::from("name = \"x\"\n[assumptions]\n");
    for i in 0..40_000 {
        text.push_str(&format!("\"Zibo.bogus{i}\" = 1.0\n"));
    }
    c.bench_function("scenario_40000_unknown_keys", |b| {
        b.iter(|| parse("many.toml", &text, &vocab).expect_err("unknown keys"))
    });
    let mut regions = String::from("region,parent,name_zh,name_en\nChina,,中国,China\n");
    let mut prev = "China".to_string();
    for k in 0..20_000 {
        regions.push_str(&format!("R{k},{prev},区{k},R{k}\n"));
        prev = format!("R{k}");
    }
    let files = vec![("regions.csv".to_string(), regions.into_bytes())];
    c.bench_function("check_20000_deep_region_chain", |b| {
        b.iter(|| indicast::data::load(&DataSource::Memory(files.clone())))
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = whole_run, extract_seed, three_scenarios, all_charts, generic_10k, adversarial
}
criterion_main!(benches);
