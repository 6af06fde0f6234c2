//! Shared building blocks. Every block keeps its state in [`Reg`], so the
//! whole design resets asynchronously and emits no `initial` blocks.

#![deny(missing_docs)]

mod arbiter;
mod cdc;
mod crc;
mod fifo;
mod reg_file;
mod register;
mod reset_sync;
mod scrambler;
mod sram;
mod xor_net;

pub use arbiter::RoundRobin;
pub use cdc::{AsyncFifo, HandshakeSync, PulseSync, SyncBits, SYNC_STAGES};
pub use crc::{Crc, CrcSpec, CRC16_IBM_3740, CRC32_ISO_HDLC};
pub use fifo::SyncFifo;
pub use reg_file::RegFile;
pub use register::{CdcRole, Reg};
pub use reset_sync::ResetSync;
pub use scrambler::{LaneScrambler, LfsrSpec, Scrambler, PCIE_GEN3_LANE0};
pub use sram::{Sram, SramShape, SRAM_MACRO_PREFIX};
pub use xor_net::{Gf2Matrix, XorNet, XorNet2};
