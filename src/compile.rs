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
    fn read(&self, path: &str, from: &str) -> Result<(String, String), ScriptError>;
    /// The stdlib's default script.
    fn default_script(&self) -> Option<(String, String)>;
}

/// Why a scoring script was not read: shown at the `scoring:` field that names it.
pub struct ScriptError {
    pub why: String,
    /// What to write instead.
    pub help: String,
}

/// The built-in default script and no files: for embedding aims where there is no disk.
pub struct BuiltinScripts;

impl Scripts for BuiltinScripts {
    fn read(&self, path: &str, _from: &str) -> Result<(String, String), ScriptError> {
        Err(ScriptError {
            why: format!("`{path}` cannot be read here: only the built-in scoring is available"),
            help: "remove `scoring:` to use the built-in scoring".to_string(),
        })
    }
    fn default_script(&self) -> Option<(String, String)> {
        crate::stdlib::embedded()
            .find(|(p, _)| *p == "scoring/default.rhai")
            .map(|(p, t)| (format!("<stdlib>/{p}"), t.to_string()))
    }
}

/// Asks the C allocator (glibc) for at most two memory arenas shared by all threads, for a
/// process that compiles specs (the `aims` binary, the benchmarks). By default each thread that
/// allocates gets an arena of its own: the trees built on the parsing threads are freed into
/// theirs, and the Model, built on the main thread, cannot reuse that memory, so the peak is the
/// sum of both. With one arena a 25 MB spec peaks at about 230 MB instead of 300 MB, but the
/// parsing threads and the main thread then wait on that arena's one lock (futex wake-ups were
/// ~6% of a 10,000-system check). Two arenas cost a few percent of peak memory (10,000
/// systems: 522 MiB against 502 MiB) and remove most of the waiting (whole-process medians of
/// paired runs: wall 0.80x, CPU 0.84x; system time 0.54 s against 1.1 s).
/// This is for a build whose allocator is glibc's (`--no-default-features`); with jemalloc
/// (see [`crate::alloc`]), and on other systems, it does nothing.
pub fn tune_malloc_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu", not(feature = "jemalloc")))]
    // SAFETY: `mallopt` only sets a tuning parameter of the allocator; it is called before any
    // thread is started, and `M_ARENA_MAX` takes any positive count.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 2);
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

/// Files parsed ahead of the one being checked: enough to keep the pool busy, few enough that
/// their trees stay a small part of memory.
const AHEAD: usize = 4;

fn parse_file(text: &str, origin: Origin, id: FileId, trees: &dyn Trees) -> (Ast, Vec<Diagnostic>) {
    let (ast, mut diags) = trees.parse(text, id);
    if origin == Origin::Spec && ast.items.is_empty() && diags.is_empty() && text.trim().is_empty() {
        diags.push(
            Diagnostic::new(codes::EMPTY_FILE, "this file is empty")
                .primary(id, Span::new(0, 0), "nothing declared here")
                .help("declare at least one item, or remove the file from the spec"),
        );
    }
    (ast, diags)
}

/// A file as the pool hands it to sema: its tree, or what an earlier run built of it.
enum Read {
    Tree(Ast, Vec<Diagnostic>),
    Nodes(sema::Fragment),
}

/// The fragment of a spec file (its text `text`) when `fragments` (the schema and its
/// fingerprint) is given and the store has one that fits; otherwise its tree.
fn read_file(
    text: &str,
    origin: Origin,
    id: FileId,
    trees: &dyn Trees,
    fragments: Option<(&sema::Schema, &crate::cache::TextHash)>,
) -> Read {
    if let (Some((schema, key)), Origin::Spec) = (fragments, origin) {
        if let Some(fragment) = trees.fragment(text, id, key).and_then(|b| sema::decode_fragment(&b, schema, id)) {
            return Read::Nodes(fragment);
        }
    }
    let (ast, diags) = parse_file(text, origin, id, trees);
    Read::Tree(ast, diags)
}

/// A fingerprint of the schema a compilation checks against: the texts (and names, which give
/// their order) of every file that declares schema, stdlib included. A fragment is built
/// against one schema and read against that one only.
fn schema_fingerprint(db: &SourceDb, declaring: &[FileId]) -> crate::cache::TextHash {
    let mut h = blake3::Hasher::new();
    for id in declaring {
        let file = db.get(*id);
        for part in [file.name.as_bytes(), file.text.as_bytes()] {
            h.update(&(part.len() as u64).to_le_bytes());
            h.update(part);
        }
    }
    *h.finalize().as_bytes()
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
/// file is parsed and checked; every other file's checked nodes are decoded from the store
/// (keyed by the hash of the text and the schema, so an undo finds its old nodes again), and
/// a file the store keeps no nodes of (one that declares schema or rules) is checked from a
/// copy of its tree. Call
/// [`crate::cache::MemoryTrees::retain_only_used`] after each compilation to drop the trees of
/// texts that are gone. The command line passes [`crate::cache::disk::DiskTrees`]. Whatever
/// the store, the result is the same as [`compile`]'s, byte for byte.
pub fn compile_with(
    db: SourceDb,
    early: Vec<Diagnostic>,
    today: jiff::civil::Date,
    scripts: &dyn Scripts,
    trees: &dyn Trees,
) -> Compilation {
    compile_only(db, early, today, scripts, trees, None)
}

/// As [`compile_with`], running only the rules named in `only` (`aims check --only`).
pub fn compile_only(
    mut db: SourceDb,
    early: Vec<Diagnostic>,
    today: jiff::civil::Date,
    scripts: &dyn Scripts,
    trees: &dyn Trees,
    only: Option<&[String]>,
) -> Compilation {
    // Each run has its own budget for "did you mean" suggestions.
    crate::diagnostics::suggest::new_run();
    let ids: Vec<FileId> = db.iter().map(|(id, _)| id).collect();
    // Parsing recurses as deep as the text nests (bounded by syntax::depth); large stacks keep
    // every bounded input safe.
    let pool = rayon::ThreadPoolBuilder::new().stack_size(64 << 20).build().expect("a thread pool can be built");
    let parse_all = |ids: &[FileId]| -> Vec<(Ast, Vec<Diagnostic>)> {
        pool.install(|| {
            ids.par_iter()
                .map(|id| {
                    let file = db.get(*id);
                    parse_file(&file.text, file.origin, *id, trees)
                })
                .collect()
        })
    };

    // Files that declare schema first (the stdlib, and a spec's own kinds); then the others,
    // each checked as soon as it is parsed and its tree freed, in the fixed file order.
    // The scan is a pass over every byte of the spec: on the pool, so both cores share it.
    let declaring: Vec<FileId> = pool.install(|| {
        ids.par_iter()
            .copied()
            .filter(|id| db.get(*id).origin == Origin::Stdlib || syntax::depth::declares_schema(&db.get(*id).text))
            .collect()
    });
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
    // The other files are parsed on the pool while this thread checks them, in file order, as
    // they arrive: sema overlaps the parsing, and at most `AHEAD` trees wait at any time. A
    // store that keeps fragments gives, for a file whose text and schema are those of an
    // earlier run, what the builder made of it then, decoded on the pool; this thread only
    // adds it to the Model.
    let missing: Vec<FileId> = ids.iter().copied().filter(|id| early_trees[id.0 as usize].is_none()).collect();
    let schema = analyzer.schema();
    let schema_key = trees.keeps_fragments().then(|| schema_fingerprint(&db, &declaring));
    let fragments = schema_key.as_ref().map(|key| (&*schema, key));
    // Each of those files' text goes to the pool with its job and comes back with the result;
    // once the file is checked it returns to the database, or is dropped when the caller
    // allows it (`SourceDb::release_checked`).
    let release = db.releases_checked();
    pool.in_place_scope(|scope| {
        let mut waiting = std::collections::VecDeque::new();
        let mut next = missing.iter();
        let mut spawn = |waiting: &mut std::collections::VecDeque<_>, db: &mut SourceDb| {
            if let Some(&id) = next.next() {
                let (send, receive) = std::sync::mpsc::channel();
                let file = db.get_mut(id);
                let (text, origin) = (std::mem::take(&mut file.text), file.origin);
                scope.spawn(move |_| {
                    let read = read_file(&text, origin, id, trees, fragments);
                    let _ = send.send((read, text));
                });
                waiting.push_back((id, receive));
            }
        };
        for _ in 0..AHEAD {
            spawn(&mut waiting, &mut db);
        }
        for id in &ids {
            // A file parsed early declares schema: its nodes are never kept, nor its text let go.
            let (read, text) = match early_trees[id.0 as usize].take() {
                Some((ast, diags)) => (Read::Tree(ast, diags), None),
                None => {
                    let Some((for_id, receive)) = waiting.pop_front() else { break };
                    debug_assert_eq!(for_id, *id);
                    // A closed channel means the parse panicked: the scope re-raises it.
                    let Ok((read, text)) = receive.recv() else { break };
                    spawn(&mut waiting, &mut db);
                    (read, Some(text))
                }
            };
            let origin = db.get(*id).origin;
            match read {
                Read::Nodes(fragment) => analyzer.merge(*id, fragment),
                Read::Tree(ast, diags) => match (schema_key, &text) {
                    // Only a file read without a problem has a fragment worth keeping.
                    (Some(key), Some(text)) if diags.is_empty() => {
                        if let Some(bytes) = analyzer.file_keeping(*id, origin, ast) {
                            trees.keep_fragment(text, *id, &key, &bytes);
                        }
                    }
                    _ => {
                        diagnostics.extend(diags);
                        analyzer.file(*id, origin, ast);
                    }
                },
            }
            if let Some(text) = text {
                let file = db.get_mut(*id);
                if release && origin == Origin::Spec {
                    file.release();
                } else {
                    file.text = text;
                }
            }
        }
    });
    // The trees are not kept: the Model holds what later stages need, and a formatter or an
    // editor re-parses the one file it works on.
    crate::timings::mark("parsed and checked every file");
    let mut model = analyzer.finish();
    crate::timings::mark("resolved references");
    diagnostics.append(&mut sema_diags);
    crate::placeholders::report(&model, &mut diagnostics);
    let rules = rules::load(&model, &mut diagnostics);
    let has_errors = |d: &[Diagnostic]| d.iter().any(|d| d.severity == diagnostics::Severity::Error);
    let scoring = if has_errors(&diagnostics) { None } else { score(&mut db, &mut model, scripts, &mut diagnostics) };
    crate::timings::mark("scored risks");
    let clean = !has_errors(&diagnostics);
    let outcome = clean.then(|| {
        let mut outcome = rules::evaluate_only(&model, &rules, only, today, &mut diagnostics);
        diagnostics.append(&mut outcome.findings);
        outcome
    });
    crate::timings::mark("ran rules");
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
            Err(ScriptError { why, help }) => {
                diags.push(
                    Diagnostic::new(codes::SCRIPT_UNREADABLE, format!("the scoring script cannot be read: {why}"))
                        .primary(file, span, "named here")
                        .help(help),
                );
                return None;
            }
        },
        None => scripts.default_script()?,
    };
    let id = db.add(crate::source::SourceFile::new(name, text, origin));
    scoring::run(model, db.get(id), id, diags)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn db(release: bool) -> SourceDb {
        let mut db = stdlib_db();
        let files = [
            ("kinds.aims", "kind vendor_note {\n  text: text\n}\n"),
            ("a.aims", "person p \"P\" {\n  email: \"p@example.org\"\n}\n"),
            ("b.aims", "system s \"S\" {\n  owner: nobody\n}\n"),
        ];
        for (name, text) in files {
            db.add(crate::source::SourceFile::new(name.into(), text.into(), Origin::Spec));
        }
        if release {
            db.release_checked();
        }
        db
    }

    #[test]
    fn a_compilation_that_may_release_texts_drops_only_checked_spec_texts_and_finds_the_same() {
        let today = jiff::civil::date(2026, 11, 22);
        let kept = compile(db(false), Vec::new(), today, &BuiltinScripts);
        let released = compile(db(true), Vec::new(), today, &BuiltinScripts);
        let show = |c: &Compilation| c.diagnostics.iter().map(|d| format!("{d:?}")).collect::<Vec<_>>();
        assert!(kept.diagnostics.iter().any(|d| d.code == "E0203"), "{:?}", show(&kept));
        assert_eq!(show(&kept), show(&released));
        for (id, file) in released.db.iter() {
            // The stdlib and a file that declares kinds keep their text; the others let it go.
            let expect = file.origin == Origin::Spec && file.name != "kinds.aims";
            assert_eq!(file.is_released(), expect, "{}", file.name);
            assert!(!kept.db.get(id).is_released());
            if !expect {
                assert_eq!(file.text, kept.db.get(id).text);
            }
        }
    }
}
