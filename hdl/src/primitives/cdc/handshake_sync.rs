//! Handshake synchroniser: one data word at a time from the source domain
//! to the destination domain, for any clock ratio.
//!
//! Two-phase: the source holds the word in a register and toggles a request;
//! the destination synchronises the request, takes the word (stable, since
//! the source cannot change it until acknowledged), pulses `valid` and
//! answers with its own toggle, which the source synchronises back. A word
//! costs about two clocks of each domain each way; `ready` says when the
//! next one may go.

use super::SyncBits;
use crate::primitives::{CdcRole, Reg};
use rust_hdl::prelude::*;

/// Carries one word at a time from a source clock domain to a destination one (two-phase handshake).
#[derive(LogicBlock)]
pub struct HandshakeSync<T: Synth> {
    /// Source-domain clock.
    pub src_clock: Signal<In, Clock>,
    /// Source-domain asynchronous, active-high reset.
    pub src_reset: Signal<In, Bit>,
    /// Taken at a source clock edge while `ready` is high.
    pub send: Signal<In, Bit>,
    /// The word sent with `send`.
    pub data_in: Signal<In, T>,
    /// The previous word has been taken by the destination.
    pub ready: Signal<Out, Bit>,
    /// Destination-domain clock.
    pub dst_clock: Signal<In, Clock>,
    /// Destination-domain asynchronous, active-high reset.
    pub dst_reset: Signal<In, Bit>,
    /// High for one destination clock per word sent.
    pub valid: Signal<Out, Bit>,
    /// The last word received (held until the next).
    pub data_out: Signal<Out, T>,
    request: Reg<Bit>,
    held: Reg<T>,
    acknowledge_in_src: SyncBits<Bit>,
    request_in_dst: SyncBits<Bit>,
    seen: Reg<Bit>,
    word: Reg<T>,
    arrived: Reg<Bit>,
    idle: Signal<Local, Bit>,
    new_request: Signal<Local, Bit>,
}

impl<T: Synth> Default for HandshakeSync<T> {
    fn default() -> Self {
        Self {
            src_clock: Default::default(),
            src_reset: Default::default(),
            send: Default::default(),
            data_in: Default::default(),
            ready: Default::default(),
            dst_clock: Default::default(),
            dst_reset: Default::default(),
            valid: Default::default(),
            data_out: Default::default(),
            request: Reg::new(false),
            held: Reg::for_cdc(T::default(), CdcRole::Held),
            acknowledge_in_src: SyncBits::new(false),
            request_in_dst: SyncBits::new(false),
            seen: Reg::new(false),
            word: Reg::default(),
            arrived: Reg::new(false),
            idle: Default::default(),
            new_request: Default::default(),
        }
    }
}

impl<T: Synth> Logic for HandshakeSync<T> {
    #[hdl_gen]
    fn update(&mut self) {
        // Source domain.
        self.request.clock.next = self.src_clock.val();
        self.held.clock.next = self.src_clock.val();
        self.acknowledge_in_src.clock.next = self.src_clock.val();
        self.request.reset.next = self.src_reset.val();
        self.held.reset.next = self.src_reset.val();
        self.acknowledge_in_src.reset.next = self.src_reset.val();
        self.acknowledge_in_src.d.next = self.seen.q.val();
        self.idle.next = self.request.q.val() == self.acknowledge_in_src.q.val();
        self.request.d.next = self.request.q.val();
        self.held.d.next = self.held.q.val();
        if self.send.val() & self.idle.val() {
            self.request.d.next = !self.request.q.val();
            self.held.d.next = self.data_in.val();
        }
        self.ready.next = self.idle.val();

        // Destination domain.
        self.request_in_dst.clock.next = self.dst_clock.val();
        self.seen.clock.next = self.dst_clock.val();
        self.word.clock.next = self.dst_clock.val();
        self.arrived.clock.next = self.dst_clock.val();
        self.request_in_dst.reset.next = self.dst_reset.val();
        self.seen.reset.next = self.dst_reset.val();
        self.word.reset.next = self.dst_reset.val();
        self.arrived.reset.next = self.dst_reset.val();
        self.request_in_dst.d.next = self.request.q.val();
        self.new_request.next = self.request_in_dst.q.val() != self.seen.q.val();
        self.seen.d.next = self.request_in_dst.q.val();
        self.word.d.next = self.word.q.val();
        if self.new_request.val() {
            self.word.d.next = self.held.q.val();
        }
        self.arrived.d.next = self.new_request.val();
        self.valid.next = self.arrived.q.val();
        self.data_out.next = self.word.q.val();
    }
}
