//! `aims explain RULE|CODE`: the documentation of a rule, or of a diagnostic code.

use super::output::{fail, write_stdout};
use crate::diagnostics::{did_you_mean, CODES};
use std::fmt::Write as _;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// A rule id (`risk-treated`) or a diagnostic code (`E0203`)
    pub id: String,
    /// Use the standard library in this directory instead of the built-in one
    #[arg(long, value_name = "DIR")]
    pub stdlib: Option<std::path::PathBuf>,
}

pub fn run(args: Args) -> u8 {
    if let Some(code) = CODES.iter().find(|c| c.id.eq_ignore_ascii_case(&args.id)) {
        write_stdout(
            format!(
                "{} ({}): {}\n\nSee docs/diagnostics.md for what to do.\n",
                code.id,
                code.severity.as_str(),
                code.title
            )
            .as_bytes(),
        );
        return super::EXIT_OK;
    }
    let spec = super::stdlib_only(Vec::new(), args.stdlib.clone(), super::Format::Human);
    let c = match super::compile_spec(&spec) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let Some(rule) = c.rules.rules.get(&args.id) else {
        // A `--stdlib` with errors may have lost the very rule asked for: "there is no rule"
        // would mislead.
        let errors = super::output::reading_errors(&c);
        if !errors.is_empty() {
            let why = format!(
                "no rule `{}` was found, but the stdlib has errors and the rule may be in what could not be read; fix them first",
                args.id
            );
            return super::output::errors_and(&errors, &c.db, super::Format::Human, spec.color, &why);
        }
        let ids = c.rules.rules.keys().map(|k| k.as_str()).chain(CODES.iter().map(|c| c.id));
        let hint = did_you_mean(&args.id, ids).map(|h| format!(" ({h})")).unwrap_or_default();
        return fail(&format!("there is no rule `{}`{hint}; `aims rules` lists them", args.id));
    };
    let mut out = String::new();
    let _ = writeln!(out, "{}: {}", rule.id, rule.title);
    let _ = writeln!(out, "severity: {}", rule.severity.as_str());
    let _ = writeln!(out, "refs: {}", rule.refs.join(", "));
    if let Some(kind) = crate::rules::ranges_over(&c.model, rule) {
        let _ = writeln!(out, "applies to: every `{kind}`");
    }
    let _ = writeln!(out);
    let _ = writeln!(out, "{}", rule.doc.trim_end());
    write_stdout(out.as_bytes());
    super::EXIT_OK
}
