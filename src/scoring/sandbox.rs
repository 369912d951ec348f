//! The rhai engine, locked down: no file, network or module access, no clock, no printing,
//! and limits on operations, call depth and sizes, so that any script ends quickly and gives
//! the same result on every run.

use rhai::{Dynamic, Engine};
use std::cell::Cell;
use std::time::{Duration, Instant};

/// Operations one call may take. Scoring a risk takes a few hundred; a runaway loop reaches
/// this in well under a second.
pub const MAX_OPERATIONS: u64 = 500_000;
/// A second guard in wall-clock time, in case a single operation is slow.
pub const MAX_TIME: Duration = Duration::from_secs(1);

pub struct Sandbox {
    pub engine: Engine,
}

thread_local! {
    /// When the current call started, per thread: risks are scored on several threads at once.
    static STARTED: Cell<Option<Instant>> = const { Cell::new(None) };
}

impl Sandbox {
    pub fn new() -> Self {
        let mut engine = Engine::new();
        engine.set_module_resolver(rhai::module_resolvers::DummyModuleResolver::new());
        engine.set_max_operations(MAX_OPERATIONS);
        engine.set_max_call_levels(32);
        engine.set_max_expr_depths(64, 32);
        engine.set_max_string_size(10_000);
        engine.set_max_array_size(10_000);
        engine.set_max_map_size(1_000);
        engine.set_max_variables(1_000);
        engine.set_max_functions(256);
        engine.set_max_modules(0);
        engine.on_print(|_| {});
        engine.on_debug(|_, _, _| {});
        // The clock would make scores depend on when the check ran.
        engine.disable_symbol("timestamp");
        engine.disable_symbol("eval");
        engine.on_progress(|ops| {
            // Reading the clock on every operation would cost more than the script itself.
            if ops % 4096 != 0 {
                return None;
            }
            let start = STARTED.with(|s| s.get())?;
            (start.elapsed() > MAX_TIME).then(|| Dynamic::from("the script ran for more than a second"))
        });
        Sandbox { engine }
    }

    /// Restarts the wall-clock guard before a call.
    pub fn start_call(&self) {
        STARTED.with(|s| s.set(Some(Instant::now())));
    }
}

impl Default for Sandbox {
    fn default() -> Self {
        Self::new()
    }
}
