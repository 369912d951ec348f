//! The one lexical walk over a text that the cheap scans share (comments, nesting depth, item
//! starts for recovery): it knows strings, `"""` texts and `//` comments, so `"http://..."` is
//! not a comment and a `{` inside a text opens nothing.

pub(crate) enum Lex {
    /// A byte of code (outside strings, texts and comments), by its offset.
    Code(usize),
    /// A `//` comment, from `//` to the end of its line (`\n`, `\r\n` or a lone `\r`).
    Comment(usize, usize),
}

/// The bytes a plain string stops at: its closing quote, an escape, the end of the line.
const ENDS_STRING: [bool; 256] = {
    let mut t = [false; 256];
    t[b'"' as usize] = true;
    t[b'\\' as usize] = true;
    t[b'\n' as usize] = true;
    t[b'\r' as usize] = true;
    t
};

/// Calls `visit` for every byte of code and every comment, in order; stops when it returns false.
pub(crate) fn walk(text: &str, visit: impl FnMut(Lex) -> bool) {
    walk_some(text, &[true; 256], visit)
}

/// [`walk`], visiting only the bytes of code that `wanted` marks (and every comment). A scan
/// that looks for a few bytes (brackets, the first letters of keywords) skips the rest of the
/// text in a tight loop instead of being called for every byte: these scans run over every
/// byte of the spec before it is parsed.
pub(crate) fn walk_some(text: &str, wanted: &[bool; 256], mut visit: impl FnMut(Lex) -> bool) {
    let bytes = text.as_bytes();
    // Where the plain loop must stop: a wanted byte, or one that may open a string or comment.
    let mut stop = *wanted;
    stop[b'"' as usize] = true;
    stop[b'/' as usize] = true;
    let mut i = 0;
    while i < bytes.len() {
        if !stop[bytes[i] as usize] {
            i += 1;
            continue;
        }
        match bytes[i] {
            b'"' if bytes[i..].starts_with(b"\"\"\"") => {
                i += 3;
                while i < bytes.len() && !bytes[i..].starts_with(b"\"\"\"") {
                    i += 1;
                    // To the next quote in one tight loop: most of a text is not one.
                    while i < bytes.len() && bytes[i] != b'"' {
                        i += 1;
                    }
                }
                i += 3;
            }
            b'"' => {
                i += 1;
                loop {
                    while i < bytes.len() && !ENDS_STRING[bytes[i] as usize] {
                        i += 1;
                    }
                    if bytes.get(i) != Some(&b'\\') {
                        break;
                    }
                    i += 2;
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
            b => {
                if wanted[b as usize] && !visit(Lex::Code(i)) {
                    return;
                }
                i += 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{walk, walk_some, Lex};

    fn visits(text: &str, wanted: Option<&[bool; 256]>) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        let mut record = |lex| {
            out.push(match lex {
                Lex::Code(i) => (i, i),
                Lex::Comment(s, e) => (s, e),
            });
            true
        };
        match wanted {
            Some(w) => walk_some(text, w, &mut record),
            None => walk(text, &mut record),
        }
        out
    }

    /// The walk as first written, a byte at a time: the fast loops must find the same code.
    fn reference(text: &str) -> Vec<(usize, usize)> {
        let bytes = text.as_bytes();
        let (mut i, mut out) = (0, Vec::new());
        while i < bytes.len() {
            if bytes[i..].starts_with(b"\"\"\"") {
                i += 3;
                while i < bytes.len() && !bytes[i..].starts_with(b"\"\"\"") {
                    i += 1;
                }
                i += 3;
            } else if bytes[i] == b'"' {
                i += 1;
                while i < bytes.len() && !matches!(bytes[i], b'"' | b'\n' | b'\r') {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
            } else if bytes[i..].starts_with(b"//") {
                let end = bytes[i..].iter().position(|&b| b == b'\n' || b == b'\r').map_or(bytes.len(), |n| i + n);
                out.push((i, end));
                i = end;
            } else {
                out.push((i, i));
                i += 1;
            }
        }
        out
    }

    #[test]
    fn the_walk_reads_strings_texts_and_comments_as_the_byte_walk_does() {
        for text in [
            "a: \"x\\\"y\" b",
            "t: \"\"\"\n\"q\" \"\"x\n\"\"\"\" c",
            "u: \"open\n{ v",
            "w: \"esc at end\\",
            "x: \"\"\"\"\"\"\"\" y // z\r{",
            "\"\"\"never closed { [",
            "s: \"\\\\\" { / // c\r\nd",
        ] {
            assert_eq!(visits(text, None), reference(text), "{text:?}");
        }
    }

    #[test]
    fn a_partial_walk_visits_what_the_full_walk_visits_of_the_wanted_bytes() {
        let text = "a { b: \"x { // y\" // c {\n d: \"\"\"\n{ [\n\"\"\" e: [f, (g)] / h\r// i\n}";
        let mut wanted = [false; 256];
        for b in b"{[(/eh" {
            wanted[*b as usize] = true;
        }
        let full: Vec<(usize, usize)> =
            visits(text, None).into_iter().filter(|&(s, e)| s != e || wanted[text.as_bytes()[s] as usize]).collect();
        assert_eq!(visits(text, Some(&wanted)), full);
        assert!(full.len() > 6, "{full:?}");
    }
}
