//! Every keyword of the grammar is known to the editors: the semantic tokens of `aims lsp`
//! mark it, and the VS Code TextMate grammar matches it. The keywords are read from
//! `grammar/aims.pest` itself, so a keyword added to the language and not to the editors fails
//! here. (The TextMate grammar's scopes are tested further by vscode-tmgrammar-test, through
//! tests/vscode.rs, where node is installed.)

mod lsp_harness;

use lsp_harness::Client;
use serde_json::json;
use std::collections::BTreeSet;

/// The words the grammar writes as literals, outside comments: its keywords, less the units of
/// durations (`3 months`) and `_` (a character, not a word).
fn grammar_keywords() -> BTreeSet<String> {
    let pest = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/grammar/aims.pest")).unwrap();
    let mut out = BTreeSet::new();
    for line in pest.lines() {
        let code = line.split("//").next().unwrap_or("");
        if code.trim_start().starts_with("unit ") {
            continue;
        }
        for (i, literal) in code.split('"').enumerate() {
            let is_word = !literal.is_empty() && literal.chars().all(|c| c.is_ascii_lowercase() || c == '_');
            if i % 2 == 1 && is_word && literal != "_" {
                out.insert(literal.to_string());
            }
        }
    }
    out
}

#[test]
fn the_semantic_tokens_know_every_keyword_of_the_grammar() {
    let grammar = grammar_keywords();
    assert!(grammar.len() > 20 && grammar.contains("nearest") && grammar.contains("label"), "{grammar:?}");
    let known: BTreeSet<String> = aims::lsp::KEYWORDS.iter().map(|k| k.to_string()).collect();
    let missing: Vec<&String> = grammar.difference(&known).collect();
    assert!(missing.is_empty(), "keywords of grammar/aims.pest the semantic tokens do not know: {missing:?}");
    let stale: Vec<&String> = known.difference(&grammar).collect();
    assert!(stale.is_empty(), "semantic-token keywords that are not in grammar/aims.pest: {stale:?}");
}

#[test]
fn the_textmate_grammar_matches_every_keyword_of_the_grammar() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/editors/vscode/syntaxes/aims.tmLanguage.json");
    let tm: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    // Every regular expression of the TextMate grammar.
    let mut regexes = Vec::new();
    let mut stack = vec![&tm];
    while let Some(v) = stack.pop() {
        match v {
            serde_json::Value::Object(map) => {
                for (k, v) in map {
                    match (k.as_str(), v.as_str()) {
                        ("match" | "begin", Some(re)) => regexes.push(re.to_string()),
                        _ => stack.push(v),
                    }
                }
            }
            serde_json::Value::Array(items) => stack.extend(items),
            _ => {}
        }
    }
    // A keyword is matched when it stands as a whole alternative of a group: `(for|where)`,
    // `(?:required|many)`, `\\b(kind|block)`, `(rule)\\s+`.
    let alternative = |re: &str, word: &str| {
        re.match_indices(word).any(|(i, _)| {
            let before = re[..i].chars().last();
            let after = re[i + word.len()..].chars().next();
            matches!(before, Some('(' | '|' | ':')) && matches!(after, Some('|' | ')'))
        })
    };
    let missing: Vec<String> =
        grammar_keywords().into_iter().filter(|k| !regexes.iter().any(|re| alternative(re, k))).collect();
    assert!(missing.is_empty(), "keywords of grammar/aims.pest the TextMate grammar does not match: {missing:?}");
}

const SAMPLE: &str = r#"kind gadget "Gadget" {
  doc "A thing for tests"
  owner: person | role required "who is in charge"
  label: text "not a keyword here: a field"
}
enum shade "Shade" {
  none "a member named like a keyword"
}
rule gadget-decided "Every gadget is decided" {
  severity: warning
  for g in gadget where not (g.label == "for") and g.owner != none
    require all t in g.tags where t is text or any u in g.tags where u in [t] or count v in g.tags == 0 or (nearest g.id in gadget).id == g.id or those w in g.tags where w == t
    group
    at g, g.owner
    label "decide it"
    message "{g} is not decided"
    help "decide {g}"
}
waive gadget-decided for box1 { reason: "kept for now" }
block part "Part" {
  names: [text] many computed "its names"
}
"#;

#[test]
fn semantic_tokens_mark_keywords_and_only_keywords() {
    let mut client = Client::start(&[("/decl.aims".to_string(), SAMPLE.to_string())]);
    client.open("/decl.aims");
    let answer = client
        .request("textDocument/semanticTokens/full", json!({ "textDocument": { "uri": client.uri("/decl.aims") } }));
    let data: Vec<u64> = answer["data"].as_array().unwrap().iter().map(|n| n.as_u64().unwrap()).collect();
    let lines: Vec<&str> = SAMPLE.lines().collect();
    let (mut line, mut col) = (0usize, 0usize);
    let mut keywords: Vec<(usize, String)> = Vec::new();
    let mut others: Vec<String> = Vec::new();
    for t in data.chunks(5) {
        if t[0] > 0 {
            col = 0;
        }
        line += t[0] as usize;
        col += t[1] as usize;
        let word = lines[line][col..col + t[2] as usize].to_string();
        // Token type 9 is `keyword` in the legend.
        if t[3] == 9 {
            keywords.push((line, word));
        } else {
            others.push(word);
        }
    }
    let words: BTreeSet<&str> = keywords.iter().map(|(_, w)| w.as_str()).collect();
    for k in aims::lsp::KEYWORDS {
        assert!(words.contains(k), "`{k}` is not marked as a keyword: {keywords:?}");
    }
    // Field names, path segments, strings and an enum member keep their own tokens.
    assert!(!keywords.contains(&(3, "label".to_string())), "a field named `label`");
    assert!(!keywords.contains(&(6, "none".to_string())), "an enum member named `none`");
    assert!(!keywords.iter().any(|(l, w)| *l == 1 && w == "for"), "`for` inside a string");
    assert!(!keywords.iter().any(|(l, w)| *l == 10 && w == "label"), "`g.label` is a path");
    assert!(others.contains(&"none".to_string()) && others.contains(&"\"decide it\"".to_string()), "{others:?}");
}
