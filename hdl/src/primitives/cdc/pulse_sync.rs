//! Pulse synchroniser: a one-cycle event in the source domain becomes a
//! one-cycle event in the destination domain.
//!
//! The source turns each pulse into a change of a toggle flop; the
//! destination synchronises the toggle and pulses on each change it sees.
//! Two source pulses closer than three destination clocks may merge (the
//! destination sees one change, or none): a faster sender needs
//! [`HandshakeSync`](super::HandshakeSync) or [`AsyncFifo`](super::AsyncFifo).

use super::SyncBits;
use crate::primitives::Reg;
use rust_hdl::prelude::*;

/// Carries single-cycle pulses from a source clock domain to a destination one (toggle through a two-flop synchroniser).
#[derive(LogicBlock)]
pub struct PulseSync {
    /// Source-domain clock.
    pub src_clock: Signal<In, Clock>,
    /// Source-domain asynchronous, active-high reset.
    pub src_reset: Signal<In, Bit>,
    /// High for one source clock per event.
    pub pulse_in: Signal<In, Bit>,
    /// Destination-domain clock.
    pub dst_clock: Signal<In, Clock>,
    /// Destination-domain asynchronous, active-high reset.
    pub dst_reset: Signal<In, Bit>,
    /// High for one destination clock per event.
    pub pulse_out: Signal<Out, Bit>,
    toggle: Reg<Bit>,
    sync: SyncBits<Bit>,
    last: Reg<Bit>,
}

impl Default for PulseSync {
    fn default() -> Self {
        Self {
            src_clock: Default::default(),
            src_reset: Default::default(),
            pulse_in: Default::default(),
            dst_clock: Default::default(),
            dst_reset: Default::default(),
            pulse_out: Default::default(),
            toggle: Reg::new(false),
            sync: SyncBits::new(false),
            last: Reg::new(false),
        }
    }
}

impl Logic for PulseSync {
    #[hdl_gen]
    fn update(&mut self) {
        self.toggle.clock.next = self.src_clock.val();
        self.toggle.reset.next = self.src_reset.val();
        self.toggle.d.next = self.toggle.q.val() ^ self.pulse_in.val();

        self.sync.clock.next = self.dst_clock.val();
        self.last.clock.next = self.dst_clock.val();
        self.sync.reset.next = self.dst_reset.val();
        self.last.reset.next = self.dst_reset.val();
        self.sync.d.next = self.toggle.q.val();
        self.last.d.next = self.sync.q.val();
        self.pulse_out.next = self.sync.q.val() ^ self.last.q.val();
    }
}
