//! The pipeline from source text to a checked Model: parse every file (in parallel), then
//! analyze. Knows nothing of disks or terminals: files arrive in a [`SourceDb`].

use crate::diagnostics::{self, codes, Diagnostic};
use crate::rules::{self, Outcome, RuleSet};
use crate::sema::{self, Model};
use crate::source::{FileId, Origin, SourceDb, Span};
use crate::syntax::{self, ast::Ast};
use rayon::prelude::*;

pub struct Compilation {
    pub db: SourceDb,
    pub asts: Vec<Ast>,
    pub model: Model,
    pub rules: RuleSet,
    /// `None` when the rules were not run because the spec has errors.
    pub outcome: Option<Outcome>,
    /// Sorted by file and position.
    pub diagnostics: Vec<Diagnostic>,
}

impl Compilation {
    pub fn error_count(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.severity == diagnostics::Severity::Error).count()
    }
    pub fn warning_count(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.severity == diagnostics::Severity::Warning).count()
    }
    pub fn spec_file_count(&self) -> usize {
        self.db.iter().filter(|(_, f)| f.origin == Origin::Spec).count()
    }
}

/// A database holding the built-in stdlib, ready for spec files to be added.
pub fn stdlib_db() -> SourceDb {
    let mut db = SourceDb::default();
    for (path, text) in crate::stdlib::embedded().filter(|(p, _)| p.ends_with(".aims")) {
        db.add(crate::source::SourceFile::new(format!("<stdlib>/{path}"), text.to_string(), Origin::Stdlib));
    }
    db
}

/// Parses and analyzes every file of `db`, then runs the rules as of `today`. `early` holds
/// problems found while reading the files (invalid UTF-8), to be reported with the rest.
/// The rules run only on a spec without errors: on a broken model they would report noise.
pub fn compile(db: SourceDb, early: Vec<Diagnostic>, today: jiff::civil::Date) -> Compilation {
    let ids: Vec<FileId> = db.iter().map(|(id, _)| id).collect();
    let parsed: Vec<(Ast, Vec<Diagnostic>)> = ids
        .par_iter()
        .map(|id| {
            let file = db.get(*id);
            let (ast, mut diags) = syntax::parse(&file.text, *id);
            if file.origin == Origin::Spec && ast.items.is_empty() && diags.is_empty() && file.text.trim().is_empty() {
                diags.push(
                    Diagnostic::new(codes::EMPTY_FILE, "this file is empty")
                        .primary(*id, Span::new(0, 0), "nothing declared here")
                        .help("declare at least one item, or remove the file from the spec"),
                );
            }
            (ast, diags)
        })
        .collect();
    let mut diagnostics = early;
    let mut asts = Vec::with_capacity(parsed.len());
    for (ast, diags) in parsed {
        diagnostics.extend(diags);
        asts.push(ast);
    }
    let inputs: Vec<(FileId, Origin, &Ast)> =
        ids.iter().zip(&asts).map(|(id, ast)| (*id, db.get(*id).origin, ast)).collect();
    let model = sema::analyze(&inputs, &mut diagnostics);
    let rules = rules::load(&model, &mut diagnostics);
    let clean = !diagnostics.iter().any(|d| d.severity == diagnostics::Severity::Error);
    let outcome = clean.then(|| {
        let mut outcome = rules::evaluate(&model, &rules, today, &mut diagnostics);
        diagnostics.append(&mut outcome.findings);
        outcome
    });
    diagnostics::sort(&mut diagnostics);
    Compilation { db, asts, model, rules, outcome, diagnostics }
}
