//! Byte offsets of the compiler <-> line and UTF-16 column of the protocol.
//!
//! The compiler counts bytes; LSP counts UTF-16 code units within a line. Every conversion goes
//! through here, so a `é` or an emoji in a title never shifts a squiggle.

use lsp_types::{Position, Range};

/// Line starts of one text, to convert positions in both directions.
#[derive(Clone, Debug)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.bytes().enumerate().filter(|(_, b)| *b == b'\n').map(|(i, _)| i + 1));
        LineIndex { starts }
    }

    /// The protocol position of a byte offset (clamped to the text, moved back to a character
    /// boundary).
    pub fn position(&self, text: &str, offset: usize) -> Position {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let character: usize = text[self.starts[line]..offset].chars().map(char::len_utf16).sum();
        Position::new(line as u32, character as u32)
    }

    /// The byte offset of a protocol position. A line past the end gives the end of the text; a
    /// column past the end of its line gives the end of the line (as the protocol asks).
    pub fn offset(&self, text: &str, pos: Position) -> usize {
        let Some(&start) = self.starts.get(pos.line as usize) else { return text.len() };
        let mut end = self.starts.get(pos.line as usize + 1).map_or(text.len(), |next| next - 1);
        // A `\r` before the `\n` is not part of the line's content.
        if text[start..end].ends_with('\r') {
            end -= 1;
        }
        let mut units = 0usize;
        for (i, c) in text[start..end].char_indices() {
            if units >= pos.character as usize {
                return start + i;
            }
            units += c.len_utf16();
        }
        end
    }

    pub fn range(&self, text: &str, span: crate::source::Span) -> Range {
        Range::new(self.position(text, span.start as usize), self.position(text, span.end as usize))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_columns_round_trip() {
        let text = "a \"Zoë 🚀\" b\nsecond";
        let index = LineIndex::new(text);
        let b = text.find('b').unwrap();
        // `Zoë` is 3 units, the rocket 2: `b` sits at UTF-16 column 11 but byte 14.
        assert_eq!(index.position(text, b), Position::new(0, 11));
        assert_eq!(index.offset(text, Position::new(0, 11)), b);
        assert_eq!(index.offset(text, Position::new(1, 3)), text.find("ond").unwrap());
        assert_eq!(index.offset(text, Position::new(0, 99)), text.find('\n').unwrap());
        assert_eq!(index.offset(text, Position::new(7, 0)), text.len());
    }
}
