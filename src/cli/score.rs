//! `aims score`: the scored risks and the scoring matrix.

use super::output::{json_failure, stream, stream_json, use_color, write_stdout};
use super::{EXIT_FINDINGS, EXIT_OK};
use crate::diagnostics::render;
use crate::scoring::Scoring;
use clap::ValueEnum;
use std::fmt::Write as _;
use std::io::Write as _;

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ScoreFormat {
    Human,
    Json,
    Csv,
}

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    pub input: super::SpecInput,
    /// Output format
    #[arg(long, value_enum, default_value_t = ScoreFormat::Human)]
    pub format: ScoreFormat,
}

pub fn run(args: Args) -> u8 {
    // A load problem is said in JSON when JSON was asked for; CSV cannot say it.
    let spec =
        args.input.spec(if args.format == ScoreFormat::Json { super::Format::Json } else { super::Format::Human });
    let c = match super::compile_spec(&spec) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let errors: Vec<_> =
        c.diagnostics.iter().filter(|d| d.severity == crate::diagnostics::Severity::Error).cloned().collect();
    // With scores, the errors that matter here are the script's: the governance rules' findings
    // are `aims check`'s business, and do not make scoring fail.
    let errors: Vec<_> = if c.scoring.is_some() {
        errors.into_iter().filter(|d| SCRIPT_CODES.iter().any(|code| code.id == d.code)).collect()
    } else {
        errors
    };
    let Some(scoring) = &c.scoring else {
        // When the rules ran, the spec and script had no error: there was nothing to score with
        // (a `--stdlib` without the risk scales or a default script, and no script of the spec's).
        let nothing_to_score_with = c.outcome.is_some();
        let errors = if nothing_to_score_with { Vec::new() } else { errors };
        let why = if nothing_to_score_with {
            "no scores: the stdlib has no risk scales or no `scoring/default.rhai`, and the spec names no script"
        } else {
            "no scores: the spec or its scoring script has errors"
        };
        match args.format {
            ScoreFormat::Json => write_stdout(&json_failure(why, &errors, &c.db)),
            // CSV has no place for an error: the rows stay empty and the reasons go to stderr.
            ScoreFormat::Csv => {
                let mut out = render::human(&errors, &c.db, use_color(args.input.color));
                out.extend_from_slice(format!("{why}\n").as_bytes());
                let _ = std::io::stderr().write_all(&out);
            }
            ScoreFormat::Human => {
                let mut out = render::human(&errors, &c.db, use_color(args.input.color));
                out.extend_from_slice(format!("{why}\n").as_bytes());
                write_stdout(&out);
            }
        }
        return EXIT_FINDINGS;
    };
    let out = match args.format {
        ScoreFormat::Json => {
            let rows = rows(&c.model, scoring);
            let mut v = serde_json::json!({
                "script": scoring.script,
                "levels": scoring.levels,
                "appetite": scoring.appetite,
                "likelihoods": scoring.likelihoods,
                "impacts": scoring.impacts,
                "matrix": scoring.matrix,
            });
            v["risks"] = serde_json::to_value(rows).expect("rows serialize");
            v["unscored"] = serde_json::to_value(unscored_rows(&c.model, scoring)).expect("rows serialize");
            v["diagnostics"] =
                serde_json::to_value(render::json_diagnostics(&errors, &c.db)).expect("diagnostics serialize");
            // Streamed: nothing is left to write below.
            stream_json(&v);
            Vec::new()
        }
        ScoreFormat::Csv => {
            let mut w = csv::Writer::from_writer(Vec::new());
            let _ = w.write_record([
                "risk",
                "system",
                "likelihood",
                "impact",
                "score",
                "level",
                "residual_score",
                "residual_level",
                "above_appetite",
                "not_scored",
            ]);
            for r in rows(&c.model, scoring) {
                let _ = w.write_record([
                    r.risk,
                    r.system,
                    r.likelihood,
                    r.impact,
                    fmt_num(r.score),
                    r.level,
                    r.residual_score.map(fmt_num).unwrap_or_default(),
                    r.residual_level.unwrap_or_default(),
                    if r.above_appetite { "yes" } else { "no" }.to_string(),
                    String::new(),
                ]);
            }
            // A risk that could not be scored is a row too, with the reason in the last column.
            for u in unscored_rows(&c.model, scoring) {
                let blank = String::new;
                let _ = w.write_record([
                    u.risk,
                    u.system,
                    u.likelihood,
                    u.impact,
                    blank(),
                    blank(),
                    blank(),
                    blank(),
                    blank(),
                    u.reason,
                ]);
            }
            if !errors.is_empty() {
                let _ = std::io::stderr().write_all(&render::human(&errors, &c.db, use_color(args.input.color)));
            }
            w.into_inner().unwrap_or_default()
        }
        ScoreFormat::Human => {
            stream(|out| {
                render::stream_human(out, &errors, &c.db, use_color(args.input.color))?;
                out.write_all(human(&c.model, scoring).as_bytes())
            });
            Vec::new()
        }
    };
    write_stdout(&out);
    if errors.is_empty() && scoring.unscored.is_empty() {
        EXIT_OK
    } else {
        EXIT_FINDINGS
    }
}

/// The diagnostics of the scoring script and its calls.
const SCRIPT_CODES: [crate::diagnostics::codes::Code; 6] = {
    use crate::diagnostics::codes::*;
    [SCRIPT_SYNTAX, SCRIPT_MISSING_FN, SCRIPT_RETURN, SCRIPT_RUNTIME, SCRIPT_RUNAWAY, SCRIPT_UNREADABLE]
};

#[derive(serde::Serialize)]
struct UnscoredRow {
    risk: String,
    system: String,
    likelihood: String,
    impact: String,
    reason: String,
}

fn unscored_rows(model: &crate::sema::Model, s: &Scoring) -> Vec<UnscoredRow> {
    s.unscored
        .iter()
        .map(|u| UnscoredRow {
            risk: model.display_name(u.risk),
            system: field_text(model, u.risk, "system"),
            likelihood: field_text(model, u.risk, "likelihood"),
            impact: field_text(model, u.risk, "impact"),
            reason: u.reason.clone(),
        })
        .collect()
}

/// A list value's name or a reference's display name, for the tables.
fn field_text(model: &crate::sema::Model, node: crate::sema::NodeId, field: &str) -> String {
    match model.node(node).fields.get(field).map(|v| &v.kind) {
        Some(crate::sema::ValueKind::Enum(e, i)) => {
            model.schema.enum_def(*e).members.get_index(*i as usize).map(|(k, _)| k.clone()).unwrap_or_default()
        }
        Some(crate::sema::ValueKind::Ref(n)) => model.display_name(*n),
        _ => String::new(),
    }
}

#[derive(serde::Serialize)]
struct Row {
    risk: String,
    system: String,
    likelihood: String,
    impact: String,
    score: f64,
    level: String,
    residual_score: Option<f64>,
    residual_level: Option<String>,
    above_appetite: bool,
}

fn rows(model: &crate::sema::Model, s: &Scoring) -> Vec<Row> {
    s.risks
        .iter()
        .map(|r| {
            let text = |f: &str| field_text(model, r.risk, f);
            // The highest residual is the one the appetite is compared with.
            let worst = r.residual.iter().max_by(|a, b| a.score.total_cmp(&b.score));
            Row {
                risk: model.display_name(r.risk),
                system: text("system"),
                likelihood: text("likelihood"),
                impact: text("impact"),
                score: r.score,
                level: r.level.to_string(),
                residual_score: worst.map(|w| w.score),
                residual_level: worst.map(|w| w.level.to_string()),
                above_appetite: r.above_appetite,
            }
        })
        .collect()
}

fn fmt_num(n: f64) -> String {
    if n.fract() == 0.0 {
        format!("{n:.0}")
    } else {
        format!("{n:.2}")
    }
}

fn human(model: &crate::sema::Model, s: &Scoring) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "Scoring: {}", s.script);
    if let Some(a) = &s.appetite {
        let _ = writeln!(out, "Appetite: residual risk up to `{a}`");
    }
    let _ = writeln!(out, "\nMatrix (level and score of each likelihood x impact):\n");
    let lw = s.impacts.iter().map(|i| i.len()).max().unwrap_or(6).max(6);
    let cw = s.likelihoods.iter().map(|l| l.len()).chain(s.matrix.iter().map(|c| c.level.len() + 5)).max().unwrap_or(8);
    let _ = write!(out, "{:lw$}", "impact");
    for l in &s.likelihoods {
        let _ = write!(out, "  {l:>cw$}");
    }
    out.push('\n');
    for imp in s.impacts.iter().rev() {
        let _ = write!(out, "{imp:lw$}");
        for l in &s.likelihoods {
            let cell = s.matrix.iter().find(|c| &c.impact == imp && &c.likelihood == l);
            let text = cell.map(|c| format!("{} {}", c.level, fmt_num(c.score))).unwrap_or_default();
            let _ = write!(out, "  {text:>cw$}");
        }
        out.push('\n');
    }
    let _ = writeln!(out, "{:lw$}  {:>w$}", "", "likelihood ->", w = cw);
    let rows = rows(model, s);
    let unscored = unscored_rows(model, s);
    if rows.is_empty() && unscored.is_empty() {
        out.push_str("\nNo risk has both a likelihood and an impact yet.\n");
        return out;
    }
    let rw = rows.iter().map(|r| r.risk.len()).chain(unscored.iter().map(|u| u.risk.len())).max().unwrap_or(4).max(4);
    let _ = writeln!(out, "\n{:rw$}  {:>8}  {:<9}  {:>8}  {:<9}  appetite", "risk", "inherent", "", "residual", "");
    for r in rows {
        let _ = writeln!(
            out,
            "{:rw$}  {:>8}  {:<9}  {:>8}  {:<9}  {}",
            r.risk,
            fmt_num(r.score),
            r.level,
            r.residual_score.map(fmt_num).unwrap_or_else(|| "-".into()),
            r.residual_level.unwrap_or_default(),
            if r.above_appetite { "ABOVE" } else { "within" }
        );
    }
    for u in &unscored {
        let _ = writeln!(out, "{:rw$}  {:>8}  {}", u.risk, "-", u.reason);
    }
    if !unscored.is_empty() {
        let _ = writeln!(
            out,
            "\n{} could not be scored; the errors above say why",
            super::output::plural(unscored.len(), "risk", "risks")
        );
    }
    out
}
