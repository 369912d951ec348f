//! What changed in the governance between two versions of a spec: items added and removed, the
//! fields that matter changed (a system's stage or category, a risk's level, a control's
//! decision, an evidence file's pinned hash), and findings that appeared or were resolved.
//! Items are matched by ID and findings by their rule and message, never by position, so a
//! change of layout or comments shows nothing.

use crate::compile::Compilation;
use crate::contract::DIFF_WATCH;
use crate::sema::{Model, NodeId, Value, ValueKind};
use crate::source::Origin;
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Default, Serialize)]
pub struct Diff {
    pub items: Vec<ItemChange>,
    pub new_findings: Vec<Finding>,
    pub resolved_findings: Vec<Finding>,
}

impl Diff {
    pub fn is_empty(&self) -> bool {
        self.items.is_empty() && self.new_findings.is_empty() && self.resolved_findings.is_empty()
    }
}

#[derive(Debug, Serialize)]
pub struct ItemChange {
    pub kind: String,
    pub id: String,
    pub title: String,
    /// `added`, `removed` or `changed`.
    pub change: &'static str,
    /// For a changed item: the watched fields whose value differs.
    pub fields: Vec<FieldChange>,
}

#[derive(Debug, Serialize)]
pub struct FieldChange {
    pub field: String,
    /// As an author would write it; `None` when not given.
    pub old: Option<String>,
    pub new: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Finding {
    pub code: String,
    pub severity: String,
    pub message: String,
}

/// Compares two compiled versions of a spec.
pub fn compare(old: &Compilation, new: &Compilation) -> Diff {
    let mut diff = Diff::default();
    for (kind, fields) in DIFF_WATCH {
        let before = items(&old.model, kind);
        let after = items(&new.model, kind);
        for (id, &node) in &after {
            match before.get(id) {
                None => diff.items.push(change(&new.model, node, kind, id, "added", Vec::new())),
                Some(&was) => {
                    let changed: Vec<FieldChange> = fields
                        .iter()
                        .filter_map(|f| {
                            let (o, n) = (field(&old.model, was, f), field(&new.model, node, f));
                            (o != n).then(|| FieldChange { field: f.to_string(), old: o, new: n })
                        })
                        .collect();
                    if !changed.is_empty() {
                        diff.items.push(change(&new.model, node, kind, id, "changed", changed));
                    }
                }
            }
        }
        for (id, &node) in &before {
            if !after.contains_key(id) {
                diff.items.push(change(&old.model, node, kind, id, "removed", Vec::new()));
            }
        }
    }
    let (before, after) = (findings(old), findings(new));
    diff.new_findings = minus(&after, &before);
    diff.resolved_findings = minus(&before, &after);
    diff
}

/// The spec's top-level items of a kind, by ID (sorted, for a stable order).
fn items<'m>(model: &'m Model, kind: &str) -> BTreeMap<&'m str, NodeId> {
    let Some(k) = model.schema.kind_id(kind) else { return BTreeMap::new() };
    model
        .items_of(k)
        .iter()
        .filter(|&&n| model.node(n).origin == Origin::Spec)
        .filter_map(|&n| model.node(n).id.as_deref().map(|id| (id, n)))
        .collect()
}

fn change(
    model: &Model,
    node: NodeId,
    kind: &str,
    id: &str,
    what: &'static str,
    fields: Vec<FieldChange>,
) -> ItemChange {
    ItemChange {
        kind: kind.to_string(),
        id: id.to_string(),
        title: model.node(node).title_str().to_string(),
        change: what,
        fields,
    }
}

/// A field's value as an author writes it; a `a.b` path reads a nested block's field (the
/// first block of that name).
fn field(model: &Model, node: NodeId, path: &str) -> Option<String> {
    let mut node = node;
    let mut parts = path.split('.').peekable();
    while let Some(part) = parts.next() {
        let v = model.node(node).fields.get(part)?;
        if parts.peek().is_none() {
            return Some(show(model, v));
        }
        node = match &v.kind {
            ValueKind::Block(b) => *b,
            ValueKind::List(items) => match items.first().map(|i| &i.kind) {
                Some(ValueKind::Block(b)) => *b,
                _ => return None,
            },
            _ => return None,
        };
    }
    None
}

fn show(model: &Model, v: &Value) -> String {
    match &v.kind {
        ValueKind::Text(t) => t.to_string(),
        ValueKind::Int(n) => n.to_string(),
        ValueKind::Decimal(n) | ValueKind::Percent(n) => n.to_string(),
        ValueKind::Bool(b) => if *b { "yes" } else { "no" }.to_string(),
        ValueKind::Date(d) => d.to_string(),
        ValueKind::Duration(n, u) => format!("{n} {}", u.name(*n)),
        ValueKind::Enum(e, i) => model
            .schema
            .enum_def(*e)
            .members
            .get_index(*i as usize)
            .map(|(name, _)| name.to_string())
            .unwrap_or_default(),
        ValueKind::Ref(n) | ValueKind::Block(n) => model.display_name(*n),
        ValueKind::List(items) => format!("[{}]", items.iter().map(|i| show(model, i)).collect::<Vec<_>>().join(", ")),
        ValueKind::Unresolved(_) => String::new(),
    }
}

fn findings(c: &Compilation) -> Vec<Finding> {
    let mut out: Vec<Finding> = c
        .diagnostics
        .iter()
        .map(|d| Finding {
            code: d.code.clone(),
            severity: d.severity.as_str().to_string(),
            message: d.message.clone(),
        })
        .collect();
    out.sort();
    out
}

/// The elements of `a` not matched one for one in `b` (both sorted).
fn minus(a: &[Finding], b: &[Finding]) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut j = 0;
    for x in a {
        while j < b.len() && b[j] < *x {
            j += 1;
        }
        if j < b.len() && b[j] == *x {
            j += 1;
        } else {
            out.push(x.clone());
        }
    }
    out
}
