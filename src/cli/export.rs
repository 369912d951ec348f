//! `aims export oscal [PATH] --out DIR`: the Statement of Applicability as an OSCAL System
//! Security Plan, the risk register as a POA&M, and the catalog and profile they import; each
//! file written atomically.

use super::output::{fail, use_color, write_stdout};
use super::{ColorChoice, Format, SpecArgs, EXIT_FINDINGS, EXIT_OK};
use clap::ValueEnum;
use std::path::PathBuf;

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Target {
    /// NIST OSCAL 1.2.1 JSON: ssp.json, poam.json, catalog.json, profile.json
    Oscal,
}

#[derive(clap::Args, Debug)]
pub struct Args {
    /// What to export
    #[arg(value_enum)]
    pub target: Target,
    /// Files or directories of the spec (directories are searched for .aims files)
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    /// The folder to write the files to (created if needed)
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// The date that "today" means, as YYYY-MM-DD (default: the real date)
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = super::parse_date)]
    pub as_of: Option<jiff::civil::Date>,
    /// Leave the spec's git revision out of the documents' version
    #[arg(long)]
    pub no_revision: bool,
    /// When to use colours when the spec's errors are shown
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Use the standard library in this directory instead of the built-in one
    #[arg(long, value_name = "DIR")]
    pub stdlib: Option<PathBuf>,
    #[command(flatten)]
    pub cache: super::CacheArgs,
}

pub fn run(args: Args) -> u8 {
    let spec = SpecArgs {
        paths: args.paths.clone(),
        format: Format::Human,
        color: args.color,
        as_of: args.as_of,
        stdlib: args.stdlib.clone(),
        cache: args.cache.clone(),
    };
    let c = match super::compile_spec(&spec) {
        Ok(c) => c,
        Err(code) => return code,
    };
    if c.outcome.is_none() {
        let errors: Vec<_> =
            c.diagnostics.iter().filter(|d| d.severity == crate::diagnostics::Severity::Error).cloned().collect();
        let mut out = crate::diagnostics::render::human(&errors, &c.db, use_color(args.color));
        out.extend_from_slice(b"nothing exported: the spec has errors; fix them and run `aims export` again\n");
        write_stdout(&out);
        return EXIT_FINDINGS;
    }
    let revision = if args.no_revision { None } else { super::report::revision(&args.paths) };
    if let Err(e) = std::fs::create_dir_all(&args.out) {
        return fail(&format!("cannot create the folder `{}`: {e}", args.out.display()));
    }
    let files = crate::report::oscal::export(&c, spec.today(), revision.as_deref());
    let mut written = Vec::new();
    for (name, doc) in files {
        let mut bytes = serde_json::to_vec_pretty(&doc).expect("an OSCAL document serializes");
        bytes.push(b'\n');
        let path = args.out.join(name);
        if let Err(code) = super::report::write_atomic(&path, &bytes) {
            return code;
        }
        written.push(path.display().to_string());
    }
    write_stdout(format!("wrote {}\n", written.join(", ")).as_bytes());
    EXIT_OK
}
