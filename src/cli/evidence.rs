//! Evidence files on disk, for `aims check` and `aims pin`: where the repository ends, and the
//! SHA-256 of each file named by the spec. Paths that would leave the repository are refused
//! before anything is opened; files are streamed, never read whole, and hashed in parallel.

use super::SpecArgs;
use crate::compile::Compilation;
use crate::evidence::{self, EvidenceFile, Found};
use crate::source::{FileId, SourceDb};
use rayon::prelude::*;
use sha2::{Digest, Sha256};
use std::io::Read;
use std::path::{Path, PathBuf};

/// Reads evidence in pieces of this size: a large scan or video is never held in memory.
const CHUNK: usize = 256 * 1024;

/// Adds the findings about the spec's evidence files to a compilation; returns each file
/// looked at (spec file, path as written) and what was found there, which a stored result
/// must find again to be used.
pub fn check(c: &mut Compilation, spec: &SpecArgs) -> Vec<(FileId, String, Found)> {
    let files = evidence::collect(&c.model);
    if files.is_empty() {
        return Vec::new();
    }
    let found = inspect(&c.db, &files, &repository_root(spec));
    c.diagnostics.extend(evidence::findings(&c.model, &files, &found));
    crate::diagnostics::sort(&mut c.diagnostics);
    files.into_iter().zip(found).map(|(ev, found)| (ev.file, ev.path, found)).collect()
}

/// The root evidence must stay in: the git repository that holds the spec (the nearest folder
/// above it with a `.git`), or, outside git, the folder given on the command line.
pub fn repository_root(spec: &SpecArgs) -> PathBuf {
    let first = spec.paths.first().cloned().unwrap_or_else(|| PathBuf::from("."));
    let start = if first.is_dir() { first } else { first.parent().map(Path::to_path_buf).unwrap_or_default() };
    let start = if start.as_os_str().is_empty() { PathBuf::from(".") } else { start };
    let start = std::fs::canonicalize(&start).unwrap_or(start);
    start.ancestors().find(|d| d.join(".git").exists()).map(Path::to_path_buf).unwrap_or(start)
}

/// What is at each evidence path (`result[i]` for `files[i]`).
pub fn inspect(db: &SourceDb, files: &[EvidenceFile], root: &Path) -> Vec<Found> {
    files.par_iter().map(|ev| inspect_one(db, ev, root)).collect()
}

fn inspect_one(db: &SourceDb, ev: &EvidenceFile, root: &Path) -> Found {
    inspect_path(&db.get(ev.file).name, &ev.path, root)
}

/// What is at `path`, named in the spec file called `from` (paths are relative to its folder).
pub fn inspect_path(from: &str, path: &str, root: &Path) -> Found {
    if let Some(why) = evidence::refuse_by_text(path) {
        return Found::Outside(why);
    }
    let base = Path::new(from).parent().unwrap_or(Path::new(""));
    let full = base.join(path);
    let Ok(meta) = std::fs::symlink_metadata(&full) else { return Found::Missing };
    // Following every link (of the file and of the folders on the way) tells where it leads;
    // nothing is opened until that place is known to be inside the repository.
    let real = match std::fs::canonicalize(&full) {
        Ok(real) => real,
        Err(_) if meta.file_type().is_symlink() => return Found::Missing,
        Err(e) => return Found::Unreadable(e.to_string().to_lowercase()),
    };
    if !real.starts_with(root) {
        return Found::Outside("it leads through a symbolic link to a place outside the repository".into());
    }
    if real.is_dir() {
        return Found::Unreadable("it is a folder".into());
    }
    // A FIFO would block the open for ever, a device never end: only regular files are read.
    let file = match super::read::open_regular(&real) {
        Ok((file, _)) => file,
        Err(why) => return Found::Unreadable(why.0),
    };
    match hash_reader(file) {
        Ok(h) => Found::Hash(h),
        Err(e) => Found::Unreadable(super::read::io_words(&e)),
    }
}

/// The SHA-256 of a file, read in chunks, as lowercase hexadecimal.
fn hash_reader(mut file: std::fs::File) -> std::io::Result<String> {
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; CHUNK];
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hasher.finalize().iter().map(|b| format!("{b:02x}")).collect())
}
