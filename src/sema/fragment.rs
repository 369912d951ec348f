//! What the builder made of one file, kept between runs: the file's nodes, checked against the
//! schema, so that a run over a spec in which most files have not changed neither decodes
//! their trees nor checks them again (the cache entry and its discipline: `cache::disk`).
//!
//! A fragment stands for the builder's work on one file and nothing else, so it is made only
//! of a file that the builder found clean (no diagnostic) and that holds items only (no rule,
//! waiver or `todo`), and it is position-free:
//! - node numbers are the file's own (its first node is 0), made the Model's on merging;
//! - a field is named by its position among its kind's fields, a member of an enum by its
//!   positions, so a fragment is read only against the schema it was checked against (the
//!   entry's key holds a fingerprint of that schema);
//! - every reference is kept as written, even one the builder had already found: what it
//!   names depends on the other files, and resolution looks it up again.
//!
//! The encoding is a plain list of varints, texts and floats. Decoding checks every kind,
//! field, enum, node number and date against the schema and the fragment itself: bytes that
//! do not fit (an entry from another build, a bit flipped on disk past the entry's checksum)
//! give `None`, and the file is read from its text instead.

use super::model::{Fields, Model, Node, NodeId, Pending, Value, ValueKind};
use super::schema::Schema;
use crate::source::{FileId, Origin, Span};
use crate::syntax::ast::DurationUnit;

/// A file's nodes as the builder made them, numbered from 0, with the top-level items (their
/// number and where their ID is written).
pub struct Fragment {
    pub(crate) nodes: Vec<Node>,
    pub(crate) tops: Vec<(NodeId, Span)>,
}

const TEXT: u8 = 0;
const INT: u8 = 1;
const DECIMAL: u8 = 2;
const PERCENT: u8 = 3;
const BOOL: u8 = 4;
const DATE: u8 = 5;
const DURATION: u8 = 6;
const ENUM: u8 = 7;
const BLOCK: u8 = 8;
const LIST: u8 = 9;
const WRITTEN: u8 = 10;

/// The units of a duration, by the byte that stands for each.
const UNITS: [DurationUnit; 4] = [DurationUnit::Day, DurationUnit::Week, DurationUnit::Month, DurationUnit::Year];

/// The fragment of the nodes `first..` of `model` (one file's, just built), with its top-level
/// items `tops`; `None` if any of them holds what a fragment cannot (a resolved reference).
pub(crate) fn encode(model: &Model, first: usize, tops: &[(NodeId, Span)]) -> Option<Vec<u8>> {
    let nodes = &model.nodes[first..];
    let mut out = Out(Vec::with_capacity(64 * nodes.len()));
    let local = |n: NodeId| (n.0 as usize).checked_sub(first).filter(|l| *l < nodes.len()).map(|l| l as u64);
    out.uint(nodes.len() as u64);
    out.uint(tops.len() as u64);
    for (n, id_span) in tops {
        out.uint(local(*n)?);
        out.span(*id_span);
    }
    for node in nodes {
        let kind = model.schema.kind(node.kind);
        out.uint(node.kind as u64);
        out.opt_str(node.id.as_deref());
        out.opt_str(node.title.as_deref());
        match node.parent {
            Some(p) => out.uint(local(p)? + 1),
            None => out.uint(0),
        }
        out.span(node.span);
        out.span(node.header);
        out.uint(node.fields.len() as u64);
        for (name, value) in node.fields.iter() {
            out.uint(kind.fields.get_index_of(&**name)? as u64);
            value_out(model, &mut out, value, &local)?;
        }
    }
    Some(out.0)
}

fn value_out(model: &Model, out: &mut Out, v: &Value, local: &impl Fn(NodeId) -> Option<u64>) -> Option<()> {
    out.span(v.span);
    match &v.kind {
        ValueKind::Text(t) => {
            out.byte(TEXT);
            out.str(t);
        }
        ValueKind::Int(n) => {
            out.byte(INT);
            out.int(*n);
        }
        ValueKind::Decimal(x) => {
            out.byte(DECIMAL);
            out.f64(*x);
        }
        ValueKind::Percent(x) => {
            out.byte(PERCENT);
            out.f64(*x);
        }
        ValueKind::Bool(b) => {
            out.byte(BOOL);
            out.byte(*b as u8);
        }
        ValueKind::Date(d) => {
            out.byte(DATE);
            out.int(d.year() as i64);
            out.byte(d.month() as u8);
            out.byte(d.day() as u8);
        }
        ValueKind::Duration(n, unit) => {
            out.byte(DURATION);
            out.int(*n);
            out.byte(UNITS.iter().position(|u| u == unit)? as u8);
        }
        ValueKind::Enum(e, m) => {
            out.byte(ENUM);
            out.uint(*e as u64);
            out.uint(*m as u64);
        }
        ValueKind::Block(n) => {
            out.byte(BLOCK);
            out.uint(local(*n)?);
        }
        ValueKind::List(items) => {
            out.byte(LIST);
            out.uint(items.len() as u64);
            for item in items.iter() {
                value_out(model, out, item, local)?;
            }
        }
        ValueKind::Unresolved(p) => {
            out.byte(WRITTEN);
            match p {
                Pending::Written(name) => out.str(name),
                // Found among the items read before; kept by the ID it names.
                Pending::Known(target) => out.str(model.node(*target).id.as_deref()?),
            }
        }
        // Only the resolver makes these, after every file is built.
        ValueKind::Ref(_) => return None,
    }
    Some(())
}

/// The fragment in `bytes`, read against `schema` as the nodes of `file`; `None` unless every
/// part of it fits.
pub(crate) fn decode(bytes: &[u8], schema: &Schema, file: FileId) -> Option<Fragment> {
    let mut r = In(bytes);
    // No count is trusted further than the bytes left could hold (each item takes a byte).
    let count = r.len()?;
    let tops_count = r.len()?;
    let mut tops = Vec::with_capacity(tops_count);
    for _ in 0..tops_count {
        let n = r.uint()?;
        let span = r.span()?;
        tops.push((NodeId(u32::try_from(n).ok().filter(|n| (*n as usize) < count)?), span));
    }
    // By kind: how many computed fields the scoring adds later (room is made for them).
    let computed: Vec<usize> = schema.kinds.values().map(|k| k.computed_fields()).collect();
    let mut nodes = Vec::with_capacity(count);
    for i in 0..count {
        let kind = usize::try_from(r.uint()?).ok().filter(|k| *k < schema.kinds.len())?;
        let kind_def = schema.kind(kind);
        let id = r.opt_str()?;
        let title = r.opt_str()?;
        // A parent comes before its blocks.
        let parent = match r.uint()? {
            0 => None,
            p => Some(NodeId(u32::try_from(p - 1).ok().filter(|p| (*p as usize) < i)?)),
        };
        let (span, header) = (r.span()?, r.span()?);
        let n = r.len()?;
        let mut fields = Fields::with_capacity(n + computed[kind]);
        // The fields seen, by position: a field given twice is refused.
        let mut seen = 0u128;
        for _ in 0..n {
            let at = usize::try_from(r.uint()?).ok()?;
            let (_, def) = kind_def.fields.get_index(at)?;
            let value = value_in(&mut r, schema, count, 0)?;
            let twice = match at {
                0..128 => {
                    let bit = 1u128 << at;
                    let was = seen & bit != 0;
                    seen |= bit;
                    was
                }
                _ => fields.iter().any(|(k, _)| k.same(&def.key)),
            };
            if twice {
                return None;
            }
            fields.push_new(def.key.clone(), value);
        }
        nodes.push(Node { kind, id, title, parent, file, origin: Origin::Spec, span, header, fields });
    }
    r.0.is_empty().then_some(Fragment { nodes, tops })
}

fn value_in(r: &mut In, schema: &Schema, count: usize, depth: usize) -> Option<Value> {
    let span = r.span()?;
    let kind = match r.byte()? {
        TEXT => ValueKind::Text(r.str()?.into()),
        INT => ValueKind::Int(r.int()?),
        DECIMAL => ValueKind::Decimal(r.f64()?),
        PERCENT => ValueKind::Percent(r.f64()?),
        BOOL => match r.byte()? {
            0 => ValueKind::Bool(false),
            1 => ValueKind::Bool(true),
            _ => return None,
        },
        DATE => {
            let year = i16::try_from(r.int()?).ok()?;
            let (month, day) = (r.byte()? as i8, r.byte()? as i8);
            ValueKind::Date(jiff::civil::Date::new(year, month, day).ok()?)
        }
        DURATION => {
            let n = r.int()?;
            ValueKind::Duration(n, *UNITS.get(r.byte()? as usize)?)
        }
        ENUM => {
            let e = usize::try_from(r.uint()?).ok().filter(|e| *e < schema.enums.len())?;
            let m = u32::try_from(r.uint()?).ok().filter(|m| (*m as usize) < schema.enum_def(e).members.len())?;
            ValueKind::Enum(e, m)
        }
        BLOCK => ValueKind::Block(NodeId(u32::try_from(r.uint()?).ok().filter(|n| (*n as usize) < count)?)),
        // Lists nest no deeper than the syntax lets them.
        LIST if depth < crate::syntax::depth::MAX_DEPTH => {
            let n = r.len()?;
            let mut items = Vec::with_capacity(n);
            for _ in 0..n {
                items.push(value_in(r, schema, count, depth + 1)?);
            }
            ValueKind::List(items.into_boxed_slice())
        }
        WRITTEN => ValueKind::Unresolved(Pending::Written(r.str()?.into())),
        _ => return None,
    };
    Some(Value { kind, span })
}

struct Out(Vec<u8>);

impl Out {
    fn byte(&mut self, b: u8) {
        self.0.push(b);
    }
    fn uint(&mut self, mut n: u64) {
        while n >= 0x80 {
            self.0.push(n as u8 | 0x80);
            n >>= 7;
        }
        self.0.push(n as u8);
    }
    fn int(&mut self, n: i64) {
        self.uint(((n << 1) ^ (n >> 63)) as u64);
    }
    fn f64(&mut self, x: f64) {
        self.0.extend_from_slice(&x.to_le_bytes());
    }
    fn str(&mut self, s: &str) {
        self.uint(s.len() as u64);
        self.0.extend_from_slice(s.as_bytes());
    }
    fn opt_str(&mut self, s: Option<&str>) {
        match s {
            Some(s) => {
                self.byte(1);
                self.str(s);
            }
            None => self.byte(0),
        }
    }
    fn span(&mut self, s: Span) {
        self.uint(s.start as u64);
        self.uint(s.end as u64);
    }
}

struct In<'a>(&'a [u8]);

impl<'a> In<'a> {
    fn byte(&mut self) -> Option<u8> {
        let (b, rest) = self.0.split_first()?;
        self.0 = rest;
        Some(*b)
    }
    fn uint(&mut self) -> Option<u64> {
        // Most numbers (kinds, field positions, short lengths) fit in one byte.
        if let Some((&b, rest)) = self.0.split_first() {
            if b < 0x80 {
                self.0 = rest;
                return Some(b as u64);
            }
        }
        let mut n = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            n |= ((b & 0x7f) as u64).checked_shl(shift)?;
            if b < 0x80 {
                return Some(n);
            }
        }
        None
    }
    /// A count, at most the bytes left.
    fn len(&mut self) -> Option<usize> {
        usize::try_from(self.uint()?).ok().filter(|n| *n <= self.0.len())
    }
    fn int(&mut self) -> Option<i64> {
        let n = self.uint()?;
        Some((n >> 1) as i64 ^ -((n & 1) as i64))
    }
    fn f64(&mut self) -> Option<f64> {
        let (b, rest) = self.0.split_first_chunk::<8>()?;
        self.0 = rest;
        Some(f64::from_le_bytes(*b))
    }
    fn str(&mut self) -> Option<&'a str> {
        let n = self.len()?;
        let (s, rest) = self.0.split_at(n);
        self.0 = rest;
        std::str::from_utf8(s).ok()
    }
    fn opt_str(&mut self) -> Option<Option<Box<str>>> {
        match self.byte()? {
            0 => Some(None),
            1 => Some(Some(self.str()?.into())),
            _ => None,
        }
    }
    fn span(&mut self) -> Option<Span> {
        let start = u32::try_from(self.uint()?).ok()?;
        let end = u32::try_from(self.uint()?).ok().filter(|e| *e >= start)?;
        Some(Span { start, end })
    }
}

#[cfg(test)]
mod tests {
    use crate::cache::{TextHash, Trees};
    use crate::diagnostics::Diagnostic;
    use crate::source::{FileId, Origin, SourceDb, SourceFile};
    use crate::syntax::ast::Ast;
    use std::sync::Mutex;

    /// A store that parses every file and keeps fragments in memory, counting the ones served.
    #[derive(Default)]
    struct Kept {
        fragments: Mutex<rustc_hash::FxHashMap<(String, TextHash), Vec<u8>>>,
        served: Mutex<usize>,
    }

    impl Trees for Kept {
        fn parse(&self, text: &str, file: FileId) -> (Ast, Vec<Diagnostic>) {
            crate::syntax::parse(text, file)
        }
        fn keeps_fragments(&self) -> bool {
            true
        }
        fn fragment(&self, text: &str, _file: FileId, schema: &TextHash) -> Option<Vec<u8>> {
            let found = self.fragments.lock().unwrap().get(&(text.to_string(), *schema)).cloned();
            *self.served.lock().unwrap() += found.is_some() as usize;
            found
        }
        fn keep_fragment(&self, text: &str, _file: FileId, schema: &TextHash, bytes: &[u8]) {
            self.fragments.lock().unwrap().insert((text.to_string(), *schema), bytes.to_vec());
        }
    }

    fn db_of(dir: &str) -> SourceDb {
        let mut db = crate::compile::stdlib_db();
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
        let mut files: Vec<_> = std::fs::read_dir(&root)
            .expect("the example")
            .map(|e| e.expect("an entry").path())
            .filter(|p| p.extension().is_some_and(|e| e == "aims"))
            .collect();
        files.sort();
        for f in files {
            let text = std::fs::read_to_string(&f).expect("a file");
            db.add(SourceFile::new(f.file_name().unwrap().to_string_lossy().into_owned(), text, Origin::Spec));
        }
        db
    }

    /// Everything the builder and the resolver make, in a fixed order.
    fn model_of(m: &crate::sema::Model) -> String {
        let mut ids: Vec<_> = m.by_id.iter().collect();
        ids.sort();
        let mut anchors: Vec<_> = m.anchors.iter().map(|(t, a)| (t, a.iter().collect::<Vec<_>>())).collect();
        anchors.sort();
        format!(
            "{:?}\n{ids:?}\n{:?}\n{:?}\n{anchors:?}\n{:?}\n{:?}",
            m.nodes, m.by_kind, m.items, m.referrers, m.spec_files
        )
    }

    /// A spec compiled from the fragments an earlier compilation kept is the same Model, node
    /// for node, with the same diagnostics, as one compiled from its text.
    #[test]
    fn a_model_from_fragments_is_the_model_from_the_text() {
        let today = jiff::civil::date(2026, 11, 22);
        for example in ["examples/retail-bank", "examples/hospital-network", "examples/eu-provider-gaps"] {
            let store = Kept::default();
            let compile = || {
                crate::compile::compile_with(db_of(example), Vec::new(), today, &crate::compile::BuiltinScripts, &store)
            };
            let first = compile();
            let kept = store.fragments.lock().unwrap().len();
            assert!(kept > 0, "{example}: fragments kept");
            let again = compile();
            assert_eq!(*store.served.lock().unwrap(), kept, "{example}: every kept fragment is used");
            assert_eq!(model_of(&again.model), model_of(&first.model), "{example}");
            assert_eq!(again.diagnostics, first.diagnostics, "{example}");
        }
    }

    /// Bytes that are not a whole fragment of this schema are refused, never half read.
    #[test]
    fn a_damaged_fragment_is_refused() {
        let db = db_of("examples/retail-bank");
        let c =
            crate::compile::compile(db, Vec::new(), jiff::civil::date(2026, 11, 22), &crate::compile::BuiltinScripts);
        let file = *c.model.spec_files.last().expect("a spec file");
        let first = c.model.nodes.iter().position(|n| n.file == file).expect("the file has nodes");
        // The resolver has run: its references are put back as written, as the builder left them.
        let mut model = c.model.clone();
        for node in &mut model.nodes[first..] {
            for (_, v) in node.fields.iter_mut() {
                unresolve(&c.model, v);
            }
        }
        let tops: Vec<_> =
            model.items.iter().filter(|n| n.0 as usize >= first).map(|n| (*n, model.node(*n).header)).collect();
        let bytes = super::encode(&model, first, &tops).expect("a fragment");
        let whole = super::decode(&bytes, &model.schema, file).expect("the whole fragment is read");
        assert_eq!(whole.nodes.len(), model.nodes.len() - first);
        for cut in 0..bytes.len() {
            assert!(super::decode(&bytes[..cut], &model.schema, file).is_none(), "cut at {cut}");
        }
        let longer = [&bytes[..], &[0]].concat();
        assert!(super::decode(&longer, &model.schema, file).is_none(), "a byte too many");
        // Another schema: one without the kinds and enums of this one.
        let empty = crate::sema::Schema::default();
        assert!(super::decode(&bytes, &empty, file).is_none());
        // Any byte changed gives a refusal or some fragment, never a panic.
        for at in 0..bytes.len() {
            let mut flipped = bytes.clone();
            flipped[at] ^= 0xa5;
            let _ = super::decode(&flipped, &model.schema, file);
        }
    }

    /// A node that gives one field twice is refused, whatever the field's position among its
    /// kind's fields (the first 128 positions are tracked in a bit set, the others by a search).
    #[test]
    fn a_fragment_giving_a_field_twice_is_refused() {
        use crate::source::Span;
        // A kind of the spec's own with more fields than the bit set holds.
        let mut db = crate::compile::stdlib_db();
        let fields: String = (0..140).map(|i| format!("  f{i}: text\n")).collect();
        db.add(SourceFile::new("wide.aims".into(), format!("kind wide \"Wide\" {{\n{fields}}}\n"), Origin::Spec));
        let c =
            crate::compile::compile(db, Vec::new(), jiff::civil::date(2026, 11, 22), &crate::compile::BuiltinScripts);
        let schema = &c.model.schema;
        let kind = schema.kind_id("wide").expect("the kind is declared");
        let texts: Vec<usize> = (0..schema.kind(kind).fields.len())
            .filter(|at| {
                matches!(
                    schema.kind(kind).fields[*at].ty,
                    crate::sema::schema::Type::Prim(crate::sema::schema::Prim::Text)
                )
            })
            .collect();
        assert!(texts.len() >= 140 && *texts.last().unwrap() >= 128, "the kind's text fields: {texts:?}");
        let node = |fields: &[usize]| {
            let mut out = super::Out(Vec::new());
            out.uint(1);
            out.uint(1);
            out.uint(0);
            out.span(Span::new(0, 3));
            out.uint(kind as u64);
            out.opt_str(Some("n1"));
            out.opt_str(None);
            out.uint(0);
            out.span(Span::new(0, 40));
            out.span(Span::new(0, 3));
            out.uint(fields.len() as u64);
            for at in fields {
                out.uint(*at as u64);
                out.span(Span::new(10, 13));
                out.byte(super::TEXT);
                out.str("yes");
            }
            out.0
        };
        // The first position (in the bit set) and the last (past it, found by a search).
        let (a, b) = (texts[0], *texts.last().unwrap());
        let file = FileId(0);
        assert!(super::decode(&node(&[a, b]), schema, file).is_some(), "two fields, once each");
        assert!(super::decode(&node(&[a, b, a]), schema, file).is_none(), "field {a} twice");
        assert!(super::decode(&node(&[b, a, b]), schema, file).is_none(), "field {b} twice");
    }

    fn unresolve(m: &crate::sema::Model, v: &mut crate::sema::Value) {
        use crate::sema::ValueKind;
        match &mut v.kind {
            ValueKind::Ref(t) => {
                let name = m.display_name(*t);
                v.kind = ValueKind::Unresolved(super::Pending::Written(name.into()));
            }
            ValueKind::List(items) => items.iter_mut().for_each(|v| unresolve(m, v)),
            _ => {}
        }
    }
}
