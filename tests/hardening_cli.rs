//! Every subcommand on a spec with errors and on a path it cannot read (issue 12: "every
//! command that fails says so in the requested format"). Each one must exit non-zero, say why
//! with the place of the error, and answer in JSON when JSON was asked for; none may block on
//! a FIFO. One test per subcommand; the inputs are made here, in a fresh folder.

#![cfg(unix)]

#[path = "common/bounded.rs"]
mod bounded;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Far above what a run takes; a run that blocks on the FIFO fails the test instead of hanging it.
const BOUND: Duration = Duration::from_secs(20);

/// Where the broken spec's error is: `owner: nobdy` (no such person).
const PLACE: &str = "broken/spec.aims:3:10";

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    fn all(&self) -> String {
        format!("exit {}\n--- stdout ---\n{}--- stderr ---\n{}", self.code, self.stdout, self.stderr)
    }
    /// The JSON document on stdout, which must be the whole of it.
    fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| panic!("not JSON ({e}):\n{}", self.all()))
    }
    /// The human diagnostic of the broken spec: its code, its place and its help.
    fn assert_located(&self, text: &str) {
        assert!(text.contains("error[E0203]: `owner` refers to `nobdy`, which is not declared"), "{}", self.all());
        assert!(text.contains(&format!("┌─ {PLACE}")), "not located:\n{}", self.all());
        assert!(text.contains("= help: "), "no help line:\n{}", self.all());
    }
    /// A JSON failure (`error` and `diagnostics`) that locates the broken spec's error.
    fn assert_json_located(&self, error_starts: &str) {
        let v = self.json();
        assert!(v["error"].as_str().unwrap_or_default().starts_with(error_starts), "{}", self.all());
        let d = &v["diagnostics"][0];
        assert_eq!(
            (d["file"].as_str(), d["line"].as_u64(), d["column"].as_u64()),
            (Some("broken/spec.aims"), Some(3), Some(10))
        );
        assert_eq!(d["code"], "E0203", "{}", self.all());
    }
    /// Exit code 2 and the FIFO named in plain words.
    fn assert_fifo_refused(&self) {
        assert_eq!(self.code, 2, "{}", self.all());
        assert!(self.stderr.contains("cannot read `pipe.aims`: it is a named pipe (FIFO)"), "{}", self.all());
    }
}

/// A fresh folder holding `broken/spec.aims` (a reference error at [`PLACE`]),
/// `syntax/spec.aims` (a syntax error at 1:12), `clean/spec.aims`, and the FIFO `pipe.aims`.
fn folder(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("hardening_cli").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    for sub in ["broken", "syntax", "clean"] {
        std::fs::create_dir_all(dir.join(sub)).unwrap();
    }
    let people = "person priya { email: \"priya@example.org\" }\n";
    let system = |owner: &str| {
        format!("system triage \"Triage\" {{\n  purpose: \"Orders arrivals\"\n  owner: {owner}\n  tier: 1\n}}\n")
    };
    // `owner:` is on line 3 of the system, which comes first: line 3, column 10.
    std::fs::write(dir.join("broken/spec.aims"), format!("{}{people}", system("nobdy"))).unwrap();
    std::fs::write(dir.join("syntax/spec.aims"), "person p { email: ").unwrap();
    std::fs::write(dir.join("clean/spec.aims"), format!("{}{people}", system("priya"))).unwrap();
    mkfifo(&dir.join("pipe.aims"));
    dir
}

fn mkfifo(path: &Path) {
    use std::os::unix::ffi::OsStrExt;
    let c = std::ffi::CString::new(path.as_os_str().as_bytes()).unwrap();
    // SAFETY: a valid NUL-terminated path; mkfifo only creates a file.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0, "mkfifo {}", path.display());
}

fn aims(cwd: &Path, args: &[&str]) -> Run {
    aims_with_input(cwd, args, None)
}

/// Runs aims in `cwd` (with `input` on stdin, or none); kills it and fails past [`BOUND`].
fn aims_with_input(cwd: &Path, args: &[&str], input: Option<&[u8]>) -> Run {
    let start = Instant::now();
    let mut child = bounded::spawn(cwd, args, &[("AIMS_NO_CACHE", "1")], input);
    let (out, err) = bounded::pipes(&mut child);
    let status = bounded::wait(&mut child, start, BOUND, args);
    Run { code: status.code().unwrap_or(-1), stdout: out.join().unwrap(), stderr: err.join().unwrap() }
}

const AS_OF: &str = "--as-of=2026-11-22";

#[test]
fn check() {
    let dir = folder("check");
    let run = aims(&dir, &["check", AS_OF, "broken"]);
    assert_eq!(run.code, 1, "{}", run.all());
    run.assert_located(&run.stdout);
    let run = aims(&dir, &["check", AS_OF, "--format", "json", "broken"]);
    assert_eq!(run.code, 1, "{}", run.all());
    assert_eq!(run.json()["diagnostics"][0]["line"], 3, "{}", run.all());
    aims(&dir, &["check", "pipe.aims"]).assert_fifo_refused();
    let run = aims(&dir, &["check", "--format", "json", "pipe.aims"]);
    run.assert_fifo_refused();
    assert!(run.json()["error"].as_str().unwrap().contains("named pipe"), "{}", run.all());
}

#[test]
fn rules() {
    let dir = folder("rules");
    // A rule in a file with errors may be missing: the list is not given as if it were complete.
    let run = aims(&dir, &["rules", "broken"]);
    assert_eq!(run.code, 1, "{}", run.all());
    run.assert_located(&run.stdout);
    assert!(run.stdout.contains("no rule list: the spec or the stdlib has errors"), "{}", run.all());
    let run = aims(&dir, &["rules", "--format", "json", "broken"]);
    assert_eq!(run.code, 1, "{}", run.all());
    run.assert_json_located("no rule list");
    aims(&dir, &["rules", "pipe.aims"]).assert_fifo_refused();
    let run = aims(&dir, &["rules", "--format", "json", "pipe.aims"]);
    run.assert_fifo_refused();
    assert!(run.json()["error"].as_str().unwrap().contains("named pipe"), "{}", run.all());
    // A `--stdlib` with errors: before, "0 rules" and exit code 0.
    let run = aims(&dir, &["rules", "--stdlib", "syntax"]);
    assert_eq!(run.code, 1, "{}", run.all());
    assert!(run.stdout.contains("┌─ <stdlib>/spec.aims:1:12"), "{}", run.all());
    // `todo` placeholders are decisions to make, not errors in reading: the list is complete.
    std::fs::write(dir.join("clean/todo.aims"), "person sam { email: todo }\n").unwrap();
    let run = aims(&dir, &["rules", "clean"]);
    assert_eq!(run.code, 0, "{}", run.all());
    assert!(run.stdout.contains(" rules; `aims explain RULE`"), "{}", run.all());
}

#[test]
fn kinds() {
    let dir = folder("kinds");
    // Before: a short list from what could be read, and exit code 0.
    let run = aims(&dir, &["kinds", "--stdlib", "syntax"]);
    assert_eq!(run.code, 1, "{}", run.all());
    assert!(run.stdout.contains("error[E0108]: `email:` has no value"), "{}", run.all());
    assert!(run.stdout.contains("┌─ <stdlib>/spec.aims:1:12"), "{}", run.all());
    assert!(run.stdout.contains("no list of kinds: the stdlib has errors"), "{}", run.all());
    let run = aims(&dir, &["kinds", "--stdlib", "pipe.aims"]);
    assert_eq!(run.code, 2, "{}", run.all());
    assert!(run.stderr.contains("cannot use `pipe.aims` as the stdlib: it is not a directory"), "{}", run.all());
}

#[test]
fn explain() {
    let dir = folder("explain");
    // Before: "there is no rule `risk-treated`", as if the stdlib had none.
    let run = aims(&dir, &["explain", "risk-treated", "--stdlib", "syntax"]);
    assert_eq!(run.code, 1, "{}", run.all());
    assert!(run.stdout.contains("┌─ <stdlib>/spec.aims:1:12"), "{}", run.all());
    assert!(
        run.stdout.contains("the stdlib has errors and the rule may be in what could not be read"),
        "{}",
        run.all()
    );
    let run = aims(&dir, &["explain", "risk-treated", "--stdlib", "pipe.aims"]);
    assert_eq!(run.code, 2, "{}", run.all());
    assert!(run.stderr.contains("it is not a directory"), "{}", run.all());
}

#[test]
fn gap() {
    let dir = folder("gap");
    let run = aims(&dir, &["gap", AS_OF, "broken"]);
    assert_eq!(run.code, 1, "{}", run.all());
    run.assert_located(&run.stdout);
    let run = aims(&dir, &["gap", AS_OF, "--format", "json", "broken"]);
    assert_eq!(run.code, 1, "{}", run.all());
    run.assert_json_located("no gap analysis");
    aims(&dir, &["gap", "pipe.aims"]).assert_fifo_refused();
    let run = aims(&dir, &["gap", "--format", "json", "pipe.aims"]);
    run.assert_fifo_refused();
    assert!(run.json()["error"].as_str().unwrap().contains("named pipe"), "{}", run.all());
}

#[test]
fn score() {
    let dir = folder("score");
    let run = aims(&dir, &["score", AS_OF, "broken"]);
    assert_eq!(run.code, 1, "{}", run.all());
    run.assert_located(&run.stdout);
    let run = aims(&dir, &["score", AS_OF, "--format", "json", "broken"]);
    assert_eq!(run.code, 1, "{}", run.all());
    run.assert_json_located("no scores");
    // CSV has no place for an error: no rows, and the errors on stderr.
    let run = aims(&dir, &["score", AS_OF, "--format", "csv", "broken"]);
    assert_eq!(run.code, 1, "{}", run.all());
    assert_eq!(run.stdout, "", "{}", run.all());
    run.assert_located(&run.stderr);
    aims(&dir, &["score", "--format", "csv", "pipe.aims"]).assert_fifo_refused();
    let run = aims(&dir, &["score", "--format", "json", "pipe.aims"]);
    run.assert_fifo_refused();
    assert!(run.json()["error"].as_str().unwrap().contains("named pipe"), "{}", run.all());
}

#[test]
fn report() {
    let dir = folder("report");
    let run = aims(&dir, &["report", "soa", AS_OF, "broken"]);
    assert_eq!(run.code, 1, "{}", run.all());
    run.assert_located(&run.stdout);
    // Before: the human text on stdout, whatever `--format` said.
    let run = aims(&dir, &["report", "register", AS_OF, "--format", "json", "broken"]);
    assert_eq!(run.code, 1, "{}", run.all());
    run.assert_json_located("no report: the spec has errors");
    aims(&dir, &["report", "soa", "pipe.aims"]).assert_fifo_refused();
    let run = aims(&dir, &["report", "soa", "--format", "json", "pipe.aims"]);
    run.assert_fifo_refused();
    assert!(run.json()["error"].as_str().unwrap().contains("named pipe"), "{}", run.all());
}

#[test]
fn export() {
    let dir = folder("export");
    let run = aims(&dir, &["export", "oscal", AS_OF, "--out", "out", "broken"]);
    assert_eq!(run.code, 1, "{}", run.all());
    run.assert_located(&run.stdout);
    assert!(run.stdout.contains("nothing exported: the spec has errors"), "{}", run.all());
    assert!(!dir.join("out").exists(), "a folder was made for nothing");
    aims(&dir, &["export", "oscal", "--out", "out", "pipe.aims"]).assert_fifo_refused();
}

#[test]
fn query() {
    let dir = folder("query");
    let run = aims(&dir, &["query", "s in system", AS_OF, "broken"]);
    assert_eq!(run.code, 1, "{}", run.all());
    run.assert_located(&run.stdout);
    // Before: human text on stdout with `--format json`, for the spec's errors and the question's.
    let run = aims(&dir, &["query", "s in system", AS_OF, "--format", "json", "broken"]);
    assert_eq!(run.code, 1, "{}", run.all());
    run.assert_json_located("the spec has errors");
    let run = aims(&dir, &["query", "s in sytem", AS_OF, "--format", "json", "clean"]);
    assert_eq!(run.code, 2, "{}", run.all());
    let d = &run.json()["diagnostics"][0];
    assert_eq!(
        (d["file"].as_str(), d["line"].as_u64(), d["column"].as_u64()),
        (Some("query"), Some(1), Some(6)),
        "{}",
        run.all()
    );
    assert!(d["help"].as_str().unwrap_or_default().contains("`system`"), "{}", run.all());
    aims(&dir, &["query", "s in system", "--format", "csv", "pipe.aims"]).assert_fifo_refused();
    let run = aims(&dir, &["query", "s in system", "--format", "json", "pipe.aims"]);
    run.assert_fifo_refused();
    assert!(run.json()["error"].as_str().unwrap().contains("named pipe"), "{}", run.all());
}

#[test]
fn pin() {
    let dir = folder("pin");
    let before = std::fs::read_to_string(dir.join("broken/spec.aims")).unwrap();
    let run = aims(&dir, &["pin", "broken"]);
    assert_eq!(run.code, 1, "{}", run.all());
    run.assert_located(&run.stdout);
    assert!(run.stderr.contains("nothing was pinned"), "{}", run.all());
    assert_eq!(std::fs::read_to_string(dir.join("broken/spec.aims")).unwrap(), before);
    aims(&dir, &["pin", "pipe.aims"]).assert_fifo_refused();
}

#[test]
fn test() {
    let dir = folder("test");
    // Rules under test that have errors: every case is an error, located in the rules' file.
    let run = aims(&dir, &["test", AS_OF, "clean", "--rules", "broken"]);
    assert_eq!(run.code, 1, "{}", run.all());
    assert!(run.stdout.contains("ERROR clean/spec.aims: the case cannot be checked"), "{}", run.all());
    run.assert_located(&run.stdout);
    // Before: "no such file or directory" for a FIFO among the cases.
    aims(&dir, &["test", "pipe.aims", "--rules", "clean"]).assert_fifo_refused();
    aims(&dir, &["test", "clean", "--rules", "pipe.aims"]).assert_fifo_refused();
    // Before: a link to `.` among the cases made the same case run 41 times.
    std::os::unix::fs::symlink(".", dir.join("clean/again")).unwrap();
    let run = aims(&dir, &["test", "clean", "--rules", "syntax"]);
    assert_eq!(run.code, 2, "{}", run.all());
    assert!(run.stderr.contains("`clean/again` is a link back to `clean`"), "{}", run.all());
}

#[test]
fn diff() {
    let dir = folder("diff");
    // A side with errors is still compared (docs/diff.md); the note says where the first error is.
    let run = aims(&dir, &["diff", AS_OF, "clean", "broken"]);
    assert_eq!(run.code, 0, "{}", run.all());
    assert!(
        run.stdout.contains(&format!("note: `broken` has 1 error (the first at {PLACE}: `owner` refers to `nobdy`")),
        "{}",
        run.all()
    );
    let run = aims(&dir, &["diff", AS_OF, "--format", "json", "clean", "broken"]);
    assert_eq!(run.json()["incomplete"], serde_json::json!(["broken"]), "{}", run.all());
    let run = aims(&dir, &["diff", "clean", "pipe.aims"]);
    assert_eq!(run.code, 2, "{}", run.all());
    assert!(run.stderr.contains("`pipe.aims` is neither a folder nor a git revision"), "{}", run.all());
}

#[test]
fn fmt() {
    let dir = folder("fmt");
    // The formatter reads syntax only: a file that does not parse is named and left alone.
    for args in [&["fmt", "syntax"][..], &["fmt", "--check", "syntax"]] {
        let run = aims(&dir, args);
        assert_eq!(run.code, 1, "{args:?}: {}", run.all());
        assert!(run.stderr.contains("┌─ syntax/spec.aims:1:12"), "{args:?}: {}", run.all());
        assert!(run.stderr.contains("1 file left alone because of errors"), "{args:?}: {}", run.all());
    }
    assert_eq!(std::fs::read_to_string(dir.join("syntax/spec.aims")).unwrap(), "person p { email: ");
    aims(&dir, &["fmt", "pipe.aims"]).assert_fifo_refused();
    aims(&dir, &["fmt", "--check", "pipe.aims"]).assert_fifo_refused();
}

#[test]
fn init() {
    let dir = folder("init");
    let run = aims(&dir, &["init", "broken"]);
    assert_eq!(run.code, 2, "{}", run.all());
    assert!(run.stderr.contains("`broken` already holds a spec (`broken/spec.aims`)"), "{}", run.all());
    // Before: "it is a file, not a folder" for a FIFO.
    let run = aims(&dir, &["init", "pipe.aims"]);
    assert_eq!(run.code, 2, "{}", run.all());
    assert!(run.stderr.contains("cannot create a spec in `pipe.aims`: it is a named pipe (FIFO)"), "{}", run.all());
    // Links are not followed in the search for an existing spec: a link to `/` ends at once.
    std::fs::create_dir_all(dir.join("new")).unwrap();
    std::os::unix::fs::symlink("/", dir.join("new/root")).unwrap();
    let run = aims(&dir, &["init", "new"]);
    assert_eq!(run.code, 0, "{}", run.all());
    assert!(dir.join("new/controls.aims").is_file(), "{}", run.all());
}

#[test]
fn lsp() {
    let dir = folder("lsp");
    // Before: "disconnected channel", for an editor that went away and for garbage alike.
    let run = aims(&dir, &["lsp"]);
    assert_eq!(run.code, 2, "{}", run.all());
    assert!(
        run.stderr
            .contains("the language server stopped: the editor closed the connection before it sent `initialize`"),
        "{}",
        run.all()
    );
    let run = aims_with_input(&dir, &["lsp"], Some(b"{\"not\": \"framed\"}\n"));
    assert_eq!(run.code, 2, "{}", run.all());
    assert!(
        run.stderr.contains("the language server stopped: what the editor sent could not be read"),
        "{}",
        run.all()
    );
    assert_eq!(run.stdout, "", "{}", run.all());
}

/// The framed LSP messages of a session that opens `root`, asks for a symbol and ends.
fn session(root: &Path) -> Vec<u8> {
    let uri = format!("file://{}", root.display());
    let messages = [
        serde_json::json!({"jsonrpc": "2.0", "id": 1, "method": "initialize",
            "params": {"rootUri": uri, "capabilities": {}, "initializationOptions": {"asOf": "2026-11-22"}}}),
        serde_json::json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}),
        serde_json::json!({"jsonrpc": "2.0", "id": 2, "method": "workspace/symbol", "params": {"query": "triage"}}),
        serde_json::json!({"jsonrpc": "2.0", "id": 3, "method": "shutdown"}),
        serde_json::json!({"jsonrpc": "2.0", "method": "exit"}),
    ];
    let mut out = Vec::new();
    for m in messages {
        let body = m.to_string();
        out.extend(format!("Content-Length: {}\r\n\r\n{body}", body.len()).into_bytes());
    }
    out
}

#[test]
fn lsp_workspace_with_a_fifo_a_huge_file_and_a_link_out() {
    // Before: the server read the workspace with a plain read, and blocked on the FIFO for ever.
    let dir = folder("lsp-workspace");
    std::fs::File::create(dir.join("clean/huge.aims")).unwrap().set_len((512 << 20) + 1).unwrap();
    std::fs::write(dir.join("secret.aims"), "S3CRET-LSP = ((\n").unwrap();
    std::os::unix::fs::symlink("../secret.aims", dir.join("clean/out.aims")).unwrap();
    std::fs::rename(dir.join("pipe.aims"), dir.join("clean/pipe.aims")).unwrap();
    let root = dir.join("clean");
    let run = aims_with_input(&dir, &["lsp"], Some(&session(&root)));
    assert_eq!(run.code, 0, "{}", run.all());
    // The clean spec is still there; what is not a regular file inside the folder is left out.
    assert!(run.stdout.contains("\"name\":\"triage\""), "{}", run.all());
    assert!(!run.stdout.contains("S3CRET-LSP"), "{}", run.all());
    assert!(!run.stdout.contains("huge.aims") && !run.stdout.contains("pipe.aims"), "{}", run.all());
}

/// Runs aims in `cwd`, reads the first line of its output and closes the pipe, as
/// `aims ... | head -1` does: the exit code, and whether that line was read.
fn first_line_then_close(cwd: &Path, args: &[&str]) -> (Run, String) {
    use std::io::BufRead;
    let start = Instant::now();
    let mut child = bounded::spawn(cwd, args, &[("AIMS_NO_CACHE", "1")], None);
    let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    let _ = stdout.read_line(&mut line);
    drop(stdout);
    let err = child.stderr.take().unwrap();
    let err = std::thread::spawn(move || std::io::read_to_string(err).unwrap_or_default());
    let status = bounded::wait(&mut child, start, BOUND, args);
    (Run { code: status.code().unwrap_or(-1), stdout: String::new(), stderr: err.join().unwrap() }, line)
}

// Output is written as it is made; a reader that stops early (`| head -1`) ends the run quietly
// with the exit code of a whole run, for every command that can print a lot. Each output here
// is larger than the pipe's buffer and aims's own, so aims is still writing when the pipe closes.
#[test]
fn a_closed_pipe_ends_every_long_output_quietly() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let gaps = "examples/midsize-insurer-gaps";
    let clean = "examples/midsize-insurer";
    let runs: &[&[&str]] = &[
        &["check", AS_OF, gaps],
        &["gap", AS_OF, clean],
        &["gap", AS_OF, "--format", "json", clean],
        &["report", "all", AS_OF, clean],
        &["report", "all", AS_OF, "--format", "json", clean],
        &["report", "register", AS_OF, "--format", "csv", clean],
        &["rules", clean],
        &["rules", "--format", "json", clean],
        &["query", "c in control", AS_OF, "--format", "json", clean],
        &["query", "c in control", AS_OF, "--format", "csv", clean],
        &["score", AS_OF, "--format", "json", clean],
        &["kinds"],
        &["explain", "risk-treated"],
    ];
    for args in runs {
        let whole = aims(root, args);
        assert!(!whole.stdout.is_empty(), "{}", whole.all());
        let (run, line) = first_line_then_close(root, args);
        assert_eq!(run.code, whole.code, "`aims {}` after a closed pipe:\n{}", args.join(" "), run.all());
        assert_eq!(Some(line.as_str()), whole.stdout.split_inclusive('\n').next(), "{}", args.join(" "));
        assert!(run.stderr.is_empty(), "`aims {}` said on stderr:\n{}", args.join(" "), run.all());
    }
}

/// Runs git in `dir`, which must succeed.
fn git(dir: &Path, args: &[&str]) {
    let out = std::process::Command::new("git")
        .args(["-c", "user.name=aims", "-c", "user.email=aims@example.org", "-c", "commit.gpgsign=false"])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("git runs");
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

// `aims diff` between revisions reads files from git, not from the disk: a file committed at
// over the 512 MB cap (zeros, which pack into a few hundred KB) is refused by the size git
// gives, before its text is asked for. Before: 1 GB of memory and minutes to parse zeros.
#[test]
fn diff_refuses_a_huge_file_in_a_revision_by_its_size() {
    if std::process::Command::new("git").arg("--version").output().is_err() {
        assert!(std::env::var("CI").as_deref() != Ok("true"), "git is needed for this test on CI");
        return;
    }
    let dir = folder("diff-huge-blob");
    std::fs::remove_file(dir.join("pipe.aims")).unwrap();
    git(&dir, &["init", "-q"]);
    git(&dir, &["add", "clean"]);
    git(&dir, &["commit", "-q", "-m", "clean"]);
    std::fs::File::create(dir.join("clean/huge.aims")).unwrap().set_len((512 << 20) + 1).unwrap();
    git(&dir, &["add", "clean/huge.aims"]);
    git(&dir, &["commit", "-q", "-m", "huge"]);
    std::fs::remove_file(dir.join("clean/huge.aims")).unwrap();
    let run = aims(&dir, &["diff", AS_OF, "--spec", "clean", "HEAD~1", "HEAD"]);
    assert_eq!(run.code, 2, "{}", run.all());
    assert!(
        run.stderr.contains("cannot read `clean/huge.aims` at `HEAD`: it is larger than the 512 MB aims reads"),
        "{}",
        run.all()
    );
    // A revision is never taken for one of git's options.
    let run = aims(&dir, &["diff", AS_OF, "--spec", "clean", "--", "HEAD~1", "--output=x"]);
    assert_eq!(run.code, 2, "{}", run.all());
    assert!(run.stderr.contains("a revision does not start with `-`"), "{}", run.all());
    assert!(!dir.join("x").exists());
}

// An evidence file that is a FIFO: `aims check` and `aims pin` used to open it with a plain
// open, which blocks until a writer comes, for ever. Now it is a located finding (E0705).
#[test]
fn an_evidence_file_that_is_a_fifo_is_refused_without_blocking() {
    let dir = folder("evidence-fifo");
    std::fs::create_dir_all(dir.join("ev/evidence")).unwrap();
    mkfifo(&dir.join("ev/evidence/pipe.pdf"));
    let doc = "document d \"D\" { last_reviewed: 2026-09-01  path: \"evidence/pipe.pdf\" }\n";
    std::fs::write(dir.join("ev/spec.aims"), doc).unwrap();
    let why = "the evidence file `evidence/pipe.pdf` of d cannot be read: it is a named pipe (FIFO), not a file";
    let run = aims(&dir, &["check", AS_OF, "--format", "json", "ev"]);
    assert_eq!(run.code, 1, "{}", run.all());
    let v = run.json();
    let d = v["diagnostics"].as_array().unwrap().iter().find(|d| d["code"] == "E0705").expect("E0705");
    assert!(d["message"].as_str().unwrap().starts_with(why), "{}", run.all());
    assert_eq!((d["line"].as_u64(), d["column"].as_u64()), (Some(1), Some(51)), "{}", run.all());
    let run = aims(&dir, &["pin", "ev"]);
    assert_eq!(run.code, 1, "{}", run.all());
    assert!(run.stdout.contains(why) && run.stdout.contains("┌─ ev/spec.aims:1:51"), "{}", run.all());
    assert!(run.stdout.ends_with("1 evidence file could not be pinned\nnothing was pinned\n"), "{}", run.all());
}
