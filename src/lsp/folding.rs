//! Folding ranges: every block, declaration and multi-line text that spans lines, and runs of
//! comment lines.

use super::world::Snapshot;
use crate::source::Span;
use crate::syntax::ast::{self, Block, Entry, ValueKind};
use lsp_types::{FoldingRange, FoldingRangeKind, FoldingRangeParams};

pub fn folding_ranges(snap: &Snapshot, params: FoldingRangeParams) -> Option<Vec<FoldingRange>> {
    let file = snap.file_id(params.text_document.uri.as_str())?;
    let tree = snap.tree(file);
    let mut out = Vec::new();
    let mut push = |span: Span, kind: Option<FoldingRangeKind>| {
        let r = snap.range(file, span);
        if r.end.line > r.start.line {
            out.push(FoldingRange { start_line: r.start.line, end_line: r.end.line, kind, ..Default::default() });
        }
    };
    fn block(b: &Block, push: &mut dyn FnMut(Span, Option<FoldingRangeKind>)) {
        push(b.span, None);
        entries(&b.entries, push);
    }
    fn entries(es: &[Entry], push: &mut dyn FnMut(Span, Option<FoldingRangeKind>)) {
        for e in es {
            match e {
                Entry::Block(b) => block(b, push),
                Entry::Field(f) => {
                    if matches!(f.value.kind, ValueKind::Text(_) | ValueKind::List(_)) {
                        push(f.value.span, None);
                    }
                }
            }
        }
    }
    for item in &tree.items {
        match item {
            ast::Item::Block(b) => block(b, &mut push),
            ast::Item::Waiver(w) => {
                push(w.span, None);
                entries(&w.entries, &mut push);
            }
            other => push(other.span(), None),
        }
    }
    // Consecutive comment lines fold together.
    let mut run: Option<(Span, u32)> = None;
    for c in &tree.comments {
        let line = snap.range(file, c.span).start.line;
        run = match run {
            Some((span, last)) if line == last + 1 => Some((span.to(c.span), line)),
            Some((span, _)) => {
                push(span, Some(FoldingRangeKind::Comment));
                Some((c.span, line))
            }
            None => Some((c.span, line)),
        };
    }
    if let Some((span, _)) = run {
        push(span, Some(FoldingRangeKind::Comment));
    }
    out.sort_by_key(|r| (r.start_line, std::cmp::Reverse(r.end_line)));
    Some(out)
}
