//! `aims check`: compile a spec and report every problem.

use super::output::{fail, plural, use_color, write_stdout};
use super::{Format, SpecArgs, EXIT_FINDINGS, EXIT_OK};
use crate::compile::Compilation;
use crate::diagnostics::render;
use serde::Serialize;
use std::io::Write as _;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    pub spec: SpecArgs,
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
    let mut c = match super::compile_spec(&args.spec) {
        Ok(c) => c,
        Err(code) => return code,
    };
    if !args.only.is_empty() {
        if let Some(unknown) = args.only.iter().find(|r| !c.rules.rules.contains_key(*r)) {
            let hint = crate::diagnostics::did_you_mean(unknown, c.rules.rules.keys().map(|k| k.as_str()))
                .map(|h| format!(" ({h})"))
                .unwrap_or_default();
            return fail(&format!("there is no rule `{unknown}`{hint}; `aims rules` lists them"));
        }
        let rules = &c.rules.rules;
        c.diagnostics.retain(|d| !rules.contains_key(&d.code) || args.only.contains(&d.code));
    }
    report(&c, &args.spec);
    let failed = c.error_count() > 0 || (args.deny_warnings && c.warning_count() > 0);
    // The process ends here; freeing a large model item by item would only cost time.
    std::mem::forget(c);
    if failed {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}

fn report(c: &Compilation, spec: &SpecArgs) {
    let summary = Summary {
        files: c.spec_file_count(),
        items: c.model.spec_item_count(),
        errors: c.error_count(),
        warnings: c.warning_count(),
        waived: c.outcome.as_ref().map_or(0, |o| o.waived),
        rules_run: c.outcome.is_some(),
    };
    match spec.format {
        Format::Json => {
            let report =
                JsonReport { version: 1, diagnostics: render::json_diagnostics(&c.diagnostics, &c.db), summary };
            let mut out = serde_json::to_vec_pretty(&report).expect("the report serializes");
            out.push(b'\n');
            write_stdout(&out);
        }
        Format::Human => {
            // Streamed: a spec with many errors is never held in memory as text.
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            let _ = render::stream_human(&mut out, &c.diagnostics, &c.db, use_color(spec.color));
            let mut verdict = if summary.errors == 0 && summary.warnings == 0 {
                "no problems found".to_string()
            } else {
                format!(
                    "{}, {}",
                    plural(summary.errors, "error", "errors"),
                    plural(summary.warnings, "warning", "warnings")
                )
            };
            if summary.waived > 0 {
                verdict.push_str(&format!(" ({} waived)", plural(summary.waived, "finding", "findings")));
            }
            if !summary.rules_run {
                verdict.push_str("; the governance rules run once these errors are fixed");
            }
            let _ = writeln!(
                out,
                "checked {}, {}: {verdict}",
                plural(summary.files, "file", "files"),
                plural(summary.items, "item", "items")
            );
            let _ = out.flush();
        }
    }
}
