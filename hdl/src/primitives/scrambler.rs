//! Additive (synchronous) LFSR scrambler, `D` bits per clock.
//!
//! Data is XORed with the LFSR's output sequence; descrambling is the same
//! operation with an LFSR in the same state, so one block does both. This is
//! the scheme of PCIe 128b/130b and UCIe lanes.
//!
//! The sequence is defined bit-serially by [`LfsrSpec::step`] (Galois form:
//! the output bit is the register's MSB; when it is 1 the shifted register is
//! XORed with the polynomial's low terms). The per-clock matrices are derived
//! from it.

use super::{Gf2Matrix, Reg, XorNet};
use rust_hdl::prelude::*;

/// An LFSR's definition.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LfsrSpec {
    /// Where it comes from (for the manifest and messages).
    pub name: &'static str,
    /// Register length = degree of the polynomial.
    pub length: usize,
    /// Polynomial without its x^length term (bit k = coefficient of x^k).
    pub poly: u64,
    /// Register value after reset. Must not be zero.
    pub seed: u64,
}

/// PCIe 128b/130b lane scrambler: x^23 + x^21 + x^16 + x^8 + x^5 + x^2 + 1,
/// lane-0 seed.
pub const PCIE_GEN3_LANE0: LfsrSpec = LfsrSpec {
    name: "PCIe-128b130b-lane0",
    length: 23,
    poly: (1 << 21) | (1 << 16) | (1 << 8) | (1 << 5) | (1 << 2) | 1,
    seed: 0x1D_BFBC,
};

impl LfsrSpec {
    fn mask(&self) -> u64 {
        (1u64 << self.length) - 1
    }

    /// One step: (next register, output bit).
    pub fn step(&self, state: u64) -> (u64, bool) {
        let out = (state >> (self.length - 1)) & 1 == 1;
        let shifted = (state << 1) & self.mask();
        (if out { shifted ^ self.poly } else { shifted }, out)
    }

    /// Register and output bits after `n` steps.
    fn run(&self, mut state: u64, n: usize) -> (u64, Vec<bool>) {
        let mut bits = Vec::with_capacity(n);
        for _ in 0..n {
            let (next, out) = self.step(state);
            state = next;
            bits.push(out);
        }
        (state, bits)
    }

    fn as_word(&self, x: &[bool]) -> u64 {
        x.iter()
            .enumerate()
            .fold(0, |acc, (i, &b)| acc | (u64::from(b) << i))
    }

    /// Register after `d` steps, as a matrix over the register.
    pub fn advance_matrix(&self, d: usize) -> Gf2Matrix {
        Gf2Matrix::from_linear_fn(self.length, self.length, |x| {
            let (next, _) = self.run(self.as_word(x), d);
            (0..self.length).map(|i| (next >> i) & 1 == 1).collect()
        })
    }

    /// The next `d` output bits (bit 0 first in time), over the register.
    pub fn keystream_matrix(&self, d: usize) -> Gf2Matrix {
        Gf2Matrix::from_linear_fn(self.length, d, |x| self.run(self.as_word(x), d).1)
    }

    /// Seeds of `lanes` lanes running this sequence `lane_offset` steps
    /// apart: lane `l` starts at the register `l * lane_offset` steps after
    /// `seed`.
    pub fn lane_seeds(&self, lanes: usize, lane_offset: usize) -> Vec<u64> {
        (0..lanes)
            .map(|l| self.run(self.seed, l * lane_offset).0)
            .collect()
    }

    /// Checks the parameters (length, polynomial and seed fit; seed not zero).
    pub fn check(&self) -> Result<(), String> {
        if !(2..=63).contains(&self.length) {
            return Err(format!(
                "{}: LFSR length {} is not within 2..=63",
                self.name, self.length
            ));
        }
        if self.poly & !self.mask() != 0 || self.poly & 1 == 0 {
            return Err(format!(
                "{}: poly {:#x} must fit {} bits and have its x^0 term",
                self.name, self.poly, self.length
            ));
        }
        if self.seed == 0 || self.seed & !self.mask() != 0 {
            return Err(format!(
                "{}: seed {:#x} must be non-zero and fit {} bits",
                self.name, self.seed, self.length
            ));
        }
        Ok(())
    }
}

/// `L`-bit LFSR, `D` data bits per clock; bit 0 of `data_in` meets the
/// earliest LFSR output bit.
#[derive(LogicBlock)]
pub struct Scrambler<const L: usize, const D: usize> {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Asynchronous, active-high reset.
    pub reset: Signal<In, Bit>,
    /// Take a word: output it scrambled and advance the LFSR by `D` steps.
    pub enable: Signal<In, Bit>,
    /// Return the LFSR to its seed on the next edge (re-synchronisation).
    pub reseed: Signal<In, Bit>,
    /// Word to scramble.
    pub data_in: Signal<In, Bits<D>>,
    /// `data_in` XOR the keystream.
    pub data_out: Signal<Out, Bits<D>>,
    lfsr: Reg<Bits<L>>,
    advance: XorNet<L, L>,
    keystream: XorNet<L, D>,
    seed: Constant<Bits<L>>,
}

impl<const L: usize, const D: usize> Scrambler<L, D> {
    /// A scrambler for `spec` (its length must be `L`).
    pub fn new(spec: LfsrSpec) -> Self {
        assert_eq!(spec.length, L, "Scrambler: length parameter");
        spec.check().expect("Scrambler: spec");
        Self {
            clock: Default::default(),
            reset: Default::default(),
            enable: Default::default(),
            reseed: Default::default(),
            data_in: Default::default(),
            data_out: Default::default(),
            lfsr: Reg::new(spec.seed.into()),
            advance: XorNet::new(spec.advance_matrix(D)),
            keystream: XorNet::new(spec.keystream_matrix(D)),
            seed: Constant::new(spec.seed.into()),
        }
    }
}

impl<const L: usize, const D: usize> Logic for Scrambler<L, D> {
    #[hdl_gen]
    fn update(&mut self) {
        self.lfsr.clock.next = self.clock.val();
        self.lfsr.reset.next = self.reset.val();
        self.advance.a.next = self.lfsr.q.val();
        self.keystream.a.next = self.lfsr.q.val();
        self.lfsr.d.next = self.lfsr.q.val();
        if self.reseed.val() {
            self.lfsr.d.next = self.seed.val();
        } else if self.enable.val() {
            self.lfsr.d.next = self.advance.y.val();
        }
        self.data_out.next = self.data_in.val() ^ self.keystream.y.val();
    }
}

/// `N` lanes of `D` bits per clock, each lane scrambled by its own `L`-bit
/// LFSR (same polynomial, its own seed), as UCIe scrambles each lane. All
/// lane registers live in one `N * L`-bit vector, lane `l` at bits
/// `l*L ..`; lane `l`'s data is bits `l*D ..` of `data_in`. `S` = `N * L`,
/// `W` = `N * D` (const generics cannot multiply).
#[derive(LogicBlock)]
pub struct LaneScrambler<const S: usize, const W: usize> {
    /// Clock.
    pub clock: Signal<In, Clock>,
    /// Asynchronous, active-high reset.
    pub reset: Signal<In, Bit>,
    /// Take a word: output it scrambled and advance every lane's LFSR.
    pub enable: Signal<In, Bit>,
    /// Return every lane to its seed on the next edge.
    pub reseed: Signal<In, Bit>,
    /// Every lane's data, lane `l` at bits `l*D ..`.
    pub data_in: Signal<In, Bits<W>>,
    /// `data_in` XOR each lane's keystream.
    pub data_out: Signal<Out, Bits<W>>,
    lfsr: Reg<Bits<S>>,
    advance: XorNet<S, S>,
    keystream: XorNet<S, W>,
    seed: Constant<Bits<S>>,
}

impl<const S: usize, const W: usize> LaneScrambler<S, W> {
    /// Lane `l` is seeded with `spec`'s register `l * lane_offset` steps
    /// after `spec.seed`: every lane runs the same sequence at its own
    /// phase, so neighbouring lanes carry uncorrelated keystreams.
    pub fn new(spec: LfsrSpec, lanes: usize, lane_offset: usize) -> Self {
        spec.check().expect("LaneScrambler: spec");
        let l_bits = spec.length;
        assert_eq!(S, lanes * l_bits, "LaneScrambler: state width");
        assert!(W.is_multiple_of(lanes), "LaneScrambler: data width");
        let d = W / lanes;
        let seeds = spec.lane_seeds(lanes, lane_offset);
        let mut seed = Bits::<S>::default();
        for (l, s) in seeds.iter().enumerate() {
            for i in 0..l_bits {
                if (s >> i) & 1 == 1 {
                    seed = seed.replace_bit(l * l_bits + i, true);
                }
            }
        }
        let advance = Gf2Matrix::from_linear_fn(S, S, |x| {
            (0..lanes)
                .flat_map(|l| {
                    let (next, _) = spec.run(spec.as_word(&x[l * l_bits..(l + 1) * l_bits]), d);
                    (0..l_bits).map(move |i| (next >> i) & 1 == 1)
                })
                .collect()
        });
        let keystream = Gf2Matrix::from_linear_fn(S, W, |x| {
            (0..lanes)
                .flat_map(|l| {
                    spec.run(spec.as_word(&x[l * l_bits..(l + 1) * l_bits]), d)
                        .1
                })
                .collect()
        });
        Self {
            clock: Default::default(),
            reset: Default::default(),
            enable: Default::default(),
            reseed: Default::default(),
            data_in: Default::default(),
            data_out: Default::default(),
            lfsr: Reg::new(seed),
            advance: XorNet::new(advance),
            keystream: XorNet::new(keystream),
            seed: Constant::new(seed),
        }
    }
}

impl<const S: usize, const W: usize> Logic for LaneScrambler<S, W> {
    #[hdl_gen]
    fn update(&mut self) {
        self.lfsr.clock.next = self.clock.val();
        self.lfsr.reset.next = self.reset.val();
        self.advance.a.next = self.lfsr.q.val();
        self.keystream.a.next = self.lfsr.q.val();
        self.lfsr.d.next = self.lfsr.q.val();
        if self.reseed.val() {
            self.lfsr.d.next = self.seed.val();
        } else if self.enable.val() {
            self.lfsr.d.next = self.advance.y.val();
        }
        self.data_out.next = self.data_in.val() ^ self.keystream.y.val();
    }
}
