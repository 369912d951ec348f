//! The memory allocator of the processes that compile specs: the `aims` binary and the
//! benchmarks, each of which says so with [`crate::global_allocator!`].
//!
//! On Linux (with the default `jemalloc` feature) that is jemalloc, with one arena per CPU
//! and freed pages given back after a second. Against glibc's malloc, with its arenas capped
//! at two (see [`crate::compile::tune_malloc_arenas`]), in paired runs of a cold check (five
//! pairs each, on a 2-core machine): 10,000 systems took 0.96x the wall time and peaked at 288
//! against 291 MiB; 24,000 systems 0.92x, 654 against 671 MiB; 1,000 systems 0.93x, but 59
//! against 52 MiB (jemalloc's own tables and caches, a few MiB whatever the spec). The same
//! options with two arenas instead of one per CPU ran as fast here (0.99x). jemalloc's
//! defaults (four arenas per CPU, pages kept for ten seconds) peaked at 391 MiB at 10,000
//! systems; mimalloc was slower than glibc (1.04x wall) and peaked at 382 MiB.
//!
//! Elsewhere, and in a build with `--no-default-features`, the system's allocator is used.

/// jemalloc's options, read before `main`: an arena per CPU, each thread allocating from the
/// arena of the CPU it runs on (there are as many arenas as the threads that run at once, so
/// the trees freed by the parsing threads are memory the main thread can use again), and
/// unused pages given back to the system after a second.
#[cfg(all(feature = "jemalloc", target_os = "linux"))]
#[doc(hidden)]
pub const JEMALLOC_OPTIONS: &[u8; 40] = b"percpu_arena:percpu,dirty_decay_ms:1000\0";

#[cfg(all(feature = "jemalloc", target_os = "linux"))]
#[doc(hidden)]
pub use tikv_jemallocator::Jemalloc;

/// Makes jemalloc the allocator of the binary this is written in (on Linux, with the
/// `jemalloc` feature; elsewhere it expands to nothing). Once per binary, at the top level of
/// its crate root.
#[macro_export]
macro_rules! global_allocator {
    () => {
        #[cfg(all(feature = "jemalloc", target_os = "linux"))]
        #[global_allocator]
        static GLOBAL: $crate::alloc::Jemalloc = $crate::alloc::Jemalloc;

        // jemalloc reads its options from this symbol before `main` (a pointer to a C string).
        #[cfg(all(feature = "jemalloc", target_os = "linux"))]
        #[used]
        #[export_name = "_rjem_malloc_conf"]
        static JEMALLOC_OPTIONS: &[u8; 40] = $crate::alloc::JEMALLOC_OPTIONS;
    };
}
