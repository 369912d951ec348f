//! `AIMS_TIMINGS=1`: when each stage of a run ended, on stderr, in milliseconds since the
//! process started (its first mark). For measuring aims itself, never in its output: a run
//! prints the same bytes on stdout with or without it.

use std::sync::OnceLock;
use std::time::Instant;

fn start() -> Option<&'static Instant> {
    static START: OnceLock<Option<Instant>> = OnceLock::new();
    START.get_or_init(|| std::env::var_os("AIMS_TIMINGS").map(|_| Instant::now())).as_ref()
}

/// Starts the clock (when `AIMS_TIMINGS` is set); called first thing in `main`.
pub fn begin() {
    let _ = start();
}

/// Notes that `stage` has just ended.
pub fn mark(stage: &str) {
    if let Some(start) = start() {
        eprintln!("aims timings: {:>9.1} ms  {stage}", start.elapsed().as_secs_f64() * 1e3);
    }
}
