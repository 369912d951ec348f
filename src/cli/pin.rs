//! `aims pin`: writes the current SHA-256 of every evidence file into the spec. Only the hash
//! fields change: each edit replaces the text of one `sha256` value, or inserts one after its
//! `path`, by position, so comments and layout stay as they were. A file with nothing to
//! change is not rewritten (running it twice changes nothing), and a rewritten file replaces
//! the old one in one step (a temporary file in the same folder, then a rename).

use super::evidence::{inspect, repository_root};
use super::output::{fail, plural, use_color, write_stdout};
use super::{SpecArgs, EXIT_FINDINGS, EXIT_OK};
use crate::contract::EVIDENCE_HASH;
use crate::diagnostics::{render, Severity};
use crate::evidence::{self, Found};
use crate::source::FileId;
use indexmap::IndexMap;
use std::io::Write;
use std::path::Path;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    pub spec: SpecArgs,
}

/// One change to a spec file: the bytes `start..end` become `text`.
struct Edit {
    start: usize,
    end: usize,
    text: String,
}

pub fn run(args: Args) -> u8 {
    let c = match super::compile_spec(&args.spec) {
        Ok(c) => c,
        Err(code) => return code,
    };
    // Positions are only trusted in a spec that parses and fits the schema; rule findings,
    // placeholders and the evidence findings themselves do not stand in the way.
    let blocking = c.diagnostics.iter().filter(|d| {
        d.severity == Severity::Error
            && d.code.starts_with("E0")
            && !d.code.starts_with("E07")
            && d.code != crate::diagnostics::codes::PLACEHOLDER.id
    });
    let blocking: Vec<_> = blocking.cloned().collect();
    if !blocking.is_empty() {
        write_stdout(&render::human(&blocking, &c.db, use_color(args.spec.color)));
        eprintln!("error: nothing was pinned: correct these errors first");
        return EXIT_FINDINGS;
    }
    let files = evidence::collect(&c.model);
    let found = inspect(&c.db, &files, &repository_root(&args.spec));

    let mut edits: IndexMap<FileId, Vec<Edit>> = IndexMap::new();
    let (mut pinned, mut current) = (0, 0);
    let mut problems = Vec::new();
    for (ev, found) in files.iter().zip(&found) {
        match found {
            Found::Hash(hash) => {
                let quoted = format!("\"{hash}\"");
                match &ev.pinned {
                    Some((old, _)) if old == hash => current += 1,
                    Some((_, span)) => {
                        edits.entry(ev.file).or_default().push(Edit {
                            start: span.start as usize,
                            end: span.end as usize,
                            text: quoted,
                        });
                        pinned += 1;
                    }
                    None => {
                        let text = &c.db.get(ev.file).text;
                        edits.entry(ev.file).or_default().push(insertion(text, ev.path_span.end as usize, &quoted));
                        pinned += 1;
                    }
                }
            }
            _ => problems.push((ev.clone(), found.clone())),
        }
    }
    for (file, mut file_edits) in edits {
        let source = c.db.get(file);
        file_edits.sort_by_key(|e| std::cmp::Reverse(e.start));
        let mut text = source.text.clone();
        for e in &file_edits {
            text.replace_range(e.start..e.end, &e.text);
        }
        if let Err(why) = replace_file(Path::new(&source.name), &source.text, &text) {
            return fail(&format!("cannot write `{}`: {why}; it was left as it was", source.name));
        }
    }

    let mut out = Vec::new();
    if !problems.is_empty() {
        let (evs, founds): (Vec<_>, Vec<_>) = problems.into_iter().unzip();
        let diags = evidence::findings(&c.model, &evs, &founds);
        out.extend(render::human(&diags, &c.db, use_color(args.spec.color)));
        out.extend(
            format!("{} could not be pinned\n", plural(evs.len(), "evidence file", "evidence files")).as_bytes(),
        );
    }
    let verdict = match (pinned, current) {
        (0, 0) if files.is_empty() => "no evidence files to pin: no document names a `path`".to_string(),
        (0, 0) => "nothing was pinned".to_string(),
        (0, n) => format!("nothing to pin: the hashes of {} are current", plural(n, "evidence file", "evidence files")),
        (p, n) => format!("pinned {} ({} already current)", plural(p, "evidence file", "evidence files"), n),
    };
    out.extend(format!("{verdict}\n").as_bytes());
    write_stdout(&out);
    let failed = found.iter().any(|f| !matches!(f, Found::Hash(_)));
    if failed {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}

/// A new `sha256` field after the path value ending at `at`: on a line of its own, with the
/// path's indentation, when the path ends its line (a comment after it stays on that line);
/// otherwise next to it on the same line.
fn insertion(text: &str, at: usize, quoted: &str) -> Edit {
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[at..].find('\n').map_or(text.len(), |i| at + i);
    let rest = text[at..line_end].trim();
    if rest.is_empty() || rest.starts_with("//") {
        let line = &text[line_start..at];
        let indent: String = line.chars().take_while(|c| *c == ' ' || *c == '\t').collect();
        // Drop a `\r` kept at the end of the line, so a CRLF file stays CRLF.
        let (end, newline) = if text[..line_end].ends_with('\r') { (line_end - 1, "\r\n") } else { (line_end, "\n") };
        Edit { start: end, end, text: format!("{newline}{indent}{EVIDENCE_HASH}: {quoted}") }
    } else {
        Edit { start: at, end: at, text: format!("  {EVIDENCE_HASH}: {quoted}") }
    }
}

/// Replaces a spec file in one step, provided it still holds what was read.
fn replace_file(path: &Path, expected: &str, text: &str) -> Result<(), String> {
    let words = |e: std::io::Error| e.to_string().to_lowercase();
    let on_disk = std::fs::read_to_string(path).map_err(words)?;
    if on_disk != expected {
        return Err("it changed while aims was reading it".into());
    }
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(words)?;
    tmp.write_all(text.as_bytes()).map_err(words)?;
    tmp.as_file().sync_all().map_err(words)?;
    if let Ok(meta) = std::fs::metadata(path) {
        let _ = std::fs::set_permissions(tmp.path(), meta.permissions());
    }
    tmp.persist(path).map_err(|e| words(e.error))?;
    Ok(())
}
