//! Throughput of each stage on a synthetic spec the size of a large organisation.
//!
//!     cargo bench --bench pipeline                      # 10,000 systems, about 20 MB
//!     cargo bench --bench pipeline -- --systems 2000    # smaller
//!     cargo bench --bench pipeline -- --write DIR       # only write the spec, to time `aims check DIR`
//!
//! Stages, each measured alone (best of several runs): a bare pest pass (the floor), parsing to
//! the tree, parse + schema check + resolve (`compile` without rules), and everything with the
//! rules and scoring. The spec is generated deterministically: same arguments, same bytes.

use aims::compile::{compile, stdlib_db, BuiltinScripts};
use aims::source::{Origin, SourceFile};
use std::fmt::Write as _;
use std::time::{Duration, Instant};

const SYSTEMS_PER_FILE: usize = 50;

fn main() {
    let mut systems = 10_000;
    let mut write = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--systems" => systems = args.next().and_then(|n| n.parse().ok()).expect("--systems N"),
            "--write" => write = args.next(),
            _ => {} // cargo bench passes `--bench`
        }
    }
    let files = generate(systems);
    let bytes: usize = files.iter().map(|(_, t)| t.len()).sum();
    if let Some(dir) = write {
        std::fs::create_dir_all(&dir).expect("create the output directory");
        for (name, text) in &files {
            std::fs::write(format!("{dir}/{name}"), text).expect("write a spec file");
        }
        println!("wrote {} files, {:.1} MB, {systems} systems to {dir}", files.len(), bytes as f64 / 1e6);
        return;
    }
    println!("spec: {systems} systems, {} files, {:.1} MB", files.len(), bytes as f64 / 1e6);
    let mb = bytes as f64 / 1e6;
    let report = |name: &str, d: Duration| {
        println!("{name:<38} {:>8.1} ms  {:>7.1} MB/s", d.as_secs_f64() * 1e3, mb / d.as_secs_f64());
    };

    report(
        "bare pest pass (floor)",
        best(|| {
            for (_, t) in &files {
                assert!(aims::syntax::bare_pest_pass(t));
            }
        }),
    );
    report(
        "parse to tree (1 thread)",
        best(|| {
            for (i, (_, t)) in files.iter().enumerate() {
                let (_, d) = aims::syntax::parse(t, aims::source::FileId(i as u32));
                assert!(d.is_empty());
            }
        }),
    );
    let today = jiff::civil::date(2026, 11, 22);
    let db = || {
        let mut db = stdlib_db();
        for (name, text) in &files {
            db.add(SourceFile::new(name.clone(), text.clone(), Origin::Spec));
        }
        db
    };
    report(
        "parse (2 threads) + schema + resolve",
        best_with(db, |db| {
            use rayon::prelude::*;
            let ids: Vec<_> = db.iter().map(|(id, f)| (id, f.origin)).collect();
            let asts: Vec<_> = ids.par_iter().map(|(id, _)| aims::syntax::parse(&db.get(*id).text, *id).0).collect();
            let inputs: Vec<_> = ids.iter().zip(asts).map(|((id, o), a)| (*id, *o, a)).collect();
            let mut diags = Vec::new();
            let model = aims::sema::analyze(inputs, &mut diags);
            assert!(diags.is_empty() && model.spec_item_count() > 0);
        }),
    );
    report(
        "check: parse + schema + rules + scoring",
        best_with(db, |db| {
            let c = compile(db, Vec::new(), today, &BuiltinScripts);
            // The generated spec is valid aims; the rules do find gaps in it (it records no
            // policy, audit or training), which is realistic load for the rule stage.
            let language = c.diagnostics.iter().filter(|d| d.code.starts_with("E0")).count();
            assert_eq!(language, 0, "the generated spec is valid: {:?}", c.diagnostics.first());
        }),
    );

    // Rules and scoring alone, at half and full size: the cost per item should stay flat.
    for n in [systems / 2, systems] {
        let files = generate(n);
        let mut db = stdlib_db();
        for (name, text) in &files {
            db.add(SourceFile::new(name.clone(), text.clone(), Origin::Spec));
        }
        let inputs: Vec<_> = db.iter().map(|(id, f)| (id, f.origin, aims::syntax::parse(&f.text, id).0)).collect();
        let mut diags = Vec::new();
        let model = aims::sema::analyze(inputs, &mut diags);
        let rules = aims::rules::load(&model, &mut diags);
        let risks = model.items_of(model.schema.kind_id("risk").expect("a risk kind")).len();
        let (script_name, script) = aims::compile::Scripts::default_script(&BuiltinScripts).expect("a default script");
        db.add(SourceFile::new(script_name, script, Origin::Stdlib));
        let script_id = aims::source::FileId(db.len() as u32 - 1);
        let scoring = best_with(
            || model.clone(),
            |mut m| {
                let s = aims::scoring::run(&mut m, db.get(script_id), script_id, &mut Vec::new());
                assert_eq!(s.map(|s| s.risks.len()), Some(risks));
            },
        );
        println!(
            "scoring {risks:>6} risks                   {:>8.1} ms  {:>7.2} us per risk",
            scoring.as_secs_f64() * 1e3,
            scoring.as_secs_f64() * 1e6 / risks as f64
        );
        if std::env::var_os("AIMS_BENCH_PER_RULE").is_some() {
            let mut per_rule: Vec<(f64, String)> = rules
                .rules
                .values()
                .map(|r| {
                    let one = aims::rules::RuleSet { rules: [(r.id.clone(), r.clone())].into_iter().collect() };
                    let t = std::time::Instant::now();
                    aims::rules::evaluate(&model, &one, today, &mut Vec::new());
                    (t.elapsed().as_secs_f64() * 1e3, r.id.clone())
                })
                .collect();
            per_rule.sort_by(|a, b| b.0.total_cmp(&a.0));
            for (ms, id) in per_rule.iter().take(8) {
                println!("    {ms:>7.1} ms  {id}");
            }
        }
        let items = model.spec_item_count();
        let eval = best(|| {
            let out = aims::rules::evaluate(&model, &rules, today, &mut Vec::new());
            assert!(out.stats.len() == rules.rules.len());
        });
        println!(
            "{} rules over {items:>6} items          {:>8.1} ms  {:>7.2} us per item",
            rules.rules.len(),
            eval.as_secs_f64() * 1e3,
            eval.as_secs_f64() * 1e6 / items as f64
        );
    }
}

fn best(mut f: impl FnMut()) -> Duration {
    (0..5)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .min()
        .expect("five runs")
}

fn best_with<T>(mut setup: impl FnMut() -> T, mut f: impl FnMut(T)) -> Duration {
    (0..5)
        .map(|_| {
            let input = setup();
            let t = Instant::now();
            f(input);
            t.elapsed()
        })
        .min()
        .expect("five runs")
}

/// A spec with `systems` AI systems, each with an owner, two risks with treatments, an impact
/// assessment and a review, plus the people, roles and Statement of Applicability they cite.
fn generate(systems: usize) -> Vec<(String, String)> {
    const LIKELIHOOD: [&str; 5] = ["rare", "unlikely", "possible", "likely", "almost_certain"];
    const IMPACT: [&str; 5] = ["negligible", "minor", "moderate", "major", "severe"];
    const CONTROLS: [&str; 6] = ["A.6.2.4", "A.6.2.6", "A.7.4", "A.7.5", "A.8.2", "A.9.4"];
    const OBJECTIVES: [&str; 4] = ["fairness", "privacy", "safety", "robustness"];
    let mut files = Vec::new();
    let mut org = String::new();
    org.push_str("role risk_board \"Risk board\" {\n  responsibilities: \"Accepts residual risk above appetite\"\n  can_accept_risk: yes\n}\n\n");
    for c in CONTROLS {
        let _ = writeln!(org, "control {c} {{\n  applicable: yes\n  justification: \"Needed for the clinical and lending systems\"\n  status: in_progress\n}}\n");
    }
    files.push(("organisation.aims".to_string(), org));
    let mut n = 0;
    while n < systems {
        let mut s = String::with_capacity(SYSTEMS_PER_FILE * 2200);
        for i in n..(n + SYSTEMS_PER_FILE).min(systems) {
            let l = LIKELIHOOD[i % 5];
            let imp = IMPACT[(i / 5) % 5];
            let _ = write!(
                s,
                r#"// System {i}: generated for the benchmark.
person owner_{i} "Owner {i}" {{
  email: "owner{i}@example.org"
}}

system sys_{i} "Decision support model {i}" {{
  owner: owner_{i}
  purpose: "Ranks incoming cases number {i} for human review, with a confidence score and an explanation"
  intended_use: "Advisory only; a trained reviewer makes every decision"
  stage: operation_and_monitoring
  eu_ai_act: {cat}
  tier: {tier}
  status: active
}}

risk risk_{i}_a "Lower accuracy for under-represented groups in system {i}" {{
  system: sys_{i}
  owner: owner_{i}
  objective: {obj}
  likelihood: {l}
  impact: {imp}
  identified: 2026-01-{day:02}
  treatment {{
    option: mitigate
    owner: owner_{i}
    controls: [{c1}, {c2}]
    due: 2027-03-31
    residual {{ likelihood: rare, impact: {imp} }}
  }}
}}

risk risk_{i}_b "Drift after deployment of system {i}" {{
  system: sys_{i}
  owner: owner_{i}
  objective: robustness
  likelihood: possible
  impact: minor
  treatment {{
    option: accept
    approved_by: risk_board
    approved: 2026-04-01
    rationale: "Monitored monthly; tolerable within appetite"
  }}
}}

impact_assessment aia_{i} "Impact assessment of system {i}" {{
  system: sys_{i}
  date: 2026-06-{day:02}
  assessor: owner_{i}
  individuals: """
    People whose cases are ranked may wait longer if ranked low; a reviewer sees every case.
  """
}}

review review_{i} {{
  of: [sys_{i}]
  interval: 3 months
  last: 2026-10-{day:02}
  reviewer: owner_{i}
}}

"#,
                cat = if i % 4 == 0 { "high" } else { "limited" },
                tier = 1 + i % 3,
                obj = OBJECTIVES[i % 4],
                day = 1 + i % 28,
                c1 = CONTROLS[i % 6],
                c2 = CONTROLS[(i + 1) % 6],
            );
        }
        files.push((format!("systems_{:05}.aims", n / SYSTEMS_PER_FILE), s));
        n += SYSTEMS_PER_FILE;
    }
    files
}
