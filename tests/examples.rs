//! Every organisation under examples/ checks clean, as a governance author would run it.

mod common;

use common::aims;
use std::path::Path;

const AS_OF: &str = "--as-of=2026-11-22";

/// The examples meant to be clean; the ones named for their gaps are snapshot-tested instead.
fn clean_examples() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let mut out: Vec<String> = std::fs::read_dir(root)
        .unwrap()
        .flatten()
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| !n.ends_with("-gaps"))
        .collect();
    out.sort();
    out
}

#[test]
fn examples_check_clean() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let examples = clean_examples();
    assert!(examples.len() >= 2, "at least two example organisations: {examples:?}");
    for name in examples {
        let run = aims(root, &["check", AS_OF, "--deny-warnings", &format!("examples/{name}")]);
        assert_eq!(run.code, 0, "examples/{name} does not check clean:\n{}", run.transcript());
        assert!(run.stdout.contains("no problems found"), "{}", run.stdout);
    }
}

#[test]
fn examples_json_output_follows_the_documented_layout() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for name in clean_examples() {
        let run = aims(root, &["check", AS_OF, "--format=json", &format!("examples/{name}")]);
        let v: serde_json::Value = serde_json::from_str(&run.stdout).expect("valid JSON");
        assert_eq!(v["version"], 1);
        assert!(v["diagnostics"].as_array().unwrap().is_empty());
        for key in ["files", "items", "errors", "warnings", "waived"] {
            assert!(v["summary"][key].is_u64(), "summary.{key} is a number");
        }
        assert!(v["summary"]["items"].as_u64().unwrap() > 50, "examples/{name} is a real organisation");
    }
}

/// Examples named for their gaps fail with the findings a lead auditor would raise.
#[test]
fn gap_examples_report_their_findings() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut names: Vec<String> = std::fs::read_dir(root.join("examples"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with("-gaps"))
        .collect();
    names.sort();
    assert!(!names.is_empty(), "an example with gaps exists");
    for name in names {
        let run = aims(root, &["check", AS_OF, "--color=never", &format!("examples/{name}")]);
        assert_eq!(run.code, 1, "examples/{name} fails");
        insta::assert_snapshot!(name.clone(), run.transcript());
        let gap = aims(root, &["gap", AS_OF, &format!("examples/{name}")]);
        insta::assert_snapshot!(format!("{name}-gap"), gap.transcript());
    }
}

/// The gap analysis of a complete organisation leaves no ISO/IEC 42001 requirement uncovered
/// without a stated reason.
#[test]
fn every_iso42001_requirement_is_covered_or_explained() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let run = aims(root, &["gap", AS_OF, "--format=json", "examples/hospital-network"]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let std =
        v["standards"].as_array().unwrap().iter().find(|s| s["id"] == "iso42001").expect("iso42001 in the gap report");
    let mut uncovered = Vec::new();
    for g in std["groups"].as_array().unwrap() {
        for r in g["requirements"].as_array().unwrap() {
            if r["status"] == "not_covered" {
                uncovered.push(r["reference"].as_str().unwrap().to_string());
            }
        }
    }
    assert!(uncovered.is_empty(), "requirements neither covered by a rule nor marked not checkable: {uncovered:?}");
}
