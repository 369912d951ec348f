//! Resolves references once every ID is known: item IDs (`priya`, `A.7.4`) and standard
//! references (`iso42001:6.1.3`). Records who refers to whom, for reverse look-ups.

use super::model::{FieldName, Fields, Model, NodeId, Pending, Referrer, Referrers, Value, ValueKind};
use super::schema::{KindId, Type};
use crate::diagnostics::{closest, codes, did_you_mean, Diagnostic};
use crate::source::FileId;

/// Past this many unknown names, no more "did you mean" suggestions are searched for: each is a
/// scan over the candidates, and a spec with thousands of broken references must stay linear.
const SUGGESTION_BUDGET: usize = 200;

/// Resolves every reference of the model, then records who refers to whom.
pub(crate) fn resolve(model: &mut Model, diags: &mut Vec<Diagnostic>) {
    let found = resolve_from(model, 0, diags);
    model.referrers = referrers(model.nodes.len(), found);
}

/// The referrers table, from the references the resolver found (every `Ref` of the model comes
/// from the resolver: the builder leaves them pending and scoring adds none), given in the
/// order of the nodes, fields and list entries that refer. Counted in one pass and filled in a
/// second, so that it is built at its final size, with no list per target and no spare room.
fn referrers(nodes: usize, found: Vec<Found>) -> Referrers {
    let mut starts = vec![0u32; nodes + 1];
    for (t, _) in found.iter().flatten() {
        starts[t.0 as usize + 1] += 1;
    }
    for i in 1..starts.len() {
        starts[i] += starts[i - 1];
    }
    // Where the next referrer of each target goes.
    let mut next = starts.clone();
    let unset = Referrer { from: NodeId(0), field: 0 };
    let mut list = vec![unset; starts[starts.len() - 1] as usize];
    for (t, r) in found.into_iter().flatten() {
        let at = &mut next[t.0 as usize];
        list[*at as usize] = r;
        *at += 1;
    }
    Referrers { starts, list }
}

/// Resolves the references of the nodes from `first` on. From 0, the whole model; later, a
/// file checked on its own, added after the nodes of a model already resolved and taken out
/// again (`single.rs`): its references are resolved for their errors, and not recorded.
/// Gives every reference resolved, `(target, referrer)`, in the order of the nodes, fields
/// and list entries that refer, a job's worth per list.
///
/// The nodes are resolved on every core, a stretch of them per job, and the names that name
/// nothing are reported afterwards, one by one in model order, so that the diagnostics (and
/// which of them get a "did you mean", see [`SUGGESTION_BUDGET`]) are those of a pass in order.
pub(crate) fn resolve_from(model: &mut Model, first: usize, diags: &mut Vec<Diagnostic>) -> Vec<Found> {
    use rayon::prelude::*;
    // Nested blocks by the ID they have inside their item, for references that allow a nested
    // kind (`controls: [A.7.4]` finds the catalogue's control A.7.4 when the spec has no
    // `control A.7.4` of its own).
    let mut nested: rustc_hash::FxHashMap<String, Vec<NodeId>> = rustc_hash::FxHashMap::default();
    let mut in_order = Vec::new();
    let mut tops: Vec<&NodeId> = model.anchors.keys().collect();
    tops.sort();
    for top in tops {
        for (local, node) in &model.anchors[top] {
            nested.entry(local.clone()).or_default().push(*node);
            in_order.push(*node);
        }
    }
    let nested = Nested(nested, in_order);
    let (mut failed, mut found) = (Vec::new(), Vec::new());
    // The fields of a round of nodes are taken out of them while they are resolved, so that
    // the nodes (their IDs and kinds) can be read by every job meanwhile; a round at a time,
    // so that only a round's worth of field lists is ever out.
    for round in (first..model.nodes.len()).step_by(ROUND) {
        let to = (round + ROUND).min(model.nodes.len());
        let mut taken: Vec<Vec<(usize, Fields)>> = model.nodes[round..to]
            .par_chunks_mut(JOB)
            .enumerate()
            .map(|(j, job)| {
                let from = round + j * JOB;
                let with_pending = job.iter_mut().enumerate().filter(|(_, n)| n.fields.values().any(has_pending));
                with_pending.map(|(i, n)| (from + i, std::mem::take(&mut n.fields))).collect()
            })
            .collect();
        let read: &Model = model;
        let nested = &nested;
        let done: Vec<(Vec<Failed>, Found)> = taken
            .par_iter_mut()
            .map(|job| {
                let mut out = (Vec::new(), Vec::new());
                for (i, fields) in job.iter_mut() {
                    resolve_node(read, nested, *i, fields, &mut out.0, &mut out.1);
                }
                out
            })
            .collect();
        for (f, r) in done {
            failed.extend(f);
            found.push(r);
        }
        model.nodes[round..to].par_chunks_mut(JOB).zip(taken).enumerate().for_each(|(j, (nodes, job))| {
            for (i, fields) in job {
                nodes[i - round - j * JOB].fields = fields;
            }
        });
    }
    // Each failure is looked up again, now to say why it fails.
    let mut budget = SUGGESTION_BUDGET;
    for f in failed {
        let at = At { field: &f.field, allowed: field_of(model, f.node, &f.field).1, file: model.nodes[f.node].file };
        let again = lookup(model, &nested, &at, &f.pending, f.span, diags, &mut budget);
        debug_assert!(again.is_none(), "a failed look-up fails again");
    }
    found
}

/// The references a job resolved: (target, referrer), in the order written.
type Found = Vec<(NodeId, Referrer)>;

/// Nodes whose fields are out at once ([`resolve_from`]), and nodes per job.
const ROUND: usize = 1 << 16;
const JOB: usize = 2048;

/// A reference that names nothing it may name, to be reported.
struct Failed {
    node: usize,
    field: FieldName,
    pending: Pending,
    span: crate::source::Span,
}

/// The position of the field `field` among the fields of `node`'s kind, and what it may refer
/// to: the schema's (an empty list: any clause or control). Every field of a node is its
/// kind's (the builder keeps no other).
fn field_of<'m>(model: &'m Model, node: usize, field: &str) -> (usize, &'m [KindId]) {
    let fields = &model.schema.kind(model.nodes[node].kind).fields;
    fields.get_full(field).map_or((0, &[][..]), |(p, _, f)| (p, allowed(&f.ty)))
}

/// Resolves the references among `fields`, the fields of node `i` taken out of it, adding
/// each to `found`. A reference that names nothing stays unresolved (and is dropped from a
/// list) and is added to `failed`.
fn resolve_node(
    model: &Model,
    nested: &Nested,
    i: usize,
    fields: &mut Fields,
    failed: &mut Vec<Failed>,
    found: &mut Found,
) {
    let file = model.nodes[i].file;
    for (name, value) in fields.iter_mut() {
        if !has_pending(value) {
            continue;
        }
        let (position, allowed) = field_of(model, i, name);
        let at = At { field: name, allowed, file };
        let from = Referrer { from: NodeId(i as u32), field: position as u32 };
        resolve_value(model, nested, &at, from, value, failed, found);
    }
}

fn has_pending(v: &Value) -> bool {
    match &v.kind {
        ValueKind::Unresolved(_) => true,
        ValueKind::List(items) => items.iter().any(has_pending),
        _ => false,
    }
}

/// The kinds a reference field may point to: those of `Type::Ref`, through lists.
fn allowed(ty: &Type) -> &[KindId] {
    match ty {
        Type::Ref(kinds) => kinds,
        Type::List(inner) => allowed(inner),
        _ => &[],
    }
}

/// Where a reference is written: the field `field`, which may point to `allowed`.
struct At<'a> {
    field: &'a super::model::FieldName,
    allowed: &'a [KindId],
    file: FileId,
}

/// Nested blocks by their ID inside their item, and all of them in a fixed order (for
/// suggestions, which must not depend on a hash map's order).
struct Nested(rustc_hash::FxHashMap<String, Vec<NodeId>>, Vec<NodeId>);

fn resolve_value(
    model: &Model,
    nested: &Nested,
    at: &At,
    from: Referrer,
    value: &mut Value,
    failed: &mut Vec<Failed>,
    found: &mut Found,
) {
    match &mut value.kind {
        ValueKind::List(items) => {
            items.iter_mut().for_each(|v| resolve_value(model, nested, at, from, v, failed, found));
            // A reference that names nothing is dropped (its diagnostic says why); the list is
            // made again only then.
            if items.iter().any(|v| matches!(v.kind, ValueKind::Unresolved(_))) {
                let mut kept = std::mem::take(items).into_vec();
                kept.retain(|v| !matches!(v.kind, ValueKind::Unresolved(_)));
                *items = kept.into_boxed_slice();
            }
        }
        ValueKind::Unresolved(p) => {
            // Quietly: what a failure says is worked out later, in model order.
            let (mut quiet, mut no_suggestions) = (Vec::new(), 0);
            match lookup(model, nested, at, p, value.span, &mut quiet, &mut no_suggestions) {
                Some(target) => {
                    value.kind = ValueKind::Ref(target);
                    found.push((target, from));
                }
                None => failed.push(Failed {
                    node: from.from.0 as usize,
                    field: at.field.clone(),
                    pending: p.clone(),
                    span: value.span,
                }),
            }
        }
        _ => {}
    }
}

fn lookup(
    model: &Model,
    nested: &Nested,
    at: &At,
    p: &Pending,
    span: crate::source::Span,
    diags: &mut Vec<Diagnostic>,
    budget: &mut usize,
) -> Option<NodeId> {
    let schema = &model.schema;
    let (file, allowed, field) = (at.file, at.allowed, at.field);
    let target = match p {
        Pending::Known(target) => *target,
        Pending::Written(text) if text.contains(':') => {
            let (standard, clause) = text.split_once(':').unwrap_or_default();
            let Some(top) = model.lookup(standard) else {
                let help = suggest(budget, || {
                    did_you_mean(standard, model.anchors.keys().filter_map(|t| model.node(*t).id.as_deref()))
                });
                diags.push(
                    Diagnostic::new(codes::UNKNOWN_STANDARD_REF, format!("there is no standard `{standard}`"))
                        .primary(file, span, "unknown standard")
                        .help_opt(help),
                );
                return None;
            };
            let Some(anchor) = model.anchor(top, clause) else {
                let help = suggest(budget, || {
                    model
                        .anchors
                        .get(&top)
                        .and_then(|a| closest(clause, a.keys().map(|k| k.as_str())))
                        .map(|c| format!("did you mean `{standard}:{c}`?"))
                });
                diags.push(
                    Diagnostic::new(
                        codes::UNKNOWN_STANDARD_REF,
                        format!("`{standard}` has no clause or control `{clause}`"),
                    )
                    .primary(file, span, "not found in the standard")
                    .help_opt(help),
                );
                return None;
            };
            anchor
        }
        Pending::Written(name) => {
            let in_nested = || {
                let candidates: Vec<NodeId> = nested
                    .0
                    .get(&**name)
                    .map(|v| v.iter().copied().filter(|n| allowed.contains(&model.node(*n).kind)).collect())
                    .unwrap_or_default();
                candidates
            };
            let found = match model.lookup(name) {
                Some(f) => Some(f),
                None if allowed.iter().any(|k| schema.kind(*k).nested) => match in_nested().as_slice() {
                    [one] => Some(*one),
                    [] => None,
                    many => {
                        let names: Vec<String> = many.iter().map(|n| format!("`{}`", model.display_name(*n))).collect();
                        diags.push(
                            Diagnostic::new(codes::UNKNOWN_REFERENCE, format!("`{name}` could mean several things"))
                                .primary(file, span, "ambiguous")
                                .help(format!("write one of {} in full", crate::sema::schema::join_or(&names))),
                        );
                        return None;
                    }
                },
                None => None,
            };
            let Some(found) = found else {
                if allowed.is_empty() {
                    // A field of type `stdref` written without its standard: find where it lives.
                    let owners: Vec<String> = model
                        .anchors
                        .iter()
                        .filter(|(_, a)| a.contains_key(&**name))
                        .filter_map(|(t, _)| model.node(*t).id.as_deref().map(str::to_string))
                        .collect();
                    let help = match owners.as_slice() {
                        [one] => format!("write it with its standard: `{one}:{name}`"),
                        _ => "write a standard reference such as `iso42001:6.1.3`".to_string(),
                    };
                    diags.push(
                        Diagnostic::new(
                            codes::UNKNOWN_STANDARD_REF,
                            format!("`{name}` does not say which standard it is from"),
                        )
                        .primary(file, span, "standard missing")
                        .help(help),
                    );
                    return None;
                }
                let kinds = schema.kind_names(allowed);
                let help = suggest(budget, || nearest(model, nested, allowed, name)).unwrap_or_else(|| {
                    let kind = &schema.kind(allowed[0]).name;
                    format!("declare it, for example `{kind} {name} {{ ... }}`, or check the spelling")
                });
                diags.push(
                    Diagnostic::new(
                        codes::UNKNOWN_REFERENCE,
                        format!("`{}` refers to `{name}`, which is not declared", field),
                    )
                    .primary(file, span, format!("no {kinds} has this ID"))
                    .help(help),
                );
                return None;
            };
            found
        }
    };
    let node = model.node(target);
    if !allowed.is_empty() && !allowed.contains(&node.kind) {
        let is = &schema.kind(node.kind).name;
        diags.push(
            Diagnostic::new(
                codes::WRONG_REFERENCE_KIND,
                format!(
                    "`{}` must refer to {}, but `{}` is a `{is}`",
                    field,
                    schema.describe_kinds(allowed),
                    model.display_name(target)
                ),
            )
            .primary(file, span, format!("this is a `{is}`"))
            .secondary(node.file, node.header, "declared here"),
        );
        return None;
    }
    Some(target)
}

/// "did you mean" for an unknown ID among the items (and nested blocks, such as a catalogue's
/// controls) of the kinds the field allows ([`crate::diagnostics::suggest::nearest`]), each
/// shown with its title.
fn nearest(model: &Model, nested: &Nested, allowed: &[usize], name: &str) -> Option<String> {
    let mut candidates: Vec<NodeId> = allowed.iter().flat_map(|k| model.items_of(*k)).copied().collect();
    if allowed.iter().any(|k| model.schema.kind(*k).nested) {
        candidates.extend(nested.1.iter().copied().filter(|n| allowed.contains(&model.node(*n).kind)));
    }
    let named: Vec<(&str, Option<&str>)> = candidates
        .iter()
        .filter_map(|n| {
            let node = model.node(*n);
            Some((node.id.as_deref()?, node.title.as_deref()))
        })
        .collect();
    const SHOWN: usize = 6;
    let found = crate::diagnostics::suggest::nearest(name, &named);
    let mut listed: Vec<String> = found
        .iter()
        .take(SHOWN)
        .map(|&i| match named[i] {
            (id, Some(title)) => format!("`{id}` ({title})"),
            (id, None) => format!("`{id}`"),
        })
        .collect();
    if found.len() > SHOWN {
        listed.push(format!("and {} more", found.len() - SHOWN));
    }
    match listed.as_slice() {
        [] => None,
        [one] => Some(format!("did you mean {one}?")),
        _ => Some(format!("did you mean one of {}?", listed.join(", "))),
    }
}

fn suggest(budget: &mut usize, f: impl FnOnce() -> Option<String>) -> Option<String> {
    if *budget == 0 {
        return None;
    }
    *budget -= 1;
    f()
}

#[cfg(test)]
mod tests {
    use crate::source::{Origin, SourceFile};

    /// Resolution runs a stretch of nodes per job on every core; what it reports must be what
    /// one pass in model order reports: every unknown name in order, and the "did you mean"
    /// suggestions on the first ones only, up to the budget.
    #[test]
    fn unknown_names_are_reported_in_model_order_with_suggestions_for_the_first_only() {
        let mut db = crate::compile::stdlib_db();
        let mut text = String::from("person priya { name: \"Priya Raman\" }\n");
        // Far more nodes than one job takes, each risk with a nested treatment; every third
        // risk names an owner that is a misspelling of `priya`.
        let risks: usize = 2000;
        for i in 0..risks {
            let owner = if i % 3 == 0 { "priyaa" } else { "priya" };
            text.push_str(&format!("person p{i} {{ name: \"P {i}\" }}\nperson q{i} {{ name: \"Q {i}\" }}\n"));
            text.push_str(&format!(
                "system s{i} \"S {i}\" {{ owner: {owner}  purpose: \"x\"  tier: 1 }}\n\
                 risk r{i} \"R {i}\" {{ system: s{i}  owner: p{i}  likelihood: possible  impact: major  \
                 treatment {{ option: mitigate  controls: [A.6.2.4]  owner: q{i}  due: 2027-03-31 }} }}\n"
            ));
        }
        db.add(SourceFile::new("spec.aims".into(), text, Origin::Spec));
        let c =
            crate::compile::compile(db, Vec::new(), jiff::civil::date(2026, 11, 22), &crate::compile::BuiltinScripts);
        assert!(c.model.nodes.len() > 4 * super::JOB, "several jobs: {} nodes", c.model.nodes.len());
        let unknown: Vec<_> = c.diagnostics.iter().filter(|d| d.message.contains("`priyaa`")).collect();
        assert_eq!(unknown.len(), risks.div_ceil(3));
        assert!(unknown.len() > super::SUGGESTION_BUDGET);
        let suggested: Vec<bool> =
            unknown.iter().map(|d| d.help.iter().any(|h| h.contains("did you mean `priya`"))).collect();
        // Diagnostics are sorted by place: the first ones in the file are the suggested ones.
        assert_eq!(suggested.iter().filter(|s| **s).count(), super::SUGGESTION_BUDGET);
        assert!(suggested.windows(2).all(|w| w[0] >= w[1]), "suggestions come first: {suggested:?}");
        // Every other reference is resolved: each system is referred to by its risk.
        for i in [1, risks / 2, risks - 1] {
            let s = c.model.lookup(&format!("s{i}")).expect("declared");
            assert_eq!(c.model.referrers(s).len(), 1, "s{i}");
        }
    }
}
