//! The flit's CRC-32 over 128-bit words (16 words per flit). Words 0..14
//! go through the CRC whole; the last word holds 12 more message bytes and
//! the CRC itself in its top 4 bytes (flit bytes 252..255, `flit.rs`).
//! `sealed` is the current word with its top 32 bits replaced by the CRC of
//! the message so far plus the word's low 96 bits: the transmitter sends
//! `sealed` as the last word, and the receiver's last word is good exactly
//! when it equals `sealed`.

use super::protocol::{Mutation, WORD_BITS};
use crate::primitives::{CrcSpec, Reg, XorNet2, CRC32_ISO_HDLC};
use rust_hdl::prelude::*;

pub const FLIT_CRC: CrcSpec = CRC32_ISO_HDLC;

#[derive(LogicBlock)]
pub struct FlitCrc {
    pub clock: Signal<In, Clock>,
    pub reset: Signal<In, Bit>,
    pub word: Signal<In, Bits<WORD_BITS>>,
    /// `word` is part of a flit this clock.
    pub valid: Signal<In, Bit>,
    /// `word` is a flit's first word (the CRC starts over).
    pub first: Signal<In, Bit>,
    pub sealed: Signal<Out, Bits<WORD_BITS>>,
    state: Reg<Bits<32>>,
    current: Signal<Local, Bits<32>>,
    step: XorNet2<32, WORD_BITS, 32>,
    seal: XorNet2<32, WORD_BITS, WORD_BITS>,
    init: Constant<Bits<32>>,
    xorout: Constant<Bits<WORD_BITS>>,
    /// Bits of each word the CRC covers (all; a mutant drops one).
    coverage: Constant<Bits<WORD_BITS>>,
    covered: Signal<Local, Bits<WORD_BITS>>,
}

impl Default for FlitCrc {
    fn default() -> Self {
        Self::new(Bits::<WORD_BITS>::mask())
    }
}

impl FlitCrc {
    /// A CRC covering only the word bits set in `cover` (every bit in the
    /// shipped design; the teeth mutants leave one out).
    pub fn new(cover: Bits<WORD_BITS>) -> Self {
        let init: Bits<32> = FLIT_CRC.register_init().into();
        Self {
            clock: Default::default(),
            reset: Default::default(),
            word: Default::default(),
            valid: Default::default(),
            first: Default::default(),
            sealed: Default::default(),
            state: Reg::new(init),
            current: Default::default(),
            step: XorNet2::new(FLIT_CRC.next_state_matrix(WORD_BITS)),
            seal: XorNet2::new(FLIT_CRC.sealing_matrix(WORD_BITS)),
            init: Constant::new(init),
            xorout: Constant::new(Bits::<WORD_BITS>::from(FLIT_CRC.xorout) << 96u64),
            coverage: Constant::new(cover),
            covered: Default::default(),
        }
    }
}

impl Logic for FlitCrc {
    #[hdl_gen]
    fn update(&mut self) {
        self.state.clock.next = self.clock.val();
        self.state.reset.next = self.reset.val();
        self.current.next = self.state.q.val();
        if self.first.val() {
            self.current.next = self.init.val();
        }
        self.step.a.next = self.current.val();
        self.covered.next = self.word.val() & self.coverage.val();
        self.step.b.next = self.covered.val();
        self.seal.a.next = self.current.val();
        self.seal.b.next = self.covered.val();
        self.state.d.next = self.state.q.val();
        if self.valid.val() {
            self.state.d.next = self.step.y.val();
        }
        self.sealed.next = self.seal.y.val() ^ self.xorout.val();
    }
}

/// The flit CRC a PHY built with `mutation` uses.
pub fn crc_for(mutation: Mutation) -> FlitCrc {
    let all = Bits::<WORD_BITS>::mask();
    match mutation {
        Mutation::CrcSkipsPayloadBit => {
            FlitCrc::new(all ^ (Bits::<WORD_BITS>::from(1u64) << 32u64))
        }
        _ => FlitCrc::new(all),
    }
}
