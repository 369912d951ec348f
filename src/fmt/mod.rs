//! The formatter: one canonical layout for `.aims` files, used by `aims fmt` and by the
//! language server's formatting request.
//!
//! It prints from the syntax tree (with its spans) and the comments collected beside it, so
//! every token is copied as written and every comment is put back where it was. Before
//! returning, it reads its own output again and refuses it unless the tree (spans aside), the
//! comments and the code are the same and a second pass changes nothing: a formatter bug can
//! cost an author a formatting, never a word of their spec.

mod expr;
mod print;
mod trivia;
mod verify;

use crate::diagnostics::{Diagnostic, Severity};
use crate::source::FileId;
use crate::syntax::ast::{Ast, Item};
use print::{Doc, Printer};
use trivia::Trivia;

/// How to format. The layout is canonical; only the width a line may take can be chosen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FormatOptions {
    /// Lists and rule conditions longer than this are broken over several lines. Strings and
    /// texts are never broken, so a line can still be longer.
    pub width: usize,
}

impl Default for FormatOptions {
    fn default() -> Self {
        FormatOptions { width: 100 }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum FormatError {
    /// The text does not parse (these are the diagnostics `aims check` gives, for file 0), or
    /// it cannot be laid out (a rule condition nested hundreds of operators deep). A file with
    /// syntax errors is not formatted.
    Syntax(Vec<Diagnostic>),
    /// The formatted text would not read back as the same spec (a formatter bug): nothing is
    /// returned, and the reason says what would have changed.
    TreeChanged(String),
}

impl std::fmt::Display for FormatError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FormatError::Syntax(d) => write!(f, "the file has {} syntax error(s) and was not formatted", d.len()),
            FormatError::TreeChanged(why) => write!(f, "formatting would change the spec ({why}), so it was not done"),
        }
    }
}

impl std::error::Error for FormatError {}

/// Formats one file. The output ends with exactly one newline (an empty file stays empty).
pub fn format(text: &str, options: &FormatOptions) -> Result<String, FormatError> {
    // Parsing and printing recurse once per level of nesting (bounded before parsing, see
    // syntax::depth); on a thread of its own with a large stack that is safe whichever thread
    // calls (a language server's workers have small ones). The stack is reserved, not used.
    std::thread::scope(|scope| {
        match std::thread::Builder::new().stack_size(STACK_BYTES).spawn_scoped(scope, || checked(text, options)) {
            Ok(worker) => worker.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            Err(_) => checked(text, options),
        }
    })
}

const STACK_BYTES: usize = 64 << 20;

fn checked(text: &str, options: &FormatOptions) -> Result<String, FormatError> {
    let ast = parse(text)?;
    let out = print(text, &ast, options);
    // Read the output back: it must say the same, and formatting it again must change nothing.
    let (again, diags) = crate::syntax::parse(&out, FileId(0));
    if !diags.is_empty() {
        return Err(FormatError::TreeChanged("the formatted text would not parse".into()));
    }
    verify::same_spec(text, &ast, &out, &again)?;
    if print(&out, &again, options) != out {
        return Err(FormatError::TreeChanged("a second formatting pass would change the layout again".into()));
    }
    Ok(out)
}

/// The tree of a text that can be formatted.
fn parse(text: &str) -> Result<Ast, FormatError> {
    let (ast, diags) = crate::syntax::parse(text, FileId(0));
    if diags.iter().any(|d| d.severity == Severity::Error) {
        return Err(FormatError::Syntax(diags));
    }
    if let Some(at) = too_deep(&ast.items) {
        let d = Diagnostic::new(crate::diagnostics::codes::TOO_DEEP, "this condition is too long to lay out")
            .primary(FileId(0), at, format!("more than {MAX_EXPR_DEPTH} operators deep here"))
            .help("split the rule into several rules, or test a list with `x in [...]` or `any x in ...`");
        return Err(FormatError::Syntax(vec![d]));
    }
    Ok(ast)
}

fn print(text: &str, ast: &Ast, options: &FormatOptions) -> String {
    let mut p = Printer { t: Trivia::new(text, ast.comments.clone()), parens_of: Default::default() };
    file(&mut p, &ast.items, options.width)
}

/// How deep a rule's expression may nest (`a and b and ...` nests one level per operator). The
/// printer and its checks recurse over expressions; no real rule comes near this.
const MAX_EXPR_DEPTH: usize = 200;

/// Where an expression first nests deeper than [`MAX_EXPR_DEPTH`], found without recursion.
fn too_deep(items: &[Item]) -> Option<crate::source::Span> {
    use crate::syntax::ast::{Expr, ExprKind};
    // Each expression with the start of the condition it belongs to, the place to point at.
    let mut stack: Vec<(&Expr, usize, u32)> = Vec::new();
    for item in items {
        if let Item::Rule(r) = item {
            if let Some(body) = &r.body {
                stack.extend(body.filter.iter().chain([&body.require]).chain(&body.at).map(|e| (e, 1, e.span.start)));
            }
        }
    }
    while let Some((e, depth, root)) = stack.pop() {
        if depth > MAX_EXPR_DEPTH {
            return Some(crate::source::Span::new(root as usize, root as usize + 1));
        }
        let deeper = depth + 1;
        match &e.kind {
            ExprKind::Not(x) => stack.push((x, deeper, root)),
            ExprKind::Binary(_, l, r) => stack.extend([(&**l, deeper, root), (&**r, deeper, root)]),
            ExprKind::Quantified { filter, .. } | ExprKind::Count { filter, .. } | ExprKind::Those { filter, .. } => {
                stack.extend(filter.iter().map(|f| (&**f, deeper, root)))
            }
            ExprKind::List(items) => stack.extend(items.iter().map(|x| (x, deeper, root))),
            ExprKind::Nearest { of, .. } | ExprKind::Field(of, _) => stack.push((of, deeper, root)),
            ExprKind::Literal(_) | ExprKind::Path(_) => {}
        }
    }
    None
}

/// The top level: items separated by one blank line (one-line items written together stay
/// together), each item's comments above it, and the comments after the last item.
fn file(p: &mut Printer, items: &[Item], width: usize) -> String {
    let mut out = String::new();
    let mut prev: Option<(u32, bool)> = None;
    for item in items {
        let span = item.span();
        let leading = p.t.take_before(span.start);
        let mut gap_from = prev.map_or(0, |(end, _)| end);
        for (i, c) in leading.iter().enumerate() {
            if prev.is_some() || i > 0 {
                let blank = i == 0 || p.t.blank_between(gap_from, c.span.start);
                out.push_str(if blank { "\n\n" } else { "\n" });
            }
            out.push_str(&c.text);
            gap_from = c.span.end;
        }
        let doc = p.item(item);
        let rendered = render(doc, width);
        let one_line = !rendered.contains('\n');
        if let Some((_, prev_one_line)) = prev {
            let blank = if leading.is_empty() {
                !(one_line && prev_one_line) || p.t.blank_between(gap_from, span.start)
            } else {
                p.t.blank_between(gap_from, span.start)
            };
            out.push_str(if blank { "\n\n" } else { "\n" });
        } else if !leading.is_empty() {
            out.push_str(if p.t.blank_between(gap_from, span.start) { "\n\n" } else { "\n" });
        }
        out.push_str(&rendered);
        if let Some(c) = p.t.take_trailing(span.end, u32::MAX) {
            out.push(' ');
            out.push_str(&c.text);
        }
        prev = Some((span.end, one_line));
    }
    let mut gap_from = prev.map_or(0, |(end, _)| end);
    for (i, c) in p.t.take_before(u32::MAX).iter().enumerate() {
        if prev.is_some() || i > 0 {
            out.push_str(if p.t.blank_between(gap_from, c.span.start) { "\n\n" } else { "\n" });
        }
        out.push_str(&c.text);
        gap_from = c.span.end;
    }
    if !out.is_empty() {
        out.push('\n');
    }
    out
}

fn render(doc: Doc, width: usize) -> String {
    let mut out = NoTrailingSpaces::default();
    // Rendering into a String cannot fail.
    let _ = doc.render_raw(width, &mut out);
    out.text
}

/// A sink that drops the indentation `pretty` writes before an empty line, so that no line of
/// the output ends in spaces (texts keep theirs: they are written in one piece).
#[derive(Default)]
struct NoTrailingSpaces {
    text: String,
    pending: usize,
}

impl pretty::Render for NoTrailingSpaces {
    type Error = ();

    fn write_str(&mut self, s: &str) -> Result<usize, ()> {
        if s.bytes().all(|b| b == b' ') {
            self.pending += s.len();
        } else {
            if !s.starts_with('\n') {
                self.text.extend(std::iter::repeat_n(' ', self.pending));
            }
            self.pending = 0;
            self.text.push_str(s);
        }
        Ok(s.len())
    }

    fn fail_doc(&self) {}
}

impl pretty::RenderAnnotated<'_, ()> for NoTrailingSpaces {
    fn push_annotation(&mut self, _: &()) -> Result<(), ()> {
        Ok(())
    }
    fn pop_annotation(&mut self) -> Result<(), ()> {
        Ok(())
    }
}
