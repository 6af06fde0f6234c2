//! `kaizen sim testchip`: the partner die reaches HBM memory through the
//! test chip, end to end (host model, die A's PHY, the channel model, the
//! chip's RTL with its two clocks, the HBM device model).

use crate::cli::d2d::sim::ChannelArgs;
use anyhow::bail;
use clap::Args;
use kaizen_hdl::d2d::params::{LinkParams, Package};
use kaizen_hdl::d2d::protocol;
use kaizen_hdl::testchip::transaction::{DATA_BYTES, SLOTS};
use kaizen_sim::d2d::bench::PhyConfig;
use kaizen_sim::models::traffic::Pattern;
use kaizen_sim::testchip::bench::{run, ChipConfig};
use kaizen_sim::testchip::self_test::{LinkTestReport, MemTestReport, SelfTest};
use std::path::PathBuf;

const LINK_PERIOD_PS: u64 = 500;

#[derive(Args)]
pub struct TestchipArgs {
    /// seq-read, seq-write, random, mixed (2 reads : 1 write) or stride.
    #[arg(long, default_value = "seq-read")]
    pattern: String,
    #[arg(long, default_value_t = 2000)]
    requests: usize,
    /// 16 (the chip built with the standard-package PHY) or 64 (the build
    /// with the advanced-package PHY: 4 spare lanes).
    #[arg(long, default_value_t = 16)]
    lanes: usize,
    /// The package (die A is the partner die, die B the chip).
    #[command(flatten)]
    channel: ChannelArgs,
    /// Link clock over controller clock (2.0 GHz link; 1.25 puts the
    /// controller at 1.6 GHz, the HBM3-6400 CK).
    #[arg(long, default_value_t = 1.25)]
    clock_ratio: f64,
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Write a VCD trace of the chip (both clocks).
    #[arg(long)]
    vcd: Option<PathBuf>,
    /// Self-tests to run, started over the link before the traffic:
    /// `prbs`, `far-end`, `near-end` (link, `=CLOCKS`), or `mem-OP-PATTERN`
    /// (OP read, write, write-read; PATTERN seq, random, strideN; `=COUNT`).
    /// Repeat or separate with commas.
    #[arg(long = "self-test", value_delimiter = ',')]
    self_tests: Vec<String>,
    /// Fault injection for the memory self-test's checker: corrupt one bit
    /// of every Nth read burst during a memory self-test.
    #[arg(long, default_value_t = 0)]
    corrupt_reads: u64,
    /// Also write the results as JSON here.
    #[arg(long)]
    json: Option<PathBuf>,
}

pub fn run_args(a: TestchipArgs) -> anyhow::Result<()> {
    let pattern = Pattern::parse(&a.pattern).map_err(anyhow::Error::msg)?;
    if a.requests == 0 {
        bail!("--requests must be at least 1");
    }
    if !(0.25..=8.0).contains(&a.clock_ratio) {
        bail!("--clock-ratio {} must be within 0.25 ..= 8", a.clock_ratio);
    }
    let c = &a.channel;
    if c.skew > protocol::MAX_SKEW {
        bail!(
            "--skew {} is beyond what the PHY's training and deskew cover ({} clocks)",
            c.skew,
            protocol::MAX_SKEW
        );
    }
    let params = LinkParams::for_lanes(a.lanes).map_err(anyhow::Error::msg)?;
    params.repair(&c.dead_lanes).map_err(anyhow::Error::msg)?;
    let lanes = params.physical_lanes();
    let deaths = c.deaths(lanes)?;
    let skew = c.skews(lanes, a.seed);
    let mc_period_ps = (LINK_PERIOD_PS as f64 * a.clock_ratio).round() as u64;
    let self_tests = a
        .self_tests
        .iter()
        .map(|t| SelfTest::parse(t, a.seed as u16))
        .collect::<Result<Vec<_>, _>>()
        .map_err(anyhow::Error::msg)?;
    let cfg = ChipConfig {
        link: PhyConfig {
            ber: c.ber,
            skew,
            broken: c.dead_lanes.clone(),
            deaths,
            package: params.package,
            ..PhyConfig::new(0, a.seed)
        },
        mc_period_ps,
        vcd: a.vcd.clone(),
        self_tests,
        corrupt_reads_every: a.corrupt_reads,
        ..ChipConfig::new(pattern, a.requests, a.seed)
    };
    println!(
        "test chip ({} lanes): {} x {}, BER {}, skew up to {} clocks, broken lanes [{}], link 2.00 GHz, controller {:.3} GHz, seed {}",
        a.lanes,
        a.requests,
        a.pattern,
        c.ber,
        c.skew,
        c.dead_lanes.iter().map(|l| l.to_string()).collect::<Vec<_>>().join(","),
        1000.0 / mc_period_ps as f64,
        a.seed
    );
    let r = run(&cfg).map_err(anyhow::Error::msg)?;
    for t in &r.link_tests {
        print_link_test(t);
    }
    for t in &r.mem_tests {
        print_mem_test(t);
    }
    // Read data the link can carry chip to host: five bursts per flit,
    // a flit every 16 link clocks (32 on a degraded standard link; the
    // advanced package repairs onto spares at full width).
    let degraded = !c.dead_lanes.is_empty() && params.package == Package::Standard;
    let flit_clocks = if degraded { 32.0 } else { 16.0 };
    let bound = (SLOTS * DATA_BYTES) as f64 / (flit_clocks * LINK_PERIOD_PS as f64 * 1e-3);
    let reg = |n: &str| r.registers.get(n).copied().unwrap_or(0);
    let status = reg("LINK_STATUS");
    let good: u32 = (0..3)
        .map(|e| reg(&format!("LINK_LANES_GOOD[{e}]")).count_ones())
        .sum();
    println!(
        "requests answered                {} of {} (lost 0, wrong data 0: checked)",
        r.requests, r.requests
    );
    println!("timing violations at the device  0 (every command checked)");
    println!(
        "training                         {} link clocks",
        r.training_clocks
    );
    println!(
        "read bandwidth                   {:.2} GB/s  ({:.1} % of the link's {:.1} GB/s for reads in this format)",
        r.read_gbps,
        100.0 * r.read_gbps / bound,
        bound
    );
    println!("all data moved                   {:.2} GB/s", r.total_gbps);
    let share =
        |slots: u64, flits: u64| 100.0 * slots as f64 / (SLOTS as u64 * flits.max(1)) as f64;
    println!(
        "flits                            {} to the chip ({:.1} % of slots filled), {} from it ({:.1} %)",
        r.flits_to_chip,
        share(r.slots_to_chip, r.flits_to_chip),
        r.flits_from_chip,
        share(r.slots_from_chip, r.flits_from_chip)
    );
    println!(
        "latency, host request to response  mean {:.1} ns, p99 {:.1} ns",
        r.mean_latency_ns, r.p99_latency_ns
    );
    println!(
        "link (registers, read over the link)  state {}, lanes good {:#06x} ({good} of {lanes}), CRC errors {}, replays {}, retrains {}, bad slots {}",
        protocol::state::name(u64::from(status & 7)),
        status >> 16,
        reg("LINK_CRC_ERRORS"),
        reg("LINK_REPLAYS"),
        reg("LINK_RETRAINS"),
        reg("BAD_SLOTS")
    );
    println!(
        "controller (registers)           reads {}, writes {}, activates {}, row hits {}, refreshes {} (device saw {} RD, {} WR, {} ACT)",
        reg("MC_READS"),
        reg("MC_WRITES"),
        reg("MC_ACTIVATES"),
        reg("MC_ROW_HITS"),
        reg("MC_REFRESHES"),
        r.device_reads,
        r.device_writes,
        r.device_activates
    );
    println!(
        "simulated                        {} link clocks, {} controller clocks, {:.0} link clocks/s",
        r.link_clocks, r.mc_clocks, r.cycles_per_second
    );
    if let Some(v) = &a.vcd {
        println!("VCD: {}", v.display());
    }
    crate::cli::results::write(
        a.json.as_deref(),
        "sim testchip",
        serde_json::json!({
            "pattern": a.pattern, "requests": a.requests, "lanes": a.lanes, "ber": c.ber,
            "skew": c.skew, "dead_lanes": c.dead_lanes, "clock_ratio": a.clock_ratio,
            "seed": a.seed, "read_gbps": r.read_gbps, "total_gbps": r.total_gbps,
            "link_bound_gbps": bound, "mean_latency_ns": r.mean_latency_ns,
            "p99_latency_ns": r.p99_latency_ns, "training_clocks": r.training_clocks,
            "link_clocks": r.link_clocks, "mc_clocks": r.mc_clocks,
            "cycles_per_second": r.cycles_per_second, "registers": r.registers,
            "link_tests": r.link_tests, "mem_tests": r.mem_tests,
        }),
    )
}

fn print_link_test(t: &LinkTestReport) {
    println!(
        "link self-test {:?}, {} clocks (counts read over the link; the channel's own record of what it changed beside them: checked equal)",
        t.mode, t.clocks
    );
    println!(
        "  lane  chip: locked errors / bits (channel)     host: locked errors / bits (channel)"
    );
    for (l, c) in t.chip.iter().enumerate() {
        let host = t.host.get(l).map_or(String::from("-"), |h| {
            format!(
                "{} {} / {} ({})",
                yes(h.locked),
                h.errors,
                h.bits,
                h.injected
            )
        });
        println!(
            "  {l:>4}  {} {} / {} ({})  {host}",
            yes(c.locked),
            c.errors,
            c.bits,
            c.injected
        );
    }
    let (errors, bits) = t
        .chip
        .iter()
        .fold((0, 0), |(e, b), c| (e + c.errors, b + c.bits));
    println!(
        "  chip's receive lanes: {errors} errors in {bits} bits (BER {:.2e})",
        errors as f64 / bits.max(1) as f64
    );
}

fn yes(b: bool) -> &'static str {
    if b {
        "yes"
    } else {
        "no "
    }
}

fn print_mem_test(t: &MemTestReport) {
    println!(
        "memory self-test {}: {} requests answered, {} data errors ({} reads corrupted by the bench), {:.2} GB/s over {} controller clocks, latency mean {:.1} ns, max {} clocks; device saw {} RD, {} WR",
        t.test,
        t.answered,
        t.errors,
        t.corrupted,
        t.gbps(),
        t.cycles,
        t.mean_latency_ns(),
        t.latency_max,
        t.device_reads,
        t.device_writes
    );
}
