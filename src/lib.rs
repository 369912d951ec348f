//! aims: a compiler and rules engine for AI governance specifications.
//!
//! The pipeline runs one way: [`syntax`] -> [`sema`] -> rules and scoring -> [`diagnostics`] and
//! reports -> `cli`. See ARCHITECTURE.md.

pub mod alloc;
pub mod cache;
pub mod cli;
pub mod compile;
pub mod contract;
pub mod diagnostics;
pub mod diff;
pub mod evidence;
pub mod fmt;
pub mod lsp;
pub mod placeholders;
pub mod report;
pub mod rules;
pub mod scoring;
pub mod sema;
pub mod source;
pub mod stdlib;
pub mod syntax;
pub mod timings;
