//! The rule body and its expressions: `for x in kind where ...`, `require ...`, `group`, `at`,
//! `label`, `message`, `help`. A long condition breaks before its `and`s or `or`s, one per
//! line; the parentheses the author wrote are kept (the tree drops them, see `trivia.rs`).

use super::print::{comment_lines, Doc, ListItem, Printer, INDENT};
use crate::source::Span;
use crate::syntax::ast::*;
use pretty::RcDoc;

fn text(s: impl Into<String>) -> Doc {
    RcDoc::text(s.into())
}

impl Printer<'_> {
    pub(super) fn rule_body(&mut self, r: &RuleBody) -> Doc {
        let mut doc = RcDoc::nil();
        // Without `for`, the clauses stand at the rule's level; with it, under it.
        let mut clauses = RcDoc::nil();
        let mut prev_end = r.span.start;
        if let (Some(binder), Some(collection)) = (&r.binder, &r.collection) {
            let mut head = self.keyword(&format!("for {} in", binder.text), collection.span.start);
            head = head.append(self.path(collection));
            if let Some(filter) = &r.filter {
                let kw = self.t.first_code(collection.span.end, filter.span.start);
                let before = self.t.take_before(kw);
                let line = if before.is_empty() { RcDoc::line() } else { RcDoc::nil() };
                let comments = comment_lines(before);
                let cond = self.keyword("where", filter.span.start);
                let cond = cond.append(self.expr(filter));
                head = head.append(comments.nest(INDENT)).append(line.append(cond).nest(INDENT).group());
                prev_end = filter.span.end;
            } else {
                prev_end = collection.span.end;
            }
            doc = head;
        }
        let nested = r.binder.is_some();
        let require = self.clause(prev_end, r.require.span.start, nested);
        let kw = self.keyword("require", r.require.span.start);
        let cond = self.expr(&r.require);
        clauses = clauses.append(require).append(kw).append(cond);
        let mut prev_end = r.require.span.end;
        if let Some(group) = r.group {
            let line = self.clause(prev_end, group.start, true);
            clauses = clauses.append(line).append(text("group"));
            prev_end = group.end;
        }
        if let Some(first) = r.at.first() {
            let line = self.clause(prev_end, first.span.start, true);
            let kw = self.keyword("at", first.span.start);
            clauses = clauses.append(line).append(kw);
            for (i, e) in r.at.iter().enumerate() {
                if i > 0 {
                    clauses = clauses.append(text(", "));
                }
                clauses = clauses.append(self.expr(e));
                prev_end = e.span.end;
            }
        }
        if let Some(label) = &r.label {
            let line = self.clause(prev_end, label.span.start, true);
            let kw = self.keyword("label", label.span.start);
            clauses = clauses.append(line).append(kw).append(self.quoted(label.span));
            prev_end = label.span.end;
        }
        let message = self.clause(prev_end, r.message.span.start, true);
        let kw = self.keyword("message", r.message.span.start);
        clauses = clauses.append(message).append(kw);
        clauses = clauses.append(self.quoted(r.message.span));
        if let Some(help) = &r.help {
            let line = self.clause(r.message.span.end, help.span.start, true);
            let kw = self.keyword("help", help.span.start);
            clauses = clauses.append(line).append(kw);
            clauses = clauses.append(self.quoted(help.span));
        }
        if nested {
            doc.append(clauses.nest(INDENT))
        } else {
            clauses
        }
    }

    /// The line break before a clause keyword, with the comments written before the keyword on
    /// lines of their own. The first clause of a rule without `for` needs no break.
    fn clause(&mut self, prev_end: u32, value_start: u32, line_first: bool) -> Doc {
        let kw = self.t.first_code(prev_end, value_start);
        let mut doc = RcDoc::nil();
        let mut first = line_first;
        for c in self.t.take_before(kw) {
            if first {
                doc = doc.append(RcDoc::hardline());
            }
            doc = doc.append(text(c.text));
            first = true;
        }
        if first {
            doc = doc.append(RcDoc::hardline());
        }
        // Comments between the keyword and its value stay on the keyword's line.
        doc
    }

    /// A clause keyword and the space after it, or the comments written between it and its
    /// value (the value then starts the next line).
    fn keyword(&mut self, word: &str, value_start: u32) -> Doc {
        let between = self.t.take_before(value_start);
        if between.is_empty() {
            text(format!("{word} "))
        } else {
            text(word).append(comment_lines(between))
        }
    }

    fn path(&mut self, p: &Path) -> Doc {
        let comments = self.inline_comments(p.span.start);
        let mut s = p.head.text.clone();
        for f in &p.fields {
            s.push('.');
            s.push_str(&f.text);
        }
        comments.append(text(s))
    }

    pub(super) fn expr(&mut self, e: &Expr) -> Doc {
        let doc = self.expr_bare(e);
        if self.outer(e).0 > 0 {
            text("(").append(doc).append(text(")"))
        } else {
            doc
        }
    }

    fn expr_bare(&mut self, e: &Expr) -> Doc {
        match &e.kind {
            ExprKind::Literal(v) => self.value(&Value { kind: v.clone(), span: e.span }),
            ExprKind::Path(p) => self.path(p),
            ExprKind::List(items) => self.list(e.span, items),
            ExprKind::Not(inner) => {
                let comments = self.inline_comments(e.span.start);
                comments.append(text("not ")).append(self.expr(inner))
            }
            ExprKind::Binary(op @ (BinOp::And | BinOp::Or), _, _) => {
                let mut operands = Vec::new();
                self.chain(*op, e, &mut operands);
                let mut docs = operands.into_iter().map(|x| self.expr(x));
                let first = docs.next().unwrap_or_else(RcDoc::nil);
                let rest = docs.fold(RcDoc::nil(), |acc, d| {
                    acc.append(RcDoc::line()).append(text(format!("{} ", op.symbol()))).append(d)
                });
                first.append(rest.nest(INDENT)).group()
            }
            ExprKind::Binary(op, lhs, rhs) => {
                let lhs = self.expr(lhs);
                lhs.append(text(format!(" {} ", op.symbol()))).append(self.expr(rhs))
            }
            ExprKind::Quantified { quantifier, binder, source, filter } => {
                let word = match quantifier {
                    Quantifier::Any => "any",
                    Quantifier::All => "all",
                    Quantifier::None => "none",
                };
                self.binding(e.span, word, binder, source, filter.as_deref())
            }
            ExprKind::Count { binder, source, filter } => {
                self.binding(e.span, "count", binder, source, filter.as_deref())
            }
            ExprKind::Those { binder, source, filter } => {
                self.binding(e.span, "those", binder, source, filter.as_deref())
            }
            ExprKind::Field(base, name) => self.expr(base).append(text(format!(".{}", name.text))),
            ExprKind::Nearest { of, source } => {
                let comments = self.inline_comments(e.span.start);
                let of = self.expr(of);
                comments.append(text("nearest ")).append(of).append(text(" in ")).append(self.path(source))
            }
        }
    }

    /// The operands of `a and b and c` (one operator, no parentheses between), left to right.
    fn chain<'e>(&mut self, op: BinOp, e: &'e Expr, out: &mut Vec<&'e Expr>) {
        match &e.kind {
            ExprKind::Binary(o, lhs, rhs) if *o == op => {
                for side in [lhs, rhs] {
                    if self.outer(side).0 > 0 {
                        out.push(side);
                    } else {
                        self.chain(op, side, out);
                    }
                }
            }
            _ => out.push(e),
        }
    }

    /// The parentheses written around an expression: how many pairs, and the stretch it covers
    /// with them. A binary expression's span stops at its operands' own parentheses, so the
    /// stretch is built from theirs.
    fn outer(&mut self, e: &Expr) -> (u32, u32, u32) {
        let key = e as *const Expr as usize;
        if let Some(&known) = self.parens_of.get(&key) {
            return known;
        }
        let (start, end) = match &e.kind {
            ExprKind::Binary(_, lhs, rhs) => (self.outer(lhs).1, self.outer(rhs).2),
            _ => (e.span.start, self.t.code_end(e.span)),
        };
        let found = self.t.parens.around(start, end);
        self.parens_of.insert(key, found);
        found
    }

    fn binding(&mut self, span: Span, word: &str, binder: &Name, source: &Path, filter: Option<&Expr>) -> Doc {
        let comments = self.inline_comments(span.start);
        let mut doc = comments.append(text(format!("{word} {} in ", binder.text))).append(self.path(source));
        if let Some(f) = filter {
            doc = doc.append(text(" where ")).append(self.expr(f));
        }
        doc
    }
}

impl ListItem for Expr {
    fn span(&self) -> Span {
        self.span
    }
    fn print(&self, p: &mut Printer) -> Doc {
        p.expr(self)
    }
}
