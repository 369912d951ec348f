//! A diagnostic whose source lines an earlier diagnostic of the same output already showed:
//! its header, location, labels, notes and help, without the source again.
//!
//! A line with a thousand errors would otherwise be drawn a thousand times (issue 12, Q1); the
//! output now grows with the number of errors, each still located by file, line and column:
//!
//! ```text
//! error[E0101]: unexpected `}`
//!   ┌─ spec.aims:1:5012 (line shown above)
//!   │ ^ expected a field name
//!   │ - spec.aims:1:20: the block starts here
//!   = help: write the field's name before its value
//! ```

use super::text::escape;
use super::{Diagnostic, Label, Severity};
use crate::source::SourceDb;
use codespan_reporting::term::{termcolor::WriteColor, Styles};
use std::io::Result;

/// Writes `d` without source lines, styled as codespan draws a full diagnostic.
pub fn write(out: &mut dyn WriteColor, d: &Diagnostic, db: &SourceDb) -> Result<()> {
    let styles = &Styles::default();
    let place = |l: &Label| {
        let f = db.get(l.file);
        let (line, column) = f.line_col(l.span.start);
        (escape(&f.name).into_owned(), line, column)
    };
    let width = d.labels.iter().map(|l| place(l).1.to_string().len()).max().unwrap_or(1);
    let pad = " ".repeat(width + 1);
    let (header, label_style) = match d.severity {
        Severity::Error => (&styles.header_error, &styles.primary_label_error),
        Severity::Warning => (&styles.header_warning, &styles.primary_label_warning),
        Severity::Note => (&styles.header_note, &styles.primary_label_note),
    };
    out.set_color(header)?;
    write!(out, "{}[{}]", d.severity.as_str(), escape(&d.code))?;
    out.set_color(&styles.header_message)?;
    write!(out, ": {}", escape(&d.message))?;
    out.reset()?;
    writeln!(out)?;
    let border = |out: &mut dyn WriteColor, mark: &str| -> Result<()> {
        write!(out, "{pad}")?;
        out.set_color(&styles.source_border)?;
        write!(out, "{mark}")?;
        out.reset()
    };
    if let Some(primary) = d.primary_label() {
        let (name, line, column) = place(primary);
        border(out, "┌─")?;
        writeln!(out, " {name}:{line}:{column} (line shown above)")?;
        if !primary.message.is_empty() {
            border(out, "│")?;
            out.set_color(label_style)?;
            write!(out, " ^ {}", escape(&primary.message))?;
            out.reset()?;
            writeln!(out)?;
        }
    }
    for l in d.labels.iter().filter(|l| !l.primary) {
        let (name, line, column) = place(l);
        border(out, "│")?;
        out.set_color(&styles.secondary_label)?;
        write!(out, " - {name}:{line}:{column}")?;
        if !l.message.is_empty() {
            write!(out, ": {}", escape(&l.message))?;
        }
        out.reset()?;
        writeln!(out)?;
    }
    for note in super::render::notes(d) {
        for (k, line) in note.lines().enumerate() {
            if k == 0 {
                write!(out, "{pad}")?;
                out.set_color(&styles.note_bullet)?;
                write!(out, "=")?;
                out.reset()?;
            } else {
                write!(out, "{pad} ")?;
            }
            writeln!(out, " {line}")?;
        }
    }
    writeln!(out)
}
