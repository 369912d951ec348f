//! The cache never changes what a user sees: the same bytes with and without it, after edits,
//! after a change of stdlib, and with a cache that is corrupt, truncated, swapped or written by
//! another aims. Every test works on a copy of an example in a temporary folder. The tests of
//! the store of checked results are in `cache/results.rs`; the damage tests below damage both
//! stores.

mod common;
#[path = "cache/results.rs"]
mod results;

use common::{aims_with_cache as aims, Run};
use std::path::{Path, PathBuf};

const AS_OF: &str = "2026-11-22";

fn tempdir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("cache-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a temporary folder");
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create a folder");
    for entry in std::fs::read_dir(from).expect("read a folder") {
        let entry = entry.expect("a folder entry");
        let target = to.join(entry.file_name());
        // A cache left in the example by a run of aims by hand is not part of the copy.
        if entry.file_name() == ".aims-cache" {
            continue;
        }
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).expect("copy a file");
        }
    }
}

/// A copy of the retail bank example, as `spec/` in a fresh folder.
fn bank(name: &str) -> PathBuf {
    let root = tempdir(name);
    copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/retail-bank"), &root.join("spec"));
    root
}

fn check(root: &Path, extra: &[&str]) -> Run {
    let mut args = vec!["check", "spec", "--as-of", AS_OF];
    args.extend_from_slice(extra);
    aims(root, &args)
}

/// Runs `check` with the cache (filling it, then reading the stored result, then reading the
/// stored nodes of each file, then only the stored trees) and without, in human and JSON
/// output, and asserts every run prints the same bytes and exits the same way.
fn same_with_and_without_cache(root: &Path, extra: &[&str]) -> String {
    let mut first = None;
    for format in ["human", "json"] {
        let mut args = vec!["--format", format];
        args.extend_from_slice(extra);
        let plain = check(root, &[&args[..], &["--no-cache"]].concat()).transcript();
        let filling = check(root, &args).transcript();
        let reading = check(root, &args).transcript();
        forget_results(root);
        let from_nodes = check(root, &args).transcript();
        forget_results(root);
        let _ = std::fs::remove_dir_all(root.join("spec/.aims-cache/nodes"));
        let from_trees = check(root, &args).transcript();
        assert_eq!(filling, plain, "a run that fills the cache prints what a run without it prints");
        assert_eq!(reading, plain, "a run that reads the stored result prints what a run without it prints");
        assert_eq!(from_nodes, plain, "a run that reads the stored nodes prints what a run without it prints");
        assert_eq!(from_trees, plain, "a run that reads the stored trees prints what a run without it prints");
        first.get_or_insert(plain);
    }
    first.expect("two formats")
}

/// Removes the stored results, so that the next run compiles (from the stored trees).
fn forget_results(root: &Path) {
    let _ = std::fs::remove_dir_all(root.join("spec/.aims-cache/results"));
}

/// The stored trees and the stored nodes of files.
fn entries(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for store in ["trees", "nodes"] {
        let dir = root.join("spec/.aims-cache").join(store);
        out.extend(
            std::fs::read_dir(&dir)
                .map(|d| d.map(|e| e.expect("an entry").path()).collect::<Vec<_>>())
                .unwrap_or_default(),
        );
    }
    out.sort();
    out
}

/// The stages `AIMS_TIMINGS=1` names on stderr, in order, each after a time in milliseconds
/// that never goes back; the run's stdout and exit code are those of a run without it.
fn timed_stages(root: &Path) -> Vec<String> {
    let args = ["check", "spec", "--as-of", AS_OF];
    let timed = common::aims_with_cache_env(root, &args, &[("AIMS_TIMINGS", "1")]);
    let plain = check(root, &["--no-cache"]);
    assert_eq!((timed.code, &timed.stdout), (plain.code, &plain.stdout), "{}", timed.stderr);
    let mut last = 0.0;
    timed
        .stderr
        .lines()
        .map(|line| {
            let rest = line.strip_prefix("aims timings:").unwrap_or_else(|| panic!("not a timing: {line:?}"));
            let (ms, stage) = rest.trim_start().split_once(" ms  ").unwrap_or_else(|| panic!("{line:?}"));
            let ms: f64 = ms.parse().unwrap_or_else(|_| panic!("{line:?}"));
            assert!(ms >= last, "the times go forward: {}", timed.stderr);
            last = ms;
            stage.to_string()
        })
        .collect()
}

#[test]
fn aims_timings_names_each_stage_on_stderr_only() {
    let root = bank("timings");
    let stages = [
        "read the spec",
        "parsed and checked every file",
        "resolved references",
        "scored risks",
        "ran rules",
        "read again the files shown",
        "stored the result",
        "reported",
    ];
    assert_eq!(timed_stages(&root), stages);
    // Run again, nothing changed: the stored result answers.
    assert_eq!(timed_stages(&root), ["read the spec", "reused the stored result", "reported"]);
}

#[test]
fn same_bytes_with_and_without_the_cache() {
    let root = bank("same");
    let out = same_with_and_without_cache(&root, &[]);
    assert!(out.contains("checked 9 files"), "{out}");
    // One tree per file of the spec and of the stdlib, each named by its text's hash, and the
    // nodes of each spec file that declares no schema.
    let found = entries(&root);
    let of = |ext: &str| found.iter().filter(|p| p.extension().is_some_and(|e| e == ext)).count();
    assert!(of("tree") > 9, "every parsed file is kept: {found:?}");
    assert!((1..=9).contains(&of("nodes")), "the nodes of the spec's files are kept: {found:?}");
    assert_eq!(of("tree") + of("nodes"), found.len(), "{found:?}");
}

#[test]
fn edits_are_seen_at_once() {
    let root = bank("edits");
    same_with_and_without_cache(&root, &[]);
    let file = root.join("spec/systems.aims");
    let text = std::fs::read_to_string(&file).expect("read the example");
    // A change of meaning that still parses: the cached tree of the old text must not be used.
    // (Found by the field and its value whatever the alignment of the block.)
    let at = text.find("\n  tier:").expect("the example has a tier to change") + 1;
    let line_end = at + text[at..].find('\n').expect("the line ends");
    let edited = format!("{}tier: 3{}", &text[..at + 2], &text[line_end..]);
    assert_ne!(edited, text, "the example has a tier to change");
    std::fs::write(&file, &edited).expect("edit the file");
    same_with_and_without_cache(&root, &[]);
    // A syntax error, then the fix: both seen as they are.
    std::fs::write(&file, format!("{edited}\nsystem broken {{\n  owner: \n")).expect("break the file");
    let broken = same_with_and_without_cache(&root, &[]);
    assert!(broken.starts_with("exit code: 1"), "{broken}");
    std::fs::write(&file, &text).expect("restore the file");
    let fixed = same_with_and_without_cache(&root, &[]);
    assert!(fixed.starts_with("exit code: 0"), "{fixed}");
}

#[test]
fn an_id_taken_by_a_new_file_is_reported_in_the_file_read_from_the_cache() {
    let root = bank("taken");
    same_with_and_without_cache(&root, &[]);
    // A new file, read before the others (its name sorts first), declares an ID that
    // `systems.aims` declares: the second declaration, in a file whose nodes come from the
    // cache, is the one reported, as without the cache.
    let first = root.join("spec/aaa.aims");
    std::fs::write(&first, "system retail_credit_score \"A copy\" {\n  owner: nobody\n}\n").expect("write a file");
    let out = same_with_and_without_cache(&root, &[]);
    assert!(out.contains("`retail_credit_score` is declared twice"), "{out}");
    assert!(out.contains("systems.aims"), "{out}");
    std::fs::remove_file(&first).expect("remove the file");
    let fixed = same_with_and_without_cache(&root, &[]);
    assert!(fixed.starts_with("exit code: 0"), "{fixed}");
}

#[test]
fn a_changed_stdlib_is_seen_at_once() {
    let root = bank("stdlib");
    copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("stdlib"), &root.join("stdlib"));
    let before = same_with_and_without_cache(&root, &["--stdlib", "stdlib"]);
    assert!(before.starts_with("exit code: 0"), "{before}");
    // The stdlib no longer knows the `limited` category the example uses.
    let regulation = root.join("stdlib/schema/regulation.aims");
    let text = std::fs::read_to_string(&regulation).expect("read the stdlib");
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim_start().starts_with("limited ")).collect();
    assert!(lines.len() < text.lines().count(), "the stdlib declares `limited`");
    std::fs::write(&regulation, lines.join("\n") + "\n").expect("edit the stdlib");
    let after = same_with_and_without_cache(&root, &["--stdlib", "stdlib"]);
    assert!(after.contains("`limited`"), "the spec is checked against the new stdlib: {after}");
    assert_ne!(after, before);
}

/// Damages every entry with `damage`, then checks the output is unchanged and that the next
/// run has replaced the damaged entries with good ones.
fn damaged_cache_is_ignored(name: &str, damage: impl Fn(&[u8]) -> Vec<u8>) {
    let root = bank(name);
    let clean = same_with_and_without_cache(&root, &[]);
    let good: Vec<(PathBuf, Vec<u8>)> =
        entries(&root).into_iter().map(|p| (p.clone(), std::fs::read(&p).expect("read an entry"))).collect();
    assert!(!good.is_empty());
    for (path, bytes) in &good {
        std::fs::write(path, damage(bytes)).expect("damage an entry");
    }
    forget_results(&root);
    assert_eq!(check(&root, &[]).transcript(), clean, "a damaged cache changes nothing");
    for (path, bytes) in &good {
        assert_eq!(&std::fs::read(path).expect("read an entry"), bytes, "the damaged entry was written anew");
    }
}

#[test]
fn a_corrupt_cache_is_ignored() {
    // One byte of every payload flipped: the checksum no longer matches.
    let flip_last = |b: &[u8]| {
        let mut b = b.to_vec();
        let last = b.len() - 1;
        b[last] ^= 0x55;
        b
    };
    damaged_cache_is_ignored("corrupt", flip_last);
    results::damaged_results_are_ignored("corrupt", flip_last);
}

#[test]
fn a_truncated_cache_is_ignored() {
    damaged_cache_is_ignored("truncated", |b| b[..b.len() / 2].to_vec());
    damaged_cache_is_ignored("empty", |_| Vec::new());
    results::damaged_results_are_ignored("truncated", |b| b[..b.len() / 2].to_vec());
    results::damaged_results_are_ignored("header-only", |b| b[..124].to_vec());
    results::damaged_results_are_ignored("empty", |_| Vec::new());
}

#[test]
fn a_cache_from_another_version_is_ignored() {
    // The fingerprint (after the magic word and the format number) of another parser, or
    // another build of aims for a stored result.
    let other_fingerprint = |b: &[u8]| {
        let mut b = b.to_vec();
        b[12..44].iter_mut().for_each(|x| *x = !*x);
        b
    };
    damaged_cache_is_ignored("foreign-parser", other_fingerprint);
    results::damaged_results_are_ignored("foreign-build", other_fingerprint);
    // Another entry format.
    let other_format = |b: &[u8]| {
        let mut b = b.to_vec();
        b[8] = b[8].wrapping_add(1);
        b
    };
    damaged_cache_is_ignored("foreign-format", other_format);
    results::damaged_results_are_ignored("foreign-format", other_format);
    // The entry of the other store, intact: a tree is not a result.
    results::damaged_results_are_ignored("other-magic", |b| [&b"AIMSTREE"[..], &b[8..]].concat());
    // Not an aims cache at all.
    damaged_cache_is_ignored("foreign-file", |_| b"{\"not\": \"a tree\"}".to_vec());
    results::damaged_results_are_ignored("foreign-file", |_| b"{\"not\": \"a result\"}".to_vec());
}

#[test]
fn an_intact_entry_of_another_text_is_not_trusted() {
    // Every entry is given the (intact, checksummed) content of another: each names the text
    // it was parsed from, so none is used for the wrong file.
    let root = bank("swapped");
    let clean = same_with_and_without_cache(&root, &[]);
    let found = entries(&root);
    let contents: Vec<Vec<u8>> = found.iter().map(|p| std::fs::read(p).expect("read an entry")).collect();
    for (i, path) in found.iter().enumerate() {
        std::fs::write(path, &contents[(i + 1) % contents.len()]).expect("swap an entry");
    }
    forget_results(&root);
    assert_eq!(check(&root, &[]).transcript(), clean);
}

#[test]
fn no_cache_writes_nothing() {
    let root = bank("none");
    let out = check(&root, &["--no-cache"]);
    assert_eq!(out.code, 0, "{}", out.transcript());
    assert!(!root.join("spec/.aims-cache").exists(), "--no-cache leaves no folder behind");
    let listed: Vec<_> = std::fs::read_dir(&root).expect("read").map(|e| e.expect("entry").file_name()).collect();
    assert_eq!(listed, vec![std::ffi::OsString::from("spec")], "nothing written beside the spec either");
}

#[test]
fn the_cache_folder_is_not_part_of_the_spec() {
    let root = bank("not-spec");
    let plain = check(&root, &["--no-cache"]).transcript();
    // A cache folder inside the spec, with a name that is not hidden, and a stray `.aims` file
    // in the default one: neither is read as part of the spec.
    assert_eq!(check(&root, &["--cache", "spec/cache"]).transcript(), plain);
    assert_eq!(check(&root, &["--cache", "spec/cache"]).transcript(), plain);
    assert!(root.join("spec/cache/trees").is_dir());
    check(&root, &[]);
    std::fs::write(root.join("spec/.aims-cache/stray.aims"), "not aims at all {").expect("write a stray file");
    assert_eq!(check(&root, &[]).transcript(), plain);
    assert!(plain.contains("checked 9 files"), "{plain}");
}

#[test]
fn a_cache_that_cannot_be_written_changes_nothing() {
    let root = bank("unwritable");
    let plain = check(&root, &["--no-cache"]).transcript();
    // A file where the cache folder would go: it can be neither created nor written.
    std::fs::write(root.join("blocked"), "a file, not a folder").expect("write a file");
    assert_eq!(check(&root, &["--cache", "blocked"]).transcript(), plain);
    assert_eq!(check(&root, &["--cache", "blocked/deeper"]).transcript(), plain);
    assert_eq!(std::fs::read_to_string(root.join("blocked")).expect("read"), "a file, not a folder");
}

#[test]
fn every_command_that_reads_a_spec_uses_the_cache() {
    let root = bank("commands");
    for command in [&["gap", "spec"][..], &["score", "spec"][..]] {
        let with_as_of = [command, &["--as-of", AS_OF]].concat();
        let plain = aims(&root, &[&with_as_of[..], &["--no-cache"]].concat()).transcript();
        assert!(!root.join("spec/.aims-cache").exists());
        assert_eq!(aims(&root, &with_as_of).transcript(), plain, "{command:?} with a fresh cache");
        assert!(!entries(&root).is_empty(), "{command:?} fills the cache");
        assert_eq!(aims(&root, &with_as_of).transcript(), plain, "{command:?} reading the cache");
        std::fs::remove_dir_all(root.join("spec/.aims-cache")).expect("delete the cache");
    }
}

#[test]
fn the_memory_store_parses_only_what_changed() {
    use aims::cache::MemoryTrees;
    use aims::compile::{compile, compile_with, stdlib_db, BuiltinScripts};
    use aims::source::{Origin, SourceFile};
    let today = jiff::civil::date(2026, 11, 22);
    let spec = |broken: bool| {
        let mut db = stdlib_db();
        db.add(SourceFile::new(
            "a.aims".into(),
            "person ana \"Ana\" {\n  email: \"ana@example.org\"\n}\n".into(),
            Origin::Spec,
        ));
        let b = if broken {
            "person bo \"Bo\" {\n  email: \n"
        } else {
            "person bo \"Bo\" {\n  email: \"bo@example.org\"\n}\n"
        };
        db.add(SourceFile::new("b.aims".into(), b.into(), Origin::Spec));
        db
    };
    let store = MemoryTrees::default();
    let files = spec(false).len();
    for (round, broken) in [false, true, true, false].into_iter().enumerate() {
        let plain = compile(spec(broken), Vec::new(), today, &BuiltinScripts).diagnostics;
        let cached = compile_with(spec(broken), Vec::new(), today, &BuiltinScripts, &store).diagnostics;
        assert_eq!(cached, plain, "round {round}: the store changes no diagnostic");
        store.retain_only_used();
        assert_eq!(store.len(), files, "round {round}: only the trees of the current texts are kept");
    }
    // Round 1 parsed every file; each later round only `b.aims`, and only when its text was
    // new: the broken text in round 2, the fixed one again in round 4 (forgotten in round 3).
    // The stdlib's trees are served in every later round, and the broken `b.aims`'s in round 3.
    // `a.aims` is neither parsed nor checked again: its checked nodes are served in rounds 2-4
    // (a broken file has none kept).
    assert_eq!(store.stats(), (3 * (files - 2) + 1, files + 2));
    assert_eq!(store.node_hits(), 3);
}

/// The memory store keeps a file's checked nodes for one schema only: when a kind the file
/// uses changes, the file is checked again against the new kind (here a text where a number
/// is now wanted), never read from the nodes it had under the old one.
#[test]
fn the_memory_store_checks_a_file_again_when_its_kind_changes() {
    use aims::cache::MemoryTrees;
    use aims::compile::{compile, compile_with, stdlib_db, BuiltinScripts};
    use aims::source::{Origin, SourceFile};
    let today = jiff::civil::date(2026, 11, 22);
    let spec = |colour: &str| {
        let mut db = stdlib_db();
        db.add(SourceFile::new("a.aims".into(), "gadget g1 \"Gadget\" {\n  colour: \"red\"\n}\n".into(), Origin::Spec));
        db.add(SourceFile::new(
            "kinds.aims".into(),
            format!("kind gadget \"Gadget\" {{\n  colour: {colour}\n}}\n"),
            Origin::Spec,
        ));
        db
    };
    let store = MemoryTrees::default();
    let mut served = Vec::new();
    for colour in ["text", "text", "int", "text"] {
        let plain = compile(spec(colour), Vec::new(), today, &BuiltinScripts).diagnostics;
        let cached = compile_with(spec(colour), Vec::new(), today, &BuiltinScripts, &store).diagnostics;
        assert_eq!(cached, plain, "`colour: {colour}`: the store changes no diagnostic");
        assert_eq!(plain.iter().any(|d| d.code == "E0302"), colour == "int", "{plain:#?}");
        store.retain_only_used();
        served.push(store.node_hits());
    }
    // Only the second round, with the schema of the first, reads `a.aims`'s nodes.
    assert_eq!(served, [0, 1, 1, 1]);
}

/// The cache folder stays bounded: entries a run did not use are removed, oldest first, once
/// the folder holds more than it needs; the entries of the spec just checked stay, and the
/// next run still reads them.
#[test]
fn unused_entries_are_pruned_oldest_first() {
    let root = bank("prune");
    let reference = check(&root, &["--no-cache"]).transcript();
    check(&root, &[]);
    let own = entries(&root);
    assert!(!own.is_empty(), "the first run fills the cache");
    // 400 stale entries of texts that no longer exist (as after many edits), the first 100
    // older than the rest.
    let dir = root.join("spec/.aims-cache/trees");
    let old = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000_000);
    let mut stale = Vec::new();
    for i in 0..400u32 {
        let path = dir.join(format!("{:064x}.tree", 0xabc000 + i));
        std::fs::write(&path, b"stale").expect("write a stale entry");
        if i < 100 {
            let file = std::fs::File::options().append(true).open(&path).expect("open it");
            file.set_modified(old).expect("age it");
        }
        stale.push(path);
    }
    forget_results(&root);
    assert_eq!(check(&root, &[]).transcript(), reference, "pruning never changes a result");
    let after = entries(&root);
    let trees = after.iter().filter(|p| p.extension().is_some_and(|e| e == "tree")).count();
    assert!(trees <= 256, "the folder is pruned to its bound: {trees} trees left");
    for path in &own {
        assert!(after.contains(path), "an entry the run used is kept: {}", path.display());
    }
    for path in &stale[..100] {
        assert!(!after.contains(path), "the oldest unused entries go first: {}", path.display());
    }
    // A folder within its bound is left alone.
    let before = entries(&root);
    forget_results(&root);
    check(&root, &[]);
    assert_eq!(entries(&root), before, "nothing is removed from a folder within its bound");
}
