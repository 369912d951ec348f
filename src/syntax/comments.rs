//! Collects `//` comments with one linear scan, so the grammar can skip them as trivia.

use super::ast::Comment;
use crate::source::Span;

pub fn collect(text: &str) -> Vec<Comment> {
    let mut out = Vec::new();
    super::lexical::walk(text, |lex| {
        if let super::lexical::Lex::Comment(start, end) = lex {
            out.push(Comment {
                span: Span::new(start, end),
                text: crate::source::slice(text, start..end).trim_end().to_string(),
            });
        }
        true
    });
    out
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
