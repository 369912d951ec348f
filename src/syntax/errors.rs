//! Turns pest's errors into messages for a governance author, and decides where the parser
//! resumes. No pest rule name ever reaches the user: each expected rule maps to words.

use super::parser::Rule;
use super::recovery::Boundaries;
use crate::diagnostics::{codes, Diagnostic};
use crate::source::{floor_char, slice, tail, FileId, Span};
use pest::error::{Error, ErrorVariant, InputLocation};

/// The diagnostic for an item that failed to parse at `item_start` (given to the parser up to
/// `item_end`), and the offset to resume at.
pub(crate) fn translate(
    text: &str,
    item_start: usize,
    item_end: usize,
    err: &Error<Rule>,
    file: FileId,
    bounds: &Boundaries,
) -> (Diagnostic, usize) {
    let at = item_start
        + match err.location {
            InputLocation::Pos(p) => p,
            InputLocation::Span((s, _)) => s,
        };
    // Every offset below is a character boundary of `text`, whatever pest reported.
    let at = floor_char(text, at);
    let next_item = bounds.next_after(item_start);

    // A block that swallowed the next item (or ran to the end of the file) is missing its `}`.
    let expected = expected_rules(err);
    let wants_close = expected.contains(&Rule::close);
    if wants_close && (next_item.is_some_and(|n| at >= n) || at >= item_end) {
        if let Some(open) = find_open_brace(text, item_start, bounds) {
            let header = first_line(text, item_start);
            let mut d = Diagnostic::new(codes::UNCLOSED_BLOCK, format!("the block `{header}` is not closed")).primary(
                file,
                Span::new(open, open + 1),
                "this `{` has no matching `}`",
            );
            match next_item {
                Some(n) if n <= at => {
                    d = d
                        .secondary(file, Span::new(n, line_end(text, n)), "the next item starts here")
                        .help("add a `}` before the next item");
                }
                _ => d = d.help("add a `}` at the end of the block"),
            }
            return (d, next_item.filter(|&n| n <= at).unwrap_or(text.len()));
        }
    }

    let resume = bounds.next_after(at).unwrap_or(text.len());

    let found = describe_found(text, at);
    let found_span = Span::new(at, at + found_len(text, at));

    // `}` where an item should start.
    if tail(text, at).starts_with('}') && at == item_start {
        let d = Diagnostic::new(codes::UNEXPECTED_CLOSE, "this `}` does not close any block")
            .primary(file, found_span, "nothing to close")
            .help("remove it, or check that the block before it has its `{`");
        return (d, at + 1);
    }

    // `"""` that is never closed: pest reads its first two quotes as an empty string and stops
    // at the third, so look back for the start of the run of quotes.
    // Bytes, not `str`: two bytes back may fall inside a character.
    let quote_start = (at.saturating_sub(2)..=at).find(|&s| text.as_bytes()[s..].starts_with(b"\"\"\"") && s + 3 > at);
    if let Some(start) = quote_start {
        if !tail(text, start + 3).contains("\"\"\"") {
            let d = Diagnostic::new(codes::UNTERMINATED_STRING, "this text is missing its closing `\"\"\"`")
                .primary(file, Span::new(start, start + 3), "the text starts here and is never closed")
                .help("close it with `\"\"\"`");
            return (d, text.len());
        }
    }

    // A string that runs to the end of its line.
    if tail(text, at).starts_with('"') && !tail(text, at).starts_with("\"\"\"") {
        let end = line_end(text, at);
        if !slice(text, at + 1..end).contains('"') {
            let d = Diagnostic::new(codes::UNTERMINATED_STRING, "this text is missing its closing `\"`")
                .primary(file, Span::new(at, end), "the text starts here and is not closed on this line")
                .help("close it with `\"` on the same line, or use `\"\"\"` ... `\"\"\"` for text over several lines");
            return (d, resume);
        }
    }

    // `owner:` followed by nothing usable.
    let wants_value = expected.iter().any(|r| is_value_rule(*r));
    if wants_value && !tail(text, at).starts_with('\'') {
        if let Some(field) = field_before(text, at) {
            // Point at the field, not at whatever follows on a later line.
            // `field_before` found `field` and then `:` (one byte) just before `at`.
            let colon = up_to(text, at).trim_end().len() - 1;
            let field_span = Span::new(colon - field.len(), colon + 1);
            let d = Diagnostic::new(codes::MISSING_VALUE, format!("`{field}:` has no value"))
                .primary(file, field_span, format!("expected a value after this, found {found}"))
                .help(
                    "a value is a name (`priya`), a text (`\"...\"`), a number, a date (`2026-03-10`), \
                     a duration (`90 days`) or a list (`[a, b]`)",
                );
            return (d, resume);
        }
    }

    // Where an item should start, say what an item looks like.
    if at == item_start {
        let d = Diagnostic::new(
            codes::SYNTAX,
            format!("expected an item such as `system my_system {{ ... }}`, found {found}"),
        )
        .primary(file, found_span, "not the start of an item")
        .help("each item starts with its kind and ID, then its fields in braces");
        return (d, resume);
    }

    // `name = value` or `name value` inside a block: the colon is missing.
    if expected.contains(&Rule::body) && !tail(text, at).starts_with('{') {
        if let Some(word) = word_before(text, at).filter(|w| starts_entry(text, at, w)) {
            let d =
                Diagnostic::new(codes::SYNTAX, format!("expected `:` after the field name `{word}`, found {found}"))
                    .primary(file, found_span, "expected `:`")
                    .help(format!("fields are written `{word}: value`; a nested block is written `{word} {{ ... }}`"));
            return (d, resume);
        }
    }

    let what = expected_words(&expected);
    let d = Diagnostic::new(codes::SYNTAX, format!("expected {what}, found {found}"))
        .primary(file, found_span, format!("expected {what}"))
        .help_opt(hint_for(text, at, &expected));
    (d, resume)
}

fn expected_rules(err: &Error<Rule>) -> Vec<Rule> {
    match &err.variant {
        ErrorVariant::ParsingError { positives, .. } => positives.clone(),
        ErrorVariant::CustomError { .. } => Vec::new(),
    }
}

fn is_value_rule(r: Rule) -> bool {
    matches!(
        r,
        Rule::text
            | Rule::string
            | Rule::date
            | Rule::duration
            | Rule::percent
            | Rule::decimal
            | Rule::integer
            | Rule::stdref
            | Rule::name
            | Rule::list
    )
}

/// Words for what the parser was looking for, in an author's terms.
fn expected_words(rules: &[Rule]) -> String {
    let mut words: Vec<&str> = Vec::new();
    let mut push = |w: &'static str| {
        if !words.contains(&w) {
            words.push(w);
        }
    };
    let after_header = rules.contains(&Rule::body);
    for r in rules {
        match r {
            Rule::string if after_header => push("a title in quotes"),
            r if is_value_rule(*r) => push("a value"),
            Rule::field_name => push("a field (`name: value`)"),
            Rule::kind => push("an item such as `system my_system { ... }`"),
            Rule::block_id => push("an ID"),
            Rule::body => push("`{`"),
            Rule::close => push("`}`"),
            Rule::kind_decl | Rule::enum_decl | Rule::rule_decl | Rule::waiver | Rule::block => {
                push("an item such as `system my_system { ... }`")
            }
            Rule::decl_name => push("a name"),
            Rule::type_expr | Rule::type_name | Rule::list_type | Rule::union_type => push("a type"),
            Rule::modifier => push("`required` or `many`"),
            Rule::member_name | Rule::enum_member => push("a value name"),
            Rule::doc => push("`doc`"),
            Rule::field_decl => push("a field declaration (`name: type`)"),
            Rule::rule_field => push("a rule setting (`severity: error`)"),
            Rule::rule_body | Rule::for_clause => push("`for NAME in KIND`"),
            Rule::where_clause => push("`where`"),
            Rule::require_clause => push("`require`"),
            Rule::message_clause => push("`message \"...\"`"),
            Rule::help_clause => push("`help \"...\"`"),
            Rule::group_clause | Rule::kw_group => push("`group`"),
            Rule::at_clause | Rule::kw_at => push("`at`"),
            Rule::label_clause | Rule::kw_label => push("`label \"...\"`"),
            Rule::binder => push("a name"),
            Rule::collection | Rule::path | Rule::path_head | Rule::path_seg => push("a name"),
            Rule::expr
            | Rule::or_expr
            | Rule::and_expr
            | Rule::not_expr
            | Rule::cmp_expr
            | Rule::add_expr
            | Rule::postfix
            | Rule::paren
            | Rule::quantifier
            | Rule::count_expr
            | Rule::those_expr
            | Rule::nearest_expr
            | Rule::list_lit
            | Rule::dotted_lit => push("a condition"),
            Rule::cmp_op => push("a comparison such as `==`"),
            Rule::or_op | Rule::and_op => push("`and` or `or`"),
            Rule::add_op => push("`+` or `-`"),
            Rule::waiver_target => push("the ID of the waived item"),
            Rule::EOI => push("the end of the file"),
            Rule::kw_for => push("`for`"),
            Rule::kw_in => push("`in`"),
            Rule::kw_is => push("`is`"),
            Rule::kw_where => push("`where`"),
            Rule::kw_require => push("`require`"),
            Rule::kw_message => push("`message`"),
            Rule::kw_help => push("`help`"),
            Rule::kw_doc => push("`doc`"),
            Rule::unit => push("a unit (`days`, `weeks`, `months` or `years`)"),
            _ => {}
        }
    }
    match words.len() {
        0 => "something else".to_string(),
        1 => words[0].to_string(),
        n => format!("{} or {}", words[..n - 1].join(", "), words[n - 1]),
    }
}

fn hint_for(text: &str, at: usize, expected: &[Rule]) -> Option<String> {
    let rest = tail(text, at);
    if expected.contains(&Rule::close) && rest.starts_with('=') {
        return Some("fields are written `name: value`, with a colon".into());
    }
    if expected.contains(&Rule::body) && rest.starts_with(':') {
        return Some("a block is written `KIND ID \"Title\" { ... }`; fields go inside the braces".into());
    }
    if expected.contains(&Rule::body) && rest.starts_with('\'') {
        return Some("titles are written in double quotes: `\"Title\"`".into());
    }
    if expected.iter().any(|r| is_value_rule(*r)) && rest.starts_with('\'') {
        return Some("texts are written in double quotes: `\"...\"`".into());
    }
    None
}

/// The field name of `name:` just before `at`, if that is what precedes it.
fn field_before(text: &str, at: usize) -> Option<&str> {
    let before = up_to(text, at).trim_end();
    let before = before.strip_suffix(':')?;
    let name = trailing_word(before);
    (!name.is_empty()).then_some(name)
}

/// `text[..at]`, with `at` moved back to a character boundary.
fn up_to(text: &str, at: usize) -> &str {
    &text[..floor_char(text, at)]
}

/// The run of `a-z A-Z 0-9 _ -` at the end of `text` (ASCII only, so it starts on a character
/// boundary even after a multi-byte character).
fn trailing_word(text: &str) -> &str {
    let len = text.bytes().rev().take_while(|b| b.is_ascii_alphanumeric() || *b == b'_' || *b == b'-').count();
    &text[text.len() - len..]
}

/// "`xyz`", "the end of the file", "the end of the line".
fn describe_found(text: &str, at: usize) -> String {
    if at >= text.len() {
        return "the end of the file".into();
    }
    let token = slice(text, at..at + found_len(text, at));
    match token {
        "\n" | "\r\n" | "\r" => "the end of the line".into(),
        t if t.chars().all(|c| !c.is_control()) => format!("`{t}`"),
        t => format!("`{}`", t.escape_debug()),
    }
}

/// Characters of a word shown in a message: a longer word is cut (at a character boundary).
const MAX_FOUND_BYTES: usize = 60;

/// Length in bytes of the token at `at`: a word (at most [`MAX_FOUND_BYTES`], whole
/// characters), or one character.
fn found_len(text: &str, at: usize) -> usize {
    let rest = tail(text, at);
    let mut word = 0;
    for c in rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '-' || *c == '.') {
        if word + c.len_utf8() > MAX_FOUND_BYTES {
            break;
        }
        word += c.len_utf8();
    }
    if word > 0 {
        word
    } else {
        rest.chars().next().map_or(0, |c| c.len_utf8())
    }
}

/// The identifier that ends just before `at` (spaces allowed between), if any.
fn word_before(text: &str, at: usize) -> Option<&str> {
    let before = up_to(text, at).trim_end_matches([' ', '\t']);
    let word = trailing_word(before);
    (!word.is_empty() && word.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')).then_some(word)
}

/// Whether `word` (just before `at`) is the first token of a block entry: it follows `{`, `,`
/// or the start of a line.
fn starts_entry(text: &str, at: usize, word: &str) -> bool {
    let Some(word_start) = up_to(text, at).trim_end_matches([' ', '\t']).len().checked_sub(word.len()) else {
        return false;
    };
    let before = text[..word_start].trim_end_matches([' ', '\t']);
    before.ends_with(['{', ',', '\n', '\r']) || before.is_empty() && word_start > 0
}

fn find_open_brace(text: &str, from: usize, bounds: &Boundaries) -> Option<usize> {
    let line = line_end(text, from);
    let end = bounds.next_after(from).unwrap_or(text.len()).max(line);
    slice(text, from..end).find('{').map(|i| from + i)
}

/// Where the line holding `from` ends (before its `\n`, `\r\n` or lone `\r`).
fn line_end(text: &str, from: usize) -> usize {
    let from = floor_char(text, from);
    text[from..].find(['\n', '\r']).map_or(text.len(), |i| from + i)
}

fn first_line(text: &str, from: usize) -> String {
    let line = slice(text, from..line_end(text, from));
    line.split('{').next().unwrap_or(line).trim().chars().take(60).collect()
}
