//! Clock-domain crossing: the only ways a signal may pass from one clock
//! domain to another. `kaizen cdc` checks that every crossing in a design
//! goes through one of these (their flops carry a [`CdcRole`] the check
//! reads from the netlist).
//!
//! | block | what crosses | rule the sender keeps |
//! |---|---|---|
//! | [`SyncBits`] | a level, or a Gray-coded value | change at most one bit per destination clock |
//! | [`PulseSync`] | single-cycle events | at most one pulse per three destination clocks |
//! | [`HandshakeSync`] | a data word | wait for `ready` |
//! | [`AsyncFifo`] | a stream of words | push only while not `full` |
//!
//! [`CdcRole`]: super::CdcRole

mod async_fifo;
mod handshake_sync;
mod pulse_sync;
mod sync_bits;

pub use async_fifo::AsyncFifo;
pub use handshake_sync::HandshakeSync;
pub use pulse_sync::PulseSync;
pub use sync_bits::SyncBits;

/// Destination clocks from a change at a synchroniser's input to its
/// output: two flops, and the first edge may just miss the change.
pub const SYNC_STAGES: u64 = 2;
