//! What each fuzz target does with one input, shared by the cargo-fuzz targets (nightly) and by
//! `tests/fuzz_regressions.rs` (stable), which replays every input that once crashed aims.
//!
//! An input is split into files at lines that read `%%file` and into a scoring script at a line
//! that reads `%%script`; the libFuzzer dictionary (`fuzz/aims.dict`) holds both markers, so the
//! fuzzer learns to build several files and a script.

use aims::compile::{self, ScriptError, Scripts};
use aims::diagnostics::render;
use aims::source::{Origin, SourceFile};

/// Parse one file: never a panic, and every diagnostic renders.
pub fn parse(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let (_ast, diags) = aims::syntax::parse(&text, aims::source::FileId(0));
    let mut db = aims::source::SourceDb::default();
    db.add(SourceFile::new("fuzz.aims".into(), text.into_owned(), Origin::Spec));
    let _ = render::human(&diags, &db, false);
    let _ = serde_json::to_string(&render::json_diagnostics(&diags, &db));
}

struct MemoryScripts(Option<String>);

impl Scripts for MemoryScripts {
    fn read(&self, path: &str, _from: &str) -> Result<(String, String), ScriptError> {
        match &self.0 {
            Some(text) => Ok((path.to_string(), text.clone())),
            None => Err(ScriptError { why: format!("`{path}` is not in this input"), help: String::new() }),
        }
    }
    fn default_script(&self) -> Option<(String, String)> {
        compile::BuiltinScripts.default_script()
    }
}

/// Compile a whole spec (files and a script) with the stdlib, render the diagnostics both ways.
pub fn compile(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let (spec, script) = match text.split_once("\n%%script\n") {
        Some((spec, script)) => (spec, Some(script.to_string())),
        None => (&*text, None),
    };
    let mut db = compile::stdlib_db();
    for (i, file) in spec.split("\n%%file\n").take(8).enumerate() {
        db.add(SourceFile::new(format!("f{i}.aims"), file.to_string(), Origin::Spec));
    }
    let today = jiff::civil::date(2026, 12, 1);
    // The stdlib's trees are parsed once per thread, as in the language server; the input's own
    // trees are dropped after each run.
    thread_local! {
        static TREES: aims::cache::MemoryTrees = aims::cache::MemoryTrees::default();
    }
    let c = TREES.with(|trees| {
        let c = compile::compile_with(db, Vec::new(), today, &MemoryScripts(script), trees);
        trees.retain_only_used();
        c
    });
    let _ = render::human(&c.diagnostics, &c.db, false);
    let _ = serde_json::to_string(&render::json_diagnostics(&c.diagnostics, &c.db));
}

/// Format one file: never a panic; a result is itself formatted (idempotence), and a refusal
/// is a syntax error or the formatter's own "tree changed" guard.
pub fn fmt(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let options = aims::fmt::FormatOptions::default();
    if let Ok(once) = aims::fmt::format(&text, &options) {
        let twice = aims::fmt::format(&once, &options).expect("formatted text formats again");
        assert_eq!(once, twice, "formatting is idempotent");
    }
}

/// Open one document in the language server and ask it everything at a few positions taken
/// from the input's last bytes: every request is answered, and none with an internal error.
pub fn lsp(data: &[u8]) {
    use lsp_server::{Connection, Message, Notification, Request, RequestId};
    use serde_json::json;

    let (positions, text) = data.split_at(data.len().saturating_sub(4));
    let text = String::from_utf8_lossy(text).into_owned();
    let lines = text.split('\n').count() as u32;
    let (server, client) = Connection::memory();
    let thread = std::thread::spawn(move || aims::lsp::run(&server));
    let send = |m: Message| client.sender.send(m).expect("the server is listening");
    let request = |id: i32, method: &str, params: serde_json::Value| {
        send(Message::Request(Request::new(RequestId::from(id), method.into(), params)));
    };
    request(0, "initialize", json!({ "capabilities": {}, "initializationOptions": { "asOf": "2026-12-01" } }));
    send(Message::Notification(Notification::new("initialized".into(), json!({}))));
    let uri = "file:///fuzz/spec.aims";
    send(Message::Notification(Notification::new(
        "textDocument/didOpen".into(),
        json!({ "textDocument": { "uri": uri, "languageId": "aims", "version": 1, "text": text } }),
    )));
    let doc = json!({ "uri": uri });
    let mut id = 1;
    for pair in positions.chunks(2) {
        let line = u32::from(pair[0]) % lines.max(1);
        let character = u32::from(*pair.get(1).unwrap_or(&0)) % 120;
        let at = json!({ "textDocument": doc, "position": { "line": line, "character": character } });
        let range =
            json!({ "start": { "line": line, "character": 0 }, "end": { "line": line, "character": character } });
        for (method, params) in [
            ("textDocument/hover", at.clone()),
            ("textDocument/completion", at.clone()),
            ("textDocument/definition", at.clone()),
            (
                "textDocument/references",
                json!({ "textDocument": doc, "position": at["position"], "context": { "includeDeclaration": true } }),
            ),
            ("textDocument/prepareRename", at.clone()),
            ("textDocument/rename", json!({ "textDocument": doc, "position": at["position"], "newName": "renamed" })),
            (
                "textDocument/codeAction",
                json!({ "textDocument": doc, "range": range, "context": { "diagnostics": [] } }),
            ),
        ] {
            request(id, method, params);
            id += 1;
        }
    }
    for method in ["textDocument/documentSymbol", "textDocument/foldingRange", "textDocument/semanticTokens/full"] {
        request(id, method, json!({ "textDocument": doc }));
        id += 1;
    }
    request(
        id,
        "textDocument/formatting",
        json!({ "textDocument": doc, "options": { "tabSize": 2, "insertSpaces": true } }),
    );
    request(id + 1, "workspace/symbol", json!({ "query": "a" }));
    request(id + 2, "shutdown", json!(null));
    let last = RequestId::from(id + 2);
    while let Ok(message) = client.receiver.recv() {
        match message {
            Message::Response(r) => {
                // -32603: the server caught a panic while answering.
                if let Err(e) = &r.response_result {
                    assert_ne!(e.code, -32603, "request {:?} failed: {}", r.id, e.message);
                }
                if r.id == last {
                    break;
                }
            }
            Message::Notification(n) if n.method == "window/showMessage" => {
                let text = n.params["message"].as_str().unwrap_or_default();
                assert!(!text.contains("internal error"), "the server could not check the text: {text}");
            }
            _ => {}
        }
    }
    send(Message::Notification(Notification::new("exit".into(), json!(null))));
    thread.join().expect("the server thread ends").expect("the server ends cleanly");
}
