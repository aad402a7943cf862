//! The generic panel reader, and the forecaster on whatever it reads (small panels only, to keep the
//! executions fast).
#![no_main]

use indicast::generic::{Columns, forecast, read_panel, render};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &[u8]| {
    let cols = Columns {
        id: "unique_id".into(),
        time: "ds".into(),
        target: "y".into(),
    };
    if let Ok(p) = read_panel("fuzz.csv", input.to_vec(), &cols) {
        if p.series.len() <= 8 && p.series.iter().all(|s| s.y.len() <= 60) {
            let out = forecast(&p.series, 3, &[0.8, 0.95], &["rwd".to_string()]);
            let _ = render(&out, &[0.8, 0.95], &["rwd".to_string()], &cols);
        }
    }
});
