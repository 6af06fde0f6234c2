//! Reset synchronizer: asynchronous assert, synchronous de-assert.
//!
//! The chip-level reset pin is asynchronous. Every register resets as soon as
//! it rises, but all of them must leave reset on the same clock edge, or some
//! flops start a cycle early. Two flops clocked by the destination clock give
//! that edge (and a settling cycle for metastability).

use super::Reg;
use rust_hdl::prelude::*;

/// Reset synchroniser: asserts asynchronously, releases two clock edges after the pin releases.
#[derive(LogicBlock)]
pub struct ResetSync {
    /// The clock of the domain the reset is for.
    pub clock: Signal<In, Clock>,
    /// Asynchronous, active-high reset from the pin.
    pub async_reset: Signal<In, Bit>,
    /// Reset for the clock domain: rises with `async_reset`, falls two clock
    /// edges after it falls.
    pub sync_reset: Signal<Out, Bit>,
    zero: Constant<Bit>,
    stage1: Reg<Bit>,
    stage2: Reg<Bit>,
}

impl Default for ResetSync {
    fn default() -> Self {
        Self {
            clock: Default::default(),
            async_reset: Default::default(),
            sync_reset: Default::default(),
            zero: Constant::new(false),
            stage1: Reg::new(true),
            stage2: Reg::new(true),
        }
    }
}

impl Logic for ResetSync {
    #[hdl_gen]
    fn update(&mut self) {
        self.stage1.clock.next = self.clock.val();
        self.stage2.clock.next = self.clock.val();
        self.stage1.reset.next = self.async_reset.val();
        self.stage2.reset.next = self.async_reset.val();
        self.stage1.d.next = self.zero.val();
        self.stage2.d.next = self.stage1.q.val();
        self.sync_reset.next = self.stage2.q.val();
    }
}
