//! The Statement of Applicability: one row per reference control of the standard marked
//! `default` in the stdlib catalogue (Annex A of ISO/IEC 42001 in the stdlib), with the
//! organisation's decision from its `control` item of the same ID, and the risks whose
//! treatments rely on it. The controls come from the catalogue; none is named here.

use super::findings::Findings;
use super::table::{Row, Table};
use super::view::{items, Item};
use crate::sema::{Model, NodeId};
use crate::source::SourceDb;
use rustc_hash::FxHashMap as HashMap;

/// Schema names this view reads (stdlib/schema/standards.aims, controls.aims, risk.aims).
const CATALOGUE_CONTROL: &str = crate::contract::ANNEX_CONTROL;
const DECISION: &str = "control";
const RISK: &str = "risk";
const TREATMENT: &str = "treatment";

const COLUMNS: &[&str] = &[
    "control",
    "title",
    "applicable",
    "justification",
    "status",
    "how implemented",
    "owner",
    "evidence",
    "AI systems",
    "risks relying on it",
    "implemented",
    "last tested",
    "declared at",
];

/// The catalogue controls of the default standard, in catalogue order.
pub fn catalogue(model: &Model) -> Vec<Item<'_>> {
    let Some(std) = items(model, crate::contract::STANDARD)
        .into_iter()
        .find(|s| s.bool(crate::contract::STANDARD_DEFAULT) == Some(true))
    else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (i, n) in model.nodes.iter().enumerate() {
        let id = NodeId(i as u32);
        if model.schema.kind(n.kind).name == CATALOGUE_CONTROL && model.top_level(id) == Some(std.id) {
            out.push(Item::new(model, id));
        }
    }
    out
}

/// Which risks rely on each control, by control ID (a treatment may cite the catalogue
/// control or the organisation's decision on it: both have the control's number as ID).
pub fn relying_risks(model: &Model) -> HashMap<String, Vec<NodeId>> {
    let mut out: HashMap<String, Vec<NodeId>> = HashMap::default();
    for risk in items(model, RISK) {
        for t in risk.blocks(TREATMENT) {
            for c in t.refs("controls") {
                if let Some(id) = &model.node(c).id {
                    let list = out.entry(id.to_string()).or_default();
                    if !list.contains(&risk.id) {
                        list.push(risk.id);
                    }
                }
            }
        }
    }
    out
}

pub fn build(model: &Model, db: &SourceDb, findings: &Findings) -> Table {
    let decisions: HashMap<String, Item> = items(model, DECISION)
        .into_iter()
        .filter_map(|d| model.node(d.id).id.as_deref().map(|i| (i.to_string(), d)))
        .collect();
    let relying = relying_risks(model);
    let mut rows = Vec::new();
    for ctl in catalogue(model) {
        let id = model.node(ctl.id).id_str().to_string();
        let risks = relying.get(&id).cloned().unwrap_or_default();
        let risk_names = risks.iter().map(|r| model.display_name(*r)).collect::<Vec<_>>().join(", ");
        let (cells, source, flagged, located) = match decisions.get(&id) {
            Some(d) => {
                let applicable = d.bool("applicable");
                let justification = d.text("justification");
                let flagged = applicable.is_none() || (applicable == Some(false) && justification.trim().is_empty());
                let status = if applicable == Some(false) { "not applicable".to_string() } else { d.text("status") };
                let cells = vec![
                    id.clone(),
                    ctl.title(),
                    d.text("applicable"),
                    justification,
                    status,
                    d.text("description"),
                    d.text("owner"),
                    d.text("evidence"),
                    non_empty_or(d.text("systems"), "all"),
                    risk_names,
                    d.text("implemented"),
                    d.text("last_tested"),
                ];
                (cells, d.source(db), flagged, vec![d.id])
            }
            None => {
                let mut cells = vec![id.clone(), ctl.title(), "no decision".into()];
                cells.resize(COLUMNS.len() - 1, String::new());
                cells[9] = risk_names;
                (cells, String::new(), true, Vec::new())
            }
        };
        let mut cells = cells;
        cells.push(source.clone());
        rows.push(Row { id: id.clone(), cells, source, findings: findings.of(&located, Some(&id)), flagged });
    }
    Table {
        kind: "soa",
        title: "Statement of Applicability".into(),
        columns: COLUMNS.iter().map(|c| c.to_string()).collect(),
        rows,
    }
}

fn non_empty_or(s: String, fallback: &str) -> String {
    if s.is_empty() {
        fallback.to_string()
    } else {
        s
    }
}
