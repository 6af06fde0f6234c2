//! Bit-serial Galois LFSR, the scrambler's reference.
//!
//! Register of `length` bits; each step outputs the MSB, shifts left by one
//! and, if the output was 1, XORs in the polynomial's low terms.

pub struct Lfsr {
    length: u32,
    poly: u64,
    state: u64,
}

impl Lfsr {
    pub fn new(length: u32, poly: u64, seed: u64) -> Self {
        Self {
            length,
            poly,
            state: seed,
        }
    }

    pub fn next_bit(&mut self) -> bool {
        let out = self.state >> (self.length - 1) & 1 == 1;
        self.state = (self.state << 1) & ((1 << self.length) - 1);
        if out {
            self.state ^= self.poly;
        }
        out
    }

    /// The next `n` bits, the earliest in bit 0.
    pub fn next_word(&mut self, n: usize) -> u64 {
        (0..n).fold(0, |acc, i| acc | (u64::from(self.next_bit()) << i))
    }
}
