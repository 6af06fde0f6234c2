//! `kaizen check-constraints` and `kaizen flow synth|sta|pnr|baseline|gate`.

use super::files::{create_dir, write_atomically};
use super::progress::{Progress, Ticking};
use super::{Blocks, Engine};
use anyhow::{anyhow, bail, Context};
use clap::{Args, Subcommand};
use kaizen_flow::check::check_constraints;
use kaizen_flow::pdk::{locate, Pdk};
use kaizen_flow::qor::{gate, qor, Baseline, BaselineEntry, MacroQor, Qor};
use kaizen_flow::run::{self, Design, Memories};
use kaizen_flow::{kaizen_root, project_root, run::load_sdc};
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
    /// Synthesis, STA, then OpenROAD place and route: post-route area,
    /// wirelength, vias, DRC, timing, clock skew and power.
    Pnr(StepArgs),
    /// Synthesis + STA of the named blocks, written into the QoR baseline
    /// (other blocks' entries are kept); with --routed, place and route
    /// into constraints/pnr-baseline.json.
    Baseline(BaselineArgs),
    /// Synthesis + STA of every block in the QoR baseline, checked against
    /// it; with --routed, place and route of every block in the routed
    /// baseline.
    Gate(GateArgs),
}

#[derive(Args)]
struct BaselineArgs {
    #[command(flatten)]
    blocks: Blocks,
    /// Place and route, and write the routed baseline.
    #[arg(long)]
    routed: bool,
}

#[derive(Args)]
struct GateArgs {
    /// Check the routed baseline (constraints/pnr-baseline.json).
    #[arg(long)]
    routed: bool,
}

#[derive(Args)]
struct StepArgs {
    #[command(flatten)]
    blocks: Blocks,
    /// Threshold-voltage flavour of the library (see constraints/pdk.toml).
    #[arg(long)]
    vt: Option<String>,
    /// SRAMs as macros (black boxes with generated abstracts) or built from
    /// the kit's flops.
    #[arg(long, value_enum, default_value_t = MemoriesArg::Macros)]
    memories: MemoriesArg,
    /// Where each block's job runs: here (one per core) or as a Slurm job
    /// array, a task per block.
    #[arg(long, value_enum, default_value_t = Engine::Local)]
    engine: Engine,
}

impl StepArgs {
    /// The arguments that give one block's task the same step as this one.
    fn task_args(&self, step: &str, block: &str) -> Vec<String> {
        let mut a = vec!["flow".to_string(), step.to_string(), block.to_string()];
        if let Some(vt) = &self.vt {
            a.extend(["--vt".to_string(), vt.clone()]);
        }
        if let MemoriesArg::Flops = self.memories {
            a.extend(["--memories".to_string(), "flops".to_string()]);
        }
        a
    }
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum MemoriesArg {
    Macros,
    Flops,
}

impl From<MemoriesArg> for Memories {
    fn from(m: MemoriesArg) -> Self {
        match m {
            MemoriesArg::Macros => Memories::Macros,
            MemoriesArg::Flops => Memories::Flops,
        }
    }
}

const BASELINE: &str = "constraints/qor-baseline.json";

pub(super) fn emitted(block: &str) -> anyhow::Result<kaizen_hdl::emit::Emitted> {
    entry(block)?.emit().map_err(anyhow::Error::msg)
}

pub(super) fn entry(block: &str) -> anyhow::Result<&'static crate::catalog::Entry> {
    crate::catalog::active()
        .find(block)
        .map_err(anyhow::Error::msg)
}

/// The emitted block, as the flow needs it.
pub(super) fn design(block: &str, memories: Memories) -> anyhow::Result<Design> {
    design_of(emitted(block)?, memories)
}

/// An emitted catalogue block with its constraints directory and `memories`.
pub(super) fn design_of(
    e: kaizen_hdl::emit::Emitted,
    memories: Memories,
) -> anyhow::Result<Design> {
    let constraints = entry(&e.block)?.constraints.clone();
    Ok(Design {
        memories,
        ..crate::flow::design(e, &constraints)
    })
}

pub fn check(blocks: &Blocks) -> anyhow::Result<()> {
    let mut failed = 0;
    for name in blocks.names()? {
        let d = design(&name, Memories::Macros)?;
        let (path, sdc) = load_sdc(&d.constraints, &name).map_err(anyhow::Error::msg)?;
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
pub(super) fn synth_sta(
    root: &Path,
    pdk: &Pdk,
    d: &Design,
    with_sta: bool,
) -> anyhow::Result<(Qor, run::Synthesis)> {
    let (block, memories) = (d.block.as_str(), d.memories);
    let (_, sdc) = load_sdc(&d.constraints, block).map_err(anyhow::Error::msg)?;
    let syn = run::synth(root, d, pdk).map_err(anyhow::Error::msg)?;
    let timing = if with_sta {
        Some(run::sta(root, d, pdk, &syn).map_err(anyhow::Error::msg)?)
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
    q.macros = syn
        .macros
        .iter()
        .map(|(m, count, area)| MacroQor {
            name: m.name.clone(),
            words: m.words,
            bits: m.bits,
            count: *count,
            area_um2: *area,
        })
        .collect();
    q.macro_area_um2 = syn.macros.iter().map(|(_, n, a)| *n as f64 * a).sum();
    // A routed record of this same netlist stays.
    q.post_route = read_qor(root, pdk, block, memories)
        .and_then(|old| old.post_route)
        .filter(|p| p.netlist_sha256 == syn.netlist_sha256);
    write_qor(root, pdk, &q, memories)?;
    Ok((q, syn))
}

/// `build/qor/<block>[.<vt>][.flops].json`
fn qor_path(root: &Path, pdk: &Pdk, block: &str, memories: Memories) -> std::path::PathBuf {
    let mut stem = block.to_string();
    if pdk.vt != pdk.config.default_vt {
        stem += &format!(".{}", pdk.vt);
    }
    if memories == Memories::Flops {
        stem += ".flops";
    }
    root.join("build/qor").join(format!("{stem}.json"))
}

/// The block's last QoR record, if there is a readable one.
fn read_qor(root: &Path, pdk: &Pdk, block: &str, memories: Memories) -> Option<Qor> {
    let text = std::fs::read_to_string(qor_path(root, pdk, block, memories)).ok()?;
    serde_json::from_str(&text).ok()
}

pub(super) fn write_qor(root: &Path, pdk: &Pdk, q: &Qor, memories: Memories) -> anyhow::Result<()> {
    create_dir(&root.join("build/qor"))?;
    let path = qor_path(root, pdk, &q.block, memories);
    write_atomically(&path, (serde_json::to_string_pretty(&q)? + "\n").as_bytes())?;
    Ok(())
}

fn print_table(rows: &[Qor], pdk: &Pdk) {
    println!("{}", pdk.label());
    println!(
        "{:<16} {:>7} {:>11} {:>11} {:>10} {:>10} {:>10}",
        "block", "cells", "area um2", "macros um2", "target", "WNS ps", "Fmax MHz"
    );
    for q in rows {
        let macros = if q.macros.is_empty() {
            "-".to_string()
        } else {
            format!("{:.3}", q.macro_area_um2)
        };
        let head = format!(
            "{:<16} {:>7} {:>11.3} {macros:>11}",
            q.block, q.cells_total, q.area_um2
        );
        match q.clocks.first() {
            Some(c) => println!(
                "{head} {:>6.0} MHz {:>10.2} {:>10.0}",
                c.target_mhz, c.wns_ps, c.fmax_mhz
            ),
            None => println!("{head}"),
        }
        for c in q.clocks.iter().skip(1) {
            println!(
                "{:<16} {:>7} {:>11} {:>11} {:>6.0} MHz {:>10.2} {:>10.0}",
                format!("  {}", c.name),
                "",
                "",
                "",
                c.target_mhz,
                c.wns_ps,
                c.fmax_mhz
            );
        }
        for m in &q.macros {
            println!("  {}: {} x {:.3} um2", m.name, m.count, m.area_um2);
        }
    }
}

/// Blocks run at once for `blocks` blocks: `KAIZEN_JOBS`, else one per core.
pub(super) fn jobs(blocks: usize) -> usize {
    std::env::var("KAIZEN_JOBS")
        .ok()
        .and_then(|j| j.parse::<usize>().ok())
        .filter(|&j| j > 0)
        .unwrap_or_else(cores)
        .min(blocks.max(1))
}

pub(super) fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// Runs `job` on every block, as many at once as `KAIZEN_JOBS` says (else
/// one per core): the tools run one block per process, so blocks are
/// independent. Prints a line as each block finishes; results in `names`'
/// order, the first error wins.
pub(super) fn each_block(
    names: &[String],
    job: impl Fn(&str) -> anyhow::Result<Qor> + Sync,
) -> anyhow::Result<Vec<Qor>> {
    let jobs = jobs(names.len());
    let next = std::sync::atomic::AtomicUsize::new(0);
    let done = std::sync::atomic::AtomicUsize::new(0);
    let results: Vec<std::sync::Mutex<Option<anyhow::Result<Qor>>>> =
        names.iter().map(|_| Default::default()).collect();
    let start = std::time::Instant::now();
    let what = if names.len() == 1 {
        names[0].clone()
    } else {
        "flow".to_string()
    };
    let progress = Ticking::new(Progress::new(&what, "blocks", names.len() as u64));
    std::thread::scope(|scope| {
        for _ in 0..jobs {
            // Emitting a big block recurses deeply: a stack of its own.
            let worker = || loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                let Some(name) = names.get(i) else { break };
                let t = std::time::Instant::now();
                let r = job(name);
                let n = done.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
                progress.done(
                    &format!(
                        "[{n}/{}] {name}: {} in {:.0} s ({:.0} s so far)",
                        names.len(),
                        if r.is_ok() { "done" } else { "failed" },
                        t.elapsed().as_secs_f64(),
                        start.elapsed().as_secs_f64()
                    ),
                    r.is_err(),
                );
                *results[i].lock().unwrap() = Some(r);
            };
            std::thread::Builder::new()
                .stack_size(256 << 20)
                .spawn_scoped(scope, worker)
                .expect("a worker thread");
        }
    });
    progress.finish();
    results
        .into_iter()
        .map(|r| r.into_inner().unwrap().expect("every block ran"))
        .collect()
}

/// Each block's step as a task of one Slurm job array (`kaizen flow
/// <step> <block>`); the QoR records the tasks write are read back.
fn each_block_on_slurm(
    root: &Path,
    pdk: &Pdk,
    a: &StepArgs,
    step: &str,
) -> anyhow::Result<Vec<Qor>> {
    let names = a.blocks.names()?;
    let dir = root.join("build/flow/jobs").join(step);
    let job = super::slurm::ArrayJob {
        name: &format!("flow-{step}"),
        dir: &dir,
        prefix: "block",
        tasks: names.iter().map(|b| a.task_args(step, b)).collect(),
    };
    let mut progress = Progress::new(&format!("flow {step}"), "blocks", names.len() as u64);
    let statuses = job.run(|queue| {
        progress.note(queue);
        let done = (0..names.len())
            .filter(|&i| dir.join(format!("block-{i}.status")).exists())
            .count();
        progress.set(done as u64, 0);
    })?;
    progress.finish();
    let mut rows = vec![];
    for (i, (name, status)) in names.iter().zip(statuses).enumerate() {
        if status != Some(0) {
            let log = job.log(i);
            let last = std::fs::read_to_string(&log)
                .ok()
                .and_then(|t| {
                    t.lines()
                        .rev()
                        .find(|l| !l.trim().is_empty())
                        .map(String::from)
                })
                .unwrap_or_default();
            bail!(
                "{name}: its Slurm task failed ({}): {last} (log: {})",
                status.map_or("did not finish".to_string(), |s| format!("exit {s}")),
                log.display()
            );
        }
        let q = read_qor(root, pdk, name, a.memories.into())
            .with_context(|| format!("{name}: its task wrote no QoR record"))?;
        rows.push(q);
    }
    Ok(rows)
}

/// Synthesis (and STA) of the chosen blocks, as a table.
fn table(root: &Path, a: &StepArgs, with_sta: bool) -> anyhow::Result<()> {
    let pdk = locate_pdk(a.vt.as_deref())?;
    let rows = match a.engine {
        Engine::Local => each_block(&a.blocks.names()?, |b| {
            synth_sta(root, &pdk, &design(b, a.memories.into())?, with_sta).map(|r| r.0)
        })?,
        Engine::Slurm => {
            each_block_on_slurm(root, &pdk, a, if with_sta { "sta" } else { "synth" })?
        }
    };
    print_table(&rows, &pdk);
    Ok(())
}

/// The kit, as Kaizen's `constraints/pdk.toml` configures it.
fn locate_pdk(vt: Option<&str>) -> anyhow::Result<Pdk> {
    locate(&kaizen_root(), vt).map_err(anyhow::Error::msg)
}

pub fn run(args: FlowArgs) -> anyhow::Result<()> {
    let root = project_root();
    match args.step {
        Step::Synth(a) => table(&root, &a, false)?,
        Step::Sta(a) => table(&root, &a, true)?,
        Step::Pnr(a) => {
            let pdk = locate_pdk(a.vt.as_deref())?;
            if a.engine == Engine::Slurm {
                let rows = each_block_on_slurm(&root, &pdk, &a, "pnr")?;
                super::pnr::print_table(&rows, &pdk);
            } else {
                super::pnr::run(&root, &pdk, &a.blocks.names()?, a.memories.into())?;
            }
        }
        Step::Baseline(BaselineArgs {
            blocks,
            routed: true,
        }) => {
            let pdk = locate_pdk(None)?;
            super::pnr::baseline(&root, &pdk, &blocks.names()?)?;
        }
        Step::Gate(GateArgs { routed: true }) => {
            let pdk = locate_pdk(None)?;
            super::pnr::gate_routed(&root, &pdk)?;
        }
        Step::Baseline(BaselineArgs { blocks, .. }) => {
            let pdk = locate_pdk(None)?;
            let rows = each_block(&blocks.names()?, |b| {
                synth_sta(&root, &pdk, &design(b, Memories::Macros)?, true).map(|r| r.0)
            })?;
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
                        macro_area_um2: q.macro_area_um2,
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
        Step::Gate(_) => {
            let pdk = locate_pdk(None)?;
            let text = std::fs::read_to_string(root.join(BASELINE))
                .with_context(|| format!("cannot read {BASELINE}"))?;
            let baseline: Baseline = serde_json::from_str(&text)
                .with_context(|| format!("{BASELINE}: not a QoR baseline"))?;
            let names: Vec<String> = baseline.blocks.keys().cloned().collect();
            for b in &names {
                entry(b).map_err(|e| anyhow!("{BASELINE}: {e}"))?;
            }
            let rows = each_block(&names, |b| {
                synth_sta(&root, &pdk, &design(b, Memories::Macros)?, true).map(|r| r.0)
            })?;
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
