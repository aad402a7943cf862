//! The scenario parser (TOML, validated against the bundled engine's vocabulary), and a short Monte
//! Carlo run of whatever parses.
#![no_main]

use std::sync::OnceLock;

use indicast::extract::text;
use indicast::run::{Reports, RunConfig, run};
use indicast::scenario::{self, McConfig, System};
use libfuzzer_sys::fuzz_target;

fn system() -> &'static System {
    static SYSTEM: OnceLock<System> = OnceLock::new();
    SYSTEM.get_or_init(|| {
        let cfg = RunConfig {
            source: indicast::data::DataSource::Bundled,
            as_of: Some(2022),
            tolerance: 0.5,
            calibrate: true,
            reports: Reports::Bundled,
            add_data: Vec::new(),
            period: None,
        };
        let result = run(&cfg).expect("the bundled run works");
        System::new(&result, 0.5).expect("the bundled system builds")
    })
}

fuzz_target!(|input: &[u8]| {
    let sys = system();
    let Ok((text, _)) = text::decode("fuzz.toml", input) else {
        return;
    };
    if let Ok(sc) = scenario::parse("fuzz.toml", &text, &sys.vocabulary()) {
        let _ = sys.simulate(&sc, McConfig { draws: 50, seed: 1 });
    }
});
