//! Writing results: colour choice, the summary line, JSON, and failures in the format asked
//! for (a CI job that asked for JSON gets JSON, whatever went wrong).

use super::{ColorChoice, Format};
use crate::diagnostics::{render, Diagnostic};
use crate::source::SourceDb;
use std::io::{IsTerminal, Write};

pub fn use_color(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => std::env::var_os("NO_COLOR").is_none() && std::io::stdout().is_terminal(),
    }
}

/// Writes to stdout; a closed pipe (`aims check | head`) is not an error worth a panic.
pub fn write_stdout(bytes: &[u8]) {
    stream(|out| out.write_all(bytes));
}

/// Runs `write` on stdout, locked and buffered for the whole of it, so that a command prints
/// as it goes instead of building its whole output in memory first. A reader that stops
/// reading (`aims report all | head -1`) ends the writing quietly: the command keeps the exit
/// code of what it found. Any other failure to write is said once on stderr.
pub fn stream(write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) {
    let mut out = std::io::BufWriter::with_capacity(64 << 10, std::io::stdout().lock());
    let result = write(&mut out).and_then(|()| out.flush());
    // A failed flush leaves the buffer full; dropping it must not try again.
    let (_, _) = out.into_parts();
    match result {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "error: cannot write the output: {e}");
        }
    }
}

/// `value` as pretty JSON and a newline, streamed to stdout.
pub fn stream_json(value: &impl serde::Serialize) {
    stream(|out| {
        serde_json::to_writer_pretty(&mut *out, value)?;
        out.write_all(b"\n")
    });
}

pub fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// A usage or I/O problem: plain words on stderr.
pub fn fail(message: &str) -> u8 {
    // File names in the message are the user's: a newline or an escape in one is shown escaped.
    eprintln!("error: {}", crate::diagnostics::text::escape(message));
    super::EXIT_USAGE
}

/// A usage or I/O problem in the format asked for: with JSON, a JSON document on stdout (and
/// the same words on stderr, for a person reading the log).
pub fn fail_as(format: Format, message: &str) -> u8 {
    if format == Format::Json {
        write_stdout(&json_failure(message, &[], &SourceDb::default()));
    }
    fail(message)
}

/// A command that could not give its result, as JSON: why, and every diagnostic with its place.
/// The layout is that of `aims check --format json`, with `error` added.
pub fn json_failure(message: &str, diags: &[Diagnostic], db: &SourceDb) -> Vec<u8> {
    let v = serde_json::json!({
        "version": 1,
        "error": message,
        "diagnostics": render::json_diagnostics(diags, db),
    });
    let mut out = serde_json::to_vec_pretty(&v).expect("diagnostics serialize");
    out.push(b'\n');
    out
}

/// A command that makes a document from a checked spec, on a spec with errors: the errors, then
/// `why` (what was not made and how to go on), in the format asked for (JSON stays JSON), and
/// the exit code for findings.
pub fn nothing_made(c: &crate::compile::Compilation, format: Format, color: super::ColorChoice, why: &str) -> u8 {
    let errors: Vec<_> =
        c.diagnostics.iter().filter(|d| d.severity == crate::diagnostics::Severity::Error).cloned().collect();
    errors_and(&errors, &c.db, format, color, why)
}

/// `errors`, then `why`: human text, or the JSON of [`json_failure`]; the exit code for findings.
pub fn errors_and(errors: &[Diagnostic], db: &SourceDb, format: Format, color: super::ColorChoice, why: &str) -> u8 {
    let out = match format {
        Format::Json => json_failure(why, errors, db),
        Format::Human => {
            let mut out = crate::diagnostics::render::human(errors, db, use_color(color));
            out.extend_from_slice(why.as_bytes());
            out.push(b'\n');
            out
        }
    };
    write_stdout(&out);
    super::EXIT_FINDINGS
}

/// The errors that keep a spec (or a `--stdlib`) from being read as written: syntax, schema,
/// references, rules that do not type-check. A rule's findings, a `todo` placeholder and an
/// evidence file's state are what the spec says, not a failure to read it, so a listing made
/// from the spec (`aims rules`, `aims kinds`) is complete despite them.
pub fn reading_errors(c: &crate::compile::Compilation) -> Vec<Diagnostic> {
    c.diagnostics
        .iter()
        .filter(|d| {
            d.severity == crate::diagnostics::Severity::Error
                && d.code != crate::diagnostics::codes::PLACEHOLDER.id
                && !d.code.starts_with("E07")
                && !c.rules.rules.contains_key(&d.code)
        })
        .cloned()
        .collect()
}
