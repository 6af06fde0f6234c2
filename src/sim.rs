//! Simulation: one bench API over Verilator and rust-hdl's simulator.
//!
//! A [`Bench`] drives a block by port name: set inputs, [`Bench::eval`],
//! read outputs, [`Bench::tick`] the clock (or, with several clocks,
//! [`Bench::with_clocks`] and [`Bench::next_edge`]). The same bench runs on
//! a [`VerilatorModel`] built from emitted Verilog (cached by content), on
//! [`RustHdlSim`], or on both in lock-step with [`Differential`], which
//! compares every output after every evaluation.
//!
//! ```
//! use kaizen::prelude::*;
//! use kaizen::sim::{Bench, ClockSpec, Differential, RustHdlSim, VerilatorModel};
//!
//! // A two-flop synchroniser (Kaizen's primitives come with port access).
//! type Sync1 = SyncBits<Bit>;
//! let mut block = Sync1::new(false);
//! block.connect_all();
//! let emitted = kaizen::emit::emit_block("doc_sync", &block, Default::default()).unwrap();
//! // Verilator and rust-hdl side by side (needs Verilator, which set-up installs).
//! let both = Differential::new(
//!     VerilatorModel::new(&emitted).unwrap(),
//!     RustHdlSim::new(Sync1::new(false)).unwrap(),
//! )
//! .unwrap();
//! let mut bench = Bench::with_clocks(both, &[ClockSpec::new("clock", 1000, 0)]).unwrap();
//! bench.set("reset", 0).unwrap();
//! bench.set("d", 1).unwrap();
//! // Two flops: the level is out after the second rising edge.
//! while bench.rises(0) < 1 {
//!     bench.next_edge().unwrap();
//! }
//! assert_eq!(bench.get("q").unwrap(), 0);
//! while bench.rises(0) < 2 {
//!     bench.next_edge().unwrap();
//! }
//! assert_eq!(bench.get("q").unwrap(), 1);
//! ```

pub use kaizen_sim::bench::{Bench, ClockSpec, Differential, Edges, PortId, Simulator};
pub use kaizen_sim::rust_hdl_sim::RustHdlSim;
pub use kaizen_sim::verilator::VerilatorModel;
pub use kaizen_sim::SimError;
