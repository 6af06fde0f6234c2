//! `kaizen sim memctl`: a request trace through the RTL memory controller
//! (Verilator, against the HBM device model) and through the software
//! reference scheduler with the same policy, side by side.

use anyhow::{bail, Context};
use clap::{Args, Subcommand};
use kaizen_hdl::memctl::config::{ControllerConfig, PagePolicy, RefreshMode};
use kaizen_hdl::memctl::mapping::{capacity, MapScheme};
use kaizen_hdl::memctl::params::MemParams;
use kaizen_sim::memctl_bench::{self, BenchOptions};
use kaizen_sim::memctl_check::{replay, report, Report};
use kaizen_sim::models::memctl_reference::{schedule, SchedConfig};
use kaizen_sim::models::traffic::{trace, Pattern};
use std::path::PathBuf;

#[derive(Args)]
pub struct SimArgs {
    #[command(subcommand)]
    what: SimWhat,
}

#[derive(Subcommand)]
enum SimWhat {
    /// HBM3 pseudo-channel controller on a generated trace.
    Memctl(MemctlArgs),
    /// Die-to-die link (software reference of the link layer; the PHY RTL
    /// is not built yet) over the channel model.
    D2d(D2dArgs),
}

#[derive(Args)]
struct D2dArgs {
    /// 16 (standard package) or 64 (advanced package, 4 spares).
    #[arg(long, default_value_t = 16)]
    lanes: usize,
    /// Random bit-error rate per bit.
    #[arg(long, default_value_t = 0.0)]
    ber: f64,
    #[arg(long, default_value_t = 10_000)]
    flits: usize,
    /// Largest per-lane skew, in core clocks (each lane gets 0..=K).
    #[arg(long, default_value_t = 0)]
    skew: usize,
    /// Broken lanes, e.g. 3,7.
    #[arg(long, value_delimiter = ',')]
    dead_lanes: Vec<usize>,
    #[arg(long, default_value_t = 1)]
    seed: u64,
}

#[derive(Args)]
struct MemctlArgs {
    /// seq-read, seq-write, random, mixed (2 reads : 1 write) or stride.
    #[arg(long, default_value = "seq-read")]
    pattern: String,
    #[arg(long, default_value_t = 10_000)]
    requests: usize,
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// A shipped preset name, or a path to a preset TOML file.
    #[arg(long, default_value = "hbm3-6400")]
    preset: String,
    /// Address map: bg-interleaved or row-bank-bg-col.
    #[arg(long, default_value = "bg-interleaved")]
    map: String,
    /// Page policy: open or closed.
    #[arg(long, default_value = "open")]
    page: String,
    /// Refresh: all-bank or per-bank.
    #[arg(long, default_value = "all-bank")]
    refresh: String,
    /// Probability the response port is not ready in a cycle (0 .. <1).
    #[arg(long, default_value_t = 0.0)]
    backpressure: f64,
    /// Write a VCD trace of the RTL run here.
    #[arg(long)]
    vcd: Option<PathBuf>,
    /// Run only the reference scheduler (no RTL simulation).
    #[arg(long)]
    reference_only: bool,
}

pub fn run(args: SimArgs) -> anyhow::Result<()> {
    match args.what {
        SimWhat::Memctl(a) => memctl(a),
        SimWhat::D2d(a) => d2d(a),
    }
}

fn d2d(a: D2dArgs) -> anyhow::Result<()> {
    use kaizen_hdl::d2d::flit::PAYLOAD_BYTES;
    use kaizen_hdl::d2d::params::LinkParams;
    use kaizen_sim::models::d2d_link::{run as run_link, LinkConfig};
    use rand::{Rng, SeedableRng};
    let params = LinkParams::for_lanes(a.lanes).map_err(anyhow::Error::msg)?;
    if !(0.0..=1.0).contains(&a.ber) {
        bail!("--ber {} must be within 0 ..= 1", a.ber);
    }
    if a.flits == 0 {
        bail!("--flits must be at least 1");
    }
    if a.skew > 64 {
        bail!("--skew {} is beyond what deskew covers (64 clocks)", a.skew);
    }
    params.repair(&a.dead_lanes).map_err(anyhow::Error::msg)?;
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(a.seed);
    let skew = (0..params.physical_lanes())
        .map(|_| rng.gen_range(0..=a.skew))
        .collect();
    let payloads: Vec<Vec<u8>> = (0..a.flits)
        .map(|_| (0..PAYLOAD_BYTES).map(|_| rng.gen()).collect())
        .collect();
    let cfg = LinkConfig {
        broken: a.dead_lanes.clone(),
        ber: a.ber,
        skew,
        seed: a.seed,
        ..LinkConfig::new(params.clone())
    };
    let r = run_link(&cfg, &payloads).map_err(anyhow::Error::msg)?;
    let lanes = r.lane_map.len();
    let gbps = r.efficiency * (lanes * params.bits_per_lane) as f64 * 2.0;
    println!(
        "{} flits, {} lanes ({}), BER {}, skew up to {} clocks, broken lanes [{}], seed {}",
        a.flits,
        a.lanes,
        if r.degraded {
            format!("degraded to {lanes}")
        } else {
            "full width".to_string()
        },
        a.ber,
        a.skew,
        a.dead_lanes
            .iter()
            .map(|l| l.to_string())
            .collect::<Vec<_>>()
            .join(","),
        a.seed
    );
    println!("software reference of the link layer (the PHY RTL is not built yet; training is not modelled)");
    println!(
        "  payload efficiency      {:>8.1} % (theoretical {:.1} %)",
        100.0 * r.efficiency,
        100.0 * r.theoretical
    );
    println!("  goodput                 {gbps:>8.1} Gb/s at a 2.0 GHz core clock");
    println!("  replays                 {:>8}", r.replays);
    println!("  CRC errors caught       {:>8}", r.crc_errors);
    println!(
        "  latency mean / max      {:>8.1} / {} clocks",
        r.mean_latency, r.max_latency
    );
    println!(
        "  flits lost              {:>8}",
        a.flits as u64 - r.delivered
    );
    // A corrupted delivery ends the run with an error: reaching here means none.
    println!("  corrupted deliveries    {:>8}", 0);
    Ok(())
}

fn memctl(a: MemctlArgs) -> anyhow::Result<()> {
    let pattern = Pattern::parse(&a.pattern).map_err(anyhow::Error::msg)?;
    let p = if a.preset.ends_with(".toml") {
        MemParams::load(&PathBuf::from(&a.preset))
    } else {
        MemParams::preset(&a.preset)
    }
    .map_err(anyhow::Error::msg)?;
    let cfg = ControllerConfig {
        map: MapScheme::parse(&a.map).map_err(anyhow::Error::msg)?,
        page: PagePolicy::parse(&a.page).map_err(anyhow::Error::msg)?,
        refresh: RefreshMode::parse(&a.refresh).map_err(anyhow::Error::msg)?,
        ..ControllerConfig::default()
    };
    if a.requests == 0 {
        bail!("--requests must be at least 1");
    }
    if !(0.0..1.0).contains(&a.backpressure) {
        bail!(
            "--backpressure {} must be within 0 .. 1 (the share of cycles the response port is not ready)",
            a.backpressure
        );
    }
    if !a.reference_only {
        cfg.check(&p)
            .map_err(anyhow::Error::msg)
            .context("use --reference-only to run this preset on the reference scheduler alone")?;
    }
    let reqs = trace(
        pattern,
        a.requests,
        a.seed,
        p.burst_bytes() as usize,
        capacity(&p.geometry),
        u64::from(p.geometry.columns),
    );
    println!(
        "{} {} requests, seed {}, preset {}, map {}, {} page, {} refresh",
        a.pattern, a.requests, a.seed, p.name, a.map, a.page, a.refresh
    );
    let sched = SchedConfig::for_hardware(&cfg);
    let reference = schedule(&p, &sched, &reqs).map_err(anyhow::Error::msg)?;
    let r = replay(&p, cfg.map, &reqs, &reference)
        .map_err(anyhow::Error::msg)
        .context("the device model rejected the reference's schedule")?;
    let hw = if a.reference_only {
        None
    } else {
        Some(run_rtl(&a, &p, &cfg, &reqs)?)
    };
    print_table(&p, hw.as_ref(), &r);
    Ok(())
}

fn run_rtl(
    a: &MemctlArgs,
    p: &MemParams,
    cfg: &ControllerConfig,
    reqs: &[kaizen_sim::models::memctl_reference::Request],
) -> anyhow::Result<Report> {
    eprintln!("building the Verilator model (cached after the first build)...");
    let mut bench = memctl_bench::verilator_bench(p, cfg).map_err(anyhow::Error::msg)?;
    if let Some(path) = &a.vcd {
        bench.trace_to(path)?;
    }
    let opt = BenchOptions {
        backpressure: a.backpressure,
        seed: a.seed,
        ..BenchOptions::default()
    };
    let run = memctl_bench::run(&mut bench, p, cfg, reqs, &opt);
    bench.flush();
    let run = run
        .map_err(anyhow::Error::msg)
        .context("the RTL controller failed the device model's checks")?;
    if let Some(path) = &a.vcd {
        eprintln!("VCD written to {}", path.display());
    }
    let mut rep = report(p, reqs, &run.outcome);
    let c = &run.counters;
    rep.row_hit_rate = c.row_hits as f64 / (c.reads + c.writes).max(1) as f64;
    Ok(rep)
}

fn print_table(p: &MemParams, hw: Option<&Report>, r: &Report) {
    let ns = f64::from(p.tck_ps) / 1000.0;
    let col = |f: &dyn Fn(&Report) -> String| match hw {
        Some(h) => format!("{:>16} {:>16}", f(h), f(r)),
        None => format!("{:>16} {:>16}", "-", f(r)),
    };
    println!("{:<28}{:>16} {:>16}", "", "RTL (Verilator)", "reference");
    println!(
        "{:<28}{}",
        "data-bus efficiency",
        col(&|x| format!("{:.1} %", 100.0 * x.efficiency))
    );
    println!(
        "{:<28}{}   (peak {:.1} GB/s)",
        "achieved bandwidth",
        col(&|x| format!("{:.2} GB/s", x.achieved_gbps)),
        p.peak_gbps()
    );
    println!(
        "{:<28}{}",
        "latency mean",
        col(&|x| format!("{:.1} ns", x.mean_latency * ns))
    );
    println!(
        "{:<28}{}",
        "latency p99",
        col(&|x| format!("{:.1} ns", x.p99_latency as f64 * ns))
    );
    println!(
        "{:<28}{}",
        "row-hit rate",
        col(&|x| format!("{:.1} %", 100.0 * x.row_hit_rate))
    );
    println!("{:<28}{}", "refreshes", col(&|x| x.refreshes.to_string()));
    println!(
        "{:<28}{}",
        "longest queue wait",
        col(&|x| format!("{} cycles", x.max_wait))
    );
    // Any violation fails the run before this table: reaching here means none.
    println!("{:<28}{}", "timing violations", col(&|_| "0".to_string()));
    println!("latency: from acceptance to the last data beat; efficiency counts refresh; every command checked by the HBM device model");
}
