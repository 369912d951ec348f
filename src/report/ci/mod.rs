//! Findings in the formats CI platforms read: SARIF for GitHub code scanning, JUnit XML for
//! GitLab and Jenkins, workflow commands for GitHub Actions annotations.
//!
//! Every format reads diagnostics through [`Place`], the one view of where a finding points,
//! with the file named relative to the folder aims runs in (platforms match findings to files
//! of the repository by such paths).

pub mod github;
pub mod junit;
pub mod sarif;

use crate::diagnostics::{Diagnostic, Label};
use crate::source::SourceDb;
use std::path::Path;

/// Where a label points, in 1-based lines and columns (columns count characters; the end
/// column is the one after the last character).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Place {
    /// `/`-separated path, relative to the base folder when the file is inside it.
    pub path: String,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
}

impl Place {
    pub fn of(label: &Label, db: &SourceDb, base: &Path) -> Place {
        let file = db.get(label.file);
        let (line, column) = file.line_col(label.span.start);
        let (end_line, end_column) = file.line_col(label.span.end);
        // An empty span still covers one column, so that every platform draws it.
        let end_column = if end_line == line { end_column.max(column + 1) } else { end_column };
        Place { path: relative_path(&file.name, base), line, column, end_line, end_column }
    }

    /// The primary place of a diagnostic, if it has one.
    pub fn primary(d: &Diagnostic, db: &SourceDb, base: &Path) -> Option<Place> {
        d.primary_label().map(|l| Place::of(l, db, base))
    }
}

/// A file name as shown to the user, made relative to `base` when it is an absolute path
/// inside it, with `/` separators and no leading `./`.
pub fn relative_path(name: &str, base: &Path) -> String {
    let path = Path::new(name);
    let rel = if path.is_absolute() { path.strip_prefix(base).unwrap_or(path) } else { path };
    let mut parts: Vec<String> = Vec::new();
    for c in rel.components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::RootDir => parts.push(String::new()),
            other => parts.push(other.as_os_str().to_string_lossy().into_owned()),
        }
    }
    if parts.len() == 1 && parts[0].is_empty() {
        return "/".into();
    }
    parts.join("/")
}

/// The message a platform shows, with the help line after it when there is one.
pub fn message_with_help(d: &Diagnostic) -> String {
    match &d.help {
        Some(h) => format!("{}\nhelp: {h}", d.message),
        None => d.message.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::relative_path;
    use std::path::Path;

    #[test]
    fn paths_are_relative_and_slashed() {
        let base = Path::new("/repo");
        assert_eq!(relative_path("./org/spec.aims", base), "org/spec.aims");
        assert_eq!(relative_path("/repo/org/spec.aims", base), "org/spec.aims");
        assert_eq!(relative_path("/elsewhere/spec.aims", base), "/elsewhere/spec.aims");
        assert_eq!(relative_path("<stdlib>/rules/risk.aims", base), "<stdlib>/rules/risk.aims");
    }
}
