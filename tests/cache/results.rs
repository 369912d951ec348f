//! The cache of checked results never changes what `aims check` prints: every format gives
//! the bytes of a run without it; a change of any input the result depends on (a file's text,
//! a file added or removed, `--as-of`, `--only`, the scoring script, an evidence file, the
//! stdlib) is seen at once; a damaged or foreign entry is ignored.
//!
//! Each test changes one input and asserts the output changed with it: were that input left
//! out of the key (or out of the reads checked on lookup), the stored result of the first run
//! would be printed instead, and the test would fail.

use super::{copy_dir, forget_results, tempdir, AS_OF};
use crate::common::{aims_with_cache as aims, Run};
use std::path::{Path, PathBuf};

/// A copy of `examples/NAME` as `spec/` in a fresh folder.
fn example(test: &str, name: &str) -> PathBuf {
    let root = tempdir(test);
    copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("examples").join(name), &root.join("spec"));
    root
}

/// `aims check spec` with `extra`, as of the tests' date unless `extra` gives another.
fn check(root: &Path, extra: &[&str]) -> Run {
    let mut args = vec!["check", "spec"];
    if !extra.contains(&"--as-of") {
        args.extend_from_slice(&["--as-of", AS_OF]);
    }
    args.extend_from_slice(extra);
    aims(root, &args)
}

fn results(root: &Path) -> Vec<PathBuf> {
    let dir = root.join("spec/.aims-cache/results");
    let mut out: Vec<PathBuf> =
        std::fs::read_dir(&dir).map(|d| d.map(|e| e.expect("an entry").path()).collect()).unwrap_or_default();
    out.sort();
    out
}

/// Runs `check` and says whether it printed a stored result: a run that compiles opens the
/// tree store, a run that prints a stored result does not.
fn check_and_tell(root: &Path, extra: &[&str]) -> (Run, bool) {
    let trees = root.join("spec/.aims-cache/trees");
    let _ = std::fs::remove_dir_all(&trees);
    let run = check(root, extra);
    (run, !trees.exists())
}

/// The output of a run without the cache, after asserting that a run with it prints the same
/// bytes, whether it compiles (`compiles`) or prints the stored result, and that the run after
/// it prints the stored result.
fn same_as_without(root: &Path, extra: &[&str], compiles: bool) -> String {
    let plain = check(root, &[extra, &["--no-cache"]].concat()).transcript();
    let (first, stored) = check_and_tell(root, extra);
    assert_eq!(first.transcript(), plain, "with the cache, {extra:?} prints what it prints without");
    assert_eq!(stored, !compiles, "{extra:?}: the run {}", if compiles { "compiles" } else { "is stored" });
    let (again, stored) = check_and_tell(root, extra);
    assert_eq!(again.transcript(), plain, "the stored result of {extra:?} prints what a run without the cache prints");
    assert!(stored, "{extra:?}: the second run prints the stored result");
    plain
}

#[test]
fn every_format_prints_the_same_bytes_from_a_stored_result() {
    let root = example("every-format", "midsize-insurer-gaps");
    for format in ["human", "json", "sarif", "junit", "github"] {
        let out = same_as_without(&root, &["--format", format], format == "human");
        assert!(out.starts_with("exit code: 1"), "the gaps example has findings: {out}");
    }
    // The format is not part of the result: one entry serves every format.
    assert_eq!(results(&root).len(), 1, "{:?}", results(&root));
    // `--deny-warnings` changes only the exit code, which is read from the stored result too.
    same_as_without(&root, &["--deny-warnings"], false);
}

#[test]
fn an_edited_file_is_checked_again() {
    let root = example("edited", "retail-bank");
    let before = same_as_without(&root, &[], true);
    let file = root.join("spec/people.aims");
    let text = std::fs::read_to_string(&file).expect("read the example");
    std::fs::write(&file, format!("{text}\nperson new_hire \"New hire\" {{\n  email: \"new@example.org\"\n}}\n"))
        .expect("edit the file");
    let after = same_as_without(&root, &[], true);
    assert_ne!(after, before, "one more item is counted");
    // Back to the old text: the old result is stored still, and printed.
    std::fs::write(&file, &text).expect("restore the file");
    assert_eq!(same_as_without(&root, &[], false), before);
}

#[test]
fn an_added_or_removed_file_is_checked_again() {
    let root = example("added", "retail-bank");
    let before = same_as_without(&root, &[], true);
    let added = root.join("spec/more.aims");
    std::fs::write(&added, "person new_hire \"New hire\" {\n  email: \"new@example.org\"\n}\n").expect("add a file");
    let with_file = same_as_without(&root, &[], true);
    assert_ne!(with_file, before, "one more file and item");
    std::fs::remove_file(&added).expect("remove the file");
    std::fs::remove_file(root.join("spec/audits.aims")).expect("remove a file of the example");
    let without = same_as_without(&root, &[], true);
    assert_ne!(without, before, "a file less");
    assert_ne!(without, with_file);
}

#[test]
fn another_date_is_checked_again() {
    let root = example("as-of", "midsize-insurer-gaps");
    let now = same_as_without(&root, &[], true);
    let later = same_as_without(&root, &["--as-of", "2031-11-22"], true);
    assert_ne!(later, now, "five years on, reviews are overdue");
    assert_eq!(same_as_without(&root, &[], false), now);
}

#[test]
fn other_rules_are_checked_again() {
    let root = example("only", "midsize-insurer-gaps");
    let one = same_as_without(&root, &["--only", "review-not-overdue"], true);
    let other = same_as_without(&root, &["--only", "document-approved"], true);
    let both = same_as_without(&root, &["--only", "review-not-overdue", "--only", "document-approved"], true);
    let all = same_as_without(&root, &[], true);
    for (a, b) in [(&one, &other), (&one, &both), (&other, &both), (&both, &all)] {
        assert_ne!(a, b);
    }
    // An unknown rule is refused from a stored result as from a compilation.
    let unknown = same_as_without(&root, &["--only", "no-such-rule"], true);
    assert!(unknown.starts_with("exit code: 2"), "{unknown}");
}

#[test]
fn a_changed_scoring_script_is_read_again() {
    let root = example("script", "hospital-network");
    let before = same_as_without(&root, &[], true);
    let script = root.join("spec/scoring/kestrel.rhai");
    let text = std::fs::read_to_string(&script).expect("read the script");
    std::fs::write(&script, format!("{text}\nfn broken( {{\n")).expect("break the script");
    let broken = same_as_without(&root, &[], true);
    assert_ne!(broken, before, "the broken script is reported");
    std::fs::remove_file(&script).expect("remove the script");
    let missing = same_as_without(&root, &[], true);
    assert_ne!(missing, broken, "the missing script is reported");
    // Back to the old script: the spec's files are those of the first run, so is the key, but
    // the entry holds the last run's result (no script), which the script read now refutes.
    std::fs::write(&script, &text).expect("restore the script");
    assert_eq!(same_as_without(&root, &[], true), before);
}

#[test]
fn a_changed_default_script_is_read_again() {
    // The retail bank names no script: the stdlib's default one scores its risks.
    let root = example("default-script", "retail-bank");
    copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("stdlib"), &root.join("stdlib"));
    let before = same_as_without(&root, &["--stdlib", "stdlib"], true);
    let script = root.join("stdlib/scoring/default.rhai");
    let text = std::fs::read_to_string(&script).expect("read the default script");
    std::fs::write(&script, format!("{text}\nfn broken( {{\n")).expect("break the script");
    let after = same_as_without(&root, &["--stdlib", "stdlib"], true);
    assert_ne!(after, before, "the broken default script is reported");
}

/// The SHA-256 of `bytes`, as `aims pin` writes it.
fn sha256(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn a_changed_evidence_file_is_read_again() {
    let root = example("evidence", "retail-bank");
    let evidence = root.join("spec/evidence/ai-policy.txt");
    std::fs::create_dir_all(evidence.parent().expect("a folder")).expect("create the evidence folder");
    std::fs::write(&evidence, "AI policy, version 1.3\n").expect("write the evidence");
    let documents = root.join("spec/documents.aims");
    let text = std::fs::read_to_string(&documents).expect("read the example");
    let pinned = format!(
        "document doc_ai_policy \"AI policy\" {{\n  path: \"evidence/ai-policy.txt\"\n  sha256: \"{}\"\n",
        sha256(b"AI policy, version 1.3\n")
    );
    let edited = text.replacen("document doc_ai_policy \"AI policy\" {\n", &pinned, 1);
    assert_ne!(edited, text, "the example has the AI policy document");
    std::fs::write(&documents, edited).expect("pin the evidence");
    let pinned = same_as_without(&root, &[], true);
    std::fs::write(&evidence, "AI policy, version 1.4\n").expect("change the evidence");
    let changed = same_as_without(&root, &[], true);
    assert_ne!(changed, pinned, "the changed evidence is reported");
    std::fs::remove_file(&evidence).expect("remove the evidence");
    let missing = same_as_without(&root, &[], true);
    assert_ne!(missing, changed, "the missing evidence is reported");
    // The same key as every run before; the entry holds the last one (no file), refuted now.
    std::fs::write(&evidence, "AI policy, version 1.3\n").expect("restore the evidence");
    assert_eq!(same_as_without(&root, &[], true), pinned);
}

/// Fills the result store, damages its entry with `damage`, and checks that the output is
/// unchanged, that the run compiled, and that it wrote the entry anew.
pub fn damaged_results_are_ignored(name: &str, damage: impl Fn(&[u8]) -> Vec<u8>) {
    let root = example(&format!("results-{name}"), "midsize-insurer-gaps");
    let clean = same_as_without(&root, &["--format", "json"], true);
    let entries = results(&root);
    assert_eq!(entries.len(), 1);
    let good = std::fs::read(&entries[0]).expect("read the entry");
    std::fs::write(&entries[0], damage(&good)).expect("damage the entry");
    let (run, stored) = check_and_tell(&root, &["--format", "json"]);
    assert_eq!(run.transcript(), clean, "a damaged stored result changes nothing");
    assert!(!stored, "a damaged stored result is not used");
    assert_eq!(std::fs::read(&entries[0]).expect("read the entry"), good, "the damaged entry was written anew");
}

#[test]
fn an_intact_result_of_other_inputs_is_not_trusted() {
    // Two intact entries (of two dates), each given the other's content: each names the key
    // it answers, so neither is used for the other's inputs.
    let root = example("results-swapped", "midsize-insurer-gaps");
    let now = same_as_without(&root, &[], true);
    let later = same_as_without(&root, &["--as-of", "2031-11-22"], true);
    let entries = results(&root);
    assert_eq!(entries.len(), 2);
    let contents: Vec<Vec<u8>> = entries.iter().map(|p| std::fs::read(p).expect("read an entry")).collect();
    std::fs::write(&entries[0], &contents[1]).expect("swap");
    std::fs::write(&entries[1], &contents[0]).expect("swap");
    assert_eq!(check_and_tell(&root, &[]).0.transcript(), now);
    assert_eq!(check_and_tell(&root, &["--as-of", "2031-11-22"]).0.transcript(), later);
}

#[test]
fn a_read_only_result_store_changes_nothing() {
    let root = example("read-only", "midsize-insurer-gaps");
    let plain = check(&root, &["--no-cache"]).transcript();
    // A store that holds a result, then made read-only: the result is printed.
    check(&root, &[]);
    let dir = root.join("spec/.aims-cache/results");
    set_read_only(&dir, true);
    assert_eq!(check(&root, &[]).transcript(), plain);
    // Another date misses and cannot be stored: it is compiled, and still right.
    let later = check(&root, &["--as-of", "2031-11-22", "--no-cache"]).transcript();
    assert_eq!(check(&root, &["--as-of", "2031-11-22"]).transcript(), later);
    set_read_only(&dir, false);
    // An empty read-only cache folder: nothing can be stored, nothing changes.
    forget_results(&root);
    std::fs::create_dir_all(&dir).expect("create the folder");
    set_read_only(&dir, true);
    assert_eq!(check(&root, &[]).transcript(), plain);
    assert_eq!(check(&root, &[]).transcript(), plain);
    set_read_only(&dir, false);
}

fn set_read_only(dir: &Path, read_only: bool) {
    let mut perms = std::fs::metadata(dir).expect("the folder exists").permissions();
    perms.set_readonly(read_only);
    std::fs::set_permissions(dir, perms).expect("change the folder's permissions");
}

#[test]
fn the_result_store_stays_bounded() {
    let root = example("results-bounded", "retail-bank");
    check(&root, &[]);
    let dir = root.join("spec/.aims-cache/results");
    let own = results(&root);
    let old = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000_000);
    let mut stale = Vec::new();
    for i in 0..40u32 {
        let path = dir.join(format!("{:064x}.result", 0xabc000 + i));
        std::fs::write(&path, b"stale").expect("write a stale entry");
        let file = std::fs::File::options().append(true).open(&path).expect("open it");
        file.set_modified(old + std::time::Duration::from_secs(i.into())).expect("age it");
        stale.push(path);
    }
    // A run that stores a result prunes the folder, oldest first; the entry it used stays.
    let plain = check(&root, &["--as-of", "2027-01-01", "--no-cache"]).transcript();
    assert_eq!(check(&root, &["--as-of", "2027-01-01"]).transcript(), plain);
    let after = results(&root);
    assert_eq!(after.len(), 32, "{} entries left", after.len());
    assert!(own.iter().all(|p| after.contains(p)), "the recently used entry is kept");
    assert!(stale[..10].iter().all(|p| !after.contains(p)), "the oldest go first");
    assert!(stale[10..].iter().all(|p| after.contains(p)));
    // Large results are bounded by their bytes too: four stale results of 30 MB (files with
    // holes, which take no room on the disk) in a folder allowed 64 MB beside small results:
    // the two oldest go, however few the entries.
    for path in &after {
        std::fs::remove_file(path).expect("empty the folder");
    }
    let mut large = Vec::new();
    for i in 0..4u32 {
        let path = dir.join(format!("{:064x}.result", 0xdef000 + i));
        let file = std::fs::File::create(&path).expect("create a large entry");
        file.set_len(30 << 20).expect("make it large");
        file.set_modified(old + std::time::Duration::from_secs(i.into())).expect("age it");
        large.push(path);
    }
    let plain = check(&root, &["--as-of", "2027-02-01", "--no-cache"]).transcript();
    assert_eq!(check(&root, &["--as-of", "2027-02-01"]).transcript(), plain);
    let after = results(&root);
    assert_eq!(after.len(), 3, "{after:?}");
    assert!(large[..2].iter().all(|p| !after.contains(p)), "the oldest large entries go first");
    assert!(large[2..].iter().all(|p| after.contains(p)));
}

#[test]
fn a_spec_that_is_not_utf8_is_never_stored() {
    let root = example("not-utf8", "retail-bank");
    std::fs::write(root.join("spec/bad.aims"), b"person ana \"Ana \xff\" {\n}\n").expect("write a bad file");
    let plain = check(&root, &["--no-cache"]).transcript();
    assert!(plain.contains("not valid UTF-8"), "{plain}");
    assert_eq!(check(&root, &[]).transcript(), plain);
    assert_eq!(check(&root, &[]).transcript(), plain);
    assert!(results(&root).is_empty(), "{:?}", results(&root));
}
