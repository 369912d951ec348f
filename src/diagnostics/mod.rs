//! Diagnostics: what every stage reports, in the words of a governance author.
//!
//! A [`Diagnostic`] has a stable code, a severity, a message, labelled places in the source
//! (one primary, any number of secondary), notes and an optional help line. Stages produce
//! them; only the renderers in [`render`] know about terminals and JSON.

pub mod codes;
pub mod render;

pub use codes::{Code, CODES};

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

/// "did you mean `owner`?" for a near-miss name, if one candidate is close enough.
pub fn did_you_mean<'a>(wrong: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<String> {
    closest(wrong, candidates).map(|c| format!("did you mean `{c}`?"))
}

pub fn closest<'a>(wrong: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let wrong_lower = wrong.to_lowercase();
    let mut best: Option<(f64, &str)> = None;
    for c in candidates {
        // Jaro-Winkler favours a shared prefix (`likelihod`), edit distance favours the whole
        // (`A.6.2.9` is nearer `A.6.2.8` than `A.6.2`); their mean weighs both.
        let lower = c.to_lowercase();
        let score = if lower == wrong_lower {
            1.0
        } else {
            (strsim::jaro_winkler(&wrong_lower, &lower) + strsim::normalized_damerau_levenshtein(&wrong_lower, &lower))
                / 2.0
        };
        let better = match best {
            None => true,
            Some((s, b)) => score > s || (score == s && c < b),
        };
        if score >= 0.8 && better {
            best = Some((score, c));
        }
    }
    best.map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::closest;

    #[test]
    fn near_misses() {
        assert_eq!(closest("prya", ["priya", "pedro"]), Some("priya"));
        assert_eq!(closest("likelihod", ["likelihood", "impact"]), Some("likelihood"));
        assert_eq!(closest("sytem", ["system", "stakeholder"]), Some("system"));
        assert_eq!(closest("A.6.2.9", ["A.6.2", "A.6.2.8", "A.6.1"]), Some("A.6.2.8"));
        assert_eq!(closest("banana", ["system", "risk"]), None);
    }
}
