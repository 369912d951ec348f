//! `aims fmt`: the formatter's fixtures (tests/fixtures/fmt, with a snapshot of each output),
//! its promises over every `.aims` file in the repository (idempotent, every comment kept, the
//! tree unchanged, at several widths), and the command as a user runs it: `--check`, writing
//! files in place, syntax errors, standard input.

mod common;

use aims::fmt::{format, FormatError, FormatOptions};
use aims::source::FileId;
use common::aims;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn width(w: usize) -> FormatOptions {
    FormatOptions { width: w }
}

#[test]
fn fmt_fixtures() {
    insta::glob!("fixtures/fmt/*.aims", |path| {
        let text = std::fs::read_to_string(path).unwrap();
        let out = format(&text, &FormatOptions::default()).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        insta::assert_snapshot!(out);
    });
}

/// Every `.aims` file of the stdlib, the examples and the test fixtures.
fn every_aims_file() -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack: Vec<PathBuf> = ["stdlib", "examples", "tests/fixtures"].iter().map(|d| root().join(d)).collect();
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "aims") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// The tree of a text as debug output with every span blanked: what the text says.
fn shape(text: &str) -> String {
    let (ast, _) = aims::syntax::parse(text, FileId(0));
    let debug = format!("{:?}", ast.items);
    let mut out = String::new();
    let mut rest = debug.as_str();
    while let Some(i) = rest.find("Span { start: ") {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        rest = &rest[rest.find('}').unwrap() + 1..];
    }
    out.push_str(rest);
    out
}

fn comments(text: &str) -> Vec<String> {
    let mut c: Vec<String> = aims::syntax::parse(text, FileId(0)).0.comments.into_iter().map(|c| c.text).collect();
    c.sort();
    c
}

#[test]
fn every_file_formats_to_the_same_spec_and_stays_formatted() {
    let (mut formatted, mut refused) = (0, 0);
    for path in every_aims_file() {
        let name = path.strip_prefix(root()).unwrap().display().to_string();
        let Ok(text) = std::fs::read_to_string(&path) else { continue };
        let (_, diags) = aims::syntax::parse(&text, FileId(0));
        if !diags.is_empty() {
            // A file with syntax errors is never formatted.
            assert!(matches!(format(&text, &width(100)), Err(FormatError::Syntax(_))), "{name}");
            refused += 1;
            continue;
        }
        for w in [40, 100, 140] {
            let once = format(&text, &width(w)).unwrap_or_else(|e| panic!("{name} at width {w}: {e}"));
            let twice = format(&once, &width(w)).unwrap_or_else(|e| panic!("{name} at width {w}, again: {e}"));
            assert_eq!(once, twice, "{name}: formatting twice at width {w} changes the layout again");
            assert_eq!(shape(&text), shape(&once), "{name}: formatting at width {w} changes the tree");
            assert_eq!(comments(&text), comments(&once), "{name}: formatting at width {w} loses or alters a comment");
            assert!(once.is_empty() || once.ends_with('\n') && !once.ends_with("\n\n"), "{name}: one final newline");
        }
        formatted += 1;
    }
    // The corpus is the repository's: hundreds of files, a few of them with syntax errors.
    assert!(formatted > 300 && refused > 5, "{formatted} formatted, {refused} refused");
}

#[test]
fn windows_line_endings_and_a_byte_order_mark() {
    let text = "\u{feff}// spec\r\nperson priya {\r\n  name: \"Priya\"\r\n  job_title: \"Nurse\"\r\n}\r\n";
    let out = format(text, &FormatOptions::default()).unwrap();
    assert_eq!(out, "// spec\nperson priya {\n  name:      \"Priya\"\n  job_title: \"Nurse\"\n}\n");
}

#[test]
fn syntax_errors_are_returned_not_formatted() {
    let Err(FormatError::Syntax(diags)) = format("person priya {\n  name: \"Priya\"\n", &FormatOptions::default())
    else {
        panic!("an unclosed block is not formatted");
    };
    assert_eq!(diags[0].code, "E0102");
}

// ---------------------------------------------------------------------------------------------
// The command

const MESSY: &str =
    "person priya {\nname: \"Priya Raman\"\n    job_title: \"Nurse\"\n}\nperson sam { name: \"Sam\" }\n";

fn spec_dir(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    dir
}

fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> =
        std::fs::read_dir(dir).unwrap().flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    names
}

#[test]
fn check_prints_a_diff_exits_1_and_changes_nothing() {
    let dir = spec_dir(&[("people.aims", MESSY)]);
    let run = aims(dir.path(), &["fmt", "--check", "people.aims"]);
    insta::assert_snapshot!(run.transcript());
    assert_eq!(run.code, 1);
    assert_eq!(std::fs::read_to_string(dir.path().join("people.aims")).unwrap(), MESSY);
}

#[test]
fn fmt_rewrites_in_place_keeping_permissions_and_leaving_no_temporary_file() {
    let dir = spec_dir(&[("people.aims", MESSY), ("formatted.aims", "person jo { name: \"Jo\" }\n")]);
    let path = dir.path().join("people.aims");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
    }
    let run = aims(dir.path(), &["fmt", "."]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert_eq!(run.stderr, "formatted 1 file, 1 already formatted\n");
    let written = std::fs::read_to_string(&path).unwrap();
    assert_eq!(written, format(MESSY, &FormatOptions::default()).unwrap());
    assert_eq!(
        written,
        "person priya {\n  name:      \"Priya Raman\"\n  job_title: \"Nurse\"\n}\n\nperson sam { name: \"Sam\" }\n"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o640);
    }
    assert_eq!(listing(dir.path()), ["formatted.aims", "people.aims"]);
    let again = aims(dir.path(), &["fmt", "--check", "."]);
    assert_eq!((again.code, again.stdout.as_str()), (0, ""));
    assert_eq!(again.stderr, "2 files already formatted\n");
}

#[cfg(unix)]
#[test]
fn through_a_symbolic_link_the_file_is_rewritten_and_the_link_kept() {
    let dir = spec_dir(&[("people.aims", MESSY)]);
    std::os::unix::fs::symlink("people.aims", dir.path().join("link.aims")).unwrap();
    let run = aims(dir.path(), &["fmt", "link.aims"]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert!(std::fs::symlink_metadata(dir.path().join("link.aims")).unwrap().file_type().is_symlink());
    assert_eq!(
        std::fs::read_to_string(dir.path().join("people.aims")).unwrap(),
        format(MESSY, &FormatOptions::default()).unwrap()
    );
}

#[test]
fn a_file_with_syntax_errors_is_reported_and_left_alone() {
    let broken = "person priya {\n  name = \"Priya\"\n}\n";
    let dir = spec_dir(&[("broken.aims", broken), ("people.aims", MESSY)]);
    let run = aims(dir.path(), &["fmt", "."]);
    insta::assert_snapshot!(run.transcript());
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("broken.aims:2:8"), "{}", run.stderr);
    assert_eq!(std::fs::read_to_string(dir.path().join("broken.aims")).unwrap(), broken);
    // The other file is still formatted.
    assert_ne!(std::fs::read_to_string(dir.path().join("people.aims")).unwrap(), MESSY);
    let check = aims(dir.path(), &["fmt", "--check", "broken.aims"]);
    assert_eq!(check.code, 1);
}

#[test]
fn missing_path_is_a_usage_error() {
    let dir = spec_dir(&[]);
    let run = aims(dir.path(), &["fmt", "nowhere.aims"]);
    assert_eq!(run.code, 2);
    assert_eq!(run.stderr, "error: cannot read `nowhere.aims`: no such file or directory\n");
}

fn with_stdin(args: &[&str], input: &[u8]) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_aims"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input).unwrap();
    let out = child.wait_with_output().unwrap();
    let s = |b: Vec<u8>| String::from_utf8_lossy(&b).into_owned();
    (out.status.code().unwrap_or(-1), s(out.stdout), s(out.stderr))
}

#[test]
fn standard_input_to_standard_output() {
    let (code, out, err) = with_stdin(&["fmt", "-"], MESSY.as_bytes());
    assert_eq!((code, err.as_str()), (0, ""));
    assert_eq!(out, format(MESSY, &FormatOptions::default()).unwrap());

    let (code, out, err) = with_stdin(&["fmt", "-"], b"person priya {\n  name: \"Priya\n}\n");
    assert_eq!((code, out.as_str()), (1, ""), "nothing is printed for the editor to take");
    assert!(err.contains("error[E0103]") && err.contains("<stdin>:2:"), "{err}");

    let (code, _, err) = with_stdin(&["fmt", "-"], b"person \xff {}\n");
    assert_eq!(code, 1);
    assert!(err.contains("error[E0001]") && err.contains("<stdin>:1:8"), "{err}");

    let (code, out, _) = with_stdin(&["fmt", "--check", "-"], MESSY.as_bytes());
    assert_eq!(code, 1);
    assert!(out.starts_with("--- <stdin>\n+++ <stdin> (formatted)\n"), "{out}");
}

/// The stdlib and the examples are kept formatted (after editing them, run
/// `aims fmt examples stdlib`).
#[test]
fn the_stdlib_and_the_examples_are_formatted() {
    let run = aims(root(), &["fmt", "--check", "examples", "stdlib"]);
    assert_eq!(run.code, 0, "run `cargo run -- fmt examples stdlib`:\n{}", run.transcript());
}

/// A condition nested hundreds of operators deep is refused with a place, not a crash; what
/// is accepted formats within a 2 MiB stack (a language server's worker thread).
#[test]
fn very_deep_input_is_refused_or_formatted_never_a_crash() {
    let chain = |n: usize| {
        let terms: Vec<String> = (0..n).map(|i| format!("r.f{i}")).collect();
        format!(
            "rule x \"t\" {{\n  severity: error\n  for r in risk\n    require {}\n    message \"m\"\n}}\n",
            terms.join(" and ")
        )
    };
    let lists = |d: usize| format!("a x {{ f: {}1{} }}\n", "[".repeat(d), "]".repeat(d));
    let blocks = |d: usize| format!("{}{}\n", "a {\n".repeat(d), "}\n".repeat(d));
    // Conditions deeper than the checker's bound (128, E0407) are refused as syntax errors.
    let accepted = [chain(120), lists(63), blocks(63)];
    let refused = chain(20_000);
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(move || {
            for text in &accepted {
                let out = format(text, &FormatOptions::default()).unwrap();
                assert_eq!(format(&out, &FormatOptions::default()).unwrap(), out);
            }
            let Err(FormatError::Syntax(diags)) = format(&refused, &FormatOptions::default()) else {
                panic!("a condition 20,000 operators deep is refused");
            };
            assert_eq!(diags[0].code, "E0407");
            let at = diags[0].labels[0].span.start as usize;
            assert!(refused[at..].starts_with("and"), "located at the operator past the bound");
        })
        .unwrap()
        .join()
        .unwrap();
}

/// Every prefix of the formatter fixtures (cut at many places, as an editor sends a file being
/// typed): formatted and stable, or refused with diagnostics; never a panic.
#[test]
fn half_typed_files_are_formatted_or_refused() {
    let dir = root().join("tests/fixtures/fmt");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir).unwrap().flatten().map(|e| e.path()).collect();
    paths.sort();
    let (mut ok, mut refused) = (0, 0);
    for path in paths {
        let text = std::fs::read_to_string(&path).unwrap();
        let cuts: Vec<usize> = (0..=text.len()).step_by(7).filter(|&i| text.is_char_boundary(i)).collect();
        for cut in cuts {
            let prefix = &text[..cut];
            match format(prefix, &FormatOptions::default()) {
                Ok(out) => {
                    assert_eq!(format(&out, &FormatOptions::default()).as_ref(), Ok(&out), "{path:?} cut at {cut}");
                    ok += 1;
                }
                Err(FormatError::Syntax(d)) => {
                    assert!(!d.is_empty() && d.iter().all(|d| !d.labels.is_empty()), "{path:?} cut at {cut}");
                    refused += 1;
                }
                Err(e) => panic!("{path:?} cut at {cut}: {e}"),
            }
        }
    }
    assert!(ok > 20 && refused > 100, "{ok} formatted, {refused} refused");
}
