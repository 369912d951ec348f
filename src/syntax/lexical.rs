//! The one lexical walk over a text that the cheap scans share (comments, nesting depth, item
//! starts for recovery): it knows strings, `"""` texts and `//` comments, so `"http://..."` is
//! not a comment and a `{` inside a text opens nothing.

pub(crate) enum Lex {
    /// A byte of code (outside strings, texts and comments), by its offset.
    Code(usize),
    /// A `//` comment, from `//` to the end of its line (`\n`, `\r\n` or a lone `\r`).
    Comment(usize, usize),
}

/// Calls `visit` for every byte of code and every comment, in order; stops when it returns false.
pub(crate) fn walk(text: &str, mut visit: impl FnMut(Lex) -> bool) {
    let bytes = text.as_bytes();
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
                while i < bytes.len() && !matches!(bytes[i], b'"' | b'\n' | b'\r') {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                let end = bytes[i..].iter().position(|&b| b == b'\n' || b == b'\r').map_or(bytes.len(), |n| i + n);
                if !visit(Lex::Comment(i, end)) {
                    return;
                }
                i = end;
            }
            _ => {
                if !visit(Lex::Code(i)) {
                    return;
                }
                i += 1;
            }
        }
    }
}
