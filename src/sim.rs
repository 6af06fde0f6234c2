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
//!
//! How fast is a bench next to Verilator's own speed? Record what it does
//! to the model ([`Recorder`]) and replay it from Rust ([`replay`]) and in a
//! generated native C++ harness ([`run_native`]); both read back exactly
//! what the bench read (`kaizen bench sim` does this for Kaizen's blocks).
//!
//! ```
//! use kaizen::prelude::*;
//! use kaizen::sim::{run_native, Bench, Recorder, VerilatorModel};
//!
//! let mut sync = SyncBits::<Bit>::new(false);
//! sync.connect_all();
//! let e = kaizen::emit::emit_block("doc_sync_native", &sync, Default::default()).unwrap();
//! let mut bench = Bench::new(Recorder::new(VerilatorModel::new(&e).unwrap())).unwrap();
//! for cycle in 0..100 {
//!     bench.set("d", cycle % 3 & 1).unwrap();
//!     bench.tick().unwrap();
//!     bench.get("q").unwrap();
//! }
//! let stimulus = bench.into_simulator().stimulus();
//! let (seconds, checksum) = run_native(&e, &stimulus).unwrap();
//! assert_eq!(checksum, stimulus.checksum);
//! assert!(seconds > 0.0);
//! ```

pub use kaizen_sim::bench::{Bench, ClockSpec, Differential, Edges, PortId, Simulator};
pub use kaizen_sim::rust_hdl_sim::RustHdlSim;
pub use kaizen_sim::verilator::native::{native_harness, replay, run_native, Recorder, Stimulus};
pub use kaizen_sim::verilator::VerilatorModel;
pub use kaizen_sim::SimError;
