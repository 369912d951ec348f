//! Bounds how deeply a text nests before pest sees it. pest is recursive descent: each level of
//! nesting is a few stack frames, and aims runs it without pest's per-rule stack probe (which
//! cost a quarter of parse time). One linear scan here makes that safe for any input.
//!
//! What can nest: brackets (`{`, `[`, `(`) and, in rules, a quantifier's `where` condition.
//! Brackets are counted as they open and close; `where` words are counted per top-level item.

/// Deeper than this is refused. No governance spec comes near it.
pub const MAX_DEPTH: usize = 64;

/// The offset where the text first nests more than [`MAX_DEPTH`] levels, if it does.
pub fn too_deep(text: &str) -> Option<usize> {
    scan(text).too_deep
}

/// Whether the text declares schema (`kind`, `block` or `enum` at the top level). Files that do
/// are analysed first, so that every other file can be checked as soon as it is parsed.
pub fn declares_schema(text: &str) -> bool {
    scan(text).declares_schema
}

pub struct Scan {
    pub too_deep: Option<usize>,
    pub declares_schema: bool,
}

/// One pass over the text, outside strings and comments.
pub fn scan(text: &str) -> Scan {
    let mut declares_schema = false;
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut wheres = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' if bytes[i..].starts_with(b"\"\"\"") => {
                i += 3;
                while i < bytes.len() && !bytes[i..].starts_with(b"\"\"\"") {
                    i += 1;
                }
                i += 3;
                continue;
            }
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' && bytes[i] != b'\n' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'{' | b'[' | b'(' => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Scan { too_deep: Some(i), declares_schema };
                }
            }
            b'}' | b']' | b')' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    wheres = 0;
                }
            }
            b'w' if bytes[i..].starts_with(b"where")
                && (i == 0 || !is_word(bytes[i - 1]))
                && !bytes.get(i + 5).is_some_and(|b| is_word(*b)) =>
            {
                wheres += 1;
                if wheres > MAX_DEPTH {
                    return Scan { too_deep: Some(i), declares_schema };
                }
                i += 5;
                continue;
            }
            b'k' | b'b' | b'e'
                if depth == 0
                    && (i == 0 || !is_word(bytes[i - 1]))
                    && [&b"kind"[..], b"block", b"enum"].iter().any(|kw| {
                        bytes[i..].starts_with(kw) && !bytes.get(i + kw.len()).is_some_and(|b| is_word(*b))
                    }) =>
            {
                declares_schema = true;
            }
            _ => {}
        }
        i += 1;
    }
    Scan { too_deep: None, declares_schema }
}

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
    }

    #[test]
    fn counts_where_per_item() {
        let item = format!("rule r {{ {} }}\n", "any x in y where ".repeat(10));
        assert_eq!(too_deep(&item.repeat(20)), None);
        assert!(too_deep(&format!("rule r {{ {} }}", "any x in y where ".repeat(100))).is_some());
    }
}
