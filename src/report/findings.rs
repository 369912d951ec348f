//! Which findings affect which row: a finding affects the top-level item its primary place is
//! in, and, for the Statement of Applicability, every control its clause references name.
//! Items of a file are sorted by position, so finding the one a place falls in is a binary
//! search, not a scan.

use super::table::FindingRef;
use crate::diagnostics::Diagnostic;
use crate::sema::{Model, NodeId};
use crate::source::{FileId, Origin, SourceDb};
use rustc_hash::FxHashMap as HashMap;

pub struct Findings {
    pub all: Vec<FindingRef>,
    by_item: HashMap<NodeId, Vec<usize>>,
    /// By the local part of a clause reference (`A.7.4` of `iso42001:A.7.4`).
    by_ref: HashMap<String, Vec<usize>>,
}

impl Findings {
    /// Indexes the rule findings and language diagnostics of a spec (not notes).
    pub fn index(diags: &[Diagnostic], model: &Model, db: &SourceDb) -> Findings {
        let mut per_file: HashMap<FileId, Vec<(u32, u32, NodeId)>> = HashMap::default();
        for &item in &model.items {
            let n = model.node(item);
            if n.origin == Origin::Spec {
                per_file.entry(n.file).or_default().push((n.span.start, n.span.end, item));
            }
        }
        for list in per_file.values_mut() {
            list.sort_unstable();
        }
        let mut out = Findings { all: Vec::new(), by_item: HashMap::default(), by_ref: HashMap::default() };
        for d in diags {
            let index = out.all.len();
            let label = d.primary_label();
            let at = label.map_or_else(String::new, |l| {
                let f = db.get(l.file);
                let (line, col) = f.line_col(l.span.start);
                format!("{}:{line}:{col}", f.name)
            });
            out.all.push(FindingRef {
                index,
                code: d.code.clone(),
                severity: d.severity.as_str().to_string(),
                message: d.message.clone(),
                at,
            });
            if let Some(l) = label {
                if let Some(list) = per_file.get(&l.file) {
                    let i = list.partition_point(|(start, _, _)| *start <= l.span.start);
                    if let Some((_, end, item)) = i.checked_sub(1).map(|i| list[i]) {
                        if l.span.start < end.max(l.span.start + 1) {
                            out.by_item.entry(item).or_default().push(index);
                        }
                    }
                }
            }
            for r in &d.refs {
                if let Some((_, local)) = r.split_once(':') {
                    out.by_ref.entry(local.to_string()).or_default().push(index);
                }
            }
        }
        out
    }

    /// Findings located in an item.
    pub fn of_item(&self, item: NodeId) -> Vec<FindingRef> {
        self.pick(self.by_item.get(&item))
    }

    /// Findings located in any of these items, or citing this clause or control.
    pub fn of(&self, items: &[NodeId], reference: Option<&str>) -> Vec<FindingRef> {
        let mut idx: Vec<usize> = items.iter().filter_map(|i| self.by_item.get(i)).flatten().copied().collect();
        if let Some(r) = reference.and_then(|r| self.by_ref.get(r)) {
            idx.extend(r);
        }
        idx.sort_unstable();
        idx.dedup();
        idx.into_iter().map(|i| self.all[i].clone()).collect()
    }

    fn pick(&self, idx: Option<&Vec<usize>>) -> Vec<FindingRef> {
        idx.map_or(Vec::new(), |v| v.iter().map(|i| self.all[*i].clone()).collect())
    }
}
