//! Files, folders and scoring scripts that would hang, exhaust memory, leak the runner's files
//! or fail silently (issue 12, rows H1-H4, M1, S1, S3, T1, T2, F1, F2, I3). Every input is made
//! here at run time, in a fresh folder: FIFOs, sockets, links to `.` and to `/dev/zero`,
//! scripts that sleep, read the clock or run away. Each run has a time bound, so a regression
//! fails the test instead of hanging it.

#![cfg(unix)]

#[path = "common/bounded.rs"]
mod bounded;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Far above what any of these runs takes when it works; the old code hung for ever.
const BOUND: Duration = Duration::from_secs(20);

/// A text that must never appear in what aims prints.
const SECRET: &str = "S3CRET-7f3a9c-DO-NOT-PRINT";

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
    took: Duration,
}

impl Run {
    fn all(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }
    fn assert_no_secret(&self) {
        assert!(!self.all().contains(SECRET), "the secret was printed:\n{}", self.all());
        assert!(!self.all().contains("root:x:0"), "/etc/passwd was printed:\n{}", self.all());
        assert!(!self.all().contains("os error"), "a raw OS error was printed:\n{}", self.all());
    }
}

/// A fresh, empty folder for one test.
fn folder(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("hardening_io").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs aims in `cwd` with the secret in its environment; kills it and fails past [`BOUND`].
fn aims(cwd: &Path, args: &[&str]) -> Run {
    let start = Instant::now();
    let mut child = bounded::spawn(cwd, args, &[("AIMS_TEST_SECRET", SECRET)], None);
    let (out, err) = bounded::pipes(&mut child);
    let status = bounded::wait(&mut child, start, BOUND, args);
    Run {
        code: status.code().unwrap_or(-1),
        stdout: out.join().unwrap(),
        stderr: err.join().unwrap(),
        took: start.elapsed(),
    }
}

const LEVEL: &str =
    "fn level(score) { if score <= 4 { \"low\" } else if score <= 9 { \"medium\" } else if score <= 16 { \"high\" } else { \"critical\" } }\n";
const SCORE: &str = "fn score(risk) { risk.likelihood_rank * risk.impact_rank }\n";

/// A clean spec in `dir/spec/` with `risks` risks, naming `scoring` as its script (line 2,
/// column 12), and the script text, if any, at `spec/scoring.rhai`.
fn spec(dir: &Path, scoring: &str, script: Option<&str>, risks: usize) -> PathBuf {
    let spec = dir.join("spec");
    std::fs::create_dir_all(&spec).unwrap();
    let mut text = format!(
        "organization acme \"Acme Health\" {{\n  scoring: \"{scoring}\"\n}}\n\
         role risk_board {{ can_accept_risk: yes }}\n\
         person priya {{ email: \"priya@example.org\" }}\n\
         system triage {{ owner: priya  purpose: \"Orders arrivals\"  tier: 1 }}\n"
    );
    for i in 0..risks {
        text.push_str(&format!(
            "risk r{i} \"Risk {i}\" {{\n  system: triage\n  owner: priya\n  objective: safety\n  likelihood: likely\n  \
             impact: major\n  treatment {{ option: accept  approved_by: risk_board }}\n}}\n"
        ));
    }
    std::fs::write(spec.join("spec.aims"), text).unwrap();
    if let Some(script) = script {
        std::fs::write(spec.join("scoring.rhai"), script).unwrap();
    }
    spec
}

fn mkfifo(path: &Path) {
    use std::os::unix::ffi::OsStrExt;
    let c = std::ffi::CString::new(path.as_os_str().as_bytes()).unwrap();
    // SAFETY: a valid NUL-terminated path; mkfifo only creates a file.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0, "mkfifo {}", path.display());
}

fn symlink(target: &str, link: &Path) {
    std::os::unix::fs::symlink(target, link).unwrap();
}

/// The one `scoring:` field diagnostic: E0506 at line 2, column 12 of the spec, with a help.
fn assert_refused_at_scoring_field(run: &Run, why: &str) {
    assert_eq!(run.code, 1, "{}", run.all());
    assert!(run.stdout.contains("error[E0506]: the scoring script cannot be read"), "{}", run.all());
    assert!(run.stdout.contains(why), "expected `{why}` in:\n{}", run.all());
    assert!(run.stdout.contains("┌─ spec/spec.aims:2:12"), "not located at the field:\n{}", run.all());
    assert!(run.stdout.contains("= help: "), "no help line:\n{}", run.all());
    assert_eq!(run.stdout.matches("error[").count(), 1, "{}", run.all());
    run.assert_no_secret();
}

// H1: a FIFO in the spec folder, or named on the command line, is refused without blocking.
#[test]
fn fifo_in_the_spec_folder_is_refused_without_blocking() {
    let dir = folder("fifo-folder");
    spec(&dir, "scoring.rhai", Some(&format!("{SCORE}{LEVEL}")), 1);
    mkfifo(&dir.join("spec/x.aims"));
    let run = aims(&dir, &["check", "--as-of", "2026-11-22", "spec"]);
    assert_eq!(run.code, 2, "{}", run.all());
    assert!(run.stderr.contains("cannot read `spec/x.aims`: it is a named pipe (FIFO)"), "{}", run.all());
    run.assert_no_secret();
}

#[test]
fn fifo_on_the_command_line_is_refused_in_json_too() {
    let dir = folder("fifo-arg");
    mkfifo(&dir.join("x.aims"));
    let run = aims(&dir, &["check", "--format", "json", "x.aims"]);
    assert_eq!(run.code, 2, "{}", run.all());
    let v: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON on stdout");
    assert!(v["error"].as_str().unwrap().contains("`x.aims`: it is a named pipe (FIFO)"), "{v}");
}

// H2: links to `.` or to a parent are reported once, with their path, instead of walked.
#[test]
fn links_to_the_folder_itself_are_reported_once() {
    let dir = folder("links-to-dot");
    let spec = spec(&dir, "scoring.rhai", Some(&format!("{SCORE}{LEVEL}")), 1);
    symlink(".", &spec.join("a"));
    symlink(".", &spec.join("b"));
    let run = aims(&dir, &["check", "--as-of", "2026-11-22", "spec"]);
    assert_eq!(run.code, 2, "{}", run.all());
    assert_eq!(run.stderr.matches("is a link back to").count(), 1, "{}", run.all());
    assert!(run.stderr.contains("`spec/a` is a link back to `spec`"), "{}", run.all());
}

#[test]
fn a_link_to_a_parent_folder_is_reported() {
    let dir = folder("link-to-parent");
    let spec = spec(&dir, "scoring.rhai", Some(&format!("{SCORE}{LEVEL}")), 1);
    std::fs::create_dir_all(spec.join("deep/er")).unwrap();
    symlink("../..", &spec.join("deep/er/up"));
    let run = aims(&dir, &["gap", "--as-of", "2026-11-22", "spec"]);
    assert_eq!(run.code, 2, "{}", run.all());
    assert!(run.stderr.contains("`spec/deep/er/up` is a link back to `spec`"), "{}", run.all());
}

// M1 and S1 for spec files: a link out of the folder (to /dev/zero, to a secret) is not read.
#[test]
fn a_link_to_dev_zero_in_the_folder_is_not_read() {
    let dir = folder("dev-zero-folder");
    let spec = spec(&dir, "scoring.rhai", Some(&format!("{SCORE}{LEVEL}")), 1);
    symlink("/dev/zero", &spec.join("zero.aims"));
    let run = aims(&dir, &["check", "--as-of", "2026-11-22", "spec"]);
    assert_eq!(run.code, 2, "{}", run.all());
    assert!(run.stderr.contains("`spec/zero.aims` is a link to `/dev/zero`, outside `spec`"), "{}", run.all());
}

#[test]
fn dev_zero_named_on_the_command_line_is_not_read() {
    let dir = folder("dev-zero-arg");
    symlink("/dev/zero", &dir.join("zero.aims"));
    let run = aims(&dir, &["check", "zero.aims"]);
    assert_eq!(run.code, 2, "{}", run.all());
    assert!(run.stderr.contains("cannot read `zero.aims`: it is a device, not a file"), "{}", run.all());
}

#[test]
fn a_spec_file_linked_to_a_secret_outside_the_folder_is_not_read() {
    let dir = folder("secret-spec-link");
    let spec = spec(&dir, "scoring.rhai", Some(&format!("{SCORE}{LEVEL}")), 1);
    // Would print this line in a syntax error if it were read.
    std::fs::write(dir.join("secret.txt"), format!("{SECRET} = ((\n")).unwrap();
    symlink("../secret.txt", &spec.join("leak.aims"));
    let run = aims(&dir, &["check", "spec"]);
    assert_eq!(run.code, 2, "{}", run.all());
    assert!(run.stderr.contains("`spec/leak.aims` is a link to"), "{}", run.all());
    run.assert_no_secret();
}

// H3, M1, S1 for scoring scripts: only a regular file inside the spec's folder is read.
#[test]
fn a_fifo_as_the_scoring_script_is_refused_without_blocking() {
    let dir = folder("fifo-script");
    let spec = spec(&dir, "fifo.rhai", None, 1);
    mkfifo(&spec.join("fifo.rhai"));
    let run = aims(&dir, &["check", "--as-of", "2026-11-22", "spec"]);
    assert_refused_at_scoring_field(&run, "`spec/fifo.rhai`: it is a named pipe (FIFO)");
}

#[test]
fn dev_zero_as_the_scoring_script_is_refused() {
    let dir = folder("dev-zero-script");
    let spec = spec(&dir, "zero.rhai", None, 1);
    symlink("/dev/zero", &spec.join("zero.rhai"));
    let run = aims(&dir, &["check", "--as-of", "2026-11-22", "spec"]);
    assert_refused_at_scoring_field(&run, "`spec/zero.rhai` is a link that leads out of the spec's folder");
}

#[test]
fn proc_self_environ_as_the_scoring_script_leaks_nothing() {
    let dir = folder("proc-environ");
    spec(&dir, "/proc/self/environ", None, 1);
    let run = aims(&dir, &["check", "--as-of", "2026-11-22", "spec"]);
    assert_refused_at_scoring_field(&run, "`/proc/self/environ` is an absolute path");
}

#[test]
fn a_script_path_climbing_out_with_dots_is_refused() {
    let dir = folder("dot-dot");
    spec(&dir, "../../../../../../etc/passwd", None, 1);
    let run = aims(&dir, &["check", "--as-of", "2026-11-22", "spec"]);
    assert_refused_at_scoring_field(&run, "climbs out of the spec's folder with `..`");
    // Through a folder inside the spec, and out again.
    let dir = folder("dot-dot-inside");
    let spec = spec(&dir, "sub/../../secret.rhai", None, 1);
    std::fs::create_dir_all(spec.join("sub")).unwrap();
    std::fs::write(dir.join("secret.rhai"), format!("{SECRET} = ((\n")).unwrap();
    let run = aims(&dir, &["check", "--as-of", "2026-11-22", "spec"]);
    assert_refused_at_scoring_field(&run, "climbs out of the spec's folder with `..`");
}

#[test]
fn an_absolute_script_path_is_refused_even_inside_the_spec() {
    let dir = folder("absolute");
    let inside = dir.join("spec/scoring.rhai");
    let spec = spec(&dir, &inside.display().to_string(), Some(&format!("{SCORE}{LEVEL}")), 1);
    assert!(spec.join("scoring.rhai").exists());
    let run = aims(&dir, &["check", "--as-of", "2026-11-22", "spec"]);
    assert_refused_at_scoring_field(&run, "is an absolute path");
}

#[test]
fn a_script_linked_out_of_the_spec_is_refused_and_not_echoed() {
    let dir = folder("script-link-out");
    let spec = spec(&dir, "scoring.rhai", None, 1);
    // Not a valid script: a parse error would print this line.
    std::fs::write(dir.join("secret.rhai"), format!("{SECRET} = ((\n")).unwrap();
    symlink("../secret.rhai", &spec.join("scoring.rhai"));
    let run = aims(&dir, &["check", "--as-of", "2026-11-22", "spec"]);
    assert_refused_at_scoring_field(&run, "`spec/scoring.rhai` is a link that leads out of the spec's folder");
    let run = aims(&dir, &["score", "--format", "json", "spec"]);
    assert_eq!(run.code, 1);
    run.assert_no_secret();
}

#[test]
fn a_script_inside_the_spec_still_shows_its_own_line() {
    let dir = folder("own-line");
    spec(&dir, "scoring.rhai", Some("fn score(risk) { risk.likelihood_rank * }\n"), 1);
    let run = aims(&dir, &["check", "--as-of", "2026-11-22", "spec"]);
    assert_eq!(run.code, 1, "{}", run.all());
    assert!(run.stdout.contains("error[E0501]"), "{}", run.all());
    assert!(run.stdout.contains("1 │ fn score(risk) { risk.likelihood_rank * }"), "{}", run.all());
}

// H4, S3: no sleep, no clock, no eval: they do not exist for a script.
fn on_real_risks(body: &str) -> String {
    format!("fn score(risk) {{ if risk.id != \"\" {{ {body} }} risk.likelihood_rank * risk.impact_rank }}\n{LEVEL}")
}

#[test]
fn sleep_cannot_be_called() {
    let dir = folder("sleep");
    spec(&dir, "scoring.rhai", Some(&on_real_risks("sleep(1.0e9);")), 2);
    let run = aims(&dir, &["check", "--as-of", "2026-11-22", "spec"]);
    assert_eq!(run.code, 1, "{}", run.all());
    assert!(run.stdout.contains("there is no function `sleep` it can call"), "{}", run.all());
    assert!(run.stdout.contains("┌─ spec/scoring.rhai:1:"), "{}", run.all());
    assert!(run.took < Duration::from_secs(10), "took {:?}", run.took);
}

#[test]
fn the_clock_cannot_be_read() {
    let dir = folder("timestamp");
    spec(&dir, "scoring.rhai", Some(&on_real_risks("return timestamp().elapsed;")), 1);
    let first = aims(&dir, &["score", "--as-of", "2026-11-22", "spec"]);
    assert_eq!(first.code, 1, "{}", first.all());
    assert!(first.stdout.contains("there is no function `timestamp` it can call"), "{}", first.all());
    assert!(first.stdout.contains("cannot read the clock"), "{}", first.all());
    let second = aims(&dir, &["score", "--as-of", "2026-11-22", "spec"]);
    assert_eq!(first.stdout, second.stdout);
}

#[test]
fn eval_cannot_be_called() {
    let dir = folder("eval");
    spec(&dir, "scoring.rhai", Some(&on_real_risks("return eval(\"1\");")), 1);
    let run = aims(&dir, &["check", "--as-of", "2026-11-22", "spec"]);
    assert_eq!(run.code, 1, "{}", run.all());
    assert!(run.stdout.contains("error[E0501]") && run.stdout.contains("'eval' is disabled"), "{}", run.all());
}

// T1: one costly operation repeated cannot outrun the time limit.
fn assert_stopped_in_time(name: &str, body: &str) {
    let dir = folder(name);
    spec(&dir, "scoring.rhai", Some(&on_real_risks(body)), 3);
    let run = aims(&dir, &["check", "--as-of", "2026-11-22", "spec"]);
    assert_eq!(run.code, 1, "{}", run.all());
    assert_eq!(run.stdout.matches("error[E0505]").count(), 1, "{}", run.all());
    assert!(run.stdout.contains("while scoring risk `r0`: it ran too long"), "{}", run.all());
    assert!(run.stdout.contains("= 2 other risks were not scored"), "{}", run.all());
    // One second of script, and the time to check the spec.
    assert!(run.took < Duration::from_secs(5), "took {:?}", run.took);
}

#[test]
fn a_costly_split_in_a_loop_is_stopped_in_time() {
    assert_stopped_in_time("split", "let s = \"\"; s.pad(9999, \",\"); loop { let parts = s.split(\",\"); }");
}

#[test]
fn copying_and_comparing_big_lists_is_stopped_in_time() {
    assert_stopped_in_time("arrays", "let a = []; a.pad(9999, 0); loop { let b = a; let c = a == b; let d = a + []; }");
}

// T2 and F1: a runaway on every risk of a 100-risk spec is reported once, quickly, and every
// risk it left unscored is listed in every format, with a failing exit code.
#[test]
fn a_runaway_on_every_one_of_100_risks_is_reported_once() {
    let dir = folder("hundred");
    spec(&dir, "scoring.rhai", Some(&on_real_risks("loop {}")), 100);
    let run = aims(&dir, &["score", "--as-of", "2026-11-22", "spec"]);
    assert_eq!(run.code, 1, "{}", run.all());
    assert_eq!(run.stdout.matches("error[").count(), 1, "{}", run.all());
    assert!(run.stdout.contains("error[E0505]: the scoring script was stopped while scoring risk `r0`"));
    assert!(run.stdout.contains("= 99 other risks were not scored"), "{}", run.all());
    assert!(run.stdout.contains("100 risks could not be scored"), "{}", run.all());
    assert!(run.took < Duration::from_secs(5), "took {:?}", run.took);
    let json = aims(&dir, &["score", "--as-of", "2026-11-22", "--format", "json", "spec"]);
    assert_eq!(json.code, 1);
    let v: serde_json::Value = serde_json::from_str(&json.stdout).expect("JSON");
    assert_eq!(v["unscored"].as_array().unwrap().len(), 100);
    assert_eq!(v["diagnostics"].as_array().unwrap().len(), 1);
    // The same bytes on every run, however the threads were scheduled.
    let again = aims(&dir, &["score", "--as-of", "2026-11-22", "--format", "json", "spec"]);
    assert_eq!(json.stdout, again.stdout);
}

#[test]
fn a_risk_the_script_throws_on_is_reported_in_every_format() {
    let dir = folder("throws");
    let script = format!("fn score(risk) {{ if risk.id == \"r1\" {{ throw \"no data\"; }} risk.likelihood_rank * risk.impact_rank }}\n{LEVEL}");
    spec(&dir, "scoring.rhai", Some(&script), 3);
    let human = aims(&dir, &["score", "--as-of", "2026-11-22", "spec"]);
    assert_eq!(human.code, 1, "{}", human.all());
    assert!(human.stdout.contains("error[E0504]: the scoring script failed on risk `r1`"), "{}", human.all());
    assert_eq!(human.stdout.matches("error[").count(), 1, "{}", human.all());
    assert!(human.stdout.contains("\nr0 "), "{}", human.all());
    assert!(human.stdout.contains("\nr1 ") && human.stdout.contains("1 risk could not be scored"), "{}", human.all());
    let json = aims(&dir, &["score", "--as-of", "2026-11-22", "--format", "json", "spec"]);
    assert_eq!(json.code, 1);
    let v: serde_json::Value = serde_json::from_str(&json.stdout).expect("JSON");
    assert_eq!(v["risks"].as_array().unwrap().len(), 2);
    assert_eq!(v["unscored"][0]["risk"], "r1");
    assert_eq!(v["diagnostics"][0]["code"], "E0504");
    let csv = aims(&dir, &["score", "--as-of", "2026-11-22", "--format", "csv", "spec"]);
    assert_eq!(csv.code, 1);
    let row = csv.stdout.lines().find(|l| l.starts_with("r1,")).expect("a row for r1");
    assert!(row.ends_with("the scoring script failed on risk `r1`: it stopped with the message `no data`"), "{row}");
}

// The governance rules' findings are `aims check`'s: they do not make scoring fail.
#[test]
fn rule_findings_do_not_make_score_fail() {
    let dir = folder("findings-only");
    spec(&dir, "scoring.rhai", Some(&format!("{SCORE}{LEVEL}")), 2);
    let check = aims(&dir, &["check", "--as-of", "2026-11-22", "spec"]);
    assert_eq!(check.code, 1, "the small spec has rule findings: {}", check.all());
    let run = aims(&dir, &["score", "--as-of", "2026-11-22", "spec"]);
    assert_eq!(run.code, 0, "{}", run.all());
    assert!(!run.stdout.contains("error["), "{}", run.all());
    assert!(run.stdout.contains("\nr1 "), "{}", run.all());
}

// F1: nothing to score with is said, not shown as an empty table.
#[test]
fn a_stdlib_without_a_default_script_is_said_in_words() {
    let dir = folder("no-default-script");
    let spec = spec(&dir, "scoring.rhai", None, 1);
    let text = std::fs::read_to_string(spec.join("spec.aims")).unwrap().replace("  scoring: \"scoring.rhai\"\n", "");
    std::fs::write(spec.join("spec.aims"), text).unwrap();
    let stdlib = Path::new(env!("CARGO_MANIFEST_DIR")).join("stdlib");
    let copy = dir.join("stdlib");
    for entry in walkdir::WalkDir::new(&stdlib) {
        let entry = entry.unwrap();
        let to = copy.join(entry.path().strip_prefix(&stdlib).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&to).unwrap();
        } else if entry.file_name() != "default.rhai" {
            std::fs::copy(entry.path(), &to).unwrap();
        }
    }
    let run = aims(&dir, &["score", "--as-of", "2026-11-22", "--stdlib", "stdlib", "--format", "json", "spec"]);
    assert_eq!(run.code, 1, "{}", run.all());
    let v: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    assert!(v["error"].as_str().unwrap().contains("no `scoring/default.rhai`"), "{v}");
}

// F2: a command asked for JSON answers in JSON, whatever went wrong.
#[test]
fn gap_and_score_answer_in_json_on_a_spec_with_errors() {
    let dir = folder("json-errors");
    let spec = spec(&dir, "scoring.rhai", Some(&format!("{SCORE}{LEVEL}")), 1);
    std::fs::write(spec.join("bad.aims"), "system x { colour: blue }\n").unwrap();
    for cmd in ["gap", "score"] {
        let run = aims(&dir, &[cmd, "--as-of", "2026-11-22", "--format", "json", "spec"]);
        assert_eq!(run.code, 1, "{cmd}: {}", run.all());
        let v: serde_json::Value =
            serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{cmd}: {e}\n{}", run.stdout));
        assert!(v["error"].as_str().unwrap().starts_with("no "), "{cmd}: {v}");
        let d = &v["diagnostics"][0];
        assert_eq!(d["file"], "spec/bad.aims", "{cmd}: {v}");
        assert_eq!(d["line"], 1, "{cmd}: {v}");
    }
    let run = aims(&dir, &["check", "--format", "json", "--only", "no-such-rule", "spec"]);
    assert_eq!(run.code, 2, "{}", run.all());
    let v: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON on stdout");
    assert!(v["error"].as_str().unwrap().starts_with("there is no rule `no-such-rule`"), "{v}");
    for args in [
        &["gap", "--format", "json", "missing"][..],
        &["rules", "--format", "json", "missing"],
        &["score", "--format", "json", "missing"],
    ] {
        let run = aims(&dir, args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.all());
        let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{args:?}: {e}"));
        assert_eq!(v["error"], "cannot read `missing`: no such file or directory");
    }
}

// I3: plain words, never "os error 6" or "a value of type `f64`".
#[test]
fn a_socket_is_named_in_plain_words() {
    let dir = folder("socket");
    let _listener = std::os::unix::net::UnixListener::bind(dir.join("x.aims")).unwrap();
    let run = aims(&dir, &["check", "x.aims"]);
    assert_eq!(run.code, 2, "{}", run.all());
    assert!(run.stderr.contains("cannot read `x.aims`: it is a socket, not a file"), "{}", run.all());
    run.assert_no_secret();
}

#[test]
fn nan_from_a_script_is_called_not_a_number() {
    let dir = folder("nan");
    spec(&dir, "scoring.rhai", Some(&format!("fn score(risk) {{ 0.0 / 0.0 }}\n{LEVEL}")), 1);
    let run = aims(&dir, &["check", "--as-of", "2026-11-22", "spec"]);
    assert_eq!(run.code, 1, "{}", run.all());
    assert!(run.stdout.contains("it returned `NaN`, which is not a number"), "{}", run.all());
    assert!(!run.stdout.contains("f64"), "{}", run.all());
}

// M1, the size cap (src/cli/read.rs): a file over the cap is refused by its size, before a
// byte is read or a buffer is made for it. The files are sparse: they take no disk.

/// Runs aims like [`aims`], and also gives the peak memory (resident, in MB) of that one run.
// The child is reaped by `wait4`, which also gives its peak memory; `Child::wait` cannot.
#[allow(clippy::zombie_processes)]
fn aims_peak(cwd: &Path, args: &[&str]) -> (Run, u64) {
    let start = Instant::now();
    let mut child = bounded::spawn(cwd, args, &[("AIMS_NO_CACHE", "1")], None);
    let (out_t, err_t) = bounded::pipes(&mut child);
    let pid = child.id() as libc::pid_t;
    let (mut status, mut usage): (libc::c_int, libc::rusage) = (0, unsafe { std::mem::zeroed() });
    loop {
        // SAFETY: `pid` is our child, not yet reaped; `status` and `usage` are valid for writes.
        let done = unsafe { libc::wait4(pid, &mut status, libc::WNOHANG, &mut usage) };
        assert!(done >= 0, "wait4 failed");
        if done == pid {
            break;
        }
        if start.elapsed() > BOUND {
            bounded::kill(&mut child, BOUND, args);
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let run = Run {
        code: if libc::WIFEXITED(status) { libc::WEXITSTATUS(status) } else { -1 },
        stdout: out_t.join().unwrap(),
        stderr: err_t.join().unwrap(),
        took: start.elapsed(),
    };
    // Linux gives `ru_maxrss` in KB.
    (run, usage.ru_maxrss as u64 / 1024)
}

/// A sparse file of `bytes` bytes that reads as zeros.
fn sparse(path: &Path, bytes: u64) {
    std::fs::File::create(path).unwrap().set_len(bytes).unwrap();
}

/// Far below the 512 MB the old code filled before it refused the file.
const PEAK_MB: u64 = 300;

#[test]
fn a_spec_file_over_the_cap_is_refused_without_reading_it() {
    let dir = folder("cap-spec");
    spec(&dir, "scoring.rhai", Some(&format!("{SCORE}{LEVEL}")), 1);
    sparse(&dir.join("spec/huge.aims"), (512 << 20) + 1);
    for (args, json) in [(&["check", "spec"][..], false), (&["check", "--format", "json", "spec"], true)] {
        let (run, peak) = aims_peak(&dir, args);
        assert_eq!(run.code, 2, "{}", run.all());
        let why = "cannot read `spec/huge.aims`: it is larger than the 512 MB aims reads";
        assert!(run.stderr.contains(why), "{}", run.all());
        if json {
            let v: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON on stdout");
            assert_eq!(v["error"], why, "{v}");
        }
        assert!(peak < PEAK_MB, "peak memory {peak} MB for a file refused by its size");
        assert!(run.took < Duration::from_secs(10), "took {:?}", run.took);
    }
    // The formatter reads with the same cap.
    let (run, peak) = aims_peak(&dir, &["fmt", "--check", "spec/huge.aims"]);
    assert_eq!(run.code, 2, "{}", run.all());
    assert!(
        run.stderr.contains("cannot read `spec/huge.aims`: it is larger than the 512 MB aims reads"),
        "{}",
        run.all()
    );
    assert!(peak < PEAK_MB, "peak memory {peak} MB");
}

#[test]
fn a_scoring_script_over_the_cap_is_refused_at_the_scoring_field() {
    // Just over 1 MB of real text: refused, not parsed, and none of it printed.
    let dir = folder("cap-script");
    let inside = spec(&dir, "scoring.rhai", None, 1);
    let mut script = format!("{SCORE}{LEVEL}// {SECRET}\n");
    script.push_str(&"// padding\n".repeat((1 << 20) / 11 + 1));
    std::fs::write(inside.join("scoring.rhai"), script).unwrap();
    let run = aims(&dir, &["check", "--as-of", "2026-11-22", "spec"]);
    assert_refused_at_scoring_field(&run, "it is larger than the 1 MB aims reads");
    // A sparse script of 1 GB: refused by its size, with no buffer made for it.
    let dir = folder("cap-script-sparse");
    let inside = spec(&dir, "scoring.rhai", None, 1);
    sparse(&inside.join("scoring.rhai"), 1 << 30);
    let (run, peak) = aims_peak(&dir, &["check", "--as-of", "2026-11-22", "spec"]);
    assert_refused_at_scoring_field(&run, "it is larger than the 1 MB aims reads");
    assert!(peak < PEAK_MB, "peak memory {peak} MB");
}
