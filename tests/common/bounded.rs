//! Runs of the real `aims` binary that can never hang a test: the child's pipes are read on
//! threads (a large output cannot block it), and a child still running past the bound is
//! killed and fails the test. Used by the hardening tests, whose inputs (FIFOs, runaway
//! scripts) would hang a plain `Command::output`.

#![allow(dead_code)]

use std::io::{Read, Write};
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Starts aims in `cwd` with `args`, no colour, the extra environment `env`, and `input` on
/// stdin (or nothing).
pub fn spawn(cwd: &Path, args: &[&str], env: &[(&str, &str)], input: Option<&[u8]>) -> Child {
    let mut command = Command::new(env!("CARGO_BIN_EXE_aims"));
    command
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .stdin(if input.is_some() { Stdio::piped() } else { Stdio::null() })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (key, value) in env {
        command.env(key, value);
    }
    let mut child = command.spawn().expect("the aims binary runs");
    if let Some(input) = input {
        let mut stdin = child.stdin.take().expect("stdin is piped");
        let _ = stdin.write_all(input);
    }
    child
}

/// The child's stdout and stderr, each read to the end on its own thread.
pub fn pipes(child: &mut Child) -> (JoinHandle<String>, JoinHandle<String>) {
    fn read(mut r: impl Read + Send + 'static) -> JoinHandle<String> {
        std::thread::spawn(move || {
            let mut s = Vec::new();
            let _ = r.read_to_end(&mut s);
            String::from_utf8_lossy(&s).into_owned()
        })
    }
    (read(child.stdout.take().expect("stdout is piped")), read(child.stderr.take().expect("stderr is piped")))
}

/// Waits for the child, started at `start`; kills it and fails the test past `bound`.
pub fn wait(child: &mut Child, start: Instant, bound: Duration, args: &[&str]) -> ExitStatus {
    loop {
        if let Some(status) = child.try_wait().expect("the child can be waited for") {
            return status;
        }
        if start.elapsed() > bound {
            kill(child, bound, args);
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Kills a child that ran past `bound` and fails the test.
pub fn kill(child: &mut Child, bound: Duration, args: &[&str]) -> ! {
    let _ = child.kill();
    let _ = child.wait();
    panic!("`aims {}` did not end within {bound:?}", args.join(" "));
}
