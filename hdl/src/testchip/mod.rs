//! The test chip: a partner die reaches HBM memory through the die-to-die
//! link. The transaction layer (`transaction.rs`, the format; `unpack.rs`
//! and `pack.rs`, its RTL ends), the register block (`registers.rs`, with
//! the register map), the self-tests (`link_test.rs`, PRBS and loopbacks on
//! the lanes; `mem_test.rs`, the memory traffic generator and checker) and
//! the top (`top.rs`). The clock-domain crossing it needs is in
//! `primitives::cdc`.

pub mod link_test;
pub mod mem_test;
pub mod pack;
pub mod registers;
pub mod top;
pub mod transaction;
pub mod unpack;
