//! The Model: the checked, typed spec that every later stage reads (rules, scoring, reports,
//! the language server). Deterministic: nodes are in file order, files in path order.

use super::schema::{EnumId, KindId, Schema};
use crate::source::{FileId, Origin, Span};
use crate::syntax::ast::{self, DurationUnit};
use indexmap::IndexMap;
use rustc_hash::FxHashMap as HashMap;
use std::sync::Arc;

/// A field's name as the schema declares it ([`super::schema::FieldDef::key`]), shared by every
/// node that has the field. One pointer wide (the length lives with the text): a large spec
/// has millions of fields, and each carries its name.
#[derive(Clone)]
pub struct FieldName(Arc<Box<str>>);

impl FieldName {
    pub fn new(name: &str) -> FieldName {
        FieldName(Arc::new(name.into()))
    }

    /// Whether both are the same shared name (not only equal texts).
    pub fn same(&self, other: &FieldName) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }

    /// Where the shared name lives: equal for the same name, whichever node holds it.
    pub(crate) fn address(&self) -> usize {
        Arc::as_ptr(&self.0) as usize
    }
}

impl From<&str> for FieldName {
    fn from(name: &str) -> FieldName {
        FieldName::new(name)
    }
}

impl std::ops::Deref for FieldName {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl PartialEq for FieldName {
    fn eq(&self, other: &FieldName) -> bool {
        self.same(other) || **self == **other
    }
}

impl Eq for FieldName {}

impl std::hash::Hash for FieldName {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        (**self).hash(state)
    }
}

impl std::fmt::Debug for FieldName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&**self, f)
    }
}

impl std::fmt::Display for FieldName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self)
    }
}

/// The fields of a node, in the order written. A node has a handful of fields, so a short
/// list searched in order is smaller and faster than a hash map; keys are shared with the
/// schema's field declaration, so no field name is allocated per node.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Fields(Vec<(FieldName, Value)>);

impl Fields {
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.0.iter().find(|(k, _)| &**k == name).map(|(_, v)| v)
    }
    pub fn get_mut(&mut self, name: &str) -> Option<&mut Value> {
        self.0.iter_mut().find(|(k, _)| &**k == name).map(|(_, v)| v)
    }
    pub fn contains_key(&self, name: &str) -> bool {
        self.get(name).is_some()
    }
    /// Sets a field, replacing its value if it is already there.
    pub fn insert(&mut self, key: FieldName, value: Value) {
        match self.0.iter_mut().find(|(k, _)| *k == key).map(|(_, v)| v) {
            Some(v) => *v = value,
            None => {
                // Fields are added one at a time after a node is built (computed scores): the
                // list grows by one, not by doubling, as it is kept for the whole run.
                self.0.reserve_exact(1);
                self.0.push((key, value))
            }
        }
    }
    /// Adds a field known not to be there yet (the builder has checked), without searching.
    pub(crate) fn push_new(&mut self, key: FieldName, value: Value) {
        debug_assert!(!self.contains_key(&key), "`{key}` is given once");
        self.0.push((key, value))
    }
    pub fn iter(&self) -> impl Iterator<Item = (&FieldName, &Value)> {
        self.0.iter().map(|(k, v)| (k, v))
    }
    pub fn iter_mut(&mut self) -> impl Iterator<Item = (&FieldName, &mut Value)> {
        self.0.iter_mut().map(|(k, v)| (&*k, v))
    }
    pub fn values(&self) -> impl Iterator<Item = &Value> {
        self.0.iter().map(|(_, v)| v)
    }
    pub fn len(&self) -> usize {
        self.0.len()
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub(crate) fn with_capacity(n: usize) -> Fields {
        Fields(Vec::with_capacity(n))
    }
    /// Drops spare room, keeping room for `more` fields still to come.
    pub(crate) fn shrink_to(&mut self, more: usize) {
        self.0.shrink_to(self.0.len() + more);
    }
}

impl<'a> IntoIterator for &'a Fields {
    type Item = (&'a FieldName, &'a Value);
    type IntoIter = std::iter::Map<
        std::slice::Iter<'a, (FieldName, Value)>,
        fn(&'a (FieldName, Value)) -> (&'a FieldName, &'a Value),
    >;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter().map(|(k, v)| (k, v))
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NodeId(pub u32);

/// An item or a nested block.
#[derive(Clone, Debug)]
pub struct Node {
    pub kind: KindId,
    /// Boxed texts without spare room: a large spec has hundreds of thousands of nodes.
    pub id: Option<Box<str>>,
    pub title: Option<Box<str>>,
    /// The enclosing node of a nested block; `None` for a top-level item.
    pub parent: Option<NodeId>,
    pub file: FileId,
    pub origin: Origin,
    /// The whole block.
    pub span: Span,
    /// `kind ID "Title"`: where findings about the item point.
    pub header: Span,
    pub fields: Fields,
}

impl Node {
    /// The item's ID, or "" for a nested block without one.
    pub fn id_str(&self) -> &str {
        self.id.as_deref().unwrap_or_default()
    }

    /// The item's title, or "" when it has none.
    pub fn title_str(&self) -> &str {
        self.title.as_deref().unwrap_or_default()
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Value {
    pub kind: ValueKind,
    pub span: Span,
}

/// 24 bytes (a [`Value`] 32, a field 40): a large spec holds millions of values, so every
/// variant is at most two words, a text and a list are boxed slices without spare room, and a
/// pending reference keeps its written name alone.
#[derive(Clone, Debug, PartialEq)]
pub enum ValueKind {
    Text(Box<str>),
    Int(i64),
    Decimal(f64),
    Percent(f64),
    Bool(bool),
    Date(jiff::civil::Date),
    Duration(i64, DurationUnit),
    /// A member of an enum, by its position in the declared order.
    Enum(EnumId, u32),
    Ref(NodeId),
    Block(NodeId),
    List(Box<[Value]>),
    /// A reference not yet resolved (only while the model is being built).
    Unresolved(Pending),
}

/// A reference as read, before every ID is known. It holds no copy of what the field allows
/// nor of the field's name: both are the schema's, found again from the node's kind and the
/// field when the reference is resolved. Most references name an item declared earlier, and
/// IDs are never re-bound (the first declaration wins), so those are looked up as they are
/// read and keep no text at all.
#[derive(Clone, Debug, PartialEq)]
pub enum Pending {
    /// An item ID that was already declared when the value was read.
    Known(NodeId),
    /// A name as written (`priya`, `A.7.4`), or `standard:clause`: a name never holds a colon
    /// (the parser reads `x:y` as a standard reference), so the first colon is that one. Kept
    /// inline up to 24 bytes (nearly every ID), so that a reference costs no allocation of its
    /// own while it waits for the resolver, which frees it.
    Written(ast::CompactString),
}

/// One place that refers to a node: a field of `from`, by its position among the fields of
/// `from`'s kind in the schema (see [`Model::referrer_field`]). Eight bytes: a large spec has
/// millions of references.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Referrer {
    pub from: NodeId,
    pub field: u32,
}

/// Top-level items by ID. The table holds node numbers with 32 bits of the hash of each one's
/// ID: an ID is compared where the node keeps it ([`Node::id`]), not kept a second time as a
/// key, and the stored bits answer most probes and every regrowth of the table without a
/// visit to the node (a large spec has a hundred thousand items, each in a node of its own in
/// memory). An entry is 8 bytes.
#[derive(Clone, Debug, Default)]
pub(crate) struct Ids(hashbrown::HashTable<(u32, NodeId)>);

/// The hash of an item's ID, as the tables of IDs (here and in the rule stage) file it.
pub(crate) fn hash_id(id: &str) -> u64 {
    use std::hash::BuildHasher;
    rustc_hash::FxBuildHasher.hash_one(id)
}

/// The 32 bits of an ID's hash that [`Ids`] keeps.
fn short_hash(id: &str) -> u32 {
    let h = hash_id(id);
    (h >> 32) as u32 ^ h as u32
}

/// The hash the table files `short` under: the table takes its slot from the low bits and its
/// tag from the top seven, so both come from the kept bits.
fn table_hash(short: u32) -> u64 {
    (short as u64) << 32 | short as u64
}

fn id_of(nodes: &[Node], n: NodeId) -> &str {
    nodes[n.0 as usize].id_str()
}

impl Ids {
    pub(crate) fn get(&self, nodes: &[Node], id: &str) -> Option<NodeId> {
        let h = short_hash(id);
        self.0.find(table_hash(h), |(x, n)| *x == h && id_of(nodes, *n) == id).map(|(_, n)| *n)
    }

    /// Registers `node` under its ID; `Err` with the node that has the ID already.
    pub(crate) fn insert(&mut self, nodes: &[Node], node: NodeId) -> Result<(), NodeId> {
        let id = id_of(nodes, node);
        let h = short_hash(id);
        match self.0.entry(table_hash(h), |(x, n)| *x == h && id_of(nodes, *n) == id, |(x, _)| table_hash(*x)) {
            hashbrown::hash_table::Entry::Occupied(first) => Err(first.get().1),
            hashbrown::hash_table::Entry::Vacant(v) => {
                v.insert((h, node));
                Ok(())
            }
        }
    }

    pub(crate) fn remove(&mut self, nodes: &[Node], node: NodeId) {
        if let Ok(entry) = self.0.find_entry(table_hash(short_hash(id_of(nodes, node))), |(_, n)| *n == node) {
            entry.remove();
        }
    }

    pub(crate) fn retain(&mut self, mut keep: impl FnMut(NodeId) -> bool) {
        self.0.retain(|(_, n)| keep(*n));
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = NodeId> + '_ {
        self.0.iter().map(|(_, n)| *n)
    }
}

/// Who refers to whom, as one table: the referrers of node `t` are
/// `list[starts[t]..starts[t + 1]]`, in the order of the nodes, fields and list entries that
/// refer. One entry per reference and one offset per node, where a map of vectors would hold a
/// vector, its spare room and a hash slot per target.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Referrers {
    pub(crate) starts: Vec<u32>,
    pub(crate) list: Vec<Referrer>,
}

impl Referrers {
    /// The referrers of `target`; none for a node added after the table was built (a file
    /// checked on its own, see `single.rs`).
    pub(crate) fn of(&self, target: NodeId) -> &[Referrer] {
        let t = target.0 as usize;
        match (self.starts.get(t), self.starts.get(t + 1)) {
            (Some(&from), Some(&to)) => &self.list[from as usize..to as usize],
            _ => &[],
        }
    }
}

/// `waive RULE for ITEM { ... }`: the node holds the checked fields (reason, approver, expiry);
/// the rule and the item are resolved by the rules stage, which knows the rules.
#[derive(Clone, Debug)]
pub struct WaiverDecl {
    pub node: NodeId,
    pub rule: ast::Name,
    pub target: ast::Name,
}

#[derive(Clone, Debug, Default)]
pub struct Model {
    /// Shared, so that stages can hold it while they change the nodes.
    pub schema: std::sync::Arc<Schema>,
    pub nodes: Vec<Node>,
    /// Top-level items, in order.
    pub items: Vec<NodeId>,
    pub(crate) by_id: Ids,
    pub(crate) by_kind: Vec<Vec<NodeId>>,
    /// Nested blocks with an ID, per top-level item: what `standard:clause` refers to.
    pub(crate) anchors: HashMap<NodeId, IndexMap<String, NodeId, rustc_hash::FxBuildHasher>>,
    pub(crate) referrers: Referrers,
    /// Rules and waivers, as written; the rules stage checks and runs them.
    pub rules: Vec<(FileId, Origin, ast::RuleDecl)>,
    pub waivers: Vec<WaiverDecl>,
    /// The files of the spec (not the stdlib), in order.
    pub spec_files: Vec<FileId>,
    /// Fields written `todo`: decisions left to make, in file order.
    pub placeholders: Vec<Placeholder>,
}

/// `field: todo`: a field whose value is still to be decided.
#[derive(Clone, Debug)]
pub struct Placeholder {
    pub node: NodeId,
    pub field: FieldName,
    pub span: Span,
}

impl Model {
    pub fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id.0 as usize]
    }

    pub fn lookup(&self, id: &str) -> Option<NodeId> {
        self.by_id.get(&self.nodes, id)
    }

    /// The top-level items of a kind, in order.
    pub fn items_of(&self, kind: KindId) -> &[NodeId] {
        self.by_kind.get(kind).map_or(&[], |v| v.as_slice())
    }

    /// Every place that refers to `target`.
    pub fn referrers(&self, target: NodeId) -> &[Referrer] {
        self.referrers.of(target)
    }

    /// The name of the field through which `r` refers.
    pub fn referrer_field(&self, r: &Referrer) -> &str {
        let kind = self.schema.kind(self.node(r.from).kind);
        kind.fields.get_index(r.field as usize).map_or("", |(name, _)| name.as_str())
    }

    /// The nested block `local` inside the top-level item `top` (`iso42001:6.1.3`).
    pub fn anchor(&self, top: NodeId, local: &str) -> Option<NodeId> {
        self.anchors.get(&top)?.get(local).copied()
    }

    pub fn kind_name(&self, id: NodeId) -> &str {
        &self.schema.kind(self.node(id).kind).name
    }

    /// How a node is named to an author: its ID, or for a nested block `treatment of risk_x`.
    pub fn display_name(&self, id: NodeId) -> String {
        let node = self.node(id);
        match (&node.id, node.parent) {
            (Some(i), None) => i.to_string(),
            (Some(i), Some(p)) => {
                format!("{}:{}", self.top_level(p).map_or(String::new(), |t| self.display_name(t)), i)
            }
            (None, Some(p)) => format!("{} of {}", self.kind_name(id), self.display_name(p)),
            (None, None) => self.kind_name(id).to_string(),
        }
    }

    /// The top-level item a node belongs to.
    pub fn top_level(&self, mut id: NodeId) -> Option<NodeId> {
        while let Some(p) = self.node(id).parent {
            id = p;
        }
        Some(id)
    }

    /// Number of top-level items that come from the spec (not the stdlib).
    pub fn spec_item_count(&self) -> usize {
        self.items.iter().filter(|i| self.node(**i).origin == Origin::Spec).count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The sizes the memory figures of a large spec rest on (docs: ARCHITECTURE.md, The Model).
    #[test]
    fn values_and_fields_stay_small() {
        assert_eq!(std::mem::size_of::<FieldName>(), 8);
        assert_eq!(std::mem::size_of::<ValueKind>(), 24);
        assert_eq!(std::mem::size_of::<Value>(), 32);
        assert_eq!(std::mem::size_of::<(FieldName, Value)>(), 40);
        assert_eq!(std::mem::size_of::<Node>(), 96);
        assert_eq!(std::mem::size_of::<(u32, NodeId)>(), 8);
    }

    #[test]
    fn field_names_are_equal_by_text_and_the_same_by_address() {
        let (a, b) = (FieldName::new("owner"), FieldName::new("owner"));
        assert_eq!(a, b);
        assert!(!a.same(&b) && a.same(&a.clone()));
        assert_ne!(a, FieldName::new("owners"));
        assert_eq!(&*a, "owner");
        assert_eq!(format!("{a} {a:?}"), "owner \"owner\"");
    }
}
