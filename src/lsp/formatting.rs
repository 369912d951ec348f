//! Formatting a document through the formatter of `aims fmt`: one edit that replaces the whole
//! text, or none when it is already formatted. A file with syntax errors is left alone (its
//! errors are already shown as diagnostics); the stdlib's read-only documents are never edited.

use super::world::Snapshot;
use crate::fmt::{format, FormatError, FormatOptions};
use crate::source::{Origin, Span};
use lsp_types::{DocumentFormattingParams, TextEdit};

pub fn formatting(snap: &Snapshot, params: DocumentFormattingParams) -> Result<Option<Vec<TextEdit>>, String> {
    let Some(file) = snap.file_id(params.text_document.uri.as_str()) else { return Ok(None) };
    if snap.file(file).origin == Origin::Stdlib {
        return Ok(None);
    }
    let text = snap.text(file);
    match format(text, &FormatOptions::default()) {
        Ok(formatted) if formatted == text => Ok(Some(Vec::new())),
        Ok(formatted) => {
            Ok(Some(vec![TextEdit { range: snap.range(file, Span::new(0, text.len())), new_text: formatted }]))
        }
        // Nothing to do until the text parses; the editor shows why already.
        Err(FormatError::Syntax(_)) => Ok(None),
        Err(e) => Err(e.to_string()),
    }
}
