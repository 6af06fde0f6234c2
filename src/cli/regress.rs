//! `kaizen regress memctl`: the long regressions CI does not run. Stress
//! traffic through the RTL controller under each policy, and with `--teeth`
//! the mutants: the controller built with one timing rule a cycle short,
//! each of which the device model must catch.

use anyhow::{bail, Context};
use clap::{Args, Subcommand};
use kaizen_hdl::catalog;
use kaizen_hdl::memctl::config::{ControllerConfig, PagePolicy, RefreshMode};
use kaizen_hdl::memctl::mapping::MapScheme;
use kaizen_hdl::memctl::params::MemParams;
use kaizen_sim::memctl::bench::{run, verilator_bench, BenchOptions};
use kaizen_sim::memctl::regress::{mutants, stress, teeth_traces};
use std::time::Instant;

#[derive(Args)]
pub struct RegressArgs {
    #[command(subcommand)]
    what: RegressWhat,
}

#[derive(Subcommand)]
enum RegressWhat {
    /// The HBM3 controller against the HBM device model.
    Memctl {
        /// Stress requests per policy.
        #[arg(long, default_value_t = 1_000_000)]
        requests: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Instead: build each timing mutant and check a test catches it.
        #[arg(long)]
        teeth: bool,
    },
    /// The die-to-die PHY (two dies on Verilator) over random channels.
    D2d {
        /// Flits to deliver in total, over channels of 5000 flits each.
        #[arg(long, default_value_t = 1_000_000)]
        flits: u64,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Instead: build each PHY mutant and check a test catches it.
        #[arg(long)]
        teeth: bool,
    },
}

pub fn run_args(args: RegressArgs) -> anyhow::Result<()> {
    match args.what {
        RegressWhat::Memctl {
            requests,
            seed,
            teeth,
        } => memctl(requests, seed, teeth),
        RegressWhat::D2d { flits, seed, teeth } => super::regress_d2d::run(flits, seed, teeth),
    }
}

fn memctl(requests: usize, seed: u64, teeth: bool) -> anyhow::Result<()> {
    let p = MemParams::preset(catalog::MEMCTL_PRESET).map_err(anyhow::Error::msg)?;
    if teeth {
        return run_teeth(&p, seed);
    }
    if requests == 0 {
        bail!("--requests must be at least 1");
    }
    let policies = [
        (
            "default (bg-interleaved, open page, all-bank refresh)",
            ControllerConfig::default(),
        ),
        (
            "row-bank-bg-col, closed page, per-bank refresh",
            ControllerConfig {
                map: MapScheme::RowBankGroupColumn,
                page: PagePolicy::Closed,
                refresh: RefreshMode::PerBank,
                ..ControllerConfig::default()
            },
        ),
    ];
    let reqs = stress(&p, requests, seed);
    for (name, cfg) in policies {
        let mut b = verilator_bench(&p, &cfg).map_err(anyhow::Error::msg)?;
        let opt = BenchOptions {
            backpressure: 0.2,
            seed,
            ..BenchOptions::default()
        };
        let t = Instant::now();
        let hw = run(&mut b, &p, &cfg, &reqs, &opt)
            .map_err(anyhow::Error::msg)
            .with_context(|| format!("{name}, seed {seed}"))?;
        let secs = t.elapsed().as_secs_f64();
        println!(
            "ok  {name}: {requests} requests, {} cycles, {} refreshes, 0 violations, data intact; {:.0} cycles/s (RTL + device model + bench)",
            hw.outcome.cycles,
            hw.outcome.refreshes,
            hw.outcome.cycles as f64 / secs
        );
    }
    Ok(())
}

fn run_teeth(p: &MemParams, seed: u64) -> anyhow::Result<()> {
    let traces = teeth_traces(p, seed);
    let mut survivors = vec![];
    for m in mutants(p) {
        let mut b = verilator_bench(&m.controller_params, &m.config).map_err(anyhow::Error::msg)?;
        let caught = traces.iter().find_map(|(name, reqs)| {
            run(
                &mut b,
                &m.device_params,
                &m.config,
                reqs,
                &BenchOptions::default(),
            )
            .err()
            .map(|e| (name, e))
        });
        match caught {
            Some((trace, e)) => println!(
                "caught   {:<34} by {trace}: {}",
                m.name,
                e.lines().next().unwrap_or("")
            ),
            None => {
                println!("MISSED   {}", m.name);
                survivors.push(m.name);
            }
        }
    }
    survivors_fail(&survivors)
}

/// The end of a teeth run: an error naming every mutant no test caught.
pub(super) fn survivors_fail<S: AsRef<str>>(survivors: &[S]) -> anyhow::Result<()> {
    if !survivors.is_empty() {
        bail!(
            "{} mutant(s) survived: {}",
            survivors.len(),
            survivors
                .iter()
                .map(|s| s.as_ref())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    Ok(())
}
