//! `aims diff`: each fixture pair under tests/fixtures/diff/<pair>/{old,new} compared in every
//! format and snapshot; a pair that differs only in layout reports nothing; two git revisions
//! made in a temporary repository are compared without checking anything out.

mod common;

use common::aims;
use std::path::Path;
use std::process::Command;

const AS_OF: &str = "--as-of=2026-11-22";

#[test]
fn diff_fixture_pairs_in_every_format() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for pair in ["changes", "formatting-only"] {
        for format in ["human", "markdown", "json"] {
            let old = format!("tests/fixtures/diff/{pair}/old");
            let new = format!("tests/fixtures/diff/{pair}/new");
            let run = aims(root, &["diff", &old, &new, AS_OF, "--format", format]);
            assert_eq!(run.code, 0, "{}", run.transcript());
            insta::assert_snapshot!(format!("diff-{pair}-{format}"), run.transcript());
        }
    }
    let run = aims(
        root,
        &["diff", "tests/fixtures/diff/formatting-only/old", "tests/fixtures/diff/formatting-only/new", AS_OF],
    );
    assert!(run.stdout.contains("no change in the governance"), "{}", run.transcript());
}

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "Test")
        .env("GIT_AUTHOR_EMAIL", "test@example.org")
        .env("GIT_COMMITTER_NAME", "Test")
        .env("GIT_COMMITTER_EMAIL", "test@example.org")
        .output()
        .expect("git runs");
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn diff_between_git_revisions() {
    if Command::new("git").arg("--version").output().is_err() {
        assert!(std::env::var("CI").as_deref() != Ok("true"), "git is needed for this test on CI");
        eprintln!("skipped: git is not installed");
        return;
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/diff/changes");
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path();
    git(repo, &["init", "-q"]);
    std::fs::create_dir(repo.join("governance")).unwrap();
    std::fs::copy(root.join("old/spec.aims"), repo.join("governance/spec.aims")).unwrap();
    git(repo, &["add", "."]);
    git(repo, &["commit", "-q", "-m", "before the review"]);
    git(repo, &["tag", "review-2026"]);
    std::fs::copy(root.join("new/spec.aims"), repo.join("governance/spec.aims")).unwrap();
    git(repo, &["commit", "-q", "-am", "after the review"]);
    // The working tree is changed afterwards: the revisions, not the files on disk, are read.
    std::fs::write(repo.join("governance/spec.aims"), "not even aims").unwrap();

    let run = aims(repo, &["diff", "review-2026", "HEAD", "--spec", "governance", AS_OF]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    let dirs = aims(
        Path::new(env!("CARGO_MANIFEST_DIR")),
        &["diff", "tests/fixtures/diff/changes/old", "tests/fixtures/diff/changes/new", AS_OF],
    );
    // The same change as between the two folders, named by the revisions.
    let body = |s: &str| s.lines().skip(1).collect::<Vec<_>>().join("\n");
    assert_eq!(body(&run.stdout), body(&dirs.stdout));
    insta::assert_snapshot!("diff-git-revisions", run.transcript());

    let same = aims(repo, &["diff", "HEAD", "HEAD", "--spec", "governance", AS_OF]);
    assert!(same.stdout.contains("no change in the governance"), "{}", same.transcript());
    let bad = aims(repo, &["diff", "no-such-tag", "HEAD", "--spec", "governance", AS_OF]);
    assert_eq!(bad.code, 2, "{}", bad.transcript());
    assert!(bad.stderr.contains("`no-such-tag` is neither a folder nor a git revision"), "{}", bad.stderr);
}
