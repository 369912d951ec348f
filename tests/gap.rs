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
        let rules = r["evidence"].as_array().unwrap();
        assert_eq!(rules.len(), r["rules"].as_array().unwrap().len());
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
    assert!(guidance["readiness"].is_null(), "{}", guidance["readiness"]);
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

fn obligations<'a>(std: &'a Value, system: &str) -> Vec<(&'a str, &'a str)> {
    let s = std["systems"].as_array().unwrap().iter().find(|s| s["system"] == system).expect("the system is listed");
    s["obligations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| (o["reference"].as_str().unwrap(), o["status"].as_str().unwrap()))
        .collect()
}

/// A catalogue with `regulation: yes` lists, per AI system, each obligation a rule applied to
/// that system, and the date decides whether it applies yet. The catalogue is declared in the
/// spec (tests/fixtures/gap/regulation/act.aims), so the view is tested apart from the EU AI
/// Act catalogue of the stdlib.
#[test]
fn a_regulation_lists_each_obligation_per_system_as_of_the_date() {
    let dir = "tests/fixtures/gap/regulation";
    let report = gap_json(&["--framework", "demo-act", dir]);
    assert_eq!(report["standards"].as_array().unwrap().len(), 1, "only the framework asked for");
    let act = standard(&report, "demo-act");
    assert_eq!(act["view"], "regulation");
    assert!(act["readiness"].is_null());
    assert_eq!(
        obligations(act, "chat"),
        [("demo-act:26", "met"), ("demo-act:99", "not_yet_applicable")],
        "the deployed system with oversight"
    );
    assert_eq!(
        obligations(act, "scorer"),
        [("demo-act:26", "findings"), ("demo-act:73.2", "findings"), ("demo-act:99", "not_yet_applicable")],
        "the provider and deployer whose incident was reported late"
    );
    // A rule about the spec as a whole is the organisation's obligation, not one system's.
    let org: Vec<&str> =
        act["organization"].as_array().unwrap().iter().map(|o| o["reference"].as_str().unwrap()).collect();
    assert_eq!(org, ["demo-act:4"]);
    let row = |r: &Value, id: &str| requirements(r).into_iter().find(|x| x["id"] == id).unwrap()["status"].clone();
    assert_eq!(row(act, "99"), "not_yet_applicable");
    assert_eq!(row(act, "100"), "not_covered");
    // Before the obligations of 2 August 2026 apply, they show as not yet applicable.
    let run = aims(root(), &["gap", "--as-of=2026-07-01", "--format=json", "--framework", "demo-act", dir]);
    let before: Value = serde_json::from_str(&run.stdout).unwrap();
    let act = standard(&before, "demo-act");
    assert_eq!(obligations(act, "scorer")[0], ("demo-act:26", "not_yet_applicable"));
    assert_eq!(row(act, "4"), "met", "applies since 2025");
    assert_eq!(row(act, "73.2"), "not_yet_applicable", "a paragraph applies from its article's date");
    let human = aims(root(), &["gap", AS_OF, "--framework", "demo-act", dir]);
    insta::assert_snapshot!("regulation-gap", human.transcript());
}

/// The NIST AI RMF: 72 subcategories, each with its ISO/IEC 42001 counterparts from the
/// crosswalk, its status rolled up from theirs.
#[test]
fn the_nist_ai_rmf_is_read_through_its_crosswalk() {
    let report = gap_json(&["--framework", "nist-ai-rmf", "examples/hospital-network"]);
    let nist = standard(&report, "nist-ai-rmf");
    assert_eq!(nist["view"], "guidance");
    assert_eq!(nist["maps_to"], serde_json::json!(["iso42001"]));
    let reqs = requirements(nist);
    assert_eq!(reqs.len(), 72, "72 subcategories");
    for function in ["GOVERN", "MAP", "MEASURE", "MANAGE"] {
        assert!(reqs.iter().any(|r| r["id"].as_str().unwrap().starts_with(&format!("{function}-"))));
    }
    for r in &reqs {
        assert!(!r["maps"].as_array().unwrap().is_empty(), "{} has counterparts", r["id"]);
    }
    insta::assert_json_snapshot!("hospital-network-nist-ai-rmf", report);
    // With four items, what the counterparts show is rolled up, and nothing is addressed.
    let four = gap_json(&["--framework", "nist-ai-rmf", "tests/fixtures/gap/four-items"]);
    let nist = standard(&four, "nist-ai-rmf");
    let statuses: Vec<&str> = requirements(nist).iter().map(|r| r["status"].as_str().unwrap()).collect();
    assert!(!statuses.contains(&"met"), "{statuses:?}");
    assert!(statuses.contains(&"findings") && statuses.contains(&"no_evidence"), "{statuses:?}");
}

/// `aims explain` shows an entry of any catalogue with the rules that cite it, and
/// `aims rules` the titles of the entries each rule cites.
#[test]
fn explain_shows_an_entry_of_any_catalogue() {
    let run = aims(root(), &["explain", "nist-ai-rmf:GOVERN-1.1"]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    insta::assert_snapshot!("explain-nist", run.transcript());
    let run = aims(root(), &["explain", "iso42001:9.2.2"]);
    assert!(run.stdout.contains("Internal audit programme") && run.stdout.contains("rules:"), "{}", run.stdout);
    let run = aims(root(), &["explain", "nist-ai-rmf:GOVERN-11"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("did you mean `GOVERN-1.1`"), "{}", run.stderr);
    // A regulation in a stdlib of one's own: a copy of the stdlib plus the test catalogue.
    let stdlib = std::env::temp_dir().join(format!("aims-gap-stdlib-{}", std::process::id()));
    copy_dir(&root().join("stdlib"), &stdlib);
    let act = std::fs::read_to_string(root().join("tests/fixtures/gap/regulation/act.aims")).unwrap();
    std::fs::write(stdlib.join("standards/demo-act.aims"), act).unwrap();
    let run = aims(root(), &["explain", "demo-act:73.2", "--stdlib", stdlib.to_str().unwrap()]);
    std::fs::remove_dir_all(&stdlib).ok();
    assert_eq!(run.code, 0, "{}", run.transcript());
    insta::assert_snapshot!("explain-regulation", run.transcript());
    let run = aims(root(), &["rules"]);
    assert!(run.stdout.contains("iso42001:6.1.3  AI risk treatment"), "{}", run.stdout);
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let path = e.path();
        if path.is_dir() {
            copy_dir(&path, &to.join(e.file_name()));
        } else {
            std::fs::copy(&path, to.join(e.file_name())).unwrap();
        }
    }
}

/// The EU AI Act view of the stdlib's own catalogue over the EU examples: each obligation per
/// AI system, met where the organisation holds what the Act asks, and the Act's dates decide
/// what applies (the provider duties of Chapter III apply from 2 August 2026).
#[test]
fn the_eu_ai_act_view_of_the_eu_examples() {
    let report = gap_json(&["--framework", "eu-ai-act", "examples/eu-provider"]);
    let act = standard(&report, "eu-ai-act");
    assert_eq!(act["view"], "regulation");
    assert!(act["readiness"].is_null(), "a regulation has no certification readiness figure");
    let cv = obligations(act, "cv_screening");
    for (reference, status) in [
        ("eu-ai-act:9", "met"),
        ("eu-ai-act:43", "met"),
        ("eu-ai-act:49.1", "met"),
        ("eu-ai-act:6.1", "not_yet_applicable"),
    ] {
        assert!(cv.contains(&(reference, status)), "cv_screening: {reference} is {status}: {cv:?}");
    }
    // The Annex III points define high-risk uses; they are no obligations of their own.
    assert!(requirements(act).iter().all(|r| !r["id"].as_str().unwrap().starts_with("III.")));
    let gaps = gap_json(&["--framework", "eu-ai-act", "examples/eu-provider-gaps"]);
    let cv = obligations(standard(&gaps, "eu-ai-act"), "cv_screening");
    for reference in ["eu-ai-act:43", "eu-ai-act:48", "eu-ai-act:14"] {
        assert!(cv.contains(&(reference, "findings")), "the twin fails {reference}: {cv:?}");
    }
    let run = aims(
        root(),
        &["gap", "--as-of=2026-07-01", "--format=json", "--framework", "eu-ai-act", "examples/eu-provider"],
    );
    let before: Value = serde_json::from_str(&run.stdout).unwrap();
    let act = standard(&before, "eu-ai-act");
    let cv = obligations(act, "cv_screening");
    // Before 2 August 2026 no provider duty of Chapter III applies to the system, and the
    // catalogue says from when it will.
    assert!(!cv.iter().any(|(r, _)| *r == "eu-ai-act:43"), "before 2 August 2026: {cv:?}");
    let row = requirements(act).into_iter().find(|r| r["id"] == "43").expect("Art. 43 is a row");
    assert_eq!(row["status"], "not_yet_applicable");
    for name in ["eu-provider", "public-deployer"] {
        let human = aims(root(), &["gap", AS_OF, "--framework", "eu-ai-act", &format!("examples/{name}")]);
        assert_eq!(human.code, 0, "{}", human.transcript());
        insta::assert_snapshot!(format!("{name}-eu-ai-act-gap"), human.transcript());
    }
    let json = aims(root(), &["gap", AS_OF, "--format=json", "--framework", "eu-ai-act", "examples/public-deployer"]);
    insta::assert_snapshot!("public-deployer-eu-ai-act-gap-json", json.stdout);
}
