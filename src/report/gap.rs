//! The gap analysis: every requirement of every catalogue in the stdlib (an item of kind
//! `standard`), with what the rules found about it. docs/gap.md explains it to users.
//!
//! Rows. A requirement is a numbered entry without numbered entries inside it (clause 9.2.2,
//! control A.7.4, a lettered item) unless it is marked `requirement: no` (a definition such as
//! an Annex III point), or an entry with subclauses that is marked `requirement: yes`, or any
//! entry that a rule cites itself.
//!
//! Coverage is exact: a rule covers the requirements it lists in `refs` and nothing else, not
//! the subclauses of a clause it cites. Status of a requirement, from the rules that cite it
//! and what each looked at in this run ([`crate::rules::RuleItems`]):
//! - `excluded`: the Statement of Applicability excludes it, with a justification;
//! - `not checkable`: the catalogue says why no spec can show it (`not_checkable`) and no rule
//!   cites it;
//! - `not yet applicable`: an obligation whose `applies_from` is after the as-of date;
//! - `findings`: a rule that cites it reported findings (waived ones included);
//! - `met`: no findings, and at least one rule that cites it applied to an item of the spec.
//!   A rule with `for` applies to the items that pass its `where`; a rule about the spec as a
//!   whole applies when one of its quantifiers found an item of the spec it asks about. A rule
//!   that passes without finding anything (no provider system, so no provider duty to check)
//!   is a vacuous pass and does not make "met";
//! - `nothing in the spec to check`: rules cite it but none applied (the row says why);
//! - `not covered`: no rule cites it;
//! - for a requirement that no rule cites but that lists counterparts in other catalogues
//!   (`maps`, a crosswalk): the statuses of the counterparts rolled up (see [`roll_up`]), or
//!   `no counterpart` when the catalogue uses a crosswalk and this entry has none.
//!
//! How a catalogue is shown comes from its own fields: `certifiable: yes` gets a readiness
//! figure (met out of those that count); other catalogues (guidance such as ISO/IEC 23894, the
//! NIST AI RMF) show addressed / not addressed without a percentage; `regulation: yes` also
//! lists, per AI system, each obligation a rule applied to that system.

mod regulation;

use crate::rules::{Outcome, RuleItems, RuleSet};
use crate::sema::{Model, NodeId, ValueKind};
pub use regulation::{Obligation, SystemObligations};
use rustc_hash::FxHashMap as HashMap;
use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Met,
    /// Rolled up from counterparts: some met, others not (and none with findings).
    Partly,
    Findings,
    /// Rules cite it, but none applied to anything in the spec (no risks, say).
    NoEvidence,
    NotCovered,
    NotCheckable,
    /// Excluded by the organisation's Statement of Applicability, with a justification.
    Excluded,
    /// In a catalogue read through a crosswalk: no rule cites it and it has no counterpart.
    NoCounterpart,
    /// An obligation whose application date is after the as-of date.
    NotYetApplicable,
}

impl Status {
    /// Whether the requirement counts in the figure (met out of those that count).
    pub fn counts(self) -> bool {
        !matches!(self, Status::NotCheckable | Status::Excluded | Status::NoCounterpart | Status::NotYetApplicable)
    }

    pub fn label(self) -> &'static str {
        match self {
            Status::Met => "met",
            Status::Partly => "partly met",
            Status::Findings => "findings",
            Status::NoEvidence => "nothing in the spec to check",
            Status::NotCovered => "not covered",
            Status::NotCheckable => "not checkable",
            Status::Excluded => "excluded",
            Status::NoCounterpart => "no counterpart",
            Status::NotYetApplicable => "not yet applicable",
        }
    }

    /// The two-character mark of the human listing.
    pub fn mark(self) -> &'static str {
        match self {
            Status::Met => "ok",
            Status::Partly => "~~",
            Status::Findings => "!!",
            Status::NoEvidence => "??",
            Status::NotCovered => "--",
            Status::NotCheckable => "..",
            Status::Excluded => "xx",
            Status::NoCounterpart => "<>",
            Status::NotYetApplicable => ">>",
        }
    }
}

/// How a catalogue is read, from its own fields.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum View {
    /// `certifiable: yes`: a readiness figure.
    Certification,
    /// Guidance (`certifiable: no`): addressed or not, no percentage.
    Guidance,
    /// `regulation: yes`: obligations per AI system, dated.
    Regulation,
}

/// One rule behind a requirement's status.
#[derive(Debug, Clone, Serialize)]
pub struct RuleEvidence {
    pub rule: String,
    /// Items of the spec the rule applied to.
    pub items: usize,
    /// Its findings (waived ones included).
    pub findings: usize,
    /// Why it applied to nothing, when it did not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub why: Option<String>,
}

/// A counterpart in another catalogue of a requirement read through a crosswalk.
#[derive(Debug, Clone, Serialize)]
pub struct Counterpart {
    pub reference: String,
    pub status: Status,
}

#[derive(Debug, Serialize)]
pub struct Requirement {
    /// `iso42001:6.1.3`
    pub reference: String,
    pub id: String,
    pub title: String,
    pub status: Status,
    /// The rules that cite it.
    pub rules: Vec<String>,
    /// Each of those rules with what it applied to in this run.
    pub evidence: Vec<RuleEvidence>,
    /// Distinct items of the spec those rules applied to.
    pub items: usize,
    /// Findings of those rules (waived ones included).
    pub findings: usize,
    /// Why it cannot be checked, why it is excluded, or why there was nothing to check.
    pub reason: Option<String>,
    pub verified: bool,
    /// For a requirement read through a crosswalk: its counterparts and their statuses.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub maps: Vec<Counterpart>,
    /// For an obligation of a regulation: the date it applies from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub applies_from: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct Group {
    pub reference: String,
    pub title: String,
    pub requirements: Vec<Requirement>,
    /// Share of the requirements that count which are met, in percent; `null` except in the
    /// certification view.
    pub readiness: Option<u32>,
}

#[derive(Debug, Serialize)]
pub struct Standard {
    pub id: String,
    pub title: String,
    pub view: View,
    /// Requirements that count in the figure, and how many of them are met (addressed).
    pub checkable: usize,
    pub met: usize,
    /// Share of the requirements that count which are met, in percent; `null` except in the
    /// certification view.
    pub readiness: Option<u32>,
    pub groups: Vec<Group>,
    /// In a catalogue read through a crosswalk: its entries with no counterpart.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub no_counterpart: Vec<String>,
    /// The catalogues its crosswalk points into.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub maps_to: Vec<String>,
    /// Regulation view: per AI system of the spec, the obligations that applied to it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub systems: Option<Vec<SystemObligations>>,
    /// Regulation view: obligations that applied to the organisation, not to one system.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organization: Option<Vec<Obligation>>,
}

#[derive(Debug, Serialize)]
pub struct GapReport {
    pub standards: Vec<Standard>,
}

impl GapReport {
    /// The IDs of the catalogues, for `--framework`.
    pub fn ids(&self) -> Vec<&str> {
        self.standards.iter().map(|s| s.id.as_str()).collect()
    }
}

/// A requirement row while the report is built.
struct Row {
    node: NodeId,
    std: usize,
    rules: Vec<usize>,
}

/// Everything the rows need to know about the model, computed once.
struct Ctx<'a> {
    model: &'a Model,
    rules: Vec<(&'a str, Option<&'a RuleItems>, Option<String>)>,
    children: HashMap<NodeId, Vec<NodeId>>,
    today: jiff::civil::Date,
}

pub fn build(model: &Model, rules: &RuleSet, outcome: &Outcome, today: jiff::civil::Date) -> GapReport {
    let Some(standard_kind) = model.schema.kind_id(crate::contract::STANDARD) else {
        return GapReport { standards: Vec::new() };
    };
    // Which rules cite each catalogue entry, exactly.
    let mut citing: HashMap<NodeId, Vec<usize>> = HashMap::default();
    let mut ctx = Ctx { model, rules: Vec::new(), children: HashMap::default(), today };
    // Nodes of the spec per kind, to tell "none in the spec" from "none the rule applies to".
    let mut spec_nodes = vec![0usize; model.schema.kinds.len()];
    for n in &model.nodes {
        if n.origin == crate::source::Origin::Spec {
            spec_nodes[n.kind] += 1;
        }
    }
    for rule in rules.rules.values() {
        let index = ctx.rules.len();
        let items = outcome.items.get(&rule.id);
        ctx.rules.push((&rule.id, items, nothing_why(model, rule, items, &spec_nodes)));
        for r in &rule.refs {
            let Some((std, clause)) = r.split_once(':') else { continue };
            if let Some(node) = model.lookup(std).and_then(|s| model.anchor(s, clause)) {
                let list = citing.entry(node).or_default();
                if !list.contains(&index) {
                    list.push(index);
                }
            }
        }
    }
    for (i, n) in model.nodes.iter().enumerate() {
        if let Some(p) = n.parent {
            if n.id.is_some() {
                ctx.children.entry(p).or_default().push(NodeId(i as u32));
            }
        }
    }
    let catalogues: Vec<NodeId> = model.items_of(standard_kind).to_vec();
    // Rows of every catalogue, in document order, and each row's own status.
    let mut rows: Vec<Row> = Vec::new();
    for (si, &std) in catalogues.iter().enumerate() {
        for &top in ctx.children.get(&std).map_or(&[][..], |v| v.as_slice()) {
            collect_rows(&ctx, &citing, si, top, &mut rows);
        }
    }
    let mut built: Vec<Requirement> = rows.iter().map(|r| requirement(&ctx, r)).collect();
    let row_of: HashMap<NodeId, usize> = rows.iter().enumerate().map(|(i, r)| (r.node, i)).collect();
    // Crosswalks: a row no rule cites takes the statuses of its counterparts, which are
    // rows of other catalogues (or entries with rows inside them), as computed above.
    // A regulation is not read through its crosswalk: an obligation is met where a rule for it
    // applied, never because a corresponding ISO requirement was.
    let uses_crosswalk: Vec<bool> = catalogues
        .iter()
        .enumerate()
        .map(|(si, &c)| {
            flag(model, c, crate::contract::REGULATION) != Some(true)
                && rows.iter().any(|r| r.std == si && !maps(model, r.node).is_empty())
        })
        .collect();
    let mut rolled: Vec<(usize, Status, Vec<Counterpart>)> = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        if !row.rules.is_empty() || !uses_crosswalk[row.std] || !built[i].status.counts() {
            continue;
        }
        let mapped = maps(model, row.node);
        if mapped.is_empty() {
            rolled.push((i, Status::NoCounterpart, Vec::new()));
            continue;
        }
        let counterparts: Vec<Counterpart> = mapped
            .iter()
            .map(|&m| Counterpart { reference: reference(model, m), status: subtree_status(&ctx, &row_of, &built, m) })
            .collect();
        let status = roll_up(counterparts.iter().map(|c| c.status));
        rolled.push((i, status, counterparts));
    }
    for (i, status, counterparts) in rolled {
        built[i].status = status;
        built[i].reason = match status {
            Status::NoCounterpart => Some("no rule checks it and the crosswalk names no counterpart".into()),
            _ => None,
        };
        built[i].maps = counterparts;
    }
    // Assemble the catalogues, the one an organisation certifies against (`default`) first.
    let mut standards: Vec<(bool, Standard)> = Vec::new();
    let mut built = built.into_iter().map(Some).collect::<Vec<_>>();
    for (si, &std) in catalogues.iter().enumerate() {
        let node = model.node(std);
        let std_id = node.id_str().to_string();
        let view = if flag(model, std, crate::contract::REGULATION) == Some(true) {
            View::Regulation
        } else if flag(model, std, crate::contract::CERTIFIABLE) == Some(true) {
            View::Certification
        } else {
            View::Guidance
        };
        let mut groups: Vec<Group> = Vec::new();
        for &top in ctx.children.get(&std).map_or(&[][..], |v| v.as_slice()) {
            let n = model.node(top);
            let requirements: Vec<Requirement> = rows
                .iter()
                .enumerate()
                .filter(|(_, r)| r.std == si && group_of(model, r.node, std) == top)
                .filter_map(|(i, _)| built[i].take())
                .collect();
            let readiness = (view == View::Certification).then(|| figure(&requirements).1);
            groups.push(Group {
                reference: format!("{std_id}:{}", n.id_str()),
                title: n.title_str().to_string(),
                requirements,
                readiness,
            });
        }
        let all: Vec<&Requirement> = groups.iter().flat_map(|g| &g.requirements).collect();
        let checkable = all.iter().filter(|r| r.status.counts()).count();
        let met = all.iter().filter(|r| r.status == Status::Met).count();
        let no_counterpart =
            all.iter().filter(|r| r.status == Status::NoCounterpart).map(|r| r.reference.clone()).collect();
        let mut maps_to: Vec<String> = Vec::new();
        for r in &all {
            for c in &r.maps {
                let target = c.reference.split(':').next().unwrap_or_default().to_string();
                if !maps_to.contains(&target) {
                    maps_to.push(target);
                }
            }
        }
        let (systems, organization) = if view == View::Regulation {
            let (s, o) = regulation::per_system(&ctx, &citing, &rows, si);
            (Some(s), Some(o))
        } else {
            (None, None)
        };
        let default = flag(model, std, crate::contract::STANDARD_DEFAULT) == Some(true);
        standards.push((
            !default,
            Standard {
                id: std_id,
                title: node.title_str().to_string(),
                view,
                checkable,
                met,
                readiness: (view == View::Certification).then(|| percent(met, checkable)),
                groups,
                no_counterpart,
                maps_to,
                systems,
                organization,
            },
        ));
    }
    standards.sort_by_key(|(not_default, _)| *not_default);
    GapReport { standards: standards.into_iter().map(|(_, s)| s).collect() }
}

/// The top-level entry (clause 4, topic A.7) of `std` that holds `node`.
fn group_of(model: &Model, mut node: NodeId, std: NodeId) -> NodeId {
    while let Some(p) = model.node(node).parent {
        if p == std {
            return node;
        }
        node = p;
    }
    node
}

/// Met out of those that count, and the percentage.
fn figure(requirements: &[Requirement]) -> (usize, u32) {
    let counted = requirements.iter().filter(|r| r.status.counts()).count();
    let met = requirements.iter().filter(|r| r.status == Status::Met).count();
    (met, percent(met, counted))
}

/// Percentage met; a group with nothing that counts is ready.
fn percent(met: usize, counted: usize) -> u32 {
    (met * 100).checked_div(counted).map_or(100, |r| r as u32)
}

fn collect_rows(ctx: &Ctx, citing: &HashMap<NodeId, Vec<usize>>, std: usize, node: NodeId, out: &mut Vec<Row>) {
    let kids = ctx.children.get(&node).map_or(&[][..], |v| v.as_slice());
    let cited = citing.get(&node).cloned().unwrap_or_default();
    // A leaf that says `requirement: no` (a definition, such as an Annex III point of the AI
    // Act, or an exception) is not a row unless a rule cites it.
    let requirement = flag(ctx.model, node, crate::contract::REQUIREMENT);
    if (kids.is_empty() && requirement != Some(false)) || !cited.is_empty() || requirement == Some(true) {
        out.push(Row { node, std, rules: cited });
    }
    for &k in kids {
        collect_rows(ctx, citing, std, k, out);
    }
}

fn flag(model: &Model, node: NodeId, field: &str) -> Option<bool> {
    match model.node(node).fields.get(field).map(|v| &v.kind) {
        Some(ValueKind::Bool(b)) => Some(*b),
        _ => None,
    }
}

fn text(model: &Model, node: NodeId, field: &str) -> Option<String> {
    match model.node(node).fields.get(field).map(|v| &v.kind) {
        Some(ValueKind::Text(t)) => Some(t.to_string()),
        _ => None,
    }
}

/// The date an obligation applies from: its own `applies_from`, or that of the nearest entry
/// it sits in (a paragraph applies when its article does, unless it says otherwise).
pub fn applies_from(model: &Model, node: NodeId) -> Option<jiff::civil::Date> {
    let mut at = Some(node);
    while let Some(n) = at {
        if let Some(ValueKind::Date(d)) = model.node(n).fields.get(crate::contract::APPLIES_FROM).map(|v| &v.kind) {
            return Some(*d);
        }
        at = model.node(n).parent;
    }
    None
}

/// The catalogue entries a requirement lists as its counterparts.
fn maps(model: &Model, node: NodeId) -> Vec<NodeId> {
    let mut out = Vec::new();
    match model.node(node).fields.get(crate::contract::MAPS).map(|v| &v.kind) {
        Some(ValueKind::List(items)) => {
            for v in items {
                if let ValueKind::Ref(n) = v.kind {
                    out.push(n);
                }
            }
        }
        Some(ValueKind::Ref(n)) => out.push(*n),
        _ => {}
    }
    out
}

/// `iso42001:6.1.3` for a catalogue entry.
pub fn reference(model: &Model, node: NodeId) -> String {
    let std = model.top_level(node).and_then(|t| model.node(t).id.clone()).unwrap_or_default();
    format!("{std}:{}", model.node(node).id_str())
}

/// Why a rule applied to nothing in this run, or `None` when it applied.
fn nothing_why(
    model: &Model,
    rule: &crate::rules::ir::Rule,
    items: Option<&RuleItems>,
    spec_nodes: &[usize],
) -> Option<String> {
    let items = items?;
    if items.applied() {
        return None;
    }
    Some(match crate::rules::ranges_over(model, rule) {
        Some(kind) if items.ranged == 0 => format!("no `{kind}` in the spec"),
        Some(kind) if model.schema.kind_id(kind).is_none_or(|k| spec_nodes[k] == 0) => {
            let searched = crate::rules::kinds_searched(model, rule);
            format!("it checks the catalogue's `{kind}` entries against {} and found none", kinds_phrase(&searched))
        }
        Some(kind) => format!("no `{kind}` of the spec is one it applies to"),
        None => {
            let searched = crate::rules::kinds_searched(model, rule);
            format!("it found no {} it applies to", kinds_phrase(&searched))
        }
    })
}

fn kinds_phrase(kinds: &[&str]) -> String {
    if kinds.is_empty() {
        return "item".into();
    }
    let names: Vec<String> = kinds.iter().map(|k| format!("`{k}`")).collect();
    crate::sema::schema::join_or(&names)
}

fn requirement(ctx: &Ctx, row: &Row) -> Requirement {
    let model = ctx.model;
    let n = model.node(row.node);
    let id = n.id_str().to_string();
    let verified = flag(model, row.node, crate::contract::VERIFIED) != Some(false);
    let mut evidence = Vec::new();
    let mut items: Vec<NodeId> = Vec::new();
    let mut findings = 0;
    for &r in &row.rules {
        let (rule, outcome, why) = &ctx.rules[r];
        let (applied, found) = outcome.map_or((0, 0), |o| (o.evaluated.len(), o.findings));
        if let Some(o) = outcome {
            items.extend(&o.evaluated);
        }
        findings += found;
        evidence.push(RuleEvidence { rule: rule.to_string(), items: applied, findings: found, why: why.clone() });
    }
    items.sort_unstable();
    items.dedup();
    let applied = evidence.iter().any(|e| e.items > 0 || e.findings > 0);
    let exclusion = exclusion(model, &id);
    let not_checkable = text(model, row.node, crate::contract::NOT_CHECKABLE);
    let from = applies_from(model, row.node);
    let (status, reason) = if let Some(why) = exclusion {
        (Status::Excluded, Some(why))
    } else if from.is_some_and(|d| d > ctx.today) {
        (Status::NotYetApplicable, from.map(|d| format!("applies from {d}")))
    } else if evidence.is_empty() {
        match not_checkable {
            Some(why) => (Status::NotCheckable, Some(why)),
            None => (Status::NotCovered, None),
        }
    } else if findings > 0 {
        (Status::Findings, None)
    } else if applied {
        (Status::Met, None)
    } else {
        let whys: Vec<String> =
            evidence.iter().map(|e| format!("`{}`: {}", e.rule, e.why.as_deref().unwrap_or("did not run"))).collect();
        (Status::NoEvidence, Some(whys.join("; ")))
    };
    Requirement {
        reference: reference(model, row.node),
        id,
        title: n.title_str().to_string(),
        status,
        rules: evidence.iter().map(|e| e.rule.clone()).collect(),
        evidence,
        items: items.len(),
        findings,
        reason,
        verified,
        maps: Vec::new(),
        applies_from: from.map(|d| d.to_string()),
    }
}

/// The spec's decision on a catalogue control, when it excludes it with a justification.
fn exclusion(model: &Model, id: &str) -> Option<String> {
    let d = model.node(model.lookup(id)?);
    if model.schema.kind(d.kind).name != crate::contract::CONTROL {
        return None;
    }
    let excluded = matches!(d.fields.get(crate::contract::APPLICABLE).map(|v| &v.kind), Some(ValueKind::Bool(false)));
    match d.fields.get(crate::contract::JUSTIFICATION).map(|v| &v.kind) {
        Some(ValueKind::Text(why)) if excluded => Some(why.to_string()),
        _ => None,
    }
}

/// The status of a catalogue entry as a counterpart: its own row's, or, for an entry with
/// rows inside it (clause 6.1.3 with its lettered items), those rows rolled up.
fn subtree_status(ctx: &Ctx, row_of: &HashMap<NodeId, usize>, built: &[Requirement], node: NodeId) -> Status {
    let mut statuses = Vec::new();
    let mut stack = vec![node];
    while let Some(n) = stack.pop() {
        if let Some(&i) = row_of.get(&n) {
            statuses.push(built[i].status);
        }
        stack.extend(ctx.children.get(&n).map_or(&[][..], |v| v.as_slice()));
    }
    if statuses.is_empty() {
        return Status::NotCovered;
    }
    roll_up(statuses.into_iter())
}

/// Several statuses read as one, for a requirement whose status comes from its counterparts:
/// - those that do not count (not checkable, excluded, not yet applicable) are set aside; when
///   nothing else is left, `not checkable` (or `excluded`, when all are excluded);
/// - any counterpart with findings: `findings`;
/// - every remaining counterpart met: `met`;
/// - some met or partly met: `partly met`;
/// - none met, some with rules that found nothing to check: `nothing in the spec to check`;
/// - otherwise `not covered`.
pub fn roll_up(statuses: impl Iterator<Item = Status>) -> Status {
    let all: Vec<Status> = statuses.collect();
    let counted: Vec<Status> = all.iter().copied().filter(|s| s.counts()).collect();
    if counted.is_empty() {
        return if !all.is_empty() && all.iter().all(|s| *s == Status::Excluded) {
            Status::Excluded
        } else {
            Status::NotCheckable
        };
    }
    if counted.contains(&Status::Findings) {
        Status::Findings
    } else if counted.iter().all(|s| *s == Status::Met) {
        Status::Met
    } else if counted.iter().any(|s| matches!(s, Status::Met | Status::Partly)) {
        Status::Partly
    } else if counted.contains(&Status::NoEvidence) {
        Status::NoEvidence
    } else {
        Status::NotCovered
    }
}
