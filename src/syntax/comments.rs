//! Collects `//` comments with one linear scan, so the grammar can skip them as trivia.
//! The scan knows strings and `"""` texts, so `"http://..."` is not mistaken for a comment.

use super::ast::Comment;
use crate::source::Span;

pub fn collect(text: &str) -> Vec<Comment> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' if bytes[i..].starts_with(b"\"\"\"") => {
                i += 3;
                while i < bytes.len() && !bytes[i..].starts_with(b"\"\"\"") {
                    i += 1;
                }
                i += 3;
            }
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' && bytes[i] != b'\n' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                let end = bytes[i..].iter().position(|&b| b == b'\n').map_or(bytes.len(), |n| i + n);
                out.push(Comment { span: Span::new(i, end), text: text[i..end].trim_end().to_string() });
                i = end;
            }
            _ => i += 1,
        }
    }
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
