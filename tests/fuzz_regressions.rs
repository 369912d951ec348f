//! Every input that once crashed or hung a fuzz target (`fuzz/`), replayed on the stable
//! toolchain: `tests/fixtures/fuzz/<target>/<name>`. When `cargo fuzz` finds a crash, copy the
//! artifact there under a name that says what it is; see fuzz/README.md.

#[path = "../fuzz/harness.rs"]
mod harness;

use std::path::Path;

fn replay(target: &str, run: fn(&[u8])) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fuzz").join(target);
    let mut inputs: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|e| e.expect("a directory entry").path())
        .collect();
    inputs.sort();
    assert!(!inputs.is_empty(), "no regression inputs in {}", dir.display());
    for input in inputs {
        let data = std::fs::read(&input).expect("a regression input");
        // A panic here names the input that caused it.
        eprintln!("replaying {}", input.display());
        run(&data);
    }
}

#[test]
fn parse_regressions() {
    replay("parse", harness::parse);
}

#[test]
fn compile_regressions() {
    replay("compile", harness::compile);
}

#[test]
fn fmt_regressions() {
    replay("fmt", harness::fmt);
}

#[test]
fn lsp_regressions() {
    replay("lsp", harness::lsp);
}
