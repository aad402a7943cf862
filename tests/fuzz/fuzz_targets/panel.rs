//! The generic panel reader, the forecaster on whatever it reads (small panels only, to keep the
//! executions fast), and the streaming path checked against the whole read: the same bytes out, or the
//! same error, or a signal to read the file whole.
#![no_main]

use std::sync::OnceLock;

use indicast::generic::stream::{Streamed, forecast_file};
use indicast::generic::{Columns, forecast, read_panel, render};
use libfuzzer_sys::fuzz_target;

fn scratch() -> &'static std::path::Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| tempfile::tempdir().expect("a scratch directory"))
        .path()
}

fuzz_target!(|input: &[u8]| {
    let cols = Columns {
        id: "unique_id".into(),
        time: "ds".into(),
        target: "y".into(),
    };
    let models = ["rwd".to_string()];
    let levels = [0.8, 0.95];
    let path = scratch().join("fuzz.csv");
    let name = path.display().to_string();
    let whole = read_panel(&name, input.to_vec(), &cols);
    if let Ok(p) = &whole {
        if p.series.len() > 8 || p.series.iter().any(|s| s.y.len() > 60) {
            return;
        }
    }
    std::fs::write(&path, input).expect("scratch file");
    let mut streamed = Vec::new();
    let result = forecast_file(&path, &cols, 3, &levels, &models, &mut streamed, &mut |_, _| {});
    match (whole, result) {
        (Ok(p), Ok(Streamed::Done(summary))) => {
            let out = forecast(&p.series, 3, &levels, &models);
            let expected = render(&out, &levels, &models, &cols).expect("render");
            assert!(streamed == expected, "streamed output differs from the whole read");
            assert_eq!(summary.warnings, p.warnings);
        }
        // An encoding error is found by the whole read first; the stream may stop earlier on
        // another problem of the same file.
        (Err(e), Err(s)) if e.to_string().contains("neither UTF-8") => {
            let _ = s;
        }
        (Err(e), Err(s)) => assert_eq!(e.to_string(), s.to_string()),
        (_, Ok(Streamed::NotStreamable(_))) => {}
        (w, s) => panic!("whole read {:?} but stream {:?}", w.map(|p| p.series.len()), s.map(|_| ())),
    }
});
