//! The report extractor against hand labels: every quantity of the seed report
//! (tests/fixtures/extract/seed_labels.csv), 97 sentences in the style of other reports
//! (tests/fixtures/extract/sentences/cases.csv), the headline targets and results of passages of other
//! reports (tests/fixtures/extract/reports/, and three holdouts, holdout/, holdout2/ and holdout3/, each
//! scored once before its misses were mended). Precision and recall are printed; the test fails below
//! precision 0.95 / recall 0.90 on the seed.

mod common;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use indicast::data::{Basis, Qualifier};
use indicast::extract::{Quantity, Section, extract_bytes, extract_sentence};

fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

fn rows(path: &Path) -> Vec<HashMap<String, String>> {
    let mut rdr = csv::Reader::from_path(path).expect("fixture exists");
    let h = rdr.headers().unwrap().clone();
    rdr.records()
        .map(|r| {
            let r = r.unwrap();
            h.iter()
                .zip(r.iter())
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

fn qualifier(s: &str) -> Qualifier {
    match s {
        "about" => Qualifier::About,
        "at_least" => Qualifier::AtLeast,
        "at_most" => Qualifier::AtMost,
        "range" => Qualifier::Range,
        _ => Qualifier::Other,
    }
}

fn basis(s: &str) -> Basis {
    if s == "growth" {
        Basis::Growth
    } else {
        Basis::Level
    }
}

/// Does an extracted quantity carry the labelled value, unit, qualifier and basis?
fn same_quantity(q: &Quantity, l: &HashMap<String, String>) -> bool {
    let value: f64 = l["value"].parse().unwrap();
    let hi: Option<f64> = l["value_hi"].parse().ok();
    (q.value - value).abs() < 1e-9
        && q.value_hi
            .map(|v| (v - hi.unwrap_or(f64::NAN)).abs() < 1e-9)
            .unwrap_or(hi.is_none())
        && q.unit == l["unit"]
        && q.qualifier == qualifier(&l["qualifier"])
        && q.basis == basis(&l["basis"])
}

/// Headline ids must match exactly; `zh:` names are judgement calls, so any `zh:` name matches.
fn same_indicator(q: &Quantity, expected: &str) -> bool {
    if expected.starts_with("zh:") {
        q.indicator.starts_with("zh:")
    } else {
        q.indicator == expected
    }
}

fn section_of(kind: &str) -> Section {
    if kind == "target" {
        Section::Plan
    } else {
        Section::Review
    }
}

#[test]
fn seed_report_precision_and_recall_against_hand_labels() {
    let bytes = std::fs::read(fixture("seeds/zibo-2023-government-work-report.txt")).unwrap();
    let ex = extract_bytes("seed", &bytes, None).unwrap();
    assert_eq!(ex.plan_year, 2023);
    assert_eq!(ex.region_zh.as_deref(), Some("淄博市"));
    let text: Vec<char> = String::from_utf8(bytes).unwrap().chars().collect();
    let labels = rows(&fixture("tests/fixtures/extract/seed_labels.csv"));
    let mut used = vec![false; ex.quantities.len()];
    let mut matched = 0;
    let mut missed = Vec::new();
    for l in &labels {
        let anchor: Vec<char> = l["anchor"].chars().collect();
        let start = text
            .windows(anchor.len())
            .position(|w| w == anchor.as_slice())
            .expect("anchor in text");
        let end = start + anchor.len();
        let hit = ex.quantities.iter().enumerate().position(|(i, q)| {
            !used[i]
                && q.span.0 < end
                && start < q.span.1
                && q.section == section_of(&l["kind"])
                && same_quantity(q, l)
                && same_indicator(q, &l["indicator"])
        });
        match hit {
            Some(i) => {
                used[i] = true;
                matched += 1;
            }
            None => missed.push(format!(
                "{} {} {}{} ({})",
                l["kind"], l["indicator"], l["value"], l["unit_text"], l["anchor"]
            )),
        }
    }
    let spurious: Vec<String> = ex
        .quantities
        .iter()
        .zip(&used)
        .filter(|(_, u)| !**u)
        .map(|(q, _)| {
            let s: String = text[q.span.0..q.span.1].iter().collect();
            format!(
                "{:?} {} {} {} {:?} {:?} «{s}»",
                q.section, q.indicator, q.value, q.unit, q.qualifier, q.basis
            )
        })
        .collect();
    let precision = matched as f64 / ex.quantities.len() as f64;
    let recall = matched as f64 / labels.len() as f64;
    eprintln!(
        "seed report: {} labels, {} extracted ({} targets, {} results), {} matched: precision {precision:.3}, recall {recall:.3}",
        labels.len(),
        ex.quantities.len(),
        ex.quantities
            .iter()
            .filter(|q| q.section == Section::Plan)
            .count(),
        ex.quantities
            .iter()
            .filter(|q| q.section == Section::Review)
            .count(),
        matched
    );
    for m in &missed {
        eprintln!("  missed: {m}");
    }
    for s in &spurious {
        eprintln!("  unmatched extraction: {s}");
    }
    assert!(precision >= 0.95, "precision {precision:.3}");
    assert!(recall >= 0.90, "recall {recall:.3}");

    // Qualitative statements of the headline sentence.
    let qual = rows(&fixture("tests/fixtures/extract/seed_qualitative.csv"));
    for l in qual {
        assert!(
            ex.qualitative
                .iter()
                .any(|q| q.indicator == l["indicator"] && q.section == section_of(&l["kind"])),
            "qualitative {} not found",
            l["indicator"]
        );
    }
}

#[test]
fn seed_headline_targets_and_results_are_exact() {
    let bytes = std::fs::read(fixture("seeds/zibo-2023-government-work-report.txt")).unwrap();
    let ex = extract_bytes("seed", &bytes, None).unwrap();
    let headline = [
        "gdp_real_growth",
        "gpbr_growth",
        "fai_growth",
        "retail_sales_growth",
        "disp_income_all_growth",
    ];
    let targets: Vec<(String, f64, Qualifier)> = ex
        .quantities
        .iter()
        .filter(|q| q.section == Section::Plan && headline.contains(&q.indicator.as_str()))
        .map(|q| (q.indicator.clone(), q.value, q.qualifier))
        .collect();
    assert_eq!(
        targets,
        vec![
            ("gdp_real_growth".to_string(), 5.5, Qualifier::About),
            ("gpbr_growth".to_string(), 5.0, Qualifier::AtLeast),
            ("fai_growth".to_string(), 8.0, Qualifier::AtLeast),
            ("retail_sales_growth".to_string(), 5.0, Qualifier::AtLeast),
            (
                "disp_income_all_growth".to_string(),
                5.5,
                Qualifier::AtLeast
            ),
        ]
    );
    let result = |id: &str| -> Vec<(f64, &'static str, Qualifier)> {
        ex.quantities
            .iter()
            .filter(|q| q.section == Section::Review && q.indicator == id)
            .map(|q| (q.value, q.unit, q.qualifier))
            .collect()
    };
    assert_eq!(
        result("gdp_nominal"),
        vec![(4500.0, "100m_CNY", Qualifier::Other)]
    );
    assert_eq!(
        result("gdp_real_growth"),
        vec![(4.0, "pct", Qualifier::AtLeast)]
    );
    assert_eq!(
        result("gpbr_excl_vat_refund"),
        vec![(400.0, "100m_CNY", Qualifier::Other)]
    );
    assert_eq!(
        result("gpbr_excl_vat_refund_growth"),
        vec![(5.7, "pct", Qualifier::Other)]
    );
    assert_eq!(result("fai_growth"), vec![(16.0, "pct", Qualifier::Other)]);
    assert_eq!(
        result("industrial_va_above_size_growth"),
        vec![(5.5, "pct", Qualifier::Other)]
    );
    assert_eq!(
        result("disp_income_all"),
        vec![(4.45, "10k_CNY", Qualifier::Other)]
    );
    assert_eq!(
        result("disp_income_all_growth"),
        vec![(5.3, "pct", Qualifier::Other)]
    );
    assert_eq!(
        result("urban_new_jobs"),
        vec![(5.9, "10k_persons", Qualifier::Other)]
    );
    assert!(
        ex.quantities
            .iter()
            .filter(|q| q.section == Section::Review && q.indicator == "gdp_nominal")
            .all(|q| q.preliminary)
    );
}

#[test]
fn sentences_in_the_style_of_other_reports() {
    let cases = rows(&fixture("tests/fixtures/extract/sentences/cases.csv"));
    let mut by_case: Vec<(String, Vec<&HashMap<String, String>>)> = Vec::new();
    for r in &cases {
        match by_case.iter_mut().find(|(c, _)| *c == r["case"]) {
            Some((_, v)) => v.push(r),
            None => by_case.push((r["case"].clone(), vec![r])),
        }
    }
    let (mut expected_n, mut extracted_n, mut matched) = (0, 0, 0);
    let mut failures = Vec::new();
    for (case, expected) in &by_case {
        let section = if expected[0]["section"] == "plan" {
            Section::Plan
        } else {
            Section::Review
        };
        let sentence = &expected[0]["sentence"];
        let got = extract_sentence(sentence, section, 2023);
        let numeric: Vec<&&HashMap<String, String>> = expected
            .iter()
            .filter(|r| r["kind"] == "target" || r["kind"] == "result")
            .collect();
        expected_n += numeric.len();
        extracted_n += got.len();
        let mut used = vec![false; got.len()];
        for e in &numeric {
            let hit = got.iter().enumerate().position(|(i, q)| {
                !used[i] && same_quantity(q, e) && same_indicator(q, &e["indicator"])
            });
            match hit {
                Some(i) => {
                    used[i] = true;
                    matched += 1;
                }
                None => failures.push(format!(
                    "{case}: missed {} {}{} {} {} in «{sentence}»; got {:?}",
                    e["indicator"],
                    e["value"],
                    e["unit_text"],
                    e["qualifier"],
                    e["basis"],
                    got.iter()
                        .map(|q| format!(
                            "{} {} {} {:?} {:?}",
                            q.indicator, q.value, q.unit, q.qualifier, q.basis
                        ))
                        .collect::<Vec<_>>()
                )),
            }
        }
        for (q, u) in got.iter().zip(&used) {
            if !u {
                failures.push(format!(
                    "{case}: spurious {} {} {} in «{sentence}»",
                    q.indicator, q.value, q.unit
                ));
            }
        }
    }
    let precision = matched as f64 / extracted_n.max(1) as f64;
    let recall = matched as f64 / expected_n.max(1) as f64;
    eprintln!(
        "{} sentences: {expected_n} expected quantities, {extracted_n} extracted, {matched} matched: precision {precision:.3}, recall {recall:.3}",
        by_case.len()
    );
    for f in &failures {
        eprintln!("  {f}");
    }
    assert!(by_case.len() >= 30);
    assert!(precision >= 0.90, "precision {precision:.3}");
    assert!(recall >= 0.90, "recall {recall:.3}");
}

/// `indicast run` takes the 2023 targets from the report itself: they equal the CSV transcribed by hand
/// for the engine issue (tests/fixtures/report_targets.csv).
#[test]
fn run_targets_extracted_from_the_seed_equal_the_hand_transcription() {
    use indicast::run::{Reports, RunConfig, run};
    let cfg = RunConfig {
        source: indicast::data::DataSource::Bundled,
        as_of: Some(2022),
        tolerance: 0.5,
        calibrate: true,
        reports: Reports::Bundled,
        add_data: Vec::new(),
        period: None,
    };
    let r = run(&cfg).unwrap();
    let got: Vec<(String, i32, String, f64, Qualifier)> = r
        .data
        .targets
        .iter()
        .filter(|t| t.region == "Zibo" && t.year == 2023)
        .map(|t| {
            (
                t.region.clone(),
                t.year,
                t.indicator.clone(),
                t.value,
                t.qualifier,
            )
        })
        .collect();
    let expected: Vec<(String, i32, String, f64, Qualifier)> =
        rows(&fixture("tests/fixtures/report_targets.csv"))
            .iter()
            .map(|r| {
                (
                    r["region"].clone(),
                    r["year"].parse().unwrap(),
                    r["indicator"].clone(),
                    r["target"].parse().unwrap(),
                    qualifier(&r["qualifier"]),
                )
            })
            .collect();
    assert_eq!(got, expected);
    assert!(
        r.data
            .targets
            .iter()
            .filter(|t| t.region == "Zibo" && t.year == 2023)
            .all(|t| t.source.ends_with(":18"))
    );
}

fn run_extract(dir: &Path, args: &[&str]) -> std::process::Output {
    common::indicast(dir, std::iter::once(&"extract").chain(args))
}

#[test]
fn extract_cli_writes_three_files_and_reports_counts() {
    let tmp = tempfile::tempdir().unwrap();
    let seed = fixture("seeds/zibo-2023-government-work-report.txt");
    let out = run_extract(tmp.path(), &[seed.to_str().unwrap(), "--out", "ex"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("region Zibo, plan year 2023: 76 targets, 69 results"),
        "{stdout}"
    );
    let targets = rows(&tmp.path().join("ex/targets.csv"));
    assert_eq!(targets.len(), 76);
    let gdp = targets
        .iter()
        .find(|t| t["indicator"] == "gdp_real_growth")
        .unwrap();
    assert_eq!(
        (
            gdp["target"].as_str(),
            gdp["qualifier"].as_str(),
            gdp["unit"].as_str()
        ),
        ("5.5", "about", "pct")
    );
    // Spans are character offsets into the decoded text.
    let text: Vec<char> = std::fs::read_to_string(&seed).unwrap().chars().collect();
    let (a, b): (usize, usize) = (
        gdp["span_start"].parse().unwrap(),
        gdp["span_end"].parse().unwrap(),
    );
    assert_eq!(text[a..b].iter().collect::<String>(), "5.5%左右");
    let results = rows(&tmp.path().join("ex/results.csv"));
    assert_eq!(results.len(), 69);
    let gdp = results
        .iter()
        .find(|r| r["indicator"] == "gdp_nominal")
        .unwrap();
    assert_eq!(
        (
            gdp["value"].as_str(),
            gdp["vintage"].as_str(),
            gdp["year"].as_str()
        ),
        ("4500", "preliminary", "2022")
    );
    assert_eq!(rows(&tmp.path().join("ex/qualitative.csv")).len(), 2);
}

#[test]
fn extract_reads_gbk_reports_and_full_width_digits() {
    let tmp = tempfile::tempdir().unwrap();
    let text = "二、２０２４年主要预期目标\n全省生产总值增长５％左右，居民消费价格涨幅３％左右。\n";
    let (gbk, _, _) = encoding_rs::GB18030.encode(text);
    std::fs::write(tmp.path().join("gbk.txt"), &gbk).unwrap();
    let out = run_extract(
        tmp.path(),
        &["gbk.txt", "--region", "Shandong", "--out", "ex"],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let t = rows(&tmp.path().join("ex/targets.csv"));
    let got: Vec<(&str, &str, &str, &str)> = t
        .iter()
        .map(|r| {
            (
                r["indicator"].as_str(),
                r["target"].as_str(),
                r["qualifier"].as_str(),
                r["year"].as_str(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            ("gdp_real_growth", "5", "about", "2024"),
            ("cpi", "3", "about", "2024")
        ]
    );
}

#[test]
fn extract_rejects_bad_reports_with_exit_2_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("empty.txt", Vec::new(), "empty"),
        (
            "binary.txt",
            vec![0x89, b'P', b'N', b'G', 0, 0, 1, 2, 3, 0, 0xff],
            "binary",
        ),
        (
            "broken.txt",
            vec![0xe5, 0x9c, 0xb0, 0xff, 0xfe, 0x81, 0x30, 0x81],
            "neither valid UTF-8 nor GB18030",
        ),
        (
            "notes.txt",
            "今天天气很好，我们去公园散步。\n二、2023年目标\n继续努力。"
                .as_bytes()
                .to_vec(),
            "no quantified target",
        ),
    ];
    for (name, bytes, message) in cases {
        std::fs::write(tmp.path().join(name), bytes).unwrap();
        let out_dir = format!("out-{name}");
        let out = run_extract(tmp.path(), &[name, "--out", &out_dir]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{name}: {stderr}");
        assert!(
            stderr.contains(name) && stderr.contains(message),
            "{name}: {stderr}"
        );
        assert!(
            !tmp.path().join(&out_dir).exists(),
            "{name}: output written"
        );
    }
    // No targets is acceptable when asked for: exit 1 and an empty targets.csv.
    let out = run_extract(
        tmp.path(),
        &["notes.txt", "--allow-empty", "--out", "empty"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(rows(&tmp.path().join("empty/targets.csv")).len(), 0);
}

mod never_panics {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        /// Random bytes: an error or an extraction, never a panic.
        #[test]
        fn on_random_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
            let _ = extract_bytes("fuzz", &bytes, None);
        }

        /// Random edits of the seed report (deleted, replaced and inserted characters from a pool of
        /// digits, units, qualifiers and punctuation): never a panic, spans always inside the text.
        #[test]
        fn on_mutations_of_the_seed(edits in proptest::collection::vec((0usize..13_000, 0usize..4, 0usize..24), 1..40)) {
            let pool: Vec<char> = "0123456789.%—-万亿元个左右以上以内，。；“”分别增长下降二十\n".chars().collect();
            let seed = std::fs::read_to_string(fixture("seeds/zibo-2023-government-work-report.txt")).unwrap();
            let mut chars: Vec<char> = seed.chars().collect();
            for (pos, op, c) in edits {
                let pos = pos % (chars.len() + 1);
                let c = pool[c % pool.len()];
                match op {
                    0 if pos < chars.len() => { chars.remove(pos); }
                    1 if pos < chars.len() => chars[pos] = c,
                    _ => chars.insert(pos, c),
                }
            }
            let text: String = chars.iter().collect();
            if let Ok(ex) = extract_bytes("fuzz", text.as_bytes(), None) {
                for q in &ex.quantities {
                    prop_assert!(q.span.0 < q.span.1 && q.span.1 <= chars.len());
                    prop_assert!(q.value.is_finite());
                }
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(12))]

        /// Inputs up to about 1 MB built from target clauses with or without punctuation (the worst case:
        /// one endless sentence): never a panic, and every output row stays bounded (the sentence column
        /// at most 1,000 characters, so the files grow linearly with the report; the time is measured in
        /// `cargo bench --bench run -- extract_linear`).
        #[test]
        fn large_inputs_give_bounded_rows(clauses in 1_000usize..35_000, sep in 0usize..3, minus in any::<bool>()) {
            let seed = std::fs::read_to_string(fixture("seeds/zibo-2023-government-work-report.txt")).unwrap();
            let head: Vec<&str> = seed.lines().take(17).collect();
            let sep = [",", "", "；"][sep];
            let sign = if minus { "-" } else { "" };
            let body: Vec<String> = (0..clauses).map(|i| format!("地区生产总值增长{sign}{}%", i % 9)).collect();
            let text = format!("{}\n全市经济社会发展主要预期目标建议为:{}。", head.join("\n"), body.join(sep));
            prop_assert!(text.len() <= 1_200_000);
            let ex = indicast::extract::extract_text(&text, "UTF-8", None).unwrap();
            prop_assert!(!ex.quantities.is_empty());
            for q in &ex.quantities {
                prop_assert!(q.sentence.chars().count() <= indicast::extract::MAX_SENTENCE_CHARS);
            }
            let files = indicast::report::render_extraction(&ex, &text, "Zibo", "t").unwrap();
            let written: usize = files.iter().map(|(_, b)| b.len()).sum();
            prop_assert!(written <= 4_000 * ex.quantities.len() + 100_000, "{written} bytes");
        }
    }
}

/// Extracted results use only units the indicator loader accepts, so results.csv rows can be pasted into
/// a data directory's indicators.csv.
#[test]
fn extracted_units_are_accepted_by_the_loader() {
    let bytes = std::fs::read(fixture("seeds/zibo-2023-government-work-report.txt")).unwrap();
    let ex = extract_bytes("seed", &bytes, None).unwrap();
    for q in &ex.quantities {
        assert!(
            indicast::data::UNITS.contains(&q.unit),
            "unit {} not accepted",
            q.unit
        );
    }
    for (mag, unit) in [
        ("", "个"),
        ("万", "户"),
        ("亿", "美元"),
        ("万亿", "斤"),
        ("万", "千瓦"),
        ("", "倍"),
    ] {
        let code = indicast::extract::lexicon::unit_code(mag, unit).unwrap();
        assert!(indicast::data::UNITS.contains(&code), "{code}");
    }
}

/// The headline indicator ids of `tests/fixtures/extract/reports/labels.csv`.
const HEADLINE: &[&str] = &[
    "gdp_real_growth",
    "gdp_nominal",
    "gpbr",
    "gpbr_growth",
    "fai",
    "fai_growth",
    "retail_sales",
    "retail_sales_growth",
    "disp_income_all",
    "disp_income_all_growth",
    "urban_disp_income_growth",
    "rural_disp_income_growth",
    "rural_net_income_growth",
    "industrial_va_above_size_growth",
    "trade_total",
    "trade_total_growth",
    "fdi_actual",
    "fdi_actual_growth",
    "cpi",
    "urban_new_jobs",
    "urban_unemployment_rate",
    "energy_intensity_growth",
];

/// Precision and recall of one kind (targets or results) over the passages.
#[derive(Default)]
struct Score {
    expected: usize,
    extracted: usize,
    matched: usize,
}

impl Score {
    fn precision(&self) -> f64 {
        self.matched as f64 / self.extracted.max(1) as f64
    }
    fn recall(&self) -> f64 {
        self.matched as f64 / self.expected.max(1) as f64
    }
}

/// Target and result paragraphs of other work reports (national, provincial, city; 2005–2024), hand
/// labelled blind before the extractor's rules were changed (tests/fixtures/extract/reports/README.md):
/// the headline quantities, each with its kind and year. Every passage is read with `--year` set to its
/// plan year, as a planner pasting a paragraph would; the plan year inferred without it is checked where
/// the text names it. `cargo test --release --test extract other_reports -- --nocapture` prints the
/// figures and every miss.
#[test]
fn other_reports_targets_and_results_against_blind_labels() {
    assert_passages("tests/fixtures/extract/reports", 0.95, 0.90);
}

/// The same on passages of 14 further reports written blind by someone else, scored once as a holdout
/// and then used to mend the rules (tests/fixtures/extract/holdout/README.md).
/// `cargo test --release --test extract holdout -- --nocapture`.
#[test]
fn first_holdout_reports_now_a_development_set() {
    assert_passages("tests/fixtures/extract/holdout", 0.85, 0.80);
}

/// The holdout written blind while the misses of the first one were mended, scored once after and then
/// used to mend the rules in turn (tests/fixtures/extract/holdout2/README.md).
/// `cargo test --release --test extract holdout2 -- --nocapture`.
#[test]
fn second_holdout2_reports_now_a_development_set() {
    assert_passages("tests/fixtures/extract/holdout2", 0.85, 0.80);
}

/// The holdout written blind while the misses of the second one were mended, scored once after and then
/// used to mend the rules in turn (tests/fixtures/extract/holdout3/README.md).
/// `cargo test --release --test extract holdout3 -- --nocapture`.
#[test]
fn third_holdout3_reports_now_a_development_set() {
    assert_passages("tests/fixtures/extract/holdout3", 0.85, 0.80);
}

/// Score a fixture directory ([`score_passages`]) and require the precision and recall of its targets and
/// of its results.
fn assert_passages(rel: &str, min_precision: f64, min_recall: f64) {
    let (targets, results) = score_passages(rel);
    for (kind, score) in [("targets", &targets), ("results", &results)] {
        assert!(
            score.precision() >= min_precision,
            "{rel} {kind}: precision {:.3}",
            score.precision()
        );
        assert!(
            score.recall() >= min_recall,
            "{rel} {kind}: recall {:.3}",
            score.recall()
        );
    }
}

/// Score every passage of a fixture directory (passages.csv, labels.csv) and print the figures and every
/// miss; the plan year inferred without `--year` must be right wherever the text names it.
fn score_passages(rel: &str) -> (Score, Score) {
    let dir = fixture(rel);
    let passages = rows(&dir.join("passages.csv"));
    let labels = rows(&dir.join("labels.csv"));
    let (mut targets, mut results) = (Score::default(), Score::default());
    let mut failures = Vec::new();
    let (mut year_named, mut year_right) = (0, 0);
    for p in &passages {
        let id = &p["passage"];
        let plan_year: i32 = p["plan_year"].parse().unwrap();
        let bytes = std::fs::read(dir.join(&p["file"])).unwrap();
        let ex = extract_bytes(&p["file"], &bytes, Some(plan_year)).unwrap();
        if p["year_in_text"] == "yes" {
            year_named += 1;
            match extract_bytes(&p["file"], &bytes, None) {
                Ok(e) if e.plan_year == plan_year => year_right += 1,
                Ok(e) => failures.push(format!(
                    "{id}: plan year {} inferred, not {plan_year}",
                    e.plan_year
                )),
                Err(e) => failures.push(format!("{id}: plan year not inferred: {e}")),
            }
        }
        // Labels are of the plan year and the year before; a goal of a five-year plan's end
        // (“十四五”时期…, a target of 2025) is left out of them and of the score.
        let got: Vec<&Quantity> = ex
            .quantities
            .iter()
            .filter(|q| HEADLINE.contains(&q.indicator.as_str()))
            .filter(|q| q.year == plan_year || q.year == plan_year - 1)
            .collect();
        let expected: Vec<&HashMap<String, String>> =
            labels.iter().filter(|l| l["passage"] == *id).collect();
        let mut used = vec![false; got.len()];
        for e in &expected {
            let score = if e["kind"] == "target" {
                &mut targets
            } else {
                &mut results
            };
            score.expected += 1;
            let hit = got.iter().enumerate().position(|(i, q)| {
                !used[i]
                    && q.section == section_of(&e["kind"])
                    && q.year.to_string() == e["year"]
                    && q.indicator == e["indicator"]
                    && same_quantity(q, e)
            });
            match hit {
                Some(i) => {
                    used[i] = true;
                    score.matched += 1;
                }
                None => failures.push(format!(
                    "{id}: missed {} {} {} {} {} {} {}",
                    e["kind"],
                    e["year"],
                    e["indicator"],
                    e["value"],
                    e["value_hi"],
                    e["qualifier"],
                    e["basis"]
                )),
            }
        }
        for (q, u) in got.iter().zip(&used) {
            let score = if q.section == Section::Plan {
                &mut targets
            } else {
                &mut results
            };
            score.extracted += 1;
            if !u {
                failures.push(format!(
                    "{id}: unmatched {:?} {} {} {} {:?} {:?} {:?} in «{}»",
                    q.section,
                    q.year,
                    q.indicator,
                    q.value,
                    q.value_hi,
                    q.qualifier,
                    q.basis,
                    q.sentence
                ));
            }
        }
    }
    eprintln!(
        "{rel}: {} passages: targets {} labelled, {} extracted, {} matched: precision {:.3}, recall {:.3}; results {} labelled, {} extracted, {} matched: precision {:.3}, recall {:.3}; plan year inferred right in {year_right} of the {year_named} passages that name it",
        passages.len(),
        targets.expected,
        targets.extracted,
        targets.matched,
        targets.precision(),
        targets.recall(),
        results.expected,
        results.extracted,
        results.matched,
        results.precision(),
        results.recall(),
    );
    for f in &failures {
        eprintln!("  {f}");
    }
    assert!(passages.len() >= 20);
    assert_eq!(year_right, year_named, "plan years inferred");
    (targets, results)
}

/// A paragraph, a page and a whole report read the same way, in UTF-8 or GBK: each report of the
/// fixture with a target paragraph and a review paragraph is read as the two bare paragraphs (with
/// `--year`), as a page with `一、…回顾` / `二、…` headings (the plan year inferred from them), and as
/// that page in GBK under a report's title lines; the targets and results are the same every time.
#[test]
fn a_paragraph_a_page_and_a_gbk_report_read_the_same() {
    let dir = fixture("tests/fixtures/extract/reports");
    let passages = rows(&dir.join("passages.csv"));
    let key = |ex: &indicast::extract::Extraction| -> Vec<String> {
        ex.quantities
            .iter()
            .map(|q| {
                format!(
                    "{:?} {} {} {} {:?} {:?} {:?}",
                    q.section, q.year, q.indicator, q.value, q.value_hi, q.qualifier, q.basis
                )
            })
            .collect()
    };
    let mut pairs = 0;
    for t in passages.iter().filter(|p| p["file"].contains("_target")) {
        let Some(r) = passages
            .iter()
            .find(|p| p["report"] == t["report"] && p["file"].contains("_review"))
        else {
            continue;
        };
        let year: i32 = t["plan_year"].parse().unwrap();
        let target = std::fs::read_to_string(dir.join(&t["file"])).unwrap();
        let review = std::fs::read_to_string(dir.join(&r["file"])).unwrap();
        let mut alone = key(&extract_bytes("r", review.as_bytes(), Some(year)).unwrap());
        alone.extend(key(
            &extract_bytes("t", target.as_bytes(), Some(year)).unwrap()
        ));
        let page = format!(
            "一、{}年工作回顾\n{}\n二、{year}年工作安排\n{}\n",
            year - 1,
            review.trim(),
            target.trim()
        );
        let from_page = extract_bytes("page", page.as_bytes(), None).unwrap();
        assert_eq!(from_page.plan_year, year, "{}", t["report"]);
        assert_eq!(key(&from_page), alone, "{} as a page", t["report"]);
        let report =
            format!("政府工作报告\n各位代表：\n现在，我代表人民政府向大会报告工作。\n{page}");
        let (gbk, _, _) = encoding_rs::GB18030.encode(&report);
        let from_gbk = extract_bytes("gbk", &gbk, None).unwrap();
        assert_eq!(from_gbk.encoding, "GB18030");
        assert_eq!(key(&from_gbk), alone, "{} as a GBK report", t["report"]);
        pairs += 1;
    }
    assert!(pairs >= 8, "{pairs} reports with both paragraphs");
}

/// The six forms the extractor must read right, each in its own words.
#[test]
fn target_paragraphs_of_every_form() {
    let read = |text: &str, year: Option<i32>| -> Vec<(Section, i32, String, f64, Qualifier)> {
        extract_bytes("t", text.as_bytes(), year)
            .unwrap()
            .quantities
            .into_iter()
            .map(|q| (q.section, q.year, q.indicator, q.value, q.qualifier))
            .collect()
    };
    let plan = |y: i32, id: &str, v: f64, q: Qualifier| (Section::Plan, y, id.to_string(), v, q);
    let cases = [
        // A bare target paragraph with no heading and no year: targets of the year given.
        (
            "主要预期目标是：地区生产总值增长7%以上；城镇新增就业12万人。",
            Some(2018),
            vec![
                plan(2018, "gdp_real_growth", 7.0, Qualifier::AtLeast),
                plan(2018, "urban_new_jobs", 12.0, Qualifier::Other),
            ],
        ),
        // 今年 in a report of the plan year.
        (
            "今年全省生产总值增长6.5%左右。",
            Some(2017),
            vec![plan(2017, "gdp_real_growth", 6.5, Qualifier::About)],
        ),
        // 20XX年 names the plan year.
        (
            "2019年全市发展的主要预期目标是：一般公共预算收入增长5%。",
            None,
            vec![plan(2019, "gpbr_growth", 5.0, Qualifier::Other)],
        ),
        // A national range (its upper bound is checked below).
        (
            "国内生产总值增长6%—6.5%。",
            Some(2019),
            vec![plan(2019, "gdp_real_growth", 6.0, Qualifier::Range)],
        ),
        // A CPI ceiling, with or without 以内.
        (
            "居民消费价格涨幅控制在3%以内，城镇调查失业率控制在5.5%。",
            Some(2020),
            vec![
                plan(2020, "cpi", 3.0, Qualifier::AtMost),
                plan(2020, "urban_unemployment_rate", 5.5, Qualifier::AtMost),
            ],
        ),
        // A distributive list of urban and rural incomes, and a trailing qualifier for the whole list
        // (the fixture's convention: 分别增长6%、9%左右 is about 6 and about 9).
        (
            "今年城镇和农村居民人均可支配收入分别增长8%和9%左右，规模以上工业增加值、社会消费品零售总额分别增长6%、9%左右。",
            Some(2019),
            vec![
                plan(2019, "urban_disp_income_growth", 8.0, Qualifier::About),
                plan(2019, "rural_disp_income_growth", 9.0, Qualifier::About),
                plan(
                    2019,
                    "industrial_va_above_size_growth",
                    6.0,
                    Qualifier::About,
                ),
                plan(2019, "retail_sales_growth", 9.0, Qualifier::About),
            ],
        ),
    ];
    for (text, year, expected) in cases {
        assert_eq!(read(text, year), expected, "{text}");
    }
    let q = extract_bytes("t", "国内生产总值增长6%—6.5%。".as_bytes(), Some(2019)).unwrap();
    assert_eq!(q.quantities[0].value_hi, Some(6.5));
    // Results say so: a past year, 过去一年, a target exceeded.
    let r = read(
        "过去一年，地区生产总值增长6.8%。城镇新增就业13万人，超过全年预期目标。",
        Some(2019),
    );
    assert!(
        r.iter().all(|q| q.0 == Section::Review && q.1 == 2018),
        "{r:?}"
    );
}
