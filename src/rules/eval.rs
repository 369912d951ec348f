//! Evaluates checked rules over the Model. Every look-up is an index (items of a kind, the
//! referrers of a node), so a rule costs time in proportion to the items it visits; a
//! sub-condition that does not depend on the rule's item is computed once per rule run
//! ([`Ex::Hoisted`]); values are borrowed from the Model and the rule, not copied.

use super::columns::{Cell, Columns, Meta, Tables};
use super::ir::{Body, Ex, Field, Lit, Piece, Source};
use crate::diagnostics::{codes, Diagnostic};
use crate::sema::model::Referrer;
use crate::sema::{Model, NodeId, Value, ValueKind};
use crate::source::{FileId, Span};
use crate::syntax::ast::{BinOp, DurationUnit, Quantifier};
use std::borrow::Cow;
use std::cmp::Ordering;

/// Most members of a list a message shows; the rest are counted ("and 28 more").
pub const MAX_SHOWN: usize = 10;

#[derive(Clone, Debug, PartialEq)]
pub enum Val<'a> {
    /// A field that is not given.
    Absent,
    Bool(bool),
    Int(i64),
    Number(f64),
    Text(Cow<'a, str>),
    Date(jiff::civil::Date),
    Duration(i64, DurationUnit),
    Enum(usize, u32),
    Node(NodeId),
    List(Vec<Val<'a>>),
}

/// What a `for` or a quantifier ranges over, borrowed where the Model already has the list.
pub enum Items<'a> {
    Nodes(&'a [NodeId]),
    Vals(Vec<Val<'a>>),
}

impl<'a> Items<'a> {
    pub fn len(&self) -> usize {
        match self {
            Items::Nodes(n) => n.len(),
            Items::Vals(v) => v.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn get(&self, i: usize) -> Val<'a> {
        match self {
            Items::Nodes(n) => Val::Node(n[i]),
            Items::Vals(v) => v[i].clone(),
        }
    }
}

/// What a quantifier ranges over, one member at a time, without collecting the members first.
pub enum Iter<'a> {
    Nodes(std::slice::Iter<'a, NodeId>),
    Vals(std::vec::IntoIter<Val<'a>>),
    /// The members of a list field, converted as they are visited.
    Stored(std::slice::Iter<'a, Value>),
    /// The members of a list field, from the cells of its column.
    Cells(super::columns::MemberCells<'a, 'a>),
    /// The nodes of `kind` whose `field` (its position in the kind) refers to a node, each once.
    Referrers {
        refs: std::slice::Iter<'a, Referrer>,
        kind: u32,
        field: u32,
        meta: &'a [Meta],
        last: Option<NodeId>,
    },
}

impl<'a> Iterator for Iter<'a> {
    type Item = Val<'a>;

    fn next(&mut self) -> Option<Val<'a>> {
        match self {
            Iter::Nodes(n) => n.next().map(|n| Val::Node(*n)),
            Iter::Vals(v) => v.next(),
            Iter::Stored(v) => v.next().map(value),
            Iter::Cells(c) => c.next().map(cell_val),
            Iter::Referrers { refs, kind, field, meta, last } => loop {
                let r = refs.next()?;
                // A list may cite the same node twice; visit each referrer once.
                if r.field == *field && meta[r.from.0 as usize].kind == *kind && *last != Some(r.from) {
                    *last = Some(r.from);
                    return Some(Val::Node(r.from));
                }
            },
        }
    }
}

pub struct Env<'a> {
    pub model: &'a Model,
    pub today: jiff::civil::Date,
    /// Nodes of each kind, and what the stage keeps about each node.
    pub tables: &'a Tables,
    /// The fields read so far, as columns shared by every rule of the run (and every thread).
    pub columns: &'a Columns<'a>,
    pub slots: Vec<Val<'a>>,
    /// The file of the rule being run (where a date that falls off the calendar is computed).
    pub rule_file: FileId,
    /// The rule's id, for the date-overflow diagnostic.
    pub rule_id: &'a str,
    /// Values of the rule's hoisted sub-conditions, computed on first use in this rule run,
    /// with the date overflow their computation met, if any.
    pub hoisted: Vec<Option<(Val<'a>, Option<Diagnostic>)>>,
    /// The first date computation that fell off the calendar since this was last taken: the
    /// rule cannot decide the item, and says so instead of reporting it as due.
    pub overflow: Option<Diagnostic>,
    /// When set, the spec items for which a quantifier's or a count's condition held are
    /// recorded here: what a rule about the spec as a whole actually looked at. A pass with
    /// none recorded is vacuous ("no provider system, so nothing to check"), which the gap
    /// analysis must not count as met. Off (`None`) for rules over items, at no cost.
    pub witnesses: Option<Vec<NodeId>>,
}

impl<'a> Env<'a> {
    /// An evaluator for one run of the rules (or of a query), over `model` as of `today`.
    /// `columns` should know the fields of every rule it will run (see [`Columns::new`]);
    /// any other field is read from the node.
    pub fn new(
        model: &'a Model,
        today: jiff::civil::Date,
        tables: &'a Tables,
        columns: &'a Columns<'a>,
        rule_file: FileId,
    ) -> Env<'a> {
        Env {
            model,
            today,
            tables,
            columns,
            slots: Vec::new(),
            rule_file,
            rule_id: "",
            hoisted: Vec::new(),
            overflow: None,
            witnesses: None,
        }
    }

    /// Makes ready to run a rule's `body`: its variables and hoisted values start empty; the
    /// columns are kept, they hold the Model's values, which no rule changes.
    pub fn start(&mut self, rule_file: FileId, rule_id: &'a str, body: &Body) {
        self.slots.clear();
        self.slots.resize(body.slots.max(1), Val::Absent);
        self.hoisted.clear();
        self.hoisted.resize(body.hoisted, None);
        self.rule_file = rule_file;
        self.rule_id = rule_id;
        self.overflow = None;
        self.witnesses = None;
    }

    pub fn eval(&mut self, e: &'a Ex) -> Val<'a> {
        match e {
            Ex::Lit(l) => lit(l),
            Ex::Today => Val::Date(self.today),
            // Most variables hold an item: copied without the general clone.
            Ex::Var(s) => match &self.slots[*s] {
                Val::Node(n) => Val::Node(*n),
                v => v.clone(),
            },
            Ex::Field(base, f) => {
                let b = self.eval(base);
                self.field(b, f)
            }
            Ex::Not(inner) => Val::Bool(!self.test(inner)),
            Ex::And(a, b) => Val::Bool(self.test(a) && self.test(b)),
            Ex::Or(a, b) => Val::Bool(self.test(a) || self.test(b)),
            Ex::Truthy(inner) => Val::Bool(match &**inner {
                // `require d.approved_by`: whether the stored value is there, without copying it.
                Ex::Field(base, f) if !is_heading(f) => match self.eval(base) {
                    Val::Node(n) => cell_truthy(self.stored(n, f)),
                    other => truthy(&self.field(other, f)),
                },
                _ => truthy(&self.eval(inner)),
            }),
            Ex::Compare(op, a, b) => {
                let (a, b) = (self.eval(a), self.eval(b));
                Val::Bool(compare(*op, &a, &b))
            }
            Ex::In(elem, list) => {
                let e = self.eval(elem);
                Val::Bool(self.contains(list, &e))
            }
            Ex::IsKind(e, kind) => {
                Val::Bool(matches!(self.eval(e), Val::Node(n) if self.tables.meta(n).kind as usize == *kind))
            }
            Ex::Arith(op, a, b, span) => {
                let (x, y) = (self.eval(a), self.eval(b));
                match (&x, &y) {
                    (Val::Date(d), Val::Duration(n, u)) => match shift(*op, *d, *n, *u) {
                        Some(date) => Val::Date(date),
                        None => {
                            self.date_overflow(*op, *d, (*n, *u), [&**a, &**b], *span);
                            Val::Absent
                        }
                    },
                    _ => arith(*op, x, y),
                }
            }
            Ex::List(items) => Val::List(items.iter().map(|i| self.eval(i)).collect()),
            Ex::Quantified { quantifier, slot, source, filter } => {
                for item in self.iter(source) {
                    let ok = match filter {
                        Some(f) => {
                            self.slots[*slot] = item;
                            let ok = self.test(f);
                            if ok && self.witnesses.is_some() {
                                self.witness(*slot);
                            }
                            ok
                        }
                        None => truthy(&item),
                    };
                    match (quantifier, ok) {
                        (Quantifier::Any, true) => return Val::Bool(true),
                        (Quantifier::All, false) | (Quantifier::None, true) => return Val::Bool(false),
                        _ => {}
                    }
                }
                Val::Bool(!matches!(quantifier, Quantifier::Any))
            }
            Ex::Count { slot, source, filter } => {
                let mut n = 0;
                for item in self.iter(source) {
                    let passes = match filter {
                        Some(f) => {
                            self.slots[*slot] = item;
                            let ok = self.test(f);
                            if ok && self.witnesses.is_some() {
                                self.witness(*slot);
                            }
                            ok
                        }
                        None => true,
                    };
                    n += passes as i64;
                }
                Val::Int(n)
            }
            Ex::Nearest(of, source) => {
                let of = self.eval(of);
                let nodes: Vec<NodeId> = self
                    .iter(source)
                    .filter_map(|v| match v {
                        Val::Node(n) => Some(n),
                        _ => None,
                    })
                    .collect();
                let named: Vec<(&str, Option<&str>)> = nodes
                    .iter()
                    .map(|n| {
                        let node = self.model.node(*n);
                        (node.id.as_deref().unwrap_or(""), node.title.as_deref())
                    })
                    .collect();
                match of {
                    Val::Text(t) => Val::List(
                        crate::diagnostics::suggest::nearest(&t, &named)
                            .into_iter()
                            .map(|i| Val::Node(nodes[i]))
                            .collect(),
                    ),
                    _ => Val::List(Vec::new()),
                }
            }
            Ex::Those { slot, source, filter } => {
                let mut out = Vec::new();
                for item in self.iter(source) {
                    let passes = match filter {
                        Some(f) => {
                            self.slots[*slot] = item.clone();
                            self.test(f)
                        }
                        None => truthy(&item),
                    };
                    if passes {
                        out.push(item);
                    }
                }
                Val::List(out)
            }
            Ex::Hoisted(index, inner) => {
                if let Some((v, overflow)) = &self.hoisted[*index] {
                    if self.overflow.is_none() {
                        self.overflow = overflow.clone();
                    }
                    return v.clone();
                }
                // Computed with the overflow record of its own, so that every item that uses
                // the value learns of an overflow in it, not only the first.
                let outer = self.overflow.take();
                let v = self.eval(inner);
                let own = self.overflow.take();
                self.overflow = outer.or_else(|| own.clone());
                self.hoisted[*index] = Some((v.clone(), own));
                v
            }
        }
    }

    /// Records the item bound to `slot` as looked at, when it is the spec's (a catalogue entry
    /// of the stdlib is no evidence about the organisation).
    fn witness(&mut self, slot: usize) {
        let Val::Node(n) = self.slots[slot] else { return };
        if !self.tables.meta(n).spec {
            return;
        }
        if let Some(w) = &mut self.witnesses {
            if w.last() != Some(&n) {
                w.push(n);
            }
        }
    }

    pub fn test(&mut self, e: &'a Ex) -> bool {
        truthy(&self.eval(e))
    }

    /// Whether `list` holds `e`. A field of an item is searched where it is stored, without
    /// copying the list (`s in c.systems` over a list of thousands of systems).
    fn contains(&mut self, list: &'a Ex, e: &Val<'a>) -> bool {
        if let Ex::Field(base, f) = list {
            if let Val::Node(n) = self.eval(base) {
                if !is_heading(f) {
                    return match self.stored(n, f) {
                        Cell::List(_, column, at) => {
                            self.columns.members(self.tables.meta(n).kind, column, at).any(|c| cell_eq(e, c))
                        }
                        Cell::Other(Value { kind: ValueKind::List(items), .. })
                        | Cell::Empty(Value { kind: ValueKind::List(items), .. }) => {
                            items.iter().any(|i| value_eq(e, i))
                        }
                        Cell::Other(v) | Cell::Empty(v) => value_eq(e, v),
                        one => compare(BinOp::Eq, e, &cell_val(one)),
                    };
                }
            }
        }
        // `d.kind in [record, register]`: a list written in the rule is searched where it is.
        if let Ex::List(items) = list {
            if items.iter().all(|i| matches!(i, Ex::Lit(_))) {
                return items.iter().any(|i| matches!(i, Ex::Lit(l) if compare(BinOp::Eq, e, &lit(l))));
            }
        }
        match self.eval(list) {
            Val::List(items) => items.iter().any(|i| compare(BinOp::Eq, e, i)),
            other => compare(BinOp::Eq, e, &other),
        }
    }

    /// What a `for` or `at` ranges over, as a list that can be counted.
    pub fn source(&mut self, s: &'a Source) -> Items<'a> {
        match s {
            Source::Kind(k) => Items::Nodes(self.tables.nodes_of_kind.get(*k).map_or(&[], |v| v.as_slice())),
            _ => Items::Vals(self.iter(s).collect()),
        }
    }

    /// What a quantifier ranges over, member by member: the index's lists and the Model's
    /// list fields are walked where they are, not copied.
    pub fn iter(&mut self, s: &'a Source) -> Iter<'a> {
        let tables: &'a Tables = self.tables;
        match s {
            Source::Kind(k) => Iter::Nodes(tables.nodes_of_kind.get(*k).map_or(&[][..], |v| v.as_slice()).iter()),
            Source::Once => Iter::Vals(vec![Val::Absent].into_iter()),
            Source::Referrers { kind, at, target } => {
                let Val::Node(t) = self.eval(target) else { return Iter::Vals(Vec::new().into_iter()) };
                Iter::Referrers {
                    refs: self.model.referrers(t).iter(),
                    kind: *kind as u32,
                    field: *at,
                    meta: &tables.meta,
                    last: None,
                }
            }
            Source::Named { kind, id } => {
                let nodes = match self.eval(id) {
                    Val::Text(t) => tables.named(self.model, *kind, &t),
                    _ => Vec::new(),
                };
                Iter::Vals(nodes.into_iter().map(Val::Node).collect::<Vec<_>>().into_iter())
            }
            Source::Expr(e) => {
                let v = match &**e {
                    Ex::Field(base, f) if !is_heading(f) => match self.eval(base) {
                        Val::Node(n) => match self.stored(n, f) {
                            // The members' cells, filled with the column: no read of the Model.
                            Cell::List(_, column, at) => {
                                return Iter::Cells(self.columns.members(tables.meta(n).kind, column, at))
                            }
                            Cell::Other(Value { kind: ValueKind::List(items), .. }) => {
                                return Iter::Stored(items.iter())
                            }
                            one => cell_val(one),
                        },
                        other => self.field(other, f),
                    },
                    _ => self.eval(e),
                };
                Iter::Vals(
                    match v {
                        Val::List(items) => items,
                        Val::Absent => Vec::new(),
                        one => vec![one],
                    }
                    .into_iter(),
                )
            }
        }
    }

    /// The field `f` of node `n`, from its column.
    fn stored(&mut self, n: NodeId, f: &Field) -> Cell<'a> {
        self.columns.get(self.model, self.tables, n, f)
    }

    fn field(&mut self, base: Val<'a>, f: &Field) -> Val<'a> {
        match base {
            Val::Node(n) => match f.name.as_str() {
                "id" => self.model.node(n).id.as_deref().map_or(Val::Absent, |t| Val::Text(Cow::Borrowed(t))),
                "title" => self.model.node(n).title.as_deref().map_or(Val::Absent, |t| Val::Text(Cow::Borrowed(t))),
                _ => cell_val(self.stored(n, f)),
            },
            Val::List(items) => {
                let mut out = Vec::new();
                for i in items {
                    match self.field(i, f) {
                        Val::Absent => {}
                        Val::List(vs) => out.extend(vs),
                        v => out.push(v),
                    }
                }
                Val::List(out)
            }
            _ => Val::Absent,
        }
    }

    /// Records that `date op duration` falls off the calendar, pointing at the item's fields
    /// the operands were read from (where the author can correct them), and at the rule.
    fn date_overflow(
        &mut self,
        op: BinOp,
        date: jiff::civil::Date,
        dur: (i64, DurationUnit),
        operands: [&'a Ex; 2],
        at: Span,
    ) {
        if self.overflow.is_some() {
            return;
        }
        let later = (dur.0 >= 0) == (op == BinOp::Add);
        let dur_text = format!("{} {}", dur.0, dur.1.name(dur.0));
        let verb = if op == BinOp::Add { "plus" } else { "minus" };
        let message = if later {
            format!("`{date}` {verb} `{dur_text}` is after 9999-12-31, the last date aims can count to")
        } else {
            format!("`{date}` {verb} `{dur_text}` is before the first date aims can count from (in the year -9999)")
        };
        let mut places = Vec::new();
        // The duration first: an interval of thousands of years is the usual mistake.
        for e in [operands[1], operands[0]] {
            let Ex::Field(base, f) = e else { continue };
            let Val::Node(n) = self.eval(base) else { continue };
            let node = self.model.node(n);
            if let Some(v) = node.fields.get(&f.name) {
                let label = match v.kind {
                    ValueKind::Duration(..) => "this duration",
                    _ => "this date",
                };
                places.push((node.file, v.span, label));
            }
        }
        let rule_label = format!("computed here by the rule `{}`", self.rule_id);
        let mut d = Diagnostic::new(codes::DATE_OUT_OF_RANGE, message);
        d = match places.first() {
            Some(&(file, span, label)) => d.primary(file, span, label),
            None => d.primary(self.rule_file, at, rule_label.clone()),
        };
        for &(file, span, label) in places.iter().skip(1) {
            d = d.secondary(file, span, label);
        }
        if !places.is_empty() {
            d = d.secondary(self.rule_file, at, rule_label);
        }
        self.overflow = Some(d.help(
            "correct the date or the duration: the rule cannot say whether this is due until the date it \
             computes is a real one",
        ));
    }

    pub fn render(&mut self, pieces: &'a [Piece]) -> String {
        let mut out = String::new();
        for p in pieces {
            match p {
                Piece::Text(t) => out.push_str(t),
                Piece::Expr(e) => {
                    let v = self.eval(e);
                    out.push_str(&self.display(&v));
                }
            }
        }
        out
    }

    pub fn display(&self, v: &Val) -> String {
        match v {
            Val::Absent => "(none)".into(),
            Val::Bool(b) => if *b { "yes" } else { "no" }.into(),
            Val::Int(n) => n.to_string(),
            Val::Number(n) => format!("{n}"),
            Val::Text(t) => t.to_string(),
            Val::Date(d) => d.to_string(),
            Val::Duration(n, u) => format!("{n} {}", u.name(*n)),
            Val::Enum(e, i) => {
                self.model.schema.enum_def(*e).members.get_index(*i as usize).map_or(String::new(), |(m, _)| m.clone())
            }
            Val::Node(n) => self.model.display_name(*n),
            Val::List(items) => {
                // A list of lists (`[those ..., those ...]`) reads as one list.
                let mut flat = Vec::new();
                flatten(items, &mut flat);
                // A message names the culprits, but a long list is cut so that it stays a message.
                let shown: Vec<String> = flat.iter().take(MAX_SHOWN).map(|i| self.display(i)).collect();
                match flat.len().saturating_sub(MAX_SHOWN) {
                    0 => shown.join(", "),
                    more => format!("{} and {more} more", shown.join(", ")),
                }
            }
        }
    }
}

/// The members of a list, lists within it opened, missing values left out.
fn flatten<'v, 'a>(items: &'v [Val<'a>], out: &mut Vec<&'v Val<'a>>) {
    for i in items {
        match i {
            Val::List(inner) => flatten(inner, out),
            Val::Absent => {}
            one => out.push(one),
        }
    }
}

fn lit(l: &Lit) -> Val<'_> {
    match l {
        Lit::Bool(b) => Val::Bool(*b),
        Lit::Int(n) => Val::Int(*n),
        Lit::Number(n) | Lit::Percent(n) => Val::Number(*n),
        Lit::Text(t) => Val::Text(Cow::Borrowed(t)),
        Lit::Date(d) => Val::Date(*d),
        Lit::Duration(n, u) => Val::Duration(*n, *u),
        Lit::Enum(e, i) => Val::Enum(*e, *i),
        Lit::Node(n) => Val::Node(*n),
    }
}

fn value(v: &Value) -> Val<'_> {
    match &v.kind {
        ValueKind::Text(t) => Val::Text(Cow::Borrowed(t)),
        ValueKind::Int(n) => Val::Int(*n),
        ValueKind::Decimal(n) | ValueKind::Percent(n) => Val::Number(*n),
        ValueKind::Bool(b) => Val::Bool(*b),
        ValueKind::Date(d) => Val::Date(*d),
        ValueKind::Duration(n, u) => Val::Duration(*n, *u),
        ValueKind::Enum(e, i) => Val::Enum(*e, *i),
        ValueKind::Ref(n) | ValueKind::Block(n) => Val::Node(*n),
        ValueKind::List(items) => Val::List(items.iter().map(value).collect()),
        ValueKind::Unresolved(_) => Val::Absent,
    }
}

/// Whether a field is the item's ID or title, which are kept on the node, not among its fields.
fn is_heading(f: &Field) -> bool {
    matches!(f.name.as_str(), "id" | "title")
}

/// A column's cell as a value; the same as [`value`] of the stored value.
fn cell_val(c: Cell<'_>) -> Val<'_> {
    match c {
        Cell::Absent => Val::Absent,
        Cell::Bool(b) => Val::Bool(b),
        Cell::Int(n) => Val::Int(n),
        Cell::Number(n) => Val::Number(n),
        Cell::Date(d) => Val::Date(d),
        Cell::Enum(e, i) => Val::Enum(e as usize, i),
        Cell::Node(n) => Val::Node(n),
        Cell::Duration(n, u) => Val::Duration(n, u),
        Cell::Other(v) | Cell::Empty(v) | Cell::List(v, ..) => value(v),
    }
}

/// `truthy(&cell_val(c))`, without reading the stored value again.
fn cell_truthy(c: Cell<'_>) -> bool {
    match c {
        Cell::Absent | Cell::Empty(_) => false,
        Cell::Bool(b) => b,
        _ => true,
    }
}

/// [`value_eq`] of the value a member's cell was made from, without reading it again when
/// the cell holds it.
fn cell_eq(e: &Val, c: Cell<'_>) -> bool {
    match (e, c) {
        (_, Cell::Other(v) | Cell::Empty(v) | Cell::List(v, ..)) => value_eq(e, v),
        (Val::Node(a), Cell::Node(b)) => *a == b,
        (Val::Node(_), _) | (_, Cell::Node(_)) => false,
        (_, one) => compare(BinOp::Eq, e, &cell_val(one)),
    }
}

/// `e == v` for one stored value, without building a [`Val`] for anything but a scalar.
fn value_eq(e: &Val, v: &Value) -> bool {
    match (e, &v.kind) {
        (Val::Node(a), ValueKind::Ref(b) | ValueKind::Block(b)) => a == b,
        (Val::Node(_), _) => false,
        _ => compare(BinOp::Eq, e, &value(v)),
    }
}

pub fn truthy(v: &Val) -> bool {
    match v {
        Val::Absent => false,
        Val::Bool(b) => *b,
        Val::List(items) => !items.is_empty(),
        Val::Text(t) => !super::columns::blank(t),
        _ => true,
    }
}

/// Average lengths, for comparing durations written in different units (`90 days` < `3 months`).
fn approx_days(n: i64, u: DurationUnit) -> f64 {
    n as f64
        * match u {
            DurationUnit::Day => 1.0,
            DurationUnit::Week => 7.0,
            DurationUnit::Month => 30.436875,
            DurationUnit::Year => 365.2425,
        }
}

fn order(a: &Val, b: &Val) -> Option<Ordering> {
    match (a, b) {
        (Val::Int(x), Val::Int(y)) => Some(x.cmp(y)),
        (Val::Int(_) | Val::Number(_), Val::Int(_) | Val::Number(_)) => num(a)?.partial_cmp(&num(b)?),
        (Val::Date(x), Val::Date(y)) => Some(x.cmp(y)),
        (Val::Duration(n, u), Val::Duration(m, w)) => approx_days(*n, *u).partial_cmp(&approx_days(*m, *w)),
        (Val::Enum(e, x), Val::Enum(f, y)) if e == f => Some(x.cmp(y)),
        _ => None,
    }
}

fn num(v: &Val) -> Option<f64> {
    match v {
        Val::Int(n) => Some(*n as f64),
        Val::Number(n) => Some(*n),
        _ => None,
    }
}

/// Comparisons with a missing value are false, whatever the operator: a rule that needs the
/// value present says so with `require x.field`.
pub fn compare(op: BinOp, a: &Val, b: &Val) -> bool {
    if matches!(a, Val::Absent) || matches!(b, Val::Absent) {
        return false;
    }
    match op {
        BinOp::Eq | BinOp::Ne => {
            let eq = match order(a, b) {
                Some(o) => o == Ordering::Equal,
                None => a == b,
            };
            eq == (op == BinOp::Eq)
        }
        BinOp::Lt => order(a, b) == Some(Ordering::Less),
        BinOp::Le => matches!(order(a, b), Some(Ordering::Less | Ordering::Equal)),
        BinOp::Gt => order(a, b) == Some(Ordering::Greater),
        BinOp::Ge => matches!(order(a, b), Some(Ordering::Greater | Ordering::Equal)),
        _ => false,
    }
}

/// `date + duration` (or `-`), or `None` when the result is not a date the calendar has.
fn shift(op: BinOp, d: jiff::civil::Date, n: i64, u: DurationUnit) -> Option<jiff::civil::Date> {
    let n = if op == BinOp::Sub { n.checked_neg()? } else { n };
    let span = match u {
        DurationUnit::Day => jiff::Span::new().try_days(n),
        DurationUnit::Week => jiff::Span::new().try_weeks(n),
        DurationUnit::Month => jiff::Span::new().try_months(n),
        DurationUnit::Year => jiff::Span::new().try_years(n),
    };
    span.ok().and_then(|s| d.checked_add(s).ok())
}

fn arith<'a>(op: BinOp, a: Val<'a>, b: Val<'a>) -> Val<'a> {
    let sign = if op == BinOp::Sub { -1 } else { 1 };
    match (a, b) {
        (Val::Int(x), Val::Int(y)) => y.checked_mul(sign).and_then(|y| x.checked_add(y)).map_or(Val::Absent, Val::Int),
        (a, b) => match (num(&a), num(&b)) {
            (Some(x), Some(y)) => Val::Number(x + y * sign as f64),
            _ => Val::Absent,
        },
    }
}
