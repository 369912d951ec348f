//! `aims kinds [KIND]`: what a spec can declare, from the schema in the stdlib.

use super::output::{fail, write_stdout};
use crate::diagnostics::did_you_mean;
use crate::sema::schema::{Schema, Type};
use std::fmt::Write as _;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Show one kind (or enum) in full
    pub kind: Option<String>,
    /// Use the standard library in this directory instead of the built-in one
    #[arg(long, value_name = "DIR")]
    pub stdlib: Option<std::path::PathBuf>,
}

pub fn run(args: Args) -> u8 {
    let spec = super::stdlib_only(Vec::new(), args.stdlib.clone(), super::Format::Human);
    let c = match super::compile_spec(&spec) {
        Ok(c) => c,
        Err(code) => return code,
    };
    // A `--stdlib` whose schema does not read would give a short list that looks complete.
    let errors = super::output::reading_errors(&c);
    if !errors.is_empty() {
        let why = "no list of kinds: the stdlib has errors, and a kind it declares may be missing; fix them first";
        return super::output::errors_and(&errors, &c.db, super::Format::Human, spec.color, why);
    }
    let schema = &c.model.schema;
    let mut out = String::new();
    match &args.kind {
        None => {
            let width = schema.kinds.keys().chain(schema.enums.keys()).map(|k| k.len()).max().unwrap_or(0);
            out.push_str("Kinds of item:\n");
            for k in schema.kinds.values().filter(|k| !k.nested) {
                let _ = writeln!(out, "  {:width$}  {}", k.name, k.title.as_deref().unwrap_or(""));
            }
            out.push_str("\nNested blocks:\n");
            for k in schema.kinds.values().filter(|k| k.nested) {
                let _ = writeln!(out, "  {:width$}  {}", k.name, k.title.as_deref().unwrap_or(""));
            }
            out.push_str("\nValue lists (enums):\n");
            for e in schema.enums.values() {
                let _ = writeln!(out, "  {:width$}  {}", e.name, e.title.as_deref().unwrap_or(""));
            }
            out.push_str("\nRun `aims kinds NAME` for the fields of a kind or the values of a list.\n");
        }
        Some(name) => {
            if let Some(k) = schema.kinds.get(name) {
                let what = if k.nested { "block" } else { "kind" };
                let _ = writeln!(
                    out,
                    "{what} {}{}",
                    k.name,
                    k.title.as_ref().map(|t| format!(" \"{t}\"")).unwrap_or_default()
                );
                if let Some(doc) = &k.doc {
                    let _ = writeln!(out, "\n{}\n", doc.trim_end());
                }
                let width = k.fields.keys().map(|f| f.len()).max().unwrap_or(0);
                for f in k.fields.values() {
                    let mut line = format!("  {:width$}  {}", f.name, type_name(schema, &f.ty));
                    if f.required {
                        line.push_str(" (required)");
                    }
                    if f.computed {
                        line.push_str(" (computed)");
                    }
                    if f.many {
                        line.push_str(" (repeatable)");
                    }
                    if let Some(d) = &f.description {
                        let _ = write!(line, " - {d}");
                    }
                    let _ = writeln!(out, "{line}");
                }
            } else if let Some(e) = schema.enums.get(name) {
                let _ = writeln!(
                    out,
                    "enum {}{}",
                    e.name,
                    e.title.as_ref().map(|t| format!(" \"{t}\"")).unwrap_or_default()
                );
                if let Some(doc) = &e.doc {
                    let _ = writeln!(out, "\n{}\n", doc.trim_end());
                }
                let width = e.members.keys().map(|m| m.len()).max().unwrap_or(0);
                for (m, d) in &e.members {
                    let _ = writeln!(out, "  {m:width$}  {}", d.as_deref().unwrap_or(""));
                }
            } else {
                let names = schema.kinds.keys().chain(schema.enums.keys()).map(|s| s.as_str());
                let help = did_you_mean(name, names).map(|h| format!(" ({h})")).unwrap_or_default();
                return fail(&format!("there is no kind or enum `{name}`{help}; run `aims kinds` for the list"));
            }
        }
    }
    write_stdout(out.as_bytes());
    super::EXIT_OK
}

fn type_name(schema: &Schema, ty: &Type) -> String {
    match ty {
        Type::Prim(p) => format!("{p:?}").to_lowercase(),
        Type::Enum(e) => schema.enums[*e].name.clone(),
        Type::Ref(kinds) => kinds.iter().map(|k| schema.kinds[*k].name.as_str()).collect::<Vec<_>>().join(" | "),
        Type::Block(k) => format!("{} {{ ... }}", schema.kinds[*k].name),
        Type::List(inner) => format!("[{}]", type_name(schema, inner)),
    }
}
