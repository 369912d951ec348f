//! Hover: what the thing under the cursor means, from the schema and the stdlib's own words:
//! a kind's doc and fields, a field's type and description, an enum value's description, the
//! summary of the clause or control a reference or a control ID stands for, and the doc of the
//! rule behind a finding.

use super::at::{self, At};
use super::first::Edit;
use super::position::LineIndex;
use super::world::Snapshot;
use crate::contract;
use crate::sema::schema::{KindId, Type};
use crate::sema::{NodeId, ValueKind};
use crate::source::Span;
use crate::syntax::ast;
use lsp_types::{Hover, HoverContents, HoverParams, MarkupContent, MarkupKind};

/// Hover in a document whose text in the editor (`fresh`) is newer than the snapshot's, while
/// the compile of it runs: the position is taken back through the edit to the snapshot's text,
/// answered there, and the range brought forward again. `None` when the snapshot cannot tell:
/// the cursor is in an item the edit touches (its kind, its fields, what it refers to may all
/// have changed), or in a file the snapshot does not hold; the caller then waits for the
/// compile, so that no answer is about an older text.
pub fn hover_fresh(snap: &Snapshot, mut params: HoverParams, fresh: &str) -> Option<Option<Hover>> {
    let file = snap.file_id(params.text_document_position_params.text_document.uri.as_str())?;
    let old = snap.text(file);
    let edit = Edit::between(old, fresh);
    let lines = LineIndex::new(fresh);
    let at = edit.unmap(lines.offset(fresh, params.text_document_position_params.position))?;
    let item = snap.tree(file).items.iter().map(|i| i.span()).find(|s| s.start as usize <= at && at <= s.end as usize);
    if item.is_some_and(|s| edit.map(s).is_none()) {
        return None;
    }
    params.text_document_position_params.position = snap.lines(file).position(old, at);
    let Some(mut answer) = hover(snap, params) else { return Some(None) };
    if let Some(range) = answer.range {
        let span = Span::new(snap.offset(file, range.start), snap.offset(file, range.end));
        answer.range = Some(lines.range(fresh, edit.map(span)?));
    }
    Some(Some(answer))
}

pub fn hover(snap: &Snapshot, params: HoverParams) -> Option<Hover> {
    let pos = params.text_document_position_params;
    let file = snap.file_id(pos.text_document.uri.as_str())?;
    let offset = snap.offset(file, pos.position);
    let mut sections = Vec::new();
    let mut range = None;
    if let Some((span, target)) = snap.reference_at(file, offset) {
        sections.push(node_doc(snap, target));
        range = Some(span);
    } else if let Some(found) = at::at(snap, file, offset) {
        match found {
            At::Kind { kind: Some(kind), span } => {
                sections.push(kind_doc(snap, kind));
                range = Some(span);
            }
            At::Kind { kind: None, .. } => {}
            At::Id { span } => {
                if let Some((_, node)) = snap.header_at(file, offset) {
                    sections.push(node_doc(snap, node));
                    range = Some(span);
                }
            }
            At::Field { kind, field, span } => {
                if let Some(doc) = field_doc(snap, kind, field) {
                    sections.push(doc);
                    range = Some(span);
                }
            }
            At::Value { kind, field, value } => {
                if let Some(doc) = value_doc(snap, kind, field, value) {
                    sections.push(doc);
                    range = Some(value.span);
                }
            }
        }
    }
    sections.extend(findings_doc(snap, file, offset));
    if sections.is_empty() {
        return None;
    }
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: sections.join("\n\n---\n\n"),
        }),
        range: range.map(|s| snap.range(file, s)),
    })
}

pub fn kind_doc(snap: &Snapshot, kind: KindId) -> String {
    let schema = &snap.c.model.schema;
    let k = schema.kind(kind);
    let what = if k.nested { "block" } else { "kind" };
    let mut out = format!("**{what}** `{}`", k.name);
    if let Some(t) = &k.title {
        out.push_str(&format!(": {t}"));
    }
    if let Some(doc) = &k.doc {
        out.push_str(&format!("\n\n{}", doc.trim()));
    }
    let fields: Vec<String> = k
        .fields
        .values()
        .filter(|f| !f.computed)
        .map(|f| {
            let required = if f.required { " (required)" } else { "" };
            format!("- `{}`: {}{required}", f.name, schema.describe_type(&f.ty))
        })
        .collect();
    if !fields.is_empty() {
        out.push_str(&format!("\n\nfields:\n{}", fields.join("\n")));
    }
    out
}

pub fn field_doc(snap: &Snapshot, kind: KindId, field: &str) -> Option<String> {
    let schema = &snap.c.model.schema;
    let f = schema.kind(kind).fields.get(field)?;
    let required = if f.required { ", required" } else { "" };
    let mut out =
        format!("**field** `{}` of `{}`: {}{required}", f.name, schema.kind(kind).name, schema.describe_type(&f.ty));
    if let Some(d) = &f.description {
        out.push_str(&format!("\n\n{d}"));
    }
    if let Type::Enum(e) = at::element_type(&f.ty) {
        out.push_str(&format!("\n\n{}", enum_values(snap, *e)));
    }
    Some(out)
}

fn enum_values(snap: &Snapshot, e: usize) -> String {
    let def = snap.c.model.schema.enum_def(e);
    let lines: Vec<String> = def
        .members
        .iter()
        .map(|(name, desc)| match desc {
            Some(d) => format!("- `{name}`: {d}"),
            None => format!("- `{name}`"),
        })
        .collect();
    format!("values of `{}`:\n{}", def.name, lines.join("\n"))
}

fn value_doc(snap: &Snapshot, kind: KindId, field: &str, value: &ast::Value) -> Option<String> {
    let schema = &snap.c.model.schema;
    let f = schema.kind(kind).fields.get(field)?;
    if let (Type::Enum(e), ast::ValueKind::Word(w)) = (at::element_type(&f.ty), &value.kind) {
        let def = schema.enum_def(*e);
        if let Some(desc) = def.members.get(w.as_str()) {
            let mut out = format!("**value** `{w}` of `{}`", def.name);
            if let Some(t) = &def.title {
                out.push_str(&format!(" ({t})"));
            }
            if let Some(d) = desc {
                out.push_str(&format!("\n\n{d}"));
            }
            return Some(out);
        }
    }
    field_doc(snap, kind, field)
}

/// An item or nested block: its kind, ID and title, its text fields (a clause's or control's
/// summary), and for a decision on a catalogue control, the control it decides on.
pub fn node_doc(snap: &Snapshot, node: NodeId) -> String {
    let model = &snap.c.model;
    let n = model.node(node);
    let mut out = format!("**{}** `{}`", model.kind_name(node), model.display_name(node));
    if let Some(t) = &n.title {
        out.push_str(&format!(": {t}"));
    }
    for (name, value) in n.fields.iter() {
        if let ValueKind::Text(t) = &value.kind {
            out.push_str(&format!("\n\n*{name}*: {}", t.trim()));
        }
    }
    if n.parent.is_none() && model.kind_name(node) != contract::STANDARD {
        for anchor in catalogue_entries(snap, n.id.as_deref()) {
            if anchor != node {
                out.push_str(&format!("\n\n---\n\n{}", node_doc(snap, anchor)));
            }
        }
    }
    out
}

/// The clauses and controls of the standards whose number is `id` (`A.7.4`).
pub fn catalogue_entries(snap: &Snapshot, id: Option<&str>) -> Vec<NodeId> {
    let model = &snap.c.model;
    let (Some(id), Some(standard)) = (id, model.schema.kind_id(contract::STANDARD)) else { return Vec::new() };
    model.items_of(standard).iter().filter_map(|top| model.anchor(*top, id)).collect()
}

/// The rules behind the findings at the cursor: title, severity, clause references and doc.
fn findings_doc(snap: &Snapshot, file: crate::source::FileId, offset: usize) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    // Diagnostics are sorted by file and position (those without a place last): only the
    // file's own are looked at, not every finding of a large spec.
    let diags = &snap.c.diagnostics;
    let first = diags.partition_point(|d| d.primary_label().is_some_and(|l| l.file < file));
    for d in &diags[first..] {
        let Some(l) = d.primary_label().filter(|l| l.file == file) else { break };
        if offset < l.span.start as usize {
            break;
        }
        if offset > l.span.end as usize {
            continue;
        }
        let Some(rule) = snap.c.rules.rules.get(&d.code) else { continue };
        let text = format!(
            "**rule** `{}` ({}): {}\n\nrefs: {}\n\n{}",
            rule.id,
            rule.severity.as_str(),
            rule.title,
            rule.refs.join(", "),
            rule.doc.trim()
        );
        if !out.contains(&text) {
            out.push(text);
        }
    }
    out
}
