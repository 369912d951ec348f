//! Rename an item's ID across the spec: its declaration and every reference to it. IDs that
//! belong to the stdlib (a standard, a clause, an Annex A control of the catalogue) are refused:
//! they are the standard's numbers, not the author's names.

use super::navigation::node_at;
use super::world::{workspace_edit, Snapshot};
use crate::source::{FileId, Origin, Span};
use lsp_types::{PrepareRenameResponse, RenameParams, TextDocumentPositionParams, TextEdit, WorkspaceEdit};

/// The item to rename at the cursor and the span of the name written there.
fn target(snap: &Snapshot, file: FileId, offset: usize) -> Result<(crate::sema::NodeId, Span), String> {
    let model = &snap.c.model;
    let Some(node) = node_at(snap, file, offset) else {
        return Err("put the cursor on an item's ID or on a reference to an item to rename it".into());
    };
    let n = model.node(node);
    let name = model.display_name(node);
    if n.origin == Origin::Stdlib {
        return Err(format!("`{name}` is part of the aims standard library and cannot be renamed"));
    }
    if n.parent.is_some() || n.id.is_none() {
        return Err(format!("`{name}` is not the ID of an item; only items' IDs can be renamed"));
    }
    let span = match snap.reference_at(file, offset) {
        Some((span, _)) => span,
        None => snap.id_span(node).ok_or_else(|| format!("the ID of `{name}` cannot be found in its file"))?,
    };
    Ok((node, span))
}

pub fn prepare(snap: &Snapshot, params: TextDocumentPositionParams) -> Result<Option<PrepareRenameResponse>, String> {
    let Some(file) = snap.file_id(params.text_document.uri.as_str()) else { return Ok(None) };
    let (node, span) = target(snap, file, snap.offset(file, params.position))?;
    let placeholder = snap.c.model.node(node).id_str().to_string();
    // Some clients (Zed) need a range here, not the default behaviour.
    Ok(Some(PrepareRenameResponse::RangeWithPlaceholder { range: snap.range(file, span), placeholder }))
}

fn valid_id(s: &str) -> bool {
    let ident_char = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
    !s.is_empty() && s.split('.').all(|seg| !seg.is_empty() && seg.chars().all(ident_char))
}

pub fn rename(snap: &Snapshot, params: RenameParams) -> Result<Option<WorkspaceEdit>, String> {
    let pos = params.text_document_position;
    let Some(file) = snap.file_id(pos.text_document.uri.as_str()) else { return Ok(None) };
    let (node, _) = target(snap, file, snap.offset(file, pos.position))?;
    let new = params.new_name.trim();
    let model = &snap.c.model;
    if !valid_id(new) {
        return Err(format!(
            "`{new}` cannot be an ID: use letters, digits, `_` and `-`, with dots between parts (`A.7.4`)"
        ));
    }
    if let Some(other) = model.lookup(new) {
        if other != node {
            return Err(format!("there is already an item `{new}`"));
        }
    }
    let mut edits: Vec<(FileId, Span)> = snap.references_to(node);
    if let Some(span) = snap.id_span(node) {
        edits.push((model.node(node).file, span));
    }
    edits.sort();
    edits.dedup();
    let edits = edits
        .into_iter()
        .map(|(f, span)| (f, TextEdit { range: snap.range(f, span), new_text: new.to_string() }))
        .collect();
    Ok(Some(workspace_edit(snap, edits)))
}
