//! Tables built once per rule run, so that reading a field costs an array look-up instead of a
//! walk through the node and its fields.
//!
//! Every rule reads the same few fields of thousands of items (`s.status`, `r.system`,
//! `d.applicable`), and each read used to load the node, then compare the field's name with
//! each of the node's fields in turn: several cache misses per read, the largest cost of the
//! rule stage. Here a field of a kind becomes a column, one compact [`Cell`] per node of the
//! kind, shared by every rule of the run. The first read of any field of a kind fills the
//! columns of every field of that kind that the run's rules read, in one pass over the kind's
//! nodes (each node's fields are walked once, not once per field).
//! A node's kind, its place among the nodes of its kind and whether it is the spec's are kept
//! in a table of their own ([`Meta`]), so that none of these needs the node either.

use super::ir::{Body, Ex, Field, Piece, Source};
use crate::sema::model::hash_id;
use crate::sema::schema::KindId;
use crate::sema::{Model, NodeId, Value, ValueKind};
use crate::source::Origin;
use crate::syntax::ast::DurationUnit;

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
    /// By kind, made on the first look-up by ID in that kind: the hash of each node's ID with
    /// the node's position in its kind, sorted.
    named: Vec<std::sync::OnceLock<ByIdHash>>,
}

/// (hash of a node's ID, the node's position in its kind), sorted.
type ByIdHash = Box<[(u64, u32)]>;

impl Tables {
    pub fn new(model: &Model) -> Tables {
        let mut nodes_of_kind = vec![Vec::new(); model.schema.kinds.len()];
        let mut meta = Vec::with_capacity(model.nodes.len());
        for (i, n) in model.nodes.iter().enumerate() {
            let of_kind: &mut Vec<NodeId> = &mut nodes_of_kind[n.kind];
            meta.push(Meta { kind: n.kind as u32, pos: of_kind.len() as u32, spec: n.origin == Origin::Spec });
            of_kind.push(NodeId(i as u32));
        }
        let named = (0..nodes_of_kind.len()).map(|_| std::sync::OnceLock::new()).collect();
        Tables { nodes_of_kind, meta, named }
    }

    /// The nodes of `kind` whose ID is `id`, in model order (nested blocks of different items
    /// may share an ID). Costs a binary search once the kind's table is made (one pass over the
    /// kind, on the first call for it), where a scan would read every node of the kind.
    pub fn named(&self, model: &Model, kind: KindId, id: &str) -> Vec<NodeId> {
        let (Some(nodes), Some(table)) = (self.nodes_of_kind.get(kind), self.named.get(kind)) else {
            return Vec::new();
        };
        let table = table.get_or_init(|| {
            let mut t: Vec<(u64, u32)> = nodes
                .iter()
                .enumerate()
                .filter_map(|(pos, n)| Some((hash_id(model.node(*n).id.as_deref()?), pos as u32)))
                .collect();
            t.sort_unstable();
            t.into_boxed_slice()
        });
        let h = hash_id(id);
        let from = table.partition_point(|(x, _)| *x < h);
        table[from..]
            .iter()
            .take_while(|(x, _)| *x == h)
            .map(|(_, pos)| nodes[*pos as usize])
            .filter(|n| model.node(*n).id.as_deref() == Some(id))
            .collect()
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
    Duration(i64, DurationUnit),
    /// Text, lists and anything else: converted when read.
    Other(&'a Value),
    /// A blank text or an empty list: there, but not truthy (known without reading it again).
    Empty(&'a Value),
    /// A list of at least one member, with its column and the place of its members among
    /// that column's [`Columns::members`] (searched there, not in the Model, by `x in n.list`).
    /// Three fields, not a pair, so that the cell stays 16 bytes.
    List(&'a Value, u16, u32),
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
            ValueKind::Duration(n, u) => Cell::Duration(*n, *u),
            // Only while the model is built; reads as a missing value.
            ValueKind::Unresolved(_) => Cell::Absent,
            ValueKind::Text(t) if blank(t) => Cell::Empty(v),
            ValueKind::List(items) if items.is_empty() => Cell::Empty(v),
            _ => Cell::Other(v),
        }
    }
}

/// Whether a text is empty or only white space, as [`str::trim`] says: most texts start
/// with a printable ASCII character, which answers without a walk over the text.
pub(crate) fn blank(t: &str) -> bool {
    match t.as_bytes().first() {
        None => true,
        Some(&b) if b > b' ' && b.is_ascii() => false,
        Some(_) => t.trim().is_empty(),
    }
}

/// The columns of one kind.
#[derive(Default)]
struct OfKind<'a> {
    /// The positions (in the kind's schema) of the fields the rules read, each once.
    fields: Vec<u32>,
    /// By position in the kind's schema: the field's place in `fields`, or `u32::MAX`.
    column_of: Vec<u32>,
    /// Filled on the first read, by whichever thread reads first (the others wait for it).
    filled: std::sync::OnceLock<Filled<'a>>,
}

impl OfKind<'_> {
    /// The column of the field at position `index` of the kind's schema, if rules read it.
    fn column(&self, index: usize) -> Option<usize> {
        self.column_of.get(index).filter(|c| **c != u32::MAX).map(|c| *c as usize)
    }

    fn index_columns(&mut self) {
        let len = self.fields.iter().map(|i| *i as usize + 1).max().unwrap_or(0);
        self.column_of = vec![u32::MAX; len];
        for (c, i) in self.fields.iter().enumerate() {
            self.column_of[*i as usize] = c as u32;
        }
    }
}

/// The columns of a kind, one per entry of [`OfKind::fields`], and the members of their lists.
struct Filled<'a> {
    cols: Vec<Column<'a>>,
    /// By column, the members of its lists, each list as its length followed by its members:
    /// one compact run per list, filled with its column, so that searching a list of systems
    /// in every rule reads this instead of the Model's values.
    members: Vec<Members<'a>>,
}

/// No node, no member: a reference or block cannot have this number (a Model that large
/// could not be counted in a `NodeId`), nor can a member of an enum.
const NONE: u32 = u32::MAX;

/// One column, in the narrowest form that holds every cell of it. Most fields hold one kind
/// of value (a reference, an enum member, a yes or no, a date, a text), and a cell of the
/// general form takes 16 bytes where these take 1 to 8: the columns of a large spec are a
/// tenth of its peak memory. A column starts in the form its first value asks for and turns
/// into the general form, once, on the first value that does not fit.
enum Column<'a> {
    /// No node of the kind has the field (so far).
    Absent,
    /// References and blocks: the node's number, [`NONE`] where the field is absent.
    Nodes(Vec<u32>),
    /// Members of the one enum: the member's position, [`NONE`] where absent.
    Enum(u32, Vec<u32>),
    /// `yes` or `no`: 0, 1, or 2 where absent.
    Bools(Vec<u8>),
    Dates(Vec<Option<jiff::civil::Date>>),
    /// Texts (and anything else read when asked) that are not blank: [`Cell::Other`], without
    /// a visit to the value on each read. A blank text turns the column general.
    Values(Vec<Option<&'a Value>>),
    Cells(Vec<Cell<'a>>),
}

impl<'a> Column<'a> {
    fn get(&self, pos: usize) -> Cell<'a> {
        match self {
            Column::Absent => Cell::Absent,
            Column::Nodes(v) => match v[pos] {
                NONE => Cell::Absent,
                n => Cell::Node(NodeId(n)),
            },
            Column::Enum(e, v) => match v[pos] {
                NONE => Cell::Absent,
                i => Cell::Enum(*e, i),
            },
            Column::Bools(v) => match v[pos] {
                0 => Cell::Bool(false),
                1 => Cell::Bool(true),
                _ => Cell::Absent,
            },
            Column::Dates(v) => v[pos].map_or(Cell::Absent, Cell::Date),
            Column::Values(v) => v[pos].map_or(Cell::Absent, Cell::Other),
            Column::Cells(v) => v[pos],
        }
    }

    /// Sets the cell at `pos` of a column of `len` cells, all absent until set.
    fn set(&mut self, len: usize, pos: usize, cell: Cell<'a>) {
        loop {
            match (&mut *self, cell) {
                (_, Cell::Absent) => return,
                (Column::Absent, first) => {
                    *self = match first {
                        Cell::Node(_) => Column::Nodes(vec![NONE; len]),
                        Cell::Enum(e, _) => Column::Enum(e, vec![NONE; len]),
                        Cell::Bool(_) => Column::Bools(vec![2; len]),
                        Cell::Date(_) => Column::Dates(vec![None; len]),
                        Cell::Other(_) => Column::Values(vec![None; len]),
                        _ => Column::Cells(vec![Cell::Absent; len]),
                    }
                }
                (Column::Nodes(v), Cell::Node(n)) if n.0 != NONE => return v[pos] = n.0,
                (Column::Enum(e, v), Cell::Enum(of, i)) if *e == of && i != NONE => return v[pos] = i,
                (Column::Bools(v), Cell::Bool(b)) => return v[pos] = b as u8,
                (Column::Dates(v), Cell::Date(d)) => return v[pos] = Some(d),
                (Column::Values(v), Cell::Other(x)) => return v[pos] = Some(x),
                (Column::Cells(v), c) => return v[pos] = c,
                // A value this form cannot hold: the general form from here on.
                _ => *self = Column::Cells((0..len).map(|p| self.get(p)).collect()),
            }
        }
    }
}

/// The members of one column's lists, each list as its length and then its members. A column
/// of lists of references (nearly all of them) keeps each member as the node's number, and a
/// column of lists of one enum's members as the member's position, until a member does not fit.
enum Members<'a> {
    Nodes(Vec<u32>),
    Enum(u32, Vec<u32>),
    Cells(Vec<Cell<'a>>),
}

/// The numbers of the list whose length is at `at`.
fn numbers(v: &[u32], at: usize) -> std::slice::Iter<'_, u32> {
    let len = v.get(at).map_or(0, |l| *l as usize);
    v.get(at + 1..at + 1 + len).unwrap_or(&[]).iter()
}

/// The members of one list, as [`Columns::members`] finds them.
#[derive(Clone)]
pub enum MemberCells<'c, 'a> {
    Nodes(std::slice::Iter<'c, u32>),
    Enum(u32, std::slice::Iter<'c, u32>),
    Cells(std::slice::Iter<'c, Cell<'a>>),
}

impl<'a> Iterator for MemberCells<'_, 'a> {
    type Item = Cell<'a>;

    fn next(&mut self) -> Option<Cell<'a>> {
        match self {
            MemberCells::Nodes(n) => n.next().map(|n| Cell::Node(NodeId(*n))),
            MemberCells::Enum(e, i) => i.next().map(|i| Cell::Enum(*e, *i)),
            MemberCells::Cells(c) => c.next().copied(),
        }
    }
}

impl<'a> Members<'a> {
    fn len(&self) -> usize {
        match self {
            Members::Nodes(v) | Members::Enum(_, v) => v.len(),
            Members::Cells(v) => v.len(),
        }
    }

    /// The list whose length is at `at`.
    fn list(&self, at: usize) -> MemberCells<'_, 'a> {
        match self {
            Members::Nodes(v) => MemberCells::Nodes(numbers(v, at)),
            Members::Enum(e, v) => MemberCells::Enum(*e, numbers(v, at)),
            Members::Cells(v) => match v.get(at) {
                Some(Cell::Int(len)) => MemberCells::Cells(v.get(at + 1..at + 1 + *len as usize).unwrap_or(&[]).iter()),
                _ => MemberCells::Cells([].iter()),
            },
        }
    }

    /// The members in the general form, list by list, at the same positions.
    fn widened(self) -> Vec<Cell<'a>> {
        let (e, v) = match self {
            Members::Cells(cells) => return cells,
            Members::Nodes(v) => (None, v),
            Members::Enum(e, v) => (Some(e), v),
        };
        let member = |n: u32| e.map_or(Cell::Node(NodeId(n)), |e| Cell::Enum(e, n));
        let mut cells = Vec::with_capacity(v.len() + 1);
        let mut at = 0;
        while at < v.len() {
            let l = v[at] as usize;
            cells.push(Cell::Int(l as i64));
            cells.extend(v[at + 1..(at + 1 + l).min(v.len())].iter().map(|n| member(*n)));
            at += 1 + l;
        }
        cells
    }

    /// Appends a list of `len` members and then the members.
    fn push(&mut self, len: usize, items: impl Iterator<Item = Cell<'a>>) {
        for c in std::iter::once(Cell::Int(len as i64)).chain(items) {
            loop {
                match (&mut *self, c) {
                    (Members::Nodes(v) | Members::Enum(_, v), Cell::Int(l)) => break v.push(l as u32),
                    (Members::Nodes(v), Cell::Node(n)) if n.0 != NONE => break v.push(n.0),
                    (Members::Enum(e, v), Cell::Enum(of, i)) if *e == of && i != NONE => break v.push(i),
                    (Members::Cells(v), c) => break v.push(c),
                    // The column's very first member (only its list's length is there) is of an
                    // enum: the enum's form.
                    (Members::Nodes(v), Cell::Enum(of, _)) if v.len() == 1 => {
                        *self = Members::Enum(of, std::mem::take(v))
                    }
                    // A member this form cannot hold: the general form from here on, list by
                    // list, with the same positions.
                    (Members::Nodes(_) | Members::Enum(..), _) => {
                        *self = Members::Cells(std::mem::replace(self, Members::Nodes(Vec::new())).widened())
                    }
                }
            }
        }
    }
}

/// The columns of a run, by kind and by the field's position in the kind's schema. Shared by
/// the threads that run the rules: each kind's columns are filled once, on first read.
pub struct Columns<'a> {
    kinds: Vec<OfKind<'a>>,
}

impl<'a> Columns<'a> {
    /// Columns for the fields that `bodies` read (nothing is read from the Model yet).
    pub fn new<'b>(kinds: usize, bodies: impl IntoIterator<Item = &'b Body>) -> Columns<'a> {
        let mut read = Vec::new();
        for b in bodies {
            body_fields(b, &mut read);
        }
        let mut out: Vec<OfKind> = (0..kinds).map(|_| OfKind::default()).collect();
        for (k, i) in read {
            if let Some(of_kind) = out.get_mut(k) {
                if !of_kind.fields.contains(&i) {
                    of_kind.fields.push(i);
                }
            }
        }
        for of_kind in &mut out {
            of_kind.index_columns();
        }
        Columns { kinds: out }
    }

    /// The members' cells of the list whose cell is [`Cell::List`]`(_, column, at)`, read
    /// from a node of `kind`.
    pub fn members(&self, kind: u32, column: u16, at: u32) -> MemberCells<'_, 'a> {
        match self.kinds.get(kind as usize).and_then(|k| k.filled.get()).and_then(|f| f.members.get(column as usize)) {
            Some(members) => members.list(at as usize),
            None => MemberCells::Cells([].iter()),
        }
    }

    /// The field `f` of node `n`: from its column when the rule's checker knew `f` as a field
    /// of the node's kind, else from the node itself (a clause reached through a standard
    /// reference, whose kind the checker cannot know).
    pub fn get(&self, model: &'a Model, tables: &Tables, n: NodeId, f: &Field) -> Cell<'a> {
        let meta = tables.meta(n);
        let kind = meta.kind as KindId;
        let column = f.at.iter().find(|(k, _)| *k == kind).and_then(|(_, index)| {
            let of_kind = self.kinds.get(kind)?;
            let c = of_kind.column(*index as usize)?;
            let filled = of_kind.filled.get_or_init(|| fill(model, tables, kind, of_kind));
            Some(filled.cols[c].get(meta.pos as usize))
        });
        match column {
            Some(cell) => cell,
            None => Cell::of(model.node(n).fields.get(&f.name)),
        }
    }
}

/// The columns of `fields` (positions in the schema of `kind`) for every node of the kind, in
/// one pass over the nodes.
fn fill<'a>(model: &'a Model, tables: &Tables, kind: KindId, of_kind: &OfKind<'_>) -> Filled<'a> {
    let nodes = &tables.nodes_of_kind[kind];
    let def = model.schema.kind(kind);
    // A node's field shares its key with the schema's declaration (see `FieldDef::key`), so it
    // is found by the key's address, among every field of the kind, sorted: the column it
    // fills, or none. A key the schema does not share is found by its name.
    let mut by_address: Vec<(usize, Option<usize>)> =
        def.fields.values().enumerate().map(|(i, d)| (d.key.address(), of_kind.column(i))).collect();
    by_address.sort_unstable();
    let column =
        |key: &crate::sema::model::FieldName| match by_address.binary_search_by_key(&key.address(), |(a, _)| *a) {
            Ok(i) => by_address[i].1,
            Err(_) => def.fields.get_index_of(&**key).and_then(|i| of_kind.column(i)),
        };
    let mut cols: Vec<Column<'a>> = of_kind.fields.iter().map(|_| Column::Absent).collect();
    let mut members: Vec<Members<'a>> = of_kind.fields.iter().map(|_| Members::Nodes(Vec::new())).collect();
    for (pos, n) in nodes.iter().enumerate() {
        for (key, v) in model.node(*n).fields.iter() {
            if let Some(c) = column(key) {
                let cell = list_cell(v, c, &mut members[c]).unwrap_or_else(|| Cell::of(Some(v)));
                cols[c].set(nodes.len(), pos, cell);
            }
        }
    }
    Filled { cols, members }
}

/// The cell of a list of at least one member in the column `column`, its members appended to
/// `members` (the column's); `None` for any other value (or when the column or its members
/// cannot be counted that far).
fn list_cell<'a>(v: &'a Value, column: usize, members: &mut Members<'a>) -> Option<Cell<'a>> {
    let ValueKind::List(items) = &v.kind else { return None };
    if items.is_empty() {
        return None;
    }
    let column = u16::try_from(column).ok()?;
    let at = u32::try_from(members.len()).ok()?;
    // Every position, and the length written as a member's number, stay below `NONE`.
    u32::try_from(members.len() + 1 + items.len()).ok().filter(|end| *end < NONE)?;
    members.push(items.len(), items.iter().map(|i| Cell::of(Some(i))));
    Some(Cell::List(v, column, at))
}

/// Every field a rule's body reads, as (kind, position in the kind's schema).
fn body_fields(b: &Body, out: &mut Vec<(KindId, u32)>) {
    each_ex(b, &mut |e| {
        if let Ex::Field(_, f) = e {
            out.extend(f.at.iter().copied());
        }
    });
}

/// Calls `visit` on every expression of a rule's body, sub-expressions included.
pub(crate) fn each_ex(b: &Body, visit: &mut dyn FnMut(&Ex)) {
    source_ex(&b.source, visit);
    b.filter.iter().chain([&b.require]).for_each(|e| walk_ex(e, visit));
    b.at.iter().for_each(|s| source_ex(s, visit));
    for pieces in [b.label.as_ref(), Some(&b.message), b.help.as_ref()].into_iter().flatten() {
        for p in pieces {
            if let Piece::Expr(e) = p {
                walk_ex(e, visit);
            }
        }
    }
}

fn source_ex(s: &Source, visit: &mut dyn FnMut(&Ex)) {
    match s {
        Source::Referrers { target: e, .. } | Source::Named { id: e, .. } | Source::Expr(e) => walk_ex(e, visit),
        Source::Kind(_) | Source::Once => {}
    }
}

/// The recursion follows the tree, whose depth the parser bounds.
fn walk_ex(e: &Ex, visit: &mut dyn FnMut(&Ex)) {
    visit(e);
    match e {
        Ex::Lit(_) | Ex::Today | Ex::Var(_) => {}
        Ex::Field(b, _) | Ex::Not(b) | Ex::Truthy(b) | Ex::IsKind(b, _) | Ex::Hoisted(_, b) => walk_ex(b, visit),
        Ex::And(a, b) | Ex::Or(a, b) | Ex::Compare(_, a, b) | Ex::In(a, b) | Ex::Arith(_, a, b, _) => {
            walk_ex(a, visit);
            walk_ex(b, visit);
        }
        Ex::List(items) => items.iter().for_each(|i| walk_ex(i, visit)),
        Ex::Quantified { source, filter, .. } | Ex::Count { source, filter, .. } | Ex::Those { source, filter, .. } => {
            source_ex(source, visit);
            if let Some(f) = filter {
                walk_ex(f, visit);
            }
        }
        Ex::Nearest(of, source) => {
            walk_ex(of, visit);
            source_ex(source, visit);
        }
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
        let (blank, empty) = (v(ValueKind::Text("  ".into())), v(ValueKind::List(Box::new([]))));
        assert!(matches!(Cell::of(Some(&blank)), Cell::Empty(_)));
        assert!(matches!(Cell::of(Some(&empty)), Cell::Empty(_)));
        // Small enough that a column of thousands stays in the cache.
        assert!(std::mem::size_of::<Cell>() <= 16);
    }

    #[test]
    fn a_compact_column_gives_back_every_cell_and_widens_on_the_first_that_does_not_fit() {
        let v = |kind| Value { kind, span: crate::source::Span::new(0, 0) };
        let (text, blank) = (v(ValueKind::Text("x".into())), v(ValueKind::Text(" ".into())));
        let date = jiff::civil::date(2026, 11, 22);
        let runs: Vec<Vec<Cell>> = vec![
            vec![Cell::Absent, Cell::Node(NodeId(3)), Cell::Absent, Cell::Node(NodeId(0))],
            vec![Cell::Enum(2, 1), Cell::Absent, Cell::Enum(2, 0), Cell::Enum(2, 4)],
            vec![Cell::Bool(true), Cell::Bool(false), Cell::Absent, Cell::Bool(true)],
            vec![Cell::Absent, Cell::Date(date), Cell::Absent, Cell::Absent],
            vec![Cell::Other(&text), Cell::Absent, Cell::Other(&text), Cell::Absent],
            // Each of these turns the column into the general form part way.
            vec![Cell::Node(NodeId(3)), Cell::Other(&text), Cell::Absent, Cell::Node(NodeId(1))],
            vec![Cell::Enum(2, 1), Cell::Enum(5, 1), Cell::Absent, Cell::Bool(true)],
            vec![Cell::Other(&text), Cell::Int(7), Cell::Number(0.5), Cell::Absent],
            vec![Cell::Other(&text), Cell::Empty(&blank), Cell::Absent, Cell::Other(&text)],
            vec![Cell::Absent, Cell::Absent, Cell::Absent, Cell::Absent],
        ];
        for (i, run) in runs.iter().enumerate() {
            let mut col = Column::Absent;
            for (pos, c) in run.iter().enumerate() {
                col.set(run.len(), pos, *c);
            }
            for (pos, c) in run.iter().enumerate() {
                assert!(same(col.get(pos), *c), "run {i}, cell {pos}: {:?} for {c:?}", col.get(pos));
            }
            let compact = matches!(col, Column::Nodes(_) | Column::Enum(..) | Column::Bools(_) | Column::Dates(_));
            assert_eq!(compact || matches!(col, Column::Values(_) | Column::Absent), i < 5 || i == 9, "run {i}");
        }
        assert!(std::mem::size_of::<Option<jiff::civil::Date>>() <= 8);
    }

    #[test]
    fn members_stay_numbers_until_one_is_not_a_node_and_keep_their_places_after() {
        /// Pushes `lists` in turn, asserting after each whether the members are still in the
        /// narrow form (`narrow` says so) and that every list so far reads back as pushed,
        /// from the narrow form and then from the general one.
        fn push_and_read<'a>(
            lists: &[Vec<Cell<'a>>],
            narrow: impl Fn(&Members) -> bool,
            narrow_until: usize,
        ) -> Members<'a> {
            let show = |cells: &mut dyn Iterator<Item = Cell<'a>>| cells.map(|c| format!("{c:?}")).collect::<Vec<_>>();
            let mut members = Members::Nodes(Vec::new());
            let mut at = Vec::new();
            for (i, list) in lists.iter().enumerate() {
                at.push(members.len());
                members.push(list.len(), list.iter().copied());
                assert_eq!(narrow(&members), i < narrow_until, "after list {i}");
                for (j, (list, at)) in lists.iter().zip(&at).enumerate() {
                    assert_eq!(show(&mut members.list(*at)), show(&mut list.iter().copied()), "list {j} after {i}");
                }
            }
            members
        }
        let text = Value { kind: ValueKind::Text("x".into()), span: crate::source::Span::new(0, 0) };
        let lists: Vec<Vec<Cell>> = vec![
            vec![Cell::Node(NodeId(1)), Cell::Node(NodeId(2))],
            vec![Cell::Node(NodeId(9))],
            vec![Cell::Node(NodeId(4)), Cell::Other(&text), Cell::Node(NodeId(5))],
            vec![Cell::Node(NodeId(6))],
        ];
        let members = push_and_read(&lists, |m| matches!(m, Members::Nodes(_)), 2);
        assert_eq!(members.list(usize::MAX - 1).count(), 0);

        // A column of lists of one enum's members keeps positions, until another enum's.
        let lists: Vec<Vec<Cell>> = vec![
            vec![Cell::Enum(3, 0), Cell::Enum(3, 2)],
            vec![Cell::Enum(3, 1)],
            vec![Cell::Enum(4, 0), Cell::Enum(3, 1)],
        ];
        push_and_read(&lists, |m| matches!(m, Members::Enum(3, _)), 2);
    }

    /// The stdlib and `spec` as one model.
    fn model(spec: &str) -> Model {
        let mut db = crate::compile::stdlib_db();
        db.add(crate::source::SourceFile::new("t.aims".into(), spec.into(), Origin::Spec));
        let files = db.iter().map(|(id, f)| (id, f.origin, crate::syntax::parse(&f.text, id).0)).collect();
        crate::sema::analyze(files, &mut Vec::new())
    }

    fn field(model: &Model, kind: KindId, name: &str) -> Field {
        let at = model.schema.kind(kind).fields.get_index_of(name).map(|i| vec![(kind, i as u32)]).unwrap_or_default();
        Field { name: name.into(), at }
    }

    fn same(a: Cell, b: Cell) -> bool {
        format!("{a:?}") == format!("{b:?}")
    }

    #[test]
    fn a_column_reads_what_the_node_holds_and_other_fields_come_from_the_node() {
        let m = model(
            "person p1 \"P\" { email: \"p@example.org\" }\n\
             system s1 \"One\" { owner: p1  purpose: \"x\"  status: active }\n\
             system s2 \"Two\" { purpose: \"  \"  status: retired }\n",
        );
        let tables = Tables::new(&m);
        let system = m.schema.kind_id("system").unwrap();
        let (status, owner, purpose) =
            (field(&m, system, "status"), field(&m, system, "owner"), field(&m, system, "purpose"));
        // A rule that reads `status` and `owner`, not `purpose`.
        let mut cols = Columns { kinds: (0..m.schema.kinds.len()).map(|_| OfKind::default()).collect() };
        cols.kinds[system].fields = vec![status.at[0].1, owner.at[0].1];
        cols.kinds[system].index_columns();
        let s1 = m.lookup("s1").unwrap();
        let s2 = m.lookup("s2").unwrap();
        for n in [s1, s2] {
            for f in [&status, &owner, &purpose] {
                let direct = Cell::of(m.node(n).fields.get(&f.name));
                assert!(same(cols.get(&m, &tables, n, f), direct), "{} of {n:?}", f.name);
            }
        }
        assert!(matches!(cols.get(&m, &tables, s2, &owner), Cell::Absent));
        assert!(matches!(cols.get(&m, &tables, s1, &owner), Cell::Node(_)));
        // `purpose` is no column (no rule read it): it is read from the node, blank as blank.
        assert!(matches!(cols.get(&m, &tables, s2, &purpose), Cell::Empty(_)));
        assert_eq!(cols.kinds[system].filled.get().map(|f| f.cols.len()), Some(2));
        // A field the checker did not place in this kind (`at` names another kind): from the node.
        let person = m.schema.kind_id("person").unwrap();
        let elsewhere = Field { name: "status".into(), at: vec![(person, 0)] };
        assert!(same(cols.get(&m, &tables, s1, &elsewhere), cols.get(&m, &tables, s1, &status)));
    }

    #[test]
    fn a_text_is_blank_exactly_when_trimming_leaves_nothing() {
        for t in
            ["", " ", "\t\n", "x", " x", "x ", "\u{a0}", "\u{a0}x", "\u{b}", "\u{1}", "\u{7f}", "é", "\u{2003}\u{3000}"]
        {
            assert_eq!(blank(t), t.trim().is_empty(), "{t:?}");
        }
    }

    #[test]
    fn a_look_up_by_id_finds_every_node_of_the_kind_with_that_id_in_model_order() {
        let m = model("system s1 \"One\" { purpose: \"x\"  status: active }\n");
        let tables = Tables::new(&m);
        let clause = m.schema.kind_id("clause").unwrap();
        // Standards number their clauses alike: 6.1 is a clause of more than one catalogue.
        let scan: Vec<NodeId> =
            tables.nodes_of_kind[clause].iter().copied().filter(|n| m.node(*n).id.as_deref() == Some("6.1")).collect();
        assert!(scan.len() >= 2, "{scan:?}");
        assert_eq!(tables.named(&m, clause, "6.1"), scan);
        assert!(tables.named(&m, clause, "6.1.99").is_empty());
        let system = m.schema.kind_id("system").unwrap();
        assert_eq!(tables.named(&m, system, "s1"), vec![m.lookup("s1").unwrap()]);
        // Another kind's item of that ID is not one of this kind's.
        assert!(tables.named(&m, clause, "s1").is_empty());
    }

    #[test]
    fn the_fields_a_run_reads_are_collected_from_its_rules() {
        let m = model("system s1 \"One\" { purpose: \"x\"  status: active }\n");
        let mut diags = Vec::new();
        let set = super::super::load(&m, &mut diags);
        let cols = Columns::new(m.schema.kinds.len(), set.rules.values().filter_map(|r| r.body.as_ref()));
        let system = m.schema.kind_id("system").unwrap();
        let status = m.schema.kind(system).fields.get_index_of("status").unwrap() as u32;
        assert!(cols.kinds[system].fields.contains(&status));
        // Nothing is read from the Model until a rule asks.
        assert!(cols.kinds.iter().all(|k| k.filled.get().is_none()));
    }
}
