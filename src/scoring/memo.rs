//! Scoring each distinct input once: a call's result is reused for every risk whose input to
//! the script is the same.
//!
//! This is sound because a call is a pure function of its argument. The sandbox
//! (`sandbox.rs`) gives a script no clock, randomness, file, print or module; every call gets
//! a fresh scope, the script's top-level statements are never run (so it has no globals or
//! constants a call could change), `this` is never bound, and the engine keeps nothing between
//! calls. Only two things a call sees are not its argument: the guard that stops it after its
//! operations or its second run out, and the guard that stops it when another risk's call ran
//! away first. Calls cut short by either are never remembered (they are made again, as today),
//! so a limit is still per call and a runaway is still found and reported as without the memo.
//!
//! `level(score)` receives a number: its key is that number. `score(risk)` receives a map of
//! every field of the risk, its `id` among them, so equal maps are rare; but a script usually
//! reads only a few of them (the default reads `likelihood_rank` and `impact_rank`). When the
//! script's `score` only ever reads its argument's fields by name (`risk.impact_rank`,
//! `risk.system.name`), its result depends on those fields' values alone, and they are the
//! key: the exact values, compared in full. When it uses the argument in any other way (passes
//! it on, iterates it, indexes it with a computed name, captures it in a closure), no key is
//! safe, and every risk is scored by its own call, as before.

use crate::sema::NodeId;
use rhai::{Dynamic, EvalAltResult, Expr, Stmt, AST};
use rustc_hash::FxHashMap;

/// The fields `score` reads from its argument, when that is all it does with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub fields: Vec<String>,
}

impl Plan {
    /// Reads the script's `fn score(x)`: `None` when it uses `x` other than by `x.field`.
    pub fn of(ast: &AST, function: &str) -> Option<Plan> {
        let (.., def) =
            ast.shared_lib().iter_script_fn_info().find(|&(_, _, name, arity, _)| name == function && arity == 1)?;
        let param = def.params.first()?.to_string();
        // The walk goes over every function: the body of this one is where it is in the text
        // (functions cannot nest; a closure inside it is inside it).
        let at = |p: rhai::Position| p.line().map(|l| (l, p.position().unwrap_or(0)));
        let (start, end) = (at(def.body.start_position())?, at(def.body.end_position())?);
        // A node without a position is looked at as if it were inside: the safe side.
        let outside = |p: rhai::Position| at(p).is_some_and(|p| p < start || end < p);
        let mut fields: Vec<String> = Vec::new();
        let mut safe = true;
        ast.walk(&mut |path| {
            match path.last() {
                Some(rhai::ASTNode::Stmt(s)) if outside(s.position()) => {}
                Some(rhai::ASTNode::Expr(e)) if outside(e.position()) => {}
                // A closure shares the variables it captures: what it does with them is out of
                // sight here.
                Some(rhai::ASTNode::Stmt(Stmt::Share(..))) => safe = false,
                Some(rhai::ASTNode::Expr(var @ Expr::Variable(v, ..))) if v.1.as_str() == param => {
                    let parent = path.len().checked_sub(2).and_then(|i| path.get(i));
                    match parent {
                        Some(rhai::ASTNode::Expr(Expr::Dot(b, ..))) if std::ptr::eq(&b.lhs, *var) => {
                            match first_property(&b.rhs) {
                                Some(name) if !fields.iter().any(|f| f == name) => fields.push(name.to_string()),
                                Some(_) => {}
                                None => safe = false,
                            }
                        }
                        _ => safe = false,
                    }
                }
                _ => {}
            }
            safe
        });
        safe.then(|| {
            fields.sort();
            Plan { fields }
        })
    }
}

/// The property a chain such as `.system.name` or `.tags[0]` starts with; `None` for a method
/// call (`.keys()`), which sees the whole map.
fn first_property(e: &Expr) -> Option<&str> {
    match e {
        Expr::Property(p, _) => Some(p.2.as_str()),
        Expr::Dot(b, ..) | Expr::Index(b, ..) => first_property(&b.lhs),
        _ => None,
    }
}

/// One value of a key. Equal keys mean equal values given to the script: texts, numbers and
/// lists compared in full (a decimal by its bits), a system by its node (its map is built from
/// that node alone).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Key {
    /// The map has no such field.
    Absent,
    Unit,
    Bool(bool),
    Int(i64),
    Float(u64),
    Text(rhai::ImmutableString),
    List(Vec<Key>),
    Map(Vec<(String, Key)>),
    System(Option<NodeId>),
}

impl Key {
    /// The key of a value the script receives; `None` for a kind of value aims never passes.
    pub fn of(v: &Dynamic) -> Option<Key> {
        if v.is_unit() {
            Some(Key::Unit)
        } else if let Ok(b) = v.as_bool() {
            Some(Key::Bool(b))
        } else if let Ok(i) = v.as_int() {
            Some(Key::Int(i))
        } else if let Ok(f) = v.as_float() {
            Some(Key::Float(f.to_bits()))
        } else if v.is_string() {
            v.clone().into_immutable_string().ok().map(Key::Text)
        } else if v.is_array() {
            let a = v.read_lock::<rhai::Array>()?;
            a.iter().map(Key::of).collect::<Option<_>>().map(Key::List)
        } else if v.is_map() {
            let m = v.read_lock::<rhai::Map>()?;
            m.iter().map(|(k, v)| Key::of(v).map(|v| (k.to_string(), v))).collect::<Option<_>>().map(Key::Map)
        } else {
            None
        }
    }
}

/// What a call gave: its value or its error. Calls stopped by a guard are not kept.
pub type Outcome = Result<Dynamic, Box<EvalAltResult>>;

/// The outcomes kept for one function, and the key of the call at hand (`None`: no memo).
pub type Known<'a, K> = Option<(&'a mut FxHashMap<K, Outcome>, K)>;

/// The results known so far, for one worker (each thread fills its own: no locks, and the
/// results are the same whichever computed them).
#[derive(Default)]
pub struct Memo {
    pub score: FxHashMap<Vec<Key>, Outcome>,
    /// By the score's bits.
    pub level: FxHashMap<u64, Outcome>,
}

/// Whether an outcome may be kept: not when a guard stopped the call (out of operations or
/// time, or stopped because another risk ran away), since that is not a property of the input.
pub fn keep(outcome: &Outcome) -> bool {
    let Err(err) = outcome else { return true };
    let mut inner = &**err;
    while let EvalAltResult::ErrorInFunctionCall(_, _, e, _) = inner {
        inner = e;
    }
    !matches!(inner, EvalAltResult::ErrorTooManyOperations(_) | EvalAltResult::ErrorTerminated(..))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(script: &str) -> Option<Vec<String>> {
        let engine = crate::scoring::sandbox::Sandbox::new().engine;
        let ast = engine.compile(script).expect("compiles");
        Plan::of(&ast, "score").map(|p| p.fields)
    }

    #[test]
    fn fields_read_by_name_are_the_key() {
        assert_eq!(
            plan("fn score(risk) { risk.likelihood_rank * risk.impact_rank }"),
            Some(vec!["impact_rank".to_string(), "likelihood_rank".to_string()])
        );
        assert_eq!(
            plan("fn score(r) { let n = r.system.name; if r.tags[0] == n { 1 } else { r.impact_rank } }"),
            Some(vec!["impact_rank".to_string(), "system".to_string(), "tags".to_string()])
        );
        assert_eq!(
            plan("fn score(r) { r.x = 3; r.x + helper(r.y) } fn helper(r) { r.len() }"),
            Some(vec!["x".to_string(), "y".to_string()])
        );
        assert_eq!(plan("fn score(r) { 4 }"), Some(vec![]));
    }

    #[test]
    fn other_uses_of_the_argument_have_no_key() {
        for script in [
            "fn score(r) { r.len() }",
            "fn score(r) { r.keys().len() }",
            "fn score(r) { r[\"impact\" + \"_rank\"] }",
            "fn score(r) { helper(r) } fn helper(x) { x.impact_rank }",
            "fn score(r) { let s = r; s.impact_rank }",
            "fn score(r) { let n = 0; for k in r { n += 1 } n }",
            "fn score(r) { let f = || r.impact_rank; f.call() }",
            "fn score(r) { `${r}`.len() }",
            "fn score(r) { type_of(r).len() }",
            "fn score(r) { if r == #{} { 1 } else { 2 } }",
        ] {
            assert_eq!(plan(script), None, "{script}");
        }
    }
}
