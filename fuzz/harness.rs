//! What each fuzz target does with one input, shared by the cargo-fuzz targets (nightly) and by
//! `tests/fuzz_regressions.rs` (stable), which replays every input that once crashed aims.
//!
//! An input is split into files at lines that read `%%file` and into a scoring script at a line
//! that reads `%%script`; the libFuzzer dictionary (`fuzz/aims.dict`) holds both markers, so the
//! fuzzer learns to build several files and a script.

use aims::compile::{self, ScriptError, Scripts};
use aims::diagnostics::render;
use aims::source::{Origin, SourceFile};

/// Parse one file: never a panic, and every diagnostic renders.
pub fn parse(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let (_ast, diags) = aims::syntax::parse(&text, aims::source::FileId(0));
    let mut db = aims::source::SourceDb::default();
    db.add(SourceFile::new("fuzz.aims".into(), text.into_owned(), Origin::Spec));
    let _ = render::human(&diags, &db, false);
    let _ = serde_json::to_string(&render::json_diagnostics(&diags, &db));
}

struct MemoryScripts(Option<String>);

impl Scripts for MemoryScripts {
    fn read(&self, path: &str, _from: &str) -> Result<(String, String), ScriptError> {
        match &self.0 {
            Some(text) => Ok((path.to_string(), text.clone())),
            None => Err(ScriptError { why: format!("`{path}` is not in this input"), help: String::new() }),
        }
    }
    fn default_script(&self) -> Option<(String, String)> {
        compile::BuiltinScripts.default_script()
    }
}

/// Compile a whole spec (files and a script) with the stdlib, render the diagnostics both ways.
pub fn compile(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let (spec, script) = match text.split_once("\n%%script\n") {
        Some((spec, script)) => (spec, Some(script.to_string())),
        None => (&*text, None),
    };
    let mut db = compile::stdlib_db();
    for (i, file) in spec.split("\n%%file\n").take(8).enumerate() {
        db.add(SourceFile::new(format!("f{i}.aims"), file.to_string(), Origin::Spec));
    }
    let today = jiff::civil::date(2026, 12, 1);
    let c = compile::compile(db, Vec::new(), today, &MemoryScripts(script));
    let _ = render::human(&c.diagnostics, &c.db, false);
    let _ = serde_json::to_string(&render::json_diagnostics(&c.diagnostics, &c.db));
}
