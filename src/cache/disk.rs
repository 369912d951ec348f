//! The on-disk tree store: `.aims-cache/trees/` (or `--cache DIR`), one file per parsed text.
//!
//! Each entry is `header | payload`: the header holds a magic word, the entry format, the
//! syntax fingerprint, the hash of the text the tree was parsed from, the payload's length and
//! the payload's own BLAKE3 checksum; the payload is the tree in postcard. An entry is used only
//! when every one of these matches, so a truncated, corrupt or foreign file (another aims, a
//! hand edit, a hash collision of names) is parsed again, never trusted. Entries are written
//! to a temporary file in the same folder and renamed into place, so a reader never sees half
//! an entry. Only trees parsed without any diagnostic are stored: a file with errors is
//! parsed again on every run, as it is being edited anyway.
//!
//! Nothing here can fail a run: a folder that cannot be created, read or written means no
//! cache, silently.
//!
//! The store stays bounded: every edit of a file adds an entry, so after a run
//! [`DiskTrees::prune`] removes the entries this run did not use, least recently used first,
//! once the folder holds more than [`keep_for`] entries. An entry that is used has its
//! modification time refreshed, which is what "recently used" means here. Pruning only ever
//! costs a later parse; it never changes a result.

use super::{hash_text, syntax_fingerprint, TextHash, Trees};
use crate::diagnostics::Diagnostic;
use crate::source::FileId;
use crate::syntax::{self, ast::Ast};
use rustc_hash::FxHashSet as HashSet;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

const MAGIC: &[u8; 8] = b"AIMSTREE";
/// Bumped whenever the entry layout changes.
const FORMAT: u32 = 1;
const HEADER: usize = 8 + 4 + 32 + 32 + 8 + 32;

/// The folder name used beside a spec when no `--cache DIR` is given.
pub const DEFAULT_DIR: &str = ".aims-cache";

pub struct DiskTrees {
    /// `None` when the folder cannot be created: every file is parsed, nothing is written.
    trees: Option<PathBuf>,
    /// The entries this run read or wrote, which pruning keeps.
    used: Mutex<HashSet<TextHash>>,
}

/// How many entries a folder may hold after a run that used `used` of them: room for every
/// file of the spec and a few rounds of edits of each, and never fewer than a small floor, so
/// that two specs sharing one `--cache DIR` do not evict each other on every run.
pub fn keep_for(used: usize) -> usize {
    (used * 4).max(256)
}

impl DiskTrees {
    /// A store in `dir` (created if missing; `trees/` inside it holds the entries).
    pub fn open(dir: &Path) -> Self {
        let trees = dir.join("trees");
        let ok = std::fs::create_dir_all(&trees).is_ok();
        if ok {
            // Tells backup and search tools what this folder is; its absence changes nothing.
            let tag = dir.join("CACHEDIR.TAG");
            if !tag.exists() {
                let _ = write_atomically(
                    dir,
                    &tag,
                    b"Signature: 8a477f597d28d172789f06886806bc55\n# aims parse cache: safe to delete\n",
                );
            }
        }
        DiskTrees { trees: ok.then_some(trees), used: Mutex::default() }
    }

    fn mark_used(&self, key: TextHash) {
        if let Ok(mut used) = self.used.lock() {
            used.insert(key);
        }
    }

    /// Removes the entries this run did not use, least recently used first, until the folder
    /// holds at most [`keep_for`] entries. One listing of the folder; errors are ignored (a
    /// file another run removed first, a read-only folder).
    pub fn prune(&self) {
        let Some(dir) = &self.trees else { return };
        let used = match self.used.lock() {
            Ok(used) => used.clone(),
            Err(_) => return,
        };
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        let mut total = 0usize;
        let mut unused: Vec<(std::time::SystemTime, PathBuf)> = Vec::new();
        for entry in entries.flatten() {
            let path = entry.path();
            if path.extension().is_none_or(|e| e != "tree") {
                continue;
            }
            total += 1;
            let in_use =
                path.file_stem().and_then(|s| s.to_str()).and_then(parse_hex).is_some_and(|key| used.contains(&key));
            if !in_use {
                let modified = entry.metadata().and_then(|m| m.modified()).unwrap_or(std::time::UNIX_EPOCH);
                unused.push((modified, path));
            }
        }
        let limit = keep_for(used.len());
        if total <= limit {
            return;
        }
        // Oldest first; the path breaks ties so that the same folder is pruned the same way.
        unused.sort();
        for (_, path) in unused.into_iter().take(total - limit) {
            let _ = std::fs::remove_file(path);
        }
    }

    fn entry_path(dir: &Path, key: &TextHash) -> PathBuf {
        let hex: String = key.iter().map(|b| format!("{b:02x}")).collect();
        dir.join(format!("{hex}.tree"))
    }

    /// The stored tree of the text with hash `key`, if there is one that passes every check.
    fn load(dir: &Path, key: &TextHash) -> Option<Ast> {
        let path = Self::entry_path(dir, key);
        let bytes = std::fs::read(&path).ok()?;
        let ast = decode(&bytes, key)?;
        // Recently used, for pruning: a failure only makes the entry look older.
        if let Ok(file) = std::fs::File::options().append(true).open(&path) {
            let _ = file.set_modified(std::time::SystemTime::now());
        }
        Some(ast)
    }

    fn store(dir: &Path, key: &TextHash, ast: &Ast) {
        if let Some(bytes) = encode(ast, key) {
            let _ = write_atomically(dir, &Self::entry_path(dir, key), &bytes);
        }
    }
}

impl Trees for DiskTrees {
    fn parse(&self, text: &str, file: FileId) -> (Ast, Vec<Diagnostic>) {
        let Some(dir) = &self.trees else { return syntax::parse(text, file) };
        let key = hash_text(text);
        self.mark_used(key);
        if let Some(ast) = Self::load(dir, &key) {
            return (ast, Vec::new());
        }
        let (ast, diags) = syntax::parse(text, file);
        if diags.is_empty() {
            Self::store(dir, &key, &ast);
        }
        (ast, diags)
    }
}

/// The key written as an entry's file name (64 hex digits).
fn parse_hex(hex: &str) -> Option<TextHash> {
    if hex.len() != 64 {
        return None;
    }
    let mut key = [0u8; 32];
    for (i, byte) in key.iter_mut().enumerate() {
        *byte = u8::from_str_radix(hex.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(key)
}

/// An entry for the tree of the text with hash `key`.
pub(crate) fn encode(ast: &Ast, key: &TextHash) -> Option<Vec<u8>> {
    let payload = postcard::to_stdvec(ast).ok()?;
    let mut out = Vec::with_capacity(HEADER + payload.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&FORMAT.to_le_bytes());
    out.extend_from_slice(&syntax_fingerprint());
    out.extend_from_slice(key);
    out.extend_from_slice(&(payload.len() as u64).to_le_bytes());
    out.extend_from_slice(blake3::hash(&payload).as_bytes());
    out.extend_from_slice(&payload);
    Some(out)
}

/// The tree in `bytes`, when it is a whole, intact entry of this format and this parser for
/// the text with hash `key`.
pub(crate) fn decode(bytes: &[u8], key: &TextHash) -> Option<Ast> {
    let (header, payload) = bytes.split_at_checked(HEADER)?;
    let (magic, rest) = header.split_at(8);
    let (format, rest) = rest.split_at(4);
    let (fingerprint, rest) = rest.split_at(32);
    let (text_hash, rest) = rest.split_at(32);
    let (len, checksum) = rest.split_at(8);
    let fits = magic == MAGIC
        && format == FORMAT.to_le_bytes()
        && fingerprint == syntax_fingerprint()
        && text_hash == key
        && len == (payload.len() as u64).to_le_bytes()
        && checksum == blake3::hash(payload).as_bytes();
    if !fits {
        return None;
    }
    postcard::from_bytes(payload).ok()
}

/// Writes `bytes` to `path` through a temporary file in `dir` renamed into place.
fn write_atomically(dir: &Path, path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}
