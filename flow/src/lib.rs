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

/// Kaizen's own files: the tool scripts (`scripts/`), the PDK configuration
/// (`constraints/pdk.toml`) and the Python environment set-up makes.
/// `KAIZEN_ROOT` when set (tests point it at a scratch copy), else this
/// checkout.
pub fn kaizen_root() -> PathBuf {
    let root = match std::env::var_os("KAIZEN_ROOT") {
        Some(d) => PathBuf::from(d),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join(".."),
    };
    root.canonicalize().unwrap_or(root)
}

static PROJECT_ROOT: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();

/// The project whose blocks are being built: where `build/` and the QoR
/// baselines are. A user's project when [`set_project_root`] named one,
/// else Kaizen's own ([`kaizen_root`]).
pub fn project_root() -> PathBuf {
    PROJECT_ROOT.get().cloned().unwrap_or_else(kaizen_root)
}

/// Makes `root` the project root for the rest of the process (a user's
/// crate, from its `kaizen::main`). The first call wins.
pub fn set_project_root(root: &Path) {
    let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let _ = PROJECT_ROOT.set(root);
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
