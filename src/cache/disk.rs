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

use super::{hash_text, syntax_fingerprint, TextHash, Trees};
use crate::diagnostics::Diagnostic;
use crate::source::FileId;
use crate::syntax::{self, ast::Ast};
use std::io::Write as _;
use std::path::{Path, PathBuf};

const MAGIC: &[u8; 8] = b"AIMSTREE";
/// Bumped whenever the entry layout changes.
const FORMAT: u32 = 1;
const HEADER: usize = 8 + 4 + 32 + 32 + 8 + 32;

/// The folder name used beside a spec when no `--cache DIR` is given.
pub const DEFAULT_DIR: &str = ".aims-cache";

pub struct DiskTrees {
    /// `None` when the folder cannot be created: every file is parsed, nothing is written.
    trees: Option<PathBuf>,
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
        DiskTrees { trees: ok.then_some(trees) }
    }

    fn entry_path(dir: &Path, key: &TextHash) -> PathBuf {
        let hex: String = key.iter().map(|b| format!("{b:02x}")).collect();
        dir.join(format!("{hex}.tree"))
    }

    /// The stored tree of the text with hash `key`, if there is one that passes every check.
    fn load(dir: &Path, key: &TextHash) -> Option<Ast> {
        let bytes = std::fs::read(Self::entry_path(dir, key)).ok()?;
        decode(&bytes, key)
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
