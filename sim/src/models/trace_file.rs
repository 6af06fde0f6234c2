//! Request traces from files, in the formats of the two open DRAM
//! simulators, so a workload's trace runs through the controller:
//!
//! - DRAMsim3: `<hex address> <READ|WRITE> <cycle>` (the cycle the request
//!   arrives, non-decreasing);
//! - Ramulator memory trace: `<hex address> <R|W>` (no time: requests are
//!   offered back to back);
//! - Ramulator CPU trace: `<bubbles> <read address> [<writeback address>]`,
//!   `bubbles` non-memory instructions before the read; here each takes one
//!   controller cycle (a one-IPC core without caches: the trace is already
//!   filtered by them), and a writeback follows its read in the same cycle.
//!
//! Addresses are byte addresses (hex with `0x`, or decimal in the CPU
//! form); a request goes to the burst holding the address, folded into the
//! device's capacity. Lines starting with `#` and blank lines are skipped.
//! Traces carry no data: writes get deterministic data from the seed.

use super::memctl_reference::Request;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TraceFormat {
    Dramsim3,
    Ramulator,
    RamulatorCpu,
}

impl TraceFormat {
    pub fn parse(s: &str) -> Result<Self, String> {
        match s {
            "dramsim3" => Ok(Self::Dramsim3),
            "ramulator" => Ok(Self::Ramulator),
            "ramulator-cpu" => Ok(Self::RamulatorCpu),
            _ => Err(format!(
                "unknown trace format `{s}`: dramsim3, ramulator or ramulator-cpu"
            )),
        }
    }

    fn expected(self) -> &'static str {
        match self {
            Self::Dramsim3 => "`<hex address> <READ|WRITE> <cycle>` (DRAMsim3)",
            Self::Ramulator => "`<hex address> <R|W>` (Ramulator)",
            Self::RamulatorCpu => {
                "`<bubbles> <read address> [<writeback address>]` (Ramulator CPU trace)"
            }
        }
    }

    /// The format a line looks like, if any.
    fn guess(line: &str) -> Option<Self> {
        let t: Vec<&str> = line.split_whitespace().collect();
        match t.as_slice() {
            [_, op, _] if ["READ", "WRITE"].contains(op) => Some(Self::Dramsim3),
            [_, op] if ["R", "W"].contains(op) => Some(Self::Ramulator),
            [n, rest @ ..] if (1..=2).contains(&rest.len()) && n.parse::<u64>().is_ok() => {
                Some(Self::RamulatorCpu)
            }
            _ => None,
        }
    }
}

/// What a trace became.
pub struct Trace {
    pub format: TraceFormat,
    pub requests: Vec<Request>,
    /// Addresses beyond the device's capacity (folded into it).
    pub folded: usize,
}

fn address(s: &str, decimal_allowed: bool) -> Option<u64> {
    match s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        Some(hex) => u64::from_str_radix(hex, 16).ok(),
        None if decimal_allowed => s.parse().ok(),
        // DRAMsim3 and Ramulator write hex, sometimes without the prefix.
        None => u64::from_str_radix(s, 16).ok(),
    }
}

/// Parses `text` (named `file` in errors). `format` `None` guesses it from
/// the first request line. `capacity` is in bursts of `burst_bytes`.
pub fn parse(
    file: &str,
    text: &str,
    format: Option<TraceFormat>,
    burst_bytes: usize,
    capacity: u64,
    seed: u64,
) -> Result<Trace, String> {
    let lines = text
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim()))
        .filter(|(_, l)| !l.is_empty() && !l.starts_with('#'));
    let mut format = format;
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut requests = vec![];
    let mut folded = 0;
    let mut now = 0u64;
    for (n, line) in lines {
        let f = match format {
            Some(f) => f,
            None => {
                let f = TraceFormat::guess(line).ok_or_else(|| {
                    format!("{file}:{n}: not a trace line of a known format: `{line}` (DRAMsim3 `<hex address> <READ|WRITE> <cycle>`, Ramulator `<hex address> <R|W>` or `<bubbles> <read address> [<writeback address>]`)")
                })?;
                format = Some(f);
                f
            }
        };
        let bad = || format!("{file}:{n}: expected {}, found `{line}`", f.expected());
        let t: Vec<&str> = line.split_whitespace().collect();
        // (byte address, write, arrival cycle)
        let mut accesses: Vec<(u64, bool, u64)> = vec![];
        match (f, t.as_slice()) {
            (TraceFormat::Dramsim3, [a, op, cycle]) => {
                let write = match *op {
                    "READ" => false,
                    "WRITE" => true,
                    _ => return Err(bad()),
                };
                let cycle: u64 = cycle.parse().map_err(|_| bad())?;
                if cycle < now {
                    return Err(format!(
                        "{file}:{n}: cycle {cycle} is earlier than the line before ({now}): a DRAMsim3 trace is in time order"
                    ));
                }
                now = cycle;
                accesses.push((address(a, false).ok_or_else(bad)?, write, cycle));
            }
            (TraceFormat::Ramulator, [a, op]) => {
                let write = match *op {
                    "R" => false,
                    "W" => true,
                    _ => return Err(bad()),
                };
                accesses.push((address(a, false).ok_or_else(bad)?, write, 0));
            }
            (TraceFormat::RamulatorCpu, [bubbles, read, rest @ ..]) if rest.len() <= 1 => {
                let b: u64 = bubbles.parse().map_err(|_| bad())?;
                now += b;
                accesses.push((address(read, true).ok_or_else(bad)?, false, now));
                if let [wb] = rest {
                    accesses.push((address(wb, true).ok_or_else(bad)?, true, now));
                }
                now += 1;
            }
            _ => return Err(bad()),
        }
        for (byte, write, arrival) in accesses {
            let burst = byte / burst_bytes as u64;
            if burst >= capacity {
                folded += 1;
            }
            let id = u32::try_from(requests.len())
                .map_err(|_| format!("{file}:{n}: more than 2^32 requests"))?;
            requests.push(Request {
                id,
                arrival,
                write,
                addr: burst % capacity,
                data: (0..burst_bytes).map(|_| rng.gen()).collect(),
                mask: vec![true; burst_bytes],
            });
        }
    }
    let format = format.ok_or_else(|| format!("{file}: no requests in the trace"))?;
    if requests.is_empty() {
        return Err(format!("{file}: no requests in the trace"));
    }
    Ok(Trace {
        format,
        requests,
        folded,
    })
}
