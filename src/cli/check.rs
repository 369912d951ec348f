//! `aims check`: compile a spec and report every problem (or report the stored result of a
//! run over the very same inputs, see `cache::results`).

use super::checked::Checked;
use super::output::{fail, fail_as, plural, use_color, write_stdout};
use super::{Format, EXIT_FINDINGS, EXIT_OK};
use crate::diagnostics::{render, Severity};
use crate::report::ci;
use clap::ValueEnum;
use serde::Serialize;
use std::io::Write as _;

/// What `aims check` prints: for people, for scripts, and for CI platforms.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    Human,
    Json,
    /// SARIF 2.1.0, for GitHub code scanning
    Sarif,
    /// JUnit XML, for GitLab and Jenkins
    Junit,
    /// GitHub Actions annotations (and the job summary, when `GITHUB_STEP_SUMMARY` is set)
    Github,
}

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    pub input: super::SpecInput,
    /// Output format
    #[arg(long, value_enum, default_value_t = CheckFormat::Human)]
    pub format: CheckFormat,
    /// Exit with 1 when there are warnings, not only errors
    #[arg(long)]
    pub deny_warnings: bool,
    /// Report the findings of this rule only (repeatable); the language's own errors are always reported
    #[arg(long, value_name = "RULE")]
    pub only: Vec<String>,
}

#[derive(Serialize)]
struct JsonReport<'a> {
    /// Version of this JSON layout; see docs/json-output.md.
    version: u32,
    diagnostics: Vec<render::JsonDiagnostic<'a>>,
    summary: Summary,
}

#[derive(Serialize)]
struct Summary {
    files: usize,
    items: usize,
    errors: usize,
    warnings: usize,
    /// Rule findings set aside by a waiver in force.
    waived: usize,
    /// Whether the governance rules ran (they do not on a spec with errors).
    rules_run: bool,
}

pub fn run(args: Args) -> u8 {
    // A run that cannot start answers in JSON when JSON was asked for; the CI formats have no
    // place for such a failure, which is a plain message and exit code 2.
    let format = if args.format == CheckFormat::Json { Format::Json } else { Format::Human };
    let spec = args.input.spec(format);
    let only = (!args.only.is_empty()).then_some(args.only.as_slice());
    let mut c = match super::checked::check(&spec, only) {
        Ok(c) => c,
        Err(code) => return code,
    };
    if !args.only.is_empty() {
        if let Some(unknown) = args.only.iter().find(|r| !c.rules.rules.contains_key(*r)) {
            let hint = crate::diagnostics::did_you_mean(unknown, c.rules.rules.keys().map(|k| k.as_str()))
                .map(|h| format!(" ({h})"))
                .unwrap_or_default();
            return fail_as(format, &format!("there is no rule `{unknown}`{hint}; `aims rules` lists them"));
        }
        let rules = &c.rules.rules;
        c.diagnostics.retain(|d| !rules.contains_key(&d.code) || args.only.contains(&d.code));
    }
    if let Err(code) = report(&c, &args) {
        return code;
    }
    crate::timings::mark("reported");
    let failed = c.count(Severity::Error) > 0 || (args.deny_warnings && c.count(Severity::Warning) > 0);
    // The process ends here; freeing every text and finding one by one would only cost time.
    std::mem::forget(c);
    if failed {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}

fn report(c: &Checked, args: &Args) -> Result<(), u8> {
    let summary = Summary {
        files: c.spec_file_count(),
        items: c.items,
        errors: c.count(Severity::Error),
        warnings: c.count(Severity::Warning),
        waived: c.waived,
        rules_run: c.rules_run,
    };
    // CI platforms name files relative to the checkout, where aims runs.
    let base = std::env::current_dir().unwrap_or_default();
    match args.format {
        CheckFormat::Sarif => write_stdout(&ci::sarif::render(&c.diagnostics, &c.db, &c.rules, &base)),
        CheckFormat::Junit => write_stdout(&ci::junit::render(&c.diagnostics, &c.db, &base)),
        CheckFormat::Github => {
            let out = ci::github::render(&c.diagnostics, &c.db, &base, &verdict(&summary));
            write_stdout(&out.commands);
            if let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty()) {
                append(std::path::Path::new(&path), &out.summary)?;
            }
        }
        CheckFormat::Json => {
            let report =
                JsonReport { version: 1, diagnostics: render::json_diagnostics(&c.diagnostics, &c.db), summary };
            // Streamed: the report of a large spec runs to hundreds of megabytes, never held
            // whole; a closed pipe (`| head`) ends the writing, quietly.
            let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
            if serde_json::to_writer_pretty(&mut out, &report).is_ok() {
                let _ = out.write_all(b"\n");
            }
            let _ = out.flush();
        }
        CheckFormat::Human => {
            // Streamed: a spec with many errors is never held in memory as text.
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            let _ = render::stream_human(&mut out, &c.diagnostics, &c.db, use_color(args.input.color));
            let _ = writeln!(out, "{}", verdict(&summary));
            let _ = out.flush();
        }
    }
    Ok(())
}

/// `checked 4 files, 20 items: 3 errors, 1 warning`
fn verdict(summary: &Summary) -> String {
    let mut verdict = if summary.errors == 0 && summary.warnings == 0 {
        "no problems found".to_string()
    } else {
        format!("{}, {}", plural(summary.errors, "error", "errors"), plural(summary.warnings, "warning", "warnings"))
    };
    if summary.waived > 0 {
        verdict.push_str(&format!(" ({} waived)", plural(summary.waived, "finding", "findings")));
    }
    if !summary.rules_run {
        verdict.push_str("; the governance rules run once these errors are fixed");
    }
    format!("checked {}, {}: {verdict}", plural(summary.files, "file", "files"), plural(summary.items, "item", "items"))
}

/// Appends to the job summary file GitHub gives a step (it is meant to be appended to).
fn append(path: &std::path::Path, text: &str) -> Result<(), u8> {
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .and_then(|mut f| f.write_all(text.as_bytes()))
        .map_err(|e| fail(&format!("cannot write the job summary `{}`: {}", path.display(), super::read::io_words(&e))))
}
