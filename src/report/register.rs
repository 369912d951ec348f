//! The AI risk register: one row per risk, with the inherent and residual likelihood, impact,
//! score and level from the organisation's own scoring script (computed fields of the Model),
//! and its treatments (several treatments of one risk are joined with `; `).

use super::findings::Findings;
use super::table::{Row, Table};
use super::view::{items, Item};
use crate::contract as c;
use crate::sema::Model;
use crate::source::SourceDb;

const COLUMNS: &[&str] = &[
    "risk",
    "title",
    "AI system",
    "owner",
    "objective",
    "risk source",
    "stage",
    "inherent likelihood",
    "inherent impact",
    "inherent score",
    "inherent level",
    "treatment",
    "plan",
    "controls",
    "treatment owner",
    "due",
    "status",
    "residual likelihood",
    "residual impact",
    "residual score",
    "residual level",
    "above appetite",
    "approved by",
    "approved",
    "identified",
    "last reviewed",
    "declared at",
];

/// `a; b` over the treatments of a risk, skipping treatments without the field.
fn each(treatments: &[Item], f: impl Fn(&Item) -> String) -> String {
    treatments.iter().map(f).filter(|s| !s.is_empty()).collect::<Vec<_>>().join("; ")
}

pub fn build(model: &Model, db: &SourceDb, findings: &Findings, today: jiff::civil::Date) -> Table {
    let mut rows = Vec::new();
    for r in items(model, c::RISK) {
        let ts = r.blocks(c::TREATMENT);
        let residual = |t: &Item, f: &str| t.blocks(c::RESIDUAL).first().map(|b| b.text(f)).unwrap_or_default();
        let overdue = ts.iter().any(|t| t.date("due").is_some_and(|d| d < today) && t.text("status") != "done");
        let cells = vec![
            r.name(),
            r.title(),
            r.text(c::SYSTEM),
            r.text("owner"),
            r.text("objective"),
            r.text("source"),
            r.text("stage"),
            r.text(c::LIKELIHOOD),
            r.text(c::IMPACT),
            r.text(c::SCORE),
            r.text(c::LEVEL),
            each(&ts, |t| t.text("option")),
            each(&ts, |t| t.text("plan")),
            each(&ts, |t| t.text("controls")),
            each(&ts, |t| t.text("owner")),
            each(&ts, |t| t.text("due")),
            each(&ts, |t| t.text("status")),
            each(&ts, |t| residual(t, c::LIKELIHOOD)),
            each(&ts, |t| residual(t, c::IMPACT)),
            each(&ts, |t| residual(t, c::SCORE)),
            each(&ts, |t| residual(t, c::LEVEL)),
            r.text(c::ABOVE_APPETITE),
            each(&ts, |t| t.text("approved_by")),
            each(&ts, |t| t.text("approved")),
            r.text("identified"),
            r.text("last_reviewed"),
            r.source(db),
        ];
        let flagged = overdue || r.bool(c::ABOVE_APPETITE) == Some(true);
        rows.push(Row { id: r.name(), cells, source: r.source(db), findings: findings.of_item(r.id), flagged });
    }
    Table {
        kind: "register",
        title: "AI risk register".into(),
        columns: COLUMNS.iter().map(|s| s.to_string()).collect(),
        rows,
    }
}
