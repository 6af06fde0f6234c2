//! Die-to-die channel model: what the package does to the lanes of a
//! UCIe-class link. Per-lane fixed delay plus skew, random bit errors at a
//! given BER, error bursts, lanes stuck at 0 or 1, and lanes that die
//! part-way through traffic. Deterministic for a given seed.
//!
//! Each lane carries `bits_per_lane` bits per core clock (bit 0 first on
//! the wire). The model works a clock at a time: one word per lane in, one
//! word per lane out.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::collections::VecDeque;
use std::fmt;

#[derive(Clone, Debug, PartialEq)]
pub struct ChannelConfig {
    /// Physical lanes, spares included.
    pub lanes: usize,
    /// Bits each lane carries per core clock, 1..=64.
    pub bits_per_lane: usize,
    /// Flight time common to every lane, in core clocks.
    pub base_delay: usize,
    /// Extra delay of each lane, in core clocks (empty = no skew).
    pub skew: Vec<usize>,
    /// Probability that any one bit is flipped, independently.
    pub ber: f64,
    /// Error bursts, on top of `ber`.
    pub bursts: Option<Bursts>,
    /// Lanes stuck from the start: (lane, value).
    pub stuck: Vec<(usize, bool)>,
    /// Lanes that die (stuck at 0) from a clock on: (lane, clock).
    pub deaths: Vec<(usize, u64)>,
    pub seed: u64,
}

/// A burst starts on a lane with probability `rate` per clock and flips
/// every bit of that lane with probability 1/2 for `length` bits.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Bursts {
    pub rate: f64,
    pub length: usize,
}

impl ChannelConfig {
    /// A perfect channel: no delay, skew, errors or faults.
    pub fn ideal(lanes: usize, bits_per_lane: usize) -> Self {
        Self {
            lanes,
            bits_per_lane,
            base_delay: 0,
            skew: vec![],
            ber: 0.0,
            bursts: None,
            stuck: vec![],
            deaths: vec![],
            seed: 0,
        }
    }

    pub fn validate(&self) -> Result<(), ChannelError> {
        let bad = |m: String| Err(ChannelError(m));
        if self.lanes == 0 {
            return bad("a channel needs at least one lane".into());
        }
        if !(1..=64).contains(&self.bits_per_lane) {
            return bad(format!(
                "bits per lane per clock must be 1..=64, not {}",
                self.bits_per_lane
            ));
        }
        if !self.skew.is_empty() && self.skew.len() != self.lanes {
            return bad(format!(
                "skew lists {} lanes but the channel has {}",
                self.skew.len(),
                self.lanes
            ));
        }
        if !(0.0..=1.0).contains(&self.ber) || self.ber.is_nan() {
            return bad(format!("BER must be within 0..=1, not {}", self.ber));
        }
        if let Some(b) = self.bursts {
            if !(0.0..=1.0).contains(&b.rate) || b.rate.is_nan() || b.length == 0 {
                return bad(format!(
                    "burst rate must be within 0..=1 and length at least 1 (got {} and {})",
                    b.rate, b.length
                ));
            }
        }
        for &(lane, _) in &self.stuck {
            if lane >= self.lanes {
                return bad(format!(
                    "stuck lane {lane} does not exist (lanes 0..{})",
                    self.lanes
                ));
            }
        }
        for &(lane, _) in &self.deaths {
            if lane >= self.lanes {
                return bad(format!(
                    "dying lane {lane} does not exist (lanes 0..{})",
                    self.lanes
                ));
            }
        }
        Ok(())
    }

    /// Total delay of `lane`, in clocks.
    pub fn delay(&self, lane: usize) -> usize {
        self.base_delay + self.skew.get(lane).copied().unwrap_or(0)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChannelError(pub String);

impl fmt::Display for ChannelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "channel: {}", self.0)
    }
}

impl std::error::Error for ChannelError {}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ChannelStats {
    pub clocks: u64,
    pub bits: u64,
    /// Bits the channel changed (random errors and bursts, not stuck lanes).
    pub flipped: u64,
    pub bursts: u64,
}

pub struct Channel {
    config: ChannelConfig,
    rng: ChaCha8Rng,
    /// Per lane: words in flight, oldest first.
    pipes: Vec<VecDeque<u64>>,
    /// Bits left until the next random error (geometric sampling, so a low
    /// BER costs nothing per bit).
    until_error: u64,
    /// Per lane: burst bits still to corrupt.
    burst_left: Vec<usize>,
    /// Per lane: the bits of the last clock's output that differ from what
    /// was sent (errors, bursts, stuck and dead lanes).
    errors: Vec<u64>,
    stats: ChannelStats,
}

impl Channel {
    pub fn new(config: ChannelConfig) -> Result<Self, ChannelError> {
        config.validate()?;
        let pipes = (0..config.lanes)
            .map(|l| std::iter::repeat_n(0, config.delay(l)).collect())
            .collect();
        let mut rng = ChaCha8Rng::seed_from_u64(config.seed);
        let until_error = next_error_gap(&mut rng, config.ber);
        Ok(Self {
            burst_left: vec![0; config.lanes],
            errors: vec![0; config.lanes],
            config,
            rng,
            pipes,
            until_error,
            stats: ChannelStats::default(),
        })
    }

    pub fn config(&self) -> &ChannelConfig {
        &self.config
    }

    pub fn stats(&self) -> &ChannelStats {
        &self.stats
    }

    /// Per lane, the bits of the last clock's output that are not what was
    /// sent: the ground truth a bit-error-rate test is checked against.
    pub fn last_errors(&self) -> &[u64] {
        &self.errors
    }

    /// One core clock: `tx[lane]` goes in, the returned word per lane comes
    /// out (what was sent `delay(lane)` clocks ago, with errors and faults).
    pub fn clock(&mut self, tx: &[u64]) -> Vec<u64> {
        assert_eq!(tx.len(), self.config.lanes, "one word per lane");
        let n = self.config.bits_per_lane;
        let mask = if n == 64 { u64::MAX } else { (1u64 << n) - 1 };
        let now = self.stats.clocks;
        let mut rx = Vec::with_capacity(tx.len());
        for (lane, &word) in tx.iter().enumerate() {
            self.pipes[lane].push_back(word & mask);
            let sent = self.pipes[lane].pop_front().expect("pipe holds its delay");
            let mut w = sent ^ self.random_errors(n);
            w ^= self.burst_errors(lane, n) & mask;
            if let Some(&(_, v)) = self.config.stuck.iter().find(|(l, _)| *l == lane) {
                w = if v { mask } else { 0 };
            }
            if self
                .config
                .deaths
                .iter()
                .any(|&(l, at)| l == lane && now >= at)
            {
                w = 0;
            }
            self.errors[lane] = w ^ sent;
            rx.push(w);
        }
        self.stats.clocks += 1;
        self.stats.bits += (n * tx.len()) as u64;
        rx
    }

    /// Error mask for the next `n` bits of the serial error process.
    fn random_errors(&mut self, n: usize) -> u64 {
        let mut mask = 0;
        let mut pos = 0u64;
        while self.until_error < n as u64 - pos {
            pos += self.until_error;
            mask |= 1 << pos;
            pos += 1;
            self.stats.flipped += 1;
            self.until_error = next_error_gap(&mut self.rng, self.config.ber);
        }
        self.until_error -= n as u64 - pos;
        mask
    }

    fn burst_errors(&mut self, lane: usize, n: usize) -> u64 {
        let Some(b) = self.config.bursts else {
            return 0;
        };
        if self.burst_left[lane] == 0 && self.rng.gen_bool(b.rate) {
            self.burst_left[lane] = b.length;
            self.stats.bursts += 1;
        }
        let take = self.burst_left[lane].min(n);
        if take == 0 {
            return 0;
        }
        self.burst_left[lane] -= take;
        let span = if take == 64 {
            u64::MAX
        } else {
            (1u64 << take) - 1
        };
        let flips = self.rng.gen::<u64>() & span;
        self.stats.flipped += u64::from(flips.count_ones());
        flips
    }
}

/// Good bits before the next error: geometric with success probability `p`.
fn next_error_gap(rng: &mut ChaCha8Rng, p: f64) -> u64 {
    if p <= 0.0 {
        return u64::MAX;
    }
    if p >= 1.0 {
        return 0;
    }
    let u: f64 = rng.gen_range(f64::MIN_POSITIVE..1.0);
    let gap = (u.ln() / (1.0 - p).ln()).floor();
    if gap >= u64::MAX as f64 {
        u64::MAX
    } else {
        gap as u64
    }
}
