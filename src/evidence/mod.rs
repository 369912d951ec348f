//! Evidence files: the files of the repository that documents name (`path:`), and the hashes
//! that pin their reviewed content (`sha256:`). This room finds them in the Model, refuses
//! paths that would leave the repository before anything is read, and turns what was found
//! on disk into findings; reading and hashing the files is the command line's job
//! (`cli::evidence`), since only it touches the disk.

use crate::contract::{EVIDENCE_HASH, EVIDENCE_PATH};
use crate::diagnostics::{codes, Diagnostic};
use crate::sema::{Model, NodeId, ValueKind};
use crate::source::{FileId, Origin, Span};

/// One file named by a node of the spec.
#[derive(Clone, Debug)]
pub struct EvidenceFile {
    pub node: NodeId,
    /// The spec file that names it (paths are relative to its folder).
    pub file: FileId,
    pub path: String,
    pub path_span: Span,
    /// The pinned hash as written, and where.
    pub pinned: Option<(String, Span)>,
}

/// What was found at an evidence path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Found {
    /// The SHA-256 of the content, in lowercase hexadecimal.
    Hash(String),
    Missing,
    /// Refused without being read: the reason, in the author's words.
    Outside(String),
    /// A folder, or a file that cannot be read: why.
    Unreadable(String),
}

/// Every evidence file of the spec, in file order: nodes whose kind declares both the path and
/// the hash field, and that give a path.
pub fn collect(model: &Model) -> Vec<EvidenceFile> {
    let schema = &model.schema;
    let mut out = Vec::new();
    for (i, node) in model.nodes.iter().enumerate() {
        if node.origin != Origin::Spec {
            continue;
        }
        let kind = schema.kind(node.kind);
        if !kind.fields.contains_key(EVIDENCE_PATH) || !kind.fields.contains_key(EVIDENCE_HASH) {
            continue;
        }
        let Some(path) = node.fields.get(EVIDENCE_PATH) else { continue };
        let ValueKind::Text(text) = &path.kind else { continue };
        let pinned = node.fields.get(EVIDENCE_HASH).and_then(|v| match &v.kind {
            ValueKind::Text(h) => Some((h.to_string(), v.span)),
            _ => None,
        });
        out.push(EvidenceFile {
            node: NodeId(i as u32),
            file: node.file,
            path: text.to_string(),
            path_span: path.span,
            pinned,
        });
    }
    out
}

/// Why a path may not be read, judged on its text alone: absolute paths and `..` are refused
/// whatever the disk holds.
pub fn refuse_by_text(path: &str) -> Option<String> {
    let p = path.replace('\\', "/");
    let bytes = p.as_bytes();
    if p.starts_with('/') || (bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':') {
        return Some("it is an absolute path".into());
    }
    if p.split('/').any(|seg| seg == "..") {
        return Some("it goes up out of the folder with `..`".into());
    }
    if p.trim().is_empty() {
        return Some("it is empty".into());
    }
    None
}

/// Whether a pinned hash has the shape of a SHA-256.
pub fn is_sha256(h: &str) -> bool {
    h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The findings for what was found at each path (`found[i]` is for `files[i]`).
pub fn findings(model: &Model, files: &[EvidenceFile], found: &[Found]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (ev, found) in files.iter().zip(found) {
        // A file of a nested block is named after its item: `doc_card`, not its block.
        let whose = model.display_name(model.top_level(ev.node).unwrap_or(ev.node));
        let path = &ev.path;
        let d = match found {
            Found::Missing => Some(
                Diagnostic::new(
                    codes::EVIDENCE_MISSING,
                    format!("the evidence file `{path}` of {whose} does not exist"),
                )
                .primary(ev.file, ev.path_span, "no file at this path")
                .help("restore the file, or correct the path: it is relative to the folder of this spec file"),
            ),
            Found::Outside(why) => Some(
                Diagnostic::new(
                    codes::EVIDENCE_OUTSIDE,
                    format!("the evidence path `{path}` of {whose} leaves the repository: {why}"),
                )
                .primary(ev.file, ev.path_span, "not read")
                .help("keep evidence files inside the repository and name them relative to this spec file"),
            ),
            Found::Unreadable(why) => Some(
                Diagnostic::new(
                    codes::EVIDENCE_UNREADABLE,
                    format!("the evidence file `{path}` of {whose} cannot be read: {why}"),
                )
                .primary(ev.file, ev.path_span, "cannot be read")
                .help("name a file that can be read"),
            ),
            Found::Hash(actual) => match &ev.pinned {
                None => Some(
                    Diagnostic::new(
                        codes::EVIDENCE_UNPINNED,
                        format!("the evidence file `{path}` of {whose} has no pinned hash"),
                    )
                    .primary(ev.file, ev.path_span, "a change to this file would go unnoticed")
                    .help("run `aims pin` once the file is reviewed: it writes the file's `sha256`"),
                ),
                Some((pinned, span)) if !is_sha256(pinned) => Some(
                    Diagnostic::new(codes::EVIDENCE_BAD_HASH, format!("`{pinned}` is not a SHA-256"))
                        .primary(ev.file, *span, "expected 64 hexadecimal digits")
                        .help("let `aims pin` write the hash"),
                ),
                Some((pinned, span)) if !pinned.eq_ignore_ascii_case(actual) => Some(
                    Diagnostic::new(
                        codes::EVIDENCE_CHANGED,
                        format!("the evidence file `{path}` of {whose} changed after it was pinned"),
                    )
                    .primary(ev.file, *span, "the pinned hash")
                    .secondary(ev.file, ev.path_span, "this file's content differs")
                    .note(format!("the file's SHA-256 is now `{actual}`"))
                    .help("have the new version reviewed, then run `aims pin`; or restore the reviewed version"),
                ),
                Some(_) => None,
            },
        };
        out.extend(d);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{is_sha256, refuse_by_text};

    #[test]
    fn paths_refused_by_their_text() {
        assert!(refuse_by_text("/etc/passwd").is_some());
        assert!(refuse_by_text("C:\\evidence\\a.pdf").is_some());
        assert!(refuse_by_text("evidence/../../secret").is_some());
        assert!(refuse_by_text("..").is_some());
        assert!(refuse_by_text("evidence/report.pdf").is_none());
        assert!(refuse_by_text("evidence/..report.pdf").is_none());
    }

    #[test]
    fn hash_shape() {
        assert!(is_sha256(&"a".repeat(64)));
        assert!(!is_sha256(&"a".repeat(63)));
        assert!(!is_sha256(&"g".repeat(64)));
    }
}
