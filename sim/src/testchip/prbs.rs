//! The partner die's lane tester: PRBS31 sources and counters, one per
//! lane, written bit-serially from the recurrence
//! (`kaizen_hdl::testchip::link_test::prbs31_follows`) and the lock rules
//! documented there, not from the RTL.

use kaizen_hdl::testchip::link_test::{LOCK_BITS, LOSS_ERRORS, LOSS_WINDOW};

/// One lane's PRBS31 source: the last 31 bits, newest in bit 0.
#[derive(Clone, Debug)]
pub struct Source {
    history: u32,
}

impl Source {
    /// A source at a phase of its own (`seed` must not be all zero in its
    /// low 31 bits).
    pub fn new(seed: u32) -> Self {
        assert!(
            seed & 0x7fff_ffff != 0,
            "a PRBS31 source needs a non-zero seed"
        );
        Self {
            history: seed & 0x7fff_ffff,
        }
    }

    fn bit(&mut self) -> bool {
        // s[n] = s[n-28] ^ s[n-31]: bit k of the history is s[n-1-k].
        let b = ((self.history >> 27) ^ (self.history >> 30)) & 1 == 1;
        self.history = ((self.history << 1) | u32::from(b)) & 0x7fff_ffff;
        b
    }

    /// The next `bits` bits, the first in bit 0.
    pub fn word(&mut self, bits: usize) -> u64 {
        (0..bits).fold(0, |w, i| w | (u64::from(self.bit()) << i))
    }
}

/// One lane's counter: hunts for 32 bits in a row that follow the
/// recurrence (not all zero), then predicts and counts every bit that
/// differs; 4 or more wrong among the last 8 bits compared drops the lock
/// and its counts.
#[derive(Clone, Debug, Default)]
pub struct Counter {
    /// The last 31 bits received, newest in bit 0.
    received: u32,
    /// The last 31 bits predicted (locked).
    model: u32,
    clean: u32,
    /// Wrong flags of the last bits compared, newest in bit 0.
    recent: u32,
    pub locked: bool,
    pub errors: u64,
    pub compared: u64,
    /// The clock of the last word counted while locked.
    pub last_clock: Option<u64>,
}

fn next(history: u32) -> u32 {
    ((history >> 27) ^ (history >> 30)) & 1
}

fn push(history: u32, b: u32) -> u32 {
    ((history << 1) | b) & 0x7fff_ffff
}

impl Counter {
    /// A clock's `bits` bits (the first in bit 0), at clock `now`.
    pub fn word(&mut self, w: u64, bits: usize, now: u64) {
        let mut follows = true;
        let mut wrong = 0u64;
        let mut recent = self.recent;
        for i in 0..bits {
            let b = ((w >> i) & 1) as u32;
            follows &= b == next(self.received);
            self.received = push(self.received, b);
            let want = next(self.model);
            wrong += u64::from(b != want);
            recent = ((recent << 1) | u32::from(b != want)) & ((1 << LOSS_WINDOW) - 1);
            self.model = push(self.model, want);
        }
        if self.locked {
            self.recent = recent;
            if recent.count_ones() >= LOSS_ERRORS {
                self.locked = false;
                self.clean = 0;
                self.recent = 0;
                self.errors = 0;
                self.compared = 0;
                self.last_clock = None;
            } else {
                self.errors += wrong;
                self.compared += bits as u64;
                self.last_clock = Some(now);
            }
        } else if follows && self.received != 0 {
            self.clean += bits as u32;
            if self.clean >= LOCK_BITS {
                self.locked = true;
                self.model = self.received;
            }
        } else {
            self.clean = 0;
        }
    }

    /// The clocks the counts cover, first to last.
    pub fn span(&self, bits: usize) -> Option<(u64, u64)> {
        let last = self.last_clock?;
        let clocks = self.compared / bits as u64;
        (clocks > 0).then(|| (last + 1 - clocks, last))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_counter_locks_on_a_source_and_counts_each_flipped_bit_once() {
        let (mut src, mut cnt) = (Source::new(0x1234_5678), Counter::default());
        let mut flipped = 0;
        for now in 0..2000u64 {
            let mut w = src.word(8);
            if now > 100 && now % 97 == 0 {
                w ^= 1 << (now % 8);
                flipped += 1;
            }
            cnt.word(w, 8, now);
        }
        assert!(cnt.locked);
        assert_eq!(cnt.errors, flipped);
        assert!(cnt.compared >= 8 * (2000 - 8));
    }

    #[test]
    fn zeros_and_ones_never_lock() {
        for w in [0u64, 0xff] {
            let mut cnt = Counter::default();
            for now in 0..100 {
                cnt.word(w, 8, now);
            }
            assert!(!cnt.locked, "{w:#x}");
        }
    }
}
