//! The cache of checked results: `.aims-cache/results/` (or `--cache DIR`), one file per
//! result of `aims check`, so that a run over a spec nothing has changed in prints the stored
//! result instead of compiling.
//!
//! A result is keyed by everything it depends on that is known before compiling: this build
//! of aims ([`super::build_fingerprint`]: version, code, embedded stdlib), the name, origin and
//! text hash of every file read (the stdlib in use, `--stdlib DIR` included, and every spec
//! file), the date that "today" means, and the rules asked for with `--only`. What the run read
//! besides (the scoring script the spec names or the default one, each evidence file's state)
//! is only known once compiled, so the entry records each of those reads and what it gave, and
//! a lookup does each read again: an entry whose reads give anything else is a miss.
//!
//! The entry holds the structured diagnostics, not rendered text, and what the summary line
//! and the SARIF rule list need, so every output format renders from it exactly as from a
//! compilation. Entries follow the discipline of [`super::entry`] (magic `AIMSRSLT`, format,
//! build fingerprint, key, length, checksum; atomic writes); anything that does not match, or
//! does not decode into a sound result, is a miss. Nothing here can fail a run.

use super::entry::{self, Kind};
use super::{build_fingerprint, TextHash};
use crate::diagnostics::{Diagnostic, Label, Severity};
use crate::rules::{ir::Rule, RuleSet};
use crate::source::{FileId, Origin, Span};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// Bumped whenever the layout of [`Stored`] changes.
const FORMAT: u32 = 1;
const RESULT: Kind = Kind { magic: b"AIMSRSLT", format: FORMAT, extension: "result" };

/// Results kept in the folder after a run stores one: the results of the last few versions of
/// a spec (and of a few `--only` runs beside), least recently used first out. Results are
/// whole reports, so fewer are kept than trees.
pub const RESULTS_KEPT: usize = 32;

/// The bytes the results may take after a run stores one of `len` bytes: a few results of
/// that size, and never less than a small floor. The result of a large spec with many
/// findings runs to a hundred megabytes; 32 of them would be a folder of gigabytes.
pub fn results_bytes_for(len: u64) -> u64 {
    (len * 8).max(64 << 20)
}

/// The key of the result of checking the files `files` (name, origin and text hash of each,
/// in file order) as of `today`, with the rules `only` (all when `None`).
pub fn key<'a>(
    files: impl Iterator<Item = (&'a str, Origin, &'a TextHash)>,
    today: jiff::civil::Date,
    only: Option<&[String]>,
) -> TextHash {
    let mut h = blake3::Hasher::new();
    // Every part is length-prefixed, so that no two different inputs write the same bytes.
    let part = |h: &mut blake3::Hasher, bytes: &[u8]| {
        h.update(&(bytes.len() as u64).to_le_bytes());
        h.update(bytes);
    };
    part(&mut h, b"aims check");
    part(&mut h, &FORMAT.to_le_bytes());
    part(&mut h, &build_fingerprint());
    part(&mut h, today.to_string().as_bytes());
    match only {
        None => part(&mut h, b"all rules"),
        Some(rules) => {
            part(&mut h, b"only");
            part(&mut h, &(rules.len() as u64).to_le_bytes());
            for rule in rules {
                part(&mut h, rule.as_bytes());
            }
        }
    }
    for (name, origin, hash) in files {
        part(&mut h, &[origin_code(origin)]);
        part(&mut h, name.as_bytes());
        part(&mut h, hash);
    }
    *h.finalize().as_bytes()
}

/// A result as stored.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct Stored {
    /// Files the run added after the ones it read (the scoring script): name, origin, hash.
    pub added: Vec<(String, u8, TextHash)>,
    /// Each scoring script asked for, in order, and what the asking gave.
    pub scripts: Vec<ScriptRead>,
    /// Each evidence file looked at: the spec file naming it, the path as written, what was there.
    pub evidence: Vec<(u32, String, Found)>,
    pub diagnostics: Vec<StoredDiagnostic>,
    /// Every rule of the run, without its body (the SARIF log describes each, `--only` names them).
    pub rules: Vec<StoredRule>,
    pub items: usize,
    pub waived: usize,
    pub rules_run: bool,
}

/// A scoring script asked for during a run, and the answer: the script's name and text hash,
/// or why it could not be read and what to do (the message and help shown at `scoring:`).
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub enum ScriptRead {
    /// The script at `path`, named in the spec file `from`.
    Named { path: String, from: String, answer: Result<(String, TextHash), (String, String)> },
    /// The stdlib's default script.
    Default { answer: Option<(String, TextHash)> },
}

/// What was at an evidence path ([`crate::evidence::Found`], as stored).
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub enum Found {
    Hash(String),
    Missing,
    Outside(String),
    Unreadable(String),
}

impl From<&crate::evidence::Found> for Found {
    fn from(f: &crate::evidence::Found) -> Self {
        use crate::evidence::Found as F;
        match f {
            F::Hash(h) => Found::Hash(h.clone()),
            F::Missing => Found::Missing,
            F::Outside(why) => Found::Outside(why.clone()),
            F::Unreadable(why) => Found::Unreadable(why.clone()),
        }
    }
}

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct StoredDiagnostic {
    code: String,
    severity: u8,
    message: String,
    /// File, start, end, message, primary.
    labels: Vec<(u32, u32, u32, String, bool)>,
    notes: Vec<String>,
    help: Option<String>,
    refs: Vec<String>,
    about: Vec<String>,
}

impl From<&Diagnostic> for StoredDiagnostic {
    fn from(d: &Diagnostic) -> Self {
        // Named field by field: a field added to `Diagnostic` does not compile here until it
        // is stored too.
        let Diagnostic { code, severity, message, labels, notes, help, refs, about } = d;
        StoredDiagnostic {
            code: code.clone(),
            severity: severity_code(*severity),
            message: message.clone(),
            labels: labels
                .iter()
                .map(|Label { file, span, message, primary }| (file.0, span.start, span.end, message.clone(), *primary))
                .collect(),
            notes: notes.clone(),
            help: help.clone(),
            refs: refs.clone(),
            about: about.clone(),
        }
    }
}

impl StoredDiagnostic {
    /// The diagnostic, if it is sound for a database of `files` files.
    fn restore(self, files: usize) -> Option<Diagnostic> {
        let labels = self
            .labels
            .into_iter()
            .map(|(file, start, end, message, primary)| {
                ((file as usize) < files && start <= end).then_some(Label {
                    file: FileId(file),
                    span: Span { start, end },
                    message,
                    primary,
                })
            })
            .collect::<Option<Vec<_>>>()?;
        Some(Diagnostic {
            code: self.code,
            severity: severity_from(self.severity)?,
            message: self.message,
            labels,
            notes: self.notes,
            help: self.help,
            refs: self.refs,
            about: self.about,
        })
    }
}

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct StoredRule {
    id: String,
    title: String,
    severity: u8,
    default_severity: u8,
    refs: Vec<String>,
    doc: String,
    origin: u8,
    file: u32,
    span: (u32, u32),
}

impl From<&Rule> for StoredRule {
    fn from(r: &Rule) -> Self {
        // The body is left out: a stored result is never evaluated again.
        let Rule { id, title, severity, default_severity, refs, doc, origin, file, span, body: _ } = r;
        StoredRule {
            id: id.clone(),
            title: title.clone(),
            severity: severity_code(*severity),
            default_severity: severity_code(*default_severity),
            refs: refs.clone(),
            doc: doc.clone(),
            origin: origin_code(*origin),
            file: file.0,
            span: (span.start, span.end),
        }
    }
}

impl StoredRule {
    fn restore(self) -> Option<Rule> {
        Some(Rule {
            id: self.id,
            title: self.title,
            severity: severity_from(self.severity)?,
            default_severity: severity_from(self.default_severity)?,
            refs: self.refs,
            doc: self.doc,
            origin: origin_from(self.origin)?,
            file: FileId(self.file),
            span: Span { start: self.span.0, end: self.span.1 },
            body: None,
        })
    }
}

impl Stored {
    /// The diagnostics and rules, if every one is sound for a database of `files` files; an
    /// entry that names a file or a severity that does not exist is not used.
    pub fn restore(self, files: usize) -> Option<(Vec<Diagnostic>, RuleSet)> {
        // In parallel: a large spec's result holds hundreds of thousands of findings.
        let diagnostics = self.diagnostics.into_par_iter().map(|d| d.restore(files)).collect::<Option<Vec<_>>>()?;
        let mut rules = RuleSet::default();
        for rule in self.rules {
            let rule = rule.restore()?;
            rules.rules.insert(rule.id.clone(), rule);
        }
        Some((diagnostics, rules))
    }

    /// The files each diagnostic points into (indexes in the database).
    pub fn files_shown(&self) -> rustc_hash::FxHashSet<u32> {
        self.diagnostics.iter().flat_map(|d| d.labels.iter().map(|l| l.0)).collect()
    }
}

pub(crate) fn origin_code(o: Origin) -> u8 {
    match o {
        Origin::Spec => 0,
        Origin::Stdlib => 1,
    }
}

pub(crate) fn origin_from(code: u8) -> Option<Origin> {
    match code {
        0 => Some(Origin::Spec),
        1 => Some(Origin::Stdlib),
        _ => None,
    }
}

fn severity_code(s: Severity) -> u8 {
    match s {
        Severity::Error => 0,
        Severity::Warning => 1,
        Severity::Note => 2,
    }
}

fn severity_from(code: u8) -> Option<Severity> {
    match code {
        0 => Some(Severity::Error),
        1 => Some(Severity::Warning),
        2 => Some(Severity::Note),
        _ => None,
    }
}

/// The result store of one run.
pub struct DiskResults {
    /// `None` when the folder cannot be created: nothing is read or written.
    dir: Option<PathBuf>,
}

impl DiskResults {
    /// A store in `dir` (created if missing; `results/` inside it holds the entries).
    pub fn open(dir: &Path) -> Self {
        DiskResults { dir: entry::open_folder(dir, "results") }
    }

    /// The stored result for `key`, if there is an entry that passes every check.
    pub fn get(&self, key: &TextHash) -> Option<Stored> {
        let dir = self.dir.as_ref()?;
        let bytes = RESULT.read(dir, key)?;
        postcard::from_bytes(RESULT.decode(&bytes, &build_fingerprint(), key)?).ok()
    }

    /// Stores `result` under `key`, then prunes the folder to [`RESULTS_KEPT`] entries and
    /// [`results_bytes_for`] bytes.
    pub fn put(&self, key: &TextHash, result: &Stored) {
        let Some(dir) = &self.dir else { return };
        let Ok(payload) = postcard::to_stdvec(result) else { return };
        let bytes = RESULT.encode(&build_fingerprint(), key, &payload);
        if entry::write_atomically(dir, &RESULT.path(dir, key), &bytes).is_ok() {
            let keep = std::iter::once(*key).collect();
            RESULT.prune(dir, &keep, RESULTS_KEPT, results_bytes_for(bytes.len() as u64));
        }
    }
}
