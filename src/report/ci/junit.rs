//! JUnit XML in the Surefire shape Jenkins and GitLab read (valid against the Jenkins xunit
//! plugin's junit-10.xsd): one `testsuite` per spec file, one failing `testcase` per finding,
//! and one passing case for a file without findings, so that a clean file shows as passed.

use super::Place;
use crate::diagnostics::Diagnostic;
use crate::source::{Origin, SourceDb};
use std::fmt::Write as _;
use std::path::Path;

pub fn render(diags: &[Diagnostic], db: &SourceDb, base: &Path) -> Vec<u8> {
    // Suites in file order; findings without a place (or in the stdlib) get a suite of their own.
    let mut suites: Vec<(String, Vec<&Diagnostic>)> = db
        .iter()
        .filter(|(_, f)| f.origin == Origin::Spec && !f.name.ends_with(".rhai"))
        .map(|(_, f)| (super::relative_path(&f.name, base), Vec::new()))
        .collect();
    for d in diags {
        let path = Place::primary(d, db, base).map_or_else(|| "aims".to_string(), |p| p.path);
        match suites.iter_mut().find(|(name, _)| *name == path) {
            Some((_, list)) => list.push(d),
            None => suites.push((path, vec![d])),
        }
    }
    let failures: usize = suites.iter().map(|(_, l)| l.len()).sum();
    let tests: usize = suites.iter().map(|(_, l)| l.len().max(1)).sum();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(out, "<testsuites name=\"aims check\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\">");
    for (name, list) in &suites {
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"0\" file=\"{}\">",
            attr(name),
            list.len().max(1),
            list.len(),
            attr(name)
        );
        if list.is_empty() {
            let _ = writeln!(out, "    <testcase name=\"no problems found\" classname=\"{}\"/>", attr(name));
        }
        for d in list {
            let place = Place::primary(d, db, base);
            let at = place.as_ref().map_or_else(|| name.clone(), |p| format!("{}:{}:{}", p.path, p.line, p.column));
            let _ = writeln!(
                out,
                "    <testcase name=\"{}: {}\" classname=\"{}\">",
                attr(&d.code),
                attr(&d.message),
                attr(&at)
            );
            let mut body = format!("{}[{}]: {}\n  at {at}\n", d.severity.as_str(), d.code, d.message);
            for n in &d.notes {
                let _ = writeln!(body, "  = {n}");
            }
            if !d.refs.is_empty() {
                let _ = writeln!(body, "  = see {}", d.refs.join(", "));
            }
            if let Some(h) = &d.help {
                let _ = writeln!(body, "  = help: {h}");
            }
            let _ = writeln!(
                out,
                "      <failure type=\"{}\" message=\"{}\">{}</failure>",
                d.severity.as_str(),
                attr(&d.message),
                text(&body)
            );
            out.push_str("    </testcase>\n");
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out.into_bytes()
}

/// Characters XML 1.0 cannot hold at all are dropped; the rest is escaped for element text.
fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

/// Escaped for a double-quoted attribute; line breaks are kept as character references, since
/// a parser would otherwise turn them into spaces.
fn attr(s: &str) -> String {
    text(s).replace('"', "&quot;").replace('\n', "&#10;").replace('\r', "&#13;").replace('\t', "&#9;")
}

#[cfg(test)]
mod tests {
    #[test]
    fn escaping() {
        assert_eq!(super::attr("a \"b\" <c> & d\ne"), "a &quot;b&quot; &lt;c&gt; &amp; d&#10;e");
        assert_eq!(super::text("bell\u{7} ok"), "bell ok");
    }
}
