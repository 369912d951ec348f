//! What one diagnostic shows of the source: only the lines it labels, each cut to a window
//! around its labels, with unsafe characters escaped.
//!
//! codespan-reporting draws the diagnostic; this module hands it, through its `Files` trait,
//! a small made-up file per diagnostic instead of the real ones. The made-up file holds the
//! lines codespan will print (the labelled lines, and the context lines it shows inside a label
//! over several lines), and for each the part worth showing: a line up to [`MAX_LINE_CHARS`]
//! characters whole, a longer one as windows of [`CONTEXT_CHARS`] characters around each label
//! end, joined by `…`. Line and column numbers are answered from the real file. So what is
//! printed per diagnostic is bounded whatever the input, and a 200 KB line with a thousand
//! errors is not printed a thousand times.
//!
//! Line indices are the real ones with long runs of unprinted lines shortened to a gap of
//! three, which codespan draws as a break (`·`) exactly as it would for the real gap.

use super::text::{escaped, is_unsafe};
use super::Diagnostic;
use crate::source::{ceil_char, floor_char, FileId, SourceDb, SourceFile};
use codespan_reporting::files::{Error as FilesError, Files};
use std::collections::BTreeSet;
use std::ops::Range;

/// A line longer than this (in bytes of text, a cheap stand-in for characters) is cut.
pub const MAX_LINE_CHARS: usize = 160;
/// Characters shown on each side of a label end on a cut line.
pub const CONTEXT_CHARS: usize = 40;
/// Characters of a long label shown before it is cut.
const MAX_LABEL_CHARS: usize = 80;
/// Codespan prints this many lines after the start of a label over several lines.
const START_CONTEXT: usize = 3;

/// The made-up files of one diagnostic.
pub struct Excerpt<'a> {
    db: &'a SourceDb,
    files: Vec<ViewFile>,
}

struct ViewFile {
    real: FileId,
    name: String,
    text: String,
    /// The printed lines, by real line index.
    lines: Vec<ViewLine>,
}

struct ViewLine {
    real_index: usize,
    /// Index given to codespan (real index with long gaps shortened).
    index: usize,
    range: Range<usize>,
    /// Shown pieces: real byte range, and where it starts in `text`.
    windows: Vec<(Range<usize>, usize)>,
}

impl<'a> Excerpt<'a> {
    /// The excerpt of `d`, and its labels as ranges in the made-up files.
    pub fn new(d: &Diagnostic, db: &'a SourceDb) -> (Self, Vec<(usize, Range<usize>)>) {
        let mut real_files: Vec<FileId> = Vec::new();
        for l in &d.labels {
            if !real_files.contains(&l.file) {
                real_files.push(l.file);
            }
        }
        let files = real_files.iter().map(|&f| build_file(db.get(f), f, d)).collect::<Vec<_>>();
        let excerpt = Excerpt { db, files };
        let ranges = d
            .labels
            .iter()
            .map(|l| {
                let v = real_files.iter().position(|f| *f == l.file).expect("every label's file has a view");
                let file = &excerpt.files[v];
                let src = db.get(l.file);
                let (s, e) = (l.span.start as usize, l.span.end as usize);
                let (s, e) = (floor_char(&src.text, s), ceil_char(&src.text, e.max(s)));
                (v, file.to_view(src, s)..file.to_view(src, e))
            })
            .collect();
        (excerpt, ranges)
    }

    fn file(&self, id: usize) -> Result<&ViewFile, FilesError> {
        self.files.get(id).ok_or(FilesError::FileMissing)
    }

    fn real(&self, id: usize) -> Result<&SourceFile, FilesError> {
        Ok(self.db.get(self.file(id)?.real))
    }
}

/// Every source line the excerpt of `d` prints, as (file, line index).
pub fn shown_lines(d: &Diagnostic, db: &SourceDb) -> Vec<(FileId, usize)> {
    let mut files: Vec<FileId> = d.labels.iter().map(|l| l.file).collect();
    files.sort();
    files.dedup();
    files.into_iter().flat_map(|f| printed_lines(db.get(f), f, d).into_iter().map(move |i| (f, i))).collect()
}

/// The lines of `file` that codespan prints for the labels of `d` in it.
fn printed_lines(file: &SourceFile, id: FileId, d: &Diagnostic) -> BTreeSet<usize> {
    let mut lines = BTreeSet::new();
    for l in d.labels.iter().filter(|l| l.file == id) {
        let s = file.line_index(l.span.start as usize);
        let e = file.line_index(l.span.end as usize).max(s);
        lines.extend(s..=(s + START_CONTEXT).min(e));
        lines.extend(e.saturating_sub(1).max(s)..=e);
    }
    // Codespan prints a single unlabelled line between two printed ones rather than a break.
    let fillers: Vec<usize> =
        lines.iter().filter(|&&i| !lines.contains(&(i + 1)) && lines.contains(&(i + 2))).map(|i| i + 1).collect();
    lines.extend(fillers);
    lines
}

fn build_file(file: &SourceFile, id: FileId, d: &Diagnostic) -> ViewFile {
    let text_of = &file.text;
    let mut view = ViewFile {
        real: id,
        name: super::text::escape(&file.name).into_owned(),
        text: String::new(),
        lines: Vec::new(),
    };
    let mut previous: Option<(usize, usize)> = None;
    for real_index in printed_lines(file, id, d) {
        let index = match previous {
            Some((real, index)) => index + (real_index - real).min(3),
            None => 0,
        };
        previous = Some((real_index, index));
        let full = file.line_range(real_index).unwrap_or(text_of.len()..text_of.len());
        let content_end = full.start + text_of[full.clone()].trim_end_matches(['\n', '\r']).len();
        let content = full.start..content_end;
        let windows = if content.len() <= MAX_LINE_CHARS {
            vec![content.clone()]
        } else {
            windows(text_of, content.clone(), d, id)
        };
        let start = view.text.len();
        let mut shown = Vec::new();
        for (k, w) in windows.iter().enumerate() {
            if (k == 0 && w.start > content.start) || k > 0 {
                view.text.push_str(if k == 0 { "…" } else { " … " });
            }
            shown.push((w.clone(), view.text.len()));
            for c in text_of[w.clone()].chars() {
                if is_unsafe(c, true) {
                    view.text.push_str(&escaped(c));
                } else {
                    view.text.push(c);
                }
            }
        }
        if windows.last().is_some_and(|w| w.end < content.end) {
            view.text.push('…');
        }
        view.text.push('\n');
        view.lines.push(ViewLine { real_index, index, range: start..view.text.len(), windows: shown });
    }
    view
}

/// Windows of a long line around each label end on it, merged where they overlap.
fn windows(text: &str, line: Range<usize>, d: &Diagnostic, id: FileId) -> Vec<Range<usize>> {
    let mut points: Vec<(usize, usize)> = Vec::new();
    for l in d.labels.iter().filter(|l| l.file == id) {
        let (s, e) = (l.span.start as usize, (l.span.end as usize).max(l.span.start as usize));
        if line.contains(&s) || s == line.end {
            points.push((s, e.min(line.end).min(s + MAX_LABEL_CHARS)));
        }
        if e > s && (line.contains(&e) || e == line.end) && !line.contains(&s) {
            points.push((e, e));
        }
    }
    let mut out: Vec<Range<usize>> = Vec::new();
    points.sort();
    for (s, e) in points {
        let from = back_chars(text, s, CONTEXT_CHARS).max(line.start);
        let to = forward_chars(text, e.max(s + 1), CONTEXT_CHARS).min(line.end);
        match out.last_mut() {
            Some(last) if from <= last.end => last.end = last.end.max(to),
            _ => out.push(from..to),
        }
    }
    if out.is_empty() {
        out.push(line.start..forward_chars(text, line.start, MAX_LINE_CHARS).min(line.end));
    }
    out
}

fn back_chars(text: &str, at: usize, n: usize) -> usize {
    let at = floor_char(text, at);
    text[..at].char_indices().rev().nth(n.saturating_sub(1)).map_or(0, |(i, _)| i)
}

fn forward_chars(text: &str, at: usize, n: usize) -> usize {
    let at = floor_char(text, at);
    text[at..].char_indices().nth(n).map_or(text.len(), |(i, _)| at + i)
}

impl ViewFile {
    fn line_of_real(&self, real_index: usize) -> Option<&ViewLine> {
        self.lines.binary_search_by_key(&real_index, |l| l.real_index).ok().map(|i| &self.lines[i])
    }

    /// Where a real offset is shown: inside a window, or at the nearest window edge.
    fn to_view(&self, src: &SourceFile, real: usize) -> usize {
        let Some(line) = self.line_of_real(src.line_index(real)) else { return 0 };
        let mut best = line.range.start;
        for (w, vstart) in &line.windows {
            if real < w.start {
                return if best == line.range.start { *vstart } else { best };
            }
            let upto = real.min(w.end);
            let shown: usize = src.text[w.start..upto]
                .chars()
                .map(|c| if is_unsafe(c, true) { escaped(c).len() } else { c.len_utf8() })
                .sum();
            best = vstart + shown;
            if real <= w.end {
                return best;
            }
        }
        // Past the last window (the line break, or text cut off): the end of the shown line.
        line.range.end - 1
    }

    /// The real offset shown at `view`: exact inside a window, else the nearest window edge.
    fn to_real(&self, src: &SourceFile, view: usize) -> usize {
        let Some(line) = self.lines.iter().find(|l| l.range.contains(&view)) else { return src.text.len() };
        let mut real = line.windows.first().map_or(0, |(w, _)| w.start);
        for (w, vstart) in &line.windows {
            if view < *vstart {
                return real;
            }
            let mut v = *vstart;
            for (i, c) in src.text[w.clone()].char_indices() {
                if v >= view {
                    return w.start + i;
                }
                v += if is_unsafe(c, true) { escaped(c).len() } else { c.len_utf8() };
            }
            real = w.end;
            if view <= v {
                return w.end;
            }
        }
        // Past the shown text: the end of the real line's content.
        let full = src.line_range(line.real_index).unwrap_or(0..0);
        full.start + src.text[full].trim_end_matches(['\n', '\r']).len()
    }
}

impl<'a> Files<'a> for Excerpt<'a> {
    type FileId = usize;
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, id: usize) -> Result<&'a str, FilesError> {
        Ok(&self.file(id)?.name)
    }
    fn source(&'a self, id: usize) -> Result<&'a str, FilesError> {
        Ok(&self.file(id)?.text)
    }
    fn line_index(&'a self, id: usize, byte_index: usize) -> Result<usize, FilesError> {
        let f = self.file(id)?;
        let k = f.lines.partition_point(|l| l.range.start <= byte_index).saturating_sub(1);
        Ok(f.lines.get(k).map_or(0, |l| l.index))
    }
    fn line_number(&'a self, id: usize, line_index: usize) -> Result<usize, FilesError> {
        let f = self.file(id)?;
        // A line codespan passes over without printing it gets a number between its neighbours.
        let k = f.lines.partition_point(|l| l.index <= line_index).saturating_sub(1);
        Ok(f.lines.get(k).map_or(1, |l| l.real_index + 1 + (line_index - l.index.min(line_index))))
    }
    fn column_number(&'a self, id: usize, _line_index: usize, byte_index: usize) -> Result<usize, FilesError> {
        let f = self.file(id)?;
        let src = self.real(id)?;
        Ok(src.line_col(f.to_real(src, byte_index) as u32).1)
    }
    fn line_range(&'a self, id: usize, line_index: usize) -> Result<Range<usize>, FilesError> {
        let f = self.file(id)?;
        match f.lines.binary_search_by_key(&line_index, |l| l.index) {
            Ok(k) => Ok(f.lines[k].range.clone()),
            // Not printed: an empty line at the end of the previous printed one.
            Err(k) => {
                let at = f.lines.get(k.saturating_sub(1)).map_or(0, |l| l.range.end);
                Ok(at..at)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::diagnostics::{codes, render, Diagnostic};
    use crate::source::{Origin, SourceDb, SourceFile, Span};

    /// Labels anywhere (inside characters, past the end, over many lines, on long lines) render
    /// without a panic, and what one diagnostic prints stays bounded.
    #[test]
    fn any_label_renders_within_bounds() {
        let long = format!("{}\n", "é x\u{1b} ".repeat(500));
        let texts = ["", "\n", "a", "ab\r\ncd\ref\n\n\ngh", long.as_str(), "x\n\n\n\n\n\n\n\n\n\n\n\ny"];
        let mut seed: u64 = 7;
        let mut next = |n: usize| {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            ((seed >> 33) as usize) % n.max(1)
        };
        for text in texts {
            let mut db = SourceDb::default();
            let file = db.add(SourceFile::new("f\n.aims".into(), text.to_string(), Origin::Spec));
            for _ in 0..300 {
                let a = next(text.len() + 3);
                let b = a + next(text.len() + 3);
                let c = next(text.len() + 3);
                let d = Diagnostic::new(codes::SYNTAX, "m\u{1b}").primary(file, Span::new(a, b), "here").secondary(
                    file,
                    Span::new(c, c + next(4)),
                    "there",
                );
                let out = render::human(&[d], &db, false);
                let out = String::from_utf8(out).expect("utf-8 output");
                assert!(out.starts_with("error[E0101]: m\\u{1b}"), "{out}");
                assert!(out.contains("┌─ f\\n.aims:"), "the excerpt is drawn: {out}");
                assert!(!out.contains('\u{1b}'));
                assert!(out.len() < 4000, "{} bytes for {a}..{b} and {c}", out.len());
            }
        }
    }
}
