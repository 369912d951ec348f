//! Text as people read it: what may reach a terminal, and sentence case that keeps acronyms.
//!
//! Spec text and file names are the author's, and a terminal obeys what it is sent: an escape
//! sequence clears the screen, a bidi control reorders what is read, a newline in a file name
//! starts a line that looks like one of aims's own. Everything shown in human output goes
//! through [`escape`] first.

use std::borrow::Cow;

/// Whether a character must not reach a terminal as it is: control characters (C0 but the
/// tab, DEL, C1), bidi controls, zero-width and line-separator characters, the BOM.
pub fn is_unsafe(c: char, keep_tab: bool) -> bool {
    match c {
        '\t' => !keep_tab,
        c if c.is_control() => true,
        '\u{061C}' | '\u{200B}'..='\u{200F}' | '\u{2028}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FEFF}' => true,
        _ => false,
    }
}

/// How an unsafe character is shown: `\n`, `\r`, `\t` or `\u{1b}`.
pub fn escaped(c: char) -> String {
    match c {
        '\n' => "\\n".into(),
        '\r' => "\\r".into(),
        '\t' => "\\t".into(),
        c => format!("\\u{{{:x}}}", c as u32),
    }
}

/// `s` with every unsafe character (tabs included) written as an escape; borrowed when there
/// is none.
pub fn escape(s: &str) -> Cow<'_, str> {
    if !s.chars().any(|c| is_unsafe(c, false)) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if is_unsafe(c, false) {
            out.push_str(&escaped(c));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// A title turned into the middle of a sentence: "Risks are treated" -> "risks are treated",
/// but "AI objectives are established" stays as it is (a first word with a capital after its
/// first letter is an acronym or a name, such as `AI`, `ISO/IEC` or `McKinsey`).
/// Text of several lines, each escaped as [`escape`] does but keeping its tabs and its line
/// break: a diff or a listing of the author's text, safe for a terminal.
pub fn escape_lines(s: &str) -> Cow<'_, str> {
    if !s.chars().any(|c| c != '\n' && is_unsafe(c, true)) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if c != '\n' && is_unsafe(c, true) {
            out.push_str(&escaped(c));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

pub fn lowercase_first(s: &str) -> String {
    let first_word = s.split(char::is_whitespace).next().unwrap_or_default();
    let mut chars = first_word.chars();
    let Some(first) = chars.next() else { return s.to_string() };
    if chars.any(|c| c.is_uppercase()) {
        return s.to_string();
    }
    first.to_lowercase().chain(s[first.len_utf8()..].chars()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn acronyms_keep_their_capitals() {
        assert_eq!(lowercase_first("AI objectives are established"), "AI objectives are established");
        assert_eq!(lowercase_first("Risks are treated"), "risks are treated");
        assert_eq!(lowercase_first("A risk owner"), "a risk owner");
        assert_eq!(lowercase_first("ISO/IEC 42001 scope"), "ISO/IEC 42001 scope");
        assert_eq!(lowercase_first("Évaluation"), "évaluation");
        assert_eq!(lowercase_first(""), "");
    }

    #[test]
    fn terminal_controls_are_escaped() {
        assert_eq!(escape("plain `text`"), "plain `text`");
        assert_eq!(escape("a\u{1b}[2Jb"), "a\\u{1b}[2Jb");
        assert_eq!(escape("x.aims\nerror[E0001]: forged"), "x.aims\\nerror[E0001]: forged");
        assert_eq!(escape("abc\u{202E}def"), "abc\\u{202e}def");
        assert_eq!(escape("tab\there"), "tab\\there");
    }
}
