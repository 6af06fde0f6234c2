//! Transmit side of the link layer: the replay buffer and flit framing.
//!
//! The user writes a flit's 248-byte payload as 16 words of 16 bytes (the
//! last word's upper 8 bytes unused) into the replay buffer, one slot per
//! flit, while a slot is free (fewer than `REPLAY_SLOTS` flits
//! unacknowledged). The words are stored already shifted into flit
//! position (payload starts at flit byte 4, after the header).
//!
//! At each flit boundary the framer sends, go-back-N: from the oldest
//! unacknowledged flit again if a NAK came, the acknowledge timed out or the
//! link retrained; else the next stored flit; else an idle flit. Every flit
//! carries this die's acknowledge (last flit received in order) and, once,
//! a NAK when the receiver asks for one. Word 0 gets the header, word 15 the
//! CRC (`FlitCrc`). Sequence numbers are 8 bits; the window is 16.
//!
//! The replay buffer is an SRAM macro with a registered read, so it is read
//! one clock ahead: each clock it fetches the word that is current next
//! clock. Only a flit's first word cannot be fetched ahead (the framer picks
//! the flit in the clock it starts), so each slot's word 0 is also kept in
//! flops (16 words beside the macro's 256).

use super::flit::{FLAG_ACK, FLAG_NAK, KIND_DATA};
use super::flit_crc::{crc_for, FlitCrc};
use super::protocol::*;
use crate::primitives::{Gf2Matrix, Reg, RegFile, Sram, XorNet, XorNet2};
use rust_hdl::prelude::*;

#[derive(LogicBlock)]
pub struct LinkTx {
    pub clock: Signal<In, Clock>,
    pub reset: Signal<In, Bit>,
    // User side.
    pub tx_valid: Signal<In, Bit>,
    pub tx_word: Signal<In, Bits<WORD_BITS>>,
    pub tx_ready: Signal<Out, Bit>,
    // Lane side.
    /// Not sending flits (training): hold at a flit boundary and replay from
    /// the oldest unacknowledged flit when sending starts again.
    pub restart: Signal<In, Bit>,
    /// The current word goes out this clock.
    pub word_en: Signal<In, Bit>,
    pub word: Signal<Out, Bits<WORD_BITS>>,
    // From this die's receiver.
    /// A good flit arrived: its acknowledge and NAK apply.
    pub ack_valid: Signal<In, Bit>,
    pub ack_seq: Signal<In, Bits<8>>,
    pub nak_in: Signal<In, Bit>,
    /// What this die acknowledges, and whether it asks for a replay.
    pub my_ack: Signal<In, Bits<8>>,
    pub my_nak: Signal<In, Bit>,
    /// A header with the NAK went out this clock.
    pub nak_sent: Signal<Out, Bit>,
    /// Flits sent again (NAK, timeout or retrain).
    pub replays: Signal<Out, Bits<32>>,
    /// Every stored word, at (slot, word).
    replay: Sram<Bits<WORD_BITS>, 8>,
    /// Word 0 of each slot.
    first_words: RegFile<Bits<WORD_BITS>, 4>,
    crc: FlitCrc,
    place_header: XorNet2<8, 8, WORD_BITS>,
    place_payload: XorNet<WORD_BITS, WORD_BITS>,
    place_carry: XorNet<WORD_BITS, WORD_BITS>,
    /// Write side: buffer address (slot, word) and the flits stored.
    wr_addr: Reg<Bits<8>>,
    filled: Reg<Bits<8>>,
    /// Upper 4 bytes of the previous payload word (they start the next flit
    /// word), placed at bits 0..31.
    carry: Reg<Bits<WORD_BITS>>,
    /// Oldest unacknowledged, next to send, one past the highest ever sent.
    base: Reg<Bits<8>>,
    send_ptr: Reg<Bits<8>>,
    high: Reg<Bits<8>>,
    replay_pending: Reg<Bit>,
    timer: Reg<Bits<11>>,
    widx: Reg<Bits<8>>,
    cur_data: Reg<Bit>,
    cur_seq: Reg<Bits<8>>,
    replay_count: Reg<Bits<32>>,
    slot_free: Signal<Local, Bit>,
    accept: Signal<Local, Bit>,
    start: Signal<Local, Bit>,
    ptr: Signal<Local, Bits<8>>,
    is_data: Signal<Local, Bit>,
    seq: Signal<Local, Bits<8>>,
    acked: Signal<Local, Bits<8>>,
    body: Signal<Local, Bits<WORD_BITS>>,
    /// Word index current on the next clock.
    next_widx: Signal<Local, Bits<8>>,
    header: Signal<Local, Bits<WORD_BITS>>,
    /// Added to the oldest unacknowledged flit when replaying (0; the
    /// teeth mutants use +-1).
    replay_from: Constant<Bits<8>>,
    one8: Constant<Bits<8>>,
    four8: Constant<Bits<8>>,
    last_word: Constant<Bits<8>>,
    word_mask: Constant<Bits<8>>,
    zero8: Constant<Bits<8>>,
    slots: Constant<Bits<8>>,
    one11: Constant<Bits<11>>,
    zero11: Constant<Bits<11>>,
    timeout: Constant<Bits<11>>,
    one32: Constant<Bits<32>>,
    zero_word: Constant<Bits<WORD_BITS>>,
    kind_data: Constant<Bits<WORD_BITS>>,
    flag_ack: Constant<Bits<WORD_BITS>>,
    flag_nak: Constant<Bits<WORD_BITS>>,
}

fn k<const N: usize>(v: u64) -> Constant<Bits<N>> {
    Constant::new(v.into())
}

impl Default for LinkTx {
    fn default() -> Self {
        Self::new(Mutation::None)
    }
}

impl LinkTx {
    pub fn new(mutation: Mutation) -> Self {
        const { assert!(REPLAY_SLOTS * FLIT_WORDS == 256 && ACK_TIMEOUT < 2048) };
        let w = WORD_BITS;
        Self {
            clock: Default::default(),
            reset: Default::default(),
            tx_valid: Default::default(),
            tx_word: Default::default(),
            tx_ready: Default::default(),
            restart: Default::default(),
            word_en: Default::default(),
            word: Default::default(),
            ack_valid: Default::default(),
            ack_seq: Default::default(),
            nak_in: Default::default(),
            my_ack: Default::default(),
            my_nak: Default::default(),
            nak_sent: Default::default(),
            replays: Default::default(),
            replay: Sram::default(),
            first_words: RegFile::default(),
            next_widx: Default::default(),
            crc: crc_for(mutation),
            // seq -> byte 1, ack -> byte 2.
            place_header: XorNet2::new(Gf2Matrix::placement(16, w, &[(0, 8, 8), (8, 16, 8)])),
            // payload bytes 0..11 -> flit word bytes 4..15.
            place_payload: XorNet::new(Gf2Matrix::placement(w, w, &[(0, 32, 96)])),
            // payload bytes 12..15 -> bytes 0..3 of the next flit word.
            place_carry: XorNet::new(Gf2Matrix::placement(w, w, &[(96, 0, 32)])),
            wr_addr: Reg::default(),
            filled: Reg::default(),
            carry: Reg::default(),
            base: Reg::default(),
            send_ptr: Reg::default(),
            high: Reg::default(),
            replay_pending: Reg::default(),
            timer: Reg::default(),
            widx: Reg::default(),
            cur_data: Reg::default(),
            cur_seq: Reg::default(),
            replay_count: Reg::default(),
            slot_free: Default::default(),
            accept: Default::default(),
            start: Default::default(),
            ptr: Default::default(),
            is_data: Default::default(),
            seq: Default::default(),
            acked: Default::default(),
            body: Default::default(),
            header: Default::default(),
            replay_from: k(match mutation {
                Mutation::ReplayFromNext => 1,
                Mutation::ReplayFromPrevious => 255,
                _ => 0,
            }),
            one8: k(1),
            four8: k(4),
            last_word: k(FLIT_WORDS as u64 - 1),
            word_mask: k(FLIT_WORDS as u64 - 1),
            zero8: k(0),
            slots: k(REPLAY_SLOTS as u64),
            one11: k(1),
            zero11: k(0),
            timeout: k(ACK_TIMEOUT as u64),
            one32: k(1),
            zero_word: k(0),
            kind_data: k(KIND_DATA.into()),
            flag_ack: k(u64::from(FLAG_ACK) << 24),
            flag_nak: k(u64::from(FLAG_NAK) << 24),
        }
    }
}

impl Logic for LinkTx {
    #[hdl_gen]
    fn update(&mut self) {
        self.replay.clock.next = self.clock.val();
        self.first_words.clock.next = self.clock.val();
        self.first_words.reset.next = self.reset.val();
        self.crc.clock.next = self.clock.val();
        self.crc.reset.next = self.reset.val();
        self.wr_addr.clock.next = self.clock.val();
        self.wr_addr.reset.next = self.reset.val();
        self.filled.clock.next = self.clock.val();
        self.filled.reset.next = self.reset.val();
        self.carry.clock.next = self.clock.val();
        self.carry.reset.next = self.reset.val();
        self.base.clock.next = self.clock.val();
        self.base.reset.next = self.reset.val();
        self.send_ptr.clock.next = self.clock.val();
        self.send_ptr.reset.next = self.reset.val();
        self.high.clock.next = self.clock.val();
        self.high.reset.next = self.reset.val();
        self.replay_pending.clock.next = self.clock.val();
        self.replay_pending.reset.next = self.reset.val();
        self.timer.clock.next = self.clock.val();
        self.timer.reset.next = self.reset.val();
        self.widx.clock.next = self.clock.val();
        self.widx.reset.next = self.reset.val();
        self.cur_data.clock.next = self.clock.val();
        self.cur_data.reset.next = self.reset.val();
        self.cur_seq.clock.next = self.clock.val();
        self.cur_seq.reset.next = self.reset.val();
        self.replay_count.clock.next = self.clock.val();
        self.replay_count.reset.next = self.reset.val();

        // Write side: a slot is free while fewer than REPLAY_SLOTS flits are
        // stored and unacknowledged.
        // ... and not while the flit it held is still going out (an
        // acknowledge can free a slot in the middle of its replay).
        self.slot_free.next = ((self.filled.q.val() - self.base.q.val()) < self.slots.val())
            & !(self.cur_data.q.val()
                & (self.widx.q.val() != self.zero8.val())
                & ((self.filled.q.val() - self.cur_seq.q.val()) == self.slots.val()));
        self.tx_ready.next = self.slot_free.val();
        self.accept.next = self.tx_valid.val() & self.slot_free.val();
        self.place_payload.a.next = self.tx_word.val();
        self.place_carry.a.next = self.tx_word.val();
        self.replay.write_enable.next = self.accept.val();
        self.replay.write_address.next = self.wr_addr.q.val();
        self.replay.write_data.next = self.place_payload.y.val() | self.carry.q.val();
        self.first_words.write_enable.next =
            self.accept.val() & ((self.wr_addr.q.val() & self.word_mask.val()) == self.zero8.val());
        self.first_words.write_address.next = self.wr_addr.q.val().get_bits::<4>(4);
        self.first_words.write_data.next = self.replay.write_data.val();
        self.wr_addr.d.next = self.wr_addr.q.val();
        self.filled.d.next = self.filled.q.val();
        self.carry.d.next = self.carry.q.val();
        if self.accept.val() {
            self.wr_addr.d.next = self.wr_addr.q.val() + self.one8.val();
            self.carry.d.next = self.place_carry.y.val();
            if (self.wr_addr.q.val() & self.word_mask.val()) == self.last_word.val() {
                self.filled.d.next = self.filled.q.val() + self.one8.val();
                // The next flit's word 0 starts with its header.
                self.carry.d.next = self.zero_word.val();
            }
        }

        // Framing: choose the flit at its first word.
        self.start.next = self.widx.q.val() == self.zero8.val();
        self.ptr.next = self.send_ptr.q.val();
        // Go back to the oldest unacknowledged flit on a replay, and when
        // acknowledges overtook the send pointer (flits acknowledged from
        // before a replay need not go again).
        if self.replay_pending.q.val()
            | ((self.send_ptr.q.val() - self.base.q.val())
                > (self.high.q.val() - self.base.q.val()))
        {
            self.ptr.next = self.base.q.val() + self.replay_from.val();
        }
        self.is_data.next = self.cur_data.q.val();
        self.seq.next = self.cur_seq.q.val();
        if self.start.val() {
            self.is_data.next = self.ptr.val() != self.filled.q.val();
            self.seq.next = self.ptr.val();
        }
        // Fetch ahead: the next word of this flit when this one goes out,
        // else this word again. (A wrap to word 0 starts a flit, which
        // reads `first_words`; a slot is never written while it is sent.)
        self.next_widx.next = self.widx.q.val();
        if self.word_en.val() {
            self.next_widx.next = (self.widx.q.val() + self.one8.val()) & self.word_mask.val();
        }
        self.replay.read_enable.next = true;
        self.replay.read_address.next = (self.seq.val() << self.four8.val()) | self.next_widx.val();
        self.first_words.read_address.next = self.seq.val().get_bits::<4>(0);
        self.place_header.a.next = self.seq.val();
        self.place_header.b.next = self.my_ack.val();
        self.header.next = self.place_header.y.val() | self.flag_ack.val();
        if self.is_data.val() {
            self.header.next = self.header.val() | self.kind_data.val();
        }
        if self.my_nak.val() {
            self.header.next = self.header.val() | self.flag_nak.val();
        }
        self.body.next = self.zero_word.val();
        if self.is_data.val() {
            self.body.next = self.replay.read_data.val();
            if self.start.val() {
                self.body.next = self.first_words.read_data.val();
            }
        }
        if self.start.val() {
            self.body.next = self.body.val() | self.header.val();
        }
        self.crc.word.next = self.body.val();
        self.crc.first.next = self.start.val();
        self.crc.valid.next = self.word_en.val();
        self.word.next = self.body.val();
        if self.widx.q.val() == self.last_word.val() {
            self.word.next = self.crc.sealed.val();
        }
        self.nak_sent.next = self.start.val() & self.word_en.val() & self.my_nak.val();

        // Sequencing.
        self.widx.d.next = self.widx.q.val();
        self.cur_data.d.next = self.cur_data.q.val();
        self.cur_seq.d.next = self.cur_seq.q.val();
        self.send_ptr.d.next = self.send_ptr.q.val();
        self.high.d.next = self.high.q.val();
        self.replay_pending.d.next = self.replay_pending.q.val();
        self.replay_count.d.next = self.replay_count.q.val();
        if self.word_en.val() {
            self.widx.d.next = (self.widx.q.val() + self.one8.val()) & self.word_mask.val();
            if self.start.val() {
                self.cur_data.d.next = self.is_data.val();
                self.cur_seq.d.next = self.seq.val();
                self.replay_pending.d.next = false;
                self.send_ptr.d.next = self.ptr.val();
                if self.is_data.val() {
                    self.send_ptr.d.next = self.ptr.val() + self.one8.val();
                    if self.ptr.val() == self.high.q.val() {
                        self.high.d.next = self.high.q.val() + self.one8.val();
                    } else {
                        self.replay_count.d.next = self.replay_count.q.val() + self.one32.val();
                    }
                }
            }
        }

        // Acknowledges free slots; a NAK, a timeout or a retrain replays.
        self.acked.next = self.ack_seq.val() + self.one8.val();
        self.base.d.next = self.base.q.val();
        self.timer.d.next = self.zero11.val();
        if self.high.q.val() != self.base.q.val() {
            self.timer.d.next = self.timer.q.val() + self.one11.val();
        }
        if self.ack_valid.val() {
            if ((self.acked.val() - self.base.q.val()) != self.zero8.val())
                & ((self.acked.val() - self.base.q.val())
                    <= (self.high.q.val() - self.base.q.val()))
            {
                self.base.d.next = self.acked.val();
                self.timer.d.next = self.zero11.val();
            }
            if self.nak_in.val() {
                self.replay_pending.d.next = true;
            }
        }
        if self.timer.q.val() == self.timeout.val() {
            self.replay_pending.d.next = true;
            self.timer.d.next = self.zero11.val();
        }
        if self.restart.val() {
            self.widx.d.next = self.zero8.val();
            self.replay_pending.d.next = true;
        }
        self.replays.next = self.replay_count.q.val();
    }
}
