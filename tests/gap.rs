//! `aims gap` as a user runs it: what makes a requirement "met", the views of each kind of
//! catalogue (`--framework`), and snapshots of the examples. Specs under `tests/fixtures/gap/`.

mod common;

use common::aims;
use serde_json::Value;
use std::path::Path;

const AS_OF: &str = "--as-of=2026-11-22";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn gap_json(args: &[&str]) -> Value {
    let mut all = vec!["gap", AS_OF, "--format=json"];
    all.extend_from_slice(args);
    let run = aims(root(), &all);
    assert_eq!(run.code, 0, "{}", run.transcript());
    serde_json::from_str(&run.stdout).expect("gap --format json prints JSON")
}

fn standard<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["standards"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == id)
        .unwrap_or_else(|| panic!("{id} in the report"))
}

fn requirements(std: &Value) -> Vec<&Value> {
    std["groups"].as_array().unwrap().iter().flat_map(|g| g["requirements"].as_array().unwrap()).collect()
}

/// One person, one role, one awareness training and one document: nothing of clause 7 and no
/// Annex A control is met, though rules about them ran (issue 7: the old gap showed 7.1-7.5.3,
/// A.6.1.3 and A.9.2 "met").
#[test]
fn a_four_item_spec_meets_no_clause_7_requirement_and_no_annex_a_control() {
    let report = gap_json(&["tests/fixtures/gap/four-items"]);
    let iso = standard(&report, "iso42001");
    let reqs = requirements(iso);
    assert!(reqs.len() > 40, "every requirement is listed");
    let met: Vec<&str> = reqs
        .iter()
        .filter(|r| r["status"] == "met")
        .map(|r| r["id"].as_str().unwrap())
        .filter(|id| id.starts_with("7.") || id.starts_with("A."))
        .collect();
    assert!(met.is_empty(), "met with four items: {met:?}");
    // What stands behind each row: the rules that cite it, each with its items and findings,
    // and, when nothing was checked, why.
    for r in &reqs {
        let rules = r["rules"].as_array().unwrap();
        match r["status"].as_str().unwrap() {
            "no_evidence" => {
                assert!(r["reason"].as_str().is_some_and(|w| !w.is_empty()), "a reason for {}", r["id"]);
                assert!(rules.iter().all(|e| e["items"] == 0 && e["why"].is_string()), "{r}");
            }
            "findings" => assert!(r["findings"].as_u64().unwrap() > 0),
            _ => {}
        }
    }
}

/// A rule about the spec as a whole that passes because nothing it asks about exists (no
/// provider or developer system, so no development process to document) is no "met".
#[test]
fn a_vacuous_pass_is_nothing_to_check() {
    let report = gap_json(&["tests/fixtures/gap/deployer-only"]);
    let iso = standard(&report, "iso42001");
    let a613 = requirements(iso).into_iter().find(|r| r["id"] == "A.6.1.3").expect("A.6.1.3 listed");
    assert_eq!(a613["status"], "no_evidence", "{a613}");
    assert!(a613["reason"].as_str().unwrap().contains("found no `system`"), "{a613}");
    // The same spec with a provider system: the rule now applies, and finds the gap.
    let report = gap_json(&["tests/fixtures/gap/provider-only"]);
    let iso = standard(&report, "iso42001");
    let a613 = requirements(iso).into_iter().find(|r| r["id"] == "A.6.1.3").expect("A.6.1.3 listed");
    assert_eq!(a613["status"], "findings", "{a613}");
}

/// Guidance has no readiness percentage; a certifiable standard has one.
#[test]
fn guidance_is_addressed_or_not_without_a_percentage() {
    let report = gap_json(&["examples/hospital-network"]);
    let iso = standard(&report, "iso42001");
    assert_eq!(iso["view"], "certification");
    assert!(iso["readiness"].is_u64());
    let guidance = standard(&report, "iso23894");
    assert_eq!(guidance["view"], "guidance");
    assert!(guidance.get("readiness").is_none(), "{}", guidance["readiness"]);
    let run = aims(root(), &["gap", AS_OF, "--framework", "iso23894", "examples/hospital-network"]);
    assert!(run.stdout.contains("guidance, no readiness figure"), "{}", run.stdout);
    assert!(!run.stdout.contains("% ready"), "{}", run.stdout);
}

#[test]
fn an_unknown_framework_is_named_with_the_known_ones() {
    let run = aims(root(), &["gap", AS_OF, "--framework", "iso4200", "examples/hospital-network"]);
    assert_eq!(run.code, 2, "{}", run.transcript());
    insta::assert_snapshot!("unknown-framework", run.transcript());
}

#[test]
fn the_examples_gap_analyses() {
    // The examples named for their gaps are snapshot by tests/examples.rs.
    for name in ["hospital-network", "retail-bank"] {
        let run = aims(root(), &["gap", AS_OF, &format!("examples/{name}")]);
        assert_eq!(run.code, 0, "{}", run.transcript());
        insta::assert_snapshot!(format!("{name}-gap"), run.transcript());
    }
    let run = aims(root(), &["gap", AS_OF, "tests/fixtures/gap/four-items"]);
    insta::assert_snapshot!("four-items-gap", run.transcript());
}
