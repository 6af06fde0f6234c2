//! `kaizen regress memctl`: the long regressions CI does not run. Stress
//! traffic through the RTL controller under each policy, and with `--teeth`
//! the mutants: the controller built with one timing rule a cycle short,
//! each of which the device model must catch.

use crate::cli::regress::survivors_fail;
use anyhow::{bail, Context};
use kaizen_hdl::catalog;
use kaizen_hdl::memctl::config::{ControllerConfig, PagePolicy, RefreshMode};
use kaizen_hdl::memctl::mapping::MapScheme;
use kaizen_hdl::memctl::params::MemParams;
use kaizen_sim::memctl;
use kaizen_sim::memctl::bench::{verilator_bench, BenchOptions};
use kaizen_sim::memctl::regress::{mutants, stress, teeth_traces};
use std::time::Instant;

pub fn run(requests: usize, seed: u64, teeth: bool) -> anyhow::Result<()> {
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
        let hw = memctl::bench::run(&mut b, &p, &cfg, &reqs, &opt)
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
            memctl::bench::run(
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
