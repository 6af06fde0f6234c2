//! Reference models: written from each block's specification, not from its
//! hardware, so a test comparing the two can catch a wrong design.

pub mod arbiter;
pub mod cdc;
pub mod channel;
pub mod d2d_link;
pub mod fifo;
pub mod hbm;
pub mod lfsr;
pub mod memctl_reference;
pub mod trace_file;
pub mod traffic;
