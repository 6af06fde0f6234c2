//! The test chip: a partner die reaches HBM memory through the die-to-die
//! link. So far: the transaction layer (`transaction.rs`, the format; `unpack.rs`
//! and `pack.rs`, its RTL ends) and the register block (`registers.rs`, with
//! the register map). The clock-domain crossing it needs is in
//! `primitives::cdc`.

pub mod pack;
pub mod registers;
pub mod top;
pub mod transaction;
pub mod unpack;
