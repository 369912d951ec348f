//! Evidence files: each fixture under tests/fixtures/evidence/ is checked and snapshot, with
//! its `// expect: CODE@LINE` lines checked against the JSON output; symbolic links are made at
//! run time in a temporary folder; `aims pin` on tests/fixtures/pin/ keeps comments, touches
//! only the hashes, and changes nothing the second time.

mod common;

use common::{aims, expectations, reported};
use std::path::Path;

const AS_OF: &str = "--as-of=2026-11-22";
/// A rule that none of these specs triggers: the findings shown are the evidence checks'.
const ONLY: &str = "--only=evidence-reviewed";

#[test]
fn evidence_fixtures() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/evidence");
    let mut cases: Vec<_> = std::fs::read_dir(&root).unwrap().flatten().map(|e| e.path()).collect();
    cases.sort();
    assert!(cases.len() >= 5);
    for case in cases {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let run = aims(&case, &["check", AS_OF, ONLY, "--color=never", "."]);
        insta::assert_snapshot!(format!("evidence-{name}"), run.transcript());

        let json = aims(&case, &["check", AS_OF, ONLY, "--format=json", "."]);
        let mut found: Vec<(String, usize)> = reported(&json.stdout).into_iter().map(|(c, l, _)| (c, l)).collect();
        let mut expected = expectations(&std::fs::read_to_string(case.join("spec.aims")).unwrap());
        found.sort();
        expected.sort();
        assert_eq!(found, expected, "{name}: {}", run.transcript());
    }
}

#[cfg(unix)]
#[test]
fn symbolic_links_out_of_the_repository_are_refused() {
    use std::os::unix::fs::symlink;
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("repo");
    let outside = tmp.path().join("outside");
    std::fs::create_dir_all(repo.join("evidence")).unwrap();
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::write(outside.join("secret.txt"), "not evidence\n").unwrap();
    std::fs::write(repo.join("evidence/report.txt"), "the report\n").unwrap();
    symlink("../../outside/secret.txt", repo.join("evidence/to-secret")).unwrap();
    symlink("../outside", repo.join("shared")).unwrap();
    symlink("report.txt", repo.join("evidence/latest")).unwrap();
    symlink("nowhere.txt", repo.join("evidence/dangling")).unwrap();
    std::fs::write(
        repo.join("spec.aims"),
        "// expect: E0703@2 E0703@3 E0701@5\n\
         document doc_a \"A\" { last_reviewed: 2026-09-01  path: \"evidence/to-secret\" }\n\
         document doc_b \"B\" { last_reviewed: 2026-09-01  path: \"shared/secret.txt\" }\n\
         document doc_c \"C\" { last_reviewed: 2026-09-01  path: \"evidence/latest\"  sha256: \"f7ff3dfa9f64b8b1bc21e8ac0f5ec85b1c8c7d2d1d0f01bc9d96e6a35e4d7329\" }\n\
         document doc_d \"D\" { last_reviewed: 2026-09-01  path: \"evidence/dangling\" }\n",
    )
    .unwrap();
    // The link inside the repository is followed; its pinned hash is checked as for any file.
    let pin = aims(&repo, &["pin", "."]);
    assert_eq!(pin.code, 1, "{}", pin.transcript());
    let run = aims(&repo, &["check", AS_OF, ONLY, "--color=never", "."]);
    insta::assert_snapshot!("evidence-symlinks", run.transcript());
    let json = aims(&repo, &["check", AS_OF, ONLY, "--format=json", "."]);
    let mut found: Vec<(String, usize)> = reported(&json.stdout).into_iter().map(|(c, l, _)| (c, l)).collect();
    found.sort();
    assert_eq!(found, vec![("E0701".into(), 5), ("E0703".into(), 2), ("E0703".into(), 3)], "{}", run.transcript());
}

#[test]
fn pin_writes_only_the_hashes_and_is_idempotent() {
    let tmp = tempfile::tempdir().unwrap();
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/pin");
    copy_dir(&fixture, tmp.path());
    let before = std::fs::read_to_string(tmp.path().join("spec.aims")).unwrap();

    let first = aims(tmp.path(), &["pin", "--color=never", "."]);
    assert_eq!(first.code, 1, "one file is missing: {}", first.transcript());
    let after = std::fs::read_to_string(tmp.path().join("spec.aims")).unwrap();
    insta::assert_snapshot!("pin-first-run", format!("{}\n--- spec.aims ---\n{after}", first.transcript()));

    // Only hash fields were added or changed: without them, the text is the same byte for byte.
    assert_eq!(without_hashes(&after), without_hashes(&before));
    assert!(!std::fs::read_dir(tmp.path())
        .unwrap()
        .flatten()
        .any(|e| e.file_name().to_string_lossy().starts_with(".tmp")));

    let second = aims(tmp.path(), &["pin", "--color=never", "."]);
    assert!(
        second.stdout.contains("nothing to pin: the hashes of 4 evidence files are current"),
        "{}",
        second.transcript()
    );
    assert_eq!(std::fs::read_to_string(tmp.path().join("spec.aims")).unwrap(), after, "a second run changes nothing");

    let check = aims(tmp.path(), &["check", AS_OF, ONLY, "--format=json", "."]);
    let codes: Vec<String> = reported(&check.stdout).into_iter().map(|(c, _, _)| c).collect();
    assert_eq!(codes, vec!["E0701"], "only the missing file is left: {}", check.transcript());

    // An edit of the evidence after pinning is caught.
    std::fs::write(tmp.path().join("evidence/model-card.md"), "Model card, version 3, edited.\n").unwrap();
    let check = aims(tmp.path(), &["check", AS_OF, ONLY, "--format=json", "."]);
    let found = reported(&check.stdout);
    assert!(found.contains(&("E0702".to_string(), 14, "spec.aims".to_string())), "{found:?}");
}

#[test]
fn pin_refuses_a_spec_with_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let text = "document doc_a \"A\" { path: \"spec.aims\"  sha256: 12 }\n";
    std::fs::write(tmp.path().join("spec.aims"), text).unwrap();
    let run = aims(tmp.path(), &["pin", "--color=never", "."]);
    assert_eq!(run.code, 1, "{}", run.transcript());
    assert!(run.stderr.contains("nothing was pinned"), "{}", run.transcript());
    assert_eq!(std::fs::read_to_string(tmp.path().join("spec.aims")).unwrap(), text);
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// The text with every `sha256: "..."` field taken out, with the spaces (and the line break and
/// indentation) before it.
fn without_hashes(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find("sha256: \"") {
        let head = rest[..at].trim_end_matches([' ', '\t']);
        out.push_str(head.strip_suffix('\n').unwrap_or(head));
        let after = &rest[at + "sha256: \"".len()..];
        rest = &after[after.find('"').map_or(after.len(), |i| i + 1)..];
    }
    out.push_str(rest);
    out
}
