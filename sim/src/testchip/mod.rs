//! The test chip's verification: the partner die's transaction-layer model
//! (`host.rs`), its lane tester (`prbs.rs`), the host's side of the chip's
//! self-tests and their checks (`self_test.rs`), and the end-to-end bench
//! (`bench.rs`: host, die A's PHY, the channel model, the chip's RTL, the
//! HBM device model).

pub mod bench;
pub mod host;
pub mod prbs;
pub mod self_test;
