//! Completion while typing, read from the text around the cursor (a half-typed item does not
//! parse, so the tree cannot be trusted here): kinds at the top level, the fields of the block
//! being written that are not there yet, and for a value the enum members, the IDs of items of
//! the kinds the field accepts, catalogue controls with their titles, or standard references.

use super::at::element_type;
use super::position::LineIndex;
use super::world::Snapshot;
use crate::contract;
use crate::sema::schema::{KindId, Prim, Type};
use crate::sema::NodeId;
use crate::source::Span;
use lsp_types::{
    CompletionItem, CompletionItemKind, CompletionList, CompletionParams, CompletionResponse, CompletionTextEdit,
    Documentation, MarkupContent, MarkupKind, TextEdit,
};

/// A block open at the cursor: its kind word and the fields written in it (before and after).
#[derive(Debug)]
struct Frame {
    kind: String,
    fields: Vec<String>,
}

/// The blocks open at `offset`, outermost first, from a scan of braces outside strings and
/// comments.
fn open_blocks(text: &str, offset: usize) -> Vec<Frame> {
    let mut all: Vec<Frame> = Vec::new();
    let mut stack: Vec<usize> = Vec::new();
    let mut at_cursor: Option<Vec<usize>> = None;
    let bytes = text.as_bytes();
    let mut i = 0;
    // Start of the current statement (after the last brace or line break), for headers.
    let mut statement = 0;
    while i < bytes.len() {
        if at_cursor.is_none() && i >= offset {
            at_cursor = Some(stack.clone());
        }
        match bytes[i] {
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'"' => {
                let triple = text[i..].starts_with("\"\"\"");
                i += if triple { 3 } else { 1 };
                while i < bytes.len() {
                    if triple && text[i..].starts_with("\"\"\"") {
                        i += 3;
                        break;
                    }
                    if !triple && bytes[i] == b'\\' {
                        i += 2;
                        continue;
                    }
                    if !triple && (bytes[i] == b'"' || bytes[i] == b'\n') {
                        i += 1;
                        break;
                    }
                    i += 1;
                }
                continue;
            }
            b'{' => {
                let header = &text[statement..i];
                let kind = header.split_whitespace().next().unwrap_or("").to_string();
                all.push(Frame { kind, fields: Vec::new() });
                stack.push(all.len() - 1);
                statement = i + 1;
            }
            b'}' => {
                stack.pop();
                statement = i + 1;
            }
            b'\n' => statement = i + 1,
            b':' => {
                let name = text[statement..i].trim();
                if let Some(&top) = stack.last() {
                    if is_word(name) {
                        all[top].fields.push(name.to_string());
                    }
                }
            }
            b',' => statement = i + 1,
            _ => {}
        }
        i += 1;
    }
    let ids = at_cursor.unwrap_or(stack);
    let mut frames: Vec<Option<Frame>> = all.into_iter().map(Some).collect();
    ids.into_iter().filter_map(|i| frames[i].take()).collect()
}

fn is_word(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

fn id_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | ':')
}

/// The kind of the innermost open block.
fn frame_kind(snap: &Snapshot, frames: &[Frame]) -> Option<KindId> {
    let schema = &snap.c.model.schema;
    let mut kind: Option<KindId> = None;
    for (i, f) in frames.iter().enumerate() {
        kind = if i == 0 {
            schema.kind_id(&f.kind)
        } else {
            kind.and_then(|k| schema.kind(k).fields.get(&f.kind))
                .and_then(|d| if let Type::Block(c) = d.ty { Some(c) } else { None })
                .or_else(|| schema.kind_id(&f.kind))
        };
    }
    kind
}

/// Completion at a position of the document; `fresh` is the editor's text of it when that is
/// newer than the snapshot's (a compile is under way): completion reads only the text around
/// the cursor and the snapshot's schema and IDs, so it need not wait for the compile.
pub fn completion(snap: &Snapshot, params: CompletionParams, fresh: Option<&str>) -> Option<CompletionResponse> {
    let pos = params.text_document_position;
    let fresh_lines;
    let (text, lines) = match fresh {
        Some(text) => {
            fresh_lines = LineIndex::new(text);
            (text, &fresh_lines)
        }
        None => {
            let file = snap.file_id(pos.text_document.uri.as_str())?;
            (snap.text(file), snap.lines(file))
        }
    };
    let offset = lines.offset(text, pos.position);
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line = &text[line_start..offset];
    let partial_len: usize = line.chars().rev().take_while(|c| id_char(*c)).map(char::len_utf8).sum();
    let partial_span = Span::new(offset - partial_len, offset);
    let range = lines.range(text, partial_span);
    let frames = open_blocks(text, line_start);
    let schema = &snap.c.model.schema;
    // Clients filter too, but a spec with thousands of people would send thousands of items
    // on every keystroke: only labels holding what was typed (ignoring case, anywhere, as
    // clients' fuzzy filters allow) are built, and past MAX_ITEMS the list is marked
    // incomplete, so the client asks again as the author types.
    let typed = text[partial_span.range()].to_lowercase();
    let mut incomplete = false;
    let mut items = Vec::new();
    let mut add =
        |label: String, kind: CompletionItemKind, detail: Option<String>, doc: Option<String>, insert: String| {
            if !label.to_lowercase().contains(&typed) {
                return;
            }
            if items.len() == MAX_ITEMS {
                incomplete = true;
                return;
            }
            items.push(CompletionItem {
                label,
                kind: Some(kind),
                detail,
                documentation: doc
                    .map(|d| Documentation::MarkupContent(MarkupContent { kind: MarkupKind::Markdown, value: d })),
                text_edit: Some(CompletionTextEdit::Edit(TextEdit { range, new_text: insert })),
                ..Default::default()
            });
        };
    let before = line[..line.len() - partial_len].trim_start();
    if let Some(colon) = field_before(before) {
        // A value: `owner: pri`, `controls: [A.6.2.4, A.`
        let kind = frame_kind(snap, &frames)?;
        let def = schema.kind(kind).fields.get(colon)?;
        match element_type(&def.ty) {
            Type::Enum(e) => {
                for (name, desc) in &schema.enum_def(*e).members {
                    add(name.clone(), CompletionItemKind::ENUM_MEMBER, desc.clone(), None, name.clone());
                }
            }
            Type::Prim(Prim::Bool) => {
                for word in ["yes", "no"] {
                    add(word.into(), CompletionItemKind::KEYWORD, None, None, word.into());
                }
            }
            Type::Ref(kinds) => {
                for node in targets(snap, kinds, &typed, MAX_ITEMS + 1) {
                    let n = snap.c.model.node(node);
                    let Some(id) = n.id.as_deref().map(str::to_string) else { continue };
                    let detail = format!("{} {}", snap.c.model.kind_name(node), n.title_str());
                    add(id.clone(), CompletionItemKind::REFERENCE, Some(detail.trim().to_string()), None, id);
                }
            }
            Type::Prim(Prim::StdRef) => {
                for (label, node) in standard_refs(snap) {
                    let n = snap.c.model.node(node);
                    add(
                        label.clone(),
                        CompletionItemKind::REFERENCE,
                        n.title.as_deref().map(str::to_string),
                        None,
                        label,
                    );
                }
            }
            _ => return None,
        }
    } else if before.is_empty() {
        match frame_kind(snap, &frames) {
            // A field name (or a nested block) of the block being written.
            Some(kind) if !frames.is_empty() => {
                let present = &frames.last().expect("not empty").fields;
                for f in schema.kind(kind).fields.values() {
                    if f.computed || (present.contains(&f.name) && !f.many) {
                        continue;
                    }
                    let (insert, item_kind) = match f.ty {
                        Type::Block(_) => (format!("{} {{", f.name), CompletionItemKind::MODULE),
                        _ => (format!("{}: ", f.name), CompletionItemKind::FIELD),
                    };
                    let mut detail = schema.describe_type(&f.ty);
                    if f.required {
                        detail.push_str(" (required)");
                    }
                    add(f.name.clone(), item_kind, Some(detail), f.description.clone(), insert);
                }
            }
            None if frames.is_empty() => {
                for k in schema.kinds.values().filter(|k| !k.nested) {
                    add(
                        k.name.clone(),
                        CompletionItemKind::CLASS,
                        k.title.clone(),
                        k.doc.clone(),
                        format!("{} ", k.name),
                    );
                }
            }
            _ => return None,
        }
    } else if frames.is_empty() && before.trim_end() == contract::CONTROL && before.ends_with(char::is_whitespace) {
        // `control A.` at the top level: the catalogue's controls that have no decision yet.
        let standard = schema.kind_id(contract::STANDARD)?;
        let model = &snap.c.model;
        let decidable = decidable_kinds(snap);
        for top in model.items_of(standard) {
            for node in anchors(snap, *top) {
                let n = model.node(node);
                let Some(id) = n.id.as_deref().map(str::to_string) else { continue };
                if model.lookup(&id).is_none() && decidable.contains(&n.kind) {
                    add(id.clone(), CompletionItemKind::REFERENCE, n.title.as_deref().map(str::to_string), None, id);
                }
            }
        }
    } else {
        return None;
    }
    Some(CompletionResponse::List(CompletionList { is_incomplete: incomplete, items }))
}

/// Past this many matches, completion answers with a partial list.
const MAX_ITEMS: usize = 200;

/// The field whose value is being typed: `owner:` in `owner: pri`, also inside a list.
fn field_before(before: &str) -> Option<&str> {
    let colon = before.find(':')?;
    let name = before[..colon].trim();
    let rest = &before[colon + 1..];
    // After the value a new field may start on the same line: `a: x  b` is not a value.
    let in_value = rest.trim().is_empty() || rest.trim_start().starts_with('[') && !rest.contains(']');
    (is_word(name) && in_value).then_some(name)
}

/// Nested blocks with an ID inside a standard (its clauses, topics and controls), in order.
fn anchors(snap: &Snapshot, top: NodeId) -> Vec<NodeId> {
    snap.c.model.anchors.get(&top).map(|a| a.values().copied().collect()).unwrap_or_default()
}

/// The nested kinds a decision can be about: those a reference accepts in place of a
/// `control` item (`controls: [control | annex_control]`).
fn decidable_kinds(snap: &Snapshot) -> Vec<KindId> {
    let schema = &snap.c.model.schema;
    let Some(control) = schema.kind_id(contract::CONTROL) else { return Vec::new() };
    let mut out = Vec::new();
    for k in schema.kinds.values() {
        for f in k.fields.values() {
            if let Type::Ref(kinds) = element_type(&f.ty) {
                if kinds.contains(&control) {
                    for k in kinds.iter().copied().filter(|k| schema.kind(*k).nested) {
                        if !out.contains(&k) {
                            out.push(k);
                        }
                    }
                }
            }
        }
    }
    out
}

/// Items that a reference to one of `kinds` may name and whose ID holds `typed` (lower case),
/// at most `cap`, in the order of their IDs: the spec's and the stdlib's items of those kinds
/// (from the snapshot's sorted IDs), then the catalogue entries of a nested kind (`A.7.4` for a
/// control) that no item decides.
fn targets(snap: &Snapshot, kinds: &[KindId], typed: &str, cap: usize) -> Vec<NodeId> {
    let model = &snap.c.model;
    let mut out: Vec<NodeId> = snap
        .ids
        .iter()
        .filter(|(id, n)| id.contains(typed) && kinds.contains(&model.node(*n).kind))
        .map(|(_, n)| *n)
        .take(cap)
        .collect();
    if kinds.iter().any(|k| model.schema.kind(*k).nested) {
        let standards = model.schema.kind_id(contract::STANDARD).map_or(&[][..], |s| model.items_of(s));
        for top in standards {
            for node in anchors(snap, *top) {
                let n = model.node(node);
                let Some(id) = &n.id else { continue };
                // A catalogue entry decided by an item of the spec is offered as that item.
                let decided = model.lookup(id).is_some_and(|d| kinds.contains(&model.node(d).kind));
                if out.len() < cap && kinds.contains(&n.kind) && !decided && id.to_lowercase().contains(typed) {
                    out.push(node);
                }
            }
        }
    }
    out
}

/// Every clause and control of every standard, as `standard:number`.
fn standard_refs(snap: &Snapshot) -> Vec<(String, NodeId)> {
    let model = &snap.c.model;
    let Some(standard) = model.schema.kind_id(contract::STANDARD) else { return Vec::new() };
    let mut out = Vec::new();
    for top in model.items_of(standard) {
        let Some(name) = model.node(*top).id.clone() else { continue };
        for node in anchors(snap, *top) {
            if let Some(id) = &model.node(node).id {
                out.push((format!("{name}:{id}"), node));
            }
        }
    }
    out
}
