//! Kaizen's hardware: blocks described in rust-hdl, and their emission as
//! Verilog. `primitives` holds the shared building blocks; `catalog` names
//! the top blocks that are emitted, simulated and synthesised.

/// Kaizen's Verilator configuration (`hdl/lint/verilator.vlt`): the
/// reasoned lint waivers and the directives every model build needs. `kaizen
/// lint` and the simulation models read this one text.
pub const VERILATOR_CONFIG: &str = include_str!("../lint/verilator.vlt");

pub mod catalog;
pub mod d2d;
pub mod emit;
pub mod memctl;
pub mod ports;
pub mod primitives;
pub mod testchip;
