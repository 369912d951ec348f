//! What `aims check` reports, compiled now or taken from the cache of checked results
//! (`cache::results`).
//!
//! A run reads and hashes every file first, which gives the key. When the store has an entry
//! for it, every read the stored run made besides the files (the scoring script, each
//! evidence file) is made again here, and the entry is used only when each gives what it gave
//! then; otherwise the spec is compiled, with a recording of those reads, and the result is
//! stored. Either way the caller gets the same [`Checked`], down to the byte it prints.

use super::load::{self, Read};
use super::scripts::DiskScripts;
use super::{output, SpecArgs};
use crate::cache::results::{self, DiskResults, ScriptRead, Stored};
use crate::cache::{hash_text, TextHash};
use crate::compile::{Compilation, ScriptError, Scripts};
use crate::diagnostics::{Diagnostic, Severity};
use crate::rules::RuleSet;
use crate::source::{Origin, SourceDb, SourceFile};
use rayon::prelude::*;
use std::sync::Mutex;

/// A checked spec, as far as reporting it needs.
pub struct Checked {
    /// Every file of the run. Only the files a diagnostic points into have their text (the
    /// others keep their name, see `SourceDb::release_checked`): nothing else reads it.
    pub db: SourceDb,
    /// Sorted by file and position.
    pub diagnostics: Vec<Diagnostic>,
    pub rules: RuleSet,
    /// Items declared in the spec.
    pub items: usize,
    /// Rule findings set aside by a waiver in force.
    pub waived: usize,
    /// Whether the governance rules ran (they do not on a spec with errors).
    pub rules_run: bool,
}

impl Checked {
    pub fn count(&self, severity: Severity) -> usize {
        self.diagnostics.iter().filter(|d| d.severity == severity).count()
    }

    pub fn spec_file_count(&self) -> usize {
        self.db.iter().filter(|(_, f)| f.origin == Origin::Spec).count()
    }
}

/// Checks the spec (with the rules `only`, or all), from the result cache when it holds this
/// very result. A usage or I/O problem is reported and gives the exit code to return.
pub fn check(spec: &SpecArgs, only: Option<&[String]>) -> Result<Checked, u8> {
    let mut read = load::read(spec).map_err(|e| output::fail_as(spec.format, &e.0))?;
    // A check drops each spec file's text once the file is checked, and reads again only the
    // files its diagnostics point into.
    let reread = read.release_checked();
    crate::timings::mark("read the spec");
    let scripts = DiskScripts::new(&spec.paths, spec.stdlib.clone());
    // A file with bytes that are not UTF-8 is read with them replaced, and two such files can
    // read the same: a run with any is never stored (the file is being repaired anyway).
    let store = super::cache_dir(spec).filter(|_| read.early.is_empty()).map(|dir| DiskResults::open(&dir));
    let Some(store) = store else {
        let (mut c, _) = super::compile_read(spec, read, only, &scripts);
        restore(&reread, &mut c, spec)?;
        crate::timings::mark("read again the files shown");
        return Ok(from_compilation(c));
    };
    let key = results::key(read.files(), spec.today(), only);
    let read = match store.get(&key) {
        Some(stored) => match replay(stored, read, &scripts, spec) {
            Ok(checked) => {
                crate::timings::mark("reused the stored result");
                return Ok(checked);
            }
            Err(read) => read,
        },
        None => read,
    };
    let first_added = read.files().count();
    let recording = Recording { inner: &scripts, reads: Mutex::default() };
    let (mut c, evidence) = super::compile_read(spec, read, only, &recording);
    restore(&reread, &mut c, spec)?;
    crate::timings::mark("read again the files shown");
    let stored = Stored {
        added: c
            .db
            .iter()
            .skip(first_added)
            .map(|(_, f)| (f.name.clone(), results::origin_code(f.origin), hash_text(&f.text)))
            .collect(),
        scripts: recording.reads.into_inner().unwrap_or_else(|e| e.into_inner()),
        evidence: evidence.iter().map(|(file, path, found)| (file.0, path.clone(), found.into())).collect(),
        diagnostics: c.diagnostics.iter().map(Into::into).collect(),
        rules: c.rules.rules.values().map(Into::into).collect(),
        items: c.model.spec_item_count(),
        waived: c.outcome.as_ref().map_or(0, |o| o.waived),
        rules_run: c.outcome.is_some(),
    };
    store.put(&key, &stored);
    crate::timings::mark("stored the result");
    Ok(from_compilation(c))
}

/// Gives the files the diagnostics point into their text again, read from disk.
fn restore(reread: &load::Reread, c: &mut Compilation, spec: &SpecArgs) -> Result<(), u8> {
    let shown = c.diagnostics.iter().flat_map(|d| d.labels.iter().map(|l| l.file));
    reread.restore(&mut c.db, shown).map_err(|e| output::fail_as(spec.format, &e.0))
}

fn from_compilation(c: Compilation) -> Checked {
    let Compilation { db, model, rules, outcome, scoring, diagnostics } = c;
    let checked = Checked {
        db,
        diagnostics,
        rules,
        items: model.spec_item_count(),
        waived: outcome.as_ref().map_or(0, |o| o.waived),
        rules_run: outcome.is_some(),
    };
    // The process ends soon; freeing a large model item by item would only cost time.
    std::mem::forget((model, outcome, scoring));
    checked
}

/// The stored result, if every read it records gives the same answer now; the files as read
/// otherwise, to be compiled.
fn replay(stored: Stored, read: Read, scripts: &dyn Scripts, spec: &SpecArgs) -> Result<Checked, Read> {
    let Some(texts) = reads_agree(&stored, &read, scripts, spec) else { return Err(read) };
    let files = read.files().count() + stored.added.len();
    let shown = stored.files_shown();
    let (items, waived, rules_run) = (stored.items, stored.waived, stored.rules_run);
    let Some((diagnostics, rules)) = stored.restore(files) else { return Err(read) };
    let first_spec = read.stdlib.len();
    let mut db = read.into_db_keeping(|i| shown.contains(&((first_spec + i) as u32)));
    for (name, origin, text) in texts {
        db.add(SourceFile::new(name, text, origin));
    }
    Ok(Checked { db, diagnostics, rules, items, waived, rules_run })
}

/// The texts of the files the stored run added (its scoring script), when each read it
/// records gives now what it gave then.
fn reads_agree(
    stored: &Stored,
    read: &Read,
    scripts: &dyn Scripts,
    spec: &SpecArgs,
) -> Option<Vec<(String, Origin, String)>> {
    let mut answers = Vec::new();
    for asked in &stored.scripts {
        let (again, text) = ask(scripts, asked);
        if &again != asked {
            return None;
        }
        answers.extend(text);
    }
    if !stored.evidence.is_empty() {
        let names: Vec<&str> = read.files().map(|(name, _, _)| name).collect();
        let root = super::evidence::repository_root(spec);
        let same = stored.evidence.par_iter().all(|(file, path, found)| {
            names
                .get(*file as usize)
                .is_some_and(|from| results::Found::from(&super::evidence::inspect_path(from, path, &root)) == *found)
        });
        if !same {
            return None;
        }
    }
    // Each added file must be the text of a script read now, by name and hash.
    stored
        .added
        .iter()
        .map(|(name, origin, hash)| {
            let i = answers.iter().position(|(n, h, _)| n == name && h == hash)?;
            let (name, _, text) = answers.swap_remove(i);
            Some((name, results::origin_from(*origin)?, text))
        })
        .collect()
}

/// Asks `scripts` what `asked` asked, and records the answer the same way; with the script's
/// name, hash and text when one was read.
fn ask(scripts: &dyn Scripts, asked: &ScriptRead) -> (ScriptRead, Option<(String, TextHash, String)>) {
    match asked {
        ScriptRead::Named { path, from, .. } => named(scripts.read(path, from), path, from),
        ScriptRead::Default { .. } => default(scripts.default_script()),
    }
}

fn named(
    answer: Result<(String, String), ScriptError>,
    path: &str,
    from: &str,
) -> (ScriptRead, Option<(String, TextHash, String)>) {
    let (path, from) = (path.to_string(), from.to_string());
    match answer {
        Ok((name, text)) => {
            let hash = hash_text(&text);
            (ScriptRead::Named { path, from, answer: Ok((name.clone(), hash)) }, Some((name, hash, text)))
        }
        Err(ScriptError { why, help }) => (ScriptRead::Named { path, from, answer: Err((why, help)) }, None),
    }
}

fn default(answer: Option<(String, String)>) -> (ScriptRead, Option<(String, TextHash, String)>) {
    match answer {
        Some((name, text)) => {
            let hash = hash_text(&text);
            (ScriptRead::Default { answer: Some((name.clone(), hash)) }, Some((name, hash, text)))
        }
        None => (ScriptRead::Default { answer: None }, None),
    }
}

/// The scripts of a compilation, with a record of each asking and its answer.
struct Recording<'a> {
    inner: &'a dyn Scripts,
    reads: Mutex<Vec<ScriptRead>>,
}

impl Recording<'_> {
    fn record(&self, read: ScriptRead) {
        self.reads.lock().unwrap_or_else(|e| e.into_inner()).push(read);
    }
}

impl Scripts for Recording<'_> {
    fn read(&self, path: &str, from: &str) -> Result<(String, String), ScriptError> {
        let answer = self.inner.read(path, from);
        let recorded = match &answer {
            Ok((name, text)) => Ok((name.clone(), hash_text(text))),
            Err(e) => Err((e.why.clone(), e.help.clone())),
        };
        self.record(ScriptRead::Named { path: path.to_string(), from: from.to_string(), answer: recorded });
        answer
    }

    fn default_script(&self) -> Option<(String, String)> {
        let answer = self.inner.default_script();
        let (recorded, _) = default(answer.clone());
        self.record(recorded);
        answer
    }
}
