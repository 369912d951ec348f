//! `aims export oscal`: every file validates against the NIST OSCAL 1.2.1 schema of its model
//! (tests/schemas/oscal), UUIDs are unique, references point at what exists, and the SSP has one
//! implemented requirement per control of the catalogue.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn validator(name: &str) -> jsonschema::Validator {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/schemas/oscal").join(name);
    let schema: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    jsonschema::validator_for(&schema).expect("the OSCAL schema compiles")
}

fn uuids(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::Object(m) => {
            for (k, x) in m {
                if k == "uuid" {
                    out.push(x.as_str().unwrap_or_default().to_string());
                }
                uuids(x, out);
            }
        }
        serde_json::Value::Array(a) => a.iter().for_each(|x| uuids(x, out)),
        _ => {}
    }
}

fn export(example: &str, out: &Path) -> common::Run {
    let examples = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples");
    common::aims(
        &examples,
        &["export", "oscal", example, "--as-of=2026-11-22", "--no-revision", "--out", out.to_str().unwrap()],
    )
}

#[test]
fn every_file_validates_against_oscal_1_2_1() {
    let schemas = [
        ("catalog.json", "oscal_catalog_schema.json"),
        ("profile.json", "oscal_profile_schema.json"),
        ("ssp.json", "oscal_ssp_schema.json"),
        ("poam.json", "oscal_poam_schema.json"),
    ];
    let validators: Vec<_> = schemas.iter().map(|(f, s)| (*f, validator(s))).collect();
    for example in ["hospital-network", "retail-bank", "llm-startup-gaps"] {
        let out = std::env::temp_dir().join(format!("aims-oscal-{example}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&out);
        let run = export(example, &out);
        assert_eq!(run.code, 0, "{example}: {}", run.stderr);
        let mut names: Vec<String> =
            std::fs::read_dir(&out).unwrap().flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect();
        names.sort();
        assert_eq!(names, ["catalog.json", "poam.json", "profile.json", "ssp.json"], "no temporary file left");
        let mut all_uuids = Vec::new();
        let mut docs = std::collections::BTreeMap::new();
        for (file, v) in &validators {
            let doc: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(out.join(file)).unwrap()).unwrap();
            let errors: Vec<String> = v.iter_errors(&doc).map(|e| format!("{e} at {}", e.instance_path())).collect();
            assert!(errors.is_empty(), "{example} {file}: {errors:#?}");
            let mut broken = doc.clone();
            broken.as_object_mut().unwrap().values_mut().for_each(|d| {
                d["metadata"].as_object_mut().unwrap().remove("title");
            });
            assert!(!v.is_valid(&broken), "{file}: the schema rejects a document without a title");
            uuids(&doc, &mut all_uuids);
            docs.insert(*file, doc);
        }
        let unique: BTreeSet<_> = all_uuids.iter().collect();
        assert_eq!(unique.len(), all_uuids.len(), "{example}: every UUID is unique");

        // The SSP covers every control of the catalog, and points at the components it declares.
        let mut catalog_ids = Vec::new();
        fn controls(g: &serde_json::Value, out: &mut Vec<String>) {
            for c in g["controls"].as_array().into_iter().flatten() {
                out.push(c["id"].as_str().unwrap().to_string());
            }
            for sub in g["groups"].as_array().into_iter().flatten() {
                controls(sub, out);
            }
        }
        controls(&docs["catalog.json"]["catalog"], &mut catalog_ids);
        assert_eq!(catalog_ids.len(), 38, "{example}: the catalog holds the 38 controls of the stdlib");
        let ssp = &docs["ssp.json"]["system-security-plan"];
        let reqs = ssp["control-implementation"]["implemented-requirements"].as_array().unwrap();
        let req_ids: Vec<String> = reqs.iter().map(|r| r["control-id"].as_str().unwrap().to_string()).collect();
        assert_eq!(req_ids, catalog_ids, "{example}: one implemented requirement per control");
        let components: BTreeSet<&str> = ssp["system-implementation"]["components"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["uuid"].as_str().unwrap())
            .collect();
        for r in reqs {
            for b in r["by-components"].as_array().unwrap() {
                assert!(components.contains(b["component-uuid"].as_str().unwrap()));
            }
        }
        let poam = &docs["poam.json"]["plan-of-action-and-milestones"];
        let risks: BTreeSet<&str> =
            poam["risks"].as_array().into_iter().flatten().map(|r| r["uuid"].as_str().unwrap()).collect();
        for item in poam["poam-items"].as_array().unwrap() {
            assert!(risks.contains(item["related-risks"][0]["risk-uuid"].as_str().unwrap()));
        }
        let again = std::env::temp_dir().join(format!("aims-oscal-{example}-again-{}", std::process::id()));
        export(example, &again);
        for (file, _) in &validators {
            assert_eq!(
                std::fs::read(out.join(file)).unwrap(),
                std::fs::read(again.join(file)).unwrap(),
                "{file}: same bytes"
            );
        }
        let _ = std::fs::remove_dir_all(&out);
        let _ = std::fs::remove_dir_all(&again);
    }
}

#[test]
fn excluded_controls_are_not_applicable_with_their_justification() {
    let out = std::env::temp_dir().join(format!("aims-oscal-excluded-{}", std::process::id()));
    let run = export("hospital-network", &out);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let ssp: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(out.join("ssp.json")).unwrap()).unwrap();
    let reqs = ssp["system-security-plan"]["control-implementation"]["implemented-requirements"].as_array().unwrap();
    let states: Vec<&str> =
        reqs.iter().map(|r| r["by-components"][0]["implementation-status"]["state"].as_str().unwrap()).collect();
    insta::assert_snapshot!("hospital-network-ssp-states", states.join("\n"));
    let excluded: Vec<_> =
        reqs.iter().filter(|r| r["by-components"][0]["implementation-status"]["state"] == "not-applicable").collect();
    assert!(!excluded.is_empty(), "the hospital excludes a control");
    for r in excluded {
        let remarks = r["by-components"][0]["implementation-status"]["remarks"].as_str().unwrap();
        assert!(!remarks.is_empty() && !remarks.contains("without a justification"), "{}", r["control-id"]);
    }
    let _ = std::fs::remove_dir_all(&out);
}
