//! Transmit side of the transaction layer: response slots into flit
//! payloads for the link (`tx_valid` / `tx_word` / `tx_ready`, 16 words a
//! flit).
//!
//! A flit starts when a response waits or the credits to return have
//! changed. Each of its five slots takes, at the clock its first word goes
//! out, a register response if one waits, else a memory response, else
//! stays empty (so a response that arrives while a flit is under way rides
//! in it, and a lone response does not wait for company). Word 15 carries
//! the credits. A source is popped when its slot's first word is taken.

use super::transaction::{field, SLOTS, SLOT_WORDS, TRAILER_WORD};
use super::unpack::{SLOT_BITS, WORD_BITS};
use crate::primitives::{Gf2Matrix, Reg, XorNet};
use rust_hdl::prelude::*;

#[derive(LogicBlock)]
pub struct TxnPack {
    pub clock: Signal<In, Clock>,
    pub reset: Signal<In, Bit>,
    /// A memory response slot waits (header in bits 0..128).
    pub mem_valid: Signal<In, Bit>,
    pub mem_slot: Signal<In, Bits<SLOT_BITS>>,
    pub mem_pop: Signal<Out, Bit>,
    /// A register response waits: a header word only.
    pub csr_valid: Signal<In, Bit>,
    pub csr_header: Signal<In, Bits<WORD_BITS>>,
    pub csr_pop: Signal<Out, Bit>,
    /// Request-buffer entries freed so far (mod 2^16), to advertise.
    pub credits: Signal<In, Bits<16>>,
    pub tx_ready: Signal<In, Bit>,
    pub tx_valid: Signal<Out, Bit>,
    pub tx_word: Signal<Out, Bits<WORD_BITS>>,
    active: Reg<Bit>,
    index: Reg<Bits<4>>,
    /// The current slot's data words (bits 128..384 of its image).
    rest: Reg<Bits<SLOT_BITS>>,
    advertised: Reg<Bits<16>>,
    trailer: XorNet<16, WORD_BITS>,
    slot_start: Signal<Local, Bit>,
    take_csr: Signal<Local, Bit>,
    take_mem: Signal<Local, Bit>,
    send: Signal<Local, Bit>,
    first_word: [Constant<Bits<4>>; SLOTS],
    second_word: [Constant<Bits<4>>; SLOTS],
    trailer_word: Constant<Bits<4>>,
    one4: Constant<Bits<4>>,
    zero4: Constant<Bits<4>>,
    zero_slot: Constant<Bits<SLOT_BITS>>,
    zero_word: Constant<Bits<WORD_BITS>>,
}

impl Default for TxnPack {
    fn default() -> Self {
        assert_eq!(field::CREDITS, (0, 16));
        let at = |s: usize, w: usize| Constant::new(((s * SLOT_WORDS + w) as u64).into());
        Self {
            clock: Default::default(),
            reset: Default::default(),
            mem_valid: Default::default(),
            mem_slot: Default::default(),
            mem_pop: Default::default(),
            csr_valid: Default::default(),
            csr_header: Default::default(),
            csr_pop: Default::default(),
            credits: Default::default(),
            tx_ready: Default::default(),
            tx_valid: Default::default(),
            tx_word: Default::default(),
            active: Default::default(),
            index: Default::default(),
            rest: Default::default(),
            advertised: Default::default(),
            trailer: XorNet::new(Gf2Matrix::placement(16, WORD_BITS, &[(0, 0, 16)])),
            slot_start: Default::default(),
            take_csr: Default::default(),
            take_mem: Default::default(),
            send: Default::default(),
            first_word: std::array::from_fn(|s| at(s, 0)),
            second_word: std::array::from_fn(|s| at(s, 1)),
            trailer_word: Constant::new((TRAILER_WORD as u64).into()),
            one4: Constant::new(1u64.into()),
            zero4: Constant::new(0u64.into()),
            zero_slot: Constant::new(0u64.into()),
            zero_word: Constant::new(0u64.into()),
        }
    }
}

impl Logic for TxnPack {
    #[hdl_gen]
    fn update(&mut self) {
        self.active.clock.next = self.clock.val();
        self.index.clock.next = self.clock.val();
        self.rest.clock.next = self.clock.val();
        self.advertised.clock.next = self.clock.val();
        self.active.reset.next = self.reset.val();
        self.index.reset.next = self.reset.val();
        self.rest.reset.next = self.reset.val();
        self.advertised.reset.next = self.reset.val();

        self.trailer.a.next = self.credits.val();
        self.slot_start.next = false;
        for s in 0..SLOTS {
            if self.index.q.val() == self.first_word[s].val() {
                self.slot_start.next = true;
            }
        }
        self.send.next = self.active.q.val() & self.tx_ready.val();
        self.take_csr.next = self.send.val() & self.slot_start.val() & self.csr_valid.val();
        self.take_mem.next =
            self.send.val() & self.slot_start.val() & !self.csr_valid.val() & self.mem_valid.val();

        // The word on offer: a slot's first word straight from its source,
        // the others from `rest`, the trailer last.
        self.tx_word.next = self.rest.q.val().get_bits::<128>(256);
        if self.slot_start.val() {
            self.tx_word.next = self.zero_word.val();
            if self.csr_valid.val() {
                self.tx_word.next = self.csr_header.val();
            } else if self.mem_valid.val() {
                self.tx_word.next = self.mem_slot.val().get_bits::<128>(0);
            }
        }
        for s in 0..SLOTS {
            if self.index.q.val() == self.second_word[s].val() {
                self.tx_word.next = self.rest.q.val().get_bits::<128>(128);
            }
        }
        if self.index.q.val() == self.trailer_word.val() {
            self.tx_word.next = self.trailer.y.val();
        }
        self.tx_valid.next = self.active.q.val();

        self.active.d.next = self.active.q.val();
        self.index.d.next = self.index.q.val();
        self.rest.d.next = self.rest.q.val();
        self.advertised.d.next = self.advertised.q.val();
        if !self.active.q.val()
            & (self.csr_valid.val()
                | self.mem_valid.val()
                | (self.credits.val() != self.advertised.q.val()))
        {
            self.active.d.next = true;
            self.index.d.next = self.zero4.val();
        }
        if self.send.val() {
            self.index.d.next = self.index.q.val() + self.one4.val();
            if self.slot_start.val() {
                self.rest.d.next = self.zero_slot.val();
                if self.take_mem.val() {
                    self.rest.d.next = self.mem_slot.val();
                }
            }
            if self.index.q.val() == self.trailer_word.val() {
                self.active.d.next = false;
                self.advertised.d.next = self.credits.val();
            }
        }
        self.mem_pop.next = self.take_mem.val();
        self.csr_pop.next = self.take_csr.val();
    }
}
