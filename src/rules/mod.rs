//! The rule language: `rule` blocks written in aims (the stdlib's and the organisation's own)
//! are checked against the schema ([`check`]) and evaluated over the Model ([`eval`]).
//!
//! A rule ranges over the items of a kind, keeps those that pass its `where`, and reports each
//! one that fails its `require`. Findings carry the rule's id as their code, its clause
//! references, and point at the item at fault. Waivers (`waive RULE for ITEM { ... }`) set a
//! finding aside until they expire; a waived finding is counted, never hidden without a trace.

mod check;
mod columns;
pub mod eval;
pub mod ir;
mod place;

use crate::diagnostics::{codes, did_you_mean, Diagnostic, Severity};
use crate::sema::schema::KindId;
use crate::sema::{Model, NodeId, ValueKind};
use crate::source::Origin;
use crate::syntax::ast;
use indexmap::IndexMap;
use ir::{Rule, Source};
use rustc_hash::FxHashMap as HashMap;

/// Every rule of a run, stdlib rules first, by id.
#[derive(Debug, Default)]
pub struct RuleSet {
    pub rules: IndexMap<String, Rule>,
}

/// Checks every `rule` block of the model. Problems in a rule are reported in its own file.
pub fn load(model: &Model, diags: &mut Vec<Diagnostic>) -> RuleSet {
    let mut set = RuleSet::default();
    for (file, origin, decl) in &model.rules {
        let mut checker = check::Checker::new(model, *file);
        let settings = settings(model, *file, decl, &mut checker.diags);
        if decl.body.is_none() {
            // A rule without a body in a spec changes the severity of an existing rule.
            match set.rules.get_mut(decl.id.text.as_str()) {
                Some(existing) => {
                    if let Some(sev) = settings.severity {
                        existing.severity = sev;
                    }
                }
                None => {
                    let help = did_you_mean(&decl.id.text, set.rules.keys().map(|k| k.as_str()));
                    let d = Diagnostic::new(
                        codes::UNKNOWN_RULE,
                        format!(
                            "`{}` has no `for ... require ... message` body and is not the id of a rule",
                            decl.id.text
                        ),
                    )
                    .primary(*file, decl.id.span, "no such rule")
                    .help(help.unwrap_or_else(|| {
                        "to change a rule's severity, use the id of an existing rule (`aims rules` lists them); \
                         to write a new rule, give it a body"
                            .into()
                    }));
                    checker.diags.push(d);
                }
            }
            diags.extend(checker.diags);
            continue;
        }
        if let Some(first) = set.rules.get(decl.id.text.as_str()) {
            checker.diags.push(
                Diagnostic::new(codes::DUPLICATE_RULE, format!("there is already a rule `{}`", decl.id.text))
                    .primary(*file, decl.id.span, "declared again here")
                    .secondary(first.file, first.span, "first declared here")
                    .help("give the new rule an id of its own; to change an existing rule's severity, write only `severity:`"),
            );
            diags.extend(checker.diags);
            continue;
        }
        let mut missing = Vec::new();
        if decl.title.is_none() {
            missing.push("a title");
        }
        if settings.refs.is_empty() && *origin == Origin::Stdlib {
            missing.push("`refs`");
        }
        if settings.severity.is_none() {
            missing.push("`severity`");
        }
        if settings.doc.is_none() && *origin == Origin::Stdlib {
            missing.push("`doc`");
        }
        if !missing.is_empty() {
            checker.diags.push(
                Diagnostic::new(
                    codes::RULE_DECLARATION,
                    format!(
                        "the rule `{}` has no {}",
                        decl.id.text,
                        crate::sema::schema::join_or(&missing.iter().map(|s| s.to_string()).collect::<Vec<_>>())
                    ),
                )
                .primary(*file, decl.id.span, "incomplete rule")
                .help("see docs/rules.md for the parts of a rule"),
            );
        }
        let body = decl.body.as_ref().and_then(|b| checker.body(b));
        let severity = settings.severity.unwrap_or(Severity::Error);
        set.rules.insert(
            decl.id.text.to_string(),
            Rule {
                id: decl.id.text.to_string(),
                title: decl.title.as_ref().map(|t| t.value.clone()).unwrap_or_default(),
                severity,
                default_severity: severity,
                refs: settings.refs,
                doc: settings.doc.unwrap_or_default(),
                origin: *origin,
                file: *file,
                span: decl.id.span,
                body,
            },
        );
        diags.extend(checker.diags);
    }
    set
}

struct Settings {
    refs: Vec<String>,
    severity: Option<Severity>,
    doc: Option<String>,
}

fn settings(model: &Model, file: crate::source::FileId, decl: &ast::RuleDecl, diags: &mut Vec<Diagnostic>) -> Settings {
    let mut s = Settings { refs: Vec::new(), severity: None, doc: None };
    for f in &decl.fields {
        match (f.name.text.as_str(), &f.value.kind) {
            ("severity", ast::ValueKind::Word(w)) if check::severity(w).is_some() => s.severity = check::severity(w),
            ("doc", ast::ValueKind::Text(t) | ast::ValueKind::String(t)) => s.doc = Some(t.clone()),
            ("refs", ast::ValueKind::List(items)) => {
                for item in items {
                    match &item.kind {
                        ast::ValueKind::StdRef { standard, clause }
                            if model.lookup(standard).and_then(|t| model.anchor(t, clause)).is_some() =>
                        {
                            s.refs.push(format!("{standard}:{clause}"))
                        }
                        _ => diags.push(
                            Diagnostic::new(
                                codes::UNKNOWN_STANDARD_REF,
                                "a rule's `refs` lists clauses and controls of a standard",
                            )
                            .primary(file, item.span, "not a known clause or control")
                            .help("write references such as `iso42001:6.1.3` or `iso42001:A.7.4`"),
                        ),
                    }
                }
            }
            (name @ ("severity" | "doc" | "refs"), _) => {
                let want = match name {
                    "severity" => "`error`, `warning` or `note`",
                    "doc" => "a text",
                    _ => "a list of standard references",
                };
                diags.push(
                    Diagnostic::new(codes::RULE_DECLARATION, format!("a rule's `{name}` must be {want}")).primary(
                        file,
                        f.value.span,
                        format!("expected {want}"),
                    ),
                );
            }
            (other, _) => {
                let help = did_you_mean(other, ["refs", "severity", "doc"]);
                diags.push(
                    Diagnostic::new(codes::RULE_DECLARATION, format!("a rule has no setting `{other}`"))
                        .primary(file, f.name.span, "unknown setting")
                        .help(help.unwrap_or_else(|| "a rule's settings are `refs`, `severity` and `doc`".into())),
                );
            }
        }
    }
    s
}

/// The outcome of running the rules.
#[derive(Debug, Default)]
pub struct Outcome {
    pub findings: Vec<Diagnostic>,
    /// Findings set aside by a waiver still in force.
    pub waived: usize,
    /// For each rule, how many items it looked at and how many failed (for the gap analysis).
    pub stats: IndexMap<String, (usize, usize)>,
    /// For each rule that ran, the items behind its verdict (for the gap analysis and the
    /// regulation view: which items an obligation applied to).
    pub items: IndexMap<String, RuleItems>,
}

/// What one rule run looked at, item by item.
#[derive(Debug, Default, Clone)]
pub struct RuleItems {
    /// How many items the rule's `for` ranged over, before its `where` (1 for a rule about the
    /// spec as a whole).
    pub ranged: usize,
    /// The spec's items behind the verdict, in model order. For a rule with `for`, each item
    /// of the spec that passed its `where`. For a rule about the spec as a whole, or over
    /// catalogue entries of the stdlib, the spec's items for which one of its quantifiers'
    /// conditions held (`any d in document where ...` found `d`): empty when the rule passed
    /// without finding anything it applies to, which is a vacuous pass, not a met requirement.
    pub evaluated: Vec<NodeId>,
    /// The items with a finding (waived ones included); a finding about the spec as a whole
    /// has no item and is only counted in `findings`.
    pub failed: Vec<NodeId>,
    pub findings: usize,
    /// Whether the verdict is about the spec as a whole (a rule without `for`, or over
    /// catalogue entries): `evaluated` then holds what its quantifiers found, not its subjects.
    pub whole_spec: bool,
}

impl RuleItems {
    /// Whether the rule looked at something of the spec, or reported something.
    pub fn applied(&self) -> bool {
        !self.evaluated.is_empty() || self.findings > 0
    }
}

/// Runs every rule over the model, as of `today`.
pub fn evaluate(model: &Model, set: &RuleSet, today: jiff::civil::Date, diags: &mut Vec<Diagnostic>) -> Outcome {
    evaluate_only(model, set, None, today, diags)
}

/// Runs the rules named in `only` (every rule when `None`; `aims check --only`). Rules do not
/// depend on one another, so a rule left out costs nothing, and rules run in parallel; the
/// outcome is gathered in rule order, the same whatever thread ran what.
pub fn evaluate_only(
    model: &Model,
    set: &RuleSet,
    only: Option<&[String]>,
    today: jiff::civil::Date,
    diags: &mut Vec<Diagnostic>,
) -> Outcome {
    use rayon::prelude::*;
    let tables = columns::Tables::new(model);
    let waivers = waivers(model, set, today, diags);
    let mut out = Outcome::default();
    let Some(first) = set.rules.values().next() else { return out };
    let running: Vec<(&Rule, &ir::Body)> = set
        .rules
        .values()
        .filter(|rule| only.is_none_or(|only| only.contains(&rule.id)))
        .filter_map(|rule| Some((rule, rule.body.as_ref()?)))
        .collect();
    // One set of columns for the whole run, filled kind by kind as rules first read them.
    let columns = columns::Columns::new(model.schema.kinds.len(), running.iter().map(|(_, body)| *body));
    let env = || eval::Env::new(model, today, &tables, &columns, first.file);
    // "Did you mean" (`nearest`) spends the budget of the thread it runs on, in order: the
    // rules that use it run here, in rule order, while the others run on the pool.
    let (serial, parallel): (Vec<usize>, Vec<usize>) =
        (0..running.len()).partition(|&i| spends_suggestions(running[i].1));
    let mut runs: Vec<Option<Run>> = (0..running.len()).map(|_| None).collect();
    let (mut mine, theirs) = (Vec::new(), std::sync::Mutex::new(Vec::new()));
    rules_pool().in_place_scope(|scope| {
        scope.spawn(|_| {
            let done: Vec<(usize, Run)> = parallel
                .par_iter()
                .map_init(env, |env, &i| (i, run_rule(env, running[i].0, running[i].1, &waivers)))
                .collect();
            *theirs.lock().unwrap_or_else(|e| e.into_inner()) = done;
        });
        let mut env = env();
        mine.extend(serial.iter().map(|&i| (i, run_rule(&mut env, running[i].0, running[i].1, &waivers))));
    });
    for (i, r) in mine.into_iter().chain(theirs.into_inner().unwrap_or_else(|e| e.into_inner())) {
        runs[i] = Some(r);
    }
    // One report per place where a date falls off the calendar, however many rules compute it.
    let mut overflowed: HashMap<(crate::source::FileId, u32), ()> = HashMap::default();
    for ((rule, _), r) in running.iter().zip(runs) {
        let Some(r) = r else { continue };
        for d in r.overflows {
            let at = d.labels.first().map(|l| (l.file, l.span.start));
            if at.is_none_or(|at| overflowed.insert(at, ()).is_none()) {
                diags.push(d);
            }
        }
        out.findings.extend(r.findings);
        out.waived += r.waived;
        out.stats.insert(rule.id.clone(), (r.seen, r.failed));
        out.items.insert(rule.id.clone(), r.items);
    }
    out
}

/// The threads that run rules, with stacks deep enough for the deepest condition the syntax
/// allows (see [`crate::syntax::depth`]). One pool for the process, built on first use.
fn rules_pool() -> &'static rayon::ThreadPool {
    static POOL: std::sync::OnceLock<rayon::ThreadPool> = std::sync::OnceLock::new();
    POOL.get_or_init(|| {
        rayon::ThreadPoolBuilder::new()
            .thread_name(|i| format!("aims-rules-{i}"))
            .stack_size(64 << 20)
            .build()
            .expect("a thread pool can be built")
    })
}

/// Whether a rule's body uses `nearest`, which spends the thread's budget for suggestions.
fn spends_suggestions(body: &ir::Body) -> bool {
    let mut found = false;
    columns::each_ex(body, &mut |e| found |= matches!(e, ir::Ex::Nearest(..)));
    found
}

/// What one rule found, before it joins the outcome.
struct Run {
    findings: Vec<Diagnostic>,
    /// Dates the rule computed that fell off the calendar, one diagnostic each.
    overflows: Vec<Diagnostic>,
    waived: usize,
    seen: usize,
    failed: usize,
    items: RuleItems,
}

fn run_rule<'a>(
    env: &mut eval::Env<'a>,
    rule: &'a Rule,
    body: &'a ir::Body,
    waivers: &HashMap<(&str, NodeId), ()>,
) -> Run {
    let (model, tables) = (env.model, env.tables);
    let mut out =
        Run { findings: Vec::new(), overflows: Vec::new(), waived: 0, seen: 0, failed: 0, items: RuleItems::default() };
    env.start(rule.file, &rule.id, body);
    let items = env.source(&body.source);
    let (mut seen, mut failed) = (0, 0);
    let mut record = RuleItems { ranged: items.len(), ..RuleItems::default() };
    let mut group = Vec::new();
    for i in 0..items.len() {
        let item = items.get(i);
        env.slots[0] = item.clone();
        // An item of the spec is itself the evidence; for the spec as a whole or a
        // catalogue entry, what the rule's quantifiers found in the spec is.
        let own = match item {
            eval::Val::Node(n) if tables.meta(n).spec => Some(n),
            _ => None,
        };
        if own.is_none() {
            env.witnesses = Some(Vec::new());
            record.whole_spec = true;
        }
        let passes_filter = body.filter.as_ref().is_none_or(|f| env.test(f));
        let holds = passes_filter && env.test(&body.require);
        let fell_off = env.overflow.is_some();
        let found = env.witnesses.take();
        if passes_filter || fell_off {
            match (own, found) {
                (Some(n), _) => record.evaluated.push(n),
                (None, Some(found)) => record.evaluated.extend(found),
                (None, None) => {}
            }
        }
        if fell_off || (passes_filter && !holds) {
            record.findings += 1;
            if let eval::Val::Node(n) = item {
                record.failed.push(n);
            }
        }
        // A date the rule computes fell off the calendar: whether the item is due is not
        // known, and the author is told why instead of reading "overdue".
        if let Some(d) = env.overflow.take() {
            seen += 1;
            failed += 1;
            out.overflows.push(d);
            continue;
        }
        if !passes_filter {
            continue;
        }
        seen += 1;
        if holds {
            continue;
        }
        failed += 1;
        if let eval::Val::Node(node) = item {
            if is_waived(model, waivers, &rule.id, node) {
                out.waived += 1;
                continue;
            }
        }
        if body.group {
            group.push(item);
            continue;
        }
        let item = match item {
            eval::Val::Node(n) => Some(n),
            _ => None,
        };
        if let Some(d) = finding(env, rule, body, item, &[], waivers, &mut out.waived) {
            out.findings.push(d);
        }
    }
    if !group.is_empty() {
        // One finding for every item that fails: the variable now holds them all.
        let (mut nodes, mut about) = (Vec::new(), Vec::new());
        for v in &group {
            if let eval::Val::Node(n) = v {
                let node = model.node(*n);
                if node.origin == Origin::Spec {
                    nodes.push(*n);
                }
                about.extend(node.id.as_deref().map(str::to_string));
            }
        }
        env.slots[0] = eval::Val::List(group);
        if let Some(mut d) = finding(env, rule, body, nodes.first().copied(), &nodes, waivers, &mut out.waived) {
            d.about = about;
            out.findings.push(d);
        }
    }
    // Several quantifiers (or items) may have found the same item.
    // `failed` is searched by the regulation view, so both lists are kept sorted.
    for list in [&mut record.evaluated, &mut record.failed] {
        if own_items_unordered(list) {
            list.sort_unstable();
            list.dedup();
        }
        // Kept with the outcome for the whole run: without the room left by growing
        // (151 rules over a large spec hold millions of these).
        list.shrink_to_fit();
    }
    (out.seen, out.failed, out.items) = (seen, failed, record);
    out
}

/// Whether `v` is not strictly increasing (and needs sorting before dedup). Items of a `for`
/// come in model order, so the common case costs one pass.
fn own_items_unordered(v: &[NodeId]) -> bool {
    v.windows(2).any(|w| w[0] >= w[1])
}

/// The finding of `rule` about `item` (an item of the spec or an entry of a catalogue; `None`
/// for the spec as a whole), with the rule's variables as they are in `env`. `also`: the other
/// items of a `group` finding, shown beside its place. `None` when a waiver sets the finding
/// aside (counted in `waived`).
fn finding<'a>(
    env: &mut eval::Env<'a>,
    rule: &'a Rule,
    body: &'a ir::Body,
    item: Option<NodeId>,
    also: &[NodeId],
    waivers: &HashMap<(&str, NodeId), ()>,
    waived: &mut usize,
) -> Option<Diagnostic> {
    let model = env.model;
    let message = env.render(&body.message);
    let help = body.help.as_ref().map(|h| env.render(h));
    let label = match &body.label {
        Some(l) => env.render(l),
        None => place::default_label(&rule.title),
    };
    let pointed = place::at(env, &body.at);
    // The message is shown as it can be; a date in it that falls off the calendar reads
    // "(none)" and is not a second problem.
    env.overflow = None;
    let in_spec = item.filter(|n| model.node(*n).origin == Origin::Spec);
    let place = pointed.or(in_spec).or_else(|| place::fallback(model, &env.tables.nodes_of_kind, body));
    if let Some(p) = place.filter(|p| Some(*p) != in_spec) {
        // A finding placed elsewhere than its item can be waived for the item it points at.
        if is_waived(model, waivers, &rule.id, p) {
            *waived += 1;
            return None;
        }
    }
    let mut d = Diagnostic::with_code(rule.id.clone(), rule.severity, message).help_opt(help);
    d = match place {
        Some(p) => {
            let n = model.node(p);
            d.primary(n.file, n.header, label)
        }
        // A spec without a single item (only comments): its first file.
        None => d.primary(*model.spec_files.first()?, crate::source::Span::new(0, 0), label),
    };
    if let Some(item) = item.filter(|n| Some(*n) != place) {
        let n = model.node(item);
        // A finding about a catalogue entry (a control without a decision, say) is a gap in
        // the spec: it points at the spec, and shows the entry beside it.
        let why = if n.origin == Origin::Stdlib { "required by this entry of the standard" } else { "about this item" };
        d = d.secondary(n.file, n.header, why);
    }
    let also: Vec<NodeId> = also.iter().copied().filter(|n| Some(*n) != place && Some(*n) != item).collect();
    for n in also.iter().take(place::MAX_ALSO) {
        let node = model.node(*n);
        d = d.secondary(node.file, node.header, "and here");
    }
    if also.len() > place::MAX_ALSO {
        d = d.note(match also.len() - place::MAX_ALSO {
            1 => "and 1 more item".to_string(),
            more => format!("and {more} more items"),
        });
    }
    d.refs = rule.refs.clone();
    Some(d)
}

/// Whether a waiver in force sets aside `rule`'s finding about `node` (a waiver names the item
/// or the top-level item it sits in).
fn is_waived(model: &Model, waivers: &HashMap<(&str, NodeId), ()>, rule: &str, node: NodeId) -> bool {
    let top = model.top_level(node).unwrap_or(node);
    waivers.contains_key(&(rule, top)) || waivers.contains_key(&(rule, node))
}

/// `aims query`: the nodes that the `for x in KIND where COND` of `body` keeps, in model order.
/// The body is type-checked like a rule's, and its problems reported in `file`; its `require`
/// and `message` are not used. `None` when the body has problems.
pub fn select(
    model: &Model,
    file: crate::source::FileId,
    body: &ast::RuleBody,
    today: jiff::civil::Date,
    diags: &mut Vec<Diagnostic>,
) -> Option<Vec<NodeId>> {
    let mut checker = check::Checker::new(model, file);
    let checked = checker.body(body);
    let failed = !checker.diags.is_empty();
    diags.extend(checker.diags);
    let body = checked.filter(|_| !failed)?;
    let tables = columns::Tables::new(model);
    let columns = columns::Columns::new(model.schema.kinds.len(), [&body]);
    let mut env = eval::Env::new(model, today, &tables, &columns, file);
    env.start(file, "query", &body);
    let items = env.source(&body.source);
    let mut out = Vec::new();
    for i in 0..items.len() {
        let item = items.get(i);
        env.slots[0] = item.clone();
        if body.filter.as_ref().is_none_or(|f| env.test(f)) {
            if let eval::Val::Node(node) = item {
                out.push(node);
            }
        }
    }
    // A date that falls off the calendar while answering is reported like a rule's.
    diags.extend(env.overflow.take());
    Some(out)
}

/// Waivers in force, by (rule, item). Unknown rules and items are reported here.
fn waivers<'m>(
    model: &'m Model,
    set: &RuleSet,
    today: jiff::civil::Date,
    diags: &mut Vec<Diagnostic>,
) -> HashMap<(&'m str, NodeId), ()> {
    let mut out = HashMap::default();
    for w in &model.waivers {
        let node = model.node(w.node);
        if !set.rules.contains_key(w.rule.text.as_str()) {
            let help = did_you_mean(&w.rule.text, set.rules.keys().map(|k| k.as_str()));
            diags.push(
                Diagnostic::new(codes::UNKNOWN_RULE, format!("there is no rule `{}` to waive", w.rule.text))
                    .primary(node.file, w.rule.span, "unknown rule")
                    .help(help.unwrap_or_else(|| "`aims rules` lists the rules".into())),
            );
            continue;
        }
        let Some(target) = model.lookup(&w.target.text) else {
            diags.push(
                Diagnostic::new(
                    codes::UNKNOWN_REFERENCE,
                    format!("the waiver is for `{}`, which is not declared", w.target.text),
                )
                .primary(node.file, w.target.span, "no item with this ID"),
            );
            continue;
        };
        let in_force = match node.fields.get(crate::contract::WAIVER_EXPIRES).map(|v| &v.kind) {
            Some(ValueKind::Date(d)) => *d >= today,
            _ => false,
        };
        if in_force {
            out.insert((w.rule.text.as_str(), target), ());
        }
    }
    out
}

/// The kinds a rule's conditions search (`any d in document ...`), in the order written, for
/// saying what a rule about the spec as a whole looked for when it found nothing.
pub fn kinds_searched<'m>(model: &'m Model, rule: &Rule) -> Vec<&'m str> {
    let mut kinds = Vec::new();
    if let Some(body) = &rule.body {
        if let Some(f) = &body.filter {
            place::ex_kinds(f, &mut kinds);
        }
        place::ex_kinds(&body.require, &mut kinds);
    }
    let mut seen: Vec<KindId> = Vec::new();
    for k in kinds {
        if !seen.contains(&k) {
            seen.push(k);
        }
    }
    seen.into_iter().map(|k| model.schema.kind(k).name.as_str()).collect()
}

/// Whether a rule ranges over a kind (for listing).
pub fn ranges_over<'m>(model: &'m Model, rule: &Rule) -> Option<&'m str> {
    match rule.body.as_ref()?.source {
        Source::Kind(k) | Source::Referrers { kind: k, .. } | Source::Named { kind: k, .. } => {
            Some(&model.schema.kind(k).name)
        }
        Source::Expr(_) | Source::Once => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The stdlib and an example of the repository with gaps, as one model.
    fn gaps_example() -> Model {
        let mut db = crate::compile::stdlib_db();
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/midsize-insurer-gaps");
        let mut names: Vec<_> = std::fs::read_dir(&dir).unwrap().flatten().map(|e| e.path()).collect();
        names.retain(|p| p.extension().is_some_and(|x| x == "aims"));
        names.sort();
        for p in names {
            let text = std::fs::read_to_string(&p).unwrap();
            db.add(crate::source::SourceFile::new(p.display().to_string(), text, Origin::Spec));
        }
        let files = db.iter().map(|(id, f)| (id, f.origin, crate::syntax::parse(&f.text, id).0)).collect();
        crate::sema::analyze(files, &mut Vec::new())
    }

    /// What a run reports, as text that can be compared.
    fn shown(out: &Outcome) -> Vec<String> {
        out.findings.iter().map(|d| format!("{} {} {:?} {:?}", d.code, d.message, d.labels, d.refs)).collect()
    }

    #[test]
    fn rules_run_in_parallel_report_in_rule_order_as_if_run_one_at_a_time() {
        let model = gaps_example();
        let set = load(&model, &mut Vec::new());
        let today = jiff::civil::date(2026, 11, 22);
        let all = evaluate(&model, &set, today, &mut Vec::new());
        assert!(all.findings.len() >= 5, "the example has gaps: {} findings", all.findings.len());
        // Each rule alone, in the set's order: the same findings, in the same order.
        let mut one_by_one = Vec::new();
        for id in set.rules.keys() {
            let only = [id.clone()];
            let alone = evaluate_only(&model, &set, Some(&only), today, &mut Vec::new());
            assert_eq!(alone.stats.get(id), all.stats.get(id), "{id}");
            one_by_one.extend(shown(&alone));
        }
        assert_eq!(shown(&all), one_by_one);
        let ran: Vec<&String> = set.rules.values().filter(|r| r.body.is_some()).map(|r| &r.id).collect();
        assert_eq!(all.stats.keys().collect::<Vec<_>>(), ran, "stats are in rule order");
        // And again: the same bytes, whichever thread ran which rule.
        for _ in 0..3 {
            let again = evaluate(&model, &set, today, &mut Vec::new());
            assert_eq!(shown(&again), shown(&all));
            assert_eq!(format!("{:?}", again.items), format!("{:?}", all.items));
        }
    }

    #[test]
    fn a_referrer_names_the_field_it_refers_through() {
        let model = gaps_example();
        let risk = model.schema.kind_id("risk").unwrap();
        let r = model.items_of(risk)[0];
        let ValueKind::Ref(system) = model.node(r).fields.get("system").unwrap().kind else { panic!("a system") };
        let through: Vec<&str> =
            model.referrers(system).iter().filter(|x| x.from == r).map(|x| model.referrer_field(x)).collect();
        assert_eq!(through, ["system"]);
    }

    #[test]
    fn only_the_rules_that_use_nearest_spend_the_suggestion_budget() {
        let model = gaps_example();
        let set = load(&model, &mut Vec::new());
        let spending: Vec<&str> = set
            .rules
            .values()
            .filter(|r| r.body.as_ref().is_some_and(spends_suggestions))
            .map(|r| r.id.as_str())
            .collect();
        // The stdlib's two Annex A rules that suggest a control for an unknown one.
        assert_eq!(spending.len(), 2, "{spending:?}");
    }
}
