//! The syntax tree of one `.aims` file: what was written, with exact byte spans, before any
//! meaning is given to it. Kinds, fields and words are plain text here; sema decides what they
//! mean against the schema.

use crate::source::Span;
pub use compact_str::CompactString;

#[derive(Clone, Debug, serde::Serialize, serde::Deserialize, Default)]
pub struct Ast {
    pub items: Vec<Item>,
    /// Every `//` comment, in order, so that a formatter can keep them.
    pub comments: Vec<Comment>,
}

#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Comment {
    pub span: Span,
    pub text: String,
}

#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub enum Item {
    Block(Block),
    Kind(KindDecl),
    Enum(EnumDecl),
    Rule(Box<RuleDecl>),
    Waiver(Waiver),
}

impl Item {
    pub fn span(&self) -> Span {
        match self {
            Item::Block(b) => b.span,
            Item::Kind(k) => k.span,
            Item::Enum(e) => e.span,
            Item::Rule(r) => r.span,
            Item::Waiver(w) => w.span,
        }
    }
}

/// A name as written, with where it was written.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize, PartialEq, Eq)]
pub struct Name {
    /// Short names (24 bytes or less, nearly all of them) are kept inline.
    pub text: CompactString,
    pub span: Span,
}

/// `KIND ID "Title" { ... }`, at the top level or nested.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Block {
    pub kind: Name,
    pub id: Option<Name>,
    pub title: Option<Str>,
    pub entries: Vec<Entry>,
    /// From the kind to the closing brace.
    pub span: Span,
    /// The opening brace, to point at when the block is not closed.
    pub open: Span,
}

impl Block {
    /// The header (`system sepsis_alert "Title"`), the place most findings about an item point at.
    pub fn header_span(&self) -> Span {
        let end = self.title.as_ref().map(|t| t.span).or(self.id.as_ref().map(|i| i.span)).unwrap_or(self.kind.span);
        self.kind.span.to(end)
    }
}

#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub enum Entry {
    Field(Field),
    Block(Block),
}

#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Field {
    pub name: Name,
    pub value: Value,
    pub span: Span,
}

#[derive(Clone, Debug, serde::Serialize, serde::Deserialize, PartialEq)]
pub struct Str {
    pub value: String,
    pub span: Span,
}

#[derive(Clone, Debug, serde::Serialize, serde::Deserialize, PartialEq)]
pub struct Value {
    pub kind: ValueKind,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, serde::Serialize, serde::Deserialize, PartialEq, Eq)]
pub enum DurationUnit {
    Day,
    Week,
    Month,
    Year,
}

impl DurationUnit {
    pub fn name(self, n: i64) -> &'static str {
        match (self, n == 1) {
            (DurationUnit::Day, true) => "day",
            (DurationUnit::Day, false) => "days",
            (DurationUnit::Week, true) => "week",
            (DurationUnit::Week, false) => "weeks",
            (DurationUnit::Month, true) => "month",
            (DurationUnit::Month, false) => "months",
            (DurationUnit::Year, true) => "year",
            (DurationUnit::Year, false) => "years",
        }
    }
}

#[derive(Clone, Debug, serde::Serialize, serde::Deserialize, PartialEq)]
pub enum ValueKind {
    /// `"..."`
    String(String),
    /// `"""..."""`, with the common indentation removed.
    Text(String),
    Integer(i64),
    Decimal(f64),
    Percent(f64),
    Date(jiff::civil::Date),
    Duration(i64, DurationUnit),
    /// A bare word: a reference, an enum value or a boolean, depending on the field.
    Word(CompactString),
    /// `A.7.4`: a reference to an item with a dotted ID.
    Dotted(CompactString),
    /// `iso42001:9.3`
    StdRef {
        standard: CompactString,
        clause: CompactString,
    },
    List(Vec<Value>),
    /// A value that could not be read (an impossible date, say); its error is already reported.
    Invalid,
}

impl ValueKind {
    /// How the value is described to an author in "expected a date, found a word".
    pub fn describe(&self) -> &'static str {
        match self {
            ValueKind::String(_) | ValueKind::Text(_) => "a text",
            ValueKind::Integer(_) => "a whole number",
            ValueKind::Decimal(_) => "a decimal number",
            ValueKind::Percent(_) => "a percentage",
            ValueKind::Date(_) => "a date",
            ValueKind::Duration(..) => "a duration",
            ValueKind::Word(_) => "a name",
            ValueKind::Dotted(_) => "a dotted ID",
            ValueKind::StdRef { .. } => "a standard reference",
            ValueKind::List(_) => "a list",
            ValueKind::Invalid => "an invalid value",
        }
    }
}

/// `kind risk "AI risk" { ... }` or `block treatment { ... }`.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct KindDecl {
    pub nested: bool,
    pub name: Name,
    pub title: Option<Str>,
    pub doc: Option<Str>,
    pub fields: Vec<FieldDecl>,
    pub span: Span,
}

#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct FieldDecl {
    pub name: Name,
    pub ty: TypeExpr,
    pub required: bool,
    pub many: bool,
    /// Filled in by the compiler (the risk score), never written by an author.
    pub computed: bool,
    pub description: Option<Str>,
    pub span: Span,
}

#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub enum TypeExpr {
    /// One name, or several separated by `|` (a reference to one of several kinds).
    Names(Vec<Name>),
    List(Box<TypeExpr>, Span),
}

#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct EnumDecl {
    pub name: Name,
    pub title: Option<Str>,
    pub doc: Option<Str>,
    pub members: Vec<EnumMember>,
    pub span: Span,
}

#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct EnumMember {
    pub name: Name,
    pub description: Option<Str>,
}

/// `rule ID "Title" { fields... for x in kind where ... require ... message "..." }`
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct RuleDecl {
    pub id: Name,
    pub title: Option<Str>,
    pub fields: Vec<Field>,
    pub body: Option<RuleBody>,
    pub span: Span,
}

#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct RuleBody {
    /// `for NAME in KIND`; `None` for a rule about the spec as a whole.
    pub binder: Option<Name>,
    pub collection: Option<Path>,
    pub filter: Option<Expr>,
    pub require: Expr,
    /// `group`: the items that fail make one finding together.
    pub group: Option<Span>,
    /// `at EXPR, ...`: where the finding points (the first of these that is an item of the spec).
    pub at: Vec<Expr>,
    /// `label "..."`: the text under the place the finding points at.
    pub label: Option<Str>,
    pub message: Str,
    pub help: Option<Str>,
    pub span: Span,
}

#[derive(Clone, Debug, serde::Serialize, serde::Deserialize, PartialEq)]
pub struct Path {
    pub head: Name,
    pub fields: Vec<Name>,
    pub span: Span,
}

#[derive(Clone, Debug, serde::Serialize, serde::Deserialize, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, serde::Serialize, serde::Deserialize, PartialEq, Eq)]
pub enum BinOp {
    Or,
    And,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    In,
    NotIn,
    /// `x is KIND`: whether an item is of a kind.
    Is,
    Add,
    Sub,
}

impl BinOp {
    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::Or => "or",
            BinOp::And => "and",
            BinOp::Eq => "==",
            BinOp::Ne => "!=",
            BinOp::Lt => "<",
            BinOp::Le => "<=",
            BinOp::Gt => ">",
            BinOp::Ge => ">=",
            BinOp::In => "in",
            BinOp::NotIn => "not in",
            BinOp::Is => "is",
            BinOp::Add => "+",
            BinOp::Sub => "-",
        }
    }
}

#[derive(Clone, Copy, Debug, serde::Serialize, serde::Deserialize, PartialEq, Eq)]
pub enum Quantifier {
    Any,
    All,
    None,
}

#[derive(Clone, Debug, serde::Serialize, serde::Deserialize, PartialEq)]
pub enum ExprKind {
    Literal(ValueKind),
    Path(Path),
    List(Vec<Expr>),
    Not(Box<Expr>),
    Binary(BinOp, Box<Expr>, Box<Expr>),
    Quantified {
        quantifier: Quantifier,
        binder: Name,
        source: Path,
        filter: Option<Box<Expr>>,
    },
    Count {
        binder: Name,
        source: Path,
        filter: Option<Box<Expr>>,
    },
    /// `those x in SOURCE where FILTER`: the members that pass, as a list.
    Those {
        binder: Name,
        source: Path,
        filter: Option<Box<Expr>>,
    },
    /// `(EXPR).field`: a field of what an expression gives.
    Field(Box<Expr>, Name),
    /// `nearest TEXT in SOURCE`: the members whose ID (or title) is nearest the text.
    Nearest {
        of: Box<Expr>,
        source: Path,
    },
}

/// `waive RULE for ITEM { reason: ... approved_by: ... expires: ... }`
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Waiver {
    pub rule: Name,
    pub target: Name,
    pub entries: Vec<Entry>,
    pub span: Span,
}
