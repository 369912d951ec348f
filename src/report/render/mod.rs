//! Renderers of report tables: Markdown, CSV (RFC 4180), JSON, HTML, and iCalendar for the
//! calendar. They know tables, not the Model.

pub mod csv;
pub mod dashboard;
pub mod html;
pub mod ics;
pub mod markdown;

use super::table::{Row, Stamp, Table};
use serde::Serialize;

/// The findings of a row as one cell: `code (file:line:col)`, separated by `; `.
pub fn findings_cell(row: &Row) -> String {
    row.findings.iter().map(|f| format!("{} ({})", f.code, f.at)).collect::<Vec<_>>().join("; ")
}

#[derive(Serialize)]
struct JsonTable<'a> {
    kind: &'a str,
    title: &'a str,
    columns: &'a [String],
    rows: Vec<serde_json::Value>,
}

/// JSON of one or more tables with their stamp: `{version, as_of, revision, reports: [...]}`;
/// each row is an object keyed by column, plus `findings` and `flagged`.
pub fn json(tables: &[Table], stamp: &Stamp) -> Vec<u8> {
    let reports: Vec<JsonTable> = tables
        .iter()
        .map(|t| JsonTable {
            kind: t.kind,
            title: &t.title,
            columns: &t.columns,
            rows: t
                .rows
                .iter()
                .map(|r| {
                    let mut cells = serde_json::Map::new();
                    for (c, v) in t.columns.iter().zip(&r.cells) {
                        cells.entry(c.clone()).or_insert_with(|| serde_json::Value::String(v.clone()));
                    }
                    serde_json::json!({
                        "id": r.id,
                        "cells": cells,
                        "flagged": r.flagged,
                        "findings": r.findings,
                    })
                })
                .collect(),
        })
        .collect();
    let v = serde_json::json!({ "version": 1, "as_of": stamp.as_of, "revision": stamp.revision, "reports": reports });
    let mut out = serde_json::to_vec_pretty(&v).expect("a report serializes");
    out.push(b'\n');
    out
}

/// Escapes text for HTML element content and double-quoted attributes.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// An ID usable in an HTML `id` and a URL fragment.
pub fn anchor(kind: &str, id: &str) -> String {
    let safe: String =
        id.chars().map(|c| if c.is_ascii_alphanumeric() || "-_.".contains(c) { c } else { '-' }).collect();
    format!("{kind}-{safe}")
}

#[cfg(test)]
mod tests {
    #[test]
    fn html_escaping() {
        assert_eq!(
            super::esc("<script>\"x\" & 'y'</script>"),
            "&lt;script&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/script&gt;"
        );
        assert_eq!(super::anchor("soa", "A.7.4"), "soa-A.7.4");
        assert_eq!(super::anchor("risk", "a b:c"), "risk-a-b-c");
    }
}
