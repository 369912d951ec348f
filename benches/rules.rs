//! Time of the rule stage alone, on a spec where each system has its own `control` decisions
//! (the natural way to write per-system decisions), at two sizes: the ratio of the times shows
//! whether the stage is linear.
//!
//!     cargo bench --bench rules                          # 1,000 and 3,000 systems
//!     cargo bench --bench rules -- --systems 500 --runs 1
//!     cargo bench --bench rules -- --systems 1000 --write estate.aims   # only write the spec
//!     cargo bench --bench rules -- --dir /tmp/e1k --runs 5   # the rule stage on a spec on disk
//!
//! `AIMS_BENCH_PER_RULE=N` also prints the N slowest rules. The spec is generated deterministically (same arguments, same bytes); only
//! `aims::rules::evaluate` is timed (best of `--runs`), after parsing and analysis.

use aims::compile::stdlib_db;
use aims::source::{Origin, SourceFile};
use std::fmt::Write as _;
use std::time::Instant;

/// Per-system control decisions, written as ordinary `control` items that name the system.
const OWN_CONTROLS: usize = 3;

// The allocator of the `aims` binary, so that times and peaks are those of a real run.
aims::global_allocator!();

fn main() {
    let mut sizes = vec![1_000, 3_000];
    let mut runs = 3;
    let mut dir: Option<String> = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--systems" => sizes = vec![args.next().and_then(|n| n.parse().ok()).expect("--systems N")],
            "--runs" => runs = args.next().and_then(|n| n.parse().ok()).expect("--runs N"),
            "--write" => {
                // Only write the spec, to time `aims check` on it.
                let path = args.next().expect("--write FILE");
                std::fs::write(&path, generate(sizes[0])).expect("write the spec");
                return;
            }
            "--dir" => dir = Some(args.next().expect("--dir DIR")),
            _ => {} // cargo bench passes `--bench`
        }
    }
    let today = jiff::civil::date(2026, 11, 22);
    let mut first: Option<(usize, f64)> = None;
    // With `--dir`, one run over the `.aims` files of that directory (a spec written by the
    // pipeline bench, say) instead of the generated sizes.
    let specs: Vec<(usize, Vec<(String, String)>)> = match &dir {
        Some(d) => vec![(0, read_dir(d))],
        None => sizes.iter().map(|&n| (n, vec![("estate.aims".to_string(), generate(n))])).collect(),
    };
    for (systems, files) in specs {
        let mut db = stdlib_db();
        let mut bytes = 0;
        for (name, text) in files {
            bytes += text.len();
            db.add(SourceFile::new(name, text, Origin::Spec));
        }
        let inputs: Vec<_> = db.iter().map(|(id, f)| (id, f.origin, aims::syntax::parse(&f.text, id).0)).collect();
        let mut diags = Vec::new();
        let model = aims::sema::analyze(inputs, &mut diags);
        let errors: Vec<_> = diags.iter().filter(|d| d.code.starts_with("E0")).collect();
        assert!(errors.is_empty(), "the generated spec is valid: {:?}", errors.first());
        let rules = aims::rules::load(&model, &mut diags);
        let mut findings = 0;
        // The process's CPU time (every thread that runs rules) as well as the wall: on a
        // shared machine the wall time counts the waits for a core, the CPU time does not.
        let mut best_cpu = f64::INFINITY;
        let best = (0..runs)
            .map(|_| {
                let (t, cpu) = (Instant::now(), cpu_seconds());
                let out = aims::rules::evaluate(&model, &rules, today, &mut Vec::new());
                findings = out.findings.len();
                if let (Some(a), Some(b)) = (cpu, cpu_seconds()) {
                    best_cpu = best_cpu.min(b - a);
                }
                t.elapsed().as_secs_f64()
            })
            .fold(f64::INFINITY, f64::min);
        if let Some(top) = std::env::var("AIMS_BENCH_PER_RULE").ok().and_then(|n| n.parse::<usize>().ok()) {
            let mut per_rule: Vec<(f64, String)> = rules
                .rules
                .values()
                .map(|r| {
                    let one = aims::rules::RuleSet { rules: [(r.id.clone(), r.clone())].into_iter().collect() };
                    let t = Instant::now();
                    aims::rules::evaluate(&model, &one, today, &mut Vec::new());
                    (t.elapsed().as_secs_f64() * 1e3, r.id.clone())
                })
                .collect();
            per_rule.sort_by(|a, b| b.0.total_cmp(&a.0));
            for (ms, id) in per_rule.iter().take(top) {
                println!("    {ms:>9.1} ms  {id}");
            }
        }
        let items = model.spec_item_count();
        let what = if systems == 0 { dir.clone().unwrap_or_default() } else { format!("{systems:>6} systems") };
        println!(
            "{what}, {items:>6} items, {:.1} MB: {} rules in {:>9.1} ms, CPU {:.1} ms ({:.2} us per item), {findings} findings",
            bytes as f64 / 1e6,
            rules.rules.len(),
            best * 1e3,
            best_cpu * 1e3,
            best * 1e6 / items as f64
        );
        match first {
            None => first = Some((systems, best)),
            Some((n, t)) => println!(
                "{:.1}x the systems cost {:.2}x the time (linear: {:.1}x)",
                systems as f64 / n as f64,
                best / t,
                systems as f64 / n as f64
            ),
        }
    }
}

/// The CPU time all threads of this process have run, in seconds (Unix; `None` elsewhere).
fn cpu_seconds() -> Option<f64> {
    #[cfg(unix)]
    {
        let mut t = libc::timespec { tv_sec: 0, tv_nsec: 0 };
        // SAFETY: `t` is a valid timespec for the call to fill.
        let ok = unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut t) } == 0;
        ok.then(|| t.tv_sec as f64 + t.tv_nsec as f64 / 1e9)
    }
    #[cfg(not(unix))]
    None
}

/// The `.aims` files directly in `dir`, in name order, with their text.
fn read_dir(dir: &str) -> Vec<(String, String)> {
    let mut names: Vec<_> = std::fs::read_dir(dir)
        .expect("read the directory")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "aims"))
        .collect();
    names.sort();
    names
        .into_iter()
        .map(|p| (p.display().to_string(), std::fs::read_to_string(&p).expect("read a spec file")))
        .collect()
}

/// `systems` AI systems, each with an owner, a risk with a treatment, an impact assessment, a
/// review and `OWN_CONTROLS` control decisions of its own; a scope that lists every system; and
/// the organisation-wide decisions on some Annex A controls.
fn generate(systems: usize) -> String {
    const ANNEX_A: [&str; 6] = ["A.6.2.4", "A.6.2.6", "A.7.4", "A.7.5", "A.8.2", "A.9.4"];
    let mut s = String::with_capacity(systems * 2500);
    s.push_str("role risk_board \"Risk board\" {\n  responsibilities: \"Accepts residual risk\"\n  can_accept_risk: yes\n}\n\n");
    for c in ANNEX_A {
        let _ = writeln!(s, "control {c} {{\n  applicable: yes\n  justification: \"Needed for every system\"\n  status: in_progress\n}}\n");
    }
    s.push_str("scope aims_scope \"Scope of the AI management system\" {\n  statement: \"Every AI system we run\"\n  systems: [");
    for i in 0..systems {
        let _ = write!(s, "{}sys_{i}", if i == 0 { "" } else { ", " });
    }
    s.push_str("]\n}\n\n");
    for i in 0..systems {
        let _ = write!(
            s,
            r#"person owner_{i} "Owner {i}" {{ email: "owner{i}@example.org" }}

system sys_{i} "Decision support model {i}" {{
  owner: owner_{i}
  purpose: "Ranks incoming cases number {i} for human review"
  intended_use: "Advisory only; a trained reviewer makes every decision"
  stage: operation_and_monitoring
  status: active
}}

risk risk_{i} "Lower accuracy for under-represented groups in system {i}" {{
  system: sys_{i}
  owner: owner_{i}
  objective: fairness
  likelihood: possible
  impact: moderate
  treatment {{
    option: mitigate
    owner: owner_{i}
    controls: [{c}]
    due: 2027-03-31
  }}
}}

impact_assessment aia_{i} "Impact assessment of system {i}" {{
  system: sys_{i}
  date: 2026-06-{day:02}
  assessor: owner_{i}
  individuals: "People whose cases are ranked low may wait longer"
}}

review review_{i} {{ of: [sys_{i}]  interval: 3 months  last: 2026-10-{day:02}  reviewer: owner_{i} }}

"#,
            c = ANNEX_A[i % ANNEX_A.len()],
            day = 1 + i % 28,
        );
        for k in 0..OWN_CONTROLS {
            let _ = writeln!(
                s,
                "control ctl_{i}_{k} \"Check {k} of system {i}\" {{\n  applicable: yes\n  justification: \"Asked for by the system's assessment\"\n  status: implemented\n  owner: owner_{i}\n  systems: [sys_{i}]\n  based_on: [iso42001:{}]\n}}\n",
                ANNEX_A[(i + k) % ANNEX_A.len()]
            );
        }
    }
    s
}
