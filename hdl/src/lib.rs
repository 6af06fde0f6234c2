//! Kaizen's hardware: blocks described in rust-hdl, and their emission as
//! Verilog. `primitives` holds the shared building blocks; `catalog` names
//! the top blocks that are emitted, simulated and synthesised.

pub mod catalog;
pub mod d2d;
pub mod emit;
pub mod memctl;
pub mod ports;
pub mod primitives;
pub mod testchip;
