//! The test chip's verification: the partner die's transaction-layer model
//! (`host.rs`) and the end-to-end bench (`bench.rs`: host, die A's PHY, the
//! channel model, the chip's RTL, the HBM device model).

pub mod bench;
pub mod host;
