//! OSCAL 1.2.1 export: the Statement of Applicability as a System Security Plan, the risk
//! register as a Plan of Action and Milestones, and the catalog and profile the plan imports.
//! The catalog holds only identifiers and titles from the stdlib catalogue, no standard's text.
//!
//! UUIDs are name-based (version 5) over what each object is, so the same spec gives the same
//! files, and an object keeps its UUID across exports.

mod catalog;
mod poam;
mod ssp;

use crate::compile::Compilation;
use serde_json::{json, Value};

/// The OSCAL version the documents follow.
pub const OSCAL_VERSION: &str = "1.2.1";

/// The files of an export, by name, in a fixed order.
pub fn export(c: &Compilation, as_of: jiff::civil::Date, revision: Option<&str>) -> Vec<(&'static str, Value)> {
    let ctx = Context { as_of, revision: revision.map(str::to_string), org: organisation(c) };
    vec![
        ("catalog.json", catalog::catalog(c, &ctx)),
        ("profile.json", catalog::profile(&ctx)),
        ("ssp.json", ssp::ssp(c, &ctx)),
        ("poam.json", poam::poam(c, &ctx)),
    ]
}

pub(crate) struct Context {
    pub as_of: jiff::civil::Date,
    pub revision: Option<String>,
    /// The organisation's name, for titles and as the UUID namespace.
    pub org: String,
}

impl Context {
    /// A stable UUID for `what` in this organisation's export.
    pub fn uuid(&self, what: &str) -> String {
        let ns = uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_URL, format!("aims:{}", self.org).as_bytes());
        uuid::Uuid::new_v5(&ns, what.as_bytes()).to_string()
    }

    pub fn metadata(&self, title: &str) -> Value {
        let mut m = json!({
            "title": title,
            "last-modified": format!("{}T00:00:00Z", self.as_of),
            "version": self.revision.clone().unwrap_or_else(|| self.as_of.to_string()),
            "oscal-version": OSCAL_VERSION,
        });
        if let Some(r) = &self.revision {
            m["props"] = json!([{ "name": "version", "ns": NS, "value": r }]);
        }
        m
    }
}

/// aims' namespace for the properties OSCAL does not define.
pub const NS: &str = "https://aims.invalid/ns/oscal";

fn organisation(c: &Compilation) -> String {
    super::view::items(&c.model, crate::contract::ORGANIZATION)
        .first()
        .map(|o| {
            let n = o.text("name");
            if n.is_empty() {
                o.name()
            } else {
                n
            }
        })
        .unwrap_or_else(|| "organisation".into())
}

/// OSCAL markup-line text must not be empty.
pub(crate) fn or_none(s: String, fallback: &str) -> String {
    if s.trim().is_empty() {
        fallback.to_string()
    } else {
        s
    }
}
