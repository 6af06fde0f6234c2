//! Round-robin arbiter for `N` requesters.
//!
//! The requester granted last has the lowest priority next time: a mask
//! keeps the requesters strictly above the last grant; the lowest set bit of
//! the masked requests wins, and when none is left above, the lowest request
//! overall. So every requester waits at most `N - 1` grants to others.

use super::Reg;
use rust_hdl::prelude::*;

/// Round-robin arbiter over `N` requesters: the requester after the last one granted goes first.
#[derive(LogicBlock)]
pub struct RoundRobin<const N: usize> {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Asynchronous, active-high reset.
    pub reset: Signal<In, Bit>,
    /// Bit `i` high: requester `i` wants the grant.
    pub request: Signal<In, Bits<N>>,
    /// One-hot grant (zero when nothing is requested), same cycle.
    pub grant: Signal<Out, Bits<N>>,
    /// The grant is taken this cycle: rotate priority past it.
    pub accept: Signal<In, Bit>,
    one: Constant<Bits<N>>,
    zero: Constant<Bits<N>>,
    above_last: Reg<Bits<N>>,
    masked: Signal<Local, Bits<N>>,
    pick: Signal<Local, Bits<N>>,
}

impl<const N: usize> Default for RoundRobin<N> {
    fn default() -> Self {
        Self {
            clock: Default::default(),
            reset: Default::default(),
            request: Default::default(),
            grant: Default::default(),
            accept: Default::default(),
            one: Constant::new(1u64.into()),
            zero: Constant::new(0u64.into()),
            // After reset every requester counts as "above": requester 0 first.
            above_last: Reg::new(!Bits::<N>::default()),
            masked: Default::default(),
            pick: Default::default(),
        }
    }
}

impl<const N: usize> Logic for RoundRobin<N> {
    #[hdl_gen]
    fn update(&mut self) {
        self.above_last.clock.next = self.clock.val();
        self.above_last.reset.next = self.reset.val();
        self.masked.next = self.request.val() & self.above_last.q.val();
        // x & (~x + 1) isolates the lowest set bit of x.
        self.pick.next = self.request.val() & (!self.request.val() + self.one.val());
        if self.masked.val() != self.zero.val() {
            self.pick.next = self.masked.val() & (!self.masked.val() + self.one.val());
        }
        self.grant.next = self.pick.val();
        self.above_last.d.next = self.above_last.q.val();
        if self.accept.val() & (self.pick.val() != self.zero.val()) {
            // Bits strictly above the grant: ~(grant | (grant - 1)).
            self.above_last.d.next = !(self.pick.val() | (self.pick.val() - self.one.val()));
        }
    }
}
