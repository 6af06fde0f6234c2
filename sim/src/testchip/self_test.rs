//! The host's side of the chip's self-tests, and their checks.
//!
//! Each test is started as a host would: register writes over the link.
//! Its results are read back over the link and compared with what the
//! bench knows independently:
//!
//! - link: the channel model's own record of every bit it changed
//!   (`Channel::last_errors`), summed over exactly the clocks each checker
//!   compared (the chip's from its `link_test_running` pin and its
//!   `LANE_BITS`; the host's from its own counter). While the test holds the
//!   link, die A's PHY is held in reset and the host drives and reads the
//!   lanes itself (`prbs.rs`).
//! - memory: the device model's count of RD and WR commands during the test,
//!   the read bursts the bench corrupted on purpose (the chip must count
//!   exactly those as errors), and the span of the test's commands at the
//!   DFI port against the chip's cycle count.

use super::host::Host;
use super::prbs::{Counter, Source};
use crate::models::hbm::Cmd;
use kaizen_hdl::memctl::mapping::{map, MapScheme};
use kaizen_hdl::memctl::params::Geometry;
use kaizen_hdl::testchip::link_test::{mode, SETTLE};
use kaizen_hdl::testchip::mem_test::{operation, pattern, pattern_data, random_start, PRBS23};
use kaizen_hdl::testchip::registers::register;
use kaizen_hdl::testchip::transaction::Message;
use std::collections::{HashMap, VecDeque};
use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub enum LinkMode {
    Prbs,
    FarEnd,
    NearEnd,
}

impl LinkMode {
    pub fn code(self) -> u32 {
        (match self {
            Self::Prbs => mode::PRBS,
            Self::FarEnd => mode::FAR_END,
            Self::NearEnd => mode::NEAR_END,
        }) as u32
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub enum MemPattern {
    Sequential,
    Random,
    Stride(u32),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub enum MemOp {
    Read,
    Write,
    WriteRead,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub enum SelfTest {
    Link {
        mode: LinkMode,
        clocks: u32,
    },
    Memory {
        pattern: MemPattern,
        op: MemOp,
        count: u32,
        base: u32,
        seed: u16,
    },
}

impl fmt::Display for SelfTest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Link { mode, clocks } => write!(f, "link {mode:?} for {clocks} clocks"),
            Self::Memory {
                pattern,
                op,
                count,
                base,
                seed,
            } => write!(
                f,
                "memory {op:?} {pattern:?} over {count} bursts from {base:#x}, seed {seed}"
            ),
        }
    }
}

/// One lane's result as the chip (or the host) counted it, and what the
/// channel did over the same clocks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct LaneResult {
    pub locked: bool,
    pub errors: u64,
    pub bits: u64,
    pub injected: u64,
}

#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct LinkTestReport {
    pub mode: LinkMode,
    pub clocks: u32,
    /// The chip's checkers, read over the link.
    pub chip: Vec<LaneResult>,
    /// The host's counters (PRBS: the chip's PRBS; far end: its own back).
    pub host: Vec<LaneResult>,
}

#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct MemTestReport {
    pub test: SelfTest,
    pub answered: u32,
    pub errors: u32,
    pub cycles: u32,
    pub latency_sum: u32,
    pub latency_max: u32,
    /// Read bursts the bench corrupted during the test.
    pub corrupted: u64,
    /// Read bursts that reached the chip other than the test's data for
    /// their address (the memory did not hold it, or the bench corrupted
    /// it): what the chip must count.
    pub wrong_reads: u64,
    pub device_reads: u64,
    pub device_writes: u64,
    /// Controller clocks from the test's first DFI command to its last.
    pub dfi_span: u64,
    pub mc_period_ps: u64,
}

impl MemTestReport {
    pub fn gbps(&self) -> f64 {
        f64::from(self.answered) * 32.0
            / (f64::from(self.cycles.max(1)) * self.mc_period_ps as f64 * 1e-3)
    }

    pub fn mean_latency_ns(&self) -> f64 {
        f64::from(self.latency_sum) / f64::from(self.answered.max(1)) * self.mc_period_ps as f64
            / 1000.0
    }
}

/// What the bench must do this link clock.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Control {
    /// No host traffic may go (a test runs or is being set up).
    pub hold_traffic: bool,
    /// Die A's PHY is held in reset and the host drives the lanes.
    pub lanes_owned: bool,
}

enum Phase {
    Idle,
    /// Register writes sent; waiting for `answers` register answers.
    Starting {
        answers: usize,
    },
    /// The link test holds the link, from the host's clock `from`.
    Lanes {
        from: u64,
    },
    /// Waiting for the link to train again.
    Retraining,
    /// Polling MEM_TEST_STATUS: the answer awaited, if a poll is out.
    Polling {
        waiting: Option<usize>,
        next_poll: u64,
    },
    /// Results asked for; waiting for `answers`.
    Reading {
        answers: usize,
    },
}

/// Per-lane logs of one link test.
#[derive(Default)]
struct LaneLog {
    /// Channel errors (to the chip) of clocks whose word the chip compared,
    /// in order; the word at clock `n` counts if `running` reads 1 at `n + 1`.
    chip_counted: Vec<Vec<u32>>,
    /// Per clock of the test, the channel's errors each way, one word per
    /// lane (clock `i`, lane `l` at `i * lanes + l`).
    to_chip: Vec<u64>,
    to_host: Vec<u64>,
}

pub struct SelfTests {
    queue: VecDeque<SelfTest>,
    current: Option<SelfTest>,
    phase: Phase,
    lanes: usize,
    bits: usize,
    /// Per lane, the delay of the chip-to-host channel.
    delay_to_host: Vec<usize>,
    sources: Vec<Source>,
    counters: Vec<Counter>,
    log: LaneLog,
    /// First of the register answers awaited.
    cursor: usize,
    /// The host's clock of the link test's first logged clock.
    log_from: u64,
    pub link_reports: Vec<LinkTestReport>,
    pub mem_reports: Vec<MemTestReport>,
    /// Memory test accounting, filled by the bench on controller clocks.
    pub mem_running: bool,
    pub mem_corrupted: u64,
    pub mem_reads: u64,
    pub mem_writes: u64,
    pub mem_first_cmd: Option<u64>,
    pub mem_last_cmd: u64,
    mc_period_ps: u64,
    /// The memory test's addresses by location, its seed, each bank's open
    /// row, and the addresses of the reads whose data is still to come.
    scheme: MapScheme,
    geometry: Geometry,
    locations: HashMap<(u32, u32, u32, u32), u32>,
    mem_seed: u16,
    open_rows: HashMap<(u32, u32), u32>,
    reads_due: VecDeque<u32>,
    mem_wrong: u64,
}

const POLL_EVERY: u64 = 2000;
/// Host clocks after the start's acknowledge it leaves the lanes to the
/// test: settle, compare, and a margin for the acknowledge's own latency.
const MARGIN: u64 = 1024;
/// The host counts from `SETTLE` after the acknowledge to this many clocks
/// before the chip's comparison could end (the acknowledge took under this
/// long to arrive), so its window lies inside the chip's stream.
const HOST_GUARD: u64 = 1024;

impl SelfTests {
    pub fn new(
        tests: &[SelfTest],
        lanes: usize,
        bits: usize,
        delay_to_host: Vec<usize>,
        mc_period_ps: u64,
        scheme: MapScheme,
        geometry: Geometry,
    ) -> Self {
        Self {
            queue: tests.iter().copied().collect(),
            current: None,
            phase: Phase::Idle,
            lanes,
            bits,
            delay_to_host,
            sources: vec![],
            counters: vec![],
            log: LaneLog::default(),
            cursor: 0,
            log_from: 0,
            link_reports: vec![],
            mem_reports: vec![],
            mem_running: false,
            mem_corrupted: 0,
            mem_reads: 0,
            mem_writes: 0,
            mem_first_cmd: None,
            mem_last_cmd: 0,
            mc_period_ps,
            scheme,
            geometry,
            locations: HashMap::new(),
            mem_seed: 0,
            open_rows: HashMap::new(),
            reads_due: VecDeque::new(),
            mem_wrong: 0,
        }
    }

    /// A command at the DFI port during a memory test: RD and WR counted,
    /// rows followed, and each RD's address found from the test's own
    /// address list (a command outside it is an error).
    pub fn mem_command(&mut self, cmd: &Cmd, mc_now: u64) -> Result<(), String> {
        match *cmd {
            Cmd::Act { bank, row } => {
                self.open_rows.insert((bank.group, bank.bank), row);
            }
            Cmd::Rd { bank, col } | Cmd::Wr { bank, col, .. } => {
                let row = self.open_rows.get(&(bank.group, bank.bank)).copied();
                let addr =
                    row.and_then(|row| self.locations.get(&(bank.group, bank.bank, row, col)));
                let Some(&addr) = addr else {
                    return Err(format!(
                        "memory self-test: a command at bank {}.{} column {col} (row {row:?}) outside the test's addresses",
                        bank.group, bank.bank
                    ));
                };
                if matches!(cmd, Cmd::Rd { .. }) {
                    self.mem_reads += 1;
                    self.reads_due.push_back(addr);
                } else {
                    self.mem_writes += 1;
                }
                self.mem_first_cmd.get_or_insert(mc_now);
                self.mem_last_cmd = mc_now;
            }
            _ => {}
        }
        Ok(())
    }

    /// Whether read data now returning belongs to a memory test.
    pub fn mem_read_due(&self) -> bool {
        !self.reads_due.is_empty()
    }

    /// The read data as it reaches the chip (after any corruption).
    pub fn mem_read_data(&mut self, data: &[u8]) {
        let addr = self.reads_due.pop_front().expect("checked by mem_read_due");
        if data != pattern_data(addr, self.mem_seed) {
            self.mem_wrong += 1;
        }
    }

    pub fn done(&self) -> bool {
        self.queue.is_empty() && self.current.is_none()
    }

    /// One link clock of the host, before it picks its next payload.
    /// `link_up`: both dies are ACTIVE.
    pub fn step(&mut self, now: u64, host: &mut Host, link_up: bool) -> Result<Control, String> {
        let reg = |n: &str| register(n).expect("mapped").index;
        let write = |host: &mut Host, n: &str, value: u32| {
            host.csr(Message::CsrWrite {
                tag: 0,
                addr: reg(n),
                value,
            })
        };
        let read = |host: &mut Host, addr: u32| host.csr(Message::CsrRead { tag: 0, addr });
        match self.phase {
            Phase::Idle => {
                let Some(t) = self.queue.front().copied() else {
                    return Ok(Control::default());
                };
                // Start only with nothing outstanding.
                if !host.idle() || !link_up {
                    return Ok(Control {
                        hold_traffic: true,
                        lanes_owned: false,
                    });
                }
                self.queue.pop_front();
                self.current = Some(t);
                self.cursor = host.csr_answers.len();
                let answers = match t {
                    SelfTest::Link { mode, clocks } => {
                        write(host, "LINK_TEST_CLOCKS", clocks);
                        write(host, "LINK_TEST", mode.code());
                        2
                    }
                    SelfTest::Memory {
                        pattern: p,
                        op,
                        count,
                        base,
                        seed,
                    } => {
                        let (code, stride) = match p {
                            MemPattern::Sequential => (pattern::SEQUENTIAL, 1),
                            MemPattern::Random => (pattern::RANDOM, 1),
                            MemPattern::Stride(s) => (pattern::STRIDE, s),
                        };
                        let op = match op {
                            MemOp::Read => operation::READ,
                            MemOp::Write => operation::WRITE,
                            MemOp::WriteRead => operation::WRITE_READ,
                        };
                        write(host, "MEM_TEST_COUNT", count);
                        write(host, "MEM_TEST_BASE", base);
                        write(host, "MEM_TEST_STRIDE", stride);
                        write(host, "MEM_TEST_SEED", u32::from(seed));
                        self.mem_corrupted = 0;
                        self.mem_reads = 0;
                        self.mem_writes = 0;
                        self.mem_wrong = 0;
                        self.mem_first_cmd = None;
                        self.mem_seed = seed;
                        self.locations = addresses(p, count, base, seed)
                            .into_iter()
                            .map(|a| {
                                let l = map(self.scheme, &self.geometry, u64::from(a));
                                ((l.group, l.bank, l.row, l.col), a)
                            })
                            .collect();
                        write(host, "MEM_TEST", (code | (op << 4)) as u32);
                        5
                    }
                };
                self.phase = Phase::Starting { answers };
            }
            Phase::Starting { answers } => {
                let since = self.cursor;
                if host.csr_answers.len() >= since + answers {
                    for (asked, answer) in &host.csr_answers[since..] {
                        if !matches!(answer, Message::CsrAck { .. }) {
                            return Err(format!("self-test set-up: {asked:?} answered {answer:?}"));
                        }
                    }
                    match self.current.expect("a test runs") {
                        SelfTest::Link { .. } => {
                            self.sources = (0..self.lanes)
                                .map(|l| {
                                    Source::new(
                                        0x2545_f491 ^ (l as u32 + 1).wrapping_mul(0x9e37_79b9),
                                    )
                                })
                                .collect();
                            self.counters = vec![Counter::default(); self.lanes];
                            self.log = LaneLog {
                                chip_counted: vec![vec![]; self.lanes],
                                ..LaneLog::default()
                            };
                            self.phase = Phase::Lanes { from: now };
                            return Ok(Control {
                                hold_traffic: true,
                                lanes_owned: true,
                            });
                        }
                        SelfTest::Memory { .. } => {
                            self.phase = Phase::Polling {
                                waiting: None,
                                next_poll: now + POLL_EVERY,
                            };
                        }
                    }
                }
            }
            Phase::Lanes { from } => {
                let SelfTest::Link { clocks, .. } = self.current.expect("a test runs") else {
                    unreachable!("lanes are held for link tests only")
                };
                if now < from + u64::from(SETTLE) + u64::from(clocks) + MARGIN {
                    return Ok(Control {
                        hold_traffic: true,
                        lanes_owned: true,
                    });
                }
                self.phase = Phase::Retraining;
            }
            Phase::Retraining => {
                if link_up {
                    self.cursor = host.csr_answers.len();
                    read(host, reg("LINK_TEST_STATUS"));
                    let errors = reg("LANE_ERRORS");
                    let bits = reg("LANE_BITS");
                    for l in 0..self.lanes as u32 {
                        read(host, errors + l);
                        read(host, bits + l);
                    }
                    self.phase = Phase::Reading {
                        answers: 1 + 2 * self.lanes,
                    };
                }
            }
            Phase::Polling { waiting, next_poll } => match waiting {
                None if now >= next_poll => {
                    self.phase = Phase::Polling {
                        waiting: Some(host.csr_answers.len()),
                        next_poll,
                    };
                    read(host, reg("MEM_TEST_STATUS"));
                }
                Some(i) if host.csr_answers.len() > i => {
                    let finished = matches!(host.csr_answers[i].1, Message::CsrData { value, .. } if value & 3 == 2);
                    if finished {
                        self.cursor = host.csr_answers.len();
                        for n in [
                            "MEM_TEST_DONE",
                            "MEM_TEST_ERRORS",
                            "MEM_TEST_CYCLES",
                            "MEM_TEST_LATENCY_SUM",
                            "MEM_TEST_LATENCY_MAX",
                        ] {
                            read(host, reg(n));
                        }
                        self.phase = Phase::Reading { answers: 5 };
                    } else {
                        self.phase = Phase::Polling {
                            waiting: None,
                            next_poll: now + POLL_EVERY,
                        };
                    }
                }
                _ => {}
            },
            Phase::Reading { answers } => {
                let since = self.cursor;
                if host.csr_answers.len() >= since + answers {
                    let values = host.csr_answers[since..since + answers]
                        .iter()
                        .map(|(asked, answer)| match answer {
                            Message::CsrData { value, .. } => Ok(*value),
                            other => Err(format!("self-test result: {asked:?} answered {other:?}")),
                        })
                        .collect::<Result<Vec<u32>, String>>()?;
                    self.finish(&values)?;
                    self.current = None;
                    self.phase = Phase::Idle;
                }
            }
        }
        let lanes_owned = matches!(self.phase, Phase::Lanes { .. });
        Ok(Control {
            hold_traffic: self.current.is_some() || !self.queue.is_empty(),
            lanes_owned,
        })
    }

    /// The host's lane words this clock, while it owns the lanes.
    pub fn lanes_to_chip(&mut self) -> Vec<u64> {
        let sends = matches!(
            self.current,
            Some(SelfTest::Link {
                mode: LinkMode::Prbs | LinkMode::FarEnd,
                ..
            })
        );
        let bits = self.bits;
        self.sources
            .iter_mut()
            .map(|s| if sends { s.word(bits) } else { 0 })
            .collect()
    }

    /// A clock while the host owns the lanes: what reached the host, the
    /// channel's errors each way this clock, and the chip's running pin.
    pub fn observe(
        &mut self,
        now: u64,
        rx: &[u64],
        to_chip: &[u64],
        to_host: &[u64],
        running: bool,
    ) {
        let bits = self.bits;
        if let (Phase::Lanes { from }, Some(SelfTest::Link { clocks, .. })) =
            (&self.phase, self.current)
        {
            let start = from + u64::from(SETTLE);
            if (start..start + u64::from(clocks).saturating_sub(HOST_GUARD)).contains(&now) {
                for (c, &w) in self.counters.iter_mut().zip(rx) {
                    c.word(w, bits, now);
                }
            }
        }
        // The word logged last clock was compared if the chip runs now.
        let n = self.lanes;
        if running && self.log.to_chip.len() >= n {
            let prev = &self.log.to_chip[self.log.to_chip.len() - n..];
            for (counted, e) in self.log.chip_counted.iter_mut().zip(prev) {
                counted.push(e.count_ones());
            }
        }
        if self.log.to_chip.is_empty() {
            self.log_from = now;
        }
        self.log.to_chip.extend_from_slice(to_chip);
        self.log.to_host.extend_from_slice(to_host);
    }

    fn finish(&mut self, values: &[u32]) -> Result<(), String> {
        let test = self.current.expect("a test runs");
        match test {
            SelfTest::Link { mode, clocks } => self.finish_link(mode, clocks, values),
            SelfTest::Memory { .. } => {
                let r = MemTestReport {
                    test,
                    answered: values[0],
                    errors: values[1],
                    cycles: values[2],
                    latency_sum: values[3],
                    latency_max: values[4],
                    corrupted: self.mem_corrupted,
                    wrong_reads: self.mem_wrong,
                    device_reads: self.mem_reads,
                    device_writes: self.mem_writes,
                    dfi_span: self
                        .mem_first_cmd
                        .map_or(0, |f| self.mem_last_cmd.saturating_sub(f)),
                    mc_period_ps: self.mc_period_ps,
                };
                check_memory(&r)?;
                self.mem_reports.push(r);
                Ok(())
            }
        }
    }

    fn finish_link(&mut self, mode: LinkMode, clocks: u32, values: &[u32]) -> Result<(), String> {
        let status = values[0];
        let first = self.log_from;
        let mut chip = vec![];
        for l in 0..self.lanes {
            let (errors, bits) = (u64::from(values[1 + 2 * l]), u64::from(values[2 + 2 * l]));
            let counted = &self.log.chip_counted[l];
            let compared = (bits / self.bits as u64) as usize;
            if compared > counted.len() {
                return Err(format!(
                    "link self-test: lane {l} compared {bits} bits, but it ran only {} clocks",
                    counted.len()
                ));
            }
            let injected: u64 = if mode == LinkMode::NearEnd {
                0
            } else {
                counted[counted.len() - compared..]
                    .iter()
                    .map(|&e| u64::from(e))
                    .sum()
            };
            chip.push(LaneResult {
                // Counts are dropped when a lock is lost: a lane compared
                // bits if and only if it is locked (the status has the count).
                locked: bits > 0,
                errors,
                bits,
                injected,
            });
        }
        let mut host = vec![];
        if mode != LinkMode::NearEnd {
            for l in 0..self.lanes {
                let c = &self.counters[l];
                let injected = c.span(self.bits).map_or(0, |(a, b)| {
                    (a..=b)
                        .map(|n| {
                            let i = (n - first) as usize;
                            let mut e = self.log.to_host[i * self.lanes + l];
                            if mode == LinkMode::FarEnd {
                                // The chip loops back the word it took one clock
                                // after it arrived.
                                let j = i.checked_sub(1 + self.delay_to_host[l]);
                                e ^= j.map_or(0, |j| self.log.to_chip[j * self.lanes + l]);
                            }
                            u64::from(e.count_ones())
                        })
                        .sum()
                });
                host.push(LaneResult {
                    locked: c.locked,
                    errors: c.errors,
                    bits: c.compared,
                    injected,
                });
            }
        }
        let r = LinkTestReport {
            mode,
            clocks,
            chip,
            host,
        };
        if status & 3 != 2 {
            return Err(format!(
                "link self-test: LINK_TEST_STATUS reads {status:#x}, not finished"
            ));
        }
        for (side, lanes) in [("chip", &r.chip), ("host", &r.host)] {
            for (l, x) in lanes.iter().enumerate() {
                if x.errors != x.injected {
                    return Err(format!(
                        "link self-test ({mode:?}): the {side} counted {} errors on lane {l} over {} bits, the channel made {}",
                        x.errors, x.bits, x.injected
                    ));
                }
            }
        }
        self.link_reports.push(r);
        Ok(())
    }
}

/// What a memory test must show: every request answered, exactly the
/// corrupted reads counted as errors, the device saw the test's commands,
/// and the chip's clock count covers the commands it sent.
fn check_memory(r: &MemTestReport) -> Result<(), String> {
    let SelfTest::Memory { op, count, .. } = r.test else {
        unreachable!("a memory test")
    };
    let (reads, writes) = match op {
        MemOp::Read => (count, 0),
        MemOp::Write => (0, count),
        MemOp::WriteRead => (count, count),
    };
    let bad = |m: String| Err(format!("memory self-test ({}): {m}", r.test));
    if r.answered != reads + writes {
        return bad(format!(
            "{} requests answered of {}",
            r.answered,
            reads + writes
        ));
    }
    if (r.device_reads, r.device_writes) != (u64::from(reads), u64::from(writes)) {
        return bad(format!(
            "the device saw {} RD and {} WR, the test makes {reads} and {writes}",
            r.device_reads, r.device_writes
        ));
    }
    if u64::from(r.errors) != r.wrong_reads {
        return bad(format!(
            "the chip counted {} read errors, {} reads returned other data than the test's ({} of them corrupted by the bench)",
            r.errors, r.wrong_reads, r.corrupted
        ));
    }
    // The first request waits at most one latency for its command, the last
    // response comes at most one latency after its command.
    let most = r.dfi_span + 2 * u64::from(r.latency_max);
    if !(r.dfi_span..=most).contains(&u64::from(r.cycles)) {
        return bad(format!(
            "the chip measured {} clocks, its commands at the DFI port spanned {} (latency at most {})",
            r.cycles, r.dfi_span, r.latency_max
        ));
    }
    Ok(())
}

/// The burst addresses a memory test visits, in order, from the sequences
/// as `mem_test.rs` documents them.
pub fn addresses(p: MemPattern, count: u32, base: u32, seed: u16) -> Vec<u32> {
    const MASK: u32 = (1 << 23) - 1;
    let mut s = random_start(seed);
    (0..count)
        .map(|i| {
            let a = match p {
                MemPattern::Sequential => base.wrapping_add(i),
                MemPattern::Stride(k) => base.wrapping_add(i.wrapping_mul(k)),
                MemPattern::Random => {
                    let a = base ^ s as u32;
                    s = PRBS23.step(s).0;
                    a
                }
            };
            a & MASK
        })
        .collect()
}

impl SelfTest {
    /// `prbs`, `far-end` or `near-end` (link, `=CLOCKS`, default 65536);
    /// `mem-OP-PATTERN` (memory, `=COUNT`, default 4096) with OP `read`,
    /// `write` or `write-read` and PATTERN `seq`, `random` or `strideN`.
    pub fn parse(spec: &str, seed: u16) -> Result<Self, String> {
        let (name, n) = match spec.split_once('=') {
            Some((name, n)) => {
                let n: u32 = n
                    .parse()
                    .map_err(|_| format!("self-test `{spec}`: `{n}` is not a count"))?;
                (name, Some(n))
            }
            None => (spec, None),
        };
        let link = |mode| {
            Ok(Self::Link {
                mode,
                clocks: n.unwrap_or(65536).max(1),
            })
        };
        match name {
            "prbs" => return link(LinkMode::Prbs),
            "far-end" => return link(LinkMode::FarEnd),
            "near-end" => return link(LinkMode::NearEnd),
            _ => {}
        }
        let bad = || {
            format!(
                "unknown self-test `{spec}`: prbs, far-end, near-end, or mem-OP-PATTERN (OP read, write, write-read; PATTERN seq, random, strideN), each with an optional =N"
            )
        };
        let rest = name.strip_prefix("mem-").ok_or_else(bad)?;
        let (op, pattern) = if let Some(p) = rest.strip_prefix("write-read-") {
            (MemOp::WriteRead, p)
        } else if let Some(p) = rest.strip_prefix("write-") {
            (MemOp::Write, p)
        } else if let Some(p) = rest.strip_prefix("read-") {
            (MemOp::Read, p)
        } else {
            return Err(bad());
        };
        let pattern = match pattern {
            "seq" => MemPattern::Sequential,
            "random" => MemPattern::Random,
            p => {
                let s: u32 = p
                    .strip_prefix("stride")
                    .and_then(|s| s.parse().ok())
                    .ok_or_else(bad)?;
                if s == 0 || s >= 1 << 23 {
                    return Err(format!(
                        "self-test `{spec}`: the stride must be 1 ..= 2^23 - 1"
                    ));
                }
                MemPattern::Stride(s)
            }
        };
        let count = n.unwrap_or(4096);
        if count >= 1 << 24 {
            return Err(format!("self-test `{spec}`: at most 2^24 - 1 addresses"));
        }
        Ok(Self::Memory {
            pattern,
            op,
            count,
            base: 0,
            seed,
        })
    }
}
