//! Who is responsible, accountable, consulted and informed, for each control decision and each
//! AI system, from the fields that name people and roles: owners (responsible), approvers
//! (accountable), assessors and reviewers (consulted), owners of the risks concerned (informed).

use super::findings::Findings;
use super::table::{Row, Table};
use super::view::{items, Item};
use crate::sema::{Model, NodeId};
use crate::source::SourceDb;
use rustc_hash::FxHashMap as HashMap;

fn join(mut names: Vec<String>) -> String {
    names.retain(|n| !n.is_empty());
    let mut seen = Vec::new();
    for n in names {
        for part in n.split(", ") {
            if !seen.iter().any(|s: &String| s == part) {
                seen.push(part.to_string());
            }
        }
    }
    seen.join(", ")
}

pub fn build(model: &Model, db: &SourceDb, findings: &Findings) -> Table {
    let relying = super::soa::relying_risks(model);
    let mut reviews: HashMap<NodeId, Vec<Item>> = HashMap::default();
    for r in items(model, "review") {
        for of in r.refs("of") {
            reviews.entry(of).or_default().push(r);
        }
    }
    let mut assessments: HashMap<NodeId, Vec<Item>> = HashMap::default();
    for a in items(model, "impact_assessment") {
        for s in a.refs("system") {
            assessments.entry(s).or_default().push(a);
        }
    }
    let mut risks: HashMap<NodeId, Vec<Item>> = HashMap::default();
    for r in items(model, crate::contract::RISK) {
        for s in r.refs(crate::contract::SYSTEM) {
            risks.entry(s).or_default().push(r);
        }
    }
    let get = |m: &HashMap<NodeId, Vec<Item>>, id: NodeId, f: &str| -> Vec<String> {
        m.get(&id).map_or(Vec::new(), |v| v.iter().map(|i| i.text(f)).collect())
    };
    let mut rows = Vec::new();
    for c in items(model, crate::contract::CONTROL) {
        let id = c.name();
        let relying_risks: Vec<Item> =
            relying.get(&id).map_or(Vec::new(), |v| v.iter().map(|r| Item::new(model, *r)).collect());
        let approvers: Vec<String> = relying_risks
            .iter()
            .flat_map(|r| r.blocks(crate::contract::TREATMENT))
            .filter(|t| t.refs("controls").iter().any(|n| model.node(*n).id.as_deref() == Some(id.as_str())))
            .map(|t| t.text("approved_by"))
            .collect();
        let cells = vec![
            "control".into(),
            id.clone(),
            c.title(),
            c.text("owner"),
            join(approvers),
            join(get(&reviews, c.id, "reviewer")),
            join(relying_risks.iter().map(|r| r.text("owner")).collect()),
            c.source(db),
        ];
        rows.push(Row {
            id: format!("control-{id}"),
            cells,
            source: c.source(db),
            findings: findings.of_item(c.id),
            flagged: c.text("owner").is_empty(),
        });
    }
    for s in items(model, "system") {
        let mut consulted = get(&assessments, s.id, "assessor");
        consulted.extend(get(&reviews, s.id, "reviewer"));
        let cells = vec![
            "system".into(),
            s.name(),
            s.title(),
            s.text("owner"),
            join(get(&assessments, s.id, "approved_by")),
            join(consulted),
            join(get(&risks, s.id, "owner")),
            s.source(db),
        ];
        rows.push(Row {
            id: format!("system-{}", s.name()),
            cells,
            source: s.source(db),
            findings: findings.of_item(s.id),
            flagged: s.text("owner").is_empty(),
        });
    }
    let columns = ["for", "ID", "title", "responsible", "accountable", "consulted", "informed", "declared at"];
    Table {
        kind: "raci",
        title: "Responsibilities (RACI)".into(),
        columns: columns.iter().map(|s| s.to_string()).collect(),
        rows,
    }
}
