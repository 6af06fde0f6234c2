//! Kaizen: describe, emit, simulate, verify and implement digital blocks.
//!
//! This crate is what a chip team's own crate depends on. It gives, for a
//! block described in [rust-hdl](https://crates.io/crates/rust-hdl):
//!
//! - [`prelude`] and [`primitives`]: rust-hdl and Kaizen's building blocks
//!   (reset synchroniser, FIFOs, CRC, scrambler, arbiter, clock-domain
//!   synchronisers, SRAM macros), and [`port_access!`] to make a block
//!   drivable by port name;
//! - [`emit`]: deterministic Verilog and a manifest entry;
//! - [`sim`]: one bench API over Verilator and rust-hdl's simulator, the
//!   differential runner, several clocks and VCD traces;
//! - [`testing`]: property tests with a printed, replayable seed and a
//!   trace of the failing case;
//! - [`constraints`]: SDC parsed and checked against the block's ports;
//! - [`flow`]: Yosys synthesis and OpenSTA timing on the GT2N kit;
//! - [`Catalog`] and [`main`]: the `kaizen` command on the user's blocks.
//!
//! `kaizen new <name>` writes a crate that uses all of these; the tutorial
//! is `docs/tutorial.md`.
//!
//! ```
//! use kaizen::prelude::*;
//! use kaizen::sim::{Bench, RustHdlSim};
//!
//! // Kaizen's FIFO, 16 x 32 bits, on rust-hdl's simulator (Kaizen's own
//! // top blocks come with port access; a user's gets it from `port_access!`).
//! let fifo = SyncFifo::<Bits<32>, 4, 5>::new(12);
//! let mut bench = Bench::new(RustHdlSim::new(fifo).unwrap()).unwrap();
//! bench.reset(2).unwrap();
//! bench.set("push", 1).unwrap();
//! bench.set("data_in", 0x5a).unwrap();
//! bench.tick().unwrap();
//! bench.set("push", 0).unwrap();
//! bench.eval().unwrap();
//! assert_eq!(bench.get("data_out").unwrap(), 0x5a);
//! ```
#![deny(missing_docs)]

mod catalog;
mod cli;
pub mod constraints;
pub mod flow;
mod scaffold;
pub mod sim;
pub mod testing;

pub use catalog::{Catalog, Entry, Origin};
pub use kaizen_hdl::port_access;
/// rust-hdl itself, the version Kaizen's blocks are built with.
pub use rust_hdl;

/// Everything a block description needs: rust-hdl's prelude, Kaizen's
/// primitives and port access.
///
/// ```
/// use kaizen::prelude::*;
///
/// /// A counter with an enable: Kaizen's `Reg` keeps the state.
/// #[derive(LogicBlock)]
/// pub struct Counter {
///     pub clock: Signal<In, Clock>,
///     pub reset: Signal<In, Bit>,
///     pub enable: Signal<In, Bit>,
///     pub count: Signal<Out, Bits<8>>,
///     state: Reg<Bits<8>>,
/// }
///
/// impl Default for Counter {
///     fn default() -> Self {
///         Self {
///             clock: Default::default(),
///             reset: Default::default(),
///             enable: Default::default(),
///             count: Default::default(),
///             state: Reg::new(0.into()),
///         }
///     }
/// }
///
/// impl Logic for Counter {
///     #[hdl_gen]
///     fn update(&mut self) {
///         self.state.clock.next = self.clock.val();
///         self.state.reset.next = self.reset.val();
///         self.state.d.next = self.state.q.val();
///         if self.enable.val() {
///             self.state.d.next = self.state.q.val() + 1;
///         }
///         self.count.next = self.state.q.val();
///     }
/// }
///
/// kaizen::port_access!(Counter { inputs: [clock, reset, enable], outputs: [count] });
/// let mut c = Counter::default();
/// c.connect_all();
/// assert!(kaizen::emit::emit_block("counter", &c, Default::default()).is_ok());
/// ```
pub mod prelude {
    pub use crate::primitives::*;
    pub use kaizen_hdl::port_access;
    pub use kaizen_hdl::ports::PortAccess;
    pub use rust_hdl::prelude::*;
}

/// Kaizen's building blocks, each verified against a model in Kaizen's
/// own tests (docs/primitives.md).
///
/// ```
/// use kaizen::prelude::*;
/// // CRC-32 over 64-bit words, the catalogued CRC-32/ISO-HDLC.
/// let crc = Crc::<32, 64>::new(kaizen::primitives::CRC32_ISO_HDLC);
/// // A 64 x 32 two-port SRAM: a macro in the flow, a model in simulation.
/// let sram = Sram::<Bits<32>, 6>::default();
/// assert_eq!(Sram::<Bits<32>, 6>::shape().words, 64);
/// # let _ = (crc, sram);
/// ```
pub mod primitives {
    pub use kaizen_hdl::primitives::{
        AsyncFifo, Crc, CrcSpec, HandshakeSync, LfsrSpec, PulseSync, Reg, ResetSync, RoundRobin,
        Scrambler, Sram, SramShape, SyncBits, SyncFifo, CRC16_IBM_3740, CRC32_ISO_HDLC,
        PCIE_GEN3_LANE0, SYNC_STAGES,
    };
}

/// Verilog emission: deterministic text, unique module names, and what the
/// manifest records (ports, parameters, macros, SHA-256).
///
/// ```
/// use kaizen::prelude::*;
/// let mut sync = SyncBits::<Bit>::new(false);
/// sync.connect_all();
/// let e = kaizen::emit::emit_block("my_sync", &sync, Default::default()).unwrap();
/// assert_eq!(e.top_module, "my_sync");
/// assert_eq!(e.port("d").unwrap().direction, kaizen::emit::Direction::Input);
/// // The same block gives the same text, byte for byte.
/// let again = kaizen::emit::emit_block("my_sync", &sync, Default::default()).unwrap();
/// assert_eq!(e.sha256, again.sha256);
/// ```
pub mod emit {
    pub use kaizen_hdl::emit::{Direction, Emitted, Port};

    /// Emits `block` (already `connect_all`ed) with its top module named
    /// `name` and sub-modules `name__<path>`, after rust-hdl's checks.
    pub fn emit_block<B: rust_hdl::prelude::Block>(
        name: &str,
        block: &B,
        parameters: std::collections::BTreeMap<String, String>,
    ) -> Result<Emitted, String> {
        kaizen_hdl::emit::emit_named(name, name, block, parameters)
    }
}

/// Runs the `kaizen` command line on `catalog`: what a user's binary
/// calls from its `main`, so that `kaizen emit`, `lint`, `cdc`,
/// `check-constraints` and `flow` work on the user's blocks.
///
/// ```no_run
/// fn main() -> std::process::ExitCode {
///     let catalog = kaizen::Catalog::project(env!("CARGO_MANIFEST_DIR"));
///     kaizen::main(catalog)
/// }
/// ```
pub fn main(catalog: Catalog) -> std::process::ExitCode {
    use clap::Parser;
    catalog::install(catalog);
    let args = cli::Cli::parse();
    match cli::run(args) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("kaizen: error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// When the working directory is inside a user's Kaizen project (a
/// `kaizen.toml` here or above), runs that project's own binary with this
/// process's arguments and returns its exit code; `None` otherwise. Kaizen's
/// `kaizen` binary calls this first, so `kaizen emit` in a user's crate
/// knows the user's blocks.
pub fn delegate_to_project() -> Option<std::process::ExitCode> {
    scaffold::delegate()
}
