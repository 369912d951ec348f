//! The first diagnostics after a change: the edited file's own, published at once, before the
//! whole spec is compiled again (in a large spec that takes seconds).
//!
//! They are the file's syntax, schema and reference errors, checked against the schema and the
//! IDs of the last complete compilation (`sema::single`), together with that compilation's
//! other findings for the file (rules, placeholders, scoring) carried through the edit: moved
//! when the edit is before them, dropped when it touches them. When the full compile ends, its
//! diagnostics replace these wherever they differ.

use super::diagnostics::to_lsp_at;
use super::position::LineIndex;
use super::world::{parse_uri, Snapshot};
use crate::diagnostics::Diagnostic;
use crate::sema::single;
use crate::source::{FileId, Span};
use lsp_types::PublishDiagnosticsParams;

/// The first diagnostics of the open document `uri`, whose text is now `text`; `None` when
/// only a full compile can tell (no compilation yet, a file that declares schema, not a file
/// of the spec).
pub fn first_diagnostics(snap: &mut Snapshot, uri: &str, text: &str, version: i32) -> Option<PublishDiagnosticsParams> {
    let known = snap.file_id(uri);
    if known.is_some_and(|f| snap.file(f).origin != crate::source::Origin::Spec) {
        return None;
    }
    let file = known.unwrap_or(FileId(snap.uris.len() as u32));
    let old_text = known.map_or("", |f| snap.text(f));
    if !single::checkable(text) || !single::checkable(old_text) {
        return None;
    }
    let edit = Edit::between(old_text, text);
    let stale: Vec<Diagnostic> = match known {
        Some(f) => {
            // Sorted by file (those without a place last): the file's own are one run.
            let all = &snap.c.diagnostics;
            let first = all.partition_point(|d| d.primary_label().is_some_and(|l| l.file < f));
            all[first..]
                .iter()
                .take_while(|d| d.primary_label().is_some_and(|l| l.file == f))
                .filter(|d| !single::recomputed(&d.code))
                .filter_map(|d| edit.carry(d, f))
                .collect()
        }
        None => Vec::new(),
    };
    let mut diags = single::check_file(&mut snap.c.model, file, text);
    diags.extend(stale);
    crate::diagnostics::sort(&mut diags);
    let lines = LineIndex::new(text);
    let place = |f: FileId, span: Span| {
        if f == file {
            Some(lsp_types::Location { uri: parse_uri(uri), range: lines.range(text, span) })
        } else {
            ((f.0 as usize) < snap.uris.len()).then(|| snap.location(f, span))
        }
    };
    let diagnostics = diags.iter().filter_map(|d| to_lsp_at(d, &place)).collect();
    Some(PublishDiagnosticsParams { uri: parse_uri(uri), diagnostics, version: Some(version) })
}

/// The change between two texts of a file as one replaced range: bytes `start..old_end` of the
/// old text became `start..new_end` of the new one (a keystroke, a paste, or several edits
/// taken together, from the first byte that differs to the last).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Edit {
    pub start: usize,
    pub old_end: usize,
    pub new_end: usize,
    /// In the new text, white space (or nothing) just after `start` and just before `new_end`:
    /// a word that ends where the edit begins, or begins where it ends, is then left as it was
    /// (a line added above an item does not touch the item; a letter typed after a word does).
    space_after_start: bool,
    space_before_end: bool,
}

impl Edit {
    pub fn between(old: &str, new: &str) -> Edit {
        let start = old.bytes().zip(new.bytes()).take_while(|(a, b)| a == b).count();
        let room = old.len().min(new.len()) - start;
        let same_end = old.bytes().rev().zip(new.bytes().rev()).take(room).take_while(|(a, b)| a == b).count();
        let new_end = new.len() - same_end;
        let space = |b: Option<&u8>| b.is_none_or(|b| b.is_ascii_whitespace());
        Edit {
            start,
            old_end: old.len() - same_end,
            new_end,
            space_after_start: space(new.as_bytes().get(start)),
            space_before_end: new_end == 0 || space(new.as_bytes().get(new_end - 1)),
        }
    }

    /// Where `span` of the old text is in the new one: the same before the edit, moved after
    /// it, `None` when the edit touches it (what it pointed at may have changed).
    pub fn map(&self, span: Span) -> Option<Span> {
        let (start, end) = (span.start as usize, span.end as usize);
        let nothing_changed = self.start == self.old_end && self.old_end == self.new_end;
        if nothing_changed || end < self.start || (end == self.start && self.space_after_start) {
            Some(span)
        } else if start > self.old_end || (start == self.old_end && self.space_before_end) {
            Some(Span::new(start - self.old_end + self.new_end, end - self.old_end + self.new_end))
        } else {
            None
        }
    }

    /// Where the offset `at` of the new text was in the old one; `None` inside the edit.
    pub fn unmap(&self, at: usize) -> Option<usize> {
        if at <= self.start {
            Some(at)
        } else if at >= self.new_end {
            Some(at - self.new_end + self.old_end)
        } else {
            None
        }
    }

    /// A finding of the old text of `file` carried into the new one, its labels in the file
    /// moved; `None` when the edit touches one of them.
    fn carry(&self, d: &Diagnostic, file: FileId) -> Option<Diagnostic> {
        let mut d = d.clone();
        for label in d.labels.iter_mut().filter(|l| l.file == file) {
            label.span = self.map(label.span)?;
        }
        Some(d)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_edit_is_the_span_between_common_ends() {
        let at = |e: Edit| (e.start, e.old_end, e.new_end);
        assert_eq!(at(Edit::between("owner: priya\n", "owner: pria\n")), (10, 11, 10));
        assert_eq!(at(Edit::between("ab", "aXb")), (1, 1, 2));
        // Repeated letters: the common ends never overlap.
        assert_eq!(at(Edit::between("aaa", "aaaa")), (3, 3, 4));
        assert_eq!(at(Edit::between("same", "same")), (4, 4, 4));
    }

    #[test]
    fn spans_before_stay_after_move_and_touched_go() {
        let old = "system triage {\n  owner: priya\n}\n";
        let header = Span::new(0, 13);
        let value = Span::new(25, 30);
        // A line added above the item: both move, the header too although it begins there.
        let above = Edit::between(old, &format!("// note\n{old}"));
        assert_eq!(above.map(header), Some(Span::new(8, 21)));
        assert_eq!(above.map(value), Some(Span::new(33, 38)));
        // A letter typed after `priya`: the value is touched, the header stays.
        let typed = Edit::between(old, &old.replace("priya", "priyax"));
        assert_eq!(typed.map(value), None);
        assert_eq!(typed.map(header), Some(header));
        // A letter typed before `system`: the header is touched.
        assert_eq!(Edit::between(old, &format!("x{old}")).map(header), None);
        // A field added at the end of the line of `priya`, after a line break: the value stays.
        let added = Edit::between(old, &old.replace("priya\n", "priya\n  tier: 1\n"));
        assert_eq!(added.map(value), Some(value));
        // The title changed: the header is touched.
        assert_eq!(Edit::between(old, &old.replace("triage", "triag")).map(header), None);
        // Nothing changed: nothing moves.
        assert_eq!(Edit::between(old, old).map(header), Some(header));
    }
}
