//! The review calendar: every review, audit, assessment, test and expiry that falls due between
//! `--as-of` and the horizon, overdue first. What counts as a date that falls due is read from
//! the fields below, the schema's names for them (stdlib/schema); the intervals are the ones
//! the organisation declares, none is assumed here.

use super::findings::Findings;
use super::table::{Row, Table};
use super::view::{items, Item};
use crate::sema::{NodeId, ValueKind};
use crate::source::SourceDb;
use crate::syntax::ast::DurationUnit;
use jiff::civil::Date;

/// One kind of date that falls due: items of `kind`, due on `due` (or, without it, on `last`
/// plus `interval`), recurring every `interval`; skipped when `closed` has one of `done`.
struct Source {
    kind: &'static str,
    what: &'static str,
    due: Option<&'static str>,
    last: Option<&'static str>,
    interval: Option<&'static str>,
    closed: Option<(&'static str, &'static [&'static str])>,
    owner: &'static str,
}

const SOURCES: &[Source] = &[
    Source {
        kind: "review",
        what: "review",
        due: Some("next"),
        last: Some("last"),
        interval: Some("interval"),
        closed: None,
        owner: "reviewer",
    },
    Source {
        kind: "management_review",
        what: "management review",
        due: Some("next"),
        last: None,
        interval: None,
        closed: None,
        owner: "chair",
    },
    Source {
        kind: "audit",
        what: "audit",
        due: Some("date"),
        last: None,
        interval: None,
        closed: Some(("status", &["done"])),
        owner: "auditor",
    },
    Source {
        kind: "impact_assessment",
        what: "impact assessment",
        due: Some("next_due"),
        last: None,
        interval: None,
        closed: None,
        owner: "assessor",
    },
    Source {
        kind: "policy",
        what: "policy review",
        due: None,
        last: Some("last_reviewed"),
        interval: Some("review_interval"),
        closed: None,
        owner: "owner",
    },
    Source {
        kind: "risk_criteria",
        what: "risk criteria review",
        due: None,
        last: Some("approved"),
        interval: Some("review_interval"),
        closed: None,
        owner: "approved_by",
    },
    Source {
        kind: "metric",
        what: "measurement",
        due: None,
        last: Some("last_measured"),
        interval: Some("interval"),
        closed: None,
        owner: "owner",
    },
    Source {
        kind: "communication",
        what: "communication",
        due: None,
        last: Some("last"),
        interval: Some("interval"),
        closed: None,
        owner: "owner",
    },
    Source {
        kind: "supplier",
        what: "supplier due diligence",
        due: Some("next_due_diligence"),
        last: None,
        interval: None,
        closed: None,
        owner: "owner",
    },
    Source {
        kind: "training",
        what: "training expiry",
        due: Some("expires"),
        last: None,
        interval: None,
        closed: None,
        owner: "role",
    },
    Source {
        kind: "waiver",
        what: "waiver expiry",
        due: Some("expires"),
        last: None,
        interval: None,
        closed: None,
        owner: "approver",
    },
    Source {
        kind: "objective",
        what: "objective due",
        due: Some("due"),
        last: None,
        interval: None,
        closed: Some(("status", &["achieved", "missed"])),
        owner: "owner",
    },
    Source {
        kind: "nonconformity",
        what: "corrective action due",
        due: Some("due"),
        last: None,
        interval: None,
        closed: Some(("status", &["closed"])),
        owner: "owner",
    },
];

/// Treatments are nested in risks; their due dates are read the same way.
const TREATMENT: Source = Source {
    kind: "treatment",
    what: "treatment due",
    due: Some("due"),
    last: None,
    interval: None,
    closed: Some(("status", &["done"])),
    owner: "owner",
};

/// A recurrence: every `n` units.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Every {
    pub n: i64,
    pub unit: DurationUnit,
}

#[derive(Clone, Debug)]
pub struct Event {
    /// Stable across runs: what it is, the item, and the field the date comes from.
    pub uid: String,
    pub date: Date,
    pub overdue: bool,
    pub what: &'static str,
    pub item: String,
    pub title: String,
    pub owner: String,
    pub every: Option<Every>,
    pub source: String,
    pub node: NodeId,
}

fn step(d: Date, every: Every) -> Option<Date> {
    let span = match every.unit {
        DurationUnit::Day => jiff::Span::new().try_days(every.n).ok()?,
        DurationUnit::Week => jiff::Span::new().try_weeks(every.n).ok()?,
        DurationUnit::Month => jiff::Span::new().try_months(every.n).ok()?,
        DurationUnit::Year => jiff::Span::new().try_years(every.n).ok()?,
    };
    d.checked_add(span).ok()
}

fn event(item: &Item, src: &Source, db: &SourceDb, today: Date) -> Option<Event> {
    if let Some((field, done)) = src.closed {
        if done.contains(&item.text(field).as_str()) {
            return None;
        }
    }
    let every = src.interval.and_then(|f| match item.value(f).map(|v| &v.kind) {
        Some(ValueKind::Duration(n, unit)) if *n > 0 => Some(Every { n: *n, unit: *unit }),
        _ => None,
    });
    let due_field = src.due.filter(|f| item.date(f).is_some()).or(src.last.filter(|_| every.is_some()))?;
    let date = match src.due.and_then(|f| item.date(f)) {
        Some(d) => d,
        None => step(item.date(src.last?)?, every?)?,
    };
    Some(Event {
        uid: format!("{}-{}-{}", src.kind, item.name().replace([':', ' '], "-"), due_field),
        date,
        overdue: date < today,
        what: src.what,
        item: item.name(),
        title: item.title(),
        owner: item.text(src.owner),
        every,
        source: item.source(db),
        node: item.model.top_level(item.id).unwrap_or(item.id),
    })
}

/// Every event due up to `until`, overdue first, then by date; each recurring event once for
/// every time it falls due in the horizon.
pub fn events(model: &crate::sema::Model, db: &SourceDb, today: Date, until: Date) -> Vec<Event> {
    let mut out = Vec::new();
    let mut add = |e: Event| {
        if e.date > until {
            return;
        }
        let mut next = e.every.and_then(|every| step(e.date, every).map(|d| (d, every)));
        out.push(e.clone());
        // Later occurrences inside the horizon (an overdue one is shown once, then from today).
        let mut guard = 0;
        while let Some((d, every)) = next {
            if d > until || guard > 400 {
                break;
            }
            if d >= today {
                out.push(Event { date: d, overdue: false, ..e.clone() });
            }
            next = step(d, every).map(|n| (n, every));
            guard += 1;
        }
    };
    for src in SOURCES {
        for item in items(model, src.kind) {
            if let Some(e) = event(&item, src, db, today) {
                add(e);
            }
        }
    }
    for risk in items(model, crate::contract::RISK) {
        for t in risk.blocks(TREATMENT.kind) {
            if let Some(e) = event(&t, &TREATMENT, db, today) {
                add(e);
            }
        }
    }
    out.sort_by(|a, b| (!a.overdue, a.date, &a.uid).cmp(&(!b.overdue, b.date, &b.uid)));
    out
}

pub fn build(events: &[Event], findings: &Findings) -> Table {
    let columns = ["due", "overdue", "what", "item", "title", "owner", "recurs", "declared at"];
    let rows = events
        .iter()
        .map(|e| Row {
            id: format!("{}-{}", e.uid, e.date),
            cells: vec![
                e.date.to_string(),
                if e.overdue { "overdue".into() } else { String::new() },
                e.what.to_string(),
                e.item.clone(),
                e.title.clone(),
                e.owner.clone(),
                e.every.map_or(String::new(), |ev| format!("every {} {}", ev.n, ev.unit.name(ev.n))),
                e.source.clone(),
            ],
            source: e.source.clone(),
            findings: findings.of_item(e.node),
            flagged: e.overdue,
        })
        .collect();
    Table {
        kind: "calendar",
        title: "Review calendar".into(),
        columns: columns.iter().map(|s| s.to_string()).collect(),
        rows,
    }
}
