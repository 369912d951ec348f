//! Sema: merges the spec with the stdlib, builds the schema, checks every item against it and
//! resolves every reference. The result is the [`Model`] that all later stages read.

mod build;
mod fragment;
pub mod model;
mod resolve;
pub mod schema;
pub mod single;

pub use fragment::Fragment;
pub use model::{Model, Node, NodeId, Referrer, Value, ValueKind};
pub use schema::{KindId, Schema};

use crate::diagnostics::Diagnostic;
use crate::source::{FileId, Origin};
use crate::syntax::ast::Ast;

/// Analyzes parsed files (stdlib files first, in a fixed order) into a Model.
pub fn analyze(files: Vec<(FileId, Origin, Ast)>, diags: &mut Vec<Diagnostic>) -> Model {
    let decls: Vec<(FileId, &Ast)> = files.iter().map(|(f, _, a)| (*f, a)).collect();
    let mut analyzer = Analyzer::new(&decls, diags);
    for (file, origin, ast) in files {
        analyzer.file(file, origin, ast);
    }
    analyzer.finish()
}

/// Analysis file by file, so that a file's tree can be freed as soon as it is checked and the
/// trees of a large spec are never all in memory with the Model.
pub struct Analyzer<'d> {
    builder: build::Builder<'d>,
    spec_files: Vec<FileId>,
    /// Trees are freed on another thread: freeing many small nodes takes a while.
    to_free: std::sync::mpsc::Sender<Ast>,
}

impl<'d> Analyzer<'d> {
    /// The schema comes from the `kind`, `block` and `enum` declarations of `decls`: every file
    /// that declares any (see `syntax::depth::declares_schema`), stdlib first.
    pub fn new(decls: &[(FileId, &Ast)], diags: &'d mut Vec<Diagnostic>) -> Self {
        let schema = schema::build(decls, diags);
        let (to_free, freed) = std::sync::mpsc::channel::<Ast>();
        std::thread::spawn(move || freed.into_iter().for_each(drop));
        Analyzer { builder: build::Builder::new(schema, diags), spec_files: Vec::new(), to_free }
    }

    /// Checks one file; files must come in their fixed order (stdlib first).
    pub fn file(&mut self, file: FileId, origin: Origin, mut ast: Ast) {
        if origin == Origin::Spec {
            self.spec_files.push(file);
        }
        self.builder.file(file, origin, &mut ast);
        // If the freeing thread is gone, the tree is freed here: slower, never wrong.
        let _ = self.to_free.send(ast);
    }

    /// Checks one file as [`Analyzer::file`] does and, when the builder found it clean and it
    /// holds items only, also gives what it made of the file as a fragment's bytes, to be kept
    /// for a later run (see [`Analyzer::merge`]).
    pub fn file_keeping(&mut self, file: FileId, origin: Origin, ast: Ast) -> Option<Vec<u8>> {
        let b = &self.builder;
        let m = &b.model;
        let before = (m.nodes.len(), b.diags.len(), m.placeholders.len(), m.rules.len(), m.waivers.len());
        let only_items = ast.items.iter().all(|i| matches!(i, crate::syntax::ast::Item::Block(_)));
        self.file(file, origin, ast);
        let b = &self.builder;
        let m = &b.model;
        let clean = only_items
            && origin == Origin::Spec
            && (b.diags.len(), m.placeholders.len(), m.rules.len(), m.waivers.len())
                == (before.1, before.2, before.3, before.4);
        clean.then(|| fragment::encode(m, before.0, &b.tops)).flatten()
    }

    /// Adds a spec file from what an earlier run's builder made of the same text against the
    /// same schema ([`decode_fragment`]), in its place in the fixed file order.
    pub fn merge(&mut self, file: FileId, fragment: Fragment) {
        self.spec_files.push(file);
        self.builder.merge(file, fragment);
    }

    /// The schema every file is checked against.
    pub fn schema(&self) -> std::sync::Arc<Schema> {
        self.builder.model.schema.clone()
    }

    /// Resolves every reference, now that every ID is known.
    pub fn finish(self) -> Model {
        let Analyzer { builder, spec_files, .. } = self;
        let diags = builder.diags;
        let mut model = builder.model;
        model.spec_files = spec_files;
        // The tables grew by doubling while the files came in; they are kept for the whole run.
        model.nodes.shrink_to_fit();
        model.items.shrink_to_fit();
        model.by_kind.iter_mut().for_each(Vec::shrink_to_fit);
        resolve::resolve(&mut model, diags);
        model
    }
}

/// The fragment in `bytes` (from [`Analyzer::file_keeping`] of an earlier run) as the nodes of
/// the spec file `file`, read against `schema`; `None` when the bytes do not fit it.
pub fn decode_fragment(bytes: &[u8], schema: &Schema, file: FileId) -> Option<Fragment> {
    fragment::decode(bytes, schema, file)
}
