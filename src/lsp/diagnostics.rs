//! Publishing diagnostics: the findings of `aims check`, file by file, with the same codes,
//! messages and help, and the secondary labels as related information.

use super::world::{parse_uri, Snapshot};
use crate::diagnostics::{Diagnostic, Severity};
use crate::source::{FileId, Span};
use lsp_types::{DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString, PublishDiagnosticsParams};
use std::collections::BTreeMap;

/// The protocol form of one diagnostic, placed at its primary label. The message carries the
/// primary label, the notes, the clause references and the help, each on its own line, as
/// `aims check` prints them under the source line.
pub fn to_lsp(snap: &Snapshot, d: &Diagnostic) -> Option<lsp_types::Diagnostic> {
    to_lsp_at(d, &|file, span| ((file.0 as usize) < snap.uris.len()).then(|| snap.location(file, span)))
}

/// [`to_lsp`], with the place of each label given by `place` (`None`: a file the editor
/// cannot be shown, whose label is left out).
pub fn to_lsp_at(d: &Diagnostic, place: &dyn Fn(FileId, Span) -> Option<Location>) -> Option<lsp_types::Diagnostic> {
    let primary = d.primary_label()?;
    let mut message = d.message.clone();
    if !primary.message.is_empty() {
        message.push_str(&format!("\n{}", primary.message));
    }
    for note in &d.notes {
        message.push_str(&format!("\nnote: {note}"));
    }
    if !d.refs.is_empty() {
        message.push_str(&format!("\nsee {}", d.refs.join(", ")));
    }
    if let Some(help) = &d.help {
        message.push_str(&format!("\nhelp: {help}"));
    }
    let related: Vec<DiagnosticRelatedInformation> = d
        .labels
        .iter()
        .filter(|l| !l.primary)
        .filter_map(|l| {
            Some(DiagnosticRelatedInformation { location: place(l.file, l.span)?, message: l.message.clone() })
        })
        .collect();
    Some(lsp_types::Diagnostic {
        range: place(primary.file, primary.span)?.range,
        severity: Some(match d.severity {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
            Severity::Note => DiagnosticSeverity::INFORMATION,
        }),
        code: Some(NumberOrString::String(d.code.clone())),
        source: Some("aims".into()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        ..Default::default()
    })
}

/// The diagnostics of one file of a compilation, before they are put in the protocol's form.
pub struct FileFindings<'a> {
    pub file: FileId,
    pub diagnostics: Vec<&'a Diagnostic>,
}

/// Every file of the spec (an empty list clears a file's old findings), and every stdlib file
/// that a finding points into (Annex A controls without a decision), with its diagnostics by
/// their place among the compilation's.
fn grouped(snap: &Snapshot) -> Vec<(FileId, Vec<u32>)> {
    let mut by_file: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
    for &file in &snap.c.model.spec_files {
        by_file.entry(file.0).or_default();
    }
    for (i, d) in snap.c.diagnostics.iter().enumerate() {
        if let Some(primary) = d.primary_label().filter(|l| (l.file.0 as usize) < snap.uris.len()) {
            by_file.entry(primary.file.0).or_default().push(i as u32);
        }
    }
    by_file.into_iter().map(|(file, at)| (FileId(file), at)).collect()
}

fn of<'a>(snap: &'a Snapshot, at: &[u32]) -> Vec<&'a Diagnostic> {
    at.iter().map(|i| &snap.c.diagnostics[*i as usize]).collect()
}

/// What decides a file's published diagnostics, as one number: its text, its diagnostics and
/// the texts of the other files their labels point into (which place those labels). The same
/// number after a compile means the same publication, which need not be made again (in a
/// large spec, putting every file's findings in the protocol's form costs more than the rest
/// of the publication).
pub fn fingerprint(snap: &Snapshot, findings: &FileFindings) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = rustc_hash::FxHasher::default();
    snap.text(findings.file).hash(&mut h);
    snap.version_of(&snap.uris[findings.file.0 as usize]).hash(&mut h);
    let mut others: Vec<FileId> = Vec::new();
    for d in &findings.diagnostics {
        (&d.code, d.severity as u8, &d.message, &d.notes, &d.help, &d.refs).hash(&mut h);
        for l in &d.labels {
            (l.file.0, l.span.start, l.span.end, &l.message, l.primary).hash(&mut h);
            if l.file != findings.file && !others.contains(&l.file) {
                others.push(l.file);
            }
        }
    }
    for f in others.into_iter().filter(|f| (f.0 as usize) < snap.uris.len()) {
        (&snap.uris[f.0 as usize], snap.text(f)).hash(&mut h);
    }
    h.finish()
}

/// A file's findings, by their place among the compilation's diagnostics, with their
/// [`fingerprint`]: made on the compile thread with the snapshot, so that a publication only
/// compares numbers on the server's loop (with hundreds of thousands of findings, grouping and
/// hashing them takes a tenth of a second or more, and every answer would wait for it).
pub struct Prepared {
    pub file: FileId,
    diagnostics: Vec<u32>,
    pub fingerprint: u64,
}

impl Prepared {
    pub fn findings<'a>(&self, snap: &'a Snapshot) -> FileFindings<'a> {
        FileFindings { file: self.file, diagnostics: of(snap, &self.diagnostics) }
    }
}

/// Each file's findings ([`grouped`]) with their fingerprint, for [`Snapshot::findings`].
pub fn prepare(snap: &Snapshot) -> Vec<Prepared> {
    grouped(snap)
        .into_iter()
        .map(|(file, diagnostics)| {
            let fingerprint = fingerprint(snap, &FileFindings { file, diagnostics: of(snap, &diagnostics) });
            Prepared { file, diagnostics, fingerprint }
        })
        .collect()
}

/// The notification for one file.
pub fn publication(snap: &Snapshot, findings: &FileFindings) -> PublishDiagnosticsParams {
    let uri = &snap.uris[findings.file.0 as usize];
    PublishDiagnosticsParams {
        uri: parse_uri(uri),
        diagnostics: findings.diagnostics.iter().filter_map(|d| to_lsp(snap, d)).collect(),
        version: snap.version_of(uri),
    }
}
