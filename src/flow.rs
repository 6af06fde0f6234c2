//! The open flow on one block: Yosys synthesis to the GT2N cells and
//! OpenSTA timing with the block's SDC, as `kaizen flow synth|sta` run them.
//! GT2N's figures are predictive research figures, not silicon results.
//!
//! ```no_run
//! use kaizen::prelude::*;
//! let mut fifo = SyncFifo::<Bits<8>, 4, 5>::new(12);
//! fifo.connect_all();
//! let e = kaizen::emit::emit_block("my_fifo", &fifo, Default::default()).unwrap();
//! let project = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
//! // constraints/my_fifo.sdc in the project; outputs go under build/flow/.
//! let design = kaizen::flow::design(e, &project.join("constraints"));
//! let pdk = kaizen::flow::pdk(None).unwrap();
//! let syn = kaizen::flow::synth(project, &design, &pdk).unwrap();
//! let timing = kaizen::flow::sta(project, &design, &pdk, &syn).unwrap();
//! println!("{} cells, {:.3} um2, worst slack {} ps", syn.cells.total_cells, syn.cells.area_um2, timing.worst_slack_ps);
//! ```

use crate::emit::Emitted;
pub use kaizen_flow::pdk::Pdk;
pub use kaizen_flow::reports::{CellReport, TimingReport};
pub use kaizen_flow::run::{sta, synth, Design, Memories, Synthesis};
use std::path::Path;

/// The emitted block as the flow takes it; its SDC and floorplan are
/// `<constraints>/<block>.sdc` and `<constraints>/<block>.floorplan.json`.
pub fn design(block: Emitted, constraints: &Path) -> Design {
    Design {
        block: block.block.clone(),
        top: block.top_module.clone(),
        ports: crate::constraints::ports(&block),
        macros: block.macros.iter().map(|m| sram_macro(*m)).collect(),
        memories: Memories::Macros,
        constraints: constraints.to_path_buf(),
        verilog: block.verilog,
    }
}

/// The flow's view of an SRAM macro the block instantiates.
pub(crate) fn sram_macro(m: kaizen_hdl::primitives::SramShape) -> kaizen_flow::sram::SramMacro {
    kaizen_flow::sram::SramMacro {
        name: m.name(),
        words: m.words,
        bits: m.bits,
    }
}

/// The GT2N kit as Kaizen's `constraints/pdk.toml` configures it, with
/// threshold-voltage flavour `vt` (the default when `None`); `KAIZEN_PDK_DIR`
/// overrides where the kit is.
pub fn pdk(vt: Option<&str>) -> Result<Pdk, String> {
    kaizen_flow::pdk::locate(&kaizen_flow::kaizen_root(), vt)
}
