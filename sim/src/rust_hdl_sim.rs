//! rust-hdl's own simulator behind the [`Simulator`] trait: inputs are
//! written to the block's signals and the circuit is settled with
//! rust-hdl's `simulate`, exactly as its event-driven `Simulation` does.

#![deny(missing_docs)]

use crate::bench::Simulator;
use crate::SimError;
use kaizen_hdl::emit::{ports_of, Direction, Port};
use kaizen_hdl::ports::PortAccess;
use rust_hdl::prelude::*;
use std::path::Path;

/// Upper bound on delta cycles before declaring a combinational loop.
const MAX_DELTAS: usize = 1000;

/// A rust-hdl block on rust-hdl's own simulator, behind the [`Simulator`] trait.
pub struct RustHdlSim<B: PortAccess> {
    block: B,
    ports: Vec<Port>,
    /// Manifest port number -> index in the block's input or output list.
    index: Vec<usize>,
}

impl<B: PortAccess> RustHdlSim<B> {
    /// Connects `block` and settles it.
    pub fn new(mut block: B) -> Result<Self, SimError> {
        block.connect_all();
        let ports = ports_of(&block);
        let index = ports
            .iter()
            .map(|p| {
                let names = match p.direction {
                    Direction::Input => B::input_names(),
                    Direction::Output => B::output_names(),
                };
                names.iter().position(|n| *n == p.name).ok_or_else(|| {
                    SimError::NoSuchPort(format!("{} (missing from port_access!)", p.name))
                })
            })
            .collect::<Result<_, _>>()?;
        Ok(Self {
            block,
            ports,
            index,
        })
    }

    /// The block, for reading internal state in a test.
    pub fn block(&self) -> &B {
        &self.block
    }
}

impl<B: PortAccess> Simulator for RustHdlSim<B> {
    fn name(&self) -> &'static str {
        "rust-hdl"
    }
    fn ports(&self) -> &[Port] {
        &self.ports
    }
    fn set(&mut self, port: usize, words: &[u64]) {
        assert_eq!(
            self.ports[port].direction,
            Direction::Input,
            "set on output `{}`",
            self.ports[port].name
        );
        self.block.poke(self.index[port], words);
    }
    fn get(&mut self, port: usize, words: &mut [u64]) {
        match self.ports[port].direction {
            Direction::Output => self.block.peek(self.index[port], words),
            Direction::Input => panic!("get on input `{}`", self.ports[port].name),
        }
    }
    fn eval(&mut self) -> Result<(), SimError> {
        if simulate(&mut self.block, MAX_DELTAS) {
            Ok(())
        } else {
            Err(SimError::Mismatch(format!(
                "rust-hdl: the circuit did not settle within {MAX_DELTAS} delta cycles"
            )))
        }
    }
    fn trace_to(&mut self, _path: &Path) -> Result<(), SimError> {
        Err(SimError::Trace(
            "VCD traces are written by the Verilator model; run the bench on Verilator".into(),
        ))
    }
    fn dump(&mut self, _time: u64) {}
}
