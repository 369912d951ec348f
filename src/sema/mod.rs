//! Sema: merges the spec with the stdlib, builds the schema, checks every item against it and
//! resolves every reference. The result is the [`Model`] that all later stages read.

mod build;
pub mod model;
mod resolve;
pub mod schema;

pub use model::{Model, Node, NodeId, Referrer, Value, ValueKind};
pub use schema::{KindId, Schema};

use crate::diagnostics::Diagnostic;
use crate::source::{FileId, Origin};
use crate::syntax::ast::Ast;

/// Analyzes parsed files (stdlib files first, in a fixed order) into a Model.
/// The trees are consumed: their texts move into the Model.
pub fn analyze(files: &mut [(FileId, Origin, Ast)], diags: &mut Vec<Diagnostic>) -> Model {
    let decls: Vec<(FileId, &Ast)> = files.iter().map(|(f, _, a)| (*f, a)).collect();
    let schema = schema::build(&decls, diags);
    let mut builder = build::Builder::new(schema, diags);
    for (file, origin, ast) in files.iter_mut() {
        builder.file(*file, *origin, ast);
    }
    let mut model = builder.model;
    model.spec_files = files.iter().filter(|(_, o, _)| *o == Origin::Spec).map(|(f, _, _)| *f).collect();
    resolve::resolve(&mut model, diags);
    model
}
