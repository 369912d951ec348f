//! The language server (`aims lsp`): diagnostics, hover, navigation, completion, rename and
//! quick fixes for `.aims` files, over the Language Server Protocol.
//!
//! This room sits above the compiler and uses it; nothing below imports it. One file per
//! feature; [`world`] holds the workspace and the latest compilation, which [`worker`] makes on
//! a thread of its own. The loop handles the editor's messages in the order they arrive
//! (lsp-server), so an answer always describes its document as it was when the request was
//! sent: never an older text, and never a newer one (changes sent after a request wait until it
//! is answered). Requests about one document whose text the last analysis holds are answered
//! from it while a newer one compiles; the others wait for the newest (see
//! `ANSWERED_DURING_A_COMPILE`). Before a request is answered, the messages that have arrived
//! since are looked at, in passing: a `$/cancelRequest` for it among them makes the answer the
//! `RequestCancelled` error.

mod at;
mod code_action;
mod completion;
mod diagnostics;
mod first;
mod folding;
mod formatting;
mod hover;
mod navigation;
pub mod position;
mod rename;
mod symbols;
mod tokens;
pub mod uri;
mod worker;
mod world;

use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::{self as note, Notification as _};
use lsp_types::request::{self as req, Request as _};
use serde_json::{json, Value};
use std::panic::AssertUnwindSafe;
use world::World;

/// The keywords of the language, as the semantic tokens know them (tested against the grammar).
pub use tokens::KEYWORDS;

/// `aims/stdlibSource`: the text of an `aims-stdlib:` document, for clients to show it.
pub const STDLIB_SOURCE: &str = "aims/stdlibSource";

/// Options a client may pass in `initializationOptions`.
#[derive(serde::Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct Options {
    /// The date "today" means, as YYYY-MM-DD (tests and reproducible sessions); default: the
    /// real date.
    as_of: Option<String>,
}

pub fn capabilities() -> Value {
    json!({
        "positionEncoding": "utf-16",
        "textDocumentSync": { "openClose": true, "change": 2, "save": { "includeText": false } },
        "hoverProvider": true,
        "definitionProvider": true,
        "referencesProvider": true,
        "documentSymbolProvider": true,
        "workspaceSymbolProvider": true,
        "completionProvider": { "triggerCharacters": [":", " ", "[", ",", "."] },
        "renameProvider": { "prepareProvider": true },
        "codeActionProvider": { "codeActionKinds": ["quickfix"] },
        "foldingRangeProvider": true,
        "documentFormattingProvider": true,
        "semanticTokensProvider": {
            "legend": { "tokenTypes": tokens::TYPES, "tokenModifiers": tokens::MODIFIERS },
            "full": true
        },
    })
}

/// Runs the server on a connection until the client shuts it down.
pub fn run(connection: &Connection) -> Result<(), String> {
    let (id, params) = connection.initialize_start().map_err(|e| {
        if e.channel_is_disconnected() {
            "the editor closed the connection before it sent `initialize`".to_string()
        } else {
            e.to_string()
        }
    })?;
    let init: lsp_types::InitializeParams = serde_json::from_value(params).unwrap_or_default();
    let options: Options =
        init.initialization_options.clone().and_then(|o| serde_json::from_value(o).ok()).unwrap_or_default();
    let today = match options.as_of.as_deref().map(crate::cli::parse_date) {
        Some(Ok(d)) => d,
        Some(Err(why)) => {
            let _ = connection
                .sender
                .send(Message::Notification(show_message(&format!("initializationOptions.asOf: {why}"))));
            jiff::Zoned::now().date()
        }
        None => jiff::Zoned::now().date(),
    };
    #[allow(deprecated)] // `rootUri` is what older clients (Neovim 0.7) send
    let root = init
        .workspace_folders
        .as_ref()
        .and_then(|f| f.first())
        .map(|f| f.uri.as_str().to_string())
        .or_else(|| init.root_uri.as_ref().map(|u| u.as_str().to_string()))
        .and_then(|u| uri::file_path(&u));
    let result = json!({
        "capabilities": capabilities(),
        "serverInfo": { "name": "aims", "version": env!("CARGO_PKG_VERSION") },
    });
    connection.initialize_finish(id, result).map_err(|e| e.to_string())?;
    // Files created, changed or deleted outside the editor (a `git pull`) reach the server only
    // if it asks the client to watch them.
    let watch = init
        .capabilities
        .workspace
        .as_ref()
        .and_then(|w| w.did_change_watched_files.as_ref())
        .and_then(|d| d.dynamic_registration)
        .unwrap_or(false);
    if watch {
        let register = Request::new(
            RequestId::from("aims-watch-files".to_string()),
            req::RegisterCapability::METHOD.into(),
            json!({ "registrations": [{
                "id": "aims-watch-files",
                "method": note::DidChangeWatchedFiles::METHOD,
                "registerOptions": { "watchers": [{ "globPattern": "**/*.aims" }] }
            }] }),
        );
        let _ = connection.sender.send(Message::Request(register));
    }
    let timings = std::env::var_os("AIMS_LSP_TIMINGS").is_some();
    let (jobs, results) = worker::start();
    let mut server = Server {
        world: World::new(root, today),
        published: Default::default(),
        fingerprints: Default::default(),
        timings,
        connection,
        backlog: Default::default(),
        jobs,
        results,
        done: None,
        failed: false,
        retire: worker::start_freeing(),
    };
    server.main_loop()
}

fn show_message(text: &str) -> Notification {
    Notification::new(
        note::ShowMessage::METHOD.into(),
        lsp_types::ShowMessageParams { typ: lsp_types::MessageType::WARNING, message: text.into() },
    )
}

struct Server<'c> {
    world: World,
    /// What was last published for each URI, and for which version of an open document: a
    /// file whose findings did not change is not sent again (in a large spec a keystroke
    /// changes the findings of one file or a few).
    published: std::collections::HashMap<String, (Option<i32>, Vec<lsp_types::Diagnostic>)>,
    /// The fingerprint of what the full compile last published for each URI (none after the
    /// first diagnostics of an edit, which the next publication compares in full).
    fingerprints: std::collections::HashMap<String, u64>,
    /// `AIMS_LSP_TIMINGS=1`: how long each compilation and publication took, on stderr (the
    /// editor's log of the server).
    timings: bool,
    connection: &'c Connection,
    /// Messages read ahead (to find cancellations) and not handled yet, in the order they came.
    backlog: std::collections::VecDeque<Message>,
    /// To the compile thread, and back.
    jobs: crossbeam_channel::Sender<world::Job>,
    results: crossbeam_channel::Receiver<worker::Compiled>,
    /// The generation of the last job the compile thread finished, well or not.
    done: Option<u64>,
    /// The last compilation failed (an internal error), which was said once.
    failed: bool,
    /// To the thread that frees replaced snapshots.
    retire: crossbeam_channel::Sender<world::Snapshot>,
}

/// How long the editor must be silent before the work a change calls for starts.
const QUIET: std::time::Duration = std::time::Duration::from_millis(5);

/// Requests answered from a snapshot that holds the document's present text even while a
/// newer compilation runs: their answers are about that document alone, its own positions
/// and what it refers to as of the last compilation. Requests whose answers hold places in
/// other files (definition, references, rename, code actions) wait for the newest analysis.
const ANSWERED_DURING_A_COMPILE: &[&str] = &[
    req::HoverRequest::METHOD,
    req::Completion::METHOD,
    req::DocumentSymbolRequest::METHOD,
    req::FoldingRangeRequest::METHOD,
    req::SemanticTokensFullRequest::METHOD,
    req::Formatting::METHOD,
];

/// Requests answered at once even in a document edited since the last analysis, from the
/// editor's text of it and that analysis: completion reads only the text around the cursor
/// and the analysis's schema and IDs. (Hover too, outside the items the edit touches: see
/// `Server::hover_now`.) Typing never waits for the compile it starts.
const ANSWERED_FROM_THE_EDITORS_TEXT: &[&str] = &[req::Completion::METHOD];

impl Server<'_> {
    fn main_loop(&mut self) -> Result<(), String> {
        loop {
            // Compile once the editor is quiet: a burst of keystrokes costs one compilation.
            if self.world.dirty && self.backlog.is_empty() && self.connection.receiver.is_empty() {
                // Quiet means a few milliseconds without a message: an editor sends the
                // completion or hover that follows a keystroke at once, and those are answered
                // before the first diagnostics are made (which hold the loop for a moment).
                if let Ok(msg) = self.connection.receiver.recv_timeout(QUIET) {
                    self.backlog.push_back(msg);
                    continue;
                }
                // The edited files' own diagnostics first, at once, before the compile thread
                // starts competing for the processor; then the full compile.
                self.publish_first();
                self.submit();
            }
            let Some(msg) = self.next() else { return Ok(()) };
            match msg {
                Message::Request(req) if req.method == req::Shutdown::METHOD => {
                    self.send(Message::Response(Response::new_ok(req.id, ())));
                    return self.await_exit();
                }
                Message::Request(req) if self.cancelled(&req.id) => {
                    let message = "the editor cancelled this request".to_string();
                    self.send(Message::Response(Response::new_err(req.id, ErrorCode::RequestCanceled as i32, message)));
                }
                Message::Request(req) => self.request(req),
                // A cancellation left here came after its request was answered: nothing to do.
                Message::Notification(n) if n.method == note::Cancel::METHOD => {}
                Message::Notification(n) => self.notification(n),
                Message::Response(_) => {}
            }
        }
    }

    /// The next message from the editor: one read ahead, or the next to arrive; meanwhile the
    /// compilations that finish are taken in. `None` once the editor is gone.
    fn next(&mut self) -> Option<Message> {
        if let Some(msg) = self.backlog.pop_front() {
            return Some(msg);
        }
        let (editor, compiled) = (self.connection.receiver.clone(), self.results.clone());
        loop {
            crossbeam_channel::select! {
                recv(editor) -> msg => return msg.ok(),
                recv(compiled) -> result => match result {
                    Ok(result) => self.take_in(result),
                    // The compile thread is gone (it never is while the server runs).
                    Err(_) => return editor.recv().ok(),
                },
            }
        }
    }

    /// Sends the texts of this generation to the compile thread.
    fn submit(&mut self) {
        let job = self.world.job();
        let _ = self.jobs.send(job);
    }

    /// A compilation finished: its snapshot replaces an older one, and if it is of the newest
    /// texts, its diagnostics are published (the newest text wins: older ones are not shown).
    fn take_in(&mut self, result: worker::Compiled) {
        self.done = Some(result.generation);
        match result.snapshot {
            Some(snap) => {
                self.failed = false;
                if self.world.snapshot.as_ref().is_none_or(|s| s.generation < snap.generation) {
                    if let Some(old) = self.world.snapshot.replace(snap) {
                        // Freed on its own thread; if that thread is gone, here.
                        let _ = self.retire.send(old);
                    }
                }
                if result.generation == self.world.generation {
                    self.publish(result.took);
                }
            }
            None if !self.failed => {
                // A bug in the compiler must not take the editor's server down: keep the last
                // good analysis and say so once.
                self.failed = true;
                self.send(Message::Notification(show_message(
                    "aims could not check this text (an internal error); please report it with the file",
                )));
            }
            None => {}
        }
    }

    /// Waits until the compile thread has finished the newest texts (sending them if needed).
    fn await_newest(&mut self) {
        if self.world.dirty {
            self.publish_first();
            self.submit();
        }
        while self.done.is_none_or(|g| g < self.world.generation) {
            match self.results.recv() {
                Ok(result) => self.take_in(result),
                Err(_) => return,
            }
        }
    }

    /// Whether the editor has cancelled the request `id`: every message that has arrived is
    /// read into the backlog (and handled later, in order), and a `$/cancelRequest` for `id`
    /// among them is taken out.
    fn cancelled(&mut self, id: &RequestId) -> bool {
        self.backlog.extend(self.connection.receiver.try_iter());
        let is_cancel = |m: &Message| match m {
            Message::Notification(n) if n.method == note::Cancel::METHOD => {
                serde_json::from_value::<RequestId>(n.params["id"].clone()).is_ok_and(|c| c == *id)
            }
            _ => false,
        };
        match self.backlog.iter().position(is_cancel) {
            Some(i) => {
                self.backlog.remove(i);
                true
            }
            None => false,
        }
    }

    /// After `shutdown`: requests are refused until `exit` comes (within 30 s, as lsp-server has it).
    fn await_exit(&mut self) -> Result<(), String> {
        let wait = std::time::Duration::from_secs(30);
        loop {
            let msg = match self.backlog.pop_front() {
                Some(msg) => msg,
                None => match self.connection.receiver.recv_timeout(wait) {
                    Ok(msg) => msg,
                    Err(e) if e.is_timeout() => return Err("the editor did not send `exit` after `shutdown`".into()),
                    // The editor went away, which ends the session as `exit` would.
                    Err(_) => return Ok(()),
                },
            };
            match msg {
                Message::Notification(n) if n.method == note::Exit::METHOD => return Ok(()),
                Message::Request(r) => {
                    let message = "the server is shutting down".to_string();
                    self.send(Message::Response(Response::new_err(r.id, ErrorCode::InvalidRequest as i32, message)));
                }
                _ => {}
            }
        }
    }

    fn send(&self, msg: Message) {
        // The client has gone away when this fails; the loop ends on the next receive.
        let _ = self.connection.sender.send(msg);
    }

    /// Publishes the diagnostics of every file whose findings changed, or whose text did. A
    /// file whose text and findings are those of its last publication is not even put in the
    /// protocol's form again (`diagnostics::fingerprint`).
    fn publish(&mut self, compiled_in: std::time::Duration) {
        let started = std::time::Instant::now();
        let Some(snap) = self.world.snapshot.as_ref() else { return };
        let mut sent = 0;
        let mut seen = std::collections::HashSet::new();
        for prepared in &snap.findings {
            let uri = snap.uris[prepared.file.0 as usize].clone();
            seen.insert(uri.clone());
            let touched = self.world.touched.contains(&uri);
            let fingerprint = prepared.fingerprint;
            if !touched && self.fingerprints.get(&uri) == Some(&fingerprint) {
                continue;
            }
            let p = diagnostics::publication(snap, &prepared.findings(snap));
            self.fingerprints.insert(uri.clone(), fingerprint);
            if !touched && self.published.get(&uri).is_some_and(|(v, d)| *v == p.version && *d == p.diagnostics) {
                continue;
            }
            self.published.insert(uri, (p.version, p.diagnostics.clone()));
            sent += 1;
            self.send(Message::Notification(Notification::new(note::PublishDiagnostics::METHOD.into(), p)));
        }
        // A file that had findings and is gone from the run (deleted, or closed and not on disk).
        let gone: Vec<String> = self.published.keys().filter(|u| !seen.contains(*u)).cloned().collect();
        for uri in gone {
            self.published.remove(&uri);
            self.fingerprints.remove(&uri);
            let p = lsp_types::PublishDiagnosticsParams {
                uri: world::parse_uri(&uri),
                diagnostics: Vec::new(),
                version: None,
            };
            sent += 1;
            self.send(Message::Notification(Notification::new(note::PublishDiagnostics::METHOD.into(), p)));
        }
        self.world.touched.clear();
        if self.timings {
            eprintln!(
                "aims lsp: compiled in {:.1} ms, published {sent} files in {:.1} ms",
                compiled_in.as_secs_f64() * 1e3,
                started.elapsed().as_secs_f64() * 1e3
            );
        }
    }

    /// The first diagnostics of every open document changed since diagnostics were last
    /// published for it (`first.rs`): its own errors against the last complete analysis, and
    /// that analysis's findings carried through the edit. A document published here is no
    /// longer `touched`: the full compile's diagnostics are sent for it only if they differ.
    fn publish_first(&mut self) {
        let started = std::time::Instant::now();
        let Some(snap) = self.world.snapshot.as_mut() else { return };
        let mut uris: Vec<&String> = self.world.touched.iter().filter(|u| self.world.open.contains_key(*u)).collect();
        uris.sort();
        let mut sent = Vec::new();
        for uri in uris {
            let doc = &self.world.open[uri];
            if snap.version_of(uri) == Some(doc.version) {
                continue;
            }
            let first = std::panic::catch_unwind(AssertUnwindSafe(|| {
                first::first_diagnostics(snap, uri, &doc.text, doc.version)
            }));
            match first {
                Ok(Some(p)) => sent.push((uri.clone(), p)),
                Ok(None) => {}
                // The model may be half changed: no answer from it until the compile in
                // flight replaces it.
                Err(_) => {
                    self.world.snapshot = None;
                    break;
                }
            }
        }
        let count = sent.len();
        for (uri, p) in sent {
            self.world.touched.remove(&uri);
            self.fingerprints.remove(&uri);
            self.published.insert(uri, (p.version, p.diagnostics.clone()));
            self.send(Message::Notification(Notification::new(note::PublishDiagnostics::METHOD.into(), p)));
        }
        if self.timings && count > 0 {
            eprintln!(
                "aims lsp: first diagnostics of {count} edited files in {:.1} ms",
                started.elapsed().as_secs_f64() * 1e3
            );
        }
    }

    fn notification(&mut self, n: Notification) {
        let world = &mut self.world;
        match n.method.as_str() {
            note::DidOpenTextDocument::METHOD => {
                if let Ok(p) = serde_json::from_value::<lsp_types::DidOpenTextDocumentParams>(n.params) {
                    let doc = p.text_document;
                    world.touched.insert(doc.uri.as_str().into());
                    let changed_at = world.changed();
                    let open = world::OpenDoc { text: doc.text, version: doc.version, changed_at };
                    world.open.insert(doc.uri.as_str().into(), open);
                }
            }
            note::DidChangeTextDocument::METHOD => {
                if let Ok(p) = serde_json::from_value::<lsp_types::DidChangeTextDocumentParams>(n.params) {
                    let generation = world.generation + 1;
                    if let Some(doc) = world.open.get_mut(p.text_document.uri.as_str()) {
                        for change in p.content_changes {
                            apply_change(&mut doc.text, change);
                        }
                        doc.version = p.text_document.version;
                        doc.changed_at = generation;
                        world.changed();
                        world.touched.insert(p.text_document.uri.as_str().into());
                    }
                }
            }
            note::DidCloseTextDocument::METHOD => {
                if let Ok(p) = serde_json::from_value::<lsp_types::DidCloseTextDocumentParams>(n.params) {
                    let uri = p.text_document.uri.as_str().to_string();
                    world.open.remove(&uri);
                    // The disk has the last saved text, which is now the truth.
                    world.disk_changed(&uri);
                }
            }
            note::DidSaveTextDocument::METHOD => {
                if let Ok(p) = serde_json::from_value::<lsp_types::DidSaveTextDocumentParams>(n.params) {
                    // The buffer already holds the text; a new file saved into the workspace
                    // joins the files read from disk.
                    world.disk_changed(p.text_document.uri.as_str());
                }
            }
            note::DidChangeWatchedFiles::METHOD => {
                if let Ok(p) = serde_json::from_value::<lsp_types::DidChangeWatchedFilesParams>(n.params) {
                    for change in p.changes {
                        world.disk_changed(change.uri.as_str());
                    }
                }
            }
            _ => {}
        }
    }

    /// A hover in a document edited since the last analysis, answered from it when the edit
    /// leaves the hovered item alone (`hover::hover_fresh`); `None` to wait for the compile.
    fn hover_now(&self, r: &Request) -> Option<Response> {
        let uri = r.params.get("textDocument").and_then(|d| d.get("uri")).and_then(Value::as_str)?;
        let (doc, snap) = (self.world.open.get(uri)?, self.world.snapshot.as_ref()?);
        if self.world.current_for(uri) {
            return None;
        }
        let params = serde_json::from_value(r.params.clone()).ok()?;
        let answer = std::panic::catch_unwind(AssertUnwindSafe(|| hover::hover_fresh(snap, params, &doc.text)));
        Some(match answer {
            Ok(answer) => Response::new_ok(r.id.clone(), answer?),
            Err(_) => internal_error(r.id.clone()),
        })
    }

    fn request(&mut self, r: Request) {
        if r.method == req::HoverRequest::METHOD {
            if let Some(response) = self.hover_now(&r) {
                return self.send(Message::Response(response));
            }
        }
        // The stdlib's documents need no analysis; a request on a document whose present text
        // the last snapshot holds is answered from it; every other waits for the newest texts.
        let document = r.params.get("textDocument").and_then(|d| d.get("uri")).and_then(Value::as_str);
        let answerable_now = r.method == STDLIB_SOURCE
            || (ANSWERED_DURING_A_COMPILE.contains(&r.method.as_str())
                && document.is_some_and(|u| self.world.current_for(u)))
            || (ANSWERED_FROM_THE_EDITORS_TEXT.contains(&r.method.as_str())
                && self.world.snapshot.is_some()
                && document.is_some_and(|u| self.world.open.contains_key(u)));
        if !answerable_now {
            self.await_newest();
        }
        let id = r.id.clone();
        let answer = std::panic::catch_unwind(AssertUnwindSafe(|| self.answer(r)));
        let response = match answer {
            Ok(Some(Ok(value))) => Response::new_ok(id, value),
            Ok(Some(Err(message))) => Response::new_err(id, ErrorCode::RequestFailed as i32, message),
            Ok(None) => {
                Response::new_err(id, ErrorCode::MethodNotFound as i32, "aims does not answer this request".into())
            }
            Err(_) => internal_error(id),
        };
        self.send(Message::Response(response));
    }

    /// `None` for a method the server does not know.
    fn answer(&mut self, r: Request) -> Option<Result<Value, String>> {
        let params = r.params;
        if r.method == STDLIB_SOURCE {
            return Some(call(params, |p: lsp_types::TextDocumentIdentifier| {
                uri::stdlib_path(p.uri.as_str())
                    .and_then(|path| crate::stdlib::embedded().find(|(p, _)| *p == path))
                    .map(|(_, text)| text.to_string())
                    .ok_or_else(|| format!("`{}` is not a file of the aims standard library", p.uri.as_str()))
            }));
        }
        // The editor's text of the document, when the snapshot holds an older one.
        let document = params.get("textDocument").and_then(|d| d.get("uri")).and_then(Value::as_str);
        let fresh = document
            .filter(|u| !self.world.current_for(u))
            .and_then(|u| self.world.open.get(u))
            .map(|d| d.text.clone());
        let Some(snap) = self.world.snapshot.as_ref() else {
            return Some(Err("aims could not check the workspace yet (an internal error)".into()));
        };
        Some(match r.method.as_str() {
            req::HoverRequest::METHOD => call(params, |p| Ok(hover::hover(snap, p))),
            req::GotoDefinition::METHOD => call(params, |p| Ok(navigation::definition(snap, p))),
            req::References::METHOD => call(params, |p| Ok(navigation::references(snap, p))),
            req::DocumentSymbolRequest::METHOD => call(params, |p| Ok(symbols::document(snap, p))),
            req::WorkspaceSymbolRequest::METHOD => call(params, |p| Ok(symbols::workspace(snap, p))),
            req::Completion::METHOD => call(params, |p| Ok(completion::completion(snap, p, fresh.as_deref()))),
            req::PrepareRenameRequest::METHOD => call(params, |p| rename::prepare(snap, p)),
            req::Rename::METHOD => call(params, |p| rename::rename(snap, p)),
            req::CodeActionRequest::METHOD => call(params, |p| Ok(code_action::code_actions(snap, p))),
            req::FoldingRangeRequest::METHOD => call(params, |p| Ok(folding::folding_ranges(snap, p))),
            req::Formatting::METHOD => call(params, |p| formatting::formatting(snap, p)),
            req::SemanticTokensFullRequest::METHOD => call(params, |p| Ok(tokens::full(snap, p))),
            _ => return None,
        })
    }
}

/// Runs a handler on the request's parameters, read as `P`.
fn call<P: serde::de::DeserializeOwned, R: serde::Serialize>(
    params: Value,
    f: impl FnOnce(P) -> Result<R, String>,
) -> Result<Value, String> {
    let p: P = serde_json::from_value(params).map_err(|e| format!("the request's parameters do not fit: {e}"))?;
    f(p).map(|r| serde_json::to_value(r).unwrap_or(Value::Null))
}

fn internal_error(id: RequestId) -> Response {
    Response::new_err(id, ErrorCode::InternalError as i32, "aims could not answer (an internal error)".into())
}

/// Applies one change from the editor: a whole new text, or a range (in UTF-16 positions)
/// replaced by new text.
fn apply_change(text: &mut String, change: lsp_types::TextDocumentContentChangeEvent) {
    match change.range {
        None => *text = change.text,
        Some(range) => {
            let index = position::LineIndex::new(text);
            let start = index.offset(text, range.start);
            let end = index.offset(text, range.end).max(start);
            text.replace_range(start..end, &change.text);
        }
    }
}
