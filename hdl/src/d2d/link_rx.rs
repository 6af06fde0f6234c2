//! Receive side of the link layer: CRC check, in-order delivery, duplicate
//! drop, and the acknowledge / NAK state the transmitter of this die
//! carries back.
//!
//! Words of a flit pass a 15-word delay line while the CRC runs; when the
//! last word arrives the verdict is known, and a good data flit carrying
//! the expected sequence number is loaded whole into the output register
//! and shifted out to the user as 16 payload words (`rx_first` marks word
//! 0; word 15 holds payload bytes 240..247 in its low half). Nothing is
//! delivered before its CRC has passed, so a corrupted payload is never
//! handed on.
//!
//! Sequence numbers (8 bits) are compared to the one expected: equal ->
//! deliver; ahead -> a flit was lost, ask for a replay (NAK); behind -> a
//! replayed duplicate, drop. After sending a NAK the receiver waits for the
//! replay (up to `ACK_TIMEOUT`) before asking again, as go-back-N does.

use super::flit::{FLAG_NAK, KIND_DATA};
use super::flit_crc::crc_for;
use super::protocol::*;
use crate::primitives::{Gf2Matrix, Reg, XorNet};
use rust_hdl::prelude::*;

/// Words held while the CRC runs (words 0..14 of the flit).
const HELD: usize = FLIT_WORDS - 1;

#[derive(LogicBlock)]
pub struct LinkRx {
    pub clock: Signal<In, Clock>,
    pub reset: Signal<In, Bit>,
    /// Not receiving flits (training): the next word is a flit's word 0.
    pub restart: Signal<In, Bit>,
    pub word: Signal<In, Bits<WORD_BITS>>,
    pub word_valid: Signal<In, Bit>,
    // User side.
    pub rx_valid: Signal<Out, Bit>,
    pub rx_first: Signal<Out, Bit>,
    pub rx_word: Signal<Out, Bits<WORD_BITS>>,
    // To this die's transmitter.
    pub ack_valid: Signal<Out, Bit>,
    pub ack_seq: Signal<Out, Bits<8>>,
    pub nak_in: Signal<Out, Bit>,
    pub my_ack: Signal<Out, Bits<8>>,
    pub my_nak: Signal<Out, Bit>,
    pub nak_sent: Signal<In, Bit>,
    // Health.
    pub crc_errors: Signal<Out, Bits<32>>,
    /// `RETRAIN_AFTER` flits in a row failed their CRC.
    pub retrain: Signal<Out, Bit>,
    /// A whole flit was received this clock, and whether its CRC passed.
    pub verdict_out: Signal<Out, Bit>,
    pub crc_ok: Signal<Out, Bit>,
    crc: super::flit_crc::FlitCrc,
    held: [Reg<Bits<WORD_BITS>>; HELD],
    out: [Reg<Bits<WORD_BITS>>; FLIT_WORDS],
    out_left: Reg<Bits<5>>,
    widx: Reg<Bits<4>>,
    header: Reg<Bits<32>>,
    expected: Reg<Bits<8>>,
    nak_due: Reg<Bit>,
    awaiting: Reg<Bit>,
    await_timer: Reg<Bits<11>>,
    bad_run: Reg<Bits<5>>,
    errors: Reg<Bits<32>>,
    /// Payload word `j` = flit bytes 4+16j .. 20+16j: bytes 4..15 of flit
    /// word j and bytes 0..3 of word j+1.
    upper: [XorNet<WORD_BITS, WORD_BITS>; FLIT_WORDS],
    lower: [XorNet<WORD_BITS, WORD_BITS>; HELD],
    /// Bits of the last word the CRC check compares (all; a mutant drops one).
    check_mask: Constant<Bits<WORD_BITS>>,
    verdict: Signal<Local, Bit>,
    good: Signal<Local, Bit>,
    diff: Signal<Local, Bits<8>>,
    deliver: Signal<Local, Bit>,
    one4: Constant<Bits<4>>,
    zero4: Constant<Bits<4>>,
    last_word: Constant<Bits<4>>,
    one5: Constant<Bits<5>>,
    zero5: Constant<Bits<5>>,
    words5: Constant<Bits<5>>,
    retrain_after: Constant<Bits<5>>,
    one8: Constant<Bits<8>>,
    zero8: Constant<Bits<8>>,
    half8: Constant<Bits<8>>,
    kind_data: Constant<Bits<8>>,
    flag_nak: Constant<Bits<8>>,
    one11: Constant<Bits<11>>,
    zero11: Constant<Bits<11>>,
    timeout: Constant<Bits<11>>,
    one32: Constant<Bits<32>>,
}

fn k<const N: usize>(v: u64) -> Constant<Bits<N>> {
    Constant::new(v.into())
}

impl Default for LinkRx {
    fn default() -> Self {
        Self::new(Mutation::None)
    }
}

impl LinkRx {
    pub fn new(mutation: Mutation) -> Self {
        const { assert!(FLIT_WORDS == 16 && RETRAIN_AFTER < 32 && ACK_TIMEOUT < 2048) };
        let w = WORD_BITS;
        Self {
            clock: Default::default(),
            reset: Default::default(),
            restart: Default::default(),
            word: Default::default(),
            word_valid: Default::default(),
            rx_valid: Default::default(),
            rx_first: Default::default(),
            rx_word: Default::default(),
            ack_valid: Default::default(),
            ack_seq: Default::default(),
            nak_in: Default::default(),
            my_ack: Default::default(),
            my_nak: Default::default(),
            nak_sent: Default::default(),
            crc_errors: Default::default(),
            retrain: Default::default(),
            verdict_out: Default::default(),
            crc_ok: Default::default(),
            crc: crc_for(mutation),
            check_mask: Constant::new(match mutation {
                Mutation::CrcCheckIgnoresBit => {
                    Bits::<WORD_BITS>::mask() ^ (Bits::<WORD_BITS>::from(1u64) << 127u64)
                }
                _ => Bits::<WORD_BITS>::mask(),
            }),
            held: std::array::from_fn(|_| Reg::default()),
            out: std::array::from_fn(|_| Reg::default()),
            out_left: Reg::default(),
            widx: Reg::default(),
            header: Reg::default(),
            expected: Reg::default(),
            nak_due: Reg::default(),
            awaiting: Reg::default(),
            await_timer: Reg::default(),
            bad_run: Reg::default(),
            errors: Reg::default(),
            // The last payload word has 8 bytes (flit bytes 244..251).
            upper: std::array::from_fn(|j| {
                let bytes = if j == FLIT_WORDS - 1 { 64 } else { 96 };
                XorNet::new(Gf2Matrix::placement(w, w, &[(32, 0, bytes)]))
            }),
            lower: std::array::from_fn(|_| XorNet::new(Gf2Matrix::placement(w, w, &[(0, 96, 32)]))),
            verdict: Default::default(),
            good: Default::default(),
            diff: Default::default(),
            deliver: Default::default(),
            one4: k(1),
            zero4: k(0),
            last_word: k(FLIT_WORDS as u64 - 1),
            one5: k(1),
            zero5: k(0),
            words5: k(FLIT_WORDS as u64),
            retrain_after: k(RETRAIN_AFTER as u64),
            one8: k(1),
            zero8: k(0),
            half8: k(128),
            kind_data: k(KIND_DATA.into()),
            flag_nak: k(FLAG_NAK.into()),
            one11: k(1),
            zero11: k(0),
            timeout: k(ACK_TIMEOUT as u64),
            one32: k(1),
        }
    }
}

impl Logic for LinkRx {
    #[hdl_gen]
    fn update(&mut self) {
        self.crc.clock.next = self.clock.val();
        self.crc.reset.next = self.reset.val();
        for i in 0..HELD {
            self.held[i].clock.next = self.clock.val();
            self.held[i].reset.next = self.reset.val();
        }
        for j in 0..FLIT_WORDS {
            self.out[j].clock.next = self.clock.val();
            self.out[j].reset.next = self.reset.val();
        }
        self.out_left.clock.next = self.clock.val();
        self.out_left.reset.next = self.reset.val();
        self.widx.clock.next = self.clock.val();
        self.widx.reset.next = self.reset.val();
        self.header.clock.next = self.clock.val();
        self.header.reset.next = self.reset.val();
        self.expected.clock.next = self.clock.val();
        self.expected.reset.next = self.reset.val();
        self.nak_due.clock.next = self.clock.val();
        self.nak_due.reset.next = self.reset.val();
        self.awaiting.clock.next = self.clock.val();
        self.awaiting.reset.next = self.reset.val();
        self.await_timer.clock.next = self.clock.val();
        self.await_timer.reset.next = self.reset.val();
        self.bad_run.clock.next = self.clock.val();
        self.bad_run.reset.next = self.reset.val();
        self.errors.clock.next = self.clock.val();
        self.errors.reset.next = self.reset.val();

        // CRC over the words; `held[0]` is the newest, `held[14]` word 0.
        self.crc.word.next = self.word.val();
        self.crc.valid.next = self.word_valid.val();
        self.crc.first.next = self.widx.q.val() == self.zero4.val();
        for i in 0..HELD {
            self.held[i].d.next = self.held[i].q.val();
        }
        self.widx.d.next = self.widx.q.val();
        self.header.d.next = self.header.q.val();
        if self.word_valid.val() {
            self.held[0].d.next = self.word.val();
            for i in 1..HELD {
                self.held[i].d.next = self.held[i - 1].q.val();
            }
            self.widx.d.next = self.widx.q.val() + self.one4.val();
            if self.widx.q.val() == self.zero4.val() {
                self.header.d.next = self.word.val().get_bits::<32>(0);
            }
        }
        if self.restart.val() {
            self.widx.d.next = self.zero4.val();
        }

        // The verdict on the last word.
        self.verdict.next = self.word_valid.val() & (self.widx.q.val() == self.last_word.val());
        self.good.next = (self.crc.sealed.val() & self.check_mask.val())
            == (self.word.val() & self.check_mask.val());
        self.diff.next = self.header.q.val().get_bits::<8>(8) - self.expected.q.val();
        self.deliver.next = self.verdict.val()
            & self.good.val()
            & (self.header.q.val().get_bits::<8>(0) == self.kind_data.val())
            & (self.diff.val() == self.zero8.val());
        self.ack_valid.next = self.verdict.val() & self.good.val();
        self.verdict_out.next = self.verdict.val();
        self.crc_ok.next = self.good.val();
        self.ack_seq.next = self.header.q.val().get_bits::<8>(16);
        self.nak_in.next =
            (self.header.q.val().get_bits::<8>(24) & self.flag_nak.val()) != self.zero8.val();

        self.expected.d.next = self.expected.q.val();
        self.nak_due.d.next = self.nak_due.q.val();
        self.awaiting.d.next = self.awaiting.q.val();
        self.bad_run.d.next = self.bad_run.q.val();
        self.errors.d.next = self.errors.q.val();
        self.await_timer.d.next = self.await_timer.q.val();
        if self.awaiting.q.val() {
            self.await_timer.d.next = self.await_timer.q.val() + self.one11.val();
            if self.await_timer.q.val() == self.timeout.val() {
                self.awaiting.d.next = false;
            }
        }
        if self.verdict.val() {
            if self.good.val() {
                self.bad_run.d.next = self.zero5.val();
                if self.deliver.val() {
                    self.expected.d.next = self.expected.q.val() + self.one8.val();
                    self.awaiting.d.next = false;
                    self.nak_due.d.next = false;
                } else if (self.header.q.val().get_bits::<8>(0) == self.kind_data.val())
                    & (self.diff.val() < self.half8.val())
                    & !self.awaiting.q.val()
                {
                    // Ahead of the expected flit: one was lost.
                    self.nak_due.d.next = true;
                }
            } else {
                self.errors.d.next = self.errors.q.val() + self.one32.val();
                if self.bad_run.q.val() != self.retrain_after.val() {
                    self.bad_run.d.next = self.bad_run.q.val() + self.one5.val();
                }
                if !self.awaiting.q.val() {
                    self.nak_due.d.next = true;
                }
            }
        }
        if self.nak_sent.val() {
            self.nak_due.d.next = false;
            self.awaiting.d.next = true;
            self.await_timer.d.next = self.zero11.val();
        }
        if self.restart.val() {
            self.bad_run.d.next = self.zero5.val();
        }
        self.my_ack.next = self.expected.q.val() - self.one8.val();
        self.my_nak.next = self.nak_due.q.val();
        self.crc_errors.next = self.errors.q.val();
        self.retrain.next = self.bad_run.q.val() == self.retrain_after.val();

        // Delivery: load the whole payload at the verdict, then shift it out.
        for j in 0..HELD {
            self.upper[j].a.next = self.held[14 - j].q.val();
        }
        self.upper[15].a.next = self.word.val();
        for j in 0..14 {
            self.lower[j].a.next = self.held[13 - j].q.val();
        }
        self.lower[14].a.next = self.word.val();
        for j in 0..FLIT_WORDS {
            self.out[j].d.next = self.out[j].q.val();
        }
        self.out_left.d.next = self.out_left.q.val();
        if self.out_left.q.val() != self.zero5.val() {
            for j in 0..HELD {
                self.out[j].d.next = self.out[j + 1].q.val();
            }
            self.out_left.d.next = self.out_left.q.val() - self.one5.val();
        }
        if self.deliver.val() {
            for j in 0..HELD {
                self.out[j].d.next = self.upper[j].y.val() | self.lower[j].y.val();
            }
            self.out[15].d.next = self.upper[15].y.val();
            self.out_left.d.next = self.words5.val();
        }
        self.rx_valid.next = self.out_left.q.val() != self.zero5.val();
        self.rx_first.next = self.out_left.q.val() == self.words5.val();
        self.rx_word.next = self.out[0].q.val();
    }
}
