//! `kaizen check-constraints` and `kaizen flow synth|sta|pnr|baseline|gate`.

use super::files::{create_dir, write_atomically};
use super::Blocks;
use anyhow::{anyhow, bail, Context};
use clap::{Args, Subcommand};
use kaizen_flow::check::{check_constraints, PortInfo};
use kaizen_flow::pdk::{locate, Pdk};
use kaizen_flow::qor::{gate, qor, Baseline, BaselineEntry, Qor};
use kaizen_flow::run::{self, Design};
use kaizen_flow::{project_root, run::load_sdc};
use kaizen_hdl::catalog;
use kaizen_hdl::emit::Direction;
use std::path::Path;

#[derive(Args)]
pub struct FlowArgs {
    #[command(subcommand)]
    step: Step,
}

#[derive(Subcommand)]
enum Step {
    /// Yosys synthesis to the PDK's cells: cells and area.
    Synth(StepArgs),
    /// Synthesis, then OpenSTA: slack per clock and Fmax.
    Sta(StepArgs),
    /// Synthesis, then OpenROAD (or its ready-to-run scripts if OpenROAD is absent).
    Pnr(StepArgs),
    /// Synthesis + STA of the named blocks, written into the QoR baseline
    /// (other blocks' entries are kept).
    Baseline(Blocks),
    /// Synthesis + STA of every block in the QoR baseline, checked against it.
    Gate,
}

#[derive(Args)]
struct StepArgs {
    #[command(flatten)]
    blocks: Blocks,
    /// Threshold-voltage flavour of the library (see constraints/pdk.toml).
    #[arg(long)]
    vt: Option<String>,
}

const BASELINE: &str = "constraints/qor-baseline.json";

/// The emitted block, as the flow needs it.
fn design(block: &str) -> anyhow::Result<Design> {
    let e =
        (catalog::find(block).map_err(anyhow::Error::msg)?.emit)().map_err(anyhow::Error::msg)?;
    Ok(Design {
        block: e.block.clone(),
        top: e.top_module.clone(),
        ports: e
            .ports
            .iter()
            .map(|p| PortInfo {
                name: p.name.clone(),
                input: p.direction == Direction::Input,
                width: p.width,
            })
            .collect(),
        verilog: e.verilog,
    })
}

pub fn check(blocks: &Blocks) -> anyhow::Result<()> {
    let root = project_root();
    let mut failed = 0;
    for name in blocks.names()? {
        let d = design(&name)?;
        let (path, sdc) = load_sdc(&root, &name).map_err(anyhow::Error::msg)?;
        let problems = check_constraints(&path.display().to_string(), &sdc, &d.ports);
        if problems.is_empty() {
            println!(
                "ok     {name:<12} {} commands, {} ports constrained",
                sdc.commands.len(),
                d.ports.len()
            );
        } else {
            failed += 1;
            println!("FAIL   {name}");
            for p in problems {
                println!("    {p}");
            }
        }
    }
    if failed > 0 {
        bail!("constraints of {failed} block(s) are incomplete or name things the design does not have");
    }
    Ok(())
}

/// Synthesis and (optionally) STA of one block; writes its QoR JSON.
fn synth_sta(
    root: &Path,
    pdk: &Pdk,
    block: &str,
    with_sta: bool,
) -> anyhow::Result<(Qor, std::path::PathBuf)> {
    let d = design(block)?;
    let (_, sdc) = load_sdc(root, block).map_err(anyhow::Error::msg)?;
    let syn = run::synth(root, &d, pdk).map_err(anyhow::Error::msg)?;
    let timing = if with_sta {
        Some(run::sta(root, &d, pdk, &syn.netlist).map_err(anyhow::Error::msg)?)
    } else {
        None
    };
    let empty = kaizen_flow::reports::TimingReport {
        worst_slack_by_group: Default::default(),
        tns_ps: 0.0,
        worst_slack_ps: 0.0,
    };
    let mut q = qor(
        block,
        &d.top,
        pdk,
        &sdc,
        &syn.cells,
        timing.as_ref().unwrap_or(&empty),
    );
    if timing.is_none() {
        q.clocks.clear();
    }
    let dir = root.join("build/qor");
    create_dir(&dir)?;
    let file = if pdk.vt == pdk.config.default_vt {
        format!("{block}.json")
    } else {
        format!("{block}.{}.json", pdk.vt)
    };
    let path = dir.join(file);
    write_atomically(&path, (serde_json::to_string_pretty(&q)? + "\n").as_bytes())?;
    Ok((q, syn.netlist))
}

fn print_table(rows: &[Qor], pdk: &Pdk) {
    println!("{}", pdk.label());
    println!(
        "{:<12} {:>7} {:>11} {:>10} {:>10} {:>10}",
        "block", "cells", "area um2", "target", "WNS ps", "Fmax MHz"
    );
    for q in rows {
        match q.clocks.first() {
            Some(c) => println!(
                "{:<12} {:>7} {:>11.3} {:>6.0} MHz {:>10.2} {:>10.0}",
                q.block, q.cells_total, q.area_um2, c.target_mhz, c.wns_ps, c.fmax_mhz
            ),
            None => println!("{:<12} {:>7} {:>11.3}", q.block, q.cells_total, q.area_um2),
        }
    }
}

/// Synthesis (and STA) of the chosen blocks, as a table.
fn table(root: &Path, a: &StepArgs, with_sta: bool) -> anyhow::Result<()> {
    let pdk = locate_pdk(root, a.vt.as_deref())?;
    let rows = a
        .blocks
        .names()?
        .iter()
        .map(|b| synth_sta(root, &pdk, b, with_sta).map(|r| r.0))
        .collect::<anyhow::Result<Vec<_>>>()?;
    print_table(&rows, &pdk);
    Ok(())
}

fn locate_pdk(root: &Path, vt: Option<&str>) -> anyhow::Result<Pdk> {
    locate(root, vt).map_err(anyhow::Error::msg)
}

pub fn run(args: FlowArgs) -> anyhow::Result<()> {
    let root = project_root();
    match args.step {
        Step::Synth(a) => table(&root, &a, false)?,
        Step::Sta(a) => table(&root, &a, true)?,
        Step::Pnr(a) => {
            let pdk = locate_pdk(&root, a.vt.as_deref())?;
            for b in a.blocks.names()? {
                let (_, netlist) = synth_sta(&root, &pdk, &b, false)?;
                let (dir, ran) =
                    run::pnr(&root, &design(&b)?, &pdk, &netlist).map_err(anyhow::Error::msg)?;
                if ran {
                    println!("{b}: OpenROAD done; reports in {}", dir.display());
                } else {
                    println!(
                        "{b}: OpenROAD is not installed; inputs and a ready-to-run {} are written",
                        dir.join("run.sh").display()
                    );
                }
            }
        }
        Step::Baseline(blocks) => {
            let pdk = locate_pdk(&root, None)?;
            let rows = blocks
                .names()?
                .iter()
                .map(|b| synth_sta(&root, &pdk, b, true).map(|r| r.0))
                .collect::<anyhow::Result<Vec<_>>>()?;
            let mut entries = match std::fs::read_to_string(root.join(BASELINE)) {
                Ok(text) => {
                    serde_json::from_str::<Baseline>(&text)
                        .with_context(|| format!("{BASELINE}: not a QoR baseline"))?
                        .blocks
                }
                Err(_) => Default::default(),
            };
            for q in &rows {
                let slack = q
                    .clocks
                    .iter()
                    .map(|c| c.worst_slack_ps)
                    .fold(f64::INFINITY, f64::min);
                entries.insert(
                    q.block.clone(),
                    BaselineEntry {
                        area_um2: q.area_um2,
                        cells_total: q.cells_total,
                        worst_slack_ps: slack,
                    },
                );
            }
            let baseline = Baseline {
                area_tolerance_percent: 5.0,
                vt: pdk.vt.clone(),
                note: format!("{}; written by `kaizen flow baseline`", pdk.label()),
                blocks: entries,
            };
            write_atomically(
                &root.join(BASELINE),
                (serde_json::to_string_pretty(&baseline)? + "\n").as_bytes(),
            )?;
            print_table(&rows, &pdk);
            println!("baseline written to {BASELINE}");
        }
        Step::Gate => {
            let pdk = locate_pdk(&root, None)?;
            let text = std::fs::read_to_string(root.join(BASELINE))
                .with_context(|| format!("cannot read {BASELINE}"))?;
            let baseline: Baseline = serde_json::from_str(&text)
                .with_context(|| format!("{BASELINE}: not a QoR baseline"))?;
            let rows = baseline
                .blocks
                .keys()
                .map(|b| {
                    catalog::find(b)
                        .map_err(|e| anyhow!("{BASELINE}: {e}"))
                        .and_then(|_| synth_sta(&root, &pdk, b, true).map(|r| r.0))
                })
                .collect::<anyhow::Result<Vec<_>>>()?;
            print_table(&rows, &pdk);
            let failures: Vec<String> = rows.iter().flat_map(|q| gate(&baseline, q)).collect();
            if !failures.is_empty() {
                return Err(anyhow!("QoR gate failed:\n  {}", failures.join("\n  ")));
            }
            println!(
                "QoR gate: every block within {} % of its baseline area and meeting its clock",
                baseline.area_tolerance_percent
            );
        }
    }
    Ok(())
}
