//! The cache room: parsed trees kept between compilations, so that no run parses a file whose
//! text it has already parsed, and the checked results of `aims check`, so that a run over a
//! spec that has not changed prints the stored result without compiling.
//!
//! A tree depends on nothing but the file's text and the parser that read it (the stdlib and
//! the schema come later, in sema), so a tree is keyed by the hash of the text and stored with
//! a fingerprint of the syntax code. Two stores:
//! - [`MemoryTrees`], for a long-lived process (the language server): every tree of the last
//!   compilations, with its parse diagnostics;
//! - [`disk::DiskTrees`], for the command line: `.aims-cache/` beside the spec, each tree in its
//!   own checksummed file, ignored whenever anything about it does not match.
//!
//! The disk store also keeps each spec file's checked nodes (a [`crate::sema::Fragment`]),
//! keyed by the text and the schema it was checked against, so that an unchanged file is
//! neither decoded as a tree nor checked again.
//!
//! Neither can change a result: a miss (or a store that cannot be read or written) parses.
//!
//! [`results`] keeps whole results: keyed by everything a result depends on, and checked
//! against every file read outside the spec (scoring script, evidence) before it is used.

pub mod disk;
pub(crate) mod entry;
pub mod results;

use crate::diagnostics::Diagnostic;
use crate::source::FileId;
use crate::syntax::{self, ast::Ast};
use rustc_hash::FxHashMap;
use std::sync::Mutex;

/// A 256-bit BLAKE3 hash of a file's text.
pub type TextHash = [u8; 32];

pub fn hash_text(text: &str) -> TextHash {
    *blake3::hash(text.as_bytes()).as_bytes()
}

/// Where `compile` gets each file's tree: parsed now, or taken from a store. Called from
/// several threads at once.
pub trait Trees: Sync {
    /// The tree and parse diagnostics of `text`, the file `file` of this run.
    fn parse(&self, text: &str, file: FileId) -> (Ast, Vec<Diagnostic>);

    /// Whether the store also keeps what sema's builder made of a file ([`crate::sema::Fragment`]),
    /// so that a compilation should hand it the fragments of the files it builds.
    fn keeps_fragments(&self) -> bool {
        false
    }

    /// The fragment kept for `text`, the file `file` of this run, as built against the schema
    /// whose fingerprint is `schema`.
    fn fragment(&self, _text: &str, _file: FileId, _schema: &TextHash) -> Option<Vec<u8>> {
        None
    }

    /// Keeps `bytes`, the fragment of `text` built against the schema `schema`.
    fn keep_fragment(&self, _text: &str, _file: FileId, _schema: &TextHash, _bytes: &[u8]) {}
}

/// No store: every file is parsed.
pub struct ParseAll;

impl Trees for ParseAll {
    fn parse(&self, text: &str, file: FileId) -> (Ast, Vec<Diagnostic>) {
        syntax::parse(text, file)
    }
}

/// Trees kept in memory across compilations, keyed by the hash of the text, and beside them
/// each spec file's checked nodes (a [`crate::sema::Fragment`]'s bytes), keyed by the text and
/// the schema it was checked against. After an edit only the edited file is parsed and checked
/// again; every other file's nodes are decoded on the pool, as from the disk store. The trees
/// stay too: a change of schema (an edit of a file that declares a kind) cannot use the nodes,
/// and then every file is checked again from its tree, not parsed again.
/// [`MemoryTrees::retain_only_used`] forgets what no compilation asked for since the last
/// call, so the store stays the size of one spec.
#[derive(Default)]
pub struct MemoryTrees {
    inner: Mutex<MemoryInner>,
}

#[derive(Default)]
struct MemoryInner {
    /// The tree (in postcard, as on disk: a third of the memory of the tree itself, and
    /// copied out of the store without holding the lock), its parse diagnostics (their labels
    /// name file 0; set to the asking file on the way out) and whether it was asked for since
    /// the last clean-up.
    trees: FxHashMap<TextHash, KeptTree>,
    /// A fragment's bytes by the key of its text and schema ([`fragment_key`]), copied out of
    /// the store without holding the lock, and whether it was asked for since the last
    /// clean-up.
    nodes: FxHashMap<TextHash, (std::sync::Arc<[u8]>, bool)>,
    hits: usize,
    misses: usize,
    node_hits: usize,
}

/// A tree in postcard, its parse diagnostics, and whether it was asked for since the last
/// clean-up.
type KeptTree = (std::sync::Arc<[u8]>, Vec<Diagnostic>, bool);

impl MemoryTrees {
    /// Trees served from the store and trees parsed, since the store was made.
    pub fn stats(&self) -> (usize, usize) {
        let inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        (inner.hits, inner.misses)
    }

    /// Files whose checked nodes were served from the store, since the store was made.
    pub fn node_hits(&self) -> usize {
        self.inner.lock().unwrap_or_else(|e| e.into_inner()).node_hits
    }

    /// Forgets every tree and every file's nodes not asked for since the last call (call it
    /// after a compilation).
    pub fn retain_only_used(&self) {
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        inner.trees.retain(|_, (_, _, used)| std::mem::take(used));
        inner.nodes.retain(|_, (_, used)| std::mem::take(used));
    }

    /// How many texts have a tree kept.
    pub fn len(&self) -> usize {
        self.inner.lock().unwrap_or_else(|e| e.into_inner()).trees.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Trees for MemoryTrees {
    fn parse(&self, text: &str, file: FileId) -> (Ast, Vec<Diagnostic>) {
        let key = hash_text(text);
        let kept = {
            let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
            inner.trees.get_mut(&key).map(|(bytes, diags, used)| {
                *used = true;
                (bytes.clone(), in_file(diags.clone(), file))
            })
        };
        // Decoded and parsed outside the lock, so that files are read in parallel.
        if let Some((bytes, diags)) = kept {
            if let Ok(ast) = postcard::from_bytes::<Ast>(&bytes) {
                self.inner.lock().unwrap_or_else(|e| e.into_inner()).hits += 1;
                return (ast, diags);
            }
        }
        let (ast, diags) = syntax::parse(text, file);
        let bytes = postcard::to_stdvec(&ast);
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        inner.misses += 1;
        // A tree that cannot be written is parsed again next time.
        if let Ok(bytes) = bytes {
            inner.trees.insert(key, (bytes.into(), in_file(diags.clone(), FileId(0)), true));
        }
        (ast, diags)
    }

    fn keeps_fragments(&self) -> bool {
        true
    }

    fn fragment(&self, text: &str, _file: FileId, schema: &TextHash) -> Option<Vec<u8>> {
        let text_key = hash_text(text);
        let key = fragment_key(&text_key, schema);
        let bytes = {
            let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
            let (bytes, used) = inner.nodes.get_mut(&key)?;
            *used = true;
            let bytes = bytes.clone();
            inner.node_hits += 1;
            // The text's tree is kept too: the next change of schema needs it.
            if let Some((_, _, used)) = inner.trees.get_mut(&text_key) {
                *used = true;
            }
            bytes
        };
        Some(bytes.to_vec())
    }

    fn keep_fragment(&self, text: &str, _file: FileId, schema: &TextHash, bytes: &[u8]) {
        let key = fragment_key(&hash_text(text), schema);
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        inner.nodes.insert(key, (bytes.into(), true));
    }
}

/// The key of the fragment of the text whose hash is `text`, built against the schema whose
/// fingerprint is `schema`: one key for the pair, so that a fragment is found only for both.
pub(crate) fn fragment_key(text: &TextHash, schema: &TextHash) -> TextHash {
    let mut h = blake3::Hasher::new();
    h.update(text);
    h.update(schema);
    *h.finalize().as_bytes()
}

/// Parse diagnostics point only into the file parsed; a stored tree may serve a file with
/// another id.
fn in_file(mut diags: Vec<Diagnostic>, file: FileId) -> Vec<Diagnostic> {
    for d in &mut diags {
        for l in &mut d.labels {
            l.file = file;
        }
    }
    diags
}

/// A fingerprint of the code that turns text into trees and of the trees' layout: a cached
/// tree from any other parser is never read. The aims version alone would not do: the syntax
/// changes between releases while the version stays the same.
pub(crate) fn syntax_fingerprint() -> TextHash {
    static FINGERPRINT: std::sync::OnceLock<TextHash> = std::sync::OnceLock::new();
    *FINGERPRINT.get_or_init(|| {
        let mut h = blake3::Hasher::new();
        for part in [
            env!("CARGO_PKG_VERSION"),
            include_str!("../../grammar/aims.pest"),
            include_str!("../syntax/ast.rs"),
            include_str!("../syntax/convert.rs"),
            include_str!("../syntax/parser.rs"),
            include_str!("../syntax/depth.rs"),
            include_str!("../syntax/comments.rs"),
            include_str!("../syntax/lexical.rs"),
        ] {
            h.update(&(part.len() as u64).to_le_bytes());
            h.update(part.as_bytes());
        }
        *h.finalize().as_bytes()
    })
}

/// A fingerprint of this build of aims: its version and a hash of every source it was built
/// from (code, grammar, embedded stdlib, dependencies' versions, compiler; see `build.rs`).
/// A checked result depends on all of it, so a result stored by any other build is never read.
pub(crate) fn build_fingerprint() -> TextHash {
    static FINGERPRINT: std::sync::OnceLock<TextHash> = std::sync::OnceLock::new();
    *FINGERPRINT.get_or_init(|| {
        let mut h = blake3::Hasher::new();
        for part in [env!("CARGO_PKG_VERSION"), env!("AIMS_BUILD_FINGERPRINT")] {
            h.update(&(part.len() as u64).to_le_bytes());
            h.update(part.as_bytes());
        }
        *h.finalize().as_bytes()
    })
}
