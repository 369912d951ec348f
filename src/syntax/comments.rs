//! Collects `//` comments with one linear scan, so the grammar can skip them as trivia.

use super::ast::Comment;
use crate::source::Span;

pub fn collect(text: &str) -> Vec<Comment> {
    let mut out = Vec::new();
    super::lexical::walk(text, |lex| {
        if let super::lexical::Lex::Comment(start, end) = lex {
            out.push(comment(text, start, end));
        }
        true
    });
    out
}

/// The comment that spans `start..end` of `text`.
pub(crate) fn comment(text: &str, start: usize, end: usize) -> Comment {
    Comment { span: Span::new(start, end), text: crate::source::slice(text, start..end).trim_end().to_string() }
}

#[cfg(test)]
mod tests {
    #[test]
    fn comments_outside_strings_only() {
        let c = super::collect("a: \"http://x\" // one\n\"\"\"\n// not\n\"\"\"\n// two");
        let texts: Vec<_> = c.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(texts, ["// one", "// two"]);
    }
}
