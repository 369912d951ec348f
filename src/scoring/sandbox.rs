//! The rhai engine, locked down: built from the packages scoring needs and nothing else, so
//! that no file, network, module, clock, sleep, `eval` or printing exists for a script to call;
//! with limits on operations, time, call depth and sizes, so that any script ends quickly and
//! gives the same result on every run.

use rhai::packages::{
    ArithmeticPackage, BasicArrayPackage, BasicIteratorPackage, BasicMapPackage, BasicMathPackage, BasicStringPackage,
    BitFieldPackage, LogicPackage, MoreStringPackage, Package,
};
use rhai::{Dynamic, Engine};
use std::cell::Cell;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Operations one call may take. Scoring a risk takes a few hundred; a runaway loop reaches
/// this in well under a second.
pub const MAX_OPERATIONS: u64 = 500_000;
/// A second guard in wall-clock time, checked before every operation. With the size limits
/// below no single operation takes more than a few milliseconds, so none can outrun it.
pub const MAX_TIME: Duration = Duration::from_secs(1);

/// What the progress guard says when it stops a call, to tell the two reasons apart.
const OUT_OF_TIME: &str = "the script ran for more than a second";
const STOPPED: &str = "scoring was stopped";

pub struct Sandbox {
    pub engine: Engine,
    /// Set when a call ran away: the calls still running stop at their next operation, and no
    /// call starts after it. One runaway is reported once, not once per risk.
    stopped: Arc<AtomicBool>,
}

thread_local! {
    /// When the current call must end, per thread: risks are scored on several threads at once.
    static DEADLINE: Cell<Option<Instant>> = const { Cell::new(None) };
}

/// Why a call ended without a value, as far as the sandbox is concerned.
pub enum Stop {
    /// This call ran too long, and it is the first to: it is the one to report.
    RanAway,
    /// Another call ran away first; this one was not run, or was cut short.
    AfterOther,
}

impl Sandbox {
    pub fn new() -> Self {
        // `new_raw` has no functions at all; the packages add the arithmetic, text, list, map
        // and maths functions. Left out on purpose: the language core package (it holds
        // `sleep`, `exit` and `parse_json`), the time package (`timestamp`), blobs, and the
        // function-pointer package.
        let mut engine = Engine::new_raw();
        for module in [
            ArithmeticPackage::new().as_shared_module(),
            BasicStringPackage::new().as_shared_module(),
            MoreStringPackage::new().as_shared_module(),
            BasicIteratorPackage::new().as_shared_module(),
            LogicPackage::new().as_shared_module(),
            BitFieldPackage::new().as_shared_module(),
            BasicMathPackage::new().as_shared_module(),
            BasicArrayPackage::new().as_shared_module(),
            BasicMapPackage::new().as_shared_module(),
        ] {
            engine.register_global_module(module);
        }
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
        // `eval` is a keyword of the language, not a package function: it is disabled here.
        engine.disable_symbol("eval");
        let stopped = Arc::new(AtomicBool::new(false));
        let flag = stopped.clone();
        engine.on_progress(move |_| {
            if flag.load(Ordering::Relaxed) {
                return Some(Dynamic::from(STOPPED));
            }
            // Reading the monotonic clock costs some 20 ns, a small part of an operation.
            let deadline = DEADLINE.with(|d| d.get())?;
            (Instant::now() > deadline).then(|| Dynamic::from(OUT_OF_TIME))
        });
        Sandbox { engine, stopped }
    }

    /// Starts the wall-clock guard before a call; `false` when no call may start any more.
    pub fn start_call(&self) -> bool {
        DEADLINE.with(|d| d.set(Some(Instant::now() + MAX_TIME)));
        !self.stopped.load(Ordering::Relaxed)
    }

    /// Sorts out a call that ran out of time or operations (`token`: what the guard said, if it
    /// stopped the call) and stops every other call.
    pub fn ran_away(&self, token: Option<&Dynamic>) -> Stop {
        let by_other = token.is_some_and(|t| t.clone().into_string().is_ok_and(|s| s == STOPPED));
        let first = !self.stopped.swap(true, Ordering::Relaxed);
        if first && !by_other {
            Stop::RanAway
        } else {
            Stop::AfterOther
        }
    }
}

impl Default for Sandbox {
    fn default() -> Self {
        Self::new()
    }
}
