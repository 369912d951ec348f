//! Outside programs some tests need (xmllint, chromium): a test runs when the program is there,
//! says it was skipped when it is not, and fails when it is missing under `CI=true`.

#![allow(dead_code)]

use std::path::PathBuf;

/// The program's path, or `None` (with a message) when it is not installed and CI is not set.
pub fn required(program: &str, install: &str) -> Option<PathBuf> {
    let found = std::env::var_os("PATH")
        .and_then(|paths| std::env::split_paths(&paths).map(|p| p.join(program)).find(|p| p.is_file()));
    match found {
        Some(p) => Some(p),
        None if std::env::var("CI").as_deref() == Ok("true") => {
            panic!("`{program}` is needed by this test under CI=true; install it with `{install}`")
        }
        None => {
            eprintln!("skipped: `{program}` is not installed (install it with `{install}`)");
            None
        }
    }
}
