//! The rule catalogue: every rule has documentation, clause references, and a passing and a
//! failing fixture under tests/fixtures/rules/<rule-id>/ (see tests/fixtures/README.md).

mod common;

use common::aims;
use std::path::Path;

const AS_OF: &str = "--as-of=2026-11-22";

fn rules() -> Vec<serde_json::Value> {
    let run = aims(Path::new(env!("CARGO_MANIFEST_DIR")), &["rules", "--format=json"]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    serde_json::from_str::<serde_json::Value>(&run.stdout).unwrap().as_array().unwrap().clone()
}

#[test]
fn every_rule_is_documented_and_referenced() {
    let rules = rules();
    assert!(rules.len() >= 40, "the stdlib has {} rules", rules.len());
    for r in &rules {
        let id = r["id"].as_str().unwrap();
        let doc = r["doc"].as_str().unwrap();
        assert!(!r["refs"].as_array().unwrap().is_empty(), "{id} cites no clause");
        assert!(!r["title"].as_str().unwrap().is_empty(), "{id} has no title");
        for section in ["What it checks", "Why it matters", "Example", "How to fix"] {
            assert!(doc.contains(section), "{id}: its doc has no `{section}` section");
        }
    }
}

#[test]
fn every_rule_has_a_passing_and_a_failing_fixture() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rules");
    let mut missing = Vec::new();
    for r in rules() {
        let id = r["id"].as_str().unwrap();
        let dir = root.join(id);
        let has = |prefix: &str| {
            std::fs::read_dir(&dir)
                .map(|d| d.flatten().any(|e| e.file_name().to_string_lossy().starts_with(prefix)))
                .unwrap_or(false)
        };
        if !has("pass") || !has("fail") {
            missing.push(id.to_string());
        }
    }
    assert!(missing.is_empty(), "rules without a pass and a fail fixture: {missing:?}");
}

#[test]
fn rule_fixtures() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rules");
    // Each fixture is two runs of the binary (about 1,200 in all): they run on every core first,
    // then the snapshots are compared in insta's order, one fixture at a time.
    let runs = runs_of_every_fixture(&root);
    insta::glob!("fixtures/rules/*/*.aims", |path| {
        let rule = path.parent().unwrap().file_name().unwrap().to_str().unwrap();
        let name = path.file_name().unwrap().to_str().unwrap();
        let rel = format!("{rule}/{name}");
        let (human, json) = &runs[&rel];
        insta::assert_snapshot!(human.transcript());

        let v: serde_json::Value =
            serde_json::from_str(&json.stdout).unwrap_or_else(|_| panic!("{rel}: {}", json.transcript()));
        let codes: Vec<&str> =
            v["diagnostics"].as_array().unwrap().iter().map(|d| d["code"].as_str().unwrap()).collect();
        assert!(
            !codes.iter().any(|c| c.starts_with('E') && c[1..].chars().all(|ch| ch.is_ascii_digit())),
            "{rel}: a rule fixture must be a valid spec, got {codes:?}"
        );
        assert!(v["summary"]["rules_run"].as_bool().unwrap(), "{rel}: the rules did not run");
        let findings = codes.iter().filter(|c| **c == rule).count();
        if name.starts_with("fail") {
            assert!(findings > 0, "{rel}: expected a `{rule}` finding");
        } else {
            assert_eq!(findings, 0, "{rel}: expected no `{rule}` finding");
        }
    });
}

/// `aims check --only RULE` of every fixture `RULE/NAME.aims` under `root`, in the human and the
/// JSON format, keyed by `RULE/NAME.aims`.
fn runs_of_every_fixture(root: &Path) -> std::collections::HashMap<String, (common::Run, common::Run)> {
    let mut fixtures = Vec::new();
    for rule in std::fs::read_dir(root).unwrap().flatten().filter(|e| e.path().is_dir()) {
        for file in std::fs::read_dir(rule.path()).unwrap().flatten() {
            let name = file.file_name().into_string().unwrap();
            if name.ends_with(".aims") {
                fixtures.push((rule.file_name().into_string().unwrap(), name));
            }
        }
    }
    let next = std::sync::atomic::AtomicUsize::new(0);
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    let done = std::sync::Mutex::new(std::collections::HashMap::new());
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some((rule, name)) = fixtures.get(i) else { break };
                let rel = format!("{rule}/{name}");
                let as_of = fixture_as_of(&root.join(&rel));
                let human = aims(root, &["check", &as_of, "--color=never", "--only", rule, &rel]);
                let json = aims(root, &["check", &as_of, "--format=json", "--only", rule, &rel]);
                done.lock().unwrap().insert(rel, (human, json));
            });
        }
    });
    done.into_inner().unwrap()
}

/// The `--as-of` of a fixture: its own `// as-of: YYYY-MM-DD` line, so that a dated rule can be
/// run before and after the date it applies from, else the date all fixtures share.
fn fixture_as_of(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    match text.lines().find_map(|l| l.trim().strip_prefix("// as-of:")) {
        Some(date) => format!("--as-of={}", date.trim()),
        None => AS_OF.to_string(),
    }
}

/// `aims check --only RULE` runs that rule alone: the others are not evaluated at all (their
/// statistics are absent), and its findings are those of a full run.
#[test]
fn only_evaluates_the_rules_asked_for() {
    use aims::compile::{compile, compile_only, stdlib_db, BuiltinScripts};
    use aims::source::{Origin, SourceFile};
    let spec = "communication forum \"Staff forum\" { topic: \"Changes\"  interval: 3 months  last: 2026-01-10 }\n";
    let db = || {
        let mut db = stdlib_db();
        db.add(SourceFile::new("spec.aims".into(), spec.into(), Origin::Spec));
        db
    };
    let today = jiff::civil::date(2026, 11, 22);
    let only = ["communication-current".to_string()];
    let one = compile_only(db(), Vec::new(), today, &BuiltinScripts, &aims::cache::ParseAll, Some(&only));
    let all = compile(db(), Vec::new(), today, &BuiltinScripts);
    let stats = &one.outcome.as_ref().expect("the rules ran").stats;
    assert_eq!(stats.keys().collect::<Vec<_>>(), vec!["communication-current"]);
    assert_eq!(stats["communication-current"], (1, 1));
    let messages = |c: &aims::compile::Compilation| -> Vec<String> {
        c.diagnostics.iter().filter(|d| d.code == "communication-current").map(|d| d.message.clone()).collect()
    };
    assert_eq!(messages(&one), messages(&all));
    assert_eq!(messages(&one).len(), 1);
    assert_eq!(one.diagnostics.len(), 1, "{:?}", one.diagnostics);
}
