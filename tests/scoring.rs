//! Scoring each distinct input once (src/scoring/memo.rs) never changes what a user sees. Each
//! test scores the same spec twice: with a script whose `score` reads its argument only by field
//! name (so equal inputs share one call), and with the same script made to pass its argument on
//! whole (`let same = risk;`, which turns the memo off: every risk gets its own call). The two
//! scripts have the same text up to that line, so every position in a message is the same too,
//! and the reports and diagnostics must be byte for byte the same, besides being right.

mod common;

use std::path::{Path, PathBuf};

/// The risks: r0 and r1 have equal inputs (and equal residuals), r2 differs in both, r3 has a
/// residual equal to r0's inherent input; all name the same system.
const RISKS: &[(&str, &str, &str, &str)] = &[
    ("likely", "major", "possible", "moderate"),
    ("likely", "major", "possible", "moderate"),
    ("rare", "minor", "rare", "negligible"),
    ("almost_certain", "severe", "likely", "major"),
];

const LEVEL: &str = "fn level(score) {\n  if score <= 4 { \"low\" } else if score <= 9 { \"medium\" } \
                     else if score <= 16 { \"high\" } else { \"critical\" }\n}\n";

/// A spec in `dir/<name>/spec/` scored by `script`, in a folder of its own so that both runs
/// print the same relative paths.
fn spec(dir: &Path, name: &str, script: &str) -> PathBuf {
    let root = dir.join(name);
    let spec = root.join("spec");
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(&spec).unwrap();
    let mut text = "organization acme \"Acme Health\" {\n  scoring: \"scoring.rhai\"\n}\n\
                    role risk_board { can_accept_risk: yes }\n\
                    person priya { email: \"priya@example.org\" }\n\
                    system triage { owner: priya  purpose: \"Orders arrivals\"  tier: 1 }\n"
        .to_string();
    for (i, (likelihood, impact, r_likelihood, r_impact)) in RISKS.iter().enumerate() {
        text.push_str(&format!(
            "risk r{i} \"Risk {i}\" {{\n  system: triage\n  owner: priya\n  objective: safety\n  \
             likelihood: {likelihood}\n  impact: {impact}\n  treatment {{\n    option: mitigate\n    \
             plan: \"Checks\"\n    owner: priya\n    residual {{ likelihood: {r_likelihood}, impact: {r_impact} }}\n  \
             }}\n}}\n"
        ));
    }
    std::fs::write(spec.join("spec.aims"), text).unwrap();
    std::fs::write(spec.join("scoring.rhai"), script).unwrap();
    root
}

fn folder(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("scoring").join(name);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// What a user sees of one spec: `aims check` and the risk register, both as JSON.
fn outputs(root: &Path) -> (String, String) {
    let check = common::aims(root, &["check", "spec", "--as-of", "2026-11-22", "--format", "json"]);
    let register = common::aims(root, &["report", "register", "spec", "--as-of", "2026-11-22", "--format", "json"]);
    assert!(register.stderr.is_empty(), "{}", register.transcript());
    (check.transcript(), register.transcript())
}

/// `script` with its third line (`let same = 0;`) replaced by one that passes `risk` on whole.
fn unmemoised(script: &str) -> String {
    assert!(script.contains("\n  let same = 0;\n"), "the script has the line to replace");
    script.replace("\n  let same = 0;\n", "\n  let same = risk;\n")
}

/// Scores the spec with `script` and with its unmemoised twin; both must print the same.
fn both(test: &str, script: &str) -> (String, String) {
    let dir = folder(test);
    let memo = outputs(&spec(&dir, "memo", script));
    let each = outputs(&spec(&dir, "each", &unmemoised(script)));
    assert_eq!(memo.0, each.0, "`aims check` differs with the memo");
    assert_eq!(memo.1, each.1, "the risk register differs with the memo");
    memo
}

/// The JSON under a transcript's `exit code:` line.
fn json(transcript: &str) -> serde_json::Value {
    let text = transcript.split_once('\n').map_or(transcript, |(_, rest)| rest);
    serde_json::from_str(text).expect("aims prints JSON")
}

/// The codes of the diagnostics about the scoring script (E05xx, W05xx) in `aims check`'s JSON.
fn script_findings(check: &str) -> Vec<String> {
    let v = json(check);
    let all = v["diagnostics"].as_array().expect("diagnostics").iter();
    all.filter_map(|d| d["code"].as_str())
        .filter(|c| c.starts_with("E05") || c.starts_with("W05"))
        .map(String::from)
        .collect()
}

/// The register's (risk, inherent score, inherent level, residual score, residual level) rows.
fn scores(register: &str) -> Vec<(String, String, String, String, String)> {
    let v = json(register);
    let rows = v["reports"][0]["rows"].as_array().expect("rows").clone();
    rows.iter()
        .map(|r| {
            let cell = |name: &str| r["cells"][name].as_str().unwrap_or_default().to_string();
            (
                cell("risk"),
                cell("inherent score"),
                cell("inherent level"),
                cell("residual score"),
                cell("residual level"),
            )
        })
        .collect()
}

fn row(risk: &str, score: &str, level: &str, r_score: &str, r_level: &str) -> (String, String, String, String, String) {
    (risk.into(), score.into(), level.into(), r_score.into(), r_level.into())
}

#[test]
fn equal_inputs_get_the_scores_they_get_without_the_memo() {
    let script = format!(
        "fn score(risk) {{\n  let bonus = if risk.residual {{ 0 }} else {{ 1 }};\n  let same = 0;\n  \
         risk.likelihood_rank * risk.impact_rank + bonus - 1\n}}\n{LEVEL}"
    );
    let (check, register) = both("equal-inputs", &script);
    assert_eq!(script_findings(&check), Vec::<String>::new());
    // A residual scores one less than the same likelihood and impact as an inherent risk.
    assert_eq!(
        scores(&register),
        vec![
            row("r0", "16", "high", "8", "medium"),
            row("r1", "16", "high", "8", "medium"),
            row("r2", "2", "low", "0", "low"),
            row("r3", "25", "critical", "15", "high"),
        ]
    );
}

#[test]
fn an_error_on_a_shared_input_is_reported_at_every_risk_with_it() {
    // The matrix's cells have no system, so the script passes its checks and fails on risks.
    let script = format!(
        "fn score(risk) {{\n  if risk.system != () && risk.impact == \"major\" {{ throw \"major risks are scored by the board\" }}\n  \
         let same = 0;\n  risk.likelihood_rank * risk.impact_rank\n}}\n{LEVEL}"
    );
    let (check, register) = both("shared-error", &script);
    let v = json(&check);
    let failures: Vec<(String, u64, u64)> = v["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter(|d| d["message"].as_str().unwrap_or_default().starts_with("the scoring script failed"))
        .map(|d| {
            let at = d["labels"].as_array().and_then(|l| l.iter().find(|l| l["message"] == "while scoring this"));
            let line = at.map_or(0, |l| l["line"].as_u64().unwrap_or(0));
            (d["message"].as_str().unwrap_or_default().to_string(), d["line"].as_u64().unwrap_or(0), line)
        })
        .collect();
    let msg = |what: &str| {
        format!(
            "the scoring script failed on {what}: it stopped with the message `major risks are scored by the board`"
        )
    };
    // r0 and r1 fail on their inherent input, r3 on its residual (`major`); each is reported at
    // the throw (line 2 of the script) and points at its own risk or residual block.
    let risk_line = |i: usize| 7 + 13 * i as u64;
    assert_eq!(
        failures,
        vec![
            (msg("risk `r0`"), 2, risk_line(0)),
            (msg("risk `r1`"), 2, risk_line(1)),
            (msg("the residual risk of `r3`"), 2, risk_line(3) + 10),
        ]
    );
    assert_eq!(script_findings(&check).len(), 3, "nothing else is wrong with the script");
    // A register of half-scored risks would mislead: it is refused, the same way both times.
    assert!(json(&register)["error"].is_string(), "{register}");
}

#[test]
fn a_script_cannot_carry_state_from_one_call_to_the_next() {
    // Each call gets its own copy of the map, and nothing at the top level of the script runs:
    // a counter kept in the argument or in a global starts afresh on every call, so equal
    // inputs score the same wherever they are in the spec.
    let script = format!(
        "let calls = 100;\nfn score(risk) {{\n  let same = 0;\n  risk.calls = (risk.calls ?? 0) + 1;\n  \
         risk.likelihood_rank * risk.impact_rank * risk.calls\n}}\n{LEVEL}"
    );
    let (check, register) = both("no-state", &script);
    assert_eq!(script_findings(&check), Vec::<String>::new());
    assert_eq!(
        scores(&register),
        vec![
            row("r0", "16", "high", "9", "medium"),
            row("r1", "16", "high", "9", "medium"),
            row("r2", "2", "low", "1", "low"),
            row("r3", "25", "critical", "16", "high"),
        ]
    );
}
