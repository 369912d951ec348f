//! The gap analysis: every requirement of every standard in the stdlib, with what the rules say
//! about it.
//!
//! A requirement is a leaf block (one with no nested blocks) inside an item of kind `standard`:
//! clause 6.1.3, control A.7.4. A rule covers the requirements it lists in `refs`, and every
//! requirement nested below one it lists. Status of a requirement:
//! - `not checkable`: the catalogue says why no rule can observe it in a spec (`not_checkable`);
//! - `not covered`: no rule refers to it;
//! - `findings`: a rule that covers it reported findings;
//! - `nothing in the spec to check`: rules cover it, but found no item to look at;
//! - `met`: every rule that covers it looked at the spec and found nothing wrong;
//! - `excluded`: the spec's Statement of Applicability excludes it, with a justification.

use crate::rules::{Outcome, RuleSet};
use crate::sema::{Model, NodeId, ValueKind};
use rustc_hash::FxHashMap as HashMap;
use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Met,
    Findings,
    /// Rules cover it, but the spec has nothing for them to look at (no risks, say).
    NoEvidence,
    NotCovered,
    NotCheckable,
    /// Excluded by the organisation's Statement of Applicability, with a justification.
    Excluded,
}

impl Status {
    /// Whether the requirement counts towards readiness.
    pub fn counts(self) -> bool {
        !matches!(self, Status::NotCheckable | Status::Excluded)
    }

    pub fn label(self) -> &'static str {
        match self {
            Status::Met => "met",
            Status::Findings => "findings",
            Status::NoEvidence => "nothing in the spec to check",
            Status::NotCovered => "not covered",
            Status::NotCheckable => "not checkable",
            Status::Excluded => "excluded",
        }
    }
}

#[derive(Debug, Serialize)]
pub struct Requirement {
    /// `iso42001:6.1.3`
    pub reference: String,
    pub id: String,
    pub title: String,
    pub status: Status,
    /// Rules that cover the requirement.
    pub rules: Vec<String>,
    /// Findings of those rules (waived ones included).
    pub findings: usize,
    /// Why it cannot be checked, when it cannot.
    pub reason: Option<String>,
    pub verified: bool,
}

#[derive(Debug, Serialize)]
pub struct Group {
    pub reference: String,
    pub title: String,
    pub requirements: Vec<Requirement>,
    /// Share of the checkable requirements that are met, in percent.
    pub readiness: u32,
}

#[derive(Debug, Serialize)]
pub struct Standard {
    pub id: String,
    pub title: String,
    /// Checkable requirements, and how many of them are met.
    pub checkable: usize,
    pub met: usize,
    /// Share of the checkable requirements met, in percent.
    pub readiness: u32,
    pub groups: Vec<Group>,
}

#[derive(Debug, Serialize)]
pub struct GapReport {
    pub standards: Vec<Standard>,
}

pub fn build(model: &Model, rules: &RuleSet, outcome: &Outcome) -> GapReport {
    // Which rules cover each node referred to in `refs`.
    let mut covering: HashMap<NodeId, Vec<&str>> = HashMap::default();
    for rule in rules.rules.values() {
        for r in &rule.refs {
            let Some((std, clause)) = r.split_once(':') else { continue };
            if let Some(node) = model.lookup(std).and_then(|s| model.anchor(s, clause)) {
                covering.entry(node).or_default().push(&rule.id);
            }
        }
    }
    let mut children: HashMap<NodeId, Vec<NodeId>> = HashMap::default();
    for (i, n) in model.nodes.iter().enumerate() {
        if let Some(p) = n.parent {
            children.entry(p).or_default().push(NodeId(i as u32));
        }
    }
    let mut standards: Vec<(bool, Standard)> = Vec::new();
    let Some(standard_kind) = model.schema.kind_id(crate::contract::STANDARD) else {
        return GapReport { standards: Vec::new() };
    };
    for &std in model.items_of(standard_kind) {
        let std_node = model.node(std);
        let std_id = std_node.id.clone().unwrap_or_default();
        let mut groups = Vec::new();
        for &top in children.get(&std).map_or(&[][..], |v| v.as_slice()) {
            let mut requirements = Vec::new();
            collect(model, &children, &covering, outcome, &std_id, top, &[], &mut requirements);
            let checkable: Vec<_> = requirements.iter().filter(|r| r.status.counts()).collect();
            let met = checkable.iter().filter(|r| r.status == Status::Met).count();
            let readiness = readiness(met, checkable.len());
            let n = model.node(top);
            groups.push(Group {
                reference: format!("{std_id}:{}", n.id.clone().unwrap_or_default()),
                title: n.title.clone().unwrap_or_default(),
                requirements,
                readiness,
            });
        }
        let all = groups.iter().flat_map(|g| &g.requirements);
        let checkable = all.clone().filter(|r| r.status.counts()).count();
        let met = all.filter(|r| r.status == Status::Met).count();
        let readiness = readiness(met, checkable);
        let default = matches!(
            std_node.fields.get(crate::contract::STANDARD_DEFAULT).map(|v| &v.kind),
            Some(ValueKind::Bool(true))
        );
        standards.push((
            !default,
            Standard {
                id: std_id,
                title: std_node.title.clone().unwrap_or_default(),
                checkable,
                met,
                readiness,
                groups,
            },
        ));
    }
    // The standard an organisation certifies against (the one marked `default`) comes first.
    standards.sort_by_key(|(not_default, _)| *not_default);
    GapReport { standards: standards.into_iter().map(|(_, s)| s).collect() }
}

/// Percentage met; a group with nothing to check is ready.
fn readiness(met: usize, checkable: usize) -> u32 {
    (met * 100).checked_div(checkable).map_or(100, |r| r as u32)
}

#[allow(clippy::too_many_arguments)]
fn collect<'a>(
    model: &Model,
    children: &HashMap<NodeId, Vec<NodeId>>,
    covering: &'a HashMap<NodeId, Vec<&'a str>>,
    outcome: &Outcome,
    std_id: &str,
    node: NodeId,
    inherited: &[&'a str],
    out: &mut Vec<Requirement>,
) {
    let mut rules: Vec<&str> = inherited.to_vec();
    rules.extend(covering.get(&node).map_or(&[][..], |v| v.as_slice()));
    let kids: Vec<NodeId> =
        children.get(&node).map_or(Vec::new(), |v| v.iter().copied().filter(|c| model.node(*c).id.is_some()).collect());
    if !kids.is_empty() {
        for k in kids {
            collect(model, children, covering, outcome, std_id, k, &rules, out);
        }
        return;
    }
    let n = model.node(node);
    let text = |f: &str| match n.fields.get(f).map(|v| &v.kind) {
        Some(ValueKind::Text(t)) => Some(t.clone()),
        _ => None,
    };
    let verified = !matches!(n.fields.get(crate::contract::VERIFIED).map(|v| &v.kind), Some(ValueKind::Bool(false)));
    let reason = text(crate::contract::NOT_CHECKABLE);
    rules.sort_unstable();
    rules.dedup();
    let findings: usize = rules.iter().map(|r| outcome.stats.get(*r).map_or(0, |s| s.1)).sum();
    let looked_at: usize = rules.iter().map(|r| outcome.stats.get(*r).map_or(0, |s| s.0)).sum();
    let id = n.id.clone().unwrap_or_default();
    // The spec's own decision on this entry, if it excludes it with a reason.
    let exclusion = model
        .lookup(&id)
        .map(|d| model.node(d))
        .filter(|d| model.schema.kind(d.kind).name == crate::contract::CONTROL)
        .and_then(|d| {
            let excluded =
                matches!(d.fields.get(crate::contract::APPLICABLE).map(|v| &v.kind), Some(ValueKind::Bool(false)));
            match d.fields.get(crate::contract::JUSTIFICATION).map(|v| &v.kind) {
                Some(ValueKind::Text(why)) if excluded => Some(why.clone()),
                _ => None,
            }
        });
    let reason = exclusion.clone().or(reason);
    let status = if exclusion.is_some() {
        Status::Excluded
    } else if reason.is_some() && rules.is_empty() {
        Status::NotCheckable
    } else if rules.is_empty() {
        Status::NotCovered
    } else if findings > 0 {
        Status::Findings
    } else if looked_at == 0 {
        Status::NoEvidence
    } else {
        Status::Met
    };
    out.push(Requirement {
        reference: format!("{std_id}:{id}"),
        id,
        title: n.title.clone().unwrap_or_default(),
        status,
        rules: rules.iter().map(|r| r.to_string()).collect(),
        findings,
        reason,
        verified,
    });
}
