//! `aims query`: every question under tests/fixtures/query/ asked of an example organisation,
//! snapshot as the user sees it (see the README there).

mod common;

use common::aims;
use std::path::Path;

#[test]
fn query_fixtures() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    insta::glob!("fixtures/query/*.query", |path| {
        let text = std::fs::read_to_string(path).unwrap();
        let mut lines = text.lines();
        let question = lines.next().unwrap();
        let format = lines.next().unwrap_or("human");
        let run = aims(
            root,
            &[
                "query",
                question,
                "examples/hospital-network",
                "--as-of=2026-11-22",
                "--color=never",
                "--format",
                format,
            ],
        );
        let name = path.file_name().unwrap().to_string_lossy();
        if name.starts_with("error-") {
            assert_eq!(run.code, 2, "{}", run.transcript());
            assert!(run.stderr.contains("┌─ query:1:"), "located in the question: {}", run.stderr);
        } else {
            assert_eq!(run.code, 0, "{}", run.transcript());
        }
        insta::assert_snapshot!(format!("$ aims query '{question}' --format {format}\n{}", run.transcript()));
    });
}

#[test]
fn a_spec_with_errors_is_not_queried() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("spec.aims"), "risk r1 { likelihood: sometimes }\n").unwrap();
    let run = aims(tmp.path(), &["query", "r in risk", ".", "--color=never"]);
    assert_eq!(run.code, 1, "{}", run.transcript());
    assert!(run.stdout.contains("E0205"), "{}", run.transcript());
    assert!(run.stderr.contains("the spec has errors"), "{}", run.transcript());
}
