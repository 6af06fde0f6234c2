//! Constraints and the open tool flow: SDC parsing and checking, the PDK
//! configuration, Yosys synthesis and OpenSTA timing runs, their reports
//! parsed into QoR, and the QoR gate against a checked-in baseline.

pub mod cdc;
pub mod check;
pub mod fanout;
pub mod netlist;
pub mod pdk;
pub mod pnr;
pub mod qor;
pub mod reports;
pub mod run;
pub mod sdc;
pub mod sram;

use std::path::{Path, PathBuf};

/// The project root (where `constraints/` and `scripts/` are).
pub fn project_root() -> PathBuf {
    let root = match std::env::var_os("KAIZEN_ROOT") {
        Some(d) => PathBuf::from(d),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join(".."),
    };
    root.canonicalize().unwrap_or(root)
}

/// Writes `text` to `path` through a temporary file beside it, so an error
/// never leaves half a file.
pub(crate) fn write_file(path: &Path, text: &str) -> Result<(), String> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = PathBuf::from(tmp);
    std::fs::write(&tmp, text)
        .and_then(|()| std::fs::rename(&tmp, path))
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}
