//! Where shards run: as processes of this `kaizen` on this machine, or as
//! one Slurm job array. Either way each shard is `kaizen <regression>
//! --shards N --shard I --out DIR`, its output in `DIR/shard-I.log`, and
//! progress is read from those logs.

use super::shards::{FAIL_MARK, PASS_MARK};
use super::{Regression, Sharding};
use crate::cli::progress::Progress;
use crate::cli::Engine;
use anyhow::Context;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

pub fn run_shards(reg: &dyn Regression, s: &Sharding, out: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
    // Jobs may start elsewhere (a Slurm node's working directory): absolute paths.
    let out = std::fs::canonicalize(out)?;
    let shard_args = |i: &str| -> Vec<String> {
        let mut a = reg.command();
        a.extend([
            "--shards".into(),
            s.shards.to_string(),
            "--shard".into(),
            i.to_string(),
            "--out".into(),
            out.display().to_string(),
            "--quiet".into(),
        ]);
        a
    };
    let mut progress = Progress::new(
        &format!("regress {} ({} shards)", reg.name(), s.shards),
        "cases",
        reg.cases(),
    );
    let logs: Vec<PathBuf> = (0..s.shards)
        .map(|i| out.join(format!("shard-{i}.log")))
        .collect();
    match s.engine {
        Engine::Local => run_local(&shard_args, s.shards, &logs, &mut progress)?,
        Engine::Slurm => {
            let job = crate::cli::slurm::ArrayJob {
                name: &format!("regress-{}", reg.name()),
                dir: &out,
                prefix: "shard",
                tasks: (0..s.shards).map(|i| shard_args(&i.to_string())).collect(),
            };
            // A failing shard still writes its result; collect judges it.
            job.run(|queue| {
                progress.note(queue);
                let (done, failed) = count_cases(&logs);
                progress.set(done, failed);
            })?;
        }
    }
    let (done, failed) = count_cases(&logs);
    progress.set(done, failed);
    progress.finish();
    Ok(())
}

/// Shards as child processes, one per core at a time (`KAIZEN_JOBS`).
fn run_local(
    shard_args: &dyn Fn(&str) -> Vec<String>,
    shards: u64,
    logs: &[PathBuf],
    progress: &mut Progress,
) -> anyhow::Result<()> {
    let exe = std::env::current_exe().context("finding this kaizen executable")?;
    let jobs = crate::cli::flow::jobs(shards as usize);
    let mut next = 0u64;
    let mut running: Vec<Child> = vec![];
    loop {
        while running.len() < jobs && next < shards {
            let log = std::fs::File::create(&logs[next as usize])
                .with_context(|| format!("creating {}", logs[next as usize].display()))?;
            let child = Command::new(&exe)
                .args(shard_args(&next.to_string()))
                .stdin(Stdio::null())
                .stdout(log.try_clone()?)
                .stderr(log)
                .spawn()
                .with_context(|| format!("starting shard {next}"))?;
            running.push(child);
            next += 1;
        }
        // A failing shard still writes its result; collect judges it.
        running.retain_mut(|c| matches!(c.try_wait(), Ok(None)));
        let (done, failed) = count_cases(logs);
        progress.set(done, failed);
        if running.is_empty() && next == shards {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// Cases finished and failed so far, from the shards' logs.
fn count_cases(logs: &[PathBuf]) -> (u64, u64) {
    let (mut done, mut failed) = (0, 0);
    for log in logs {
        let Ok(text) = std::fs::read_to_string(log) else {
            continue;
        };
        for l in text.lines() {
            if l.starts_with(PASS_MARK) {
                done += 1;
            } else if l.starts_with(FAIL_MARK) {
                done += 1;
                failed += 1;
            }
        }
    }
    (done, failed)
}
