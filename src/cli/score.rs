//! `aims score`: the scored risks and the scoring matrix.

use super::output::{use_color, write_stdout};
use super::{SpecArgs, EXIT_FINDINGS, EXIT_OK};
use crate::diagnostics::render;
use crate::scoring::Scoring;
use clap::ValueEnum;
use std::fmt::Write as _;

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ScoreFormat {
    Human,
    Json,
    Csv,
}

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Files or directories of the spec
    #[arg(default_value = ".")]
    pub paths: Vec<std::path::PathBuf>,
    /// Output format
    #[arg(long, value_enum, default_value_t = ScoreFormat::Human)]
    pub format: ScoreFormat,
    #[arg(long, value_enum, default_value_t = super::ColorChoice::Auto)]
    pub color: super::ColorChoice,
    /// The date that "today" means, as YYYY-MM-DD (default: the real date)
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = super::parse_date)]
    pub as_of: Option<jiff::civil::Date>,
    /// Use the standard library in this directory instead of the built-in one
    #[arg(long, value_name = "DIR")]
    pub stdlib: Option<std::path::PathBuf>,
}

pub fn run(args: Args) -> u8 {
    let spec = SpecArgs {
        paths: args.paths.clone(),
        format: super::Format::Human,
        color: args.color,
        as_of: args.as_of,
        stdlib: args.stdlib.clone(),
        cache: Default::default(),
    };
    let c = match super::compile_spec(&spec) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let Some(scoring) = &c.scoring else {
        let errors: Vec<_> =
            c.diagnostics.iter().filter(|d| d.severity == crate::diagnostics::Severity::Error).cloned().collect();
        let mut out = render::human(&errors, &c.db, use_color(args.color));
        out.extend_from_slice(b"no scores: the spec or its scoring script has errors\n");
        write_stdout(&out);
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
            let mut out = serde_json::to_vec_pretty(&v).expect("scores serialize");
            out.push(b'\n');
            out
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
                ]);
            }
            w.into_inner().unwrap_or_default()
        }
        ScoreFormat::Human => human(&c.model, scoring).into_bytes(),
    };
    write_stdout(&out);
    EXIT_OK
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
            let node = model.node(r.risk);
            let text = |f: &str| match node.fields.get(f).map(|v| &v.kind) {
                Some(crate::sema::ValueKind::Enum(e, i)) => {
                    model.schema.enum_def(*e).members.get_index(*i as usize).map(|(k, _)| k.clone()).unwrap_or_default()
                }
                Some(crate::sema::ValueKind::Ref(n)) => model.display_name(*n),
                _ => String::new(),
            };
            // The highest residual is the one the appetite is compared with.
            let worst = r.residual.iter().max_by(|a, b| a.score.total_cmp(&b.score));
            Row {
                risk: model.display_name(r.risk),
                system: text("system"),
                likelihood: text("likelihood"),
                impact: text("impact"),
                score: r.score,
                level: r.level.clone(),
                residual_score: worst.map(|w| w.score),
                residual_level: worst.map(|w| w.level.clone()),
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
    if rows.is_empty() {
        out.push_str("\nNo risk has both a likelihood and an impact yet.\n");
        return out;
    }
    let rw = rows.iter().map(|r| r.risk.len()).max().unwrap_or(4).max(4);
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
    out
}
