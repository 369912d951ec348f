//! `aims export oscal [PATH] --out DIR`: the Statement of Applicability as an OSCAL System
//! Security Plan, the risk register as a POA&M, and the catalog and profile they import; each
//! file written atomically.

use super::output::{fail, write_stdout};
use super::{Format, EXIT_OK};
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
    #[command(flatten)]
    pub input: super::SpecInput,
    /// The folder to write the files to (created if needed)
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Leave the spec's git revision out of the documents' version
    #[arg(long)]
    pub no_revision: bool,
}

pub fn run(args: Args) -> u8 {
    let spec = args.input.spec(Format::Human);
    let c = match super::compile_spec(&spec) {
        Ok(c) => c,
        Err(code) => return code,
    };
    if c.outcome.is_none() {
        return super::output::nothing_made(
            &c,
            spec.format,
            args.input.color,
            "nothing exported: the spec has errors; fix them and run `aims export` again",
        );
    }
    let revision = if args.no_revision { None } else { super::report::revision(&args.input.paths) };
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
