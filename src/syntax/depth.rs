//! Bounds how deeply a text nests before pest sees it. pest is recursive descent: each level of
//! nesting is a few stack frames, and aims runs it without pest's per-rule stack probe (which
//! cost a quarter of parse time). One linear scan here makes that safe for any input.
//!
//! What can nest: brackets (`{`, `[`, `(`) and, in rules, a quantifier's `where` condition.
//! Brackets are counted as they open and close; `where` words are counted per top-level item.

/// Deeper than this is refused. No governance spec comes near it.
pub const MAX_DEPTH: usize = 64;

/// The deepest tree a rule condition may build, counting each operator (`and`, `or`, `not`,
/// `+`, a comparison, a quantifier) as a level. Flat chains are read without recursion, but the
/// type-check and the evaluation recurse once per level (the type-check on the calling thread,
/// the evaluation there or on the rule pool's threads, whose stacks are 64 MiB); this bound
/// keeps them far inside those stacks. The deepest condition in the stdlib is under 10 levels;
/// a longer one is clearer as a list (`x in [a, b, c]`) or as several rules.
pub const MAX_EXPR_DEPTH: usize = 128;

/// The offset where the text first nests more than [`MAX_DEPTH`] levels, if it does.
pub fn too_deep(text: &str) -> Option<usize> {
    scan(text).too_deep
}

/// Whether the text declares schema (`kind`, `block` or `enum` at the top level). Files that do
/// are analysed first, so that every other file can be checked as soon as it is parsed.
pub fn declares_schema(text: &str) -> bool {
    may_declare_schema(text.as_bytes()) && scan(text).declares_schema
}

/// Whether a declaration's keyword appears at all: `kind`, `block` or `enum` as a word
/// followed by a blank or a comment, as the keyword of a declaration always is (its name comes
/// next). A field such as `kind: customer` is not one. A search at memory speed, which spares
/// nearly every file of a spec the full scan.
fn may_declare_schema(bytes: &[u8]) -> bool {
    [&b"kind"[..], b"block", b"enum"].iter().any(|kw| {
        memchr::memmem::find_iter(bytes, kw).any(|i| {
            (i == 0 || !is_word(bytes[i - 1]))
                && bytes.get(i + kw.len()).is_none_or(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'/'))
        })
    })
}

pub struct Scan {
    pub too_deep: Option<usize>,
    pub declares_schema: bool,
}

/// One pass over the text, outside strings and comments.
pub fn scan(text: &str) -> Scan {
    scan_collecting(text, None)
}

/// [`scan`], also collecting the `//` comments into `comments` (the parser needs both, and one
/// walk over a large file is cheaper than two). When the text is too deep, the walk stops
/// there and the comments after that point are not collected.
pub(crate) fn scan_collecting(text: &str, mut comments: Option<&mut Vec<super::ast::Comment>>) -> Scan {
    let bytes = text.as_bytes();
    let mut out = Scan { too_deep: None, declares_schema: false };
    let mut depth = 0usize;
    let mut wheres = 0usize;
    let starts_word = |i: usize, word: &[u8]| {
        bytes[i..].starts_with(word)
            && (i == 0 || !is_word(bytes[i - 1]))
            && !bytes.get(i + word.len()).is_some_and(|b| is_word(*b))
    };
    super::lexical::walk_some(text, &WANTED, |lex| {
        let i = match lex {
            super::lexical::Lex::Code(i) => i,
            super::lexical::Lex::Comment(start, end) => {
                if let Some(out) = comments.as_deref_mut() {
                    out.push(super::comments::comment(text, start, end));
                }
                return true;
            }
        };
        match bytes[i] {
            b'{' | b'[' | b'(' => {
                depth += 1;
                if depth > MAX_DEPTH {
                    out.too_deep = Some(i);
                    return false;
                }
            }
            b'}' | b']' | b')' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    wheres = 0;
                }
            }
            b'w' if starts_word(i, b"where") => {
                wheres += 1;
                if wheres > MAX_DEPTH {
                    out.too_deep = Some(i);
                    return false;
                }
            }
            b'k' | b'b' | b'e'
                if depth == 0 && [&b"kind"[..], b"block", b"enum"].iter().any(|kw| starts_word(i, kw)) =>
            {
                out.declares_schema = true;
            }
            _ => {}
        }
        true
    });
    out
}

/// The bytes [`scan_collecting`] looks at: brackets, and the first letters of `where`, `kind`,
/// `block` and `enum`.
const WANTED: [bool; 256] = {
    let mut t = [false; 256];
    let bytes = b"{[()]}wkbe";
    let mut i = 0;
    while i < bytes.len() {
        t[bytes[i] as usize] = true;
        i += 1;
    }
    t
};

fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_brackets_outside_strings() {
        assert_eq!(too_deep(&"[".repeat(MAX_DEPTH)), None);
        assert_eq!(too_deep(&"[".repeat(MAX_DEPTH + 1)), Some(MAX_DEPTH));
        assert_eq!(too_deep(&format!("a: \"{}\"", "[".repeat(100))), None);
        assert_eq!(too_deep(&format!("// {}", "(".repeat(100))), None);
    }

    #[test]
    fn finds_schema_declarations_at_the_top_level_only() {
        assert!(declares_schema("kind model_card { system: system }"));
        assert!(declares_schema("// notes\nenum tier { one, two }"));
        assert!(!declares_schema("system s { kind: ai_policy }"));
        assert!(!declares_schema("policy p { kind: ai_policy }\n// a kind of note"));
        // The keyword and the name apart by any blank, or by a comment.
        assert!(declares_schema("block\tstep { note: text }"));
        assert!(declares_schema("kind // a card\nmodel_card { system: system }"));
        assert!(declares_schema("\r\nenum\r\ntier { one }"));
        // Only the words themselves: `kinds`, `sub-block`, `enum_x` are names.
        assert!(!declares_schema("kinds x { } sub-block y { } enum_x z { }"));
    }

    #[test]
    fn counts_where_per_item() {
        let item = format!("rule r {{ {} }}\n", "any x in y where ".repeat(10));
        assert_eq!(too_deep(&item.repeat(20)), None);
        assert!(too_deep(&format!("rule r {{ {} }}", "any x in y where ".repeat(100))).is_some());
    }
}
