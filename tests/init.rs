//! `aims init`: each template, written into an empty folder and then checked, reports only the
//! decisions left to make (E0308), in a handful of findings; an existing spec is never touched.

mod common;

use common::{aims, reported};

const AS_OF: &str = "--as-of=2026-12-01";

#[test]
fn each_template_checks_to_its_placeholders_only() {
    for template in ["provider", "deployer", "startup"] {
        let tmp = tempfile::tempdir().unwrap();
        let run = aims(tmp.path(), &["init", "spec", "--template", template]);
        assert_eq!(run.code, 0, "{}", run.transcript());
        let check = aims(tmp.path(), &["check", AS_OF, "spec"]);
        assert_eq!(check.code, 1, "{}", check.transcript());
        insta::assert_snapshot!(format!("init-{template}"), format!("{}\n{}", run.transcript(), check.transcript()));

        let json = aims(tmp.path(), &["check", AS_OF, "--format=json", "spec"]);
        let found = reported(&json.stdout);
        assert!(found.iter().all(|(code, _, _)| code == "E0308"), "only placeholders: {found:?}");
        assert!((3..=8).contains(&found.len()), "a handful of grouped findings: {found:?}");

        // The Statement of Applicability decides on every control of the catalogue.
        let soa = std::fs::read_to_string(tmp.path().join("spec/controls.aims")).unwrap();
        assert_eq!(soa.lines().filter(|l| l.starts_with("control A.")).count(), 38, "{soa}");
    }
}

/// Deciding a file's placeholders clears that file's finding, and nothing new appears.
#[test]
fn deciding_the_placeholders_of_a_file_clears_its_finding() {
    let tmp = tempfile::tempdir().unwrap();
    assert_eq!(aims(tmp.path(), &["init", "spec", "--template", "startup"]).code, 0);
    let soa = tmp.path().join("spec/controls.aims");
    let text = std::fs::read_to_string(&soa).unwrap();
    std::fs::write(&soa, text.replace("applicable: todo  justification: todo", "applicable: yes")).unwrap();
    let json = aims(tmp.path(), &["check", AS_OF, "--format=json", "spec"]);
    let found = reported(&json.stdout);
    assert!(!found.iter().any(|(_, _, file)| file.ends_with("controls.aims")), "{found:?}");
    assert_eq!(found.len(), 4, "the other files still have their placeholders: {found:?}");
}

#[test]
fn init_never_overwrites_or_adds_to_a_spec() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir(tmp.path().join("spec")).unwrap();
    std::fs::write(tmp.path().join("spec/people.aims"), "person me { name: \"Me\" }\n").unwrap();
    let run = aims(tmp.path(), &["init", "spec"]);
    assert_eq!(run.code, 2, "{}", run.transcript());
    insta::assert_snapshot!("init-refuses-existing-spec", run.transcript());
    assert_eq!(std::fs::read_to_string(tmp.path().join("spec/people.aims")).unwrap(), "person me { name: \"Me\" }\n");
    assert!(!tmp.path().join("spec/controls.aims").exists());

    std::fs::write(tmp.path().join("file"), "").unwrap();
    let run = aims(tmp.path(), &["init", "file"]);
    assert_eq!(run.code, 2, "{}", run.transcript());
    assert!(run.stderr.contains("it is a file, not a folder"), "{}", run.stderr);
}
