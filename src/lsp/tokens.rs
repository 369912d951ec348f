//! Semantic tokens: kinds, IDs, fields, references, enum values, texts, numbers, comments and
//! the keywords of declarations, rules and waivers, from the tree of the file and what its
//! references resolved to.

use super::world::Snapshot;
use crate::source::{FileId, Span};
use crate::syntax::ast::{self, Block, Entry, Value, ValueKind};
use lsp_types::{SemanticToken, SemanticTokens, SemanticTokensParams, SemanticTokensResult};

pub const TYPES: &[&str] =
    &["type", "variable", "property", "string", "number", "enumMember", "namespace", "comment", "function", "keyword"];
pub const MODIFIERS: &[&str] = &["declaration", "readonly"];

const TYPE: u32 = 0;
const VARIABLE: u32 = 1;
const PROPERTY: u32 = 2;
const STRING: u32 = 3;
const NUMBER: u32 = 4;
const ENUM_MEMBER: u32 = 5;
const NAMESPACE: u32 = 6;
const COMMENT: u32 = 7;
const FUNCTION: u32 = 8;
const KEYWORD: u32 = 9;
const DECLARATION: u32 = 1;
const READONLY: u32 = 2;

/// The words of the language's syntax (every keyword of `grammar/aims.pest`, checked by
/// `tests/lsp_keywords.rs`): in schema declarations, rules and waivers they are keywords,
/// where they are not a field's name (`help:`), a path's segment (`d.label`) or written in a
/// string; elsewhere (`system`, `at` as an enum value) they are not.
pub const KEYWORDS: &[&str] = &[
    "all", "and", "any", "at", "block", "computed", "count", "doc", "enum", "for", "group", "help", "in", "is", "kind",
    "label", "many", "message", "nearest", "none", "not", "or", "require", "required", "rule", "those", "waive",
    "where",
];

struct Tokens<'a> {
    snap: &'a Snapshot,
    file: FileId,
    out: Vec<(Span, u32, u32)>,
}

impl Tokens<'_> {
    fn push(&mut self, span: Span, ty: u32, modifiers: u32) {
        if span.end > span.start {
            self.out.push((span, ty, modifiers));
        }
    }

    fn block(&mut self, b: &Block) {
        self.push(b.kind.span, TYPE, 0);
        if let Some(id) = &b.id {
            self.push(id.span, VARIABLE, DECLARATION);
        }
        if let Some(t) = &b.title {
            self.push(t.span, STRING, 0);
        }
        self.entries(&b.entries);
    }

    fn entries(&mut self, entries: &[Entry]) {
        for e in entries {
            match e {
                Entry::Block(b) => self.block(b),
                Entry::Field(f) => {
                    self.push(f.name.span, PROPERTY, 0);
                    self.value(&f.value);
                }
            }
        }
    }

    fn value(&mut self, v: &Value) {
        let ty = match &v.kind {
            ValueKind::List(items) => return items.iter().for_each(|i| self.value(i)),
            ValueKind::String(_) | ValueKind::Text(_) => STRING,
            ValueKind::Integer(_)
            | ValueKind::Decimal(_)
            | ValueKind::Percent(_)
            | ValueKind::Date(_)
            | ValueKind::Duration(..) => NUMBER,
            ValueKind::StdRef { .. } => NAMESPACE,
            ValueKind::Word(_) | ValueKind::Dotted(_) => {
                match self.snap.reference_at(self.file, v.span.start as usize) {
                    Some((s, _)) if s == v.span => VARIABLE,
                    _ => ENUM_MEMBER,
                }
            }
            ValueKind::Invalid => return,
        };
        self.push(v.span, ty, 0);
    }

    fn item(&mut self, item: &ast::Item) {
        match item {
            ast::Item::Block(b) => self.block(b),
            ast::Item::Kind(k) => {
                self.push(k.name.span, TYPE, DECLARATION);
                if let Some(t) = &k.title {
                    self.push(t.span, STRING, 0);
                }
                if let Some(d) = &k.doc {
                    self.push(d.span, STRING, 0);
                }
                for f in &k.fields {
                    self.push(f.name.span, PROPERTY, DECLARATION);
                    self.type_expr(&f.ty);
                    if let Some(d) = &f.description {
                        self.push(d.span, STRING, 0);
                    }
                }
            }
            ast::Item::Enum(e) => {
                self.push(e.name.span, TYPE, DECLARATION);
                if let Some(t) = &e.title {
                    self.push(t.span, STRING, 0);
                }
                if let Some(d) = &e.doc {
                    self.push(d.span, STRING, 0);
                }
                for m in &e.members {
                    self.push(m.name.span, ENUM_MEMBER, DECLARATION);
                    if let Some(d) = &m.description {
                        self.push(d.span, STRING, 0);
                    }
                }
            }
            ast::Item::Rule(r) => {
                self.push(r.id.span, FUNCTION, DECLARATION);
                if let Some(t) = &r.title {
                    self.push(t.span, STRING, 0);
                }
                for f in &r.fields {
                    self.push(f.name.span, PROPERTY, 0);
                    self.value(&f.value);
                }
                if let Some(body) = &r.body {
                    if let Some(l) = &body.label {
                        self.push(l.span, STRING, 0);
                    }
                    self.push(body.message.span, STRING, 0);
                    if let Some(h) = &body.help {
                        self.push(h.span, STRING, 0);
                    }
                }
            }
            ast::Item::Waiver(w) => {
                self.push(w.rule.span, FUNCTION, 0);
                self.push(w.target.span, VARIABLE, 0);
                self.entries(&w.entries);
            }
        }
    }

    fn type_expr(&mut self, ty: &ast::TypeExpr) {
        match ty {
            ast::TypeExpr::Names(names) => names.iter().for_each(|n| self.push(n.span, TYPE, 0)),
            ast::TypeExpr::List(inner, _) => self.type_expr(inner),
        }
    }
}

/// The keywords written in `span` of `text`, outside strings and comments: words of
/// [`KEYWORDS`] not after a `.` (a path) nor before a `:` (a field).
fn keywords(text: &str, span: Span, out: &mut Vec<(Span, u32, u32)>) {
    // Bytes, not characters: every byte that matters here is ASCII, and no slice of the text
    // is taken that could fall inside a character.
    let bytes = text.as_bytes();
    let end = (span.end as usize).min(bytes.len());
    let word_byte = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || b >= 0x80;
    let mut i = span.start as usize;
    while i < end {
        let rest = &bytes[i..end];
        if rest.starts_with(b"\"\"\"") {
            i += rest[3..].windows(3).position(|w| w == b"\"\"\"").map_or(rest.len(), |j| j + 6);
        } else if rest[0] == b'"' {
            let mut j = 1;
            while j < rest.len() && rest[j] != b'"' && rest[j] != b'\n' {
                j += if rest[j] == b'\\' { 2 } else { 1 };
            }
            i += j + 1;
        } else if rest.starts_with(b"//") {
            i += rest.iter().position(|&b| b == b'\n').unwrap_or(rest.len());
        } else if word_byte(rest[0]) {
            let len = rest.iter().position(|&b| !word_byte(b)).unwrap_or(rest.len());
            let word = &rest[..len];
            let after_dot = i > 0 && bytes[i - 1] == b'.';
            let before_colon = rest[len..].iter().find(|&&b| b != b' ' && b != b'\t') == Some(&b':');
            if !after_dot && !before_colon && KEYWORDS.iter().any(|k| k.as_bytes() == word) {
                out.push((Span::new(i, i + len), KEYWORD, 0));
            }
            i += len;
        } else {
            i += 1;
        }
    }
}

pub fn full(snap: &Snapshot, params: SemanticTokensParams) -> Option<SemanticTokensResult> {
    let file = snap.file_id(params.text_document.uri.as_str())?;
    let tree = snap.tree(file);
    let mut t = Tokens { snap, file, out: Vec::new() };
    tree.items.iter().for_each(|i| t.item(i));
    for c in &tree.comments {
        t.push(c.span, COMMENT, 0);
    }
    // After the tree's tokens, so that one of them at the same place wins (an enum member
    // named `none` stays a member).
    for item in &tree.items {
        if matches!(item, ast::Item::Kind(_) | ast::Item::Enum(_) | ast::Item::Rule(_) | ast::Item::Waiver(_)) {
            keywords(snap.text(file), item.span(), &mut t.out);
        }
    }
    let mut spans = t.out;
    // The stdlib's documents cannot be edited; themes may show that.
    let readonly = if snap.file(file).origin == crate::source::Origin::Stdlib { READONLY } else { 0 };
    spans.sort_by_key(|(s, _, _)| (s.start, s.end));
    // Encode as the protocol's relative positions, one token per line of a multi-line text
    // (clients need not support tokens that span lines).
    let text = snap.text(file);
    let lines = snap.lines(file);
    let mut data = Vec::new();
    let (mut prev_line, mut prev_start) = (0u32, 0u32);
    let mut last_end = 0usize;
    for (span, ty, modifiers) in spans {
        if (span.start as usize) < last_end {
            continue; // overlapping tokens are not allowed
        }
        last_end = span.end as usize;
        let mut start = span.start as usize;
        for piece in text[span.range()].split_inclusive('\n') {
            let content = piece.trim_end_matches(['\n', '\r']);
            let pos = lines.position(text, start);
            let length: usize = content.chars().map(char::len_utf16).sum();
            if length > 0 {
                let delta_line = pos.line - prev_line;
                let delta_start = if delta_line == 0 { pos.character - prev_start } else { pos.character };
                data.push(SemanticToken {
                    delta_line,
                    delta_start,
                    length: length as u32,
                    token_type: ty,
                    token_modifiers_bitset: modifiers | readonly,
                });
                prev_line = pos.line;
                prev_start = pos.character;
            }
            start += piece.len();
        }
    }
    Some(SemanticTokensResult::Tokens(SemanticTokens { result_id: None, data }))
}
