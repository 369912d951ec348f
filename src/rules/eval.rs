//! Evaluates checked rules over the Model. Every look-up is an index (items of a kind, the
//! referrers of a node), so a rule costs time in proportion to the items it visits.

use super::ir::{Ex, Lit, Piece, Source};
use crate::sema::{Model, NodeId, Value, ValueKind};
use crate::syntax::ast::{BinOp, DurationUnit, Quantifier};
use std::cmp::Ordering;

#[derive(Clone, Debug, PartialEq)]
pub enum Val {
    /// A field that is not given.
    Absent,
    Bool(bool),
    Int(i64),
    Number(f64),
    Text(String),
    Date(jiff::civil::Date),
    Duration(i64, DurationUnit),
    Enum(usize, u32),
    Node(NodeId),
    List(Vec<Val>),
}

pub struct Env<'m> {
    pub model: &'m Model,
    pub today: jiff::civil::Date,
    /// Nodes of each kind, nested blocks included.
    pub nodes_of_kind: &'m [Vec<NodeId>],
    pub slots: Vec<Val>,
}

impl Env<'_> {
    pub fn eval(&mut self, e: &Ex) -> Val {
        match e {
            Ex::Lit(l) => lit(l),
            Ex::Today => Val::Date(self.today),
            Ex::Var(s) => self.slots[*s].clone(),
            Ex::Field(base, name) => {
                let b = self.eval(base);
                self.field(b, name)
            }
            Ex::Not(inner) => Val::Bool(!self.test(inner)),
            Ex::And(a, b) => Val::Bool(self.test(a) && self.test(b)),
            Ex::Or(a, b) => Val::Bool(self.test(a) || self.test(b)),
            Ex::Truthy(inner) => Val::Bool(truthy(&self.eval(inner))),
            Ex::Compare(op, a, b) => {
                let (a, b) = (self.eval(a), self.eval(b));
                Val::Bool(compare(*op, &a, &b))
            }
            Ex::In(elem, list) => {
                let (e, l) = (self.eval(elem), self.eval(list));
                Val::Bool(match l {
                    Val::List(items) => items.iter().any(|i| compare(BinOp::Eq, &e, i)),
                    other => compare(BinOp::Eq, &e, &other),
                })
            }
            Ex::IsKind(e, kind) => Val::Bool(matches!(self.eval(e), Val::Node(n) if self.model.node(n).kind == *kind)),
            Ex::Arith(op, a, b) => {
                let (a, b) = (self.eval(a), self.eval(b));
                arith(*op, a, b)
            }
            Ex::List(items) => Val::List(items.iter().map(|i| self.eval(i)).collect()),
            Ex::Quantified { quantifier, slot, source, filter } => {
                let items = self.source(source);
                let mut passed = 0usize;
                for item in &items {
                    self.slots[*slot] = item.clone();
                    let ok = match filter {
                        Some(f) => self.test(f),
                        None => truthy(item),
                    };
                    match (quantifier, ok) {
                        (Quantifier::Any, true) => return Val::Bool(true),
                        (Quantifier::All, false) | (Quantifier::None, true) => return Val::Bool(false),
                        _ => passed += ok as usize,
                    }
                }
                let _ = passed;
                Val::Bool(!matches!(quantifier, Quantifier::Any))
            }
            Ex::Count { slot, source, filter } => {
                let items = self.source(source);
                let mut n = 0;
                for item in &items {
                    self.slots[*slot] = item.clone();
                    if filter.as_ref().is_none_or(|f| self.test(f)) {
                        n += 1;
                    }
                }
                Val::Int(n)
            }
        }
    }

    pub fn test(&mut self, e: &Ex) -> bool {
        truthy(&self.eval(e))
    }

    pub fn source(&mut self, s: &Source) -> Vec<Val> {
        match s {
            Source::Kind(k) => {
                self.nodes_of_kind.get(*k).map_or(Vec::new(), |v| v.iter().map(|n| Val::Node(*n)).collect())
            }
            Source::Once => vec![Val::Absent],
            Source::Referrers { kind, field, target } => {
                let Val::Node(t) = self.eval(target) else { return Vec::new() };
                let mut out: Vec<Val> = Vec::new();
                for r in self.model.referrers(t) {
                    if r.field == *field && self.model.node(r.from).kind == *kind {
                        let v = Val::Node(r.from);
                        // A list may cite the same node twice; visit each referrer once.
                        if out.last() != Some(&v) {
                            out.push(v);
                        }
                    }
                }
                out
            }
            Source::Expr(e) => match self.eval(e) {
                Val::List(items) => items,
                Val::Absent => Vec::new(),
                one => vec![one],
            },
        }
    }

    fn field(&self, base: Val, name: &str) -> Val {
        match base {
            Val::Node(n) => {
                let node = self.model.node(n);
                match name {
                    "id" => node.id.clone().map_or(Val::Absent, Val::Text),
                    "title" => node.title.clone().map_or(Val::Absent, Val::Text),
                    _ => node.fields.get(name).map_or(Val::Absent, value),
                }
            }
            Val::List(items) => {
                let mut out = Vec::new();
                for i in items {
                    match self.field(i, name) {
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

    pub fn render(&mut self, pieces: &[Piece]) -> String {
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
            Val::Text(t) => t.clone(),
            Val::Date(d) => d.to_string(),
            Val::Duration(n, u) => format!("{n} {}", u.name(*n)),
            Val::Enum(e, i) => {
                self.model.schema.enum_def(*e).members.get_index(*i as usize).map_or(String::new(), |(m, _)| m.clone())
            }
            Val::Node(n) => self.model.display_name(*n),
            Val::List(items) => items.iter().map(|i| self.display(i)).collect::<Vec<_>>().join(", "),
        }
    }
}

fn lit(l: &Lit) -> Val {
    match l {
        Lit::Bool(b) => Val::Bool(*b),
        Lit::Int(n) => Val::Int(*n),
        Lit::Number(n) | Lit::Percent(n) => Val::Number(*n),
        Lit::Text(t) => Val::Text(t.clone()),
        Lit::Date(d) => Val::Date(*d),
        Lit::Duration(n, u) => Val::Duration(*n, *u),
        Lit::Enum(e, i) => Val::Enum(*e, *i),
        Lit::Node(n) => Val::Node(*n),
    }
}

fn value(v: &Value) -> Val {
    match &v.kind {
        ValueKind::Text(t) => Val::Text(t.clone()),
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

pub fn truthy(v: &Val) -> bool {
    match v {
        Val::Absent => false,
        Val::Bool(b) => *b,
        Val::List(items) => !items.is_empty(),
        Val::Text(t) => !t.trim().is_empty(),
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

fn arith(op: BinOp, a: Val, b: Val) -> Val {
    let sign = if op == BinOp::Sub { -1 } else { 1 };
    match (a, b) {
        (Val::Date(d), Val::Duration(n, u)) => {
            let n = n * sign;
            let span = match u {
                DurationUnit::Day => jiff::Span::new().try_days(n),
                DurationUnit::Week => jiff::Span::new().try_weeks(n),
                DurationUnit::Month => jiff::Span::new().try_months(n),
                DurationUnit::Year => jiff::Span::new().try_years(n),
            };
            span.ok().and_then(|s| d.checked_add(s).ok()).map_or(Val::Absent, Val::Date)
        }
        (Val::Int(x), Val::Int(y)) => x.checked_add(y * sign).map_or(Val::Absent, Val::Int),
        (a, b) => match (num(&a), num(&b)) {
            (Some(x), Some(y)) => Val::Number(x + y * sign as f64),
            _ => Val::Absent,
        },
    }
}
