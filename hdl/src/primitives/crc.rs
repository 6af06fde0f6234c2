//! CRC generator and checker, `D` data bits per clock.
//!
//! Parameters follow the Rocksoft model used by CRC catalogues (width, poly,
//! init, refin, refout, xorout), so a CRC is named by the same numbers a
//! software CRC uses. Data words are taken least-significant byte first;
//! within a byte, bit order follows `refin`.

use super::{Gf2Matrix, Reg, XorNet2};
use rust_hdl::prelude::*;

/// A CRC in the Rocksoft parameter model.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CrcSpec {
    /// The catalogue name (reveng's CRC catalogue).
    pub name: &'static str,
    /// Bits of the CRC.
    pub width: usize,
    /// Generator polynomial without its x^width term.
    pub poly: u64,
    /// Register value at the start of a message.
    pub init: u64,
    /// Bits taken and produced least significant first (reflected in and out).
    pub reflected: bool,
    /// XORed into the register to give the CRC.
    pub xorout: u64,
}

/// CRC-16/IBM-3740 (also "CCITT-FALSE"): poly 0x1021, MSB first.
pub const CRC16_IBM_3740: CrcSpec = CrcSpec {
    name: "CRC-16/IBM-3740",
    width: 16,
    poly: 0x1021,
    init: 0xFFFF,
    reflected: false,
    xorout: 0,
};

/// CRC-32/ISO-HDLC (Ethernet, zlib): poly 0x04C11DB7, LSB first.
pub const CRC32_ISO_HDLC: CrcSpec = CrcSpec {
    name: "CRC-32/ISO-HDLC",
    width: 32,
    poly: 0x04C1_1DB7,
    init: 0xFFFF_FFFF,
    reflected: true,
    xorout: 0xFFFF_FFFF,
};

impl CrcSpec {
    fn mask(&self) -> u64 {
        if self.width == 64 {
            u64::MAX
        } else {
            (1 << self.width) - 1
        }
    }

    /// The value the state register starts from. A reflected CRC keeps its
    /// register bit-reversed, so its init is reversed too.
    pub fn register_init(&self) -> u64 {
        if self.reflected {
            reverse(self.init, self.width)
        } else {
            self.init
        }
    }

    /// One data bit into the CRC register, bit-serially (the definition the
    /// parallel matrix is derived from).
    fn shift_bit(&self, state: u64, bit: bool) -> u64 {
        if self.reflected {
            let feedback = (state & 1 == 1) ^ bit;
            let shifted = state >> 1;
            if feedback {
                shifted ^ reverse(self.poly, self.width)
            } else {
                shifted
            }
        } else {
            let feedback = ((state >> (self.width - 1)) & 1 == 1) ^ bit;
            let shifted = (state << 1) & self.mask();
            if feedback {
                shifted ^ self.poly
            } else {
                shifted
            }
        }
    }

    /// Register after `data_bits` (bit `i` of the word at index `i`).
    fn shift_word(&self, mut state: u64, data_bits: &[bool]) -> u64 {
        for byte in data_bits.chunks(8) {
            if self.reflected {
                for &bit in byte {
                    state = self.shift_bit(state, bit);
                }
            } else {
                for &bit in byte.iter().rev() {
                    state = self.shift_bit(state, bit);
                }
            }
        }
        state
    }

    /// Matrix of the next register value as a function of {data, register}.
    pub fn next_state_matrix(&self, data_bits: usize) -> Gf2Matrix {
        let w = self.width;
        Gf2Matrix::from_linear_fn(w + data_bits, w, |x| {
            let state = x[..w]
                .iter()
                .enumerate()
                .fold(0u64, |acc, (i, &b)| acc | (u64::from(b) << i));
            let next = self.shift_word(state, &x[w..]);
            (0..w).map(|i| (next >> i) & 1 == 1).collect()
        })
    }

    /// Matrix sealing the last word of a message: inputs {word (`word_bits`),
    /// register (`width`)}; outputs a `word_bits` word whose low
    /// `word_bits - width` bits are the word's own (the end of the message)
    /// and whose top `width` bits are the register after them. XOR the
    /// result with `xorout` in the top bits to get the word as sent.
    pub fn sealing_matrix(&self, word_bits: usize) -> Gf2Matrix {
        let w = self.width;
        let message = word_bits - w;
        Gf2Matrix::from_linear_fn(w + word_bits, word_bits, |x| {
            let state = x[..w]
                .iter()
                .enumerate()
                .fold(0u64, |acc, (i, &b)| acc | (u64::from(b) << i));
            let next = self.shift_word(state, &x[w..w + message]);
            let mut y = x[w..w + message].to_vec();
            y.extend((0..w).map(|i| (next >> i) & 1 == 1));
            y
        })
    }

    /// Checks the parameters (width, polynomial and values fit).
    pub fn check(&self) -> Result<(), String> {
        if !(1..=64).contains(&self.width) {
            return Err(format!(
                "{}: CRC width {} is not within 1..=64",
                self.name, self.width
            ));
        }
        for (what, v) in [
            ("poly", self.poly),
            ("init", self.init),
            ("xorout", self.xorout),
        ] {
            if v & !self.mask() != 0 {
                return Err(format!(
                    "{}: {what} {v:#x} is wider than {} bits",
                    self.name, self.width
                ));
            }
        }
        if self.poly & 1 == 0 {
            return Err(format!(
                "{}: poly {:#x} has no x^0 term",
                self.name, self.poly
            ));
        }
        Ok(())
    }
}

fn reverse(v: u64, width: usize) -> u64 {
    v.reverse_bits() >> (64 - width)
}

/// CRC over a stream of `D`-bit words (`D` a multiple of 8), `W`-bit result.
#[derive(LogicBlock)]
pub struct Crc<const W: usize, const D: usize> {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Asynchronous, active-high reset.
    pub reset: Signal<In, Bit>,
    /// Restart: the register returns to `init` on the next edge.
    pub clear: Signal<In, Bit>,
    /// `data` is part of the message this cycle.
    pub enable: Signal<In, Bit>,
    /// The message word taken when `enable` is high.
    pub data: Signal<In, Bits<D>>,
    /// CRC of every word taken since the last `clear` (or reset).
    pub crc: Signal<Out, Bits<W>>,
    /// CRC the message carries, for checking.
    pub expected: Signal<In, Bits<W>>,
    /// `crc == expected`.
    pub ok: Signal<Out, Bit>,
    state: Reg<Bits<W>>,
    step: XorNet2<W, D, W>,
    init: Constant<Bits<W>>,
    xorout: Constant<Bits<W>>,
}

impl<const W: usize, const D: usize> Crc<W, D> {
    /// A CRC generator/checker for `spec` (its width must be `W`).
    pub fn new(spec: CrcSpec) -> Self {
        assert_eq!(spec.width, W, "Crc: width parameter");
        assert!(
            D > 0 && D.is_multiple_of(8),
            "Crc: data width must be whole bytes"
        );
        spec.check().expect("Crc: spec");
        let init: Bits<W> = spec.register_init().into();
        Self {
            clock: Default::default(),
            reset: Default::default(),
            clear: Default::default(),
            enable: Default::default(),
            data: Default::default(),
            crc: Default::default(),
            expected: Default::default(),
            ok: Default::default(),
            state: Reg::new(init),
            step: XorNet2::new(spec.next_state_matrix(D)),
            init: Constant::new(init),
            xorout: Constant::new(spec.xorout.into()),
        }
    }
}

impl<const W: usize, const D: usize> Logic for Crc<W, D> {
    #[hdl_gen]
    fn update(&mut self) {
        self.state.clock.next = self.clock.val();
        self.state.reset.next = self.reset.val();
        self.step.a.next = self.state.q.val();
        self.step.b.next = self.data.val();
        self.state.d.next = self.state.q.val();
        if self.clear.val() {
            self.state.d.next = self.init.val();
        } else if self.enable.val() {
            self.state.d.next = self.step.y.val();
        }
        self.crc.next = self.state.q.val() ^ self.xorout.val();
        self.ok.next = (self.state.q.val() ^ self.xorout.val()) == self.expected.val();
    }
}
