//! Type-checks `rule` blocks against the schema and turns them into [`ir`](super::ir) form.
//! A rule that reads an unknown field, or compares a date with a number, is reported here, in
//! the rule's own file, before any rule runs.

use super::ir::{Body, Ex, Field, Lit, Piece, Source, Ty};
use crate::diagnostics::{codes, did_you_mean, Diagnostic, Severity};
use crate::sema::schema::{KindId, Prim, Type};
use crate::sema::Model;
use crate::source::{FileId, Span};
use crate::syntax::ast::{self, BinOp, ExprKind};

pub(crate) struct Checker<'m> {
    pub model: &'m Model,
    pub file: FileId,
    pub diags: Vec<Diagnostic>,
    scope: Vec<(String, Ty)>,
    slots: usize,
}

type Typed = (Ex, Ty);

impl<'m> Checker<'m> {
    pub fn new(model: &'m Model, file: FileId) -> Self {
        Checker { model, file, diags: Vec::new(), scope: Vec::new(), slots: 0 }
    }

    fn err(&mut self, code: codes::Code, span: Span, message: String, label: &str) -> &mut Diagnostic {
        self.diags.push(Diagnostic::new(code, message).primary(self.file, span, label));
        self.diags.last_mut().expect("just pushed")
    }

    pub fn body(&mut self, b: &ast::RuleBody) -> Option<Body> {
        let (source, slot) = match (&b.binder, &b.collection) {
            (Some(binder), Some(collection)) => {
                let (source, ty) = self.source(collection, None)?;
                (source, self.bind(&binder.text, ty))
            }
            _ => {
                self.slots = self.slots.max(1);
                (Source::Once, 0)
            }
        };
        let filter = match &b.filter {
            Some(f) => Some(self.condition(f)?),
            None => None,
        };
        let require = self.condition(&b.require);
        let group = match (b.group, self.scope.get(slot).cloned()) {
            (None, _) => false,
            // From here on the variable stands for the items that fail, all of them.
            (Some(_), Some((name, ty))) => {
                self.scope[slot] = (name, Ty::List(Box::new(ty)));
                true
            }
            (Some(span), None) => {
                self.err(
                    codes::RULE_DECLARATION,
                    span,
                    "`group` needs a `for`: a rule about the spec as a whole makes one finding already".into(),
                    "nothing to group",
                )
                .help = Some("write `for x in KIND` before `require`, or leave `group` out".into());
                return None;
            }
        };
        let at: Option<Vec<Source>> = b.at.iter().map(|e| self.at(e)).collect();
        let label = b.label.as_ref().map(|l| self.message(l));
        let message = self.message(&b.message);
        let help = b.help.as_ref().map(|h| self.message(h));
        self.scope.truncate(slot);
        let (mut filter, mut require, mut at, mut label, mut message, mut help) =
            (filter, require?, at?, label.flatten(), message?, help.flatten());
        let mut hoisted = 0;
        filter.iter_mut().chain([&mut require]).for_each(|e| hoist(e, &mut hoisted));
        for s in at.iter_mut() {
            if let Source::Expr(e) = s {
                hoist(e, &mut hoisted);
            }
        }
        for pieces in [label.as_mut(), Some(&mut message), help.as_mut()].into_iter().flatten() {
            for p in pieces.iter_mut() {
                if let Piece::Expr(e) = p {
                    hoist(e, &mut hoisted);
                }
            }
        }
        Some(Body { source, filter, require, group, at, label, message, help, slots: self.slots, hoisted })
    }

    /// One place of `at`: a kind (its first item in the spec), or an expression that gives an
    /// item or a list of items.
    fn at(&mut self, e: &ast::Expr) -> Option<Source> {
        if let ExprKind::Path(p) = &e.kind {
            if p.fields.is_empty() && !self.scope.iter().any(|(n, _)| *n == p.head.text) {
                if let Some(k) = self.model.schema.kind_id(&p.head.text) {
                    return Some(Source::Kind(k));
                }
            }
        }
        let (ex, ty) = self.expr(e)?;
        match ty {
            Ty::Node(_) => Some(Source::Expr(Box::new(ex))),
            Ty::List(inner) if matches!(*inner, Ty::Node(_)) => Some(Source::Expr(Box::new(ex))),
            Ty::Word(w) => {
                let help = did_you_mean(&w, self.model.schema.kinds.keys().map(|k| k.as_str()));
                self.err(
                    codes::RULE_UNKNOWN_NAME,
                    e.span,
                    format!("`{w}` is not a kind of item or a variable"),
                    "unknown name",
                )
                .help = help.or_else(|| self.scope_help(&w));
                None
            }
            other => {
                let what = self.describe(&other);
                self.err(codes::RULE_TYPE, e.span, format!("a finding cannot point at {what}"), "not an item").help =
                    Some("`at` takes an item (`r.system`), a list of items, or a kind (`at control`)".into());
                None
            }
        }
    }

    fn bind(&mut self, name: &str, ty: Ty) -> usize {
        self.scope.push((name.to_string(), ty));
        self.slots = self.slots.max(self.scope.len());
        self.scope.len() - 1
    }

    /// `for x in KIND` or `any x in r.treatment`: what is ranged over and the type of one element.
    fn source(&mut self, path: &ast::Path, binder: Option<&str>) -> Option<(Source, Ty)> {
        let _ = binder;
        if path.fields.is_empty() && !self.scope.iter().any(|(n, _)| *n == path.head.text) {
            if let Some(k) = self.model.schema.kind_id(&path.head.text) {
                return Some((Source::Kind(k), Ty::Node(vec![k])));
            }
        }
        let (ex, ty) = self.path(path)?;
        match ty {
            Ty::List(inner) => Some((Source::Expr(Box::new(ex)), *inner)),
            Ty::Node(k) => Some((Source::Expr(Box::new(ex)), Ty::Node(k))),
            Ty::Word(w) => {
                let kinds = self.model.schema.kinds.keys().map(|k| k.as_str());
                let help = did_you_mean(&w, kinds);
                self.err(
                    codes::RULE_UNKNOWN_NAME,
                    path.span,
                    format!("`{w}` is not a kind of item or a variable"),
                    "unknown",
                )
                .help = help;
                None
            }
            other => {
                let what = self.describe(&other);
                self.err(codes::RULE_TYPE, path.span, format!("cannot range over {what}"), "not a list").help =
                    Some("range over a kind (`risk`) or a list field (`r.treatment`)".into());
                None
            }
        }
    }

    /// An expression used as a condition: booleans as they are, anything else means "present".
    fn condition(&mut self, e: &ast::Expr) -> Option<Ex> {
        let (ex, ty) = self.expr(e)?;
        Some(match ty {
            Ty::Bool => ex,
            Ty::Word(w) => {
                self.err(
                    codes::RULE_UNKNOWN_NAME,
                    e.span,
                    format!("`{w}` is not a variable or a field"),
                    "unknown name",
                )
                .help = self.scope_help(&w);
                return None;
            }
            _ => Ex::Truthy(Box::new(ex)),
        })
    }

    fn scope_help(&self, w: &str) -> Option<String> {
        did_you_mean(w, self.scope.iter().map(|(n, _)| n.as_str()).chain(["today"]))
    }

    pub fn expr(&mut self, e: &ast::Expr) -> Option<Typed> {
        match &e.kind {
            ExprKind::Literal(v) => self.literal(v, e.span),
            ExprKind::Path(p) => self.path(p),
            ExprKind::List(items) => {
                let mut out = Vec::new();
                let mut elem = None;
                for item in items {
                    let (ex, ty) = self.expr(item)?;
                    if elem.is_none() || matches!(elem, Some(Ty::Word(_))) {
                        elem = Some(ty);
                    }
                    out.push(ex);
                }
                Some((Ex::List(out), Ty::List(Box::new(elem.unwrap_or(Ty::Bool)))))
            }
            ExprKind::Not(inner) => Some((Ex::Not(Box::new(self.condition(inner)?)), Ty::Bool)),
            ExprKind::Binary(op, l, r) => self.binary(*op, l, r, e.span),
            ExprKind::Quantified { quantifier, binder, source, filter } => {
                // `all x in K where F` asks that every `x` of the kind pass `F`: the filter is the
                // condition, not a narrowing of what is ranged over, so no look-up may skip items.
                let narrow = *quantifier != ast::Quantifier::All;
                let (slot, source, filter, _) = self.ranged(binder, source, filter.as_deref(), narrow)?;
                Some((Ex::Quantified { quantifier: *quantifier, slot, source, filter }, Ty::Bool))
            }
            ExprKind::Count { binder, source, filter } => {
                let (slot, source, filter, _) = self.ranged(binder, source, filter.as_deref(), true)?;
                Some((Ex::Count { slot, source, filter }, Ty::Int))
            }
            ExprKind::Field(base, seg) => {
                let (ex, ty) = self.expr(base)?;
                self.field(ex, ty, seg)
            }
            ExprKind::Nearest { of, source } => {
                let (of_ex, of_ty) = self.expr(of)?;
                if of_ty != Ty::Text {
                    let what = self.describe(&of_ty);
                    self.err(
                        codes::RULE_TYPE,
                        of.span,
                        format!("`nearest` looks for a text, not {what}"),
                        "not a text",
                    )
                    .help = Some("write `nearest d.id in annex_control`".into());
                    return None;
                }
                let (src, elem) = self.source(source, None)?;
                if !matches!(elem, Ty::Node(_)) {
                    let what = self.describe(&elem);
                    self.err(
                        codes::RULE_TYPE,
                        source.span,
                        format!("`nearest` looks among items, not {what}"),
                        "not items",
                    )
                    .help = Some("write a kind (`annex_control`) or a list of items".into());
                    return None;
                }
                Some((Ex::Nearest(Box::new(of_ex), src), Ty::List(Box::new(elem))))
            }
            ExprKind::Those { binder, source, filter } => {
                let (slot, source, filter, elem) = self.ranged(binder, source, filter.as_deref(), true)?;
                Some((Ex::Those { slot, source, filter }, Ty::List(Box::new(elem))))
            }
        }
    }

    /// `NAME in SOURCE where FILTER` of a quantifier or a count: the variable's slot, what it
    /// ranges over (an index look-up where the filter allows and `narrow` says that items
    /// failing the filter do not count), and the checked filter.
    fn ranged(
        &mut self,
        binder: &ast::Name,
        source: &ast::Path,
        filter: Option<&ast::Expr>,
        narrow: bool,
    ) -> Option<(usize, Source, Option<Box<Ex>>, Ty)> {
        let (src, ty) = self.source(source, Some(&binder.text))?;
        let slot = self.bind(&binder.text, ty.clone());
        let f = filter.map(|f| self.condition(f));
        self.scope.truncate(slot);
        let filter = match f {
            Some(f) => Some(Box::new(f?)),
            None => None,
        };
        let (src, filter) = if narrow { self.indexed(src, slot, filter) } else { (src, filter) };
        Some((slot, src, filter, ty))
    }

    /// Replaces a scan over a whole kind by an index look-up when the filter pins a reference
    /// field of the bound variable to a value (`a.system == s`, `c in t.controls`). This keeps
    /// rules such as "every system has an assessment" linear instead of quadratic. When the
    /// look-up answers the condition exactly, the condition is dropped from the filter, so it is
    /// not tested again on each candidate (which would copy a list of thousands per test).
    fn indexed(&self, src: Source, slot: usize, filter: Option<Box<Ex>>) -> (Source, Option<Box<Ex>>) {
        let Source::Kind(kind) = src else { return (src, filter) };
        let Some(filter) = filter else { return (src, None) };
        match self.join(kind, slot, *filter) {
            (rest, Some((field, target))) => {
                let at = self.model.schema.kind(kind).fields.get_index_of(field.as_str()).unwrap_or(0) as u32;
                (Source::Referrers { kind, at, target: Box::new(target) }, Some(Box::new(rest)))
            }
            (rest, None) => match named(&rest, slot) {
                Some(id) => (Source::Named { kind, id: Box::new(id) }, Some(Box::new(rest))),
                None => (src, Some(Box::new(rest))),
            },
        }
    }

    /// Finds the first join condition among the `and`-ed conditions of `e` (in the order they
    /// are written): the field, the value it must refer to, and `e` without that condition when
    /// the look-up makes it true for every candidate.
    fn join(&self, kind: KindId, slot: usize, e: Ex) -> (Ex, Option<(String, Ex)>) {
        match e {
            Ex::And(a, b) => {
                let (a, key) = self.join(kind, slot, *a);
                if key.is_some() {
                    return (and(a, *b), key);
                }
                let (b, key) = self.join(kind, slot, *b);
                (and(a, b), key)
            }
            other => match self.join_key(kind, slot, &other) {
                Some((field, target, true)) => (Ex::Lit(Lit::Bool(true)), Some((field, target))),
                Some((field, target, false)) => (other, Some((field, target))),
                None => (other, None),
            },
        }
    }

    /// `x.field == target` or `target in x.field`, for a reference field: the field, the
    /// target, and whether the referrers of the target are exactly the items that pass (not so
    /// for `==` on a list field, which is never equal to one item).
    fn join_key(&self, kind: KindId, slot: usize, e: &Ex) -> Option<(String, Ex, bool)> {
        // (is a reference field, holds one reference)
        let ref_field = |f: &str| {
            let d = self.model.schema.kind(kind).fields.get(f)?;
            match &d.ty {
                Type::Ref(_) => Some(!d.many),
                Type::List(inner) if matches!(**inner, Type::Ref(_)) => Some(false),
                _ => None,
            }
        };
        match e {
            Ex::Compare(BinOp::Eq, a, b) => {
                for (field_side, other) in [(a, b), (b, a)] {
                    if let Ex::Field(base, f) = &**field_side {
                        if matches!(**base, Ex::Var(s) if s == slot) && !uses_slot(other, slot) {
                            if let Some(single) = ref_field(&f.name) {
                                return Some((f.name.clone(), (**other).clone(), single));
                            }
                        }
                    }
                }
                None
            }
            Ex::In(elem, list) => {
                if let Ex::Field(base, f) = &**list {
                    if matches!(**base, Ex::Var(s) if s == slot)
                        && !uses_slot(elem, slot)
                        && ref_field(&f.name).is_some()
                    {
                        return Some((f.name.clone(), (**elem).clone(), true));
                    }
                }
                None
            }
            _ => None,
        }
    }

    fn literal(&mut self, v: &ast::ValueKind, span: Span) -> Option<Typed> {
        use ast::ValueKind as V;
        Some(match v {
            V::String(s) | V::Text(s) => (Ex::Lit(Lit::Text(s.clone())), Ty::Text),
            V::Integer(n) => (Ex::Lit(Lit::Int(*n)), Ty::Int),
            V::Decimal(n) => (Ex::Lit(Lit::Number(*n)), Ty::Number),
            V::Percent(n) => (Ex::Lit(Lit::Percent(*n)), Ty::Percent),
            V::Date(d) => (Ex::Lit(Lit::Date(*d)), Ty::Date),
            V::Duration(n, u) => (Ex::Lit(Lit::Duration(*n, *u)), Ty::Duration),
            V::Dotted(id) | V::Word(id) => return Some((Ex::Lit(Lit::Bool(false)), Ty::Word(id.to_string()))),
            V::StdRef { standard, clause } => {
                let target = self.model.lookup(standard).and_then(|t| self.model.anchor(t, clause));
                match target {
                    Some(n) => (Ex::Lit(Lit::Node(n)), Ty::Node(vec![self.model.node(n).kind])),
                    None => {
                        self.err(
                            codes::UNKNOWN_STANDARD_REF,
                            span,
                            format!("`{standard}:{clause}` is not a clause or control aims knows"),
                            "not found",
                        );
                        return None;
                    }
                }
            }
            V::List(_) | V::Invalid => return None,
        })
    }

    fn path(&mut self, p: &ast::Path) -> Option<Typed> {
        let head = &p.head.text;
        let (mut ex, mut ty) = if let Some(slot) = self.scope.iter().rposition(|(n, _)| n == head) {
            (Ex::Var(slot), self.scope[slot].1.clone())
        } else if head == "today" {
            (Ex::Today, Ty::Date)
        } else if p.fields.is_empty() {
            return Some((Ex::Lit(Lit::Bool(false)), Ty::Word(head.to_string())));
        } else {
            let help = self.scope_help(head);
            self.err(
                codes::RULE_UNKNOWN_NAME,
                p.head.span,
                format!("`{head}` is not a variable of this rule"),
                "unknown name",
            )
            .help = help.or_else(|| Some("variables are introduced by `for x in KIND` or `any x in ...`".into()));
            return None;
        };
        for seg in &p.fields {
            (ex, ty) = self.field(ex, ty, seg)?;
        }
        Some((ex, ty))
    }

    /// `base.seg`: a field of an item, or of each item of a list (flattened).
    fn field(&mut self, ex: Ex, ty: Ty, seg: &ast::Name) -> Option<Typed> {
        let (kinds, many) = match &ty {
            Ty::Node(k) => (k.clone(), false),
            Ty::List(inner) => match &**inner {
                Ty::Node(k) => (k.clone(), true),
                _ => (Vec::new(), true),
            },
            _ => (Vec::new(), false),
        };
        if kinds.is_empty() {
            let what = self.describe(&ty);
            self.err(
                codes::RULE_TYPE,
                seg.span,
                format!("`{}` cannot be read from {what}", seg.text),
                "no fields here",
            );
            return None;
        }
        let field_ty = match seg.text.as_str() {
            "id" | "title" => Ty::Text,
            name => {
                let def = kinds.iter().find_map(|k| self.model.schema.kind(*k).fields.get(name));
                match def {
                    Some(d) => self.field_ty(&d.ty, d.many),
                    None => {
                        let names: Vec<&str> = kinds
                            .iter()
                            .flat_map(|k| self.model.schema.kind(*k).fields.keys().map(|s| s.as_str()))
                            .collect();
                        let kind_names = self.model.schema.kind_names(&kinds);
                        let help = did_you_mean(name, names.iter().copied());
                        self.err(
                            codes::RULE_UNKNOWN_FIELD,
                            seg.span,
                            format!("{kind_names} has no field `{name}`"),
                            "unknown field",
                        )
                        .help = help;
                        return None;
                    }
                }
            }
        };
        // Where each kind declares the field: the evaluator reads it from that kind's column.
        let at = match seg.text.as_str() {
            "id" | "title" => Vec::new(),
            name => kinds
                .iter()
                .filter_map(|k| Some((*k, self.model.schema.kind(*k).fields.get_index_of(name)? as u32)))
                .collect(),
        };
        let ex = Ex::Field(Box::new(ex), Field { name: seg.text.to_string(), at });
        let ty = match (many, field_ty) {
            (true, Ty::List(inner)) => Ty::List(inner),
            (true, t) => Ty::List(Box::new(t)),
            (false, t) => t,
        };
        Some((ex, ty))
    }

    fn field_ty(&self, t: &Type, many: bool) -> Ty {
        let one = match t {
            Type::Prim(p) => match p {
                Prim::Text => Ty::Text,
                Prim::Int => Ty::Int,
                Prim::Decimal => Ty::Number,
                Prim::Percent => Ty::Percent,
                Prim::Bool => Ty::Bool,
                Prim::Date => Ty::Date,
                Prim::Duration => Ty::Duration,
                Prim::StdRef => Ty::Node(Vec::new()),
            },
            Type::Enum(e) => Ty::Enum(*e),
            Type::Ref(k) => Ty::Node(k.clone()),
            Type::Block(k) => Ty::Node(vec![*k]),
            Type::List(inner) => Ty::List(Box::new(self.field_ty(inner, false))),
        };
        if many {
            Ty::List(Box::new(one))
        } else {
            one
        }
    }

    fn binary(&mut self, op: BinOp, l: &ast::Expr, r: &ast::Expr, span: Span) -> Option<Typed> {
        match op {
            BinOp::And | BinOp::Or => {
                let a = self.condition(l);
                let b = self.condition(r);
                let (a, b) = (Box::new(a?), Box::new(b?));
                Some((if op == BinOp::And { Ex::And(a, b) } else { Ex::Or(a, b) }, Ty::Bool))
            }
            BinOp::Is => {
                let (le, lt) = self.expr(l)?;
                let kind = match &r.kind {
                    ExprKind::Path(p) if p.fields.is_empty() => self.model.schema.kind_id(&p.head.text),
                    _ => None,
                };
                let Some(kind) = kind else {
                    let word = match &r.kind {
                        ExprKind::Path(p) => p.head.text.to_string(),
                        _ => String::new(),
                    };
                    let help = did_you_mean(&word, self.model.schema.kinds.keys().map(|k| k.as_str()));
                    self.err(
                        codes::RULE_UNKNOWN_NAME,
                        r.span,
                        "`is` needs the name of a kind on its right".into(),
                        "not a kind",
                    )
                    .help = help;
                    return None;
                };
                if !matches!(lt, Ty::Node(_)) {
                    let what = self.describe(&lt);
                    self.err(codes::RULE_TYPE, l.span, format!("only items have a kind, not {what}"), "not an item");
                    return None;
                }
                Some((Ex::IsKind(Box::new(le), kind), Ty::Bool))
            }
            BinOp::In | BinOp::NotIn => {
                let (le, lt) = self.expr(l)?;
                let (re, rt) = self.expr(r)?;
                let Ty::List(elem) = rt.clone() else {
                    let what = self.describe(&rt);
                    self.err(
                        codes::RULE_TYPE,
                        r.span,
                        format!("`in` needs a list on its right, not {what}"),
                        "not a list",
                    )
                    .help = Some("write a list such as `[high, limited]` or a list field".into());
                    return None;
                };
                let le = self.unify_one(le, &lt, &elem, l.span)?;
                let re = match re {
                    Ex::List(items) => {
                        let mut out = Vec::new();
                        for (item, ast_item) in items.into_iter().zip(list_items(r)) {
                            let item_ty = match &item {
                                Ex::Lit(Lit::Bool(false)) => word_of(ast_item).map(Ty::Word).unwrap_or((*elem).clone()),
                                _ => (*elem).clone(),
                            };
                            out.push(self.unify_one(item, &item_ty, &lt, ast_item.span)?);
                        }
                        Ex::List(out)
                    }
                    other => other,
                };
                let e = Ex::In(Box::new(le), Box::new(re));
                Some((if op == BinOp::NotIn { Ex::Not(Box::new(e)) } else { e }, Ty::Bool))
            }
            BinOp::Add | BinOp::Sub => {
                let (le, lt) = self.expr(l)?;
                let (re, rt) = self.expr(r)?;
                let ty = match (&lt, &rt) {
                    (Ty::Date, Ty::Duration) => Ty::Date,
                    (Ty::Duration, Ty::Date) if op == BinOp::Add => Ty::Date,
                    (Ty::Int, Ty::Int) => Ty::Int,
                    (a, b) if is_numeric(a) && is_numeric(b) => Ty::Number,
                    _ => {
                        let (a, b) = (self.describe(&lt), self.describe(&rt));
                        self.err(
                            codes::RULE_TYPE,
                            span,
                            format!("cannot compute {a} {} {b}", op.symbol()),
                            "types do not fit",
                        )
                        .help = Some("add or subtract a duration to a date (`today - 12 months`), or numbers".into());
                        return None;
                    }
                };
                let (le, re) = if matches!((&lt, &rt), (Ty::Duration, Ty::Date)) { (re, le) } else { (le, re) };
                Some((Ex::Arith(op, Box::new(le), Box::new(re), span), ty))
            }
            _ => {
                let (le, lt) = self.expr(l)?;
                let (re, rt) = self.expr(r)?;
                let (le, re) = self.unify(le, lt, re, rt, op, span)?;
                Some((Ex::Compare(op, Box::new(le), Box::new(re)), Ty::Bool))
            }
        }
    }

    /// Makes both sides of a comparison the same type, giving bare words their meaning.
    fn unify(&mut self, le: Ex, lt: Ty, re: Ex, rt: Ty, op: BinOp, span: Span) -> Option<(Ex, Ex)> {
        let ordered = !matches!(op, BinOp::Eq | BinOp::Ne);
        match (&lt, &rt) {
            (Ty::Word(a), Ty::Word(b)) => {
                self.err(
                    codes::RULE_UNKNOWN_NAME,
                    span,
                    format!("neither `{a}` nor `{b}` is a variable or a field"),
                    "nothing to compare",
                );
                None
            }
            (Ty::Word(_), _) => Some((self.unify_one(le, &lt, &rt, span)?, re)),
            (_, Ty::Word(_)) => Some((le, self.unify_one(re, &rt, &lt, span)?)),
            (a, b) if is_numeric(a) && is_numeric(b) => Some((le, re)),
            (Ty::Node(_), Ty::Node(_)) | (Ty::Text, Ty::Text) | (Ty::Bool, Ty::Bool) if !ordered => Some((le, re)),
            (Ty::Date, Ty::Date) | (Ty::Duration, Ty::Duration) => Some((le, re)),
            (Ty::Enum(a), Ty::Enum(b)) if a == b => Some((le, re)),
            _ => {
                let (a, b) = (self.describe(&lt), self.describe(&rt));
                let d = self.err(codes::RULE_TYPE, span, format!("cannot compare {a} with {b}"), "types do not match");
                if matches!(lt, Ty::List(_)) || matches!(rt, Ty::List(_)) {
                    d.help = Some("to test whether a list contains a value, write `value in list`".into());
                }
                None
            }
        }
    }

    /// Gives a bare word the meaning the other side asks for: an enum value, an item, a yes/no.
    fn unify_one(&mut self, ex: Ex, ty: &Ty, want: &Ty, span: Span) -> Option<Ex> {
        let Ty::Word(w) = ty else { return Some(ex) };
        let want = match want {
            Ty::List(inner) => &**inner,
            t => t,
        };
        match want {
            Ty::Enum(e) => {
                let def = self.model.schema.enum_def(*e);
                match def.members.get_index_of(w.as_str()) {
                    Some(i) => Some(Ex::Lit(Lit::Enum(*e, i as u32))),
                    None => {
                        let help = did_you_mean(w, def.members.keys().map(|m| m.as_str()));
                        let name = def.name.clone();
                        self.err(
                            codes::RULE_UNKNOWN_NAME,
                            span,
                            format!("`{w}` is not a value of `{name}`"),
                            "unknown value",
                        )
                        .help = help;
                        None
                    }
                }
            }
            Ty::Node(kinds) => match self.model.lookup(w) {
                Some(n) if kinds.is_empty() || kinds.contains(&self.model.node(n).kind) => Some(Ex::Lit(Lit::Node(n))),
                _ => {
                    let names = self.model.schema.kind_names(kinds);
                    self.err(codes::RULE_UNKNOWN_NAME, span, format!("there is no {names} `{w}`"), "unknown item");
                    None
                }
            },
            Ty::Bool if matches!(w.as_str(), "yes" | "true") => Some(Ex::Lit(Lit::Bool(true))),
            Ty::Bool if matches!(w.as_str(), "no" | "false") => Some(Ex::Lit(Lit::Bool(false))),
            _ => {
                let help = self.scope_help(w);
                self.err(
                    codes::RULE_UNKNOWN_NAME,
                    span,
                    format!("`{w}` is not a variable, a field or a value here"),
                    "unknown name",
                )
                .help = help;
                None
            }
        }
    }

    fn message(&mut self, s: &ast::Str) -> Option<Vec<Piece>> {
        let mut pieces = Vec::new();
        let text = &s.value;
        let mut rest = text.as_str();
        let mut consumed = 0;
        let mut ok = true;
        let mut literal = String::new();
        while let Some(open) = rest.find('{') {
            literal.push_str(&rest[..open]);
            // `{{` is a literal brace, for messages that show a block: "add `treatment {{ ... }`".
            if rest[open + 1..].starts_with('{') {
                literal.push('{');
                consumed += open + 2;
                rest = &rest[open + 2..];
                continue;
            }
            if !literal.is_empty() {
                pieces.push(Piece::Text(std::mem::take(&mut literal)));
            }
            let Some(close) = rest[open..].find('}') else {
                self.err(codes::RULE_DECLARATION, s.span, "a `{` in this message is not closed".into(), "unclosed `{`");
                return None;
            };
            let inner = &rest[open + 1..open + close];
            // Offsets into the message text match the source when it has no escapes, which is the
            // common case; otherwise the label falls on the whole message.
            let base = s.span.start as usize + 1 + consumed + open + 1;
            let base =
                if s.value.len() + 2 == (s.span.end - s.span.start) as usize { base } else { s.span.start as usize };
            match crate::syntax::parse_expr(inner, self.file, base) {
                Ok(e) => match self.expr(&e) {
                    Some((ex, Ty::Word(w))) => {
                        let _ = ex;
                        self.err(
                            codes::RULE_UNKNOWN_NAME,
                            e.span,
                            format!("`{w}` is not a variable or a field"),
                            "unknown name",
                        )
                        .help = self.scope_help(&w);
                        ok = false;
                    }
                    Some((ex, _)) => pieces.push(Piece::Expr(ex)),
                    None => ok = false,
                },
                Err(d) => {
                    self.diags.push(*d);
                    ok = false;
                }
            }
            consumed += open + close + 1;
            rest = &rest[open + close + 1..];
        }
        literal.push_str(rest);
        if !literal.is_empty() {
            pieces.push(Piece::Text(literal));
        }
        ok.then_some(pieces)
    }

    fn describe(&self, t: &Ty) -> String {
        match t {
            Ty::Bool => "a yes/no value".into(),
            Ty::Int => "a whole number".into(),
            Ty::Number => "a number".into(),
            Ty::Percent => "a percentage".into(),
            Ty::Text => "a text".into(),
            Ty::Date => "a date".into(),
            Ty::Duration => "a duration".into(),
            Ty::Enum(e) => format!("a `{}` value", self.model.schema.enum_def(*e).name),
            Ty::Node(k) if k.is_empty() => "a clause or control".into(),
            Ty::Node(k) => self.model.schema.describe_kinds(k),
            Ty::List(inner) => format!("a list of {}", self.describe(inner).trim_start_matches("a ")),
            Ty::Word(w) => format!("the name `{w}`"),
        }
    }
}

fn is_numeric(t: &Ty) -> bool {
    matches!(t, Ty::Int | Ty::Number | Ty::Percent)
}

fn list_items(e: &ast::Expr) -> Vec<&ast::Expr> {
    match &e.kind {
        ExprKind::List(items) => items.iter().collect(),
        _ => Vec::new(),
    }
}

fn word_of(e: &ast::Expr) -> Option<String> {
    match &e.kind {
        ExprKind::Path(p) if p.fields.is_empty() => Some(p.head.text.to_string()),
        ExprKind::Literal(ast::ValueKind::Dotted(d)) => Some(d.to_string()),
        _ => None,
    }
}

/// Whether an expression reads the variable in `slot` (directly or inside a nested quantifier).
pub(crate) fn uses_slot(e: &Ex, slot: usize) -> bool {
    reads(e, &|s| s == slot)
}

/// Whether an expression reads a variable whose slot passes `pick`. The recursion follows the
/// tree, whose depth the parser bounds.
fn reads(e: &Ex, pick: &dyn Fn(usize) -> bool) -> bool {
    match e {
        Ex::Var(s) => pick(*s),
        Ex::Lit(_) | Ex::Today => false,
        Ex::Field(b, _) | Ex::Not(b) | Ex::Truthy(b) | Ex::IsKind(b, _) | Ex::Hoisted(_, b) => reads(b, pick),
        Ex::Nearest(of, source) => {
            reads(of, pick)
                || match source {
                    Source::Kind(_) | Source::Once => false,
                    Source::Referrers { target: e, .. } | Source::Named { id: e, .. } | Source::Expr(e) => {
                        reads(e, pick)
                    }
                }
        }
        Ex::And(a, b) | Ex::Or(a, b) | Ex::Compare(_, a, b) | Ex::In(a, b) | Ex::Arith(_, a, b, _) => {
            reads(a, pick) || reads(b, pick)
        }
        Ex::List(items) => items.iter().any(|i| reads(i, pick)),
        Ex::Quantified { source, filter, .. } | Ex::Count { source, filter, .. } | Ex::Those { source, filter, .. } => {
            filter.as_ref().is_some_and(|f| reads(f, pick))
                || match source {
                    Source::Kind(_) | Source::Once => false,
                    Source::Referrers { target, .. } | Source::Named { id: target, .. } => reads(target, pick),
                    Source::Expr(e) => reads(e, pick),
                }
        }
    }
}

/// The first of the `and`-ed conditions of `e` that pins the ID of the variable at `slot`
/// (`x.id == "A.7.4"`, either way round, against anything that does not read the variable):
/// what the ID must be.
fn named(e: &Ex, slot: usize) -> Option<Ex> {
    match e {
        Ex::And(a, b) => named(a, slot).or_else(|| named(b, slot)),
        Ex::Compare(BinOp::Eq, a, b) => [(a, b), (b, a)].into_iter().find_map(|(side, other)| match &**side {
            Ex::Field(base, f)
                if f.name == "id" && matches!(**base, Ex::Var(s) if s == slot) && !uses_slot(other, slot) =>
            {
                Some((**other).clone())
            }
            _ => None,
        }),
        _ => None,
    }
}

/// `a and b`, leaving out a side that is always true.
fn and(a: Ex, b: Ex) -> Ex {
    match (a, b) {
        (Ex::Lit(Lit::Bool(true)), x) | (x, Ex::Lit(Lit::Bool(true))) => x,
        (a, b) => Ex::And(Box::new(a), Box::new(b)),
    }
}

/// Wraps every quantifier and count that reads no variable bound outside it in
/// [`Ex::Hoisted`], numbering them from `next`. Variables are numbered by scope depth, so one
/// bound at slot `k` is independent of the item exactly when it reads no slot below `k`.
fn hoist(e: &mut Ex, next: &mut usize) {
    let bound = match e {
        Ex::Quantified { slot, .. } | Ex::Count { slot, .. } | Ex::Those { slot, .. } => Some(*slot),
        _ => None,
    };
    if bound.is_some_and(|k| !reads(e, &|s| s < k)) {
        let inner = std::mem::replace(e, Ex::Today);
        *e = Ex::Hoisted(*next, Box::new(inner));
        *next += 1;
        return;
    }
    match e {
        Ex::Quantified { source, filter, .. } | Ex::Count { source, filter, .. } | Ex::Those { source, filter, .. } => {
            if let Some(f) = filter {
                hoist(f, next);
            }
            match source {
                Source::Referrers { target: x, .. } | Source::Named { id: x, .. } | Source::Expr(x) => hoist(x, next),
                Source::Kind(_) | Source::Once => {}
            }
        }
        Ex::Var(_) | Ex::Lit(_) | Ex::Today | Ex::Hoisted(..) => {}
        Ex::Field(b, _) | Ex::Not(b) | Ex::Truthy(b) | Ex::IsKind(b, _) => hoist(b, next),
        Ex::Nearest(of, source) => {
            hoist(of, next);
            if let Source::Referrers { target: x, .. } | Source::Named { id: x, .. } | Source::Expr(x) = source {
                hoist(x, next);
            }
        }
        Ex::And(a, b) | Ex::Or(a, b) | Ex::Compare(_, a, b) | Ex::In(a, b) | Ex::Arith(_, a, b, _) => {
            hoist(a, next);
            hoist(b, next);
        }
        Ex::List(items) => items.iter_mut().for_each(|i| hoist(i, next)),
    }
}

/// Parses `severity: error|warning|note`.
pub(crate) fn severity(word: &str) -> Option<Severity> {
    match word {
        "error" => Some(Severity::Error),
        "warning" => Some(Severity::Warning),
        "note" => Some(Severity::Note),
        _ => None,
    }
}
