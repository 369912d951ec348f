//! The pest parser and the recovery loop around it.

use super::ast::{Ast, Item};
use super::{comments, convert, errors};
use crate::diagnostics::Diagnostic;
use crate::source::FileId;
use pest::Parser as _;

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/aims.pest"]
pub(crate) struct AimsParser;

/// Parses one file. Never fails: the tree holds every item that could be read.
pub fn parse(full_text: &str, file: FileId) -> (Ast, Vec<Diagnostic>) {
    // A byte-order mark is not part of the text; blank it out so offsets stay those of the file.
    let bom = if full_text.starts_with('\u{FEFF}') { "\u{FEFF}".len() } else { 0 };
    let owned;
    let text = if bom > 0 {
        owned = format!("{}{}", " ".repeat(bom), &full_text[bom..]);
        owned.as_str()
    } else {
        full_text
    };
    let mut diags = Vec::new();
    let mut items = Vec::new();
    if let Some(at) = super::depth::too_deep(text) {
        diags.push(
            Diagnostic::new(crate::diagnostics::codes::TOO_DEEP, "this file nests too deeply to read")
                .primary(
                    file,
                    crate::source::Span::new(at, at + 1),
                    format!("more than {} levels deep here", super::depth::MAX_DEPTH),
                )
                .help("no governance spec needs this much nesting: check for brackets that are never closed"),
        );
        return (Ast { items, comments: comments::collect(text) }, diags);
    }
    // The whole file in one go is the fast path; only a file with errors is parsed item by item.
    match AimsParser::parse(Rule::file, text) {
        Ok(mut pairs) => {
            let file_pair = pairs.next().expect("the file rule always yields one pair");
            let mut cx = convert::Cx::new(file, 0, &mut diags);
            for pair in file_pair.into_inner() {
                if pair.as_rule() != Rule::EOI {
                    if let Some(item) = cx.item(pair) {
                        items.push(item);
                    }
                }
            }
        }
        Err(_) => parse_with_recovery(text, file, &mut items, &mut diags),
    }
    (Ast { items, comments: comments::collect(text) }, diags)
}

fn parse_with_recovery(text: &str, file: FileId, items: &mut Vec<Item>, diags: &mut Vec<Diagnostic>) {
    let bounds = super::recovery::Boundaries::new(text);
    let mut pos = 0;
    // After an error, further errors are held back until an item parses again, so one mistake
    // in an unindented file does not produce a cascade.
    let mut recovering = false;
    loop {
        pos = skip_trivia(text, pos);
        if pos >= text.len() {
            break;
        }
        let end = bounds.item_end(pos, text).max(pos + 1).min(text.len());
        let end = (end..=text.len()).find(|e| text.is_char_boundary(*e)).unwrap_or(text.len());
        match AimsParser::parse(Rule::top_item, &text[pos..end]) {
            Ok(mut pairs) => {
                let pair = pairs.next().expect("top_item yields one pair");
                let item_end = pos + pair.as_span().end();
                let mut cx = convert::Cx::new(file, pos, diags);
                if let Some(inner) = pair.into_inner().next() {
                    if let Some(item) = cx.item(inner) {
                        items.push(item);
                    }
                }
                pos = item_end;
                recovering = false;
            }
            Err(err) => {
                let (diag, resume) = errors::translate(text, pos, end, &err, file, &bounds);
                if !recovering {
                    diags.push(diag);
                }
                recovering = true;
                // Always move forward, so the loop ends on any input.
                pos = resume.max(pos + 1);
                while pos < text.len() && !text.is_char_boundary(pos) {
                    pos += 1;
                }
            }
        }
    }
}

/// Skips whitespace and `//` comments.
pub(crate) fn skip_trivia(text: &str, mut pos: usize) -> usize {
    let bytes = text.as_bytes();
    loop {
        while pos < bytes.len() && matches!(bytes[pos], b' ' | b'\t' | b'\r' | b'\n') {
            pos += 1;
        }
        if bytes[pos..].starts_with(b"//") {
            while pos < bytes.len() && bytes[pos] != b'\n' {
                pos += 1;
            }
        } else {
            return pos;
        }
    }
}

/// Parses one expression that sits at byte `base` of `file` (a `{...}` in a rule message).
pub fn parse_expr(text: &str, file: FileId, base: usize) -> Result<super::ast::Expr, Box<Diagnostic>> {
    let fail = |at: usize| {
        Box::new(
            Diagnostic::new(
                crate::diagnostics::codes::SYNTAX,
                format!("`{{{text}}}` is not an expression aims can show"),
            )
            .primary(file, crate::source::Span::new(base + at, base + text.len()), "cannot read this")
            .help("inside `{...}` write a name or a field, such as `{r}` or `{r.owner}`"),
        )
    };
    if super::depth::too_deep(text).is_some() {
        return Err(fail(0));
    }
    let mut pairs = AimsParser::parse(Rule::expr_only, text).map_err(|_| fail(0))?;
    let pair = pairs.next().and_then(|p| p.into_inner().next()).ok_or_else(|| fail(0))?;
    let mut diags = Vec::new();
    let expr = convert::Cx::new(file, base, &mut diags).expr(pair).ok_or_else(|| fail(0))?;
    match diags.into_iter().next() {
        Some(d) => Err(Box::new(d)),
        None => Ok(expr),
    }
}

/// A bare pest pass over a file, building no tree: the floor the benchmark compares with.
#[doc(hidden)]
pub fn bare_pest_pass(text: &str) -> bool {
    AimsParser::parse(Rule::file, text).is_ok()
}
