//! Scoring scripts from disk, confined to the spec's own folders.
//!
//! aims runs in CI on specs from pull requests, and a spec names its script. A script that
//! could be any file would let a spec read the runner's files (`/proc/self/environ`, a key)
//! and have a parse error print them. So the path must be relative, must not climb out of the
//! folder the spec was given in with `..`, must not lead out of it through a link, and must
//! name a regular file; each refusal is said at the `scoring:` field, never with the file's
//! content.

use super::load::display;
use super::read::{self, io_words};
use crate::compile::{ScriptError, Scripts};
use std::path::{Component, Path, PathBuf};

/// A scoring script is a page of code; anything much larger is not one.
pub(crate) const MAX_SCRIPT_BYTES: u64 = 1 << 20;

const HELP_RELATIVE: &str = "the path is relative to the folder of the file that names it";
const HELP_INSIDE: &str = "keep the script inside the spec's folder and name it relative to this file, \
                           such as `scoring/acme.rhai`";

/// The organisation's script, relative to the spec file that names it, and the default one
/// from `--stdlib DIR` or the built-in stdlib.
pub struct DiskScripts {
    /// The spec's folders, canonical: each folder named on the command line, and the folder of
    /// each file named there. A script must be inside the one that holds the naming file.
    roots: Vec<PathBuf>,
    stdlib: Option<PathBuf>,
}

impl DiskScripts {
    pub fn new(paths: &[PathBuf], stdlib: Option<PathBuf>) -> Self {
        let roots = paths
            .iter()
            .filter_map(|p| {
                let folder = if p.is_dir() { p.as_path() } else { p.parent().unwrap_or(Path::new("")) };
                std::fs::canonicalize(if folder.as_os_str().is_empty() { Path::new(".") } else { folder }).ok()
            })
            .collect();
        DiskScripts { roots, stdlib }
    }

    /// The spec folder that holds the folder `dir` (canonical); the widest, when several do.
    fn root_of(&self, dir: &Path) -> Option<&Path> {
        self.roots.iter().filter(|r| dir.starts_with(r)).min_by_key(|r| r.components().count()).map(PathBuf::as_path)
    }
}

fn refuse(why: String, help: &str) -> ScriptError {
    ScriptError { why, help: help.to_string() }
}

impl Scripts for DiskScripts {
    fn read(&self, path: &str, from: &str) -> Result<(String, String), ScriptError> {
        let base = Path::new(from).parent().unwrap_or(Path::new(""));
        let name = display(&base.join(path));
        let asked = Path::new(path);
        if asked.has_root() || asked.components().any(|c| matches!(c, Component::Prefix(_))) {
            return Err(refuse(
                format!("`{path}` is an absolute path, and a scoring script must be inside the spec's folder"),
                HELP_INSIDE,
            ));
        }
        let here = std::fs::canonicalize(if base.as_os_str().is_empty() { Path::new(".") } else { base })
            .map_err(|e| refuse(format!("`{}`: {}", display(base), io_words(&e)), HELP_RELATIVE))?;
        let Some(root) = self.root_of(&here) else {
            return Err(refuse(format!("`{from}` is not inside a folder of the spec"), HELP_INSIDE));
        };
        // `..` is judged on the words first, so that a path that climbs out is refused whether
        // or not the file it names exists.
        let lexical = lexical_join(&here, asked);
        if !lexical.starts_with(root) {
            return Err(refuse(format!("`{path}` climbs out of the spec's folder with `..`"), HELP_INSIDE));
        }
        let real = std::fs::canonicalize(&lexical)
            .map_err(|e| refuse(format!("`{name}`: {}", io_words(&e)), HELP_RELATIVE))?;
        if !real.starts_with(root) {
            return Err(refuse(format!("`{name}` is a link that leads out of the spec's folder"), HELP_INSIDE));
        }
        let bytes = read::regular_file(&real, MAX_SCRIPT_BYTES).map_err(|read::Unreadable(why)| {
            refuse(format!("`{name}`: {why}"), "point `scoring:` at a text file that holds the script")
        })?;
        String::from_utf8(bytes)
            .map(|text| (name.clone(), text))
            .map_err(|_| refuse(format!("`{name}` is not UTF-8 text"), "save the script as UTF-8"))
    }

    fn default_script(&self) -> Option<(String, String)> {
        match &self.stdlib {
            None => Scripts::default_script(&crate::compile::BuiltinScripts),
            Some(dir) => {
                let bytes = read::regular_file(&dir.join("scoring/default.rhai"), MAX_SCRIPT_BYTES).ok()?;
                Some(("<stdlib>/scoring/default.rhai".to_string(), String::from_utf8(bytes).ok()?))
            }
        }
    }
}

/// `dir` joined with `rel`, with `.` and `..` applied to the words, without touching the disk.
fn lexical_join(dir: &Path, rel: &Path) -> PathBuf {
    let mut out = dir.to_path_buf();
    for c in rel.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::Normal(part) => out.push(part),
            Component::CurDir | Component::RootDir | Component::Prefix(_) => {}
        }
    }
    out
}
