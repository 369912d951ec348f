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

/// A quantifier over a whole kind whose condition pins a reference (`s.owner == p`) or an ID
/// (`s.id == "s2"`) is answered from an index. `any`, `none`, `count` and `those` only count
/// the items that pass, so the index may skip the rest; `all` asks every item of the kind to
/// pass, so it must see them all: "every system is owned by p1" is false when one is not.
#[test]
fn quantifiers_over_a_kind_look_at_every_item_their_meaning_needs() {
    use aims::compile::{compile_only, stdlib_db, BuiltinScripts};
    use aims::source::{Origin, SourceFile};
    let spec = "person p1 \"P1\" { email: \"p1@example.org\" }\n\
                person p2 \"P2\" { email: \"p2@example.org\" }\n\
                system s1 \"One\" { owner: p1  purpose: \"x\"  status: active }\n\
                system s2 \"Two\" { owner: p2  purpose: \"y\"  status: active }\n";
    // (rule, condition on the person `p`, the persons it fails for)
    let cases: &[(&str, &str, &[&str])] = &[
        ("all-owned", "all s in system where s.owner == p", &["p1", "p2"]),
        ("all-named", "all s in system where s.id == \"s1\"", &["p1", "p2"]),
        ("all-named-own", "all s in system where s.id == \"s1\" and s.owner == p", &["p1", "p2"]),
        ("any-owned", "any s in system where s.owner == p and s.status == active", &[]),
        ("any-named", "any s in system where s.id == \"s3\"", &["p1", "p2"]),
        ("any-named-own", "any s in system where s.id == \"s2\" and s.owner == p", &["p1"]),
        ("any-named-var", "any q in person where q.id == p.id", &[]),
        ("any-named-other", "any s in system where s.id == p.id", &["p1", "p2"]),
        ("none-named", "none s in system where s.id == \"s2\" and s.status == active", &["p1", "p2"]),
        ("count-named", "(count s in system where s.id == \"s1\") == 1", &[]),
        ("count-named-own", "(count s in system where s.id == \"s1\" and s.owner == p) == 1", &["p2"]),
        ("those-named", "p in (those s in system where s.id == \"s2\").owner", &["p1"]),
    ];
    let mut rules = String::new();
    for (id, condition, _) in cases {
        rules.push_str(&format!(
            "rule {id} \"{id}\" {{\n  severity: error\n  for p in person\n    require {condition}\n    message \"{id} fails for {{p}}\"\n}}\n"
        ));
    }
    let mut db = stdlib_db();
    db.add(SourceFile::new("spec.aims".into(), spec.into(), Origin::Spec));
    db.add(SourceFile::new("rules.aims".into(), rules, Origin::Spec));
    let only: Vec<String> = cases.iter().map(|(id, ..)| id.to_string()).collect();
    let today = jiff::civil::date(2026, 11, 22);
    let run = compile_only(db, Vec::new(), today, &BuiltinScripts, &aims::cache::ParseAll, Some(&only));
    let errors: Vec<_> = run.diagnostics.iter().filter(|d| d.code.starts_with('E')).collect();
    assert!(errors.is_empty(), "{errors:?}");
    for (id, condition, failing) in cases {
        let got: Vec<String> = run
            .diagnostics
            .iter()
            .filter(|d| d.code == *id)
            .map(|d| d.message.trim_start_matches(&format!("{id} fails for ")).to_string())
            .collect();
        assert_eq!(got, *failing, "`{condition}`");
    }
}
