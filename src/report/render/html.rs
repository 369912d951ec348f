//! HTML pages: one self-contained file (inline CSS, no script, nothing fetched), every value
//! escaped. A table page for one report; the dashboard (`dashboard.rs`) uses the same parts.

use super::super::table::{Stamp, Table};
use super::{anchor, esc};
use std::fmt::Write as _;

pub const STYLE: &str = "\
body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:2rem;color:#1d2433;background:#fff}\
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.25rem;margin-top:2.2rem;border-bottom:2px solid #dde3ee;padding-bottom:.3rem}\
.stamp{color:#5b6478;margin-top:0}table{border-collapse:collapse;font-size:.82rem;width:100%}\
th,td{border:1px solid #dde3ee;padding:.3rem .45rem;vertical-align:top;text-align:left}\
th{background:#f2f5fa;position:sticky;top:0}tr.flagged td{background:#fff4e5}tr:target td{outline:2px solid #3a6ee8}\
.sev-error{color:#b3261e;font-weight:600}.sev-warning{color:#9a6700;font-weight:600}\
.cards{display:flex;flex-wrap:wrap;gap:1.5rem}.card{border:1px solid #dde3ee;border-radius:8px;padding:1rem;background:#fbfcfe}\
.wide{overflow-x:auto}nav a{margin-right:1rem}ol.findings li{margin-bottom:.25rem}\
";

/// The start of a page, up to and including the opening of `<body>`.
pub fn head(out: &mut String, title: &str, stamp: &Stamp) {
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\n\
         <title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<h1>{}</h1>\n<p class=\"stamp\">{}</p>\n",
        esc(title),
        esc(title),
        esc(&stamp.line())
    );
}

/// One report as an HTML table; rows carry anchors (`soa-A.7.4`) the findings link to.
pub fn table(out: &mut String, t: &Table) {
    let _ = writeln!(out, "<h2 id=\"{}\">{} <small>({} rows)</small></h2>", t.kind, esc(&t.title), t.rows.len());
    out.push_str("<div class=\"wide\"><table>\n<thead><tr>");
    for c in &t.columns {
        let _ = write!(out, "<th>{}</th>", esc(c));
    }
    out.push_str("<th>findings</th></tr></thead>\n<tbody>\n");
    for r in &t.rows {
        let class = if r.flagged { " class=\"flagged\"" } else { "" };
        let _ = write!(out, "<tr id=\"{}\"{class}>", esc(&anchor(t.kind, &r.id)));
        for c in &r.cells {
            let _ = write!(out, "<td>{}</td>", esc(c));
        }
        out.push_str("<td>");
        for (i, f) in r.findings.iter().enumerate() {
            if i > 0 {
                out.push_str("<br>");
            }
            let _ =
                write!(out, "<a class=\"sev-{}\" href=\"#finding-{}\">{}</a>", esc(&f.severity), f.index, esc(&f.code));
        }
        out.push_str("</td></tr>\n");
    }
    out.push_str("</tbody></table></div>\n");
}

/// A page of one or more reports, with the findings that affect their rows.
pub fn render(tables: &[Table], stamp: &Stamp, findings: &[super::super::table::FindingRef]) -> Vec<u8> {
    let mut out = String::new();
    let title = tables.first().map_or("aims report", |t| t.title.as_str());
    head(&mut out, title, stamp);
    for t in tables {
        table(&mut out, t);
    }
    super::dashboard::findings(&mut out, findings, tables);
    out.push_str("</body>\n</html>\n");
    out.into_bytes()
}
