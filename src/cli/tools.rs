//! External tools: a missing one is a clear error naming its installer.

use anyhow::bail;
use std::process::{Command, Stdio};

pub fn require(tool: &str) -> anyhow::Result<()> {
    if missing(tool) {
        bail!("`{tool}` is not installed (or not on PATH); run scripts/setup.sh, which installs it with apt");
    }
    Ok(())
}

/// True if `tool` cannot be started.
pub fn missing(tool: &str) -> bool {
    Command::new(tool)
        .arg(if tool == "yosys" { "-V" } else { "--version" })
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_err()
}
