//! Temporary output files being written, so that an interrupted run (Ctrl-C, SIGTERM) can remove them
//! before exiting: outputs are renamed into place only when complete, and nothing half-written remains.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

static IN_FLIGHT: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Start (`true`) or stop tracking a temporary file.
pub fn track(path: &Path, on: bool) {
    if let Ok(mut v) = IN_FLIGHT.lock() {
        if on {
            v.push(path.to_path_buf());
        } else {
            v.retain(|p| p != path);
        }
    }
}

/// Remove every temporary output file still being written.
pub fn remove_in_flight() {
    if let Ok(mut v) = IN_FLIGHT.lock() {
        for p in v.drain(..) {
            let _ = std::fs::remove_file(p);
        }
    }
}
