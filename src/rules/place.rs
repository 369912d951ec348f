//! Where a finding points, and what its label says. A finding about an item of the spec points
//! at that item; one that is not (a rule about the spec as a whole, an entry of a standard's
//! catalogue, a `group` of items) points where the rule's `at` says, and else at the item most
//! concerned: the organisation, else the first item of the kind the rule is about (the kind it
//! ranges over, or the first its `require` reads), else the first item of the spec. Never at
//! the first line of a file, which is often a comment in an unrelated file.

use super::eval::{Env, Val};
use super::ir::{Body, Ex, Source};
use crate::sema::{Model, NodeId};
use crate::source::Origin;

/// Most places of a `group` finding shown besides its primary one.
pub(super) const MAX_ALSO: usize = 10;

/// The label under a finding's place when the rule has no `label`: the rule's title, read as
/// not met (the title says what should hold; here it does not).
pub(super) fn default_label(title: &str) -> String {
    format!("not met: {}", crate::diagnostics::text::lowercase_first(title))
}

/// The first node of the spec that the rule's `at` gives, in the order written.
pub(super) fn at<'a>(env: &mut Env<'a>, at: &'a [Source]) -> Option<NodeId> {
    for source in at {
        let items = env.source(source);
        let found = (0..items.len()).find_map(|i| match items.get(i) {
            Val::Node(n) if env.model.node(n).origin == Origin::Spec => Some(n),
            _ => None,
        });
        if found.is_some() {
            return found;
        }
    }
    None
}

/// The item a finding points at when it is not about an item of the spec and `at` gives none.
pub(super) fn fallback(model: &Model, nodes_of_kind: &[Vec<NodeId>], body: &Body) -> Option<NodeId> {
    let first_in_spec =
        |k: usize| nodes_of_kind.get(k)?.iter().copied().find(|n| model.node(*n).origin == Origin::Spec);
    if let Some(org) = model.schema.kind_id(crate::contract::ORGANIZATION).and_then(first_in_spec) {
        return Some(org);
    }
    // What the rule is about: the kind it ranges over, then the first kind its `require`
    // reads (the later ones are side conditions, such as a control whose exclusion excuses a
    // gap; the `where` only says which items are looked at).
    let mut kinds = Vec::new();
    source_kinds(&body.source, &mut kinds);
    let mut read = Vec::new();
    ex_kinds(&body.require, &mut read);
    kinds.extend(read.first());
    if let Some(n) = kinds.into_iter().find_map(first_in_spec) {
        return Some(n);
    }
    model.items.iter().copied().find(|n| model.node(*n).origin == Origin::Spec)
}

/// The kinds a condition ranges over, in the order written: what the rule is about.
pub(super) fn ex_kinds(e: &Ex, out: &mut Vec<usize>) {
    match e {
        Ex::Quantified { source, filter, .. } | Ex::Count { source, filter, .. } | Ex::Those { source, filter, .. } => {
            source_kinds(source, out);
            if let Some(f) = filter {
                ex_kinds(f, out);
            }
        }
        Ex::Lit(_) | Ex::Today | Ex::Var(_) => {}
        Ex::Nearest(of, source) => {
            ex_kinds(of, out);
            source_kinds(source, out);
        }
        Ex::Field(b, _) | Ex::Not(b) | Ex::Truthy(b) | Ex::IsKind(b, _) | Ex::Hoisted(_, b) => ex_kinds(b, out),
        Ex::And(a, b) | Ex::Or(a, b) | Ex::Compare(_, a, b) | Ex::In(a, b) | Ex::Arith(_, a, b, _) => {
            ex_kinds(a, out);
            ex_kinds(b, out);
        }
        Ex::List(items) => items.iter().for_each(|i| ex_kinds(i, out)),
    }
}

fn source_kinds(s: &Source, out: &mut Vec<usize>) {
    match s {
        Source::Kind(k) | Source::Referrers { kind: k, .. } | Source::Named { kind: k, .. } => out.push(*k),
        Source::Expr(e) => ex_kinds(e, out),
        Source::Once => {}
    }
}
