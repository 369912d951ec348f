//! The standard library: everything aims knows about ISO/IEC 42001, ISO/IEC 23894 and the EU AI
//! Act, as aims source under stdlib/, embedded at build time (see build.rs).

include!(concat!(env!("OUT_DIR"), "/stdlib_files.rs"));

/// The embedded stdlib files as (path relative to stdlib/, text), in sorted path order.
pub fn embedded() -> impl Iterator<Item = (&'static str, &'static str)> {
    FILES.iter().copied()
}
