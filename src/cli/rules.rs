//! `aims rules`: every rule with its id, severity and title, and the catalogue entries it
//! cites with their titles (of any catalogue: ISO/IEC 42001, the EU AI Act, ...).

use super::output::{stream, stream_json};
use super::Format;
use serde::Serialize;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// A spec whose own rules and severity overrides are listed too (default: the stdlib's rules only)
    pub paths: Vec<std::path::PathBuf>,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Use the standard library in this directory instead of the built-in one
    #[arg(long, value_name = "DIR")]
    pub stdlib: Option<std::path::PathBuf>,
}

#[derive(Serialize)]
struct JsonRule<'a> {
    id: &'a str,
    title: &'a str,
    severity: &'a str,
    default_severity: &'a str,
    refs: &'a [String],
    /// The title of each catalogue entry in `refs`, in the same order.
    ref_titles: Vec<String>,
    origin: crate::source::Origin,
    applies_to: Option<&'a str>,
    doc: &'a str,
}

pub fn run(args: Args) -> u8 {
    let spec = super::stdlib_only(args.paths.clone(), args.stdlib.clone(), args.format);
    let c = match super::compile_spec(&spec) {
        Ok(c) => c,
        Err(code) => return code,
    };
    // A rule in a file that does not parse, or that does not type-check, is missing from the
    // list: a list without it would pass for complete.
    let errors = super::output::reading_errors(&c);
    if !errors.is_empty() {
        let why = "no rule list: the spec or the stdlib has errors, and a rule they hold may be missing; \
                   fix them and run `aims rules` again";
        return super::output::errors_and(&errors, &c.db, args.format, spec.color, why);
    }
    let rules: Vec<JsonRule> = c
        .rules
        .rules
        .values()
        .map(|r| JsonRule {
            id: &r.id,
            title: &r.title,
            severity: r.severity.as_str(),
            default_severity: r.default_severity.as_str(),
            refs: &r.refs,
            ref_titles: r.refs.iter().map(|x| super::explain::ref_title(&c.model, x).unwrap_or_default()).collect(),
            origin: r.origin,
            applies_to: crate::rules::ranges_over(&c.model, r),
            doc: &r.doc,
        })
        .collect();
    match args.format {
        Format::Json => stream_json(&rules),
        Format::Human => stream(|out| {
            let width = rules.iter().map(|r| r.id.len()).max().unwrap_or(0);
            for r in &rules {
                writeln!(out, "{:width$}  {:7}  {}", r.id, r.severity, r.title)?;
                for (reference, title) in r.refs.iter().zip(&r.ref_titles) {
                    writeln!(out, "{:width$}           {reference}  {title}", "")?;
                }
            }
            writeln!(out, "{} rules; `aims explain RULE` shows a rule's documentation", rules.len())
        }),
    }
    super::EXIT_OK
}
