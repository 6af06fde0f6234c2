//! Start of data, both directions, on the logical 128-bit word (after the
//! lane map on receive, before it on transmit), the same for both packages.
//!
//! Transmit: on entering ACTIVE the first four clocks carry `SDS[0..4]` in
//! every byte; `sending` rises after them and stays high while ACTIVE.
//! Receive: from LINKINIT on (`hunt`), the receiver looks for any SDS clock
//! on at least `SDS_MATCH` of bytes 0..7, so bit errors cannot make it miss
//! the first flit or find it a clock off; `data` rises on the first flit
//! clock. `timeout`: `SDS_TIMEOUT` clocks in ACTIVE without finding it.

use super::protocol::*;
use crate::primitives::Reg;
use rust_hdl::prelude::*;

#[derive(LogicBlock)]
pub struct StartOfData {
    pub clock: Signal<In, Clock>,
    pub reset: Signal<In, Bit>,
    /// This die is ACTIVE.
    pub active: Signal<In, Bit>,
    /// Transmit: the scrambled word, and what goes on the lanes.
    pub word_in: Signal<In, Bits<WORD_BITS>>,
    pub word_out: Signal<Out, Bits<WORD_BITS>>,
    pub sending: Signal<Out, Bit>,
    /// Receive: hunt for the partner's SDS (LINKINIT or ACTIVE).
    pub hunt: Signal<In, Bit>,
    /// Bytes 0..7 of the received logical word.
    pub rx_word: Signal<In, Bits<64>>,
    pub data: Signal<Out, Bit>,
    pub timeout: Signal<Out, Bit>,
    tx_sds: Reg<Bits<3>>,
    rx_phase: Reg<Bits<2>>,
    rx_count: Reg<Bits<2>>,
    sds_timer: Reg<Bits<8>>,
    sds_hits: [Signal<Local, Bits<4>>; 4],
    sds_found: [Signal<Local, Bit>; 4],
    sds_byte: [Constant<Bits<8>>; 4],
    sds_word: [Constant<Bits<3>>; 4],
    sds_words: [Constant<Bits<WORD_BITS>>; 4],
    sds_match: Constant<Bits<4>>,
    sds_done: Constant<Bits<3>>,
    sds_timeout: Constant<Bits<8>>,
    zero4: Constant<Bits<4>>,
    one4: Constant<Bits<4>>,
    zero3: Constant<Bits<3>>,
    one3: Constant<Bits<3>>,
    zero2: Constant<Bits<2>>,
    one2: Constant<Bits<2>>,
    three2: Constant<Bits<2>>,
    data_phase: Constant<Bits<2>>,
    zero8: Constant<Bits<8>>,
    one8: Constant<Bits<8>>,
}

fn k<const N: usize>(v: u64) -> Constant<Bits<N>> {
    Constant::new(v.into())
}

/// `byte` in every byte of a word.
pub fn every_byte(byte: u8) -> Bits<WORD_BITS> {
    (0..WORD_BITS / 8).fold(Bits::default(), |w, l| {
        w | (Bits::<WORD_BITS>::from(u64::from(byte)) << (8 * l as u64))
    })
}

impl Default for StartOfData {
    fn default() -> Self {
        const { assert!(SDS_MATCH <= 8 && SDS_TIMEOUT < 256) };
        Self {
            clock: Default::default(),
            reset: Default::default(),
            active: Default::default(),
            word_in: Default::default(),
            word_out: Default::default(),
            sending: Default::default(),
            hunt: Default::default(),
            rx_word: Default::default(),
            data: Default::default(),
            timeout: Default::default(),
            tx_sds: Reg::default(),
            rx_phase: Reg::default(),
            rx_count: Reg::default(),
            sds_timer: Reg::default(),
            sds_hits: Default::default(),
            sds_found: Default::default(),
            sds_byte: std::array::from_fn(|i| k(SDS[i].into())),
            sds_word: std::array::from_fn(|i| k(i as u64)),
            sds_words: std::array::from_fn(|i| Constant::new(every_byte(SDS[i]))),
            sds_match: k(SDS_MATCH as u64),
            sds_done: k(SDS.len() as u64),
            sds_timeout: k(SDS_TIMEOUT as u64),
            zero4: k(0),
            one4: k(1),
            zero3: k(0),
            one3: k(1),
            zero2: k(0),
            one2: k(1),
            three2: k(3),
            data_phase: k(2),
            zero8: k(0),
            one8: k(1),
        }
    }
}

impl Logic for StartOfData {
    #[hdl_gen]
    fn update(&mut self) {
        self.tx_sds.clock.next = self.clock.val();
        self.tx_sds.reset.next = self.reset.val();
        self.rx_phase.clock.next = self.clock.val();
        self.rx_phase.reset.next = self.reset.val();
        self.rx_count.clock.next = self.clock.val();
        self.rx_count.reset.next = self.reset.val();
        self.sds_timer.clock.next = self.clock.val();
        self.sds_timer.reset.next = self.reset.val();

        // ---- Transmit.
        self.sending.next = self.active.val() & (self.tx_sds.q.val() == self.sds_done.val());
        self.word_out.next = self.word_in.val();
        for i in 0..4 {
            if self.tx_sds.q.val() == self.sds_word[i].val() {
                self.word_out.next = self.sds_words[i].val();
            }
        }
        self.tx_sds.d.next = self.zero3.val();
        if self.active.val() {
            self.tx_sds.d.next = self.tx_sds.q.val();
            if self.tx_sds.q.val() != self.sds_done.val() {
                self.tx_sds.d.next = self.tx_sds.q.val() + self.one3.val();
            }
        }

        // ---- Receive: any SDS clock on enough of bytes 0..7.
        for i in 0..4 {
            self.sds_hits[i].next = self.zero4.val();
            for l in 0..8 {
                if self.rx_word.val().get_bits::<8>(8 * l) == self.sds_byte[i].val() {
                    self.sds_hits[i].next = self.sds_hits[i].val() + self.one4.val();
                }
            }
            self.sds_found[i].next = self.sds_hits[i].val() >= self.sds_match.val();
        }
        self.data.next = self.rx_phase.q.val() == self.data_phase.val();
        self.timeout.next = self.sds_timer.q.val() == self.sds_timeout.val();
        self.rx_phase.d.next = self.rx_phase.q.val();
        self.rx_count.d.next = self.rx_count.q.val();
        self.sds_timer.d.next = self.zero8.val();
        if !self.hunt.val() {
            self.rx_phase.d.next = self.zero2.val();
        } else if self.rx_phase.q.val() == self.zero2.val() {
            if self.active.val() {
                self.sds_timer.d.next = self.sds_timer.q.val() + self.one8.val();
            }
            if self.sds_found[3].val() {
                self.rx_phase.d.next = self.data_phase.val();
            } else if self.sds_found[2].val() {
                self.rx_phase.d.next = self.one2.val();
                self.rx_count.d.next = self.one2.val();
            } else if self.sds_found[1].val() {
                self.rx_phase.d.next = self.one2.val();
                self.rx_count.d.next = self.one2.val() + self.one2.val();
            } else if self.sds_found[0].val() {
                self.rx_phase.d.next = self.one2.val();
                self.rx_count.d.next = self.three2.val();
            }
        } else if self.rx_phase.q.val() == self.one2.val() {
            self.rx_count.d.next = self.rx_count.q.val() - self.one2.val();
            if self.rx_count.q.val() == self.one2.val() {
                self.rx_phase.d.next = self.data_phase.val();
            }
        }
    }
}
