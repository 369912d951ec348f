//! The AI system inventory: one row per `system`, with what it is for, who answers for it,
//! where it is in its life cycle, its EU AI Act category and basis, what it is built from, and
//! the impact assessments and metrics that concern it.

use super::findings::Findings;
use super::table::{Row, Table};
use super::view::{items, Item};
use crate::sema::{Model, NodeId};
use crate::source::SourceDb;
use rustc_hash::FxHashMap as HashMap;

const SYSTEM: &str = "system";
const ASSESSMENT: &str = "impact_assessment";
const METRIC: &str = "metric";

const COLUMNS: &[&str] = &[
    "system",
    "title",
    "owner",
    "purpose",
    "intended use",
    "stage",
    "status",
    "in scope",
    "tier",
    "EU AI Act category",
    "EU AI Act area",
    "EU AI Act basis",
    "organisation's role",
    "autonomy",
    "third party",
    "supplier",
    "model",
    "version",
    "datasets",
    "human oversight",
    "deployed",
    "impact assessments",
    "metrics",
    "declared at",
];

/// Items of `kind` whose `field` refers to each system.
fn by_system<'m>(model: &'m Model, kind: &str, field: &str) -> HashMap<NodeId, Vec<Item<'m>>> {
    let mut out: HashMap<NodeId, Vec<Item>> = HashMap::default();
    for a in items(model, kind) {
        for s in a.refs(field) {
            out.entry(s).or_default().push(a);
        }
    }
    out
}

pub fn build(model: &Model, db: &SourceDb, findings: &Findings) -> Table {
    let assessments = by_system(model, ASSESSMENT, "system");
    let metrics = by_system(model, METRIC, "system");
    let names = |m: &HashMap<NodeId, Vec<Item>>, s: NodeId| {
        m.get(&s).map_or(String::new(), |v| v.iter().map(|i| i.name()).collect::<Vec<_>>().join(", "))
    };
    let mut rows = Vec::new();
    for s in items(model, SYSTEM) {
        let cells = vec![
            s.name(),
            s.title(),
            s.text("owner"),
            s.text("purpose"),
            s.text("intended_use"),
            s.text("stage"),
            s.text("status"),
            s.text("in_scope"),
            s.text("tier"),
            s.text("eu_ai_act"),
            s.text("annex_iii_area"),
            s.text("eu_ai_act_basis"),
            s.text("org_role"),
            s.text("autonomy"),
            s.text("third_party"),
            s.text("supplier"),
            s.text("model"),
            s.text("version"),
            s.text("datasets"),
            s.text("human_oversight"),
            s.text("deployed"),
            names(&assessments, s.id),
            names(&metrics, s.id),
            s.source(db),
        ];
        let found = findings.of_item(s.id);
        let flagged = found.iter().any(|f| f.severity == "error");
        rows.push(Row { id: s.name(), cells, source: s.source(db), findings: found, flagged });
    }
    Table {
        kind: "inventory",
        title: "AI system inventory".into(),
        columns: COLUMNS.iter().map(|s| s.to_string()).collect(),
        rows,
    }
}
