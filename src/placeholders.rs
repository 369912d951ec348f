//! Decisions left to make: fields written `todo` (as in the skeletons of `aims init`), reported
//! as one finding per file, so that a fresh skeleton gives a short list of what is left
//! to decide rather than one error per field.

use crate::diagnostics::{codes, Diagnostic};
use crate::sema::model::Placeholder;
use crate::sema::{KindId, Model, NodeId};
use indexmap::IndexMap;

/// One finding per file, at its first `todo`, with every other one as a secondary place and
/// the items concerned named in the message. They are errors: the governance rules would only
/// repeat them.
pub fn report(model: &Model, diags: &mut Vec<Diagnostic>) {
    let mut by_file: IndexMap<crate::source::FileId, Vec<&Placeholder>> = IndexMap::new();
    for p in &model.placeholders {
        by_file.entry(model.node(p.node).file).or_default().push(p);
    }
    for (file, places) in by_file {
        // Per kind of item: the items (a treatment's placeholders belong to its risk) and count.
        let mut kinds: IndexMap<KindId, (Vec<NodeId>, usize)> = IndexMap::new();
        for p in &places {
            let top = model.top_level(p.node).unwrap_or(p.node);
            let (items, count) = kinds.entry(model.node(top).kind).or_default();
            if items.last() != Some(&top) {
                items.push(top);
            }
            *count += 1;
        }
        let what: Vec<String> = kinds
            .iter()
            .map(|(kind, (items, _))| {
                let name = &model.schema.kind(*kind).name;
                match items.as_slice() {
                    [one] => format!("`{name} {}`", model.display_name(*one)),
                    many => format!("{} `{name}` items", many.len()),
                }
            })
            .collect();
        let count = if places.len() == 1 { "1 decision".to_string() } else { format!("{} decisions", places.len()) };
        let mut d =
            Diagnostic::new(codes::PLACEHOLDER, format!("{count} left to make in {}", join_and(&what))).help(format!(
                "replace each `{}` with the organisation's decision; the governance rules run once none is left",
                crate::contract::PLACEHOLDER
            ));
        // Unlabelled secondary places keep a long list readable: the field is on the line.
        for (i, p) in places.iter().enumerate() {
            d = if i == 0 {
                d.primary(file, p.span, format!("`{}` to decide, and each place marked below", p.field))
            } else {
                d.secondary(file, p.span, "")
            };
        }
        diags.push(d);
    }
}

fn join_and(parts: &[String]) -> String {
    match parts {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}
