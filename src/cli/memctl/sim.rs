//! `kaizen sim memctl`: a request trace through the RTL memory controller
//! (Verilator, against the HBM device model) and through the software
//! reference scheduler with the same policy, side by side.

use anyhow::{bail, Context};
use clap::Args;
use kaizen_hdl::memctl::config::{ControllerConfig, PagePolicy, RefreshMode};
use kaizen_hdl::memctl::mapping::{capacity, MapScheme};
use kaizen_hdl::memctl::params::MemParams;
use kaizen_sim::memctl;
use kaizen_sim::memctl::bench::BenchOptions;
use kaizen_sim::memctl::check::{replay, report, Report};
use kaizen_sim::models::memctl_reference::{schedule, SchedConfig};
use kaizen_sim::models::trace_file::{self, TraceFormat};
use kaizen_sim::models::traffic::{trace, Pattern};
use std::path::PathBuf;

#[derive(Args)]
pub struct MemctlArgs {
    /// seq-read, seq-write, random, mixed (2 reads : 1 write) or stride.
    #[arg(long, default_value = "seq-read")]
    pattern: String,
    #[arg(long, default_value_t = 10_000)]
    requests: usize,
    /// Instead of a pattern: the requests of a trace file, DRAMsim3
    /// (`<hex address> <READ|WRITE> <cycle>`) or Ramulator (`<hex address>
    /// <R|W>`, or `<bubbles> <read address> [<writeback address>]`).
    #[arg(long, conflicts_with_all = ["pattern", "requests"])]
    trace: Option<PathBuf>,
    /// The trace's format: dramsim3, ramulator or ramulator-cpu (default:
    /// recognised from its first line).
    #[arg(long, requires = "trace")]
    trace_format: Option<String>,
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
    /// Also write the results as JSON here.
    #[arg(long)]
    json: Option<PathBuf>,
}

pub fn run(a: MemctlArgs) -> anyhow::Result<()> {
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
    let (reqs, what) = match &a.trace {
        None => (
            trace(
                pattern,
                a.requests,
                a.seed,
                p.burst_bytes() as usize,
                capacity(&p.geometry),
                u64::from(p.geometry.columns),
            ),
            format!("{} {} requests", a.pattern, a.requests),
        ),
        Some(path) => {
            let format = a
                .trace_format
                .as_deref()
                .map(TraceFormat::parse)
                .transpose()
                .map_err(anyhow::Error::msg)?;
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            let t = trace_file::parse(
                &path.display().to_string(),
                &text,
                format,
                p.burst_bytes() as usize,
                capacity(&p.geometry),
                a.seed,
            )
            .map_err(anyhow::Error::msg)?;
            let folded = if t.folded > 0 {
                format!(
                    " ({} addresses beyond the device's capacity folded into it)",
                    t.folded
                )
            } else {
                String::new()
            };
            let what = format!(
                "trace {} ({:?}, {} requests{folded})",
                path.display(),
                t.format,
                t.requests.len()
            );
            (t.requests, what)
        }
    };
    println!(
        "{what}, seed {}, preset {}, map {}, {} page, {} refresh",
        a.seed, p.name, a.map, a.page, a.refresh
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
    crate::cli::results::write(
        a.json.as_deref(),
        "sim memctl",
        serde_json::json!({
            "pattern": match &a.trace {
                Some(t) => format!("trace {}", t.display()),
                None => a.pattern.clone(),
            },
            "requests": reqs.len(), "trace": a.trace, "seed": a.seed, "preset": p.name,
            "map": a.map, "page": a.page, "refresh": a.refresh, "backpressure": a.backpressure,
            "tck_ps": p.tck_ps, "peak_gbps": p.peak_gbps(),
            "rtl": hw, "reference": r,
        }),
    )
}

fn run_rtl(
    a: &MemctlArgs,
    p: &MemParams,
    cfg: &ControllerConfig,
    reqs: &[kaizen_sim::models::memctl_reference::Request],
) -> anyhow::Result<Report> {
    eprintln!("building the Verilator model (cached after the first build)...");
    let mut bench = memctl::bench::verilator_bench(p, cfg).map_err(anyhow::Error::msg)?;
    if let Some(path) = &a.vcd {
        bench.trace_to(path)?;
    }
    let opt = BenchOptions {
        backpressure: a.backpressure,
        seed: a.seed,
        ..BenchOptions::default()
    };
    let run = memctl::bench::run(&mut bench, p, cfg, reqs, &opt);
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
