//! The `aims` binary: parse the command line and hand over to the subcommand.

use clap::Parser;
use std::process::ExitCode;

aims::global_allocator!();

fn main() -> ExitCode {
    aims::timings::begin();
    aims::compile::tune_malloc_arenas();
    let cli = aims::cli::Cli::parse();
    aims::cli::run(cli)
}
