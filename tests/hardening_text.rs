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
