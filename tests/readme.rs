//! The example in README.md is real: its spec, checked, prints what the README shows. The
//! README may leave findings out (a line `...`); each finding it shows must be printed as shown,
//! and its last line is the summary line aims prints.

mod common;

#[test]
fn readme_example_output_is_what_aims_prints() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let blocks: Vec<&str> = readme.split("```").collect();
    // The first code block is the spec, the second the command and its output.
    let spec = blocks[1].trim_start_matches('\n');
    let shown = blocks[3].trim_start_matches('\n');
    let (command, expected) = shown.split_once('\n').unwrap();
    assert_eq!(command, "$ aims check --as-of 2026-11-22 clinic/");

    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("readme");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("clinic")).unwrap();
    std::fs::write(dir.join("clinic/spec.aims"), spec).unwrap();
    let run = common::aims(&dir, &["check", "--as-of", "2026-11-22", "--color", "never", "clinic/"]);

    for finding in expected.split("\n\n").filter(|b| b.trim() != "..." && !b.starts_with("checked ")) {
        assert!(
            run.stdout.contains(finding),
            "README.md shows a finding aims does not print:\n{finding}\n\n{}",
            run.stdout
        );
    }
    let summary = expected.lines().last().unwrap();
    assert_eq!(run.stdout.lines().last().unwrap(), summary, "README.md shows another summary line");
}
