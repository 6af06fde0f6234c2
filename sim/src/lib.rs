//! Simulation: Verilator models driven from Rust, rust-hdl's own simulator
//! behind the same bench API, and the reference models the designs are
//! checked against.

pub mod activity;
pub mod bench;
pub mod d2d;
pub mod memctl;
pub mod models;
pub mod progress;
pub mod regression;
pub mod rust_hdl_sim;
pub mod testchip;
pub mod verilator;

use std::fmt;

/// Why a simulation could not go on.
#[derive(Clone, Debug)]
pub enum SimError {
    /// A tool the simulation needs is not installed.
    ToolMissing {
        tool: &'static str,
        hint: &'static str,
    },
    /// Verilating, compiling or loading a model failed.
    Build(String),
    /// The design has no port of that name.
    NoSuchPort(String),
    /// A trace could not be written (or the simulator writes none).
    Trace(String),
    /// Two simulators disagreed, or a simulator could not settle.
    Mismatch(String),
}

impl fmt::Display for SimError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SimError::ToolMissing { tool, hint } => write!(f, "`{tool}` is not installed; {hint}"),
            SimError::Build(m) => write!(f, "building the simulation model: {m}"),
            SimError::NoSuchPort(p) => write!(f, "no port named `{p}`"),
            SimError::Trace(m) => write!(f, "trace: {m}"),
            SimError::Mismatch(m) => write!(f, "{m}"),
        }
    }
}

impl std::error::Error for SimError {}
