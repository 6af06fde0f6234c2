//! Receive side of the transaction layer: the link's delivered payload
//! words (16 per flit, `rx_first` on the first) cut into slots.
//!
//! The link's outputs are registered on the way in; each word then goes to
//! the register of its place in the slot (so each register's enable is a
//! decoded, bufferable net rather than one flop driving all 384 bits), and
//! the clock after a slot's third word is stored the whole slot (header in
//! the low word) is presented for one clock with what kind of request it
//! holds. Latency: two clocks from `rx_valid` to `mem_valid` / `csr_valid`. Empty slots
//! are skipped; a slot with an opcode that is not a request is dropped and
//! counted. The link delivers every payload once and in order, and cannot
//! wait, so neither can this block: whoever takes `slot` must always be
//! able to (the credits guarantee it).

use super::transaction::{field, op, SLOTS, SLOT_WORDS};
use crate::primitives::{Gf2Matrix, Reg, XorNet2};
use rust_hdl::prelude::*;

pub const WORD_BITS: usize = 128;
pub const SLOT_BITS: usize = WORD_BITS * SLOT_WORDS;

#[derive(LogicBlock)]
pub struct TxnUnpack {
    pub clock: Signal<In, Clock>,
    pub reset: Signal<In, Bit>,
    pub rx_valid: Signal<In, Bit>,
    pub rx_first: Signal<In, Bit>,
    pub rx_word: Signal<In, Bits<WORD_BITS>>,
    /// A memory request (read or write) is in `slot` this clock.
    pub mem_valid: Signal<Out, Bit>,
    /// A register request is in `slot` this clock.
    pub csr_valid: Signal<Out, Bit>,
    /// Header word in bits 0..128, then the two data words.
    pub slot: Signal<Out, Bits<SLOT_BITS>>,
    /// Slots dropped for an opcode that is not a request.
    pub bad_slots: Signal<Out, Bits<16>>,
    in_valid: Reg<Bit>,
    in_first: Reg<Bit>,
    in_word: Reg<Bits<WORD_BITS>>,
    /// The slot's words by place: header, data low, data high.
    place: [Reg<Bits<WORD_BITS>>; SLOT_WORDS],
    index: Reg<Bits<4>>,
    slot_done: Reg<Bit>,
    bad: Reg<Bits<16>>,
    join_low: XorNet2<WORD_BITS, WORD_BITS, { 2 * WORD_BITS }>,
    join_all: XorNet2<{ 2 * WORD_BITS }, WORD_BITS, SLOT_BITS>,
    at: Signal<Local, Bits<4>>,
    at_place: [Signal<Local, Bit>; SLOT_WORDS],
    opcode: Signal<Local, Bits<8>>,
    is_mem: Signal<Local, Bit>,
    is_csr: Signal<Local, Bit>,
    /// Word index of each slot's header, low and high data word.
    header_words: [Constant<Bits<4>>; SLOTS],
    low_words: [Constant<Bits<4>>; SLOTS],
    high_words: [Constant<Bits<4>>; SLOTS],
    op_none: Constant<Bits<8>>,
    op_mem_read: Constant<Bits<8>>,
    op_mem_write: Constant<Bits<8>>,
    op_csr_read: Constant<Bits<8>>,
    op_csr_write: Constant<Bits<8>>,
    one4: Constant<Bits<4>>,
    one16: Constant<Bits<16>>,
    zero4: Constant<Bits<4>>,
}

/// The word index of place `w` of every slot.
fn words_at(w: usize) -> [Constant<Bits<4>>; SLOTS] {
    std::array::from_fn(|s| Constant::new(((s * SLOT_WORDS + w) as u64).into()))
}

/// `{b, a}` as one vector, `a` in the low bits.
fn join(a: usize, b: usize) -> Gf2Matrix {
    Gf2Matrix::placement(a + b, a + b, &[(0, 0, a + b)])
}

impl Default for TxnUnpack {
    fn default() -> Self {
        // The kernel reads the opcode as bits 0..8 of the header word.
        assert_eq!(field::OPCODE, (0, 8));
        let k8 = |v: u8| Constant::new(u64::from(v).into());
        Self {
            clock: Default::default(),
            reset: Default::default(),
            rx_valid: Default::default(),
            rx_first: Default::default(),
            rx_word: Default::default(),
            mem_valid: Default::default(),
            csr_valid: Default::default(),
            slot: Default::default(),
            bad_slots: Default::default(),
            in_valid: Default::default(),
            in_first: Default::default(),
            in_word: Default::default(),
            place: Default::default(),
            index: Default::default(),
            slot_done: Default::default(),
            bad: Default::default(),
            join_low: XorNet2::new(join(WORD_BITS, WORD_BITS)),
            join_all: XorNet2::new(join(2 * WORD_BITS, WORD_BITS)),
            at: Default::default(),
            at_place: Default::default(),
            opcode: Default::default(),
            is_mem: Default::default(),
            is_csr: Default::default(),
            header_words: words_at(0),
            low_words: words_at(1),
            high_words: words_at(2),
            op_none: k8(op::NONE),
            op_mem_read: k8(op::MEM_READ),
            op_mem_write: k8(op::MEM_WRITE),
            op_csr_read: k8(op::CSR_READ),
            op_csr_write: k8(op::CSR_WRITE),
            one4: Constant::new(1u64.into()),
            one16: Constant::new(1u64.into()),
            zero4: Constant::new(0u64.into()),
        }
    }
}

impl Logic for TxnUnpack {
    #[hdl_gen]
    fn update(&mut self) {
        self.in_valid.clock.next = self.clock.val();
        self.in_first.clock.next = self.clock.val();
        self.in_word.clock.next = self.clock.val();
        self.index.clock.next = self.clock.val();
        self.slot_done.clock.next = self.clock.val();
        self.bad.clock.next = self.clock.val();
        self.in_valid.reset.next = self.reset.val();
        self.in_first.reset.next = self.reset.val();
        self.in_word.reset.next = self.reset.val();
        self.index.reset.next = self.reset.val();
        self.slot_done.reset.next = self.reset.val();
        self.bad.reset.next = self.reset.val();
        self.in_valid.d.next = self.rx_valid.val();
        self.in_first.d.next = self.rx_first.val();
        self.in_word.d.next = self.rx_word.val();

        // Where the registered word goes.
        self.at.next = self.index.q.val();
        if self.in_first.q.val() {
            self.at.next = self.zero4.val();
        }
        self.at_place[0].next = false;
        self.at_place[1].next = false;
        self.at_place[2].next = false;
        for s in 0..SLOTS {
            if self.at.val() == self.header_words[s].val() {
                self.at_place[0].next = true;
            }
            if self.at.val() == self.low_words[s].val() {
                self.at_place[1].next = true;
            }
            if self.at.val() == self.high_words[s].val() {
                self.at_place[2].next = true;
            }
        }
        self.index.d.next = self.index.q.val();
        if self.in_valid.q.val() {
            self.index.d.next = self.at.val() + self.one4.val();
        }
        for w in 0..SLOT_WORDS {
            self.place[w].clock.next = self.clock.val();
            self.place[w].reset.next = self.reset.val();
            self.place[w].d.next = self.place[w].q.val();
            if self.in_valid.q.val() & self.at_place[w].val() {
                self.place[w].d.next = self.in_word.q.val();
            }
        }
        self.slot_done.d.next = self.in_valid.q.val() & self.at_place[2].val();

        // The stored slot, and what it holds.
        self.join_low.a.next = self.place[0].q.val();
        self.join_low.b.next = self.place[1].q.val();
        self.join_all.a.next = self.join_low.y.val();
        self.join_all.b.next = self.place[2].q.val();
        self.opcode.next = self.place[0].q.val().get_bits::<8>(0);
        self.is_mem.next = (self.opcode.val() == self.op_mem_read.val())
            | (self.opcode.val() == self.op_mem_write.val());
        self.is_csr.next = (self.opcode.val() == self.op_csr_read.val())
            | (self.opcode.val() == self.op_csr_write.val());
        self.mem_valid.next = self.slot_done.q.val() & self.is_mem.val();
        self.csr_valid.next = self.slot_done.q.val() & self.is_csr.val();
        self.bad.d.next = self.bad.q.val();
        if self.slot_done.q.val()
            & !self.is_mem.val()
            & !self.is_csr.val()
            & (self.opcode.val() != self.op_none.val())
        {
            self.bad.d.next = self.bad.q.val() + self.one16.val();
        }
        self.slot.next = self.join_all.y.val();
        self.bad_slots.next = self.bad.q.val();
    }
}
