//! The on-disk tree store: `.aims-cache/trees/` (or `--cache DIR`), one file per parsed text,
//! and beside it `nodes/`, one file per spec file's checked nodes (`sema::fragment`), keyed by
//! the text and the schema's fingerprint.
//!
//! Each entry follows the discipline of [`super::entry`]: a header with the magic word
//! `AIMSTREE`, the entry format, the syntax fingerprint, the hash of the text the tree was
//! parsed from, the payload's length and checksum; the payload is the tree in postcard. An
//! entry is used only when every one of these matches, so a truncated, corrupt or foreign
//! file (another aims, a hand edit, a hash collision of names) is parsed again, never
//! trusted. Only trees parsed without any diagnostic are stored: a file with errors is parsed
//! again on every run, as it is being edited anyway.
//!
//! Nothing here can fail a run: a folder that cannot be created, read or written means no
//! cache, silently.
//!
//! The store stays bounded: every edit of a file adds an entry, so after a run
//! [`DiskTrees::prune`] removes the entries this run did not use, least recently used first,
//! once the folder holds more than [`keep_for`] entries. An entry that is used has its
//! modification time refreshed, which is what "recently used" means here. Pruning only ever
//! costs a later parse; it never changes a result.

use super::entry::{self, Kind};
use super::{hash_text, syntax_fingerprint, TextHash, Trees};
use crate::diagnostics::Diagnostic;
use crate::source::FileId;
use crate::syntax::{self, ast::Ast};
use rustc_hash::FxHashSet as HashSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Bumped whenever the entry layout changes.
const FORMAT: u32 = 1;
const TREE: Kind = Kind { magic: b"AIMSTREE", format: FORMAT, extension: "tree" };
/// What the builder made of a file (`sema::fragment`), in `nodes/`: keyed by the text and the
/// schema it was checked against, and stamped with the whole build's fingerprint, since what
/// the builder makes depends on all of sema, not only on the syntax.
const NODES: Kind = Kind { magic: b"AIMSNODE", format: 1, extension: "nodes" };

/// The folder name used beside a spec when no `--cache DIR` is given.
pub const DEFAULT_DIR: &str = ".aims-cache";

pub struct DiskTrees {
    /// `None` when the folder cannot be created: every file is parsed, nothing is written.
    trees: Option<PathBuf>,
    /// The fragments' folder; `None` as for `trees`.
    nodes: Option<PathBuf>,
    /// The fragments this run read or wrote, which pruning keeps.
    used_nodes: Mutex<HashSet<TextHash>>,
    /// The entries this run read or wrote, which pruning keeps.
    used: Mutex<HashSet<TextHash>>,
    /// The hash and length of each file's text, by file id, when the caller hashed the texts
    /// already (as it read them): a text is then not hashed a second time.
    known: Vec<(TextHash, usize)>,
}

/// How many entries a folder may hold after a run that used `used` of them: room for every
/// file of the spec and a few rounds of edits of each, and never fewer than a small floor, so
/// that two specs sharing one `--cache DIR` do not evict each other on every run.
pub fn keep_for(used: usize) -> usize {
    (used * 4).max(256)
}

impl DiskTrees {
    /// A store in `dir` (created if missing; `trees/` inside it holds the trees, `nodes/` the
    /// fragments).
    pub fn open(dir: &Path) -> Self {
        DiskTrees {
            trees: entry::open_folder(dir, "trees"),
            nodes: entry::open_folder(dir, "nodes"),
            used_nodes: Mutex::default(),
            used: Mutex::default(),
            known: Vec::new(),
        }
    }

    /// The same store, told the hash of each file's text (`known[i]` for file `i`, with the
    /// text's length, which is checked before the hash is trusted).
    pub fn with_hashes(mut self, known: Vec<(TextHash, usize)>) -> Self {
        self.known = known;
        self
    }

    fn mark_used(&self, key: TextHash) {
        if let Ok(mut used) = self.used.lock() {
            used.insert(key);
        }
    }

    /// Removes the entries this run did not use, least recently used first, until the folder
    /// holds at most [`keep_for`] entries.
    pub fn prune(&self) {
        let Some(dir) = &self.trees else { return };
        let used = match self.used.lock() {
            Ok(used) => used.clone(),
            Err(_) => return,
        };
        TREE.prune(dir, &used, keep_for(used.len()), u64::MAX);
        let (Some(dir), Ok(used)) = (&self.nodes, self.used_nodes.lock().map(|u| u.clone())) else { return };
        NODES.prune(dir, &used, keep_for(used.len()), u64::MAX);
    }

    fn key(&self, text: &str, file: FileId) -> TextHash {
        match self.known.get(file.0 as usize) {
            Some((hash, len)) if *len == text.len() => *hash,
            _ => hash_text(text),
        }
    }
}

impl Trees for DiskTrees {
    fn parse(&self, text: &str, file: FileId) -> (Ast, Vec<Diagnostic>) {
        let Some(dir) = &self.trees else { return syntax::parse(text, file) };
        let key = self.key(text, file);
        self.mark_used(key);
        if let Some(ast) = TREE.read(dir, &key).and_then(|bytes| decode(&bytes, &key)) {
            return (ast, Vec::new());
        }
        let (ast, diags) = syntax::parse(text, file);
        if diags.is_empty() {
            if let Some(bytes) = encode(&ast, &key) {
                let _ = entry::write_atomically(dir, &TREE.path(dir, &key), &bytes);
            }
        }
        (ast, diags)
    }

    fn keeps_fragments(&self) -> bool {
        self.nodes.is_some()
    }

    fn fragment(&self, text: &str, file: FileId, schema: &TextHash) -> Option<Vec<u8>> {
        let dir = self.nodes.as_ref()?;
        let text_key = self.key(text, file);
        let key = super::fragment_key(&text_key, schema);
        if let Ok(mut used) = self.used_nodes.lock() {
            used.insert(key);
        }
        // The text's tree is kept too: the next change of schema needs it.
        self.mark_used(text_key);
        let mut bytes = NODES.read(dir, &key)?;
        NODES.decode(&bytes, &super::build_fingerprint(), &key)?;
        bytes.drain(..entry::HEADER);
        Some(bytes)
    }

    fn keep_fragment(&self, text: &str, file: FileId, schema: &TextHash, bytes: &[u8]) {
        let Some(dir) = &self.nodes else { return };
        let key = super::fragment_key(&self.key(text, file), schema);
        if let Ok(mut used) = self.used_nodes.lock() {
            used.insert(key);
        }
        let entry = NODES.encode(&super::build_fingerprint(), &key, bytes);
        let _ = entry::write_atomically(dir, &NODES.path(dir, &key), &entry);
    }
}

/// An entry for the tree of the text with hash `key`.
pub(crate) fn encode(ast: &Ast, key: &TextHash) -> Option<Vec<u8>> {
    let payload = postcard::to_stdvec(ast).ok()?;
    Some(TREE.encode(&syntax_fingerprint(), key, &payload))
}

/// The tree in `bytes`, when it is a whole, intact entry of this format and this parser for
/// the text with hash `key`.
pub(crate) fn decode(bytes: &[u8], key: &TextHash) -> Option<Ast> {
    postcard::from_bytes(TREE.decode(bytes, &syntax_fingerprint(), key)?).ok()
}
