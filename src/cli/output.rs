//! Writing results: colour choice, the summary line, JSON.

use super::ColorChoice;
use std::io::{IsTerminal, Write};

pub fn use_color(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => std::env::var_os("NO_COLOR").is_none() && std::io::stdout().is_terminal(),
    }
}

/// Writes to stdout; a closed pipe (`aims check | head`) is not an error worth a panic.
pub fn write_stdout(bytes: &[u8]) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(bytes);
    let _ = out.flush();
}

pub fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// A usage or I/O problem: plain words on stderr.
pub fn fail(message: &str) -> u8 {
    // File names in the message are the user's: a newline or an escape in one is shown escaped.
    eprintln!("error: {}", crate::diagnostics::text::escape(message));
    super::EXIT_USAGE
}
