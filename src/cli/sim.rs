//! `kaizen sim memctl`: a request trace through the memory controller's
//! reference scheduler, checked on the HBM device model.
//!
//! The RTL controller is not built yet; until it is, this runs the software
//! reference of its policy, and says so.

use anyhow::{anyhow, Context};
use clap::{Args, Subcommand};
use kaizen_hdl::memctl::mapping::{capacity, MapScheme};
use kaizen_hdl::memctl::params::MemParams;
use kaizen_sim::memctl_check::replay;
use kaizen_sim::models::memctl_reference::{schedule, PagePolicy, RefreshMode, SchedConfig};
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
}

pub fn run(args: SimArgs) -> anyhow::Result<()> {
    let SimWhat::Memctl(a) = args.what;
    let pattern = Pattern::parse(&a.pattern).map_err(anyhow::Error::msg)?;
    let p = if a.preset.ends_with(".toml") {
        MemParams::load(&PathBuf::from(&a.preset))
    } else {
        MemParams::preset(&a.preset)
    }
    .map_err(anyhow::Error::msg)?;
    let cfg = SchedConfig {
        map: MapScheme::parse(&a.map).map_err(anyhow::Error::msg)?,
        page: match a.page.as_str() {
            "open" => PagePolicy::Open,
            "closed" => PagePolicy::Closed,
            other => {
                return Err(anyhow!(
                    "unknown page policy `{other}`; known: open, closed"
                ))
            }
        },
        refresh: match a.refresh.as_str() {
            "all-bank" => RefreshMode::AllBank,
            "per-bank" => RefreshMode::PerBank,
            other => {
                return Err(anyhow!(
                    "unknown refresh mode `{other}`; known: all-bank, per-bank"
                ))
            }
        },
        ..SchedConfig::default()
    };
    cfg.check().map_err(anyhow::Error::msg)?;
    anyhow::ensure!(a.requests > 0, "--requests must be at least 1");
    let reqs = trace(
        pattern,
        a.requests,
        a.seed,
        p.burst_bytes() as usize,
        capacity(&p.geometry),
        u64::from(p.geometry.columns),
    );
    let out = schedule(&p, &cfg, &reqs).map_err(anyhow::Error::msg)?;
    let r = replay(&p, cfg.map, &reqs, &out)
        .map_err(anyhow::Error::msg)
        .context("the device model rejected the schedule")?;
    let ns = f64::from(p.tck_ps) / 1000.0;
    println!(
        "{} {} requests, seed {}, preset {}, map {}, {} page, {} refresh",
        a.pattern, a.requests, a.seed, p.name, a.map, a.page, a.refresh
    );
    println!("reference scheduler (software model of the controller's FR-FCFS policy; the RTL controller is not built yet)");
    println!(
        "  data-bus efficiency   {:>8.1} % of peak (refresh included)",
        100.0 * r.efficiency
    );
    println!(
        "  achieved bandwidth    {:>8.2} GB/s of {:.1} GB/s peak",
        r.achieved_gbps,
        p.peak_gbps()
    );
    println!(
        "  latency mean / p99    {:>8.1} / {} cycles ({:.1} / {:.1} ns, queue entry to last data)",
        r.mean_latency,
        r.p99_latency,
        r.mean_latency * ns,
        r.p99_latency as f64 * ns
    );
    println!("  row-hit rate          {:>8.1} %", 100.0 * r.row_hit_rate);
    println!("  refreshes             {:>8}", r.refreshes);
    println!("  longest queue wait    {:>8} cycles", r.max_wait);
    println!(
        "  timing violations     {:>8} (checked by the HBM device model)",
        0
    );
    Ok(())
}
