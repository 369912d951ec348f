//! The auditor's pack: every report of a compiled spec, built once, with the stamp and the
//! findings they share. The CLI picks the reports and the format.

use super::calendar::{self, Event};
use super::findings::Findings;
use super::heatmap::{self, HeatMap};
use super::table::{FindingRef, Stamp, Table};
use super::{gap, inventory, raci, register, soa};
use crate::compile::Compilation;
use crate::diagnostics::Severity;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    Soa,
    Register,
    Inventory,
    Calendar,
    Raci,
}

impl Kind {
    pub const ALL: [Kind; 5] = [Kind::Soa, Kind::Register, Kind::Inventory, Kind::Calendar, Kind::Raci];

    pub fn name(self) -> &'static str {
        match self {
            Kind::Soa => "soa",
            Kind::Register => "register",
            Kind::Inventory => "inventory",
            Kind::Calendar => "calendar",
            Kind::Raci => "raci",
        }
    }
}

pub struct Pack {
    pub stamp: Stamp,
    pub until: jiff::civil::Date,
    pub organisation: String,
    pub findings: Vec<FindingRef>,
    pub events: Vec<Event>,
    pub tables: Vec<Table>,
    pub heatmap: Option<HeatMap>,
    pub gap: Option<gap::GapReport>,
}

/// Builds the reports of `kinds` (and what the dashboard needs when `dashboard` is set).
pub fn build(c: &Compilation, kinds: &[Kind], stamp: Stamp, until: jiff::civil::Date, dashboard: bool) -> Pack {
    let today: jiff::civil::Date = stamp.as_of.parse().unwrap_or_default();
    let shown: Vec<_> = c.diagnostics.iter().filter(|d| d.severity != Severity::Note).cloned().collect();
    let findings = Findings::index(&shown, &c.model, &c.db);
    let events = calendar::events(&c.model, &c.db, today, until);
    let tables = kinds
        .iter()
        .map(|k| match k {
            Kind::Soa => soa::build(&c.model, &c.db, &findings),
            Kind::Register => register::build(&c.model, &c.db, &findings, today),
            Kind::Inventory => inventory::build(&c.model, &c.db, &findings),
            Kind::Calendar => calendar::build(&events, &findings),
            Kind::Raci => raci::build(&c.model, &c.db, &findings),
        })
        .collect();
    let organisation = super::view::items(&c.model, crate::contract::ORGANIZATION)
        .first()
        .map(|o| {
            let name = o.text("name");
            if name.is_empty() {
                o.title()
            } else {
                name
            }
        })
        .unwrap_or_default();
    Pack {
        stamp,
        until,
        organisation,
        findings: findings.all,
        events,
        tables,
        heatmap: if dashboard { c.scoring.as_ref().map(|s| heatmap::build(&c.model, s)) } else { None },
        gap: if dashboard { c.outcome.as_ref().map(|o| gap::build(&c.model, &c.rules, o, today)) } else { None },
    }
}
