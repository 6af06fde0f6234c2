//! `kaizen flow pnr`: synthesis and static timing, a simulated workload for
//! switching activity, then OpenROAD place and route; the post-route
//! figures go into the block's QoR record. `flow baseline --routed` and
//! `flow gate --routed` keep `constraints/pnr-baseline.json`.

use super::files::write_atomically;
use super::flow::{cores, design_of, each_block, emitted, jobs, synth_sta, write_qor};
use anyhow::{anyhow, Context};
use kaizen_flow::pdk::Pdk;
use kaizen_flow::pnr::gate::{entry, gate, RoutedBaseline};
use kaizen_flow::pnr::{self, Activity};
use kaizen_flow::qor::Qor;
use kaizen_flow::run::{load_sdc, Memories};
use kaizen_sim::activity::{random_inputs_vcd, RandomInputs};
use std::path::Path;

pub const ROUTED_BASELINE: &str = "constraints/pnr-baseline.json";

/// The workload power is reported for.
const WORKLOAD: RandomInputs = RandomInputs {
    cycles: 2000,
    seed: 1,
};

/// Synthesis, STA, workload and place and route of one block.
/// `threads`: OpenROAD's threads for this block (the cores the other
/// blocks running beside it leave).
pub fn route(
    root: &Path,
    pdk: &Pdk,
    block: &str,
    memories: Memories,
    threads: usize,
) -> anyhow::Result<Qor> {
    // Emitting a big block takes a while: once, for synthesis and the workload.
    let e = emitted(block)?;
    let d = design_of(e.clone(), memories)?;
    let (mut q, syn) = synth_sta(root, pdk, &d, true)?;
    let (_, sdc) = load_sdc(&d.constraints, block).map_err(anyhow::Error::msg)?;
    // Activity from a simulation where the block has one clock; OpenSTA's
    // default activity otherwise.
    let activity = match pnr::clock_ports(&sdc).as_slice() {
        [(clock, period)] => {
            let vcd = root
                .join("build/flow")
                .join(block)
                .join(format!("{block}.workload.vcd"));
            let period = period.round() as u64;
            let scope = random_inputs_vcd(&e, clock, period, WORKLOAD, &vcd)
                .map_err(|e| anyhow!("{block}: simulating the power workload: {e}"))?;
            Some(Activity {
                vcd,
                scope,
                workload: WORKLOAD.describe(clock, period),
            })
        }
        _ => None,
    };
    q.post_route = Some(
        pnr::run(root, &d, pdk, &syn, activity.as_ref(), threads).map_err(anyhow::Error::msg)?,
    );
    write_qor(root, pdk, &q, memories)?;
    Ok(q)
}

pub fn print_table(rows: &[Qor], pdk: &Pdk) {
    println!("{} -- after detailed routing", pdk.label());
    println!(
        "{:<14} {:>9} {:>9} {:>6} {:>10} {:>7} {:>4} {:>9} {:>9} {:>8} {:>11} {:>7}",
        "block",
        "die um2",
        "cells um2",
        "util",
        "wire um",
        "vias",
        "DRC",
        "WNS ps",
        "Fmax MHz",
        "skew ps",
        "switch uW",
        "time s"
    );
    for q in rows {
        let Some(p) = &q.post_route else { continue };
        let worst = p
            .clocks
            .iter()
            .min_by(|a, b| a.worst_slack_ps.total_cmp(&b.worst_slack_ps));
        println!(
            "{:<14} {:>9.3} {:>9.3} {:>5.0}% {:>10.1} {:>7} {:>4} {:>9.2} {:>9.0} {:>8.2} {:>11.3} {:>7.0}",
            q.block,
            p.die_area_um2,
            p.cell_area_um2,
            100.0 * p.utilization,
            p.wirelength_um,
            p.vias,
            p.drc_violations,
            worst.map_or(0.0, |c| c.wns_ps),
            worst.map_or(0.0, |c| c.fmax_mhz),
            p.clock_skew_ps,
            p.power.switching_w * 1e6,
            p.runtime_s
        );
        // Internal power as OpenSTA sums the kit's tables (docs/flow.md:
        // a third of them are negative).
        println!(
            "  power: switching {:.3} uW, leakage {:.3} uW, internal {:.3} uW ({})",
            p.power.switching_w * 1e6,
            p.power.leakage_w * 1e6,
            p.power.internal_w * 1e6,
            p.power.activity
        );
    }
}

fn route_all(
    root: &Path,
    pdk: &Pdk,
    names: &[String],
    memories: Memories,
) -> anyhow::Result<Vec<Qor>> {
    // Before minutes of synthesis: is OpenROAD there at all?
    pnr::python(&kaizen_flow::kaizen_root()).map_err(anyhow::Error::msg)?;
    let threads = (cores() / jobs(names.len())).max(1);
    each_block(names, |b| route(root, pdk, b, memories, threads))
}

pub fn run(root: &Path, pdk: &Pdk, names: &[String], memories: Memories) -> anyhow::Result<()> {
    let rows = route_all(root, pdk, names, memories)?;
    print_table(&rows, pdk);
    for q in &rows {
        println!(
            "{}: layout, reports and QoR in {}",
            q.block,
            root.join("build/flow")
                .join(&q.block)
                .join(&pdk.vt)
                .join("pnr")
                .display()
        );
    }
    Ok(())
}

fn read_baseline(root: &Path) -> anyhow::Result<Option<RoutedBaseline>> {
    match std::fs::read_to_string(root.join(ROUTED_BASELINE)) {
        Ok(text) => Ok(Some(serde_json::from_str(&text).with_context(|| {
            format!("{ROUTED_BASELINE}: not a routed QoR baseline")
        })?)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(anyhow!("cannot read {ROUTED_BASELINE}: {e}")),
    }
}

/// Routes `names` and writes their entries into the routed baseline.
pub fn baseline(root: &Path, pdk: &Pdk, names: &[String]) -> anyhow::Result<()> {
    let rows = route_all(root, pdk, names, Memories::Macros)?;
    let mut b = read_baseline(root)?.unwrap_or(RoutedBaseline {
        tolerance_percent: 15.0,
        vt: pdk.vt.clone(),
        note: String::new(),
        blocks: Default::default(),
    });
    b.note = format!(
        "{}; written by `kaizen flow baseline --routed`",
        pdk.label()
    );
    for q in &rows {
        if let Some(p) = &q.post_route {
            b.blocks.insert(q.block.clone(), entry(p));
        }
    }
    write_atomically(
        &root.join(ROUTED_BASELINE),
        (serde_json::to_string_pretty(&b)? + "\n").as_bytes(),
    )?;
    print_table(&rows, pdk);
    println!("routed baseline written to {ROUTED_BASELINE}");
    Ok(())
}

/// Routes every block of the routed baseline and checks it.
pub fn gate_routed(root: &Path, pdk: &Pdk) -> anyhow::Result<()> {
    let b = read_baseline(root)?
        .ok_or_else(|| anyhow!("cannot read {ROUTED_BASELINE}: no such file"))?;
    let names: Vec<String> = b.blocks.keys().cloned().collect();
    for n in &names {
        super::flow::entry(n).map_err(|e| anyhow!("{ROUTED_BASELINE}: {e}"))?;
    }
    let rows = route_all(root, pdk, &names, Memories::Macros)?;
    print_table(&rows, pdk);
    let failures: Vec<String> = rows
        .iter()
        .flat_map(|q| {
            q.post_route
                .as_ref()
                .map(|p| gate(&b, &q.block, p))
                .unwrap_or_default()
        })
        .collect();
    if !failures.is_empty() {
        return Err(anyhow!(
            "routed QoR gate failed:\n  {}",
            failures.join("\n  ")
        ));
    }
    println!(
        "routed QoR gate: every block within {} % of its baseline cell area and wirelength, meeting its clocks, 0 DRC violations",
        b.tolerance_percent
    );
    Ok(())
}
