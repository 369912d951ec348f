//! `aims check --format sarif|junit|github`: the outputs CI platforms read, validated against
//! the official schemas (tests/schemas, see PROVENANCE.md there).

mod common;
#[path = "support/tools.rs"]
mod tools;

use common::aims;
use std::path::{Path, PathBuf};

const AS_OF: &str = "--as-of=2026-11-22";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Specs with rule findings, language errors, and none at all.
const CASES: &[(&str, &str)] = &[
    ("examples", "llm-startup-gaps"),
    ("examples", "hospital-network"),
    ("tests/fixtures/check", "unknown-reference.aims"),
    ("tests/fixtures/check", "syntax-one-error-does-not-hide-the-next.aims"),
    ("tests/fixtures/check", "scoring-not-monotone"),
];

fn sarif_validator() -> jsonschema::Validator {
    let text = std::fs::read_to_string(root().join("tests/schemas/sarif-schema-2.1.0.json")).unwrap();
    let schema: serde_json::Value = serde_json::from_str(&text).unwrap();
    jsonschema::validator_for(&schema).expect("the SARIF schema compiles")
}

#[test]
fn sarif_is_valid_and_fits_github() {
    let validator = sarif_validator();
    for (dir, case) in CASES {
        let run = aims(&root().join(dir), &["check", AS_OF, "--format=sarif", case]);
        let human = aims(&root().join(dir), &["check", AS_OF, case]);
        assert_eq!(run.code, human.code, "{case}: the same exit code as the human output");
        let log: serde_json::Value = serde_json::from_str(&run.stdout).expect("SARIF is JSON");
        let errors: Vec<String> =
            validator.iter_errors(&log).map(|e| format!("{} at {}", e, e.instance_path())).collect();
        assert!(errors.is_empty(), "{case}: SARIF does not validate: {errors:#?}");
        let mut wrong = log.clone();
        wrong["version"] = serde_json::json!("2.0");
        assert!(!validator.is_valid(&wrong), "the schema rejects a log of another version");

        let run0 = &log["runs"][0];
        let rules = run0["tool"]["driver"]["rules"].as_array().unwrap();
        for rule in rules {
            for field in ["shortDescription", "fullDescription", "help"] {
                let text = rule[field]["text"].as_str().unwrap_or_default();
                assert!(!text.trim().is_empty(), "{case}: rule {} has no {field}", rule["id"]);
                if field != "help" {
                    assert!(text.chars().count() <= 1024, "{case}: rule {} {field} is too long", rule["id"]);
                }
            }
            assert!(rule.get("properties").and_then(|p| p.get("security-severity")).is_none());
        }
        let results = run0["results"].as_array().unwrap();
        let human_count = human.stdout.matches("\nerror[").count()
            + human.stdout.matches("\nwarning[").count()
            + usize::from(human.stdout.starts_with("error[") || human.stdout.starts_with("warning["));
        assert_eq!(results.len(), human_count, "{case}: one result per finding");
        for r in results {
            let i = r["ruleIndex"].as_u64().expect("a rule index") as usize;
            assert_eq!(rules[i]["id"], r["ruleId"], "{case}: the rule index points at the rule");
            let loc = &r["locations"][0]["physicalLocation"];
            let uri = loc["artifactLocation"]["uri"].as_str().unwrap();
            assert!(!uri.starts_with('/') && !uri.contains('\\'), "{case}: `{uri}` is relative");
            assert_eq!(loc["artifactLocation"]["uriBaseId"], "%SRCROOT%");
            let region = &loc["region"];
            for f in ["startLine", "startColumn", "endLine", "endColumn"] {
                assert!(region[f].as_u64().unwrap_or(0) >= 1, "{case}: region has {f}");
            }
            assert!(Path::new(dir).join(uri).exists() || root().join(dir).join(uri).exists(), "{uri} exists");
        }
    }
}

#[test]
fn sarif_rule_ids_and_indexes_are_stable() {
    let a = aims(&root().join("examples"), &["check", AS_OF, "--format=sarif", "llm-startup-gaps"]);
    let b = aims(&root().join("examples"), &["check", AS_OF, "--format=sarif", "retail-bank"]);
    let rules = |s: &str| -> serde_json::Value {
        let v: serde_json::Value = serde_json::from_str(s).unwrap();
        v["runs"][0]["tool"]["driver"]["rules"].clone()
    };
    assert_eq!(rules(&a.stdout), rules(&b.stdout), "the same rules in the same order for every spec");
    let again = aims(&root().join("examples"), &["check", AS_OF, "--format=sarif", "llm-startup-gaps"]);
    assert_eq!(a.stdout, again.stdout, "same input, same bytes");
}

#[test]
fn junit_validates_against_the_jenkins_schema() {
    let Some(xmllint) = tools::required("xmllint", "apt-get install -y libxml2-utils") else { return };
    let xsd = root().join("tests/schemas/junit-jenkins-xunit-10.xsd");
    let out = std::env::temp_dir().join(format!("aims-junit-{}", std::process::id()));
    std::fs::create_dir_all(&out).unwrap();
    for (dir, case) in CASES {
        let run = aims(&root().join(dir), &["check", AS_OF, "--format=junit", case]);
        let file = out.join(format!("{}.xml", case.replace('.', "_")));
        std::fs::write(&file, &run.stdout).unwrap();
        let lint = std::process::Command::new(&xmllint)
            .args(["--noout", "--schema"])
            .arg(&xsd)
            .arg(&file)
            .output()
            .expect("xmllint runs");
        assert!(lint.status.success(), "{case}: JUnit does not validate:\n{}", String::from_utf8_lossy(&lint.stderr));
        let failures = run.stdout.matches("<failure ").count();
        let human = aims(&root().join(dir), &["check", AS_OF, case]);
        let findings = human.stdout.lines().filter(|l| l.starts_with("error[") || l.starts_with("warning[")).count();
        assert_eq!(failures, findings, "{case}: one failing case per finding");
    }
    let _ = std::fs::remove_dir_all(&out);
}

#[test]
fn junit_and_github_snapshots() {
    let dir = root().join("tests/fixtures/check");
    for case in ["unknown-reference.aims", "syntax-one-error-does-not-hide-the-next.aims"] {
        let junit = aims(&dir, &["check", AS_OF, "--format=junit", case]);
        insta::assert_snapshot!(format!("junit-{case}"), junit.transcript());
        let github = aims(&dir, &["check", AS_OF, "--format=github", case]);
        insta::assert_snapshot!(format!("github-{case}"), github.transcript());
    }
    let clean = aims(&root().join("examples"), &["check", AS_OF, "--format=junit", "hospital-network"]);
    insta::assert_snapshot!("junit-clean-hospital-network", clean.transcript());
}

#[test]
fn github_annotations_stay_within_limits_and_summarise() {
    let summary = std::env::temp_dir().join(format!("aims-summary-{}.md", std::process::id()));
    let _ = std::fs::remove_file(&summary);
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_aims"))
        .env("AIMS_NO_CACHE", "1")
        .args(["check", AS_OF, "--format=github", "llm-startup-gaps"])
        .current_dir(root().join("examples"))
        .env("GITHUB_STEP_SUMMARY", &summary)
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(1));
    for level in ["::error ", "::warning ", "::notice "] {
        assert!(stdout.lines().filter(|l| l.starts_with(level)).count() <= 10, "at most 10 {level}");
    }
    assert_eq!(stdout.lines().filter(|l| l.starts_with("::error ")).count(), 10);
    assert!(stdout.contains("more findings are not annotated"), "{stdout}");
    for line in stdout.lines().filter(|l| l.starts_with("::")) {
        let (props, message) = line[2..].split_once("::").expect("a command has properties and a message");
        assert!(!message.contains('\n') && !message.contains('\r'));
        assert!(props.contains("file=llm-startup-gaps/") && props.contains("line="), "{line}");
    }
    let table = std::fs::read_to_string(&summary).expect("the job summary is written");
    let _ = std::fs::remove_file(&summary);
    let human = aims(&root().join("examples"), &["check", AS_OF, "llm-startup-gaps"]);
    let findings = human.stdout.lines().filter(|l| l.starts_with("error[") || l.starts_with("warning[")).count();
    assert_eq!(table.lines().filter(|l| l.starts_with("| error") || l.starts_with("| warning")).count(), findings);
}
