//! What the script receives: read-only maps built from the Model (documented in docs/scoring.md).

use super::memo::Key;
use crate::contract as c;
use crate::sema::{Model, NodeId, ValueKind};
use rhai::{Dynamic, Map};

/// A synthetic risk with only a likelihood and an impact, for the checks over the matrix.
pub fn cell(likelihood: &str, l_index: usize, impact: &str, i_index: usize) -> Map {
    let mut m = Map::new();
    m.insert("id".into(), Dynamic::from(String::new()));
    m.insert(c::LIKELIHOOD.into(), Dynamic::from(likelihood.to_string()));
    m.insert(format!("{}_rank", c::LIKELIHOOD).into(), Dynamic::from_int(l_index as i64 + 1));
    m.insert(c::IMPACT.into(), Dynamic::from(impact.to_string()));
    m.insert(format!("{}_rank", c::IMPACT).into(), Dynamic::from_int(i_index as i64 + 1));
    m.insert("residual".into(), Dynamic::from_bool(false));
    m.insert(c::SYSTEM.into(), Dynamic::UNIT);
    m
}

/// The maps of the systems the risks name, each built once: many risks name the same system,
/// and a system is the largest map a risk carries. A risk's map takes a copy, which shares
/// the texts (rhai's strings are reference-counted).
pub struct Systems(rustc_hash::FxHashMap<NodeId, Map>);

impl Systems {
    /// No map built ahead: each is built when a call needs it (with the memo, few calls do).
    pub fn lazy() -> Self {
        Systems(rustc_hash::FxHashMap::default())
    }

    pub fn new(model: &Model, risks: &[NodeId]) -> Self {
        use rayon::prelude::*;
        let mut named: Vec<NodeId> = risks.iter().filter_map(|&r| system_of(model, r)).collect();
        named.sort_unstable();
        named.dedup();
        Systems(named.into_par_iter().map(|s| (s, fields(model, s))).collect())
    }
}

fn system_of(model: &Model, risk: NodeId) -> Option<NodeId> {
    match model.node(risk).fields.get(c::SYSTEM).map(|v| &v.kind) {
        Some(ValueKind::Ref(s)) => Some(*s),
        _ => None,
    }
}

/// The plain fields of a risk, before `residual` and `system` are added (see [`risk`]).
pub fn risk_fields(model: &Model, risk: NodeId) -> Map {
    fields(model, risk)
}

/// A risk as a map of its plain fields (`own`, from [`risk_fields`]); with `residual`, its
/// likelihood and impact are those of that residual block.
pub fn risk(model: &Model, systems: &Systems, own: &Map, risk: NodeId, residual: Option<NodeId>) -> Map {
    let mut m = own.clone();
    if let Some(res) = residual {
        for (k, v) in fields(model, res) {
            m.insert(k, v);
        }
    }
    m.insert("residual".into(), Dynamic::from_bool(residual.is_some()));
    let system = match system_of(model, risk) {
        Some(s) => Dynamic::from_map(systems.0.get(&s).cloned().unwrap_or_else(|| fields(model, s))),
        None => Dynamic::UNIT,
    };
    m.insert(c::SYSTEM.into(), system);
    m
}

/// The key of the field `name` of the map [`risk`] would build for the same call: the same
/// value, read without building the map. `None` when the value cannot be a key.
pub fn key(model: &Model, risk: NodeId, residual: Option<NodeId>, name: &str) -> Option<Key> {
    // The order [`risk`] writes in: `system` and `residual` last, over any field of that name,
    // then the residual block's fields over the risk's own.
    if name == c::SYSTEM {
        return Some(Key::System(system_of(model, risk)));
    }
    if name == "residual" {
        return Some(Key::Bool(residual.is_some()));
    }
    if let Some(res) = residual {
        if let Some(v) = field(model, res, name) {
            return Key::of(&v);
        }
    }
    match field(model, risk, name) {
        Some(v) => Key::of(&v),
        None => Some(Key::Absent),
    }
}

/// `fields(model, node).get(name)`, without building the others.
fn field(model: &Model, node: NodeId, name: &str) -> Option<Dynamic> {
    let mut found = None;
    each_field(model, node, Some(name), |_, d| found = Some(d));
    found
}

/// The plain fields of a node: texts, numbers, dates (as `YYYY-MM-DD` texts), list values as
/// their names with a `_rank` (1 = lowest), references as IDs. Nested blocks are left out.
fn fields(model: &Model, node: NodeId) -> Map {
    let mut m = Map::new();
    each_field(model, node, None, |name, d| {
        m.insert(name.into(), d);
    });
    m
}

/// Hands each plain field of a node to `put`, in the order a map receives them (a later one of
/// the same name replaces an earlier one); with `only`, just the ones of that name, converted
/// only then. One walk for the whole map and for a single field, so the two always agree.
fn each_field(model: &Model, node: NodeId, only: Option<&str>, mut put: impl FnMut(&str, Dynamic)) {
    let n = model.node(node);
    let wanted = |name: &str| only.is_none_or(|o| o == name);
    if wanted("id") {
        put("id", Dynamic::from(n.id_str().to_string()));
    }
    for (name, v) in &n.fields {
        if wanted(name) {
            if let Some(d) = plain(model, &v.kind) {
                put(name, d);
            }
        }
        if let ValueKind::Enum(_, i) = v.kind {
            if only.is_none_or(|o| o.strip_suffix("_rank") == Some(&**name)) {
                put(&format!("{name}_rank"), Dynamic::from_int(i as i64 + 1));
            }
        }
    }
}

fn plain(model: &Model, v: &ValueKind) -> Option<Dynamic> {
    Some(match v {
        ValueKind::Text(t) => Dynamic::from(t.clone()),
        ValueKind::Int(n) => Dynamic::from_int(*n),
        ValueKind::Decimal(n) | ValueKind::Percent(n) => Dynamic::from_float(*n),
        ValueKind::Bool(b) => Dynamic::from_bool(*b),
        ValueKind::Date(d) => Dynamic::from(d.to_string()),
        ValueKind::Duration(n, u) => Dynamic::from(format!("{n} {}", u.name(*n))),
        ValueKind::Enum(e, i) => Dynamic::from(
            model.schema.enum_def(*e).members.get_index(*i as usize).map_or(String::new(), |(k, _)| k.clone()),
        ),
        ValueKind::Ref(r) => Dynamic::from(model.node(*r).id_str().to_string()),
        ValueKind::List(items) => Dynamic::from_array(items.iter().filter_map(|i| plain(model, &i.kind)).collect()),
        ValueKind::Block(_) | ValueKind::Unresolved(_) => return None,
    })
}
