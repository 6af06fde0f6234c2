//! Command-line front end: one module per sub-command.

mod bench;
mod cdc;
mod d2d;
mod emit;
mod files;
mod flow;
mod lint;
mod macros;
mod memctl;
mod pnr;
mod progress;
mod regress;
mod report;
mod results;
mod sim;
mod slurm;
mod testchip;
mod tools;

use crate::catalog::{active, Origin};
use anyhow::bail;
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

pub const DEFAULT_VERILOG_DIR: &str = "build/verilog";

#[derive(Parser)]
#[command(
    name = "kaizen",
    version,
    about = "Describe, emit, simulate and verify the blocks of a 2nm-class test chip"
)]
pub struct Cli {
    /// No progress bars or progress lines (results and errors still print).
    #[arg(long, global = true)]
    quiet: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Write synthesizable Verilog and a manifest for one or more blocks.
    Emit(emit::EmitArgs),
    /// Lint emitted Verilog with Verilator (-Wall) and Yosys.
    Lint {
        /// Directory `kaizen emit` wrote to.
        #[arg(long, default_value = DEFAULT_VERILOG_DIR)]
        dir: PathBuf,
    },
    /// List the blocks that can be emitted (a project's, then Kaizen's).
    Blocks,
    /// Write a new block crate: a block, its model, a property test, its
    /// SDC and floorplan, and a README; `kaizen` run inside it knows its block.
    New(crate::scaffold::NewArgs),
    /// Measure simulator speed.
    Bench(bench::BenchArgs),
    /// Simulate a block on generated traffic.
    Sim(sim::SimArgs),
    /// Long regressions in shards (here or on Slurm) and mutation checks.
    Regress(regress::RegressArgs),
    /// An HTML page of plots from the numbers the other commands wrote.
    Report(report::ReportArgs),
    /// Check each block's SDC against its ports and clocks.
    CheckConstraints(Blocks),
    /// Check that every clock-domain crossing goes through a synchroniser.
    Cdc(Blocks),
    /// Print the test chip's register map (Markdown, or JSON for host software).
    Regmap {
        #[arg(long)]
        json: bool,
    },
    /// Synthesis, static timing and place-and-route on the open flow.
    Flow(flow::FlowArgs),
    /// SRAM macro abstracts (Liberty, LEF) and behavioural model for a shape.
    Macro(macros::MacroArgs),
}

pub fn run(cli: Cli) -> anyhow::Result<()> {
    progress::set_quiet(cli.quiet);
    match cli.command {
        Command::Emit(args) => emit::run(args),
        Command::Lint { dir } => lint::run(&dir),
        Command::Blocks => {
            let catalog = active();
            let project: Vec<_> = catalog
                .entries()
                .iter()
                .filter(|e| e.origin == Origin::Project)
                .collect();
            if !project.is_empty() {
                println!("project ({}):", catalog.root().display());
                for e in &project {
                    println!("  {:<18} {}", e.name, e.summary);
                }
                println!("kaizen:");
            }
            let indent = if project.is_empty() { "" } else { "  " };
            for e in catalog
                .entries()
                .iter()
                .filter(|e| e.origin == Origin::Kaizen)
            {
                println!("{indent}{:<18} {}", e.name, e.summary);
            }
            Ok(())
        }
        Command::New(args) => crate::scaffold::run(&args),
        Command::Bench(args) => {
            progress::show_library_progress();
            bench::run(args)
        }
        Command::Sim(args) => {
            progress::show_library_progress();
            sim::run(args)
        }
        Command::Regress(args) => regress::run_args(args),
        Command::Report(args) => report::run(args),
        Command::CheckConstraints(blocks) => flow::check(&blocks),
        Command::Cdc(blocks) => cdc::run(&blocks),
        Command::Regmap { json } => {
            use kaizen_hdl::testchip::registers::{json as map_json, markdown};
            print!("{}", if json { map_json() } else { markdown() });
            Ok(())
        }
        Command::Flow(args) => flow::run(args),
        Command::Macro(args) => macros::run(args),
    }
}

/// Where independent jobs (regression shards, one block's flow) run.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Engine {
    /// Processes (or threads) on this machine, one per core at a time.
    Local,
    /// One Slurm job array (`sbatch --array`), a task per job.
    Slurm,
}

/// Which blocks a command works on.
#[derive(Args)]
pub struct Blocks {
    /// Blocks (see `kaizen blocks`).
    blocks: Vec<String>,
    /// Every block of the project (Kaizen's own in Kaizen's checkout).
    #[arg(long)]
    all: bool,
}

impl Blocks {
    /// The selected block names, each checked against the catalog.
    pub fn names(&self) -> anyhow::Result<Vec<String>> {
        let names: Vec<String> = if self.all {
            active().default_blocks()
        } else if self.blocks.is_empty() {
            bail!("name a block, or use --all (see `kaizen blocks`)");
        } else {
            self.blocks.clone()
        };
        for n in &names {
            active().find(n).map_err(anyhow::Error::msg)?;
        }
        Ok(names)
    }
}
