//! pest pairs to the syntax tree. Values that parse but make no sense (an impossible date, a
//! number too large) are reported here and kept in the tree as `Invalid`. Nesting depth is
//! bounded before parsing (see `depth.rs`), so the recursion here is bounded too; rule
//! conditions are also bounded in depth as they are built (see [`MAX_EXPR_DEPTH`]).

use super::ast::*;
use super::depth::MAX_EXPR_DEPTH;
use super::parser::Rule;
use crate::diagnostics::{codes, Diagnostic};
use crate::source::{FileId, Span};
use pest::iterators::Pair;

pub(crate) struct Cx<'d> {
    file: FileId,
    /// Byte offset of the parsed slice in the file (non-zero when resuming after an error).
    base: usize,
    diags: &'d mut Vec<Diagnostic>,
}

impl<'d> Cx<'d> {
    pub(crate) fn new(file: FileId, base: usize, diags: &'d mut Vec<Diagnostic>) -> Self {
        Cx { file, base, diags }
    }

    fn span(&self, pair: &Pair<Rule>) -> Span {
        let s = pair.as_span();
        Span::new(s.start() + self.base, s.end() + self.base)
    }

    fn name(&self, pair: &Pair<Rule>) -> Name {
        Name { text: pair.as_str().into(), span: self.span(pair) }
    }

    fn error(&mut self, code: codes::Code, span: Span, message: String, label: &str) -> &mut Diagnostic {
        self.diags.push(Diagnostic::new(code, message).primary(self.file, span, label));
        self.diags.last_mut().expect("just pushed")
    }

    pub(crate) fn item(&mut self, pair: Pair<Rule>) -> Option<Item> {
        match pair.as_rule() {
            Rule::block => self.block(pair).map(Item::Block),
            Rule::kind_decl => Some(Item::Kind(self.kind_decl(pair))),
            Rule::enum_decl => Some(Item::Enum(self.enum_decl(pair))),
            Rule::rule_decl => Some(Item::Rule(Box::new(self.rule_decl(pair)))),
            Rule::waiver => Some(Item::Waiver(self.waiver(pair))),
            _ => None,
        }
    }

    fn block(&mut self, pair: Pair<Rule>) -> Option<Block> {
        let span = self.span(&pair);
        let mut kind = None;
        let mut id = None;
        let mut title = None;
        let mut entries = Vec::new();
        let mut open = span;
        // A block's parts are never keywords: its pairs are read as they are, unfiltered.
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::kind => kind = Some(self.name(&p)),
                Rule::block_id => id = Some(self.name(&p)),
                Rule::string => title = Some(self.string(p)),
                Rule::body => {
                    let body_span = self.span(&p);
                    open = Span::new(body_span.start as usize, body_span.start as usize + 1);
                    entries = self.entries(p);
                }
                _ => {}
            }
        }
        Some(Block { kind: kind?, id, title, entries, span, open })
    }

    fn entries(&mut self, body: Pair<Rule>) -> Vec<Entry> {
        // pest knows how many pairs a body holds (its entries and the closing brace): one
        // allocation for the entries instead of a growing vector.
        let inner = body.into_inner();
        let mut entries = Vec::with_capacity(inner.len());
        for p in inner {
            match p.as_rule() {
                Rule::field => entries.push(Entry::Field(self.field(p))),
                Rule::block => {
                    if let Some(b) = self.block(p) {
                        entries.push(Entry::Block(b))
                    }
                }
                _ => {}
            }
        }
        entries
    }

    fn field(&mut self, pair: Pair<Rule>) -> Field {
        let span = self.span(&pair);
        let mut inner = pair.into_inner();
        let name = self.name(&inner.next().expect("a field has a name"));
        let value = inner.next().map(|v| self.value(v)).unwrap_or(Value { kind: ValueKind::Invalid, span });
        Field { name, value, span }
    }

    pub(crate) fn value(&mut self, pair: Pair<Rule>) -> Value {
        let span = self.span(&pair);
        let s = pair.as_str();
        let kind = match pair.as_rule() {
            Rule::string => ValueKind::String(self.string(pair).value),
            Rule::text => ValueKind::Text(dedent(&s[3..s.len() - 3])),
            Rule::integer => match s.parse::<i64>() {
                Ok(n) => ValueKind::Integer(n),
                Err(_) => {
                    self.error(codes::NUMBER_TOO_LARGE, span, format!("the number `{s}` is too large"), "too large")
                        .help = Some("numbers must lie between -9223372036854775808 and 9223372036854775807".into());
                    ValueKind::Invalid
                }
            },
            Rule::decimal => self.float(s, span).map_or(ValueKind::Invalid, ValueKind::Decimal),
            Rule::percent => self.float(&s[..s.len() - 1], span).map_or(ValueKind::Invalid, ValueKind::Percent),
            Rule::date => self.date(s, span),
            Rule::duration => self.duration(pair, span),
            Rule::name => match s.split_once(':') {
                Some((standard, clause)) => ValueKind::StdRef { standard: standard.into(), clause: clause.into() },
                None if s.contains('.') => ValueKind::Dotted(s.into()),
                None => ValueKind::Word(s.into()),
            },
            Rule::stdref => {
                let (standard, clause) = s.split_once(':').expect("a standard reference has a colon");
                ValueKind::StdRef { standard: standard.into(), clause: clause.into() }
            }
            Rule::list => {
                let inner = pair.into_inner();
                let mut items = Vec::with_capacity(inner.len());
                items.extend(inner.map(|p| self.value(p)));
                ValueKind::List(items)
            }
            _ => ValueKind::Invalid,
        };
        Value { kind, span }
    }

    fn float(&mut self, s: &str, span: Span) -> Option<f64> {
        match s.parse::<f64>() {
            Ok(f) if f.is_finite() => Some(f),
            _ => {
                self.error(codes::NUMBER_TOO_LARGE, span, format!("the number `{s}` is too large"), "too large");
                None
            }
        }
    }

    fn date(&mut self, s: &str, span: Span) -> ValueKind {
        let num = |r: std::ops::Range<usize>| s[r].parse::<i16>().unwrap_or(0);
        let (y, m, d) = (num(0..4), num(5..7) as i8, num(8..10) as i8);
        match jiff::civil::Date::new(y, m, d) {
            Ok(date) => ValueKind::Date(date),
            Err(_) => {
                let why = if !(1..=12).contains(&m) {
                    format!("there is no month {m}")
                } else {
                    let days = jiff::civil::Date::new(y, m, 1).map(|f| f.days_in_month()).unwrap_or(31);
                    let month = MONTHS[(m - 1) as usize];
                    if y == 0 {
                        "there is no year 0".to_string()
                    } else {
                        format!("{month} {y} has {days} days")
                    }
                };
                self.error(codes::INVALID_DATE, span, format!("`{s}` is not a real date"), &why).help =
                    Some("dates are written YEAR-MONTH-DAY, for example `2026-03-10`".into());
                ValueKind::Invalid
            }
        }
    }

    fn duration(&mut self, pair: Pair<Rule>, span: Span) -> ValueKind {
        let mut inner = kids(pair);
        let count = inner.next().map_or("0", |p| p.as_str());
        let unit = match inner.next().map_or("", |p| p.as_str()).trim_end_matches('s') {
            "day" => DurationUnit::Day,
            "week" => DurationUnit::Week,
            "month" => DurationUnit::Month,
            _ => DurationUnit::Year,
        };
        match count.parse::<i64>() {
            Ok(n) if n <= 100_000 => ValueKind::Duration(n, unit),
            _ => {
                self.error(codes::NUMBER_TOO_LARGE, span, format!("the duration `{count}` is too long"), "too long");
                ValueKind::Invalid
            }
        }
    }

    fn string(&mut self, pair: Pair<Rule>) -> Str {
        let span = self.span(&pair);
        let quoted = pair.as_str();
        let raw = &quoted[1..quoted.len() - 1];
        // Most texts have no escape: one copy, not a push per character.
        if !raw.contains('\\') {
            return Str { value: raw.to_string(), span };
        }
        let mut value = String::with_capacity(raw.len());
        let mut chars = raw.char_indices();
        while let Some((i, c)) = chars.next() {
            if c != '\\' {
                value.push(c);
                continue;
            }
            match chars.next() {
                Some((_, '"')) => value.push('"'),
                Some((_, '\\')) => value.push('\\'),
                Some((_, 'n')) => value.push('\n'),
                Some((_, 't')) => value.push('\t'),
                Some((j, other)) => {
                    let at = span.start as usize + 1 + i;
                    let esc_span = Span::new(at, at + 1 + (j - i - 1) + other.len_utf8());
                    self.error(
                        codes::SYNTAX,
                        esc_span,
                        format!("unknown escape `\\{other}` in a string"),
                        "unknown escape",
                    )
                    .help = Some("the escapes are `\\\"`, `\\\\`, `\\n` and `\\t`; use `\\\\` for a backslash".into());
                    value.push(other);
                }
                None => value.push('\\'),
            }
        }
        Str { value, span }
    }

    fn kind_decl(&mut self, pair: Pair<Rule>) -> KindDecl {
        let span = self.span(&pair);
        let mut decl = KindDecl {
            nested: false,
            name: Name { text: CompactString::default(), span },
            title: None,
            doc: None,
            fields: Vec::new(),
            span,
        };
        for p in kids(pair) {
            match p.as_rule() {
                Rule::kind_keyword => decl.nested = p.as_str() == "block",
                Rule::decl_name => decl.name = self.name(&p),
                Rule::string => decl.title = Some(self.string(p)),
                Rule::doc => decl.doc = self.doc(p),
                Rule::field_decl => decl.fields.push(self.field_decl(p)),
                _ => {}
            }
        }
        decl
    }

    fn doc(&mut self, pair: Pair<Rule>) -> Option<Str> {
        let p = kids(pair).next()?;
        Some(match p.as_rule() {
            Rule::text => {
                let span = self.span(&p);
                let s = p.as_str();
                Str { value: dedent(&s[3..s.len() - 3]), span }
            }
            _ => self.string(p),
        })
    }

    fn field_decl(&mut self, pair: Pair<Rule>) -> FieldDecl {
        let span = self.span(&pair);
        let mut inner = kids(pair);
        let name = self.name(&inner.next().expect("a field declaration has a name"));
        let mut decl = FieldDecl {
            name,
            ty: TypeExpr::Names(Vec::new()),
            required: false,
            many: false,
            computed: false,
            description: None,
            span,
        };
        for p in inner {
            match p.as_rule() {
                Rule::type_expr => decl.ty = self.type_expr(p),
                Rule::modifier => match p.as_str() {
                    "required" => decl.required = true,
                    "computed" => decl.computed = true,
                    _ => decl.many = true,
                },
                Rule::string => decl.description = Some(self.string(p)),
                _ => {}
            }
        }
        decl
    }

    fn type_expr(&mut self, pair: Pair<Rule>) -> TypeExpr {
        let Some(p) = kids(pair).next() else { return TypeExpr::Names(Vec::new()) };
        match p.as_rule() {
            Rule::list_type => {
                let span = self.span(&p);
                let inner = kids(p).next().map_or(TypeExpr::Names(Vec::new()), |t| self.type_expr(t));
                TypeExpr::List(Box::new(inner), span)
            }
            _ => TypeExpr::Names(kids(p).map(|n| self.name(&n)).collect()),
        }
    }

    fn enum_decl(&mut self, pair: Pair<Rule>) -> EnumDecl {
        let span = self.span(&pair);
        let mut decl = EnumDecl {
            name: Name { text: CompactString::default(), span },
            title: None,
            doc: None,
            members: Vec::new(),
            span,
        };
        for p in kids(pair) {
            match p.as_rule() {
                Rule::decl_name => decl.name = self.name(&p),
                Rule::string => decl.title = Some(self.string(p)),
                Rule::doc => decl.doc = self.doc(p),
                Rule::enum_member => {
                    let mut inner = kids(p);
                    let name = self.name(&inner.next().expect("a member has a name"));
                    let description = inner.next().map(|s| self.string(s));
                    decl.members.push(EnumMember { name, description });
                }
                _ => {}
            }
        }
        decl
    }

    fn rule_decl(&mut self, pair: Pair<Rule>) -> RuleDecl {
        let span = self.span(&pair);
        let mut decl = RuleDecl {
            id: Name { text: CompactString::default(), span },
            title: None,
            fields: Vec::new(),
            body: None,
            span,
        };
        for p in kids(pair) {
            match p.as_rule() {
                Rule::block_id => decl.id = self.name(&p),
                Rule::string => decl.title = Some(self.string(p)),
                Rule::rule_field => decl.fields.push(self.field(p)),
                Rule::rule_body => {
                    if decl.body.is_some() {
                        self.error(
                            codes::SYNTAX,
                            self.span(&p),
                            "a rule has one `for ... require ... message` body".into(),
                            "second body",
                        )
                        .help = Some("split it into two rules, each with its own id".into());
                    } else {
                        decl.body = self.rule_body(p);
                    }
                }
                _ => {}
            }
        }
        decl
    }

    fn rule_body(&mut self, pair: Pair<Rule>) -> Option<RuleBody> {
        let span = self.span(&pair);
        let mut binder = None;
        let mut collection = None;
        let mut filter = None;
        let mut require = None;
        let mut message = None;
        let mut help = None;
        let (mut group, mut at, mut label) = (None, Vec::new(), None);
        for p in kids(pair) {
            match p.as_rule() {
                Rule::for_clause => {
                    let mut inner = kids(p);
                    binder = inner.next().map(|b| self.name(&b));
                    collection = inner.next().and_then(|c| kids(c).next()).map(|path| self.path(path));
                }
                Rule::where_clause => filter = kids(p).next().and_then(|e| self.expr(e)),
                Rule::require_clause => require = kids(p).next().and_then(|e| self.expr(e)),
                Rule::message_clause => message = kids(p).next().map(|s| self.string(s)),
                Rule::help_clause => help = kids(p).next().map(|s| self.string(s)),
                Rule::group_clause => group = Some(self.span(&p)),
                Rule::at_clause => at = kids(p).filter_map(|e| self.expr(e)).collect(),
                Rule::label_clause => label = kids(p).next().map(|s| self.string(s)),
                _ => {}
            }
        }
        Some(RuleBody {
            binder,
            collection,
            filter,
            require: require?,
            group,
            at,
            label,
            message: message?,
            help,
            span,
        })
    }

    fn path(&mut self, pair: Pair<Rule>) -> Path {
        let span = self.span(&pair);
        let mut inner = kids(pair);
        let head = self.name(&inner.next().expect("a path has a head"));
        let fields = inner.map(|p| self.name(&p)).collect();
        Path { head, fields, span }
    }

    pub(crate) fn expr(&mut self, pair: Pair<Rule>) -> Option<Expr> {
        self.expr_depth(pair).map(|(e, _)| e)
    }

    /// An expression and how deep its tree is. Chains (`a or b or ...`, `not not ...`,
    /// `d + 1 day + ...`) are folded in a loop, not by recursion; every later pass (type-check,
    /// evaluation, dropping the tree) recurses once per level, so the depth is bounded here.
    fn expr_depth(&mut self, pair: Pair<Rule>) -> Option<(Expr, usize)> {
        let span = self.span(&pair);
        let rule = pair.as_rule();
        let (kind, depth) = match rule {
            Rule::expr | Rule::paren => return self.expr_depth(kids(pair).next()?),
            Rule::postfix => {
                let mut inner = kids(pair);
                let (mut e, mut depth) = self.expr_depth(inner.next()?)?;
                for seg in inner {
                    let name = self.name(&seg);
                    depth += 1;
                    if depth > MAX_EXPR_DEPTH {
                        return Some(self.too_long(name.span, span));
                    }
                    let at = e.span.to(name.span);
                    e = Expr { kind: ExprKind::Field(Box::new(e), name), span: at };
                }
                return Some((e, depth));
            }
            Rule::or_expr | Rule::and_expr | Rule::add_expr | Rule::cmp_expr => {
                let mut inner = kids(pair);
                let (mut lhs, mut depth) = self.expr_depth(inner.next()?)?;
                while let Some(op) = inner.next() {
                    let (rhs, rhs_depth) = self.expr_depth(inner.next()?)?;
                    depth = depth.max(rhs_depth) + 1;
                    if depth > MAX_EXPR_DEPTH {
                        return Some(self.too_long(self.span(&op), span));
                    }
                    let op = match op.as_str() {
                        "or" => BinOp::Or,
                        "and" => BinOp::And,
                        "==" => BinOp::Eq,
                        "!=" => BinOp::Ne,
                        "<" => BinOp::Lt,
                        "<=" => BinOp::Le,
                        ">" => BinOp::Gt,
                        ">=" => BinOp::Ge,
                        "in" => BinOp::In,
                        "is" => BinOp::Is,
                        "+" => BinOp::Add,
                        "-" => BinOp::Sub,
                        _ => BinOp::NotIn,
                    };
                    let span = lhs.span.to(rhs.span);
                    lhs = Expr { kind: ExprKind::Binary(op, Box::new(lhs), Box::new(rhs)), span };
                }
                return Some((lhs, depth));
            }
            Rule::not_expr => {
                let mut inner: Vec<_> = kids(pair).collect();
                let operand = inner.pop()?;
                let (mut e, mut depth) = self.expr_depth(operand)?;
                if depth + inner.len() > MAX_EXPR_DEPTH {
                    let at = &inner[inner.len() - (MAX_EXPR_DEPTH.saturating_sub(depth) + 1).min(inner.len())];
                    return Some(self.too_long(self.span(at), span));
                }
                for _ in inner {
                    e = Expr { kind: ExprKind::Not(Box::new(e)), span };
                    depth += 1;
                }
                return Some((e, depth));
            }
            Rule::quantifier | Rule::count_expr | Rule::those_expr => {
                let mut inner = kids(pair);
                let quantifier = if rule == Rule::quantifier {
                    Some(match inner.next()?.as_str() {
                        "any" => Quantifier::Any,
                        "all" => Quantifier::All,
                        _ => Quantifier::None,
                    })
                } else {
                    None
                };
                let binder = self.name(&inner.next()?);
                let source = self.path(inner.next()?);
                let (filter, depth) = match inner.next() {
                    Some(e) => {
                        let (e, d) = self.expr_depth(e)?;
                        (Some(Box::new(e)), d + 1)
                    }
                    None => (None, 1),
                };
                if depth > MAX_EXPR_DEPTH {
                    return Some(self.too_long(binder.span, span));
                }
                let kind = match quantifier {
                    Some(quantifier) => ExprKind::Quantified { quantifier, binder, source, filter },
                    None if rule == Rule::those_expr => ExprKind::Those { binder, source, filter },
                    None => ExprKind::Count { binder, source, filter },
                };
                (kind, depth)
            }
            Rule::nearest_expr => {
                let mut inner = kids(pair);
                let (of, depth) = self.expr_depth(inner.next()?)?;
                let source = self.path(inner.next()?);
                if depth + 1 > MAX_EXPR_DEPTH {
                    return Some(self.too_long(source.span, span));
                }
                (ExprKind::Nearest { of: Box::new(of), source }, depth + 1)
            }
            Rule::path => (ExprKind::Path(self.path(pair)), 1),
            Rule::list_lit => {
                let mut items = Vec::new();
                let mut depth = 1;
                for p in kids(pair) {
                    let (e, d) = self.expr_depth(p)?;
                    depth = depth.max(d + 1);
                    items.push(e);
                }
                if depth > MAX_EXPR_DEPTH {
                    return Some(self.too_long(span, span));
                }
                (ExprKind::List(items), depth)
            }
            Rule::dotted_lit => (ExprKind::Literal(ValueKind::Dotted(pair.as_str().into())), 1),
            _ => (ExprKind::Literal(self.value(pair).kind), 1),
        };
        Some((Expr { kind, span }, depth))
    }

    /// Reports a condition past [`MAX_EXPR_DEPTH`] at the operator that goes past it, and stands
    /// in for the whole condition (an invalid value: the rule is not run, nothing else is said).
    fn too_long(&mut self, at: Span, whole: Span) -> (Expr, usize) {
        self.error(
            codes::RULE_TOO_LONG,
            at,
            "this condition is too long or nested too deeply to check".into(),
            &format!("more than {MAX_EXPR_DEPTH} operations deep here"),
        )
        .help = Some(
            "split the rule into several rules, or test a list: write `x in [a, b, c]` instead of \
             `x == a or x == b or x == c`"
                .into(),
        );
        (Expr { kind: ExprKind::Literal(ValueKind::Invalid), span: whole }, 1)
    }

    fn waiver(&mut self, pair: Pair<Rule>) -> Waiver {
        let span = self.span(&pair);
        let mut rule = Name { text: CompactString::default(), span };
        let mut target = rule.clone();
        let mut entries = Vec::new();
        for p in kids(pair) {
            match p.as_rule() {
                Rule::block_id => rule = self.name(&p),
                Rule::waiver_target => target = self.name(&p),
                Rule::body => entries = self.entries(p),
                _ => {}
            }
        }
        Waiver { rule, target, entries, span }
    }
}

/// The children of a pair, without keyword tokens (`for`, `in`, `where`, ...).
fn kids(pair: Pair<Rule>) -> impl Iterator<Item = Pair<Rule>> {
    pair.into_inner().filter(|p| {
        !matches!(
            p.as_rule(),
            Rule::kw_enum
                | Rule::kw_doc
                | Rule::kw_rule
                | Rule::kw_for
                | Rule::kw_in
                | Rule::kw_is
                | Rule::kw_where
                | Rule::kw_require
                | Rule::kw_message
                | Rule::kw_help
                | Rule::kw_count
                | Rule::kw_waive
                | Rule::kw_those
                | Rule::kw_nearest
                | Rule::kw_group
                | Rule::kw_at
                | Rule::kw_label
        )
    })
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// Removes the first line if blank, the last line if blank, and the indentation common to the
/// remaining non-blank lines.
pub(crate) fn dedent(raw: &str) -> String {
    let mut lines: Vec<&str> = raw.split('\n').collect();
    if lines.first().is_some_and(|l| l.trim().is_empty()) {
        lines.remove(0);
    }
    if lines.last().is_some_and(|l| l.trim().is_empty()) {
        lines.pop();
    }
    let indent = lines
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start_matches([' ', '\t']).len())
        .min()
        .unwrap_or(0);
    let mut out = String::with_capacity(raw.len());
    for (i, line) in lines.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let line = line.trim_end_matches('\r');
        out.push_str(line.get(indent..).unwrap_or_else(|| line.trim_start()));
    }
    out
}
