//! Finding and reading the files of a spec, and the stdlib.

use crate::cli::SpecArgs;
use crate::diagnostics::{codes, Diagnostic};
use crate::source::{Origin, SourceDb, SourceFile, Span};
use rayon::prelude::*;
use std::path::{Path, PathBuf};

/// Files larger than this are refused: a governance spec is text written by people.
const MAX_FILE_BYTES: u64 = 512 * 1024 * 1024;

/// A problem that stops the run before checking starts (exit code 2).
pub struct LoadError(pub String);

pub struct Loaded {
    pub db: SourceDb,
    pub early: Vec<Diagnostic>,
}

pub fn load(args: &SpecArgs) -> Result<Loaded, LoadError> {
    let mut early = Vec::new();
    // The stdlib comes first: its files get the lowest ids, so its declarations are seen first.
    let mut db = match &args.stdlib {
        None => crate::compile::stdlib_db(),
        Some(dir) => {
            let mut db = SourceDb::default();
            if !dir.is_dir() {
                return Err(LoadError(format!("cannot use `{}` as the stdlib: it is not a directory", dir.display())));
            }
            let files = discover(dir)?;
            for (file, text) in read_all(&files)? {
                let name = format!("<stdlib>/{}", display(file.strip_prefix(dir).unwrap_or(&file)));
                add(&mut db, &mut early, name, text, Origin::Stdlib);
            }
            db
        }
    };
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
    for (file, text) in read_all(&files)? {
        add(&mut db, &mut early, display(&file), text, Origin::Spec);
    }
    Ok(Loaded { db, early })
}

fn add(db: &mut SourceDb, early: &mut Vec<Diagnostic>, name: String, bytes: Vec<u8>, origin: Origin) {
    match String::from_utf8(bytes) {
        Ok(text) => {
            db.add(SourceFile::new(name, text, origin));
        }
        Err(err) => {
            let at = err.utf8_error().valid_up_to();
            let text = String::from_utf8_lossy(err.as_bytes()).into_owned();
            let id = db.add(SourceFile::new(name, text, origin));
            early.push(
                Diagnostic::new(codes::INVALID_UTF8, "this file is not valid UTF-8 text")
                    .primary(id, Span::new(at, at + "\u{FFFD}".len()), "bytes that are not UTF-8 start here")
                    .help("save the file as UTF-8 (in most editors: \"Save with encoding\" > UTF-8)")
                    .note("the rest of the file was read with the bad bytes replaced by `\u{FFFD}`"),
            );
        }
    }
}

/// Every `.aims` file under `dir`, in sorted order; hidden directories and `target` are skipped.
pub(crate) fn discover(dir: &Path) -> Result<Vec<PathBuf>, LoadError> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let entries =
            std::fs::read_dir(&d).map_err(|e| LoadError(format!("cannot read `{}`: {}", display(&d), io_words(&e))))?;
        for entry in entries {
            let entry = entry.map_err(|e| LoadError(format!("cannot read `{}`: {}", display(&d), io_words(&e))))?;
            let path = entry.path();
            let name = entry.file_name();
            let name = name.to_string_lossy();
            let is_dir = entry.file_type().map(|t| t.is_dir()).unwrap_or(false) || path.is_dir();
            if is_dir {
                if !name.starts_with('.') && name != "target" {
                    stack.push(path);
                }
            } else if name.ends_with(".aims") {
                out.push(path);
            }
        }
    }
    out.sort();
    Ok(out)
}

fn read_all(files: &[PathBuf]) -> Result<Vec<(PathBuf, Vec<u8>)>, LoadError> {
    files
        .par_iter()
        .map(|f| {
            let meta = std::fs::metadata(f)
                .map_err(|e| LoadError(format!("cannot read `{}`: {}", display(f), io_words(&e))))?;
            if meta.len() > MAX_FILE_BYTES {
                return Err(LoadError(format!(
                    "`{}` is {} MB, larger than the {} MB aims reads",
                    display(f),
                    meta.len() / 1_000_000,
                    MAX_FILE_BYTES / 1_000_000
                )));
            }
            let bytes =
                std::fs::read(f).map_err(|e| LoadError(format!("cannot read `{}`: {}", display(f), io_words(&e))))?;
            Ok((f.clone(), bytes))
        })
        .collect()
}

pub fn display(p: &Path) -> String {
    let s = p.to_string_lossy().replace('\\', "/");
    s.strip_prefix("./").map(str::to_string).unwrap_or(s)
}

pub(crate) fn io_words(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        std::io::ErrorKind::IsADirectory => "it is a directory".into(),
        _ => e.to_string().to_lowercase(),
    }
}

/// Scoring scripts from disk: the organisation's, relative to the spec file that names it, and
/// the default one from `--stdlib DIR` or the built-in stdlib.
pub struct DiskScripts {
    pub stdlib: Option<PathBuf>,
}

impl crate::compile::Scripts for DiskScripts {
    fn read(&self, path: &str, from: &str) -> Result<(String, String), String> {
        let base = Path::new(from).parent().unwrap_or(Path::new(""));
        let full = base.join(path);
        let name = display(&full);
        match std::fs::read(&full) {
            Ok(bytes) => {
                String::from_utf8(bytes).map(|t| (name.clone(), t)).map_err(|_| format!("`{name}` is not UTF-8 text"))
            }
            Err(e) => Err(format!("`{name}`: {}", io_words(&e))),
        }
    }

    fn default_script(&self) -> Option<(String, String)> {
        match &self.stdlib {
            None => crate::compile::Scripts::default_script(&crate::compile::BuiltinScripts),
            Some(dir) => {
                let text = std::fs::read_to_string(dir.join("scoring/default.rhai")).ok()?;
                Some(("<stdlib>/scoring/default.rhai".to_string(), text))
            }
        }
    }
}
