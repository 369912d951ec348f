//! `aims report KIND [PATH]`: the Statement of Applicability, the risk register, the AI system
//! inventory, the review calendar, the RACI, or all of them (the dashboard in HTML), as
//! Markdown, CSV, HTML, JSON or (for the calendar) iCalendar. Stamped with `--as-of` and the
//! spec's git revision.

use super::output::{fail, write_stdout};
use super::{Format, EXIT_OK};
use crate::report::pack::{self, Kind};
use crate::report::render;
use crate::report::table::Stamp;
use clap::ValueEnum;
use std::path::{Path, PathBuf};

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ReportKind {
    /// Statement of Applicability: one row per Annex A control
    Soa,
    /// AI risk register
    Register,
    /// AI system inventory
    Inventory,
    /// Reviews, audits, assessments, tests and expiries that fall due, overdue first
    Calendar,
    /// Who is responsible, accountable, consulted and informed
    Raci,
    /// Every report: the auditor's pack (the dashboard in HTML)
    All,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    Md,
    Csv,
    Html,
    Json,
    /// iCalendar (RFC 5545), for the calendar
    Ics,
}

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Which report
    #[arg(value_enum)]
    pub kind: ReportKind,
    #[command(flatten)]
    pub input: super::SpecInput,
    /// Output format
    #[arg(long, value_enum, default_value_t = ReportFormat::Md)]
    pub format: ReportFormat,
    /// The end of the calendar's horizon (default: 12 months after --as-of)
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = super::parse_date)]
    pub until: Option<jiff::civil::Date>,
    /// Leave the spec's git revision out of the stamp (for reproducible files across commits)
    #[arg(long)]
    pub no_revision: bool,
    /// Write to this file instead of stdout (for `all --format csv`: a folder, one file per report)
    #[arg(long, value_name = "PATH")]
    pub out: Option<PathBuf>,
}

pub fn run(args: Args) -> u8 {
    if args.format == ReportFormat::Ics && !matches!(args.kind, ReportKind::Calendar | ReportKind::All) {
        return fail("`--format ics` is for the calendar: write `aims report calendar --format ics`");
    }
    let spec = args.input.spec(if args.format == ReportFormat::Json { Format::Json } else { Format::Human });
    let today = spec.today();
    let until = match args.until {
        Some(u) if u < today => {
            return fail(&format!("`--until {u}` is before the report's date {today}: give a later date"));
        }
        Some(u) => u,
        None => match today.checked_add(jiff::Span::new().months(12)) {
            Ok(d) => d,
            Err(_) => return fail(&format!("no horizon can be set after {today}: give `--until`")),
        },
    };
    let c = match super::compile_spec(&spec) {
        Ok(c) => c,
        Err(code) => return code,
    };
    if c.outcome.is_none() {
        return super::output::nothing_made(
            &c,
            spec.format,
            args.input.color,
            "no report: the spec has errors; fix them and run `aims report` again",
        );
    }
    let revision = if args.no_revision { None } else { revision(&args.input.paths) };
    let stamp = Stamp { as_of: today.to_string(), revision };
    let kinds: Vec<Kind> = match args.kind {
        ReportKind::Soa => vec![Kind::Soa],
        ReportKind::Register => vec![Kind::Register],
        ReportKind::Inventory => vec![Kind::Inventory],
        ReportKind::Calendar => vec![Kind::Calendar],
        ReportKind::Raci => vec![Kind::Raci],
        ReportKind::All => Kind::ALL.to_vec(),
    };
    let dashboard = args.kind == ReportKind::All && args.format == ReportFormat::Html;
    let p = pack::build(&c, &kinds, stamp, until, dashboard);
    let bytes = match args.format {
        ReportFormat::Md => render::markdown::render(&p.tables, &p.stamp),
        // The largest output: streamed rather than made whole first.
        ReportFormat::Json if args.out.is_none() => {
            super::output::stream(|out| render::write_json(out, &p.tables, &p.stamp));
            return EXIT_OK;
        }
        ReportFormat::Json => render::json(&p.tables, &p.stamp),
        ReportFormat::Ics => render::ics::render(&p.events, &p.stamp, &calendar_name(&p.organisation)),
        ReportFormat::Html if dashboard => render::dashboard::render(&render::dashboard::Dashboard {
            organisation: p.organisation.clone(),
            stamp: &p.stamp,
            until: p.until,
            tables: &p.tables,
            findings: &p.findings,
            events: &p.events,
            heatmap: p.heatmap,
            gap: p.gap,
        }),
        ReportFormat::Html => render::html::render(&p.tables, &p.stamp, &p.findings),
        ReportFormat::Csv if p.tables.len() == 1 => render::csv::render(&p.tables[0], &p.stamp),
        ReportFormat::Csv => {
            let Some(dir) = &args.out else {
                return fail("a CSV file holds one table: give `--out DIR` to write one file per report, or name one report such as `aims report soa`");
            };
            if let Err(e) = std::fs::create_dir_all(dir) {
                return fail(&format!("cannot create the folder `{}`: {e}", dir.display()));
            }
            for t in &p.tables {
                let path = dir.join(format!("{}.csv", t.kind));
                if let Err(code) = write_atomic(&path, &render::csv::render(t, &p.stamp)) {
                    return code;
                }
            }
            return EXIT_OK;
        }
    };
    match &args.out {
        Some(path) => match write_atomic(path, &bytes) {
            Ok(()) => EXIT_OK,
            Err(code) => code,
        },
        None => {
            write_stdout(&bytes);
            EXIT_OK
        }
    }
}

fn calendar_name(organisation: &str) -> String {
    if organisation.is_empty() {
        "AI management system calendar".into()
    } else {
        format!("{organisation}: AI management system calendar")
    }
}

/// The commit the spec is at, if it is in a git repository and git is installed.
pub(crate) fn revision(paths: &[PathBuf]) -> Option<String> {
    let first = paths.first()?;
    let dir = if first.is_dir() { first.clone() } else { first.parent().map(Path::to_path_buf).unwrap_or_default() };
    let dir = if dir.as_os_str().is_empty() { PathBuf::from(".") } else { dir };
    let out = std::process::Command::new("git").arg("-C").arg(&dir).args(["rev-parse", "HEAD"]).output().ok()?;
    let rev = String::from_utf8(out.stdout).ok()?.trim().to_string();
    (out.status.success() && rev.len() >= 7 && rev.bytes().all(|b| b.is_ascii_hexdigit())).then_some(rev)
}

/// Writes a file whole or not at all: a temporary file in the same folder, then a rename.
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), u8> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = dir.join(format!(".{name}.aims-tmp-{}", std::process::id()));
    let result = std::fs::write(&tmp, bytes).and_then(|()| std::fs::rename(&tmp, path));
    result.map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        fail(&format!("cannot write `{}`: {e}", path.display()))
    })
}
