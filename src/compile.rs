//! The pipeline from source text to a checked Model: parse every file (in parallel), then
//! analyze. Knows nothing of disks or terminals: files arrive in a [`SourceDb`].

use crate::cache::{ParseAll, Trees};
use crate::contract;
use crate::diagnostics::{self, codes, Diagnostic};
use crate::rules::{self, Outcome, RuleSet};
use crate::scoring::{self, Scoring};
use crate::sema::{self, Model};
use crate::source::{FileId, Origin, SourceDb, Span};
use crate::syntax::{self, ast::Ast};
use rayon::prelude::*;

pub struct Compilation {
    pub db: SourceDb,
    pub model: Model,
    pub rules: RuleSet,
    /// `None` when the rules were not run because the spec has errors.
    pub outcome: Option<Outcome>,
    /// The scored risks; `None` when scoring could not run.
    pub scoring: Option<Scoring>,
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

/// Where scoring scripts come from. The command line reads them from disk; tests can serve
/// them from memory. Names are what diagnostics show.
pub trait Scripts {
    /// The script at `path`, named in the spec file `from` (paths are relative to that file).
    fn read(&self, path: &str, from: &str) -> Result<(String, String), String>;
    /// The stdlib's default script.
    fn default_script(&self) -> Option<(String, String)>;
}

/// The built-in default script and no files: for embedding aims where there is no disk.
pub struct BuiltinScripts;

impl Scripts for BuiltinScripts {
    fn read(&self, path: &str, _from: &str) -> Result<(String, String), String> {
        Err(format!("`{path}` cannot be read here: only the built-in scoring is available"))
    }
    fn default_script(&self) -> Option<(String, String)> {
        crate::stdlib::embedded()
            .find(|(p, _)| *p == "scoring/default.rhai")
            .map(|(p, t)| (format!("<stdlib>/{p}"), t.to_string()))
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

/// Files parsed together before they are checked: enough to keep both cores busy, few enough
/// that their trees stay a small part of memory.
const BATCH: usize = 16;

fn parse_file(db: &SourceDb, id: FileId, trees: &dyn Trees) -> (Ast, Vec<Diagnostic>) {
    let file = db.get(id);
    let (ast, mut diags) = trees.parse(&file.text, id);
    if file.origin == Origin::Spec && ast.items.is_empty() && diags.is_empty() && file.text.trim().is_empty() {
        diags.push(
            Diagnostic::new(codes::EMPTY_FILE, "this file is empty")
                .primary(id, Span::new(0, 0), "nothing declared here")
                .help("declare at least one item, or remove the file from the spec"),
        );
    }
    (ast, diags)
}

/// Parses and analyzes every file of `db`, then runs the rules as of `today`. `early` holds
/// problems found while reading the files (invalid UTF-8), to be reported with the rest.
/// The rules run only on a spec without errors: on a broken model they would report noise.
pub fn compile(db: SourceDb, early: Vec<Diagnostic>, today: jiff::civil::Date, scripts: &dyn Scripts) -> Compilation {
    compile_with(db, early, today, scripts, &ParseAll)
}

/// [`compile`], taking each file's tree from `trees` instead of always parsing it.
///
/// This is the entry for anything that compiles the same spec again and again. A language
/// server keeps one [`crate::cache::MemoryTrees`] for the life of the session and passes it
/// to every compilation: after a keystroke only the edited file's text is new, so only that
/// file is parsed; every other tree is a copy of the one parsed before (trees are keyed by
/// the hash of the text, so an undo finds its old tree again). Call
/// [`crate::cache::MemoryTrees::retain_only_used`] after each compilation to drop the trees of
/// texts that are gone. The command line passes [`crate::cache::disk::DiskTrees`]. Whatever
/// the store, the result is the same as [`compile`]'s, byte for byte.
pub fn compile_with(
    mut db: SourceDb,
    early: Vec<Diagnostic>,
    today: jiff::civil::Date,
    scripts: &dyn Scripts,
    trees: &dyn Trees,
) -> Compilation {
    let ids: Vec<FileId> = db.iter().map(|(id, _)| id).collect();
    // Parsing recurses as deep as the text nests (bounded by syntax::depth); large stacks keep
    // every bounded input safe.
    let pool = rayon::ThreadPoolBuilder::new().stack_size(64 << 20).build().expect("a thread pool can be built");
    let parse_all = |ids: &[FileId]| -> Vec<(Ast, Vec<Diagnostic>)> {
        pool.install(|| ids.par_iter().map(|id| parse_file(&db, *id, trees)).collect())
    };

    // Files that declare schema first (the stdlib, and a spec's own kinds); then the others in
    // batches, each checked as soon as it is parsed and its tree freed, in the fixed file order.
    let declaring: Vec<FileId> = ids
        .iter()
        .copied()
        .filter(|id| db.get(*id).origin == Origin::Stdlib || syntax::depth::declares_schema(&db.get(*id).text))
        .collect();
    let mut early_trees: Vec<Option<(Ast, Vec<Diagnostic>)>> = (0..ids.len()).map(|_| None).collect();
    for (id, parsed) in declaring.iter().zip(parse_all(&declaring)) {
        early_trees[id.0 as usize] = Some(parsed);
    }
    let mut diagnostics = early;
    let mut sema_diags = Vec::new();
    let mut analyzer = {
        let decls: Vec<(FileId, &Ast)> =
            declaring.iter().filter_map(|id| early_trees[id.0 as usize].as_ref().map(|(ast, _)| (*id, ast))).collect();
        sema::Analyzer::new(&decls, &mut sema_diags)
    };
    for batch in ids.chunks(BATCH) {
        let missing: Vec<FileId> = batch.iter().copied().filter(|id| early_trees[id.0 as usize].is_none()).collect();
        let mut parsed = parse_all(&missing).into_iter();
        for id in batch {
            let (ast, diags) = match early_trees[id.0 as usize].take() {
                Some(p) => p,
                None => parsed.next().expect("one tree per missing file"),
            };
            diagnostics.extend(diags);
            analyzer.file(*id, db.get(*id).origin, ast);
        }
    }
    // The trees are not kept: the Model holds what later stages need, and a formatter or an
    // editor re-parses the one file it works on.
    let mut model = analyzer.finish();
    diagnostics.append(&mut sema_diags);
    let rules = rules::load(&model, &mut diagnostics);
    let has_errors = |d: &[Diagnostic]| d.iter().any(|d| d.severity == diagnostics::Severity::Error);
    let scoring = if has_errors(&diagnostics) { None } else { score(&mut db, &mut model, scripts, &mut diagnostics) };
    let clean = !has_errors(&diagnostics);
    let outcome = clean.then(|| {
        let mut outcome = rules::evaluate(&model, &rules, today, &mut diagnostics);
        diagnostics.append(&mut outcome.findings);
        outcome
    });
    diagnostics::sort(&mut diagnostics);
    Compilation { db, model, rules, outcome, scoring, diagnostics }
}

/// Loads the organisation's scoring script (or the default) and scores every risk.
fn score(db: &mut SourceDb, model: &mut Model, scripts: &dyn Scripts, diags: &mut Vec<Diagnostic>) -> Option<Scoring> {
    let named = model.schema.kind_id(contract::ORGANIZATION).and_then(|k| {
        model.items_of(k).iter().find_map(|&org| {
            let node = model.node(org);
            match node.fields.get(contract::SCRIPT_FIELD) {
                Some(sema::Value { kind: sema::ValueKind::Text(path), span }) => Some((path.clone(), node.file, *span)),
                _ => None,
            }
        })
    });
    let origin = if named.is_some() { Origin::Spec } else { Origin::Stdlib };
    let (name, text) = match named {
        Some((path, file, span)) => match scripts.read(&path, &db.get(file).name) {
            Ok(script) => script,
            Err(why) => {
                diags.push(
                    Diagnostic::new(codes::SCRIPT_UNREADABLE, format!("the scoring script cannot be read: {why}"))
                        .primary(file, span, "named here")
                        .help("the path is relative to the folder of the file that names it"),
                );
                return None;
            }
        },
        None => scripts.default_script()?,
    };
    let id = db.add(crate::source::SourceFile::new(name, text, origin));
    scoring::run(model, db.get(id), id, diags)
}
