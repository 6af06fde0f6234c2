//! The die-to-die link (UCIe-class, standard package): one die's PHY
//! (`phy.rs`) built from training (`training.rs`, `sideband.rs`), lane
//! deskew (`deskew.rs`), per-lane scrambling, and the link layer
//! (`link_tx.rs`: replay buffer and framing; `link_rx.rs`: CRC check and
//! in-order delivery; `flit_crc.rs`). `protocol.rs` holds what both ends
//! agree on; `flit.rs` the flit format; `params.rs` the link parameters
//! and lane repair rules the software reference (`kaizen_sim::models::
//! d2d_link`) and the CLI check.

pub mod deskew;
pub mod flit;
pub mod flit_crc;
pub mod link_rx;
pub mod link_tx;
pub mod params;
pub mod phy;
pub mod protocol;
pub mod sideband;
pub mod training;
