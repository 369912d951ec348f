//! The language server (`aims lsp`): diagnostics, hover, navigation, completion, rename and
//! quick fixes for `.aims` files, over the Language Server Protocol.
//!
//! This room sits above the compiler and uses it; nothing below imports it. One file per
//! feature; [`world`] holds the workspace and the latest compilation. The loop is synchronous
//! and handles messages in the order they arrive (lsp-server), so an answer always describes
//! the text as it was when its request was sent: never an older one, and never a newer one
//! (changes sent after a request wait until it is answered). Before a request is answered, the
//! messages that have arrived since are looked at, in passing: a `$/cancelRequest` for it
//! among them makes the answer the `RequestCancelled` error.

mod at;
mod code_action;
mod completion;
mod diagnostics;
mod folding;
mod formatting;
mod hover;
mod navigation;
pub mod position;
mod rename;
mod symbols;
mod tokens;
pub mod uri;
mod world;

use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::{self as note, Notification as _};
use lsp_types::request::{self as req, Request as _};
use serde_json::{json, Value};
use std::panic::AssertUnwindSafe;
use world::World;

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
    let mut server = Server {
        world: World::new(root, today),
        published: Default::default(),
        timings,
        connection,
        backlog: Default::default(),
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
    /// What was last published for each URI: a file whose findings did not change is not
    /// sent again (in a large spec a keystroke changes the findings of one file or a few).
    published: std::collections::HashMap<String, Vec<lsp_types::Diagnostic>>,
    /// `AIMS_LSP_TIMINGS=1`: how long each compilation and publication took, on stderr (the
    /// editor's log of the server).
    timings: bool,
    connection: &'c Connection,
    /// Messages read ahead (to find cancellations) and not handled yet, in the order they came.
    backlog: std::collections::VecDeque<Message>,
}

impl Server<'_> {
    fn main_loop(&mut self) -> Result<(), String> {
        while let Some(msg) = self.next() {
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
            // Recompile once the editor is quiet: a burst of keystrokes costs one compilation.
            if self.world.dirty && self.backlog.is_empty() && self.connection.receiver.is_empty() {
                self.publish();
            }
        }
        Ok(())
    }

    /// The next message: one read ahead, or the next to arrive; `None` once the editor is gone.
    fn next(&mut self) -> Option<Message> {
        self.backlog.pop_front().or_else(|| self.connection.receiver.recv().ok())
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

    /// Recompiles and publishes the diagnostics of every file.
    fn publish(&mut self) {
        let world = &mut self.world;
        let started = std::time::Instant::now();
        let compiled = std::panic::catch_unwind(AssertUnwindSafe(|| {
            world.refresh();
        }));
        let compiled_at = started.elapsed();
        if compiled.is_err() {
            // A bug in the compiler must not take the editor's server down: keep the last good
            // analysis and say so once.
            self.world.dirty = false;
            self.send(Message::Notification(show_message(
                "aims could not check this text (an internal error); please report it with the file",
            )));
            return;
        }
        let Some(snap) = self.world.snapshot.as_ref() else { return };
        let previously: Vec<String> = self.published.keys().cloned().collect();
        let mut sent = 0;
        for p in diagnostics::publish_all(snap, &previously) {
            let uri = p.uri.as_str().to_string();
            if !self.world.touched.contains(&uri) && self.published.get(&uri) == Some(&p.diagnostics) {
                continue;
            }
            self.published.insert(uri, p.diagnostics.clone());
            sent += 1;
            let _ = self
                .connection
                .sender
                .send(Message::Notification(Notification::new(note::PublishDiagnostics::METHOD.into(), p)));
        }
        self.world.touched.clear();
        if self.timings {
            eprintln!(
                "aims lsp: compiled in {:.1} ms, published {sent} files in {:.1} ms",
                compiled_at.as_secs_f64() * 1e3,
                (started.elapsed() - compiled_at).as_secs_f64() * 1e3
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
                    world.open.insert(doc.uri.as_str().into(), world::OpenDoc { text: doc.text, version: doc.version });
                    world.dirty = true;
                }
            }
            note::DidChangeTextDocument::METHOD => {
                if let Ok(p) = serde_json::from_value::<lsp_types::DidChangeTextDocumentParams>(n.params) {
                    if let Some(doc) = world.open.get_mut(p.text_document.uri.as_str()) {
                        for change in p.content_changes {
                            apply_change(&mut doc.text, change);
                        }
                        doc.version = p.text_document.version;
                        world.dirty = true;
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

    fn request(&mut self, r: Request) {
        if self.world.dirty {
            self.publish();
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
        let snap = self.world.snapshot();
        let params = r.params;
        fn call<P: serde::de::DeserializeOwned, R: serde::Serialize>(
            params: Value,
            f: impl FnOnce(P) -> Result<R, String>,
        ) -> Result<Value, String> {
            let p: P =
                serde_json::from_value(params).map_err(|e| format!("the request's parameters do not fit: {e}"))?;
            f(p).map(|r| serde_json::to_value(r).unwrap_or(Value::Null))
        }
        Some(match r.method.as_str() {
            req::HoverRequest::METHOD => call(params, |p| Ok(hover::hover(snap, p))),
            req::GotoDefinition::METHOD => call(params, |p| Ok(navigation::definition(snap, p))),
            req::References::METHOD => call(params, |p| Ok(navigation::references(snap, p))),
            req::DocumentSymbolRequest::METHOD => call(params, |p| Ok(symbols::document(snap, p))),
            req::WorkspaceSymbolRequest::METHOD => call(params, |p| Ok(symbols::workspace(snap, p))),
            req::Completion::METHOD => call(params, |p| Ok(completion::completion(snap, p))),
            req::PrepareRenameRequest::METHOD => call(params, |p| rename::prepare(snap, p)),
            req::Rename::METHOD => call(params, |p| rename::rename(snap, p)),
            req::CodeActionRequest::METHOD => call(params, |p| Ok(code_action::code_actions(snap, p))),
            req::FoldingRangeRequest::METHOD => call(params, |p| Ok(folding::folding_ranges(snap, p))),
            req::Formatting::METHOD => call(params, |p| formatting::formatting(snap, p)),
            req::SemanticTokensFullRequest::METHOD => call(params, |p| Ok(tokens::full(snap, p))),
            STDLIB_SOURCE => call(params, |p: lsp_types::TextDocumentIdentifier| {
                uri::stdlib_path(p.uri.as_str())
                    .and_then(|path| crate::stdlib::embedded().find(|(p, _)| *p == path))
                    .map(|(_, text)| text.to_string())
                    .ok_or_else(|| format!("`{}` is not a file of the aims standard library", p.uri.as_str()))
            }),
            _ => return None,
        })
    }
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
