//! GitHub Actions workflow commands: one `::error` / `::warning` / `::notice` annotation per
//! finding, as many as GitHub shows (10 of each level per step), then a plain line saying how
//! many more there are; and a Markdown table of every finding for the job summary.

use super::Place;
use crate::diagnostics::{Diagnostic, Severity};
use crate::source::SourceDb;
use std::fmt::Write as _;
use std::path::Path;

/// GitHub shows at most this many annotations of each level from one step.
pub const PER_LEVEL: usize = 10;
/// The job summary of a step holds at most 1 MiB; the table stops short of it.
const SUMMARY_LIMIT: usize = 1 << 20;

pub struct Annotations {
    /// Workflow commands for stdout.
    pub commands: Vec<u8>,
    /// Markdown for `$GITHUB_STEP_SUMMARY`.
    pub summary: String,
}

pub fn render(diags: &[Diagnostic], db: &SourceDb, base: &Path, verdict: &str) -> Annotations {
    let mut commands = String::new();
    let mut shown = [0usize; 3];
    let mut hidden = 0;
    for d in diags {
        let (command, slot) = match d.severity {
            Severity::Error => ("error", 0),
            Severity::Warning => ("warning", 1),
            Severity::Note => ("notice", 2),
        };
        if shown[slot] == PER_LEVEL {
            hidden += 1;
            continue;
        }
        shown[slot] += 1;
        let mut props = Vec::new();
        if let Some(p) = Place::primary(d, db, base) {
            props.push(format!("file={}", property(&p.path)));
            props.push(format!("line={}", p.line));
            props.push(format!("endLine={}", p.end_line));
            // Columns only make sense to GitHub on a one-line region.
            if p.line == p.end_line {
                props.push(format!("col={}", p.column));
                props.push(format!("endColumn={}", p.end_column));
            }
        }
        props.push(format!("title={}", property(&format!("aims {}", d.code))));
        let _ = writeln!(commands, "::{command} {}::{}", props.join(","), data(&super::message_with_help(d)));
    }
    if hidden > 0 {
        let _ = writeln!(
            commands,
            "{hidden} more findings are not annotated (GitHub shows {PER_LEVEL} of each level per step); \
             the job summary lists them all"
        );
    }
    let _ = writeln!(commands, "{verdict}");
    Annotations { commands: commands.into_bytes(), summary: summary(diags, db, base, verdict) }
}

fn summary(diags: &[Diagnostic], db: &SourceDb, base: &Path, verdict: &str) -> String {
    let mut out = format!("### aims check\n\n{verdict}\n\n");
    if diags.is_empty() {
        return out;
    }
    out.push_str("| level | code | where | finding |\n| --- | --- | --- | --- |\n");
    for (i, d) in diags.iter().enumerate() {
        let at =
            Place::primary(d, db, base).map_or_else(String::new, |p| format!("{}:{}:{}", p.path, p.line, p.column));
        let row = format!("| {} | `{}` | {} | {} |\n", d.severity.as_str(), d.code, cell(&at), cell(&d.message));
        if out.len() + row.len() + 100 > SUMMARY_LIMIT {
            let _ = writeln!(out, "\n{} more findings: run `aims check` to see them", diags.len() - i);
            break;
        }
        out.push_str(&row);
    }
    out
}

/// A Markdown table cell: pipes escaped, one line.
fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace(['\n', '\r'], " ")
}

/// Escaping of a command's message (actions/toolkit `escapeData`).
fn data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Escaping of a command's property value (actions/toolkit `escapeProperty`).
fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    #[test]
    fn escaping() {
        assert_eq!(super::data("50% done\nnext"), "50%25 done%0Anext");
        assert_eq!(super::property("a:b,c%"), "a%3Ab%2Cc%25");
    }
}
