//! End to end: a real Neovim, headless, runs `aims lsp` on a copy of an example and checks
//! diagnostics, hover, go to definition and rename (tests/neovim/e2e.lua). Skipped with a
//! message when `nvim` is not installed; under `CI=true` a missing `nvim` is a failure
//! (`apt-get install -y neovim` gives 0.7.2 on Debian).

use std::path::Path;
use std::process::Command;

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            copy_dir(&path, &to.join(entry.file_name()));
        } else {
            std::fs::copy(&path, to.join(entry.file_name())).unwrap();
        }
    }
}

#[test]
fn neovim_drives_aims_lsp() {
    let found = Command::new("nvim").arg("--version").output().map(|o| o.status.success()).unwrap_or(false);
    if !found {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "nvim is not installed, and CI=true requires this test to run (apt-get install -y neovim)"
        );
        eprintln!("skipped: nvim is not installed (apt-get install -y neovim)");
        return;
    }
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("llm-startup-gaps");
    copy_dir(&manifest.join("examples/llm-startup-gaps"), &root);
    let out = dir.path().join("facts.txt");
    let status = Command::new("nvim")
        .args(["--headless", "--clean", "-u", "NONE", "-c"])
        .arg(format!("luafile {}", manifest.join("tests/neovim/e2e.lua").display()))
        .env("AIMS_ROOT", &root)
        .env("AIMS_BIN", env!("CARGO_BIN_EXE_aims"))
        .env("AIMS_OUT", &out)
        .status()
        .expect("nvim runs");
    assert!(status.success(), "nvim exited with {status}");
    let facts = std::fs::read_to_string(&out).expect("the script wrote its facts");
    let has = |line: &str| facts.lines().any(|l| l == line);
    let starts = |prefix: &str| facts.lines().any(|l| l.starts_with(prefix));
    assert!(!starts("lua-error"), "the script failed:\n{facts}");
    assert!(has("diagnostics-received true"), "no diagnostics were published:\n{facts}");
    // The example is a start-up with gaps: `aims check` reports findings on systems.aims.
    assert!(starts("diagnostic ") && !has("diagnostics 0"), "systems.aims has findings:\n{facts}");
    assert!(has("hover **role** `cto`: Chief technology officer"), "hover on `cto`:\n{facts}");
    let org = std::fs::read_to_string(root.join("organization.aims")).unwrap();
    let declared = org.lines().position(|l| l.starts_with("role cto ")).expect("the example declares `cto`") + 1;
    assert!(has(&format!("definition organization.aims:{declared}")), "definition of `cto`:\n{facts}");
    let line4 = std::fs::read_to_string(root.join("systems.aims"))
        .unwrap()
        .lines()
        .nth(3)
        .unwrap()
        .replace("cto", "chief_tech");
    assert!(has(&format!("line4 {line4}")), "the rename changed the reference under the cursor:\n{facts}");
    assert!(has("organization-mentions 2"), "the rename changed the declaration and the other reference:\n{facts}");
    assert!(has("rename-files 4"), "the rename touched the four files that mention `cto`:\n{facts}");
    assert!(has("unknown-references-after-rename 0"), "unsaved renamed buffers resolve:\n{facts}");
    assert!(has("stopped true"), "the server shut down when asked:\n{facts}");
}
