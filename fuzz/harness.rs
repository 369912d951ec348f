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

/// One language server per thread, reused by every input: building a server and parsing the
/// stdlib cost far more than answering one document, so the fuzzer would spend its time there.
struct LspSession {
    client: lsp_server::Connection,
    /// The next request id; ids are never reused, so an answer is never taken for another's.
    next_id: i32,
    /// The version of the fuzzed document, which stays open and is replaced by each input.
    version: i32,
}

impl LspSession {
    fn start() -> Self {
        use lsp_server::{Connection, Message, Notification, Request, RequestId};
        use serde_json::json;
        let (server, client) = Connection::memory();
        // Detached: the server ends when `client` is dropped with the thread.
        std::thread::spawn(move || aims::lsp::run(&server));
        let init = json!({ "capabilities": {}, "initializationOptions": { "asOf": "2026-12-01" } });
        client.sender.send(Message::Request(Request::new(RequestId::from(0), "initialize".into(), init))).unwrap();
        loop {
            match client.receiver.recv().expect("the server answers `initialize`") {
                Message::Response(r) if r.id == RequestId::from(0) => break,
                _ => {}
            }
        }
        client.sender.send(Message::Notification(Notification::new("initialized".into(), json!({})))).unwrap();
        LspSession { client, next_id: 1, version: 0 }
    }
}

/// Puts one document in the language server (the text of the last input is replaced) and asks
/// it everything at a few positions taken from the input's last bytes: every request is
/// answered, and none with an internal error.
pub fn lsp(data: &[u8]) {
    thread_local! {
        static SESSION: std::cell::RefCell<Option<LspSession>> = const { std::cell::RefCell::new(None) };
    }
    SESSION.with(|s| {
        let mut s = s.borrow_mut();
        lsp_in(s.get_or_insert_with(LspSession::start), data);
    });
}

fn lsp_in(session: &mut LspSession, data: &[u8]) {
    use lsp_server::{Message, Notification, Request, RequestId};
    use serde_json::json;

    let (positions, text) = data.split_at(data.len().saturating_sub(4));
    let text = String::from_utf8_lossy(text).into_owned();
    let lines = text.split('\n').count() as u32;
    let client = &session.client;
    let send = |m: Message| client.sender.send(m).expect("the server is listening");
    let uri = "file:///fuzz/spec.aims";
    session.version += 1;
    let version = session.version;
    if version == 1 {
        send(Message::Notification(Notification::new(
            "textDocument/didOpen".into(),
            json!({ "textDocument": { "uri": uri, "languageId": "aims", "version": version, "text": text } }),
        )));
    } else {
        send(Message::Notification(Notification::new(
            "textDocument/didChange".into(),
            json!({ "textDocument": { "uri": uri, "version": version }, "contentChanges": [{ "text": text }] }),
        )));
    }
    let doc = json!({ "uri": uri });
    let mut requests: Vec<(&str, serde_json::Value)> = Vec::new();
    for pair in positions.chunks(2) {
        let line = u32::from(pair[0]) % lines.max(1);
        let character = u32::from(*pair.get(1).unwrap_or(&0)) % 120;
        let at = json!({ "textDocument": doc, "position": { "line": line, "character": character } });
        let range =
            json!({ "start": { "line": line, "character": 0 }, "end": { "line": line, "character": character } });
        requests.extend([
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
        ]);
    }
    for method in ["textDocument/documentSymbol", "textDocument/foldingRange", "textDocument/semanticTokens/full"] {
        requests.push((method, json!({ "textDocument": doc })));
    }
    requests.push((
        "textDocument/formatting",
        json!({ "textDocument": doc, "options": { "tabSize": 2, "insertSpaces": true } }),
    ));
    requests.push(("workspace/symbol", json!({ "query": "a" })));
    // Last, a request that waits for the newest analysis: once it is answered, every message
    // about this input (a failed compilation's notice included) has been sent.
    requests
        .push(("textDocument/definition", json!({ "textDocument": doc, "position": { "line": 0, "character": 0 } })));
    let mut last = RequestId::from(0);
    for (method, params) in requests {
        last = RequestId::from(session.next_id);
        session.next_id += 1;
        send(Message::Request(Request::new(last.clone(), method.into(), params)));
    }
    while let Ok(message) = client.receiver.recv() {
        match message {
            Message::Response(r) => {
                // -32603: the server caught a panic while answering.
                if let Err(e) = &r.response_result {
                    assert_ne!(e.code, -32603, "request {:?} failed: {}", r.id, e.message);
                }
                if r.id == last {
                    return;
                }
            }
            Message::Notification(n) if n.method == "window/showMessage" => {
                let text = n.params["message"].as_str().unwrap_or_default();
                assert!(!text.contains("internal error"), "the server could not check the text: {text}");
            }
            _ => {}
        }
    }
    panic!("the language server stopped");
}
