//! `aims init`: writes the skeleton of a management system into a folder, for an organisation
//! to fill in. The skeleton's texts live under templates/ (embedded at build time); its
//! Statement of Applicability lists the reference controls of the stdlib's catalogue, so the
//! controls come from stdlib/, never from this file. Every decision left to the organisation is
//! written `todo`, which `aims check` reports (see `crate::placeholders`).

use super::output::{fail, write_stdout};
use super::EXIT_OK;
use crate::sema::Model;
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The folder to create the spec in (created if missing; must hold no .aims file yet)
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// The kind of organisation the skeleton is for
    #[arg(long, value_enum, default_value_t = Template::Provider)]
    pub template: Template,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Template {
    /// Builds AI systems and puts them on the market or into service
    Provider,
    /// Uses AI systems bought from suppliers
    Deployer,
    /// A small company building one AI product, the founders holding most roles
    Startup,
}

macro_rules! template {
    ($dir:literal) => {
        [
            ("organization.aims", include_str!(concat!("../../templates/", $dir, "/organization.aims"))),
            ("people.aims", include_str!(concat!("../../templates/", $dir, "/people.aims"))),
            ("systems.aims", include_str!(concat!("../../templates/", $dir, "/systems.aims"))),
            ("reviews.aims", include_str!(concat!("../../templates/", $dir, "/reviews.aims"))),
        ]
    };
}

const SOA_HEADER: &str = include_str!("../../templates/soa-header.aims");
const SOA_FILE: &str = "controls.aims";

impl Template {
    fn files(self) -> [(&'static str, &'static str); 4] {
        match self {
            Template::Provider => template!("provider"),
            Template::Deployer => template!("deployer"),
            Template::Startup => template!("startup"),
        }
    }
}

pub fn run(args: Args) -> u8 {
    let dir = &args.dir;
    if let Some(meta) = std::fs::metadata(dir).ok().filter(|m| !m.is_dir()) {
        let what = if meta.is_file() { "it is a file, not a folder" } else { super::read::what_it_is(&meta) };
        return fail(&format!("cannot create a spec in `{}`: {what}", super::load::display(dir)));
    }
    if let Some(existing) = first_spec_file(dir) {
        return fail(&format!(
            "`{}` already holds a spec (`{}`); aims init never overwrites or adds to one: choose an empty folder",
            super::load::display(dir),
            super::load::display(&existing)
        ));
    }
    let stdlib = match super::compile_spec(&super::stdlib_only(Vec::new(), None, super::Format::Human)) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let mut files: Vec<(&str, String)> = args.template.files().iter().map(|(n, t)| (*n, t.to_string())).collect();
    files.push((SOA_FILE, statement_of_applicability(&stdlib.model)));
    if let Err(e) = std::fs::create_dir_all(dir) {
        return fail(&format!("cannot create `{}`: {}", super::load::display(dir), e.to_string().to_lowercase()));
    }
    for (name, text) in &files {
        let path = dir.join(name);
        // `create_new` refuses a file that appeared since the check above: nothing is overwritten.
        let written = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .and_then(|mut f| f.write_all(text.as_bytes()).and_then(|_| f.sync_all()));
        if let Err(e) = written {
            return fail(&format!("cannot write `{}`: {}", super::load::display(&path), e.to_string().to_lowercase()));
        }
    }
    let shown = super::load::display(dir);
    let names: Vec<&str> = files.iter().map(|(n, _)| *n).collect();
    write_stdout(
        format!(
            "created a {} skeleton in `{shown}`: {}\nnext: replace each `todo` with your decision; `aims check {shown}` lists what is left\n",
            template_name(args.template),
            names.join(", ")
        )
        .as_bytes(),
    );
    EXIT_OK
}

fn template_name(t: Template) -> &'static str {
    match t {
        Template::Provider => "provider",
        Template::Deployer => "deployer",
        Template::Startup => "start-up",
    }
}

/// The first `.aims` file directly in `dir` or below it, if any.
fn first_spec_file(dir: &Path) -> Option<PathBuf> {
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else { continue };
        // Links are not followed: a link to `.` or to `/` would make the search endless.
        let mut entries: Vec<_> =
            entries.flatten().map(|e| (e.path(), e.file_type().is_ok_and(|t| t.is_dir()))).collect();
        entries.sort();
        for (path, is_dir) in entries {
            if is_dir {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "aims") {
                return Some(path);
            }
        }
    }
    None
}

/// One `control` item per reference control of the stdlib's catalogues, in catalogue order,
/// with its decision left to make.
fn statement_of_applicability(model: &Model) -> String {
    let mut out = String::from(SOA_HEADER);
    let Some(kind) = model.schema.kind_id(crate::contract::ANNEX_CONTROL) else { return out };
    let mut topic = None;
    for node in model.nodes.iter().filter(|n| n.kind == kind) {
        let Some(id) = &node.id else { continue };
        // A blank line and the topic's title between the groups of controls.
        if topic != node.parent {
            topic = node.parent;
            let title = node.parent.and_then(|p| model.node(p).title.as_deref()).unwrap_or("");
            let topic_id = node.parent.and_then(|p| model.node(p).id.as_deref()).unwrap_or("");
            out.push_str(&format!("\n// {topic_id} {title}\n"));
        }
        let title = node.title.as_deref().unwrap_or("").replace('\\', "\\\\").replace('"', "\\\"");
        out.push_str(&format!(
            "control {id} \"{title}\" {{ {}: todo  {}: todo }}\n",
            crate::contract::APPLICABLE,
            crate::contract::JUSTIFICATION
        ));
    }
    out
}
