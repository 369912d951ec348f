//! Source files and byte spans: the one place that maps offsets to lines and columns, and the
//! one place that slices text by byte offsets without splitting a character.
//!
//! Positions are computed from tables built once per file, on the first question about a
//! position in it: the start of every line (a line ends at `\n`, `\r\n` or a lone `\r`) and,
//! for files that are not plain ASCII, the number of characters before every [`CHAR_STEP`]-th
//! byte. A line and column is then a binary search and a scan of at most `CHAR_STEP` bytes,
//! however long the line.

use serde::Serialize;
use std::ops::Range;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct FileId(pub u32);

/// A byte range in one file. `u32` keeps AST nodes small; files over 4 GiB are refused on read.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        Span { start: start as u32, end: end as u32 }
    }
    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
    pub fn offset(self, by: usize) -> Self {
        Span::new(self.start as usize + by, self.end as usize + by)
    }
    pub fn to(self, other: Span) -> Span {
        Span { start: self.start.min(other.start), end: self.end.max(other.end) }
    }
}

/// Where a file came from: the user's spec or the built-in standard library.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Origin {
    Spec,
    Stdlib,
}

/// Bytes between two character-count checkpoints: a column costs at most this many steps.
const CHAR_STEP: usize = 256;

#[derive(Debug)]
pub struct SourceFile {
    /// The name shown to the user: a path as given on the command line, or `<stdlib>/...`.
    pub name: String,
    pub text: String,
    pub origin: Origin,
    /// Made on the first question about a position: a run that reports nothing about a file
    /// (most files of a large, clean spec) never makes them.
    positions: std::sync::OnceLock<Positions>,
    /// Whether the text was let go once the file was checked (see [`SourceDb::release_checked`]):
    /// `text` is then empty until [`SourceFile::restore`] gives it back.
    released: bool,
}

/// The tables that turn a byte offset into a line and a column.
#[derive(Debug)]
struct Positions {
    line_starts: Vec<u32>,
    /// Characters before byte `k * CHAR_STEP`; empty when the text is ASCII (a byte is a character).
    char_checkpoints: Vec<u32>,
}

impl Positions {
    fn of(text: &str) -> Positions {
        let line_starts = line_starts(text);
        let char_checkpoints = if text.is_ascii() {
            Vec::new()
        } else {
            let mut chars = 0u32;
            let mut out = Vec::with_capacity(text.len() / CHAR_STEP + 1);
            for chunk in text.as_bytes().chunks(CHAR_STEP) {
                out.push(chars);
                chars += chunk.iter().filter(|b| !is_continuation(**b)).count() as u32;
            }
            // One checkpoint per multiple of CHAR_STEP up to the end included: an offset at the
            // very end of a text whose length is such a multiple has its own (found by fuzzing).
            if text.len() % CHAR_STEP == 0 {
                out.push(chars);
            }
            out
        };
        Positions { line_starts, char_checkpoints }
    }
}

impl SourceFile {
    pub fn new(name: String, text: String, origin: Origin) -> Self {
        SourceFile { name, text, origin, positions: std::sync::OnceLock::new(), released: false }
    }

    fn positions(&self) -> &Positions {
        debug_assert!(!self.released, "positions asked of `{}`, whose text was released", self.name);
        self.positions.get_or_init(|| Positions::of(&self.text))
    }

    /// Whether the text was let go after checking and not given back yet.
    pub fn is_released(&self) -> bool {
        self.released
    }

    /// Drops the text (a compilation that was asked to, once the file is checked).
    pub(crate) fn release(&mut self) {
        self.text = String::new();
        self.positions = std::sync::OnceLock::new();
        self.released = true;
    }

    /// Gives a released file its text back: the very text it was checked with (the caller
    /// reads it again and compares its hash).
    pub fn restore(&mut self, text: String) {
        self.text = text;
        self.positions = std::sync::OnceLock::new();
        self.released = false;
    }

    /// 0-based index of the line holding a byte offset (the last line for offsets past the end).
    pub fn line_index(&self, offset: usize) -> usize {
        let offset = offset.min(self.text.len()) as u32;
        self.positions().line_starts.partition_point(|&s| s <= offset) - 1
    }

    /// Byte range of a line, its line break included; `None` past the last line.
    pub fn line_range(&self, line: usize) -> Option<Range<usize>> {
        let line_starts = &self.positions().line_starts;
        let start = *line_starts.get(line)? as usize;
        let end = line_starts.get(line + 1).map_or(self.text.len(), |e| *e as usize);
        Some(start..end)
    }

    /// 1-based line and column (column counted in characters) of a byte offset.
    pub fn line_col(&self, offset: u32) -> (usize, usize) {
        let offset = floor_char(&self.text, offset as usize);
        let line = self.line_index(offset);
        let start = self.positions().line_starts[line] as usize;
        (line + 1, self.chars_before(offset) - self.chars_before(start) + 1)
    }

    /// Number of characters in `text[..offset]`, `offset` being a character boundary.
    fn chars_before(&self, offset: usize) -> usize {
        let checkpoints = &self.positions().char_checkpoints;
        if checkpoints.is_empty() {
            return offset;
        }
        let k = offset / CHAR_STEP;
        let from = k * CHAR_STEP;
        let counted = self.text.as_bytes()[from..offset].iter().filter(|b| !is_continuation(**b)).count();
        checkpoints[k] as usize + counted
    }

    pub fn line_starts(&self) -> &[u32] {
        &self.positions().line_starts
    }
}

/// Offsets where lines start: 0, and after every `\n`, `\r\n` (one break) and lone `\r`.
fn line_starts(text: &str) -> Vec<u32> {
    let bytes = text.as_bytes();
    let mut out = vec![0u32];
    for (i, &b) in bytes.iter().enumerate() {
        // One comparison for almost every byte: both line breaks are below this.
        if b > b'\r' {
            continue;
        }
        let breaks = b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n'));
        if breaks {
            out.push((i + 1) as u32);
        }
    }
    out
}

fn is_continuation(b: u8) -> bool {
    (b & 0xC0) == 0x80
}

/// `at` clamped to the text and moved back to the start of the character it falls in.
pub fn floor_char(text: &str, at: usize) -> usize {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// `at` clamped to the text and moved forward to the end of the character it falls in.
pub fn ceil_char(text: &str, at: usize) -> usize {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at += 1;
    }
    at
}

/// `text[range]` that never panics: both ends are clamped to the text, the start moved back
/// and the end moved forward to character boundaries (so the slice covers every character the
/// range touches), and an inverted range is empty.
pub fn slice(text: &str, range: Range<usize>) -> &str {
    let start = floor_char(text, range.start);
    let end = ceil_char(text, range.end).max(start);
    &text[start..end]
}

/// `text[from..]`, with `from` moved back to a character boundary.
pub fn tail(text: &str, from: usize) -> &str {
    &text[floor_char(text, from)..]
}

/// `text[..to]`, with `to` moved forward to a character boundary.
pub fn head(text: &str, to: usize) -> &str {
    &text[..ceil_char(text, to)]
}

/// All files of a run, spec and stdlib alike; a [`FileId`] indexes into it.
#[derive(Debug, Default)]
pub struct SourceDb {
    files: Vec<SourceFile>,
    /// Whether a compilation may drop each spec file's text once it has checked the file.
    release_checked: bool,
}

impl SourceDb {
    pub fn add(&mut self, file: SourceFile) -> FileId {
        self.files.push(file);
        FileId((self.files.len() - 1) as u32)
    }
    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }
    pub fn get_mut(&mut self, id: FileId) -> &mut SourceFile {
        &mut self.files[id.0 as usize]
    }
    /// Lets a compilation drop the text of each spec file that declares no schema as soon as
    /// it has checked it: the Model keeps what later stages need, and a large spec's texts are
    /// about a third of the peak memory of a check. Whoever shows a diagnostic must first give
    /// its files their text back ([`SourceFile::restore`]); `aims check` reads them again.
    pub fn release_checked(&mut self) {
        self.release_checked = true;
    }
    pub fn releases_checked(&self) -> bool {
        self.release_checked
    }
    pub fn iter(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files.iter().enumerate().map(|(i, f)| (FileId(i as u32), f))
    }
    pub fn len(&self) -> usize {
        self.files.len()
    }
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> SourceFile {
        SourceFile::new("t".into(), text.into(), Origin::Spec)
    }

    #[test]
    fn every_kind_of_line_break_counts_once() {
        let f = file("a\nb\r\nc\rd");
        assert_eq!(f.line_starts(), &[0, 2, 5, 7]);
        assert_eq!(f.line_col(7), (4, 1));
        assert_eq!(f.line_col(3), (2, 2));
    }

    #[test]
    fn columns_count_characters_on_long_lines() {
        let text = format!("{}x", "é".repeat(1000));
        let f = file(&text);
        assert_eq!(f.line_col(2000), (1, 1001));
        // Inside a character: the column of that character.
        assert_eq!(f.line_col(3), (1, 2));
        let text = format!("ab\n{}\ncd", "ü".repeat(300));
        let f = file(&text);
        assert_eq!(f.line_col((text.len() - 1) as u32), (3, 2));
    }

    #[test]
    fn slices_never_split_a_character() {
        let t = "aé\"";
        assert_eq!(slice(t, 2..3), "é");
        assert_eq!(tail(t, 2), "é\"");
        assert_eq!(head(t, 2), "aé");
        assert_eq!(slice(t, Range { start: 3, end: 1 }), "");
        assert_eq!(slice(t, 10..20), "");
    }
}
