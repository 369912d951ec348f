//! Reading the Model for reports: a field of a node as the text a report shows, whatever its
//! type. The views name schema fields (`owner`, `due`); the schema itself is in stdlib/schema.

use crate::sema::{Model, NodeId, Value, ValueKind};
use crate::source::SourceDb;

/// A node seen by a report.
#[derive(Clone, Copy)]
pub struct Item<'m> {
    pub model: &'m Model,
    pub id: NodeId,
}

impl<'m> Item<'m> {
    pub fn new(model: &'m Model, id: NodeId) -> Self {
        Item { model, id }
    }

    pub fn value(&self, field: &str) -> Option<&'m Value> {
        self.model.node(self.id).fields.get(field)
    }

    /// The field as a report cell: enum members by name, references by ID, lists joined with
    /// `, `, yes/no for booleans; empty when absent.
    pub fn text(&self, field: &str) -> String {
        self.value(field).map(|v| show(self.model, v)).unwrap_or_default()
    }

    pub fn date(&self, field: &str) -> Option<jiff::civil::Date> {
        match self.value(field).map(|v| &v.kind) {
            Some(ValueKind::Date(d)) => Some(*d),
            _ => None,
        }
    }

    pub fn bool(&self, field: &str) -> Option<bool> {
        match self.value(field).map(|v| &v.kind) {
            Some(ValueKind::Bool(b)) => Some(*b),
            _ => None,
        }
    }

    /// The nodes a field refers to (one reference, a list of them, or nested blocks).
    pub fn refs(&self, field: &str) -> Vec<NodeId> {
        let mut out = Vec::new();
        if let Some(v) = self.value(field) {
            collect_refs(v, &mut out);
        }
        out
    }

    /// Every nested block of a kind (`treatment` of a risk), in order.
    pub fn blocks(&self, kind: &str) -> Vec<Item<'m>> {
        self.model
            .node(self.id)
            .fields
            .values()
            .flat_map(|v| {
                let mut ids = Vec::new();
                collect_blocks(v, &mut ids);
                ids
            })
            .filter(|b| self.model.kind_name(*b) == kind)
            .map(|b| Item::new(self.model, b))
            .collect()
    }

    pub fn name(&self) -> String {
        self.model.display_name(self.id)
    }

    pub fn title(&self) -> String {
        self.model.node(self.id).title_str().to_string()
    }

    /// `file:line` of the item's header.
    pub fn source(&self, db: &SourceDb) -> String {
        let node = self.model.node(self.id);
        let file = db.get(node.file);
        format!("{}:{}", file.name, file.line_col(node.header.start).0)
    }
}

fn collect_refs(v: &Value, out: &mut Vec<NodeId>) {
    match &v.kind {
        ValueKind::Ref(n) | ValueKind::Block(n) => out.push(*n),
        ValueKind::List(items) => items.iter().for_each(|i| collect_refs(i, out)),
        _ => {}
    }
}

fn collect_blocks(v: &Value, out: &mut Vec<NodeId>) {
    match &v.kind {
        ValueKind::Block(n) => out.push(*n),
        ValueKind::List(items) => items.iter().for_each(|i| collect_blocks(i, out)),
        _ => {}
    }
}

/// A value as text.
pub fn show(model: &Model, v: &Value) -> String {
    match &v.kind {
        ValueKind::Text(t) => t.to_string(),
        ValueKind::Int(i) => i.to_string(),
        ValueKind::Decimal(d) => number(*d),
        ValueKind::Percent(p) => format!("{}%", number(*p)),
        ValueKind::Bool(b) => if *b { "yes" } else { "no" }.into(),
        ValueKind::Date(d) => d.to_string(),
        ValueKind::Duration(n, unit) => format!("{n} {}", unit.name(*n)),
        ValueKind::Enum(e, i) => {
            model.schema.enum_def(*e).members.get_index(*i as usize).map(|(k, _)| k.clone()).unwrap_or_default()
        }
        ValueKind::Ref(n) => model.display_name(*n),
        ValueKind::Block(n) => model.display_name(*n),
        ValueKind::List(items) => items.iter().map(|i| show(model, i)).collect::<Vec<_>>().join(", "),
        ValueKind::Unresolved(_) => String::new(),
    }
}

/// A score as written: whole numbers without decimals.
pub fn number(n: f64) -> String {
    if n.fract() == 0.0 {
        format!("{n:.0}")
    } else {
        format!("{n:.2}")
    }
}

/// The items of a kind named in the schema; none when the schema has no such kind.
pub fn items<'m>(model: &'m Model, kind: &str) -> Vec<Item<'m>> {
    model.schema.kind_id(kind).map_or(Vec::new(), |k| model.items_of(k).iter().map(|i| Item::new(model, *i)).collect())
}
