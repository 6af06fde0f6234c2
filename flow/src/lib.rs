//! Constraints and the open tool flow: SDC parsing and checking, the PDK
//! configuration, Yosys synthesis and OpenSTA timing runs, their reports
//! parsed into QoR, and the QoR gate against a checked-in baseline.

pub mod cdc;
pub mod check;
pub mod fanout;
pub mod netlist;
pub mod pdk;
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
