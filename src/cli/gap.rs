//! `aims gap`: the gap analysis of a spec against the catalogues of the stdlib (every one, or
//! the one `--framework` names), as text or JSON. What the statuses mean: docs/gap.md.

use super::output::{fail_as, json_failure, stream, stream_json, use_color, write_stdout};
use super::{Format, SpecArgs, EXIT_FINDINGS, EXIT_OK};
use crate::diagnostics::{did_you_mean, render};
use crate::report::gap::{self, Requirement, Standard, Status, View};
use std::fmt::Write as _;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    pub spec: SpecArgs,
    /// Only this catalogue, by its ID (`iso42001`, `iso23894`, `eu-ai-act`, `nist-ai-rmf`: the
    /// IDs of the `standard` items of the stdlib); default: every catalogue
    #[arg(long, value_name = "ID")]
    pub framework: Option<String>,
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
    let today = args.spec.today();
    let mut report = gap::build(&c.model, &c.rules, outcome, today);
    if let Some(want) = &args.framework {
        if !report.standards.iter().any(|s| &s.id == want) {
            let ids = report.ids();
            let hint = did_you_mean(want, ids.iter().copied()).map(|h| format!(" ({h})")).unwrap_or_default();
            let known = ids.iter().map(|i| format!("`{i}`")).collect::<Vec<_>>().join(", ");
            return fail_as(
                args.spec.format,
                &format!("there is no framework `{want}`{hint}; the catalogues are {known}"),
            );
        }
        report.standards.retain(|s| &s.id == want);
    }
    match args.spec.format {
        Format::Json => stream_json(&report),
        // One framework at a time: what is held in memory is the text of one catalogue.
        Format::Human => stream(|w| {
            let mut out = String::new();
            for std in &report.standards {
                out.clear();
                human(&mut out, std, today);
                out.push('\n');
                w.write_all(out.as_bytes())?;
            }
            w.write_all(LEGEND.as_bytes())
        }),
    }
    EXIT_OK
}

const LEGEND: &str = "ok met (a rule applied to an item and found nothing wrong), !! findings, ~~ partly met (from its counterparts), \
?? nothing in the spec to check, -- not covered by any rule, .. not checkable from a spec, xx excluded by the Statement of \
Applicability, >> not yet applicable, <> no counterpart in the crosswalk\n";

fn human(out: &mut String, std: &Standard, today: jiff::civil::Date) {
    let mut outside: Vec<(Status, usize)> = Vec::new();
    for r in std.groups.iter().flat_map(|g| &g.requirements).filter(|r| !r.status.counts()) {
        match outside.iter_mut().find(|(s, _)| *s == r.status) {
            Some((_, n)) => *n += 1,
            None => outside.push((r.status, 1)),
        }
    }
    let aside = if outside.is_empty() {
        String::new()
    } else {
        let parts: Vec<String> = outside.iter().map(|(s, n)| format!("{n} {}", s.label())).collect();
        format!("; outside the figure: {}", parts.join(", "))
    };
    match std.view {
        View::Certification => {
            let _ = writeln!(
                out,
                "{} ({}): {} of {} checkable requirements met, {}% ready{aside}",
                std.title,
                std.id,
                std.met,
                std.checkable,
                std.readiness.unwrap_or_default()
            );
        }
        View::Guidance => {
            let _ = writeln!(
                out,
                "{} ({}): guidance, no readiness figure: {} of {} addressed, {} not addressed{aside}",
                std.title,
                std.id,
                std.met,
                std.checkable,
                std.checkable - std.met
            );
        }
        View::Regulation => {
            let _ = writeln!(
                out,
                "{} ({}): regulation, as of {today}: {} of {} obligations met{aside}",
                std.title, std.id, std.met, std.checkable
            );
        }
    }
    if !std.maps_to.is_empty() {
        let _ = writeln!(
            out,
            "  read through its crosswalk to {}: a requirement no rule checks takes the statuses of its counterparts",
            std.maps_to.iter().map(|m| format!("`{m}`")).collect::<Vec<_>>().join(", ")
        );
        if std.no_counterpart.is_empty() {
            let _ = writeln!(out, "  every entry has a counterpart");
        } else {
            let _ = writeln!(out, "  no counterpart: {}", std.no_counterpart.join(", "));
        }
    }
    if let Some(systems) = &std.systems {
        let _ = writeln!(out, "\n  obligations per AI system (those a rule applied to the system):");
        for s in systems {
            let _ = writeln!(out, "    system {} \"{}\"", s.system, s.title);
            if s.obligations.is_empty() {
                let _ = writeln!(out, "      no obligation of this catalogue applied to it");
            }
            for o in &s.obligations {
                let _ = writeln!(out, "      {} {}  {}", o.status.mark(), o.reference, obligation_detail(o));
            }
        }
        if let Some(org) = std.organization.as_ref().filter(|o| !o.is_empty()) {
            let _ =
                writeln!(out, "    the organisation (rules about the spec as a whole, or items tied to no one system)");
            for o in org {
                let _ = writeln!(out, "      {} {}  {}", o.status.mark(), o.reference, obligation_detail(o));
            }
        }
    }
    let width =
        std.groups.iter().flat_map(|g| &g.requirements).map(|r| r.id.chars().count()).max().unwrap_or(0).max(10);
    for g in &std.groups {
        // An entry that is a requirement by itself, with nothing inside, needs no heading.
        if let [only] = g.requirements.as_slice() {
            if only.reference == g.reference {
                out.push('\n');
                requirement_line(out, only, std.view, width);
                continue;
            }
        }
        match g.readiness {
            Some(r) => {
                let _ = writeln!(out, "\n  {} {}: {r}% ready", g.reference, g.title);
            }
            None => {
                let _ = writeln!(out, "\n  {} {}", g.reference, g.title);
            }
        }
        for r in &g.requirements {
            requirement_line(out, r, std.view, width);
        }
    }
}

fn requirement_line(out: &mut String, r: &Requirement, view: View, width: usize) {
    let unverified = if r.verified { "" } else { " [title unverified]" };
    let (status, below) = detail(r, view);
    let _ = writeln!(out, "    {} {:<width$} {}{unverified}  {status}", r.status.mark(), r.id, r.title);
    for line in below {
        let _ = writeln!(out, "{:indent$}{line}", "", indent = width + 8);
    }
}

fn obligation_detail(o: &gap::Obligation) -> String {
    let by = o.rules.join(", ");
    match o.status {
        Status::NotYetApplicable => {
            format!("{}: not yet applicable (from {})", o.title, o.applies_from.as_deref().unwrap_or_default())
        }
        Status::Findings => format!("{}: findings ({}, by {by})", o.title, plural(o.findings, "finding")),
        _ => format!("{}: {} (checked by {by})", o.title, o.status.label()),
    }
}

/// What stands behind a requirement's status: the status on the requirement's line, then the
/// rules (grouped by why they found nothing, when they did) on the lines below.
fn detail(r: &Requirement, view: View) -> (String, Vec<String>) {
    let label = match (r.status, view) {
        (Status::Met, View::Guidance) => "addressed",
        (status, _) => status.label(),
    };
    if !r.maps.is_empty() {
        let parts =
            r.maps.iter().map(|m| format!("{} {}", m.reference, m.status.label())).collect::<Vec<_>>().join(", ");
        return (label.to_string(), vec![format!("from {parts}")]);
    }
    let rules = r.rules.join(", ");
    match r.status {
        Status::Met => (format!("{label} ({} looked at)", plural(r.items, "item")), vec![format!("rules: {rules}")]),
        Status::Findings => (
            format!("{label} ({}, {} looked at)", plural(r.findings, "finding"), plural(r.items, "item")),
            vec![format!("rules: {rules}")],
        ),
        Status::NoEvidence => {
            let mut by_why: Vec<(&str, Vec<&str>)> = Vec::new();
            for e in &r.evidence {
                let why = e.why.as_deref().unwrap_or("did not run");
                match by_why.iter_mut().find(|(w, _)| *w == why) {
                    Some((_, list)) => list.push(&e.rule),
                    None => by_why.push((why, vec![&e.rule])),
                }
            }
            (label.to_string(), by_why.into_iter().map(|(why, list)| format!("{why}: {}", list.join(", "))).collect())
        }
        Status::NotYetApplicable => {
            (format!("{label} (from {})", r.applies_from.as_deref().unwrap_or_default()), Vec::new())
        }
        _ => match &r.reason {
            // A justification written over several lines reads as one.
            Some(why) => (format!("{label}: {}", why.split_whitespace().collect::<Vec<_>>().join(" ")), Vec::new()),
            None => (label.to_string(), Vec::new()),
        },
    }
}

fn plural(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}
