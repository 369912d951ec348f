//! Go to definition and find references. A reference leads to the item it names (in the spec
//! or in the stdlib, which opens as a read-only `aims-stdlib:` document); a kind or a field
//! leads to its declaration in the schema; an item's own ID lists everything that cites it.

use super::at::{self, At};
use super::world::Snapshot;
use crate::sema::schema::Type;
use crate::sema::NodeId;
use crate::source::FileId;
use lsp_types::{GotoDefinitionParams, GotoDefinitionResponse, Location, ReferenceParams};

/// The node named at the cursor: the target of a reference, or the item whose ID it is.
pub fn node_at(snap: &Snapshot, file: FileId, offset: usize) -> Option<NodeId> {
    if let Some((_, target)) = snap.reference_at(file, offset) {
        return Some(target);
    }
    match at::at(snap, file, offset)? {
        At::Id { .. } => snap.header_at(file, offset).map(|(_, n)| n),
        _ => None,
    }
}

pub fn definition(snap: &Snapshot, params: GotoDefinitionParams) -> Option<GotoDefinitionResponse> {
    let pos = params.text_document_position_params;
    let file = snap.file_id(pos.text_document.uri.as_str())?;
    let offset = snap.offset(file, pos.position);
    if let Some(node) = node_at(snap, file, offset) {
        return Some(GotoDefinitionResponse::Scalar(snap.declaration(node)));
    }
    let schema = &snap.c.model.schema;
    let location = match at::at(snap, file, offset)? {
        At::Kind { kind: Some(k), .. } => snap.location(schema.kind(k).file, schema.kind(k).span),
        At::Field { kind, field, .. } => {
            let f = schema.kind(kind).fields.get(field)?;
            snap.location(f.file, f.span)
        }
        At::Value { kind, field, .. } => match at::element_type(&schema.kind(kind).fields.get(field)?.ty) {
            Type::Enum(e) => snap.location(schema.enum_def(*e).file, schema.enum_def(*e).span),
            _ => return None,
        },
        _ => return None,
    };
    Some(GotoDefinitionResponse::Scalar(location))
}

pub fn references(snap: &Snapshot, params: ReferenceParams) -> Option<Vec<Location>> {
    let pos = params.text_document_position;
    let file = snap.file_id(pos.text_document.uri.as_str())?;
    let node = node_at(snap, file, snap.offset(file, pos.position))?;
    let mut out = Vec::new();
    if params.context.include_declaration {
        out.push(snap.declaration(node));
    }
    out.extend(snap.references_to(node).into_iter().map(|(f, s)| snap.location(f, s)));
    Some(out)
}
