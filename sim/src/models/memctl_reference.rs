//! Software reference of the memory controller: the same FR-FCFS policy
//! the hardware implements (row hits first, then oldest; an age cap;
//! separate read and write queues with write-drain watermarks; bank-group
//! aware; all-bank refresh with postponement), untimed in its logic but
//! exact in its timing. It gives the bandwidth the hardware should reach on
//! a trace.
//!
//! Timing here is kept the way a controller keeps it, as "earliest cycle
//! the next command of each kind may issue" per bank, bank group and
//! channel. The device model (`hbm.rs`) checks the same rules a different
//! way, from the cycles of past commands, so each checks the other.

use super::hbm::{Bank, Cmd};
use kaizen_hdl::memctl::config::ControllerConfig;
use kaizen_hdl::memctl::mapping::{map, Location, MapScheme};
use kaizen_hdl::memctl::params::MemParams;
use kaizen_hdl::memctl::queue::DEPTH;
use std::collections::VecDeque;

pub use kaizen_hdl::memctl::config::{PagePolicy, RefreshMode};

#[derive(Clone, Debug)]
pub struct SchedConfig {
    pub read_queue: usize,
    pub write_queue: usize,
    /// Start draining writes at this many queued writes ...
    pub write_high: usize,
    /// ... and stop at this many.
    pub write_low: usize,
    /// A request older than this (cycles since it entered a queue) goes first.
    pub age_cap: u64,
    pub page: PagePolicy,
    pub map: MapScheme,
    pub refresh: RefreshMode,
    /// Model the RTL's front end: one request accepted per cycle, and a
    /// request whose address matches a queued one waits at the port (the
    /// ideal front end takes every arrival its queue has room for).
    pub hardware_front_end: bool,
}

impl SchedConfig {
    /// The policy the RTL controller is built with, for comparing the two
    /// on one trace.
    pub fn for_hardware(c: &ControllerConfig) -> Self {
        Self {
            read_queue: DEPTH,
            write_queue: DEPTH,
            write_high: c.write_high as usize,
            write_low: c.write_low as usize,
            age_cap: u64::from(c.age_cap),
            page: c.page,
            map: c.map,
            refresh: c.refresh,
            hardware_front_end: true,
        }
    }
}

impl Default for SchedConfig {
    fn default() -> Self {
        Self {
            read_queue: 32,
            write_queue: 32,
            write_high: 24,
            write_low: 8,
            age_cap: 512,
            page: PagePolicy::Open,
            map: MapScheme::BankGroupInterleaved,
            refresh: RefreshMode::AllBank,
            hardware_front_end: false,
        }
    }
}

impl SchedConfig {
    pub fn check(&self) -> Result<(), String> {
        if self.read_queue == 0 || self.write_queue == 0 {
            return Err("queues need at least one entry".into());
        }
        if !(self.write_low < self.write_high && self.write_high <= self.write_queue) {
            return Err(format!(
                "write watermarks must satisfy low < high <= queue size (got {} < {} <= {})",
                self.write_low, self.write_high, self.write_queue
            ));
        }
        if self.age_cap == 0 {
            return Err("the age cap must be at least one cycle".into());
        }
        Ok(())
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Request {
    pub id: u32,
    /// Cycle the request is offered to the controller.
    pub arrival: u64,
    pub write: bool,
    /// Burst address.
    pub addr: u64,
    pub data: Vec<u8>,
    pub mask: Vec<bool>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RowOutcome {
    Hit,
    Miss,
    Conflict,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Served {
    pub id: u32,
    /// Cycle it entered a queue.
    pub accepted: u64,
    /// Cycle of its RD or WR command.
    pub issued: u64,
    /// Cycle its last data beat is on the bus.
    pub done: u64,
    pub row: RowOutcome,
}

#[derive(Clone, Debug, Default)]
pub struct Outcome {
    /// Every command with its cycle, in order.
    pub commands: Vec<(u64, Cmd)>,
    /// Per request, in the order their column commands issued.
    pub served: Vec<Served>,
    pub refreshes: u64,
    pub cycles: u64,
    pub data_busy_cycles: u64,
}

impl Outcome {
    /// Share of cycles the data bus carried data, from the first arrival to
    /// the last data beat.
    pub fn efficiency(&self, first_arrival: u64) -> f64 {
        let span = self.cycles.saturating_sub(first_arrival).max(1);
        self.data_busy_cycles as f64 / span as f64
    }
}

#[derive(Clone, Copy, Default)]
struct BankTiming {
    open: Option<u32>,
    act: u64,
    rd: u64,
    wr: u64,
    pre: u64,
}

struct Pending {
    req: Request,
    loc: Location,
    accepted: u64,
    first: Option<RowOutcome>,
}

struct Timing {
    banks: Vec<BankTiming>,
    group_act: Vec<u64>,
    group_rd: Vec<u64>,
    group_wr: Vec<u64>,
    act: u64,
    rd: u64,
    wr: u64,
    faw: VecDeque<u64>,
    bus_free: u64,
}

/// Cycles without any command while work is queued before the reference
/// declares itself stuck (longer than any timing rule, refresh included).
const STALL_LIMIT: u64 = 100_000;

pub fn schedule(p: &MemParams, cfg: &SchedConfig, requests: &[Request]) -> Result<Outcome, String> {
    let t = &p.timing;
    let g = &p.geometry;
    let bl = u64::from(p.burst_cycles());
    let bpg = g.banks_per_group;
    let nb = p.banks() as usize;
    let ng = g.bank_groups as usize;
    let idx = |l: &Location| (l.group * bpg + l.bank) as usize;
    let mut tm = Timing {
        banks: vec![BankTiming::default(); nb],
        group_act: vec![0; ng],
        group_rd: vec![0; ng],
        group_wr: vec![0; ng],
        act: 0,
        rd: 0,
        wr: 0,
        faw: VecDeque::new(),
        bus_free: 0,
    };
    let mut out = Outcome::default();
    let mut incoming = requests.iter().cloned().collect::<VecDeque<_>>();
    let mut reads: Vec<Pending> = vec![];
    let mut writes: Vec<Pending> = vec![];
    let mut draining = false;
    // Refreshes owed, in all-bank units (one per tREFI) ...
    let mut debt: i64 = 0;
    // ... and, in per-bank mode, per-bank refreshes owed and the next bank.
    let mut pb_owed: i64 = 0;
    let mut pb_next = 0usize;
    let mut last_data = 0u64;
    let mut now = 0u64;
    let mut last_command = 0u64;
    let total = requests.len();
    // Run until every request is served, its data is off the bus, and the
    // refreshes postponed so far are paid (per-bank: the banks' refreshes
    // due so far): efficiency then counts them.
    let owed = |debt: i64, pb_owed: i64| match cfg.refresh {
        RefreshMode::AllBank => debt,
        RefreshMode::PerBank => pb_owed,
    };
    while out.served.len() < total || now <= last_data || owed(debt, pb_owed) > 0 {
        if now > 0 && now.is_multiple_of(u64::from(t.trefi)) {
            debt += 1;
        }
        // Per-bank refreshes fall due evenly over the interval.
        let pb_period = (u64::from(t.trefi) / nb as u64).max(1);
        if cfg.refresh == RefreshMode::PerBank && now > 0 && now.is_multiple_of(pb_period) {
            pb_owed += 1;
        }
        // Accept arrivals in order while their queue has room.
        let mut accepted_now = 0;
        while let Some(r) = incoming.front() {
            if cfg.hardware_front_end
                && (accepted_now == 1 || reads.iter().chain(&writes).any(|o| o.req.addr == r.addr))
            {
                break;
            }
            accepted_now += 1;
            let (q, cap) = if r.write {
                (&mut writes, cfg.write_queue)
            } else {
                (&mut reads, cfg.read_queue)
            };
            if r.arrival > now || q.len() >= cap {
                break;
            }
            let r = incoming.pop_front().expect("front exists");
            let loc = map(cfg.map, g, r.addr);
            q.push(Pending {
                req: r,
                loc,
                accepted: now,
                first: None,
            });
        }
        if writes.len() >= cfg.write_high || (reads.is_empty() && !writes.is_empty()) {
            draining = true;
        }
        if draining && (writes.len() <= cfg.write_low && !reads.is_empty() || writes.is_empty()) {
            draining = false;
        }
        // Never wait on a queue whose every entry waits on the other one.
        let all_wait = |q: &[Pending], on: &[Pending]| {
            !q.is_empty()
                && q.iter().all(|r| {
                    on.iter()
                        .any(|o| o.req.addr == r.req.addr && o.req.id < r.req.id)
                })
        };
        if !draining && all_wait(&reads, &writes) {
            draining = true;
        } else if draining && all_wait(&writes, &reads) {
            draining = false;
        }
        // The age cap outranks the drain policy: the oldest request past the
        // cap -- or, if it waits on an older request to its address, that
        // one -- is served next, from whichever queue holds it.
        let over = |q: &[Pending]| {
            q.first()
                .filter(|r| now - r.accepted > cfg.age_cap)
                .map(|r| (r.req.id, r.req.addr))
        };
        let urgent = match (over(&reads), over(&writes)) {
            (Some(r), Some(w)) => Some(if r.0 < w.0 { r } else { w }),
            (r, w) => r.or(w),
        };
        let focus = urgent.and_then(|(_, addr)| {
            reads
                .iter()
                .chain(&writes)
                .filter(|r| r.req.addr == addr)
                .map(|r| r.req.id)
                .min()
        });
        if let Some(id) = focus {
            draining = writes.iter().any(|r| r.req.id == id);
        }
        let idle = reads.is_empty() && writes.is_empty();
        let must_refresh = cfg.refresh == RefreshMode::AllBank
            && (debt > i64::from(p.refresh.max_postponed) || (debt > 0 && idle));
        let mut issued: Option<Cmd> = None;
        // Per-bank mode: the next bank in turn is closed once nothing queued
        // hits it (or once too much is owed) and refreshed; others go on.
        // Round robin with the bank group fastest (the RTL's order): a
        // bank-group-interleaved stream loses one group's bank at a time.
        let pb_bank = (cfg.refresh == RefreshMode::PerBank && pb_owed > 0).then(|| {
            let (group, bank) = (pb_next % ng, pb_next / ng);
            group * bpg as usize + bank
        });
        if let Some(i) = pb_bank {
            let bank = bank_of(i as u32, bpg);
            let b = &tm.banks[i];
            let forced = pb_owed > i64::from(p.refresh.max_postponed) * nb as i64;
            let wanted = |q: &[Pending]| {
                q.iter().any(|r| {
                    (r.loc.group, r.loc.bank) == (bank.group, bank.bank)
                        && Some(r.loc.row) == b.open
                })
            };
            match b.open {
                Some(_) if (forced || !(wanted(&reads) || wanted(&writes))) && b.pre <= now => {
                    issued = Some(Cmd::Pre { bank })
                }
                None if b.act <= now => issued = Some(Cmd::RefBank { bank }),
                _ => {}
            }
        }
        if issued.is_some() {
        } else if must_refresh {
            // Close every open bank, then refresh them all.
            if let Some(i) = (0..nb).find(|&i| tm.banks[i].open.is_some()) {
                if tm.banks[i].pre <= now {
                    issued = Some(Cmd::Pre {
                        bank: bank_of(i as u32, bpg),
                    });
                }
            } else if tm.banks.iter().all(|b| b.act <= now) {
                issued = Some(Cmd::RefAll);
            }
        } else {
            issued = if draining {
                pick(now, cfg, p, &tm, &mut writes, &reads, focus, pb_bank, &idx)
            } else {
                pick(now, cfg, p, &tm, &mut reads, &writes, focus, pb_bank, &idx)
            };
        }
        if let Some(cmd) = issued.clone() {
            match &cmd {
                Cmd::Act { bank, row } => {
                    let i = (bank.group * bpg + bank.bank) as usize;
                    let b = &mut tm.banks[i];
                    b.open = Some(*row);
                    b.rd = b.rd.max(now + u64::from(t.trcd_rd));
                    b.wr = b.wr.max(now + u64::from(t.trcd_wr));
                    b.pre = b.pre.max(now + u64::from(t.tras));
                    b.act = b.act.max(now + u64::from(t.trc));
                    tm.group_act[bank.group as usize] = now + u64::from(t.trrd_l);
                    tm.act = now + u64::from(t.trrd_s);
                    tm.faw.push_back(now);
                    if tm.faw.len() > 4 {
                        tm.faw.pop_front();
                    }
                }
                Cmd::Pre { bank } => {
                    let b = &mut tm.banks[(bank.group * bpg + bank.bank) as usize];
                    b.open = None;
                    b.act = b.act.max(now + u64::from(t.trp));
                    // tPPD: the next PRE, to any bank, waits.
                    for b in &mut tm.banks {
                        b.pre = b.pre.max(now + u64::from(t.tppd));
                    }
                }
                Cmd::RefAll => {
                    for b in &mut tm.banks {
                        b.act = b.act.max(now + u64::from(t.trfcab));
                    }
                    debt -= 1;
                    out.refreshes += 1;
                }
                Cmd::Rd { bank, .. } | Cmd::Wr { bank, .. } => {
                    let write = matches!(cmd, Cmd::Wr { .. });
                    let gi = bank.group as usize;
                    let i = (bank.group * bpg + bank.bank) as usize;
                    let start = now + u64::from(if write { t.wl } else { t.rl });
                    tm.bus_free = start + bl;
                    last_data = last_data.max(start + bl - 1);
                    out.data_busy_cycles += bl;
                    if write {
                        let end = start + bl;
                        tm.group_wr[gi] = now + u64::from(t.tccd_l);
                        tm.wr = now + u64::from(t.tccd_s);
                        tm.group_rd[gi] = tm.group_rd[gi].max(end + u64::from(t.twtr_l));
                        tm.rd = tm.rd.max(end + u64::from(t.twtr_s));
                        tm.banks[i].pre = tm.banks[i].pre.max(end + u64::from(t.twr));
                    } else {
                        tm.group_rd[gi] = now + u64::from(t.tccd_l);
                        tm.rd = now + u64::from(t.tccd_s);
                        tm.wr = tm.wr.max(now + u64::from(t.trtw));
                        tm.banks[i].pre = tm.banks[i].pre.max(now + u64::from(t.trtp));
                    }
                    // Retire the request this command served.
                    let q = if write { &mut writes } else { &mut reads };
                    let k = q
                        .iter()
                        .position(|r| {
                            r.loc.group == bank.group
                                && r.loc.bank == bank.bank
                                && Some(r.loc.row) == tm.banks[i].open
                                && is_ready_col(&cmd, r)
                        })
                        .expect("a column command serves a queued request");
                    let r = q.remove(k);
                    out.served.push(Served {
                        id: r.req.id,
                        accepted: r.accepted,
                        issued: now,
                        done: start + bl - 1,
                        row: r.first.unwrap_or(RowOutcome::Hit),
                    });
                }
                Cmd::RefBank { bank } => {
                    // tRREFD: other banks' ACT and REFpb wait (both are
                    // gated by a bank's `act` time); this bank waits tRFCpb.
                    for b in &mut tm.banks {
                        b.act = b.act.max(now + u64::from(t.trrefd));
                    }
                    let b = &mut tm.banks[(bank.group * bpg + bank.bank) as usize];
                    b.act = b.act.max(now + u64::from(t.trfcpb));
                    pb_owed -= 1;
                    pb_next = (pb_next + 1) % nb;
                    if pb_next == 0 {
                        debt -= 1; // a full round pays one interval
                    }
                    out.refreshes += 1;
                }
                Cmd::PreAll => {}
            }
            out.commands.push((now, cmd));
            last_command = now;
        }
        let waiting = !reads.is_empty() || !writes.is_empty();
        if waiting && now > last_command + STALL_LIMIT {
            return Err(format!("reference scheduler stuck at cycle {now}: {} reads and {} writes queued, no command for {STALL_LIMIT} cycles", reads.len(), writes.len()));
        }
        now += 1;
    }
    out.cycles = now;
    Ok(out)
}

fn bank_of(i: u32, bpg: u32) -> Bank {
    Bank {
        group: i / bpg,
        bank: i % bpg,
    }
}

fn is_ready_col(cmd: &Cmd, r: &Pending) -> bool {
    match cmd {
        Cmd::Rd { col, .. } | Cmd::Wr { col, .. } => *col == r.loc.col,
        _ => false,
    }
}

/// FR-FCFS over `queue`: the oldest request past the age cap first;
/// otherwise the oldest row hit that may issue now; otherwise the oldest
/// request's ACT or PRE. A request waits while an older request to the
/// same address is queued (in either queue), so data stays in order.
#[allow(clippy::too_many_arguments)]
fn pick(
    now: u64,
    cfg: &SchedConfig,
    p: &MemParams,
    tm: &Timing,
    queue: &mut [Pending],
    other: &[Pending],
    focus: Option<u32>,
    refreshing: Option<usize>,
    idx: &dyn Fn(&Location) -> usize,
) -> Option<Cmd> {
    let t = &p.timing;
    let blocked = |r: &Pending| {
        other
            .iter()
            .any(|o| o.req.addr == r.req.addr && o.req.id < r.req.id)
            || queue
                .iter()
                .any(|o| o.req.addr == r.req.addr && o.req.id < r.req.id)
    };
    let col_ok = |r: &Pending| {
        let b = &tm.banks[idx(&r.loc)];
        let gi = r.loc.group as usize;
        let (bank_ok, group_ok, chan_ok, lat) = if r.req.write {
            (b.wr, tm.group_wr[gi], tm.wr, t.wl)
        } else {
            (b.rd, tm.group_rd[gi], tm.rd, t.rl)
        };
        b.open == Some(r.loc.row)
            && now >= bank_ok
            && now >= group_ok
            && now >= chan_ok
            && now + u64::from(lat) >= tm.bus_free
    };
    let act_ok = |r: &Pending| {
        let b = &tm.banks[idx(&r.loc)];
        refreshing != Some(idx(&r.loc))
            && b.open.is_none()
            && now >= b.act
            && now >= tm.group_act[r.loc.group as usize]
            && now >= tm.act
            && (tm.faw.len() < 4 || now >= tm.faw[0] + u64::from(t.tfaw))
    };
    // Requests in either queue that hit a row: closing it under them would
    // make the two queues take turns opening and closing the same bank.
    let hits_in = |loc: &Location, q: &[Pending]| {
        q.iter()
            .any(|o| o.loc.group == loc.group && o.loc.bank == loc.bank && o.loc.row == loc.row)
    };
    // Requests in age order (queues are kept in arrival order).
    // A request past the age cap goes first; others may still use banks it
    // does not need, so the cap costs no parallelism.
    let focused = focus.and_then(|id| queue.iter().position(|r| r.req.id == id));
    let candidates: Vec<usize> = match focused {
        Some(k) => std::iter::once(k)
            .chain((0..queue.len()).filter(|&j| {
                j != k
                    && (queue[j].loc.group, queue[j].loc.bank)
                        != (queue[k].loc.group, queue[k].loc.bank)
            }))
            .collect(),
        None => (0..queue.len()).collect(),
    };
    // 1. Row hits.
    for &k in &candidates {
        let r = &queue[k];
        if !blocked(r) && col_ok(r) {
            let cmd = if r.req.write {
                Cmd::Wr {
                    bank: Bank {
                        group: r.loc.group,
                        bank: r.loc.bank,
                    },
                    col: r.loc.col,
                    data: r.req.data.clone(),
                    mask: r.req.mask.clone(),
                }
            } else {
                Cmd::Rd {
                    bank: Bank {
                        group: r.loc.group,
                        bank: r.loc.bank,
                    },
                    col: r.loc.col,
                }
            };
            return Some(cmd);
        }
    }
    // 2. Open or close rows for the oldest requests.
    for &k in &candidates {
        let r = &queue[k];
        if blocked(r) {
            continue;
        }
        let b = &tm.banks[idx(&r.loc)];
        let bank = Bank {
            group: r.loc.group,
            bank: r.loc.bank,
        };
        match b.open {
            None if act_ok(r) => {
                let row = r.loc.row;
                queue[k].first.get_or_insert(RowOutcome::Miss);
                return Some(Cmd::Act { bank, row });
            }
            Some(row) if row != r.loc.row => {
                // Close only when nothing queued still hits the open row
                // (or this request is past the age cap).
                let open_loc = Location { row, ..r.loc };
                if (Some(k) == focused || !(hits_in(&open_loc, queue) || hits_in(&open_loc, other)))
                    && now >= b.pre
                {
                    queue[k].first.get_or_insert(RowOutcome::Conflict);
                    return Some(Cmd::Pre { bank });
                }
            }
            _ => {}
        }
    }
    // 3. Closed-page policy: close rows nobody queued wants.
    if cfg.page == PagePolicy::Closed {
        for (i, b) in tm.banks.iter().enumerate() {
            if let Some(row) = b.open {
                let bank = bank_of(i as u32, p.geometry.banks_per_group);
                let loc = Location {
                    group: bank.group,
                    bank: bank.bank,
                    row,
                    col: 0,
                };
                if !hits_in(&loc, queue) && !hits_in(&loc, other) && now >= b.pre {
                    return Some(Cmd::Pre { bank });
                }
            }
        }
    }
    None
}
