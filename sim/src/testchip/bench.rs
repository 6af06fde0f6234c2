//! End-to-end bench of the test chip: the partner die (the host model and
//! its own PHY, die A) talks over the channel model to the chip's RTL, whose
//! DFI port drives the HBM device model.
//!
//! ```text
//! Host -> die A PHY (Verilator) -> channel -> testchip (Verilator, two clocks) -> HBM device model
//! Host <- die A PHY             <- channel <-                                  <-
//! ```
//!
//! The chip runs under the edge scheduler with its link clock and an
//! independent controller clock; die A is clocked with the chip's link
//! clock. Checks: every request answered once with its tag, every read
//! returns the last write to its address (or the memory's initial
//! contents), no timing violation at the device, credits never returned for
//! requests not sent, and at the end the chip's registers, read over the
//! link, against what the device and the channel saw.

use super::host::Host;
use super::self_test::{LinkTestReport, MemTestReport, SelfTest, SelfTests};
use crate::bench::{Bench, ClockSpec, Simulator};
use crate::d2d::bench::{user_word, verilator_phy, word_bytes, PhyConfig, Ports};
use crate::memctl::bench::DfiPorts;
use crate::models::channel::{Channel, ChannelConfig};
use crate::models::hbm::{Bank, Cmd, HbmDevice};
use crate::models::memctl_reference::Request;
use crate::models::traffic::{trace, Pattern};
use crate::verilator::VerilatorModel;
use kaizen_hdl::catalog;
use kaizen_hdl::d2d::flit::PAYLOAD_BYTES;
use kaizen_hdl::d2d::params::Package;
use kaizen_hdl::d2d::protocol::{state, Mutation, FLIT_WORDS};
use kaizen_hdl::memctl::config::ControllerConfig;
use kaizen_hdl::memctl::mapping::{capacity, map};
use kaizen_hdl::memctl::params::MemParams;
use kaizen_hdl::testchip::registers::{at, indices, register};
use kaizen_hdl::testchip::transaction::{Message, DATA_BYTES};
use std::collections::{BTreeMap, VecDeque};
use std::path::PathBuf;
use std::time::Instant;

const LINK: usize = 0;
const MC: usize = 1;

#[derive(Clone, Debug)]
pub struct ChipConfig {
    pub pattern: Pattern,
    pub requests: usize,
    /// The package between the dies: BER, skew, broken and dying lanes,
    /// sideband delay, seed (the payload fields are not used).
    pub link: PhyConfig,
    pub link_period_ps: u64,
    pub mc_period_ps: u64,
    /// Phase of the controller clock's first rising edge.
    pub mc_phase_ps: u64,
    pub vcd: Option<PathBuf>,
    /// Give up after this many link clocks without progress.
    pub stall_limit: u64,
    /// Register requests the host sends before any memory traffic (their
    /// answers are in `ChipReport::csr_log`).
    pub registers_first: Vec<Message>,
    /// Self-tests the host runs, in order, before its memory traffic.
    pub self_tests: Vec<SelfTest>,
    /// Fault injection: corrupt one bit of every Nth read burst the device
    /// returns during a memory self-test (0: never).
    pub corrupt_reads_every: u64,
}

impl ChipConfig {
    pub fn new(pattern: Pattern, requests: usize, seed: u64) -> Self {
        Self {
            pattern,
            requests,
            link: PhyConfig::new(0, seed),
            link_period_ps: 500,
            mc_period_ps: 625,
            mc_phase_ps: 137,
            vcd: None,
            stall_limit: 50_000,
            registers_first: vec![],
            self_tests: vec![],
            corrupt_reads_every: 0,
        }
    }
}

#[derive(Clone, Debug, Default)]
pub struct ChipReport {
    pub link_clocks: u64,
    pub mc_clocks: u64,
    pub training_clocks: u64,
    pub requests: usize,
    /// Requests answered (all of them, or the run is an error).
    pub answered: usize,
    /// Read data delivered to the host, and the time it took from the first
    /// request sent to the last response.
    pub read_bytes: u64,
    pub read_gbps: f64,
    /// Everything (reads and writes) moved per second, 32 bytes a request.
    pub total_gbps: f64,
    pub mean_latency_ns: f64,
    pub p99_latency_ns: f64,
    /// Registers as read over the link at the end.
    /// Registers as read over the link at the end, by name (`NAME[e]` for
    /// an array's elements).
    pub registers: BTreeMap<String, u32>,
    /// `registers_first`, each with the chip's answer.
    pub csr_log: Vec<(Message, Message)>,
    /// The device's view, for comparison with the controller's counters.
    pub device_reads: u64,
    pub device_writes: u64,
    pub device_activates: u64,
    pub device_refreshes: u64,
    /// Refreshes the device had seen when the registers were asked for
    /// (refresh goes on while the host reads them).
    pub refreshes_when_asked: u64,
    pub cycles_per_second: f64,
    /// Flits each way and the share of their slots filled.
    pub flits_to_chip: u64,
    pub slots_to_chip: u64,
    pub flits_from_chip: u64,
    pub slots_from_chip: u64,
    /// Self-test results, checked against the channel and device models.
    pub link_tests: Vec<LinkTestReport>,
    pub mem_tests: Vec<MemTestReport>,
}

/// The chip on Verilator under the edge scheduler (built once, cached): the
/// build for the package of `cfg.link`.
pub fn verilator_chip(cfg: &ChipConfig) -> Result<Bench<VerilatorModel>, String> {
    let e = match cfg.link.package {
        Package::Standard => catalog::emit_testchip()?,
        Package::Advanced => catalog::emit_testchip_advanced()?,
    };
    let model = VerilatorModel::new(&e).map_err(|e| e.to_string())?;
    Bench::with_clocks(
        model,
        &[
            ClockSpec::new("link_clock", cfg.link_period_ps, 0),
            ClockSpec::new("mc_clock", cfg.mc_period_ps, cfg.mc_phase_ps),
        ],
    )
    .map_err(|e| e.to_string())
}

pub fn run(cfg: &ChipConfig) -> Result<ChipReport, String> {
    let mut chip = verilator_chip(cfg)?;
    let mut a = verilator_phy(cfg.link.package, Mutation::None)?;
    run_on(&mut chip, &mut a, cfg)
}

pub fn run_on<S: Simulator, T: Simulator>(
    chip: &mut Bench<S>,
    a: &mut Bench<T>,
    cfg: &ChipConfig,
) -> Result<ChipReport, String> {
    cfg.link.check()?;
    fn sim<V>(r: Result<V, crate::SimError>) -> Result<V, String> {
        r.map_err(|e| e.to_string())
    }
    let p = MemParams::preset(catalog::MEMCTL_PRESET)?;
    let mc_cfg = ControllerConfig::default();
    let bytes = p.burst_bytes() as usize;
    let reqs: Vec<Request> = trace(
        cfg.pattern,
        cfg.requests,
        cfg.link.seed,
        bytes,
        capacity(&p.geometry),
        u64::from(p.geometry.columns),
    );
    let mut host = Host::new(reqs);
    for m in &cfg.registers_first {
        host.csr(m.clone());
    }
    let mut dev = HbmDevice::new(p.clone());
    let initial = {
        let dev = HbmDevice::new(p.clone());
        let (geometry, scheme) = (p.geometry.clone(), mc_cfg.map);
        move |addr: u64| -> [u8; DATA_BYTES] {
            let l = map(scheme, &geometry, addr);
            let burst = dev.initial_pattern(
                Bank {
                    group: l.group,
                    bank: l.bank,
                },
                l.row,
                l.col,
            );
            burst.try_into().expect("32-byte bursts")
        }
    };
    let geometry = cfg.link.geometry();
    let channel = |seed: u64, deaths: Vec<(usize, u64)>| {
        Channel::new(ChannelConfig {
            lanes: geometry.lanes,
            bits_per_lane: geometry.bits,
            base_delay: cfg.link.base_delay,
            skew: cfg.link.skew.clone(),
            ber: cfg.link.ber,
            bursts: cfg.link.bursts,
            stuck: cfg.link.broken.iter().map(|&l| (l, false)).collect(),
            deaths,
            seed,
        })
        .map_err(|e| e.to_string())
    };
    let mut to_chip = channel(cfg.link.seed, cfg.link.deaths.clone())?;
    let mut to_a = channel(cfg.link.seed ^ 0x5bd1_e995, vec![])?;
    let delay = cfg.link.sideband_delay;
    let mut sb_to_chip: VecDeque<bool> = std::iter::repeat_n(true, delay).collect();
    let mut sb_to_a: VecDeque<bool> = std::iter::repeat_n(true, delay).collect();
    let pa = Ports::of(a)?;
    let dfi = DfiPorts::find(chip)?;
    let port = |b: &Bench<S>, n: &str| b.port(n).map_err(|e| e.to_string());
    let (chip_lanes_in, chip_lanes_out) = (port(chip, "lanes_in")?, port(chip, "lanes_out")?);
    let (chip_sb_in, chip_sb_out) = (port(chip, "sb_in")?, port(chip, "sb_out")?);
    let chip_state = port(chip, "link_state")?;
    let (link_test_pin, mem_test_pin) = (
        port(chip, "link_test_running")?,
        port(chip, "mem_test_running")?,
    );
    let a_reset = a.port("reset").map_err(|e| e.to_string())?;
    let mut tests = SelfTests::new(
        &cfg.self_tests,
        geometry.lanes,
        geometry.bits,
        (0..geometry.lanes)
            .map(|l| to_a.config().delay(l))
            .collect(),
        cfg.mc_period_ps,
        mc_cfg.map,
        p.geometry.clone(),
    );
    let mut reads_returned = 0u64;
    if let Some(path) = &cfg.vcd {
        chip.trace_to(path).map_err(|e| e.to_string())?;
    }

    // Reset: the pin high for a few clocks of each domain.
    sim(chip.set("reset", 1))?;
    while chip.rises(LINK) < 4 || chip.rises(MC) < 4 {
        sim(chip.next_edge())?;
    }
    sim(chip.set("reset", 0))?;
    sim(a.reset(2))?;

    let wall = Instant::now();
    let (mut now, mut mc_now) = (0u64, 0u64);
    let mut last_progress = 0u64;
    let mut training = None;
    let mut sending: Option<([u8; PAYLOAD_BYTES], usize)> = None;
    let mut rx_words: Vec<[u8; 16]> = vec![];
    let mut counts = BTreeMap::<&str, u64>::new();
    let mut registers_asked = false;
    let mut refreshes_when_asked = 0;
    let result = loop {
        let e = sim(chip.next_edge());
        let e = match e {
            Ok(e) => e,
            Err(err) => break Err(err),
        };
        if e.rose(MC) {
            mc_now += 1;
            let cmd = match dfi.command(chip, bytes) {
                Ok(c) => c,
                Err(err) => break Err(err),
            };
            let testing = chip.get_id(mem_test_pin) == 1;
            if let (true, Some(c)) = (testing, &cmd) {
                if let Err(err) = tests.mem_command(c, mc_now) {
                    break Err(format!("controller clock {mc_now}: {err}"));
                }
            }
            if let Some(c) = &cmd {
                let kind = match c {
                    Cmd::Rd { .. } => "RD",
                    Cmd::Wr { .. } => "WR",
                    Cmd::Act { .. } => "ACT",
                    Cmd::Pre { .. } | Cmd::PreAll => "PRE",
                    Cmd::RefAll | Cmd::RefBank { .. } => "REF",
                };
                *counts.entry(kind).or_default() += 1;
            }
            let (mut data, violations) = dev.clock(cmd);
            if let Some(v) = violations.first() {
                break Err(format!("controller clock {mc_now}: timing violation: {v}"));
            }
            if let (true, Some(d)) = (tests.mem_read_due(), data.as_mut()) {
                reads_returned += 1;
                if cfg.corrupt_reads_every > 0
                    && reads_returned.is_multiple_of(cfg.corrupt_reads_every)
                {
                    let bit = (reads_returned / cfg.corrupt_reads_every) as usize % (8 * d.len());
                    d[bit / 8] ^= 1 << (bit % 8);
                    tests.mem_corrupted += 1;
                }
                tests.mem_read_data(d);
            }
            dfi.return_data(chip, data.as_deref());
        }
        if !e.rose(LINK) {
            continue;
        }
        now += 1;
        let state_a = a.get_id(pa.state);
        let state_chip = chip.get_id(chip_state);
        if state_a == state::TRAINERROR || state_chip == state::TRAINERROR {
            break Err(format!(
                "link clock {now}: link training failed (die A {}, chip {})",
                state::name(state_a),
                state::name(state_chip)
            ));
        }
        if training.is_none() && state_a == state::ACTIVE && state_chip == state::ACTIVE {
            training = Some(now);
            last_progress = now;
        }
        // Self-tests: the host may hold its traffic, or take the lanes.
        let link_up = state_a == state::ACTIVE && state_chip == state::ACTIVE;
        let control = match tests.step(now, &mut host, link_up) {
            Ok(c) => c,
            Err(err) => break Err(format!("link clock {now}: {err}")),
        };
        host.hold = control.hold_traffic;

        // The package, both ways.
        let from_a = if control.lanes_owned {
            tests.lanes_to_chip()
        } else {
            geometry.unpack(&a.get_wide(pa.lanes_out))
        };
        let rx_chip = to_chip.clock(&from_a);
        let rx_a = to_a.clock(&geometry.unpack(&chip.get_wide(chip_lanes_out)));
        a.set_id(a_reset, u64::from(control.lanes_owned));
        if control.lanes_owned {
            let running = chip.get_id(link_test_pin) == 1;
            tests.observe(
                now,
                &rx_a,
                to_chip.last_errors(),
                to_a.last_errors(),
                running,
            );
            sending = None;
            rx_words.clear();
            last_progress = now;
        }
        a.set_wide(pa.lanes_in, &geometry.pack(&rx_a));
        chip.set_wide(chip_lanes_in, &geometry.pack(&rx_chip));
        sb_to_chip.push_back(a.get_id(pa.sb_out) == 1);
        sb_to_a.push_back(chip.get_id(chip_sb_out) == 1);
        a.set_id(pa.sb_in, u64::from(sb_to_a.pop_front().unwrap_or(true)));
        chip.set_id(
            chip_sb_in,
            u64::from(sb_to_chip.pop_front().unwrap_or(true)),
        );

        // The host's side of die A.
        if host.done() && tests.done() && !registers_asked {
            // Traffic is over: read every register back over the link.
            for addr in indices() {
                host.csr(Message::CsrRead { tag: 0, addr });
            }
            registers_asked = true;
            refreshes_when_asked = counts.get("REF").copied().unwrap_or(0);
        }
        if sending.is_none() && training.is_some() && !control.lanes_owned {
            sending = host.next_payload(now, &initial).map(|p| (p, 0));
        }
        a.set_id(pa.tx_valid, u64::from(sending.is_some()));
        if let Some((p, w)) = &sending {
            a.set_wide(pa.tx_word, &user_word(p, *w));
        }
        if let Err(err) = sim(a.eval()) {
            break Err(err);
        }
        if a.get_id(pa.tx_ready) == 1 {
            if let Some((_, w)) = &mut sending {
                *w += 1;
                if *w == FLIT_WORDS {
                    sending = None;
                }
            }
        }
        if a.get_id(pa.rx_valid) == 1 {
            if a.get_id(pa.rx_first) == 1 {
                rx_words.clear();
            }
            rx_words.push(word_bytes(&a.get_wide(pa.rx_word)));
            if rx_words.len() == FLIT_WORDS {
                let mut payload = [0u8; PAYLOAD_BYTES];
                for (k, w) in rx_words.iter().enumerate() {
                    let at = 16 * k;
                    let n = (PAYLOAD_BYTES - at).min(16);
                    payload[at..at + n].copy_from_slice(&w[..n]);
                }
                let before = host.stats.answered + host.csr_answers.len();
                if let Err(err) = host.receive(&payload, now) {
                    break Err(err);
                }
                if host.stats.answered + host.csr_answers.len() != before {
                    last_progress = now;
                    crate::progress::every(
                        "simulating the test chip (requests answered)",
                        host.stats.answered as u64,
                        cfg.requests as u64,
                        256,
                    );
                }
            }
        }
        if let Err(err) = sim(a.tick()) {
            break Err(err);
        }
        if registers_asked && host.done() {
            break Ok(());
        }
        if now > last_progress + cfg.stall_limit {
            break Err(format!(
                "link clock {now}: no progress for {} clocks ({} of {} requests answered, {} outstanding; die A {}, chip {})",
                cfg.stall_limit,
                host.stats.answered,
                cfg.requests,
                host.outstanding(),
                state::name(state_a),
                state::name(state_chip)
            ));
        }
    };
    if cfg.vcd.is_some() {
        chip.flush();
    }
    result?;

    let elapsed = wall.elapsed().as_secs_f64();
    let mut report = ChipReport {
        link_clocks: now,
        mc_clocks: mc_now,
        training_clocks: training.unwrap_or(0),
        requests: cfg.requests,
        answered: host.stats.answered,
        read_bytes: host.stats.read_bytes,
        device_reads: counts.get("RD").copied().unwrap_or(0),
        device_writes: counts.get("WR").copied().unwrap_or(0),
        device_activates: counts.get("ACT").copied().unwrap_or(0),
        device_refreshes: counts.get("REF").copied().unwrap_or(0),
        refreshes_when_asked,
        cycles_per_second: now as f64 / elapsed.max(1e-9),
        flits_to_chip: host.stats.flits_sent,
        slots_to_chip: host.stats.slots_sent,
        flits_from_chip: host.stats.flits_received,
        slots_from_chip: host.stats.slots_received,
        link_tests: tests.link_reports.clone(),
        mem_tests: tests.mem_reports.clone(),
        ..ChipReport::default()
    };
    report.csr_log = host.csr_answers[..cfg.registers_first.len()].to_vec();
    let readout = &host.csr_answers[host.csr_answers.len() - indices().count()..];
    for (asked, answer) in readout {
        let (Message::CsrRead { addr, .. }, Message::CsrData { value, .. }) = (asked, answer)
        else {
            return Err(format!("register read {asked:?} answered {answer:?}"));
        };
        let (r, e) = at(*addr).expect("the bench reads only mapped registers");
        report.registers.insert(r.element_name(e), *value);
    }
    let span_clocks = host
        .stats
        .last_answer
        .saturating_sub(host.stats.first_sent.unwrap_or(0))
        .max(1);
    let span_s = span_clocks as f64 * cfg.link_period_ps as f64 * 1e-12;
    report.read_gbps = report.read_bytes as f64 / span_s / 1e9;
    report.total_gbps = (cfg.requests * DATA_BYTES) as f64 / span_s / 1e9;
    let mut lat = host.stats.latencies.clone();
    lat.sort_unstable();
    let ns = |clocks: u64| clocks as f64 * cfg.link_period_ps as f64 / 1000.0;
    report.mean_latency_ns = ns(lat.iter().sum::<u64>()) / lat.len().max(1) as f64;
    report.p99_latency_ns = ns(lat.get(lat.len() * 99 / 100).copied().unwrap_or(0));
    check_registers(&report)?;
    Ok(report)
}

/// The controller's counters, read over the link, must equal what the
/// device saw (traffic is over, so only refreshes still move), and the chip
/// must say who it is.
fn check_registers(r: &ChipReport) -> Result<(), String> {
    let reg = |n: &str| -> Result<u64, String> {
        r.registers
            .get(n)
            .map(|&v| u64::from(v))
            .ok_or_else(|| format!("register {n} was not read"))
    };
    let chip_id = register("CHIP_ID").expect("mapped");
    if let kaizen_hdl::testchip::registers::Source::Constant(id) = chip_id.source {
        if reg("CHIP_ID")? != u64::from(id) {
            return Err(format!("CHIP_ID reads {:#x}", reg("CHIP_ID")?));
        }
    }
    let refreshes = reg("MC_REFRESHES")?;
    if !(r.refreshes_when_asked..=r.device_refreshes).contains(&refreshes) {
        return Err(format!(
            "MC_REFRESHES reads {refreshes}, the device saw {} when it was asked for and {} at the end",
            r.refreshes_when_asked, r.device_refreshes
        ));
    }
    for (name, seen) in [
        ("MC_READS", r.device_reads),
        ("MC_WRITES", r.device_writes),
        ("MC_ACTIVATES", r.device_activates),
    ] {
        if reg(name)? != seen {
            return Err(format!(
                "{name} reads {} over the link, the device saw {seen}",
                reg(name)?
            ));
        }
    }
    Ok(())
}
