//! `aims gap`: the gap analysis of a spec against every standard in the stdlib.

use super::output::{json_failure, use_color, write_stdout};
use super::{Format, SpecArgs, EXIT_FINDINGS, EXIT_OK};
use crate::diagnostics::render;
use crate::report::gap::{self, Status};
use std::fmt::Write as _;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    pub spec: SpecArgs,
}

pub fn run(args: Args) -> u8 {
    let c = match super::compile_spec(&args.spec) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let Some(outcome) = &c.outcome else {
        let why = "no gap analysis: the spec has errors, and the rules run once they are fixed";
        let out = match args.spec.format {
            Format::Json => json_failure(why, &c.diagnostics, &c.db),
            Format::Human => {
                let mut out = render::human(&c.diagnostics, &c.db, use_color(args.spec.color));
                out.extend_from_slice(format!("{why}\n").as_bytes());
                out
            }
        };
        write_stdout(&out);
        return EXIT_FINDINGS;
    };
    let report = gap::build(&c.model, &c.rules, outcome);
    match args.spec.format {
        Format::Json => {
            let mut out = serde_json::to_vec_pretty(&report).expect("the report serializes");
            out.push(b'\n');
            write_stdout(&out);
        }
        Format::Human => {
            let mut out = String::new();
            for std in &report.standards {
                let _ = writeln!(
                    out,
                    "{} ({}): {} of {} checkable requirements met, {}% ready",
                    std.title, std.id, std.met, std.checkable, std.readiness
                );
                for g in &std.groups {
                    let _ = writeln!(out, "\n  {} {}: {}% ready", g.reference, g.title, g.readiness);
                    for r in &g.requirements {
                        let mark = match r.status {
                            Status::Met => "ok",
                            Status::Findings => "!!",
                            Status::NoEvidence => "??",
                            Status::NotCovered => "--",
                            Status::NotCheckable => "..",
                            Status::Excluded => "xx",
                        };
                        let detail = match r.status {
                            Status::Findings => format!("{} ({})", r.status.label(), plural(r.findings)),
                            Status::NotCheckable | Status::Excluded => {
                                format!("{}: {}", r.status.label(), r.reason.as_deref().unwrap_or_default())
                            }
                            _ => r.status.label().to_string(),
                        };
                        let unverified = if r.verified { "" } else { " [title unverified]" };
                        let _ = writeln!(out, "    {mark} {:<10} {}{unverified}  {detail}", r.id, r.title);
                    }
                }
                out.push('\n');
            }
            out.push_str("ok met, !! findings, ?? nothing in the spec to check, -- not covered by any rule, .. not checkable from a spec, xx excluded by the Statement of Applicability\n");
            write_stdout(out.as_bytes());
        }
    }
    EXIT_OK
}

fn plural(n: usize) -> String {
    if n == 1 {
        "1 finding".into()
    } else {
        format!("{n} findings")
    }
}
