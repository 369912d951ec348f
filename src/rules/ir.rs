//! The checked form of a rule: expressions with their names resolved and types known, ready to
//! evaluate. Built by [`super::check`] from the syntax tree.

use crate::diagnostics::Severity;
use crate::sema::schema::{EnumId, KindId};
use crate::sema::NodeId;
use crate::source::{FileId, Origin, Span};
use crate::syntax::ast::{BinOp, DurationUnit, Quantifier};

/// The static type of an expression.
#[derive(Clone, Debug, PartialEq)]
pub enum Ty {
    Bool,
    Int,
    Number,
    Percent,
    Text,
    Date,
    Duration,
    Enum(EnumId),
    /// A reference to (or a nested block of) one of these kinds.
    Node(Vec<KindId>),
    List(Box<Ty>),
    /// A bare word whose meaning comes from what it is compared with (`high`, `priya`).
    Word(String),
}

#[derive(Clone, Debug, PartialEq)]
pub enum Lit {
    Bool(bool),
    Int(i64),
    Number(f64),
    Percent(f64),
    Text(String),
    Date(jiff::civil::Date),
    Duration(i64, DurationUnit),
    Enum(EnumId, u32),
    Node(NodeId),
}

#[derive(Clone, Debug)]
pub enum Ex {
    Lit(Lit),
    Today,
    /// A variable bound by `for` or a quantifier, by slot number.
    Var(usize),
    /// A field of a node (or of each node of a list, flattened).
    Field(Box<Ex>, Field),
    Not(Box<Ex>),
    And(Box<Ex>, Box<Ex>),
    Or(Box<Ex>, Box<Ex>),
    Compare(BinOp, Box<Ex>, Box<Ex>),
    In(Box<Ex>, Box<Ex>),
    /// Whether a node is of one of these kinds.
    IsKind(Box<Ex>, usize),
    /// `a + b` or `a - b`, with where it is written in the rule (a date that falls off the
    /// calendar is reported there).
    Arith(BinOp, Box<Ex>, Box<Ex>, Span),
    List(Vec<Ex>),
    /// Whether a value is there: a present field, a non-empty list, `yes`.
    Truthy(Box<Ex>),
    Quantified {
        quantifier: Quantifier,
        slot: usize,
        source: Source,
        filter: Option<Box<Ex>>,
    },
    Count {
        slot: usize,
        source: Source,
        filter: Option<Box<Ex>>,
    },
    /// `nearest TEXT in SOURCE`: the members whose ID or title is nearest the text ("did you
    /// mean"), as a list; empty when none is near.
    Nearest(Box<Ex>, Source),
    /// `those x in SOURCE where FILTER`: the members that pass, as a list.
    Those {
        slot: usize,
        source: Source,
        filter: Option<Box<Ex>>,
    },
    /// A quantifier or count that reads no variable bound outside it (`none d in control where
    /// d.id == "A.7.4" ...` inside `for s in system`): the same for every item, so computed once
    /// per rule run and kept in the slot `usize` of the run's cache.
    Hoisted(usize, Box<Ex>),
}

/// A field read by a rule: its name, and where the schema declares it for each kind the
/// checker knows the item can be (the kind and the field's position among the kind's fields),
/// which is how the evaluator finds the field's column ([`super::columns`]).
#[derive(Clone, Debug)]
pub struct Field {
    pub name: String,
    pub at: Vec<(KindId, u32)>,
}

/// What a `for` or a quantifier ranges over.
#[derive(Clone, Debug)]
pub enum Source {
    /// Every item (or nested block) of a kind.
    Kind(KindId),
    /// The nodes of `kind` whose field at position `at` among the kind's fields (as
    /// [`crate::sema::Referrer`] names it) refers to the node `target`: a reverse look-up through
    /// the index, used when the filter says `x.field == target` (or `target in x.field`).
    Referrers { kind: KindId, at: u32, target: Box<Ex> },
    /// The nodes of `kind` whose ID is the text `id` evaluates to, in model order: a look-up by
    /// ID, used when the filter says `x.id == "A.7.4"` (the condition stays in the filter).
    Named { kind: KindId, id: Box<Ex> },
    /// Any list-valued expression.
    Expr(Box<Ex>),
    /// Once, for the spec as a whole (a rule without `for`).
    Once,
}

/// A piece of a message: literal text or an interpolated expression.
#[derive(Clone, Debug)]
pub enum Piece {
    Text(String),
    Expr(Ex),
}

#[derive(Clone, Debug)]
pub struct Rule {
    pub id: String,
    pub title: String,
    pub severity: Severity,
    /// The severity declared in the stdlib, when the spec changed it.
    pub default_severity: Severity,
    pub refs: Vec<String>,
    pub doc: String,
    pub origin: Origin,
    pub file: FileId,
    pub span: Span,
    pub body: Option<Body>,
}

#[derive(Clone, Debug)]
pub struct Body {
    pub source: Source,
    pub filter: Option<Ex>,
    pub require: Ex,
    /// `group`: the items that fail make one finding, and the rule's variable holds the list of
    /// them in `at`, `label`, `message` and `help`.
    pub group: bool,
    /// `at`: where a finding points, tried in order (the first that gives an item of the spec);
    /// the fallback is in [`super::place`].
    pub at: Vec<Source>,
    /// `label`: the text under the place; by default the rule's title, read as not met.
    pub label: Option<Vec<Piece>>,
    pub message: Vec<Piece>,
    pub help: Option<Vec<Piece>>,
    /// Number of variable slots the body uses.
    pub slots: usize,
    /// Number of [`Ex::Hoisted`] sub-conditions in the body.
    pub hoisted: usize,
}
