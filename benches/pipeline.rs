//! The realistic estate benchmark: a large organisation's whole governance record, stage by
//! stage, against the floor of a bare pest pass over the same text.
//!
//!     cargo bench --bench pipeline                              # 1,000 systems, about 10 MB
//!     cargo bench --bench pipeline -- --systems 24000           # the largest estate, about 240 MB
//!     cargo bench --bench pipeline -- --systems 1000 --write DIR  # only write the spec, to time `aims check DIR`
//!     cargo bench --bench pipeline -- --no-rules                # stop after parse + schema + resolve
//!
//! Each AI system comes with what a complete organisation records for it: an owner, a fully
//! described system, five risks (three with a treatment), an impact assessment, a review, three
//! documents with their approvals, and its control decisions as ordinary `control` items that
//! name the system and the Annex A control they implement. One scope lists every system.
//! The spec is generated from a seed (`--seed S`): same arguments, same bytes.
//!
//! Parse + schema + resolve is also timed with the trees read from a warm disk cache, and with
//! one file changed since the cache was filled.
//!
//! Printed per stage: the best time of `--runs` runs, MB/s, the peak memory of the process
//! during the stage (VmHWM, reset before each stage) and the ratio to the bare pest pass.

use aims::cache::{disk::DiskTrees, ParseAll, Trees};
use aims::compile::{compile, stdlib_db, BuiltinScripts};
use aims::source::{Origin, SourceDb, SourceFile};
use std::fmt::Write as _;
use std::time::{Duration, Instant};

const SYSTEMS_PER_FILE: usize = 50;

struct Options {
    systems: usize,
    seed: u64,
    runs: usize,
    write: Option<String>,
    rules: bool,
}

fn options() -> Options {
    let mut o = Options { systems: 1_000, seed: 42, runs: 3, write: None, rules: true };
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut number = |what: &str| args.next().and_then(|n| n.parse::<u64>().ok()).expect(what);
        match a.as_str() {
            "--systems" => o.systems = number("--systems N") as usize,
            "--seed" => o.seed = number("--seed S"),
            "--runs" => o.runs = number("--runs N").max(1) as usize,
            "--write" => o.write = args.next(),
            "--no-rules" => o.rules = false,
            _ => {} // cargo bench passes `--bench`
        }
    }
    o
}

fn main() {
    // As the `aims` binary does, so that the peaks are those of a real run.
    aims::compile::share_one_malloc_arena();
    let o = options();
    let files = generate(o.systems, o.seed);
    let bytes: usize = files.iter().map(|(_, t)| t.len()).sum();
    let mb = bytes as f64 / 1e6;
    if let Some(dir) = &o.write {
        std::fs::create_dir_all(dir).expect("create the output directory");
        for (name, text) in &files {
            std::fs::write(format!("{dir}/{name}"), text).expect("write a spec file");
        }
        println!("wrote {} files, {mb:.1} MB, {} systems (seed {}) to {dir}", files.len(), o.systems, o.seed);
        return;
    }
    println!(
        "spec: {} systems, {} files, {mb:.1} MB (seed {}), best of {} runs",
        o.systems,
        files.len(),
        o.seed,
        o.runs
    );
    println!("{:<40} {:>9} {:>9} {:>10} {:>8}", "stage", "ms", "MB/s", "peak MiB", "x pest");
    let mut floor = None;
    let mut report = |name: &str, (d, peak): (Duration, u64)| {
        let secs = d.as_secs_f64();
        let ratio = *floor.get_or_insert(secs);
        println!(
            "{name:<40} {:>9.1} {:>9.1} {:>10.0} {:>8.2}",
            secs * 1e3,
            mb / secs,
            peak as f64 / (1 << 20) as f64,
            secs / ratio
        );
    };

    // The floor: pest over every file, on both cores as `aims check` parses.
    report(
        "bare pest pass (2 threads, floor)",
        measure(
            o.runs,
            || (),
            |()| {
                use rayon::prelude::*;
                assert!(files.par_iter().all(|(_, t)| aims::syntax::bare_pest_pass(t)));
            },
        ),
    );
    report(
        "parse to trees (2 threads)",
        measure(
            o.runs,
            || (),
            |()| {
                use rayon::prelude::*;
                let trees: Vec<_> = files
                    .par_iter()
                    .enumerate()
                    .map(|(i, (_, t))| aims::syntax::parse(t, aims::source::FileId(i as u32)))
                    .collect();
                assert!(trees.iter().all(|(_, d)| d.is_empty()));
                // Counted in the stage: a run frees its trees too.
                drop(trees);
            },
        ),
    );
    let db = || {
        let mut db = stdlib_db();
        for (name, text) in &files {
            db.add(SourceFile::new(name.clone(), text.clone(), Origin::Spec));
        }
        db
    };
    report(
        "parse + schema + resolve (compile, no rules)",
        measure(o.runs, db, |db: SourceDb| {
            let model = model_of(&db, &ParseAll);
            assert!(model.spec_item_count() > 0);
            std::mem::forget(model); // as `aims check` does: the process ends
        }),
    );
    // The same with the trees read from a warm disk cache (as `aims check` run again), and
    // with one file changed since (the cache filled by the unchanged spec).
    let cache = std::env::temp_dir().join(format!("aims-bench-cache-{}", std::process::id()));
    let trees = DiskTrees::open(&cache);
    std::mem::forget(model_of(&db(), &trees));
    report("  the same, warm cache", measure(o.runs, db, |db: SourceDb| std::mem::forget(model_of(&db, &trees))));
    // A new edit for every run, so that the edited file is never in the cache.
    let mut edits = 0;
    let edited = || {
        edits += 1;
        let mut db = stdlib_db();
        for (i, (name, text)) in files.iter().enumerate() {
            let text =
                if i == 1 { text.replacen("Owner ", &format!("Owner (edit {edits}) "), 1) } else { text.clone() };
            db.add(SourceFile::new(name.clone(), text, Origin::Spec));
        }
        db
    };
    report(
        "  the same, one file changed",
        measure(o.runs, edited, |db: SourceDb| std::mem::forget(model_of(&db, &trees))),
    );
    let _ = std::fs::remove_dir_all(&cache);
    if !o.rules {
        return;
    }
    report(
        "aims check in-process (everything)",
        measure(o.runs, db, |db| {
            let c = compile(db, Vec::new(), today(), &BuiltinScripts);
            // The generated spec is valid aims; the rules do find gaps in it (it records no
            // audit or training), which is realistic load for the rule stage.
            let language = c.diagnostics.iter().filter(|d| d.code.starts_with("E0")).count();
            assert_eq!(language, 0, "the generated spec is valid: {:?}", c.diagnostics.first());
            std::mem::forget(c);
        }),
    );

    // Scoring and rules alone, on one model.
    let mut full = db();
    let model = model_of(&full, &ParseAll);
    let (script_name, script) = aims::compile::Scripts::default_script(&BuiltinScripts).expect("a default script");
    let script_id = full.add(SourceFile::new(script_name, script, Origin::Stdlib));
    let risks = model.items_of(model.schema.kind_id("risk").expect("a risk kind")).len();
    report(
        &format!("scoring of {risks} risks"),
        measure(
            o.runs,
            || model.clone(),
            |mut m| {
                let s = aims::scoring::run(&mut m, full.get(script_id), script_id, &mut Vec::new());
                assert_eq!(s.map(|s| s.risks.len()), Some(risks));
            },
        ),
    );
    let rules = aims::rules::load(&model, &mut Vec::new());
    report(
        &format!("{} rules over {} items", rules.rules.len(), model.spec_item_count()),
        measure(
            o.runs,
            || (),
            |()| {
                let out = aims::rules::evaluate(&model, &rules, today(), &mut Vec::new());
                assert!(out.stats.len() == rules.rules.len());
            },
        ),
    );
    if std::env::var_os("AIMS_BENCH_PER_RULE").is_some() {
        let mut per_rule: Vec<(f64, String)> = rules
            .rules
            .values()
            .map(|r| {
                let one = aims::rules::RuleSet { rules: [(r.id.clone(), r.clone())].into_iter().collect() };
                let t = Instant::now();
                aims::rules::evaluate(&model, &one, today(), &mut Vec::new());
                (t.elapsed().as_secs_f64() * 1e3, r.id.clone())
            })
            .collect();
        per_rule.sort_by(|a, b| b.0.total_cmp(&a.0));
        for (ms, id) in per_rule.iter().take(8) {
            println!("    {ms:>9.1} ms  {id}");
        }
    }
}

fn today() -> jiff::civil::Date {
    jiff::civil::date(2026, 11, 22)
}

/// Parse (both cores, trees from `trees`) + schema + check + resolve, as `compile` does before
/// scoring and rules.
fn model_of(db: &SourceDb, trees: &dyn Trees) -> aims::sema::Model {
    use rayon::prelude::*;
    let ids: Vec<_> = db.iter().map(|(id, f)| (id, f.origin)).collect();
    let asts: Vec<_> = ids.par_iter().map(|(id, _)| trees.parse(&db.get(*id).text, *id).0).collect();
    let inputs: Vec<_> = ids.iter().zip(asts).map(|((id, o), a)| (*id, *o, a)).collect();
    let mut diags = Vec::new();
    let model = aims::sema::analyze(inputs, &mut diags);
    assert!(diags.is_empty(), "the generated spec is valid: {:?}", diags.first());
    model
}

/// The best time of `runs` runs of `f` (its input built by `setup`, not timed), and the
/// highest peak memory of the process seen during a run.
fn measure<T>(runs: usize, mut setup: impl FnMut() -> T, mut f: impl FnMut(T)) -> (Duration, u64) {
    let mut best = Duration::MAX;
    let mut peak = 0;
    for _ in 0..runs {
        let input = setup();
        reset_peak();
        let t = Instant::now();
        f(input);
        best = best.min(t.elapsed());
        peak = peak.max(peak_memory());
    }
    (best, peak)
}

/// Resets the kernel's high-water mark of this process's resident memory (Linux; elsewhere the
/// figure is the peak since the start).
fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// VmHWM: the peak resident memory of this process, in bytes (0 where /proc is missing).
fn peak_memory() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(0, |kb| kb * 1024)
}

const LIKELIHOOD: [&str; 5] = ["rare", "unlikely", "possible", "likely", "almost_certain"];
const IMPACT: [&str; 5] = ["negligible", "minor", "moderate", "major", "severe"];
const OBJECTIVES: [&str; 6] = ["fairness", "privacy", "safety", "robustness", "transparency", "security"];
const SOURCES: [&str; 4] = ["machine_learning", "automation_level", "lack_of_transparency", "environment_complexity"];
const STAGES: [&str; 3] = ["deployment", "operation_and_monitoring", "continuous_validation"];
const CATEGORIES: [&str; 3] = ["high", "limited", "minimal"];
const OPTIONS: [&str; 3] = ["mitigate", "avoid", "transfer"];
const DOCUMENT_KINDS: [&str; 3] = ["technical", "report", "record"];
/// The Annex A controls a system's own control decisions implement, four per system.
const ANNEX: [&str; 8] = ["A.6.2.4", "A.6.2.6", "A.6.2.8", "A.7.4", "A.7.5", "A.8.2", "A.9.3", "A.9.4"];
const HARMS: [&str; 6] = [
    "Lower accuracy for under-represented groups",
    "Drift after deployment",
    "Personal data exposed in explanations",
    "Over-reliance by reviewers on the ranking",
    "Adversarial inputs change the ranking",
    "Outage of the upstream data feed",
];

/// A spec with `systems` AI systems, from `seed`; one organisation file, then files of 50
/// systems each with everything recorded about them.
fn generate(systems: usize, seed: u64) -> Vec<(String, String)> {
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut files = Vec::new();
    let mut org = String::new();
    org.push_str(
        r#"organization org "Example Health and Finance Group" {
  name: "Example Health and Finance Group"
  sector: "Hospitals, clinical research and consumer lending in the European Union"
  jurisdictions: "EU, Germany, France, the Netherlands"
  ai_roles: [provider, deployer]
  context: "A group that develops and deploys AI systems for triage, scheduling, fraud and credit decisions"
  scope: ams_scope
}

role risk_board "Risk board" {
  responsibilities: "Accepts residual risk above appetite"
  can_accept_risk: yes
}

"#,
    );
    for c in ANNEX {
        let _ = writeln!(
            org,
            "control {c} {{\n  applicable: yes\n  justification: \"Needed for every clinical and lending system\"\n  status: in_progress\n  owner: risk_board\n}}\n"
        );
    }
    org.push_str("scope ams_scope \"Scope of the AI management system\" {\n  statement: \"Every AI system the group develops or deploys\"\n  systems: [");
    for i in 0..systems {
        let _ = write!(org, "{}sys_{i}", if i == 0 { "" } else { ", " });
    }
    org.push_str("]\n  approved_by: risk_board\n  approved: 2026-02-01\n}\n");
    files.push(("organisation.aims".to_string(), org));

    let mut n = 0;
    while n < systems {
        let mut s = String::with_capacity(SYSTEMS_PER_FILE * 10_500);
        for i in n..(n + SYSTEMS_PER_FILE).min(systems) {
            system(&mut s, i, &mut rng);
        }
        files.push((format!("systems_{:05}.aims", n / SYSTEMS_PER_FILE), s));
        n += SYSTEMS_PER_FILE;
    }
    files
}

/// Everything recorded about one AI system.
fn system(s: &mut String, i: usize, rng: &mut fastrand::Rng) {
    let pick = |rng: &mut fastrand::Rng, xs: &[&'static str]| xs[rng.usize(..xs.len())];
    let day = |rng: &mut fastrand::Rng| rng.u8(1..=28);
    let _ = write!(
        s,
        r#"// System {i}: generated for the benchmark.
person owner_{i} "Owner {i}" {{
  email: "owner{i}@example.org"
  job_title: "Product owner, decision support {i}"
}}

system sys_{i} "Decision support model {i}" {{
  owner: owner_{i}
  purpose: "Ranks incoming cases number {i} for human review, with a confidence score and an explanation"
  intended_use: "Advisory only; a trained reviewer makes every decision and can override the ranking"
  foreseeable_misuse: "Using the ranking as an automatic decision; prevented by the workflow, which requires a reviewer"
  stage: {stage}
  status: active
  in_scope: yes
  tier: {tier}
  eu_ai_act: {cat}
  org_role: provider
  model: "Gradient boosted trees, version {v}.{w}"
  version: "{v}.{w}.0"
  deployed: 2026-0{month}-{d1:02}
  users: "Case reviewers in the operations team"
  affected_groups: "Applicants and patients whose cases are ranked"
  human_oversight: "Every ranking is reviewed; reviewers can stop the system from the console"
  monitoring: "Accuracy, drift and fairness metrics, weekly"
  logging: "Every ranking with its inputs, kept for two years"
  resources: "Two data scientists, one reviewer lead, the shared model platform and its GPU pool"
  eu_ai_act_basis: "Article 6 and Annex III: the ranking is used to decide access to an essential service"
  documentation: doc_{i}_tech
  validation: doc_{i}_validation
}}

"#,
        stage = pick(rng, &STAGES),
        tier = rng.u8(1..=3),
        cat = pick(rng, &CATEGORIES),
        v = rng.u8(1..=9),
        w = rng.u8(0..=20),
        month = rng.u8(1..=9),
        d1 = day(rng),
    );
    for r in 0..5 {
        let harm = HARMS[(i + r) % HARMS.len()];
        let _ = write!(
            s,
            r#"risk risk_{i}_{r} "{harm} in system {i}" {{
  system: sys_{i}
  owner: owner_{i}
  description: "{harm}: the ranking of system {i} could be wrong for some cases without anyone noticing, because reviewers see the ranking and not the cases it left out"
  consequences: "Cases ranked too low wait longer; people may be treated unfairly, and the organisation may breach its duties of care and non-discrimination towards them"
  objective: {obj}
  source: {src}
  stage: {stage}
  likelihood: {l}
  impact: {imp}
  identified: 2026-01-{d:02}
  last_reviewed: 2026-10-{d2:02}
"#,
            obj = pick(rng, &OBJECTIVES),
            src = pick(rng, &SOURCES),
            stage = pick(rng, &STAGES),
            l = pick(rng, &LIKELIHOOD),
            imp = pick(rng, &IMPACT),
            d = day(rng),
            d2 = day(rng),
        );
        // Three treatments per system: the first three risks are treated, the other two are
        // accepted by the risk board.
        if r < 3 {
            let _ = write!(
                s,
                r#"  treatment {{
    option: {opt}
    plan: "Add a fairness check to the release gate of system {i} and monitor the gap weekly"
    owner: owner_{i}
    controls: [ctl_{i}_{c1}, {annex}]
    due: 2027-03-{d:02}
    status: in_progress
    residual {{ likelihood: rare, impact: {imp} }}
  }}
}}

"#,
                opt = pick(rng, &OPTIONS),
                c1 = rng.usize(0..4),
                annex = pick(rng, &ANNEX),
                d = day(rng),
                imp = pick(rng, &IMPACT[..3]),
            );
        } else {
            let _ = write!(
                s,
                r#"  treatment {{
    option: accept
    approved_by: risk_board
    approved: 2026-04-{d:02}
    rationale: "Monitored monthly; tolerable within appetite"
  }}
}}

"#,
                d = day(rng),
            );
        }
    }
    let _ = write!(
        s,
        r#"impact_assessment aia_{i} "Impact assessment of system {i}" {{
  system: sys_{i}
  date: 2026-06-{d:02}
  assessor: owner_{i}
  approved_by: risk_board
  method: "Workshop with reviewers, affected-group representatives and the data protection officer"
  individuals: """
    People whose cases are ranked may wait longer if ranked low; a reviewer sees every case,
    and a ranking can be challenged through the complaints channel.
  """
  affected_groups: "Applicants and patients, including older people and people with disabilities"
  societal: "No effect beyond the people whose cases are ranked"
  benefits: "Urgent cases are seen sooner; reviewers spend their time on the hard cases"
  result: "Acceptable with the fairness check in the release gate and weekly monitoring of the gap"
  risks: [risk_{i}_0, risk_{i}_1, risk_{i}_2, risk_{i}_3, risk_{i}_4]
  decision: proceed_with_conditions
  next_due: 2027-06-{d:02}
  document: doc_{i}_aia
}}

review review_{i} "Quarterly review of system {i}" {{
  kind: performance
  of: [sys_{i}]
  interval: 3 months
  last: 2026-10-{d2:02}
  reviewer: owner_{i}
  outcome: "Accuracy within target; drift alarm tuned"
}}

metric metric_{i} "Ranking accuracy of system {i}" {{
  system: sys_{i}
  method: "Share of rankings confirmed by the reviewer, on a sample of 500 cases a week"
  unit: "percent"
  interval: 1 week
  threshold: "below 92 percent for two weeks in a row"
  owner: owner_{i}
  last_measured: 2026-11-{d2:02}
  latest: "94.1"
}}

change change_{i} "Model update of system {i}" {{
  system: sys_{i}
  kind: major_model_update
  date: 2026-0{m}-{d:02}
  description: "Retrained on the data of the last twelve months, with the new fairness constraint in the release gate"
  approved_by: risk_board
}}

"#,
        d = day(rng),
        d2 = day(rng),
        m = rng.u8(1..=9),
    );
    for (j, what) in ["tech", "validation", "aia"].iter().enumerate() {
        let _ = write!(
            s,
            r#"document doc_{i}_{what} "System {i}: {what} documentation" {{
  kind: {kind}
  owner: owner_{i}
  version: "{v}.0"
  location: "https://docs.example.org/systems/{i}/{what}"
  approved_by: risk_board
  approved: 2026-0{m}-{d:02}
  retention: 10 years
  classification: "internal"
}}

"#,
            kind = DOCUMENT_KINDS[j],
            v = rng.u8(1..=5),
            m = rng.u8(1..=9),
            d = day(rng),
        );
    }
    // The system's control decisions, written as ordinary `control` items.
    let first = rng.usize(0..ANNEX.len());
    for c in 0..4 {
        let annex = ANNEX[(first + c * 2) % ANNEX.len()];
        let _ = write!(
            s,
            r#"control ctl_{i}_{c} "{annex} for system {i}" {{
  applicable: yes
  justification: "System {i} is in scope and its risks call for it"
  status: {status}
  owner: owner_{i}
  systems: [sys_{i}]
  evidence: [doc_{i}_validation]
  based_on: [iso42001:{annex}]
}}

"#,
            status = if rng.bool() { "implemented" } else { "in_progress" },
        );
    }
}
