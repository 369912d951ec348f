//! Renderers: codespan-reporting for people, JSON for machines.
//!
//! The JSON layout is documented in docs/json-output.md and is stable: fields are only ever
//! added, never renamed or removed.

use super::{Diagnostic, Severity};
use crate::source::{FileId, SourceDb};
use codespan_reporting::diagnostic as cs;
use codespan_reporting::files::{Error as FilesError, Files};
use codespan_reporting::term::{self, termcolor};
use serde::Serialize;
use std::ops::Range;

impl<'a> Files<'a> for SourceDb {
    type FileId = FileId;
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, id: FileId) -> Result<&'a str, FilesError> {
        Ok(&self.get(id).name)
    }
    fn source(&'a self, id: FileId) -> Result<&'a str, FilesError> {
        Ok(&self.get(id).text)
    }
    fn line_index(&'a self, id: FileId, byte_index: usize) -> Result<usize, FilesError> {
        let starts = self.get(id).line_starts();
        Ok(match starts.binary_search(&(byte_index as u32)) {
            Ok(i) => i,
            Err(i) => i - 1,
        })
    }
    fn line_range(&'a self, id: FileId, line_index: usize) -> Result<Range<usize>, FilesError> {
        let file = self.get(id);
        let starts = file.line_starts();
        let start =
            *starts.get(line_index).ok_or(FilesError::LineTooLarge { given: line_index, max: starts.len() - 1 })?;
        let end = starts.get(line_index + 1).map_or(file.text.len(), |e| *e as usize);
        Ok(start as usize..end)
    }
}

fn to_codespan(d: &Diagnostic, db: &SourceDb) -> cs::Diagnostic<FileId> {
    let severity = match d.severity {
        Severity::Error => cs::Severity::Error,
        Severity::Warning => cs::Severity::Warning,
        Severity::Note => cs::Severity::Note,
    };
    let labels = d
        .labels
        .iter()
        .map(|l| {
            let len = db.get(l.file).text.len();
            let range = (l.span.start as usize).min(len)..(l.span.end as usize).min(len);
            let style = if l.primary { cs::LabelStyle::Primary } else { cs::LabelStyle::Secondary };
            cs::Label::new(style, l.file, range).with_message(l.message.clone())
        })
        .collect();
    let mut notes = d.notes.clone();
    if !d.refs.is_empty() {
        notes.push(format!("see {}", d.refs.join(", ")));
    }
    if let Some(h) = &d.help {
        notes.push(format!("help: {h}"));
    }
    cs::Diagnostic::new(severity)
        .with_code(d.code.clone())
        .with_message(d.message.clone())
        .with_labels(labels)
        .with_notes(notes)
}

/// Renders diagnostics for a terminal, with or without colour.
pub fn human(diags: &[Diagnostic], db: &SourceDb, color: bool) -> Vec<u8> {
    let mut buf = if color { termcolor::Buffer::ansi() } else { termcolor::Buffer::no_color() };
    let config = term::Config::default();
    for d in diags {
        let cd = to_codespan(d, db);
        if term::emit_to_write_style(&mut buf, &config, db, &cd).is_err() {
            // A label outside its file would be a bug; still print the message rather than lose it.
            let _ = std::io::Write::write_all(
                &mut buf,
                format!("{}[{}]: {}\n", d.severity.as_str(), d.code, d.message).as_bytes(),
            );
        }
    }
    buf.into_inner()
}

/// One diagnostic in the JSON output.
#[derive(Serialize)]
pub struct JsonDiagnostic<'a> {
    pub file: Option<&'a str>,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub end_line: Option<usize>,
    pub end_column: Option<usize>,
    pub code: &'a str,
    pub severity: Severity,
    pub message: &'a str,
    pub help: Option<&'a str>,
    pub notes: &'a [String],
    pub refs: &'a [String],
    pub labels: Vec<JsonLabel<'a>>,
}

#[derive(Serialize)]
pub struct JsonLabel<'a> {
    pub file: &'a str,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub primary: bool,
    pub message: &'a str,
}

pub fn json_diagnostics<'a>(diags: &'a [Diagnostic], db: &'a SourceDb) -> Vec<JsonDiagnostic<'a>> {
    diags
        .iter()
        .map(|d| {
            let labels: Vec<JsonLabel> = d
                .labels
                .iter()
                .map(|l| {
                    let f = db.get(l.file);
                    let (line, column) = f.line_col(l.span.start);
                    let (end_line, end_column) = f.line_col(l.span.end);
                    JsonLabel {
                        file: &f.name,
                        line,
                        column,
                        end_line,
                        end_column,
                        primary: l.primary,
                        message: &l.message,
                    }
                })
                .collect();
            let primary = labels.iter().find(|l| l.primary);
            JsonDiagnostic {
                file: primary.map(|l| l.file),
                line: primary.map(|l| l.line),
                column: primary.map(|l| l.column),
                end_line: primary.map(|l| l.end_line),
                end_column: primary.map(|l| l.end_column),
                code: &d.code,
                severity: d.severity,
                message: &d.message,
                help: d.help.as_deref(),
                notes: &d.notes,
                refs: &d.refs,
                labels,
            }
        })
        .collect()
}
