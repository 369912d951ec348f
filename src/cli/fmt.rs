//! `aims fmt`: rewrite `.aims` files in the canonical layout, or (`--check`) show what would
//! change. A file with syntax errors is reported and left alone; a file is replaced in one
//! step (a temporary file beside it, then a rename), so an interrupted run loses nothing.

use super::load::{discover, display, MAX_FILE_BYTES};
use super::output::{fail, plural, use_color, write_stdout};
use super::read::{self, io_words};
use super::{ColorChoice, EXIT_FINDINGS, EXIT_OK};
use crate::diagnostics::{codes, render, Diagnostic};
use crate::fmt::{format, FormatError, FormatOptions};
use crate::source::{Origin, SourceDb, SourceFile, Span};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Files or directories to format (directories are searched for .aims files); `-` formats
    /// standard input to standard output
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    /// Change nothing; exit 1 and print a diff when a file is not formatted
    #[arg(long)]
    pub check: bool,
    /// The width at which lists and rule conditions are wrapped
    #[arg(long, value_name = "COLUMNS", default_value_t = FormatOptions::default().width)]
    pub width: usize,
    /// When to use colours for syntax errors
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

/// What happened to one file.
enum Outcome {
    Unchanged,
    /// Rewritten, or with `--check` would be.
    Changed,
    /// Not formatted: syntax errors or a refusal, already reported.
    Failed,
}

pub fn run(args: Args) -> u8 {
    let options = FormatOptions { width: args.width.max(1) };
    if args.paths.iter().any(|p| p.as_os_str() == "-") {
        if args.paths.len() > 1 {
            return fail("`-` (standard input) cannot be combined with other paths");
        }
        return stdin(&args, &options);
    }
    let mut files = Vec::new();
    for path in &args.paths {
        if path.is_dir() {
            match discover(path) {
                Ok(found) => files.extend(found),
                Err(e) => return fail(&e.0),
            }
        } else if path.exists() {
            files.push(path.clone());
        } else {
            return fail(&format!("cannot read `{}`: no such file or directory", display(path)));
        }
    }
    let mut seen = std::collections::HashSet::new();
    files.retain(|f| seen.insert(std::fs::canonicalize(f).unwrap_or_else(|_| f.clone())));
    let (mut changed, mut failed, mut unchanged) = (0, 0, 0);
    for file in &files {
        match one_file(file, &args, &options) {
            Ok(Outcome::Unchanged) => unchanged += 1,
            Ok(Outcome::Changed) => changed += 1,
            Ok(Outcome::Failed) => failed += 1,
            Err(code) => return code,
        }
    }
    let mut summary = if args.check {
        match changed {
            0 => format!("{} already formatted", plural(unchanged, "file", "files")),
            n => format!("{} not formatted; `aims fmt` formats them", plural(n, "file is", "files are")),
        }
    } else {
        format!("formatted {}, {} already formatted", plural(changed, "file", "files"), unchanged)
    };
    if failed > 0 {
        summary.push_str(&format!("; {} left alone because of errors", plural(failed, "file", "files")));
    }
    eprintln!("{summary}");
    if failed > 0 || (args.check && changed > 0) {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}

fn one_file(path: &Path, args: &Args, options: &FormatOptions) -> Result<Outcome, u8> {
    let name = display(path);
    // The same reader as `aims check`: regular files only, never a FIFO or a device.
    let bytes =
        read::regular_file(path, MAX_FILE_BYTES).map_err(|e| fail(&format!("cannot read `{name}`: {}", e.0)))?;
    let Some(text) = utf8(&name, bytes, args.color) else { return Ok(Outcome::Failed) };
    let formatted = match format(&text, options) {
        Ok(f) => f,
        Err(e) => {
            report(&name, &text, e, args.color);
            return Ok(Outcome::Failed);
        }
    };
    if formatted == text {
        return Ok(Outcome::Unchanged);
    }
    if args.check {
        write_stdout(diff(&name, &text, &formatted).as_bytes());
    } else {
        write_atomically(path, formatted.as_bytes())
            .map_err(|e| fail(&format!("cannot write `{name}`: {}", io_words(&e))))?;
    }
    Ok(Outcome::Changed)
}

fn stdin(args: &Args, options: &FormatOptions) -> u8 {
    let mut bytes = Vec::new();
    if let Err(e) = std::io::stdin().lock().read_to_end(&mut bytes) {
        return fail(&format!("cannot read standard input: {}", io_words(&e)));
    }
    let name = "<stdin>";
    let Some(text) = utf8(name, bytes, args.color) else { return EXIT_FINDINGS };
    match format(&text, options) {
        Ok(formatted) if args.check => {
            if formatted == text {
                EXIT_OK
            } else {
                write_stdout(diff(name, &text, &formatted).as_bytes());
                EXIT_FINDINGS
            }
        }
        Ok(formatted) => {
            write_stdout(formatted.as_bytes());
            EXIT_OK
        }
        Err(e) => {
            report(name, &text, e, args.color);
            EXIT_FINDINGS
        }
    }
}

/// The text of a file, or `None` after reporting where it stops being UTF-8.
fn utf8(name: &str, bytes: Vec<u8>, color: ColorChoice) -> Option<String> {
    match String::from_utf8(bytes) {
        Ok(text) => Some(text),
        Err(err) => {
            let at = err.utf8_error().valid_up_to();
            let text = String::from_utf8_lossy(err.as_bytes()).into_owned();
            let d = Diagnostic::new(codes::INVALID_UTF8, "this file is not valid UTF-8 text")
                .primary(
                    crate::source::FileId(0),
                    Span::new(at, at + "\u{FFFD}".len()),
                    "bytes that are not UTF-8 start here",
                )
                .help("save the file as UTF-8 (in most editors: \"Save with encoding\" > UTF-8)");
            show(name, text, &[d], color);
            None
        }
    }
}

fn report(name: &str, text: &str, e: FormatError, color: ColorChoice) {
    match e {
        FormatError::Syntax(diags) => show(name, text.to_string(), &diags, color),
        FormatError::TreeChanged(why) => {
            eprintln!("error: `{name}` was not formatted: {why}; this is a bug in `aims fmt`, the file is unchanged")
        }
    }
}

/// Syntax errors as `aims check` shows them, on stderr (stdout may be the formatted text).
fn show(name: &str, text: String, diags: &[Diagnostic], color: ColorChoice) {
    let mut db = SourceDb::default();
    db.add(SourceFile::new(name.to_string(), text, Origin::Spec));
    let color = use_color(color) && std::io::IsTerminal::is_terminal(&std::io::stderr());
    let _ = std::io::stderr().write_all(&render::human(diags, &db, color));
}

/// A unified diff of what formatting would change.
fn diff(name: &str, old: &str, new: &str) -> String {
    // The name and the text are the author's: an escape or a newline in either is shown
    // escaped, so it can neither drive the terminal nor forge a line of the output.
    let name = crate::diagnostics::text::escape(name);
    let diff = similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&name, &format!("{name} (formatted)"))
        .to_string();
    crate::diagnostics::text::escape_lines(&diff).into_owned()
}

/// Replaces a file in one step: the new text goes to a temporary file in the same folder (so
/// the rename stays on one file system), with the old file's permissions, then over the old.
fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    // Through a symbolic link, the file it points to is replaced, not the link.
    let target = std::fs::canonicalize(path)?;
    let dir = target.parent().unwrap_or(Path::new("."));
    let file_name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let permissions = std::fs::metadata(&target)?.permissions();
    let tmp = dir.join(format!(".{file_name}.aims-fmt-{}.tmp", std::process::id()));
    let result = (|| {
        let mut f = std::fs::OpenOptions::new().write(true).create_new(true).open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        drop(f);
        std::fs::set_permissions(&tmp, permissions)?;
        std::fs::rename(&tmp, &target)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}
