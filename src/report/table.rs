//! The shape every report takes before it is rendered: a titled table whose rows each name the
//! item they come from, its place in the spec, and the findings that affect it. The views
//! (`soa`, `register`, ...) build tables; the renderers (`render`) know only tables.

use serde::Serialize;

#[derive(Clone, Debug, Serialize)]
pub struct Table {
    /// `soa`, `register`, ...: also the prefix of row anchors in HTML.
    pub kind: &'static str,
    pub title: String,
    pub columns: Vec<String>,
    pub rows: Vec<Row>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Row {
    /// The ID the row is about (a control number, a risk ID).
    pub id: String,
    /// One cell per column, as text.
    pub cells: Vec<String>,
    /// `file:line` of the item, or empty for a row nothing in the spec declares.
    pub source: String,
    pub findings: Vec<FindingRef>,
    /// Set on rows an auditor should look at first (overdue dates, excluded without reason).
    pub flagged: bool,
}

/// A finding that affects a row, as the report names it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FindingRef {
    /// Position in the pack's list of findings (0-based), for links.
    pub index: usize,
    pub code: String,
    pub severity: String,
    pub message: String,
    /// `file:line:column`
    pub at: String,
}

/// What every report is stamped with.
#[derive(Clone, Debug, Serialize)]
pub struct Stamp {
    pub as_of: String,
    /// The spec's git revision, when it is in a repository and it was asked for.
    pub revision: Option<String>,
}

impl Stamp {
    pub fn line(&self) -> String {
        match &self.revision {
            Some(r) => format!("as of {}, revision {r}", self.as_of),
            None => format!("as of {}", self.as_of),
        }
    }
}
