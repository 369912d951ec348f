//! No input makes aims panic or hang, and every problem comes with a place. Inputs are made
//! here, deterministically: cuts of real specs, deleted braces, garbage bytes, invalid UTF-8.

mod common;

use aims::compile::{compile_with, stdlib_db};
use aims::source::{Origin, SourceFile};
use std::path::Path;

/// The stdlib's trees, parsed once for the thousand compilations of this file (each broken spec
/// is still parsed afresh: its text is new).
static TREES: std::sync::LazyLock<aims::cache::MemoryTrees> = std::sync::LazyLock::new(Default::default);

/// Compiles one spec file with the stdlib and checks the invariants every run must keep.
fn check_survives(name: &str, text: &str) {
    let mut db = stdlib_db();
    db.add(SourceFile::new(name.to_string(), text.to_string(), Origin::Spec));
    let today = jiff::civil::date(2026, 11, 22);
    let c = compile_with(db, Vec::new(), today, &aims::compile::BuiltinScripts, &*TREES);
    for d in &c.diagnostics {
        let label = d.primary_label().unwrap_or_else(|| panic!("{name}: `{}` has no place", d.message));
        let file = c.db.get(label.file);
        assert!(label.span.end as usize <= file.text.len(), "{name}: label beyond the end of the file");
        assert!(
            !d.message.contains("Rule::") && !d.message.contains("_expr"),
            "{name}: parser jargon in `{}`",
            d.message
        );
    }
}

fn example_texts() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
    for dir in ["examples", "tests/fixtures/check"] {
        let mut stack = vec![root.join(dir)];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
                let p = e.path();
                if p.is_dir() {
                    stack.push(p);
                } else if p.extension().is_some_and(|x| x == "aims") {
                    if let Ok(t) = std::fs::read_to_string(&p) {
                        out.push((p.display().to_string(), t));
                    }
                }
            }
        }
    }
    out.sort();
    out
}

#[test]
fn truncated_files() {
    for (name, text) in example_texts().iter().take(12) {
        let step = (text.len() / 40).max(1);
        let mut cut = 0;
        while cut < text.len() {
            if text.is_char_boundary(cut) {
                check_survives(&format!("{name}[..{cut}]"), &text[..cut]);
            }
            cut += step;
        }
    }
}

#[test]
fn deleted_braces_and_quotes() {
    for (name, text) in example_texts().iter().take(12) {
        for (i, _) in text.match_indices(['}', '{', '"', ':', '[', ']']).step_by(7) {
            let mut broken = text.clone();
            broken.remove(i);
            check_survives(&format!("{name} without byte {i}"), &broken);
        }
    }
}

#[test]
fn garbage() {
    // A small deterministic generator: the same bytes on every run.
    let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
    let alphabet = b"{}[]:,\"/\\ \n\tabcxyz_-.0123456789%AI";
    for round in 0..200 {
        let len = (round * 7) % 300;
        let mut s = String::with_capacity(len);
        for _ in 0..len {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            s.push(alphabet[(seed % alphabet.len() as u64) as usize] as char);
        }
        check_survives(&format!("garbage {round}"), &s);
    }
    check_survives("unicode", "système é { propriétaire: \"😀\" } ☃ } {");
    check_survives("nul", "system s {\0}");
    check_survives("deep", &"[".repeat(100_000));
    check_survives("deep blocks", &"a b { ".repeat(20_000));
}

#[test]
fn invalid_utf8_is_reported_with_its_place() {
    let dir = tempdir("utf8");
    std::fs::write(dir.join("bad.aims"), b"person p {\n  name: \"caf\xe9\"\n}\n").unwrap();
    let run = common::aims(&dir, &["check", "--as-of=2026-11-22", "bad.aims"]);
    assert_eq!(run.code, 1, "{}", run.transcript());
    assert!(run.stdout.contains("E0001"), "{}", run.stdout);
    assert!(run.stdout.contains("bad.aims:2:"), "the bad byte is on line 2: {}", run.stdout);
}

#[test]
fn io_problems_exit_2_with_a_plain_message() {
    let dir = tempdir("io");
    let empty = dir.join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    let run = common::aims(&dir, &["check", "empty"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("no .aims files found in `empty`"), "{}", run.stderr);

    let run = common::aims(&dir, &["check", "missing.aims"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("cannot read `missing.aims`"), "{}", run.stderr);

    let run = common::aims(&dir, &["check", "--as-of", "2026-02-30", "."]);
    assert_eq!(run.code, 2, "a bad --as-of is a usage error");
}

fn tempdir(name: &str) -> std::path::PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("robustness-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
