//! The die-to-die link (UCIe-class), one die's PHY for each package:
//! `phy.rs` (standard package: 16 lanes, degrades to 8) and `advanced.rs`
//! (advanced package: 64 lanes + 4 spares, `spares.rs` remaps). Both are
//! built from the training state machine (`ltsm.rs`), lane training
//! (`training.rs`), the sideband (`sideband.rs`), lane deskew
//! (`deskew.rs`), start of data (`start_of_data.rs`), scrambling, and the
//! link layer (`link_tx.rs`: replay buffer and framing; `link_rx.rs`: CRC
//! check and in-order delivery; `flit_crc.rs`). `protocol.rs` holds what
//! both ends agree on; `flit.rs` the flit format; `params.rs` the link
//! parameters and lane repair rules the software reference
//! (`kaizen_sim::models::d2d_link`), the CLI and the bench's wire monitor
//! check.

pub mod advanced;
pub mod deskew;
pub mod flit;
pub mod flit_crc;
pub mod link_rx;
pub mod link_tx;
pub mod ltsm;
pub mod params;
pub mod phy;
pub mod protocol;
pub mod sideband;
pub mod spares;
pub mod start_of_data;
pub mod training;
