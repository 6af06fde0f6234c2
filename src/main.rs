//! `kaizen`: emit, lint, simulate and benchmark the test chip's blocks.

mod cli;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    match cli::run(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("kaizen: error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
