//! `aims test`: the hospital network's own rules pass their tests; a folder of cases that are
//! wrong on purpose shows each kind of failure, in human and JUnit form, with exit code 1.

mod common;

use common::aims;
use std::path::Path;

const RULES: &str = "--rules=examples/hospital-network/rules.aims";
const AS_OF: &str = "--as-of=2026-11-22";

#[test]
fn the_example_rules_pass_their_tests() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let run = aims(root, &["test", "tests/fixtures/aims-test/hospital-network", RULES, AS_OF]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    insta::assert_snapshot!("aims-test-pass", run.transcript());
}

#[test]
fn failing_cases_show_the_difference() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let run = aims(root, &["test", "tests/fixtures/aims-test/failing", RULES, AS_OF]);
    assert_eq!(run.code, 1, "{}", run.transcript());
    insta::assert_snapshot!("aims-test-fail", run.transcript());
    let junit = aims(root, &["test", "tests/fixtures/aims-test/failing", RULES, AS_OF, "--format=junit"]);
    assert_eq!(junit.code, 1, "{}", junit.transcript());
    assert!(junit.stdout.contains("<testsuites tests=\"3\" failures=\"1\" errors=\"2\">"), "{}", junit.stdout);
    insta::assert_snapshot!("aims-test-junit", junit.stdout);
}

/// A rule that no longer finds what its test expects makes the test fail: the tests test.
#[test]
fn a_changed_rule_fails_its_tests() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tmp = tempfile::tempdir().unwrap();
    let rules = std::fs::read_to_string(root.join("examples/hospital-network/rules.aims")).unwrap();
    let weakened = rules.replace("where t.residual.level >= medium", "where t.residual.level >= high");
    assert_ne!(rules, weakened);
    std::fs::write(tmp.path().join("rules.aims"), weakened).unwrap();
    let rules_arg = format!("--rules={}", tmp.path().join("rules.aims").display());
    let run = aims(root, &["test", "tests/fixtures/aims-test/hospital-network", &rules_arg, AS_OF]);
    assert_eq!(run.code, 1, "{}", run.transcript());
    assert!(
        run.stdout.contains("FAIL  tests/fixtures/aims-test/hospital-network/residual-without-controls.aims"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("- expected, not found:  hn-residual-relies-on-controls@7"), "{}", run.stdout);
}

#[test]
fn rules_are_required_and_cases_must_exist() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let run = aims(root, &["test", "tests/fixtures/aims-test/hospital-network"]);
    assert_eq!(run.code, 2, "{}", run.transcript());
    let run = aims(root, &["test", "no/such/cases", RULES]);
    assert_eq!(run.code, 2, "{}", run.transcript());
    assert!(run.stderr.contains("cannot read `no/such/cases`"), "{}", run.stderr);
}
