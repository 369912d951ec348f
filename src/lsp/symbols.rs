//! The outline of a file (document symbols) and the search over every item of the spec and
//! the stdlib (workspace symbols).

use super::world::Snapshot;
use crate::source::{FileId, Origin};
use crate::syntax::ast::{self, Block, Entry};
use lsp_types::{
    DocumentSymbol, DocumentSymbolParams, DocumentSymbolResponse, SymbolInformation, SymbolKind, WorkspaceSymbolParams,
    WorkspaceSymbolResponse,
};

/// Past this many matches a workspace search stops: a client shows a short list anyway.
const MAX_WORKSPACE_SYMBOLS: usize = 500;

pub fn document(snap: &Snapshot, params: DocumentSymbolParams) -> Option<DocumentSymbolResponse> {
    let file = snap.file_id(params.text_document.uri.as_str())?;
    let mut out = Vec::new();
    for item in &snap.tree(file).items {
        match item {
            ast::Item::Block(b) => out.push(block_symbol(snap, file, b)),
            ast::Item::Kind(k) => {
                out.push(symbol(snap, file, &k.name.text, "kind", SymbolKind::CLASS, k.span, k.name.span))
            }
            ast::Item::Enum(e) => {
                out.push(symbol(snap, file, &e.name.text, "enum", SymbolKind::ENUM, e.span, e.name.span))
            }
            ast::Item::Rule(r) => {
                out.push(symbol(snap, file, &r.id.text, "rule", SymbolKind::FUNCTION, r.span, r.id.span))
            }
            ast::Item::Waiver(w) => {
                let name = format!("{} for {}", w.rule.text, w.target.text);
                out.push(symbol(snap, file, &name, "waive", SymbolKind::EVENT, w.span, w.rule.span));
            }
        }
    }
    Some(DocumentSymbolResponse::Nested(out))
}

#[allow(deprecated)] // `deprecated` is a required field of the struct in lsp-types
fn symbol(
    snap: &Snapshot,
    file: FileId,
    name: &str,
    detail: &str,
    kind: SymbolKind,
    span: crate::source::Span,
    name_span: crate::source::Span,
) -> DocumentSymbol {
    DocumentSymbol {
        name: if name.is_empty() { detail.to_string() } else { name.to_string() },
        detail: Some(detail.to_string()),
        kind,
        tags: None,
        deprecated: None,
        range: snap.range(file, span),
        selection_range: snap.range(file, name_span),
        children: None,
    }
}

fn block_symbol(snap: &Snapshot, file: FileId, b: &Block) -> DocumentSymbol {
    let name = match (&b.id, &b.title) {
        (Some(id), Some(t)) => format!("{} {:?}", id.text, t.value),
        (Some(id), None) => id.text.to_string(),
        (None, Some(t)) => format!("{:?}", t.value),
        (None, None) => b.kind.text.to_string(),
    };
    let name_span = b.id.as_ref().map_or(b.kind.span, |i| i.span);
    let mut s = symbol(snap, file, &name, &b.kind.text, SymbolKind::OBJECT, b.span, name_span);
    let children: Vec<DocumentSymbol> = b
        .entries
        .iter()
        .map(|e| match e {
            Entry::Block(child) => block_symbol(snap, file, child),
            Entry::Field(f) => symbol(snap, file, &f.name.text, "field", SymbolKind::FIELD, f.span, f.name.span),
        })
        .collect();
    s.children = (!children.is_empty()).then_some(children);
    s
}

/// Items whose ID or title contains the query (ignoring case), spec items first.
#[allow(deprecated)]
pub fn workspace(snap: &Snapshot, params: WorkspaceSymbolParams) -> Option<WorkspaceSymbolResponse> {
    let model = &snap.c.model;
    let query = params.query.to_lowercase();
    let mut out = Vec::new();
    let matches = |text: &str| text.to_lowercase().contains(&query);
    let mut nodes: Vec<usize> = (0..model.nodes.len()).filter(|i| model.nodes[*i].id.is_some()).collect();
    // Spec items before the stdlib's, each in file order.
    nodes.sort_by_key(|i| (model.nodes[*i].origin == Origin::Stdlib, model.nodes[*i].file, model.nodes[*i].span.start));
    for i in nodes {
        let n = &model.nodes[i];
        let id = crate::sema::NodeId(i as u32);
        let name = model.display_name(id);
        if !(matches(&name) || n.title.as_deref().is_some_and(matches)) {
            continue;
        }
        out.push(SymbolInformation {
            name,
            kind: SymbolKind::OBJECT,
            tags: None,
            deprecated: None,
            location: snap.declaration(id),
            container_name: Some(
                n.title
                    .clone()
                    .map_or_else(|| model.kind_name(id).to_string(), |t| format!("{} {t}", model.kind_name(id))),
            ),
        });
        if out.len() == MAX_WORKSPACE_SYMBOLS {
            break;
        }
    }
    Some(WorkspaceSymbolResponse::Flat(out))
}
