//! Access to a rust-hdl block's top-level ports by name, so a test bench can
//! drive it exactly like a Verilator model. Values travel as little-endian
//! `u64` words.

#![deny(missing_docs)]

use rust_hdl::prelude::*;

/// A value that fits in top-level port words.
pub trait PortValue: Synth {
    /// Writes the value into `out`, 64 bits per word, least significant first.
    fn to_words(self, out: &mut [u64]);
    /// Reads a value from `words`, 64 bits per word, least significant first.
    fn from_words(words: &[u64]) -> Self;
}

impl PortValue for bool {
    fn to_words(self, out: &mut [u64]) {
        out[0] = u64::from(self);
    }
    fn from_words(words: &[u64]) -> Self {
        words[0] & 1 == 1
    }
}

impl PortValue for Clock {
    fn to_words(self, out: &mut [u64]) {
        out[0] = u64::from(self.clk);
    }
    fn from_words(words: &[u64]) -> Self {
        Clock {
            clk: words[0] & 1 == 1,
        }
    }
}

impl<const N: usize> PortValue for Bits<N> {
    fn to_words(self, out: &mut [u64]) {
        if N <= 64 {
            out[0] = self.to_u64();
        } else {
            for (j, word) in out.iter_mut().enumerate().take(N.div_ceil(64)) {
                *word = (0..64.min(N - j * 64))
                    .fold(0, |acc, b| acc | (u64::from(self.get_bit(j * 64 + b)) << b));
            }
        }
    }
    fn from_words(words: &[u64]) -> Self {
        if N <= 64 {
            let mask = if N == 64 { u64::MAX } else { (1 << N) - 1 };
            (words[0] & mask).into()
        } else {
            let mut v = Bits::<N>::default();
            for i in 0..N {
                if (words[i / 64] >> (i % 64)) & 1 == 1 {
                    v = v.replace_bit(i, true);
                }
            }
            v
        }
    }
}

/// Implemented by [`port_access!`](crate::port_access) for each top block.
pub trait PortAccess: Block {
    /// Input port names, in the order `poke` numbers them.
    fn input_names() -> &'static [&'static str];
    /// Output port names, in the order `peek` numbers them.
    fn output_names() -> &'static [&'static str];
    /// Sets input number `input` from `words`.
    fn poke(&mut self, input: usize, words: &[u64]);
    /// Reads output number `output` into `words`.
    fn peek(&self, output: usize, words: &mut [u64]);
}

/// `port_access!(Type { inputs: [a, b], outputs: [c] })`, or for a generic
/// block `port_access!(generic [const N: usize] Type<N> { ... })`.
#[macro_export]
macro_rules! port_access {
    (generic [$($generics:tt)*] $ty:ty { inputs: [$($i:ident),* $(,)?], outputs: [$($o:ident),* $(,)?] }) => {
        impl<$($generics)*> $crate::ports::PortAccess for $ty {
            fn input_names() -> &'static [&'static str] {
                &[$(stringify!($i)),*]
            }
            fn output_names() -> &'static [&'static str] {
                &[$(stringify!($o)),*]
            }
            #[allow(unused_assignments)]
            fn poke(&mut self, input: usize, words: &[u64]) {
                let mut k = 0;
                $(
                    if input == k {
                        self.$i.next = $crate::ports::PortValue::from_words(words);
                        return;
                    }
                    k += 1;
                )*
                panic!("no input #{input}");
            }
            #[allow(unused_assignments)]
            fn peek(&self, output: usize, words: &mut [u64]) {
                let mut k = 0;
                $(
                    if output == k {
                        $crate::ports::PortValue::to_words(self.$o.val(), words);
                        return;
                    }
                    k += 1;
                )*
                panic!("no output #{output}");
            }
        }
    };
    ($ty:ty { $($ports:tt)* }) => {
        $crate::port_access!(generic [] $ty { $($ports)* });
    };
}
