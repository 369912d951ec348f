//! Diagnostics: what every stage reports, in the words of a governance author.
//!
//! A [`Diagnostic`] has a stable code, a severity, a message, labelled places in the source
//! (one primary, any number of secondary), notes and an optional help line. Stages produce
//! them; only the renderers in [`render`] know about terminals and JSON.

pub mod codes;
pub mod excerpt;
pub mod render;
pub mod repeat;
pub mod suggest;
pub mod text;

pub use codes::{Code, CODES};
pub use suggest::{closest, did_you_mean};

use crate::source::{FileId, Span};
use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Note,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    pub file: FileId,
    pub span: Span,
    pub message: String,
    pub primary: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// Stable code: `E0101` for the language, a rule id (`risk-treated`) for rule findings.
    pub code: String,
    pub severity: Severity,
    pub message: String,
    pub labels: Vec<Label>,
    pub notes: Vec<String>,
    pub help: Option<String>,
    /// Clause and control references behind a rule finding (`iso42001:6.1.3`).
    pub refs: Vec<String>,
    /// The IDs of the items a grouped rule finding is about (`A.2.2`, `A.2.3`, ...), so that an
    /// editor can offer a fix for each; empty for other diagnostics.
    pub about: Vec<String>,
}

impl Diagnostic {
    pub fn new(code: Code, message: impl Into<String>) -> Self {
        Self::with_code(code.id, code.severity, message)
    }

    pub fn with_code(code: impl Into<String>, severity: Severity, message: impl Into<String>) -> Self {
        Diagnostic {
            code: code.into(),
            severity,
            message: message.into(),
            labels: Vec::new(),
            notes: Vec::new(),
            help: None,
            refs: Vec::new(),
            about: Vec::new(),
        }
    }

    /// The place at fault. Every diagnostic about a spec has exactly one.
    pub fn primary(mut self, file: FileId, span: Span, message: impl Into<String>) -> Self {
        self.labels.push(Label { file, span, message: message.into(), primary: true });
        self
    }

    /// A related place ("first defined here").
    pub fn secondary(mut self, file: FileId, span: Span, message: impl Into<String>) -> Self {
        self.labels.push(Label { file, span, message: message.into(), primary: false });
        self
    }

    pub fn note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn help_opt(mut self, help: Option<String>) -> Self {
        if help.is_some() {
            self.help = help;
        }
        self
    }

    pub fn primary_label(&self) -> Option<&Label> {
        self.labels.iter().find(|l| l.primary)
    }

    /// Sort key: file, then position, then code, then the related places, so output is the same
    /// on every run and findings at one place come in the order of what they are about.
    pub fn sort_key(&self) -> (u32, u32, u32, String, (u32, u32), String) {
        let related = self.labels.iter().find(|l| !l.primary).map_or((0, 0), |l| (l.file.0, l.span.start));
        match self.primary_label() {
            Some(l) => (l.file.0, l.span.start, l.span.end, self.code.clone(), related, self.message.clone()),
            None => (u32::MAX, 0, 0, self.code.clone(), related, self.message.clone()),
        }
    }
}

/// Sorts diagnostics by file and position, and drops exact duplicates.
pub fn sort(diags: &mut Vec<Diagnostic>) {
    diags.sort_by_cached_key(|d| d.sort_key());
    diags.dedup();
}
