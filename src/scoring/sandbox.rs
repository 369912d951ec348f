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
use std::sync::atomic::{AtomicUsize, Ordering};
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

/// No runaway yet.
const NONE: usize = usize::MAX;

pub struct Sandbox {
    pub engine: Engine,
    /// The lowest index of a risk the script ran away on. Calls for later risks stop at their
    /// next operation, and none starts: one runaway is reported once, not once per risk. Calls
    /// for earlier risks go on, so that which runaway is reported, and which risks are scored,
    /// does not depend on how the threads were scheduled.
    first_runaway: Arc<AtomicUsize>,
}

thread_local! {
    /// The current call's deadline and risk index, per thread: risks are scored on several
    /// threads at once.
    static CALL: Cell<Option<(Instant, usize)>> = const { Cell::new(None) };
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
        let first_runaway = Arc::new(AtomicUsize::new(NONE));
        let first = first_runaway.clone();
        engine.on_progress(move |_| {
            let (deadline, index) = CALL.with(|c| c.get())?;
            if first.load(Ordering::Relaxed) < index {
                return Some(Dynamic::from(STOPPED));
            }
            // Reading the monotonic clock costs some 20 ns, a small part of an operation.
            (Instant::now() > deadline).then(|| Dynamic::from(OUT_OF_TIME))
        });
        Sandbox { engine, first_runaway }
    }

    /// Starts the guards before a call for the risk at `index`; `false` when the call must not
    /// be made, since the script ran away on an earlier risk.
    pub fn start_call(&self, index: usize) -> bool {
        CALL.with(|c| c.set(Some((Instant::now() + MAX_TIME, index))));
        self.first_runaway.load(Ordering::Relaxed) >= index
    }

    /// Records a call for the risk at `index` that ran out of time or operations (`token`: what
    /// the guard said, if it stopped the call). `false` when the call was only stopped because
    /// of an earlier risk's runaway.
    pub fn ran_away(&self, index: usize, token: Option<&Dynamic>) -> bool {
        if token.is_some_and(|t| t.clone().into_string().is_ok_and(|s| s == STOPPED)) {
            return false;
        }
        self.first_runaway.fetch_min(index, Ordering::Relaxed);
        true
    }

    /// The index of the first risk, in file order, the script ran away on.
    pub fn first_runaway(&self) -> Option<usize> {
        Some(self.first_runaway.load(Ordering::Relaxed)).filter(|&i| i != NONE)
    }
}

impl Default for Sandbox {
    fn default() -> Self {
        Self::new()
    }
}
