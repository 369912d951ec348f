//! The VS Code extension (editors/vscode): its own script runs the extension test (with the
//! `aims` built here as its language server, for the `aims-stdlib:` documents), the TextMate
//! grammar tests (vscode-tmgrammar-test) and packages a .vsix (@vscode/vsce). It needs node and
//! npm; without them the test says it was skipped, and fails when `CI=true`.

use std::path::Path;
use std::process::Command;

fn found(program: &str) -> bool {
    Command::new(program).arg("--version").output().is_ok_and(|o| o.status.success())
}

#[test]
fn the_extension_grammar_and_package() {
    if !found("node") || !found("npm") {
        assert_ne!(
            std::env::var("CI").as_deref(),
            Ok("true"),
            "node and npm are needed for the VS Code extension tests"
        );
        eprintln!("skipped: node and npm are not installed (the VS Code extension is not tested)");
        return;
    }
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("editors/vscode");
    let out = tempfile::tempdir().unwrap();
    // With the aims just built, the extension's stdlib documents are tested against a real server.
    let run = Command::new("sh")
        .arg(dir.join("test.sh"))
        .env("AIMS_VSIX_OUT", out.path())
        .env("AIMS_BIN", env!("CARGO_BIN_EXE_aims"))
        .output()
        .unwrap();
    let text = format!("{}{}", String::from_utf8_lossy(&run.stdout), String::from_utf8_lossy(&run.stderr));
    assert!(run.status.success(), "editors/vscode/test.sh failed:\n{text}");
    assert!(text.contains("extension.test.js: ok"), "{text}");
    assert!(text.contains("extension.test.js: aims-stdlib documents from a real aims lsp: ok"), "{text}");
    assert!(text.contains("tests/blocks.aims run successfuly"), "{text}");
    assert!(out.path().join("aims.vsix").is_file(), "no .vsix was packaged:\n{text}");
}
