//! `aims explain RULE|CODE|REF`: the documentation of a rule, of a diagnostic code, or of an
//! entry of a catalogue (`iso42001:6.1.3`, `nist-ai-rmf:GOVERN-1.1`, `eu-ai-act:73`) with the
//! rules that cite it.

use super::output::{fail, write_stdout};
use crate::diagnostics::{did_you_mean, CODES};
use std::fmt::Write as _;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// A rule id (`risk-treated`), a diagnostic code (`E0203`) or a catalogue entry
    /// (`iso42001:6.1.3`, `nist-ai-rmf:GOVERN-1.1`)
    pub id: String,
    /// Use the standard library in this directory instead of the built-in one
    #[arg(long, value_name = "DIR")]
    pub stdlib: Option<std::path::PathBuf>,
}

pub fn run(args: Args) -> u8 {
    if let Some(code) = CODES.iter().find(|c| c.id.eq_ignore_ascii_case(&args.id)) {
        write_stdout(
            format!(
                "{} ({}): {}\n\nSee docs/diagnostics.md for what to do.\n",
                code.id,
                code.severity.as_str(),
                code.title
            )
            .as_bytes(),
        );
        return super::EXIT_OK;
    }
    let spec = super::stdlib_only(Vec::new(), args.stdlib.clone(), super::Format::Human);
    let c = match super::compile_spec(&spec) {
        Ok(c) => c,
        Err(code) => return code,
    };
    if let Some((std, clause)) = args.id.split_once(':') {
        return entry(&c, std, clause);
    }
    let Some(rule) = c.rules.rules.get(&args.id) else {
        // A `--stdlib` with errors may have lost the very rule asked for: "there is no rule"
        // would mislead.
        let errors = super::output::reading_errors(&c);
        if !errors.is_empty() {
            let why = format!(
                "no rule `{}` was found, but the stdlib has errors and the rule may be in what could not be read; fix them first",
                args.id
            );
            return super::output::errors_and(&errors, &c.db, super::Format::Human, spec.color, &why);
        }
        let ids = c.rules.rules.keys().map(|k| k.as_str()).chain(CODES.iter().map(|c| c.id));
        let hint = did_you_mean(&args.id, ids).map(|h| format!(" ({h})")).unwrap_or_default();
        return fail(&format!("there is no rule `{}`{hint}; `aims rules` lists them", args.id));
    };
    let mut out = String::new();
    let _ = writeln!(out, "{}: {}", rule.id, rule.title);
    let _ = writeln!(out, "severity: {}", rule.severity.as_str());
    let _ = writeln!(out, "refs:");
    for r in &rule.refs {
        let _ = writeln!(out, "  {r}  {}", ref_title(&c.model, r).unwrap_or_default());
    }
    if let Some(kind) = crate::rules::ranges_over(&c.model, rule) {
        let _ = writeln!(out, "applies to: every `{kind}`");
    }
    let _ = writeln!(out);
    let _ = writeln!(out, "{}", rule.doc.trim_end());
    write_stdout(out.as_bytes());
    super::EXIT_OK
}

/// The title of the catalogue entry a reference such as `iso42001:6.1.3` names.
pub(crate) fn ref_title(model: &crate::sema::Model, reference: &str) -> Option<String> {
    let (std, clause) = reference.split_once(':')?;
    let node = model.anchor(model.lookup(std)?, clause)?;
    model.node(node).title.as_deref().map(str::to_string)
}

/// `aims explain iso42001:6.1.3`: what the catalogue says of an entry, and the rules citing it.
fn entry(c: &crate::compile::Compilation, std: &str, clause: &str) -> u8 {
    use crate::sema::ValueKind;
    let model = &c.model;
    let is_catalogue = |n: crate::sema::NodeId| model.kind_name(n) == crate::contract::STANDARD;
    let Some(top) = model.lookup(std).filter(|n| is_catalogue(*n)) else {
        let kind = model.schema.kind_id(crate::contract::STANDARD);
        let ids: Vec<&str> = kind
            .map(|k| model.items_of(k).iter().filter_map(|n| model.node(*n).id.as_deref()).collect())
            .unwrap_or_default();
        let hint = did_you_mean(std, ids.iter().copied()).map(|h| format!(" ({h})")).unwrap_or_default();
        return fail(&format!("there is no catalogue `{std}`{hint}; the catalogues are {}", quoted(&ids)));
    };
    let Some(node) = model.anchor(top, clause) else {
        let mut ids = Vec::new();
        for (i, n) in model.nodes.iter().enumerate() {
            if n.id.is_some() && model.top_level(crate::sema::NodeId(i as u32)) == Some(top) && n.parent.is_some() {
                ids.push(n.id_str());
            }
        }
        let hint = did_you_mean(clause, ids.iter().copied()).map(|h| format!(" ({h})")).unwrap_or_default();
        return fail(&format!("`{std}` has no entry `{clause}`{hint}"));
    };
    let n = model.node(node);
    let mut out = String::new();
    let _ = writeln!(out, "{std}:{clause}: {}", n.title.clone().unwrap_or_default());
    let _ = writeln!(out, "in: {}", model.node(top).title.clone().unwrap_or_default());
    for (name, value) in n.fields.iter() {
        let shown = match &value.kind {
            ValueKind::Text(t) => t.split_whitespace().collect::<Vec<_>>().join(" "),
            ValueKind::Bool(b) => if *b { "yes" } else { "no" }.to_string(),
            ValueKind::Date(d) => d.to_string(),
            ValueKind::List(items) => items
                .iter()
                .filter_map(|i| match i.kind {
                    ValueKind::Ref(r) => {
                        let title = model.node(r).title.clone().unwrap_or_default();
                        Some(format!("\n  {}  {title}", crate::report::gap::reference(model, r)))
                    }
                    _ => None,
                })
                .collect::<String>(),
            _ => continue,
        };
        let sep = if shown.starts_with('\n') { "" } else { " " };
        let _ = writeln!(out, "{name}:{sep}{shown}");
    }
    if !n.fields.contains_key(crate::contract::APPLIES_FROM) {
        if let Some(d) = crate::report::gap::applies_from(model, node) {
            let _ = writeln!(out, "applies_from: {d} (the date of the entry it belongs to)");
        }
    }
    let citing: Vec<&crate::rules::ir::Rule> =
        c.rules.rules.values().filter(|r| r.refs.iter().any(|x| x == &format!("{std}:{clause}"))).collect();
    if citing.is_empty() {
        let _ = writeln!(out, "rules: none cites it");
    } else {
        let _ = writeln!(out, "rules:");
        for r in citing {
            let _ = writeln!(out, "  {}  {}", r.id, r.title);
        }
    }
    write_stdout(out.as_bytes());
    super::EXIT_OK
}

fn quoted(ids: &[&str]) -> String {
    ids.iter().map(|i| format!("`{i}`")).collect::<Vec<_>>().join(", ")
}
