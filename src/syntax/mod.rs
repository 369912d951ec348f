//! Syntax: `.aims` text to a tree with spans and comments.
//!
//! Parsing never fails: [`parse`] returns the tree it could build and the errors it met. After
//! an error the parser resumes at the next top-level item, so one mistake does not hide the rest
//! of the file (or any other file).

pub mod ast;
mod comments;
mod convert;
pub mod depth;
mod errors;
mod lexical;
mod parser;
mod recovery;

/// How a `"""` text's value is read from its source, for the formatter to re-indent it safely.
pub(crate) use convert::dedent;
pub use parser::{bare_pest_pass, parse, parse_expr};
