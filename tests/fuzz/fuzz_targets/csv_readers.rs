//! The data directory readers: the input replaces one of the data files (chosen by its first byte), the
//! rest are the bundled files; whatever loads is also turned into the engine's panel.
#![no_main]

use indicast::data::{self, DataSource, panel::Panel};
use libfuzzer_sys::fuzz_target;

const FILES: &[&str] = &[
    "indicators.csv",
    "targets.csv",
    "regions.csv",
    "breaks.csv",
    "events.csv",
    "indicator_meta.csv",
    "report_targets.csv",
];

fuzz_target!(|input: &[u8]| {
    let Some((&which, bytes)) = input.split_first() else {
        return;
    };
    let name = FILES[usize::from(which) % FILES.len()];
    let source = DataSource::Memory(vec![(name.to_string(), bytes.to_vec())]);
    if let Ok(ds) = data::load(&source) {
        let _ = Panel::build(&ds, 2022);
    }
});
