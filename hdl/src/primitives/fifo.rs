//! Synchronous first-word-fall-through FIFO.
//!
//! Pointers carry one extra wrap bit (Cummings, SNUG 2002), so a full FIFO
//! and an empty one are told apart without a separate counter. `push` is
//! taken only when not full and `pop` only when not empty, so `full` and
//! `empty` are the ready/valid of the two sides and never depend on the other
//! side's request in the same cycle.

use super::{Reg, RegFile};
use rust_hdl::prelude::*;

/// `2^A` entries of `T`. `P` must be `A + 1` (stable Rust cannot yet write
/// `A + 1` in a type); [`SyncFifo::new`] checks it.
#[derive(LogicBlock)]
pub struct SyncFifo<T: Synth, const A: usize, const P: usize> {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Asynchronous, active-high reset.
    pub reset: Signal<In, Bit>,
    /// Take `data_in` (ignored while `full`).
    pub push: Signal<In, Bit>,
    /// The word `push` takes.
    pub data_in: Signal<In, T>,
    /// Drop the head (ignored while `empty`).
    pub pop: Signal<In, Bit>,
    /// Head of the queue; valid while `empty` is low.
    pub data_out: Signal<Out, T>,
    /// No room: `push` is ignored.
    pub full: Signal<Out, Bit>,
    /// Nothing held: `pop` is ignored and `data_out` is not valid.
    pub empty: Signal<Out, Bit>,
    /// High when at least `almost_full_level` entries are held.
    pub almost_full: Signal<Out, Bit>,
    /// Entries held, 0 ..= 2^A.
    pub count: Signal<Out, Bits<P>>,
    one: Constant<Bits<P>>,
    zero: Constant<Bits<P>>,
    capacity: Constant<Bits<P>>,
    almost_full_level: Constant<Bits<P>>,
    write_ptr: Reg<Bits<P>>,
    read_ptr: Reg<Bits<P>>,
    storage: RegFile<T, A>,
    do_push: Signal<Local, Bit>,
    do_pop: Signal<Local, Bit>,
    level: Signal<Local, Bits<P>>,
}

impl<T: Synth, const A: usize, const P: usize> SyncFifo<T, A, P> {
    /// A FIFO whose `almost_full` rises at `almost_full_level` entries.
    pub fn new(almost_full_level: u64) -> Self {
        assert_eq!(P, A + 1, "SyncFifo: P must be A + 1");
        let capacity = 1u64 << A;
        assert!(
            (1..=capacity).contains(&almost_full_level),
            "SyncFifo: almost_full_level must be within 1..={capacity}"
        );
        Self {
            clock: Default::default(),
            reset: Default::default(),
            push: Default::default(),
            data_in: Default::default(),
            pop: Default::default(),
            data_out: Default::default(),
            full: Default::default(),
            empty: Default::default(),
            almost_full: Default::default(),
            count: Default::default(),
            one: Constant::new(1u64.into()),
            zero: Constant::new(0u64.into()),
            capacity: Constant::new(capacity.into()),
            almost_full_level: Constant::new(almost_full_level.into()),
            write_ptr: Default::default(),
            read_ptr: Default::default(),
            storage: Default::default(),
            do_push: Default::default(),
            do_pop: Default::default(),
            level: Default::default(),
        }
    }

    /// Entries the FIFO holds (`2^A`).
    pub const CAPACITY: usize = 1 << A;
}

impl<T: Synth, const A: usize, const P: usize> Logic for SyncFifo<T, A, P> {
    #[hdl_gen]
    fn update(&mut self) {
        self.write_ptr.clock.next = self.clock.val();
        self.read_ptr.clock.next = self.clock.val();
        self.storage.clock.next = self.clock.val();
        self.write_ptr.reset.next = self.reset.val();
        self.read_ptr.reset.next = self.reset.val();
        self.storage.reset.next = self.reset.val();

        self.level.next = self.write_ptr.q.val() - self.read_ptr.q.val();
        self.do_push.next = self.push.val() & (self.level.val() != self.capacity.val());
        self.do_pop.next = self.pop.val() & (self.level.val() != self.zero.val());

        self.storage.write_enable.next = self.do_push.val();
        self.storage.write_address.next = self.write_ptr.q.val().get_bits::<A>(0);
        self.storage.write_data.next = self.data_in.val();
        self.storage.read_address.next = self.read_ptr.q.val().get_bits::<A>(0);

        self.write_ptr.d.next = self.write_ptr.q.val();
        if self.do_push.val() {
            self.write_ptr.d.next = self.write_ptr.q.val() + self.one.val();
        }
        self.read_ptr.d.next = self.read_ptr.q.val();
        if self.do_pop.val() {
            self.read_ptr.d.next = self.read_ptr.q.val() + self.one.val();
        }

        self.data_out.next = self.storage.read_data.val();
        self.count.next = self.level.val();
        self.full.next = self.level.val() == self.capacity.val();
        self.empty.next = self.level.val() == self.zero.val();
        self.almost_full.next = self.level.val() >= self.almost_full_level.val();
    }
}
