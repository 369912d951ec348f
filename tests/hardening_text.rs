//! Hardening, the text rows of issue 12: every input here once panicked, printed something
//! misleading or took quadratic time. Each test writes its input, runs the real binary as a
//! user would, and asserts the exit code, the place reported and what is printed.

mod common;

use common::{aims, Run};
use std::path::{Path, PathBuf};

const AS_OF: &str = "--as-of=2026-11-22";

/// A fresh folder holding one spec file with these bytes.
fn spec(case: &str, file: &str, bytes: &[u8]) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("hardening-text-{case}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(file), bytes).unwrap();
    dir
}

fn check(dir: &Path, file: &str) -> Run {
    aims(dir, &["check", AS_OF, "--color=never", file])
}

fn check_json(dir: &Path, file: &str) -> serde_json::Value {
    let run = aims(dir, &["check", AS_OF, "--format=json", file]);
    assert_eq!(run.code, 1, "{}", run.transcript());
    serde_json::from_str(&run.stdout).expect("JSON output")
}

/// (code, line, column) of every diagnostic.
fn places(v: &serde_json::Value) -> Vec<(String, u64, u64)> {
    v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["code"].as_str().unwrap().to_string(), d["line"].as_u64().unwrap(), d["column"].as_u64().unwrap()))
        .collect()
}

// P1, P2: a multi-byte character where the error messages look around the error.
#[test]
fn multi_byte_characters_at_the_end_of_a_file_are_reported_not_a_panic() {
    for (case, text) in [
        ("p1", "a\"é\""),
        ("p1-space", "a \"é\""),
        ("p1-id", "a x \"é\""),
        ("p2", "i //é  "),
        ("p2-word", "system sé ôwner"),
        ("long-word", &format!("system x {{ {} }}", "é".repeat(40))),
    ] {
        let dir = spec(case, "t.aims", text.as_bytes());
        let run = check(&dir, "t.aims");
        assert_eq!(run.code, 1, "{case}: {}", run.transcript());
        assert!(run.stdout.contains("error[E0"), "{case}: {}", run.stdout);
        assert!(run.stdout.contains("┌─ t.aims:1:"), "{case}: located on line 1: {}", run.stdout);
        assert!(!run.stderr.contains("panicked"), "{case}: {}", run.stderr);
    }
    let dir = spec("p1-snap", "t.aims", "a\"é\"".as_bytes());
    insta::assert_snapshot!("p1_title_ending_in_multi_byte", check(&dir, "t.aims").transcript());
    let dir = spec("p2-snap", "t.aims", "i //é  ".as_bytes());
    insta::assert_snapshot!("p2_comment_ending_in_multi_byte", check(&dir, "t.aims").transcript());
}

// I2: a lone `\r` ends a line, `\r\n` is one line break.
#[test]
fn lone_carriage_returns_are_line_breaks() {
    let text = "system a {\r  ownr: x\r}\r// a comment\rsystem b {\r\n  foo: 1\r\n}\r\n";
    let dir = spec("i2", "cr.aims", text.as_bytes());
    let v = check_json(&dir, "cr.aims");
    let got = places(&v);
    assert!(got.contains(&("E0301".into(), 2, 3)), "{got:?}");
    // After the comment on line 4 (which ends at its `\r`, not at the end of the file).
    assert!(got.contains(&("E0301".into(), 6, 3)), "{got:?}");
    insta::assert_snapshot!("i2_lone_carriage_returns", check(&dir, "cr.aims").transcript());
}

/// Runs `aims check` and says how long it took.
fn timed_check(dir: &Path, file: &str) -> (Run, std::time::Duration) {
    let start = std::time::Instant::now();
    let run = check(dir, file);
    (run, start.elapsed())
}

// Q2: thousands of misspelt values among thousands of declared ones: suggestions and help
// lines stay within a budget (the old code took minutes and printed every value per error).
#[test]
fn thousands_of_near_miss_values_stay_linear() {
    let n = 4000;
    let mut text = String::from("enum shade \"s\" {\n");
    (0..n).for_each(|i| text.push_str(&format!("  shade_{i:05}\n")));
    text.push_str("}\nkind thing \"t\" {\n  colour: shade\n}\n");
    (0..n).for_each(|i| text.push_str(&format!("thing t{i} {{ colour: shad_{i:05} }}\n")));
    let dir = spec("q2", "many.aims", text.as_bytes());
    let (run, took) = timed_check(&dir, "many.aims");
    assert_eq!(run.code, 1);
    assert_eq!(run.stdout.matches("error[E0205]").count(), n, "every wrong value is reported");
    // The first ones still get a suggestion; a help line never lists thousands of values.
    assert!(run.stdout.contains("did you mean `shade_00000`?"), "{}", &run.stdout[..2000]);
    assert!(run.stdout.contains("and 3936 more"), "long lists are cut");
    assert!(run.stdout.len() < 8_000_000, "output of {} bytes", run.stdout.len());
    assert!(took.as_secs() < 60, "took {took:?}");
}

// Q3: two names of 100,000 characters are not compared character by character.
#[test]
fn very_long_names_are_not_compared() {
    let long = "x".repeat(100_000);
    let text = format!("person {long}a {{ name: \"a\" }}\nsystem s {{ owner: {long}b }}\n");
    let dir = spec("q3", "long.aims", text.as_bytes());
    let (run, took) = timed_check(&dir, "long.aims");
    assert_eq!(run.code, 1);
    assert!(run.stdout.contains("error[E0203]"), "{}", &run.stdout[..500]);
    assert!(!run.stdout.contains("did you mean"));
    assert!(took.as_secs() < 20, "took {took:?}");
}

// Q1: many errors on one long line. The first error shows a window of the line around its
// label; the others, whose line is already on the screen, give their place, label and help
// without the source (the old output was the whole line times the number of errors).
#[test]
fn errors_on_one_long_line_show_the_line_once() {
    let n = 2000;
    let text: Vec<String> = (0..n).map(|i| format!("system s{i} {{ ownr: x }}")).collect();
    let text = text.join(" ");
    let dir = spec("q1", "long.aims", text.as_bytes());
    let run = check(&dir, "long.aims");
    assert_eq!(run.code, 1);
    assert_eq!(run.stdout.matches("error[E0301]").count(), n);
    // Every error is located, at its own column, with its label and help.
    let mut from = 0;
    for i in 0..n {
        let at = text[from..].find("ownr").unwrap() + from;
        from = at + 1;
        let place = format!("┌─ long.aims:1:{}", at + 1);
        assert!(run.stdout.contains(&place), "error {i} is not located at {place}");
    }
    assert_eq!(run.stdout.matches("(line shown above)\n  │ ^ unknown field\n").count(), n - 1);
    assert_eq!(run.stdout.matches("= help: ").count(), n, "every error keeps its help");
    assert_eq!(run.stdout.matches("1 │ ").count(), 1, "the line is shown once");
    let longest = run.stdout.lines().map(|l| l.chars().count()).max().unwrap();
    assert!(longest < 200, "an output line of {longest} characters");
    let shown = run.stdout.lines().find(|l| l.starts_with("1 │ ")).unwrap();
    assert!(shown.starts_with("1 │ system s0 { ownr: x }") && shown.ends_with('…'), "a cut line says so: {shown}");
    // What an error costs is bounded whatever the length of the line.
    let per_error = run.stdout.len() / n;
    assert!(per_error < 250, "{per_error} bytes per error");
    let mut errors = run.stdout.split("\n\n");
    let first = errors.next().unwrap();
    insta::assert_snapshot!("q1_first_error_on_a_long_line", first);
    insta::assert_snapshot!("q1_second_error_on_a_long_line", errors.next().unwrap());
}

// Q4: columns count characters, and are found from the line table (the old code counted from
// the start of the line for every position: quadratic on one long line).
#[test]
fn columns_on_a_long_line_count_characters() {
    let n = 20_000;
    let text: Vec<String> = (0..n).map(|i| format!("person p{i} \"é{i}\" {{ nme: \"x\" }}")).collect();
    let text = text.join(" ");
    let dir = spec("q4", "wide.aims", text.as_bytes());
    let start = std::time::Instant::now();
    let v = check_json(&dir, "wide.aims");
    let took = start.elapsed();
    let got = places(&v);
    assert_eq!(got.len(), n);
    let last = text.rfind("nme").unwrap();
    let column = text[..last].chars().count() as u64 + 1;
    assert_eq!(got.last().unwrap(), &("E0301".to_string(), 1, column));
    assert!(took.as_secs() < 60, "took {took:?}");
}

// I1: what the author wrote reaches the terminal escaped: no escape sequence runs, no bidi
// control reorders the line, no newline in a file name starts a forged `error[...]` line.
#[test]
fn control_characters_are_escaped_in_human_output() {
    let text = "system a {\n  ownr: \"abc\u{202E}def\"\n}\nsystem b { name: \"\u{1b}[2J\" }\n";
    let dir = spec("i1", "t.aims", text.as_bytes());
    let run = check(&dir, "t.aims");
    assert_eq!(run.code, 1, "{}", run.transcript());
    assert!(!run.stdout.contains('\u{1b}') && !run.stdout.contains('\u{202E}'), "{}", run.stdout);
    assert!(run.stdout.contains("abc\\u{202e}def"), "{}", run.stdout);
    assert!(run.stdout.contains("\\u{1b}"), "{}", run.stdout);
    insta::assert_snapshot!("i1_controls_escaped", run.transcript());

    let name = "x\nerror[E9999]: forged.aims";
    let dir = spec("i1-name", name, b"system a { ownr: x }\n");
    let run = aims(&dir, &["check", AS_OF, "--color=never", "."]);
    assert_eq!(run.code, 1, "{}", run.transcript());
    assert!(!run.stdout.lines().any(|l| l.starts_with("error[E9999]")), "{}", run.stdout);
    assert!(run.stdout.contains("x\\nerror[E9999]: forged.aims:1:12"), "{}", run.stdout);

    // The same name in a plain I/O message on stderr.
    let run = aims(&dir, &["check", AS_OF, "missing\nerror[E9999]: forged.aims"]);
    assert_eq!(run.code, 2, "{}", run.transcript());
    assert!(!run.stderr.lines().any(|l| l.starts_with("error[E9999]")), "{}", run.stderr);
    assert!(run.stderr.contains("missing\\nerror[E9999]"), "{}", run.stderr);

    // `aims fmt --check` prints a diff: its file names and its lines are escaped too.
    let name = "x\u{1b}[2J\nerror[E9999]: forged.aims";
    let dir = spec("i1-fmt", name, "person   p { email: \"a@b.c\" } // \u{1b}[2J\u{202E}\tend\n".as_bytes());
    let run = aims(&dir, &["fmt", "--check", "."]);
    assert_eq!(run.code, 1, "{}", run.transcript());
    assert!(!run.stdout.contains('\u{1b}') && !run.stdout.contains('\u{202E}'), "{}", run.stdout);
    assert!(!run.stdout.lines().any(|l| l.starts_with("error[E9999]")), "{}", run.stdout);
    assert!(run.stdout.contains("--- x\\u{1b}[2J\\nerror[E9999]: forged.aims\n"), "{}", run.stdout);
    assert!(run.stdout.contains("+person p { email: \"a@b.c\" } // \\u{1b}[2J\\u{202e}\tend\n"), "{}", run.stdout);
}

// I1 in `aims diff`: an added item's title and the findings quote the spec; a bidi control or a
// newline in them used to be printed raw (a forged `error[...]` line).
#[test]
fn diff_output_escapes_what_the_spec_wrote() {
    let dir = spec("i1-diff", "old.aims", b"");
    for side in ["old", "new"] {
        std::fs::create_dir_all(dir.join(side)).unwrap();
    }
    std::fs::write(dir.join("old/spec.aims"), "person p { email: \"p@example.org\" }\n").unwrap();
    let added = "system zz \"T\u{202E}X\\nerror[E9999]: forged\" { purpose: \"p\" }\n";
    std::fs::write(dir.join("new/spec.aims"), format!("person p {{ email: \"p@example.org\" }}\n{added}")).unwrap();
    let run = aims(&dir, &["diff", AS_OF, "old", "new"]);
    assert!(!run.stdout.contains('\u{202E}'), "{}", run.stdout);
    assert!(!run.stdout.lines().any(|l| l.starts_with("error[E9999]")), "{}", run.stdout);
    assert!(run.stdout.contains("+ system zz \"T\\u{202e}X\\nerror[E9999]: forged\": added\n"), "{}", run.stdout);

    // The Markdown for a pull request: the title in its table cell, and the findings below.
    let run = aims(&dir, &["diff", AS_OF, "--format", "markdown", "old", "new"]);
    assert!(!run.stdout.contains('\u{202E}'), "{}", run.stdout);
    assert!(!run.stdout.lines().any(|l| l.starts_with("error[E9999]")), "{}", run.stdout);
    assert!(run.stdout.contains("| added | system `zz` (T\\u{202e}X<br>error[E9999]: forged) |"), "{}", run.stdout);
}

// I1 in the Markdown reports, which are printed to the terminal by default: a bidi control in
// a title is written as an escape, a line break as `<br>`.
#[test]
fn markdown_reports_escape_what_the_spec_wrote() {
    let text = "system zz \"T\u{202E}X\\nerror[E9999]: forged\" { purpose: \"p\" }\n";
    let dir = spec("i1-report", "spec.aims", text.as_bytes());
    let run = aims(&dir, &["report", "inventory", AS_OF, "--no-revision", "."]);
    assert!(!run.stdout.contains('\u{202E}'), "{}", run.stdout);
    assert!(!run.stdout.lines().any(|l| l.starts_with("error[E9999]")), "{}", run.stdout);
    assert!(run.stdout.contains("| zz | T\\u{202e}X<br>error[E9999]: forged |"), "{}", run.stdout);
}
