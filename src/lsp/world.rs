//! The server's picture of the workspace: the spec files on disk, the buffers the editor has
//! open (which win over the disk), and the latest compilation of them all.
//!
//! Every change marks the world dirty and counts one more generation; the first moment the
//! editor is quiet, or a request that needs it, sends a [`Job`] (the texts of that generation)
//! to the compile thread (`worker.rs`), and the [`Snapshot`] it makes comes back to the loop.

use super::position::LineIndex;
use super::uri;
use crate::compile::{self, Compilation, ScriptError, Scripts};
use crate::sema::NodeId;
use crate::source::{FileId, Origin, SourceFile, Span};
use crate::syntax::ast::Ast;
use std::cell::OnceCell;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub struct OpenDoc {
    pub text: String,
    pub version: i32,
    /// The generation of the world when this text was last set.
    pub changed_at: u64,
}

pub struct World {
    pub root: Option<PathBuf>,
    /// Spec files found under the root, by URI, in path order.
    /// (Shared with the jobs: the compile thread copies a text, not the loop.)
    disk: BTreeMap<String, Arc<str>>,
    pub open: HashMap<String, OpenDoc>,
    pub today: jiff::civil::Date,
    pub snapshot: Option<Snapshot>,
    /// Something changed since the last job was sent to the compile thread.
    pub dirty: bool,
    /// Counts the changes: a snapshot compiled from this generation's texts is current.
    pub generation: u64,
    /// Documents whose text changed since diagnostics were last published: they are published
    /// again even when their findings are the same, so the editor knows they are current.
    pub touched: std::collections::HashSet<String>,
}

impl World {
    pub fn new(root: Option<PathBuf>, today: jiff::civil::Date) -> Self {
        let mut world = World {
            root,
            disk: BTreeMap::new(),
            open: HashMap::new(),
            today,
            snapshot: None,
            dirty: true,
            generation: 0,
            touched: Default::default(),
        };
        world.rescan();
        world
    }

    /// Reads every `.aims` file under the root again (hidden folders and `target` skipped, as
    /// `aims check` does).
    pub fn rescan(&mut self) {
        self.disk.clear();
        let Some(root) = self.root.clone() else { return };
        let mut stack = vec![root];
        while let Some(dir) = stack.pop() {
            let Ok(entries) = std::fs::read_dir(&dir) else { continue };
            for entry in entries.flatten() {
                let path = entry.path();
                let name = entry.file_name().to_string_lossy().into_owned();
                if entry.file_type().map(|t| t.is_dir()).unwrap_or(false) {
                    if !name.starts_with('.') && name != "target" {
                        stack.push(path);
                    }
                } else if name.ends_with(".aims") {
                    self.read_disk(&path);
                }
            }
        }
        self.changed();
    }

    /// Marks a change; returns the new generation.
    pub fn changed(&mut self) -> u64 {
        self.dirty = true;
        self.generation += 1;
        self.generation
    }

    /// Whether the snapshot holds the text the editor now has for `uri`: compiled from this
    /// very generation, or from a later job of which this open document had its present text.
    pub fn current_for(&self, uri: &str) -> bool {
        let Some(snap) = &self.snapshot else { return false };
        snap.generation == self.generation
            || self.open.get(uri).is_some_and(|doc| snap.stamps.get(uri) == Some(&doc.changed_at))
    }

    /// Reads a spec file as `aims check` does: only a regular file (a FIFO would block the
    /// server for ever, `/dev/zero` fill its memory), at most `MAX_FILE_BYTES`, and only inside
    /// the workspace once links are followed. Anything else is left out of the workspace.
    fn read_disk(&mut self, path: &Path) {
        let inside = match (&self.root, std::fs::canonicalize(path)) {
            (Some(root), Ok(real)) => std::fs::canonicalize(root).is_ok_and(|root| real.starts_with(root)),
            _ => false,
        };
        let read =
            if inside { crate::cli::read::regular_file(path, crate::cli::load::MAX_FILE_BYTES).ok() } else { None };
        let Some(bytes) = read else {
            // A file that became unreadable (replaced by a FIFO) no longer counts.
            self.disk.remove(&uri::file_uri(path));
            return;
        };
        // Invalid UTF-8 is reported by the compiler's own check when the file is opened;
        // from disk it is read with replacement characters so the rest still checks.
        self.disk.insert(uri::file_uri(path), Arc::from(String::from_utf8_lossy(&bytes)));
    }

    /// A file changed on disk (or was created or deleted) while not open in the editor.
    pub fn disk_changed(&mut self, uri: &str) {
        self.touched.insert(uri.to_string());
        if let Some(path) = uri::file_path(uri) {
            if path.exists() {
                if self.in_workspace(&path) {
                    self.read_disk(&path);
                }
            } else {
                self.disk.remove(uri);
            }
            self.changed();
        }
    }

    fn in_workspace(&self, path: &Path) -> bool {
        self.root.as_ref().is_some_and(|r| path.starts_with(r))
            && path.extension().is_some_and(|e| e == "aims")
            && !path.components().any(|c| {
                let c = c.as_os_str().to_string_lossy();
                c.starts_with('.') && c != "." && c != ".."
            })
    }

    /// The name a file has in diagnostics: its path relative to the workspace folder.
    fn display_name(&self, uri: &str) -> String {
        match (uri::file_path(uri), &self.root) {
            (Some(p), Some(root)) => p.strip_prefix(root).unwrap_or(&p).to_string_lossy().replace('\\', "/"),
            (Some(p), None) => p.to_string_lossy().replace('\\', "/"),
            (None, _) => uri.to_string(),
        }
    }

    /// The texts of this generation, for the compile thread; the world is clean afterwards.
    pub fn job(&mut self) -> Job {
        // Files in path order; a buffer replaces the file on disk. Both are keyed by the URI as
        // aims writes it, since clients escape paths differently (`@`, `+`, drive letters);
        // diagnostics go back under the client's own URI.
        let mut spec: BTreeMap<String, (&str, Arc<str>)> =
            self.disk.iter().map(|(u, t)| (u.clone(), (u.as_str(), t.clone()))).collect();
        for (u, doc) in &self.open {
            if uri::stdlib_path(u).is_none() && (u.ends_with(".aims") || uri::file_path(u).is_none()) {
                let key = uri::file_path(u).map_or_else(|| u.clone(), |p| uri::file_uri(&p));
                spec.insert(key, (u.as_str(), Arc::from(doc.text.as_str())));
            }
        }
        let files = spec.into_iter().map(|(key, (u, text))| (self.display_name(&key), u.to_string(), text)).collect();
        self.dirty = false;
        Job {
            generation: self.generation,
            files,
            root: self.root.clone(),
            today: self.today,
            stamps: self.open.iter().map(|(u, d)| (u.clone(), d.changed_at)).collect(),
            versions: self.open.iter().map(|(u, d)| (u.clone(), d.version)).collect(),
        }
    }
}

/// How many of the documents edited last get their tree ready in a snapshot.
const EDITED_TREES: usize = 4;

/// What the compile thread needs to make a snapshot: the spec's files of one generation.
pub struct Job {
    pub generation: u64,
    /// (name in diagnostics, URI as the editor writes it, text), in path order.
    files: Vec<(String, String, Arc<str>)>,
    root: Option<PathBuf>,
    today: jiff::civil::Date,
    stamps: HashMap<String, u64>,
    versions: HashMap<String, i32>,
}

impl Job {
    /// Compiles the job's texts with the stdlib; `trees` holds the parsed trees and checked
    /// nodes of earlier compilations, so that only the files that changed are parsed and
    /// checked again.
    pub fn compile(self, trees: &crate::cache::MemoryTrees) -> Snapshot {
        let mut db = compile::stdlib_db();
        let mut uris: Vec<String> = db.iter().map(|(_, f)| uri::stdlib_uri(&f.name)).collect();
        for (name, u, text) in self.files {
            db.add(SourceFile::new(name, text.to_string(), Origin::Spec));
            uris.push(u);
        }
        let scripts = WorkspaceScripts { root: self.root.clone() };
        let compilation = compile::compile_with(db, Vec::new(), self.today, &scripts, trees);
        trees.retain_only_used();
        // Scoring scripts are added to the run after the spec files.
        for (_, f) in compilation.db.iter().skip(uris.len()) {
            uris.push(match (&self.root, f.origin) {
                (_, Origin::Stdlib) => uri::stdlib_uri(&f.name),
                (Some(root), Origin::Spec) => uri::file_uri(&root.join(&f.name)),
                (None, Origin::Spec) => f.name.clone(),
            });
        }
        let mut snap = Snapshot::new(compilation, uris, self.today);
        // The trees of the documents edited last, copied from the store on this thread: a
        // hover or completion in them while the next compile runs reads the analysed text's
        // tree, and parsing a large file for it on the server's loop would hold that answer
        // (and every other) for tens of milliseconds.
        let mut edited: Vec<(&String, &u64)> = self.stamps.iter().collect();
        edited.sort_by(|a, b| b.1.cmp(a.1).then_with(|| a.0.cmp(b.0)));
        for (u, _) in edited.into_iter().take(EDITED_TREES) {
            if let Some(id) = snap.file_id(u) {
                let (ast, _) = crate::cache::Trees::parse(trees, &snap.c.db.get(id).text, id);
                let _ = snap.trees[id.0 as usize].set(ast);
            }
        }
        snap.generation = self.generation;
        snap.stamps = self.stamps;
        snap.versions = self.versions;
        // Last: a fingerprint covers the open documents' versions.
        snap.findings = super::diagnostics::prepare(&snap);
        snap
    }
}

/// Scoring scripts named by the spec, read relative to the file that names it, with the same
/// confinement as `aims check` (inside the workspace folder, relative, no link out, regular
/// files only): opening a folder from elsewhere must not let its spec read the editor's files.
struct WorkspaceScripts {
    root: Option<PathBuf>,
}

impl Scripts for WorkspaceScripts {
    fn read(&self, path: &str, from: &str) -> Result<(String, String), ScriptError> {
        let Some(root) = &self.root else {
            return Err(ScriptError {
                why: format!("`{path}` cannot be read: no workspace folder is open"),
                help: "open the folder of the spec as the workspace".to_string(),
            });
        };
        let disk = crate::cli::scripts::DiskScripts::new(std::slice::from_ref(root), None);
        let (name, text) = disk.read(path, &root.join(from).to_string_lossy())?;
        // Named relative to the workspace, as the spec files are.
        let name = Path::new(&name).strip_prefix(root).map(|p| p.to_string_lossy().replace('\\', "/")).unwrap_or(name);
        Ok((name, text))
    }
    fn default_script(&self) -> Option<(String, String)> {
        compile::BuiltinScripts.default_script()
    }
}

/// One compilation and the indexes the handlers look things up in.
pub struct Snapshot {
    pub c: Compilation,
    /// The generation of the world whose texts this is.
    pub generation: u64,
    /// The generation at which each open document got the text compiled here.
    stamps: HashMap<String, u64>,
    /// The editor's version of each open document whose text was compiled here: edits and
    /// diagnostics carry it, so that the editor can set aside what was made for an older text.
    versions: HashMap<String, i32>,
    /// The date "today" meant in this compilation.
    pub today: jiff::civil::Date,
    /// The URI of each file, by `FileId`.
    pub uris: Vec<String>,
    by_uri: HashMap<String, FileId>,
    lines: Vec<OnceCell<LineIndex>>,
    trees: Vec<OnceCell<Ast>>,
    /// Every resolved reference, per file, sorted by position: the value written and its target.
    refs: Vec<Vec<(Span, NodeId)>>,
    /// Every node's header, per file, sorted by position.
    headers: Vec<Vec<(Span, NodeId)>>,
    /// Every top-level item's ID in lower case, with the item, sorted: completion filters
    /// this once per request instead of gathering and lower-casing tens of thousands of IDs.
    pub ids: Vec<(String, NodeId)>,
    /// Each file's findings and their fingerprint, as the publication reads them (made by
    /// [`Job::compile`], which makes every snapshot).
    pub findings: Vec<super::diagnostics::Prepared>,
}

impl Snapshot {
    fn new(c: Compilation, uris: Vec<String>, today: jiff::civil::Date) -> Self {
        let n = c.db.len();
        let by_uri = uris.iter().enumerate().map(|(i, u)| (u.clone(), FileId(i as u32))).collect();
        let mut refs: Vec<Vec<(Span, NodeId)>> = vec![Vec::new(); n];
        let mut headers: Vec<Vec<(Span, NodeId)>> = vec![Vec::new(); n];
        for (i, node) in c.model.nodes.iter().enumerate() {
            let Some(file) = headers.get_mut(node.file.0 as usize) else { continue };
            file.push((node.header, NodeId(i as u32)));
            for value in node.fields.values() {
                collect_refs(value, &mut refs[node.file.0 as usize]);
            }
        }
        for list in refs.iter_mut().chain(headers.iter_mut()) {
            list.sort_by_key(|(s, _)| (s.start, std::cmp::Reverse(s.end)));
        }
        // IDs are mostly ASCII, whose lower case needs no walk through Unicode's tables.
        let lower = |id: &str| if id.is_ascii() { id.to_ascii_lowercase() } else { id.to_lowercase() };
        let mut ids: Vec<(String, NodeId)> =
            c.model.items.iter().filter_map(|n| Some((lower(c.model.node(*n).id.as_ref()?), *n))).collect();
        ids.sort();
        Snapshot {
            c,
            generation: 0,
            stamps: HashMap::new(),
            versions: HashMap::new(),
            today,
            uris,
            by_uri,
            lines: (0..n).map(|_| OnceCell::new()).collect(),
            trees: (0..n).map(|_| OnceCell::new()).collect(),
            refs,
            headers,
            ids,
            findings: Vec::new(),
        }
    }

    pub fn file_id(&self, uri: &str) -> Option<FileId> {
        self.by_uri.get(uri).copied().or_else(|| {
            // Clients differ in how they escape a path (`%3A` or `:`); compare the decoded paths.
            let path = uri::file_path(uri)?;
            self.uris.iter().position(|u| uri::file_path(u).as_deref() == Some(&path)).map(|i| FileId(i as u32))
        })
    }

    /// The editor's version of the text of `uri` compiled here; `None` for a file not open.
    pub fn version_of(&self, uri: &str) -> Option<i32> {
        self.versions.get(uri).copied()
    }

    pub fn file(&self, id: FileId) -> &SourceFile {
        self.c.db.get(id)
    }

    pub fn text(&self, id: FileId) -> &str {
        &self.c.db.get(id).text
    }

    pub fn lines(&self, id: FileId) -> &LineIndex {
        self.lines[id.0 as usize].get_or_init(|| LineIndex::new(self.text(id)))
    }

    /// The tree of one file, parsed again on first use (the compiler keeps no trees).
    pub fn tree(&self, id: FileId) -> &Ast {
        self.trees[id.0 as usize].get_or_init(|| crate::syntax::parse(self.text(id), id).0)
    }

    pub fn range(&self, id: FileId, span: Span) -> lsp_types::Range {
        self.lines(id).range(self.text(id), span)
    }

    pub fn offset(&self, id: FileId, pos: lsp_types::Position) -> usize {
        self.lines(id).offset(self.text(id), pos)
    }

    pub fn location(&self, id: FileId, span: Span) -> lsp_types::Location {
        lsp_types::Location { uri: parse_uri(&self.uris[id.0 as usize]), range: self.range(id, span) }
    }

    /// The reference written at `offset`, and what it resolved to.
    pub fn reference_at(&self, file: FileId, offset: usize) -> Option<(Span, NodeId)> {
        innermost(&self.refs[file.0 as usize], offset)
    }

    /// The innermost item or block whose header holds `offset`.
    pub fn header_at(&self, file: FileId, offset: usize) -> Option<(Span, NodeId)> {
        innermost(&self.headers[file.0 as usize], offset)
    }

    /// The span of a node's ID inside its header (`triage` in `system triage "Title"`).
    pub fn id_span(&self, node: NodeId) -> Option<Span> {
        let n = self.c.model.node(node);
        let id = n.id.as_deref()?;
        let text = self.text(n.file).get(n.header.range())?;
        let kind_len = self.c.model.kind_name(node).len().min(text.len());
        let at = text[kind_len..].find(id)? + kind_len;
        Some(Span::new(n.header.start as usize + at, n.header.start as usize + at + id.len()))
    }

    /// Where a node is declared, for go to definition: its ID, or its header.
    pub fn declaration(&self, node: NodeId) -> lsp_types::Location {
        let n = self.c.model.node(node);
        self.location(n.file, self.id_span(node).unwrap_or(n.header))
    }

    /// Every value that refers to `target`, in file order.
    pub fn references_to(&self, target: NodeId) -> Vec<(FileId, Span)> {
        let model = &self.c.model;
        let mut out = Vec::new();
        let mut froms: Vec<NodeId> = model.referrers(target).iter().map(|r| r.from).collect();
        froms.sort();
        froms.dedup();
        for from in froms {
            let node = model.node(from);
            let mut found = Vec::new();
            for value in node.fields.values() {
                collect_refs(value, &mut found);
            }
            out.extend(found.into_iter().filter(|(_, t)| *t == target).map(|(s, _)| (node.file, s)));
        }
        out.sort();
        out
    }
}

fn collect_refs(value: &crate::sema::Value, out: &mut Vec<(Span, NodeId)>) {
    match &value.kind {
        crate::sema::ValueKind::Ref(t) => out.push((value.span, *t)),
        crate::sema::ValueKind::List(items) => items.iter().for_each(|v| collect_refs(v, out)),
        _ => {}
    }
}

/// The last (so innermost) span of a sorted list that holds `offset`; the end is inclusive, so
/// a cursor just after a word still finds it.
fn innermost(list: &[(Span, NodeId)], offset: usize) -> Option<(Span, NodeId)> {
    let end = list.partition_point(|(s, _)| s.start as usize <= offset);
    list[..end].iter().rev().find(|(s, _)| offset <= s.end as usize).copied()
}

pub fn parse_uri(text: &str) -> lsp_types::Uri {
    text.parse().unwrap_or_else(|_| "aims-invalid:///".parse().expect("a constant URI parses"))
}

/// A workspace edit from edits per file, as `documentChanges` (an ordered list, so the answer
/// is the same bytes on every run; every client of LSP 3.x accepts it).
pub fn workspace_edit(snap: &Snapshot, edits: Vec<(FileId, lsp_types::TextEdit)>) -> lsp_types::WorkspaceEdit {
    use lsp_types::{OneOf, OptionalVersionedTextDocumentIdentifier, TextDocumentEdit};
    let mut changes: Vec<TextDocumentEdit> = Vec::new();
    for (f, edit) in edits {
        let uri = &snap.uris[f.0 as usize];
        match changes.last_mut() {
            Some(last) if last.text_document.uri.as_str() == uri => last.edits.push(OneOf::Left(edit)),
            _ => changes.push(TextDocumentEdit {
                text_document: OptionalVersionedTextDocumentIdentifier {
                    uri: parse_uri(uri),
                    version: snap.version_of(uri),
                },
                edits: vec![OneOf::Left(edit)],
            }),
        }
    }
    lsp_types::WorkspaceEdit {
        document_changes: Some(lsp_types::DocumentChanges::Edits(changes)),
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::{OpenDoc, World, EDITED_TREES};

    /// A compile hands back the trees of the documents edited last, ready (the same tree a
    /// parse of the analysed text gives), and leaves the others to be parsed when asked for.
    #[test]
    fn a_snapshot_holds_the_trees_of_the_documents_edited_last() {
        let mut world = World::new(None, jiff::civil::date(2026, 11, 22));
        let docs = EDITED_TREES + 2;
        for i in 0..docs {
            let text = format!("person p{i} \"P {i}\" {{\n  email: \"p{i}@example.org\"\n}}\n");
            let generation = world.changed();
            world.open.insert(format!("untitled:d{i}.aims"), OpenDoc { text, version: 1, changed_at: generation });
        }
        let trees = crate::cache::MemoryTrees::default();
        // Twice: the second compile takes every tree from the store.
        world.job().compile(&trees);
        let snap = world.job().compile(&trees);
        for i in 0..docs {
            let id = snap.file_id(&format!("untitled:d{i}.aims")).expect("the document is in the run");
            let ready = snap.trees[id.0 as usize].get().is_some();
            // Documents were edited in order: the last EDITED_TREES are the newest.
            assert_eq!(ready, i >= docs - EDITED_TREES, "document {i}");
            let parsed = crate::syntax::parse(snap.text(id), id).0;
            assert_eq!(format!("{:?}", snap.tree(id)), format!("{parsed:?}"), "document {i}");
        }
    }
}
