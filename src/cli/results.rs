//! Machine-readable results: `--json FILE` on the sim and bench commands
//! writes what their tables print as one record,
//! `{"kind": "sim memctl", "command": "kaizen sim memctl ...", "data": {..}}`,
//! the same numbers scripts, CI and `kaizen report` read.

use super::files::{create_dir, write_atomically};
use serde::Serialize;
use std::path::Path;

#[derive(Serialize, serde::Deserialize, Clone, Debug)]
pub struct Record {
    /// The command's name: `sim memctl`, `bench d2d`, ...
    pub kind: String,
    /// The command line that produced it (how to reproduce the figure).
    pub command: String,
    pub data: serde_json::Value,
}

/// This process's command line, as a user would type it.
pub fn command_line() -> String {
    std::iter::once("kaizen".to_string())
        .chain(std::env::args().skip(1))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Writes the record to `path` if one was asked for (atomically).
pub fn write(path: Option<&Path>, kind: &str, data: impl Serialize) -> anyhow::Result<()> {
    let Some(path) = path else {
        return Ok(());
    };
    let record = Record {
        kind: kind.to_string(),
        command: command_line(),
        data: serde_json::to_value(data)?,
    };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        create_dir(dir)?;
    }
    write_atomically(
        path,
        (serde_json::to_string_pretty(&record)? + "\n").as_bytes(),
    )
}
