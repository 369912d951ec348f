//! Tables built once per rule run, so that reading a field costs an array look-up instead of a
//! walk through the node and its fields.
//!
//! Every rule reads the same few fields of thousands of items (`s.status`, `r.system`,
//! `d.applicable`), and each read used to load the node, then compare the field's name with
//! each of the node's fields in turn: several cache misses per read, the largest cost of the
//! rule stage. Here a field of a kind becomes a column, one compact [`Cell`] per node of the
//! kind, filled on the first read of that field by any rule and shared by every rule after it.
//! A node's kind, its place among the nodes of its kind and whether it is the spec's are kept
//! in a table of their own ([`Meta`]), so that none of these needs the node either.

use super::ir::Field;
use crate::sema::schema::KindId;
use crate::sema::{Model, NodeId, Value, ValueKind};
use crate::source::Origin;

/// What the rule stage keeps about a node, in one small record.
#[derive(Clone, Copy, Debug)]
pub struct Meta {
    pub kind: u32,
    /// The node's position among the nodes of its kind (model order).
    pub pos: u32,
    /// Whether the node comes from the spec (not the stdlib).
    pub spec: bool,
}

/// The nodes of each kind, and the [`Meta`] of each node. Built once per rule run.
pub struct Tables {
    /// Nodes of each kind, nested blocks included, in model order.
    pub nodes_of_kind: Vec<Vec<NodeId>>,
    /// By node id.
    pub meta: Vec<Meta>,
}

impl Tables {
    pub fn new(model: &Model) -> Tables {
        let mut nodes_of_kind = vec![Vec::new(); model.schema.kinds.len()];
        let mut meta = Vec::with_capacity(model.nodes.len());
        for (i, n) in model.nodes.iter().enumerate() {
            let of_kind: &mut Vec<NodeId> = &mut nodes_of_kind[n.kind];
            meta.push(Meta { kind: n.kind as u32, pos: of_kind.len() as u32, spec: n.origin == Origin::Spec });
            of_kind.push(NodeId(i as u32));
        }
        Tables { nodes_of_kind, meta }
    }

    pub fn meta(&self, n: NodeId) -> Meta {
        self.meta[n.0 as usize]
    }
}

/// A stored value as a column keeps it: scalars inline (read without going back to the
/// node), anything else by reference.
#[derive(Clone, Copy, Debug)]
pub enum Cell<'a> {
    Absent,
    Bool(bool),
    Int(i64),
    Number(f64),
    Date(jiff::civil::Date),
    Enum(u32, u32),
    Node(NodeId),
    /// Text, durations, lists and anything else: converted when read.
    Other(&'a Value),
}

impl<'a> Cell<'a> {
    fn of(v: Option<&'a Value>) -> Cell<'a> {
        let Some(v) = v else { return Cell::Absent };
        match &v.kind {
            ValueKind::Bool(b) => Cell::Bool(*b),
            ValueKind::Int(n) => Cell::Int(*n),
            ValueKind::Decimal(n) | ValueKind::Percent(n) => Cell::Number(*n),
            ValueKind::Date(d) => Cell::Date(*d),
            ValueKind::Enum(e, i) if u32::try_from(*e).is_ok() => Cell::Enum(*e as u32, *i),
            ValueKind::Ref(n) | ValueKind::Block(n) => Cell::Node(*n),
            _ => Cell::Other(v),
        }
    }
}

/// The columns filled so far, by kind and by the field's position in the kind's schema.
#[derive(Default)]
pub struct Columns<'a> {
    cols: Vec<Vec<Option<Box<[Cell<'a>]>>>>,
}

impl<'a> Columns<'a> {
    /// The field `f` of node `n`: from its column when the rule's checker knew `f` as a field
    /// of the node's kind, else from the node itself (a clause reached through a standard
    /// reference, whose kind the checker cannot know).
    pub fn get(&mut self, model: &'a Model, tables: &Tables, n: NodeId, f: &Field) -> Cell<'a> {
        let meta = tables.meta(n);
        let kind = meta.kind as KindId;
        let Some(&(_, index)) = f.at.iter().find(|(k, _)| *k == kind) else {
            return Cell::of(model.node(n).fields.get(&f.name));
        };
        if self.cols.len() <= kind {
            self.cols.resize_with(kind + 1, Vec::new);
        }
        let of_kind = &mut self.cols[kind];
        if of_kind.len() <= index as usize {
            of_kind.resize_with(index as usize + 1, || None);
        }
        let col = of_kind[index as usize].get_or_insert_with(|| {
            tables.nodes_of_kind[kind].iter().map(|n| Cell::of(model.node(*n).fields.get(&f.name))).collect()
        });
        col[meta.pos as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cell_keeps_scalars_inline_and_refers_to_the_rest() {
        let date = jiff::civil::date(2026, 11, 22);
        let v = |kind| Value { kind, span: crate::source::Span::new(0, 0) };
        let (b, d, t, r) = (
            v(ValueKind::Bool(true)),
            v(ValueKind::Date(date)),
            v(ValueKind::Text("x".into())),
            v(ValueKind::Ref(NodeId(7))),
        );
        assert!(matches!(Cell::of(None), Cell::Absent));
        assert!(matches!(Cell::of(Some(&b)), Cell::Bool(true)));
        assert!(matches!(Cell::of(Some(&d)), Cell::Date(x) if x == date));
        assert!(matches!(Cell::of(Some(&r)), Cell::Node(NodeId(7))));
        assert!(matches!(Cell::of(Some(&t)), Cell::Other(_)));
        // Small enough that a column of thousands stays in the cache.
        assert!(std::mem::size_of::<Cell>() <= 16);
    }
}
