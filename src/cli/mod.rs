//! The command line: one file per subcommand, each an Args struct and a run function. The only
//! room that knows about terminals, files on disk and exit codes.

pub mod check;
mod checked;
pub mod diff;
mod evidence;
pub mod explain;
pub mod export;
pub mod fmt;
pub mod gap;
pub mod init;
pub mod kinds;
pub(crate) mod load;
pub mod lsp;
mod output;
pub mod pin;
pub mod query;
pub(crate) mod read;
pub mod report;
pub mod rules;
pub mod score;
pub(crate) mod scripts;
pub mod test;

use clap::{Parser, Subcommand, ValueEnum};
use std::process::ExitCode;

/// Exit codes: 0 clean, 1 findings at error level, 2 usage or I/O problems.
pub const EXIT_OK: u8 = 0;
pub const EXIT_FINDINGS: u8 = 1;
pub const EXIT_USAGE: u8 = 2;

#[derive(Parser, Debug)]
#[command(name = "aims", version, about = "Check AI governance specifications against ISO/IEC 42001 and ISO/IEC 23894")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Check a spec: syntax, schema, references (exit 0 clean, 1 errors found, 2 usage or I/O problem)
    Check(check::Args),
    /// List the kinds of item, nested blocks and value lists a spec can use, or show one
    Kinds(kinds::Args),
    /// List every rule with its id, severity, title, and the catalogue entries it cites
    Rules(rules::Args),
    /// Show the documentation of a rule, a diagnostic code (E0203) or a catalogue entry (iso42001:6.1.3)
    Explain(explain::Args),
    /// The gap analysis: every requirement of each catalogue with its status and the rules behind it
    Gap(gap::Args),
    /// Score every risk with the organisation's scoring script, and show the matrix
    Score(score::Args),
    /// Run the language server for editors (diagnostics, hover, completion, rename...) on stdin/stdout
    Lsp(lsp::Args),
    /// Rewrite .aims files in the canonical layout; `--check` only shows what would change
    Fmt(fmt::Args),
    /// Reports for auditors: Statement of Applicability, risk register, inventory, calendar, RACI, or all
    Report(report::Args),
    /// Export the Statement of Applicability and the risk register as OSCAL documents
    Export(export::Args),
    /// Write the skeleton of a management system into a folder, with every decision marked `todo`
    Init(init::Args),
    /// Write the current SHA-256 of every evidence file into the spec (only the `sha256` fields change)
    Pin(pin::Args),
    /// Ask the spec a question in the rule language: `aims query 'r in risk where r.level >= high'`
    Query(query::Args),
    /// Test the organisation's own rules: cases that state the findings they expect (`// expect: RULE@LINE`)
    Test(test::Args),
    /// What changed in the governance between two versions (folders or git revisions)
    Diff(diff::Args),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Human,
    Json,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// Options shared by every command that reads a spec.
#[derive(clap::Args, Debug, Clone)]
pub struct SpecArgs {
    /// Files or directories of the spec (directories are searched for .aims files)
    #[arg(default_value = ".")]
    pub paths: Vec<std::path::PathBuf>,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// When to use colours in human output
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// The date that "today" means, as YYYY-MM-DD (default: the real date)
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub as_of: Option<jiff::civil::Date>,
    /// Use the standard library in this directory instead of the built-in one
    #[arg(long, value_name = "DIR")]
    pub stdlib: Option<std::path::PathBuf>,
    #[command(flatten)]
    pub cache: CacheArgs,
}

/// The options that say which spec to read and how, shared by every command that reads one
/// and has its own `--format` (check, report, export, query, score).
#[derive(clap::Args, Debug, Clone)]
pub struct SpecInput {
    /// Files or directories of the spec (directories are searched for .aims files)
    #[arg(default_value = ".")]
    pub paths: Vec<std::path::PathBuf>,
    /// When to use colours in human output
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// The date that "today" means, as YYYY-MM-DD (default: the real date)
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub as_of: Option<jiff::civil::Date>,
    /// Use the standard library in this directory instead of the built-in one
    #[arg(long, value_name = "DIR")]
    pub stdlib: Option<std::path::PathBuf>,
    #[command(flatten)]
    pub cache: CacheArgs,
}

impl SpecInput {
    /// These options, with `format` for what a failure to start prints (JSON stays JSON).
    pub fn spec(&self, format: Format) -> SpecArgs {
        SpecArgs {
            paths: self.paths.clone(),
            format,
            color: self.color,
            as_of: self.as_of,
            stdlib: self.stdlib.clone(),
            cache: self.cache.clone(),
        }
    }
}

/// Where parsed trees and checked results are kept between runs (see `src/cache/` and
/// docs/cache.md).
#[derive(clap::Args, Debug, Clone, Default)]
pub struct CacheArgs {
    /// Keep parsed files and checked results in DIR (default: `.aims-cache` beside the spec; always safe to delete)
    #[arg(long, value_name = "DIR")]
    pub cache: Option<std::path::PathBuf>,
    /// Parse and check everything, and read or write no cache
    #[arg(long, conflicts_with = "cache")]
    pub no_cache: bool,
}

impl SpecArgs {
    /// The date "today" means: `--as-of`, or the real date.
    pub fn today(&self) -> jiff::civil::Date {
        self.as_of.unwrap_or_else(|| jiff::Zoned::now().date())
    }
}

/// Loads a spec (and the stdlib) and compiles it; a usage or I/O problem is reported and gives
/// the exit code to return.
pub(crate) fn compile_spec(spec: &SpecArgs) -> Result<crate::compile::Compilation, u8> {
    compile_spec_only(spec, None)
}

/// As [`compile_spec`], running only the rules named in `only` (`aims check --only`).
pub(crate) fn compile_spec_only(spec: &SpecArgs, only: Option<&[String]>) -> Result<crate::compile::Compilation, u8> {
    let read = load::read(spec).map_err(|e| output::fail_as(spec.format, &e.0))?;
    let scripts = scripts::DiskScripts::new(&spec.paths, spec.stdlib.clone());
    Ok(compile_read(spec, read, only, &scripts).0)
}

/// Compiles the files `read` with the scripts `scripts`, each file's tree from the tree cache
/// when there is one, and inspects the evidence files; also returns each evidence file looked
/// at and what was there.
pub(crate) fn compile_read(
    spec: &SpecArgs,
    mut read: load::Read,
    only: Option<&[String]>,
    scripts: &dyn crate::compile::Scripts,
) -> (crate::compile::Compilation, Vec<(crate::source::FileId, String, crate::evidence::Found)>) {
    let today = spec.today();
    let mut compilation = match cache_dir(spec) {
        None => {
            let early = std::mem::take(&mut read.early);
            crate::compile::compile_only(read.into_db(), early, today, scripts, &crate::cache::ParseAll, only)
        }
        Some(dir) => {
            // The texts were hashed as they were read: the tree cache does not hash them again.
            let trees = crate::cache::disk::DiskTrees::open(&dir).with_hashes(read.hashes());
            let early = std::mem::take(&mut read.early);
            let compilation = crate::compile::compile_only(read.into_db(), early, today, scripts, &trees, only);
            trees.prune();
            compilation
        }
    };
    let evidence = evidence::check(&mut compilation, spec);
    (compilation, evidence)
}

/// The cache folder of a run: `--cache DIR`, or `.aims-cache` in the folder of the first path
/// of the spec; `None` with `--no-cache`.
pub(crate) fn cache_dir(spec: &SpecArgs) -> Option<std::path::PathBuf> {
    if spec.cache.no_cache {
        return None;
    }
    if let Some(dir) = &spec.cache.cache {
        return Some(dir.clone());
    }
    // `AIMS_NO_CACHE=1`: no default cache, for a read-only checkout or a harness that must
    // leave the folders it checks as they are (`--cache DIR` still works).
    if std::env::var_os("AIMS_NO_CACHE").is_some_and(|v| !v.is_empty() && v != "0") {
        return None;
    }
    let first = spec.paths.first()?;
    let folder = if first.is_dir() { first.as_path() } else { first.parent().unwrap_or(std::path::Path::new(".")) };
    let folder = if folder.as_os_str().is_empty() { std::path::Path::new(".") } else { folder };
    Some(folder.join(crate::cache::disk::DEFAULT_DIR))
}

/// The options of a command that only needs the stdlib (and perhaps a spec's own rules).
fn stdlib_only(paths: Vec<std::path::PathBuf>, stdlib: Option<std::path::PathBuf>, format: Format) -> SpecArgs {
    // Listings read little and should leave no folder behind in what they list.
    let cache = CacheArgs { cache: None, no_cache: true };
    SpecArgs { paths, format, color: ColorChoice::Never, as_of: None, stdlib, cache }
}

pub(crate) fn parse_date(s: &str) -> Result<jiff::civil::Date, String> {
    let bytes = s.as_bytes();
    let shape_ok = bytes.len() == 10
        && bytes.iter().enumerate().all(|(i, b)| if i == 4 || i == 7 { *b == b'-' } else { b.is_ascii_digit() });
    if !shape_ok {
        return Err(format!("`{s}` is not a date: write it as YYYY-MM-DD, for example 2026-03-10"));
    }
    s.parse::<jiff::civil::Date>().map_err(|_| format!("`{s}` is not a real date"))
}

pub fn run(cli: Cli) -> ExitCode {
    let code = match cli.command {
        Command::Check(args) => check::run(args),
        Command::Kinds(args) => kinds::run(args),
        Command::Rules(args) => rules::run(args),
        Command::Explain(args) => explain::run(args),
        Command::Gap(args) => gap::run(args),
        Command::Score(args) => score::run(args),
        Command::Lsp(args) => lsp::run(args),
        Command::Fmt(args) => fmt::run(args),
        Command::Report(args) => report::run(args),
        Command::Export(args) => export::run(args),
        Command::Init(args) => init::run(args),
        Command::Pin(args) => pin::run(args),
        Command::Query(args) => query::run(args),
        Command::Test(args) => test::run(args),
        Command::Diff(args) => diff::run(args),
    };
    ExitCode::from(code)
}
