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

// The fields are in alphabetical order, the order the JSON had when it was built as one
// `serde_json::Value` (whose maps sort their keys): the layout is stable.
#[derive(Serialize)]
struct JsonReport<'a> {
    as_of: &'a str,
    reports: Vec<JsonTable<'a>>,
    revision: &'a Option<String>,
    version: u32,
}

#[derive(Serialize)]
struct JsonTable<'a> {
    columns: &'a [String],
    kind: &'a str,
    rows: JsonRows<'a>,
    title: &'a str,
}

/// The rows of a table, each made into JSON only as it is written: a report of a large spec
/// is never held whole in memory as a tree of values.
struct JsonRows<'a>(&'a Table);

impl Serialize for JsonRows<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let t = self.0;
        let mut seq = serializer.serialize_seq(Some(t.rows.len()))?;
        for r in &t.rows {
            let mut cells = serde_json::Map::new();
            for (c, v) in t.columns.iter().zip(&r.cells) {
                cells.entry(c.clone()).or_insert_with(|| serde_json::Value::String(v.clone()));
            }
            seq.serialize_element(&serde_json::json!({
                "id": r.id,
                "cells": cells,
                "flagged": r.flagged,
                "findings": r.findings,
            }))?;
        }
        seq.end()
    }
}

/// JSON of one or more tables with their stamp: `{version, as_of, revision, reports: [...]}`;
/// each row is an object keyed by column, plus `findings` and `flagged`. Written to `out` as
/// it is made.
pub fn write_json(out: &mut dyn std::io::Write, tables: &[Table], stamp: &Stamp) -> std::io::Result<()> {
    let reports = tables
        .iter()
        .map(|t| JsonTable { columns: &t.columns, kind: t.kind, rows: JsonRows(t), title: &t.title })
        .collect();
    let report = JsonReport { as_of: &stamp.as_of, reports, revision: &stamp.revision, version: 1 };
    serde_json::to_writer_pretty(&mut *out, &report)?;
    out.write_all(b"\n")
}

/// [`write_json`] into memory (for `--out`, which writes a file whole or not at all).
pub fn json(tables: &[Table], stamp: &Stamp) -> Vec<u8> {
    let mut out = Vec::new();
    write_json(&mut out, tables, stamp).expect("a report serializes");
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
