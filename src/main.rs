//! `kaizen`: emit, lint, simulate, benchmark and build blocks. Inside a
//! user's project (a `kaizen.toml` here or above) it runs that project's
//! binary, which knows the project's blocks.

use std::process::ExitCode;

fn main() -> ExitCode {
    if let Some(code) = kaizen::delegate_to_project() {
        return code;
    }
    kaizen::main(kaizen::Catalog::kaizen())
}
