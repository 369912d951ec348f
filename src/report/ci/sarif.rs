//! SARIF 2.1.0, in the subset GitHub code scanning reads: every rule (the stdlib's, the
//! organisation's and the language's own codes) with short and full descriptions and help taken
//! from its documentation, results with a level, a message and a full region, and file URIs
//! relative to `%SRCROOT%`, the root of the checkout.

use super::Place;
use crate::diagnostics::{Diagnostic, Severity, CODES};
use crate::rules::RuleSet;
use crate::source::SourceDb;
use serde_json::{json, Value};
use std::path::Path;

/// GitHub rejects descriptions longer than this (characters).
const DESCRIPTION_LIMIT: usize = 1024;
/// GitHub keeps at most this many results of a run; a run above it is rejected.
const RESULT_LIMIT: usize = 25_000;
/// GitHub reads at most this many tags per rule.
const TAG_LIMIT: usize = 20;
/// The table of docs/diagnostics.md, the documentation of the language's own codes.
const DIAGNOSTICS_DOC: &str = include_str!("../../../docs/diagnostics.md");

/// The whole SARIF log of one `aims check` run, as pretty JSON ending in a newline.
pub fn render(diags: &[Diagnostic], db: &SourceDb, rules: &RuleSet, base: &Path) -> Vec<u8> {
    let descriptors = descriptors(rules);
    let index = |id: &str| descriptors.iter().position(|d| d["id"] == id);
    let results: Vec<Value> = diags.iter().take(RESULT_LIMIT).map(|d| result(d, db, base, index(&d.code))).collect();
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "aims",
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "rules": descriptors,
            }},
            "originalUriBaseIds": { "%SRCROOT%": { "description": { "text": "the folder aims was run in" } } },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    let mut out = serde_json::to_vec_pretty(&log).expect("a SARIF log serializes");
    out.push(b'\n');
    out
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

/// One reporting descriptor per rule, then one per language code, in a fixed order so that
/// rule indexes are stable for a given stdlib.
fn descriptors(rules: &RuleSet) -> Vec<Value> {
    let mut out = Vec::new();
    for rule in rules.rules.values() {
        let doc = rule.doc.trim();
        let full = doc.split("\n\n").next().unwrap_or(doc);
        let full = if full.is_empty() { rule.title.as_str() } else { full };
        let tags: Vec<&str> = rule.refs.iter().map(|r| r.as_str()).take(TAG_LIMIT).collect();
        let help = if doc.is_empty() { format!("run `aims explain {}`", rule.id) } else { doc.to_string() };
        out.push(json!({
            "id": rule.id,
            "name": rule.id,
            "shortDescription": { "text": clip(non_empty(&rule.title, &rule.id)) },
            "fullDescription": { "text": clip(&unwrap_lines(full)) },
            "defaultConfiguration": { "level": level(rule.default_severity) },
            "help": {
                "text": help,
                "markdown": format!("**{}**\n\n{}\n\nReferences: {}", rule.title, help, rule.refs.join(", ")),
            },
            "properties": { "tags": tags },
        }));
    }
    for code in CODES {
        let (means, todo) = documented(code.id).unwrap_or((code.title.to_string(), "see docs/diagnostics.md".into()));
        out.push(json!({
            "id": code.id,
            "name": code.id,
            "shortDescription": { "text": clip(code.title) },
            "fullDescription": { "text": clip(&means) },
            "defaultConfiguration": { "level": level(code.severity) },
            "help": { "text": todo, "markdown": format!("**{}**: {means}\n\nWhat to do: {todo}", code.id) },
            "properties": { "tags": ["language"] },
        }));
    }
    out
}

fn non_empty<'a>(s: &'a str, fallback: &'a str) -> &'a str {
    if s.trim().is_empty() {
        fallback
    } else {
        s
    }
}

/// A documentation paragraph as one line (rule docs are wrapped for the terminal).
fn unwrap_lines(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn clip(s: &str) -> String {
    if s.chars().count() <= DESCRIPTION_LIMIT {
        return s.to_string();
    }
    let mut out: String = s.chars().take(DESCRIPTION_LIMIT - 1).collect();
    out.push('…');
    out
}

/// "what it means" and "what to do" of a code, from its row in docs/diagnostics.md.
fn documented(code: &str) -> Option<(String, String)> {
    DIAGNOSTICS_DOC.lines().find_map(|line| {
        let cells: Vec<&str> = line.trim().trim_matches('|').split('|').map(str::trim).collect();
        match cells.as_slice() {
            [c, means, todo] if *c == code => Some((means.to_string(), todo.to_string())),
            _ => None,
        }
    })
}

fn result(d: &Diagnostic, db: &SourceDb, base: &Path, rule_index: Option<usize>) -> Value {
    let mut r = json!({
        "ruleId": d.code,
        "level": level(d.severity),
        "message": { "text": super::message_with_help(d) },
    });
    if let Some(i) = rule_index {
        r["ruleIndex"] = json!(i);
    }
    if let Some(place) = Place::primary(d, db, base) {
        let label = d.primary_label().map(|l| l.message.as_str()).unwrap_or_default();
        r["locations"] = json!([location(&place, label)]);
    }
    let related: Vec<Value> =
        d.labels.iter().filter(|l| !l.primary).map(|l| location(&Place::of(l, db, base), &l.message)).collect();
    if !related.is_empty() {
        let related: Vec<Value> = related
            .into_iter()
            .enumerate()
            .map(|(i, mut l)| {
                l["id"] = json!(i);
                l
            })
            .collect();
        r["relatedLocations"] = json!(related);
    }
    if !d.refs.is_empty() {
        r["properties"] = json!({ "refs": d.refs });
    }
    r
}

fn location(p: &Place, message: &str) -> Value {
    let mut l = json!({
        "physicalLocation": {
            "artifactLocation": { "uri": uri(&p.path), "uriBaseId": "%SRCROOT%" },
            "region": {
                "startLine": p.line,
                "startColumn": p.column,
                "endLine": p.end_line,
                "endColumn": p.end_column,
            },
        },
    });
    if !message.is_empty() {
        l["message"] = json!({ "text": message });
    }
    l
}

/// A relative path as a URI reference: every byte outside the unreserved set and `/` is
/// percent-encoded (spaces, `#`, `%`, non-ASCII letters).
fn uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn uris_are_encoded() {
        assert_eq!(super::uri("org/my spec#1.aims"), "org/my%20spec%231.aims");
        assert_eq!(super::uri("é.aims"), "%C3%A9.aims");
    }

    #[test]
    fn language_codes_are_documented() {
        for code in crate::diagnostics::CODES {
            assert!(super::documented(code.id).is_some(), "{} has a row in docs/diagnostics.md", code.id);
        }
    }
}
