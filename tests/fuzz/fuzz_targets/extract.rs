//! The report extractor: decoding (UTF-8 / GBK / binary detection) and extraction of targets and results.
#![no_main]

use indicast::extract::{extract_text, text};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &[u8]| {
    if let Ok((t, encoding)) = text::decode("fuzz.txt", input) {
        if let Ok(ex) = extract_text(&t, encoding, None) {
            let n = t.chars().count();
            for q in &ex.quantities {
                assert!(q.span.0 <= q.span.1 && q.span.1 <= n, "span inside the text");
            }
        }
        let _ = extract_text(&t, encoding, Some(2023));
    }
});
