//! The printer: the syntax tree back to text in the one canonical layout.
//!
//! Structure is fixed (two spaces per level, one entry per line, field values aligned within a
//! run of fields); the few real choices (a short block or a list on one line or broken, a long
//! rule expression broken before `and`/`or`) are left to `pretty`'s groups. Tokens are copied
//! from the source as written, so a string keeps its escapes and a number its digits.

use super::trivia::Trivia;
use crate::source::Span;
use crate::syntax::ast::*;
use pretty::RcDoc;

pub(super) type Doc = RcDoc<'static, ()>;

pub(super) const INDENT: isize = 2;

pub(super) struct Printer<'t> {
    pub t: Trivia<'t>,
    /// The parentheses around each expression, by address (see `expr.rs`).
    pub parens_of: std::collections::HashMap<usize, (u32, u32, u32)>,
}

/// One line-level part of a body: what the comment and blank-line logic works on.
enum Part<'a> {
    Field(&'a Field),
    Block(&'a Block),
    Doc(&'a Str),
    FieldDecl(&'a FieldDecl),
    Member(&'a EnumMember),
    Rule(&'a RuleBody),
}

impl Part<'_> {
    fn span(&self) -> Span {
        match self {
            Part::Field(f) => f.span,
            Part::Block(b) => b.span,
            Part::Doc(d) => d.span,
            Part::FieldDecl(f) => f.span,
            Part::Member(m) => m.description.as_ref().map_or(m.name.span, |d| m.name.span.to(d.span)),
            Part::Rule(r) => r.span,
        }
    }
}

/// How the parts of one run of aligned lines pad their columns.
#[derive(Default, Clone, Copy)]
struct Columns {
    name: usize,
    ty: usize,
    modifiers: usize,
}

fn text(s: impl Into<String>) -> Doc {
    RcDoc::text(s.into())
}

fn spaces(n: usize) -> Doc {
    if n == 0 {
        RcDoc::nil()
    } else {
        text(" ".repeat(n))
    }
}

impl<'t> Printer<'t> {
    /// One top-level item, laid out from column 0.
    pub fn item(&mut self, item: &Item) -> Doc {
        match item {
            Item::Block(b) => self.block(b),
            Item::Kind(k) => {
                let keyword = if k.nested { "block" } else { "kind" };
                let head = self.header(&[keyword, &k.name.text], k.title.as_ref());
                let mut parts: Vec<Part> = k.fields.iter().map(Part::FieldDecl).collect();
                parts.extend(k.doc.as_ref().map(Part::Doc));
                parts.sort_by_key(|p| p.span().start);
                self.body(head, &parts, k.span, false)
            }
            Item::Enum(e) => {
                let head = self.header(&["enum", &e.name.text], e.title.as_ref());
                let mut parts: Vec<Part> = e.members.iter().map(Part::Member).collect();
                parts.extend(e.doc.as_ref().map(Part::Doc));
                parts.sort_by_key(|p| p.span().start);
                self.body(head, &parts, e.span, false)
            }
            Item::Rule(r) => {
                let head = self.header(&["rule", &r.id.text], r.title.as_ref());
                let mut parts: Vec<Part> = r.fields.iter().map(Part::Field).collect();
                parts.extend(r.body.as_ref().map(Part::Rule));
                parts.sort_by_key(|p| p.span().start);
                self.body(head, &parts, r.span, false)
            }
            Item::Waiver(w) => {
                let head = text(format!("waive {} for {}", w.rule.text, w.target.text));
                let parts = entry_parts(&w.entries);
                let inline = self.may_inline(w.span, &w.entries);
                self.body(head, &parts, w.span, inline)
            }
        }
    }

    fn header(&self, words: &[&str], title: Option<&Str>) -> Doc {
        let mut s = words.join(" ");
        if let Some(t) = title {
            s.push(' ');
            s.push_str(self.t.src(t.span));
        }
        text(s)
    }

    pub fn block(&mut self, b: &Block) -> Doc {
        let mut words = vec![b.kind.text.as_str()];
        if let Some(id) = &b.id {
            words.push(&id.text);
        }
        let head = self.header(&words, b.title.as_ref());
        let parts = entry_parts(&b.entries);
        let inline = self.may_inline(b.span, &b.entries);
        self.body(head, &parts, b.span, inline)
    }

    /// A block written on one line may stay on one line: when it holds only fields and short
    /// blocks, and no comment. Whether it fits is the group's decision.
    fn may_inline(&self, span: Span, entries: &[Entry]) -> bool {
        !self.t.multiline(span)
            && !self.t.any_before(span.end)
            && entries.iter().all(|e| match e {
                Entry::Field(_) => true,
                Entry::Block(b) => self.may_inline(b.span, &b.entries),
            })
    }

    /// `HEAD { parts }`: the parts one per line, or (when `inline`) on one line if they fit.
    fn body(&mut self, head: Doc, parts: &[Part], span: Span, inline: bool) -> Doc {
        let close = span.end.saturating_sub(1);
        // The opening brace: the first `{` after the header.
        let open = self.t.text[span.range()].find('{').map_or(span.start, |i| span.start + i as u32);
        if parts.is_empty() && !self.t.any_before(close) {
            return head.append(text(" {}"));
        }
        let mut inner = RcDoc::nil();
        if let Some(c) = self.t.take_trailing(open + 1, close) {
            inner = inner.append(text(format!(" {}", c.text)));
        }
        let columns = self.columns(parts);
        let sep = if inline { RcDoc::line() } else { RcDoc::hardline() };
        let mut prev_end = open + 1;
        for (i, part) in parts.iter().enumerate() {
            let span = part.span();
            let span = Span { start: span.start, end: self.t.code_end(span) };
            let leading = self.t.take_before(span.start);
            let mut line = if i == 0 { sep.clone() } else { self.separator(inline, &sep) };
            // No blank line right after the opening brace; elsewhere one is kept where there was one.
            let mut keep_blank = i > 0;
            let mut gap_from = prev_end;
            for c in &leading {
                if keep_blank && self.t.blank_between(gap_from, c.span.start) {
                    line = RcDoc::hardline().append(RcDoc::hardline());
                }
                inner = inner.append(line).append(text(c.text.clone()));
                line = RcDoc::hardline();
                gap_from = c.span.end;
                keep_blank = true;
            }
            if keep_blank && self.t.blank_between(gap_from, span.start) {
                line = RcDoc::hardline().append(RcDoc::hardline());
            }
            inner = inner.append(line).append(self.part(part, columns[i], inline));
            let limit = parts.get(i + 1).map_or(close, |p| p.span().start);
            if let Some(c) = self.t.take_trailing(span.end, limit) {
                inner = inner.append(text(format!(" {}", c.text)));
            }
            prev_end = span.end;
        }
        // Comments after the last part, before the closing brace.
        let mut keep_blank = !parts.is_empty();
        let mut gap_from = prev_end;
        for c in self.t.take_before(close) {
            inner = inner.append(RcDoc::hardline());
            if keep_blank && self.t.blank_between(gap_from, c.span.start) {
                inner = inner.append(RcDoc::hardline());
            }
            inner = inner.append(text(c.text.clone()));
            gap_from = c.span.end;
            keep_blank = true;
        }
        let doc = head.append(text(" {")).append(inner.nest(INDENT)).append(sep).append(text("}"));
        if inline {
            doc.group()
        } else {
            doc
        }
    }

    /// Between two parts on one line: `, `; broken: a new line.
    fn separator(&self, inline: bool, sep: &Doc) -> Doc {
        if inline {
            RcDoc::nil().flat_alt(text(",")).append(sep.clone())
        } else {
            sep.clone()
        }
    }

    /// The column widths of each part's run: consecutive fields (or field declarations, or
    /// enum members) with no blank line, block or multi-line text between them.
    fn columns(&self, parts: &[Part]) -> Vec<Columns> {
        let mut out = vec![Columns::default(); parts.len()];
        let mut i = 0;
        while i < parts.len() {
            let mut j = i;
            while j < parts.len() && self.alignable(&parts[j]) {
                if j > i
                    && (self.t.blank_between(self.t.code_end(parts[j - 1].span()), parts[j].span().start)
                        || !same_sort(&parts[i], &parts[j]))
                {
                    break;
                }
                j += 1;
            }
            let run = &parts[i..j.max(i + 1)];
            let mut cols = Columns::default();
            for p in run {
                match p {
                    Part::Field(f) => cols.name = cols.name.max(f.name.text.chars().count() + 1),
                    Part::FieldDecl(f) => {
                        cols.name = cols.name.max(f.name.text.chars().count() + 1);
                        cols.ty = cols.ty.max(type_text(&f.ty).chars().count());
                        cols.modifiers = cols.modifiers.max(modifiers(f).chars().count());
                    }
                    Part::Member(m) => cols.name = cols.name.max(m.name.text.chars().count()),
                    _ => {}
                }
            }
            for c in out.iter_mut().take(j.max(i + 1)).skip(i) {
                *c = cols;
            }
            i = j.max(i + 1);
        }
        out
    }

    fn alignable(&self, part: &Part) -> bool {
        match part {
            Part::Field(f) => !matches!(f.value.kind, ValueKind::Text(_)) || !self.t.multiline(f.value.span),
            Part::FieldDecl(_) | Part::Member(_) => true,
            _ => false,
        }
    }

    fn part(&mut self, part: &Part, cols: Columns, inline: bool) -> Doc {
        match part {
            Part::Field(f) => self.field(f, cols.name, inline),
            Part::Block(b) => self.block(b),
            Part::Doc(d) => text("doc ").append(self.quoted(d.span)),
            Part::FieldDecl(f) => self.field_decl(f, cols),
            Part::Member(m) => {
                let mut doc = text(m.name.text.clone());
                if let Some(d) = &m.description {
                    doc = doc.append(spaces(cols.name - m.name.text.chars().count() + 2)).append(self.quoted(d.span));
                }
                doc
            }
            Part::Rule(r) => self.rule_body(r),
        }
    }

    /// `name: value`, the value in the run's column (a one-line block pads nothing).
    fn field(&mut self, f: &Field, column: usize, inline: bool) -> Doc {
        let name = format!("{}:", f.name.text);
        let pad = (column + 1).saturating_sub(name.chars().count()).max(1);
        let gap = if inline { spaces(pad).flat_alt(text(" ")) } else { spaces(pad) };
        let between = self.t.take_before(f.value.span.start);
        if !between.is_empty() {
            // The value goes under the name, after the comments that came between them.
            return text(name).append(comment_lines(between).append(self.value(&f.value)).nest(INDENT));
        }
        text(name).append(gap).append(self.value(&f.value))
    }

    fn field_decl(&mut self, f: &FieldDecl, cols: Columns) -> Doc {
        let name = format!("{}:", f.name.text);
        let ty = type_text(&f.ty);
        let mods = modifiers(f);
        let mut line = format!("{name}{}{ty}", " ".repeat((cols.name + 1).saturating_sub(name.chars().count()).max(1)));
        let desc = f.description.as_ref().map(|d| self.t.src(d.span).to_string());
        if !mods.is_empty() || desc.is_some() {
            line.push_str(&" ".repeat(cols.ty - ty.chars().count() + 2));
            if cols.modifiers > 0 {
                line.push_str(&mods);
                if desc.is_some() {
                    line.push_str(&" ".repeat(cols.modifiers - mods.chars().count() + 2));
                }
            }
            if let Some(d) = desc {
                line.push_str(&d);
            }
        }
        // Comments inside a declaration's line have nowhere better to go than before it.
        let comments = self.inline_comments(self.t.code_end(f.span));
        comments.append(text(line))
    }

    /// Comments left inside a construct that has no line of its own for them (between a field's
    /// name and its value, inside an expression): each ends the line it is put on.
    pub fn inline_comments(&mut self, before: u32) -> Doc {
        comment_lines(self.t.take_before(before))
    }

    pub fn value(&mut self, v: &Value) -> Doc {
        let comments = self.inline_comments(v.span.start);
        let doc = match &v.kind {
            ValueKind::List(items) => self.list(v.span, items),
            ValueKind::Text(_) => self.quoted(v.span),
            ValueKind::Duration(..) => text(self.t.src(v.span).split_whitespace().collect::<Vec<_>>().join(" ")),
            _ => text(self.t.src(v.span)),
        };
        comments.append(doc)
    }

    /// `[a, b, c]` on one line if it fits; else one item per line when comments sit between
    /// items, or filled up to the width.
    pub fn list<T>(&mut self, span: Span, items: &[T]) -> Doc
    where
        T: ListItem,
    {
        let close = span.end.saturating_sub(1);
        if items.is_empty() && !self.t.any_before(close) {
            return text("[]");
        }
        let commented = self.t.any_before(span.end);
        let mut inner = RcDoc::nil();
        if let Some(c) = self.t.take_trailing(span.start + 1, close) {
            inner = inner.append(text(format!(" {}", c.text)));
        }
        for (i, item) in items.iter().enumerate() {
            let start = item.span().start;
            let leading = self.t.take_before(start);
            let mut line = if i == 0 {
                RcDoc::line_()
            } else if commented {
                RcDoc::hardline()
            } else {
                RcDoc::softline()
            };
            for c in leading {
                inner = inner.append(line).append(text(c.text));
                line = RcDoc::hardline();
            }
            inner = inner.append(line).append(item.print(self));
            if i + 1 < items.len() {
                inner = inner.append(text(","));
            }
            let limit = items.get(i + 1).map_or(close, |n| n.span().start);
            if let Some(c) = self.t.take_trailing(self.t.code_end(item.span()), limit) {
                // The list holds a comment, so every item is on a line of its own.
                inner = inner.append(text(format!(" {}", c.text)));
            }
        }
        for c in self.t.take_before(close) {
            inner = inner.append(RcDoc::hardline()).append(text(c.text));
        }
        let end = if commented { RcDoc::hardline() } else { RcDoc::line_() };
        text("[").append(inner.nest(INDENT)).append(end).append(text("]")).group()
    }

    /// A string or text as written; a text over several lines is re-indented to where it now
    /// stands (its value, with the common indentation removed, does not change).
    pub fn quoted(&self, span: Span) -> Doc {
        let raw = self.t.src(span);
        if !raw.starts_with("\"\"\"") || !raw.contains('\n') {
            return text(raw);
        }
        let value = crate::syntax::dedent(&raw[3..raw.len() - 3]);
        RcDoc::nesting(move |indent| {
            let mut s = String::from("\"\"\"\n");
            for line in value.split('\n') {
                if !line.is_empty() {
                    s.push_str(&" ".repeat(indent + INDENT as usize));
                    s.push_str(line);
                }
                s.push('\n');
            }
            s.push_str(&" ".repeat(indent));
            s.push_str("\"\"\"");
            text(s)
        })
    }
}

/// What a list holds: values in a block, expressions in a rule.
pub(super) trait ListItem {
    fn span(&self) -> Span;
    fn print(&self, p: &mut Printer) -> Doc;
}

impl ListItem for Value {
    fn span(&self) -> Span {
        self.span
    }
    fn print(&self, p: &mut Printer) -> Doc {
        p.value(self)
    }
}

/// Comments put at the end of the line being written, each ending its line.
fn comment_lines(comments: Vec<crate::syntax::ast::Comment>) -> Doc {
    let mut doc = RcDoc::nil();
    for c in comments {
        doc = doc.append(text(format!(" {}", c.text))).append(RcDoc::hardline());
    }
    doc
}

fn entry_parts(entries: &[Entry]) -> Vec<Part<'_>> {
    entries
        .iter()
        .map(|e| match e {
            Entry::Field(f) => Part::Field(f),
            Entry::Block(b) => Part::Block(b),
        })
        .collect()
}

fn same_sort(a: &Part, b: &Part) -> bool {
    std::mem::discriminant(a) == std::mem::discriminant(b)
}

fn type_text(t: &TypeExpr) -> String {
    match t {
        TypeExpr::Names(names) => names.iter().map(|n| n.text.as_str()).collect::<Vec<_>>().join(" | "),
        TypeExpr::List(inner, _) => format!("[{}]", type_text(inner)),
    }
}

fn modifiers(f: &FieldDecl) -> String {
    let mut out = Vec::new();
    if f.required {
        out.push("required");
    }
    if f.many {
        out.push("many");
    }
    if f.computed {
        out.push("computed");
    }
    out.join(" ")
}
