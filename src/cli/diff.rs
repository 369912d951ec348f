//! `aims diff OLD NEW`: what changed in the governance between two versions of a spec. Each
//! side is a folder, or a git revision of the repository in the current folder (`HEAD~3`, a
//! tag), read with `git ls-tree` and `git show` into memory: nothing is checked out. Each side
//! is compiled on its own, scored by its own scoring script, and compared by `crate::diff`.

use super::output::{fail, plural, write_stdout};
use super::{ColorChoice, Format, SpecArgs};
use crate::compile::{Compilation, ScriptError, Scripts};
use crate::diff::{Diff, Finding};
use crate::source::{Origin, SourceFile};
use std::path::{Path, PathBuf};
use std::process::Command;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The earlier version: a folder, or a git revision (`HEAD~1`, a tag, a commit)
    pub old: String,
    /// The later version: a folder, or a git revision
    pub new: String,
    /// For a git revision: the folder of the spec inside the repository (default: the current folder)
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub spec: PathBuf,
    /// Output format
    #[arg(long, value_enum, default_value_t = DiffFormat::Human)]
    pub format: DiffFormat,
    /// The date that "today" means for both sides, as YYYY-MM-DD (default: the real date)
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = super::parse_date)]
    pub as_of: Option<jiff::civil::Date>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum DiffFormat {
    Human,
    Markdown,
    Json,
}

pub fn run(args: Args) -> u8 {
    let today = args.as_of.unwrap_or_else(|| jiff::Zoned::now().date());
    let old = match side(&args.old, &args.spec, args.as_of, today) {
        Ok(c) => c,
        Err(why) => return fail(&why),
    };
    let new = match side(&args.new, &args.spec, args.as_of, today) {
        Ok(c) => c,
        Err(why) => return fail(&why),
    };
    let diff = crate::diff::compare(&old, &new);
    // A side with language errors was not scored and its rules did not run: say so, since
    // its levels and findings are then missing rather than changed.
    let sides: Vec<(&str, &Compilation)> = [(&args.old, &old), (&args.new, &new)]
        .into_iter()
        .filter(|(_, c)| c.outcome.is_none())
        .map(|(name, c)| (name.as_str(), c))
        .collect();
    let incomplete: Vec<&str> = sides.iter().map(|(name, _)| *name).collect();
    let mut notes = String::new();
    for (name, c) in &sides {
        notes.push_str(&format!(
            "note: `{name}` has {}, so its risks were not scored and its rules did not run; `aims check` lists them\n",
            first_error(c)
        ));
    }
    let out = match args.format {
        DiffFormat::Human => format!("{}{notes}", human(&args, &diff)),
        DiffFormat::Markdown => format!("{}{}", markdown(&args, &diff), notes.replace("note: ", "\n> Note: ")),
        DiffFormat::Json => {
            #[derive(serde::Serialize)]
            struct Json<'a> {
                version: u32,
                old: &'a str,
                new: &'a str,
                /// The sides whose rules and scoring could not run.
                incomplete: &'a [&'a str],
                #[serde(flatten)]
                diff: &'a Diff,
            }
            let mut v = serde_json::to_string_pretty(&Json {
                version: 1,
                old: &args.old,
                new: &args.new,
                incomplete: &incomplete,
                diff: &diff,
            })
            .expect("the diff serializes");
            v.push('\n');
            v
        }
    };
    write_stdout(out.as_bytes());
    std::mem::forget((old, new));
    super::EXIT_OK
}

/// One side, compiled: a folder when there is one by that name, else a git revision.
fn side(
    name: &str,
    spec: &Path,
    as_of: Option<jiff::civil::Date>,
    today: jiff::civil::Date,
) -> Result<Compilation, String> {
    let dir = Path::new(name);
    if dir.is_dir() {
        let args = SpecArgs {
            paths: vec![dir.to_path_buf()],
            format: Format::Human,
            color: ColorChoice::Never,
            as_of,
            stdlib: None,
            cache: super::CacheArgs { cache: None, no_cache: true },
        };
        let loaded = super::load::load(&args).map_err(|e| e.0)?;
        let scripts = super::scripts::DiskScripts::new(&args.paths, None);
        return Ok(crate::compile::compile(loaded.db, loaded.early, today, &scripts));
    }
    // A name that starts with `-` would reach git as an option, not a revision.
    if name.starts_with('-') {
        return Err(format!("`{name}` is neither a folder nor a git revision: a revision does not start with `-`"));
    }
    let commit = git(&["rev-parse", "--verify", "--quiet", &format!("{name}^{{commit}}")])
        .map_err(|_| format!("`{name}` is neither a folder nor a git revision of the repository here"))?;
    let commit = String::from_utf8_lossy(&commit).trim().to_string();
    let spec_dir = spec.to_string_lossy();
    // With sizes (`-l`): a file committed at any size (a few MB of zeros pack into a
    // gigabyte) is refused by its size before git is asked for its text, as on disk.
    let listing = git(&["ls-tree", "-r", "-z", "-l", &commit, "--", &spec_dir])?;
    let mut db = crate::compile::stdlib_db();
    let mut early = Vec::new();
    // `<mode> <type> <object> <size>\t<path>`; the size is `-` for what is not a file.
    let mut entries: Vec<(&[u8], Option<u64>)> = listing
        .split(|b| *b == 0)
        .filter_map(|entry| {
            let tab = entry.iter().position(|b| *b == b'\t')?;
            let size = String::from_utf8_lossy(&entry[..tab]).split_whitespace().nth(3).and_then(|s| s.parse().ok());
            Some((&entry[tab + 1..], size))
        })
        .collect();
    entries.sort();
    let mut count = 0;
    for (raw, size) in entries {
        let path = String::from_utf8_lossy(raw).into_owned();
        let hidden = path.split('/').any(|seg| seg.starts_with('.') && seg != "." || seg == "target");
        if hidden || !path.ends_with(".aims") {
            continue;
        }
        if size.is_none_or(|s| s > super::load::MAX_FILE_BYTES) {
            let why = match size {
                Some(_) => super::read::too_large(super::load::MAX_FILE_BYTES).0,
                None => "it is not a file".to_string(),
            };
            return Err(format!("cannot read `{}` at `{name}`: {why}", crate::diagnostics::text::escape(&path)));
        }
        let bytes = git(&["show", &format!("{commit}:./{path}")])?;
        match String::from_utf8(bytes) {
            Ok(text) => {
                db.add(SourceFile::new(path, text, Origin::Spec));
            }
            Err(_) => early.push(crate::diagnostics::Diagnostic::new(
                crate::diagnostics::codes::INVALID_UTF8,
                format!("`{path}` at `{name}` is not valid UTF-8 text"),
            )),
        }
        count += 1;
    }
    if count == 0 {
        return Err(format!("no .aims files in `{spec_dir}` at `{name}`"));
    }
    Ok(crate::compile::compile(db, early, today, &GitScripts { commit }))
}

/// `2 errors (the first at spec.aims:5:24: ...)`: enough to go and look without `aims check`.
fn first_error(c: &Compilation) -> String {
    let errors: Vec<_> = c.diagnostics.iter().filter(|d| d.severity == crate::diagnostics::Severity::Error).collect();
    let count = plural(errors.len(), "error", "errors");
    let Some(first) = errors.first() else { return count };
    let place = first.primary_label().map(|l| {
        let file = c.db.get(l.file);
        let (line, column) = file.line_col(l.span.start);
        crate::diagnostics::text::escape(&format!("{}:{line}:{column}", file.name)).to_string()
    });
    let message = crate::diagnostics::text::escape(&first.message);
    match place {
        Some(place) => format!("{count} (the first at {place}: {message})"),
        None => format!("{count} (the first: {message})"),
    }
}

fn git(args: &[&str]) -> Result<Vec<u8>, String> {
    let out = Command::new("git")
        .args(args)
        .output()
        .map_err(|e| format!("cannot run git: {}", e.to_string().to_lowercase()))?;
    if !out.status.success() {
        let why = String::from_utf8_lossy(&out.stderr).trim().to_lowercase();
        return Err(format!("git {} failed: {why}", args.first().unwrap_or(&"")));
    }
    Ok(out.stdout)
}

/// Scoring scripts at a revision, relative to the spec file that names them.
struct GitScripts {
    commit: String,
}

impl Scripts for GitScripts {
    fn read(&self, path: &str, from: &str) -> Result<(String, String), ScriptError> {
        // The same confinement as on disk: a script inside the spec's folder, named by a
        // relative path that does not climb out of it.
        let refuse = |why: String| ScriptError {
            why,
            help: "name a script inside the spec's folder, relative to the file that names it".into(),
        };
        if Path::new(path).is_absolute()
            || Path::new(path).components().any(|c| matches!(c, std::path::Component::ParentDir))
        {
            return Err(refuse(format!("`{path}` leaves the spec's folder")));
        }
        let base = Path::new(from).parent().unwrap_or(Path::new(""));
        let full = super::load::display(&base.join(path));
        let object = format!("{}:./{full}", self.commit);
        let size =
            git(&["cat-file", "-s", &object]).map_err(|_| refuse(format!("`{full}` is not in that revision")))?;
        if String::from_utf8_lossy(&size).trim().parse::<u64>().is_ok_and(|s| s > super::scripts::MAX_SCRIPT_BYTES) {
            return Err(refuse(format!("`{full}` {}", super::read::too_large(super::scripts::MAX_SCRIPT_BYTES).0)));
        }
        let bytes = git(&["show", &object]).map_err(|_| refuse(format!("`{full}` is not in that revision")))?;
        String::from_utf8(bytes).map(|t| (full.clone(), t)).map_err(|_| refuse(format!("`{full}` is not UTF-8 text")))
    }
    fn default_script(&self) -> Option<(String, String)> {
        crate::compile::BuiltinScripts.default_script()
    }
}

fn describe_fields(c: &crate::diff::ItemChange) -> Vec<String> {
    let v = |x: &Option<String>| x.clone().unwrap_or_else(|| "(none)".into());
    c.fields.iter().map(|f| format!("{}: {} -> {}", f.field, v(&f.old), v(&f.new))).collect()
}

fn totals(diff: &Diff) -> String {
    format!(
        "{}, {}, {} resolved",
        plural(diff.items.len(), "item changed", "items changed"),
        plural(diff.new_findings.len(), "new finding", "new findings"),
        plural(diff.resolved_findings.len(), "finding", "findings")
    )
}

fn human(args: &Args, diff: &Diff) -> String {
    use crate::diagnostics::text::escape;
    let mut out = format!("changes from {} to {}\n", args.old, args.new);
    if diff.is_empty() {
        out.push_str("no change in the governance\n");
        return out;
    }
    for c in &diff.items {
        let sign = match c.change {
            "added" => '+',
            "removed" => '-',
            _ => '~',
        };
        // Titles, values and messages quote the spec's text: escaped, so that a control
        // character can neither drive the terminal nor forge a line.
        out.push_str(&format!("{sign} {} {} \"{}\": {}\n", c.kind, escape(&c.id), escape(&c.title), c.change));
        for f in describe_fields(c) {
            out.push_str(&format!("    {}\n", escape(&f)));
        }
    }
    let finding = |f: &Finding| format!("{}[{}]: {}", f.severity, escape(&f.code), escape(&f.message));
    for f in &diff.new_findings {
        out.push_str(&format!("+ new finding {}\n", finding(f)));
    }
    for f in &diff.resolved_findings {
        out.push_str(&format!("- resolved {}\n", finding(f)));
    }
    out.push_str(&format!("{}\n", totals(diff)));
    out
}

fn markdown(args: &Args, diff: &Diff) -> String {
    // Titles, values and messages quote the spec: escaped as the Markdown reports escape them.
    use crate::report::render::markdown::cell;
    let mut out = format!("## Changes in the AI management system: `{}` to `{}`\n\n", args.old, args.new);
    if diff.is_empty() {
        out.push_str("No change in the governance.\n");
        return out;
    }
    if !diff.items.is_empty() {
        out.push_str("### Items\n\n| change | item | what changed |\n| --- | --- | --- |\n");
        for c in &diff.items {
            out.push_str(&format!(
                "| {} | {} `{}` ({}) | {} |\n",
                c.change,
                c.kind,
                c.id,
                cell(&c.title),
                cell(&describe_fields(c).join("; ")).replace("->", "→")
            ));
        }
        out.push('\n');
    }
    for (title, list) in [("New findings", &diff.new_findings), ("Resolved findings", &diff.resolved_findings)] {
        if list.is_empty() {
            continue;
        }
        out.push_str(&format!("### {title}\n\n"));
        for f in list {
            out.push_str(&format!("- **{}** `{}`: {}\n", f.severity, f.code, cell(&f.message)));
        }
        out.push('\n');
    }
    out.push_str(&format!("{}.\n", totals(diff)));
    out
}
