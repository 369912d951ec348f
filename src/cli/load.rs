//! Finding and reading the files of a spec, and the stdlib.

use super::read::{self, io_words};
use crate::cache::TextHash;
use crate::cli::SpecArgs;
use crate::diagnostics::{codes, Diagnostic};
use crate::source::{FileId, Origin, SourceDb, SourceFile, Span};
use rayon::prelude::*;
use std::path::{Path, PathBuf};

/// Files larger than this are refused: a governance spec is text written by people.
pub(crate) const MAX_FILE_BYTES: u64 = 512 * 1024 * 1024;

/// A problem that stops the run before checking starts (exit code 2).
pub struct LoadError(pub String);

pub struct Loaded {
    pub db: SourceDb,
    pub early: Vec<Diagnostic>,
}

/// The files of a run as read, before they become a [`SourceDb`]: the stdlib (already a
/// database), then the spec's texts, each with the hash of its text, computed as it was read
/// (the caches key on these hashes; nothing hashes a text twice).
pub struct Read {
    pub stdlib: SourceDb,
    pub spec: Vec<Text>,
    /// Problems found while reading (invalid UTF-8), with the file ids the database will give.
    pub early: Vec<Diagnostic>,
    stdlib_hashes: Vec<TextHash>,
    /// Whether the database lets a compilation drop spec texts once checked ([`Read::release_checked`]).
    release: bool,
}

pub struct Text {
    pub name: String,
    /// Where the text was read, to read it again.
    pub path: PathBuf,
    pub text: String,
    pub hash: TextHash,
}

/// Where each spec file of a run can be read again, with the hash of the text it was checked
/// with: a compilation that released the texts gives them back from here.
pub struct Reread {
    /// The id of the first spec file; spec files follow in order.
    first: usize,
    files: Vec<(PathBuf, TextHash)>,
}

impl Reread {
    /// Reads again the released files among `ids` and gives them back their text. A file that
    /// now reads differently (it was saved while aims checked it) cannot be shown: the
    /// positions found would not be those of its text.
    pub fn restore(&self, db: &mut SourceDb, ids: impl IntoIterator<Item = FileId>) -> Result<(), LoadError> {
        let mut wanted: Vec<FileId> = ids.into_iter().filter(|id| db.get(*id).is_released()).collect();
        wanted.sort_unstable();
        wanted.dedup();
        let texts: Vec<Result<String, LoadError>> = wanted
            .par_iter()
            .map(|id| {
                let (path, hash) =
                    id.0.checked_sub(self.first as u32).and_then(|i| self.files.get(i as usize)).ok_or_else(|| {
                        LoadError(format!("cannot read `{}` again: it is not a file of the spec", db.get(*id).name))
                    })?;
                let again =
                    read::regular_file(path, MAX_FILE_BYTES).map(FileText::new).map_err(|read::Unreadable(why)| {
                        LoadError(format!("cannot read `{}` again: {why}", display(path)))
                    })?;
                if again.hash != *hash {
                    return Err(LoadError(format!(
                        "`{}` changed while aims was checking it; run aims again to check it as it is now",
                        display(path)
                    )));
                }
                Ok(match again.text {
                    Ok(t) | Err((t, _)) => t,
                })
            })
            .collect();
        for (id, text) in wanted.into_iter().zip(texts) {
            db.get_mut(id).restore(text?);
        }
        Ok(())
    }
}

impl Read {
    /// The name, origin and text hash of every file, in file id order.
    pub fn files(&self) -> impl Iterator<Item = (&str, Origin, &TextHash)> {
        let stdlib = self.stdlib.iter().zip(&self.stdlib_hashes).map(|((_, f), h)| (f.name.as_str(), f.origin, h));
        stdlib.chain(self.spec.iter().map(|t| (t.name.as_str(), Origin::Spec, &t.hash)))
    }

    /// The hash and length of each file's text, by file id (for the tree cache).
    pub fn hashes(&self) -> Vec<(TextHash, usize)> {
        let stdlib = self.stdlib.iter().zip(&self.stdlib_hashes).map(|((_, f), h)| (*h, f.text.len()));
        stdlib.chain(self.spec.iter().map(|t| (t.hash, t.text.len()))).collect()
    }

    /// The database of the run.
    pub fn into_db(self) -> SourceDb {
        let release = self.release;
        let mut db = self.into_db_keeping(|_| true);
        if release {
            db.release_checked();
        }
        db
    }

    /// Lets the compilation of these files drop each spec text once it is checked
    /// ([`SourceDb::release_checked`]); the texts of the files a diagnostic points into are
    /// then read again from where this says.
    pub fn release_checked(&mut self) -> Reread {
        self.release = true;
        Reread { first: self.stdlib.len(), files: self.spec.iter().map(|t| (t.path.clone(), t.hash)).collect() }
    }

    /// The database of the run, in which only the spec files for which `keep(index in
    /// spec)` holds have their text; the others keep their name and an empty text (for a
    /// stored result, whose diagnostics point into a few files only).
    pub fn into_db_keeping(self, keep: impl Fn(usize) -> bool + Sync) -> SourceDb {
        let mut db = self.stdlib;
        let files: Vec<SourceFile> = self
            .spec
            .into_par_iter()
            .enumerate()
            .map(|(i, t)| SourceFile::new(t.name, if keep(i) { t.text } else { String::new() }, Origin::Spec))
            .collect();
        for file in files {
            db.add(file);
        }
        db
    }
}

pub fn load(args: &SpecArgs) -> Result<Loaded, LoadError> {
    let mut read = read(args)?;
    let early = std::mem::take(&mut read.early);
    Ok(Loaded { db: read.into_db(), early })
}

/// Finds and reads every file of the spec (and the stdlib), hashing each text as it is read.
pub fn read(args: &SpecArgs) -> Result<Read, LoadError> {
    let mut early = Vec::new();
    // The stdlib comes first: its files get the lowest ids, so its declarations are seen first.
    let stdlib = match &args.stdlib {
        None => crate::compile::stdlib_db(),
        Some(dir) => {
            let mut db = SourceDb::default();
            if !dir.is_dir() {
                return Err(LoadError(format!("cannot use `{}` as the stdlib: it is not a directory", dir.display())));
            }
            let files = discover(dir)?;
            for (file, text) in read_all(&files)? {
                let name = format!("<stdlib>/{}", display(file.strip_prefix(dir).unwrap_or(&file)));
                let id = FileId(db.len() as u32);
                db.add(SourceFile::new(name, text.into_string(id, &mut early), Origin::Stdlib));
            }
            db
        }
    };
    let stdlib_hashes = stdlib.iter().map(|(_, f)| crate::cache::hash_text(&f.text)).collect();
    let mut files = Vec::new();
    for path in &args.paths {
        if path.is_dir() {
            let found = discover(path)?;
            if found.is_empty() {
                return Err(LoadError(format!("no .aims files found in `{}`", display(path))));
            }
            files.extend(found);
        } else if path.exists() {
            files.push(path.clone());
        } else {
            return Err(LoadError(format!("cannot read `{}`: no such file or directory", display(path))));
        }
    }
    // The same file named twice (`aims check a.aims .`) is read once.
    let mut seen = std::collections::HashSet::new();
    files.retain(|f| seen.insert(std::fs::canonicalize(f).unwrap_or_else(|_| f.clone())));
    let mut spec = Vec::with_capacity(files.len());
    for (file, text) in read_all(&files)? {
        let id = FileId((stdlib.len() + spec.len()) as u32);
        let hash = text.hash;
        spec.push(Text { name: display(&file), text: text.into_string(id, &mut early), hash, path: file });
    }
    Ok(Read { stdlib, spec, early, stdlib_hashes, release: false })
}

/// A file's content as read: its text, or the text with bad bytes replaced and where the
/// first one was; and the hash of that text.
struct FileText {
    text: Result<String, (String, usize)>,
    hash: TextHash,
}

impl FileText {
    fn new(bytes: Vec<u8>) -> Self {
        let text = String::from_utf8(bytes).map_err(|err| {
            let at = err.utf8_error().valid_up_to();
            (String::from_utf8_lossy(err.as_bytes()).into_owned(), at)
        });
        let hash = crate::cache::hash_text(match &text {
            Ok(t) | Err((t, _)) => t,
        });
        FileText { text, hash }
    }

    /// The text, saying in `early` where bad bytes start in the file `id`.
    fn into_string(self, id: FileId, early: &mut Vec<Diagnostic>) -> String {
        match self.text {
            Ok(text) => text,
            Err((text, at)) => {
                early.push(
                    Diagnostic::new(codes::INVALID_UTF8, "this file is not valid UTF-8 text")
                        .primary(id, Span::new(at, at + "\u{FFFD}".len()), "bytes that are not UTF-8 start here")
                        .help("save the file as UTF-8 (in most editors: \"Save with encoding\" > UTF-8)")
                        .note("the rest of the file was read with the bad bytes replaced by `\u{FFFD}`"),
                );
                text
            }
        }
    }
}

/// Every `.aims` file under `dir`, in sorted order; hidden folders and `target` are skipped.
/// Links are followed, but only within `dir`: a spec from a pull request must not pull in the
/// runner's files through a link. A link back to a folder that holds it is reported, not walked.
pub(crate) fn discover(dir: &Path) -> Result<Vec<PathBuf>, LoadError> {
    let root = std::fs::canonicalize(dir)
        .map_err(|e| LoadError(format!("cannot read `{}`: {}", display(dir), io_words(&e))))?;
    let mut walk = walkdir::WalkDir::new(dir).follow_links(true).sort_by_file_name().into_iter().filter_entry(|e| {
        let name = e.file_name().to_string_lossy();
        e.depth() == 0 || !e.file_type().is_dir() || !(name.starts_with('.') || name == "target")
    });
    let mut out = Vec::new();
    while let Some(entry) = walk.next() {
        let entry = match entry {
            Ok(entry) => entry,
            // A broken link that would be neither read nor walked (`notes.txt` pointing at a
            // file that was moved) is no reason to stop: it is not part of the spec.
            Err(e) if is_dangling_non_spec(&e) => continue,
            Err(e) => return Err(walk_error(&e)),
        };
        let is_dir = entry.file_type().is_dir();
        let is_spec = !is_dir && entry.file_name().to_string_lossy().ends_with(".aims");
        // Only what would be read or walked matters: a link to elsewhere named `notes.txt` does not.
        if entry.path_is_symlink() && (is_dir || is_spec) {
            let real = std::fs::canonicalize(entry.path())
                .map_err(|e| LoadError(format!("cannot read `{}`: {}", display(entry.path()), io_words(&e))))?;
            if !real.starts_with(&root) && is_dir {
                // A folder linked in from elsewhere (a shared `docs` folder in a monorepo) is
                // not walked, and the run goes on; the note says why its files are not read.
                eprintln!(
                    "note: `{}` is a link to `{}`, outside `{}`: its files are not part of the spec",
                    crate::diagnostics::text::escape(&display(entry.path())),
                    // As written in the link: where it leads, without this machine's paths.
                    crate::diagnostics::text::escape(&display(&std::fs::read_link(entry.path()).unwrap_or(real))),
                    crate::diagnostics::text::escape(&display(dir))
                );
                walk.skip_current_dir();
                continue;
            }
            if !real.starts_with(&root) {
                return Err(LoadError(format!(
                    "`{}` is a link to `{}`, outside `{}`: aims reads only the files inside the folders it is given",
                    display(entry.path()),
                    display(&real),
                    display(dir)
                )));
            }
        }
        if is_spec {
            out.push(entry.into_path());
        }
    }
    out.sort();
    Ok(out)
}

fn is_dangling_non_spec(e: &walkdir::Error) -> bool {
    let Some(path) = e.path() else { return false };
    e.loop_ancestor().is_none()
        && path.extension().is_none_or(|x| x != "aims")
        && std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink())
        && std::fs::metadata(path).is_err()
}

fn walk_error(e: &walkdir::Error) -> LoadError {
    let path = e.path().map(display).unwrap_or_default();
    if let Some(ancestor) = e.loop_ancestor() {
        return LoadError(format!(
            "`{path}` is a link back to `{}`, a folder that holds it, so the folder would be read for ever; \
             remove the link",
            display(ancestor)
        ));
    }
    let words = e.io_error().map(io_words).unwrap_or_else(|| "it cannot be read".to_string());
    LoadError(format!("cannot read `{path}`: {words}"))
}

/// Reads, checks as UTF-8 and hashes every file, in parallel (the bytes are hashed while
/// they are still in the processor's cache).
fn read_all(files: &[PathBuf]) -> Result<Vec<(PathBuf, FileText)>, LoadError> {
    files
        .par_iter()
        .map(|f| match read::regular_file(f, MAX_FILE_BYTES) {
            Ok(bytes) => Ok((f.clone(), FileText::new(bytes))),
            Err(read::Unreadable(why)) => Err(LoadError(format!("cannot read `{}`: {why}", display(f)))),
        })
        .collect()
}

pub fn display(p: &Path) -> String {
    let s = p.to_string_lossy().replace('\\', "/");
    s.strip_prefix("./").map(str::to_string).unwrap_or(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A database of one spec file whose text was released, and where to read it again.
    fn released(path: &Path, text: &str) -> (SourceDb, Reread) {
        let mut db = SourceDb::default();
        let id = db.add(SourceFile::new(display(path), String::new(), Origin::Spec));
        db.get_mut(id).release();
        let reread = Reread { first: 0, files: vec![(path.to_path_buf(), crate::cache::hash_text(text))] };
        (db, reread)
    }

    #[test]
    fn a_released_text_is_read_again_and_a_changed_file_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.aims");
        let text = "system s \"S\" {\n  purpose: \"é\"\n}\n";
        std::fs::write(&path, text).unwrap();
        let (mut db, reread) = released(&path, text);
        assert!(db.get(FileId(0)).is_released());
        reread.restore(&mut db, [FileId(0), FileId(0)]).map_err(|e| e.0).unwrap();
        let file = db.get(FileId(0));
        assert!(!file.is_released());
        assert_eq!(file.text, text);
        assert_eq!(file.line_col(text.find('é').unwrap() as u32), (2, 13));

        // Saved while aims checked it: the positions found are not those of the new text.
        let (mut db, reread) = released(&path, text);
        std::fs::write(&path, "system s \"S\" {}\n").unwrap();
        let err = reread.restore(&mut db, [FileId(0)]).err().map(|e| e.0).unwrap_or_default();
        assert_eq!(
            err,
            format!("`{}` changed while aims was checking it; run aims again to check it as it is now", display(&path))
        );
        assert!(db.get(FileId(0)).is_released());

        std::fs::remove_file(&path).unwrap();
        let err = reread.restore(&mut db, [FileId(0)]).err().map(|e| e.0).unwrap_or_default();
        assert!(err.starts_with(&format!("cannot read `{}` again: ", display(&path))), "{err}");
    }
}
