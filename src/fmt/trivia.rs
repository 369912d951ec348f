//! What the tree does not hold and the formatter must keep: comments, blank lines and the
//! parentheses of rule expressions, read from the source text around the tree's spans.

use crate::source::Span;
use crate::syntax::ast::Comment;
use std::collections::HashMap;

/// The source text with the lookups the printer needs, and the comments not yet printed.
pub(super) struct Trivia<'t> {
    pub text: &'t str,
    line_starts: Vec<usize>,
    comments: Vec<Comment>,
    /// The first comment not yet printed: comments are printed in source order.
    next: usize,
    pub parens: Parens,
}

impl<'t> Trivia<'t> {
    pub fn new(text: &'t str, comments: Vec<Comment>) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(text.bytes().enumerate().filter(|(_, b)| *b == b'\n').map(|(i, _)| i + 1));
        Trivia { text, line_starts, comments, next: 0, parens: Parens::new(text) }
    }

    /// The source of a span, as written.
    pub fn src(&self, span: Span) -> &'t str {
        &self.text[span.range()]
    }

    pub fn line(&self, pos: u32) -> usize {
        match self.line_starts.binary_search(&(pos as usize)) {
            Ok(i) => i,
            Err(i) => i - 1,
        }
    }

    /// Whether the stretch from `a` to `b` spans a blank line (it holds no comment).
    pub fn blank_between(&self, a: u32, b: u32) -> bool {
        let (a, b) = (a as usize, (b as usize).max(a as usize));
        self.text[a..b].bytes().filter(|&c| c == b'\n').count() >= 2
    }

    /// Whether the text from `a` to `b` runs over more than one line.
    pub fn multiline(&self, span: Span) -> bool {
        self.src(span).contains('\n')
    }

    /// Where the last token of a span ends. The parser's spans of fields, paths and clauses run
    /// on over the whitespace and comments that follow them; the printer needs the code's end.
    pub fn code_end(&self, span: Span) -> u32 {
        let bytes = self.text.as_bytes();
        let mut end = span.end as usize;
        loop {
            while end > span.start as usize && bytes[end - 1].is_ascii_whitespace() {
                end -= 1;
            }
            // A comment that ends here: step over it.
            let i = self.comments.partition_point(|c| (c.span.start as usize) < end);
            match i.checked_sub(1).map(|i| &self.comments[i]) {
                Some(c) if c.span.end as usize >= end && c.span.start >= span.start => end = c.span.start as usize,
                _ => return end as u32,
            }
        }
    }

    /// Whether any comment not yet printed starts before `pos`.
    pub fn any_before(&self, pos: u32) -> bool {
        self.comments.get(self.next).is_some_and(|c| c.span.start < pos)
    }

    /// Takes the comments not yet printed that start before `pos`.
    pub fn take_before(&mut self, pos: u32) -> Vec<Comment> {
        let start = self.next;
        while self.comments.get(self.next).is_some_and(|c| c.span.start < pos) {
            self.next += 1;
        }
        self.comments[start..self.next].to_vec()
    }

    /// Takes the comment that follows `end` on the same line, before `limit`: a trailing comment.
    pub fn take_trailing(&mut self, end: u32, limit: u32) -> Option<Comment> {
        let c = self.comments.get(self.next)?;
        let last = end.saturating_sub(1);
        if c.span.start >= end && c.span.start < limit && self.line(c.span.start) == self.line(last) {
            self.next += 1;
            return Some(c.clone());
        }
        None
    }

    /// The start of the first token in `from..to` (a keyword between two parts of the tree).
    pub fn first_code(&self, from: u32, to: u32) -> u32 {
        let bytes = self.text.as_bytes();
        let mut i = from as usize;
        while i < to as usize {
            match bytes[i] {
                b' ' | b'\t' | b'\r' | b'\n' => i += 1,
                b'/' if bytes.get(i + 1) == Some(&b'/') => {
                    while i < bytes.len() && bytes[i] != b'\n' {
                        i += 1;
                    }
                }
                _ => return i as u32,
            }
        }
        to
    }
}

/// One token of code outside strings, texts and comments, as the lexical scans see it.
pub(super) enum Lexeme {
    /// A `//` comment.
    Comment,
    /// A string or a `"""` text, quotes included.
    Quoted(usize, usize),
    /// One byte of code.
    Code(usize),
}

/// Walks `text` lexeme by lexeme (whitespace is reported as code; callers skip it).
pub(super) fn lex(text: &str, mut visit: impl FnMut(Lexeme)) {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let start = i;
        match bytes[i] {
            b'"' if bytes[i..].starts_with(b"\"\"\"") => {
                i += 3;
                while i < bytes.len() && !bytes[i..].starts_with(b"\"\"\"") {
                    i += 1;
                }
                i = (i + 3).min(bytes.len());
                visit(Lexeme::Quoted(start, i));
            }
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' && bytes[i] != b'\n' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                i = (i + 1).min(bytes.len());
                visit(Lexeme::Quoted(start, i));
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                visit(Lexeme::Comment);
            }
            _ => {
                visit(Lexeme::Code(i));
                i += 1;
            }
        }
    }
}

/// The parentheses of a text, found by one lexical pass. The tree drops parentheses (they
/// only group), so the printer asks here which expressions the author wrote in them.
#[derive(Default)]
pub(super) struct Parens {
    /// The `(` right before the token that starts at a position.
    open_before: HashMap<u32, u32>,
    /// The `)` right after the token that ends at a position.
    close_after: HashMap<u32, u32>,
    /// Each `(` with its `)`.
    matching: HashMap<u32, u32>,
}

impl Parens {
    fn new(text: &str) -> Self {
        let bytes = text.as_bytes();
        let mut p = Parens::default();
        let mut stack = Vec::new();
        let mut pending_open: Option<u32> = None;
        let mut last_end = 0u32;
        lex(text, |lexeme| {
            let (start, end) = match lexeme {
                Lexeme::Comment => return,
                Lexeme::Quoted(s, e) => (s as u32, e as u32),
                Lexeme::Code(i) if bytes[i].is_ascii_whitespace() => return,
                Lexeme::Code(i) => (i as u32, i as u32 + 1),
            };
            if let Some(o) = pending_open.take() {
                p.open_before.insert(start, o);
            }
            match bytes[start as usize] {
                b'(' => {
                    stack.push(start);
                    pending_open = Some(start);
                }
                b')' => {
                    p.close_after.insert(last_end, start);
                    if let Some(o) = stack.pop() {
                        p.matching.insert(o, start);
                    }
                }
                _ => {}
            }
            last_end = end;
        });
        p
    }

    /// Wraps `start..end` in the parentheses written around it: how many pairs, and the
    /// stretch with them.
    pub fn around(&self, mut start: u32, mut end: u32) -> (u32, u32, u32) {
        let mut layers = 0;
        while let (Some(&o), Some(&c)) = (self.open_before.get(&start), self.close_after.get(&end)) {
            if self.matching.get(&o) != Some(&c) {
                break;
            }
            layers += 1;
            start = o;
            end = c + 1;
        }
        (layers, start, end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parentheses_are_matched_not_guessed() {
        let p = Parens::new("(a) and (b)");
        assert_eq!(p.around(1, 2), (1, 0, 3));
        assert_eq!(p.around(9, 10), (1, 8, 11));
        // `a) and (b` is not one parenthesised stretch.
        assert_eq!(p.around(1, 10).0, 0);
        let p = Parens::new("((x == \"(\"))");
        assert_eq!(p.around(2, 10), (2, 0, 12));
    }
}
