//! `kaizen regress <block>`: the long regressions CI does not run, one
//! sub-command per block, each in its block's folder (`memctl/regress.rs`,
//! `d2d/regress.rs`). A regression is a list of seeded cases, cut into
//! shards that run here (`--engine local`) or as a Slurm job array
//! (`--engine slurm`), merged by `kaizen regress collect`.

mod engine;
mod shards;

use crate::cli::Engine;
use anyhow::bail;
use clap::{Args, Subcommand};
use kaizen_sim::regression::CaseResult;
use std::path::PathBuf;

pub use shards::{collect_and_report, HISTORY};

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
        requests: u64,
        /// Requests per case (the unit a shard runs and a failure replays).
        #[arg(long, default_value_t = 10_000)]
        case_requests: u64,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Run against the controller built with this timing rule a cycle
        /// short (`tRP`, `tFAW`, ...; see `--teeth`): the regression must fail.
        #[arg(long)]
        mutant: Option<String>,
        /// Instead: build each timing mutant and check a test catches it.
        #[arg(long)]
        teeth: bool,
        #[command(flatten)]
        sharding: Sharding,
    },
    /// The die-to-die PHY (two dies on Verilator) over random channels.
    D2d {
        /// Flits to deliver in total, over channels of `--channel-flits` each.
        #[arg(long, default_value_t = 1_000_000)]
        flits: u64,
        /// Flits per channel (one case).
        #[arg(long, default_value_t = 5_000)]
        channel_flits: u64,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Instead: build each PHY mutant and check a test catches it.
        #[arg(long)]
        teeth: bool,
        #[command(flatten)]
        sharding: Sharding,
    },
    /// Merge the shard results in DIR: summary, JUnit, exit status, and a
    /// replay command for every failed case.
    Collect { dir: PathBuf },
}

/// How a regression is cut and where it runs.
#[derive(Args, Clone)]
pub struct Sharding {
    /// Cut the cases into N shards (the cases and seeds do not depend on N).
    #[arg(long, default_value_t = 1)]
    pub shards: u64,
    /// Run only shard I (0-based) here, in this process: what each job runs.
    #[arg(long)]
    pub shard: Option<u64>,
    /// Run only case K, in this process: the replay command of a failure.
    #[arg(long, conflicts_with = "shard")]
    pub case: Option<u64>,
    /// Where the shards run.
    #[arg(long, value_enum, default_value_t = Engine::Local)]
    pub engine: Engine,
    /// Directory for shard results, logs, the summary and JUnit
    /// [default: build/regress/<block>].
    #[arg(long)]
    pub out: Option<PathBuf>,
}

/// A regression as the shard runner sees it.
pub(crate) trait Regression {
    /// The block's name (`memctl`).
    fn name(&self) -> &'static str;
    /// The `kaizen` arguments that define it; `--case K` appended replays a case.
    fn command(&self) -> Vec<String>;
    fn cases(&self) -> u64;
    /// Build what every case needs (simulation models), once, before shards start.
    fn prepare(&mut self) -> anyhow::Result<()>;
    /// Run case `index`; a failing case is a result, not an error.
    fn run_case(&mut self, index: u64) -> CaseResult;
    /// The one-line report of a case that passed.
    fn describe_pass(&self, case: &CaseResult) -> String;
    /// The one-line report of a finished case.
    fn describe(&self, case: &CaseResult) -> String {
        if case.passed {
            self.describe_pass(case)
        } else {
            failure_line(case)
        }
    }
}

pub fn run_args(args: RegressArgs) -> anyhow::Result<()> {
    match args.what {
        RegressWhat::Memctl {
            requests,
            case_requests,
            seed,
            mutant,
            teeth,
            sharding,
        } => {
            if teeth {
                return super::memctl::regress::run_teeth(seed);
            }
            let mut r = super::memctl::regress::MemctlRegression::new(
                requests,
                case_requests,
                seed,
                mutant,
            )?;
            shards::run(&mut r, &sharding)
        }
        RegressWhat::D2d {
            flits,
            channel_flits,
            seed,
            teeth,
            sharding,
        } => {
            if teeth {
                return super::d2d::regress::run_teeth(seed);
            }
            let mut r = super::d2d::regress::D2dRegression::new(flits, channel_flits, seed)?;
            shards::run(&mut r, &sharding)
        }
        RegressWhat::Collect { dir } => collect_and_report(&dir),
    }
}

/// A teeth run's tally: each mutant caught (by which trace or channel) or
/// missed; an error at the end naming every mutant no test caught.
#[derive(Default)]
pub(crate) struct Teeth {
    survivors: Vec<String>,
}

impl Teeth {
    /// `caught`: where the mutant failed and the error's first line.
    pub fn record(&mut self, mutant: &str, caught: Option<(&str, &str)>) {
        match caught {
            Some((by, e)) => println!(
                "caught   {mutant:<34} by {by}: {}",
                e.lines().next().unwrap_or("")
            ),
            None => {
                println!("MISSED   {mutant}");
                self.survivors.push(mutant.to_string());
            }
        }
    }

    pub fn finish(self) -> anyhow::Result<()> {
        if !self.survivors.is_empty() {
            bail!(
                "{} mutant(s) survived: {}",
                self.survivors.len(),
                self.survivors.join(", ")
            );
        }
        Ok(())
    }
}

/// A failed case's report line: what it was, its seed, the failure's first line.
fn failure_line(c: &CaseResult) -> String {
    format!(
        "{} (seed {}): {}",
        c.name,
        c.seed,
        c.failure
            .as_deref()
            .and_then(|f| f.lines().next())
            .unwrap_or("failed")
    )
}
