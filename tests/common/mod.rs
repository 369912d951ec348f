//! Helpers shared by the integration tests: run the real `aims` binary as a user would.

#![allow(dead_code)]

use std::path::Path;
use std::process::Command;

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// What a user sees: the exit code, then stdout, then stderr if any.
    pub fn transcript(&self) -> String {
        let mut s = format!("exit code: {}\n", self.code);
        s.push_str(&self.stdout);
        if !self.stderr.is_empty() {
            s.push_str("--- stderr ---\n");
            s.push_str(&self.stderr);
        }
        s
    }
}

/// Runs aims as a user would, except that it keeps no cache (`AIMS_NO_CACHE`): the fixtures and
/// examples of the repository stay as they are checked in. `tests/cache.rs` uses
/// [`aims_with_cache`].
pub fn aims(cwd: &Path, args: &[&str]) -> Run {
    run(Command::new(env!("CARGO_BIN_EXE_aims")).args(args).current_dir(cwd).env("AIMS_NO_CACHE", "1"))
}

/// Runs aims with its default cache.
#[allow(dead_code)] // used by some test binaries only
pub fn aims_with_cache(cwd: &Path, args: &[&str]) -> Run {
    run(Command::new(env!("CARGO_BIN_EXE_aims")).args(args).current_dir(cwd).env_remove("AIMS_NO_CACHE"))
}

/// Runs aims with its default cache and the given environment variables set.
#[allow(dead_code)] // used by some test binaries only
pub fn aims_with_cache_env(cwd: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_aims"));
    command.args(args).current_dir(cwd).env_remove("AIMS_NO_CACHE").envs(env.iter().copied());
    run(&mut command)
}

fn run(command: &mut Command) -> Run {
    let out = command.env("NO_COLOR", "1").output().expect("the aims binary runs");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// `// expect: E0203@4 E0101@7` lines at the top of a fixture: each code must be reported with
/// its primary label on that line.
pub fn expectations(text: &str) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    for line in text.lines() {
        let Some(rest) = line.trim().strip_prefix("// expect:") else { continue };
        for item in rest.split([' ', ',']).filter(|s| !s.is_empty()) {
            let (code, line) = item.split_once('@').expect("expectations are CODE@LINE");
            out.push((code.to_string(), line.parse().expect("a line number")));
        }
    }
    out
}

/// (code, line) of every diagnostic in `aims check --format json` output.
pub fn reported(json: &str) -> Vec<(String, usize, String)> {
    let v: serde_json::Value = serde_json::from_str(json).expect("check --format json prints JSON");
    v["diagnostics"]
        .as_array()
        .expect("a diagnostics array")
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap_or_default().to_string(),
                d["line"].as_u64().unwrap_or(0) as usize,
                d["file"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}
