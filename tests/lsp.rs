//! The language server, driven in-process by the fixture scripts of tests/fixtures/lsp (the
//! format is described in tests/lsp_harness/mod.rs); each fixture's answers are a snapshot.

mod lsp_harness;

use lsp_harness::{parse_fixture, place, Client};
use serde_json::{json, Value};
use std::fmt::Write as _;

fn position(client: &mut Client, at: &str) -> (String, Value) {
    let (file, line, character) = place(at);
    client.open(&file);
    let uri = client.uri(&file);
    (uri.clone(), json!({ "textDocument": { "uri": uri }, "position": { "line": line, "character": character } }))
}

fn document(client: &mut Client, file: &str) -> Value {
    client.open(file);
    json!({ "textDocument": { "uri": client.uri(file) } })
}

/// Diagnostics in a short, readable form: `line:col-line:col severity code: message`.
/// With a file named (`### [diagnostics] /systems.aims`), other files are only counted.
fn diagnostics(client: &Client, only: &str) -> String {
    let mut out = String::new();
    for (uri, diags) in &client.published {
        let name = client.redact(&json!(uri)).trim_matches('"').to_string();
        let list = diags.as_array().cloned().unwrap_or_default();
        let counted_only = !only.is_empty() && name != format!("file://{only}");
        if name.starts_with("aims-stdlib:") || counted_only {
            // The stdlib's catalogue holds findings about what the spec lacks (a decision on
            // every Annex A control): counted here, shown in full by the check snapshots.
            let mut codes: Vec<&str> = list.iter().filter_map(|d| d["code"].as_str()).collect();
            codes.dedup();
            let _ = writeln!(out, "{name}: {} ({})", list.len(), codes.join(", "));
            continue;
        }
        let _ = writeln!(out, "{name}: {}", list.len());
        for d in &list {
            let r = &d["range"];
            let sev = match d["severity"].as_u64() {
                Some(1) => "error",
                Some(2) => "warning",
                _ => "info",
            };
            let _ = writeln!(
                out,
                "  {}:{}-{}:{} {sev} {}: {}",
                r["start"]["line"],
                r["start"]["character"],
                r["end"]["line"],
                r["end"]["character"],
                d["code"].as_str().unwrap_or(""),
                d["message"].as_str().unwrap_or("").replace('\n', "\n    ")
            );
            for rel in d["relatedInformation"].as_array().into_iter().flatten() {
                let loc = client.redact(&rel["location"]["uri"]);
                let _ = writeln!(
                    out,
                    "    related {}:{}: {}",
                    loc.trim_matches('"'),
                    rel["location"]["range"]["start"]["line"],
                    rel["message"].as_str().unwrap_or("")
                );
            }
        }
    }
    out
}

fn run_fixture(text: &str) -> String {
    let (files, steps) = parse_fixture(text);
    let mut client = Client::start(&files);
    let mut out = String::new();
    for step in steps {
        let (verb, rest) = step.header.split_once(' ').unwrap_or((&step.header, ""));
        let verb = verb.trim_end_matches(']');
        let rest = rest.trim();
        let answer = match verb {
            "diagnostics" => {
                client.sync();
                let _ = writeln!(out, "### [{}\n{}", step.header, diagnostics(&client, rest));
                continue;
            }
            "change" => {
                client.change(rest, None, &step.body);
                let _ = writeln!(out, "### [change] {rest}\n");
                continue;
            }
            "close" => {
                client.close(rest);
                let _ = writeln!(out, "### [close] {rest}\n");
                continue;
            }
            "edit" => {
                let (file, span) = rest.split_once(':').expect("file:range");
                let (from, to) = span.split_once('-').expect("a range");
                let pos = |p: &str| {
                    let (l, c) = p.split_once(':').expect("line:col");
                    json!({ "line": l.parse::<u32>().unwrap(), "character": c.parse::<u32>().unwrap() })
                };
                let body = step.body.strip_suffix('\n').unwrap_or(&step.body);
                client.change(file, Some(json!({ "start": pos(from), "end": pos(to) })), body);
                let _ = writeln!(out, "### [edit] {rest}\n{body:?}\n");
                continue;
            }
            "hover" => {
                let (_, p) = position(&mut client, rest);
                client.request("textDocument/hover", p)
            }
            "definition" => {
                let (_, p) = position(&mut client, rest);
                client.request("textDocument/definition", p)
            }
            "references" => {
                let (_, mut p) = position(&mut client, rest);
                p["context"] = json!({ "includeDeclaration": true });
                client.request("textDocument/references", p)
            }
            "completion" => {
                let (_, p) = position(&mut client, rest);
                client.request("textDocument/completion", p)
            }
            "prepare-rename" => {
                let (_, p) = position(&mut client, rest);
                client.request("textDocument/prepareRename", p)
            }
            "rename" => {
                let (at, new_name) = rest.split_once(' ').expect("a place and a new name");
                let (_, mut p) = position(&mut client, at);
                p["newName"] = json!(new_name);
                client.request("textDocument/rename", p)
            }
            "code-actions" => {
                let (uri, p) = position(&mut client, rest);
                let pos = p["position"].clone();
                client.request(
                    "textDocument/codeAction",
                    json!({ "textDocument": { "uri": uri }, "range": { "start": pos, "end": pos }, "context": { "diagnostics": [] } }),
                )
            }
            "symbols" => {
                let p = document(&mut client, rest);
                client.request("textDocument/documentSymbol", p)
            }
            "workspace-symbols" => client.request("workspace/symbol", json!({ "query": rest })),
            "folding" => {
                let p = document(&mut client, rest);
                client.request("textDocument/foldingRange", p)
            }
            "tokens" => {
                let p = document(&mut client, rest);
                client.request("textDocument/semanticTokens/full", p)
            }
            "format" => {
                let mut p = document(&mut client, rest);
                p["options"] = json!({ "tabSize": 2, "insertSpaces": true });
                client.request("textDocument/formatting", p)
            }
            "stdlib-source" => client.request("aims/stdlibSource", json!({ "uri": rest })),
            other => panic!("unknown step `{other}`"),
        };
        let _ = writeln!(out, "### [{}\n{}\n", step.header, client.redact(&answer));
    }
    out
}

#[test]
fn lsp_fixtures() {
    insta::glob!("fixtures/lsp/*.txt", |path| {
        let text = std::fs::read_to_string(path).unwrap();
        insta::assert_snapshot!(run_fixture(&text));
    });
}

/// Half-typed text: every request on every cut of an example file is answered, never with an
/// internal error, and the server is still there to shut down at the end.
#[test]
fn half_typed_examples_never_break_the_server() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/llm-startup-gaps");
    let text = std::fs::read_to_string(root.join("risks.aims")).unwrap();
    let mut client = Client::start(&[("/risks.aims".to_string(), text.clone())]);
    client.open("/risks.aims");
    let cuts: Vec<usize> = (1..24).map(|i| text.len() * i / 24).filter(|c| text.is_char_boundary(*c)).collect();
    for cut in cuts {
        let partial = &text[..cut];
        client.change("/risks.aims", None, partial);
        let line = partial.matches('\n').count() as u32;
        let character = partial.rsplit('\n').next().unwrap_or("").encode_utf16().count() as u32;
        let uri = client.uri("/risks.aims");
        let at = json!({ "textDocument": { "uri": uri }, "position": { "line": line, "character": character } });
        for method in
            ["textDocument/hover", "textDocument/completion", "textDocument/definition", "textDocument/prepareRename"]
        {
            let answer = client.request(method, at.clone());
            let error = answer.get("error").and_then(Value::as_str).unwrap_or("");
            assert!(!error.contains("internal error"), "{method} at the end of {cut} bytes: {answer}");
        }
        let doc = json!({ "textDocument": { "uri": uri } });
        for method in ["textDocument/documentSymbol", "textDocument/foldingRange", "textDocument/semanticTokens/full"] {
            let answer = client.request(method, doc.clone());
            assert!(answer.get("error").is_none(), "{method} after {cut} bytes: {answer}");
        }
    }
}
