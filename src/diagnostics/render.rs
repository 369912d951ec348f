//! Renderers: codespan-reporting for people, JSON for machines.
//!
//! The JSON layout is documented in docs/json-output.md and is stable: fields are only ever
//! added, never renamed or removed.

use super::excerpt::{shown_lines, Excerpt};
use super::text::escape;
use super::{Diagnostic, Severity};
use crate::source::{FileId, SourceDb};
use codespan_reporting::diagnostic as cs;
use codespan_reporting::files::{Error as FilesError, Files};
use codespan_reporting::term::{self, termcolor};
use serde::Serialize;
use std::collections::HashSet;
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
        Ok(self.get(id).line_index(byte_index))
    }
    fn column_number(&'a self, id: FileId, _line_index: usize, byte_index: usize) -> Result<usize, FilesError> {
        Ok(self.get(id).line_col(byte_index as u32).1)
    }
    fn line_range(&'a self, id: FileId, line_index: usize) -> Result<Range<usize>, FilesError> {
        let file = self.get(id);
        file.line_range(line_index)
            .ok_or(FilesError::LineTooLarge { given: line_index, max: file.line_starts().len() - 1 })
    }
}

/// The diagnostic for codespan, over the made-up files of its excerpt; every text the author
/// wrote (messages quote it) is escaped.
fn to_codespan(d: &Diagnostic, ranges: Vec<(usize, Range<usize>)>) -> cs::Diagnostic<usize> {
    let severity = match d.severity {
        Severity::Error => cs::Severity::Error,
        Severity::Warning => cs::Severity::Warning,
        Severity::Note => cs::Severity::Note,
    };
    let labels = d
        .labels
        .iter()
        .zip(ranges)
        .map(|(l, (file, range))| {
            let style = if l.primary { cs::LabelStyle::Primary } else { cs::LabelStyle::Secondary };
            cs::Label::new(style, file, range).with_message(escape(&l.message))
        })
        .collect();
    cs::Diagnostic::new(severity)
        .with_code(escape(&d.code))
        .with_message(escape(&d.message))
        .with_labels(labels)
        .with_notes(notes(d))
}

/// The lines printed under a diagnostic's source, escaped: its notes, the clauses it cites and
/// its help. Shared by the full rendering and [`super::repeat`], which prints them alike.
pub(super) fn notes(d: &Diagnostic) -> Vec<String> {
    let mut notes: Vec<String> = d.notes.iter().map(|n| escape(n).into_owned()).collect();
    if !d.refs.is_empty() {
        notes.push(escape(&format!("see {}", d.refs.join(", "))).into_owned());
    }
    if let Some(h) = &d.help {
        notes.push(format!("help: {}", escape(h)));
    }
    notes
}

/// Renders diagnostics for a terminal, with or without colour.
pub fn human(diags: &[Diagnostic], db: &SourceDb, color: bool) -> Vec<u8> {
    let mut buf = if color { termcolor::Buffer::ansi() } else { termcolor::Buffer::no_color() };
    let _ = write_human(&mut buf, diags, db);
    buf.into_inner()
}

/// Streams diagnostics to `out` (stdout, in the commands) with or without colour.
pub fn stream_human(
    out: &mut dyn std::io::Write,
    diags: &[Diagnostic],
    db: &SourceDb,
    color: bool,
) -> std::io::Result<()> {
    if color {
        write_human(&mut termcolor::Ansi::new(out), diags, db)
    } else {
        write_human(&mut termcolor::NoColor::new(out), diags, db)
    }
}

/// Writes diagnostics for a terminal as they are rendered, one at a time: what one diagnostic
/// prints is bounded (see [`super::excerpt`]), and a diagnostic whose lines an earlier one
/// showed is written without them ([`super::repeat`]), so each source line is printed once
/// however many errors it has.
pub fn write_human(out: &mut dyn termcolor::WriteColor, diags: &[Diagnostic], db: &SourceDb) -> std::io::Result<()> {
    let config = term::Config::default();
    let mut shown: HashSet<(FileId, usize)> = HashSet::new();
    for d in diags {
        let lines = shown_lines(d, db);
        if !lines.is_empty() && lines.iter().all(|l| shown.contains(l)) {
            super::repeat::write(out, d, db)?;
            continue;
        }
        shown.extend(lines);
        let (excerpt, ranges) = Excerpt::new(d, db);
        let cd = to_codespan(d, ranges);
        match term::emit_to_write_style(out, &config, &excerpt, &cd) {
            Ok(()) => {}
            Err(FilesError::Io(e)) => return Err(e),
            // A label outside its file would be a bug; still print the message rather than lose it.
            Err(_) => out.write_all(
                format!("{}[{}]: {}\n", d.severity.as_str(), escape(&d.code), escape(&d.message)).as_bytes(),
            )?,
        }
    }
    Ok(())
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
