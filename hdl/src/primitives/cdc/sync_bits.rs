//! Two-flop synchroniser: a level from another clock domain, sampled twice
//! by the destination clock so the first flop's metastability settles
//! before anything reads it.
//!
//! Each bit is synchronised on its own, so a multi-bit value survives the
//! crossing only if at most one bit changes per destination clock (a Gray
//! code, as in [`AsyncFifo`](super::AsyncFifo)'s pointers).

use crate::primitives::{CdcRole, Reg};
use rust_hdl::prelude::*;

/// A level (or a Gray-coded value) through `SYNC_STAGES` flops into another clock domain.
#[derive(LogicBlock)]
pub struct SyncBits<T: Synth> {
    /// Destination clock.
    pub clock: Signal<In, Clock>,
    /// Destination domain's reset.
    pub reset: Signal<In, Bit>,
    /// From another domain: a register's output, with no logic between.
    pub d: Signal<In, T>,
    /// `d` in the destination domain, two clocks later.
    pub q: Signal<Out, T>,
    meta: Reg<T>,
    stable: Reg<T>,
}

impl<T: Synth> SyncBits<T> {
    /// Both flops reset to `init`.
    pub fn new(init: T) -> Self {
        Self {
            clock: Default::default(),
            reset: Default::default(),
            d: Default::default(),
            q: Default::default(),
            meta: Reg::for_cdc(init, CdcRole::SyncStage),
            stable: Reg::new(init),
        }
    }
}

impl<T: Synth> Default for SyncBits<T> {
    fn default() -> Self {
        Self::new(T::default())
    }
}

impl<T: Synth> Logic for SyncBits<T> {
    #[hdl_gen]
    fn update(&mut self) {
        self.meta.clock.next = self.clock.val();
        self.stable.clock.next = self.clock.val();
        self.meta.reset.next = self.reset.val();
        self.stable.reset.next = self.reset.val();
        self.meta.d.next = self.d.val();
        self.stable.d.next = self.meta.q.val();
        self.q.next = self.stable.q.val();
    }
}
