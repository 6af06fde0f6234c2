//! `kaizen sim d2d`: the die-to-die link over the channel model, on the
//! PHY RTL (two dies on Verilator) and on the software reference of the
//! link layer, side by side.

use anyhow::bail;
use clap::Args;
use kaizen_hdl::d2d::params::LinkParams;
use kaizen_hdl::d2d::protocol;
use kaizen_sim::d2d;
use kaizen_sim::d2d::bench::{payload, PhyConfig, PhyReport};
use kaizen_sim::models::d2d_link::{run as run_link, LinkConfig, LinkReport};
use rand::{Rng, SeedableRng};
use std::path::PathBuf;

/// Core clock the goodput figures assume.
const CORE_GHZ: f64 = 2.0;

#[derive(Args)]
pub struct D2dArgs {
    /// 16 (standard package: degrades to 8 lanes) or 64 (advanced package:
    /// 4 spare lanes, broken lanes remapped onto them).
    #[arg(long, default_value_t = 16)]
    lanes: usize,
    #[arg(long, default_value_t = 10_000)]
    flits: u64,
    #[command(flatten)]
    channel: ChannelArgs,
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Write VCD traces of the RTL run: die A to FILE, die B beside it.
    #[arg(long)]
    vcd: Option<PathBuf>,
    /// Run only the software reference.
    #[arg(long)]
    reference_only: bool,
    /// Also write the results as JSON here.
    #[arg(long)]
    json: Option<PathBuf>,
}

/// The package between two dies, as `sim d2d` and `sim testchip` take it.
#[derive(Args)]
pub struct ChannelArgs {
    /// Random bit-error rate per bit.
    #[arg(long, default_value_t = 0.0)]
    pub ber: f64,
    /// Largest per-lane skew, in core clocks (each lane gets 0..=K).
    #[arg(long, default_value_t = 0)]
    pub skew: usize,
    /// Lanes broken from power-up, e.g. 3,7.
    #[arg(long, value_delimiter = ',')]
    pub dead_lanes: Vec<usize>,
    /// A lane that dies in traffic (die A to die B), LANE@CLOCK, e.g. 5@20000.
    #[arg(long)]
    pub lane_dies: Vec<String>,
}

impl ChannelArgs {
    /// Checks the BER and reads `--lane-dies` for a link of `lanes`
    /// physical lanes.
    pub fn deaths(&self, lanes: usize) -> anyhow::Result<Vec<(usize, u64)>> {
        if !(0.0..=1.0).contains(&self.ber) {
            bail!("--ber {} must be within 0 ..= 1", self.ber);
        }
        let deaths = self
            .lane_dies
            .iter()
            .map(|s| parse_death(s))
            .collect::<anyhow::Result<Vec<_>>>()?;
        if let Some((l, _)) = deaths.iter().find(|(l, _)| *l >= lanes) {
            bail!(
                "--lane-dies: lane {l} does not exist (lanes 0..{})",
                lanes - 1
            );
        }
        Ok(deaths)
    }

    /// Each lane's skew, 0..=`--skew`, from the seed.
    pub fn skews(&self, lanes: usize, seed: u64) -> Vec<usize> {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
        (0..lanes).map(|_| rng.gen_range(0..=self.skew)).collect()
    }
}

fn parse_death(s: &str) -> anyhow::Result<(usize, u64)> {
    let bad = || anyhow::anyhow!("--lane-dies {s}: expected LANE@CLOCK, e.g. 5@20000");
    let (l, c) = s.split_once('@').ok_or_else(bad)?;
    Ok((
        l.trim().parse().map_err(|_| bad())?,
        c.trim().parse().map_err(|_| bad())?,
    ))
}

pub fn run(a: D2dArgs) -> anyhow::Result<()> {
    let params = LinkParams::for_lanes(a.lanes).map_err(anyhow::Error::msg)?;
    let c = &a.channel;
    let deaths = c.deaths(params.physical_lanes())?;
    if a.flits == 0 {
        bail!("--flits must be at least 1");
    }
    let map = params.repair(&c.dead_lanes).map_err(anyhow::Error::msg)?;
    let rtl = !a.reference_only;
    if rtl && c.skew > protocol::MAX_SKEW {
        bail!(
            "--skew {} is beyond what the PHY's training and deskew cover ({} clocks)",
            c.skew,
            protocol::MAX_SKEW
        );
    }
    if !rtl && c.skew > 64 {
        bail!(
            "--skew {} is beyond what the reference deskews (64 clocks)",
            c.skew
        );
    }
    if !deaths.is_empty() && !rtl {
        bail!("--lane-dies needs the RTL run (the reference repairs lanes only before traffic)");
    }
    if a.vcd.is_some() && !rtl {
        bail!("--vcd traces the RTL run; drop --reference-only");
    }
    let skew = c.skews(params.physical_lanes(), a.seed);
    // The reference and the RTL carry the same payloads.
    let payloads: Vec<Vec<u8>> = (0..a.flits).map(|i| payload(a.seed, i).to_vec()).collect();
    let reference = run_link(
        &LinkConfig {
            broken: c.dead_lanes.clone(),
            ber: c.ber,
            skew: skew.clone(),
            seed: a.seed,
            ..LinkConfig::new(params.clone())
        },
        &payloads,
    )
    .map_err(anyhow::Error::msg)?;
    let hw = if rtl {
        let cfg = PhyConfig {
            ber: c.ber,
            skew,
            broken: c.dead_lanes.clone(),
            deaths,
            vcd: a.vcd.clone(),
            package: params.package,
            ..PhyConfig::new(a.flits, a.seed)
        };
        Some(d2d::bench::run(&cfg).map_err(anyhow::Error::msg)?)
    } else {
        None
    };
    println!(
        "{} flits, {} lanes, BER {}, skew up to {} clocks, broken lanes [{}], seed {}",
        a.flits,
        a.lanes,
        c.ber,
        c.skew,
        c.dead_lanes
            .iter()
            .map(|l| l.to_string())
            .collect::<Vec<_>>()
            .join(","),
        a.seed
    );
    print_table(a.flits, &reference, &params, map.lanes.len(), hw.as_ref());
    crate::cli::results::write(
        a.json.as_deref(),
        "sim d2d",
        serde_json::json!({
            "flits": a.flits, "lanes": a.lanes, "ber": c.ber, "skew": c.skew,
            "dead_lanes": c.dead_lanes, "lane_dies": c.lane_dies, "seed": a.seed,
            "core_ghz": CORE_GHZ, "rtl": hw, "reference": reference,
        }),
    )?;
    if let Some(path) = &a.vcd {
        println!(
            "VCD: die A {}, die B {}",
            path.display(),
            d2d::bench::second_trace(path).display()
        );
    }
    Ok(())
}

fn print_table(
    flits: u64,
    r: &LinkReport,
    params: &LinkParams,
    ref_lanes: usize,
    hw: Option<&PhyReport>,
) {
    let gbps = |eff: f64, lanes: usize| eff * (lanes * params.bits_per_lane) as f64 * CORE_GHZ;
    let col = |f: &dyn Fn(&PhyReport) -> String| hw.map(f).unwrap_or_else(|| "-".into());
    println!(
        "                          {:>18} {:>18}",
        "RTL (Verilator)", "reference"
    );
    let row = |name: &str, h: String, s: String| println!("  {name:<24}{h:>18} {s:>18}");
    row(
        "training time",
        col(&|h| format!("{} clocks", h.training_clocks)),
        "not modelled".into(),
    );
    row(
        "lanes in use",
        col(&|h| {
            let degraded = if h.lanes_used < params.lanes {
                " (degr.)"
            } else {
                ""
            };
            let spared = if h.broken.is_empty() || h.lanes_used < params.lanes {
                String::new()
            } else {
                format!(" ({} spared)", h.broken.len())
            };
            format!("{}{degraded}{spared}", h.lanes_used)
        }),
        ref_lanes.to_string(),
    );
    row(
        "payload efficiency",
        col(&|h| format!("{:.1} %", 100.0 * h.efficiency)),
        format!("{:.1} %", 100.0 * r.efficiency),
    );
    row(
        "theoretical",
        col(&|h| format!("{:.1} %", 100.0 * h.theoretical)),
        format!("{:.1} %", 100.0 * r.theoretical),
    );
    row(
        "goodput @ 2 GHz",
        col(&|h| format!("{:.1} Gb/s", gbps(h.efficiency, h.lanes_used))),
        format!("{:.1} Gb/s", gbps(r.efficiency, ref_lanes)),
    );
    row(
        "replays",
        col(&|h| h.replays.to_string()),
        r.replays.to_string(),
    );
    row(
        "CRC errors caught",
        col(&|h| h.crc_errors.to_string()),
        r.crc_errors.to_string(),
    );
    row("retrains", col(&|h| h.retrains.to_string()), "-".into());
    row(
        "latency mean / max",
        col(&|h| format!("{:.0} / {}", h.mean_latency, h.max_latency)),
        format!("{:.0} / {}", r.mean_latency, r.max_latency),
    );
    row(
        "flits lost",
        col(&|h| (flits - h.delivered).to_string()),
        (flits - r.delivered).to_string(),
    );
    // A corrupted, duplicated or reordered delivery ends either run with an
    // error: reaching here means none.
    row("corrupted deliveries", col(&|_| "0".into()), "0".into());
    row(
        "flits checked on wire",
        col(&|h| h.monitored.to_string()),
        "-".into(),
    );
    row(
        "simulation speed",
        col(&|h| format!("{:.0} clk/s", h.cycles_per_second)),
        "-".into(),
    );
    println!("  latency: RTL from a flit's first word accepted at die A to its first word out of die B (includes waiting in the replay buffer); reference from first transmission to delivery");
}
