//! The regulation view of the gap analysis (a catalogue with `regulation: yes`): for each AI
//! system of the spec, the obligations a rule applied to it, and the organisation's own.

use super::{applies_from, reference, Ctx, Row, Status};
use crate::sema::{Model, NodeId, ValueKind};
use rustc_hash::FxHashMap as HashMap;
use serde::Serialize;

/// An obligation of a regulation as it stands for one AI system (or for the organisation).
#[derive(Debug, Serialize)]
pub struct Obligation {
    pub reference: String,
    pub title: String,
    pub status: Status,
    pub rules: Vec<String>,
    pub findings: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub applies_from: Option<String>,
}

/// The obligations that applied to one AI system.
#[derive(Debug, Serialize)]
pub struct SystemObligations {
    pub system: String,
    pub title: String,
    pub obligations: Vec<Obligation>,
}

/// The AI systems an item concerns: the system itself, the system a nested block belongs to,
/// or the systems its fields (or its top-level item's) refer to (`incident.system`).
fn systems_of(model: &Model, node: NodeId, system: Option<crate::sema::schema::KindId>) -> Vec<NodeId> {
    let Some(system) = system else { return Vec::new() };
    let top = model.top_level(node).unwrap_or(node);
    let mut out = Vec::new();
    for n in [node, top] {
        if model.node(n).kind == system {
            out.push(n);
            continue;
        }
        for v in model.node(n).fields.values() {
            let mut refs = Vec::new();
            match &v.kind {
                ValueKind::Ref(t) => refs.push(*t),
                ValueKind::List(items) => refs.extend(items.iter().filter_map(|i| match i.kind {
                    ValueKind::Ref(t) => Some(t),
                    _ => None,
                })),
                _ => {}
            }
            out.extend(refs.into_iter().filter(|t| model.node(*t).kind == system));
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// Regulation view: for each AI system, the obligations a rule applied to it, with their
/// status for that system; and the obligations that applied to items tied to no system.
pub(super) fn per_system(
    ctx: &Ctx,
    citing: &HashMap<NodeId, Vec<usize>>,
    rows: &[Row],
    std: usize,
) -> (Vec<SystemObligations>, Vec<Obligation>) {
    let model = ctx.model;
    let system_kind = model.schema.kind_id(crate::contract::SYSTEM);
    // (system or None for the organisation, row) -> (rules, findings)
    let mut applied: indexmap::IndexMap<(Option<NodeId>, usize), (Vec<String>, usize)> = indexmap::IndexMap::new();
    for (ri, row) in rows.iter().enumerate() {
        if row.std != std {
            continue;
        }
        for &r in citing.get(&row.node).map_or(&[][..], |v| v.as_slice()) {
            let (rule, Some(outcome), _) = &ctx.rules[r] else { continue };
            // A rule about the spec as a whole is an obligation of the organisation: what its
            // quantifiers happened to find first is no list of the systems it concerns.
            if outcome.whole_spec {
                if outcome.applied() {
                    let e = applied.entry((None, ri)).or_default();
                    if !e.0.iter().any(|x| x == rule) {
                        e.0.push(rule.to_string());
                    }
                    e.1 += outcome.findings;
                }
                continue;
            }
            for &item in &outcome.evaluated {
                let systems = systems_of(model, item, system_kind);
                let failed = outcome.failed.binary_search(&item).is_ok();
                let targets: Vec<Option<NodeId>> =
                    if systems.is_empty() { vec![None] } else { systems.into_iter().map(Some).collect() };
                for t in targets {
                    let e = applied.entry((t, ri)).or_default();
                    if !e.0.iter().any(|x| x == rule) {
                        e.0.push(rule.to_string());
                    }
                    e.1 += failed as usize;
                }
            }
        }
    }
    let obligation = |ri: usize, rules: &[String], findings: usize| {
        let row = &rows[ri];
        let from = applies_from(model, row.node);
        let status = if from.is_some_and(|d| d > ctx.today) {
            Status::NotYetApplicable
        } else if findings > 0 {
            Status::Findings
        } else {
            Status::Met
        };
        Obligation {
            reference: reference(model, row.node),
            title: model.node(row.node).title_str().to_string(),
            status,
            rules: rules.to_vec(),
            findings,
            applies_from: from.map(|d| d.to_string()),
        }
    };
    // The obligations of each target, gathered in one pass (a look-up per system, not a scan
    // of every obligation of every system).
    let mut by_target: HashMap<Option<NodeId>, Vec<(usize, Obligation)>> = HashMap::default();
    for ((t, ri), (rules, f)) in &applied {
        by_target.entry(*t).or_default().push((*ri, obligation(*ri, rules, *f)));
    }
    let mut take = |t: Option<NodeId>| {
        let mut list = by_target.remove(&t).unwrap_or_default();
        list.sort_by_key(|(ri, _)| *ri);
        list.into_iter().map(|(_, o)| o).collect::<Vec<_>>()
    };
    let mut systems = Vec::new();
    if let Some(k) = system_kind {
        for &s in model.items_of(k) {
            if model.node(s).origin != crate::source::Origin::Spec {
                continue;
            }
            systems.push(SystemObligations {
                system: model.node(s).id_str().to_string(),
                title: model.node(s).title_str().to_string(),
                obligations: take(Some(s)),
            });
        }
    }
    let organization = take(None);
    (systems, organization)
}
