//! `aims check` over the fixtures in tests/fixtures/check: one file (or directory) per case.
//! See tests/fixtures/README.md for how to add a case.

mod common;

use common::{aims, expectations, reported};
use std::collections::BTreeSet;
use std::path::Path;

const AS_OF: &str = "--as-of=2026-11-22";

#[test]
fn check_fixtures() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/check");
    insta::glob!("fixtures/check/*", |path| {
        let name = path.file_name().unwrap().to_str().unwrap();
        if name.ends_with(".md") {
            return;
        }
        let human = aims(&dir, &["check", AS_OF, "--color=never", name]);
        insta::assert_snapshot!(human.transcript());

        // Exit code and places, checked independently of the snapshot.
        let json = aims(&dir, &["check", AS_OF, "--format=json", name]);
        assert_eq!(json.code, human.code, "{name}: same exit code in both formats");
        let text = if path.is_dir() {
            let mut files: Vec<_> = std::fs::read_dir(path).unwrap().flatten().map(|e| e.path()).collect();
            files.sort();
            files.iter().map(|f| std::fs::read_to_string(f).unwrap_or_default()).collect::<Vec<_>>().join("\n")
        } else {
            std::fs::read_to_string(path).unwrap_or_default()
        };
        let expected = expectations(&text);
        if human.code == 2 {
            return;
        }
        let got = reported(&json.stdout);
        for (code, line) in &expected {
            assert!(
                got.iter().any(|(c, l, _)| c == code && l == line),
                "{name}: expected {code} at line {line}, got {got:?}"
            );
        }
        if expected.iter().any(|(code, _)| code.starts_with('E')) {
            assert_eq!(human.code, 1, "{name}: a bad input exits with 1");
        }
        // Every finding has a place.
        for (code, line, file) in &got {
            assert!(*line > 0 && !file.is_empty(), "{name}: {code} has no location");
        }
    });
}

/// Every code of the language's own diagnostics is exercised by at least one fixture.
#[test]
fn every_code_has_a_fixture() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/check");
    let mut covered = BTreeSet::new();
    for entry in std::fs::read_dir(&dir).unwrap().flatten() {
        let path = entry.path();
        let files: Vec<_> = if path.is_dir() {
            std::fs::read_dir(&path)
                .unwrap()
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "aims"))
                .collect()
        } else {
            vec![path]
        };
        for f in files {
            if let Ok(text) = std::fs::read_to_string(&f) {
                covered.extend(expectations(&text).into_iter().map(|(c, _)| c));
            }
        }
    }
    let missing: Vec<_> = aims::diagnostics::CODES.iter().map(|c| c.id).filter(|id| !covered.contains(*id)).collect();
    // E0001 (invalid UTF-8) is covered by tests/robustness.rs, which writes the bad bytes itself.
    let missing: Vec<_> = missing.into_iter().filter(|c| *c != "E0001").collect();
    assert!(missing.is_empty(), "codes without a fixture: {missing:?}");
}
