//! SRAM macro abstracts for a kit without a memory compiler, the way
//! OpenROAD-flow-scripts' FakeRAM / bsg_fakeram serve predictive kits: from
//! a macro's shape, a black-box Liberty model (`liberty.rs`: area, pins,
//! setup/hold, clock-to-output) and a LEF abstract (`lef.rs`: size, pins on
//! the kit's track grid, obstructions over the array). The behavioural
//! Verilog model is emitted with the design (`kaizen_hdl::primitives::Sram`).
//!
//! The figures come from [`model`]: a published 2nm bitcell and macro
//! density, and an access time scaled from a published 2nm macro. They are
//! predictive, like the kit, and typical corner only.

pub mod lef;
pub mod liberty;
pub mod model;

use crate::pdk::Pdk;
use std::path::{Path, PathBuf};

/// One macro: `words` x `bits`, one write port, one registered read port.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SramMacro {
    /// The cell name (`kaizen_sram_1r1w_<words>x<bits>`).
    pub name: String,
    /// Words.
    pub words: usize,
    /// Bits per word.
    pub bits: usize,
}

impl SramMacro {
    pub fn address_bits(&self) -> usize {
        self.words.trailing_zeros() as usize
    }
    pub fn capacity_bits(&self) -> usize {
        self.words * self.bits
    }
}

/// The files of one generated macro.
pub struct MacroFiles {
    pub liberty: PathBuf,
    pub lef: PathBuf,
}

/// Writes `<name>.lib` and `<name>.lef` into `dir` (each through a
/// temporary file, so an error leaves no half-written abstract).
pub fn write_abstracts(m: &SramMacro, pdk: &Pdk, dir: &Path) -> Result<MacroFiles, String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let phys = model::physical(m, &pdk.config.sram);
    let liberty = dir.join(format!("{}.lib", m.name));
    let lef = dir.join(format!("{}.lef", m.name));
    crate::write_file(&liberty, &liberty::liberty(m, &phys, pdk))?;
    crate::write_file(&lef, &lef::lef(m, &phys, &pdk.config.sram))?;
    Ok(MacroFiles { liberty, lef })
}
