//! The formatter's safety net: the output must say exactly what the input said.
//!
//! Three comparisons, each cheap and linear: the syntax trees with spans left out, the
//! multiset of comment texts, and the multiset of code characters (outside strings, texts and
//! comments, leaving out whitespace and the separators the layout adds or removes: `,` and
//! parentheses). The last one catches what the tree does not record, such as a second `doc`.

use super::trivia::{lex, Lexeme};
use super::FormatError;
use crate::source::FileId;

pub(super) fn same_spec(before: &str, after: &str) -> Result<(), FormatError> {
    let (old, _) = crate::syntax::parse(before, FileId(0));
    let (new, diags) = crate::syntax::parse(after, FileId(0));
    let refuse = |why: &str| Err(FormatError::TreeChanged(why.to_string()));
    if !diags.is_empty() {
        return refuse("the formatted text would not parse");
    }
    if without_spans(&format!("{:?}", old.items)) != without_spans(&format!("{:?}", new.items)) {
        return refuse("the items would read differently");
    }
    let texts = |ast: &crate::syntax::ast::Ast| {
        let mut t: Vec<String> = ast.comments.iter().map(|c| c.text.clone()).collect();
        t.sort();
        t
    };
    if texts(&old) != texts(&new) {
        return refuse("a comment would be lost or changed");
    }
    if code_chars(before) != code_chars(after) {
        return refuse("some code would be lost or duplicated");
    }
    Ok(())
}

/// The debug form of a tree with every `Span { start: .., end: .. }` blanked.
fn without_spans(debug: &str) -> String {
    const MARK: &str = "Span { start: ";
    let mut out = String::with_capacity(debug.len());
    let mut rest = debug;
    while let Some(i) = rest.find(MARK) {
        out.push_str(&rest[..i]);
        out.push_str("Span");
        let after = &rest[i..];
        rest = after.find('}').map_or("", |j| &after[j + 1..]);
    }
    out.push_str(rest);
    out
}

fn code_chars(text: &str) -> Vec<u32> {
    // A byte-order mark is not code, and the output does not keep it.
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let bytes = text.as_bytes();
    let mut counts = vec![0u32; 256];
    lex(text, |l| {
        if let Lexeme::Code(i) = l {
            let b = bytes[i];
            if !b.is_ascii_whitespace() && !matches!(b, b',' | b'(' | b')') {
                counts[b as usize] += 1;
            }
        }
    });
    counts
}

#[cfg(test)]
mod tests {
    #[test]
    fn spans_are_blanked() {
        let s = super::without_spans("Name { text: \"a\", span: Span { start: 1, end: 2 } }");
        assert_eq!(s, "Name { text: \"a\", span: Span }");
    }
}
