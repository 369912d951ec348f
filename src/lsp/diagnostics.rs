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

/// One notification per file of the spec (an empty list clears a file's old findings), plus
/// one per stdlib file that a finding points into (Annex A controls without a decision).
pub fn publish_all(snap: &Snapshot, previously: &[String]) -> Vec<PublishDiagnosticsParams> {
    let mut by_file: BTreeMap<u32, Vec<lsp_types::Diagnostic>> = BTreeMap::new();
    for &file in &snap.c.model.spec_files {
        by_file.entry(file.0).or_default();
    }
    for d in &snap.c.diagnostics {
        let Some(primary) = d.primary_label() else { continue };
        if let Some(diag) = to_lsp(snap, d) {
            by_file.entry(primary.file.0).or_default().push(diag);
        }
    }
    let mut out: Vec<PublishDiagnosticsParams> = by_file
        .into_iter()
        .map(|(file, diagnostics)| PublishDiagnosticsParams {
            uri: parse_uri(&snap.uris[file as usize]),
            diagnostics,
            version: snap.version_of(&snap.uris[file as usize]),
        })
        .collect();
    // A file that had findings and is gone from the run (deleted, or closed and not on disk).
    for uri in previously {
        if !out.iter().any(|p| p.uri.as_str() == uri) {
            out.push(PublishDiagnosticsParams { uri: parse_uri(uri), diagnostics: Vec::new(), version: None });
        }
    }
    out
}
