//! Asynchronous FIFO: a stream of words from a write clock domain to a read
//! clock domain (Cummings, "Simulation and Synthesis Techniques for
//! Asynchronous FIFO Design", SNUG 2002, style 1).
//!
//! Each side keeps a binary pointer with one wrap bit and its Gray code in a
//! register; the Gray pointer crosses to the other side through a two-flop
//! [`SyncBits`] (one bit changes per push or pop, so a sample taken mid-change
//! is the old or the new pointer, never a third). The write side compares its
//! pointer with the synchronised read pointer for `full`, the read side with
//! the synchronised write pointer for `empty`; both are pessimistic (they see
//! the other side late), so the FIFO never overflows or underflows. Storage is
//! written in the write domain and read, first word fall-through, in the read
//! domain: an entry is read only after its write pointer crossed over.
//!
//! Each side also says how full it knows the FIFO to be (`wr_level`,
//! `rd_level`), from its own pointer and the other side's synchronised one
//! turned back into binary: the writer's figure may be high and the reader's
//! low by what has not crossed yet, never the other way. A credit scheme
//! reads `wr_level` to know what it may hand out again.
//!
//! Both sides must be reset together (each by its own domain's reset
//! synchroniser, from one reset pin).

use super::SyncBits;
use crate::primitives::{CdcRole, Reg, RegFile};
use rust_hdl::prelude::*;

/// `2^A` entries of `T`. `P` must be `A + 1`; [`AsyncFifo::new`] checks it.
#[derive(LogicBlock)]
pub struct AsyncFifo<T: Synth, const A: usize, const P: usize> {
    /// Write-side clock.
    pub wr_clock: Signal<In, Clock>,
    /// Write-side asynchronous, active-high reset.
    pub wr_reset: Signal<In, Bit>,
    /// Taken at a write clock edge while `full` is low.
    pub push: Signal<In, Bit>,
    /// Word written when `push` is taken.
    pub data_in: Signal<In, T>,
    /// No room: `push` is ignored (write domain).
    pub full: Signal<Out, Bit>,
    /// Entries held as the write side sees them (0 ..= 2^A).
    pub wr_level: Signal<Out, Bits<P>>,
    /// Read-side clock.
    pub rd_clock: Signal<In, Clock>,
    /// Read-side asynchronous, active-high reset.
    pub rd_reset: Signal<In, Bit>,
    /// Taken at a read clock edge while `empty` is low.
    pub pop: Signal<In, Bit>,
    /// Head of the queue; valid while `empty` is low.
    pub data_out: Signal<Out, T>,
    /// Nothing to read: `pop` is ignored (read domain).
    pub empty: Signal<Out, Bit>,
    /// Entries held as the read side sees them.
    pub rd_level: Signal<Out, Bits<P>>,
    one: Constant<Bits<P>>,
    /// Shifts of the Gray-to-binary prefix XOR (1, 2, 4, 8: up to 16 bits).
    gray_shift: [Constant<Bits<8>>; 4],
    /// The two top bits: where a full FIFO's Gray pointers differ.
    wrap_bits: Constant<Bits<P>>,
    wr_binary: Reg<Bits<P>>,
    wr_gray: Reg<Bits<P>>,
    rd_binary: Reg<Bits<P>>,
    rd_gray: Reg<Bits<P>>,
    rd_gray_in_wr: SyncBits<Bits<P>>,
    wr_gray_in_rd: SyncBits<Bits<P>>,
    storage: RegFile<T, A>,
    is_full: Signal<Local, Bit>,
    is_empty: Signal<Local, Bit>,
    wr_next: Signal<Local, Bits<P>>,
    rd_next: Signal<Local, Bits<P>>,
    rd_seen_by_wr: [Signal<Local, Bits<P>>; 5],
    wr_seen_by_rd: [Signal<Local, Bits<P>>; 5],
}

impl<T: Synth, const A: usize, const P: usize> AsyncFifo<T, A, P> {
    /// Entries the FIFO holds (`2^A`).
    pub const CAPACITY: usize = 1 << A;

    /// An empty FIFO (checks `P == A + 1`).
    pub fn new() -> Self {
        assert_eq!(P, A + 1, "AsyncFifo: P must be A + 1");
        assert!(A >= 1, "AsyncFifo: at least 2 entries");
        assert!(P <= 16, "AsyncFifo: at most 2^15 entries");
        Self {
            wr_clock: Default::default(),
            wr_reset: Default::default(),
            push: Default::default(),
            data_in: Default::default(),
            full: Default::default(),
            wr_level: Default::default(),
            rd_clock: Default::default(),
            rd_reset: Default::default(),
            pop: Default::default(),
            data_out: Default::default(),
            empty: Default::default(),
            rd_level: Default::default(),
            one: Constant::new(1u64.into()),
            gray_shift: std::array::from_fn(|i| Constant::new((1u64 << i).into())),
            wrap_bits: Constant::new((3u64 << (P - 2)).into()),
            wr_binary: Default::default(),
            wr_gray: Default::default(),
            rd_binary: Default::default(),
            rd_gray: Default::default(),
            rd_gray_in_wr: Default::default(),
            wr_gray_in_rd: Default::default(),
            storage: RegFile::for_cdc(CdcRole::Held),
            is_full: Default::default(),
            is_empty: Default::default(),
            wr_next: Default::default(),
            rd_next: Default::default(),
            rd_seen_by_wr: Default::default(),
            wr_seen_by_rd: Default::default(),
        }
    }
}

impl<T: Synth, const A: usize, const P: usize> Default for AsyncFifo<T, A, P> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T: Synth, const A: usize, const P: usize> Logic for AsyncFifo<T, A, P> {
    #[hdl_gen]
    fn update(&mut self) {
        // Write domain.
        self.wr_binary.clock.next = self.wr_clock.val();
        self.wr_gray.clock.next = self.wr_clock.val();
        self.rd_gray_in_wr.clock.next = self.wr_clock.val();
        self.storage.clock.next = self.wr_clock.val();
        self.wr_binary.reset.next = self.wr_reset.val();
        self.wr_gray.reset.next = self.wr_reset.val();
        self.rd_gray_in_wr.reset.next = self.wr_reset.val();
        self.storage.reset.next = self.wr_reset.val();
        self.rd_gray_in_wr.d.next = self.rd_gray.q.val();
        self.is_full.next =
            self.wr_gray.q.val() == (self.rd_gray_in_wr.q.val() ^ self.wrap_bits.val());
        self.wr_next.next = self.wr_binary.q.val();
        if self.push.val() & !self.is_full.val() {
            self.wr_next.next = self.wr_binary.q.val() + self.one.val();
        }
        self.wr_binary.d.next = self.wr_next.val();
        self.wr_gray.d.next = self.wr_next.val() ^ (self.wr_next.val() >> self.one.val());
        self.storage.write_enable.next = self.push.val() & !self.is_full.val();
        self.storage.write_address.next = self.wr_binary.q.val().get_bits::<A>(0);
        self.storage.write_data.next = self.data_in.val();
        self.full.next = self.is_full.val();
        // Gray to binary: each bit is the XOR of itself and all above it.
        self.rd_seen_by_wr[0].next = self.rd_gray_in_wr.q.val();
        for i in 0..4 {
            self.rd_seen_by_wr[i + 1].next = self.rd_seen_by_wr[i].val()
                ^ (self.rd_seen_by_wr[i].val() >> self.gray_shift[i].val());
        }
        self.wr_level.next = self.wr_binary.q.val() - self.rd_seen_by_wr[4].val();

        // Read domain.
        self.rd_binary.clock.next = self.rd_clock.val();
        self.rd_gray.clock.next = self.rd_clock.val();
        self.wr_gray_in_rd.clock.next = self.rd_clock.val();
        self.rd_binary.reset.next = self.rd_reset.val();
        self.rd_gray.reset.next = self.rd_reset.val();
        self.wr_gray_in_rd.reset.next = self.rd_reset.val();
        self.wr_gray_in_rd.d.next = self.wr_gray.q.val();
        self.is_empty.next = self.rd_gray.q.val() == self.wr_gray_in_rd.q.val();
        self.rd_next.next = self.rd_binary.q.val();
        if self.pop.val() & !self.is_empty.val() {
            self.rd_next.next = self.rd_binary.q.val() + self.one.val();
        }
        self.rd_binary.d.next = self.rd_next.val();
        self.rd_gray.d.next = self.rd_next.val() ^ (self.rd_next.val() >> self.one.val());
        self.storage.read_address.next = self.rd_binary.q.val().get_bits::<A>(0);
        self.data_out.next = self.storage.read_data.val();
        self.empty.next = self.is_empty.val();
        self.wr_seen_by_rd[0].next = self.wr_gray_in_rd.q.val();
        for i in 0..4 {
            self.wr_seen_by_rd[i + 1].next = self.wr_seen_by_rd[i].val()
                ^ (self.wr_seen_by_rd[i].val() >> self.gray_shift[i].val());
        }
        self.rd_level.next = self.wr_seen_by_rd[4].val() - self.rd_binary.q.val();
    }
}
