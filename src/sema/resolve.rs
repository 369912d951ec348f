//! Resolves references once every ID is known: item IDs (`priya`, `A.7.4`) and standard
//! references (`iso42001:6.1.3`). Records who refers to whom, for reverse look-ups.

use super::model::{Model, NodeId, Pending, Referrer, Referrers, Value, ValueKind};
use super::schema::{KindId, Type};
use crate::diagnostics::{closest, codes, did_you_mean, Diagnostic};
use crate::source::FileId;

/// Past this many unknown names, no more "did you mean" suggestions are searched for: each is a
/// scan over the candidates, and a spec with thousands of broken references must stay linear.
const SUGGESTION_BUDGET: usize = 200;

/// Resolves every reference of the model, then records who refers to whom.
pub(crate) fn resolve(model: &mut Model, diags: &mut Vec<Diagnostic>) {
    resolve_from(model, 0, diags);
    model.referrers = referrers(model);
}

/// The referrers table, from the resolved references (every `Ref` of the model comes from the
/// resolver: the builder leaves them pending and scoring adds none). Counted in one pass over
/// the nodes and filled in a second, so that it is built at its final size, with no list per
/// target and no spare room.
fn referrers(model: &Model) -> Referrers {
    fn each_ref(v: &Value, f: &mut impl FnMut(NodeId)) {
        match &v.kind {
            ValueKind::Ref(t) => f(*t),
            ValueKind::List(items) => items.iter().for_each(|v| each_ref(v, f)),
            _ => {}
        }
    }
    let mut starts = vec![0u32; model.nodes.len() + 1];
    for node in &model.nodes {
        node.fields.values().for_each(|v| each_ref(v, &mut |t| starts[t.0 as usize + 1] += 1));
    }
    for i in 1..starts.len() {
        starts[i] += starts[i - 1];
    }
    // Where the next referrer of each target goes.
    let mut next = starts.clone();
    let unset = Referrer { from: NodeId(0), field: 0 };
    let mut list = vec![unset; starts[starts.len() - 1] as usize];
    for (i, node) in model.nodes.iter().enumerate() {
        let fields = &model.schema.kind(node.kind).fields;
        for (field, v) in node.fields.iter() {
            // The field's position in the kind, looked up only for a field that refers.
            let mut position = None;
            each_ref(v, &mut |t| {
                let field = *position.get_or_insert_with(|| fields.get_index_of(&**field).unwrap_or(0) as u32);
                let at = &mut next[t.0 as usize];
                list[*at as usize] = Referrer { from: NodeId(i as u32), field };
                *at += 1;
            });
        }
    }
    Referrers { starts, list }
}

/// Resolves the references of the nodes from `first` on. From 0, the whole model; later, a
/// file checked on its own, added after the nodes of a model already resolved and taken out
/// again (`single.rs`): its references are resolved for their errors, and not recorded.
pub(crate) fn resolve_from(model: &mut Model, first: usize, diags: &mut Vec<Diagnostic>) {
    let mut budget = SUGGESTION_BUDGET;
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
    let schema = model.schema.clone();
    for i in first..model.nodes.len() {
        if !model.nodes[i].fields.values().any(has_pending) {
            continue;
        }
        let (file, kind) = (model.nodes[i].file, model.nodes[i].kind);
        let mut fields = std::mem::take(&mut model.nodes[i].fields);
        for (name, value) in fields.iter_mut() {
            if !has_pending(value) {
                continue;
            }
            // What the field may refer to is the schema's (an empty list: any clause or control).
            let allowed = schema.kind(kind).fields.get(&**name).map_or(&[][..], |f| allowed(&f.ty));
            let at = At { field: name, allowed, file };
            resolve_value(model, &nested, &at, value, diags, &mut budget);
        }
        model.nodes[i].fields = fields;
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
    value: &mut Value,
    diags: &mut Vec<Diagnostic>,
    budget: &mut usize,
) {
    match &mut value.kind {
        ValueKind::List(items) => {
            items.iter_mut().for_each(|v| resolve_value(model, nested, at, v, diags, budget));
            // A reference that names nothing is dropped (its diagnostic says why); the list is
            // made again only then.
            if items.iter().any(|v| matches!(v.kind, ValueKind::Unresolved(_))) {
                let mut kept = std::mem::take(items).into_vec();
                kept.retain(|v| !matches!(v.kind, ValueKind::Unresolved(_)));
                *items = kept.into_boxed_slice();
            }
        }
        ValueKind::Unresolved(p) => {
            if let Some(target) = lookup(model, nested, at, p, value.span, diags, budget) {
                value.kind = ValueKind::Ref(target);
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
                        .filter_map(|(t, _)| model.node(*t).id.clone())
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
