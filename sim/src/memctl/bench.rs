//! Test bench of the RTL memory controller: drives a request trace into its
//! front end, connects its DFI-style port to the HBM device model (which
//! checks every command and keeps the data), takes responses under optional
//! random back-pressure, and checks what a controller owes: every request
//! answered exactly once with the right ID, read data equal to the last
//! write before it in request order (or the device's initial pattern), no
//! timing violation, refresh paid.
//!
//! Works on any [`Simulator`] (Verilator, rust-hdl, both in lock-step).

use crate::bench::{Bench, PortId, Simulator};
use crate::models::hbm::{Bank, Cmd, HbmDevice, Violation};
use crate::models::memctl_reference::{Outcome, Request, RowOutcome, Served};
use crate::verilator::VerilatorModel;
use kaizen_hdl::catalog;
use kaizen_hdl::memctl::config::{ControllerConfig, RefreshMode};
use kaizen_hdl::memctl::controller::{
    CounterSel, CMD_ACT, CMD_NOP, CMD_PRE, CMD_RD, CMD_REFAB, CMD_REFPB, CMD_WR,
};
use kaizen_hdl::memctl::mapping::map;
use kaizen_hdl::memctl::params::MemParams;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::collections::{HashMap, VecDeque};

/// The controller for `p` and `cfg` on Verilator (built once, then cached),
/// ready for [`run`].
pub fn verilator_bench(
    p: &MemParams,
    cfg: &ControllerConfig,
) -> Result<Bench<VerilatorModel>, String> {
    let e = catalog::emit_memctl(p, cfg)?;
    let model = VerilatorModel::new(&e).map_err(|e| e.to_string())?;
    Bench::new(model).map_err(|e| e.to_string())
}

/// Request tags are 8 bits: a request waits while an earlier one with its
/// tag is still outstanding.
const TAGS: u32 = 256;

#[derive(Clone, Debug)]
pub struct BenchOptions {
    /// Probability the response port is *not* ready in a cycle.
    pub backpressure: f64,
    pub seed: u64,
    /// Give up (an error) after this many cycles without any progress.
    pub stall_limit: u64,
}

impl Default for BenchOptions {
    fn default() -> Self {
        Self {
            backpressure: 0.0,
            seed: 0,
            stall_limit: 50_000,
        }
    }
}

/// What the hardware did with a trace.
#[derive(Clone, Debug)]
pub struct HwRun {
    /// Commands (cycle on the DFI) and requests served, as the reference
    /// scheduler reports them, so both go through the same report.
    pub outcome: Outcome,
    pub counters: HwCounters,
    /// Cycle each request was accepted, by request index.
    pub accepted: Vec<u64>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HwCounters {
    pub reads: u64,
    pub writes: u64,
    pub activates: u64,
    pub precharges: u64,
    pub row_hits: u64,
    pub row_misses: u64,
    pub row_conflicts: u64,
    pub refreshes: u64,
    pub data_busy_cycles: u64,
}

struct Ports {
    req_valid: PortId,
    req_ready: PortId,
    req_write: PortId,
    req_addr: PortId,
    req_id: PortId,
    req_data: PortId,
    req_mask: PortId,
    rsp_valid: PortId,
    rsp_ready: PortId,
    rsp_write: PortId,
    rsp_id: PortId,
    rsp_data: PortId,
    dfi: DfiPorts,
    cnt_sel: PortId,
    cnt_value: PortId,
}

/// The controller's DFI-style port, on the controller or on a block that
/// contains it (the test chip).
pub struct DfiPorts {
    cmd: PortId,
    bank: PortId,
    row: PortId,
    col: PortId,
    wrdata: PortId,
    wrmask: PortId,
    rddata_valid: PortId,
    rddata: PortId,
}

impl DfiPorts {
    pub fn find<S: Simulator>(b: &Bench<S>) -> Result<Self, String> {
        let p = |n: &str| b.port(n).map_err(|e| e.to_string());
        Ok(Self {
            cmd: p("dfi_cmd")?,
            bank: p("dfi_bank")?,
            row: p("dfi_row")?,
            col: p("dfi_col")?,
            wrdata: p("dfi_wrdata")?,
            wrmask: p("dfi_wrmask")?,
            rddata_valid: p("dfi_rddata_valid")?,
            rddata: p("dfi_rddata")?,
        })
    }

    /// The command on the port this cycle, as a device command.
    pub fn command<S: Simulator>(
        &self,
        b: &mut Bench<S>,
        bytes: usize,
    ) -> Result<Option<Cmd>, String> {
        decode(b, self, bytes)
    }

    /// Puts the device's read data for this cycle (if any) on the port.
    pub fn return_data<S: Simulator>(&self, b: &mut Bench<S>, data: Option<&[u8]>) {
        b.set_id(self.rddata_valid, u64::from(data.is_some()));
        if let Some(d) = data {
            b.set_wide(self.rddata, &bytes_to_words(d));
        }
    }
}

impl Ports {
    fn find<S: Simulator>(b: &Bench<S>) -> Result<Self, String> {
        let p = |n: &str| b.port(n).map_err(|e| e.to_string());
        Ok(Self {
            req_valid: p("req_valid")?,
            req_ready: p("req_ready")?,
            req_write: p("req_write")?,
            req_addr: p("req_addr")?,
            req_id: p("req_id")?,
            req_data: p("req_data")?,
            req_mask: p("req_mask")?,
            rsp_valid: p("rsp_valid")?,
            rsp_ready: p("rsp_ready")?,
            rsp_write: p("rsp_write")?,
            rsp_id: p("rsp_id")?,
            rsp_data: p("rsp_data")?,
            dfi: DfiPorts::find(b)?,
            cnt_sel: p("cnt_sel")?,
            cnt_value: p("cnt_value")?,
        })
    }
}

pub fn bytes_to_words(bytes: &[u8]) -> Vec<u64> {
    bytes
        .chunks(8)
        .map(|c| {
            c.iter()
                .enumerate()
                .fold(0u64, |w, (i, b)| w | (u64::from(*b) << (8 * i)))
        })
        .collect()
}

pub fn words_to_bytes(words: &[u64], n: usize) -> Vec<u8> {
    (0..n)
        .map(|i| (words[i / 8] >> (8 * (i % 8))) as u8)
        .collect()
}

/// The controller's DFI bank index is {bank, bank group}.
fn bank_from_dfi(index: u64) -> Bank {
    Bank {
        group: (index & 3) as u32,
        bank: (index >> 2) as u32,
    }
}

/// The DFI command of this cycle as a device command.
fn decode<S: Simulator>(
    b: &mut Bench<S>,
    p: &DfiPorts,
    bytes: usize,
) -> Result<Option<Cmd>, String> {
    let op = b.get_id(p.cmd);
    let bank = bank_from_dfi(b.get_id(p.bank));
    let row = b.get_id(p.row) as u32;
    let col = b.get_id(p.col) as u32;
    Ok(match op {
        CMD_NOP => None,
        CMD_ACT => Some(Cmd::Act { bank, row }),
        CMD_PRE => Some(Cmd::Pre { bank }),
        CMD_RD => Some(Cmd::Rd { bank, col }),
        CMD_WR => {
            let data = words_to_bytes(&b.get_wide(p.wrdata), bytes);
            let m = b.get_id(p.wrmask);
            let mask = (0..bytes).map(|i| (m >> i) & 1 == 1).collect();
            Some(Cmd::Wr {
                bank,
                col,
                data,
                mask,
            })
        }
        CMD_REFAB => Some(Cmd::RefAll),
        CMD_REFPB => Some(Cmd::RefBank { bank }),
        other => return Err(format!("dfi_cmd carries the unknown code {other}")),
    })
}

/// Runs `reqs` through the controller on `bench` (fresh, any state: it is
/// reset first) against the device model with parameters `p`.
pub fn run<S: Simulator>(
    bench: &mut Bench<S>,
    p: &MemParams,
    cfg: &ControllerConfig,
    reqs: &[Request],
    opt: &BenchOptions,
) -> Result<HwRun, String> {
    let ports = Ports::find(bench)?;
    let bytes = p.burst_bytes() as usize;
    let bl = u64::from(p.burst_cycles());
    let t = &p.timing;
    let sim = |r: Result<(), crate::SimError>| r.map_err(|e| e.to_string());
    let mut rng = ChaCha8Rng::seed_from_u64(opt.seed);
    let mut dev = HbmDevice::new(p.clone());

    sim(bench.reset(2))?;
    let start = bench.cycle();
    let mut next = 0usize;
    let mut outstanding_tag = vec![false; TAGS as usize];
    let mut accepted = vec![u64::MAX; reqs.len()];
    let mut in_flight: HashMap<u32, usize> = HashMap::new();
    let mut answered = vec![false; reqs.len()];
    let mut answers = 0usize;
    // Requests by issue order of their column commands.
    let mut rd_issued: VecDeque<u64> = VecDeque::new();
    let mut wr_issued: VecDeque<u64> = VecDeque::new();
    let mut served: Vec<Served> = vec![];
    let mut out = Outcome::default();
    let mut last_data = 0u64;
    let mut last_progress = 0u64;
    // Refresh owed, counted from the command stream the way the reference
    // counts it: all-bank refreshes owed, or per-bank refreshes owed.
    let mut owed: i64 = 0;
    let pb_period = u64::from(t.trefi) / p.banks() as u64;
    let mut violations: Vec<Violation> = vec![];
    // Expected read data, fixed at acceptance (request order = data order).
    let mut memory: HashMap<u64, Vec<u8>> = HashMap::new();
    let mut expect: HashMap<usize, Vec<u8>> = HashMap::new();

    loop {
        let now = bench.cycle() - start;
        // Offer the next request once its tag is free.
        let offer = reqs
            .get(next)
            .filter(|r| r.arrival <= now && !outstanding_tag[(r.id % TAGS) as usize]);
        match offer {
            Some(r) => {
                bench.set_id(ports.req_valid, 1);
                bench.set_id(ports.req_write, u64::from(r.write));
                bench.set_id(ports.req_addr, r.addr);
                bench.set_id(ports.req_id, u64::from(r.id % TAGS));
                bench.set_wide(ports.req_data, &bytes_to_words(&r.data));
                let mask = r
                    .mask
                    .iter()
                    .enumerate()
                    .fold(0u64, |m, (i, on)| m | (u64::from(*on) << i));
                bench.set_id(ports.req_mask, mask);
            }
            None => bench.set_id(ports.req_valid, 0),
        }
        let ready = rng.gen::<f64>() >= opt.backpressure;
        bench.set_id(ports.rsp_ready, u64::from(ready));
        ports.dfi.return_data(bench, None);
        sim(bench.eval())?;

        // The device takes this cycle's command; read data due now goes
        // back on the DFI in the same cycle.
        let cmd = ports.dfi.command(bench, bytes)?;
        let (data, v) = dev.clock(cmd.clone());
        violations.extend(v);
        ports.dfi.return_data(bench, data.as_deref());
        if now > 0 && now.is_multiple_of(u64::from(t.trefi)) && cfg.refresh == RefreshMode::AllBank
        {
            owed += 1;
        }
        if now > 0 && now.is_multiple_of(pb_period) && cfg.refresh == RefreshMode::PerBank {
            owed += 1;
        }
        if let Some(c) = &cmd {
            match c {
                Cmd::Rd { .. } => {
                    rd_issued.push_back(now);
                    last_data = last_data.max(now + u64::from(t.rl) + bl - 1);
                    out.data_busy_cycles += bl;
                }
                Cmd::Wr { .. } => {
                    wr_issued.push_back(now);
                    last_data = last_data.max(now + u64::from(t.wl) + bl - 1);
                    out.data_busy_cycles += bl;
                }
                Cmd::RefAll | Cmd::RefBank { .. } => {
                    owed -= 1;
                    out.refreshes += 1;
                }
                _ => {}
            }
            out.commands.push((now, c.clone()));
            last_progress = now;
        }
        if data.is_some() {
            sim(bench.eval())?;
        }

        // Handshakes.
        if let Some(r) = offer {
            if bench.get_id(ports.req_ready) == 1 {
                let i = next;
                accepted[i] = now;
                outstanding_tag[(r.id % TAGS) as usize] = true;
                in_flight.insert(r.id % TAGS, i);
                // What the address holds once every earlier request is done.
                let l = map(cfg.map, &p.geometry, r.addr);
                let bank = Bank {
                    group: l.group,
                    bank: l.bank,
                };
                let held = memory
                    .entry(r.addr)
                    .or_insert_with(|| dev.initial_pattern(bank, l.row, l.col));
                if r.write {
                    for (k, on) in r.mask.iter().enumerate() {
                        if *on {
                            held[k] = r.data[k];
                        }
                    }
                } else {
                    expect.insert(i, held.clone());
                }
                next += 1;
                last_progress = now;
            }
        }
        if ready && bench.get_id(ports.rsp_valid) == 1 {
            let tag = bench.get_id(ports.rsp_id) as u32;
            let write = bench.get_id(ports.rsp_write) == 1;
            let i = in_flight.remove(&tag).ok_or_else(|| {
                format!("cycle {now}: response with tag {tag}, which no outstanding request holds")
            })?;
            let r = &reqs[i];
            if r.write != write {
                return Err(format!(
                    "cycle {now}: request {i} (tag {tag}) is a {}, answered as a {}",
                    kind(r.write),
                    kind(write)
                ));
            }
            if answered[i] {
                return Err(format!("cycle {now}: request {i} answered twice"));
            }
            answered[i] = true;
            answers += 1;
            crate::progress::every(
                "simulating the controller (requests answered)",
                answers as u64,
                reqs.len() as u64,
                1024,
            );
            outstanding_tag[tag as usize] = false;
            let issued = if write {
                wr_issued.pop_front()
            } else {
                rd_issued.pop_front()
            }
            .ok_or_else(|| {
                format!(
                    "cycle {now}: {} response for request {i} before any command served it",
                    kind(write)
                )
            })?;
            let lat = u64::from(if write { t.wl } else { t.rl });
            served.push(Served {
                id: r.id,
                accepted: accepted[i],
                issued,
                done: issued + lat + bl - 1,
                row: RowOutcome::Hit,
            });
            if !write {
                let got = words_to_bytes(&bench.get_wide(ports.rsp_data), bytes);
                if Some(&got) != expect.get(&i) {
                    return Err(format!(
                        "cycle {now}: read request {i} (address {:#x}) returned the wrong data",
                        r.addr
                    ));
                }
            }
            last_progress = now;
        }
        if let Some(v) = violations.first() {
            return Err(format!("timing violation: {v}"));
        }
        if answers == reqs.len() && now > last_data && owed <= 0 {
            out.cycles = now;
            break;
        }
        if now > last_progress + opt.stall_limit {
            return Err(format!(
                "cycle {now}: no progress for {} cycles ({} of {} requests accepted, {answers} answered)",
                opt.stall_limit,
                next,
                reqs.len()
            ));
        }
        sim(bench.tick())?;
    }
    served.sort_by_key(|s| s.issued);
    out.served = served;
    let counters = read_counters(bench, &ports)?;
    Ok(HwRun {
        outcome: out,
        counters,
        accepted,
    })
}

fn kind(write: bool) -> &'static str {
    if write {
        "write"
    } else {
        "read"
    }
}

fn read_counters<S: Simulator>(b: &mut Bench<S>, p: &Ports) -> Result<HwCounters, String> {
    let mut get = |sel: CounterSel| -> Result<u64, String> {
        b.set_id(p.cnt_sel, sel as u64);
        b.eval().map_err(|e| e.to_string())?;
        Ok(b.get_id(p.cnt_value))
    };
    Ok(HwCounters {
        reads: get(CounterSel::Reads)?,
        writes: get(CounterSel::Writes)?,
        activates: get(CounterSel::Activates)?,
        precharges: get(CounterSel::Precharges)?,
        row_hits: get(CounterSel::RowHits)?,
        row_misses: get(CounterSel::RowMisses)?,
        row_conflicts: get(CounterSel::RowConflicts)?,
        refreshes: get(CounterSel::Refreshes)?,
        data_busy_cycles: get(CounterSel::DataBusyCycles)?,
    })
}
