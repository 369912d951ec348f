//! `aims query 'r in risk where r.level >= high'`: a rule's `for ... where ...` asked as a
//! question. The items it keeps are printed as a table, JSON or CSV, each with its file and
//! line. The question is checked exactly like a rule, so a mistake in it gets the diagnostic a
//! rule would, pointing into the question itself.

use super::output::{fail_as, json_failure, plural, stream, stream_json, use_color, write_stdout};
use super::{EXIT_FINDINGS, EXIT_OK, EXIT_USAGE};
use crate::diagnostics::{render, Diagnostic};
use crate::sema::NodeId;
use crate::source::{FileId, Origin, SourceFile, Span};
use crate::syntax::ast::Item;
use serde::Serialize;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The question: `NAME in KIND where CONDITION` (the condition is optional), in quotes
    pub query: String,
    #[command(flatten)]
    pub input: super::SpecInput,
    /// Output format
    #[arg(long, value_enum, default_value_t = QueryFormat::Human)]
    pub format: QueryFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum QueryFormat {
    Human,
    Json,
    Csv,
}

/// The question goes into a rule of this shape; the part around it is never shown. A newline
/// ends the question, so a `//` in it cannot swallow the rest.
const BEFORE: &str = "rule query \"\" { severity: note for ";

#[derive(Serialize)]
struct Match {
    item: String,
    kind: String,
    title: String,
    file: String,
    line: usize,
    column: usize,
}

#[derive(Serialize)]
struct JsonAnswer<'a> {
    /// Version of this layout (docs/query.md).
    version: u32,
    query: &'a str,
    items: &'a [Match],
}

pub fn run(args: Args) -> u8 {
    // With `--format json`, every failure is a JSON document too (a CSV has no place for one).
    let format = if args.format == QueryFormat::Json { super::Format::Json } else { super::Format::Human };
    let spec = args.input.spec(format);
    let mut c = match super::compile_spec(&spec) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let color = use_color(args.input.color);
    if c.outcome.is_none() {
        let errors: Vec<Diagnostic> =
            c.diagnostics.iter().filter(|d| d.severity == crate::diagnostics::Severity::Error).cloned().collect();
        let why = "the spec has errors that keep aims from reading it; correct them, then ask again";
        if format == super::Format::Json {
            write_stdout(&json_failure(why, &errors, &c.db));
        } else {
            write_stdout(&render::human(&errors, &c.db, color));
        }
        eprintln!("error: {why}");
        return EXIT_FINDINGS;
    }
    // The question is shown as the user wrote it, in a file of its own named `query`.
    let question = args.query.trim_end().to_string();
    let shown = c.db.add(SourceFile::new("query".into(), question.clone(), Origin::Spec));
    let binder: String = question.trim_start().chars().take_while(|ch| ch.is_alphanumeric() || *ch == '_').collect();
    let require = if binder.is_empty() { "yes".to_string() } else { format!("{binder}.id == {binder}.id") };
    let wrapped = format!("{BEFORE}{question}\n require {require} message \"\" }}\n");

    let (ast, mut diags) = crate::syntax::parse(&wrapped, shown);
    let body = ast.items.iter().find_map(|i| match i {
        Item::Rule(r) => r.body.clone(),
        _ => None,
    });
    let selected = match (body, diags.is_empty()) {
        (Some(body), true) => crate::rules::select(&c.model, shown, &body, spec.today(), &mut diags),
        _ => None,
    };
    let Some(nodes) = selected else {
        if diags.is_empty() {
            return fail_as(
                format,
                "write the question as `NAME in KIND where CONDITION`, such as `r in risk where r.level >= high`",
            );
        }
        for d in &mut diags {
            relocate(d, shown, question.len());
        }
        let why = "the question is written like a rule's `for NAME in KIND where CONDITION` (docs/rules.md)";
        if format == super::Format::Json {
            write_stdout(&json_failure(why, &diags, &c.db));
        }
        let mut out = render::human(&diags, &c.db, color);
        out.extend_from_slice(format!("{why}\n").as_bytes());
        eprint!("{}", String::from_utf8_lossy(&out));
        return EXIT_USAGE;
    };
    let matches: Vec<Match> = nodes.iter().map(|&n| describe(&c, n)).collect();
    // A question about a large spec can match every item: the answer is streamed, not made
    // whole first.
    match args.format {
        QueryFormat::Human => write_stdout(table(&matches).as_ref()),
        QueryFormat::Json => stream_json(&JsonAnswer { version: 1, query: &question, items: &matches }),
        QueryFormat::Csv => stream(|out| {
            let mut w = csv::Writer::from_writer(out);
            for m in &matches {
                w.serialize(m)?;
            }
            if matches.is_empty() {
                w.write_record(["item", "kind", "title", "file", "line", "column"])?;
            }
            w.flush()
        }),
    }
    EXIT_OK
}

/// Moves the places of a diagnostic about the wrapped question into the question as written,
/// and words a syntax error in terms of the question: what follows it in the wrapper (its
/// `require`) is the question's end to the user.
fn relocate(d: &mut Diagnostic, file: FileId, len: usize) {
    let past_end = d.primary_label().is_some_and(|l| l.file == file && l.span.start as usize >= BEFORE.len() + len);
    if d.code.starts_with("E01") {
        let end = |t: &str| t.replace("`require`", "the end of the question");
        d.message = end(&d.message);
        if past_end {
            d.message = "the question ends before it is complete".into();
            d.help = Some("finish the condition, such as `r in risk where r.level >= high`".into());
        }
        for label in &mut d.labels {
            label.message = if past_end { "something is missing here".into() } else { end(&label.message) };
        }
    }
    for label in d.labels.iter_mut().filter(|l| l.file == file) {
        let at = |x: u32| (x as usize).saturating_sub(BEFORE.len()).min(len);
        let (start, end) = (at(label.span.start), at(label.span.end));
        label.span = Span::new(start, end.max(start));
    }
}

fn describe(c: &crate::compile::Compilation, node: NodeId) -> Match {
    let model = &c.model;
    let n = model.node(node);
    let file = c.db.get(n.file);
    let (line, column) = file.line_col(n.header.start);
    Match {
        item: model.display_name(node),
        kind: model.kind_name(node).to_string(),
        title: n.title_str().to_string(),
        file: file.name.clone(),
        line,
        column,
    }
}

/// Columns padded to their widest cell, then a count.
fn table(matches: &[Match]) -> Vec<u8> {
    let rows: Vec<[String; 4]> = matches
        .iter()
        .map(|m| [m.item.clone(), m.kind.clone(), m.title.clone(), format!("{}:{}", m.file, m.line)])
        .collect();
    let header = ["item".to_string(), "kind".into(), "title".into(), "place".into()];
    let mut widths = header.clone().map(|h| h.chars().count());
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    if !rows.is_empty() {
        for row in std::iter::once(&header).chain(&rows) {
            let cells: Vec<String> = row.iter().zip(&widths).map(|(c, w)| format!("{c:<w$}")).collect();
            out.push_str(cells.join("  ").trim_end());
            out.push('\n');
        }
    }
    let verb = if matches.len() == 1 { "matches" } else { "match" };
    out.push_str(&format!("{} {verb}\n", plural(matches.len(), "item", "items")));
    out.into_bytes()
}
