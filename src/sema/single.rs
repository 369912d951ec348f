//! One file checked again against the model of a complete compilation: what an editor shows
//! the moment a file changes, long before the whole spec is compiled again.
//!
//! The file is parsed, its items are checked against the model's schema by the same
//! [`Builder`] the full analysis uses, and its references are resolved by the same resolver
//! against every ID the model knows, the file's old items taken out and its new ones put in.
//! So the file's syntax, schema and reference errors read exactly as a full compile would
//! give them. Nothing else is recomputed: placeholders, scoring and the rules read the whole
//! spec, and a caller keeps the findings of the last complete run for those (see
//! [`recomputed`]).
//!
//! The model is borrowed mutably and given back as it was: building a second model of a
//! large spec (tens of thousands of items) for every keystroke would cost more than the
//! check itself, so the file's old entries are set aside, the new file is added at the end,
//! checked, and taken out again.

use super::build::Builder;
use super::model::{Model, NodeId};
use crate::diagnostics::{codes, Diagnostic};
use crate::source::{FileId, Origin, Span};

/// The codes a one-file check gives as a full compile would (a full compile's diagnostics
/// with any other code come from stages that read the whole spec: the schema's declarations,
/// placeholders, scoring, the rules).
const RECOMPUTED: &[codes::Code] = &[
    codes::EMPTY_FILE,
    codes::SYNTAX,
    codes::UNCLOSED_BLOCK,
    codes::UNTERMINATED_STRING,
    codes::INVALID_DATE,
    codes::NUMBER_TOO_LARGE,
    codes::TOO_DEEP,
    codes::UNEXPECTED_CLOSE,
    codes::MISSING_VALUE,
    codes::UNKNOWN_KIND,
    codes::DUPLICATE_ID,
    codes::UNKNOWN_REFERENCE,
    codes::WRONG_REFERENCE_KIND,
    codes::UNKNOWN_ENUM_VALUE,
    codes::UNKNOWN_STANDARD_REF,
    codes::MISSING_ID,
    codes::MISPLACED_BLOCK,
    codes::UNKNOWN_FIELD,
    codes::WRONG_TYPE,
    codes::MISSING_FIELD,
    codes::DUPLICATE_FIELD,
    codes::REPEATED_BLOCK,
    codes::COMPUTED_FIELD,
];

/// Whether [`check_file`] gives diagnostics of this code itself (so that a full compile's
/// older ones of that code are replaced, not kept).
pub fn recomputed(code: &str) -> bool {
    RECOMPUTED.iter().any(|c| c.id == code)
}

/// Whether a one-file check can stand for a full compile of this text at all: a file that
/// declares schema (`kind`, `block`, `enum`) changes what every other file means.
pub fn checkable(text: &str) -> bool {
    !crate::syntax::depth::declares_schema(text)
}

/// The syntax, schema and reference errors of `text` as the spec file `file` of the spec
/// `model` was compiled from (a `file` the model does not know is a new file, after all the
/// others), sorted as a compile sorts them. `model` is the same afterwards.
pub fn check_file(model: &mut Model, file: FileId, text: &str) -> Vec<Diagnostic> {
    crate::diagnostics::suggest::new_run();
    let (mut ast, mut diags) = crate::syntax::parse(text, file);
    if ast.items.is_empty() && diags.is_empty() && text.trim().is_empty() {
        diags.push(
            Diagnostic::new(codes::EMPTY_FILE, "this file is empty")
                .primary(file, Span::new(0, 0), "nothing declared here")
                .help("declare at least one item, or remove the file from the spec"),
        );
    }
    let aside = SetAside::take(model, file);
    let first_new = model.nodes.len();
    let mut sema = Vec::new();
    let mut builder = Builder::with_model(std::mem::take(model), &mut sema);
    builder.file(file, Origin::Spec, &mut ast);
    *model = builder.model;
    aside.place_new(model, first_new);
    let _ = super::resolve::resolve_from(model, first_new, &mut sema);
    aside.restore(model, first_new);
    // A duplicate of an ID declared in a later file is reported there, not here, by a compile.
    sema.retain(|d| d.code != codes::DUPLICATE_ID.id || d.labels.iter().all(|l| l.primary || l.file.0 <= file.0));
    diags.extend(sema.into_iter().filter(|d| d.primary_label().is_some_and(|l| l.file == file)));
    crate::diagnostics::sort(&mut diags);
    diags
}

/// What the file's old items held in the model's tables, kept aside while the new text is
/// checked, and put back afterwards. (The old nodes stay in `nodes`: nothing reaches them but
/// through these tables.)
struct SetAside {
    ids: Vec<NodeId>,
    /// Per kind, and for `items`: the file's old entries with the index each had.
    by_kind: Vec<Vec<(usize, NodeId)>>,
    items: Vec<(usize, NodeId)>,
    anchors: Vec<(NodeId, indexmap::IndexMap<String, NodeId, rustc_hash::FxBuildHasher>)>,
    lens: (usize, usize, usize),
}

/// Takes the entries `mine` marks out of `list`, with the index each had.
fn cut(mine: &[bool], list: &mut Vec<NodeId>) -> Vec<(usize, NodeId)> {
    let mut taken = Vec::new();
    let mut i = 0;
    list.retain(|n| {
        let keep = !mine[n.0 as usize];
        if !keep {
            taken.push((i, *n));
        }
        i += 1;
        keep
    });
    taken
}

/// Puts entries taken by [`cut`] back where they were (in the order they were taken, each
/// index counts the ones put back before it).
fn put_back(list: &mut Vec<NodeId>, taken: Vec<(usize, NodeId)>) {
    if taken.is_empty() {
        return;
    }
    let mut kept = std::mem::take(list).into_iter();
    let mut out = Vec::with_capacity(kept.len() + taken.len());
    for (i, n) in taken {
        out.extend(kept.by_ref().take(i.saturating_sub(out.len())));
        out.push(n);
    }
    out.extend(kept);
    *list = out;
}

impl SetAside {
    fn take(model: &mut Model, file: FileId) -> SetAside {
        // Which nodes are the file's, read once in order: the tables below are large in a
        // large spec, and looking each of their entries up in the nodes would be slower.
        let mine: Vec<bool> = model.nodes.iter().map(|n| n.file == file).collect();
        let ids: Vec<NodeId> = model.by_id.iter().filter(|n| mine[n.0 as usize]).collect();
        for n in &ids {
            model.by_id.remove(&model.nodes, *n);
        }
        let by_kind = model.by_kind.iter_mut().map(|list| cut(&mine, list)).collect();
        let items = cut(&mine, &mut model.items);
        let tops: Vec<NodeId> = model.anchors.keys().copied().filter(|t| mine[t.0 as usize]).collect();
        let anchors = tops.into_iter().filter_map(|t| model.anchors.remove(&t).map(|a| (t, a))).collect();
        let lens = (model.rules.len(), model.waivers.len(), model.placeholders.len());
        SetAside { ids, by_kind, items, anchors, lens }
    }

    /// The new file's items, appended by the builder, go where the old ones stood in each
    /// kind's list (or stay at the end for a kind the file had none of), so that lists, and
    /// the suggestions drawn from them, keep a compile's order.
    fn place_new(&self, model: &mut Model, first_new: usize) {
        for (kind, list) in model.by_kind.iter_mut().enumerate() {
            let from = list.iter().position(|n| n.0 as usize >= first_new).unwrap_or(list.len());
            let Some(&(at, _)) = self.by_kind.get(kind).and_then(|old| old.first()) else { continue };
            let new: Vec<NodeId> = list.drain(from..).collect();
            let at = at.min(list.len());
            list.splice(at..at, new);
        }
    }

    fn restore(self, model: &mut Model, first_new: usize) {
        let is_new = |n: &NodeId| n.0 as usize >= first_new;
        // The IDs and anchors the new text declared (its references were not recorded).
        model.by_id.retain(|n| !is_new(&n));
        for n in self.ids {
            // They were the table's before: no duplicate among them.
            let _ = model.by_id.insert(&model.nodes, n);
        }
        model.anchors.retain(|t, _| !is_new(t));
        model.anchors.extend(self.anchors);
        for (list, old) in model.by_kind.iter_mut().zip(self.by_kind) {
            list.retain(|n| !is_new(n));
            put_back(list, old);
        }
        model.items.retain(|n| !is_new(n));
        put_back(&mut model.items, self.items);
        model.rules.truncate(self.lens.0);
        model.waivers.truncate(self.lens.1);
        model.placeholders.truncate(self.lens.2);
        model.nodes.truncate(first_new);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceFile;

    /// Everything of a model a one-file check touches, in a fixed order.
    fn tables(m: &Model) -> String {
        let mut ids: Vec<_> = m.by_id.iter().map(|n| (m.node(n).id.clone(), n)).collect();
        ids.sort();
        let mut anchors: Vec<_> = m.anchors.iter().map(|(t, a)| (t, a.iter().collect::<Vec<_>>())).collect();
        anchors.sort();
        let referrers = &m.referrers;
        format!(
            "{ids:?}\n{:?}\n{:?}\n{anchors:?}\n{referrers:?}\n{} {} {} {}",
            m.by_kind,
            m.items,
            m.nodes.len(),
            m.rules.len(),
            m.waivers.len(),
            m.placeholders.len()
        )
    }

    #[test]
    fn the_model_is_given_back_as_it_was() {
        let mut db = crate::compile::stdlib_db();
        let people = "person priya { name: \"Priya Raman\" }\nrole lead \"Lead\" {}\n";
        db.add(SourceFile::new("people.aims".into(), people.into(), Origin::Spec));
        let systems = "system triage \"Triage\" {\n  owner: priya\n  purpose: \"Orders arrivals\"\n  tier: 1\n}\n\
                       risk r1 \"Undertriage\" {\n  system: triage\n  owner: lead\n  likelihood: possible\n  impact: major\n  \
                       treatment { option: mitigate  controls: [A.6.2.4]  owner: lead  due: 2027-03-31 }\n}\n";
        let file = db.add(SourceFile::new("systems.aims".into(), systems.into(), Origin::Spec));
        let today = jiff::civil::date(2026, 11, 22);
        let mut c = crate::compile::compile(db, Vec::new(), today, &crate::compile::BuiltinScripts);
        let before = tables(&c.model);
        let edited = "system triage \"Triage\" { owner: prya  tier: \"one\" }\nperson priya {}\nperson nurse {}\n\
                      risk r2 \"Overtriage\" { system: triage  owner: lead  treatment { controls: [A.6.2.4] } }\n";
        let diags = check_file(&mut c.model, file, edited);
        let codes: Vec<&str> = diags.iter().map(|d| d.code.as_str()).collect();
        // `prya` unknown; `tier` not a text; `priya` declared in people.aims before.
        for code in ["E0203", "E0302", "E0202"] {
            assert!(codes.contains(&code), "{code} in {codes:?}");
        }
        // `triage` and `r1` of the old text are not duplicates of the new ones.
        assert!(!diags.iter().any(|d| d.message.contains("`triage` is declared twice")), "{diags:?}");
        assert_eq!(tables(&c.model), before, "the model is as it was");
        // The same text checked again says the same.
        assert_eq!(check_file(&mut c.model, file, edited), diags);
    }
}
