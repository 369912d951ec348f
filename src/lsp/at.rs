//! What the cursor is on, read from the tree of the file: a kind, an item's ID, a field name or
//! a value, together with the kind and field it belongs to in the schema.

use super::world::Snapshot;
use crate::sema::schema::{KindId, Type};
use crate::source::{FileId, Span};
use crate::syntax::ast::{self, Block, Entry};

pub enum At<'a> {
    /// The kind word of a block header (`system`, or `treatment` in a nested block).
    Kind { kind: Option<KindId>, span: Span },
    /// The ID in a block header.
    Id { span: Span },
    /// The name of a field of a block of kind `kind`.
    Field { kind: KindId, field: &'a str, span: Span },
    /// A single value (one element of a list) of the field `field` of kind `kind`.
    Value { kind: KindId, field: &'a str, value: &'a ast::Value },
}

fn holds(span: Span, offset: usize) -> bool {
    span.start as usize <= offset && offset <= span.end as usize
}

pub fn at(snap: &Snapshot, file: FileId, offset: usize) -> Option<At<'_>> {
    let schema = &snap.c.model.schema;
    for item in &snap.tree(file).items {
        match item {
            ast::Item::Block(b) if holds(b.span, offset) => {
                return in_block(snap, b, schema.kind_id(&b.kind.text), offset);
            }
            ast::Item::Waiver(w) if holds(w.span, offset) => {
                let kind = schema.kind_id(crate::contract::WAIVER)?;
                return in_entries(snap, &w.entries, Some(kind), offset);
            }
            _ => {}
        }
    }
    None
}

fn in_block<'a>(snap: &'a Snapshot, b: &'a Block, kind: Option<KindId>, offset: usize) -> Option<At<'a>> {
    if holds(b.kind.span, offset) {
        return Some(At::Kind { kind, span: b.kind.span });
    }
    if let Some(id) = &b.id {
        if holds(id.span, offset) {
            return Some(At::Id { span: id.span });
        }
    }
    in_entries(snap, &b.entries, kind, offset)
}

fn in_entries<'a>(snap: &'a Snapshot, entries: &'a [Entry], kind: Option<KindId>, offset: usize) -> Option<At<'a>> {
    let schema = &snap.c.model.schema;
    for entry in entries {
        match entry {
            Entry::Block(child) if holds(child.span, offset) => {
                let child_kind = kind
                    .and_then(|k| schema.kind(k).fields.get(child.kind.text.as_str()))
                    .and_then(|f| if let Type::Block(c) = f.ty { Some(c) } else { None })
                    .or_else(|| schema.kind_id(&child.kind.text));
                return in_block(snap, child, child_kind, offset);
            }
            Entry::Field(f) if holds(f.span, offset) => {
                let kind = kind?;
                if holds(f.name.span, offset) {
                    return Some(At::Field { kind, field: &f.name.text, span: f.name.span });
                }
                return leaf(&f.value, offset).map(|value| At::Value { kind, field: &f.name.text, value });
            }
            _ => {}
        }
    }
    None
}

/// The innermost value at `offset` (an element, not the list around it).
fn leaf(value: &ast::Value, offset: usize) -> Option<&ast::Value> {
    if !holds(value.span, offset) {
        return None;
    }
    match &value.kind {
        ast::ValueKind::List(items) => items.iter().find_map(|v| leaf(v, offset)),
        _ => Some(value),
    }
}

/// The type of one value of a field: the element type for a list field.
pub fn element_type(ty: &Type) -> &Type {
    match ty {
        Type::List(inner) => element_type(inner),
        other => other,
    }
}
