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
