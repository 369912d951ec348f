//! One file checked again against the model of a complete compilation: what an editor shows
//! the moment a file changes, long before the whole spec is compiled again.
//!
//! The file is parsed, its items are checked against the model's schema by the same
//! [`Builder`] the full analysis uses, and its references are resolved by the same resolver
//! against every ID the model knows, the file's old items taken out and its new ones put in.
//! So the file's syntax, schema and reference errors read exactly as a full compile would
//! give them. Nothing else is recomputed: placeholders, scoring and the rules read the whole
//! spec, and a caller keeps the findings of the last complete run for those (see
//! [`recomputed`]).
//!
//! The model is borrowed mutably and given back as it was: building a second model of a
//! large spec (tens of thousands of items) for every keystroke would cost more than the
//! check itself, so the file's old entries are set aside, the new file is added at the end,
//! checked, and taken out again.

use super::build::Builder;
use super::model::{Model, NodeId, ValueKind};
use crate::diagnostics::{codes, Diagnostic};
use crate::source::{FileId, Origin, Span};
use std::ops::Range;

/// The codes a one-file check gives as a full compile would (a full compile's diagnostics
/// with any other code come from stages that read the whole spec: the schema's declarations,
/// placeholders, scoring, the rules).
const RECOMPUTED: &[codes::Code] = &[
    codes::EMPTY_FILE,
    codes::SYNTAX,
    codes::UNCLOSED_BLOCK,
    codes::UNTERMINATED_STRING,
    codes::INVALID_DATE,
    codes::NUMBER_TOO_LARGE,
    codes::TOO_DEEP,
    codes::UNEXPECTED_CLOSE,
    codes::MISSING_VALUE,
    codes::UNKNOWN_KIND,
    codes::DUPLICATE_ID,
    codes::UNKNOWN_REFERENCE,
    codes::WRONG_REFERENCE_KIND,
    codes::UNKNOWN_ENUM_VALUE,
    codes::UNKNOWN_STANDARD_REF,
    codes::MISSING_ID,
    codes::MISPLACED_BLOCK,
    codes::UNKNOWN_FIELD,
    codes::WRONG_TYPE,
    codes::MISSING_FIELD,
    codes::DUPLICATE_FIELD,
    codes::REPEATED_BLOCK,
    codes::COMPUTED_FIELD,
];

/// Whether [`check_file`] gives diagnostics of this code itself (so that a full compile's
/// older ones of that code are replaced, not kept).
pub fn recomputed(code: &str) -> bool {
    RECOMPUTED.iter().any(|c| c.id == code)
}

/// Whether a one-file check can stand for a full compile of this text at all: a file that
/// declares schema (`kind`, `block`, `enum`) changes what every other file means.
pub fn checkable(text: &str) -> bool {
    !crate::syntax::depth::declares_schema(text)
}

/// The syntax, schema and reference errors of `text` as the spec file `file` of the spec
/// `model` was compiled from (a `file` the model does not know is a new file, after all the
/// others), sorted as a compile sorts them. `model` is the same afterwards.
pub fn check_file(model: &mut Model, file: FileId, text: &str) -> Vec<Diagnostic> {
    crate::diagnostics::suggest::new_run();
    let (mut ast, mut diags) = crate::syntax::parse(text, file);
    if ast.items.is_empty() && diags.is_empty() && text.trim().is_empty() {
        diags.push(
            Diagnostic::new(codes::EMPTY_FILE, "this file is empty")
                .primary(file, Span::new(0, 0), "nothing declared here")
                .help("declare at least one item, or remove the file from the spec"),
        );
    }
    let aside = SetAside::take(model, file);
    let first_new = model.nodes.len();
    let mut sema = Vec::new();
    let mut builder = Builder { model: std::mem::take(model), diags: &mut sema };
    builder.file(file, Origin::Spec, &mut ast);
    *model = builder.model;
    aside.place_new(model, first_new);
    super::resolve::resolve_from(model, first_new, &mut sema);
    aside.restore(model, first_new);
    // A duplicate of an ID declared in a later file is reported there, not here, by a compile.
    sema.retain(|d| d.code != codes::DUPLICATE_ID.id || d.labels.iter().all(|l| l.primary || l.file.0 <= file.0));
    diags.extend(sema.into_iter().filter(|d| d.primary_label().is_some_and(|l| l.file == file)));
    crate::diagnostics::sort(&mut diags);
    diags
}

/// What the file's old items held in the model's tables, kept aside while the new text is
/// checked, and put back afterwards.
struct SetAside {
    /// The file's old nodes (a file's nodes are consecutive: files are analyzed one by one).
    old: Range<u32>,
    ids: Vec<(String, NodeId)>,
    /// Per kind: where the file's items stood in the kind's list, and which they were.
    by_kind: Vec<(usize, Vec<NodeId>)>,
    items: (usize, Vec<NodeId>),
    anchors: Vec<(NodeId, indexmap::IndexMap<String, NodeId, rustc_hash::FxBuildHasher>)>,
    lens: (usize, usize, usize),
}

impl SetAside {
    fn take(model: &mut Model, file: FileId) -> SetAside {
        let start = model.nodes.iter().position(|n| n.file == file).unwrap_or(model.nodes.len());
        let end = model.nodes.iter().rposition(|n| n.file == file).map_or(start, |i| i + 1);
        let old = start as u32..end as u32;
        let inside = |n: &NodeId| old.contains(&n.0);
        let ids: Vec<(String, NodeId)> =
            model.by_id.iter().filter(|(_, n)| inside(n)).map(|(k, n)| (k.clone(), *n)).collect();
        for (id, _) in &ids {
            model.by_id.remove(id);
        }
        // Lists in node order: the file's items are one run in each.
        let cut = |list: &mut Vec<NodeId>| {
            let from = list.partition_point(|n| n.0 < old.start);
            let to = list.partition_point(|n| n.0 < old.end);
            (from, list.drain(from..to).collect::<Vec<_>>())
        };
        let by_kind = model.by_kind.iter_mut().map(cut).collect();
        let items = cut(&mut model.items);
        let tops: Vec<NodeId> = model.anchors.keys().copied().filter(inside).collect();
        let anchors = tops.into_iter().filter_map(|t| model.anchors.remove(&t).map(|a| (t, a))).collect();
        let lens = (model.rules.len(), model.waivers.len(), model.placeholders.len());
        SetAside { old, ids, by_kind, items, anchors, lens }
    }

    /// The new file's items, appended by the builder, go where the old ones stood in each
    /// kind's list, so that lists (and the suggestions drawn from them) keep a compile's order.
    fn place_new(&self, model: &mut Model, first_new: usize) {
        for (kind, list) in model.by_kind.iter_mut().enumerate() {
            let from = list.partition_point(|n| (n.0 as usize) < first_new);
            if from == list.len() {
                continue;
            }
            let new: Vec<NodeId> = list.drain(from..).collect();
            let at = self.by_kind.get(kind).map_or(from, |(at, _)| *at);
            list.splice(at..at, new);
        }
    }

    fn restore(self, model: &mut Model, first_new: usize) {
        let is_new = |n: &NodeId| n.0 as usize >= first_new;
        // The references the new text made, and the IDs and anchors it declared.
        let mut targets = Vec::new();
        for node in &model.nodes[first_new..] {
            for value in node.fields.values() {
                collect_targets(&value.kind, &mut targets);
            }
        }
        targets.sort();
        targets.dedup();
        for t in targets {
            if let Some(list) = model.referrers.get_mut(&t) {
                list.retain(|r| !is_new(&r.from));
                if list.is_empty() {
                    model.referrers.remove(&t);
                }
            }
        }
        model.by_id.retain(|_, n| !is_new(n));
        model.by_id.extend(self.ids);
        model.anchors.retain(|t, _| !is_new(t));
        model.anchors.extend(self.anchors);
        for (list, (at, old)) in model.by_kind.iter_mut().zip(self.by_kind) {
            list.retain(|n| !is_new(n));
            list.splice(at..at, old);
        }
        model.items.retain(|n| !is_new(n));
        let (at, old) = self.items;
        model.items.splice(at..at, old);
        model.rules.truncate(self.lens.0);
        model.waivers.truncate(self.lens.1);
        model.placeholders.truncate(self.lens.2);
        model.nodes.truncate(first_new);
        debug_assert!(self.old.end as usize <= first_new);
    }
}

fn collect_targets(value: &ValueKind, out: &mut Vec<NodeId>) {
    match value {
        ValueKind::Ref(t) => out.push(*t),
        ValueKind::List(items) => items.iter().for_each(|v| collect_targets(&v.kind, out)),
        _ => {}
    }
}
