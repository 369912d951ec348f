//! The realistic estate benchmark: a large organisation's whole governance record, stage by
//! stage, against the floor of a bare pest pass over the same text.
//!
//!     cargo bench --bench pipeline                              # 1,000 systems, about 10 MB
//!     cargo bench --bench pipeline -- --systems 24000           # the largest estate, about 245 MB
//!     cargo bench --bench pipeline -- --systems 1000 --write DIR  # only write the spec, to time `aims check DIR`
//!     cargo bench --bench pipeline -- --no-rules                # stop after parse + schema + resolve
//!     cargo bench --bench pipeline -- --pest-floor DIR          # only a bare pest pass over DIR's files
//!
//! `--pest-floor DIR` is the floor as a whole process: it reads every `.aims` file of DIR and
//! runs the bare pest pass over them on both cores, as `aims check DIR` reads and parses them.
//! Timed against `aims check DIR --no-cache` in pairs (`benches/measure.sh`), the two share the
//! machine's moment, so their ratio is steadier than the in-process stages' on a busy machine.
//!
//! The estate is a complete, well-kept organisation: `aims check` finds nothing in it (as of
//! 2026-11-22, the date the bench checks on), so the rule stage does the work of a clean
//! estate. Each AI system records what ISO/IEC 42001 and the EU AI Act ask of a provider: an
//! owner (holding the system owners' role, with its AI literacy training), a fully described
//! system (requirements, design, validation, technical file, user guide, log retention, its
//! data set), five risks (three treated, residual no higher than inherent; two accepted by the
//! risk board), a major model update with the impact assessment made for it before it took
//! effect, a quarterly review with its record, a weekly metric, seven documents with their
//! approvals, and its control decisions as ordinary `control` items that name the system and
//! the Annex A control they implement (an implemented one tested this year). A high-risk
//! system also has its Annex III basis, conformity assessment, declaration of conformity, CE
//! marking, EU registration and post-market monitoring plan; a `limited` one its Art. 50
//! duty and the disclosure that meets it. Each file of 50 systems is a business unit, with its
//! customers, its objective for responsible development and its planned internal audit. The
//! organisation file holds the rest: the organisation and its top management, the AI policy,
//! the risk criteria, the Statement of Applicability (every Annex A control), training,
//! communication, the concerns channel, the last internal audit and management review, and
//! one scope that lists every system.
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
    pest_floor: Option<String>,
}

fn options() -> Options {
    let mut o = Options { systems: 1_000, seed: 42, runs: 3, write: None, rules: true, pest_floor: None };
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut number = |what: &str| args.next().and_then(|n| n.parse::<u64>().ok()).expect(what);
        match a.as_str() {
            "--systems" => o.systems = number("--systems N") as usize,
            "--seed" => o.seed = number("--seed S"),
            "--runs" => o.runs = number("--runs N").max(1) as usize,
            "--write" => o.write = args.next(),
            "--no-rules" => o.rules = false,
            "--pest-floor" => o.pest_floor = args.next(),
            _ => {} // cargo bench passes `--bench`
        }
    }
    o
}

// The allocator of the `aims` binary, so that times and peaks are those of a real run.
aims::global_allocator!();

fn main() {
    // As the `aims` binary does, so that the peaks are those of a real run.
    aims::compile::tune_malloc_arenas();
    let o = options();
    if let Some(dir) = &o.pest_floor {
        return pest_floor(dir);
    }
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
            model
        }),
    );
    // The same with the trees read from a warm disk cache (as `aims check` run again), and
    // with one file changed since (the cache filled by the unchanged spec).
    let cache = std::env::temp_dir().join(format!("aims-bench-cache-{}", std::process::id()));
    let trees = DiskTrees::open(&cache);
    drop(model_of(&db(), &trees));
    report("  the same, warm cache", measure(o.runs, db, |db: SourceDb| model_of(&db, &trees)));
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
    report("  the same, one file changed", measure(o.runs, edited, |db: SourceDb| model_of(&db, &trees)));
    let _ = std::fs::remove_dir_all(&cache);
    if !o.rules {
        return;
    }
    report(
        "aims check in-process (everything)",
        measure(o.runs, db, |db| {
            let c = compile(db, Vec::new(), today(), &BuiltinScripts);
            // The generated spec is valid aims, and complete: the rules find nothing in it.
            let language = c.diagnostics.iter().filter(|d| d.code.starts_with("E0")).count();
            assert_eq!(language, 0, "the generated spec is valid: {:?}", c.diagnostics.first());
            c
        }),
    );

    // Scoring and rules alone, on one model.
    let spec = db();
    let mut full = db();
    let model = model_of(&full, &ParseAll);
    let (script_name, script) = aims::compile::Scripts::default_script(&BuiltinScripts).expect("a default script");
    let script_id = full.add(SourceFile::new(script_name, script, Origin::Stdlib));
    let risks = model.items_of(model.schema.kind_id("risk").expect("a risk kind")).len();
    report(
        &format!("scoring of {risks} risks"),
        measure(
            o.runs,
            // A model built as a check builds it, not a clone: a clone's field lists have no
            // room for the computed scores, and growing each of them was most of this line.
            || model_of(&spec, &ParseAll),
            |mut m| {
                let s = aims::scoring::run(&mut m, full.get(script_id), script_id, &mut Vec::new());
                assert_eq!(s.map(|s| s.risks.len()), Some(risks));
                // Not counted in the stage: a real run never frees its model.
                m
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

/// The bare pest pass as a whole process: reads the `.aims` files of `dir` and parses them on
/// both cores, building no tree. Exits non-zero when a file does not parse.
fn pest_floor(dir: &str) {
    use rayon::prelude::*;
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .expect("read the spec directory")
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "aims"))
        .collect();
    paths.sort();
    let parsed = paths
        .par_iter()
        .filter(|p| aims::syntax::bare_pest_pass(&std::fs::read_to_string(p).expect("read a spec file")))
        .count();
    println!("pest parsed {parsed} of {} files", paths.len());
    if parsed != paths.len() {
        std::process::exit(1);
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
/// highest peak memory of the process seen during a run. What `f` returns is freed after the
/// clock stops, as a real run never frees its model; it is freed all the same, so that a later
/// stage does not run in a process swollen by the models of earlier ones (which made the
/// warm-cache lines read slower than parsing at 10,000 systems).
fn measure<T, R>(runs: usize, mut setup: impl FnMut() -> T, mut f: impl FnMut(T) -> R) -> (Duration, u64) {
    let mut best = Duration::MAX;
    let mut peak = 0;
    for _ in 0..runs {
        let input = setup();
        reset_peak();
        let t = Instant::now();
        let out = f(input);
        best = best.min(t.elapsed());
        peak = peak.max(peak_memory());
        drop(out);
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
/// The documents of every system (name, kind), and the further ones of a high-risk system.
const DOCUMENTS: [(&str, &str); 7] = [
    ("tech", "technical"),
    ("req", "technical"),
    ("design", "technical"),
    ("validation", "report"),
    ("aia", "report"),
    ("guide", "procedure"),
    ("review", "record"),
];
const HIGH_RISK_DOCUMENTS: [(&str, &str); 3] = [("conformity", "report"), ("declaration", "record"), ("pmm", "plan")];
/// Every control of Annex A, each decided once for the whole organisation.
const ANNEX_A: [&str; 38] = [
    "A.2.2", "A.2.3", "A.2.4", "A.3.2", "A.3.3", "A.4.2", "A.4.3", "A.4.4", "A.4.5", "A.4.6", "A.5.2", "A.5.3",
    "A.5.4", "A.5.5", "A.6.1.2", "A.6.1.3", "A.6.2.2", "A.6.2.3", "A.6.2.4", "A.6.2.5", "A.6.2.6", "A.6.2.7",
    "A.6.2.8", "A.7.2", "A.7.3", "A.7.4", "A.7.5", "A.7.6", "A.8.2", "A.8.3", "A.8.4", "A.8.5", "A.9.2", "A.9.3",
    "A.9.4", "A.10.2", "A.10.3", "A.10.4",
];
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
  internal_issues: "Many business units with their own data science teams; one shared model platform"
  external_issues: "Many systems are high-risk under the AI Act; regulators and customers ask for evidence of fairness"
  climate_change: "Considered and not relevant: the systems run in a hosted EU cloud with low energy use"
  top_management: [risk_board]
  aims_conformity: risk_board
  aims_reporting: risk_board
  scope: ams_scope
  ai_policy: ai_policy
}

person board_chair "Chair of the risk board" {
  email: "board@example.org"
  job_title: "Chief risk officer"
}

role risk_board "Risk board" {
  responsibilities: "Directs the AI management system and accepts residual risk above appetite"
  authorities: "Approves the AI policy, the risk criteria and residual risk above appetite"
  holders: [board_chair]
  can_accept_risk: yes
  top_management: yes
  competence: "Senior risk management experience and the group's AI governance training"
}

training tr_board "AI governance briefing for the risk board" {
  kind: awareness
  role: risk_board
  topic: "The AI policy, the AI Act duties of a provider and the board's part in the management system"
  date: 2026-02-15
  expires: 2027-02-15
  evidence: doc_training_records
}

stakeholder staff "Staff" {
  kind: internal
  needs: "Clear rules for building and using AI; training; a safe way to raise concerns"
  requirements: "AI policy, procedures and training"
  engagement: "Intranet, all-hands meetings, the concerns channel"
}

communication comms_staff "AI governance news for staff" {
  audience: [staff]
  topic: "The AI policy, its procedures and changes to them"
  channel: "Intranet and the monthly all-hands meeting"
  interval: 1 month
  last: 2026-11-05
  owner: risk_board
}

policy privacy_policy "Data protection policy" {
  kind: privacy
  owner: risk_board
  approved_by: risk_board
  approved: 2026-01-15
  version: "4.1"
  review_interval: 12 months
  last_reviewed: 2026-01-15
  commitments: "Process personal data lawfully, minimally and securely"
  document: doc_privacy_policy
}

risk_criteria risk_criteria "AI risk criteria" {
  appetite: medium
  description: "Risks to people's rights are treated until the residual level is low or medium; a residual high risk needs the risk board's acceptance"
  approved_by: risk_board
  approved: 2026-02-01
  review_interval: 12 months
  document: doc_risk_criteria
}

audit audit_2026 "Internal audit of the AI management system, 2026" {
  kind: internal
  status: done
  date: 2026-10-19
  auditor: internal_auditor
  independent: yes
  covers: [ams_scope, ai_policy]
  clauses: [iso42001:4.1, iso42001:5.2, iso42001:6.1.2, iso42001:9.1]
  findings: "No nonconformity; the fairness gate is applied in every unit"
  report: doc_audit_2026
  reported_to: [risk_board]
}

management_review mr_2026 "Management review, November 2026" {
  date: 2026-11-12
  chair: risk_board
  attendees: [risk_board, internal_auditor]
  inputs: "Actions of the last review, the objectives and metrics, the internal audit, risks and opportunities"
  considered: [audit_2026, metric_0]
  decisions: "The management system is suitable and effective"
  actions: "None beyond the planned audits of the business units"
  next: 2027-05-12
  minutes: doc_management_review_2026
}

"#,
    );
    for (id, file, kind) in [
        ("scope", "scope", "policy"),
        ("privacy_policy", "policies/privacy", "policy"),
        ("risk_criteria", "risk-criteria", "procedure"),
        ("development_process", "procedures/development", "procedure"),
        ("responsible_use", "procedures/use", "procedure"),
        ("incident_communication", "procedures/incidents", "plan"),
        ("audit_2026", "audits/2026", "report"),
        ("management_review_2026", "management-review/2026", "record"),
    ] {
        let _ = writeln!(
            org,
            "document doc_{id} \"{file}\" {{\n  kind: {kind}\n  owner: risk_board\n  version: \"1.0\"\n  location: \"https://docs.example.org/{file}\"\n  approved_by: risk_board\n  approved: 2026-02-01\n  retention: 10 years\n}}\n"
        );
    }
    // The Statement of Applicability: every Annex A control, applicable and implemented.
    for c in ANNEX_A {
        let evidence = match c {
            "A.6.1.3" => "doc_development_process",
            "A.9.2" => "doc_responsible_use",
            "A.8.4" => "doc_incident_communication",
            _ => "doc_ai_policy",
        };
        let _ = writeln!(
            org,
            "control {c} {{\n  applicable: yes\n  justification: \"Needed for every clinical and lending system\"\n  status: implemented\n  owner: risk_board\n  evidence: [{evidence}]\n  last_tested: 2026-10-20\n}}\n"
        );
    }
    let units = systems.div_ceil(SYSTEMS_PER_FILE);
    let all = |prefix: &str| (0..units).map(|u| format!("{prefix}{u}")).collect::<Vec<_>>().join(", ");
    let _ = write!(
        org,
        r#"role system_owners "System owners" {{
  responsibilities: "Own an AI system: its risks, its documents, its monitoring and its reviews"
  competence: "AI literacy and the group's AI governance training"
}}

person internal_auditor "Internal auditor" {{
  email: "audit@example.org"
  job_title: "Head of internal audit"
}}

training tr_ai_literacy "AI literacy for system owners and reviewers" {{
  kind: competence
  role: system_owners
  topic: "AI literacy: how the ranking models work, their limits, and how to oversee them"
  date: 2026-03-02
  expires: 2027-03-02
  evidence: doc_training_records
}}

policy ai_policy "AI policy" {{
  kind: ai_policy
  owner: risk_board
  approved_by: risk_board
  approved: 2026-02-01
  version: "2.0"
  review_interval: 12 months
  last_reviewed: 2026-02-01
  commitments: "Build and use AI lawfully and fairly; keep a person in charge of every decision; improve continually"
  aligned_with: [privacy_policy]
  communicated_to: [staff]
  document: doc_ai_policy
}}

document doc_ai_policy "AI policy" {{
  kind: policy
  owner: risk_board
  version: "2.0"
  location: "https://docs.example.org/policies/ai"
  approved_by: risk_board
  approved: 2026-02-01
}}

document doc_training_records "Training records" {{
  kind: record
  owner: risk_board
  location: "https://docs.example.org/training"
  retention: 5 years
}}

document doc_objectives "Register of AI objectives" {{
  kind: register
  owner: risk_board
  location: "https://docs.example.org/objectives"
}}

communication comms_customers "Release notes and the customer council" {{
  audience: [{customers}, staff]
  topic: "Changes to the ranking systems, their performance and their limits"
  channel: "Release notes and a quarterly customer council"
  interval: 3 months
  last: 2026-10-01
  owner: risk_board
}}

concern_channel ai_concerns "Raising concerns about AI" {{
  channel: "ai-concerns@example.org and the anonymous form on the website"
  open_to: [staff, {customers}]
  anonymous: yes
  confidential: yes
  protection: "Handled under the whistleblower protection procedure; no reprisal"
  handler: risk_board
  escalation: "To the board when a concern involves possible discrimination or a serious incident"
  response_time: 5 days
}}

"#,
        customers = all("customers_"),
    );
    org.push_str("scope ams_scope \"Scope of the AI management system\" {\n  statement: \"Every AI system the group develops or deploys\"\n  boundaries: \"All business units and sites of the group\"\n  exclusions: \"None: every AI system of the group is inside the scope\"\n  document: doc_scope\n  systems: [");
    for i in 0..systems {
        let _ = write!(org, "{}sys_{i}", if i == 0 { "" } else { ", " });
    }
    org.push_str("]\n  approved_by: risk_board\n  approved: 2026-02-01\n}\n");
    files.push(("organisation.aims".to_string(), org));

    let mut n = 0;
    while n < systems {
        let mut s = String::with_capacity(SYSTEMS_PER_FILE * 11_000);
        let end = (n + SYSTEMS_PER_FILE).min(systems);
        unit(&mut s, n / SYSTEMS_PER_FILE, n..end);
        for i in n..end {
            system(&mut s, i, &mut rng);
        }
        files.push((format!("systems_{:05}.aims", n / SYSTEMS_PER_FILE), s));
        n += SYSTEMS_PER_FILE;
    }
    files
}

/// What a business unit (the systems of one file) records for all its systems: its customers
/// and their needs, the objective for responsible development, and the internal audit.
fn unit(s: &mut String, u: usize, systems: std::ops::Range<usize>) {
    let first = systems.start;
    let list = systems.map(|i| format!("sys_{i}")).collect::<Vec<_>>().join(", ");
    let _ = write!(
        s,
        r#"// Business unit {u}: its customers, its objective and its internal audit.
stakeholder customers_{u} "Customers of business unit {u}" {{
  kind: customer
  needs: "Rankings that are accurate, fair and explained, with a person deciding every case"
  requirements: "Instructions for use, a reviewer for every case, a channel to challenge a ranking"
  engagement: "Account managers and the quarterly customer council"
  systems: [{list}]
}}

objective obj_{u} "Responsible development in business unit {u}" {{
  owner: owner_{first}
  statement: "Every release of the unit's ranking systems passes the fairness gate"
  measure: metric_{first}
  target: "at least 92 percent of rankings confirmed, and no group gap above 2 points"
  due: 2027-06-30
  plan: "Fairness gate in every release pipeline, with the shared test harness and one data scientist"
  status: on_track
  policy: ai_policy
  systems: [{list}]
  document: doc_objectives
}}

audit audit_{u} "Internal audit of business unit {u}, 2027" {{
  kind: internal
  status: planned
  date: 2027-0{m}-15
  auditor: internal_auditor
  independent: yes
  covers: [{list}]
  clauses: [iso42001:8.1, iso42001:8.2, iso42001:A.6.2.4]
}}

"#,
        m = 1 + u % 9,
    );
}

/// Everything recorded about one AI system.
fn system(s: &mut String, i: usize, rng: &mut fastrand::Rng) {
    let pick = |rng: &mut fastrand::Rng, xs: &[&'static str]| xs[rng.usize(..xs.len())];
    let day = |rng: &mut fastrand::Rng| rng.u8(1..=28);
    // The current version went into service with its last major model update, after the impact
    // assessment of that change; a high-risk version was assessed, declared and registered
    // before it went into service.
    let (month, d1) = (rng.u8(3..=9), day(rng));
    let deployed = format!("2026-{month:02}-{d1:02}");
    let assessed = format!("2026-{:02}-{:02}", month - 1, day(rng));
    let cat = pick(rng, &CATEGORIES);
    let basis = match cat {
        "high" => "Article 6(2) and Annex III point 5: the ranking is used to decide access to an essential service",
        "limited" => "Not an Annex III use; people who use it interact with it directly, so Article 50(1) applies",
        _ => "Not an Annex III use and no Article 50 duty: it only orders internal work queues",
    };
    let _ = write!(
        s,
        r#"// System {i}: generated for the benchmark.
person owner_{i} "Owner {i}" {{
  email: "owner{i}@example.org"
  roles: [system_owners]
  job_title: "Product owner"
}}

system sys_{i} "Decision support model {i}" {{
  owner: owner_{i}
  purpose: "Ranks incoming cases number {i} for human review, with a confidence score and an explanation"
  intended_use: "Advisory only; a trained reviewer makes every decision and can override the ranking"
  foreseeable_misuse: "Using the ranking as an automatic decision; the workflow requires a reviewer"
  stage: {stage}
  status: active
  in_scope: yes
  tier: {tier}
  eu_ai_act: {cat}
  eu_ai_act_basis: "{basis}"
  org_role: provider
  ai_literacy: [tr_ai_literacy]
  autonomy: recommends
  third_party: no
  model: "Gradient boosted trees, version {v}.{w}"
  version: "{v}.{w}.0"
  deployed: {deployed}
  datasets: [ds_{i}]
  users: "Case reviewers in the operations team"
  affected_groups: "Applicants and patients whose cases are ranked"
  human_oversight: "Every ranking is reviewed; reviewers can stop the system from the console"
  monitoring: "Accuracy, drift and fairness metrics, weekly"
  logging: "Every ranking with its inputs, kept for two years"
  log_retention: 24 months
  resources: "Two data scientists and the shared model platform"
  requirements: doc_{i}_req
  design: doc_{i}_design
  validation: doc_{i}_validation
  documentation: doc_{i}_tech
  user_information: doc_{i}_guide
"#,
        stage = pick(rng, &STAGES),
        tier = rng.u8(1..=3),
        v = rng.u8(1..=9),
        w = rng.u8(0..=20),
    );
    match cat {
        "high" => {
            let _ = write!(
                s,
                r#"  annex_iii_area: [essential_services]
  conformity_assessment: doc_{i}_conformity
  declaration_of_conformity: doc_{i}_declaration
  ce_marked: yes
  post_market_plan: doc_{i}_pmm
  eu_registration: "EU-DB-HR-2026-{i:06}"
  registered: {assessed}
}}

"#
            );
        }
        "limited" => {
            let _ = write!(
                s,
                r#"  transparency: [interaction]
}}

disclosure disclosure_{i} "System {i}: people are told they deal with an AI" {{
  system: sys_{i}
  duty: interaction
  measure: "Every screen that shows the ranking says that it comes from an AI system"
  since: {deployed}
  evidence: doc_{i}_guide
}}

"#
            );
        }
        _ => s.push_str("}\n\n"),
    }
    let _ = write!(
        s,
        r#"dataset ds_{i} "Case history of system {i}" {{
  uses: [training, validation, test]
  source: "Closed cases of the last five years, with the reviewers' decisions"
  acquisition: "Internal case records, under the data protection policy"
  provenance: "Snapshot hashes in the data catalogue"
  owner: owner_{i}
  personal_data: yes
  special_category: no
  legal_basis: "Art. 6(1)(f) GDPR, assessed in the DPIA"
  representativeness: "Compared by age band, sex and region with last year's cases"
  quality_checks: "Completeness, duplicates, label audit, selection rates by group"
  quality_checked: 2026-{qm:02}-{qd:02}
  preparation: "Pseudonymised, deduplicated, split by case date"
  retention: 5 years
}}

"#,
        qm = month - 1,
        qd = day(rng),
    );
    for r in 0..5 {
        let harm = HARMS[(i + r) % HARMS.len()];
        let imp = rng.usize(..IMPACT.len());
        let _ = write!(
            s,
            r#"risk risk_{i}_{r} "{harm} in system {i}" {{
  system: sys_{i}
  owner: owner_{i}
  description: "{harm}: the ranking of system {i} could rank some cases wrongly, unnoticed"
  consequences: "Cases ranked too low wait longer; people may be treated unfairly"
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
            imp = IMPACT[imp],
            d = day(rng),
            d2 = day(rng),
        );
        // Three treatments per system: the first three risks are treated, the other two are
        // accepted by the risk board. A treatment leaves the risk no higher than it was.
        if r < 3 {
            let _ = write!(
                s,
                r#"  treatment {{
    option: {opt}
    plan: "A fairness check in the release gate of system {i}; the gap monitored weekly"
    owner: owner_{i}
    controls: [ctl_{i}_{c1}, {annex}]
    due: 2027-03-{d:02}
    status: in_progress
    residual {{ likelihood: rare, impact: {res} }}
  }}
}}

"#,
                opt = pick(rng, &OPTIONS),
                c1 = rng.usize(0..4),
                annex = pick(rng, &ANNEX),
                d = day(rng),
                res = IMPACT[rng.usize(..=imp.min(2))],
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
  date: {assessed}
  trigger: change_{i}
  assessor: owner_{i}
  approved_by: risk_board
  method: "Workshop with reviewers, affected groups and the data protection officer"
  individuals: "People ranked low may wait longer; a reviewer sees every case"
  affected_groups: "Applicants and patients, including older people and people with disabilities"
  societal: "No effect beyond the people whose cases are ranked"
  benefits: "Urgent cases are seen sooner"
  result: "Acceptable with the fairness gate and weekly monitoring"
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
  record: doc_{i}_review
}}

metric metric_{i} "Ranking accuracy of system {i}" {{
  system: sys_{i}
  method: "Share of rankings the reviewer confirms, on 500 cases a week"
  unit: "percent"
  interval: 1 week
  threshold: "below 92 percent for two weeks in a row"
  owner: owner_{i}
  last_measured: 2026-11-{d3:02}
  latest: "94.1"
}}

change change_{i} "Model update of system {i}" {{
  system: sys_{i}
  kind: major_model_update
  date: {deployed}
  description: "Retrained on the last twelve months of data, with a fairness constraint"
  approved_by: risk_board
}}

"#,
        d = day(rng),
        d2 = day(rng),
        d3 = rng.u8(16..=22),
    );
    let high = cat == "high";
    let documents = DOCUMENTS.iter().chain(if high { &HIGH_RISK_DOCUMENTS[..] } else { &[] });
    for (what, kind) in documents {
        let _ = write!(
            s,
            r#"document doc_{i}_{what} "System {i}: {what}" {{
  kind: {kind}
  owner: owner_{i}
  version: "{v}.0"
  location: "dms://systems/{i}/{what}"
  approved_by: risk_board
  approved: {assessed}{retention}
}}

"#,
            v = rng.u8(1..=5),
            // Records, reports and the technical file are kept ten years (Art. 18 of the AI
            // Act); the other documents while they are current.
            retention =
                if matches!(*kind, "record" | "report") || *what == "tech" { "\n  retention: 10 years" } else { "" },
        );
    }
    // The system's control decisions, written as ordinary `control` items; an implemented one
    // was tested this year.
    let first = rng.usize(0..ANNEX.len());
    for c in 0..4 {
        let annex = ANNEX[(first + c * 2) % ANNEX.len()];
        let tested = if rng.bool() {
            format!("implemented\n  last_tested: 2026-{:02}-{:02}", rng.u8(1..=10), day(rng))
        } else {
            "in_progress".to_string()
        };
        let _ = write!(
            s,
            r#"control ctl_{i}_{c} "{annex} for system {i}" {{
  applicable: yes
  justification: "The risks of system {i} call for it"
  status: {tested}
  owner: owner_{i}
  systems: [sys_{i}]
  evidence: [doc_{i}_validation]
  based_on: [iso42001:{annex}]
}}

"#,
        );
    }
}
