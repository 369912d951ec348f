//! Organisation-specific risk scoring, in a sandboxed rhai script.
//!
//! The script (stdlib/scoring/default.rhai, or the organisation's own, named by the `scoring`
//! field of its `organization`) defines `fn score(risk)` and `fn level(score)`; see
//! docs/scoring.md for the contract. The script is compiled once per run and called per risk.
//! Before any risk is scored, the level function is checked over every cell of the likelihood
//! x impact scales (it must return a declared level for each) and the score for monotony.
//! Scores and levels are written into the Model as computed fields (`r.score`, `r.level`,
//! `t.residual.level`, `r.above_appetite`) for the rules and reports to read.

mod input;
mod memo;
mod sandbox;

use crate::contract as c;
use crate::diagnostics::{codes, Diagnostic};
use crate::sema::schema::{EnumId, Type};
use crate::sema::{Model, NodeId, Value, ValueKind};
use crate::source::{FileId, SourceFile, Span};
use rayon::prelude::*;
use rhai::{Dynamic, EvalAltResult, AST};
use serde::Serialize;
use std::sync::Arc;

/// A scored risk (inherent) and its treatments' residual scores.
#[derive(Debug, Clone, Serialize)]
pub struct Scored {
    #[serde(skip)]
    pub risk: NodeId,
    pub score: f64,
    /// Shared with every other risk of the same level: a large spec has tens of thousands.
    pub level: Arc<str>,
    pub residual: Vec<ResidualScore>,
    /// The level the appetite is compared with: the highest residual level, or the inherent
    /// level when no treatment records a residual.
    pub effective_level: Arc<str>,
    pub above_appetite: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct ResidualScore {
    #[serde(skip)]
    pub treatment: NodeId,
    pub score: f64,
    pub level: Arc<str>,
}

/// One cell of the likelihood x impact matrix.
#[derive(Debug, Clone, Serialize)]
pub struct Cell {
    pub likelihood: String,
    pub impact: String,
    pub score: f64,
    pub level: String,
}

/// A risk with a likelihood and an impact that could not be scored, and why.
#[derive(Debug, Clone, Serialize)]
pub struct Unscored {
    #[serde(skip)]
    pub risk: NodeId,
    pub reason: String,
}

#[derive(Debug, Default, Serialize)]
pub struct Scoring {
    /// The script used, as shown to the user.
    pub script: String,
    pub levels: Vec<String>,
    pub appetite: Option<String>,
    pub likelihoods: Vec<String>,
    pub impacts: Vec<String>,
    pub matrix: Vec<Cell>,
    pub risks: Vec<Scored>,
    /// Risks the script failed on, or that were not scored after a runaway; never left out.
    pub unscored: Vec<Unscored>,
}

/// Scores every risk of the model with the script in `file` of `db`, writing the computed
/// fields. Returns `None` when the script cannot be used; the reasons are in `diags`.
pub fn run(model: &mut Model, script: &SourceFile, file: FileId, diags: &mut Vec<Diagnostic>) -> Option<Scoring> {
    let schema = &model.schema;
    let levels_enum = schema.enums.get_index_of(c::LEVELS)?;
    let risk_kind = schema.kind_id(c::RISK)?;
    let scale = |field: &str| match schema.kind(risk_kind).fields.get(field).map(|f| &f.ty) {
        Some(Type::Enum(e)) => Some(*e),
        _ => None,
    };
    let (l_enum, i_enum) = (scale(c::LIKELIHOOD)?, scale(c::IMPACT)?);
    let levels: Vec<String> = schema.enum_def(levels_enum).members.keys().cloned().collect();
    let likelihoods: Vec<String> = schema.enum_def(l_enum).members.keys().cloned().collect();
    let impacts: Vec<String> = schema.enum_def(i_enum).members.keys().cloned().collect();

    let sandbox = sandbox::Sandbox::new();
    let ast = match sandbox.engine.compile(&script.text) {
        Ok(ast) => ast,
        Err(e) => {
            let empty = AST::empty();
            let s = Runner::new(&sandbox, &empty, script, file, 0);
            let span = s.span_at(e.position());
            diags.push(
                Diagnostic::new(
                    codes::SCRIPT_SYNTAX,
                    format!("the scoring script does not parse: {}", lower(&e.err_type().to_string())),
                )
                .primary(file, span, "here")
                .help("the script is written in rhai; see docs/scoring.md"),
            );
            return None;
        }
    };
    let mut s = Runner::new(&sandbox, &ast, script, file, 0);
    for (name, sig) in [(c::FN_SCORE, "fn score(risk)"), (c::FN_LEVEL, "fn level(score)")] {
        if !s.ast.iter_functions().any(|f| f.name == name && f.params.len() == 1) {
            s.diags.push(
                Diagnostic::new(codes::SCRIPT_MISSING_FN, format!("the scoring script has no `{sig}`"))
                    .primary(file, Span::new(0, script.text.find('\n').unwrap_or(script.text.len())), "in this script")
                    .help(format!("define `{sig} {{ ... }}`; docs/scoring.md describes what it receives and returns")),
            );
            s.failed = true;
        }
    }
    if s.failed {
        diags.append(&mut s.diags);
        return None;
    }

    // Totality and monotony over every cell of the scales.
    let mut matrix = Vec::new();
    let mut grid = vec![vec![None; likelihoods.len()]; impacts.len()];
    let mut cells = rustc_hash::FxHashMap::default();
    // Cells go from the lowest risk up; the first failure stops the check, since the same
    // mistake would repeat in every cell after it.
    'cells: for (ii, impact) in impacts.iter().enumerate() {
        for (li, likelihood) in likelihoods.iter().enumerate() {
            if s.failed {
                break 'cells;
            }
            let risk = input::cell(likelihood, li, impact, ii);
            let what = format!("the cell likelihood `{likelihood}` x impact `{impact}`");
            let what = || what.clone();
            let Some(score) = s.score(None, || Dynamic::from_map(risk), &what, None) else { continue };
            let Some(level) = s.level(&mut cells, score, &levels, &what, None) else { continue };
            grid[ii][li] = Some(score);
            matrix.push(Cell {
                likelihood: likelihood.clone(),
                impact: impact.clone(),
                score,
                level: levels[level].clone(),
            });
        }
    }
    s.monotony(&grid, &likelihoods, &impacts);
    diags.append(&mut s.diags);
    if s.failed {
        return None;
    }

    // Risks are independent: score them in parallel, then write the results in order. Each
    // worker keeps the results of the inputs it has seen (memo.rs says why that is sound).
    let appetite = appetite(model, levels_enum);
    let plan = memo::Plan::of(&ast, c::FN_SCORE);
    let systems = match plan {
        Some(_) => input::Systems::lazy(),
        None => input::Systems::new(model, model.items_of(risk_kind)),
    };
    let items = model.items_of(risk_kind);
    // Each rayon job starts with an empty memo: with the memo a risk takes well under a
    // microsecond, so one job per thread (each risk's share of the estate in one piece) keeps
    // the calls at one per distinct input and thread. Without it, each risk is a call of its
    // own, spread as finely as rayon likes.
    let per_job = match plan {
        Some(_) => items.len().div_ceil(rayon::current_num_threads().max(1)).max(512),
        None => 1,
    };
    let computed: Vec<(Outcome, Vec<Diagnostic>)> = items
        .par_iter()
        .enumerate()
        .with_min_len(per_job)
        .map_init(memo::Memo::default, |memo, (index, &risk)| {
            let mut s = Runner::new(&sandbox, &ast, script, file, index);
            let c = compute(model, &systems, plan.as_ref(), memo, &mut s, risk, &levels);
            (c, s.diags)
        })
        .collect();
    let mut risks = Vec::new();
    let mut unscored = Vec::new();
    let mut skipped = 0;
    let first = diags.len();
    // Every risk after the first runaway (in file order) is unscored, whatever its thread did.
    let first_runaway = sandbox.first_runaway().unwrap_or(usize::MAX);
    // The level names, shared by every scored risk; and the computed fields, queued here in
    // file order and written after the loop, on the pool.
    let names: Vec<Arc<str>> = levels.iter().map(|l| Arc::from(l.as_str())).collect();
    let mut writes = Writes::new(model, &computed);
    for (index, (c, mut d)) in computed.into_iter().enumerate() {
        let c = match c {
            Outcome::Scored(Computed { risk, .. }) | Outcome::Failed(risk, _) if index > first_runaway => {
                Outcome::Skipped(risk)
            }
            c => c,
        };
        if !matches!(c, Outcome::Skipped(_)) {
            diags.append(&mut d);
        }
        match c {
            Outcome::Scored(c) => risks.push(apply(&mut writes, c, &names, appetite)),
            Outcome::NoScales => {}
            Outcome::Failed(risk, reason) => unscored.push(Unscored { risk, reason }),
            Outcome::Skipped(risk) => {
                skipped += 1;
                let reason = "not scored: scoring stopped when the script ran too long on an earlier risk".to_string();
                unscored.push(Unscored { risk, reason });
            }
        }
    }
    writes.apply(model, levels_enum);
    // The runaway is reported once, with the count of the risks it left unscored.
    if skipped > 0 {
        if let Some(d) = diags[first..].iter_mut().find(|d| d.code == codes::SCRIPT_RUNAWAY.id) {
            let others =
                if skipped == 1 { "1 other risk was".to_string() } else { format!("{skipped} other risks were") };
            d.notes.push(format!("{others} not scored: scoring stops at the first risk the script runs away on"));
        }
    }
    Some(Scoring {
        script: script.name.clone(),
        levels,
        appetite: appetite.map(|a| {
            model.schema.enum_def(levels_enum).members.get_index(a as usize).map(|(m, _)| m.clone()).unwrap_or_default()
        }),
        likelihoods,
        impacts,
        matrix,
        risks,
        unscored,
    })
}

/// Scores of one risk, computed without touching the Model.
struct Computed {
    risk: NodeId,
    score: f64,
    level: usize,
    /// (treatment, its residual block, score, level)
    residual: Vec<(NodeId, NodeId, f64, usize)>,
}

/// What became of one risk.
enum Outcome {
    Scored(Computed),
    /// No likelihood or impact: nothing to score yet.
    NoScales,
    /// The script failed on it (the diagnostic says how; the reason repeats it for reports).
    Failed(NodeId, String),
    /// Not run: another call ran away first.
    Skipped(NodeId),
}

fn compute(
    model: &Model,
    systems: &input::Systems,
    plan: Option<&memo::Plan>,
    memo: &mut memo::Memo,
    s: &mut Runner,
    risk: NodeId,
    levels: &[String],
) -> Outcome {
    let node = model.node(risk);
    if enum_field(&node.fields, c::LIKELIHOOD).is_none() || enum_field(&node.fields, c::IMPACT).is_none() {
        return Outcome::NoScales;
    }
    let mut inputs = Inputs { model, systems, plan, memo, risk, own: None };
    match scores(model, &mut inputs, s, risk, levels) {
        Some(c) if !s.failed => Outcome::Scored(c),
        _ if s.skipped => Outcome::Skipped(risk),
        _ => {
            let reason = s.diags.last().map_or_else(|| "the scoring script failed".to_string(), |d| d.message.clone());
            Outcome::Failed(risk, reason)
        }
    }
}

/// The inherent and residual scores of a risk; `None` (with the reason in `s`) when a call
/// failed. A residual that fails makes the whole risk unscored: half a result would compare
/// the wrong level with the appetite.
fn scores(model: &Model, inputs: &mut Inputs, s: &mut Runner, risk: NodeId, levels: &[String]) -> Option<Computed> {
    let node = model.node(risk);
    let label = (node.file, node.header);
    // Named only when a message needs it.
    let what = || format!("risk `{}`", model.display_name(risk));
    let score = s.score_risk(inputs, None, &what, Some(label))?;
    let level = s.level(&mut inputs.memo.level, score, levels, &what, Some(label))?;
    let treatments: Vec<NodeId> = match node.fields.get(c::TREATMENT).map(|v| &v.kind) {
        Some(ValueKind::List(items)) => items.iter().filter_map(block_of).collect(),
        Some(ValueKind::Block(b)) => vec![*b],
        _ => Vec::new(),
    };
    let mut residual = Vec::new();
    for t in treatments {
        let Some(res) = model.node(t).fields.get(c::RESIDUAL).and_then(block_of) else { continue };
        let rn = model.node(res);
        if enum_field(&rn.fields, c::LIKELIHOOD).is_none() || enum_field(&rn.fields, c::IMPACT).is_none() {
            continue;
        }
        let label = (rn.file, rn.header);
        let what = || format!("the residual risk of `{}`", model.display_name(risk));
        let rscore = s.score_risk(inputs, Some(res), &what, Some(label))?;
        let rlevel = s.level(&mut inputs.memo.level, rscore, levels, &what, Some(label))?;
        residual.push((t, res, rscore, rlevel));
    }
    Some(Computed { risk, score, level, residual })
}

/// The inputs of one risk's calls: its map (and its residuals') built only for a call whose
/// result is not known yet.
struct Inputs<'a> {
    model: &'a Model,
    systems: &'a input::Systems,
    plan: Option<&'a memo::Plan>,
    memo: &'a mut memo::Memo,
    risk: NodeId,
    /// The risk's own fields, built on first use.
    own: Option<rhai::Map>,
}

impl Inputs<'_> {
    /// The key of the call for the risk (or one of its residuals); `None`: no memo for it.
    fn key(&self, residual: Option<NodeId>) -> Option<Vec<memo::Key>> {
        let plan = self.plan?;
        plan.fields.iter().map(|f| input::key(self.model, self.risk, residual, f)).collect()
    }

    /// The key read from the Model is the key of the map the call would receive (`system`
    /// aside: its key is the system's node, its value that node's map).
    #[cfg(debug_assertions)]
    fn check(&mut self, key: &[memo::Key], residual: Option<NodeId>) {
        let own = self.own.get_or_insert_with(|| input::risk_fields(self.model, self.risk));
        let map = input::risk(self.model, self.systems, own, self.risk, residual);
        let plan = self.plan.map(|p| p.fields.as_slice()).unwrap_or_default();
        for (field, key) in plan.iter().zip(key).filter(|(f, _)| f.as_str() != c::SYSTEM) {
            let from_map = map.get(field.as_str()).map_or(Some(memo::Key::Absent), memo::Key::of);
            debug_assert_eq!(Some(key), from_map.as_ref(), "the memo key of `{field}`");
        }
    }
}

/// Queues one risk's scores as computed fields of the Model, and the record reports read.
fn apply(writes: &mut Writes, c: Computed, names: &[Arc<str>], appetite: Option<u32>) -> Scored {
    let mut residual = Vec::with_capacity(c.residual.len());
    for &(t, res, score, level) in &c.residual {
        writes.push(res, Put::Score(score));
        writes.push(res, Put::Level(level as u32));
        residual.push(ResidualScore { treatment: t, score, level: names[level].clone() });
    }
    // The appetite is compared with the highest residual level, or the inherent level when no
    // treatment records a residual.
    let effective = c.residual.iter().map(|r| r.3).max().unwrap_or(c.level);
    let above = appetite.is_some_and(|a| effective as u32 > a);
    writes.push(c.risk, Put::Score(c.score));
    writes.push(c.risk, Put::Level(c.level as u32));
    writes.push(c.risk, Put::AboveAppetite(above));
    Scored {
        risk: c.risk,
        score: c.score,
        level: names[c.level].clone(),
        residual,
        effective_level: names[effective].clone(),
        above_appetite: above,
    }
}

/// One computed field of a risk or of a residual block.
#[derive(Clone, Copy)]
enum Put {
    Score(f64),
    /// The level's place among the declared levels.
    Level(u32),
    AboveAppetite(bool),
}

impl Put {
    const FIELDS: [&'static str; 3] = [c::SCORE, c::LEVEL, c::ABOVE_APPETITE];

    /// Its field's place in [`Put::FIELDS`], and its value.
    fn value(self, levels_enum: EnumId) -> (usize, ValueKind) {
        match self {
            Put::Score(n) => (0, ValueKind::Decimal(n)),
            Put::Level(i) => (1, ValueKind::Enum(levels_enum, i)),
            Put::AboveAppetite(b) => (2, ValueKind::Bool(b)),
        }
    }
}

/// The computed fields of every scored risk and residual block, written into the Model at the
/// end, those the schema declares (the schema decides what rules can read).
struct Writes {
    /// By kind, the schema's key of each of [`Put::FIELDS`], when the kind declares it as
    /// computed.
    keys: Vec<[Option<crate::sema::model::FieldName>; 3]>,
    /// In the order the risks come.
    queued: Vec<(NodeId, Put)>,
}

impl Writes {
    /// Room for the fields of every scored risk of `computed`, made once.
    fn new(model: &Model, computed: &[(Outcome, Vec<Diagnostic>)]) -> Writes {
        let keys = (model.schema.kinds.values())
            .map(|k| Put::FIELDS.map(|f| k.fields.get(f).filter(|d| d.computed).map(|d| d.key.clone())))
            .collect();
        let room = computed
            .iter()
            .map(|(c, _)| match c {
                Outcome::Scored(c) => 3 + 2 * c.residual.len(),
                _ => 0,
            })
            .sum();
        Writes { keys, queued: Vec::with_capacity(room) }
    }

    fn push(&mut self, node: NodeId, put: Put) {
        self.queued.push((node, put));
    }

    /// Writes every queued field. The node table is cut into runs written on the pool at once:
    /// a run's writes are found by a binary search of the queue sorted by node, and each
    /// node's writes keep their order, so the Model is the same as one written in turn.
    fn apply(self, model: &mut Model, levels_enum: EnumId) {
        const RUN: usize = 4096;
        let Writes { keys, mut queued } = self;
        queued.sort_by_key(|(node, _)| *node);
        model.nodes.par_chunks_mut(RUN).enumerate().for_each(|(run, nodes)| {
            let first = run * RUN;
            let from = queued.partition_point(|(n, _)| (n.0 as usize) < first);
            let to = queued.partition_point(|(n, _)| (n.0 as usize) < first + nodes.len());
            for &(n, put) in &queued[from..to] {
                let node = &mut nodes[n.0 as usize - first];
                let (field, kind) = put.value(levels_enum);
                let Some(Some(key)) = keys.get(node.kind).map(|k| &k[field]) else { continue };
                let span = node.header;
                node.fields.insert(key.clone(), Value { kind, span });
            }
        });
    }
}

fn block_of(v: &Value) -> Option<NodeId> {
    match v.kind {
        ValueKind::Block(b) => Some(b),
        _ => None,
    }
}

fn enum_field(fields: &crate::sema::model::Fields, name: &str) -> Option<u32> {
    match fields.get(name).map(|v| &v.kind) {
        Some(ValueKind::Enum(_, i)) => Some(*i),
        _ => None,
    }
}

/// The appetite: the spec's `risk_criteria`, else the stdlib's.
fn appetite(model: &Model, levels_enum: EnumId) -> Option<u32> {
    let kind = model.schema.kind_id(c::CRITERIA)?;
    let mut found = None;
    for &item in model.items_of(kind) {
        let node = model.node(item);
        if let Some(ValueKind::Enum(e, i)) = node.fields.get(c::APPETITE).map(|v| &v.kind) {
            if *e == levels_enum && (found.is_none() || node.origin == crate::source::Origin::Spec) {
                found = Some(*i);
            }
        }
    }
    found
}

struct Runner<'a> {
    sandbox: &'a sandbox::Sandbox,
    ast: &'a AST,
    script: &'a SourceFile,
    file: FileId,
    diags: Vec<Diagnostic>,
    failed: bool,
    /// A call was not made, or was cut short, because the script ran away on an earlier risk.
    skipped: bool,
    /// The risk's place in file order (0 for the cells of the matrix).
    index: usize,
}

impl<'a> Runner<'a> {
    fn new(sandbox: &'a sandbox::Sandbox, ast: &'a AST, script: &'a SourceFile, file: FileId, index: usize) -> Self {
        Runner { sandbox, ast, script, file, diags: Vec::new(), failed: false, skipped: false, index }
    }

    fn span_at(&self, pos: rhai::Position) -> Span {
        let text = &self.script.text;
        let (Some(line), col) = (pos.line(), pos.position().unwrap_or(1)) else { return Span::new(0, 0) };
        let Some(&start) = self.script.line_starts().get(line - 1) else { return Span::new(text.len(), text.len()) };
        let start = start as usize;
        let line_text = &text[start..text[start..].find('\n').map_or(text.len(), |e| start + e)];
        let at = line_text.char_indices().nth(col.saturating_sub(1)).map_or(line_text.len(), |(i, _)| i);
        let len = line_text[at..].chars().next().map_or(0, |ch| ch.len_utf8());
        Span::new(start + at, start + at + len)
    }

    fn fn_span(&self, name: &str) -> Span {
        let needle = format!("fn {name}");
        match self.script.text.find(&needle) {
            Some(i) => Span::new(i, i + needle.len()),
            None => Span::new(0, 0),
        }
    }

    /// Calls `name`, or reuses the outcome of the call with the same `key` kept in `known`;
    /// a reused error is reported here, for this risk, as the call itself would have been.
    fn call<K: std::hash::Hash + Eq>(
        &mut self,
        known: memo::Known<K>,
        name: &str,
        arg: impl FnOnce() -> Dynamic,
        what: &dyn Fn() -> String,
        item: Option<(FileId, Span)>,
    ) -> Option<Dynamic> {
        if !self.sandbox.start_call(self.index) {
            self.failed = true;
            self.skipped = true;
            return None;
        }
        let outcome = match known {
            Some((known, key)) => {
                if let Some(kept) = known.get(&key) {
                    return self.outcome(kept, name, what, item);
                }
                let outcome = self.run(name, arg());
                if memo::keep(&outcome) {
                    let kept = known.entry(key).or_insert(outcome);
                    return self.outcome(kept, name, what, item);
                }
                outcome
            }
            None => self.run(name, arg()),
        };
        self.outcome(&outcome, name, what, item)
    }

    fn run(&self, name: &str, arg: Dynamic) -> memo::Outcome {
        let mut scope = rhai::Scope::new();
        // Only the functions are used: top-level statements of the script are never run.
        let options = rhai::CallFnOptions::new().eval_ast(false);
        self.sandbox.engine.call_fn_with_options::<Dynamic>(options, &mut scope, self.ast, name, (arg,))
    }

    fn outcome(
        &mut self,
        outcome: &memo::Outcome,
        name: &str,
        what: &dyn Fn() -> String,
        item: Option<(FileId, Span)>,
    ) -> Option<Dynamic> {
        match outcome {
            Ok(v) => Some(v.clone()),
            Err(err) => {
                self.report(err, name, &what(), item);
                None
            }
        }
    }

    fn report(&mut self, err: &EvalAltResult, name: &str, what: &str, item: Option<(FileId, Span)>) {
        self.failed = true;
        // The innermost error says where in the script it happened; the outer ones only where
        // a function was called.
        let mut inner = err;
        while let EvalAltResult::ErrorInFunctionCall(_, _, e, _) = inner {
            inner = e;
        }
        let pos = inner.position();
        let span = if pos.is_none() { self.fn_span(name) } else { self.span_at(pos) };
        let token = match inner {
            EvalAltResult::ErrorTerminated(token, _) => Some(token),
            _ => None,
        };
        if matches!(inner, EvalAltResult::ErrorTooManyOperations(_) | EvalAltResult::ErrorTerminated(..))
            && !self.sandbox.ran_away(self.index, token)
        {
            self.skipped = true;
            return;
        }
        let (code, message, help) = match inner {
            EvalAltResult::ErrorTooManyOperations(_) | EvalAltResult::ErrorTerminated(..) => (
                codes::SCRIPT_RUNAWAY,
                format!("the scoring script was stopped while scoring {what}: it ran too long"),
                format!(
                    "a call may take at most {} operations and one second; look for a loop that never ends",
                    sandbox::MAX_OPERATIONS
                ),
            ),
            EvalAltResult::ErrorStackOverflow(_) => (
                codes::SCRIPT_RUNAWAY,
                format!("the scoring script was stopped while scoring {what}: its calls nest too deeply"),
                "look for a function that calls itself without end".to_string(),
            ),
            // A named function (`timestamp ()`), not an operator on the wrong values (`* (i64, ())`).
            EvalAltResult::ErrorFunctionNotFound(signature, _) if named_function(signature).is_some() => {
                let fn_name = named_function(signature).unwrap_or_default();
                (
                    codes::SCRIPT_RUNTIME,
                    format!("the scoring script failed on {what}: there is no function `{fn_name}` it can call"),
                    "a scoring script can compute with numbers, texts, lists and maps, but cannot read the clock, \
                     sleep, read files or print; docs/scoring.md lists what it receives"
                        .to_string(),
                )
            }
            EvalAltResult::ErrorRuntime(value, _) => (
                codes::SCRIPT_RUNTIME,
                format!("the scoring script failed on {what}: it stopped with the message `{value}`"),
                "the script's own `throw` stopped it; docs/scoring.md lists what the script receives".to_string(),
            ),
            other => (
                codes::SCRIPT_RUNTIME,
                format!("the scoring script failed on {what}: {}", lower(&root_cause(other))),
                "docs/scoring.md lists what the script receives".to_string(),
            ),
        };
        // rhai does not say where a stopped script was; the function that was called is the place.
        let label = if pos.is_none() { "stopped while running this function" } else { "here" };
        let mut d = Diagnostic::new(code, message).primary(self.file, span, label).help(help);
        if code == codes::SCRIPT_RUNTIME && d.message.contains("()") {
            d = d.note("`()` is how rhai shows a missing value: a field that is not set reads as `()`");
        }
        if item.is_none() && code == codes::SCRIPT_RUNTIME {
            d = d.note(
                "the cells of the matrix are scored with only `likelihood` and `impact` (and their `_rank`) set; \
                 guard other fields, for example `if risk.system != () { ... }`",
            );
        }
        if let Some((file, header)) = item {
            d = d.secondary(file, header, "while scoring this");
        }
        self.diags.push(d);
    }

    /// The score of a risk, or of one of its residual blocks.
    fn score_risk(
        &mut self,
        inputs: &mut Inputs,
        residual: Option<NodeId>,
        what: &dyn Fn() -> String,
        item: Option<(FileId, Span)>,
    ) -> Option<f64> {
        let key = inputs.key(residual);
        #[cfg(debug_assertions)]
        if let Some(key) = &key {
            inputs.check(key, residual);
        }
        let Inputs { model, systems, memo, risk, own, .. } = inputs;
        let known = key.map(|k| (&mut memo.score, k));
        let map = || {
            let own = own.get_or_insert_with(|| input::risk_fields(model, *risk));
            Dynamic::from_map(input::risk(model, systems, own, *risk, residual))
        };
        self.score(known, map, what, item)
    }

    fn score(
        &mut self,
        known: memo::Known<Vec<memo::Key>>,
        arg: impl FnOnce() -> Dynamic,
        what: &dyn Fn() -> String,
        item: Option<(FileId, Span)>,
    ) -> Option<f64> {
        let v = self.call(known, c::FN_SCORE, arg, what, item)?;
        let n = v.as_float().ok().or_else(|| v.as_int().ok().map(|i| i as f64));
        match n {
            Some(n) if n.is_finite() => Some(n),
            _ => {
                self.failed = true;
                self.diags.push(
                    Diagnostic::new(
                        codes::SCRIPT_RETURN,
                        format!("`score` must return a number, but for {} it returned {}", what(), describe(&v)),
                    )
                    .primary(self.file, self.fn_span(c::FN_SCORE), "defined here")
                    .help("return an integer or a decimal, such as `likelihood * impact`"),
                );
                None
            }
        }
    }

    /// The level of a score; `known` keeps the levels of the scores seen so far (`level`
    /// receives only the score, so its result is a function of it).
    fn level(
        &mut self,
        known: &mut rustc_hash::FxHashMap<u64, memo::Outcome>,
        score: f64,
        levels: &[String],
        what: &dyn Fn() -> String,
        item: Option<(FileId, Span)>,
    ) -> Option<usize> {
        let arg = || {
            if score.fract() == 0.0 && score.abs() < 1e15 {
                Dynamic::from_int(score as i64)
            } else {
                Dynamic::from_float(score)
            }
        };
        let v = self.call(Some((known, score.to_bits())), c::FN_LEVEL, arg, what, item)?;
        let text = v.clone().into_immutable_string().ok();
        if let Some(i) = text.as_ref().and_then(|t| levels.iter().position(|l| l == t.as_str())) {
            return Some(i);
        }
        self.failed = true;
        let got = match &text {
            Some(t) => format!("`\"{t}\"`, which is not a declared level"),
            None => describe(&v),
        };
        let list: Vec<String> = levels.iter().map(|l| format!("`\"{l}\"`")).collect();
        self.diags.push(
            Diagnostic::new(codes::SCRIPT_RETURN, format!("`level` returned {got} for {} (score {score})", what()))
                .primary(self.file, self.fn_span(c::FN_LEVEL), "defined here")
                .help(format!("return one of {} for every score", crate::sema::schema::join_or(&list))),
        );
        None
    }

    /// A score that falls as likelihood or impact rises is almost always a mistake.
    fn monotony(&mut self, grid: &[Vec<Option<f64>>], likelihoods: &[String], impacts: &[String]) {
        for (ii, row) in grid.iter().enumerate() {
            for (li, cell) in row.iter().enumerate() {
                let Some(here) = cell else { continue };
                let right = row.get(li + 1).copied().flatten();
                let up = grid.get(ii + 1).and_then(|r| r[li]);
                let problem = match (right, up) {
                    (Some(r), _) if r < *here => Some(format!(
                        "likelihood `{}` scores {r} but `{}` scores {here} (impact `{}`)",
                        likelihoods[li + 1],
                        likelihoods[li],
                        impacts[ii]
                    )),
                    (_, Some(u)) if u < *here => Some(format!(
                        "impact `{}` scores {u} but `{}` scores {here} (likelihood `{}`)",
                        impacts[ii + 1],
                        impacts[ii],
                        likelihoods[li]
                    )),
                    _ => None,
                };
                if let Some(p) = problem {
                    self.diags.push(
                        Diagnostic::new(codes::SCRIPT_NOT_MONOTONE, "the score goes down as the risk goes up")
                            .primary(self.file, self.fn_span(c::FN_SCORE), "defined here")
                            .note(p)
                            .help("a higher likelihood or impact should never give a lower score"),
                    );
                    return;
                }
            }
        }
    }
}

/// The name in a rhai signature such as `timestamp ()`, when it is a function's name.
fn named_function(signature: &str) -> Option<&str> {
    let name = signature.split([' ', '(']).next()?;
    let first = name.chars().next()?;
    (first.is_alphabetic() || first == '_').then_some(name)
}

fn root_cause(e: &EvalAltResult) -> String {
    match e {
        EvalAltResult::ErrorInFunctionCall(_, _, inner, _) => root_cause(inner),
        other => {
            let s = other.to_string();
            s.split(" (line ").next().unwrap_or(&s).to_string()
        }
    }
}

fn describe(v: &Dynamic) -> String {
    if v.is_unit() {
        "nothing".into()
    } else if v.is_string() {
        format!("the text `\"{v}\"`")
    } else if v.is_bool() {
        format!("the yes/no value `{v}`")
    } else if let Ok(f) = v.as_float() {
        if f.is_nan() {
            "`NaN`, which is not a number (a calculation such as `0.0 / 0.0` has no result)".into()
        } else {
            format!("`{f}`, a number too large to compare")
        }
    } else if v.is_array() {
        "a list".into()
    } else if v.is_map() {
        "a map".into()
    } else {
        format!("a value of type `{}`", v.type_name())
    }
}

fn lower(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect::<String>().trim_end_matches('.').to_string(),
        None => String::new(),
    }
}
