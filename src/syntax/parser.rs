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
    let mut comments = Vec::new();
    if let Some(at) = super::depth::scan_collecting(text, Some(&mut comments)).too_deep {
        diags.push(
            Diagnostic::new(crate::diagnostics::codes::TOO_DEEP, "this file nests too deeply to read")
                .primary(
                    file,
                    crate::source::Span::new(at, at + 1),
                    format!("more than {} levels deep here", super::depth::MAX_DEPTH),
                )
                .help("no governance spec needs this much nesting: check for brackets that are never closed"),
        );
        // The scan stopped at the deep point: the comments after it are collected here.
        return (Ast { items, comments: comments::collect(text) }, diags);
    }
    // The fast path: the file in a few large pieces (one for most files); only a file with
    // errors is parsed item by item.
    let whole = [(0, text.len())];
    let cuts = pieces(text);
    let fast = parse_pieces(text, file, &cuts, &mut items, &mut diags)
        || (cuts.len() > 1 && parse_pieces(text, file, &whole, &mut items, &mut diags));
    if !fast {
        parse_with_recovery(text, file, &mut items, &mut diags);
    }
    (Ast { items, comments }, diags)
}

/// Above this size a file is parsed in pieces of about this size. pest keeps a queue of tokens
/// for all the text it is given at once, several times the size of the text; pieces bound that
/// queue, so that the memory a large file needs is the memory of its tree.
const PIECE: usize = 1 << 20;

/// Where to cut `text` into pieces: at lines that start an item outside every brace, string
/// and text. Any item ends with its closing brace, so such a line can only be inside an item
/// that is cut in its header; the piece before the cut then fails to parse, and the file is
/// parsed whole instead. A cut therefore never changes the tree.
fn pieces(text: &str) -> Vec<(usize, usize)> {
    if text.len() <= PIECE {
        return vec![(0, text.len())];
    }
    let bytes = text.as_bytes();
    let mut cuts = vec![0];
    let mut depth: i64 = 0;
    super::lexical::walk(text, |lex| {
        let super::lexical::Lex::Code(i) = lex else { return true };
        match bytes[i] {
            b'{' => depth += 1,
            b'}' => depth -= 1,
            b if depth == 0
                && i > 0
                && bytes[i - 1] == b'\n'
                && (b.is_ascii_alphabetic() || b == b'_')
                && i - cuts.last().copied().unwrap_or(0) >= PIECE =>
            {
                cuts.push(i)
            }
            _ => {}
        }
        true
    });
    cuts.push(text.len());
    cuts.windows(2).map(|w| (w[0], w[1])).collect()
}

/// Parses each piece as a sequence of items and appends them; `false` (with nothing appended)
/// as soon as one piece does not parse.
fn parse_pieces(
    text: &str,
    file: FileId,
    pieces: &[(usize, usize)],
    items: &mut Vec<Item>,
    diags: &mut Vec<Diagnostic>,
) -> bool {
    use rayon::prelude::*;
    let piece = |&(start, end): &(usize, usize)| -> Option<(Vec<Item>, Vec<Diagnostic>)> {
        let mut pairs = AimsParser::parse(Rule::file, &text[start..end]).ok()?;
        let file_pair = pairs.next().expect("the file rule always yields one pair");
        let (mut read, mut notes) = (Vec::new(), Vec::new());
        let mut cx = convert::Cx::new(file, start, &mut notes);
        for pair in file_pair.into_inner() {
            if pair.as_rule() != Rule::EOI {
                if let Some(item) = cx.item(pair) {
                    read.push(item);
                }
            }
        }
        Some((read, notes))
    };
    // The pieces of one large file are parsed in parallel, but only on a pool that is already
    // running (the compiler's, whose threads have the stack deep nesting needs); elsewhere,
    // one after the other.
    let parsed: Option<Vec<(Vec<Item>, Vec<Diagnostic>)>> =
        if pieces.len() > 1 && rayon::current_thread_index().is_some() {
            pieces.par_iter().map(piece).collect()
        } else {
            pieces.iter().map(piece).collect()
        };
    let Some(parsed) = parsed else { return false };
    for (mut read, mut notes) in parsed {
        items.append(&mut read);
        diags.append(&mut notes);
    }
    true
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

#[cfg(test)]
mod tests {
    use super::{parse, pieces, PIECE};
    use crate::source::FileId;

    fn items(n: usize) -> String {
        (0..n).map(|i| format!("person p{i} \"P {i}\" {{\n  email: \"p{i}@example.org\"\n}}\n// note {i}\n")).collect()
    }

    #[test]
    fn a_large_file_in_pieces_gives_the_tree_of_the_whole() {
        let text = items(60_000);
        let cuts = pieces(&text);
        assert!(cuts.len() > 2, "{} bytes in {} pieces", text.len(), cuts.len());
        let (ast, diags) = parse(&text, FileId(0));
        assert!(diags.is_empty());
        assert_eq!(ast.items.len(), 60_000);
        let mut whole = Vec::new();
        assert!(super::parse_pieces(&text, FileId(0), &[(0, text.len())], &mut whole, &mut Vec::new()));
        assert_eq!(format!("{:?}", ast.items), format!("{whole:?}"));
    }

    #[test]
    fn a_cut_inside_a_header_falls_back_to_the_whole_file() {
        // `system` ends the line before the first cut, its ID and body start the next line.
        let mut text = items(1);
        while text.len() + 40 < PIECE {
            text.push_str("// filler filler filler filler filler\n");
        }
        text.push_str(&"/".repeat(PIECE - text.len() - "system\n".len()));
        text.push_str("\nsystem\nsplit_header \"Split\" {\n}\n");
        text.push_str(&items(2_000));
        let cuts = pieces(&text);
        assert!(cuts.len() > 1 && text[cuts[1].0..].starts_with("split_header"), "{:?}", &cuts[..2]);
        let (ast, diags) = parse(&text, FileId(0));
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(ast.items.len(), 2_002);
    }
}
