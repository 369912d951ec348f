//! Markdown tables (GitHub-flavoured), one section per report.

use super::super::table::{Stamp, Table};
use std::fmt::Write as _;

/// A table cell: line breaks become `<br>`, and the control and bidi characters left (the
/// Markdown is read in terminals too) are written as escapes.
pub(crate) fn cell(s: &str) -> String {
    let s = s.replace('\\', "\\\\").replace('|', "\\|").replace("\r\n", "<br>").replace(['\n', '\r'], "<br>");
    crate::diagnostics::text::escape(&s).into_owned()
}

pub fn render(tables: &[Table], stamp: &Stamp) -> Vec<u8> {
    let mut out = String::new();
    for (i, t) in tables.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let _ = writeln!(out, "# {}\n\n{}, {} rows\n", t.title, stamp.line(), t.rows.len());
        let _ = writeln!(out, "| {} | findings |", t.columns.iter().map(|c| cell(c)).collect::<Vec<_>>().join(" | "));
        let _ = writeln!(out, "|{}", " --- |".repeat(t.columns.len() + 1));
        for r in &t.rows {
            let _ = writeln!(
                out,
                "| {} | {} |",
                r.cells.iter().map(|c| cell(c)).collect::<Vec<_>>().join(" | "),
                cell(&super::findings_cell(r))
            );
        }
    }
    out.into_bytes()
}
