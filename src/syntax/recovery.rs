//! Parsing a file that has errors: item by item, resuming after each error at the next place
//! where an item starts.
//!
//! Items are taken to start at lines (ended by `\n`, `\r\n` or a lone `\r`) that begin with a letter in column 0 ("boundaries"),
//! outside strings and texts. Each attempt parses only the extent of one item: from its start
//! to the next boundary at the same brace depth (so an item whose nested blocks are not
//! indented still parses whole), or, for an item that never closes, to the next boundary. This
//! keeps recovery linear in the size of the file whatever it contains: pest's errors cost time
//! in proportion to the text they are given, so it must never be given the rest of the file
//! again and again.

const MID_LINE_WINDOW: usize = 4096;

pub(crate) struct Boundaries {
    /// Byte offsets of the boundaries, in order.
    starts: Vec<usize>,
    /// For each boundary, where the item starting there ends at the latest.
    ends: Vec<usize>,
    len: usize,
}

impl Boundaries {
    pub(crate) fn new(text: &str) -> Self {
        let bytes = text.as_bytes();
        let mut starts = Vec::new();
        let mut depths: Vec<i64> = Vec::new();
        let mut depth: i64 = 0;
        super::lexical::walk(text, |lex| {
            let super::lexical::Lex::Code(i) = lex else { return true };
            match bytes[i] {
                b'{' => depth += 1,
                b'}' => depth -= 1,
                b if (i == 0 || matches!(bytes[i - 1], b'\n' | b'\r')) && (b.is_ascii_alphabetic() || b == b'_') => {
                    starts.push(i);
                    depths.push(depth);
                }
                _ => {}
            }
            true
        });
        // The next boundary at the same depth or shallower, found right to left with a stack.
        let mut ends = vec![0; starts.len()];
        let mut stack: Vec<usize> = Vec::new();
        for k in (0..starts.len()).rev() {
            while stack.last().is_some_and(|&j| depths[j] > depths[k]) {
                stack.pop();
            }
            ends[k] = match stack.last() {
                Some(&j) => starts[j],
                // Never closed: the item ends where the next one starts.
                None => starts.get(k + 1).copied().unwrap_or(text.len()),
            };
            stack.push(k);
        }
        Boundaries { starts, ends, len: text.len() }
    }

    /// The first boundary after `pos`, if any.
    pub(crate) fn next_after(&self, pos: usize) -> Option<usize> {
        self.starts.get(self.starts.partition_point(|&s| s <= pos)).copied()
    }

    /// Where an item starting at `pos` ends at the latest. Away from a boundary (resuming in
    /// the middle of a line after an error) only the rest of the line is tried, and at most a
    /// few kilobytes of it: what starts there is rarely an item, and trying a long stretch of
    /// garbage again at every position would be quadratic.
    pub(crate) fn item_end(&self, pos: usize, text: &str) -> usize {
        match self.starts.binary_search(&pos) {
            Ok(k) => self.ends[k],
            Err(_) => {
                let line_end = crate::source::tail(text, pos).find(['\n', '\r']).map_or(self.len, |i| pos + i);
                let next = self.next_after(pos).unwrap_or(self.len);
                line_end.min(next).min(pos + MID_LINE_WINDOW)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Boundaries;

    #[test]
    fn items_end_at_the_next_item_at_the_same_depth() {
        let text = "a {\nb { }\n}\nc {\n  d: 1\n\ne { }\n";
        let b = Boundaries::new(text);
        // `a` contains an unindented `b` and closes before `c`.
        assert_eq!(b.item_end(0, text), text.find("c {").unwrap());
        // `c` never closes: it ends where `e` starts.
        assert_eq!(b.item_end(text.find("c {").unwrap(), text), text.find("e {").unwrap());
        // In the middle of a line, only the rest of the line.
        assert_eq!(b.item_end(2, text), 3);
    }

    #[test]
    fn boundaries_inside_texts_do_not_count() {
        let text = "a {\n  doc: \"\"\"\nnot an item\n\"\"\"\n}\nb { }\n";
        let b = Boundaries::new(text);
        assert_eq!(b.next_after(0), text.find("b {"));
    }
}
