//! An in-process client for `aims lsp`: the server runs on a thread over
//! `lsp_server::Connection::memory()`, and a fixture script drives it.
//!
//! A fixture (tests/fixtures/lsp/*.txt) holds the files of a spec, then steps:
//!
//! ```text
//! ### /systems.aims            a file of the spec (written to a temporary workspace folder)
//! ...its text...
//! ### [hover] /systems.aims:3:10          a request at line 3, UTF-16 column 10 (both from 0)
//! ### [change] /systems.aims              the buffer's new text follows (unsaved)
//! ### [edit] /systems.aims:3:4-3:9        an incremental change; the new text follows
//! ### [close] /systems.aims               the buffer is closed: the file on disk counts again
//! ### [diagnostics]                       what the server has published by now
//! ```
//!
//! Requests: hover, definition, references, symbols, workspace-symbols QUERY, completion,
//! prepare-rename, rename (`### [rename] /f.aims:1:2 new_id`), code-actions, folding, tokens,
//! format. Files named in a step are opened first, as an editor does. The answers, with the
//! temporary folder's URI replaced by `file:///`, make the snapshot.

// Each test binary that includes the harness uses a part of it.
#![allow(dead_code)]

use lsp_server::{Connection, Message, Notification, Request, RequestId};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::time::Duration;

pub struct Client {
    conn: Connection,
    server: Option<std::thread::JoinHandle<()>>,
    next_id: i32,
    pub root: tempfile::TempDir,
    root_uri: String,
    /// The last diagnostics published for each URI.
    pub published: BTreeMap<String, Value>,
    opened: Vec<String>,
    versions: BTreeMap<String, i32>,
}

fn file_uri(path: &std::path::Path) -> String {
    aims::lsp::uri::file_uri(path)
}

impl Client {
    /// Writes `files` to a new workspace folder and starts a server on it.
    pub fn start(files: &[(String, String)]) -> Client {
        Client::start_with(files, |_| {})
    }

    /// As [`Client::start`], with what `queue` sends already waiting, in order, when the server
    /// starts reading: messages that arrive together, whatever the threads' timing.
    pub fn start_with(files: &[(String, String)], queue: impl FnOnce(&mut Client)) -> Client {
        let root = tempfile::tempdir().expect("a temporary folder");
        let root_path = root.path().canonicalize().expect("the folder exists");
        for (name, text) in files {
            let path = root_path.join(name.trim_start_matches('/'));
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, text).unwrap();
        }
        let (server_side, client_side) = Connection::memory();
        let root_uri = file_uri(&root_path);
        let mut client = Client {
            conn: client_side,
            server: None,
            next_id: 0,
            root,
            root_uri: root_uri.clone(),
            published: BTreeMap::new(),
            opened: Vec::new(),
            versions: BTreeMap::new(),
        };
        let init = client.send(
            "initialize",
            json!({
                "processId": null,
                "rootUri": root_uri,
                "capabilities": {},
                "initializationOptions": { "asOf": "2026-11-22" },
            }),
        );
        client.notify("initialized", json!({}));
        queue(&mut client);
        let server = std::thread::Builder::new()
            .stack_size(64 << 20)
            .spawn(move || {
                aims::lsp::run(&server_side).expect("the server ends cleanly");
            })
            .unwrap();
        client.server = Some(server);
        let init = client.answer(&init, "initialize").expect("initialize is answered");
        assert!(init.get("capabilities").is_some(), "initialize answers with capabilities: {init}");
        client
    }

    /// The URI of a spec file by its name in the fixture; `aims-stdlib:` URIs are kept as written.
    pub fn uri(&self, name: &str) -> String {
        if name.starts_with("aims-stdlib:") {
            return name.to_string();
        }
        format!("{}/{}", self.root_uri, name.trim_start_matches('/'))
    }

    /// Replaces the workspace URI with `file:///` so that snapshots do not depend on it.
    pub fn redact(&self, v: &Value) -> String {
        serde_json::to_string_pretty(v).unwrap().replace(&format!("{}/", self.root_uri), "file:///")
    }

    pub fn notify(&self, method: &str, params: Value) {
        self.conn.sender.send(Message::Notification(Notification::new(method.into(), params))).unwrap();
    }

    /// Sends a request and waits for its answer (an error becomes `{"error": message}`),
    /// keeping the diagnostics published meanwhile.
    pub fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.send(method, params);
        self.answer(&id, method).unwrap_or_else(|(_, message)| json!({ "error": message }))
    }

    /// Sends a request without waiting for its answer.
    pub fn send(&mut self, method: &str, params: Value) -> RequestId {
        self.next_id += 1;
        let id = RequestId::from(self.next_id);
        self.conn.sender.send(Message::Request(Request::new(id.clone(), method.into(), params))).unwrap();
        id
    }

    /// Waits for the answer to the request `id` (an error as its code and message), keeping
    /// the diagnostics published meanwhile.
    pub fn answer(&mut self, id: &RequestId, method: &str) -> Result<Value, (i32, String)> {
        loop {
            let msg = self
                .conn
                .receiver
                .recv_timeout(Duration::from_secs(60))
                .unwrap_or_else(|_| panic!("no answer to `{method}` within 60 s"));
            match msg {
                Message::Notification(n) if n.method == "textDocument/publishDiagnostics" => {
                    let uri = n.params["uri"].as_str().unwrap_or_default().to_string();
                    self.published.insert(uri, n.params["diagnostics"].clone());
                }
                Message::Notification(_) => {}
                Message::Response(r) if r.id == *id => {
                    return match r.response_result {
                        Err(e) => Err((e.code, e.message)),
                        Ok(v) => Ok(v),
                    };
                }
                Message::Response(_) | Message::Request(_) => {}
            }
        }
    }

    /// Waits for the next diagnostics published for the file `name` (those of other files
    /// published meanwhile are kept), and returns them.
    pub fn next_published(&mut self, name: &str) -> Value {
        let uri = self.uri(name);
        loop {
            let msg = self
                .conn
                .receiver
                .recv_timeout(Duration::from_secs(60))
                .unwrap_or_else(|_| panic!("no diagnostics for `{name}` within 60 s"));
            if let Message::Notification(n) = msg {
                if n.method == "textDocument/publishDiagnostics" {
                    let at = n.params["uri"].as_str().unwrap_or_default().to_string();
                    self.published.insert(at.clone(), n.params["diagnostics"].clone());
                    if at == uri {
                        return n.params;
                    }
                }
            }
        }
    }

    pub fn open(&mut self, name: &str) {
        let uri = self.uri(name);
        // The server knows the stdlib's documents without being sent them.
        if self.opened.contains(&uri) || uri.starts_with("aims-stdlib:") {
            return;
        }
        let path = self.root.path().canonicalize().unwrap().join(name.trim_start_matches('/'));
        let text = std::fs::read_to_string(path).unwrap_or_default();
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": uri, "languageId": "aims", "version": 0, "text": text } }),
        );
        self.versions.insert(uri.clone(), 0);
        self.opened.push(uri);
    }

    pub fn close(&mut self, name: &str) {
        let uri = self.uri(name);
        self.notify("textDocument/didClose", json!({ "textDocument": { "uri": uri } }));
        self.opened.retain(|u| *u != uri);
    }

    pub fn change(&mut self, name: &str, range: Option<Value>, text: &str) {
        self.open(name);
        let uri = self.uri(name);
        let version = {
            let v = self.versions.entry(uri.clone()).or_default();
            *v += 1;
            *v
        };
        let mut change = json!({ "text": text });
        if let Some(r) = range {
            change["range"] = r;
        }
        self.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": uri, "version": version }, "contentChanges": [change] }),
        );
    }

    /// Waits until the server has handled everything sent so far (a request is answered only
    /// after the diagnostics of earlier changes are out).
    pub fn sync(&mut self) {
        self.request("workspace/symbol", json!({ "query": "\u{1}" }));
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        if std::thread::panicking() {
            return;
        }
        let answer = self.request("shutdown", Value::Null);
        assert_eq!(answer, Value::Null, "shutdown is answered with null");
        self.notify("exit", Value::Null);
        if let Some(server) = self.server.take() {
            server.join().expect("the server thread ends without a panic");
        }
    }
}

/// One step of a fixture: the header after `### [` and the text below it.
pub struct Step {
    pub header: String,
    pub body: String,
}

/// Splits a fixture into its files and its steps.
pub fn parse_fixture(text: &str) -> (Vec<(String, String)>, Vec<Step>) {
    let mut files = Vec::new();
    let mut steps = Vec::new();
    for chunk in text.split("### ").filter(|c| !c.is_empty()) {
        let (header, body) = chunk.split_once('\n').unwrap_or((chunk, ""));
        if let Some(step) = header.strip_prefix('[') {
            steps.push(Step { header: step.trim().to_string(), body: body.to_string() });
        } else {
            files.push((header.trim().to_string(), body.to_string()));
        }
    }
    (files, steps)
}

/// `/systems.aims:3:10` as (file, line, column).
pub fn place(text: &str) -> (String, u32, u32) {
    let mut parts = text.rsplitn(3, ':');
    let col = parts.next().and_then(|c| c.parse().ok()).expect("a column");
    let line = parts.next().and_then(|l| l.parse().ok()).expect("a line");
    (parts.next().expect("a file").to_string(), line, col)
}
