//! Request traces for the memory controller: the patterns the CLI and the
//! benches name, generated from a seed.

use super::memctl_reference::Request;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pattern {
    SeqRead,
    SeqWrite,
    Random,
    /// Two reads per write, random addresses.
    Mixed,
    /// Reads striding one row's worth of bursts: every access a new row.
    Stride,
}

impl Pattern {
    pub fn parse(s: &str) -> Result<Self, String> {
        Ok(match s {
            "seq-read" => Self::SeqRead,
            "seq-write" => Self::SeqWrite,
            "random" => Self::Random,
            "mixed" => Self::Mixed,
            "stride" => Self::Stride,
            _ => {
                return Err(format!(
                    "unknown pattern `{s}`; known: seq-read, seq-write, random, mixed, stride"
                ))
            }
        })
    }
}

/// `n` requests offered back to back from cycle 0 (the controller accepts
/// them as its queues allow), addresses within `capacity` bursts.
pub fn trace(
    pattern: Pattern,
    n: usize,
    seed: u64,
    burst_bytes: usize,
    capacity: u64,
    row_bursts: u64,
) -> Vec<Request> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let base = rng.gen_range(0..capacity);
    (0..n)
        .map(|i| {
            let i64_ = i as u64;
            let (write, addr) = match pattern {
                Pattern::SeqRead => (false, base + i64_),
                Pattern::SeqWrite => (true, base + i64_),
                Pattern::Random => (rng.gen_bool(0.5), rng.gen_range(0..capacity)),
                Pattern::Mixed => (i % 3 == 2, rng.gen_range(0..capacity)),
                Pattern::Stride => (false, base + i64_ * row_bursts),
            };
            let data = (0..burst_bytes).map(|_| rng.gen()).collect();
            let mask = (0..burst_bytes).map(|_| true).collect();
            Request {
                id: i as u32,
                arrival: 0,
                write,
                addr: addr % capacity,
                data,
                mask,
            }
        })
        .collect()
}
