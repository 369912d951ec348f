//! Rule conditions that no one writes by hand but a hostile or generated spec can hold (issue
//! 12, row P3): flat chains of thousands of `or`, `and`, `not` or `+ 1 day`. Each is refused
//! with a located E0407 and exit code 1; before the bound, each aborted the process with a
//! stack overflow and no message. The spec is generated here, as the chains are too long to
//! keep as fixtures; date overflow (row F3) is a fixture in tests/fixtures/check/.

mod common;

use common::aims;

const POLICY: &str = "policy ai_policy \"Policy on the use of AI\" { kind: ai_policy  version: \"1.0\" }\n";

/// A spec whose one rule requires `condition`, on line 5.
fn spec_with(condition: &str) -> String {
    format!(
        "{POLICY}rule policy-long \"A long condition\" {{\n  severity: warning\n  for p in policy\n    require {condition}\n    message \"the policy {{p}} fails\"\n}}\n"
    )
}

/// Runs `aims check` on the spec, in both formats; returns the exit code and the
/// (code, line, column) of every diagnostic.
fn check(name: &str, text: &str) -> (i32, Vec<(String, u64, u64)>) {
    let dir = std::env::temp_dir().join(format!("aims-hardening-rules-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("spec.aims"), text).unwrap();
    let human = aims(&dir, &["check", "--as-of=2026-11-22", "--color=never", "spec.aims"]);
    let json = aims(&dir, &["check", "--as-of=2026-11-22", "--format=json", "spec.aims"]);
    std::fs::remove_dir_all(&dir).ok();
    assert_eq!(human.code, json.code, "{name}: same exit code in both formats\n{}", human.transcript());
    assert!(human.stderr.is_empty(), "{name}: {}", human.stderr);
    assert!(human.stdout.contains("error[E0407]: this condition is too long or nested too deeply to check"), "{name}");
    let v: serde_json::Value = serde_json::from_str(&json.stdout).expect("JSON output");
    let places = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["code"].as_str().unwrap().to_string(), d["line"].as_u64().unwrap(), d["column"].as_u64().unwrap()))
        .collect();
    (json.code, places)
}

/// The column (1-based) of the `n`-th (1-based) occurrence of `needle` on the rule's line.
fn column_of_nth(text: &str, needle: &str, n: usize) -> u64 {
    let line = text.lines().nth(4).unwrap();
    let at = line.match_indices(needle).nth(n - 1).unwrap().0;
    at as u64 + 1
}

#[test]
fn a_chain_of_3100_or_is_refused_where_it_passes_the_bound() {
    let text = spec_with(&vec!["p.version"; 3100].join(" or "));
    let (code, got) = check("or", &text);
    assert_eq!(code, 1);
    // `p.version` is one level; each `or` adds one: the 128th `or` makes 129.
    assert_eq!(got, vec![("E0407".to_string(), 5, column_of_nth(&text, " or ", 128) + 1)]);
}

#[test]
fn a_chain_of_3100_and_is_refused() {
    let text = spec_with(&vec!["p.version == \"1.0\""; 3100].join(" and "));
    let (code, got) = check("and", &text);
    assert_eq!(code, 1);
    // A comparison is two levels: the 127th `and` makes 129.
    assert_eq!(got, vec![("E0407".to_string(), 5, column_of_nth(&text, " and ", 127) + 1)]);
}

#[test]
fn a_run_of_8400_not_is_refused() {
    let text = spec_with(&format!("{}p.version", "not ".repeat(8400)));
    let (code, got) = check("not", &text);
    assert_eq!(code, 1);
    // The `not` closest to `p.version` is applied first: the 128th from the end makes 129.
    assert_eq!(got, vec![("E0407".to_string(), 5, column_of_nth(&text, "not ", 8400 - 127))]);
}

#[test]
fn a_chain_of_3700_added_days_is_refused() {
    let text = spec_with(&format!("today{} >= today", " + 1 day".repeat(3700)));
    let (code, got) = check("add", &text);
    assert_eq!(code, 1);
    assert_eq!(got, vec![("E0407".to_string(), 5, column_of_nth(&text, " + ", 128) + 1)]);
}

#[test]
fn nesting_counts_with_length() {
    // Quantifiers nested 20 deep, each with a chain of 10: 20 x 11 levels, past the bound
    // although no one chain or nesting is.
    let mut cond = "p.version".to_string();
    for _ in 0..20 {
        cond = format!("any q in policy where ({cond}) or {}", ["q.version"; 10].join(" or "));
    }
    let (code, got) = check("nested", &spec_with(&cond));
    assert_eq!(code, 1);
    assert_eq!(got.iter().filter(|(c, _, _)| c == "E0407").count(), 1, "{got:?}");
}

#[test]
fn a_chain_at_the_bound_is_checked_and_run() {
    // 127 `or` over 128 terms: 128 levels, the most a condition may have. The rules run.
    let dir = std::env::temp_dir().join(format!("aims-hardening-rules-{}-at-bound", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let text = spec_with(&vec!["p.version"; 128].join(" or "));
    std::fs::write(dir.join("spec.aims"), &text).unwrap();
    let json = aims(&dir, &["check", "--as-of=2026-11-22", "--format=json", "--only=policy-long", "spec.aims"]);
    std::fs::remove_dir_all(&dir).ok();
    let v: serde_json::Value = serde_json::from_str(&json.stdout).unwrap_or_else(|_| panic!("{}", json.transcript()));
    assert!(v["summary"]["rules_run"].as_bool().unwrap(), "{}", json.transcript());
    assert_eq!(v["diagnostics"].as_array().unwrap().len(), 0, "{}", json.transcript());
}
