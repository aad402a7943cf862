//! Charts: every kind rendered, sized, not blank, and equal to a stored reference image within a pixel
//! tolerance; every string drawn has a glyph in the shipped font, in Chinese and English; charts do not
//! depend on fontconfig.
//!
//! Reference images live in tests/fixtures/charts/. Regenerate them explicitly with
//! `INDICAST_REGENERATE_CHART_REFERENCES=1 cargo test --release --test charts`.

use std::path::{Path, PathBuf};
use std::process::Command;

use indicast::charts::{self, Format, Lang, Style};
use indicast::report;
use indicast::run::{RunConfig, RunResult, run};

fn bundled() -> RunResult {
    run(&RunConfig::bundled(Some(2022))).expect("bundled run")
}

fn decode(path: &Path) -> (u32, u32, Vec<u8>) {
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(path).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    let channels = info.color_type.samples();
    let rgb: Vec<u8> = buf[..info.buffer_size()]
        .chunks(channels)
        .flat_map(|px| [px[0], px[1], px[2]])
        .collect();
    (info.width, info.height, rgb)
}

fn non_background_share(rgb: &[u8]) -> f64 {
    let n = rgb.len() / 3;
    let ink = rgb.chunks(3).filter(|p| p.iter().any(|&c| c < 235)).count();
    ink as f64 / n as f64
}

fn reference_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/charts")
}

/// Share of pixels that differ by more than 48 in some channel.
fn differing_share(a: &[u8], b: &[u8]) -> f64 {
    let n = a.len() / 3;
    let diff = a
        .chunks(3)
        .zip(b.chunks(3))
        .filter(|(p, q)| p.iter().zip(q.iter()).any(|(x, y)| x.abs_diff(*y) > 48))
        .count();
    diff as f64 / n as f64
}

#[test]
fn every_chart_kind_renders_at_size_is_not_blank_and_matches_its_reference() {
    let r = bundled();
    let tmp = tempfile::tempdir().unwrap();
    let style = Style {
        width: 800,
        height: 500,
        ..Style::default()
    };
    let files = report::run_charts(&r, None, &style, tmp.path()).unwrap();
    let kinds = [
        "scorecard",
        "fan_Zibo_gdp_real_growth",
        "backtest_Zibo_gdp_real_growth",
    ];
    let mut checked: Vec<PathBuf> = kinds
        .iter()
        .map(|k| tmp.path().join(format!("{k}.png")))
        .collect();
    assert!(checked.iter().all(|p| files.contains(p)), "{files:?}");
    // The two kinds produced by the scenario and required commands.
    let names = vec!["engine".to_string(), "baseline".to_string()];
    let sys = indicast::scenario::System::new(&r, 0.5).unwrap();
    let mc = indicast::scenario::McConfig {
        draws: 2000,
        seed: 1,
    };
    let outcomes = vec![
        sys.simulate(&indicast::scenario::Scenario::engine_baseline(), mc),
        sys.simulate(&indicast::scenario::Scenario::engine_baseline(), mc),
    ];
    let path = tmp.path().join("scenarios.png");
    report::scenario_chart(&r, &names, &outcomes, &style, &path).unwrap();
    checked.push(path);
    let data = charts::RequiredData {
        driver: "淄博市 固定资产投资增速".into(),
        target: "淄博市 地区生产总值增速 5.5%左右".into(),
        curve: (0..=20)
            .map(|i| (f64::from(i), 0.4 + 0.01 * f64::from(i)))
            .collect(),
        prob: 0.5,
        value: Some(10.0),
    };
    let path = tmp.path().join("required_curve.png");
    charts::required_curve(&data, &style, &path).unwrap();
    checked.push(path);

    let regenerate = std::env::var("INDICAST_REGENERATE_CHART_REFERENCES").is_ok();
    for path in &checked {
        let (w, h, rgb) = decode(path);
        assert_eq!((w, h), (800, 500), "{}", path.display());
        let ink = non_background_share(&rgb);
        assert!(
            ink > 0.03,
            "{} is nearly blank ({ink:.3} of pixels drawn)",
            path.display()
        );
        let reference = reference_dir().join(path.file_name().unwrap());
        if regenerate {
            std::fs::create_dir_all(reference_dir()).unwrap();
            std::fs::copy(path, &reference).unwrap();
            continue;
        }
        assert!(
            reference.exists(),
            "no reference {}; create it with INDICAST_REGENERATE_CHART_REFERENCES=1",
            reference.display()
        );
        let (_, _, expected) = decode(&reference);
        let share = differing_share(&rgb, &expected);
        assert!(
            share < 0.01,
            "{} differs from its reference in {:.2}% of pixels",
            path.display(),
            100.0 * share
        );
    }
}

#[test]
fn every_string_drawn_has_a_glyph_in_both_languages() {
    let r = bundled();
    let tmp = tempfile::tempdir().unwrap();
    charts::record_text(true);
    for lang in [Lang::Zh, Lang::En] {
        let style = Style {
            width: 800,
            height: 500,
            lang,
            ..Style::default()
        };
        let dir = tmp.path().join(format!("{lang:?}"));
        report::write_charts_and_report(
            &r,
            &indicast::scenario::report_scenarios(&r).unwrap(),
            &style,
            &dir,
        )
        .unwrap();
    }
    let strings = charts::recorded_text();
    charts::record_text(false);
    assert!(strings.len() > 200, "{} strings recorded", strings.len());
    assert!(
        strings.iter().any(|s| s.contains("淄博市")) && strings.iter().any(|s| s.contains("Zibo"))
    );
    for s in &strings {
        assert!(
            charts::missing_glyphs(s).is_empty(),
            "no glyph for {:?} in {s:?}",
            charts::missing_glyphs(s)
        );
    }
}

#[test]
fn svg_charts_are_written_too() {
    let r = bundled();
    let tmp = tempfile::tempdir().unwrap();
    let style = Style {
        format: Format::Svg,
        ..Style::default()
    };
    let files = report::run_charts(&r, None, &style, tmp.path()).unwrap();
    let svg = std::fs::read_to_string(files.iter().find(|f| f.ends_with("scorecard.svg")).unwrap())
        .unwrap();
    assert!(svg.starts_with("<svg") && svg.contains("淄博市"));
}

/// With fontconfig pointed at an empty configuration the charts are byte-identical: no system font is
/// ever consulted.
#[test]
fn charts_do_not_depend_on_fontconfig() {
    let tmp = tempfile::tempdir().unwrap();
    let empty = tmp.path().join("fonts.conf");
    std::fs::write(&empty, "<?xml version=\"1.0\"?><fontconfig></fontconfig>").unwrap();
    let run_cli = |out: &str, isolate: bool| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_indicast"));
        cmd.args(["run", "--out", out, "--width", "800", "--height", "500"])
            .current_dir(tmp.path());
        if isolate {
            cmd.env("FONTCONFIG_FILE", &empty)
                .env("FONTCONFIG_PATH", tmp.path())
                .env("XDG_DATA_HOME", tmp.path());
        }
        let o = cmd.output().unwrap();
        assert_eq!(
            o.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
    };
    run_cli("normal", false);
    run_cli("isolated", true);
    for name in ["scorecard.png", "fan_Zibo_gdp_real_growth.png"] {
        let a = std::fs::read(tmp.path().join("normal/charts").join(name)).unwrap();
        let b = std::fs::read(tmp.path().join("isolated/charts").join(name)).unwrap();
        assert!(a == b, "{name} changed without fontconfig");
    }
    let html = std::fs::read_to_string(tmp.path().join("normal/report.html")).unwrap();
    assert!(html.contains("data:image/png;base64,") && html.contains("淄博市"));
    assert!(tmp.path().join("normal/report.md").is_file());
}

/// `indicast chart KIND` redraws from the CSVs of an earlier run, in another language and format.
#[test]
fn chart_command_restyles_from_result_csvs() {
    let tmp = tempfile::tempdir().unwrap();
    let bin = env!("CARGO_BIN_EXE_indicast");
    let ok = |args: &[&str]| {
        let o = Command::new(bin)
            .args(args)
            .current_dir(tmp.path())
            .output()
            .unwrap();
        assert_eq!(
            o.status.code(),
            Some(0),
            "{args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    };
    ok(&["run", "--out", "out", "--no-charts"]);
    assert!(
        !tmp.path().join("out/charts").exists() && !tmp.path().join("out/report.html").exists()
    );
    ok(&[
        "chart",
        "scorecard",
        "--from",
        "out",
        "--lang",
        "en",
        "--width",
        "800",
        "--height",
        "500",
        "--output",
        "s.png",
    ]);
    let (w, h, rgb) = decode(&tmp.path().join("s.png"));
    assert_eq!((w, h), (800, 500));
    assert!(non_background_share(&rgb) > 0.03);
    // A pipe (as `/dev/null`) is written into, not replaced; a symbolic link is kept and its target
    // written.
    #[cfg(unix)]
    {
        use std::io::Read;
        use std::os::unix::fs::FileTypeExt;
        let fifo = tmp.path().join("chart.fifo");
        assert!(
            Command::new("mkfifo")
                .arg(&fifo)
                .status()
                .unwrap()
                .success()
        );
        let (send, received) = std::sync::mpsc::channel();
        let reader = fifo.clone();
        std::thread::spawn(move || {
            let mut b = Vec::new();
            let mut f = std::fs::File::open(reader).unwrap();
            f.read_to_end(&mut b).unwrap();
            send.send(b).unwrap();
        });
        let scorecard_to =
            |output: &str| ok(&["chart", "scorecard", "--from", "out", "--output", output]);
        scorecard_to("chart.fifo");
        assert!(
            std::fs::symlink_metadata(&fifo)
                .unwrap()
                .file_type()
                .is_fifo()
        );
        let png = received
            .recv_timeout(std::time::Duration::from_secs(60))
            .expect("the pipe was never written");
        assert!(png.starts_with(b"\x89PNG"));
        std::os::unix::fs::symlink("s.png", tmp.path().join("link.png")).unwrap();
        scorecard_to("link.png");
        let link = std::fs::symlink_metadata(tmp.path().join("link.png")).unwrap();
        assert!(link.file_type().is_symlink());
        assert_ne!(
            decode(&tmp.path().join("s.png")).0,
            800,
            "the link's target was redrawn"
        );
    }
    ok(&[
        "chart",
        "fan",
        "--from",
        "out",
        "--target",
        "Zibo.gdp_real_growth",
        "--format",
        "svg",
    ]);
    let svg = std::fs::read_to_string(tmp.path().join("out/charts/fan_Zibo_gdp_real_growth.svg"))
        .unwrap();
    assert!(svg.contains("淄博市"));
    let o = Command::new(bin)
        .args(["chart", "fan", "--from", "out"])
        .current_dir(tmp.path())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--target"));
}
